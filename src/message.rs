//! The message vocabulary between the app (which asks) and the worker (which
//! does): [`Command`]s in, [`Event`]s out, each tagged with the [`RequestId`]
//! of the request that caused it.
//!
//! A leaf: it names only `model` types, so `state` can speak it without
//! knowing the worker, and the worker without knowing the state. Every
//! command that acts on something carries its whole target (registry spec,
//! repository, image) as captured when the user asked: nothing downstream
//! reads the current selection.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::model::{
    AuthToken, BatchResult, Digest, Discovery, EcrError, ExportFormat, Image, ImageDetailDoc,
    ImageId, LifecyclePolicy, LifecyclePreview, NewPullThroughRule, NewRepository, PullThroughRule,
    PullThroughValidation, RegistryInfo, RegistryKey, RegistryScanningConfig, RegistrySpec,
    RepoRef, RepoScanConfig, Repository, ScanReport, ScanStatus, ScanSummary, TagMutabilitySetting,
    manifest::Platform,
    transfer::{CopyFailure, CopyItem, CopyProgress, CopyReport, ExportReport, ReencryptReport},
};

/// Identifies one request; events carry it back.
pub type RequestId = u64;

/// What the app asks the worker for.
#[derive(Clone, Debug)]
pub enum Command {
    /// Read AWS profiles and the environment.
    Discover,
    /// DescribeRegistry.
    LoadRegistryInfo(RegistrySpec),
    /// DescribeRepositories, all pages, streamed.
    LoadRepositories(RegistrySpec),
    /// Registry scanning configuration, then each repository's effective
    /// scan frequency.
    LoadScanning {
        registry: RegistrySpec,
        repositories: Vec<String>,
    },
    /// DescribeImages, all pages, streamed.
    LoadImages(RepoRef),
    /// The platforms of image indexes (BatchGetImage, 100 a call). Sent only
    /// for indexes the user expands or opens: ECR counts BatchGetImage as a
    /// pull.
    LoadPlatforms {
        repo: RepoRef,
        indexes: Vec<Digest>,
    },
    /// Scan status and counts of the images on screen, one
    /// DescribeImageScanFindings each (ECR has no batch form).
    LoadScanSummaries {
        repo: RepoRef,
        digests: Vec<Digest>,
    },
    /// ListTagsForResource for each repository (name, ARN).
    LoadRepoTags {
        registry: RegistrySpec,
        repos: Vec<(String, String)>,
    },
    /// DescribeImages by id for the global search (ImageNotFound: absent).
    FindImages {
        repo: RepoRef,
        ids: Vec<ImageId>,
        search: u64,
    },
    /// DescribeImages by digest (any status): the rows of images whose
    /// state the app follows (a restore in progress), re-read.
    RefreshImages {
        repo: RepoRef,
        digests: Vec<Digest>,
    },
    /// Manifest, then the config blob through GetDownloadUrlForLayer.
    LoadImageDetail {
        repo: RepoRef,
        digest: Digest,
    },
    /// A change to one repository's settings, then a re-read of it.
    ChangeRepository {
        repo: RepoRef,
        change: RepoChange,
    },
    /// PutRegistryScanningConfiguration, then the re-read of the registry
    /// and per-repository configuration.
    PutScanning {
        registry: RegistrySpec,
        config: RegistryScanningConfig,
        repositories: Vec<String>,
    },
    /// StartImageScan for each image (basic scanning only).
    StartScans {
        repo: RepoRef,
        digests: Vec<Digest>,
    },
    /// DescribeImageScanFindings, every page (basic 1000, enhanced 100).
    LoadFindings {
        repo: RepoRef,
        digest: Digest,
    },
    /// Fetches every report (all pages), writes the export to `path`.
    ExportFindings(ExportRequest),
    /// Copies images to another repository (any registry), through ECR's
    /// layer API.
    CopyImages(CopyJob),
    /// What each tag would do in a copy's target (new, kept, moves,
    /// refused), for the copy dialog, before anything is sent.
    CheckCopyTarget {
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
    CompareReencrypted {
        repo: RepoRef,
        new_name: String,
    },
    /// Tag, untag or delete images.
    ChangeImages {
        repo: RepoRef,
        change: ImageChange,
    },
    CreateRepository {
        registry: RegistrySpec,
        new: NewRepository,
    },
    DeleteRepository {
        repo: RepoRef,
        force: bool,
    },
    /// DescribePullThroughCacheRules, every page.
    LoadPullThrough(RegistrySpec),
    /// Create, update or delete a rule, then the rules are re-read.
    ChangePullThrough {
        registry: RegistrySpec,
        change: PullThroughChange,
    },
    ValidatePullThrough {
        registry: RegistrySpec,
        prefix: String,
    },
    /// GetAuthorizationToken.
    LoginToken(RegistrySpec),
    /// GetLifecyclePolicy.
    LoadLifecycle(RepoRef),
    /// Put (Some) or delete (None) the lifecycle policy, then re-read it.
    ChangeLifecycle {
        repo: RepoRef,
        text: Option<String>,
    },
    /// StartLifecyclePolicyPreview with a draft, then GetLifecyclePolicyPreview
    /// until it leaves IN_PROGRESS.
    PreviewLifecycle {
        repo: RepoRef,
        text: String,
    },
    /// GetRepositoryPolicy.
    LoadRepoPolicy(RepoRef),
}

impl Command {
    /// The registry the command goes to (`None`: no registry, e.g. discovery).
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Discover => None,
            Self::LoadRegistryInfo(r)
            | Self::LoadRepositories(r)
            | Self::LoadPullThrough(r)
            | Self::LoginToken(r)
            | Self::LoadScanning { registry: r, .. }
            | Self::PutScanning { registry: r, .. }
            | Self::CreateRepository { registry: r, .. }
            | Self::ChangePullThrough { registry: r, .. }
            | Self::ValidatePullThrough { registry: r, .. }
            | Self::LoadRepoTags { registry: r, .. } => Some(r),
            Self::LoadImages(repo)
            | Self::LoadLifecycle(repo)
            | Self::LoadRepoPolicy(repo)
            | Self::LoadPlatforms { repo, .. }
            | Self::LoadScanSummaries { repo, .. }
            | Self::LoadImageDetail { repo, .. }
            | Self::RefreshImages { repo, .. }
            | Self::FindImages { repo, .. }
            | Self::ChangeRepository { repo, .. }
            | Self::StartScans { repo, .. }
            | Self::LoadFindings { repo, .. }
            | Self::ChangeImages { repo, .. }
            | Self::DeleteRepository { repo, .. }
            | Self::ChangeLifecycle { repo, .. }
            | Self::PreviewLifecycle { repo, .. }
            | Self::CompareReencrypted { repo, .. }
            | Self::CheckCopyTarget { target: repo, .. } => Some(&repo.registry),
            Self::ExportFindings(x) => Some(&x.repo.registry),
            Self::CopyImages(j) => Some(&j.source.registry),
            Self::ExportImage(j) => Some(&j.repo.registry),
            Self::Reencrypt(j) => Some(&j.repo.registry),
        }
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
    pub cancel: Arc<AtomicBool>,
}

/// An export of the findings of some images to a file the user chose.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    pub repo: RepoRef,
    /// Each image with the tags it was shown with.
    pub images: Vec<(Digest, Vec<String>)>,
    pub format: ExportFormat,
    pub path: PathBuf,
}

/// Image operations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageChange {
    /// PutImage with the image's own manifest under a new tag.
    Retag { digest: Digest, tag: String },
    /// Removes one tag, only while it still names `digest` (the image goes
    /// with its last tag).
    RemoveTag { digest: Digest, tag: String },
    /// Deletes images with all their tags (BatchDeleteImage, 100 a call).
    Delete(Vec<Digest>),
    /// Moves images to the archive storage class (UpdateImageStorageClass,
    /// one call each): cheaper, but they cannot be pulled or scanned until
    /// restored, and ECR bills at least 90 days of archive.
    Archive(Vec<Digest>),
    /// Starts restoring archived images to standard; each is ACTIVATING for
    /// a while (ECR says up to hours), then ACTIVE.
    Restore(Vec<Digest>),
}

impl ImageChange {
    /// The images the change is about.
    pub fn digests(&self) -> Vec<Digest> {
        match self {
            Self::Retag { digest, .. } | Self::RemoveTag { digest, .. } => vec![*digest],
            Self::Delete(d) | Self::Archive(d) | Self::Restore(d) => d.clone(),
        }
    }
}

/// Pull-through cache rule changes ECR allows.
#[derive(Clone, Debug, PartialEq)]
pub enum PullThroughChange {
    Create(NewPullThroughRule),
    /// Only the credential and the custom role can change in place.
    Update {
        prefix: String,
        credential_arn: Option<String>,
        custom_role_arn: Option<String>,
    },
    Delete(String),
}

/// Settings changes ECR allows on an existing repository.
#[derive(Clone, Debug, PartialEq)]
pub enum RepoChange {
    TagMutability(TagMutabilitySetting),
    ScanOnPush(bool),
    /// Resource tags set (added or replaced) and removed, by the
    /// repository's ARN; the tags are re-read after.
    ResourceTags {
        arn: String,
        set: Vec<(String, String)>,
        remove: Vec<String>,
    },
}

/// The registry scanning configuration and what it gives each repository.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanningConfigs {
    pub registry: RegistryScanningConfig,
    pub repositories: Vec<RepoScanConfig>,
}

/// The platforms an image index lists.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexPlatforms {
    pub index: Digest,
    pub children: Vec<(Digest, Platform)>,
}

/// A written export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub path: PathBuf,
    pub findings: usize,
    pub images: usize,
}

/// Why an export was not written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportFailure {
    /// A report could not be read (the image may be gone).
    Read { digest: Digest, error: EcrError },
    /// The file could not be written; an existing file is left as it was.
    Write { path: PathBuf, detail: String },
}

/// What comes back.
#[derive(Debug)]
pub struct Event {
    pub request: RequestId,
    pub registry: Option<RegistryKey>,
    pub payload: Payload,
}

#[derive(Debug)]
pub enum Payload {
    Discovered(Discovery),
    RegistryInfo(Result<RegistryInfo, EcrError>),
    /// One page of repositories; more may follow.
    RepositoriesPage(Vec<Repository>),
    /// Listing finished (with the total) or failed.
    RepositoriesDone(Result<usize, EcrError>),
    Scanning(Result<ScanningConfigs, EcrError>),
    ImagesPage {
        repository: String,
        images: Vec<Image>,
    },
    ImagesDone {
        repository: String,
        result: Result<usize, EcrError>,
    },
    Platforms {
        repository: String,
        result: Result<Vec<IndexPlatforms>, EcrError>,
    },
    ScanSummary {
        repository: String,
        digest: Digest,
        result: Result<ScanSummary, EcrError>,
    },
    ImageDetail {
        repository: String,
        digest: Digest,
        result: Result<ImageDetailDoc, EcrError>,
    },
    /// A repository's resource tags.
    RepoTags {
        repository: String,
        result: Result<Vec<(String, String)>, EcrError>,
    },
    /// What one repository holds of a global search's query.
    Found {
        repository: String,
        search: u64,
        result: Result<Vec<Image>, EcrError>,
    },
    /// Rows re-read by digest; a digest asked for and missing from the
    /// result is gone from the server.
    ImagesRefreshed {
        repository: String,
        digests: Vec<Digest>,
        result: Result<Vec<Image>, EcrError>,
    },
    /// The outcome of a change, and the repository as re-read afterwards
    /// (also after a failure, so the screen shows what the server holds).
    RepositoryChanged {
        repository: String,
        result: Result<(), EcrError>,
        reread: Option<Result<Repository, EcrError>>,
    },
    RepositoryCreated(Result<Repository, EcrError>),
    /// An export has the reports of `done` of `total` images.
    ExportProgress {
        done: usize,
        total: usize,
        findings: usize,
    },
    Exported(Result<Exported, ExportFailure>),
    /// A copy or image export in progress.
    TransferProgress(CopyProgress),
    Copied(Result<CopyReport, CopyFailure>),
    CopyTargetChecked(Result<crate::model::transfer::TargetCheck, CopyFailure>),
    ImageExported(Result<ExportReport, CopyFailure>),
    Reencrypted(Result<ReencryptReport, CopyFailure>),
    ReencryptCompared(Result<crate::model::transfer::ReencryptComparison, CopyFailure>),
    ScanStarted {
        repository: String,
        digest: Digest,
        result: Result<Option<ScanStatus>, EcrError>,
    },
    Findings {
        repository: String,
        digest: Digest,
        result: Result<ScanReport, EcrError>,
    },
    /// The outcome of a scanning change, with the configuration re-read.
    ScanningSaved(Result<ScanningConfigs, EcrError>),
    /// An image operation finished: what the server confirmed, what it
    /// refused, or why the call failed.
    ImagesChanged {
        repository: String,
        change: ImageChange,
        result: Result<BatchResult, EcrError>,
    },
    RepositoryDeleted {
        repository: String,
        result: Result<(), EcrError>,
    },
    PullThroughRules(Result<Vec<PullThroughRule>, EcrError>),
    /// A rule change finished (the rules are re-read after it either way).
    PullThroughChanged {
        change: PullThroughChange,
        result: Result<(), EcrError>,
    },
    PullThroughValidated {
        prefix: String,
        result: Result<PullThroughValidation, EcrError>,
    },
    LoginToken(Result<AuthToken, EcrError>),
    Lifecycle {
        repository: String,
        result: Result<Option<LifecyclePolicy>, EcrError>,
    },
    LifecycleChanged {
        repository: String,
        deleted: bool,
        result: Result<(), EcrError>,
    },
    LifecyclePreview {
        repository: String,
        result: Result<LifecyclePreview, EcrError>,
    },
    RepoPolicy {
        repository: String,
        result: Result<Option<String>, EcrError>,
    },
    /// The task working on the request ended without answering (it
    /// panicked): whatever waits for this request ends as an error.
    Crashed(EcrError),
}

/// The payloads that end a command that failed before any call (no client:
/// no region, no demo endpoint; or never handed to the worker): every slot
/// that waits for it gets the error.
pub fn failed_payloads(cmd: Command, e: &EcrError) -> Vec<Payload> {
    fn fail<T>(e: &EcrError) -> Result<T, EcrError> {
        Err(e.clone())
    }
    match cmd {
        Command::Discover => Vec::new(),
        Command::LoadRegistryInfo(_) => vec![Payload::RegistryInfo(fail(e))],
        Command::LoadRepositories(_) => vec![Payload::RepositoriesDone(fail(e))],
        Command::LoadScanning { .. } => vec![Payload::Scanning(fail(e))],
        Command::PutScanning { .. } => vec![Payload::ScanningSaved(fail(e))],
        Command::LoadImages(repo) => vec![Payload::ImagesDone {
            repository: repo.name,
            result: fail(e),
        }],
        Command::LoadPlatforms { repo, .. } => vec![Payload::Platforms {
            repository: repo.name,
            result: fail(e),
        }],
        Command::LoadScanSummaries { repo, digests } => digests
            .into_iter()
            .map(|digest| Payload::ScanSummary {
                repository: repo.name.clone(),
                digest,
                result: fail(e),
            })
            .collect(),
        Command::LoadRepoTags { repos, .. } => repos
            .into_iter()
            .map(|(repository, _)| Payload::RepoTags {
                repository,
                result: fail(e),
            })
            .collect(),
        Command::FindImages { repo, search, .. } => vec![Payload::Found {
            repository: repo.name,
            search,
            result: fail(e),
        }],
        Command::RefreshImages { repo, digests } => vec![Payload::ImagesRefreshed {
            repository: repo.name,
            digests,
            result: fail(e),
        }],
        Command::LoadImageDetail { repo, digest } => vec![Payload::ImageDetail {
            repository: repo.name,
            digest,
            result: fail(e),
        }],
        Command::ChangeRepository { repo, .. } => vec![Payload::RepositoryChanged {
            repository: repo.name,
            result: fail(e),
            reread: None,
        }],
        Command::StartScans { repo, digests } => digests
            .into_iter()
            .map(|digest| Payload::ScanStarted {
                repository: repo.name.clone(),
                digest,
                result: fail(e),
            })
            .collect(),
        Command::LoadFindings { repo, digest } => vec![Payload::Findings {
            repository: repo.name,
            digest,
            result: fail(e),
        }],
        Command::CopyImages(_) => vec![Payload::Copied(Err(CopyFailure::api(e.clone())))],
        Command::CheckCopyTarget { .. } => {
            vec![Payload::CopyTargetChecked(Err(CopyFailure::api(e.clone())))]
        }
        Command::Reencrypt(_) => vec![Payload::Reencrypted(Err(CopyFailure::api(e.clone())))],
        Command::CompareReencrypted { .. } => {
            vec![Payload::ReencryptCompared(Err(CopyFailure::api(e.clone())))]
        }
        Command::ExportImage(_) => vec![Payload::ImageExported(Err(CopyFailure::api(e.clone())))],
        Command::ExportFindings(x) => vec![Payload::Exported(Err(ExportFailure::Read {
            digest: x
                .images
                .first()
                .map_or(crate::model::Digest([0; 32]), |i| i.0),
            error: e.clone(),
        }))],
        Command::ChangeImages { repo, change } => vec![Payload::ImagesChanged {
            repository: repo.name,
            change,
            result: fail(e),
        }],
        Command::CreateRepository { .. } => vec![Payload::RepositoryCreated(fail(e))],
        Command::DeleteRepository { repo, .. } => vec![Payload::RepositoryDeleted {
            repository: repo.name,
            result: fail(e),
        }],
        Command::LoadPullThrough(_) => vec![Payload::PullThroughRules(fail(e))],
        Command::ChangePullThrough { change, .. } => vec![
            Payload::PullThroughChanged {
                change,
                result: fail(e),
            },
            Payload::PullThroughRules(fail(e)),
        ],
        Command::ValidatePullThrough { prefix, .. } => vec![Payload::PullThroughValidated {
            prefix,
            result: fail(e),
        }],
        Command::LoginToken(_) => vec![Payload::LoginToken(fail(e))],
        Command::LoadLifecycle(repo) => vec![Payload::Lifecycle {
            repository: repo.name,
            result: fail(e),
        }],
        Command::ChangeLifecycle { repo, text } => vec![
            Payload::LifecycleChanged {
                repository: repo.name.clone(),
                deleted: text.is_none(),
                result: fail(e),
            },
            Payload::Lifecycle {
                repository: repo.name,
                result: fail(e),
            },
        ],
        Command::PreviewLifecycle { repo, .. } => vec![Payload::LifecyclePreview {
            repository: repo.name,
            result: fail(e),
        }],
        Command::LoadRepoPolicy(repo) => vec![Payload::RepoPolicy {
            repository: repo.name,
            result: fail(e),
        }],
    }
}
