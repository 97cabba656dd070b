//! The registry's repository creation templates: each with what it sets,
//! Edit and Delete (asked first); New template; and "which template
//! applies to a repository named …" for each way ECR creates one.

use egui::{RichText, Ui};

use super::actions::AdminAction;
use super::view::loaded;
use crate::model::CreationTemplate;
use crate::state::RegistryState;
use crate::ui::style::{self, icon};
use crate::ui::{ShellAction, UiAction, widgets};

/// The template that applies to `name` created for `scenario`.
pub fn applying<'a>(
    templates: &'a [CreationTemplate],
    name: &str,
    scenario: &str,
) -> Option<&'a CreationTemplate> {
    let prefix = ecr_core::templates::applies(
        templates
            .iter()
            .map(|t| (t.prefix.as_str(), t.applied_for.as_slice())),
        name,
        scenario,
    )?;
    templates.iter().find(|t| t.prefix == prefix)
}

/// What a template sets, in a line.
pub fn summary(t: &CreationTemplate) -> String {
    let mut parts = vec![
        t.tag_mutability.mode.label().to_owned(),
        t.encryption.label(),
    ];
    if !t.resource_tags.is_empty() {
        parts.push(format!("{} tag(s)", t.resource_tags.len()));
    }
    if t.lifecycle_policy.is_some() {
        parts.push("lifecycle policy".into());
    }
    if t.repository_policy.is_some() {
        parts.push("repository policy".into());
    }
    parts.join(" · ")
}

pub fn templates_ui(ui: &mut Ui, reg: &RegistryState, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    ui.label(
        RichText::new(
            "Settings ECR gives a repository it creates itself: on push, for a pull-through cache, or for replication.",
        )
        .weak(),
    );
    let Some(list) = loaded(ui, &reg.admin.templates, "Creation templates") else {
        return;
    };
    let busy = reg.admin.templates.is_loading();
    if list.is_empty() {
        ui.label(
            RichText::new(
                "No templates: such repositories get ECR's defaults (mutable tags, AES256).",
            )
            .weak(),
        );
    }
    egui::Grid::new("creation_templates")
        .num_columns(4)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for t in list {
                ui.label(RichText::new(&t.prefix).monospace().strong())
                    .on_hover_text(&t.description);
                ui.label(t.applied_words());
                ui.label(summary(t));
                ui.horizontal(|ui| {
                    ui.add_enabled_ui(!busy, |ui| {
                    if widgets::named_button(ui, icon::PENCIL, "Edit", &format!("Edit the template {}", t.prefix))
                        .clicked()
                    {
                        actions.push(UiAction::Admin(AdminAction::OpenTemplate(
                            reg.spec.key(),
                            Some(t.prefix.clone()),
                        )));
                    }
                    if widgets::named_button(ui, icon::TRASH, "Delete", &format!("Delete the template {}", t.prefix))
                        .clicked()
                    {
                        actions.push(UiAction::Shell(ShellAction::Confirm {
                            title: format!("Delete the creation template {}?", t.prefix),
                            body: "Repositories ECR creates from now on under this prefix get another template's settings (ROOT's) or ECR's defaults. Repositories already made keep theirs.".into(),
                            confirm: "Delete template".into(),
                            target: reg.target_line(),
                            action: Box::new(UiAction::Admin(AdminAction::DeleteTemplate(
                                reg.spec.clone(),
                                t.prefix.clone(),
                            ))),
                        }));
                    }
                    });
                });
                ui.end_row();
            }
        });
    if widgets::icon_button(ui, icon::PLUS, "New template…").clicked() {
        actions.push(UiAction::Admin(AdminAction::OpenTemplate(
            reg.spec.key(),
            None,
        )));
    }
    if let Some(e) = &reg.admin.templates_error {
        ui.colored_label(
            palette.error,
            format!("{} Last change refused: {e}", icon::ERROR),
        );
    }
    which_applies_ui(ui, reg, list);
}

fn which_applies_ui(ui: &mut Ui, reg: &RegistryState, list: &[CreationTemplate]) {
    let id = egui::Id::unique(("template_probe", reg.spec.key()));
    let mut name: String = ui.data_mut(|d| d.get_temp(id).unwrap_or_default());
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label("Which template applies to");
        let r = ui.add(
            egui::TextEdit::singleline(&mut name)
                .hint_text("a repository name, e.g. prod/api")
                .desired_width(240.0),
        );
        r.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Repository name to try")
        });
    });
    let n = name.trim();
    if !n.is_empty() {
        if let Err(e) = ecr_core::validate::repository_name(n) {
            let palette = style::palette(ui.visuals());
            ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
        } else {
            for (scenario, words) in [
                ("CREATE_ON_PUSH", "created on push"),
                ("PULL_THROUGH_CACHE", "created for a pull-through cache"),
                ("REPLICATION", "created by replication"),
            ] {
                let line = match applying(list, n, scenario) {
                    Some(t) => format!("{n} {words}: template {} ({})", t.prefix, summary(t)),
                    // Create on push is the template's own feature: without
                    // one, ECR creates nothing and the push fails.
                    None if scenario == "CREATE_ON_PUSH" => {
                        format!(
                            "{n} {words}: no template, so ECR does not create it (the push fails)"
                        )
                    }
                    None => format!("{n} {words}: no template, ECR's defaults"),
                };
                ui.label(line);
            }
        }
    }
    ui.data_mut(|d| d.insert_temp(id, name));
}
