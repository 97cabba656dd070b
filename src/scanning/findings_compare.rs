//! The findings view's comparison with another image: the picker, the
//! bar of new, fixed and unchanged findings, their colours.

use std::sync::Arc;

use egui::{RichText, Ui};

use super::findings_view::{FindingsView, ReportStamp, stamp};
use crate::model::{Digest, ScanReport};
use crate::state::{AppState, Change, Comparison, Requested};

use crate::ui::style::{self, icon};
use crate::ui::{ScanningAction, UiAction, widgets};

/// The "Compare with" picker and, with a finished scan on both sides, the
/// comparison (cached) and its chips. Returns the other image's stamp and
/// the comparison.
#[allow(clippy::too_many_arguments)] // one view's parts, passed apart to keep borrows short
pub(crate) fn compare_ui(
    ui: &mut Ui,
    state: &AppState,
    ri: &crate::state::RepoImages,
    digest: Digest,
    report: &ScanReport,
    hidden: &mut [bool; 3],
    view: &mut FindingsView,
    actions: &mut Vec<UiAction>,
) -> Option<(ReportStamp, Arc<Comparison>)> {
    let palette = style::palette(ui.visuals());
    let compare_to = state
        .compare
        .filter(|(this, _)| *this == digest)
        .map(|(_, other)| other);
    let other_report = compare_to.and_then(|o| ri.findings.get(&o));
    compare_bar_ui(ui, ri, digest, compare_to, other_report, actions);
    // Only finished scans compare: an image never scanned has no findings
    // because nobody looked, not because it is clean.
    let other_shown = compare_to.zip(other_report.and_then(Requested::shown));
    if let Some((o, other)) = other_shown {
        let name = |d: Digest| {
            ri.list
                .shown()
                .and_then(|l| l.iter().find(|i| i.digest == d))
                .and_then(|i| i.tags.first().cloned())
                .unwrap_or_else(|| d.short())
        };
        for (d, r) in [(digest, report), (o, other)] {
            if !r.is_finished() {
                ui.colored_label(
                    palette.warning,
                    format!(
                        "{} {} has no finished scan ({}): scan it first, then compare.",
                        icon::WARNING,
                        name(d),
                        r.status
                            .as_ref()
                            .map_or("never scanned", |s| s.label())
                            .to_lowercase()
                    ),
                );
            }
        }
    }
    let other_ready = other_shown.filter(|(_, other)| report.is_finished() && other.is_finished());
    let comparison: Option<Arc<Comparison>> = other_ready.map(|(o, other)| {
        let key = (stamp(digest, report), stamp(o, other));
        if view.comparison.as_ref().is_none_or(|(k, _)| *k != key) {
            let c = Comparison::new(&report.findings, &other.findings);
            view.comparison = Some((key, Arc::new(c)));
        }
        view.comparison
            .as_ref()
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    });
    if let Some(c) = &comparison {
        ui.horizontal_wrapped(|ui| {
            for (i, ch) in Change::ALL.into_iter().enumerate() {
                let on = !hidden[i];
                let n = c.count(ch);
                let color = change_color(&palette, ch);
                let text = RichText::new(format!("{n} {}", ch.label()))
                    .color(if on { color } else { palette.muted })
                    .strong();
                let r = ui.add(egui::Button::new(text).selected(on));
                // The count is in the name, so tests and screen readers hear it.
                let chip = format!("Show {} ({n})", ch.label());
                r.widget_info(move || {
                    egui::WidgetInfo::selected(egui::Role::Button, true, on, &chip)
                });
                if r.clicked() {
                    hidden[i] = on;
                }
            }
        });
    }
    other_ready.map(|(o, r)| stamp(o, r)).zip(comparison)
}

pub(crate) fn change_color(palette: &style::Palette, c: Change) -> egui::Color32 {
    match c {
        Change::New => palette.error,
        Change::Fixed => palette.ok,
        Change::Unchanged => palette.muted,
    }
}

pub(crate) fn change_index(c: Change) -> usize {
    Change::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

/// "Compare with" picker: the other tagged images of the repository, newest
/// first, and the state of the other image's findings.
pub(crate) fn compare_bar_ui(
    ui: &mut Ui,
    ri: &crate::state::RepoImages,
    this: Digest,
    other: Option<Digest>,
    other_report: Option<&Requested<ScanReport>>,
    actions: &mut Vec<UiAction>,
) {
    let Some(list) = ri.list.shown() else {
        return;
    };
    let label_of = |d: Digest| {
        list.iter()
            .find(|i| i.digest == d)
            .and_then(|i| i.tags.first().cloned())
            .unwrap_or_else(|| d.short())
    };
    ui.horizontal(|ui| {
        ui.label(format!("{} Compare with", icon::ARROWS_LEFT_RIGHT));
        let current = other.map_or_else(|| "another image…".to_owned(), label_of);
        egui::ComboBox::from_id_salt("compare_with")
            .selected_text(current)
            .height(360.0)
            .show_ui(ui, |ui| {
                let mut tagged: Vec<&crate::model::Image> = list
                    .iter()
                    .filter(|i| i.digest != this && !i.tags.is_empty() && !i.manifest.is_index())
                    .collect();
                tagged.sort_by_key(|i| std::cmp::Reverse(i.pushed_at));
                for i in tagged {
                    let text = format!("{}  ({})", i.tags.join(", "), i.digest.short());
                    if ui.selectable_label(other == Some(i.digest), text).clicked() {
                        actions.push(UiAction::Scanning(ScanningAction::CompareWith(Some(
                            i.digest,
                        ))));
                    }
                }
            });
        if other.is_some() {
            if widgets::icon_only_button(ui, icon::X, "Stop comparing").clicked() {
                actions.push(UiAction::Scanning(ScanningAction::CompareWith(None)));
            }
            match other_report {
                Some(r) if r.is_loading() && r.shown().is_none() => {
                    ui.spinner();
                    ui.label("Reading the other image's findings…");
                }
                Some(r) => {
                    if let Some(e) = r.error() {
                        ui.colored_label(
                            style::palette(ui.visuals()).error,
                            format!("{} {e}", icon::ERROR),
                        );
                    }
                }
                None => {}
            }
        }
    });
}
