//! Scanning: the registry's scanning configuration, scan summaries, basic
//! scans, findings and their export.
//!
//! `actions.rs`: what the user can ask for and how the app carries it out;
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.
//!
//! Views and dialogs: `findings_view.rs` and `findings_compare.rs`,
//! `config_dialog.rs` (the registry's scanning configuration); `export.rs`
//! writes CSV, JSON and SARIF.

pub mod actions;
pub mod config_dialog;
pub mod export;
pub mod findings_compare;
pub mod findings_view;
pub mod ops;
pub mod state;
