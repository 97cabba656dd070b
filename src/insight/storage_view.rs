//! The Storage tab: every repository's stored bytes (active and archived
//! apart), images and estimated monthly cost, largest first, with a bar
//! each; the registry's total and the total of every registry read. The
//! figures are an estimate, and say what they assume and where the prices
//! come from.

use egui::{RichText, Ui};

use super::actions::InsightAction;
use super::storage::{StorageReport, report};
use crate::state::{AppState, RegistryState};
use crate::ui::UiAction;
use crate::ui::style::{self, icon};
use crate::ui::widgets;
use ecr_core::cost::{self, dollars};

/// Rows drawn at most (the rest summed in a line): a registry of 1,000
/// repositories still draws in a frame.
const ROWS_SHOWN: usize = 200;

fn prices(state: &AppState, reg: &RegistryState) -> cost::Prices {
    cost::prices_for(&reg.spec.region).with_standard(state.settings.storage_price)
}

/// What the report was made from: every list's generation and length, the
/// price, and the minute (the clean-up groups depend on the time). The
/// report over millions of images is made again only when this changes.
pub(super) fn fingerprint(reg: &RegistryState, p: cost::Prices, now: i64) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    p.standard_per_gb.to_bits().hash(&mut h);
    // While every repository is being read, lists change on most frames:
    // made again once a second, not on every answer (2,000,000 images take
    // 20 ms; see the benchmark).
    if reg.storage_reading {
        (now / 1_000).hash(&mut h);
        return h.finish();
    }
    for (name, ri) in &reg.images {
        name.hash(&mut h);
        ri.generation.hash(&mut h);
        ri.list.shown().map(|l| l.len()).hash(&mut h);
        ri.list.is_loading().hash(&mut h);
    }
    reg.repositories.shown().map(Vec::len).hash(&mut h);
    (now / 60_000).hash(&mut h);
    h.finish()
}

/// The report, cached in the frame's memory by its fingerprint.
pub fn cached_report(
    ui: &Ui,
    reg: &RegistryState,
    p: cost::Prices,
) -> std::sync::Arc<StorageReport> {
    let id = egui::Id::unique(("storage_report", reg.spec.key()));
    let fp = fingerprint(reg, p, widgets::now_ms());
    super::cached(ui, id, fp, || report(reg, p))
}

pub fn storage_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let Some(reg) = state.selected_registry() else {
        return;
    };
    let palette = style::palette(ui.visuals());
    let p = prices(state, reg);
    let r = cached_report(ui, reg, p);
    let key = reg.spec.key();
    if reg.storage_reading {
        actions.push(UiAction::Insight(InsightAction::Step(key.clone())));
    }
    ui.horizontal(|ui| {
        ui.heading(format!(
            "{} in {} of {} repositories · {} a month",
            widgets::human_size((r.active_bytes + r.archived_bytes) as i64),
            r.read,
            r.total,
            dollars(r.monthly)
        ));
        if reg.storage_reading {
            ui.spinner();
            ui.label(format!("reading repositories ({} of {})…", r.read, r.total));
            if ui.button("Stop").clicked() {
                actions.push(UiAction::Insight(InsightAction::Stop(key.clone())));
            }
        } else if r.read < r.total
            && widgets::icon_button(ui, icon::DATABASE, "Read every repository").clicked()
        {
            actions.push(UiAction::Insight(InsightAction::ReadEvery(key.clone())));
        }
    });
    ui.label(
        RichText::new(format!(
            "An estimate: standard ${:.3} and archive ${:.3} per GB-month ({}, checked {}; set yours in Preferences). Image sizes as ECR lists them: layers that images of one repository share count once per image, so this is an upper bound; an index counts nothing of its own.",
            p.standard_per_gb,
            p.archive_first_per_gb,
            cost::SOURCE,
            cost::CHECKED
        ))
        .color(palette.muted),
    );
    all_registries_ui(ui, state);
    ui.add_space(style::GAP);
    // The rule being made first: it is what the person just asked for.
    super::cleanup_rule_view::cleanup_rule_ui(ui, state, actions);
    super::cleanup_view::cleanup_ui(ui, state, reg, p, actions);
    ui.add_space(style::GAP);
    table_ui(ui, r.as_ref(), actions);
}

fn all_registries_ui(ui: &mut Ui, state: &AppState) {
    if state.registries.len() < 2 {
        return;
    }
    let mut bytes = 0u64;
    let mut monthly = 0.0;
    let mut read = 0usize;
    for reg in &state.registries {
        let r = cached_report(ui, reg, prices(state, reg));
        if r.read > 0 {
            read += 1;
        }
        bytes += r.active_bytes + r.archived_bytes;
        monthly += r.monthly;
    }
    ui.label(format!(
        "Every registry ecrscope knows: {} · {} a month (from the {read} of {} registries with repositories read)",
        widgets::human_size(bytes as i64),
        dollars(monthly),
        state.registries.len()
    ));
}

fn table_ui(ui: &mut Ui, r: &StorageReport, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    if r.rows.is_empty() {
        ui.label(
            RichText::new("No repository read yet: open one, or read every repository.")
                .color(palette.muted),
        );
        return;
    }
    let largest = r.rows.first().map_or(1, |x| x.bytes().max(1)) as f32;
    egui::ScrollArea::vertical()
        .id_salt("storage_rows")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("storage_table")
                .num_columns(6)
                .striped(true)
                .spacing([14.0, 4.0])
                .show(ui, |ui| {
                    for h in ["Repository", "Images", "Active", "Archived", "A month", ""] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for row in r.rows.iter().take(ROWS_SHOWN) {
                        if ui.link(&row.name).clicked() {
                            actions.push(UiAction::Browse(
                                crate::ui::BrowseAction::SelectRepository(Some(row.name.clone())),
                            ));
                        }
                        ui.label(row.images.to_string());
                        ui.label(widgets::human_size(row.active_bytes as i64));
                        ui.label(widgets::human_size(row.archived_bytes as i64));
                        ui.label(dollars(row.monthly));
                        bar(
                            ui,
                            row.active_bytes as f32 / largest,
                            row.archived_bytes as f32 / largest,
                        );
                        ui.end_row();
                    }
                });
            if r.rows.len() > ROWS_SHOWN {
                let rest: f64 = r.rows.iter().skip(ROWS_SHOWN).map(|x| x.monthly).sum();
                ui.label(format!(
                    "… and {} smaller repositories, {} a month together",
                    r.rows.len() - ROWS_SHOWN,
                    dollars(rest)
                ));
            }
        });
}

/// A bar: active then archived, scaled to the largest repository.
fn bar(ui: &mut Ui, active: f32, archived: f32) {
    let palette = style::palette(ui.visuals());
    let width = 220.0;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, 12.0), egui::Sense::hover());
    let a = rect.min.x + width * active.clamp(0.0, 1.0);
    let b = a + width * archived.clamp(0.0, 1.0);
    let painter = ui.painter();
    painter.rect_filled(
        egui::Rect::from_min_max(rect.min, egui::pos2(a, rect.max.y)),
        2.0,
        palette.accent,
    );
    painter.rect_filled(
        egui::Rect::from_min_max(
            egui::pos2(a, rect.min.y),
            egui::pos2(b.min(rect.max.x), rect.max.y),
        ),
        2.0,
        palette.warning,
    );
}
