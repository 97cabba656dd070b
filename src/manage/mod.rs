//! Changing what a registry holds: repository settings, create and
//! delete, image changes (tag, untag, delete, archive, restore), the
//! repository policy.
//!
//! `actions.rs`: what the user can ask for and how the app carries it out;
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.
//!
//! Views and dialogs: `settings_dialog.rs` (one repository),
//! `bulk_dialog.rs` (many), `create_dialog.rs` (create and the typed
//! delete), `image_actions.rs` (tag, untag, delete, archive, restore and
//! their confirmations), `policy_view.rs` (the repository policy).

pub mod actions;
pub mod bulk_dialog;
pub mod create_dialog;
pub mod image_actions;
pub mod ops;
pub mod policy_view;
pub mod settings_dialog;
pub mod state;
