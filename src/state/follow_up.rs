//! What a state transition asks the app to do next.

use std::time::Duration;

use super::ImageKey;
use crate::message::Command;
use crate::model::RepoRef;

/// Something the app carries out after a state transition.
#[derive(Clone, Debug)]
pub enum FollowUp {
    /// Send this command (the app then calls [`AppState::started`]).
    Request(Command),
    /// Ask again after a while about this followed image (its scan's
    /// findings, or its row while a restore runs).
    Poll { image: ImageKey, after: Duration },
    /// The open dialog's work is done (a created repository opened).
    CloseModal,
    /// The image multi-selection no longer means anything (its images were
    /// deleted, or another repository opened).
    ClearImageSelection,
    /// Open the typed delete confirmation of this repository (a
    /// re-encryption's old repository, once both were compared again).
    ConfirmDeleteRepository(RepoRef),
}
