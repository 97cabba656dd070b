//! Lifecycle policies and their previews.
//!
//! `actions.rs`: what the user can ask for and how the app carries it out;
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.
//!
//! Views: `view.rs` (the policy, its editor and previews), `draft.rs` (the
//! rule-by-rule form kept in step with the JSON).

pub mod actions;
pub mod draft;
pub mod ops;
pub mod state;
pub mod view;
