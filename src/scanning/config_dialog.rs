//! The registry's scanning configuration: BASIC or ENHANCED, and at most two
//! rules of (frequency, repository wildcard filters) in the combinations ECR
//! allows. Switching the scan type warns that earlier results are hidden
//! until switched back.

use crate::ui::ScanningAction;
use egui::RichText;

use crate::model::{
    RegistryScanRule, RegistryScanningConfig, RegistrySpec, ScanFrequency, ScanType,
};
use crate::ui::UiAction;
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanningForm {
    /// The registry, pinned when the dialog opened.
    pub registry: RegistrySpec,
    /// Profile · account · region.
    pub target: String,
    pub scan_type: ScanType,
    /// (frequency, comma-separated filters)
    pub rules: Vec<(ScanFrequency, String)>,
    /// What the server holds, to warn about a type switch.
    pub server_type: ScanType,
}

impl ScanningForm {
    pub fn from_config(
        registry: &RegistrySpec,
        target: String,
        c: &RegistryScanningConfig,
    ) -> Self {
        Self {
            registry: registry.clone(),
            target,
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
    first_frame: bool,
    form: &mut ScanningForm,
    pending: bool,
    error: Option<&str>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let checked = form.check();
    let target = form.target.clone();
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "scanning_config",
            title: "Registry scanning",
            target: Some(&target),
            width: 560.0,
            top: Some(80.0),
        },
        Footer {
            confirm: Some((
                "",
                "Apply scanning configuration",
                checked.is_ok() && !pending,
            )),
            dismiss: "Close",
        },
        |ui| {
            let palette = style::palette(ui.visuals());
            ui.horizontal(|ui| {
                ui.radio_value(
                    &mut form.scan_type,
                    ScanType::Basic,
                    "Basic (Clair-based, on push or by hand)",
                );
                ui.radio_value(
                    &mut form.scan_type,
                    ScanType::Enhanced,
                    "Enhanced (Amazon Inspector, continuous)",
                );
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
            let errors = form.check().err().unwrap_or_default();
            let scan_type = form.scan_type;
            let max = 2;
            crate::ui::widgets::rule_rows(
                ui,
                &mut form.rules,
                &errors,
                "rule",
                max,
                || (ScanFrequency::ScanOnPush, "*".into()),
                |ui, i, (freq, filters)| {
                    egui::ComboBox::from_id_salt(("scan_rule_freq", i))
                        .selected_text(freq.label())
                        .show_ui(ui, |ui| {
                            for f in ScanningForm::allowed(scan_type) {
                                ui.selectable_value(freq, *f, f.label());
                            }
                        });
                    let name = format!("Repository filters of rule {}", i + 1);
                    let r = ui.add(
                        egui::TextEdit::singleline(filters)
                            .id_salt(("scan_rule_filters", i))
                            .hint_text("*, team/*")
                            .desired_width(300.0),
                    );
                    r.widget_info(move || {
                        egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name)
                    });
                },
            );
            if form.rules.is_empty() {
                ui.label(
                    RichText::new(
                        "No rules: images are scanned only when you start a scan (basic) or not at all.",
                    )
                    .weak(),
                );
            }
            if let Some(e) = error {
                ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
            }
            if pending {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Saving…");
                });
            }
        },
    );
    match outcome {
        Outcome::Confirmed => {
            if let Ok(c) = checked {
                actions.push(UiAction::Scanning(ScanningAction::ApplyConfiguration(
                    form.registry.clone(),
                    c,
                )));
            }
            true
        }
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

impl crate::ui::modal::Dialog for ScanningForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        let reg = cx.state.registry(&self.registry.key());
        let pending = reg.is_some_and(|r| r.scanning.is_loading());
        let error = reg
            .and_then(|r| r.scanning.error())
            .map(ToString::to_string);
        // After a save, the form follows what the server holds.
        if let Some(s) = reg.and_then(|r| r.scanning.shown()) {
            self.server_type = s.registry.scan_type;
        }
        reg.is_some()
            && scanning_ui(
                cx.ctx,
                cx.first,
                self,
                pending,
                error.as_deref(),
                cx.actions,
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(t: ScanType, rules: &[(ScanFrequency, &str)]) -> ScanningForm {
        ScanningForm {
            registry: crate::state::demo_spec(),
            target: String::new(),
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
