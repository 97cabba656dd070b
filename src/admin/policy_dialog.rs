//! The policy editor (a repository's policy or the registry's): statements
//! as rows or the JSON, ready-made statements, each problem said next to
//! its row before any call, the changes listed before Save, and the dialog
//! closed only when the registry took the policy (read back after).

use ecr_core::policy::Preset;
use egui::RichText;

use super::actions::{AdminAction, PolicyTarget};
use super::policy_form::{Mode, PolicyForm, Problems, Row};
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};
use crate::ui::{ShellAction, UiAction, widgets};

/// The dialog's whole state: the form, and whether a save is on its way.
#[derive(Debug)]
pub struct PolicyDialog {
    pub form: PolicyForm,
    sent: crate::ui::modal::SaveSent,
}

impl From<PolicyForm> for PolicyDialog {
    fn from(form: PolicyForm) -> Self {
        Self {
            form,
            sent: crate::ui::modal::SaveSent::default(),
        }
    }
}

fn labeled(ui: &mut egui::Ui, edit: egui::TextEdit<'_>, name: String) -> egui::Response {
    let r = ui.add(edit);
    r.widget_info(move || egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
    r
}

/// One statement's fields; true when one changed.
fn row_ui(ui: &mut egui::Ui, i: usize, row: &mut Row, registry: bool) -> bool {
    let n = i + 1;
    let mut changed = false;
    egui::Grid::new(("policy_row", i))
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            ui.label("Effect");
            ui.horizontal(|ui| {
                changed |= ui.radio_value(&mut row.allow, true, "Allow").changed();
                changed |= ui.radio_value(&mut row.allow, false, "Deny").changed();
                ui.label("Sid");
                changed |= labeled(
                    ui,
                    egui::TextEdit::singleline(&mut row.sid)
                        .id_salt(("policy_sid", i))
                        .hint_text("optional name")
                        .desired_width(200.0),
                    format!("Sid of statement {n}"),
                )
                .changed();
            });
            ui.end_row();
            ui.label("Who");
            changed |= labeled(
                ui,
                egui::TextEdit::singleline(&mut row.principals)
                    .id_salt(("policy_who", i))
                    .hint_text(
                        "*, 111122223333, arn:aws:iam::111122223333:role/ci, lambda.amazonaws.com",
                    )
                    .desired_width(480.0),
                format!("Principals of statement {n}"),
            )
            .changed();
            ui.end_row();
            ui.label("Actions");
            changed |= labeled(
                ui,
                egui::TextEdit::singleline(&mut row.actions)
                    .id_salt(("policy_actions", i))
                    .hint_text("ecr:BatchGetImage, ecr:GetDownloadUrlForLayer")
                    .desired_width(480.0),
                format!("Actions of statement {n}"),
            )
            .changed();
            ui.end_row();
            if registry || !row.resources.is_empty() {
                ui.label("Resources");
                changed |= labeled(
                    ui,
                    egui::TextEdit::singleline(&mut row.resources)
                        .id_salt(("policy_resources", i))
                        .desired_width(480.0),
                    format!("Resources of statement {n}"),
                )
                .changed();
                ui.end_row();
            }
            if let Some(c) = &row.condition {
                ui.label("Condition");
                ui.label(RichText::new(c.to_string()).monospace().weak())
                    .on_hover_text("Edit conditions in the JSON view.");
                ui.end_row();
            }
            if !row.other.is_empty() {
                ui.label("Also");
                let keys: Vec<&str> = row.other.keys().map(String::as_str).collect();
                ui.label(
                    RichText::new(format!("{} (edit in the JSON view)", keys.join(", "))).weak(),
                );
                ui.end_row();
            }
        });
    changed
}

fn presets_ui(ui: &mut egui::Ui, form: &mut PolicyForm) {
    let registry = matches!(form.target, PolicyTarget::Registry(_));
    ui.label("Add a ready-made statement:");
    ui.horizontal_wrapped(|ui| {
        for p in Preset::ALL {
            // Replication into a registry is a registry-level grant.
            if p == Preset::AccountReplicate && !registry {
                continue;
            }
            ui.selectable_value(&mut form.preset, p, p.label());
        }
    });
    ui.horizontal(|ui| {
        if let Some(asks) = form.preset.asks() {
            labeled(
                ui,
                egui::TextEdit::singleline(&mut form.preset_value)
                    .id_salt("policy_preset_value")
                    .hint_text(asks)
                    .desired_width(160.0),
                format!("Preset {asks}"),
            );
        }
        if widgets::icon_button(ui, icon::PLUS, "Add statement").clicked() {
            form.add_preset();
        }
    });
    if let Some(e) = &form.preset_error {
        let palette = style::palette(ui.visuals());
        ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
    }
}

fn body_ui(
    ui: &mut egui::Ui,
    form: &mut PolicyForm,
    problems: &Problems,
    pending: bool,
    error: Option<&str>,
) {
    let palette = style::palette(ui.visuals());
    let registry = matches!(form.target, PolicyTarget::Registry(_));
    ui.label(
        RichText::new(if registry {
            "The registry policy grants other principals access at the registry level (cross-account replication, pull-through imports; with scope V2 every ECR action). Their own account's IAM must allow it too."
        } else {
            "The repository policy says which principals may pull, push or manage this repository. Another account's principals also need their own IAM to allow it."
        })
        .weak(),
    );
    if registry && form.scope_v1 {
        ui.colored_label(
            palette.warning,
            format!("{} This account's registry policy scope is V1: only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository count.", icon::WARNING),
        );
    }
    ui.horizontal(|ui| {
        ui.selectable_value(&mut form.mode, Mode::Rows, "Statements");
        ui.selectable_value(&mut form.mode, Mode::Json, "JSON");
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("policy_body")
        .max_height(360.0)
        .show(ui, |ui| match form.mode {
            Mode::Rows => {
                let mut changed = false;
                let mut remove = None;
                for (i, row) in form.rows.iter_mut().enumerate() {
                    ui.horizontal(|ui| {
                        ui.strong(format!("Statement {}", i + 1));
                        if widgets::icon_only_button(
                            ui,
                            icon::X,
                            &format!("Remove statement {}", i + 1),
                        )
                        .clicked()
                        {
                            remove = Some(i);
                        }
                    });
                    changed |= row_ui(ui, i, row, registry);
                    if let Some(Some(e)) = problems.rows.get(i) {
                        ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
                    }
                    ui.add_space(6.0);
                }
                if let Some(i) = remove {
                    form.rows.remove(i);
                    changed = true;
                }
                if widgets::icon_button(ui, icon::PLUS, "Add an empty statement").clicked() {
                    let res = form.resource();
                    form.rows.push(Row::empty(res.as_deref()));
                    changed = true;
                }
                if changed {
                    form.rows_changed();
                }
                if form.rows.is_empty() {
                    ui.label(RichText::new("No statements.").weak());
                }
            }
            Mode::Json => {
                let r = ui.add(
                    egui::TextEdit::multiline(&mut form.json)
                        .id_salt("policy_json")
                        .code_editor()
                        .desired_rows(16)
                        .desired_width(f32::INFINITY),
                );
                r.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Policy JSON")
                });
                if r.changed() {
                    form.json_changed();
                }
            }
        });
    if let Some(e) = &problems.document {
        ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
    }
    ui.separator();
    presets_ui(ui, form);
    let changes = form.changes();
    if !changes.is_empty() {
        ui.add_space(4.0);
        ui.label(RichText::new("Saving changes:").strong());
        for c in changes.iter().take(12) {
            ui.label(RichText::new(c).monospace());
        }
        if changes.len() > 12 {
            ui.label(format!("… and {} more", changes.len() - 12));
        }
    }
    crate::ui::modal::save_state_ui(ui, pending, error);
}

/// Draws the dialog; returns false when it should close.
pub fn policy_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut PolicyForm,
    pending: bool,
    error: Option<&str>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let checked = form.check();
    let problems = checked.clone().err().unwrap_or_default();
    let deleting = matches!(checked, Ok(None));
    let label = if deleting {
        "Delete policy"
    } else {
        "Save policy"
    };
    let enabled = !pending
        && match &checked {
            Ok(Some(_)) => !form.changes().is_empty() || form.server.is_none(),
            Ok(None) => form.server.is_some(),
            Err(_) => false,
        };
    let title = match &form.target {
        PolicyTarget::Registry(_) => "Registry policy".to_owned(),
        PolicyTarget::Repository(r) => format!("Policy of {}", r.name),
    };
    let target = form.target_line.clone();
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "policy_editor",
            title: &title,
            target: Some(&target),
            width: 660.0,
            top: Some(50.0),
        },
        Footer {
            confirm: Some(("", label, enabled)),
            dismiss: "Close",
        },
        |ui| body_ui(ui, form, &problems, pending, error),
    );
    match outcome {
        Outcome::Confirmed => {
            match checked {
                Ok(Some(text)) => actions.push(UiAction::Admin(AdminAction::SavePolicy(
                    form.target.clone(),
                    Some(text),
                ))),
                Ok(None) => actions.push(UiAction::Shell(ShellAction::Confirm {
                    title: format!("Delete the {}?", title.to_lowercase()),
                    body: "Principals that only this policy lets in (other accounts, services) lose that access at once. The policy is not kept anywhere: copy its JSON first if you may want it back.".into(),
                    confirm: "Delete policy".into(),
                    target: form.target_line.clone(),
                    action: Box::new(UiAction::Admin(AdminAction::SavePolicy(
                        form.target.clone(),
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

impl crate::ui::modal::Dialog for PolicyDialog {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        let spec = self.form.target.registry().clone();
        let Some(reg) = cx.state.registry(&spec.key()) else {
            return false;
        };
        self.form.scope_v1 = reg.admin.scope_v1();
        let (pending, error) = match &self.form.target {
            PolicyTarget::Registry(_) => (
                reg.admin.registry_policy.is_loading(),
                reg.admin.policy_error.clone(),
            ),
            PolicyTarget::Repository(r) => (
                reg.docs
                    .repo_policy
                    .get(&r.name)
                    .is_some_and(crate::state::Requested::is_loading),
                reg.admin.repo_policy_error.get(&r.name).cloned(),
            ),
        };
        // A save answered: closed when the registry took it, kept open
        // with the refusal otherwise.
        if self.sent.answered(pending, error.is_some()) {
            return false;
        }
        let before = cx.actions.len();
        let open = policy_ui(
            cx.ctx,
            cx.first,
            &mut self.form,
            pending,
            error.as_deref(),
            cx.actions,
        );
        if cx.actions[before..]
            .iter()
            .any(|a| matches!(a, UiAction::Admin(AdminAction::SavePolicy(_, Some(_)))))
        {
            self.sent.sent();
        }
        open
    }
}
