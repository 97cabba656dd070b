//! Insight (a feature slice): what each repository stores and costs.
//!
//! `storage.rs`: the report, pure, from the image lists loaded;
//! `actions.rs`: reading every repository of a registry; `storage_view.rs`:
//! the Storage tab.

pub mod actions;
pub mod cleanup;
pub mod cleanup_view;
pub mod savings;
pub mod savings_view;
pub mod storage;
pub mod storage_view;
