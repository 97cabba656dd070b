//! Drawing. Views read [`AppState`] and push [`UiAction`]s; they never await,
//! never touch the SDK, never block.

pub mod add_registry;
pub mod bulk;
pub mod create_repository;
pub mod findings;
mod image_detail;
pub mod images;
pub mod json_view;
pub mod lifecycle;
mod overview;
pub mod palette;
pub mod pull_through;
pub mod push_commands;
mod repo_policy;
pub mod repo_settings;
mod repositories;
pub mod scanning_config;
mod sidebar;
mod status_bar;
pub mod style;
mod tabs;
pub mod widgets;

pub use repositories::RepoTableView;

use egui::{RichText, Ui};

use crate::model::{Digest, RegistryKey};
use crate::settings::ThemePref;
use crate::state::{AppState, ImageColumn, RegistryTab, RepoColumn, RepoTab};
use style::icon;

/// What the user asked for; handled in one place, `App::handle`.
#[derive(Clone, Debug, PartialEq)]
pub enum UiAction {
    SelectRegistry(RegistryKey),
    SelectRepository(Option<String>),
    /// F5: refresh what is on screen.
    Refresh,
    RefreshRegistry(RegistryKey),
    OpenAddRegistry,
    AskRemoveRegistry(RegistryKey),
    SortRepositories(RepoColumn),
    SetTheme(ThemePref),
    SelectImage(Option<Digest>),
    ToggleExpand(Digest),
    SortImages(ImageColumn),
    /// Rows on screen whose scan summary is not known yet.
    NeedScanSummaries(Vec<Digest>),
    OpenPushCommands,
    /// Alt+Left / Alt+Right.
    Back,
    Forward,
    /// Auto-refresh interval for a registry, in seconds (0 = off).
    SetAutoRefresh(RegistryKey, u64),
    /// Put the open image's manifest under a new tag.
    RetagImage(Digest, String),
    /// Ask for confirmation, then run the action.
    Confirm {
        title: String,
        body: String,
        action: Box<UiAction>,
    },
    DeleteImages(Vec<crate::model::ImageId>),
    OpenScanning,
    ApplyScanning(crate::model::RegistryScanningConfig),
    OpenBulk(Vec<String>),
    ApplyBulk(Vec<String>, crate::worker::RepoChange),
    /// Start basic scans of these images.
    StartScan(Vec<Digest>),
    OpenFindings,
    CloseFindings,
    SortFindings(crate::state::FindingColumn),
    SelectFinding(Option<usize>),
    /// Compare the open image's findings with another image's (None: stop).
    CompareWith(Option<Digest>),
    /// Export the findings of these images.
    Export(Vec<Digest>, crate::export::Format),
    OpenRepoSettings(String),
    ApplyTagMutability(String, crate::model::TagMutabilitySetting),
    SetScanOnPush(String, bool),
    /// Optionally prefilled from an existing repository.
    OpenCreateRepository(Option<String>),
    CreateRepository(crate::ecr::NewRepository),
    OpenDeleteRepository(String),
    DeleteRepository(String),
    SetRegistryTab(crate::state::RegistryTab),
    SetRepoTab(crate::state::RepoTab),
    /// Load every repository's images and the scan summary of every tagged
    /// image, for the registry's findings dashboard.
    CheckAllFindings,
    /// GetAuthorizationToken for the selected registry.
    GetLoginToken,
    /// Put the token's password on the clipboard, then forget it.
    CopyLoginPassword,
    /// Open the rule form: `None` to create, `Some(prefix)` to edit.
    OpenPullThroughForm(Option<String>),
    ChangePullThrough(crate::worker::PullThroughChange),
    ValidatePullThrough(String),
    /// Put this lifecycle policy on the open repository.
    SaveLifecycle(String),
    DeleteLifecycle,
    PreviewLifecycle(String),
    /// Ctrl+K.
    OpenPalette,
    /// Jump to a place (from the palette).
    GoTo(crate::state::Location),
}

/// Ephemeral view state (dialogs, focus requests).
#[derive(Debug, Default)]
pub struct ViewState {
    pub add_registry: Option<add_registry::AddRegistryForm>,
    pub confirm_remove: Option<RegistryKey>,
    pub repo_table: RepoTableView,
    pub images: images::ImagesView,
    pub findings: findings::FindingsView,
    pub lifecycle: lifecycle::LifecycleView,
    pub overview: overview::OverviewView,
    pub repo_policy: repo_policy::RepoPolicyView,
    pub pull_through_form: Option<pull_through::RuleForm>,
    /// Text to put on the clipboard this frame (then dropped).
    pub clipboard: Option<String>,
    pub push_commands: Option<(push_commands::Tool, push_commands::PushTarget)>,
    pub palette: Option<palette::PaletteView>,
    pub repo_settings: Option<repo_settings::RepoSettingsForm>,
    pub bulk: Option<bulk::BulkForm>,
    pub scanning: Option<scanning_config::ScanningForm>,
    /// A pending confirmation: title, text, and what runs on yes.
    pub confirm: Option<(String, String, UiAction)>,
    /// Whether the confirmation has been drawn at least once.
    pub confirm_shown: bool,
    /// The new-tag field of the image details.
    pub retag: String,
    pub create_repo: Option<create_repository::CreateRepoForm>,
    pub delete_repo: Option<create_repository::DeleteRepoForm>,
    pub theme: ThemePref,
    /// Scans being followed, for the status bar.
    pub scans_followed: usize,
}

/// The whole window.
pub fn main_ui(
    ui: &mut Ui,
    state: &mut AppState,
    view: &mut ViewState,
    in_flight: u64,
    actions: &mut Vec<UiAction>,
) {
    keyboard(ui, state, view, actions);
    egui::Panel::top("toolbar").show(ui, |ui| toolbar_ui(ui, state, view, actions));
    let scanning = view.scans_followed;
    egui::Panel::bottom("status").show(ui, |ui| {
        status_bar::status_bar_ui(ui, state, in_flight, scanning)
    });
    egui::Panel::left("sidebar")
        .resizable(true)
        .default_size(style::SIDEBAR_WIDTH)
        .min_size(180.0)
        .show(ui, |ui| sidebar::sidebar_ui(ui, state, actions));
    // Panels go before the central panel so it takes the space that is left.
    // The findings view takes the whole width: its table has nine columns.
    if state.selected_repository.is_some() && state.selected_image.is_some() && !state.findings_open
    {
        egui::Panel::right("image_detail")
            .resizable(true)
            .default_size(460.0)
            .min_size(300.0)
            .max_size(720.0)
            .show(ui, |ui| {
                image_detail::image_detail_ui(ui, state, &mut view.retag, actions)
            });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        if state.selected_registry().is_some_and(|r| r.spec.is_demo()) {
            demo_banner_ui(ui);
        }
        if state.selected_repository.is_some()
            && state.selected_image.is_some()
            && state.findings_open
        {
            findings::findings_ui(ui, state, &mut view.findings, actions);
        } else if state.selected_repository.is_some() {
            tabs::repo_tabs_ui(ui, state, actions);
            match state.repo_tab {
                RepoTab::Images => images::images_ui(ui, state, &mut view.images, actions),
                RepoTab::Lifecycle => {
                    lifecycle::lifecycle_ui(ui, state, &mut view.lifecycle, actions);
                }
                RepoTab::Policy => {
                    repo_policy::repo_policy_ui(ui, state, &mut view.repo_policy, actions);
                }
            }
        } else {
            if state.selected.is_some() {
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
            }
        }
    });
}

fn keyboard(ui: &Ui, state: &AppState, view: &mut ViewState, actions: &mut Vec<UiAction>) {
    let (f5, slash, ctrl_f, back, fwd) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::F5),
            i.key_pressed(egui::Key::Slash) && !i.modifiers.any(),
            i.key_pressed(egui::Key::F) && i.modifiers.command,
            i.key_pressed(egui::Key::ArrowLeft) && i.modifiers.alt,
            i.key_pressed(egui::Key::ArrowRight) && i.modifiers.alt,
        )
    });
    if ui.input(|i| i.key_pressed(egui::Key::K) && i.modifiers.command) {
        actions.push(UiAction::OpenPalette);
    }
    let typing = ui.ctx().memory(|m| m.focused().is_some());
    if f5 {
        actions.push(UiAction::Refresh);
    }
    if back {
        actions.push(UiAction::Back);
    }
    if fwd {
        actions.push(UiAction::Forward);
    }
    // S: scan the selection, or the open image.
    let s_key = ui.input(|i| i.key_pressed(egui::Key::S) && !i.modifiers.any());
    if s_key && !typing && state.selected_repository.is_some() {
        let targets: Vec<Digest> = if view.images.selection.is_empty() {
            state.selected_image.into_iter().collect()
        } else {
            view.images.selection.iter().copied().collect()
        };
        if !targets.is_empty() {
            actions.push(UiAction::StartScan(targets));
        }
    }
    if ctrl_f || (slash && !typing) {
        if state.selected_repository.is_some() {
            view.images.focus_search = true;
        } else {
            view.repo_table.focus_search = true;
        }
    }
}

fn toolbar_ui(ui: &mut Ui, state: &AppState, view: &ViewState, actions: &mut Vec<UiAction>) {
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("{} ecrscope", icon::CUBE))
                .strong()
                .size(16.0),
        );
        ui.separator();
        if widgets::icon_only_button(ui, icon::BACK, "Back (Alt+Left)").clicked() {
            actions.push(UiAction::Back);
        }
        if widgets::icon_only_button(ui, icon::FORWARD, "Forward (Alt+Right)").clicked() {
            actions.push(UiAction::Forward);
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
                actions.push(UiAction::SelectRepository(None));
            }
            if let Some(repo) = &state.selected_repository {
                ui.label(icon::CARET_RIGHT);
                if ui.link(format!("{} {repo}", icon::PACKAGE)).clicked() {
                    actions.push(UiAction::SelectImage(None));
                }
                let image = state.selected_image.and_then(|d| {
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
            let (glyph, next, name) = match view.theme {
                ThemePref::System => (icon::MONITOR, ThemePref::Light, "Theme: follow system"),
                ThemePref::Light => (icon::SUN, ThemePref::Dark, "Theme: light"),
                ThemePref::Dark => (icon::MOON, ThemePref::System, "Theme: dark"),
            };
            if widgets::icon_only_button(ui, glyph, name).clicked() {
                actions.push(UiAction::SetTheme(next));
            }
            if widgets::icon_button(ui, icon::REFRESH, "Refresh")
                .on_hover_text("Refresh (F5)")
                .clicked()
            {
                actions.push(UiAction::Refresh);
            }
        });
    });
}

fn demo_banner_ui(ui: &mut Ui) {
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
        });
    ui.add_space(style::GAP);
}
