//! A repository's Trends tab: its pushes per week, critical and high
//! findings across its versions, and its storage at each snapshot.
//! The series are made once per image list (cached by its generation),
//! not every frame: 100,000 images take a sort.

use egui::Ui;

use super::actions::InsightAction;
use super::trends::{self, VersionPoint};
use super::{cached, charts};
use crate::state::AppState;
use crate::ui::UiAction;
use crate::ui::widgets;

/// What the charts draw for one image list.
#[derive(Debug, Default)]
pub struct RepoSeries {
    pub pushes: Vec<(i64, u32)>,
    pub versions: Vec<VersionPoint>,
}

/// Asks for the snapshots folder's summaries once (the storage chart).
pub fn want_library(state: &AppState, actions: &mut Vec<UiAction>) {
    if !state.snapshots.library_read && state.snapshots.busy.is_none() {
        actions.push(UiAction::Insight(InsightAction::RefreshSnapshots));
    }
}

pub fn repo_trends_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let (Some(reg), Some(name)) = (
        state.selected_registry(),
        state.location.repository.as_deref(),
    ) else {
        return;
    };
    want_library(state, actions);
    let ri = reg.images.get(name);
    let list = ri.and_then(|r| r.list.shown());
    let fp = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ri.map(|r| r.generation).hash(&mut h);
        // Counts read one image at a time change the series too.
        ri.map(|r| r.scans.values().filter(|s| s.shown().is_some()).count())
            .hash(&mut h);
        list.map(|l| l.len()).hash(&mut h);
        (widgets::now_ms() / 3_600_000).hash(&mut h);
        h.finish()
    };
    let id = egui::Id::unique(("repo_trends", reg.spec.key(), name));
    let series = cached(ui, id, fp, || match list {
        Some(l) => RepoSeries {
            pushes: trends::pushes_per_week(l.iter(), widgets::now_ms()),
            versions: {
                let scans = ri.map(super::inventory::scan_counts).unwrap_or_default();
                trends::findings_by_version(l, |i| super::inventory::counts_of(&scans, i))
            },
        },
        None => RepoSeries::default(),
    });
    let storage = trends::storage_over_time(
        state.snapshots.library.iter().map(|e| e.summary.as_ref()),
        &reg.spec.key().0,
        Some(name),
    );
    egui::ScrollArea::vertical()
        .id_salt("repo_trends_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if list.is_none() {
                ui.label("The images are not read yet.");
                return;
            }
            charts::pushes_ui(ui, "repo_pushes", name, &series.pushes, &[]);
            ui.add_space(crate::ui::style::GAP);
            charts::findings_ui(ui, "repo_findings", &series.versions);
            ui.label(
                egui::RichText::new(
                    "Counts from each image's last scan, as read so far (the Overview's 'Check every tagged image' reads them all); an image whose counts are not read is not a point.",
                )
                .color(crate::ui::style::palette(ui.visuals()).muted),
            );
            ui.add_space(crate::ui::style::GAP);
            charts::storage_ui(ui, "repo_storage", &storage);
        });
}
