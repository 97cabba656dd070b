//! Changing what a registry holds: repository settings, create and
//! delete, image changes (tag, untag, delete, archive, restore), the
//! repository policy.
//!
//! `ops.rs`: the worker operations (each command matched exhaustively).

pub mod ops;
