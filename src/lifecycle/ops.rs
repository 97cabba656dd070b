//! Lifecycle policies' worker operations: read, put or delete (then read
//! again), and previews polled until ECR has evaluated them.

use crate::ecr::{self, EcrClient};
use crate::message::{LifecycleCommand, LifecyclePayload};
use crate::model::{EcrError, PreviewStatus};
use crate::worker::Cx;

pub async fn run(cx: &Cx<'_>, cmd: LifecycleCommand) {
    match cmd {
        LifecycleCommand::Load(repo) => {
            let result = ecr::get_lifecycle_policy(cx.c(), &repo.name).await;
            cx.emit(LifecyclePayload::Policy { repo, result }).await;
        }
        LifecycleCommand::Change { repo, text } => {
            let result = match &text {
                Some(t) => ecr::put_lifecycle_policy(cx.c(), &repo.name, t).await,
                None => ecr::delete_lifecycle_policy(cx.c(), &repo.name).await,
            };
            cx.emit(LifecyclePayload::Changed {
                repo: repo.clone(),
                deleted: text.is_none(),
                result,
            })
            .await;
            let reread = ecr::get_lifecycle_policy(cx.c(), &repo.name).await;
            cx.emit(LifecyclePayload::Policy {
                repo,
                result: reread,
            })
            .await;
        }
        LifecycleCommand::Preview { repo, text } => {
            let result = preview_lifecycle(cx.c(), &repo.name, &text).await;
            cx.emit(LifecyclePayload::Preview { repo, result }).await;
        }
    }
}

/// StartLifecyclePolicyPreview, then GetLifecyclePolicyPreview with backoff
/// (250 ms, x1.5, at most 5 s) for up to two minutes: ECR evaluates in the
/// background.
async fn preview_lifecycle(
    c: &EcrClient,
    repo: &str,
    text: &str,
) -> Result<crate::model::LifecyclePreview, EcrError> {
    ecr::start_lifecycle_policy_preview(c, repo, Some(text)).await?;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut wait = std::time::Duration::from_millis(250);
    loop {
        let p = ecr::get_lifecycle_policy_preview(c, repo).await?;
        if p.status != PreviewStatus::InProgress || tokio::time::Instant::now() > deadline {
            return Ok(p);
        }
        tokio::time::sleep(wait).await;
        wait = (wait.mul_f64(1.5)).min(std::time::Duration::from_secs(5));
    }
}
