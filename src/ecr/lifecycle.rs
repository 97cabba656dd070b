use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError, MAX_PAGE_SMALL, convert};
use crate::model::{
    Digest, LifecyclePolicy, LifecyclePreview, LifecyclePreviewResult, PreviewStatus,
};

/// The lifecycle policy, or `None` when the repository has none.
pub async fn get_lifecycle_policy(
    c: &EcrClient,
    repo: &str,
) -> Result<Option<LifecyclePolicy>, EcrError> {
    let req = c
        .sdk
        .get_lifecycle_policy()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo);
    match c.run("GetLifecyclePolicy", || req.clone().send()).await {
        Ok(out) => Ok(Some(LifecyclePolicy {
            repository: out.repository_name().unwrap_or(repo).to_owned(),
            text: out.lifecycle_policy_text().unwrap_or_default().to_owned(),
            last_evaluated_at: convert::millis(out.last_evaluated_at()),
        })),
        Err(EcrError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn put_lifecycle_policy(c: &EcrClient, repo: &str, text: &str) -> Result<(), EcrError> {
    let req = c
        .sdk
        .put_lifecycle_policy()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .lifecycle_policy_text(text);
    c.run("PutLifecyclePolicy", || req.clone().send())
        .await
        .map(|_| ())
}

pub async fn delete_lifecycle_policy(c: &EcrClient, repo: &str) -> Result<(), EcrError> {
    let req = c
        .sdk
        .delete_lifecycle_policy()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo);
    c.run("DeleteLifecyclePolicy", || req.clone().send())
        .await
        .map(|_| ())
}

/// Starts a preview of `text` (or of the stored policy when `None`).
pub async fn start_lifecycle_policy_preview(
    c: &EcrClient,
    repo: &str,
    text: Option<&str>,
) -> Result<PreviewStatus, EcrError> {
    let req = c
        .sdk
        .start_lifecycle_policy_preview()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .set_lifecycle_policy_text(text.map(str::to_owned));
    let out = c
        .run("StartLifecyclePolicyPreview", || req.clone().send())
        .await?;
    Ok(out.status().map_or(PreviewStatus::InProgress, |s| {
        PreviewStatus::from_api(s.as_str())
    }))
}

/// The preview's status and, once complete, every result (pages of 100).
pub async fn get_lifecycle_policy_preview(
    c: &EcrClient,
    repo: &str,
) -> Result<LifecyclePreview, EcrError> {
    let mut preview = LifecyclePreview::default();
    let mut token: Option<String> = None;
    let mut paging = super::Paging::new("GetLifecyclePolicyPreview");
    loop {
        let req = c
            .sdk
            .get_lifecycle_policy_preview()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .max_results(MAX_PAGE_SMALL)
            .set_next_token(token.take());
        let out = c
            .run("GetLifecyclePolicyPreview", || req.clone().send())
            .await?;
        preview.status = out.status().map_or(PreviewStatus::InProgress, |s| {
            PreviewStatus::from_api(s.as_str())
        });
        preview.expiring_image_count = out.summary().and_then(|s| s.expiring_image_total_count());
        preview.transitioning_image_count = out.summary().and_then(|s| {
            let counts = s.transitioning_image_total_counts();
            (!counts.is_empty()).then(|| {
                counts
                    .iter()
                    .filter_map(|c| c.image_total_count())
                    .fold(0i32, i32::saturating_add)
            })
        });
        preview
            .results
            .extend(out.preview_results().iter().map(preview_result));
        if preview.status != PreviewStatus::Complete {
            return Ok(preview);
        }
        match paging.next(out.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(preview),
        }
    }
}

fn preview_result(r: &t::LifecyclePolicyPreviewResult) -> LifecyclePreviewResult {
    LifecyclePreviewResult {
        digest: r.image_digest().and_then(Digest::parse),
        tags: r.image_tags().to_vec(),
        pushed_at: convert::millis(r.image_pushed_at()),
        rule_priority: r.applied_rule_priority(),
        action: r
            .action()
            .and_then(|a| a.r#type())
            .map_or_else(|| "EXPIRE".to_owned(), |t| t.as_str().to_owned()),
    }
}
