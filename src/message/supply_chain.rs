//! Supply chain: the referrers (signatures, SBOMs, attestations) of the
//! images on screen.

use crate::model::{
    ArtifactDoc, Digest, EcrError, ImageSigning, Referrer, RegistrySpec, RepoRef, SigningConfig,
};

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
    /// The registry's managed-signing configuration (GetSigningConfiguration).
    Signing(RegistrySpec),
    /// PutSigningConfiguration (`Some`) or DeleteSigningConfiguration
    /// (`None`), then the configuration read back.
    PutSigning(RegistrySpec, Option<SigningConfig>),
    /// DescribeImageSigningStatus of one image.
    SigningStatus { repo: RepoRef, digest: Digest },
}

impl SupplyChainCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Referrers { repo, .. }
            | Self::Read { repo, .. }
            | Self::SigningStatus { repo, .. } => Some(&repo.registry),
            Self::Signing(spec) | Self::PutSigning(spec, _) => Some(spec),
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
            Self::Signing(_) => vec![SupplyChainPayload::Signing(Err(e.clone()))],
            Self::PutSigning(..) => vec![SupplyChainPayload::SigningSaved(Err(e.clone()))],
            Self::SigningStatus { repo, digest } => vec![SupplyChainPayload::SigningStatus {
                repo,
                digest,
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
    /// The configuration (`None`: the registry has none).
    Signing(Result<Option<SigningConfig>, EcrError>),
    /// After a put or delete: what the registry holds now.
    SigningSaved(Result<Option<SigningConfig>, EcrError>),
    SigningStatus {
        repo: RepoRef,
        digest: Digest,
        result: Result<Vec<ImageSigning>, EcrError>,
    },
}
