//! The registry's History tab: snapshots (save one now, the folder's
//! list, open one read-only, compare two or one with now) and the
//! registry's trends (pushes per week, storage at each snapshot). An open
//! snapshot or a comparison takes the tab's place until it is closed.

use egui::{RichText, Ui};

use super::actions::InsightAction;
use super::cached;
use super::trends_view::want_library;
use super::{charts, inventory, snapshot_jobs, trends};
use crate::model::transfer::human_size_u64;
use crate::state::{AppState, RegistryState};
use crate::ui::UiAction;
use crate::ui::style::{self, icon};
use crate::ui::widgets;

/// Repositories drawn as lines over the registry's pushes (the busiest).
const BUSIEST: usize = 3;

pub fn history_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let Some(reg) = state.selected_registry() else {
        return;
    };
    want_library(state, actions);
    if let Some(o) = &state.snapshots.opened {
        super::snapshot_view::snapshot_ui(ui, o, actions);
        return;
    }
    if let Some(c) = &state.snapshots.comparison {
        super::comparison_view::comparison_ui(ui, c, state, actions);
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("history_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            snapshots_ui(ui, state, actions);
            ui.add_space(style::GAP * 2.0);
            ui.heading(format!("{} Trends", icon::CHART_BAR));
            registry_trends_ui(ui, state, reg);
        });
}

fn snapshots_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let p = style::palette(ui.visuals());
    let s = &state.snapshots;
    ui.heading(format!("{} Snapshots", icon::CLOCK));
    ui.label(
        RichText::new(
            "A snapshot keeps the inventory ecrscope has loaded (registries, repositories with their settings, images with tags, digests, sizes, times and scan counts) in a file: open it later without any network, or compare it with another or with now.",
        )
        .color(p.muted),
    );
    let (read, all) = inventory::read_counts(state);
    ui.horizontal_wrapped(|ui| {
        let can = s.busy.is_none() && state.snapshots_dir.is_some() && all > 0;
        if ui
            .add_enabled(can, egui::Button::new(format!("{} Save a snapshot now", icon::DATABASE)))
            .clicked()
        {
            actions.push(UiAction::Insight(InsightAction::SaveSnapshot));
        }
        let note = if all == 0 {
            "No repository is listed yet.".to_owned()
        } else if read < all {
            format!(
                "{read} of {all} repositories have their images read: the others are saved without images (Storage & cost reads every repository)."
            )
        } else {
            format!("All {all} repositories read.")
        };
        ui.label(RichText::new(note).color(p.muted));
    });
    if let Some(dir) = &state.snapshots_dir {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Saved in {}", dir.display())).color(p.muted));
            widgets::copy_button(ui, "the snapshots folder", &dir.display().to_string());
        });
    }
    open_file_ui(ui, state, actions);
    if let Some(b) = &s.busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(b);
        });
    }
    if let Some(e) = &s.error {
        ui.colored_label(p.error, format!("{} {e}", icon::ERROR));
    }
    if let Some(ok) = &s.saved {
        ui.colored_label(p.ok, format!("{} {ok}", icon::OK));
    }
    ui.add_space(style::GAP);
    library_ui(ui, state, actions);
}

fn open_file_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let id = egui::Id::unique("snapshot_open_path");
    let mut path = ui.data_mut(|d| d.get_temp_mut_or_default::<String>(id).clone());
    ui.horizontal(|ui| {
        ui.label("Open a snapshot file:");
        let r = ui.add(
            egui::TextEdit::singleline(&mut path)
                .hint_text("/path/to/snapshot.ecrsnap")
                .desired_width(360.0),
        );
        let go = ui
            .add_enabled(
                state.snapshots.busy.is_none() && !path.trim().is_empty(),
                egui::Button::new("Open file"),
            )
            .clicked()
            || (r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
        if go && !path.trim().is_empty() {
            actions.push(UiAction::Insight(InsightAction::OpenSnapshot(
                path.trim().into(),
            )));
        }
    });
    ui.data_mut(|d| d.insert_temp(id, path));
}

fn library_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let p = style::palette(ui.visuals());
    let s = &state.snapshots;
    if s.library.is_empty() {
        ui.label(
            RichText::new(if s.library_read {
                "No snapshot saved yet."
            } else {
                "Reading the snapshots folder…"
            })
            .color(p.muted),
        );
    } else {
        let idle = s.busy.is_none();
        egui::Grid::new("snapshot_library")
            .num_columns(6)
            .striped(true)
            .spacing([14.0, 4.0])
            .show(ui, |ui| {
                for h in ["Taken", "Registries", "Repositories", "Images", "File", ""] {
                    ui.strong(h);
                }
                ui.end_row();
                for (k, e) in s.library.iter().enumerate() {
                    let when = snapshot_jobs::when(e.summary.taken_at);
                    ui.label(&when);
                    ui.label(e.summary.registries.len().to_string());
                    ui.label(
                        e.summary
                            .registries
                            .iter()
                            .map(|r| r.repositories.len())
                            .sum::<usize>()
                            .to_string(),
                    );
                    ui.label(e.images().to_string());
                    ui.label(human_size_u64(e.bytes));
                    ui.horizontal(|ui| {
                        ui.add_enabled_ui(idle, |ui| {
                            if widgets::named_button(
                                ui,
                                icon::EYE,
                                "Open",
                                &format!("Open the snapshot of {when}"),
                            )
                            .clicked()
                            {
                                actions.push(UiAction::Insight(InsightAction::OpenSnapshot(
                                    e.path.clone(),
                                )));
                            }
                            if widgets::named_button(
                                ui,
                                icon::ARROWS_LEFT_RIGHT,
                                "With now",
                                &format!("Compare the snapshot of {when} with now"),
                            )
                            .clicked()
                            {
                                actions.push(UiAction::Insight(InsightAction::CompareWithNow(
                                    e.path.clone(),
                                )));
                            }
                            if let Some(older) = s.library.get(k + 1)
                                && widgets::named_button(
                                    ui,
                                    icon::ARROWS_LEFT_RIGHT,
                                    "With the one before",
                                    &format!("Compare the snapshot of {when} with the one before"),
                                )
                                .clicked()
                            {
                                actions.push(UiAction::Insight(InsightAction::Compare {
                                    older: older.path.clone(),
                                    newer: e.path.clone(),
                                }));
                            }
                        });
                    });
                    ui.end_row();
                }
            });
    }
    for problem in &s.library_problems {
        ui.colored_label(p.warning, format!("{} {problem}", icon::WARNING));
    }
}

/// The registry's pushes: all repositories read, and the busiest few.
#[derive(Debug, Default)]
struct RegistryPushes {
    total: Vec<(i64, u32)>,
    busiest: Vec<(String, Vec<(i64, u32)>)>,
}

fn registry_trends_ui(ui: &mut Ui, state: &AppState, reg: &RegistryState) {
    let prices = ecr_core::cost::prices_for(&reg.spec.region);
    let now = widgets::now_ms();
    // The same fingerprint as the Storage report: made again when a list
    // changes, once a second at most while every repository is read.
    let fp = super::storage_view::fingerprint(reg, prices, now);
    let id = egui::Id::unique(("registry_pushes", reg.spec.key()));
    let pushes = cached(ui, id, fp, || {
        let lists: Vec<(&String, &std::sync::Arc<Vec<crate::model::Image>>)> = reg
            .images
            .iter()
            .filter_map(|(n, ri)| Some((n, ri.list.shown()?)))
            .collect();
        let total = trends::pushes_per_week(lists.iter().flat_map(|(_, l)| l.iter()), now);
        let mut per: Vec<(String, Vec<(i64, u32)>)> = lists
            .iter()
            .map(|(n, l)| ((*n).clone(), trends::pushes_per_week(l.iter(), now)))
            .collect();
        per.sort_by_key(|(n, w)| {
            (
                std::cmp::Reverse(w.iter().map(|x| x.1).sum::<u32>()),
                n.clone(),
            )
        });
        per.truncate(BUSIEST);
        per.retain(|(_, w)| !w.is_empty());
        RegistryPushes {
            total,
            busiest: per,
        }
    });
    let read = reg
        .images
        .values()
        .filter(|ri| ri.list.shown().is_some())
        .count();
    ui.label(
        RichText::new(format!(
            "From the {read} repositories whose images are read (Storage & cost reads them all)."
        ))
        .color(style::palette(ui.visuals()).muted),
    );
    charts::pushes_ui(
        ui,
        "registry_pushes",
        "all repositories",
        &pushes.total,
        &pushes.busiest,
    );
    ui.add_space(style::GAP);
    let storage = trends::storage_over_time(
        state.snapshots.library.iter().map(|e| e.summary.as_ref()),
        &reg.spec.key().0,
        None,
    );
    charts::storage_ui(ui, "registry_storage", &storage);
}
