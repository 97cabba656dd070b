//! ECR's layer API, the push half of a copy: which blobs a repository has
//! (BatchCheckLayerAvailability), and an upload in parts (InitiateLayerUpload,
//! UploadLayerPart, CompleteLayerUpload). Part bodies are handed over, never
//! copied: memory stays at one part per upload.

use std::collections::HashSet;
use std::sync::Arc;

use aws_smithy_types::Blob;

use super::part_progress::{CountedBody, PartProgress, part_budget, wire_bytes};
use super::{EcrClient, EcrError, MAX_BATCH};
use crate::model::Digest;

/// ECR's largest layer part.
pub const MAX_PART: u64 = 20_971_520;
/// The part size used when the server names none.
pub const DEFAULT_PART: u64 = 10 * 1024 * 1024;

/// The digests among `digests` that `repo` already has.
pub async fn batch_check_layer_availability(
    c: &EcrClient,
    repo: &str,
    digests: &[Digest],
) -> Result<HashSet<Digest>, EcrError> {
    let mut have = HashSet::new();
    for chunk in digests.chunks(MAX_BATCH) {
        let req = c
            .sdk
            .batch_check_layer_availability()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .set_layer_digests(Some(chunk.iter().map(Digest::to_string).collect()));
        let out = c
            .run("BatchCheckLayerAvailability", || req.clone().send())
            .await?;
        have.extend(
            out.layers()
                .iter()
                .filter(|l| {
                    l.layer_availability()
                        .is_some_and(|a| a.as_str() == "AVAILABLE")
                })
                .filter_map(|l| l.layer_digest().and_then(Digest::parse)),
        );
    }
    Ok(have)
}

/// A started upload: its id and the part size to send (never above ECR's
/// maximum, whatever the server says).
#[derive(Clone, Debug)]
pub struct Upload {
    pub id: String,
    pub part_size: u64,
}

pub async fn initiate_layer_upload(c: &EcrClient, repo: &str) -> Result<Upload, EcrError> {
    let req = c
        .sdk
        .initiate_layer_upload()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo);
    let out = c.run("InitiateLayerUpload", || req.clone().send()).await?;
    let id = out
        .upload_id()
        .map(str::to_owned)
        .ok_or_else(|| EcrError::Unreadable {
            operation: "InitiateLayerUpload".into(),
            detail: "the answer held no upload id".into(),
        })?;
    Ok(Upload {
        id,
        part_size: part_size(out.part_size()),
    })
}

/// The part size to use for what the server said: its own if sane, at most
/// ECR's maximum, the default when it named none.
pub fn part_size(said: Option<i64>) -> u64 {
    match said {
        Some(n) if n > 0 => (n as u64).min(MAX_PART),
        _ => DEFAULT_PART,
    }
}

/// Sends bytes `first..first + part.len()` of an upload. Its time limits
/// follow progress (see `part_progress`): it fails when no byte has moved
/// for the client's stall timeout, not after a fixed time.
pub async fn upload_layer_part(
    c: &EcrClient,
    repo: &str,
    upload: &Upload,
    first: u64,
    part: Vec<u8>,
) -> Result<(), EcrError> {
    let len = part.len() as u64;
    let last = first + len - 1;
    let limits = c.limits().clone();
    let budget = part_budget(limits.attempt_timeout, wire_bytes(len));
    let progress = Arc::new(PartProgress::default());
    // The first try takes the part; a try made again after a throttle reads
    // it back from the body the first one sent (no second copy is kept).
    let untried = std::sync::Mutex::new(Some(part));
    let send = || {
        let part = untried
            .lock()
            .ok()
            .and_then(|mut p| p.take())
            .or_else(|| progress.sent_part())
            .unwrap_or_default();
        c.sdk
            .upload_layer_part()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .upload_id(&upload.id)
            .part_first_byte(first as i64)
            .part_last_byte(last as i64)
            .layer_part_blob(Blob::new(part))
            .customize()
            .interceptor(CountedBody(progress.clone()))
            .config_override(
                aws_sdk_ecr::config::Builder::default()
                    .timeout_config(super::client::timeouts_with_attempt(&limits, budget)),
            )
            .send()
    };
    tokio::select! {
        done = c.run("UploadLayerPart", send) => done.map(|_| ()),
        idle = progress.watch(limits.stall_timeout) => Err(EcrError::Timeout {
            operation: format!(
                "UploadLayerPart (no byte of the part moved for {} s)",
                idle.as_secs()
            ),
            endpoint: c.endpoint().to_owned(),
        }),
    }
}

/// Ends an upload; ECR hashes what it got and refuses a different digest.
pub async fn complete_layer_upload(
    c: &EcrClient,
    repo: &str,
    upload: &Upload,
    digest: &Digest,
) -> Result<(), EcrError> {
    let req = c
        .sdk
        .complete_layer_upload()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .upload_id(&upload.id)
        .layer_digests(digest.to_string());
    c.run("CompleteLayerUpload", || req.clone().send()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_size_stays_within_ecr_rules() {
        assert_eq!(part_size(Some(10_485_760)), 10_485_760);
        assert_eq!(part_size(Some(1 << 40)), MAX_PART);
        assert_eq!(part_size(Some(0)), DEFAULT_PART);
        assert_eq!(part_size(Some(-5)), DEFAULT_PART);
        assert_eq!(part_size(None), DEFAULT_PART);
    }
}
