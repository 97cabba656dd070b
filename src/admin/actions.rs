//! Administration's actions: open an editor (pinned to its target), save
//! a change (each checked before any call by the dialog that sends it).

use crate::app::EcrscopeApp;
use crate::message::{AdminCommand, Command};
use crate::model::{
    AccountSetting, CreationTemplate, Digest, RegistryKey, RegistrySpec, ReplicationRule, RepoRef,
};
use crate::state::{FollowUp, NoticeLevel};

/// Which policy an editor or a save is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyTarget {
    Repository(RepoRef),
    Registry(RegistrySpec),
}

impl PolicyTarget {
    pub fn registry(&self) -> &RegistrySpec {
        match self {
            Self::Repository(r) => &r.registry,
            Self::Registry(s) => s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum AdminAction {
    /// The policy editor for a repository's or the registry's policy.
    OpenPolicy(PolicyTarget),
    /// Put (`Some`) or delete (`None`) a policy. Deleting a repository's
    /// policy is the Permissions tab's own action.
    SavePolicy(PolicyTarget, Option<String>),
    /// The replication rules editor.
    OpenReplication(RegistryKey),
    SaveReplication(RegistrySpec, Vec<ReplicationRule>),
    SetAccountSetting(RegistrySpec, AccountSetting, String),
    /// Register (`true`) or deregister a pull-time update exclusion.
    Exclude(RegistrySpec, String, bool),
    /// Find the principal the registry's calls are signed as.
    WhoAmI(RegistrySpec),
    /// Replication statuses of these images (not asked yet ones only).
    NeedReplicationStatus(RepoRef, Vec<Digest>),
    /// Ask again for a status that could not be read.
    RetryReplicationStatus(RepoRef, Digest),
    /// The template dialog: a new template (`None`) or the one of a prefix.
    OpenTemplate(RegistryKey, Option<String>),
    /// Create (`true`) or update a template.
    SaveTemplate(RegistrySpec, Box<CreationTemplate>, bool),
    DeleteTemplate(RegistrySpec, String),
}

fn ask(cmd: AdminCommand) -> Vec<FollowUp> {
    vec![FollowUp::Request(Command::Admin(cmd))]
}

impl EcrscopeApp {
    pub(crate) fn on_admin(&mut self, action: AdminAction) -> Vec<FollowUp> {
        match action {
            AdminAction::OpenPolicy(target) => {
                self.open_policy(target);
                Vec::new()
            }
            AdminAction::SavePolicy(PolicyTarget::Registry(spec), text) => {
                ask(AdminCommand::PutRegistryPolicy(spec, text))
            }
            AdminAction::SavePolicy(PolicyTarget::Repository(repo), Some(text)) => {
                ask(AdminCommand::SetRepoPolicy(repo, text))
            }
            AdminAction::SavePolicy(PolicyTarget::Repository(repo), None) => {
                self.on_manage(crate::manage::actions::ManageAction::DeleteRepoPolicy(repo))
            }
            AdminAction::OpenReplication(key) => {
                self.open_replication(&key);
                Vec::new()
            }
            AdminAction::SaveReplication(spec, rules) => {
                ask(AdminCommand::PutReplication(spec, rules))
            }
            AdminAction::SetAccountSetting(spec, setting, value) => {
                ask(AdminCommand::PutAccountSetting(spec, setting, value))
            }
            AdminAction::Exclude(spec, arn, register) => {
                ask(AdminCommand::Exclude(spec, arn, register))
            }
            AdminAction::WhoAmI(spec) => ask(AdminCommand::Caller(spec)),
            AdminAction::RetryReplicationStatus(repo, digest) => {
                self.state.forget_failed_replication_status(&repo, digest);
                self.state.replication_status_for(&repo, digest)
            }
            AdminAction::OpenTemplate(key, prefix) => {
                self.open_template(&key, prefix.as_deref());
                Vec::new()
            }
            AdminAction::SaveTemplate(spec, t, new) => {
                ask(AdminCommand::SaveTemplate(spec, t, new))
            }
            AdminAction::DeleteTemplate(spec, prefix) => {
                ask(AdminCommand::DeleteTemplate(spec, prefix))
            }
            AdminAction::NeedReplicationStatus(repo, digests) => digests
                .into_iter()
                .take(super::replication_status_view::CHECK_AT_MOST)
                .flat_map(|d| self.state.replication_status_for(&repo, d))
                .collect(),
        }
    }

    fn open_policy(&mut self, target: PolicyTarget) {
        let Some(reg) = self.state.registry(&target.registry().key()) else {
            return;
        };
        let (current, what) = match &target {
            PolicyTarget::Registry(_) => {
                if reg.is_cross_account() {
                    self.state.notify(
                        NoticeLevel::Warning,
                        "The registry policy belongs to the account you sign in with: ECR has no call to read or change another account's.",
                    );
                    return;
                }
                (reg.admin.registry_policy.shown(), "registry policy")
            }
            PolicyTarget::Repository(repo) => (
                reg.docs.repo_policy.get(&repo.name).and_then(|r| r.shown()),
                "repository policy",
            ),
        };
        let Some(current) = current else {
            self.state.notify(
                NoticeLevel::Info,
                format!(
                    "The {what} is still loading (or could not be read); try again in a moment."
                ),
            );
            return;
        };
        let (target_key, target_ref) = (target.registry().key(), target.clone());
        let form = super::policy_form::PolicyForm::new(
            target,
            reg.target_line(),
            current.as_deref(),
            reg.info.shown().map(|i| i.registry_id.clone()),
        );
        // A refusal from an earlier try is not this dialog's.
        if let Some(reg) = self.state.registry_mut(&target_key) {
            match &target_ref {
                PolicyTarget::Registry(_) => reg.admin.policy_error = None,
                PolicyTarget::Repository(r) => {
                    reg.admin.repo_policy_error.remove(&r.name);
                }
            }
        }
        self.view
            .open(super::policy_dialog::PolicyDialog::from(form));
    }

    fn open_template(&mut self, key: &RegistryKey, prefix: Option<&str>) {
        let Some(reg) = self.state.registry_mut(key) else {
            return;
        };
        reg.admin.templates_error = None;
        let Some(list) = reg.admin.templates.shown() else {
            return;
        };
        let existing = prefix.and_then(|p| list.iter().find(|t| t.prefix == p));
        if prefix.is_some() && existing.is_none() {
            return;
        }
        let form = super::template_form::TemplateForm::new(
            &reg.spec,
            reg.target_line(),
            existing,
            list.iter().map(|t| t.prefix.clone()).collect(),
        );
        self.view
            .open(super::template_dialog::TemplateDialog::from(form));
    }

    fn open_replication(&mut self, key: &RegistryKey) {
        let Some(reg) = self.state.registry(key) else {
            return;
        };
        if reg.is_cross_account() {
            self.state.notify(
                NoticeLevel::Warning,
                "Replication belongs to the account you sign in with: ECR has no call to change another account's.",
            );
            return;
        }
        let Some(info) = reg.info.shown() else {
            self.state.notify(
                NoticeLevel::Info,
                "The registry's replication rules are still loading; try again in a moment.",
            );
            return;
        };
        let form =
            super::replication_dialog::ReplicationForm::new(&reg.spec, reg.target_line(), info);
        self.view.open(form);
    }
}
