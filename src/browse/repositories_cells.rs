//! The repositories table's cells: name, tags, images, mutability and the
//! rest, each drawn from the row's repository and what the registry has
//! loaded for it.

use egui::{RichText, Ui};

use super::repositories_view::RepoCol;
use crate::model::{RepoRef, Repository, TagMutability};
use crate::state::{RegistryState, Requested};
use crate::ui::style::{self, icon};
use crate::ui::{ManageAction, UiAction, widgets};

/// One cell of a repository's row.
pub(crate) fn cell_ui(
    ui: &mut Ui,
    col: RepoCol,
    reg: &RegistryState,
    r: &Repository,
    actions: &mut Vec<UiAction>,
) {
    match col {
        RepoCol::Name => name_ui(ui, &r.name),
        RepoCol::Created => widgets::time_cell(ui, r.created_at, widgets::now_ms()),
        RepoCol::Mutability => {
            if reg.pending.contains_key(&r.name) {
                ui.spinner();
            }
            if mutability_cell(ui, r, reg.change_errors.get(&r.name)).clicked() {
                actions.push(UiAction::Manage(ManageAction::OpenRepoSettings(
                    RepoRef::new(&reg.spec, &r.name),
                )));
            }
        }
        RepoCol::Encryption => {
            let text = r.encryption.label();
            let l = widgets::middle_truncated(ui, &text, RichText::new);
            if let Some(k) = &r.encryption.kms_key {
                l.on_hover_text(k);
            }
        }
        RepoCol::Scanning => {
            let text = match (reg.scan_frequency(&r.name), r.scan_on_push) {
                (Some(f), _) => f.label().to_owned(),
                (None, true) => "On push".to_owned(),
                (None, false) => "Manual".to_owned(),
            };
            ui.label(text);
        }
        RepoCol::Images => images_cell(ui, reg, r),
        RepoCol::Tags => tags_cell(ui, reg, r),
        RepoCol::Uri => {
            let palette = style::palette(ui.visuals());
            widgets::copy_button(ui, &format!("URI of {}", r.name), &r.uri);
            widgets::middle_truncated(ui, &r.uri, |t| {
                RichText::new(t).monospace().color(palette.muted)
            });
        }
    }
}

/// Resource tags as `key=value` chips (two, then "+n"); "—" until read.
pub(crate) fn tags_cell(ui: &mut Ui, reg: &RegistryState, r: &Repository) {
    match reg.resource_tags.get(&r.name).and_then(Requested::shown) {
        Some(tags) if tags.is_empty() => {
            ui.label(RichText::new("none").weak());
        }
        Some(tags) => {
            for (k, v) in tags.iter().take(2) {
                ui.label(RichText::new(format!("{k}={v}")).monospace());
            }
            if tags.len() > 2 {
                ui.label(format!("+{}", tags.len() - 2)).on_hover_text(
                    tags.iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
        }
        None => {
            ui.label(RichText::new("—").weak());
        }
    }
}

/// `team/` muted, `service` strong, in one label so the full name is its
/// accessible name.
pub(crate) fn name_ui(ui: &mut Ui, full: &str) {
    let (ns, name) = full.rsplit_once('/').unwrap_or(("", full));
    if ns.is_empty() {
        ui.label(RichText::new(name).strong());
        return;
    }
    let mut job = egui::text::LayoutJob::default();
    let fmt = |color| egui::TextFormat {
        color,
        ..Default::default()
    };
    job.append(&format!("{ns}/"), 0.0, fmt(ui.visuals().weak_text_color()));
    job.append(name, 0.0, fmt(ui.visuals().strong_text_color()));
    ui.label(job);
}

/// Image count and size once the repository has been opened, and the worst
/// severity of its tagged images once known.
pub(crate) fn images_cell(ui: &mut Ui, reg: &RegistryState, r: &Repository) {
    let palette = style::palette(ui.visuals());
    let ri = reg.images.get(&r.name);
    match ri.and_then(crate::state::RepoImages::totals) {
        Some(t) => {
            let r = ui.label(format!(
                "{} · {}",
                t.images(),
                widgets::human_size(t.bytes())
            ));
            if t.archived.0 > 0 {
                r.on_hover_text(format!(
                    "Includes {} archived ({})",
                    t.archived.0,
                    widgets::human_size(t.archived.1)
                ))
            } else {
                r
            }
        }
        None => ui.label(RichText::new("—").weak()),
    };
    if let Some((worst, complete)) = ri.and_then(crate::browse::overview::worst_label) {
        let dark = ui.visuals().dark_mode;
        let (text, color) = match worst {
            Some(s) => (s.as_api().to_owned(), style::severity_color(s, dark)),
            None => ("clean".to_owned(), palette.ok),
        };
        let suffix = if complete { "" } else { "+" };
        ui.label(
            RichText::new(format!("{text}{suffix}"))
                .small()
                .strong()
                .color(color),
        )
        .on_hover_text(if complete {
            "Worst severity among its tagged images"
        } else {
            "Worst severity among the tagged images checked so far (not all yet)"
        });
    }
}

/// The mode as a button that opens the settings; the last failed change
/// (if any) is shown next to it.
pub(crate) fn mutability_cell(
    ui: &mut Ui,
    r: &crate::model::Repository,
    error: Option<&crate::model::EcrError>,
) -> egui::Response {
    let m = &r.tag_mutability;
    let glyph = match m.mode {
        TagMutability::Immutable | TagMutability::ImmutableWithExclusion => icon::LOCK,
        _ => icon::LOCK_OPEN,
    };
    let text = format!("{glyph} {}", m.mode.label());
    let b = ui.add(egui::Button::new(text).frame(false));
    let name = format!("Tag mutability of {}: {}", r.name, m.mode.label());
    b.widget_info(move || egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
    let hover = if m.exclusion_filters.is_empty() {
        "Change tag immutability".to_owned()
    } else {
        format!(
            "Except tags matching: {}. Click to change.",
            m.exclusion_filters.join(", ")
        )
    };
    let b = b.on_hover_text(hover);
    if let Some(e) = error {
        let color = style::palette(ui.visuals()).error;
        ui.label(egui::RichText::new(icon::WARNING).color(color))
            .on_hover_text(e.to_string());
    }
    b
}
