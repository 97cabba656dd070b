//! Pull-through cache rules' state transitions: the rules as the server
//! holds them, the last failed change, validation answers by prefix.

use crate::message::{PullThroughCommand, PullThroughPayload, RequestId};
use crate::model::RegistryKey;
use crate::state::{AppState, FollowUp, Notice, NoticeLevel, RegistryState, settle, wording};

impl AppState {
    /// A rules request was sent: mark what waits for it.
    pub(crate) fn pull_through_started(
        &mut self,
        id: RequestId,
        key: Option<&RegistryKey>,
        cmd: &PullThroughCommand,
    ) {
        let Some(r) = key.and_then(|k| self.registry_mut(k)) else {
            return;
        };
        match cmd {
            PullThroughCommand::Load(_) => r.docs.pull_through.start(id),
            PullThroughCommand::Change { .. } => {
                r.docs.pull_through.start(id);
                r.docs.pull_through_error = None;
            }
            PullThroughCommand::Validate { prefix, .. } => {
                r.docs.validations.remove(prefix);
            }
            PullThroughCommand::Secrets(_) => r.docs.secrets.start(id),
            PullThroughCommand::CreateSecret { .. } => {
                r.docs.secrets.start(id);
                r.docs.secret_made = None;
                r.docs.secret_error = None;
            }
        }
    }

    /// A rules answer.
    pub(crate) fn apply_pull_through(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: PullThroughPayload,
    ) -> Vec<FollowUp> {
        let notice = key
            .and_then(|k| self.registry_mut(k))
            .and_then(|reg| reg.apply_pull_through(request, payload));
        if let Some(n) = notice {
            self.notify(n.level, n.text);
        }
        Vec::new()
    }
}

impl RegistryState {
    /// Applies a rules answer; returns a notice to show.
    pub(crate) fn apply_pull_through(
        &mut self,
        request: RequestId,
        payload: PullThroughPayload,
    ) -> Option<Notice> {
        let docs = &mut self.docs;
        match payload {
            PullThroughPayload::Rules(result) => {
                settle(&mut docs.pull_through, request, result);
                None
            }
            PullThroughPayload::Changed { change, result } => match result {
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
            PullThroughPayload::Validated { prefix, result } => {
                docs.validations
                    .insert(prefix, result.map_err(|e| e.to_string()));
                None
            }
            PullThroughPayload::Secrets(result) => {
                settle(&mut docs.secrets, request, result);
                None
            }
            PullThroughPayload::SecretCreated(result) => match result {
                Ok(made) => {
                    let text = format!("Secret {} created; the rule uses it.", made.name);
                    docs.secret_made = Some(made);
                    Some(Notice {
                        level: NoticeLevel::Success,
                        text,
                    })
                }
                Err(e) => {
                    docs.secret_error = Some(e.to_string());
                    None
                }
            },
        }
    }
}
