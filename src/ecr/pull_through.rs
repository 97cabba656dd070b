use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError, MAX_PAGE, convert};
use crate::model::{NewPullThroughRule, PullThroughRule, PullThroughValidation};

pub async fn describe_pull_through_cache_rules(
    c: &EcrClient,
) -> Result<Vec<PullThroughRule>, EcrError> {
    let mut token: Option<String> = None;
    let mut all = Vec::new();
    let mut paging = super::Paging::new("DescribePullThroughCacheRules");
    loop {
        let req = c
            .sdk
            .describe_pull_through_cache_rules()
            .set_registry_id(c.registry_id.clone())
            .max_results(MAX_PAGE)
            .set_next_token(token.take());
        let out = c
            .run("DescribePullThroughCacheRules", || req.clone().send())
            .await?;
        all.extend(
            out.pull_through_cache_rules()
                .iter()
                .map(convert::pull_through_rule),
        );
        match paging.next(out.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
}

pub async fn create_pull_through_cache_rule(
    c: &EcrClient,
    new: &NewPullThroughRule,
) -> Result<PullThroughRule, EcrError> {
    let req = c
        .sdk
        .create_pull_through_cache_rule()
        .set_registry_id(c.registry_id.clone())
        .ecr_repository_prefix(&new.ecr_repository_prefix)
        .upstream_registry_url(&new.upstream_registry_url)
        .set_upstream_registry(
            new.upstream_registry
                .as_deref()
                .map(t::UpstreamRegistry::from),
        )
        .set_credential_arn(new.credential_arn.clone())
        .set_custom_role_arn(new.custom_role_arn.clone())
        .set_upstream_repository_prefix(new.upstream_repository_prefix.clone());
    let out = c
        .run("CreatePullThroughCacheRule", || req.clone().send())
        .await?;
    Ok(PullThroughRule {
        ecr_repository_prefix: out.ecr_repository_prefix().unwrap_or_default().to_owned(),
        upstream_registry_url: out.upstream_registry_url().unwrap_or_default().to_owned(),
        upstream_registry: out.upstream_registry().map(|u| u.as_str().to_owned()),
        credential_arn: out.credential_arn().map(str::to_owned),
        custom_role_arn: out.custom_role_arn().map(str::to_owned),
        upstream_repository_prefix: out.upstream_repository_prefix().map(str::to_owned),
        registry_id: out.registry_id().map(str::to_owned),
        created_at: convert::millis(out.created_at()),
        updated_at: None,
    })
}

/// Only the credential and the custom role can change; anything else is a
/// delete + create.
pub async fn update_pull_through_cache_rule(
    c: &EcrClient,
    prefix: &str,
    credential_arn: Option<&str>,
    custom_role_arn: Option<&str>,
) -> Result<(), EcrError> {
    let req = c
        .sdk
        .update_pull_through_cache_rule()
        .set_registry_id(c.registry_id.clone())
        .ecr_repository_prefix(prefix)
        .set_credential_arn(credential_arn.map(str::to_owned))
        .set_custom_role_arn(custom_role_arn.map(str::to_owned));
    c.run("UpdatePullThroughCacheRule", || req.clone().send())
        .await
        .map(|_| ())
}

pub async fn delete_pull_through_cache_rule(c: &EcrClient, prefix: &str) -> Result<(), EcrError> {
    let req = c
        .sdk
        .delete_pull_through_cache_rule()
        .set_registry_id(c.registry_id.clone())
        .ecr_repository_prefix(prefix);
    c.run("DeletePullThroughCacheRule", || req.clone().send())
        .await
        .map(|_| ())
}

pub async fn validate_pull_through_cache_rule(
    c: &EcrClient,
    prefix: &str,
) -> Result<PullThroughValidation, EcrError> {
    let req = c
        .sdk
        .validate_pull_through_cache_rule()
        .set_registry_id(c.registry_id.clone())
        .ecr_repository_prefix(prefix);
    let out = c
        .run("ValidatePullThroughCacheRule", || req.clone().send())
        .await?;
    Ok(PullThroughValidation {
        is_valid: out.is_valid(),
        failure: out.failure().map(str::to_owned),
    })
}
