//! Transfers: copying images to another repository (any registry),
//! exporting an image to an OCI layout tar, re-encrypting a repository into
//! a new one. Each job is pinned when the user confirmed and cancellable.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::model::{
    Digest, EcrError, NewRepository, RegistrySpec, RepoRef,
    transfer::{
        CopyFailure, CopyItem, CopyProgress, CopyReport, ExportReport, ReencryptComparison,
        ReencryptReport, TargetCheck,
    },
};

#[derive(Clone, Debug)]
pub enum TransferCommand {
    /// Copies images to another repository (any registry), through ECR's
    /// layer API.
    Copy(CopyJob),
    /// What each tag would do in a copy's target (new, kept, moves,
    /// refused), for the copy dialog, before anything is sent.
    CheckTarget {
        target: RepoRef,
        items: Vec<CopyItem>,
    },
    /// Writes an image to an OCI layout tar.
    ExportImage(ImageExportJob),
    /// A new repository with other encryption, the old one's settings and
    /// images; both compared.
    Reencrypt(ReencryptJob),
    /// Reads both repositories of a re-encryption again (right before the
    /// old one's delete is offered).
    CompareReencrypted { repo: RepoRef, new_name: String },
}

impl TransferCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Copy(j) => Some(&j.source.registry),
            Self::ExportImage(j) => Some(&j.repo.registry),
            Self::Reencrypt(j) => Some(&j.repo.registry),
            Self::CheckTarget { target: repo, .. } | Self::CompareReencrypted { repo, .. } => {
                Some(&repo.registry)
            }
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<TransferPayload> {
        vec![match self {
            Self::Copy(_) => TransferPayload::Copied(Err(CopyFailure::api(e.clone()))),
            Self::CheckTarget { .. } => {
                TransferPayload::TargetChecked(Err(CopyFailure::api(e.clone())))
            }
            Self::ExportImage(_) => {
                TransferPayload::ImageExported(Err(CopyFailure::api(e.clone())))
            }
            Self::Reencrypt(_) => TransferPayload::Reencrypted(Err(CopyFailure::api(e.clone()))),
            Self::CompareReencrypted { .. } => {
                TransferPayload::ReencryptCompared(Err(CopyFailure::api(e.clone())))
            }
        }]
    }
}

/// A copy of images to another repository, pinned when the user confirmed.
#[derive(Clone, Debug)]
pub struct CopyJob {
    pub source: RepoRef,
    pub target: RepoRef,
    pub items: Vec<CopyItem>,
    /// Create the target repository like this when it does not exist.
    pub create: Option<NewRepository>,
    /// Tags the user allowed to move, each from the image it named when
    /// the dialog checked the target.
    pub allowed_moves: Vec<(String, Digest)>,
    /// Carry each image's signatures, SBOMs and attestations too.
    pub with_referrers: bool,
    /// Set by the app's Cancel; the worker checks it between chunks.
    pub cancel: Arc<AtomicBool>,
}

/// A repository re-encrypted into a new one, pinned when the user confirmed.
#[derive(Clone, Debug)]
pub struct ReencryptJob {
    pub repo: RepoRef,
    pub new_name: String,
    pub encryption: crate::model::Encryption,
    pub cancel: Arc<AtomicBool>,
}

/// An image written to an OCI layout tar the user chose.
#[derive(Clone, Debug)]
pub struct ImageExportJob {
    pub repo: RepoRef,
    pub digest: Digest,
    /// The tag the layout names the image by (`org.opencontainers.image.ref.name`).
    pub tag: Option<String>,
    /// One platform image of an index instead of all.
    pub platform: Option<Digest>,
    pub path: PathBuf,
    /// The image's signatures, SBOMs and attestations go in the layout too.
    pub with_referrers: bool,
    pub cancel: Arc<AtomicBool>,
}

#[derive(Debug)]
pub enum TransferPayload {
    /// A copy or image export in progress.
    Progress(CopyProgress),
    Copied(Result<CopyReport, CopyFailure>),
    TargetChecked(Result<TargetCheck, CopyFailure>),
    ImageExported(Result<ExportReport, CopyFailure>),
    Reencrypted(Result<ReencryptReport, CopyFailure>),
    ReencryptCompared(Result<ReencryptComparison, CopyFailure>),
}
