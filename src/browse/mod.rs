//! Browsing: the registry, its repositories, their images and an image's
//! documents.
//!
//! `ops.rs`: the worker operations (each command matched exhaustively).

pub mod ops;
