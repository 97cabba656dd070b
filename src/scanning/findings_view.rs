//! Findings of the selected image: summary bars per severity, severity chips,
//! search, a sortable virtualised table, and the selected finding's details
//! (description, CVSS, package path, references, remediation). Missing
//! fields show as "—".

use crate::ui::ScanningAction;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};
use std::sync::Arc;

use super::findings_compare::{change_color, change_index, compare_ui};

use crate::model::{Digest, Finding, ScanReport, Severity};
use crate::state::{
    AppState, Change, Comparison, FindingColumn, FindingsFilter, Requested, finding_rows,
    severity_index,
};

/// Between frames: search, chips and sort; the selected finding; the rows
/// and the comparison, rebuilt only when what shapes them changes (a
/// 5,000-finding sort per frame would eat the budget).
#[derive(Debug, Default)]
pub struct FindingsView {
    pub filter: FindingsFilter,
    /// Comparison rows hidden, in `Change::ALL` order.
    pub hidden: [bool; 3],
    /// The finding whose details are shown (index into the report, or into
    /// the comparison's list when comparing).
    pub selected: Option<usize>,
    /// The image (and comparison) the selection belongs to.
    opened: Option<(Digest, Option<(Digest, Digest)>)>,
    rows: Option<(RowsKey, Arc<[usize]>)>,
    pub(crate) comparison: Option<(CompareKey, Arc<Comparison>)>,
}

/// Identifies one version of a report without hashing its findings.
pub(crate) type ReportStamp = (Digest, usize, Option<i64>, Option<crate::model::ScanStatus>);

pub(crate) fn stamp(d: Digest, r: &ScanReport) -> ReportStamp {
    (d, r.findings.len(), r.completed_at, r.status.clone())
}

type CompareKey = (ReportStamp, ReportStamp);

#[derive(Clone, Debug, PartialEq)]
struct RowsKey {
    this: ReportStamp,
    other: Option<ReportStamp>,
    filter: FindingsFilter,
    hidden: [bool; 3],
}

fn dash(o: Option<&str>) -> String {
    o.filter(|s| !s.is_empty()).unwrap_or("—").to_owned()
}

fn yes_no(o: Option<bool>) -> &'static str {
    match o {
        Some(true) => "yes",
        Some(false) => "no",
        None => "—",
    }
}

pub fn findings_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut FindingsView,
    actions: &mut Vec<UiAction>,
) {
    // A newly opened image (or comparison) starts with no finding selected.
    let opened = state.location.image.map(|d| (d, state.compare));
    if view.opened != opened {
        view.opened = opened;
        view.selected = None;
    }
    // The view reads the report in place (no per-frame copy of thousands of
    // findings) while the chips, search and sort edit these.
    let mut filter = std::mem::take(&mut view.filter);
    let mut hidden = view.hidden;
    let mut pick = Picked {
        selected: view.selected,
        sorts: Vec::new(),
    };
    findings_inner(
        ui,
        state,
        &mut filter,
        &mut hidden,
        &mut pick,
        view,
        actions,
    );
    for col in pick.sorts {
        filter.clicked(col);
    }
    view.filter = filter;
    view.hidden = hidden;
    view.selected = pick.selected;
}

/// What the table's clicks picked this frame.
struct Picked {
    selected: Option<usize>,
    sorts: Vec<FindingColumn>,
}

fn findings_inner(
    ui: &mut Ui,
    state: &AppState,
    filter: &mut FindingsFilter,
    hidden: &mut [bool; 3],
    pick: &mut Picked,
    view: &mut FindingsView,
    actions: &mut Vec<UiAction>,
) {
    let (Some(target), Some(digest)) = (state.open_repo(), state.location.image) else {
        return;
    };
    let Some(ri) = state.repo_images(&target.key(), &target.name) else {
        return;
    };
    header_ui(ui, &target, ri, digest, actions);
    let palette = style::palette(ui.visuals());
    let report: Option<&ScanReport> = match ri.findings.get(&digest) {
        Some(r) => {
            if let Some(e) = r.error() {
                ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
            }
            r.shown()
        }
        None => None,
    };
    let loading = ri.findings.get(&digest).is_some_and(Requested::is_loading);
    let Some(report) = report else {
        ui.horizontal(|ui| {
            if loading {
                ui.spinner();
            }
            ui.label("Reading the scan findings…");
        });
        return;
    };
    status_ui(ui, report);
    chips_ui(ui, report, filter);
    let comparison = compare_ui(ui, state, ri, digest, report, hidden, view, actions);
    let (list, changes): (&[Finding], Option<&[Change]>) = match &comparison {
        Some((_, c)) => (&c.findings, Some(&c.changes)),
        None => (&report.findings, None),
    };
    let key = RowsKey {
        this: stamp(digest, report),
        other: comparison.as_ref().map(|(o, _)| o.clone()),
        filter: filter.clone(),
        hidden: *hidden,
    };
    if view.rows.as_ref().is_none_or(|(k, _)| *k != key) {
        let mut rows = finding_rows(list, filter);
        if let Some(ch) = changes {
            rows.retain(|&i| !hidden[change_index(ch[i])]);
        }
        view.rows = Some((key, rows.into()));
    }
    let rows: Arc<[usize]> = view
        .rows
        .as_ref()
        .map_or_else(|| Arc::from(Vec::new()), |(_, r)| r.clone());
    ui.label(
        RichText::new(format!("{} of {} findings", rows.len(), list.len())).color(palette.muted),
    );
    table_ui(ui, digest, list, changes, &rows, filter, pick);
}

/// Back, the title, Scan now and Export.
fn header_ui(
    ui: &mut Ui,
    target: &crate::model::RepoRef,
    ri: &crate::state::RepoImages,
    digest: Digest,
    actions: &mut Vec<UiAction>,
) {
    let name = ri
        .list
        .shown()
        .and_then(|l| l.iter().find(|i| i.digest == digest))
        .and_then(|i| i.tags.first().cloned())
        .unwrap_or_else(|| digest.short());
    let repo = &target.name;
    ui.horizontal(|ui| {
        if widgets::icon_only_button(ui, icon::BACK, "Back to images").clicked() {
            actions.push(UiAction::Scanning(ScanningAction::CloseFindings));
        }
        // The actions first, from the right; the title takes what is left
        // and is cut (whole on hover) rather than pushing them off screen.
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if widgets::icon_button(ui, icon::SHIELD_CHECK, "Scan now").clicked() {
                actions.push(UiAction::Scanning(ScanningAction::StartScan(
                    target.clone(),
                    vec![digest],
                )));
            }
            ui.menu_button(format!("{} Export", icon::EXPORT), |ui| {
                for f in crate::scanning::export::Format::ALL {
                    if ui.button(f.label()).clicked() {
                        actions.push(UiAction::Scanning(ScanningAction::Export(
                            target.clone(),
                            vec![digest],
                            f,
                        )));
                        ui.close();
                    }
                }
            });
            ui.with_layout(Layout::left_to_right(Align::Center), |ui| {
                let title = format!("Findings of {repo}:{name}");
                ui.add(egui::Label::new(RichText::new(&title).heading()).truncate())
                    .on_hover_text(&title);
            });
        });
    });
}

/// The scan's status, times and kind.
fn status_ui(ui: &mut Ui, report: &ScanReport) {
    let palette = style::palette(ui.visuals());
    ui.horizontal_wrapped(|ui| {
        match &report.status {
            Some(s) if s.is_running() => {
                ui.spinner();
                ui.label(format!(
                    "{} — the findings appear when it finishes.",
                    s.label()
                ));
            }
            Some(s) => {
                ui.label(RichText::new(s.label()).strong());
            }
            None if report.findings.is_empty() => {
                ui.label("This image has not been scanned yet: press Scan now (or S) above.");
            }
            None => {}
        }
        if let Some(d) = &report.status_description {
            ui.label(RichText::new(d).color(palette.muted));
        }
        if let Some(t) = report.completed_at {
            ui.label(
                RichText::new(format!("scanned {}", widgets::exact_time(ui, t)))
                    .color(palette.muted),
            );
        }
        if let Some(t) = report.vulnerability_db_updated_at {
            ui.label(
                RichText::new(format!("vulnerability data {}", widgets::exact_time(ui, t)))
                    .color(palette.muted),
            );
        }
        ui.label(
            RichText::new(if report.enhanced {
                "enhanced (Inspector)"
            } else {
                "basic"
            })
            .small()
            .color(palette.muted),
        );
    });
}

/// Summary bars and chips in one: click a severity to show or hide it; the
/// search field.
fn chips_ui(ui: &mut Ui, report: &ScanReport, filter: &mut FindingsFilter) {
    let palette = style::palette(ui.visuals());
    let dark = ui.visuals().dark_mode;
    let total = report.counts.total().max(1) as f32;
    ui.horizontal_wrapped(|ui| {
        for sev in Severity::ALL {
            let n = report.counts.get(sev);
            let i = severity_index(sev);
            let color = style::severity_color(sev, dark);
            let on = filter.severities[i];
            let text = RichText::new(format!("{} {n}", sev.as_api()))
                .color(if on { color } else { palette.muted })
                .strong();
            let r = ui.add(egui::Button::new(text).selected(on));
            let chip = format!("Show {}", sev.as_api());
            r.widget_info(move || egui::WidgetInfo::selected(egui::Role::Button, true, on, &chip));
            if r.clicked() {
                filter.severities[i] = !on;
            }
            widgets::share_bar(ui, n as f32 / total, color);
        }
    });
    ui.horizontal(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut filter.text)
                .id_salt("findings_search")
                .hint_text(format!("{} CVE, package or title", icon::SEARCH))
                .desired_width(280.0),
        );
        r.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Search findings")
        });
    });
}

/// The findings table and the selected finding's details below it.
fn table_ui(
    ui: &mut Ui,
    digest: Digest,
    list: &[Finding],
    changes: Option<&[Change]>,
    rows: &[usize],
    filter: &FindingsFilter,
    pick: &mut Picked,
) {
    let palette = style::palette(ui.visuals());
    let dark = ui.visuals().dark_mode;
    // The selected finding's details below the table.
    let detail_height = if pick.selected.is_some() { 220.0 } else { 0.0 };
    let table_height = (ui.available_height() - detail_height).max(120.0);
    let f = filter.clone();
    let mut clicked = None;
    ui.style_mut().interaction.selectable_labels = false;
    let header = |ui: &mut Ui, label: &str, col: FindingColumn, sorts: &mut Vec<FindingColumn>| {
        let sorted = (f.sort == col).then_some(f.ascending);
        if widgets::sort_header(ui, label, sorted, &format!("Sort findings by {label}")) {
            sorts.push(col);
        }
    };
    let sorts = &mut pick.sorts;
    let selected = pick.selected;
    ui.allocate_ui(egui::vec2(ui.available_width(), table_height), |ui| {
        // Nine columns do not fit a small window: they scroll sideways.
        egui::ScrollArea::horizontal()
            .id_salt("findings_h")
            .show(ui, |ui| {
                TableBuilder::new(ui)
                    .id_salt(("findings", digest))
                    .striped(true)
                    .resizable(true)
                    .sense(egui::Sense::click())
                    .max_scroll_height(table_height)
                    .cell_layout(Layout::left_to_right(Align::Center))
                    .columns(
                        Column::initial(80.0).at_least(60.0),
                        usize::from(changes.is_some()),
                    )
                    .column(Column::initial(150.0).at_least(90.0).clip(true))
                    .column(Column::initial(95.0).at_least(70.0))
                    .column(Column::initial(55.0).at_least(45.0))
                    .column(Column::initial(110.0).at_least(70.0).clip(true))
                    .column(Column::initial(120.0).at_least(70.0).clip(true))
                    .column(Column::initial(120.0).at_least(70.0).clip(true))
                    .column(Column::initial(45.0).at_least(40.0))
                    .column(Column::initial(60.0).at_least(40.0))
                    .column(Column::remainder().at_least(120.0).clip(true))
                    .header(style::ROW_HEIGHT, |mut h| {
                        if changes.is_some() {
                            h.col(|ui| {
                                ui.strong("Change");
                            });
                        }
                        h.col(|ui| header(ui, "ID", FindingColumn::Id, sorts));
                        h.col(|ui| header(ui, "Severity", FindingColumn::Severity, sorts));
                        h.col(|ui| header(ui, "Score", FindingColumn::Score, sorts));
                        h.col(|ui| header(ui, "Package", FindingColumn::Package, sorts));
                        h.col(|ui| header(ui, "Installed", FindingColumn::Installed, sorts));
                        h.col(|ui| header(ui, "Fixed in", FindingColumn::FixedIn, sorts));
                        h.col(|ui| header(ui, "Fix", FindingColumn::Fix, sorts));
                        h.col(|ui| header(ui, "Exploit", FindingColumn::Exploit, sorts));
                        h.col(|ui| header(ui, "Title", FindingColumn::Title, sorts));
                    })
                    .body(|body| {
                        body.rows(style::ROW_HEIGHT, rows.len(), |mut row| {
                            let i = rows[row.index()];
                            let x: &Finding = &list[i];
                            row.set_selected(selected == Some(i));
                            if let Some(ch) = changes {
                                let c = ch[i];
                                let color = change_color(&palette, c);
                                row.col(|ui| {
                                    ui.label(RichText::new(c.label()).color(color).strong());
                                });
                            }
                            row.col(|ui| {
                                ui.label(RichText::new(&x.id).monospace());
                            });
                            row.col(|ui| {
                                ui.label(
                                    RichText::new(x.severity.as_api())
                                        .color(style::severity_color(x.severity, dark))
                                        .strong(),
                                );
                            });
                            row.col(|ui| {
                                ui.label(
                                    x.score
                                        .map_or_else(|| "—".to_owned(), |s| format!("{s:.1}")),
                                );
                            });
                            row.col(|ui| {
                                ui.label(dash(x.package.as_deref()));
                            });
                            row.col(|ui| {
                                ui.label(dash(x.installed_version.as_deref()));
                            });
                            row.col(|ui| {
                                ui.label(dash(x.fixed_in.as_deref()));
                            });
                            row.col(|ui| {
                                ui.label(yes_no(x.fix_available));
                            });
                            row.col(|ui| {
                                ui.label(yes_no(x.exploit_available));
                            });
                            row.col(|ui| {
                                ui.label(dash(x.title.as_deref()));
                            });
                            if row.response().clicked() {
                                clicked = Some(i);
                            }
                        });
                    });
            });
    });
    if let Some(i) = clicked {
        pick.selected = Some(i);
    }
    if let Some(x) = pick.selected.and_then(|i| list.get(i)) {
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("finding_detail")
            .show(ui, |ui| finding_detail_ui(ui, x, dark));
    }
}

fn finding_detail_ui(ui: &mut Ui, x: &Finding, dark: bool) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(&x.id).strong().monospace());
        ui.label(
            RichText::new(x.severity.as_api())
                .color(style::severity_color(x.severity, dark))
                .strong(),
        );
        if let Some(s) = x.score {
            ui.label(format!("score {s:.1}"));
        }
    });
    if let Some(t) = &x.title {
        ui.label(RichText::new(t).strong());
    }
    ui.label(dash(x.description.as_deref()));
    egui::Grid::new("finding_kv")
        .num_columns(2)
        .spacing([12.0, 3.0])
        .show(ui, |ui| {
            for (k, v) in [
                ("CVSS vector", dash(x.cvss_vector.as_deref())),
                ("Package", dash(x.package.as_deref())),
                ("Installed", dash(x.installed_version.as_deref())),
                ("Fixed in", dash(x.fixed_in.as_deref())),
                ("Package path", dash(x.package_path.as_deref())),
                ("Remediation", dash(x.remediation.as_deref())),
            ] {
                ui.label(RichText::new(k).weak());
                ui.label(v);
                ui.end_row();
            }
            for (k, v) in &x.attributes {
                ui.label(RichText::new(k).weak());
                ui.label(if v.is_empty() { "—" } else { v });
                ui.end_row();
            }
        });
    if let Some(u) = &x.uri {
        link_ui(ui, &format!("{} {u}", icon::GLOBE), u);
    }
    for r in &x.references {
        link_ui(ui, r, r);
    }
}

/// A link from a scanner's report: opened only when it is http(s); any other
/// scheme (file:, javascript:, a custom handler) shows as plain text.
fn link_ui(ui: &mut Ui, text: &str, url: &str) {
    if crate::validate::web_link(url) {
        ui.hyperlink_to(text, url);
    } else {
        ui.label(text)
            .on_hover_text("Not an http(s) link: not opened");
    }
}
