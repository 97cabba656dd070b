//! Registry administration calls: the registry policy
//! (Get/Put/DeleteRegistryPolicy), the replication configuration
//! (PutReplicationConfiguration; read through DescribeRegistry), an image's
//! replication status, account settings and pull-time update exclusions.
//! "None there" answers (RegistryPolicyNotFoundException) are `None`, not
//! failures.

use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError};
use crate::model::{Digest, ReplicationRule, ReplicationStatus};

fn invalid(e: impl std::fmt::Display) -> EcrError {
    EcrError::InvalidInput {
        detail: e.to_string(),
    }
}

/// The registry policy's JSON, or `None` when the registry has none.
pub async fn get_registry_policy(c: &EcrClient) -> Result<Option<String>, EcrError> {
    let req = c.sdk.get_registry_policy();
    match c.run("GetRegistryPolicy", || req.clone().send()).await {
        Ok(out) => Ok(out.policy_text().map(str::to_owned)),
        Err(EcrError::NotFound { what }) if what == "The registry policy" => Ok(None),
        Err(e) => Err(e),
    }
}

pub async fn put_registry_policy(c: &EcrClient, text: &str) -> Result<(), EcrError> {
    let req = c.sdk.put_registry_policy().policy_text(text);
    c.run("PutRegistryPolicy", || req.clone().send()).await?;
    Ok(())
}

pub async fn delete_registry_policy(c: &EcrClient) -> Result<(), EcrError> {
    let req = c.sdk.delete_registry_policy();
    c.run("DeleteRegistryPolicy", || req.clone().send()).await?;
    Ok(())
}

/// Replaces the registry's replication rules (an empty list removes
/// replication).
pub async fn put_replication_configuration(
    c: &EcrClient,
    rules: &[ReplicationRule],
) -> Result<(), EcrError> {
    let mut out = Vec::with_capacity(rules.len());
    for r in rules {
        let mut b = t::ReplicationRule::builder();
        for (region, registry) in &r.destinations {
            b = b.destinations(
                t::ReplicationDestination::builder()
                    .region(region)
                    .registry_id(registry)
                    .build()
                    .map_err(invalid)?,
            );
        }
        // The SDK requires the destinations list even when empty.
        if r.destinations.is_empty() {
            b = b.set_destinations(Some(Vec::new()));
        }
        for f in &r.filters {
            b = b.repository_filters(
                t::RepositoryFilter::builder()
                    .filter(f)
                    .filter_type(t::RepositoryFilterType::PrefixMatch)
                    .build()
                    .map_err(invalid)?,
            );
        }
        out.push(b.build().map_err(invalid)?);
    }
    let config = t::ReplicationConfiguration::builder()
        .set_rules(Some(out))
        .build()
        .map_err(invalid)?;
    let req = c
        .sdk
        .put_replication_configuration()
        .replication_configuration(config);
    c.run("PutReplicationConfiguration", || req.clone().send())
        .await?;
    Ok(())
}

/// Where one image stands in each replication destination.
pub async fn describe_image_replication_status(
    c: &EcrClient,
    repo: &str,
    digest: Digest,
) -> Result<Vec<ReplicationStatus>, EcrError> {
    let req = c
        .sdk
        .describe_image_replication_status()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .image_id(
            t::ImageIdentifier::builder()
                .image_digest(digest.to_string())
                .build(),
        );
    let out = c
        .run("DescribeImageReplicationStatus", || req.clone().send())
        .await?;
    Ok(out
        .replication_statuses()
        .iter()
        .map(|s| ReplicationStatus {
            region: s.region().unwrap_or_default().to_owned(),
            registry_id: s.registry_id().unwrap_or_default().to_owned(),
            status: s.status().map_or("UNKNOWN", |v| v.as_str()).to_owned(),
            failure_code: s.failure_code().map(str::to_owned),
        })
        .collect())
}

/// One account setting's value (`None`: the service gave none).
pub async fn get_account_setting(c: &EcrClient, name: &str) -> Result<Option<String>, EcrError> {
    let req = c.sdk.get_account_setting().name(name);
    let out = c.run("GetAccountSetting", || req.clone().send()).await?;
    Ok(out.value().map(str::to_owned))
}

pub async fn put_account_setting(c: &EcrClient, name: &str, value: &str) -> Result<(), EcrError> {
    let req = c.sdk.put_account_setting().name(name).value(value);
    c.run("PutAccountSetting", || req.clone().send()).await?;
    Ok(())
}

/// Every principal whose pulls do not update the last recorded pull time
/// (all pages, up to the paging cap).
pub async fn list_pull_time_update_exclusions(c: &EcrClient) -> Result<Vec<String>, EcrError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    // A repeated token (a lying server) or endless pages end in an error.
    let mut paging = super::Paging::new("ListPullTimeUpdateExclusions");
    loop {
        let req = c
            .sdk
            .list_pull_time_update_exclusions()
            .max_results(100)
            .set_next_token(token.clone());
        let page = c
            .run("ListPullTimeUpdateExclusions", || req.clone().send())
            .await?;
        out.extend(page.pull_time_update_exclusions().iter().cloned());
        token = paging.next(page.next_token())?;
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

pub async fn register_pull_time_update_exclusion(
    c: &EcrClient,
    principal_arn: &str,
) -> Result<(), EcrError> {
    let req = c
        .sdk
        .register_pull_time_update_exclusion()
        .principal_arn(principal_arn);
    c.run("RegisterPullTimeUpdateExclusion", || req.clone().send())
        .await?;
    Ok(())
}

pub async fn deregister_pull_time_update_exclusion(
    c: &EcrClient,
    principal_arn: &str,
) -> Result<(), EcrError> {
    let req = c
        .sdk
        .deregister_pull_time_update_exclusion()
        .principal_arn(principal_arn);
    c.run("DeregisterPullTimeUpdateExclusion", || req.clone().send())
        .await?;
    Ok(())
}
