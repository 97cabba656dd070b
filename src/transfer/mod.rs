//! Copying images between repositories, registries, regions and accounts
//! without docker: through ECR's own layer API, with the clients ecrscope
//! already holds. `plan` is the pure half (what an image needs, what the
//! target's tag rules say), `engine` moves the bytes, `oci` writes an image
//! to an OCI layout tar.

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
mod source;
pub mod state;

pub use crate::model::transfer::{
    CopyError, CopyFailure, CopyItem, CopyProgress, CopyReport, ExportReport,
};
pub use crate::model::transfer::{TagMoves, TargetCheck};
pub use engine::{CopyEnds, check_target, copy_images};
