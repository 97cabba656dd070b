//! The supply chain's state transitions: which images' referrers to ask
//! for, what an answer changes, and when ListImageReferrers is given up
//! for a registry (the cosign tag scheme then stands alone).

use crate::message::{Command, RequestId, SupplyChainCommand, SupplyChainPayload};
use crate::model::{Digest, EcrError, RegistryKey, RepoRef};
use crate::state::{AppState, FollowUp, settle};

use super::artifacts::{ArtifactKind, may_hold_referrers};

/// Subjects asked about per frame (one call each): the rows on screen
/// come first, and a long list fills in frame by frame.
pub const REFERRERS_PER_FRAME: usize = 16;

/// An answer that says the registry has no ListImageReferrers for us: the
/// call is absent (moto; an endpoint without it answers 404, 405 or 5xx
/// without ECR's JSON) or refused (no `ecr:BatchGetImage` on the
/// repository). Either way the tag scheme stands alone and the call is not
/// sent again to that registry until it is reloaded.
pub fn means_no_referrers_api(e: &EcrError) -> bool {
    matches!(
        e,
        EcrError::NotSupported { .. } | EcrError::AccessDenied { .. }
    )
}

impl AppState {
    /// The signing status of an opened image, where the registry's
    /// managed-signing rules cover its repository (elsewhere ECR has
    /// nothing to say and no call is sent).
    pub fn signing_status_for(&self, repo: &RepoRef, digest: Digest) -> Vec<FollowUp> {
        let Some(reg) = self.registry(&repo.registry.key()) else {
            return Vec::new();
        };
        let covered = reg
            .signing
            .shown()
            .and_then(Option::as_ref)
            .is_some_and(|c| c.rules.iter().any(|r| r.covers(&repo.name)));
        let asked = reg
            .images
            .get(&repo.name)
            .is_some_and(|ri| ri.signing.contains_key(&digest));
        if !covered || asked {
            return Vec::new();
        }
        vec![FollowUp::Request(Command::SupplyChain(
            SupplyChainCommand::SigningStatus {
                repo: repo.clone(),
                digest,
            },
        ))]
    }

    /// Puts (or, with `None`, deletes) the registry's signing configuration.
    pub fn apply_signing(
        &self,
        spec: crate::model::RegistrySpec,
        config: Option<crate::model::SigningConfig>,
    ) -> Vec<FollowUp> {
        vec![FollowUp::Request(Command::SupplyChain(
            SupplyChainCommand::PutSigning(spec, config),
        ))]
    }

    /// Reads what an artifact says, once; `again` (the person's "Try
    /// again") reads a failed one anew.
    pub fn read_artifact(
        &mut self,
        repo: &RepoRef,
        artifact: Digest,
        kind: ArtifactKind,
        again: bool,
    ) -> Vec<FollowUp> {
        let key = repo.registry.key();
        let Some(ri) = self
            .registry_mut(&key)
            .and_then(|r| r.images.get_mut(&repo.name))
        else {
            return Vec::new();
        };
        match ri.artifact_docs.get(&artifact) {
            Some(r) if r.is_loading() || r.shown().is_some() || !again => Vec::new(),
            _ => vec![FollowUp::Request(Command::SupplyChain(
                SupplyChainCommand::Read {
                    repo: repo.clone(),
                    artifact,
                    kind: kind.label(),
                },
            ))],
        }
    }

    /// Referrers for `digests` (rows on screen, or every image when the
    /// "Unsigned only" filter needs them), for those not asked yet. Nothing
    /// where the repository's list holds no artifact manifest at all (most
    /// repositories: no call), or where the registry has no such call.
    pub fn referrers_for(&mut self, repo: &RepoRef, digests: &[Digest]) -> Vec<FollowUp> {
        let key = repo.registry.key();
        let Some(reg) = self.registry_mut(&key) else {
            return Vec::new();
        };
        if reg.referrers_api.is_some() {
            return Vec::new();
        }
        let Some(ri) = reg.images.get_mut(&repo.name) else {
            return Vec::new();
        };
        let Some(list) = ri.list.shown() else {
            return Vec::new();
        };
        if ri.referrer_hint.0 != ri.generation || ri.referrer_hint.0 == 0 {
            ri.referrer_hint = (ri.generation, may_hold_referrers(list));
        }
        if !ri.referrer_hint.1 {
            return Vec::new();
        }
        let subjects: Vec<Digest> = digests
            .iter()
            .copied()
            .filter(|d| !ri.referrers.contains_key(d))
            .take(REFERRERS_PER_FRAME)
            .collect();
        if subjects.is_empty() {
            return Vec::new();
        }
        vec![FollowUp::Request(Command::SupplyChain(
            SupplyChainCommand::Referrers {
                repo: repo.clone(),
                subjects,
            },
        ))]
    }

    pub(crate) fn supply_chain_started(
        &mut self,
        id: RequestId,
        key: Option<&RegistryKey>,
        cmd: &SupplyChainCommand,
    ) {
        match cmd {
            SupplyChainCommand::Referrers { repo, subjects } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    for d in subjects {
                        ri.referrers.entry(*d).or_default().start(id);
                    }
                }
            }
            SupplyChainCommand::Read { repo, artifact, .. } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    ri.artifact_docs.entry(*artifact).or_default().start(id);
                }
            }
            SupplyChainCommand::Signing(_) | SupplyChainCommand::PutSigning(..) => {
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    r.signing.start(id);
                }
            }
            SupplyChainCommand::SigningStatus { repo, digest } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    ri.signing.entry(*digest).or_default().start(id);
                }
            }
        }
    }

    pub(crate) fn apply_supply_chain(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: SupplyChainPayload,
    ) -> Vec<FollowUp> {
        match payload {
            SupplyChainPayload::Referrers {
                repo,
                subject,
                result,
            } => {
                if let Err(e) = &result
                    && means_no_referrers_api(e)
                    && let Some(reg) = key.and_then(|k| self.registry_mut(k))
                    && reg.referrers_api.is_none()
                {
                    tracing::info!(error = %e, "no ListImageReferrers here: the cosign tag scheme alone");
                    reg.referrers_api = Some(e.clone());
                }
                let Some(ri) = self.repo_images_mut(key, &repo.name) else {
                    return Vec::new();
                };
                // An artifact of an artifact (a signature of an SBOM): its
                // own referrers are asked for too, one level down.
                let deeper: Vec<Digest> = match &result {
                    Ok(list) => list
                        .iter()
                        .filter(|r| {
                            r.artifact_type.as_deref().map(ArtifactKind::of_type)
                                != Some(ArtifactKind::Signature)
                        })
                        .map(|r| r.digest)
                        .filter(|d| !ri.referrers.contains_key(d))
                        .collect(),
                    Err(_) => Vec::new(),
                };
                let slot = ri.referrers.entry(subject).or_default();
                if settle(slot, request, result) {
                    ri.generation += 1;
                }
                if deeper.is_empty() {
                    return Vec::new();
                }
                self.referrers_for(&repo, &deeper)
            }
            SupplyChainPayload::Signing(result) => {
                // Extra detail: an endpoint without the call must not mark
                // the registry red.
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    settle(&mut r.signing, request, result);
                }
                Vec::new()
            }
            SupplyChainPayload::SigningSaved(result) => {
                let ok = result.is_ok();
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    settle(&mut r.signing, request, result);
                    if ok {
                        self.notify(
                            crate::state::NoticeLevel::Info,
                            "Signing configuration saved; shown as the registry holds it now.",
                        );
                    }
                }
                Vec::new()
            }
            SupplyChainPayload::SigningStatus {
                repo,
                digest,
                result,
            } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    settle(ri.signing.entry(digest).or_default(), request, result);
                }
                Vec::new()
            }
            SupplyChainPayload::Read {
                repo,
                artifact,
                result,
            } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    settle(
                        ri.artifact_docs.entry(artifact).or_default(),
                        request,
                        result,
                    );
                }
                Vec::new()
            }
        }
    }
}
