//! Create or edit a repository creation template: every field ECR takes,
//! each message next to its field before any call, saved then read back;
//! closed once the registry took it.

use egui::RichText;

use super::actions::AdminAction;
use super::template_form::{FieldErrors, TemplateForm};
use crate::model::TagMutability;
use crate::ui::UiAction;
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};

#[derive(Debug)]
pub struct TemplateDialog {
    pub form: TemplateForm,
    sent: crate::ui::modal::SaveSent,
}

impl From<TemplateForm> for TemplateDialog {
    fn from(form: TemplateForm) -> Self {
        Self {
            form,
            sent: crate::ui::modal::SaveSent::default(),
        }
    }
}

fn text_field(ui: &mut egui::Ui, value: &mut String, name: &str, hint: &str, multiline: bool) {
    let edit = if multiline {
        egui::TextEdit::multiline(value)
            .code_editor()
            .desired_rows(3)
    } else {
        egui::TextEdit::singleline(value)
    };
    let r = ui.add(edit.id_salt(name).hint_text(hint).desired_width(440.0));
    let name = name.to_owned();
    r.widget_info(move || egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
}

fn problem(ui: &mut egui::Ui, e: Option<&String>) {
    if let Some(e) = e {
        let palette = style::palette(ui.visuals());
        ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
    }
}

fn fields_ui(ui: &mut egui::Ui, f: &mut TemplateForm, e: &FieldErrors) {
    ui.strong("Prefix");
    if f.new {
        text_field(
            ui,
            &mut f.prefix,
            "Template prefix",
            "prod, team/a, docker-hub, or ROOT",
            false,
        );
    } else {
        ui.label(RichText::new(&f.prefix).monospace());
    }
    problem(ui, e.prefix.as_ref());
    ui.label(
        RichText::new(
            "Covers new repositories named <prefix>/…; ROOT covers those no other template covers.",
        )
        .weak(),
    );
    ui.strong("Applied when ECR creates a repository");
    ui.horizontal(|ui| {
        ui.checkbox(&mut f.applied[0], "on push (CREATE_ON_PUSH)");
        ui.checkbox(&mut f.applied[1], "for a pull-through cache");
        ui.checkbox(&mut f.applied[2], "for replication");
    });
    problem(ui, e.applied.as_ref());
    ui.strong("Description");
    text_field(
        ui,
        &mut f.description,
        "Template description",
        "optional",
        false,
    );
    problem(ui, e.description.as_ref());
    ui.strong("Tag mutability");
    ui.horizontal_wrapped(|ui| {
        for m in TagMutability::ALL {
            ui.radio_value(&mut f.mode, m, m.label());
        }
    });
    if f.mode.needs_filters() {
        text_field(
            ui,
            &mut f.filters,
            "Template exclusion filters",
            "latest, dev-*",
            false,
        );
    }
    problem(ui, e.filters.as_ref());
    ui.strong("Encryption");
    ui.horizontal(|ui| {
        ui.radio_value(&mut f.kms, false, "AES256");
        ui.radio_value(&mut f.kms, true, "KMS");
    });
    if f.kms {
        text_field(
            ui,
            &mut f.kms_key,
            "Template KMS key",
            "empty: the AWS managed key (aws/ecr)",
            false,
        );
    }
    problem(ui, e.kms_key.as_ref());
    ui.strong("Resource tags");
    text_field(
        ui,
        &mut f.tags,
        "Template resource tags",
        "team=payments (one a line)",
        true,
    );
    problem(ui, e.tags.as_ref());
    ui.strong("Lifecycle policy");
    text_field(
        ui,
        &mut f.lifecycle,
        "Template lifecycle policy",
        "empty, or the lifecycle policy JSON",
        true,
    );
    problem(ui, e.lifecycle.as_ref());
    ui.strong("Repository policy");
    text_field(
        ui,
        &mut f.repo_policy,
        "Template repository policy",
        "empty, or the repository policy JSON",
        true,
    );
    problem(ui, e.repo_policy.as_ref());
    ui.strong("Custom role");
    text_field(
        ui,
        &mut f.role,
        "Template custom role ARN",
        "empty: ECR's service-linked role",
        false,
    );
    problem(ui, e.role.as_ref());
}

impl crate::ui::modal::Dialog for TemplateDialog {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        let Some(reg) = cx.state.registry(&self.form.registry.key()) else {
            return false;
        };
        let pending = reg.admin.templates.is_loading();
        let error = reg.admin.templates_error.clone();
        if self.sent.answered(pending, error.is_some()) {
            return false;
        }
        let checked = self.form.check();
        let errors = checked.clone().err().map(|e| *e).unwrap_or_default();
        let title = if self.form.new {
            "New creation template".to_owned()
        } else {
            format!("Creation template {}", self.form.prefix)
        };
        let label = if self.form.new {
            "Create template"
        } else {
            "Save template"
        };
        let target = self.form.target.clone();
        let form = &mut self.form;
        let outcome = modal::modal_ui(
            cx.ctx,
            cx.first,
            Frame {
                id: "creation_template",
                title: &title,
                target: Some(&target),
                width: 560.0,
                top: Some(30.0),
            },
            Footer {
                confirm: Some(("", label, checked.is_ok() && !pending)),
                dismiss: "Close",
            },
            |ui| {
                // The modal scrolls a tall body itself.
                fields_ui(ui, form, &errors);
                crate::ui::modal::save_state_ui(ui, pending, error.as_deref());
            },
        );
        match outcome {
            Outcome::Confirmed => {
                if let Ok(t) = checked {
                    self.sent.sent();
                    cx.actions.push(UiAction::Admin(AdminAction::SaveTemplate(
                        self.form.registry.clone(),
                        Box::new(t),
                        self.form.new,
                    )));
                }
                true
            }
            Outcome::Dismissed => false,
            Outcome::Open => true,
        }
    }
}
