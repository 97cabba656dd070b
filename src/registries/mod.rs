//! The registry list: every AWS profile and region, plus the endpoints the
//! user adds.
//!
//! `actions.rs`: add and remove registries.

pub mod actions;
pub mod add_dialog;
pub mod profiles;
