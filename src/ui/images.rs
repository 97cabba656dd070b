//! The open repository's images: search, untagged toggle, sortable
//! virtualised table with multi-arch children nested under their index,
//! severity counts fetched for the rows on screen only, multi-select.

use std::collections::{BTreeSet, HashSet};

use egui::{Align, Layout, RichText, Ui};

use super::columns::{self, ColumnSpec};
use super::image_actions::{archive_confirm, delete_images_confirm, restore_confirm};
use super::style::{self, icon};
use super::{UiAction, widgets};
use crate::model::{Digest, Image, ImageStatus, RepoRef, Severity};
use crate::settings::{ImageColumn, ImageSort};
use crate::state::{AppState, ImageFilter, ImageRow, ImageTotals, Requested, image_rows};

/// Between frames: search and toggles, expansion, selection, the row cache,
/// focus requests.
#[derive(Debug, Default)]
pub struct ImagesView {
    pub filter: ImageFilter,
    pub expanded: HashSet<Digest>,
    /// Multi-selection (Ctrl/Shift click) for batch actions.
    pub selection: BTreeSet<Digest>,
    /// Where a Shift-click range starts: a digest, looked up again in the
    /// rows of the moment (a search or a refresh changes them).
    anchor: Option<Digest>,
    pub focus_search: bool,
    /// Table keys act (no dialog open, no text field focused); set by the
    /// window each frame.
    pub keys_free: bool,
    cache: Option<RowsCache>,
    /// Rows being computed off the UI thread (very large repositories).
    job: Option<RowsJob>,
    scroll_to: Option<usize>,
}

/// From this many images on, filtering and sorting run on a thread of their
/// own: at 1,000,000 a sort takes hundreds of milliseconds, which the table
/// must not wait for. Below it they take a few milliseconds on the UI thread.
pub const OFFLOAD_ROWS: usize = 200_000;

/// What a rows job sends back: the rows and the totals line.
type RowsResult = (Vec<ImageRow>, Option<ImageTotals>);

#[derive(Debug)]
struct RowsJob {
    key: RowsKey,
    rx: std::sync::mpsc::Receiver<RowsResult>,
}

/// Starts computing rows for `key` on a named thread over a snapshot (the
/// image list is shared, the small maps are copied).
fn spawn_rows_job(
    ctx: &egui::Context,
    key: RowsKey,
    images: &std::sync::Arc<Vec<Image>>,
    ri: &crate::state::RepoImages,
    filter: &ImageFilter,
    expanded: &HashSet<Digest>,
) -> Option<RowsJob> {
    let snapshot = crate::state::RepoImages {
        list: Requested::Ready(images.clone()),
        platforms: ri.platforms.clone(),
        child_of: ri.child_of.clone(),
        scans: ri.scans.clone(),
        generation: ri.generation,
        ..Default::default()
    };
    let (filter, sort, expanded) = (filter.clone(), key.sort, expanded.clone());
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("ecrscope-rows".into())
        .spawn(move || {
            let list = snapshot.list.shown().cloned().unwrap_or_default();
            let rows = image_rows(&list, &snapshot, &filter, sort, &expanded);
            let _ = tx.send((rows, snapshot.totals()));
            ctx.request_repaint();
        });
    spawned.ok().map(|_| RowsJob { key, rx })
}

/// The rows for a key, and the totals line computed with them.
type RowsCache = (RowsKey, std::sync::Arc<[ImageRow]>, Option<ImageTotals>);

#[derive(Clone, Debug, PartialEq)]
struct RowsKey {
    registry: crate::model::RegistryKey,
    repo: String,
    generation: u64,
    len: usize,
    filter: ImageFilter,
    sort: ImageSort,
    expanded: Vec<Digest>,
}

impl ImagesView {
    /// Whether rows are being computed off the UI thread.
    pub fn is_sorting(&self) -> bool {
        self.job.is_some()
    }

    /// The rows on screen (for tests).
    pub fn rows_shown(&self) -> std::sync::Arc<[ImageRow]> {
        self.cache
            .as_ref()
            .map_or_else(|| std::sync::Arc::from(Vec::new()), |(_, r, _)| r.clone())
    }

    /// The order of the rows on screen (for the benchmark's check that a
    /// sort has landed).
    pub fn shown_sort(&self) -> Option<ImageSort> {
        self.cache.as_ref().map(|(k, _, _)| k.sort)
    }

    /// Forget per-repository view state when another repository opens (the
    /// search and toggles stay: people look for the same tag elsewhere).
    pub fn reset(&mut self) {
        *self = Self {
            focus_search: self.focus_search,
            filter: std::mem::take(&mut self.filter),
            keys_free: self.keys_free,
            ..Self::default()
        };
    }
}

pub fn images_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut ImagesView,
    actions: &mut Vec<UiAction>,
) {
    let Some(target) = state.open_repo() else {
        return;
    };
    // A view cache of another repository (opened from the palette, the
    // history, a link) is dropped here, where the rows are drawn.
    if view
        .cache
        .as_ref()
        .is_some_and(|(k, _, _)| k.repo != target.name || k.registry != target.key())
    {
        view.reset();
    }
    header_ui(ui, state, &target, actions);
    // Rows first (drawn below): the toolbar reads the totals made with them.
    let shaped = state.open_images().and_then(|ri| {
        ri.list
            .shown()
            .map(|images| rows_for(ui, state, &target, view, ri, images))
    });
    toolbar_ui(ui, state, &target, view, actions);
    let palette = style::palette(ui.visuals());
    let Some(ri) = state.open_images() else {
        loading_ui(ui);
        return;
    };
    if let Some(e) = ri.list.error() {
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
            if widgets::icon_button(ui, icon::REFRESH, "Retry").clicked() {
                actions.push(UiAction::Refresh);
            }
        });
    }
    let (Some(images), Some((rows, totals))) = (ri.list.shown(), shaped) else {
        loading_ui(ui);
        return;
    };
    progress_ui(ui, view, ri, images, &rows, totals);
    keyboard_ui(ui, state, &target, view, &rows, images, actions);
    let cx = TableCx {
        state,
        target: &target,
        ri,
        images,
        rows: &rows,
    };
    table_ui(ui, &cx, view, actions);
}

fn loading_ui(ui: &mut Ui) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label("Loading images…");
    });
}

/// Name and actions; the URI on its own line, truncated, so no row grows
/// wider than the space left by the details pane.
fn header_ui(ui: &mut Ui, state: &AppState, target: &RepoRef, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    ui.horizontal(|ui| {
        if widgets::icon_only_button(ui, icon::BACK, "Back to repositories").clicked() {
            actions.push(UiAction::SelectRepository(None));
        }
        ui.add(egui::Label::new(RichText::new(&target.name).heading().strong()).truncate());
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if widgets::icon_button(ui, icon::TERMINAL, "Push commands").clicked() {
                actions.push(UiAction::OpenPushCommands(target.clone()));
            }
            if widgets::icon_button(ui, icon::GEAR, "Settings").clicked() {
                actions.push(UiAction::OpenRepoSettings(target.clone()));
            }
        });
    });
    let repo = state
        .registry(&target.key())
        .and_then(|r| r.repository(&target.name));
    if let Some(r) = repo {
        ui.horizontal(|ui| {
            widgets::copy_button(ui, "repository URI", &r.uri);
            ui.add(
                egui::Label::new(RichText::new(&r.uri).monospace().color(palette.muted)).truncate(),
            )
            .on_hover_text(&r.uri);
        });
    }
}

/// A chip per image status with its count, each showing or hiding that
/// status's images. Only when the repository has archived or restoring
/// images: otherwise every image is active and the chips say nothing.
fn status_chips(ui: &mut Ui, state: &AppState, view: &mut ImagesView) {
    let Some(t) = view.cache.as_ref().and_then(|(_, _, t)| *t) else {
        return;
    };
    let _ = state;
    if t.archived.0 == 0 && t.activating.0 == 0 && view.filter.hidden.is_empty() {
        return;
    }
    ui.separator();
    for s in ImageStatus::LISTED {
        let on = !view.filter.hidden.contains(&s);
        let text = format!("{} {}", s.label(), t.of(s).0);
        let r = ui
            .selectable_label(on, text)
            .on_hover_text(format!("Show or hide {} images", s.label().to_lowercase()));
        if r.clicked() {
            view.filter.toggle(s);
        }
    }
}

/// Archive and restore for the selection, each shown only when some of the
/// selected images can take it.
fn storage_buttons(
    ui: &mut Ui,
    state: &AppState,
    target: &RepoRef,
    selected: &[Digest],
    actions: &mut Vec<UiAction>,
) {
    if let Some(a) = archive_confirm(state, target, selected)
        && widgets::icon_button(ui, icon::ARCHIVE, "Archive")
            .on_hover_text("Move to the archive storage class: cheaper, but not pullable or scannable until restored")
            .clicked()
    {
        actions.push(a);
    }
    if let Some(a) = restore_confirm(state, target, selected, widgets::now_ms())
        && widgets::icon_button(ui, icon::RESTORE, "Restore")
            .on_hover_text("Restore archived images to standard storage")
            .clicked()
    {
        actions.push(a);
    }
}

/// Search and toggles, and what to do with the selection. Wraps rather than
/// running under the details pane when space is short.
fn toolbar_ui(
    ui: &mut Ui,
    state: &AppState,
    target: &RepoRef,
    view: &mut ImagesView,
    actions: &mut Vec<UiAction>,
) {
    ui.horizontal_wrapped(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut view.filter.text)
                .id_salt("image_search")
                .hint_text(format!("{} Tag or digest prefix  ( / )", icon::SEARCH))
                .desired_width(260.0),
        );
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Search images"));
        if view.focus_search {
            r.request_focus();
            view.focus_search = false;
        }
        if r.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            view.filter.text.clear();
        }
        ui.checkbox(&mut view.filter.show_untagged, "Show untagged");
        status_chips(ui, state, view);
        // From the totals computed with the rows, not a walk of every
        // image each frame.
        let ungrouped = match (
            state.open_images(),
            view.cache.as_ref().and_then(|(_, _, t)| *t),
        ) {
            (Some(ri), Some(t)) => ri.ungrouped_estimate(&t),
            _ => 0,
        };
        if ungrouped > 0
            && ui
                .button(format!("{} Group platforms", icon::STACK))
                .on_hover_text(format!(
                    "Reads the manifests of {ungrouped} multi-arch indexes (BatchGetImage) so their platform images nest under them instead of showing as untagged rows. ECR may count each read as a pull of the index, so ecrscope does not do it on its own."
                ))
                .clicked()
        {
            actions.push(UiAction::GroupPlatforms(target.clone()));
        }
        if view.selection.is_empty() {
            return;
        }
        ui.separator();
        ui.label(format!("{} selected", view.selection.len()));
        if ui.small_button("Clear").clicked() {
            view.selection.clear();
        }
        let n = view.selection.len();
        let selected: Vec<Digest> = view.selection.iter().copied().collect();
        ui.menu_button(format!("{} Export findings of {n}", icon::EXPORT), |ui| {
            for f in crate::export::Format::ALL {
                if ui.button(f.label()).clicked() {
                    actions.push(UiAction::Export(target.clone(), selected.clone(), f));
                    ui.close();
                }
            }
        });
        if ui
            .button(format!("{} Scan {n}", icon::SHIELD_CHECK))
            .clicked()
        {
            actions.push(UiAction::StartScan(target.clone(), selected.clone()));
        }
        if let Some(a) = super::image_actions::copy_selected(state, target, &selected)
            && widgets::icon_button(ui, icon::COPY, &format!("Copy {n} to…"))
                .on_hover_text("Copy to another repository, region or account (archived images stay behind)")
                .clicked()
        {
            actions.push(a);
        }
        storage_buttons(ui, state, target, &selected, actions);
        if widgets::icon_button(ui, icon::TRASH, &format!("Delete {n} selected")).clicked() {
            actions.push(delete_images_confirm(
                state,
                target,
                selected,
                widgets::now_ms(),
            ));
        }
    });
}

/// The rows to show and the totals line, recomputed only when something
/// that shapes them changed; from [`OFFLOAD_ROWS`] images on, off the UI
/// thread (the previous rows stay meanwhile).
fn rows_for(
    ui: &Ui,
    state: &AppState,
    target: &RepoRef,
    view: &mut ImagesView,
    ri: &crate::state::RepoImages,
    images: &std::sync::Arc<Vec<Image>>,
) -> (std::sync::Arc<[ImageRow]>, Option<ImageTotals>) {
    let rows_key = RowsKey {
        repo: target.name.clone(),
        generation: ri.generation,
        len: images.len(),
        registry: target.key(),
        filter: view.filter.clone(),
        sort: state.settings.image_sort,
        expanded: view
            .expanded
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    // A finished background job lands first.
    if let Some(job) = &view.job {
        match job.rx.try_recv() {
            Ok((rows, totals)) => {
                view.cache = Some((job.key.clone(), rows.into(), totals));
                view.job = None;
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => view.job = None,
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
    }
    let stale = view.cache.as_ref().is_none_or(|(k, _, _)| *k != rows_key);
    if stale && images.len() < OFFLOAD_ROWS {
        let rows = image_rows(
            images,
            ri,
            &view.filter,
            state.settings.image_sort,
            &view.expanded,
        );
        // Totals walk every image: once per change, not once per frame.
        view.cache = Some((rows_key, rows.into(), ri.totals()));
    } else if stale && view.job.is_none() {
        // One job at a time: keystrokes and pages that arrive meanwhile are
        // folded into the next one.
        view.job = spawn_rows_job(ui.ctx(), rows_key, images, ri, &view.filter, &view.expanded);
    }
    let rows: std::sync::Arc<[ImageRow]> = view
        .cache
        .as_ref()
        .map_or_else(|| std::sync::Arc::from(Vec::new()), |(_, r, _)| r.clone());
    // Rows of an older, longer list while the new ones are computed: keep
    // only those that still point into the list.
    let shrunk = view
        .cache
        .as_ref()
        .is_some_and(|(k, _, _)| k.len > images.len());
    let rows = if shrunk {
        rows.iter()
            .filter(|r| r.index < images.len())
            .copied()
            .collect::<Vec<_>>()
            .into()
    } else {
        rows
    };
    (rows, view.cache.as_ref().and_then(|(_, _, t)| *t))
}

/// "N images · size", loading and sorting progress.
fn progress_ui(
    ui: &mut Ui,
    view: &ImagesView,
    ri: &crate::state::RepoImages,
    images: &[Image],
    rows: &[ImageRow],
    totals: Option<ImageTotals>,
) {
    let palette = style::palette(ui.visuals());
    let sorting = view.job.is_some();
    ui.horizontal(|ui| {
        let text = match (&ri.list, totals) {
            (Requested::Loading { previous: None, .. }, _) => {
                format!("Loading… {} images so far", images.len())
            }
            (Requested::Loading { .. }, Some(t)) => {
                format!(
                    "{} images · {} · refreshing…",
                    t.images(),
                    widgets::human_size(t.bytes())
                )
            }
            (_, Some(t)) => totals_line(&t, rows.len()),
            _ => String::new(),
        };
        if ri.list.is_loading() || sorting {
            ui.spinner();
        }
        ui.label(RichText::new(text).color(palette.muted));
        if sorting {
            ui.label(
                RichText::new(format!("sorting {} images…", images.len())).color(palette.loading),
            );
        }
    });
}

/// "12 shown of 40 images · 1.2 GiB stored (3 archived, 200 MiB)": what the
/// count and size include, archived and restoring images said apart.
pub fn totals_line(t: &ImageTotals, shown: usize) -> String {
    let n = t.images();
    let shown = if shown == n {
        String::new()
    } else {
        format!("{shown} shown of ")
    };
    let mut parts = Vec::new();
    if t.archived.0 > 0 {
        parts.push(format!(
            "{} archived, {}",
            t.archived.0,
            widgets::human_size(t.archived.1)
        ));
    }
    if t.activating.0 > 0 {
        parts.push(format!("{} restoring", t.activating.0));
    }
    let split = if parts.is_empty() {
        String::new()
    } else {
        format!(" (of which {})", parts.join("; "))
    };
    format!(
        "{shown}{n} images · {} stored{split}",
        widgets::human_size(t.bytes())
    )
}

/// What the table draws from.
struct TableCx<'a> {
    state: &'a AppState,
    target: &'a RepoRef,
    ri: &'a crate::state::RepoImages,
    images: &'a [Image],
    rows: &'a [ImageRow],
}

/// The virtualised table: a row per image (index children nested), sort
/// headers, selection, the row menu; asks for the scan summaries of the
/// rows on screen.
fn table_ui(ui: &mut Ui, cx: &TableCx<'_>, view: &mut ImagesView, actions: &mut Vec<UiAction>) {
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
    let mut clicked: Option<(usize, egui::Modifiers)> = None;
    let header = |ui: &mut Ui, label: &str, col: ImageColumn, actions: &mut Vec<UiAction>| {
        let sorted = (sort.column == col).then_some(sort.ascending);
        if widgets::sort_header(ui, label, sorted, &format!("Sort by {label}")) {
            actions.push(UiAction::SortImages(col));
        }
    };
    // Labels in rows must not take the click (text selection) from the row.
    ui.style_mut().interaction.selectable_labels = false;
    let hidden = columns::hidden(
        &COLUMNS,
        state.settings.hidden_columns.get(TABLE),
        ui.available_width(),
    );
    let shown = columns::visible(&COLUMNS, &hidden);
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
                        let (_, resp) = h.col(|ui| match c.key {
                            "scan" => {
                                header(ui, "Critical", ImageColumn::Critical, actions);
                                header(ui, "High", ImageColumn::High, actions);
                            }
                            key => {
                                if let Some(col) = sort_column(key) {
                                    header(ui, c.label, col, actions);
                                }
                            }
                        });
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
                        // Index rows have no scan of their own; counts already
                        // in DescribeImages need no extra call.
                        if !img.manifest.is_index()
                            && img.severity_counts.is_none()
                            && !ri.scans.contains_key(&img.digest)
                        {
                            visible.push(img.digest);
                        }
                        let is_selected = selected_image == Some(img.digest)
                            || view.selection.contains(&img.digest);
                        row.set_selected(is_selected);
                        for c in &shown {
                            match c.key {
                                "tags" => {
                                    row.col(|ui| {
                                        tags_cell(
                                            ui,
                                            target,
                                            img,
                                            r.depth,
                                            ri,
                                            &view.expanded,
                                            actions,
                                        );
                                    });
                                }
                                key => {
                                    row.col(|ui| cell_ui(ui, key, img, ri));
                                }
                            }
                        }
                        let resp = row.response();
                        // Read as its tags and short digest ("untagged" when none).
                        resp.widget_info(|| {
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
    // Scan summaries for what is on screen and not yet known (index rows
    // have no scan of their own; their children do).
    if !visible.is_empty() {
        actions.push(UiAction::NeedScanSummaries(target.clone(), visible));
    }
}

/// The images table's name in the settings, and its columns.
const TABLE: &str = "images";

const COLUMNS: [ColumnSpec; 8] = [
    ColumnSpec::new("tags", "Tags", 240.0, 120.0).required(),
    ColumnSpec::new("digest", "Digest", 130.0, 90.0),
    ColumnSpec::new("size", "Size", 80.0, 60.0),
    ColumnSpec::new("pushed", "Pushed", 100.0, 70.0),
    ColumnSpec::new("last_pull", "Last pull", 100.0, 70.0).hide_below(980.0),
    ColumnSpec::new("type", "Type", 120.0, 80.0).hide_below(880.0),
    ColumnSpec::new("status", "Status", 80.0, 60.0),
    ColumnSpec::new("scan", "Critical / High", 150.0, 120.0),
];

fn sort_column(key: &str) -> Option<ImageColumn> {
    Some(match key {
        "tags" => ImageColumn::Tags,
        "digest" => ImageColumn::Digest,
        "size" => ImageColumn::Size,
        "pushed" => ImageColumn::Pushed,
        "last_pull" => ImageColumn::LastPull,
        "type" => ImageColumn::Type,
        "status" => ImageColumn::Status,
        _ => return None,
    })
}

/// One cell after the tags: digest, size, times, type, status, scan.
fn cell_ui(ui: &mut Ui, key: &str, img: &Image, ri: &crate::state::RepoImages) {
    let now = widgets::now_ms();
    match key {
        "digest" => {
            widgets::copy_button(
                ui,
                &format!("digest {}", img.digest.short()),
                &img.digest.to_string(),
            );
            ui.label(RichText::new(img.digest.short()).monospace())
                .on_hover_text(img.digest.to_string());
        }
        "size" => {
            ui.label(widgets::human_size(img.size_bytes));
        }
        "pushed" => widgets::time_cell(ui, img.pushed_at, now),
        "last_pull" => widgets::time_cell(ui, img.last_pull, now),
        "type" => {
            let l = ui.label(img.manifest.label());
            if let Some(a) = &img.artifact_media_type {
                l.on_hover_text(a);
            }
        }
        "status" => status_cell(ui, img, now),
        "scan" => scan_cell(ui, img, ri.scans.get(&img.digest)),
        _ => {}
    }
}

/// Active / archived / restoring, with when on hover.
fn status_cell(ui: &mut Ui, img: &Image, now: i64) {
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
            widgets::exact_time(t)
        ));
    }
    if let Some(t) = img.activated_at() {
        when.push(format!(
            "Restored {} ({})",
            widgets::relative_time(t, now),
            widgets::exact_time(t)
        ));
    }
    if img.status == ImageStatus::Archived {
        when.push("Cannot be pulled or scanned until restored.".to_owned());
    }
    if !when.is_empty() {
        r.on_hover_text(when.join("\n"));
    }
}

/// Right click on a row: the same actions as the buttons, on the selection
/// when the row is part of it, else on the row.
fn row_menu_ui(
    ui: &mut Ui,
    state: &AppState,
    target: &RepoRef,
    img: &Image,
    open: Option<Digest>,
    selection: &BTreeSet<Digest>,
    actions: &mut Vec<UiAction>,
) {
    let targets: Vec<Digest> = if selection.contains(&img.digest) {
        selection.iter().copied().collect()
    } else {
        vec![img.digest]
    };
    let n = targets.len();
    let many = if n > 1 {
        format!(" {n} images")
    } else {
        String::new()
    };
    if ui
        .button(format!("{} Findings", icon::SHIELD_WARNING))
        .clicked()
    {
        actions.push(UiAction::SelectImage(Some(img.digest)));
        actions.push(UiAction::OpenFindings);
        ui.close();
    }
    if ui
        .button(format!("{} Scan{many}  (S)", icon::SHIELD_CHECK))
        .clicked()
    {
        actions.push(UiAction::StartScan(target.clone(), targets.clone()));
        ui.close();
    }
    ui.menu_button(format!("{} Export findings{many}", icon::EXPORT), |ui| {
        for f in crate::export::Format::ALL {
            if ui.button(f.label()).clicked() {
                actions.push(UiAction::Export(target.clone(), targets.clone(), f));
                ui.close();
            }
        }
    });
    if let Some(o) = open.filter(|o| *o != img.digest && !img.manifest.is_index())
        && ui
            .button(format!(
                "{} Compare findings with the open image",
                icon::ARROWS_LEFT_RIGHT
            ))
            .clicked()
    {
        {
            actions.push(UiAction::SelectImage(Some(o)));
            actions.push(UiAction::OpenFindings);
            actions.push(UiAction::CompareWith(Some(img.digest)));
            ui.close();
        }
    }
    ui.separator();
    if ui.button(format!("{} Copy digest", icon::COPY)).clicked() {
        ui.ctx().copy_text(img.digest.to_string());
        ui.close();
    }
    if let Some(a) = archive_confirm(state, target, &targets)
        && ui
            .button(format!("{} Archive{many}…", icon::ARCHIVE))
            .clicked()
    {
        actions.push(a);
        ui.close();
    }
    if let Some(a) = restore_confirm(state, target, &targets, widgets::now_ms())
        && ui
            .button(format!("{} Restore{many}…", icon::RESTORE))
            .clicked()
    {
        actions.push(a);
        ui.close();
    }
    if ui
        .button(format!("{} Delete{many}…", icon::TRASH))
        .clicked()
    {
        actions.push(delete_images_confirm(
            state,
            target,
            targets,
            widgets::now_ms(),
        ));
        ui.close();
    }
}

fn ui_modifiers(r: &egui::Response) -> egui::Modifiers {
    r.ctx.input(|i| i.modifiers)
}

/// Plain click: select and open; Ctrl: toggle in the selection; Shift: range
/// from the anchor (a digest found again in the rows of now).
fn click_row(
    state: &AppState,
    view: &mut ImagesView,
    rows: &[ImageRow],
    images: &[Image],
    pos: usize,
    mods: egui::Modifiers,
    actions: &mut Vec<UiAction>,
) {
    let Some(d) = rows
        .get(pos)
        .and_then(|r| images.get(r.index))
        .map(|i| i.digest)
    else {
        return;
    };
    if mods.shift {
        let digests: Vec<Digest> = rows
            .iter()
            .filter_map(|r| images.get(r.index).map(|i| i.digest))
            .collect();
        view.selection = shift_range(&digests, view.anchor, pos)
            .into_iter()
            .collect();
    } else if mods.command {
        if !view.selection.insert(d) {
            view.selection.remove(&d);
        }
        view.anchor = Some(d);
    } else {
        view.selection.clear();
        view.anchor = Some(d);
        if state.location.image != Some(d) {
            actions.push(UiAction::SelectImage(Some(d)));
        }
    }
}

/// The rows a Shift-click selects: from the anchor (looked up in the rows
/// of now) to the clicked row; an anchor that is gone gives the clicked row.
pub fn shift_range(rows: &[Digest], anchor: Option<Digest>, clicked: usize) -> Vec<Digest> {
    let Some(&clicked_digest) = rows.get(clicked) else {
        return Vec::new();
    };
    let from = anchor
        .and_then(|a| rows.iter().position(|d| *d == a))
        .unwrap_or(clicked);
    let (a, b) = (from.min(clicked), from.max(clicked));
    rows.get(a..=b)
        .map_or_else(|| vec![clicked_digest], <[Digest]>::to_vec)
}

fn keyboard_ui(
    ui: &Ui,
    state: &AppState,
    target: &RepoRef,
    view: &mut ImagesView,
    rows: &[ImageRow],
    images: &[Image],
    actions: &mut Vec<UiAction>,
) {
    if rows.is_empty() || !view.keys_free {
        return;
    }
    // Finding the current row walks the rows: only when a key asks for it.
    let nav_keys = [
        egui::Key::ArrowDown,
        egui::Key::ArrowUp,
        egui::Key::PageDown,
        egui::Key::PageUp,
        egui::Key::Home,
        egui::Key::End,
        egui::Key::Enter,
    ];
    if !ui.input(|i| nav_keys.iter().any(|k| i.key_pressed(*k))) {
        return;
    }
    let digest_at = |pos: usize| rows.get(pos).and_then(|r| images.get(r.index));
    let current = state.location.image.and_then(|d| {
        rows.iter()
            .position(|r| images.get(r.index).is_some_and(|i| i.digest == d))
    });
    let to = widgets::table_nav_target(ui, current, rows.len() - 1);
    if let Some(img) = to.and_then(digest_at) {
        view.anchor = Some(img.digest);
        view.scroll_to = to;
        actions.push(UiAction::SelectImage(Some(img.digest)));
    }
    if ui.input(|i| i.key_pressed(egui::Key::Enter))
        && let Some(img) = current.and_then(digest_at)
        && img.manifest.is_index()
    {
        actions.push(UiAction::ToggleExpand(target.clone(), img.digest));
    }
}

fn tags_cell(
    ui: &mut Ui,
    target: &RepoRef,
    img: &Image,
    depth: u8,
    ri: &crate::state::RepoImages,
    expanded: &HashSet<Digest>,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    if depth > 0 {
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
    if img.manifest.is_index() {
        let open = expanded.contains(&img.digest);
        let n = ri.platforms.get(&img.digest).map_or(0, Vec::len);
        let glyph = if open {
            icon::CARET_DOWN
        } else {
            icon::CARET_RIGHT
        };
        let label = if open {
            "Collapse platforms"
        } else {
            "Expand platforms"
        };
        if widgets::icon_only_button(ui, glyph, label).clicked() {
            actions.push(UiAction::ToggleExpand(target.clone(), img.digest));
        }
        if n > 0 {
            ui.label(
                RichText::new(format!("{n} platforms"))
                    .small()
                    .color(palette.muted),
            );
        }
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

fn tag_chip(ui: &mut Ui, tag: &str) {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .stroke(ui.visuals().widgets.noninteractive.bg_stroke)
        .corner_radius(8.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(tag).small());
        });
}

fn scan_cell(ui: &mut Ui, img: &Image, scan: Option<&Requested<crate::model::ScanSummary>>) {
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
