//! The global search view (Ctrl+Shift+F, or the palette): a tag, a digest
//! or digest prefix, or part of a repository name, across the registries in
//! scope; results stream in grouped by registry and repository, and open the
//! image on click.

use std::collections::BTreeSet;

use egui::{RichText, Ui};

use super::style::{self, icon};
use super::{UiAction, widgets};
use crate::model::RegistryKey;
use crate::state::{AppState, Location, SearchHit, SearchKind};

/// The view's own state: the query being typed and the scope.
#[derive(Debug, Default)]
pub struct SearchView {
    pub open: bool,
    pub query: String,
    pub repo_filter: String,
    /// Registries left out of the scope (by key); empty: all.
    pub excluded: BTreeSet<String>,
    pub focus: bool,
}

pub fn search_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut SearchView,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        view.open = false;
    }
    ui.horizontal(|ui| {
        if widgets::icon_only_button(ui, icon::BACK, "Close search (Esc)").clicked() {
            view.open = false;
        }
        ui.heading("Search everywhere");
    });
    let scope: Vec<RegistryKey> = state
        .registries
        .iter()
        .map(|r| r.spec.key())
        .filter(|k| !view.excluded.contains(&k.0))
        .collect();
    ui.horizontal_wrapped(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut view.query)
                .id_salt("global_search")
                .hint_text(format!(
                    "{} tag, digest (prefix) or repository name",
                    icon::SEARCH
                ))
                .desired_width(ui.available_width().clamp(200.0, 360.0)),
        );
        r.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Search everywhere")
        });
        if view.focus {
            r.request_focus();
            view.focus = false;
        }
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let l = ui.label("in repositories named");
        ui.add(
            egui::TextEdit::singleline(&mut view.repo_filter)
                .id_salt("global_search_repos")
                .hint_text("any")
                .desired_width(140.0),
        )
        .labelled_by(l.id);
        let running = state.search.as_ref().is_some_and(|s| s.is_running());
        if (widgets::icon_button(ui, icon::SEARCH, "Search").clicked() || enter)
            && !view.query.trim().is_empty()
        {
            actions.push(UiAction::StartSearch {
                query: view.query.clone(),
                scope: scope.clone(),
                repo_filter: view.repo_filter.clone(),
            });
        }
        if running && widgets::icon_button(ui, icon::X, "Cancel search").clicked() {
            actions.push(UiAction::CancelSearch);
        }
    });
    scope_ui(ui, state, view);
    let Some(s) = &state.search else {
        ui.add_space(style::GAP);
        ui.label(
            RichText::new(
                "Finds an exact tag (v2.3.1), a digest or its first 12 hex digits, or part of a repository name, in every registry ticked above. Images already loaded answer at once; the rest are asked one repository at a time (never pulled).",
            )
            .color(palette.muted),
        );
        return;
    };
    ui.horizontal_wrapped(|ui| {
        if s.is_running() {
            ui.spinner();
        }
        let what = match &s.kind {
            SearchKind::Tag(t) => format!("tag {t}"),
            SearchKind::Digest(d) => format!("digest {}", d.short()),
            SearchKind::DigestPrefix(p) => format!("digests starting {p}"),
            SearchKind::Name(n) => format!("repositories named *{n}*"),
        };
        let state_word = if s.cancelled {
            " (cancelled)"
        } else if s.is_running() {
            "…"
        } else {
            ""
        };
        ui.label(format!(
            "{what}: {} of {} repositories searched{state_word} · {} found",
            s.done,
            s.total,
            s.hits.len()
        ));
        if !s.errors.is_empty() {
            ui.colored_label(
                palette.warning,
                format!("{} {} could not be searched", icon::WARNING, s.errors.len()),
            )
            .on_hover_text(
                s.errors
                    .iter()
                    .take(10)
                    .map(|(_, r, e)| format!("{r}: {e}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
    });
    ui.separator();
    results_ui(ui, state, &s.hits, view, actions);
}

fn scope_ui(ui: &mut Ui, state: &AppState, view: &mut SearchView) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Registries:").weak());
        for r in &state.registries {
            let key = r.spec.key();
            let mut on = !view.excluded.contains(&key.0);
            let label = format!("{} {}", r.spec.profile_label(), r.spec.region);
            if ui.checkbox(&mut on, label).changed() {
                if on {
                    view.excluded.remove(&key.0);
                } else {
                    view.excluded.insert(key.0.clone());
                }
            }
        }
    });
}

/// Results grouped by registry, then repository; each opens its image.
fn results_ui(
    ui: &mut Ui,
    state: &AppState,
    hits: &[SearchHit],
    view: &mut SearchView,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let now = widgets::now_ms();
    egui::ScrollArea::vertical()
        .id_salt("global_search_results")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let mut last_registry: Option<&RegistryKey> = None;
            let mut last_repo: Option<&str> = None;
            // Grouped in the order found; a BTreeMap would reorder as answers
            // stream in and make rows jump.
            let mut order: Vec<&SearchHit> = hits.iter().collect();
            order.sort_by(|a, b| {
                (&a.registry.0, &a.repository).cmp(&(&b.registry.0, &b.repository))
            });
            for h in order {
                if last_registry != Some(&h.registry) {
                    let label = state
                        .registry(&h.registry)
                        .map_or_else(|| h.registry.0.clone(), |r| r.target_line());
                    ui.add_space(6.0);
                    ui.label(RichText::new(format!("{} {label}", icon::DATABASE)).strong());
                    last_registry = Some(&h.registry);
                    last_repo = None;
                }
                if last_repo != Some(h.repository.as_str()) {
                    let r = ui.link(format!("{} {}", icon::PACKAGE, h.repository));
                    if r.clicked() {
                        view.open = false;
                        actions.push(UiAction::GoTo(Location {
                            registry: Some(h.registry.clone()),
                            repository: Some(h.repository.clone()),
                            image: None,
                        }));
                    }
                    last_repo = Some(h.repository.as_str());
                }
                let Some(img) = &h.image else {
                    continue;
                };
                ui.horizontal(|ui| {
                    ui.add_space(18.0);
                    let tags = if img.tags.is_empty() {
                        "untagged".to_owned()
                    } else {
                        img.tags.join(", ")
                    };
                    let name = format!("Open {} {tags} {}", h.repository, img.digest.short());
                    let b = ui.button(format!("{} {tags}", icon::TAG));
                    b.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
                    if b.clicked() {
                        view.open = false;
                        actions.push(UiAction::GoTo(Location {
                            registry: Some(h.registry.clone()),
                            repository: Some(h.repository.clone()),
                            image: Some(img.digest),
                        }));
                    }
                    ui.label(
                        RichText::new(img.digest.short())
                            .monospace()
                            .color(palette.muted),
                    );
                    widgets::time_cell(ui, img.pushed_at, now);
                    ui.label(widgets::human_size(img.size_bytes));
                    ui.label(img.status.label());
                    if let Some(c) = img.severity_counts {
                        ui.label(format!(
                            "C {} · H {}",
                            c.get(crate::model::Severity::Critical),
                            c.get(crate::model::Severity::High)
                        ));
                    }
                });
            }
        });
}
