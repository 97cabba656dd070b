use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError, MAX_PAGE, convert};
use crate::model::{EncryptionType, NewRepository, Repository, TagMutabilitySetting};

/// Every repository in the registry, all pages.
pub async fn describe_repositories(c: &EcrClient) -> Result<Vec<Repository>, EcrError> {
    let mut all = Vec::new();
    let mut token = None;
    let mut paging = super::Paging::new("DescribeRepositories");
    loop {
        let (page, next) = describe_repositories_page(c, token).await?;
        all.extend(page);
        match paging.next(next.as_deref())? {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
}

/// One page of DescribeRepositories (1000 a page) and the token of the next
/// page, if any. Callers that stream pages to the UI loop over this.
pub async fn describe_repositories_page(
    c: &EcrClient,
    token: Option<String>,
) -> Result<(Vec<Repository>, Option<String>), EcrError> {
    let req = c
        .sdk
        .describe_repositories()
        .set_registry_id(c.registry_id.clone())
        .max_results(MAX_PAGE)
        .set_next_token(token);
    let out = c.run("DescribeRepositories", || req.clone().send()).await?;
    let page = out.repositories().iter().map(convert::repository).collect();
    Ok((
        page,
        out.next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
    ))
}

pub async fn create_repository(c: &EcrClient, new: &NewRepository) -> Result<Repository, EcrError> {
    let invalid = |e: aws_sdk_ecr::error::BuildError| EcrError::InvalidInput {
        detail: e.to_string(),
    };
    let mut enc = t::EncryptionConfiguration::builder()
        .encryption_type(t::EncryptionType::from(new.encryption.kind.as_api()));
    if new.encryption.kind != EncryptionType::Aes256 {
        enc = enc.set_kms_key(new.encryption.kms_key.clone());
    }
    let mut req = c
        .sdk
        .create_repository()
        .set_registry_id(c.registry_id.clone())
        .repository_name(&new.name)
        .image_tag_mutability(t::ImageTagMutability::from(
            new.tag_mutability.mode.as_api(),
        ))
        .encryption_configuration(enc.build().map_err(invalid)?)
        .image_scanning_configuration(
            t::ImageScanningConfiguration::builder()
                .scan_on_push(new.scan_on_push)
                .build(),
        );
    for f in exclusion_filters(&new.tag_mutability)? {
        req = req.image_tag_mutability_exclusion_filters(f);
    }
    for (k, v) in &new.tags {
        req = req.tags(t::Tag::builder().key(k).value(v).build().map_err(invalid)?);
    }
    let out = c.run("CreateRepository", || req.clone().send()).await?;
    out.repository()
        .map(convert::repository)
        .ok_or_else(|| EcrError::Other {
            operation: "CreateRepository".into(),
            detail: "the answer held no repository".into(),
        })
}

/// Deletes a repository; `force` deletes its images with it.
pub async fn delete_repository(c: &EcrClient, name: &str, force: bool) -> Result<(), EcrError> {
    let req = c
        .sdk
        .delete_repository()
        .set_registry_id(c.registry_id.clone())
        .repository_name(name)
        .force(force);
    c.run("DeleteRepository", || req.clone().send())
        .await
        .map(|_| ())
}

pub(super) fn exclusion_filters(
    s: &TagMutabilitySetting,
) -> Result<Vec<t::ImageTagMutabilityExclusionFilter>, EcrError> {
    if !s.mode.needs_filters() {
        return Ok(Vec::new());
    }
    s.exclusion_filters
        .iter()
        .map(|f| {
            t::ImageTagMutabilityExclusionFilter::builder()
                .filter_type(t::ImageTagMutabilityExclusionFilterType::Wildcard)
                .filter(f)
                .build()
                .map_err(|e| EcrError::InvalidInput {
                    detail: e.to_string(),
                })
        })
        .collect()
}

/// Sets the tag mutability mode and filters; returns what the server answered.
pub async fn put_image_tag_mutability(
    c: &EcrClient,
    repo: &str,
    setting: &TagMutabilitySetting,
) -> Result<TagMutabilitySetting, EcrError> {
    let req = c
        .sdk
        .put_image_tag_mutability()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .image_tag_mutability(t::ImageTagMutability::from(setting.mode.as_api()))
        .set_image_tag_mutability_exclusion_filters(
            Some(exclusion_filters(setting)?).filter(|v| !v.is_empty()),
        );
    let out = c
        .run("PutImageTagMutability", || req.clone().send())
        .await?;
    Ok(TagMutabilitySetting {
        mode: out
            .image_tag_mutability()
            .and_then(|m| crate::model::TagMutability::from_api(m.as_str()))
            .unwrap_or(setting.mode),
        exclusion_filters: out
            .image_tag_mutability_exclusion_filters()
            .iter()
            .map(|f| f.filter().to_owned())
            .collect(),
    })
}

/// The older per-repository scan-on-push switch; returns the server's value.
pub async fn put_image_scanning_configuration(
    c: &EcrClient,
    repo: &str,
    scan_on_push: bool,
) -> Result<bool, EcrError> {
    let req = c
        .sdk
        .put_image_scanning_configuration()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .image_scanning_configuration(
            t::ImageScanningConfiguration::builder()
                .scan_on_push(scan_on_push)
                .build(),
        );
    let out = c
        .run("PutImageScanningConfiguration", || req.clone().send())
        .await?;
    Ok(out
        .image_scanning_configuration()
        .map_or(scan_on_push, |s| s.scan_on_push()))
}

/// One repository by name (DescribeRepositories with `repositoryNames`): the
/// re-read after every change, so the screen shows what the server holds.
pub async fn describe_repository(c: &EcrClient, name: &str) -> Result<Repository, EcrError> {
    let req = c
        .sdk
        .describe_repositories()
        .set_registry_id(c.registry_id.clone())
        .repository_names(name);
    let out = c.run("DescribeRepositories", || req.clone().send()).await?;
    out.repositories()
        .first()
        .map(convert::repository)
        .ok_or_else(|| EcrError::NotFound {
            what: format!("The repository '{name}'"),
        })
}
