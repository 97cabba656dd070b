//! The virtualised table: columns, cells (status, tags, scan counts), sorting by a header click, multi-arch children under their index.

use super::*;
use crate::supply_chain::artifacts::ArtifactKind;
use crate::ui::{BrowseAction, PreferencesAction, ScanningAction, SupplyChainAction};

/// What the table draws from.
pub(super) struct TableCx<'a> {
    pub(super) state: &'a AppState,
    pub(super) target: &'a RepoRef,
    pub(super) ri: &'a crate::state::RepoImages,
    pub(super) images: &'a [Image],
    pub(super) rows: &'a [ImageRow],
}

/// The virtualised table: a row per image (index children nested), sort
/// headers, selection, the row menu; asks for the scan summaries of the
/// rows on screen.
pub(super) fn table_ui(
    ui: &mut Ui,
    cx: &TableCx<'_>,
    view: &mut ImagesView,
    actions: &mut Vec<UiAction>,
) {
    let TableCx {
        state,
        target,
        ri,
        images,
        rows,
    } = *cx;
    let selected_image = state.location.image;
    let sort = state.settings.image_sort;
    let mut visible: Vec<Digest> = Vec::new();
    // Images on screen whose referrers are not known (asked for only where
    // the list holds artifacts: see `supply_chain::state`).
    let mut subjects: Vec<Digest> = Vec::new();
    let mut clicked: Option<(usize, egui::Modifiers)> = None;
    // Labels in rows must not take the click (text selection) from the row.
    ui.style_mut().interaction.selectable_labels = false;
    let hidden = columns::hidden(
        &COLUMNS,
        state.settings.hidden_columns.get(&TABLE),
        ui.available_width(),
    );
    let shown = columns::visible(&COLUMNS, &hidden);
    // Replication statuses of the rows on screen, when the column is shown
    // (the state asks only where a rule covers the repository).
    let replication_shown = shown.iter().any(|c| c.id == ImageCol::Replication);
    let mut replication: Vec<Digest> = Vec::new();
    // Columns that do not fit scroll sideways; none is cut off unreachable.
    egui::ScrollArea::horizontal()
        .id_salt(("images_h", &target.key().0, &target.name))
        .show(ui, |ui| {
            let mut table = columns::table(ui, ("images", &target.key().0, &target.name), &shown);
            if let Some(pos) = view.scroll_to.take() {
                table = table.scroll_to_row(pos, None);
            }
            table
                .header(style::ROW_HEIGHT, |mut h| {
                    for c in &shown {
                        let (_, resp) = h.col(|ui| header_ui(ui, c, sort, actions));
                        resp.context_menu(|ui| {
                            columns::menu_ui(ui, TABLE, &COLUMNS, &hidden, actions);
                        });
                    }
                })
                .body(|body| {
                    body.rows(style::ROW_HEIGHT, rows.len(), |mut row| {
                        let pos = row.index();
                        let Some((r, img)) =
                            rows.get(pos).and_then(|r| Some((*r, images.get(r.index)?)))
                        else {
                            return;
                        };
                        // Index rows have no scan of their own, nor do
                        // artifacts (a signature is not an image); counts
                        // already in DescribeImages need no extra call.
                        if !img.manifest.is_index()
                            && r.artifact.is_none()
                            && img.severity_counts.is_none()
                            && !ri.scans.contains_key(&img.digest)
                        {
                            visible.push(img.digest);
                        }
                        if r.artifact.is_none() && !ri.referrers.contains_key(&img.digest) {
                            subjects.push(img.digest);
                        }
                        if replication_shown && !ri.replication.contains_key(&img.digest) {
                            replication.push(img.digest);
                        }
                        let is_selected = selected_image == Some(img.digest)
                            || view.selection.contains(&img.digest);
                        row.set_selected(is_selected);
                        for c in &shown {
                            match c.id {
                                ImageCol::Tags => {
                                    row.col(|ui| {
                                        tags_cell(ui, target, img, r, ri, &view.expanded, actions);
                                    });
                                }
                                col if r.artifact.is_some()
                                    && matches!(col, ImageCol::Scan | ImageCol::Type) =>
                                {
                                    row.col(|ui| artifact_cell_ui(ui, col, r, img, ri));
                                }
                                col => {
                                    row.col(|ui| cell_ui(ui, col, img, ri));
                                }
                            }
                        }
                        let resp = row.response();
                        // Read as its tags and short digest ("untagged" when
                        // none); an artifact as what it is ("signature …").
                        resp.widget_info(|| {
                            if let Some(kind) = r.artifact {
                                return egui::WidgetInfo::selected(
                                    egui::Role::Row,
                                    true,
                                    is_selected,
                                    format!("{} {}", kind.label(), img.digest.short()),
                                );
                            }
                            let tags = if img.tags.is_empty() {
                                "untagged".to_owned()
                            } else {
                                img.tags.join(", ")
                            };
                            egui::WidgetInfo::selected(
                                egui::Role::Row,
                                true,
                                is_selected,
                                format!("Image {tags} {}", img.digest.short()),
                            )
                        });
                        if resp.clicked() {
                            clicked = Some((pos, ui_modifiers(&resp)));
                        }
                        resp.context_menu(|ui| {
                            row_menu_ui(
                                ui,
                                state,
                                target,
                                img,
                                selected_image,
                                &view.selection,
                                actions,
                            );
                        });
                    });
                });
        });
    if let Some((pos, mods)) = clicked {
        click_row(state, view, rows, images, pos, mods, actions);
    }
    ask_for_referrers(cx, view.filter.unsigned_only, subjects, actions);
    if !replication.is_empty() {
        actions.push(UiAction::Admin(
            crate::admin::actions::AdminAction::NeedReplicationStatus(target.clone(), replication),
        ));
    }
    // Scan summaries for what is on screen and not yet known (index rows
    // have no scan of their own; their children do).
    if !visible.is_empty() {
        actions.push(UiAction::Scanning(ScanningAction::NeedScanSummaries(
            target.clone(),
            visible,
        )));
    }
}

/// A column's header: a sort button (two for Critical and High), or a
/// plain title for a column that does not sort.
fn header_ui(
    ui: &mut Ui,
    c: &ColumnSpec<ImageCol>,
    sort: crate::settings::ImageSort,
    actions: &mut Vec<UiAction>,
) {
    let header = |ui: &mut Ui, label: &str, col: ImageColumn, actions: &mut Vec<UiAction>| {
        let sorted = (sort.column == col).then_some(sort.ascending);
        if widgets::sort_header(ui, label, sorted, &format!("Sort by {label}")) {
            actions.push(UiAction::Preferences(PreferencesAction::SortImages(col)));
        }
    };
    let col = match c.id {
        ImageCol::Scan => {
            header(ui, "Critical", ImageColumn::Critical, actions);
            header(ui, "High", ImageColumn::High, actions);
            return;
        }
        // Not sortable: known only for rows seen.
        ImageCol::Replication => {
            ui.strong(c.label);
            return;
        }
        ImageCol::Tags => ImageColumn::Tags,
        ImageCol::Digest => ImageColumn::Digest,
        ImageCol::Size => ImageColumn::Size,
        ImageCol::Pushed => ImageColumn::Pushed,
        ImageCol::LastPull => ImageColumn::LastPull,
        ImageCol::Type => ImageColumn::Type,
        ImageCol::Status => ImageColumn::Status,
    };
    header(ui, c.label, col, actions);
}

/// Referrers of the images on screen; under "Unsigned only" every image's
/// (a few a frame: the state caps what one frame sends).
fn ask_for_referrers(
    cx: &TableCx<'_>,
    unsigned_only: bool,
    mut subjects: Vec<Digest>,
    actions: &mut Vec<UiAction>,
) {
    let TableCx {
        target,
        ri,
        images,
        rows,
        ..
    } = *cx;
    if unsigned_only {
        subjects.extend(
            rows.iter()
                .filter(|r| r.artifact.is_none())
                .filter_map(|r| images.get(r.index))
                .map(|img| img.digest)
                .filter(|d| !ri.referrers.contains_key(d))
                .take(64),
        );
    }
    if !subjects.is_empty() {
        actions.push(UiAction::SupplyChain(SupplyChainAction::NeedReferrers(
            target.clone(),
            subjects,
        )));
    }
}

/// The images table's name in the settings, and its columns.
const TABLE: crate::settings::Table = crate::settings::Table::Images;

/// The images table's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ImageCol {
    Tags,
    Digest,
    Size,
    Pushed,
    LastPull,
    Type,
    Status,
    /// Critical and High, each sorting by itself.
    Scan,
    /// Where the image replicated (on demand: a call per row).
    Replication,
}

const COLUMNS: [ColumnSpec<ImageCol>; 9] = [
    ColumnSpec::new(ImageCol::Tags, "tags", "Tags", 240.0, 120.0).required(),
    ColumnSpec::new(ImageCol::Digest, "digest", "Digest", 130.0, 90.0),
    ColumnSpec::new(ImageCol::Size, "size", "Size", 80.0, 60.0),
    ColumnSpec::new(ImageCol::Pushed, "pushed", "Pushed", 100.0, 70.0),
    ColumnSpec::new(ImageCol::LastPull, "last_pull", "Last pull", 100.0, 70.0).hide_below(980.0),
    ColumnSpec::new(ImageCol::Type, "type", "Type", 120.0, 80.0).hide_below(880.0),
    ColumnSpec::new(ImageCol::Status, "status", "Status", 80.0, 60.0),
    ColumnSpec::new(ImageCol::Scan, "scan", "Critical / High", 150.0, 120.0),
    ColumnSpec::new(
        ImageCol::Replication,
        "replication",
        "Replication",
        130.0,
        90.0,
    )
    .optional(),
];

/// An artifact's Type (its kind, the artifact type on hover) and scan
/// cell (none: ECR does not scan a signature or an SBOM).
fn artifact_cell_ui(
    ui: &mut Ui,
    col: ImageCol,
    r: crate::state::ImageRow,
    img: &Image,
    ri: &crate::state::RepoImages,
) {
    if col == ImageCol::Scan {
        ui.label(RichText::new("—").color(style::palette(ui.visuals()).muted))
            .on_hover_text("An artifact is not an image: ECR does not scan it.");
        return;
    }
    let t = ri
        .referrers
        .values()
        .filter_map(Requested::shown)
        .flatten()
        .find(|x| x.digest == img.digest)
        .and_then(|x| x.artifact_type.clone());
    let l = ui.label(r.artifact.map_or("artifact", |k| k.label()));
    if let Some(t) = t.or_else(|| img.artifact_media_type.clone()) {
        l.on_hover_text(t);
    }
}

/// One cell after the tags: digest, size, times, type, status, scan.
pub(super) fn cell_ui(ui: &mut Ui, col: ImageCol, img: &Image, ri: &crate::state::RepoImages) {
    let now = widgets::now_ms();
    match col {
        // Drawn by `tags_cell` (it needs the row's depth and the expanded set).
        ImageCol::Tags => {}
        ImageCol::Digest => {
            widgets::copy_button(
                ui,
                &format!("digest {}", img.digest.short()),
                &img.digest.to_string(),
            );
            ui.label(RichText::new(img.digest.short()).monospace())
                .on_hover_text(img.digest.to_string());
        }
        ImageCol::Size => {
            ui.label(widgets::human_size(img.size_bytes));
        }
        ImageCol::Pushed => widgets::time_cell(ui, img.pushed_at, now),
        ImageCol::LastPull => widgets::time_cell(ui, img.last_pull, now),
        ImageCol::Type => {
            let l = ui.label(img.manifest.label());
            if let Some(a) = &img.artifact_media_type {
                l.on_hover_text(a);
            }
        }
        ImageCol::Status => status_cell(ui, img, now),
        ImageCol::Scan => scan_cell(ui, img, ri.scans.get(&img.digest)),
        ImageCol::Replication => {
            crate::admin::replication_status_view::cell_ui(ui, ri.replication.get(&img.digest));
        }
    }
}

/// Active / archived / restoring, with when on hover.
pub(super) fn status_cell(ui: &mut Ui, img: &Image, now: i64) {
    let palette = style::palette(ui.visuals());
    let (text, color) = match img.status {
        ImageStatus::Active => ("active", palette.muted),
        ImageStatus::Archived => ("archived", palette.warning),
        ImageStatus::Activating => ("restoring", palette.loading),
        ImageStatus::Other => ("—", palette.muted),
    };
    let r = ui.label(RichText::new(text).color(color));
    let mut when = Vec::new();
    if let Some(t) = img.archived_at() {
        when.push(format!(
            "Archived {} ({})",
            widgets::relative_time(t, now),
            widgets::exact_time(ui, t)
        ));
    }
    if let Some(t) = img.activated_at() {
        when.push(format!(
            "Restored {} ({})",
            widgets::relative_time(t, now),
            widgets::exact_time(ui, t)
        ));
    }
    if img.status == ImageStatus::Archived {
        when.push("Cannot be pulled or scanned until restored.".to_owned());
    }
    if !when.is_empty() {
        r.on_hover_text(when.join("\n"));
    }
}

pub(super) fn tags_cell(
    ui: &mut Ui,
    target: &RepoRef,
    img: &Image,
    row: crate::state::ImageRow,
    ri: &crate::state::RepoImages,
    expanded: &HashSet<Digest>,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    if let Some(kind) = row.artifact {
        // An artifact of the image above: what it is, then its tag (an
        // artifact of an artifact, a signature of an SBOM, one step in).
        ui.add_space(18.0 * f32::from(row.depth));
        let glyph = match kind {
            ArtifactKind::Signature => icon::SHIELD_CHECK,
            ArtifactKind::Sbom => icon::PACKAGE,
            ArtifactKind::Attestation | ArtifactKind::Other => icon::FILE_CODE,
        };
        ui.label(RichText::new(format!("{glyph} {}", kind.label())).color(palette.muted));
        for t in img.tags.iter().take(1) {
            tag_chip(ui, t);
        }
        return;
    }
    if row.depth > 0 {
        ui.add_space(18.0);
        // A child of an index: its platform instead of tags.
        let platform = ri
            .child_of
            .get(&img.digest)
            .and_then(|parent| ri.platforms.get(parent))
            .and_then(|children| children.iter().find(|(d, _)| *d == img.digest))
            .map_or_else(|| "platform".to_owned(), |(_, p)| p.label());
        ui.label(RichText::new(format!("{} {platform}", icon::CUBE)).color(palette.muted));
        return;
    }
    if img.manifest.is_index() || !row.carried.is_empty() {
        let open = expanded.contains(&img.digest);
        let n = ri.platforms.get(&img.digest).map_or(0, Vec::len);
        let glyph = if open {
            icon::CARET_DOWN
        } else {
            icon::CARET_RIGHT
        };
        let label = match (img.manifest.is_index(), open) {
            (true, true) => "Collapse platforms",
            (true, false) => "Expand platforms",
            (false, true) => "Hide signatures and SBOMs",
            (false, false) => "Show signatures and SBOMs",
        };
        if widgets::icon_only_button(ui, glyph, label).clicked() {
            actions.push(UiAction::Browse(BrowseAction::ToggleExpand(
                target.clone(),
                img.digest,
            )));
        }
        if n > 0 {
            ui.label(
                RichText::new(format!("{n} platforms"))
                    .small()
                    .color(palette.muted),
            );
        }
    }
    if !row.carried.is_empty() {
        // At a glance: what the image carries (cosign's tag scheme).
        ui.label(
            RichText::new(format!("{} {}", icon::SHIELD_CHECK, row.carried.summary()))
                .small()
                .color(if row.carried.signatures > 0 {
                    palette.ok
                } else {
                    palette.muted
                }),
        )
        .on_hover_text(format!(
            "{} signature(s), {} SBOM(s), {} attestation(s) in this repository",
            row.carried.signatures, row.carried.sboms, row.carried.attestations
        ));
    }
    if img.tags.is_empty() {
        ui.label(RichText::new("untagged").italics().color(palette.muted));
        return;
    }
    const SHOWN: usize = 3;
    for t in img.tags.iter().take(SHOWN) {
        tag_chip(ui, t);
    }
    if img.tags.len() > SHOWN {
        ui.label(RichText::new(format!("+{}", img.tags.len() - SHOWN)).small())
            .on_hover_text(img.tags.join(", "));
    }
}

pub(super) fn tag_chip(ui: &mut Ui, tag: &str) {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
        .corner_radius(8.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(tag).small());
        });
}

pub(super) fn scan_cell(
    ui: &mut Ui,
    img: &Image,
    scan: Option<&Requested<crate::model::ScanSummary>>,
) {
    let palette = style::palette(ui.visuals());
    let dark = ui.visuals().dark_mode;
    if img.manifest.is_index() {
        ui.label(RichText::new("see platforms").small().color(palette.muted));
        return;
    }
    let summary = scan.and_then(Requested::shown).cloned().or_else(|| {
        img.severity_counts.map(|counts| crate::model::ScanSummary {
            status: img.scan_status.clone(),
            counts,
            never_scanned: false,
        })
    });
    match (summary, scan) {
        (Some(s), _) if s.never_scanned => {
            ui.label(RichText::new("not scanned").color(palette.muted));
        }
        (Some(s), _) => {
            if let Some(st) = s.status.as_ref().filter(|st| {
                **st != crate::model::ScanStatus::Complete
                    && **st != crate::model::ScanStatus::Active
            }) {
                ui.label(st.label());
            }
            if s.counts.total() == 0 && s.status.as_ref().is_some_and(|st| !st.is_running()) {
                ui.label(
                    RichText::new(format!("{} no findings", icon::SHIELD_CHECK)).color(palette.ok),
                );
            }
            for sev in [
                Severity::Critical,
                Severity::High,
                Severity::Medium,
                Severity::Low,
            ] {
                let n = s.counts.get(sev);
                if n > 0 {
                    let letter: String = sev.as_api().chars().take(1).collect();
                    ui.label(
                        RichText::new(format!("{letter} {n}"))
                            .color(style::severity_color(sev, dark))
                            .strong(),
                    )
                    .on_hover_text(format!("{n} {}", sev.as_api().to_ascii_lowercase()));
                }
            }
        }
        (None, Some(Requested::Failed { error, .. })) => {
            ui.label(RichText::new("—").color(palette.muted))
                .on_hover_text(error.to_string());
        }
        (None, Some(_)) => {
            ui.spinner();
        }
        (None, None) => {
            ui.label(RichText::new("—").color(palette.muted));
        }
    }
}
