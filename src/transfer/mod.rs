//! Copying images between repositories, registries, regions and accounts
//! without docker: through ECR's own layer API, with the clients ecrscope
//! already holds. `plan` is the pure half (what an image needs, what the
//! target's tag rules say), `engine` moves the bytes, `oci` writes an image
//! to an OCI layout tar, `reencrypt` moves a repository into a new one.
//!
//! Like every feature: `actions.rs` (what the user asks for), `ops.rs` (the
//! worker operations), `state.rs` (the jobs and their transitions), each
//! matched exhaustively. Dialogs and views: `copy_dialog.rs` with
//! `copy_target.rs` (the target's check), `reencrypt_dialog.rs`, `panel.rs`
//! (the transfers panel).

pub mod actions;
pub mod copy_dialog;
pub mod copy_target;
pub mod engine;
pub mod oci;
pub mod ops;
pub mod panel;
pub mod plan;
pub mod reencrypt;
pub mod reencrypt_dialog;
pub mod referrers;
mod source;
pub mod state;

pub use crate::model::transfer::{
    CopyError, CopyFailure, CopyItem, CopyProgress, CopyReport, ExportReport,
};
pub use crate::model::transfer::{TagMoves, TargetCheck};
pub use engine::{CopyEnds, check_target, copy_images, copy_images_with};
