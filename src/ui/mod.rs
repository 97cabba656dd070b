//! Drawing. Views read [`AppState`] and push [`UiAction`]s; they never await,
//! never touch the SDK, never block.

pub mod action;
pub mod columns;
pub mod help;
pub mod json_view;
pub mod modal;
pub mod palette;
pub mod save_path_dialog;
mod sidebar;
mod status_bar;
pub mod style;
mod tabs;
pub mod widgets;

// The features' views the shell lays out.
use crate::browse::{image_detail, images, overview, repositories_view as repositories};
use crate::lifecycle::view as lifecycle;
use crate::manage::policy_view as repo_policy;
use crate::pull_through::view as pull_through;
use crate::scanning::findings_view as findings;
use crate::search::view as search;
use crate::transfer::panel as transfers;

pub use action::{
    AdminAction, BrowseAction, InsightAction, LifecycleAction, LoginAction, ManageAction,
    PreferencesAction, PullThroughAction, RegistriesAction, ScanningAction, SearchAction,
    ShellAction, SupplyChainAction, TransferAction, UiAction,
};
pub use repositories::RepoTableView;

use egui::{RichText, Ui};

use crate::model::Digest;
use crate::settings::ThemePref;
use crate::state::{AppState, RegistryTab, RepoTab};
use style::icon;

/// What the views keep between frames: their caches, selections, filters,
/// and the one open dialog. Not persisted.
#[derive(Debug, Default)]
pub struct ViewState {
    /// The open dialog, if any (at most one).
    pub modal: Option<modal::OpenModal>,
    pub repo_table: RepoTableView,
    pub images: images::ImagesView,
    pub findings: findings::FindingsView,
    pub lifecycle: lifecycle::LifecycleView,
    pub overview: overview::OverviewView,
    pub repo_policy: repo_policy::RepoPolicyView,
    /// Text to put on the clipboard this frame (then dropped).
    pub clipboard: Option<String>,
    /// The new-tag field of the image details.
    pub retag: String,
    /// What an artifact says, in the image details (key file, verdict,
    /// SBOM search).
    pub artifact: crate::supply_chain::artifact_view::ArtifactView,
    /// The sidebar and the image-details pane, folded away (Ctrl+B,
    /// Ctrl+D, or their buttons).
    pub sidebar_hidden: bool,
    pub details_hidden: bool,
    /// Where the settings are saved (shown in Help and Preferences).
    pub settings_path: Option<String>,
    /// The global search view (Ctrl+Shift+F).
    pub search: search::SearchView,
}

/// Below this window width the image details open over the table instead
/// of beside it, so the table keeps a usable width.
pub const DETAILS_BESIDE_MIN_WIDTH: f32 = 1000.0;

/// The table never gets narrower than this because of a side panel.
pub const TABLE_MIN_WIDTH: f32 = 420.0;

impl ViewState {
    /// Opens a dialog (replacing any other).
    pub fn open(&mut self, dialog: impl modal::Dialog + 'static) {
        self.modal = Some(modal::OpenModal::new(Box::new(dialog)));
    }
}

/// The whole window.
pub fn main_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut ViewState,
    in_flight: u64,
    actions: &mut Vec<UiAction>,
) {
    // Shortcuts and table keys act only when no dialog is open and no text
    // field has the keyboard: a key typed into a field (Alt+Left is "word
    // left" on macOS) must never navigate behind a dialog.
    let keys_free = view.modal.is_none() && !ui.ctx().egui_wants_keyboard_input();
    view.repo_table.keys_free = keys_free;
    view.images.keys_free = keys_free;
    if keys_free {
        keyboard(ui, state, view, actions);
    }
    // Behind a dialog nothing answers: the backdrop stops the pointer, and
    // this stops the rest (an assistive technology's "click" on a widget
    // behind the dialog, a keyboard focus left there).
    if view.modal.is_some() {
        ui.disable();
    }
    egui::Panel::top("toolbar").show(ui, |ui| toolbar_ui(ui, state, actions));
    egui::Panel::bottom("status").show(ui, |ui| {
        status_bar::status_bar_ui(ui, state, in_flight, actions);
    });
    let width = ui.ctx().content_rect().width();
    if view.sidebar_hidden {
        egui::Panel::left("sidebar_folded")
            .resizable(false)
            .exact_size(28.0)
            .show(ui, |ui| {
                if widgets::icon_only_button(ui, icon::CARET_RIGHT, "Show registries (Ctrl+B)")
                    .clicked()
                {
                    view.sidebar_hidden = false;
                }
            });
    } else {
        egui::Panel::left("sidebar")
            .resizable(true)
            .default_size(style::SIDEBAR_WIDTH.min(width * 0.3))
            .min_size(160.0)
            .max_size((width - TABLE_MIN_WIDTH).max(160.0))
            .show(ui, |ui| {
                if widgets::icon_only_button(ui, icon::BACK, "Hide registries (Ctrl+B)").clicked() {
                    view.sidebar_hidden = true;
                }
                sidebar::sidebar_ui(ui, state, actions);
            });
    }
    let loc = &state.location;
    // Panels go before the central panel so it takes the space that is left.
    // The findings view takes the whole width: its table has nine columns.
    let details = loc.repository.is_some() && loc.image.is_some() && !state.findings_open;
    if details && view.details_hidden {
        egui::Panel::right("image_detail_folded")
            .resizable(false)
            .exact_size(28.0)
            .show(ui, |ui| {
                if widgets::icon_only_button(ui, icon::BACK, "Show details (Ctrl+D)").clicked() {
                    view.details_hidden = false;
                }
            });
    }
    if details && !view.details_hidden {
        if width >= DETAILS_BESIDE_MIN_WIDTH {
            egui::Panel::right("image_detail")
                .resizable(true)
                .default_size(460.0_f32.min(width * 0.4))
                .min_size(300.0)
                .max_size(
                    720.0_f32
                        .min(width - TABLE_MIN_WIDTH - style::SIDEBAR_WIDTH)
                        .max(300.0),
                )
                .show(ui, |ui| details_ui(ui, state, view, actions));
        } else {
            // A small window: the details open over the table.
            egui::Window::new("Image details")
                .title_bar(false)
                .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-4.0, 36.0))
                .default_width((width - 60.0).min(460.0))
                .max_height(ui.ctx().content_rect().height() - 80.0)
                .resizable(false)
                .show(ui.ctx(), |ui| details_ui(ui, state, view, actions));
        }
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if view.search.open {
            search::search_ui(ui, state, &mut view.search, actions);
            return;
        }
        if state.selected_registry().is_some_and(|r| r.spec.is_demo()) {
            demo_banner_ui(ui, actions);
        }
        if loc.repository.is_some() && loc.image.is_some() && state.findings_open {
            findings::findings_ui(ui, state, &mut view.findings, actions);
        } else if loc.repository.is_some() {
            tabs::repo_tabs_ui(ui, state, actions);
            match state.repo_tab {
                RepoTab::Images => images::images_ui(ui, state, &mut view.images, actions),
                RepoTab::Lifecycle => {
                    lifecycle::lifecycle_ui(ui, state, &mut view.lifecycle, actions);
                }
                RepoTab::Policy => {
                    repo_policy::repo_policy_ui(ui, state, &mut view.repo_policy, actions);
                }
                RepoTab::Trends => crate::insight::trends_view::repo_trends_ui(ui, state, actions),
            }
        } else {
            if loc.registry.is_some() {
                tabs::registry_tabs_ui(ui, state, actions);
            }
            match state.registry_tab {
                RegistryTab::Repositories => {
                    repositories::repositories_ui(ui, state, &mut view.repo_table, actions);
                }
                RegistryTab::Overview => {
                    overview::overview_ui(ui, state, &mut view.overview, actions);
                }
                RegistryTab::PullThrough => pull_through::rules_ui(ui, state, actions),
                RegistryTab::Storage => {
                    crate::insight::storage_view::storage_ui(ui, state, actions)
                }
                RegistryTab::History => {
                    crate::insight::history_view::history_ui(ui, state, actions)
                }
                RegistryTab::Administration => crate::admin::view::admin_ui(ui, state, actions),
            }
        }
    });
    // Beside the work, not over it; hidden under a dialog (nothing behind
    // a dialog answers).
    if view.modal.is_none() {
        transfers::transfers_window_ui(ui.ctx(), state, actions);
    }
}

/// The window's shortcuts (only called when no dialog is open and no text
/// field has the keyboard).
fn keyboard(ui: &Ui, state: &AppState, view: &mut ViewState, actions: &mut Vec<UiAction>) {
    let (fold_sidebar, fold_details) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::B) && i.modifiers.command,
            i.key_pressed(egui::Key::D) && i.modifiers.command,
        )
    });
    if fold_sidebar {
        view.sidebar_hidden = !view.sidebar_hidden;
    }
    if fold_details {
        view.details_hidden = !view.details_hidden;
    }
    let (f5, slash, ctrl_f, back, fwd, palette, s_key) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::F5),
            i.key_pressed(egui::Key::Slash) && !i.modifiers.any(),
            i.key_pressed(egui::Key::F) && i.modifiers.command,
            i.key_pressed(egui::Key::ArrowLeft) && i.modifiers.alt,
            i.key_pressed(egui::Key::ArrowRight) && i.modifiers.alt,
            i.key_pressed(egui::Key::K) && i.modifiers.command,
            i.key_pressed(egui::Key::S) && !i.modifiers.any(),
        )
    });
    if palette {
        actions.push(UiAction::Shell(ShellAction::OpenPalette));
    }
    if ui.input(|i| i.key_pressed(egui::Key::F1)) {
        actions.push(UiAction::Shell(ShellAction::OpenHelp));
    }
    let search_key =
        ui.input(|i| i.key_pressed(egui::Key::F) && i.modifiers.command && i.modifiers.shift);
    if search_key {
        view.search.open = true;
        view.search.focus = true;
    }
    if view.search.open && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        view.search.open = false;
    }
    if f5 {
        actions.push(UiAction::Browse(BrowseAction::Refresh));
    }
    if back {
        actions.push(UiAction::Browse(BrowseAction::Back));
    }
    if fwd {
        actions.push(UiAction::Browse(BrowseAction::Forward));
    }
    // S: scan the selection, or the open image.
    if s_key && let Some(repo) = state.open_repo() {
        let targets: Vec<Digest> = if view.images.selection.is_empty() {
            state.location.image.into_iter().collect()
        } else {
            view.images.selection.iter().copied().collect()
        };
        if !targets.is_empty() {
            actions.push(UiAction::Scanning(ScanningAction::StartScan(repo, targets)));
        }
    }
    if (ctrl_f && !search_key) || slash {
        if state.location.repository.is_some() {
            view.images.focus_search = true;
        } else {
            view.repo_table.focus_search = true;
        }
    }
}

/// The image details with the button that folds them away.
fn details_ui(ui: &mut Ui, state: &AppState, view: &mut ViewState, actions: &mut Vec<UiAction>) {
    if widgets::icon_only_button(ui, icon::CARET_RIGHT, "Hide details (Ctrl+D)").clicked() {
        view.details_hidden = true;
    }
    image_detail::image_detail_ui(ui, state, &mut view.retag, &mut view.artifact, actions);
}

fn toolbar_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("{} ecrscope", icon::CUBE))
                .strong()
                .size(16.0),
        );
        ui.separator();
        if widgets::icon_only_button(ui, icon::BACK, "Back (Alt+Left)").clicked() {
            actions.push(UiAction::Browse(BrowseAction::Back));
        }
        if widgets::icon_only_button(ui, icon::FORWARD, "Forward (Alt+Right)").clicked() {
            actions.push(UiAction::Browse(BrowseAction::Forward));
        }
        // Breadcrumb: registry > repository > image.
        if let Some(reg) = state.selected_registry() {
            let label = format!(
                "{} {} ({})",
                icon::DATABASE,
                reg.spec.profile_label(),
                reg.spec.region
            );
            if ui.link(label).clicked() {
                actions.push(UiAction::Browse(BrowseAction::SelectRepository(None)));
            }
            if let Some(repo) = &state.location.repository {
                ui.label(icon::CARET_RIGHT);
                if ui.link(format!("{} {repo}", icon::PACKAGE)).clicked() {
                    actions.push(UiAction::Browse(BrowseAction::SelectImage(None)));
                }
                let image = state.location.image.and_then(|d| {
                    let list = state.open_images()?.list.shown()?;
                    list.iter()
                        .find(|i| i.digest == d)
                        .map(|i| i.tags.first().cloned().unwrap_or_else(|| d.short()))
                });
                if let Some(img) = image {
                    ui.label(icon::CARET_RIGHT);
                    ui.label(format!("{} {img}", icon::TAG));
                }
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let (glyph, next, name) = match state.settings.theme {
                ThemePref::System => (icon::MONITOR, ThemePref::Light, "Theme: follow system"),
                ThemePref::Light => (icon::SUN, ThemePref::Dark, "Theme: light"),
                ThemePref::Dark => (icon::MOON, ThemePref::System, "Theme: dark"),
            };
            if widgets::icon_only_button(ui, "?", "Help (F1)").clicked() {
                actions.push(UiAction::Shell(ShellAction::OpenHelp));
            }
            if widgets::icon_only_button(ui, icon::GEAR, "Preferences").clicked() {
                actions.push(UiAction::Preferences(PreferencesAction::Open));
            }
            if widgets::icon_only_button(ui, glyph, name).clicked() {
                actions.push(UiAction::Preferences(PreferencesAction::SetTheme(next)));
            }
            if widgets::icon_button(ui, icon::REFRESH, "Refresh")
                .on_hover_text("Refresh (F5)")
                .clicked()
            {
                actions.push(UiAction::Browse(BrowseAction::Refresh));
            }
        });
    });
}

fn demo_banner_ui(ui: &mut Ui, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    egui::Frame::new()
        .fill(palette.banner_bg)
        .inner_margin(egui::Margin::symmetric(10, 6))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!(
                    "{} Demo registry: sample data served by ecrscope itself on this computer, no AWS account involved. \
                     Configure an AWS profile (aws configure) or add a registry to see your own.",
                    icon::FLASK
                ))
                .color(palette.warning),
            );
            if widgets::icon_button(ui, icon::PLUS, "Add a registry").clicked() {
                actions.push(UiAction::Registries(RegistriesAction::OpenAdd));
            }
        });
    ui.add_space(style::GAP);
}
