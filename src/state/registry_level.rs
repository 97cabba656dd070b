//! Registry-level and per-repository documents beyond the image list:
//! pull-through cache rules, the docker login token, lifecycle policies and
//! their previews, repository policies. Their events land here.

use crate::message::{LifecyclePayload, LoginPayload, ManagePayload, PullThroughPayload};
use std::collections::HashMap;

use crate::message::{Payload, RequestId};
use crate::model::{
    AuthToken, EpochMillis, LifecyclePolicy, LifecyclePreview, PullThroughRule,
    PullThroughValidation, RegistryKey,
};

use super::apply::settle;
use super::{AppState, FollowUp, Notice, NoticeLevel, RegistryState, Requested, wording};

/// A docker login token while it is wanted: the expiry stays for the
/// countdown, the token itself is dropped (and zeroed) once it has been
/// copied.
#[derive(Clone, Debug)]
pub struct Login {
    pub proxy_endpoint: String,
    pub expires_at: Option<EpochMillis>,
    pub token: Option<AuthToken>,
}

/// What the registry's extra views have loaded.
#[derive(Debug, Default)]
pub struct RegistryDocs {
    pub pull_through: Requested<Vec<PullThroughRule>>,
    /// The last failed rule change, shown in the rules view.
    pub pull_through_error: Option<String>,
    /// ValidatePullThroughCacheRule answers, by prefix.
    pub validations: HashMap<String, Result<PullThroughValidation, String>>,
    pub login: Requested<Login>,
    /// By repository: `Ready(None)` means it has none.
    pub lifecycle: HashMap<String, Requested<Option<LifecyclePolicy>>>,
    pub lifecycle_error: HashMap<String, String>,
    pub preview: HashMap<String, Requested<LifecyclePreview>>,
    pub repo_policy: HashMap<String, Requested<Option<String>>>,
}

impl AppState {
    /// An event of a registry's documents; a repository that turns out to
    /// be gone takes the user back to the list.
    pub(super) fn apply_docs_event(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: Payload,
    ) -> Vec<FollowUp> {
        let gone = match &payload {
            Payload::Lifecycle(LifecyclePayload::Policy {
                repository,
                result: Err(e),
            })
            | Payload::Manage(ManagePayload::RepoPolicy {
                repository,
                result: Err(e),
            })
            | Payload::Lifecycle(LifecyclePayload::Preview {
                repository,
                result: Err(e),
            }) if e.is_repository_gone() => Some(repository.clone()),
            _ => None,
        };
        let notice = key
            .and_then(|k| self.registry_mut(k))
            .and_then(|reg| reg.apply_docs(request, payload));
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
    /// Applies an event of this module's kinds; returns a notice to show.
    pub(crate) fn apply_docs(&mut self, request: RequestId, payload: Payload) -> Option<Notice> {
        let docs = &mut self.docs;
        match payload {
            Payload::PullThrough(PullThroughPayload::Rules(result)) => {
                settle(&mut docs.pull_through, request, result);
                None
            }
            Payload::PullThrough(PullThroughPayload::Changed { change, result }) => match result {
                Ok(()) => {
                    docs.pull_through_error = None;
                    Some(Notice {
                        level: NoticeLevel::Success,
                        text: wording::pull_through_changed(&change),
                    })
                }
                Err(e) => {
                    docs.pull_through_error = Some(e.to_string());
                    Some(Notice {
                        level: NoticeLevel::Error,
                        text: format!("The rule was not changed: {e}"),
                    })
                }
            },
            Payload::PullThrough(PullThroughPayload::Validated { prefix, result }) => {
                docs.validations
                    .insert(prefix, result.map_err(|e| e.to_string()));
                None
            }
            Payload::Login(LoginPayload::Token(result)) => {
                let result = result.map(|t| Login {
                    proxy_endpoint: t.proxy_endpoint.clone(),
                    expires_at: t.expires_at,
                    token: Some(t),
                });
                settle(&mut docs.login, request, result);
                None
            }
            Payload::Lifecycle(LifecyclePayload::Policy { repository, result }) => {
                settle(
                    docs.lifecycle.entry(repository).or_default(),
                    request,
                    result,
                );
                None
            }
            Payload::Lifecycle(LifecyclePayload::Changed {
                repository,
                deleted,
                result,
            }) => match result {
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
            Payload::Lifecycle(LifecyclePayload::Preview { repository, result }) => {
                settle(docs.preview.entry(repository).or_default(), request, result);
                None
            }
            Payload::Manage(ManagePayload::RepoPolicy { repository, result }) => {
                settle(
                    docs.repo_policy.entry(repository).or_default(),
                    request,
                    result,
                );
                None
            }
            _ => None,
        }
    }

    /// Takes the login token out for one copy; it is dropped (zeroed) by
    /// the caller right after.
    pub fn take_login_token(&mut self) -> Option<AuthToken> {
        self.docs.login.shown_mut().and_then(|l| l.token.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EcrError;
    use crate::state::demo_spec;

    #[test]
    fn change_then_reread_lands_and_errors_stay_until_success() {
        let mut reg = RegistryState::new(demo_spec());
        reg.docs.lifecycle.entry("web".into()).or_default().start(7);
        let n = reg.apply_docs(
            7,
            Payload::Lifecycle(LifecyclePayload::Changed {
                repository: "web".into(),
                deleted: false,
                result: Err(EcrError::Other {
                    operation: "PutLifecyclePolicy".into(),
                    detail: "bad".into(),
                }),
            }),
        );
        assert_eq!(n.map(|n| n.level), Some(NoticeLevel::Error));
        assert!(reg.docs.lifecycle_error.contains_key("web"));
        // The re-read that follows shows what the server holds.
        reg.apply_docs(
            7,
            Payload::Lifecycle(LifecyclePayload::Policy {
                repository: "web".into(),
                result: Ok(None),
            }),
        );
        assert_eq!(reg.docs.lifecycle["web"].shown(), Some(&None));
        // A stale answer is ignored.
        reg.apply_docs(
            3,
            Payload::Lifecycle(LifecyclePayload::Policy {
                repository: "web".into(),
                result: Ok(Some(LifecyclePolicy::default())),
            }),
        );
        assert_eq!(reg.docs.lifecycle["web"].shown(), Some(&None));
    }

    #[test]
    fn login_token_is_taken_once() {
        use base64::Engine as _;
        let mut reg = RegistryState::new(demo_spec());
        reg.docs.login.start(1);
        let enc = base64::engine::general_purpose::STANDARD.encode("AWS:pw");
        let t = AuthToken::from_encoded(&enc, "https://r".into(), Some(5)).expect("token");
        reg.apply_docs(1, Payload::Login(LoginPayload::Token(Ok(t))));
        assert_eq!(
            reg.take_login_token().map(|t| t.password().to_owned()),
            Some("pw".into())
        );
        assert!(reg.take_login_token().is_none(), "gone after one use");
        assert_eq!(reg.docs.login.shown().and_then(|l| l.expires_at), Some(5));
    }
}
