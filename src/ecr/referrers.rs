//! ListImageReferrers: the artifacts (signatures, SBOMs, attestations)
//! whose manifest names an image as its `subject`.
//!
//! Whether it records a pull: ECR's documentation does not say. It needs
//! the `ecr:BatchGetImage` permission (API_ListImageReferrers.html), but it
//! returns descriptors, no manifest; ECR's user guide says the last
//! recorded pull time moves "on every pull" (pull-time-update-exclusions),
//! and a pull is a manifest fetch (BatchGetImage). So ecrscope treats
//! listing referrers as not a pull of the subject, and says so in the
//! README as an inference from the documentation, not a checked fact.
//! Opening an artifact (its manifest through BatchGetImage) may record a
//! pull of that artifact, never of the image it describes. Every status is asked for
//! (`artifactStatus: ANY`): without a filter ECR lists ACTIVE artifacts
//! only, and an archived signature would look missing. `maxResults` is
//! always sent (50, the call's maximum): the reference and the SDKs'
//! copies disagree on the default (50 or 20).

use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError};
use crate::model::{Digest, ImageStatus, Referrer};

/// The call's page maximum.
pub const REFERRERS_PAGE: i32 = 50;
/// Pages of referrers read for one subject (500 artifacts) before stopping:
/// an image with more is not one a person reads row by row.
const MAX_REFERRER_PAGES: usize = 10;

/// Every referrer of `subject` in `repo`, all statuses.
pub async fn list_image_referrers(
    c: &EcrClient,
    repo: &str,
    subject: &Digest,
) -> Result<Vec<Referrer>, EcrError> {
    let mut token: Option<String> = None;
    let mut all = Vec::new();
    let mut paging = super::Paging::with_cap("ListImageReferrers", MAX_REFERRER_PAGES);
    loop {
        let req = c
            .sdk
            .list_image_referrers()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .subject_id(
                t::SubjectIdentifier::builder()
                    .image_digest(subject.to_string())
                    .build()
                    .map_err(|e| EcrError::InvalidInput {
                        detail: e.to_string(),
                    })?,
            )
            .filter(
                t::ListImageReferrersFilter::builder()
                    .artifact_status(t::ArtifactStatusFilter::Any)
                    .build(),
            )
            .max_results(REFERRERS_PAGE)
            .set_next_token(token.take());
        let out = c.run("ListImageReferrers", || req.clone().send()).await?;
        for r in out.referrers() {
            let Some(digest) = Digest::parse(r.digest()) else {
                continue;
            };
            let mut annotations: Vec<(String, String)> = r
                .annotations()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            annotations.sort();
            all.push(Referrer {
                digest,
                media_type: r.media_type().to_owned(),
                artifact_type: r.artifact_type().map(str::to_owned),
                size_bytes: r.size(),
                status: r
                    .artifact_status()
                    .map_or(ImageStatus::Active, |s| ImageStatus::from_api(s.as_str())),
                annotations,
            });
        }
        match paging.next(out.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
}
