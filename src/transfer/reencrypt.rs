//! Re-encrypt a repository (ECR cannot change encryption after creation):
//! create a new repository with the chosen encryption and the old one's
//! settings (tag mutability and filters, scan on push, repository policy,
//! resource tags), copy every active image into it, oldest first, then put
//! the lifecycle policy, and compare both. Deleting the old one is left to
//! the user, after the comparison, with the typed confirmation.
//!
//! What it guarantees (each tried by `tests/copy.rs`):
//! - **Nothing is lost to ordering.** PutImage gives each copy a new push
//!   time, so images are copied oldest first (push times keep their order)
//!   and the lifecycle policy is put only after the copy: a "keep the last
//!   N" rule selects the same images in both repositories.
//! - **A rerun finishes the job.** The new repository is marked with the
//!   resource tag [`MARK_KEY`] naming the source's ARN; a second run (after
//!   a failure, a cancel, or images pushed meanwhile) adopts the repository
//!   its first run made and copies only what is missing. A repository of
//!   that name that this re-encryption did not make is refused, untouched.
//! - **The old repository is never offered for deletion while it holds an
//!   active image the new one lacks**: [`compare`] reads both again right
//!   before the delete is offered (someone may have pushed meanwhile).

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use super::TagMoves;
use super::engine::{CopyEnds, copy_images};
use super::{CopyError, CopyFailure, CopyItem, CopyProgress};
use crate::ecr::{self, EcrClient};
use crate::model::transfer::{ReencryptComparison, ReencryptReport};
use crate::model::{Digest, Encryption, ImageStatus, NewRepository};

/// The resource tag that marks a repository made by re-encrypting another.
pub const MARK_KEY: &str = "ecrscope:reencrypted-from";

/// The mark's value for a source ARN: the ARN itself, or its sha256 when
/// it is longer than a tag value may be (256 characters).
pub fn mark_value(source_arn: &str) -> String {
    if source_arn.chars().count() <= 256 {
        source_arn.to_owned()
    } else {
        Digest::of_bytes(source_arn.as_bytes()).to_string()
    }
}

fn refused(why: String) -> CopyFailure {
    CopyFailure::new(None, None, CopyError::Refused(vec![why]))
}

pub async fn reencrypt(
    c: &EcrClient,
    old: &str,
    new_name: &str,
    encryption: Encryption,
    cancel: &AtomicBool,
    sink: &(dyn Fn(CopyProgress) + Sync),
) -> Result<ReencryptReport, CopyFailure> {
    let repo = ecr::describe_repository(c, old)
        .await
        .map_err(CopyFailure::api)?;
    let tags = ecr::list_tags_for_resource(c, &repo.arn)
        .await
        .map_err(CopyFailure::api)?;
    let lifecycle = ecr::get_lifecycle_policy(c, old)
        .await
        .map_err(CopyFailure::api)?;
    let policy = ecr::get_repository_policy(c, old)
        .await
        .map_err(CopyFailure::api)?;
    let mark = (MARK_KEY.to_owned(), mark_value(&repo.arn));
    let mut carried = vec!["tag immutability".to_owned()];
    if !repo.tag_mutability.exclusion_filters.is_empty() {
        carried.push("exclusion filters".into());
    }
    if repo.scan_on_push {
        carried.push("scan on push".into());
    }
    let own_tags: Vec<(String, String)> = tags
        .iter()
        .filter(|(k, _)| k != MARK_KEY)
        .cloned()
        .collect();
    if !own_tags.is_empty() {
        let s = if own_tags.len() == 1 { "" } else { "s" };
        carried.push(format!("{} resource tag{s}", own_tags.len()));
    }
    let adopted = match ecr::describe_repository(c, new_name).await {
        Ok(existing) => {
            let theirs = ecr::list_tags_for_resource(c, &existing.arn)
                .await
                .map_err(CopyFailure::api)?;
            if !theirs.contains(&mark) {
                return Err(refused(format!(
                    "A repository named {new_name} already exists and was not made by re-encrypting {old}: choose another name. It was left untouched."
                )));
            }
            if existing.encryption.kind != encryption.kind {
                return Err(refused(format!(
                    "{new_name} was made by an earlier re-encryption of {old} with {} encryption, not {}: choose the same encryption to finish it, or another name.",
                    existing.encryption.label(),
                    encryption.label()
                )));
            }
            true
        }
        Err(e) if e.is_repository_gone() => {
            let mut new_tags = own_tags.clone();
            // 50 tags is AWS's limit: a full set leaves no room for the mark
            // (a rerun then cannot adopt, and says so).
            let marked = new_tags.len() < crate::validate::MAX_RESOURCE_TAGS;
            if marked {
                new_tags.push(mark.clone());
            }
            ecr::create_repository(
                c,
                &NewRepository {
                    name: new_name.to_owned(),
                    tag_mutability: repo.tag_mutability.clone(),
                    encryption,
                    scan_on_push: repo.scan_on_push,
                    tags: new_tags,
                },
            )
            .await
            .map_err(CopyFailure::api)?;
            false
        }
        Err(e) => return Err(CopyFailure::api(e)),
    };
    if let Some(p) = policy {
        ecr::set_repository_policy(c, new_name, &p)
            .await
            .map_err(CopyFailure::api)?;
        carried.push("repository policy".into());
    }
    let mut images = ecr::describe_images(c, old)
        .await
        .map_err(CopyFailure::api)?;
    // Oldest first: each copy's push time is the time it is copied, so this
    // keeps the old repository's order for rules that rank by push time.
    images.sort_by_key(|i| (i.pushed_at.unwrap_or(i64::MIN), i.digest.hex()));
    let active: Vec<CopyItem> = images
        .iter()
        .filter(|i| i.status == ImageStatus::Active)
        .map(|i| CopyItem {
            digest: i.digest,
            tags: i.tags.clone(),
        })
        .collect();
    let copy = copy_images(
        CopyEnds {
            source: c,
            source_repo: old,
            target: c,
            target_repo: new_name,
        },
        &active,
        None,
        // A rerun mirrors the source: a tag moved there since moves here.
        TagMoves::Any,
        cancel,
        sink,
    )
    .await?;
    // After the copy, not before: a "keep the last N" rule must rank the
    // copies once they are all there, in their original order.
    if let Some(l) = lifecycle {
        ecr::put_lifecycle_policy(c, new_name, &l.text)
            .await
            .map_err(CopyFailure::api)?;
        carried.push("lifecycle policy (put after the copy)".into());
    }
    let compared = compare(c, old, new_name).await?;
    Ok(ReencryptReport {
        old: old.to_owned(),
        new: new_name.to_owned(),
        carried,
        adopted,
        compared,
        copy,
    })
}

/// Both repositories read again: the old one's active images the new one
/// lacks (by digest), and the archived ones left behind.
pub async fn compare(
    c: &EcrClient,
    old: &str,
    new_name: &str,
) -> Result<ReencryptComparison, CopyFailure> {
    let before = ecr::describe_images(c, old)
        .await
        .map_err(CopyFailure::api)?;
    let after: HashSet<Digest> = ecr::describe_images(c, new_name)
        .await
        .map_err(CopyFailure::api)?
        .iter()
        .map(|i| i.digest)
        .collect();
    let active: Vec<Digest> = before
        .iter()
        .filter(|i| i.status == ImageStatus::Active)
        .map(|i| i.digest)
        .collect();
    Ok(ReencryptComparison {
        old_images: active.len(),
        new_images: after.len(),
        missing: active.into_iter().filter(|d| !after.contains(d)).collect(),
        archived_left: before.len()
            - before
                .iter()
                .filter(|i| i.status == ImageStatus::Active)
                .count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_fits_a_tag_value() {
        let arn = "arn:aws:ecr:us-east-1:123456789012:repository/team/api";
        assert_eq!(mark_value(arn), arn);
        let long = format!(
            "arn:aws:ecr:us-east-1:123456789012:repository/{}",
            "a".repeat(256)
        );
        let v = mark_value(&long);
        assert!(v.len() <= 256 && v.starts_with("sha256:"), "{v}");
        assert!(crate::validate::resource_tag(MARK_KEY, &v).is_ok());
        assert!(crate::validate::resource_tag(MARK_KEY, arn).is_ok());
    }
}
