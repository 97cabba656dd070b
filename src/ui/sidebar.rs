//! Registries on the left, grouped by profile, with a status dot each.

use crate::ui::{BrowseAction, PreferencesAction, RegistriesAction, ScanningAction};
use egui::{RichText, Role, Ui, WidgetInfo};

use super::style::{self, icon};
use super::{UiAction, widgets};
use crate::model::RegistrySource;
use crate::state::{AppState, Connection, auto_refresh};

pub fn sidebar_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    ui.horizontal(|ui| {
        ui.heading("Registries");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if widgets::icon_only_button(ui, icon::PLUS, "Add registry").clicked() {
                actions.push(UiAction::Registries(RegistriesAction::OpenAdd));
            }
        });
    });
    ui.separator();
    if state.registries.is_empty() {
        ui.label(RichText::new(format!("{} Reading AWS profiles…", icon::SPINNER)).weak());
        return;
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // Group consecutive registries of the same profile under one heading.
            let mut last_group: Option<String> = None;
            for reg in &state.registries {
                let group = reg.spec.profile_label().to_owned();
                if last_group.as_ref() != Some(&group) {
                    ui.add_space(4.0);
                    let glyph = match reg.spec.source {
                        RegistrySource::Demo => icon::FLASK,
                        RegistrySource::Environment => icon::TERMINAL,
                        _ => icon::USER,
                    };
                    ui.label(RichText::new(format!("{glyph} {group}")).strong());
                    last_group = Some(group.clone());
                }
                let key = reg.spec.key();
                let selected = state.location.registry.as_ref() == Some(&key);
                let conn = reg.connection();
                let (dot, color, status) = match conn {
                    Connection::Connected => (icon::DOT, palette.ok, "connected"),
                    Connection::Loading => (icon::SPINNER, palette.loading, "loading"),
                    Connection::Error => (icon::ERROR, palette.error, "error"),
                    Connection::Idle => (icon::DOT, palette.idle, "not loaded"),
                };
                let mut detail = if reg.spec.region.is_empty() {
                    "no region".to_owned()
                } else {
                    reg.spec.region.clone()
                };
                if let Some(id) = &reg.spec.registry_id {
                    detail.push_str(&format!(" · {id}"));
                }
                if let Some(ep) = &reg.spec.endpoint {
                    detail.push_str(&format!(" · {ep}"));
                }
                if let Some(n) = reg.repositories.shown().map(Vec::len) {
                    detail.push_str(&format!(" · {n} repos"));
                }
                let r = ui
                    .horizontal(|ui| {
                        ui.add_space(12.0);
                        if conn == Connection::Loading {
                            ui.label(RichText::new(dot).color(color));
                        } else {
                            widgets::status_dot(ui, color);
                        }
                        let auto = state
                            .settings
                            .auto_refresh
                            .get(&reg.spec.key())
                            .copied()
                            .unwrap_or(0);
                        let r = ui.selectable_label(selected, detail.clone());
                        if auto > 0 {
                            ui.label(RichText::new(icon::CLOCK).small())
                                .on_hover_text(auto_refresh::label(auto));
                        }
                        r
                    })
                    .inner;
                let name = format!("Registry {} {}", reg.spec.profile_label(), reg.spec.region);
                let status_text = status.to_owned();
                r.widget_info(move || {
                    WidgetInfo::selected(
                        Role::Button,
                        true,
                        selected,
                        format!("{name} ({status_text})"),
                    )
                });
                let r = match reg.error() {
                    Some(e) => r.on_hover_text(RichText::new(e.to_string()).color(palette.error)),
                    None => r.on_hover_text(format!("{} · {status}", reg.spec.profile_label())),
                };
                if r.clicked() {
                    actions.push(UiAction::Browse(BrowseAction::SelectRegistry(key.clone())));
                }
                r.context_menu(|ui| {
                    if ui.button(format!("{} Refresh", icon::REFRESH)).clicked() {
                        actions.push(UiAction::Browse(BrowseAction::RefreshRegistry(key.clone())));
                    }
                    if ui
                        .button(format!("{} Scanning configuration…", icon::SHIELD_CHECK))
                        .clicked()
                    {
                        actions.push(UiAction::Browse(BrowseAction::SelectRegistry(key.clone())));
                        actions.push(UiAction::Scanning(ScanningAction::OpenConfiguration(
                            key.clone(),
                        )));
                    }
                    let current = state.settings.auto_refresh.get(&key).copied().unwrap_or(0);
                    ui.menu_button(
                        format!(
                            "{} Auto-refresh: {}",
                            icon::CLOCK,
                            auto_refresh::label(current)
                        ),
                        |ui| {
                            for (secs, label) in auto_refresh::CHOICES {
                                if ui.radio(current == secs, label).clicked() {
                                    actions.push(UiAction::Preferences(
                                        PreferencesAction::SetAutoRefresh(key.clone(), secs),
                                    ));
                                    ui.close();
                                }
                            }
                        },
                    );
                    if reg.spec.source == RegistrySource::Added
                        && ui.button(format!("{} Remove…", icon::TRASH)).clicked()
                    {
                        actions.push(UiAction::Registries(RegistriesAction::AskRemove(
                            key.clone(),
                        )));
                    }
                });
            }
        });
}
