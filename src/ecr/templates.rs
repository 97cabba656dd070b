//! Repository creation templates: Create/Describe/Update/Delete
//! RepositoryCreationTemplate(s). Every field is sent as the template holds
//! it (an update sends them all, so a cleared field is cleared).

use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError, convert};
use crate::model::{
    CreationTemplate, Encryption, EncryptionType, TagMutability, TagMutabilitySetting,
};

fn invalid(e: impl std::fmt::Display) -> EcrError {
    EcrError::InvalidInput {
        detail: e.to_string(),
    }
}

fn from_sdk(x: &t::RepositoryCreationTemplate) -> CreationTemplate {
    let mode = x
        .image_tag_mutability()
        .and_then(|m| TagMutability::from_api(m.as_str()))
        .unwrap_or_default();
    CreationTemplate {
        prefix: x.prefix().unwrap_or_default().to_owned(),
        description: x.description().unwrap_or_default().to_owned(),
        applied_for: x
            .applied_for()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        tag_mutability: TagMutabilitySetting {
            mode,
            exclusion_filters: x
                .image_tag_mutability_exclusion_filters()
                .iter()
                .map(|f| f.filter().to_owned())
                .collect(),
        },
        encryption: x
            .encryption_configuration()
            .map(|e| Encryption {
                kind: EncryptionType::from_api(e.encryption_type().as_str()).unwrap_or_default(),
                kms_key: e.kms_key().map(str::to_owned),
            })
            .unwrap_or_default(),
        resource_tags: x
            .resource_tags()
            .iter()
            .map(|t| (t.key().to_owned(), t.value().to_owned()))
            .collect(),
        lifecycle_policy: x.lifecycle_policy().map(str::to_owned),
        repository_policy: x.repository_policy().map(str::to_owned),
        custom_role_arn: x.custom_role_arn().map(str::to_owned),
        created_at: convert::millis(x.created_at()),
        updated_at: convert::millis(x.updated_at()),
    }
}

/// Every template of the registry (all pages).
pub async fn describe_repository_creation_templates(
    c: &EcrClient,
) -> Result<Vec<CreationTemplate>, EcrError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    // A repeated token (a lying server) or endless pages end in an error.
    let mut paging = super::Paging::new("DescribeRepositoryCreationTemplates");
    loop {
        let req = c
            .sdk
            .describe_repository_creation_templates()
            .max_results(1000)
            .set_next_token(token.clone());
        let page = c
            .run("DescribeRepositoryCreationTemplates", || req.clone().send())
            .await?;
        out.extend(page.repository_creation_templates().iter().map(from_sdk));
        token = paging.next(page.next_token())?;
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

/// The parts both Create and Update take.
struct Parts {
    applied: Vec<t::RctAppliedFor>,
    mutability: t::ImageTagMutability,
    filters: Vec<t::ImageTagMutabilityExclusionFilter>,
    encryption: t::EncryptionConfigurationForRepositoryCreationTemplate,
    tags: Vec<t::Tag>,
}

fn parts(x: &CreationTemplate) -> Result<Parts, EcrError> {
    let mut enc = t::EncryptionConfigurationForRepositoryCreationTemplate::builder()
        .encryption_type(t::EncryptionType::from(x.encryption.kind.as_api()));
    if x.encryption.kind != EncryptionType::Aes256 {
        enc = enc.set_kms_key(x.encryption.kms_key.clone());
    }
    Ok(Parts {
        applied: x
            .applied_for
            .iter()
            .map(|a| t::RctAppliedFor::from(a.as_str()))
            .collect(),
        mutability: t::ImageTagMutability::from(x.tag_mutability.mode.as_api()),
        filters: super::repositories::exclusion_filters(&x.tag_mutability)?,
        encryption: enc.build().map_err(invalid)?,
        tags: x
            .resource_tags
            .iter()
            .map(|(k, v)| t::Tag::builder().key(k).value(v).build().map_err(invalid))
            .collect::<Result<_, _>>()?,
    })
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

pub async fn create_repository_creation_template(
    c: &EcrClient,
    x: &CreationTemplate,
) -> Result<(), EcrError> {
    let p = parts(x)?;
    let req = c
        .sdk
        .create_repository_creation_template()
        .prefix(&x.prefix)
        .set_description(some(&x.description))
        .set_applied_for(Some(p.applied))
        .image_tag_mutability(p.mutability)
        .set_image_tag_mutability_exclusion_filters((!p.filters.is_empty()).then_some(p.filters))
        .encryption_configuration(p.encryption)
        .set_resource_tags(Some(p.tags))
        .set_lifecycle_policy(x.lifecycle_policy.clone())
        .set_repository_policy(x.repository_policy.clone())
        .set_custom_role_arn(x.custom_role_arn.clone());
    c.run("CreateRepositoryCreationTemplate", || req.clone().send())
        .await?;
    Ok(())
}

pub async fn update_repository_creation_template(
    c: &EcrClient,
    x: &CreationTemplate,
) -> Result<(), EcrError> {
    let p = parts(x)?;
    let req = c
        .sdk
        .update_repository_creation_template()
        .prefix(&x.prefix)
        .description(&x.description)
        .set_applied_for(Some(p.applied))
        .image_tag_mutability(p.mutability)
        .set_image_tag_mutability_exclusion_filters((!p.filters.is_empty()).then_some(p.filters))
        .encryption_configuration(p.encryption)
        .set_resource_tags(Some(p.tags))
        .lifecycle_policy(x.lifecycle_policy.clone().unwrap_or_default())
        .repository_policy(x.repository_policy.clone().unwrap_or_default())
        .custom_role_arn(x.custom_role_arn.clone().unwrap_or_default());
    c.run("UpdateRepositoryCreationTemplate", || req.clone().send())
        .await?;
    Ok(())
}

pub async fn delete_repository_creation_template(
    c: &EcrClient,
    prefix: &str,
) -> Result<(), EcrError> {
    let req = c.sdk.delete_repository_creation_template().prefix(prefix);
    c.run("DeleteRepositoryCreationTemplate", || req.clone().send())
        .await?;
    Ok(())
}
