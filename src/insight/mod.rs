//! Insight (a feature slice): what each repository stores and costs.
//!
//! `storage.rs`: the report, pure, from the image lists loaded;
//! `actions.rs`: reading every repository of a registry; `storage_view.rs`:
//! the Storage tab.
//!
//! Snapshots: `inventory.rs` (the state as an `ecr_snapshot::Snapshot`),
//! `snapshots.rs` (their state), `snapshot_jobs.rs` (save, list, open,
//! compare, off the UI thread), `history_view.rs` (the History tab),
//! `snapshot_view.rs` (one opened read-only), `comparison_view.rs`.
//! Trends: `trends.rs` (the series), `charts.rs` (egui_plot),
//! `trends_view.rs` (a repository's Trends tab).

pub mod actions;
pub mod charts;
pub mod cleanup;
pub mod cleanup_rule;
pub mod cleanup_rule_view;
pub mod cleanup_view;
pub mod comparison_view;
pub mod history_view;
pub mod inventory;
pub mod savings;
pub mod savings_view;
pub mod snapshot_jobs;
pub mod snapshot_view;
pub mod snapshots;
pub mod storage;
pub mod storage_view;
pub mod trends;
pub mod trends_view;

/// `make()`, kept in the frame's memory (the Storage report, the
/// clean-up groups, the trend series) under `id` until `fingerprint`
/// changes.
pub fn cached<T: Send + Sync + 'static>(
    ui: &egui::Ui,
    id: egui::Id,
    fingerprint: u64,
    make: impl FnOnce() -> T,
) -> std::sync::Arc<T> {
    if let Some((k, v)) = ui.data(|d| d.get_temp::<(u64, std::sync::Arc<T>)>(id))
        && k == fingerprint
    {
        return v;
    }
    let v = std::sync::Arc::new(make());
    ui.data_mut(|d| d.insert_temp(id, (fingerprint, v.clone())));
    v
}
