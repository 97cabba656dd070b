//! An image's replication in each destination (details pane), asked for
//! only where a replication rule of the registry covers its repository;
//! and, on request, the repository's summary over every image.

use egui::{RichText, Ui};

use super::actions::AdminAction;
use crate::model::{Image, RepoRef};
use crate::state::{AppState, RepoImages};
use crate::ui::UiAction;
use crate::ui::style::{self, icon};

fn covered(state: &AppState, target: &RepoRef) -> bool {
    state
        .registry(&target.key())
        .and_then(|r| r.info.shown())
        .is_some_and(|i| {
            i.replication_rules
                .iter()
                .any(|r| super::state::rule_of(r).matches(&target.name))
        })
}

pub fn replication_status_ui(
    ui: &mut Ui,
    state: &AppState,
    target: &RepoRef,
    ri: &RepoImages,
    img: &Image,
    actions: &mut Vec<UiAction>,
) {
    if !covered(state, target) {
        return;
    }
    let palette = style::palette(ui.visuals());
    match ri.replication.get(&img.digest) {
        None => actions.push(UiAction::Admin(AdminAction::NeedReplicationStatus(
            target.clone(),
            vec![img.digest],
        ))),
        Some(r) if r.is_loading() => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the replication status…");
            });
        }
        Some(r) => match (r.shown(), r.error()) {
            (Some(list), _) if list.is_empty() => {
                ui.label(
                    RichText::new(format!(
                        "{} Replication: none recorded (pushed before the rule existed?)",
                        icon::INFO
                    ))
                    .color(palette.muted),
                );
            }
            (Some(list), _) => {
                for s in list {
                    let (glyph, color) = match s.status.as_str() {
                        "COMPLETE" => (icon::OK, palette.ok),
                        "FAILED" => (icon::ERROR, palette.error),
                        _ => (icon::HOURGLASS, palette.muted),
                    };
                    let mut line = format!(
                        "{glyph} Replicated to {} ({}): {}",
                        s.region, s.registry_id, s.status
                    );
                    if let Some(code) = &s.failure_code {
                        line.push_str(&format!(" · {code}"));
                    }
                    ui.label(RichText::new(line).color(color));
                }
            }
            (None, Some(e)) if !super::state::absent(e) => {
                ui.colored_label(
                    palette.error,
                    format!("{} Replication status: {e}", icon::ERROR),
                );
                if ui.button("Try again").clicked() {
                    actions.push(UiAction::Admin(AdminAction::RetryReplicationStatus(
                        target.clone(),
                        img.digest,
                    )));
                }
            }
            _ => {}
        },
    }
}

/// Images a "check every image" asks about: the newest this many.
pub const CHECK_AT_MOST: usize = 200;

/// The repository's replication summary, from the statuses read so far;
/// "Check …" asks about the newest images not read yet.
pub fn repository_summary_ui(
    ui: &mut Ui,
    state: &AppState,
    target: &RepoRef,
    ri: &RepoImages,
    actions: &mut Vec<UiAction>,
) {
    if !covered(state, target) {
        return;
    }
    let Some(list) = ri.list.shown() else {
        return;
    };
    let mut newest: Vec<&Image> = list.iter().collect();
    newest.sort_by_key(|i| std::cmp::Reverse(i.pushed_at));
    let todo: Vec<_> = newest
        .iter()
        .take(CHECK_AT_MOST)
        .map(|i| i.digest)
        .filter(|d| !ri.replication.contains_key(d))
        .collect();
    let waiting = ri.replication.values().filter(|r| r.is_loading()).count();
    ui.horizontal(|ui| {
        ui.label(RichText::new("This repository:").strong());
        if waiting > 0 {
            ui.spinner();
            ui.label(format!("{waiting} images still being read…"));
        } else if !todo.is_empty()
            && ui
                .button(format!(
                    "{} Check the {} newest images",
                    icon::GLOBE,
                    newest.len().min(CHECK_AT_MOST)
                ))
                .clicked()
        {
            actions.push(UiAction::Admin(AdminAction::NeedReplicationStatus(
                target.clone(),
                todo,
            )));
        }
    });
    for line in super::state::replication_summary(&ri.replication) {
        ui.label(line);
    }
}

/// The images table's Replication cell: "2 of 2", "1 failed", "in
/// progress", "none", "…" while asked, "—" where no rule covers it.
pub fn cell_ui(
    ui: &mut Ui,
    status: Option<&crate::state::Requested<Vec<crate::model::ReplicationStatus>>>,
) {
    let palette = style::palette(ui.visuals());
    let Some(r) = status else {
        ui.label(RichText::new("—").color(palette.muted))
            .on_hover_text("No replication rule covers this repository (or not asked yet)");
        return;
    };
    if let Some(e) = r.error() {
        ui.label(RichText::new("?").color(palette.error))
            .on_hover_text(e.to_string());
        return;
    }
    let Some(list) = r.shown() else {
        ui.label(RichText::new("…").color(palette.muted));
        return;
    };
    let failed: Vec<&crate::model::ReplicationStatus> =
        list.iter().filter(|s| s.status == "FAILED").collect();
    let done = list.iter().filter(|s| s.status == "COMPLETE").count();
    let detail = list
        .iter()
        .map(|s| {
            format!(
                "{} ({}): {}{}",
                s.region,
                s.registry_id,
                s.status,
                s.failure_code
                    .as_deref()
                    .map_or(String::new(), |c| format!(" · {c}"))
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (text, color) = if list.is_empty() {
        ("none".to_owned(), palette.muted)
    } else if !failed.is_empty() {
        (format!("{} failed", failed.len()), palette.error)
    } else if done == list.len() {
        (format!("{done} of {}", list.len()), palette.ok)
    } else {
        ("in progress".to_owned(), palette.loading)
    };
    let r = ui.label(RichText::new(text).color(color));
    if !detail.is_empty() {
        r.on_hover_text(detail);
    }
}
