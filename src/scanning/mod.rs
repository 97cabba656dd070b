//! Scanning: the registry's scanning configuration, scan summaries, basic
//! scans, findings and their export.
//!
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.

pub mod ops;
pub mod state;
