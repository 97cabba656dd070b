//! The tab rows above the registry and repository views.

use crate::ui::BrowseAction;
use egui::Ui;

use super::UiAction;
use super::style::icon;
use crate::state::{AppState, RegistryTab, RepoTab};

fn tab<T: PartialEq + Copy>(ui: &mut Ui, current: T, this: T, text: String) -> bool {
    ui.selectable_label(current == this, text).clicked() && current != this
}

pub fn registry_tabs_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let cur = state.registry_tab;
    let rules = state
        .selected_registry()
        .and_then(|r| r.docs.pull_through.shown())
        .map_or(String::new(), |r| format!(" ({})", r.len()));
    // Six tabs: a narrow window wraps them rather than cutting one off.
    ui.horizontal_wrapped(|ui| {
        for (t, text) in [
            (
                RegistryTab::Repositories,
                format!("{} Repositories", icon::PACKAGE),
            ),
            (
                RegistryTab::Overview,
                format!("{} Overview", icon::CHART_BAR),
            ),
            (
                RegistryTab::PullThrough,
                format!("{} Pull-through cache{rules}", icon::CLOUD_ARROW_DOWN),
            ),
            (
                RegistryTab::Storage,
                format!("{} Storage & cost", icon::DATABASE),
            ),
            (RegistryTab::History, format!("{} History", icon::CLOCK)),
            (
                RegistryTab::Administration,
                format!("{} Administration", icon::GEAR),
            ),
        ] {
            if tab(ui, cur, t, text) {
                actions.push(UiAction::Browse(BrowseAction::SetRegistryTab(t)));
            }
        }
    });
    ui.separator();
}

pub fn repo_tabs_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let cur = state.repo_tab;
    ui.horizontal(|ui| {
        for (t, text) in [
            (RepoTab::Images, format!("{} Images", icon::STACK)),
            (
                RepoTab::Lifecycle,
                format!("{} Lifecycle policy", icon::HOURGLASS),
            ),
            (RepoTab::Policy, format!("{} Permissions", icon::LOCK)),
            (RepoTab::Trends, format!("{} Trends", icon::CHART_BAR)),
        ] {
            if tab(ui, cur, t, text) {
                actions.push(UiAction::Browse(BrowseAction::SetRepoTab(t)));
            }
        }
    });
    ui.separator();
}
