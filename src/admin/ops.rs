//! Administration's worker operations. Every change is followed by a read
//! of what the registry holds, so the screen shows the server's state after
//! a success and after a refusal alike.

use crate::ecr::{self, EcrClient};
use crate::message::{AccountSettings, AdminCommand, AdminPayload};
use crate::model::{AccountSetting, EcrError};
use crate::worker::Cx;

async fn settings(c: &EcrClient) -> Result<AccountSettings, EcrError> {
    let mut out = Vec::new();
    for s in AccountSetting::ALL {
        let r = ecr::get_account_setting(c, s.name()).await;
        // An endpoint without the call at all: the whole section says so.
        if let Err(e @ EcrError::NotSupported { .. }) = &r {
            return Err(e.clone());
        }
        out.push((s, r));
    }
    Ok(out)
}

/// A change, then the read-back (also after a refusal: the screen shows
/// what the registry holds either way), and the refusal.
async fn then_read<T>(
    change: Result<(), EcrError>,
    read: impl std::future::Future<Output = Result<T, EcrError>>,
) -> (Result<T, EcrError>, Option<EcrError>) {
    (read.await, change.err())
}

/// Runs one administration command on its registry's client.
pub async fn run(cx: &Cx<'_>, cmd: AdminCommand) {
    let c = cx.c();
    let payload = match cmd {
        AdminCommand::RegistryPolicy(_) => {
            AdminPayload::RegistryPolicy(ecr::get_registry_policy(c).await)
        }
        AdminCommand::PutRegistryPolicy(_, text) => {
            let change = match &text {
                Some(t) => ecr::put_registry_policy(c, t).await,
                None => ecr::delete_registry_policy(c).await,
            };
            let (now, failed) = then_read(change, ecr::get_registry_policy(c)).await;
            AdminPayload::RegistryPolicySaved(now, failed)
        }
        AdminCommand::SetRepoPolicy(repo, text) => {
            let change = ecr::set_repository_policy(c, &repo.name, &text).await;
            let (now, failed) = then_read(change, ecr::get_repository_policy(c, &repo.name)).await;
            AdminPayload::RepoPolicySaved(repo, now, failed)
        }
        AdminCommand::PutReplication(_, rules) => {
            let change = ecr::put_replication_configuration(c, &rules).await;
            let (now, failed) = then_read(change, ecr::describe_registry(c)).await;
            AdminPayload::ReplicationSaved(now, failed)
        }
        AdminCommand::ReplicationStatus { repo, digest } => AdminPayload::ReplicationStatus {
            result: ecr::describe_image_replication_status(c, &repo.name, digest).await,
            repo,
            digest,
        },
        AdminCommand::AccountSettings(_) => AdminPayload::AccountSettings(settings(c).await),
        AdminCommand::PutAccountSetting(_, setting, value) => {
            let change = ecr::put_account_setting(c, setting.name(), &value).await;
            let (now, failed) = then_read(change, settings(c)).await;
            AdminPayload::AccountSettingSaved(now, failed)
        }
        AdminCommand::Exclusions(_) => {
            AdminPayload::Exclusions(ecr::list_pull_time_update_exclusions(c).await)
        }
        AdminCommand::Exclude(_, arn, register) => {
            let change = if register {
                ecr::register_pull_time_update_exclusion(c, &arn).await
            } else {
                ecr::deregister_pull_time_update_exclusion(c, &arn).await
            };
            let (now, failed) = then_read(change, ecr::list_pull_time_update_exclusions(c)).await;
            AdminPayload::ExclusionsSaved(now, failed)
        }
        AdminCommand::Caller(_) => AdminPayload::Caller(c.caller_arn().await),
        AdminCommand::Templates(_) => {
            AdminPayload::Templates(ecr::describe_repository_creation_templates(c).await)
        }
        AdminCommand::SaveTemplate(_, template, new) => {
            let change = if new {
                ecr::create_repository_creation_template(c, &template).await
            } else {
                ecr::update_repository_creation_template(c, &template).await
            };
            let (now, failed) =
                then_read(change, ecr::describe_repository_creation_templates(c)).await;
            AdminPayload::TemplatesSaved(now, failed)
        }
        AdminCommand::DeleteTemplate(_, prefix) => {
            let change = ecr::delete_repository_creation_template(c, &prefix).await;
            let (now, failed) =
                then_read(change, ecr::describe_repository_creation_templates(c)).await;
            AdminPayload::TemplatesSaved(now, failed)
        }
    };
    cx.emit(payload).await;
}
