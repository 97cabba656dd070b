//! The registry login token (docker login).
//!
//! `ops.rs`: the worker operations (each command matched exhaustively).

pub mod ops;
