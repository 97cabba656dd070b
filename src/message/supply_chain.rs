//! Supply chain: the referrers (signatures, SBOMs, attestations) of the
//! images on screen.

use crate::model::{Digest, EcrError, Referrer, RegistrySpec, RepoRef};

#[derive(Clone, Debug)]
pub enum SupplyChainCommand {
    /// ListImageReferrers for each subject (one call each, all pages; ECR
    /// has no batch form).
    Referrers {
        repo: RepoRef,
        subjects: Vec<Digest>,
    },
}

impl SupplyChainCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Referrers { repo, .. } => Some(&repo.registry),
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
}
