//! The registry login token (docker login).
//!
//! `actions.rs`: what the user can ask for and how the app carries it out;
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.
//!
//! View: `push_commands.rs` (build, tag, log in, push).

pub mod actions;
pub mod mfa;
pub mod mfa_dialog;
pub mod ops;
pub mod push_commands;
pub mod sso;
pub mod sso_dialog;
pub mod state;
