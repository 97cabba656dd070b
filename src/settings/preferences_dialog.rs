//! Preferences: theme, zoom, how times are shown, requests in flight, the
//! selected registry's auto-refresh. Each control applies at once (and is
//! saved with the other settings).

use crate::ui::PreferencesAction;
use egui::{RichText, Ui};

use crate::settings::{Clock, Settings, ThemePref, TimeStyle, ZOOM_MAX, ZOOM_MIN};
use crate::state::AppState;
use crate::ui::UiAction;
use crate::ui::modal::{self, Footer, Frame, Outcome};

pub fn preferences_ui(
    ctx: &egui::Context,
    first_frame: bool,
    state: &AppState,
    settings_path: Option<&str>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "preferences",
            title: "Preferences",
            target: None,
            width: 520.0,
            top: Some(60.0),
        },
        Footer {
            confirm: None,
            dismiss: "Close",
        },
        |ui| body_ui(ui, state, settings_path, actions),
    );
    outcome == Outcome::Open
}

fn body_ui(
    ui: &mut Ui,
    state: &AppState,
    settings_path: Option<&str>,
    actions: &mut Vec<UiAction>,
) {
    let s: &Settings = &state.settings;
    egui::Grid::new("prefs")
        .num_columns(2)
        .spacing([16.0, 10.0])
        .show(ui, |ui| {
            ui.label("Theme");
            ui.horizontal(|ui| {
                for (t, label) in [
                    (ThemePref::System, "Follow the system"),
                    (ThemePref::Light, "Light"),
                    (ThemePref::Dark, "Dark"),
                ] {
                    if ui.radio(s.theme == t, label).clicked() {
                        actions.push(UiAction::Preferences(PreferencesAction::SetTheme(t)));
                    }
                }
            });
            ui.end_row();

            let l = ui.label("Zoom");
            let mut zoom = s.zoom * 100.0;
            let r = ui
                .add(
                    egui::Slider::new(&mut zoom, ZOOM_MIN * 100.0..=ZOOM_MAX * 100.0)
                        .step_by(10.0)
                        .suffix(" %"),
                )
                .labelled_by(l.id)
                .on_hover_text("Ctrl+= / Ctrl+- / Ctrl+0");
            if r.changed() {
                actions.push(UiAction::Preferences(PreferencesAction::SetZoom(
                    zoom / 100.0,
                )));
            }
            ui.end_row();

            ui.label("Times");
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    for (t, label) in [
                        (TimeStyle::Relative, "relative (3 days ago)"),
                        (TimeStyle::Absolute, "date and time"),
                    ] {
                        if ui.radio(s.time_style == t, label).clicked() {
                            actions.push(UiAction::Preferences(PreferencesAction::SetTimeDisplay(
                                t, s.clock,
                            )));
                        }
                    }
                });
                ui.horizontal(|ui| {
                    for (c, label) in [(Clock::Utc, "UTC"), (Clock::Local, "local time")] {
                        if ui.radio(s.clock == c, label).clicked() {
                            actions.push(UiAction::Preferences(PreferencesAction::SetTimeDisplay(
                                s.time_style,
                                c,
                            )));
                        }
                    }
                });
            });
            ui.end_row();

            let l = ui.label("Requests in flight");
            let mut n = s.max_in_flight;
            let r = ui
                .add(egui::DragValue::new(&mut n).range(1..=32))
                .labelled_by(l.id)
                .on_hover_text(
                    "Per registry. More is faster on a large registry, until ECR throttles.",
                );
            if r.changed() {
                actions.push(UiAction::Preferences(PreferencesAction::SetMaxInFlight(n)));
            }
            ui.end_row();

            let l = ui.label("Storage price");
            ui.horizontal(|ui| {
                let table = ecr_core::cost::prices_for("us-east-1").standard_per_gb;
                let mut p = s.storage_price.unwrap_or(table);
                let r = ui
                    .add(
                        egui::DragValue::new(&mut p)
                            .range(0.0..=10.0)
                            .speed(0.001)
                            .max_decimals(4)
                            .prefix("$")
                            .suffix(" per GB-month"),
                    )
                    .labelled_by(l.id)
                    .on_hover_text(format!(
                        "Standard storage, for the Storage tab's estimate. The table's: ${table:.2} ({}, checked {}).",
                        ecr_core::cost::SOURCE,
                        ecr_core::cost::CHECKED
                    ));
                if r.changed() {
                    actions.push(UiAction::Preferences(PreferencesAction::SetStoragePrice(Some(p))));
                }
                if s.storage_price.is_some() && ui.button("Use the table's").clicked() {
                    actions.push(UiAction::Preferences(PreferencesAction::SetStoragePrice(None)));
                }
            });
            ui.end_row();

            if let Some(reg) = state.selected_registry() {
                ui.label("Auto-refresh");
                let key = reg.spec.key();
                let current = s.auto_refresh.get(&key).copied().unwrap_or(0);
                ui.horizontal_wrapped(|ui| {
                    for (secs, label) in [(0, "off"), (30, "30 s"), (60, "1 min"), (300, "5 min")] {
                        if ui.radio(current == secs, label).clicked() {
                            actions.push(UiAction::Preferences(PreferencesAction::SetAutoRefresh(
                                key.clone(),
                                secs,
                            )));
                        }
                    }
                    ui.label(RichText::new(format!("for {}", reg.spec.profile_label())).weak());
                });
                ui.end_row();
            }
        });
    if let Some(p) = settings_path {
        ui.add_space(8.0);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Saved in").weak());
            crate::ui::widgets::copy_button(ui, "settings path", p);
            ui.label(RichText::new(p).monospace());
        });
    }
}
/// The preferences window.
#[derive(Debug)]
pub struct PreferencesDialog;

impl crate::ui::modal::Dialog for PreferencesDialog {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        preferences_ui(cx.ctx, cx.first, cx.state, cx.settings_path, cx.actions)
    }
}
