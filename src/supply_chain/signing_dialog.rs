//! The registry's ECR managed signing: rules of (AWS Signer profile,
//! repository filters), each checked as ECR's API reference documents
//! before any call; saved with PutSigningConfiguration, or removed with
//! DeleteSigningConfiguration after a confirmation; shown afterwards as the
//! registry holds it (read back).

use egui::RichText;

use crate::model::{RegistrySpec, SigningConfig, SigningRule};
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};
use crate::ui::{ShellAction, SupplyChainAction, UiAction};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningForm {
    /// The registry, pinned when the dialog opened.
    pub registry: RegistrySpec,
    /// Profile · account · region.
    pub target: String,
    /// (signing profile ARN, comma-separated filters)
    pub rules: Vec<(String, String)>,
    /// Whether the registry holds a configuration now.
    pub server_has: bool,
}

impl SigningForm {
    pub fn from_config(registry: &RegistrySpec, target: String, c: Option<&SigningConfig>) -> Self {
        Self {
            registry: registry.clone(),
            target,
            rules: c
                .map(|c| {
                    c.rules
                        .iter()
                        .map(|r| (r.profile_arn.clone(), r.filters.join(", ")))
                        .collect()
                })
                .unwrap_or_default(),
            server_has: c.is_some(),
        }
    }

    /// What to send (`None`: remove the configuration), or one message per
    /// rule.
    pub fn check(&self) -> Result<Option<SigningConfig>, Vec<Option<String>>> {
        let region = self.registry.region.as_str();
        let mut errors = vec![None; self.rules.len().max(1)];
        let mut rules = Vec::new();
        for (i, (arn, text)) in self.rules.iter().enumerate() {
            let filters: Vec<String> = text
                .split(',')
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .collect();
            let arn = arn.trim();
            errors[i] = ecr_core::validate::signing_profile_arn(arn, region)
                .err()
                .or_else(|| {
                    (filters.len() > 100).then(|| "At most 100 filters per rule.".to_owned())
                })
                .or_else(|| {
                    filters
                        .iter()
                        .find_map(|f| ecr_core::validate::signing_filter(f).err())
                });
            rules.push(SigningRule {
                profile_arn: arn.to_owned(),
                filters,
            });
        }
        if self.rules.len() > 10 {
            errors[0] = Some("At most 10 signing rules.".into());
        }
        if errors.iter().any(Option::is_some) {
            return Err(errors);
        }
        Ok((!rules.is_empty()).then_some(SigningConfig { rules }))
    }
}

fn profile_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Draws the dialog; returns false when it should close.
pub fn signing_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut SigningForm,
    pending: bool,
    error: Option<&str>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let checked = form.check();
    let removing = matches!(checked, Ok(None));
    let target = form.target.clone();
    let label = if removing {
        "Remove the signing configuration"
    } else {
        "Save signing rules"
    };
    // Nothing to remove when the registry holds no configuration.
    let enabled = checked.is_ok() && !pending && (!removing || form.server_has);
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "signing_config",
            title: "ECR managed signing",
            target: Some(&target),
            width: 620.0,
            top: Some(80.0),
        },
        Footer {
            confirm: Some(("", label, enabled)),
            dismiss: "Close",
        },
        |ui| {
            let palette = style::palette(ui.visuals());
            ui.label(
                RichText::new(
                    "ECR signs each image pushed to a matching repository with the AWS Signer profile of the rule (no filter: every repository). Images pushed before a rule exists are not signed by it.",
                )
                .weak(),
            );
            ui.add_space(4.0);
            let errors = form.check().err().unwrap_or_default();
            crate::ui::widgets::rule_rows(
                ui,
                &mut form.rules,
                &errors,
                "signing rule",
                10,
                || (String::new(), String::new()),
                |ui, i, (arn, filters)| {
                    let name = format!("Signing profile ARN of rule {}", i + 1);
                    let r = ui.add(
                        egui::TextEdit::singleline(arn)
                            .id_salt(("signing_arn", i))
                            .hint_text("arn:aws:signer:<region>:<account>:/signing-profiles/<name>")
                            .desired_width(330.0),
                    );
                    r.widget_info(move || {
                        egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name)
                    });
                    let name = format!("Repository filters of rule {}", i + 1);
                    let r = ui.add(
                        egui::TextEdit::singleline(filters)
                            .id_salt(("signing_filters", i))
                            .hint_text("every repository, or prod/*, *-release")
                            .desired_width(180.0),
                    );
                    r.widget_info(move || {
                        egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name)
                    });
                },
            );
            if form.rules.is_empty() {
                ui.label(RichText::new(if form.server_has {
                    "No rules: saving removes the registry's signing configuration (ECR stops signing on push)."
                } else {
                    "No signing configuration: ECR does not sign images on push."
                }).weak());
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
            match checked {
                Ok(Some(c)) => actions.push(UiAction::SupplyChain(SupplyChainAction::ApplySigning(
                    form.registry.clone(),
                    Some(c),
                ))),
                // Removing is confirmed first, naming what stops.
                Ok(None) => actions.push(UiAction::Shell(ShellAction::Confirm {
                    title: "Remove the signing configuration?".into(),
                    body: "ECR stops signing images pushed to this registry. Signatures already made stay.".into(),
                    confirm: "Remove signing configuration".into(),
                    target: form.target.clone(),
                    action: Box::new(UiAction::SupplyChain(SupplyChainAction::ApplySigning(
                        form.registry.clone(),
                        None,
                    ))),
                })),
                Err(_) => {}
            }
            true
        }
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

impl crate::ui::modal::Dialog for SigningForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        let reg = cx.state.registry(&self.registry.key());
        let pending = reg.is_some_and(|r| r.signing.is_loading());
        let error = reg.and_then(|r| r.signing.error()).map(ToString::to_string);
        if let Some(s) = reg.and_then(|r| r.signing.shown()) {
            self.server_has = s.is_some();
        }
        reg.is_some()
            && signing_ui(
                cx.ctx,
                cx.first,
                self,
                pending,
                error.as_deref(),
                cx.actions,
            )
    }
}

/// The overview's lines about managed signing.
pub fn overview_lines(
    ui: &mut egui::Ui,
    reg: &crate::state::RegistryState,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    if reg.is_cross_account() {
        ui.label(RichText::new("Managed signing: not shown for another account's registry (ECR reads it only for the account you sign in with).").weak());
        return;
    }
    match (&reg.signing, reg.signing.shown()) {
        (_, Some(Some(c))) => {
            for r in &c.rules {
                let scope = if r.filters.is_empty() {
                    "every repository".to_owned()
                } else {
                    r.filters.join(", ")
                };
                ui.label(format!(
                    "{} Signed on push with {} ({scope})",
                    icon::SHIELD_CHECK,
                    profile_name(&r.profile_arn)
                ))
                .on_hover_text(&r.profile_arn);
            }
        }
        (_, Some(None)) => {
            ui.label(
                RichText::new("No managed signing: ECR does not sign images on push here.").weak(),
            );
        }
        (r, None) if r.is_loading() => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the signing configuration…");
            });
            return;
        }
        (r, None) => {
            if let Some(e) = r.error() {
                if matches!(e, crate::model::EcrError::NotSupported { .. }) {
                    ui.label(
                        RichText::new("Managed signing: this endpoint has no such call.").weak(),
                    );
                    return;
                }
                ui.colored_label(
                    palette.error,
                    format!("{} Signing configuration: {e}", icon::ERROR),
                );
            }
            return;
        }
    }
    if crate::ui::widgets::icon_button(ui, icon::PENCIL, "Edit signing rules…").clicked() {
        actions.push(UiAction::SupplyChain(SupplyChainAction::OpenSigning(
            reg.spec.key(),
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(rules: &[(&str, &str)]) -> SigningForm {
        SigningForm {
            registry: crate::state::demo_spec(),
            target: String::new(),
            rules: rules
                .iter()
                .map(|(a, f)| ((*a).to_owned(), (*f).to_owned()))
                .collect(),
            server_has: true,
        }
    }

    const ARN: &str = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/release";

    #[test]
    fn rules_are_checked_before_any_call() {
        let ok = form(&[(ARN, "payments/*, *-prod"), (ARN, "")])
            .check()
            .expect("valid");
        let c = ok.expect("rules");
        assert_eq!(c.rules[0].filters, ["payments/*", "*-prod"]);
        assert!(c.rules[1].filters.is_empty() && c.rules[1].covers("anything"));
        let e = form(&[(ARN, "Payments/*")]).check().expect_err("uppercase");
        assert!(e[0].as_deref().is_some_and(|m| m.contains("'Payments/*'")));
        let e = form(&[(ARN, ""), ("arn:aws:kms:us-east-1:1:key/x", "")])
            .check()
            .expect_err("not a signer ARN");
        assert!(
            e[0].is_none()
                && e[1]
                    .as_deref()
                    .is_some_and(|m| m.contains("signing profile ARN"))
        );
        let eleven: Vec<(&str, &str)> = (0..11).map(|_| (ARN, "")).collect();
        assert!(form(&eleven).check().is_err());
        // No rules: the configuration is removed (after a confirmation).
        assert_eq!(form(&[]).check(), Ok(None));
    }
}
