//! Repository resource tags (`team=payments`): ListTagsForResource,
//! TagResource, UntagResource, by the repository's ARN.

use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError};

/// The repository's resource tags, sorted by key.
pub async fn list_tags_for_resource(
    c: &EcrClient,
    arn: &str,
) -> Result<Vec<(String, String)>, EcrError> {
    let out = c
        .run("ListTagsForResource", || {
            c.sdk.list_tags_for_resource().resource_arn(arn).send()
        })
        .await?;
    let mut tags: Vec<(String, String)> = out
        .tags()
        .iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect();
    tags.sort();
    Ok(tags)
}

/// Adds or replaces tags.
pub async fn tag_resource(
    c: &EcrClient,
    arn: &str,
    tags: &[(String, String)],
) -> Result<(), EcrError> {
    let mut req = c.sdk.tag_resource().resource_arn(arn);
    for (k, v) in tags {
        let tag =
            t::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| EcrError::InvalidInput {
                    detail: e.to_string(),
                })?;
        req = req.tags(tag);
    }
    c.run("TagResource", || req.clone().send())
        .await
        .map(|_| ())
}

/// Removes tags by key.
pub async fn untag_resource(c: &EcrClient, arn: &str, keys: &[String]) -> Result<(), EcrError> {
    let req = c
        .sdk
        .untag_resource()
        .resource_arn(arn)
        .set_tag_keys(Some(keys.to_vec()));
    c.run("UntagResource", || req.clone().send())
        .await
        .map(|_| ())
}
