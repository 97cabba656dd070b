//! Re-encrypt a repository (ECR cannot change encryption after creation):
//! create a new repository with the chosen encryption and the old one's
//! settings (tag mutability and filters, scan on push, lifecycle policy,
//! repository policy, resource tags), copy every active image into it, and
//! compare both. Deleting the old one is left to the user, after the
//! comparison, with the typed confirmation.

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use super::engine::{CopyEnds, copy_images};
use super::{CopyFailure, CopyItem, CopyProgress};
use crate::ecr::{self, EcrClient};
use crate::model::transfer::ReencryptReport;
use crate::model::{Digest, Encryption, ImageStatus, NewRepository};

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
    let images = ecr::describe_images(c, old)
        .await
        .map_err(CopyFailure::api)?;
    let mut carried = vec!["tag immutability".to_owned()];
    if !repo.tag_mutability.exclusion_filters.is_empty() {
        carried.push("exclusion filters".into());
    }
    if repo.scan_on_push {
        carried.push("scan on push".into());
    }
    if !tags.is_empty() {
        let s = if tags.len() == 1 { "" } else { "s" };
        carried.push(format!("{} resource tag{s}", tags.len()));
    }
    ecr::create_repository(
        c,
        &NewRepository {
            name: new_name.to_owned(),
            tag_mutability: repo.tag_mutability.clone(),
            encryption,
            scan_on_push: repo.scan_on_push,
            tags,
        },
    )
    .await
    .map_err(CopyFailure::api)?;
    if let Some(l) = lifecycle {
        ecr::put_lifecycle_policy(c, new_name, &l.text)
            .await
            .map_err(CopyFailure::api)?;
        carried.push("lifecycle policy".into());
    }
    if let Some(p) = policy {
        ecr::set_repository_policy(c, new_name, &p)
            .await
            .map_err(CopyFailure::api)?;
        carried.push("repository policy".into());
    }
    let active: Vec<CopyItem> = images
        .iter()
        .filter(|i| i.status == ImageStatus::Active)
        .map(|i| CopyItem {
            digest: i.digest,
            tags: i.tags.clone(),
        })
        .collect();
    let archived_left = images.len() - active.len();
    let copy = copy_images(
        CopyEnds {
            source: c,
            source_repo: old,
            target: c,
            target_repo: new_name,
        },
        &active,
        None,
        cancel,
        sink,
    )
    .await?;
    let after: HashSet<Digest> = ecr::describe_images(c, new_name)
        .await
        .map_err(CopyFailure::api)?
        .iter()
        .map(|i| i.digest)
        .collect();
    let missing = active
        .iter()
        .map(|i| i.digest)
        .filter(|d| !after.contains(d))
        .collect();
    Ok(ReencryptReport {
        old: old.to_owned(),
        new: new_name.to_owned(),
        carried,
        old_images: active.len(),
        new_images: after.len(),
        missing,
        archived_left,
        copy,
    })
}
