//! The global search across registries.
//!
//! `actions.rs`: what the user can ask for and how the app carries it out;
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.
//!
//! View: `view.rs`.

pub mod actions;
pub mod ops;
pub mod state;
pub mod view;
