//! Changing what a registry holds: repository settings, create and
//! delete, image changes (tag, untag, delete, archive, restore), the
//! repository policy.
//!
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.

pub mod ops;
pub mod state;
