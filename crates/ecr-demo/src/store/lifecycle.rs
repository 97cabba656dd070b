//! Lifecycle policies and their previews.

use super::*;

impl Store {
    pub(super) fn get_lifecycle_policy(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let text = repo.lifecycle.as_ref().ok_or_else(|| {
            err(
                "LifecyclePolicyNotFoundException",
                format!(
                    "Lifecycle policy does not exist for the repository with name '{}'",
                    repo.name
                ),
            )
        })?;
        let mut out = json!({"registryId": self.account, "repositoryName": repo.name, "lifecyclePolicyText": text});
        if let Some(t) = repo.lifecycle_evaluated {
            out["lastEvaluatedAt"] = json!(t);
        }
        Ok(out)
    }

    pub(super) fn put_lifecycle_policy(&mut self, v: &Value) -> Answer {
        let text = req_str(v, "lifecyclePolicyText")?.to_owned();
        lifecycle_eval::parse(&text).map_err(invalid)?;
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        repo.lifecycle = Some(text.clone());
        Ok(json!({"registryId": account, "repositoryName": repo.name, "lifecyclePolicyText": text}))
    }

    pub(super) fn delete_lifecycle_policy(&mut self, v: &Value) -> Answer {
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        let text = repo.lifecycle.take().ok_or_else(|| {
            err(
                "LifecyclePolicyNotFoundException",
                format!(
                    "Lifecycle policy does not exist for the repository with name '{}'",
                    repo.name
                ),
            )
        })?;
        Ok(json!({"registryId": account, "repositoryName": repo.name, "lifecyclePolicyText": text}))
    }

    pub(super) fn start_lifecycle_policy_preview(&mut self, v: &Value) -> Answer {
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        let text = match s(v, "lifecyclePolicyText") {
            Some(t) => t.to_owned(),
            None => repo.lifecycle.clone().ok_or_else(|| {
                err(
                    "LifecyclePolicyNotFoundException",
                    "No lifecycle policy text was given and the repository has none",
                )
            })?,
        };
        lifecycle_eval::parse(&text).map_err(invalid)?;
        if repo.preview.as_ref().is_some_and(|p| now() < p.ready_at) {
            return Err(err(
                "LifecyclePolicyPreviewInProgressException",
                "A preview is already in progress for this repository",
            ));
        }
        repo.preview = Some(Preview {
            text: text.clone(),
            ready_at: now() + 1.0,
        });
        Ok(
            json!({"registryId": account, "repositoryName": repo.name, "lifecyclePolicyText": text, "status": "IN_PROGRESS"}),
        )
    }

    pub(super) fn get_lifecycle_policy_preview(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let preview = repo.preview.as_ref().ok_or_else(|| {
            err(
                "LifecyclePolicyPreviewNotFoundException",
                format!(
                    "There is no preview for the repository with name '{}'",
                    repo.name
                ),
            )
        })?;
        let mut out = json!({"registryId": self.account, "repositoryName": repo.name, "lifecyclePolicyText": preview.text});
        if now() < preview.ready_at {
            out["status"] = json!("IN_PROGRESS");
            return Ok(out);
        }
        let rules = lifecycle_eval::parse(&preview.text).map_err(invalid)?;
        let verdicts = lifecycle_eval::evaluate(&rules, &repo.images, now());
        let (max, start) = page_params(v, 100)?;
        let (page, next) = paged(&verdicts, max, start);
        let results: Vec<Value> = page
            .iter()
            .map(|v| {
                let img = &repo.images[v.index];
                let action = match v.action {
                    lifecycle_eval::ActionKind::Expire => json!({"type": "EXPIRE"}),
                    lifecycle_eval::ActionKind::Transition => {
                        json!({"type": "TRANSITION", "targetStorageClass": "ARCHIVE"})
                    }
                };
                let class = if img.archive.archived { "ARCHIVE" } else { "STANDARD" };
                json!({"imageTags": img.tags, "imageDigest": img.digest.to_string(), "imagePushedAt": img.pushed_at,
                       "action": action, "appliedRulePriority": v.priority, "storageClass": class})
            })
            .collect();
        let transitioning = verdicts
            .iter()
            .filter(|v| v.action == lifecycle_eval::ActionKind::Transition)
            .count();
        out["status"] = json!("COMPLETE");
        out["previewResults"] = json!(results);
        let mut summary = json!({"expiringImageTotalCount": verdicts.len() - transitioning});
        if transitioning > 0 {
            summary["transitioningImageTotalCounts"] =
                json!([{"targetStorageClass": "ARCHIVE", "imageTotalCount": transitioning}]);
        }
        out["summary"] = summary;
        Ok(with_token(out, next))
    }
}
