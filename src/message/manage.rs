//! Changing what a registry holds: repository settings, creating and
//! deleting repositories, tagging, deleting, archiving and restoring
//! images, and the repository policy. Every change reads back what the
//! server holds after it, whatever happened.

use crate::model::{
    BatchResult, Digest, EcrError, NewRepository, RegistrySpec, RepoRef, Repository,
    TagMutabilitySetting,
};

#[derive(Clone, Debug)]
pub enum ManageCommand {
    /// A change to one repository's settings, then a re-read of it.
    ChangeRepository {
        repo: RepoRef,
        change: RepoChange,
    },
    CreateRepository {
        registry: RegistrySpec,
        new: NewRepository,
    },
    DeleteRepository {
        repo: RepoRef,
        force: bool,
    },
    /// Tag, untag or delete images.
    ChangeImages {
        repo: RepoRef,
        change: ImageChange,
    },
    /// GetRepositoryPolicy.
    RepoPolicy(RepoRef),
    /// DeleteRepositoryPolicy, then the policy re-read.
    DeleteRepoPolicy(RepoRef),
}

impl ManageCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::CreateRepository { registry, .. } => Some(registry),
            Self::ChangeRepository { repo, .. }
            | Self::DeleteRepository { repo, .. }
            | Self::ChangeImages { repo, .. }
            | Self::RepoPolicy(repo)
            | Self::DeleteRepoPolicy(repo) => Some(&repo.registry),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<ManagePayload> {
        let e = e.clone();
        match self {
            Self::ChangeRepository { repo, .. } => vec![ManagePayload::RepositoryChanged {
                repo,
                result: Err(e),
                reread: None,
            }],
            Self::CreateRepository { .. } => vec![ManagePayload::RepositoryCreated(Err(e))],
            Self::DeleteRepository { repo, .. } => vec![ManagePayload::RepositoryDeleted {
                repo,
                result: Err(e),
            }],
            Self::ChangeImages { repo, change } => vec![ManagePayload::ImagesChanged {
                repo,
                change,
                result: Err(e),
            }],
            Self::RepoPolicy(repo) => vec![ManagePayload::RepoPolicy {
                repo,
                result: Err(e),
            }],
            Self::DeleteRepoPolicy(repo) => vec![
                ManagePayload::RepoPolicyDeleted {
                    repo: repo.clone(),
                    result: Err(e.clone()),
                },
                ManagePayload::RepoPolicy {
                    repo,
                    result: Err(e),
                },
            ],
        }
    }
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

#[derive(Debug)]
pub enum ManagePayload {
    /// The outcome of a change, and the repository as re-read afterwards
    /// (also after a failure, so the screen shows what the server holds).
    RepositoryChanged {
        repo: RepoRef,
        result: Result<(), EcrError>,
        reread: Option<Result<Repository, EcrError>>,
    },
    RepositoryCreated(Result<Repository, EcrError>),
    RepositoryDeleted {
        repo: RepoRef,
        result: Result<(), EcrError>,
    },
    /// An image operation finished: what the server confirmed, what it
    /// refused, or why the call failed.
    ImagesChanged {
        repo: RepoRef,
        change: ImageChange,
        result: Result<BatchResult, EcrError>,
    },
    RepoPolicy {
        repo: RepoRef,
        result: Result<Option<String>, EcrError>,
    },
    /// A policy delete finished (the policy is re-read after it either way).
    RepoPolicyDeleted {
        repo: RepoRef,
        result: Result<(), EcrError>,
    },
}
