use super::{EcrClient, EcrError, convert};
use crate::model::{AuthToken, RegistryInfo, ReplicationRule};

pub async fn describe_registry(c: &EcrClient) -> Result<RegistryInfo, EcrError> {
    let out = c
        .run("DescribeRegistry", || c.sdk.describe_registry().send())
        .await?;
    let replication_rules = out
        .replication_configuration()
        .map(|rc| {
            rc.rules()
                .iter()
                .map(|r| ReplicationRule {
                    destinations: r
                        .destinations()
                        .iter()
                        .map(|d| (d.region().to_owned(), d.registry_id().to_owned()))
                        .collect(),
                    filters: r
                        .repository_filters()
                        .iter()
                        .map(|f| f.filter().to_owned())
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let registry_id = out.registry_id().unwrap_or_default().to_owned();
    let used = c.endpoint_use();
    // The host of a placeholder account, cut after it: the suffix serves
    // any account (a registry id named on another account's registry).
    let docker_suffix = super::endpoints::docker_host("0", c.region(), used.fips, used.dual_stack)
        .await
        .split_once('.')
        .map(|(_, s)| s.to_owned())
        .unwrap_or_default();
    Ok(RegistryInfo {
        registry_id,
        region: c.region().to_owned(),
        replication_rules,
        docker_suffix,
        endpoint: used.api.clone(),
        endpoint_source: used.source.clone(),
    })
}

/// A docker login token for this registry. The token is decoded into an
/// [`AuthToken`] whose password never reaches `Debug` or a log.
pub async fn get_authorization_token(c: &EcrClient) -> Result<AuthToken, EcrError> {
    let mut req = c.sdk.get_authorization_token();
    if let Some(id) = &c.registry_id {
        #[allow(deprecated)] // registryIds is deprecated but still the way to name another account
        {
            req = req.registry_ids(id);
        }
    }
    let out = c
        .run("GetAuthorizationToken", || req.clone().send())
        .await?;
    let data = out
        .authorization_data()
        .first()
        .ok_or_else(|| EcrError::Other {
            operation: "GetAuthorizationToken".into(),
            detail: "the answer held no token".into(),
        })?;
    AuthToken::from_encoded(
        data.authorization_token().unwrap_or_default(),
        data.proxy_endpoint().unwrap_or_default().to_owned(),
        convert::millis(data.expires_at()),
    )
    .ok_or_else(|| EcrError::Other {
        operation: "GetAuthorizationToken".into(),
        detail: "the token was not in the AWS:<password> form".into(),
    })
}

/// The repository policy JSON, or `None` when the repository has none.
pub async fn get_repository_policy(c: &EcrClient, repo: &str) -> Result<Option<String>, EcrError> {
    let req = c
        .sdk
        .get_repository_policy()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo);
    match c.run("GetRepositoryPolicy", || req.clone().send()).await {
        Ok(out) => Ok(out.policy_text().map(str::to_owned)),
        Err(EcrError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// DeleteRepositoryPolicy. A repository that has none is
/// RepositoryPolicyNotFoundException (a `NotFound`), said as such.
pub async fn delete_repository_policy(c: &EcrClient, repo: &str) -> Result<(), EcrError> {
    let req = c
        .sdk
        .delete_repository_policy()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo);
    c.run("DeleteRepositoryPolicy", || req.clone().send())
        .await?;
    Ok(())
}

/// SetRepositoryPolicy: replaces the repository policy.
pub async fn set_repository_policy(c: &EcrClient, repo: &str, text: &str) -> Result<(), EcrError> {
    let req = c
        .sdk
        .set_repository_policy()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .policy_text(text);
    c.run("SetRepositoryPolicy", || req.clone().send()).await?;
    Ok(())
}
