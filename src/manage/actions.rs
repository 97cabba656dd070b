//! Changes' actions: repository settings (one or many), create and delete
//! repositories, image changes. Each carries its target from the click.

use crate::app::EcrscopeApp;
use crate::manage::bulk_dialog::BulkForm;
use crate::manage::create_dialog::{CreateRepoForm, DeleteRepoForm};
use crate::manage::settings_dialog::RepoSettingsForm;
use crate::message::{Command, ImageChange, ManageCommand, RepoChange};
use crate::model::{NewRepository, RegistryKey, RegistrySpec, RepoRef, TagMutabilitySetting};
use crate::state::FollowUp;

#[derive(Clone, Debug, PartialEq)]
pub enum ManageAction {
    /// The bulk settings dialog for these repositories.
    OpenBulk(RegistryKey, Vec<String>),
    ApplyBulk(RegistrySpec, Vec<String>, RepoChange),
    OpenRepoSettings(RepoRef),
    ApplyTagMutability(RepoRef, TagMutabilitySetting),
    SetScanOnPush(RepoRef, bool),
    /// Any settings change of one repository (resource tags).
    ChangeRepository(RepoRef, RepoChange),
    /// Optionally prefilled from an existing repository.
    OpenCreateRepository(RegistryKey, Option<String>),
    CreateRepository(RegistrySpec, NewRepository),
    OpenDeleteRepository(RepoRef),
    DeleteRepository(RepoRef),
    ChangeImages(RepoRef, ImageChange),
    /// Delete the repository policy (after the confirmation).
    DeleteRepoPolicy(RepoRef),
}

impl EcrscopeApp {
    pub(crate) fn on_manage(&mut self, action: ManageAction) -> Vec<FollowUp> {
        match action {
            ManageAction::ChangeImages(repo, change) => {
                if matches!(change, ImageChange::Delete(_)) {
                    self.view.images.selection.clear();
                }
                vec![FollowUp::Request(Command::Manage(
                    ManageCommand::ChangeImages { repo, change },
                ))]
            }
            ManageAction::ApplyBulk(registry, names, change) => names
                .into_iter()
                .filter_map(|n| {
                    // Resource tags go by each repository's own ARN.
                    let change = match &change {
                        RepoChange::ResourceTags { set, remove, .. } => {
                            let arn = self
                                .state
                                .registry(&registry.key())
                                .and_then(|r| r.repository(&n))
                                .map(|r| r.arn.clone())?;
                            RepoChange::ResourceTags {
                                arn,
                                set: set.clone(),
                                remove: remove.clone(),
                            }
                        }
                        other => other.clone(),
                    };
                    self.state
                        .change_request(RepoRef::new(&registry, &n), change)
                })
                .collect(),
            ManageAction::ApplyTagMutability(repo, setting) => self
                .state
                .change_request(repo, RepoChange::TagMutability(setting))
                .into_iter()
                .collect(),
            ManageAction::SetScanOnPush(repo, on) => self
                .state
                .change_request(repo, RepoChange::ScanOnPush(on))
                .into_iter()
                .collect(),
            ManageAction::ChangeRepository(repo, change) => self
                .state
                .change_request(repo, change)
                .into_iter()
                .collect(),
            ManageAction::CreateRepository(registry, new) => {
                if self.state.creating.is_some() {
                    Vec::new()
                } else {
                    vec![FollowUp::Request(Command::Manage(
                        ManageCommand::CreateRepository { registry, new },
                    ))]
                }
            }
            // The confirmation named the images that go with it: force.
            ManageAction::DeleteRepository(repo) => {
                vec![FollowUp::Request(Command::Manage(
                    ManageCommand::DeleteRepository { repo, force: true },
                ))]
            }
            ManageAction::DeleteRepoPolicy(repo) => {
                vec![FollowUp::Request(Command::Manage(
                    ManageCommand::DeleteRepoPolicy(repo),
                ))]
            }
            ManageAction::OpenBulk(key, names) => {
                if let Some(reg) = self.state.registry(&key) {
                    let form = BulkForm::new(&reg.spec, reg.target_line(), names);
                    self.view.open(form);
                }
                Vec::new()
            }
            ManageAction::OpenRepoSettings(repo) => {
                let reg = self.state.registry(&repo.key());
                if let Some((reg, r)) =
                    reg.and_then(|reg| reg.repository(&repo.name).map(|r| (reg, r)))
                {
                    let form = RepoSettingsForm::new(repo.clone(), reg.target_line(), r);
                    self.view.open(form);
                }
                Vec::new()
            }
            ManageAction::OpenCreateRepository(key, like) => {
                self.state.create_error = None;
                if let Some(reg) = self.state.registry(&key) {
                    let form = match like.and_then(|n| reg.repository(&n)) {
                        Some(r) => CreateRepoForm::like(r, &reg.spec, reg.target_line()),
                        None => CreateRepoForm::new(&reg.spec, reg.target_line()),
                    };
                    self.view.open(form);
                }
                Vec::new()
            }
            ManageAction::OpenDeleteRepository(repo) => {
                if let Some(reg) = self.state.registry(&repo.key()) {
                    let images = reg
                        .images
                        .get(&repo.name)
                        .and_then(crate::state::RepoImages::totals)
                        .map(|t| t.images());
                    let form = DeleteRepoForm {
                        target: reg.target_line(),
                        repo,
                        typed: String::new(),
                        images,
                    };
                    self.view.open(form);
                }
                Vec::new()
            }
        }
    }
}
