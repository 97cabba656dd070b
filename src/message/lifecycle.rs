//! A repository's lifecycle policy: read, put or delete, and previews.

use crate::model::{EcrError, LifecyclePolicy, LifecyclePreview, RegistrySpec, RepoRef};

#[derive(Clone, Debug)]
pub enum LifecycleCommand {
    /// GetLifecyclePolicy.
    Load(RepoRef),
    /// Put (Some) or delete (None) the lifecycle policy, then re-read it.
    Change { repo: RepoRef, text: Option<String> },
    /// StartLifecyclePolicyPreview with a draft, then GetLifecyclePolicyPreview
    /// until it leaves IN_PROGRESS.
    Preview { repo: RepoRef, text: String },
}

impl LifecycleCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Load(repo) | Self::Change { repo, .. } | Self::Preview { repo, .. } => {
                Some(&repo.registry)
            }
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<LifecyclePayload> {
        match self {
            Self::Load(repo) => vec![LifecyclePayload::Policy {
                repo,
                result: Err(e.clone()),
            }],
            Self::Change { repo, text } => vec![
                LifecyclePayload::Changed {
                    repo: repo.clone(),
                    deleted: text.is_none(),
                    result: Err(e.clone()),
                },
                LifecyclePayload::Policy {
                    repo,
                    result: Err(e.clone()),
                },
            ],
            Self::Preview { repo, .. } => vec![LifecyclePayload::Preview {
                repo,
                result: Err(e.clone()),
            }],
        }
    }
}

#[derive(Debug)]
pub enum LifecyclePayload {
    Policy {
        repo: RepoRef,
        result: Result<Option<LifecyclePolicy>, EcrError>,
    },
    Changed {
        repo: RepoRef,
        deleted: bool,
        result: Result<(), EcrError>,
    },
    Preview {
        repo: RepoRef,
        result: Result<LifecyclePreview, EcrError>,
    },
}
