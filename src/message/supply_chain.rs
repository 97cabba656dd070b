//! Supply chain: the referrers (signatures, SBOMs, attestations) of the
//! images on screen.

use crate::model::{ArtifactDoc, Digest, EcrError, Referrer, RegistrySpec, RepoRef};

#[derive(Clone, Debug)]
pub enum SupplyChainCommand {
    /// ListImageReferrers for each subject (one call each, all pages; ECR
    /// has no batch form).
    Referrers {
        repo: RepoRef,
        subjects: Vec<Digest>,
    },
    /// What an artifact says: its manifest (BatchGetImage of the artifact,
    /// not of its subject), then its payload layer(s), read by kind.
    Read {
        repo: RepoRef,
        artifact: Digest,
        /// The kind the list gave it, as `ArtifactKind::label` (signature,
        /// SBOM, attestation, artifact).
        kind: &'static str,
    },
}

impl SupplyChainCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Referrers { repo, .. } | Self::Read { repo, .. } => Some(&repo.registry),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<SupplyChainPayload> {
        match self {
            Self::Referrers { repo, subjects } => subjects
                .into_iter()
                .map(|subject| SupplyChainPayload::Referrers {
                    repo: repo.clone(),
                    subject,
                    result: Err(e.clone()),
                })
                .collect(),
            Self::Read { repo, artifact, .. } => vec![SupplyChainPayload::Read {
                repo,
                artifact,
                result: Err(e.clone()),
            }],
        }
    }
}

#[derive(Debug)]
pub enum SupplyChainPayload {
    Referrers {
        repo: RepoRef,
        subject: Digest,
        result: Result<Vec<Referrer>, EcrError>,
    },
    Read {
        repo: RepoRef,
        artifact: Digest,
        result: Result<ArtifactDoc, EcrError>,
    },
}
