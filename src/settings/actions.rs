//! Preferences: each lives in the settings (saved with them) and applies
//! at once.

use std::collections::BTreeSet;

use super::{Clock, ImageColumn, RepoColumn, Table, ThemePref, TimeStyle, ZOOM_MAX, ZOOM_MIN};
use crate::app::EcrscopeApp;
use crate::model::RegistryKey;
use crate::settings::preferences_dialog::PreferencesDialog;
use crate::state::FollowUp;

#[derive(Clone, Debug, PartialEq)]
pub enum PreferencesAction {
    SortRepositories(RepoColumn),
    SortImages(ImageColumn),
    /// The columns of a table the user hid (remembered).
    SetHiddenColumns(Table, BTreeSet<String>),
    /// Back to the columns that fit the window.
    ResetColumns(Table),
    SetTheme(ThemePref),
    /// Interface zoom (1.0 = 100 %).
    SetZoom(f32),
    SetTimeDisplay(TimeStyle, Clock),
    /// Requests in flight per registry.
    SetMaxInFlight(usize),
    /// The standard storage price per GB-month (`None`: the table's).
    SetStoragePrice(Option<f64>),
    /// Auto-refresh interval for a registry, in seconds (0 = off).
    SetAutoRefresh(RegistryKey, u64),
    /// The preferences window.
    Open,
}

impl EcrscopeApp {
    pub(crate) fn on_preferences(&mut self, action: PreferencesAction) -> Vec<FollowUp> {
        let s = &mut self.state.settings;
        match action {
            PreferencesAction::SortRepositories(col) => s.repo_sort = s.repo_sort.clicked(col),
            PreferencesAction::SortImages(col) => s.image_sort = s.image_sort.clicked(col),
            PreferencesAction::SetHiddenColumns(table, hidden) => {
                s.hidden_columns.insert(table, hidden);
            }
            PreferencesAction::ResetColumns(table) => {
                s.hidden_columns.remove(&table);
            }
            PreferencesAction::SetTheme(t) => s.theme = t,
            PreferencesAction::SetZoom(z) => s.zoom = z.clamp(ZOOM_MIN, ZOOM_MAX),
            PreferencesAction::SetTimeDisplay(style, clock) => {
                s.time_style = style;
                s.clock = clock;
            }
            PreferencesAction::SetMaxInFlight(n) => {
                s.max_in_flight = n.clamp(1, 32);
                let n = s.max_in_flight;
                self.worker().set_max_in_flight(n);
            }
            PreferencesAction::SetStoragePrice(p) => {
                s.storage_price = p.filter(|p| p.is_finite() && *p >= 0.0);
            }
            PreferencesAction::SetAutoRefresh(key, secs) => {
                if secs == 0 {
                    s.auto_refresh.remove(&key);
                } else {
                    s.auto_refresh.insert(key, secs);
                }
            }
            PreferencesAction::Open => self.view.open(PreferencesDialog),
        }
        Vec::new()
    }
}
