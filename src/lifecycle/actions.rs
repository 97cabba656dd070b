//! Lifecycle policies' actions: put, delete, preview a draft.

use crate::app::EcrscopeApp;
use crate::message::{Command, LifecycleCommand};
use crate::model::RepoRef;
use crate::state::FollowUp;

#[derive(Clone, Debug, PartialEq)]
pub enum LifecycleAction {
    /// Put this lifecycle policy on the repository.
    Save(RepoRef, String),
    Delete(RepoRef),
    Preview(RepoRef, String),
}

impl EcrscopeApp {
    pub(crate) fn on_lifecycle(&mut self, action: LifecycleAction) -> Vec<FollowUp> {
        let cmd = match action {
            LifecycleAction::Save(repo, text) => LifecycleCommand::Change {
                repo,
                text: Some(text),
            },
            LifecycleAction::Delete(repo) => LifecycleCommand::Change { repo, text: None },
            LifecycleAction::Preview(repo, text) => LifecycleCommand::Preview { repo, text },
        };
        vec![FollowUp::Request(Command::Lifecycle(cmd))]
    }
}
