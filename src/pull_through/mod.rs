//! Pull-through cache rules.
//!
//! `ops.rs`: the worker operations (each command matched exhaustively).

pub mod ops;
