//! The registry's scanning configuration: BASIC or ENHANCED, and at most two
//! rules of (frequency, repository wildcard filters) in the combinations ECR
//! allows. Switching the scan type warns that earlier results are hidden
//! until switched back.

use egui::{RichText, Ui};

use super::UiAction;
use super::style::{self, icon};
use crate::model::{RegistryScanRule, RegistryScanningConfig, ScanFrequency, ScanType};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanningForm {
    pub scan_type: ScanType,
    /// (frequency, comma-separated filters)
    pub rules: Vec<(ScanFrequency, String)>,
    /// What the server holds, to warn about a type switch.
    pub server_type: ScanType,
}

impl ScanningForm {
    pub fn from_config(c: &RegistryScanningConfig) -> Self {
        Self {
            scan_type: c.scan_type,
            rules: c
                .rules
                .iter()
                .map(|r| (r.frequency, r.filters.join(", ")))
                .collect(),
            server_type: c.scan_type,
        }
    }

    /// Frequencies ECR allows with a scan type.
    pub fn allowed(t: ScanType) -> &'static [ScanFrequency] {
        match t {
            ScanType::Basic => &[ScanFrequency::ScanOnPush],
            ScanType::Enhanced => &[ScanFrequency::ScanOnPush, ScanFrequency::ContinuousScan],
        }
    }

    /// The configuration to send, or one message per rule (and overall).
    pub fn check(&self) -> Result<RegistryScanningConfig, Vec<Option<String>>> {
        let mut errors = vec![None; self.rules.len().max(1)];
        let mut rules = Vec::new();
        for (i, (freq, text)) in self.rules.iter().enumerate() {
            let filters: Vec<String> = text
                .split(',')
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .collect();
            let bad = filters.iter().find(|f| {
                !f.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_./*".contains(c))
            });
            errors[i] = if !Self::allowed(self.scan_type).contains(freq) {
                Some(format!(
                    "{} is not available with {} scanning.",
                    freq.label(),
                    self.scan_type.as_api()
                ))
            } else if filters.is_empty() {
                Some("Give at least one repository filter, e.g. * or team/*.".into())
            } else if filters.len() > 100 {
                Some("At most 100 filters per rule.".into())
            } else {
                bad.map(|b| {
                    format!(
                        "'{b}': filters use lowercase letters, digits, - _ . / and the * wildcard."
                    )
                })
            };
            rules.push(RegistryScanRule {
                frequency: *freq,
                filters,
            });
        }
        // After the per-rule checks, so they cannot overwrite it.
        if self.rules.len() > 2 {
            errors[0] = Some("At most 2 scanning rules.".into());
        }
        if errors.iter().any(Option::is_some) {
            return Err(errors);
        }
        Ok(RegistryScanningConfig {
            scan_type: self.scan_type,
            rules,
        })
    }
}

/// Draws the dialog; returns false when it should close.
pub fn scanning_ui(
    ctx: &egui::Context,
    form: &mut ScanningForm,
    pending: bool,
    error: Option<&str>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let mut open = true;
    let id = egui::Id::unique("scanning_config");
    let area =
        egui::Modal::default_area(id).anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0));
    let modal = egui::Modal::new(id).area(area).show(ctx, |ui: &mut Ui| {
        ui.set_width(560.0);
        let palette = style::palette(ui.visuals());
        ui.heading("Registry scanning");
        ui.horizontal(|ui| {
            ui.radio_value(&mut form.scan_type, ScanType::Basic, "Basic (Clair-based, on push or by hand)");
            ui.radio_value(&mut form.scan_type, ScanType::Enhanced, "Enhanced (Amazon Inspector, continuous)");
        });
        if form.scan_type != form.server_type {
            ui.colored_label(
                palette.warning,
                format!(
                    "{} Switching from {} to {} hides the earlier scan results until you switch back.",
                    icon::WARNING,
                    form.server_type.as_api(),
                    form.scan_type.as_api()
                ),
            );
        }
        let checked = form.check();
        let errors = checked.as_ref().err().cloned().unwrap_or_default();
        let mut remove = None;
        for (i, (freq, filters)) in form.rules.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt(("scan_rule_freq", i)).selected_text(freq.label()).show_ui(ui, |ui| {
                    for f in ScanningForm::allowed(form.scan_type) {
                        ui.selectable_value(freq, *f, f.label());
                    }
                });
                let name = format!("Repository filters of rule {}", i + 1);
                let r = ui.add(egui::TextEdit::singleline(filters).id_salt(("scan_rule_filters", i)).hint_text("*, team/*").desired_width(300.0));
                r.widget_info(move || egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
                if super::widgets::icon_only_button(ui, icon::X, &format!("Remove rule {}", i + 1)).clicked() {
                    remove = Some(i);
                }
            });
            if let Some(Some(e)) = errors.get(i) {
                ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
            }
        }
        if let Some(i) = remove {
            form.rules.remove(i);
        }
        if form.rules.len() < 2 && super::widgets::icon_button(ui, icon::PLUS, "Add rule").clicked() {
            form.rules.push((ScanFrequency::ScanOnPush, "*".into()));
        }
        if form.rules.is_empty() {
            ui.label(RichText::new("No rules: images are scanned only when you start a scan (basic) or not at all.").small().weak());
        }
        if let Some(e) = error {
            ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
        }
        ui.horizontal(|ui| {
            if ui.add_enabled(checked.is_ok() && !pending, egui::Button::new("Apply scanning configuration")).clicked()
                && let Ok(c) = &checked {
                    actions.push(UiAction::ApplyScanning(c.clone()));
                }
            if pending {
                ui.spinner();
            }
            if ui.button("Close").clicked() {
                open = false;
            }
        });
    });
    if modal.should_close() {
        open = false;
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(t: ScanType, rules: &[(ScanFrequency, &str)]) -> ScanningForm {
        ScanningForm {
            scan_type: t,
            rules: rules.iter().map(|(f, s)| (*f, (*s).to_owned())).collect(),
            server_type: ScanType::Basic,
        }
    }

    #[test]
    fn only_the_combinations_ecr_allows() {
        let e = form(ScanType::Basic, &[(ScanFrequency::ContinuousScan, "*")])
            .check()
            .expect_err("basic continuous");
        assert!(
            e[0].as_deref()
                .is_some_and(|m| m.contains("not available with BASIC"))
        );
        assert!(
            form(
                ScanType::Enhanced,
                &[
                    (ScanFrequency::ContinuousScan, "team/*"),
                    (ScanFrequency::ScanOnPush, "*")
                ]
            )
            .check()
            .is_ok()
        );
        let e = form(ScanType::Enhanced, &[(ScanFrequency::ScanOnPush, " , ")])
            .check()
            .expect_err("no filters");
        assert!(e[0].as_deref().is_some_and(|m| m.contains("at least one")));
        let e = form(ScanType::Basic, &[(ScanFrequency::ScanOnPush, "Team/*")])
            .check()
            .expect_err("uppercase");
        assert!(e[0].as_deref().is_some_and(|m| m.contains("'Team/*'")));
        let three = form(
            ScanType::Enhanced,
            &[
                (ScanFrequency::ScanOnPush, "a"),
                (ScanFrequency::ScanOnPush, "b"),
                (ScanFrequency::ScanOnPush, "c"),
            ],
        );
        assert!(three.check().is_err());
        let ok = form(ScanType::Basic, &[])
            .check()
            .expect("no rules is valid");
        assert!(ok.rules.is_empty());
    }
}
