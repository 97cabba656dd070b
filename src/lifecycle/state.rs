//! Lifecycle policies' state transitions: the policy by repository, the
//! last failed change beside the editor, previews; a repository that turns
//! out to be gone takes the user back to the list.

use crate::message::{LifecycleCommand, LifecyclePayload, RequestId};
use crate::model::RegistryKey;
use crate::model::RepoRef;
use crate::state::{AppState, FollowUp, Notice, NoticeLevel, RegistryState, settle, wording};

impl AppState {
    /// A lifecycle request was sent: mark what waits for it.
    pub(crate) fn lifecycle_started(
        &mut self,
        id: RequestId,
        key: Option<&RegistryKey>,
        cmd: &LifecycleCommand,
    ) {
        let Some(r) = key.and_then(|k| self.registry_mut(k)) else {
            return;
        };
        match cmd {
            LifecycleCommand::Load(repo) | LifecycleCommand::Change { repo, .. } => r
                .docs
                .lifecycle
                .entry(repo.name.clone())
                .or_default()
                .start(id),
            LifecycleCommand::Preview { repo, .. } => r
                .docs
                .preview
                .entry(repo.name.clone())
                .or_default()
                .start(id),
        }
    }

    /// A lifecycle answer; returns what should follow.
    pub(crate) fn apply_lifecycle(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: LifecyclePayload,
    ) -> Vec<FollowUp> {
        let gone = match &payload {
            LifecyclePayload::Policy {
                repo: RepoRef {
                    name: repository, ..
                },
                result: Err(e),
            }
            | LifecyclePayload::Preview {
                repo: RepoRef {
                    name: repository, ..
                },
                result: Err(e),
            } if e.is_repository_gone() => Some(repository.clone()),
            LifecyclePayload::Policy { .. }
            | LifecyclePayload::Preview { .. }
            | LifecyclePayload::Changed { .. } => None,
        };
        let notice = key
            .and_then(|k| self.registry_mut(k))
            .and_then(|reg| reg.apply_lifecycle(request, payload));
        if let Some(n) = notice {
            self.notify(n.level, n.text);
        }
        match gone {
            Some(repo) => self.repository_vanished(key, &repo),
            None => Vec::new(),
        }
    }
}

impl RegistryState {
    /// Applies a lifecycle answer; returns a notice to show.
    pub(crate) fn apply_lifecycle(
        &mut self,
        request: RequestId,
        payload: LifecyclePayload,
    ) -> Option<Notice> {
        let docs = &mut self.docs;
        match payload {
            LifecyclePayload::Policy {
                repo: RepoRef {
                    name: repository, ..
                },
                result,
            } => {
                settle(
                    docs.lifecycle.entry(repository).or_default(),
                    request,
                    result,
                );
                None
            }
            LifecyclePayload::Changed {
                repo: RepoRef {
                    name: repository, ..
                },
                deleted,
                result,
            } => match result {
                Ok(()) => {
                    docs.lifecycle_error.remove(&repository);
                    docs.preview.remove(&repository);
                    Some(Notice {
                        level: NoticeLevel::Success,
                        text: wording::lifecycle_changed(&repository, deleted),
                    })
                }
                Err(e) => {
                    docs.lifecycle_error.insert(repository, e.to_string());
                    Some(Notice {
                        level: NoticeLevel::Error,
                        text: format!("The lifecycle policy was not changed: {e}"),
                    })
                }
            },
            LifecyclePayload::Preview {
                repo: RepoRef {
                    name: repository, ..
                },
                result,
            } => {
                settle(docs.preview.entry(repository).or_default(), request, result);
                None
            }
        }
    }
}
