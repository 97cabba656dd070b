//! The global search view (Ctrl+Shift+F, or the palette): a tag, a digest
//! or digest prefix, or part of a repository name, across the registries in
//! scope; results stream in grouped by registry and repository, and open the
//! image on click.

use crate::ui::{BrowseAction, SearchAction};
use std::collections::BTreeSet;

use egui::{RichText, Ui};

use crate::model::RegistryKey;
use crate::state::{AppState, Location, SearchHit, SearchKind};
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};

/// The view's own state: the query being typed and the scope.
#[derive(Debug, Default)]
pub struct SearchView {
    pub open: bool,
    pub query: String,
    pub repo_filter: String,
    /// Registries left out of the scope (by key); empty: all.
    pub excluded: BTreeSet<String>,
    pub focus: bool,
    /// The result lines, and the number of hits they were made from.
    lines: Vec<Line>,
    lines_for: Option<(u64, usize)>,
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
            actions.push(UiAction::Search(SearchAction::Start {
                query: view.query.clone(),
                scope: scope.clone(),
                repo_filter: view.repo_filter.clone(),
            }));
        }
        if running && widgets::icon_button(ui, icon::X, "Cancel search").clicked() {
            actions.push(UiAction::Search(SearchAction::Cancel));
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
            SearchKind::TagOrDigestPrefix(q) => format!("tag {q} or digests starting {q}"),
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
    });
    failures_ui(ui, state, &s.errors, palette.warning);
    ui.separator();
    results_ui(ui, state, s.id, &s.hits, view, actions);
}

/// What could not be searched, each with its reason: a registry (its
/// listing or its credentials failed) or one repository.
fn failures_ui(
    ui: &mut Ui,
    state: &AppState,
    errors: &[crate::state::SearchFailure],
    colour: egui::Color32,
) {
    if errors.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(
        RichText::new(format!(
            "{} {} could not be searched",
            icon::WARNING,
            errors.len()
        ))
        .color(colour),
    )
    .id_salt("search_failures")
    .default_open(errors.len() <= 3)
    .show(ui, |ui| {
        for f in errors.iter().take(50) {
            let registry = state
                .registry(&f.registry)
                .map_or_else(|| f.registry.0.clone(), |r| r.target_line());
            let what = match &f.repository {
                Some(r) => format!("{r} ({registry})"),
                None => format!("{registry}: every repository"),
            };
            ui.label(format!("{what} — {}", f.reason));
        }
        if errors.len() > 50 {
            ui.weak(format!("and {} more", errors.len() - 50));
        }
        ui.weak("Fix the cause, press F5 on the registry, then search again.");
    });
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

/// One line of the results: a registry heading, a repository link, or an
/// image (by its index in the hits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    Registry(usize),
    Repository(usize),
    Image(usize),
}

/// The lines for `hits`, grouped by registry then repository (sorted, so
/// rows do not jump as answers stream in).
fn lines(hits: &[SearchHit]) -> Vec<Line> {
    let mut order: Vec<usize> = (0..hits.len()).collect();
    order.sort_by(|&a, &b| {
        (&hits[a].registry.0, &hits[a].repository).cmp(&(&hits[b].registry.0, &hits[b].repository))
    });
    let mut out = Vec::with_capacity(hits.len() + 16);
    let mut last: Option<(&str, &str)> = None;
    for i in order {
        let h = &hits[i];
        let here = (h.registry.0.as_str(), h.repository.as_str());
        if last.map(|l| l.0) != Some(here.0) {
            out.push(Line::Registry(i));
        }
        if last != Some(here) {
            out.push(Line::Repository(i));
        }
        last = Some(here);
        if h.image.is_some() {
            out.push(Line::Image(i));
        }
    }
    out
}

/// Results grouped by registry, then repository; each opens its image. Only
/// the lines on screen are drawn (a search may find 100,000 images).
fn results_ui(
    ui: &mut Ui,
    state: &AppState,
    search_id: u64,
    hits: &[SearchHit],
    view: &mut SearchView,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let now = widgets::now_ms();
    // Rebuilt only when the hits change (they only grow while a search runs).
    if view.lines_for != Some((search_id, hits.len())) {
        view.lines = lines(hits);
        view.lines_for = Some((search_id, hits.len()));
    }
    let row_height = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    egui::ScrollArea::vertical()
        .id_salt("global_search_results")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, view.lines.len(), |ui, range| {
            let visible: Vec<Line> = view.lines[range].to_vec();
            for line in visible {
                match line {
                    Line::Registry(i) => {
                        let h = &hits[i];
                        let label = state
                            .registry(&h.registry)
                            .map_or_else(|| h.registry.0.clone(), |r| r.target_line());
                        ui.label(RichText::new(format!("{} {label}", icon::DATABASE)).strong());
                    }
                    Line::Repository(i) => {
                        let h = &hits[i];
                        if ui
                            .link(format!("{} {}", icon::PACKAGE, h.repository))
                            .clicked()
                        {
                            view.open = false;
                            actions.push(UiAction::Browse(BrowseAction::GoTo(Location {
                                registry: Some(h.registry.clone()),
                                repository: Some(h.repository.clone()),
                                image: None,
                            })));
                        }
                    }
                    Line::Image(i) => image_line(ui, &hits[i], now, palette.muted, view, actions),
                }
            }
        });
}

fn image_line(
    ui: &mut Ui,
    h: &SearchHit,
    now: i64,
    muted: egui::Color32,
    view: &mut SearchView,
    actions: &mut Vec<UiAction>,
) {
    let Some(img) = &h.image else {
        return;
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
            actions.push(UiAction::Browse(BrowseAction::GoTo(Location {
                registry: Some(h.registry.clone()),
                repository: Some(h.repository.clone()),
                image: Some(img.digest),
            })));
        }
        ui.label(RichText::new(img.digest.short()).monospace().color(muted));
        ui.label(RichText::new(format!("matched by {}", h.matched.label())).color(muted));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Digest, Image, ImageStatus, ManifestKind};

    fn hit(reg: &str, repo: &str, n: u8) -> SearchHit {
        SearchHit {
            registry: RegistryKey(reg.into()),
            repository: repo.into(),
            image: Some(Image {
                digest: Digest([n; 32]),
                tags: vec![],
                size_bytes: 0,
                pushed_at: None,
                last_pull: None,
                manifest: ManifestKind::OciManifest,
                artifact_media_type: None,
                status: ImageStatus::Active,
                scan_status: None,
                severity_counts: None,
                archive: None,
            }),
            matched: crate::state::HitMatch::Digest,
        }
    }

    #[test]
    fn lines_group_by_registry_then_repository() {
        let hits = [
            hit("b", "x", 1),
            hit("a", "y", 2),
            hit("b", "x", 3),
            hit("a", "z", 4),
        ];
        assert_eq!(
            lines(&hits),
            [
                Line::Registry(1),
                Line::Repository(1),
                Line::Image(1),
                Line::Repository(3),
                Line::Image(3),
                Line::Registry(0),
                Line::Repository(0),
                Line::Image(0),
                Line::Image(2),
            ]
        );
    }
}
