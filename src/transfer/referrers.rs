//! Which artifacts go with images being copied: their OCI 1.1 referrers
//! (ListImageReferrers, recursively: a signature of an SBOM goes too) and
//! cosign's tag-scheme artifacts (`sha256-<hex>.sig` / `.att` / `.sbom`
//! tags naming a copied image or artifact). Only ACTIVE artifacts: an
//! archived one cannot be read until restored.

use std::collections::{HashSet, VecDeque};

use crate::ecr::{self, EcrClient};
use crate::model::{Digest, EcrError, ImageStatus};
use crate::supply_chain::artifacts::cosign_tag;
use crate::supply_chain::state::means_no_referrers_api;

/// Levels of artifacts of artifacts followed (image → SBOM → its
/// signature is two); a server that lists a loop ends here.
const MAX_DEPTH: usize = 4;

/// One artifact to copy: its digest and the tags it carries (the tag
/// scheme's own; none for a referrer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub digest: Digest,
    pub tags: Vec<String>,
}

/// The artifacts of `subjects` in `repo`, parents before children, each
/// once, none of the subjects themselves.
pub async fn artifacts_of(
    c: &EcrClient,
    repo: &str,
    subjects: &[Digest],
) -> Result<Vec<Artifact>, EcrError> {
    // The tag scheme: one listing of the repository's tags.
    let ids = ecr::list_image_ids(c, repo).await?;
    let by_tag: Vec<(Digest, Digest, String)> = ids
        .iter()
        .filter_map(|(d, t)| {
            let t = t.as_deref()?;
            let (subject, _) = cosign_tag(t)?;
            Some((subject, *d, t.to_owned()))
        })
        .collect();
    let mut api = true;
    let mut seen: HashSet<Digest> = subjects.iter().copied().collect();
    let mut out: Vec<Artifact> = Vec::new();
    let mut queue: VecDeque<(Digest, usize)> = subjects.iter().map(|d| (*d, 0)).collect();
    while let Some((subject, depth)) = queue.pop_front() {
        if depth >= MAX_DEPTH {
            continue;
        }
        let mut found: Vec<Artifact> = by_tag
            .iter()
            .filter(|(s, _, _)| *s == subject)
            .map(|(_, d, t)| Artifact {
                digest: *d,
                tags: vec![t.clone()],
            })
            .collect();
        if api {
            match ecr::list_image_referrers(c, repo, &subject).await {
                Ok(list) => found.extend(
                    list.into_iter()
                        .filter(|r| r.status == ImageStatus::Active)
                        .map(|r| Artifact {
                            digest: r.digest,
                            tags: Vec::new(),
                        }),
                ),
                // No such call here (moto) or refused: the tag scheme alone.
                Err(e) if means_no_referrers_api(&e) => api = false,
                Err(e) => return Err(e),
            }
        }
        for a in found {
            if seen.insert(a.digest) {
                queue.push_back((a.digest, depth + 1));
                out.push(a);
            } else if let Some(known) = out.iter_mut().find(|x| x.digest == a.digest) {
                // Found both ways: one copy, with its tag.
                for t in a.tags {
                    if !known.tags.contains(&t) {
                        known.tags.push(t);
                    }
                }
            }
        }
    }
    Ok(out)
}
