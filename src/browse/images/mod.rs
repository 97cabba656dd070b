//! The open repository's images: search, untagged toggle, sortable
//! virtualised table with multi-arch children nested under their index,
//! severity counts fetched for the rows on screen only, multi-select.

use crate::ui::{BrowseAction, LoginAction, ManageAction};
use std::collections::{BTreeSet, HashSet};

use egui::{Align, Layout, RichText, Ui};

use crate::manage::image_actions::{archive_confirm, delete_images_confirm, restore_confirm};
use crate::model::{Digest, Image, ImageStatus, RepoRef, Severity};
use crate::settings::{ImageColumn, ImageSort};
use crate::state::{AppState, ImageFilter, ImageRow, ImageTotals, Requested, image_rows};
use crate::ui::columns::{self, ColumnSpec};
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};

mod keys;
mod menu;
mod rows;
mod table;
mod toolbar;

pub use keys::shift_range;
use keys::*;
use menu::*;
use rows::*;
use table::*;
use toolbar::*;

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
                actions.push(UiAction::Browse(BrowseAction::Refresh));
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
            actions.push(UiAction::Browse(BrowseAction::SelectRepository(None)));
        }
        ui.add(egui::Label::new(RichText::new(&target.name).heading().strong()).truncate());
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if widgets::icon_button(ui, icon::TERMINAL, "Push commands").clicked() {
                actions.push(UiAction::Login(LoginAction::OpenPushCommands(
                    target.clone(),
                )));
            }
            if widgets::icon_button(ui, icon::GEAR, "Settings").clicked() {
                actions.push(UiAction::Manage(ManageAction::OpenRepoSettings(
                    target.clone(),
                )));
            }
            if let Some(url) = console_link(state, target, None)
                && widgets::icon_only_button(ui, icon::GLOBE, "Open in the AWS console")
                    .on_hover_text(&url)
                    .clicked()
            {
                ui.ctx().open_url(egui::OpenUrl::new_tab(url));
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

/// The AWS console's page of the repository (or of one image in it), in
/// the partition its ARN names; none for a registry that is not AWS's.
pub fn console_link(state: &AppState, target: &RepoRef, digest: Option<&Digest>) -> Option<String> {
    let reg = state.registry(&target.key())?;
    if !reg
        .info
        .shown()
        .is_some_and(crate::model::RegistryInfo::on_aws)
    {
        return None;
    }
    let repo = reg.repository(&target.name)?;
    let digest = digest.map(ToString::to_string);
    crate::model::partition::console_url(&repo.arn, digest.as_deref())
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
