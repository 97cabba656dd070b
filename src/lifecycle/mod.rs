//! Lifecycle policies and their previews.
//!
//! `ops.rs`: the worker operations (each command matched exhaustively).

pub mod ops;
