//! Scanning: the registry's scanning configuration, scan summaries, basic
//! scans, findings and their export.
//!
//! `ops.rs`: the worker operations (each command matched exhaustively).

pub mod ops;
