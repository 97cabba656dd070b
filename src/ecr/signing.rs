//! ECR managed signing: GetSigningConfiguration, PutSigningConfiguration,
//! DeleteSigningConfiguration and DescribeImageSigningStatus. A registry
//! with no configuration answers SigningConfigurationNotFoundException:
//! that is "none", not a failure.

use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError};
use crate::model::{Digest, ImageSigning, SigningConfig, SigningRule};

fn from_sdk(c: &t::SigningConfiguration) -> SigningConfig {
    SigningConfig {
        rules: c
            .rules()
            .iter()
            .map(|r| SigningRule {
                profile_arn: r.signing_profile_arn().to_owned(),
                filters: r
                    .repository_filters()
                    .iter()
                    .map(|f| f.filter().to_owned())
                    .collect(),
            })
            .collect(),
    }
}

fn invalid(e: impl std::fmt::Display) -> EcrError {
    EcrError::InvalidInput {
        detail: e.to_string(),
    }
}

fn to_sdk(c: &SigningConfig) -> Result<t::SigningConfiguration, EcrError> {
    let mut rules = Vec::with_capacity(c.rules.len());
    for r in &c.rules {
        let mut b = t::SigningRule::builder().signing_profile_arn(&r.profile_arn);
        for f in &r.filters {
            b = b.repository_filters(
                t::SigningRepositoryFilter::builder()
                    .filter(f)
                    .filter_type(t::SigningRepositoryFilterType::WildcardMatch)
                    .build()
                    .map_err(invalid)?,
            );
        }
        rules.push(b.build().map_err(invalid)?);
    }
    t::SigningConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(invalid)
}

/// The registry's signing configuration; `None` when it has none.
pub async fn get_signing_configuration(c: &EcrClient) -> Result<Option<SigningConfig>, EcrError> {
    let req = c.sdk.get_signing_configuration();
    match c
        .run("GetSigningConfiguration", || req.clone().send())
        .await
    {
        Ok(out) => Ok(out.signing_configuration().map(from_sdk)),
        Err(EcrError::NotFound { what }) if what.starts_with("The signing configuration") => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Replaces the registry's signing configuration; what ECR holds after.
pub async fn put_signing_configuration(
    c: &EcrClient,
    config: &SigningConfig,
) -> Result<SigningConfig, EcrError> {
    let req = c
        .sdk
        .put_signing_configuration()
        .signing_configuration(to_sdk(config)?);
    let out = c
        .run("PutSigningConfiguration", || req.clone().send())
        .await?;
    Ok(out
        .signing_configuration()
        .map_or_else(|| config.clone(), from_sdk))
}

/// Removes the registry's signing configuration.
pub async fn delete_signing_configuration(c: &EcrClient) -> Result<(), EcrError> {
    let req = c.sdk.delete_signing_configuration();
    c.run("DeleteSigningConfiguration", || req.clone().send())
        .await
        .map(|_| ())
}

/// An image's signing status, one entry per signing profile (none: ECR
/// managed signing did not sign it).
pub async fn describe_image_signing_status(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
) -> Result<Vec<ImageSigning>, EcrError> {
    let req = c
        .sdk
        .describe_image_signing_status()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .image_id(
            t::ImageIdentifier::builder()
                .image_digest(digest.to_string())
                .build(),
        );
    let out = c
        .run("DescribeImageSigningStatus", || req.clone().send())
        .await?;
    Ok(out
        .signing_statuses()
        .iter()
        .map(|s| ImageSigning {
            profile_arn: s.signing_profile_arn().map(str::to_owned),
            status: s
                .status()
                .map_or_else(|| "UNKNOWN".to_owned(), |s| s.as_str().to_owned()),
            failure_code: s.failure_code().map(str::to_owned),
            failure_reason: s.failure_reason().map(str::to_owned),
        })
        .collect())
}
