//! Pull-through cache rules' worker operations; a change re-reads the
//! rules, so the list shows what the server holds.

use crate::ecr::{self, EcrClient};
use crate::message::{PullThroughChange, PullThroughCommand, PullThroughPayload};
use crate::model::EcrError;
use crate::worker::Cx;

pub async fn run(cx: &Cx<'_>, cmd: PullThroughCommand) {
    match cmd {
        PullThroughCommand::Load(_) => {
            let rules = ecr::describe_pull_through_cache_rules(cx.c()).await;
            cx.emit(PullThroughPayload::Rules(rules)).await;
        }
        PullThroughCommand::Change { change, .. } => {
            let result = change_pull_through(cx.c(), &change).await;
            cx.emit(PullThroughPayload::Changed { change, result })
                .await;
            // Re-read, so the list shows what the server holds.
            let rules = ecr::describe_pull_through_cache_rules(cx.c()).await;
            cx.emit(PullThroughPayload::Rules(rules)).await;
        }
        PullThroughCommand::Validate { prefix, .. } => {
            let result = ecr::validate_pull_through_cache_rule(cx.c(), &prefix).await;
            cx.emit(PullThroughPayload::Validated { prefix, result })
                .await;
        }
        PullThroughCommand::Secrets(_) => {
            let list = ecr::list_pull_through_secrets(cx.c()).await;
            cx.emit(PullThroughPayload::Secrets(list)).await;
        }
        PullThroughCommand::CreateSecret { secret, .. } => {
            let made = ecr::create_pull_through_secret(cx.c(), &secret).await;
            // The token is dropped (and overwritten) here, before any
            // answer is handled.
            drop(secret);
            cx.emit(PullThroughPayload::SecretCreated(made)).await;
            let list = ecr::list_pull_through_secrets(cx.c()).await;
            cx.emit(PullThroughPayload::Secrets(list)).await;
        }
    }
}

async fn change_pull_through(c: &EcrClient, change: &PullThroughChange) -> Result<(), EcrError> {
    match change {
        PullThroughChange::Create(new) => ecr::create_pull_through_cache_rule(c, new)
            .await
            .map(|_| ()),
        PullThroughChange::Update {
            prefix,
            credential_arn,
            custom_role_arn,
        } => {
            ecr::update_pull_through_cache_rule(
                c,
                prefix,
                credential_arn.as_deref(),
                custom_role_arn.as_deref(),
            )
            .await
        }
        PullThroughChange::Delete(prefix) => ecr::delete_pull_through_cache_rule(c, prefix).await,
    }
}
