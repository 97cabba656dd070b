//! Pull-through cache rules' actions: the rule form, changes, validation.

use crate::app::EcrscopeApp;
use crate::message::{Command, PullThroughChange, PullThroughCommand};
use crate::model::{NewSecret, RegistryKey, RegistrySpec};
use crate::pull_through::rule_form::RuleForm;
use crate::state::FollowUp;

#[derive(Clone, Debug, PartialEq)]
pub enum PullThroughAction {
    /// Open the rule form: `None` to create, `Some(prefix)` to edit.
    OpenForm(RegistryKey, Option<String>),
    Change(RegistrySpec, PullThroughChange),
    Validate(RegistrySpec, String),
    /// The region's pull-through secrets (the rule form's picker).
    Secrets(RegistrySpec),
    CreateSecret(RegistrySpec, NewSecret),
}

impl EcrscopeApp {
    pub(crate) fn on_pull_through(&mut self, action: PullThroughAction) -> Vec<FollowUp> {
        match action {
            PullThroughAction::OpenForm(key, prefix) => {
                // A secret made from an earlier form is not this one's.
                if let Some(reg) = self.state.registry_mut(&key) {
                    reg.docs.secret_made = None;
                    reg.docs.secret_error = None;
                }
                if let Some(reg) = self.state.registry(&key) {
                    let existing = prefix.and_then(|p| {
                        reg.docs
                            .pull_through
                            .shown()
                            .and_then(|l| l.iter().find(|x| x.ecr_repository_prefix == p))
                    });
                    let account = reg.account().unwrap_or_default().to_owned();
                    let form = RuleForm::new(&reg.spec, reg.target_line(), existing, account);
                    self.view.open(form);
                }
                Vec::new()
            }
            PullThroughAction::Change(registry, change) => {
                vec![FollowUp::Request(Command::PullThrough(
                    PullThroughCommand::Change { registry, change },
                ))]
            }
            PullThroughAction::Secrets(registry) => vec![FollowUp::Request(Command::PullThrough(
                PullThroughCommand::Secrets(registry),
            ))],
            PullThroughAction::CreateSecret(registry, secret) => {
                vec![FollowUp::Request(Command::PullThrough(
                    PullThroughCommand::CreateSecret { registry, secret },
                ))]
            }
            PullThroughAction::Validate(registry, prefix) => {
                vec![FollowUp::Request(Command::PullThrough(
                    PullThroughCommand::Validate { registry, prefix },
                ))]
            }
        }
    }
}
