//! The global search across registries.
//!
//! `ops.rs`: the worker operations (each command matched exhaustively).

pub mod ops;
