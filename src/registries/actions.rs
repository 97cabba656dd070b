//! The registry list's actions: add an endpoint or profile and region, and
//! remove one the user added.

use crate::app::EcrscopeApp;
use crate::model::{RegistryKey, RegistrySpec};
use crate::registries::add_dialog::{AddRegistryForm, RemoveRegistryDialog};
use crate::state::{FollowUp, NoticeLevel};

#[derive(Clone, Debug, PartialEq)]
pub enum RegistriesAction {
    OpenAdd,
    Add(RegistrySpec),
    /// Ask before removing an added registry.
    AskRemove(RegistryKey),
    Remove(RegistryKey),
}

impl EcrscopeApp {
    pub(crate) fn on_registries(&mut self, action: RegistriesAction) -> Vec<FollowUp> {
        match action {
            RegistriesAction::OpenAdd => {
                let region = self
                    .state
                    .selected_registry()
                    .map(|r| r.spec.region.clone())
                    .unwrap_or_default();
                self.view.open(AddRegistryForm {
                    region,
                    ..AddRegistryForm::default()
                });
                Vec::new()
            }
            RegistriesAction::Add(spec) => {
                let key = spec.key();
                self.state.settings.added_registries.push(spec);
                let mut follow = self.state.rebuild_registries(None);
                follow.extend(self.state.select_registry(key));
                follow
            }
            RegistriesAction::AskRemove(key) => {
                self.view.open(RemoveRegistryDialog {
                    label: self.registry_label(&key),
                    key,
                });
                Vec::new()
            }
            RegistriesAction::Remove(key) => {
                let label = self.registry_label(&key);
                self.state
                    .settings
                    .added_registries
                    .retain(|r| r.key() != key);
                let follow = self.state.rebuild_registries(None);
                self.state
                    .notify(NoticeLevel::Info, format!("Removed {label}."));
                follow
            }
        }
    }

    fn registry_label(&self, key: &RegistryKey) -> String {
        self.state.registry(key).map_or_else(String::new, |r| {
            format!("{} ({})", r.spec.profile_label(), r.spec.region)
        })
    }
}
