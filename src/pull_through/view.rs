//! Pull-through cache rules: every rule with its pull URI and the
//! repositories it has created; create (with upstream presets), edit what ECR
//! lets change (credential, custom role), validate, delete.

use crate::ui::{BrowseAction, PullThroughAction, ShellAction};
use egui::{Grid, RichText, Ui};

use crate::message::PullThroughChange;
use crate::model::PullThroughRule;
use crate::state::AppState;
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};
use crate::validate::{self};

/// `<host>/<prefix>/` (or `<host>/` for ROOT), the start of every pull URI.
pub fn pull_base(host: &str, prefix: &str) -> String {
    if prefix == "ROOT" {
        format!("{host}/")
    } else {
        format!("{host}/{prefix}/")
    }
}

/// A repository the upstream is likely to hold, to make the URI concrete.
fn example_repository(rule: &PullThroughRule) -> &'static str {
    match rule.upstream_registry.as_deref() {
        Some("docker-hub") => "library/alpine:latest",
        Some("ecr-public") => "docker/library/alpine:latest",
        Some("quay") => "prometheus/node-exporter:latest",
        Some("k8s") => "pause:3.10",
        Some("github-container-registry") => "<owner>/<image>:latest",
        _ => "<repository>:latest",
    }
}

/// What ECR said when the rule was validated, if it was.
fn validation_ui(ui: &mut Ui, reg: &crate::state::RegistryState, prefix: &str) {
    let palette = style::palette(ui.visuals());
    match reg.docs.validations.get(prefix) {
        Some(Ok(v)) if v.is_valid => {
            ui.colored_label(
                palette.ok,
                format!(
                    "{} Valid: ECR reached the upstream with this rule.",
                    icon::OK
                ),
            );
        }
        Some(Ok(v)) => {
            ui.colored_label(
                palette.error,
                format!(
                    "{} Not valid: {}",
                    icon::WARNING,
                    v.failure.as_deref().unwrap_or("ECR gave no reason.")
                ),
            );
        }
        Some(Err(e)) => {
            ui.colored_label(
                palette.error,
                format!("{} Could not validate: {e}", icon::ERROR),
            );
        }
        None => {}
    }
}

pub fn rules_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let Some(reg) = state.selected_registry() else {
        return;
    };
    let palette = style::palette(ui.visuals());
    let docs = &reg.docs;
    let host = reg.info.shown().map_or_else(
        || format!("<account>.dkr.ecr.{}.amazonaws.com", reg.spec.region),
        crate::model::RegistryInfo::host,
    );
    let rules = docs.pull_through.shown();
    ui.horizontal(|ui| {
        ui.heading("Pull-through cache rules");
        if docs.pull_through.is_loading() {
            ui.spinner();
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let full = rules.is_some_and(|r| r.len() >= 50);
            let b = ui.add_enabled(!full, egui::Button::new(format!("{} New rule", icon::PLUS)));
            let b = if full {
                b.on_disabled_hover_text("A registry holds at most 50 rules.")
            } else {
                b
            };
            if b.clicked() {
                actions.push(UiAction::PullThrough(PullThroughAction::OpenForm(
                    reg.spec.key(),
                    None,
                )));
            }
        });
    });
    ui.label(
        RichText::new(
            "Pulling <prefix>/<upstream repository> from this registry fetches it from the \
             upstream once and caches it in a repository ECR creates.",
        )
        .color(palette.muted),
    );
    if let Some(e) = docs.pull_through.error() {
        ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
    }
    if let Some(e) = &docs.pull_through_error {
        ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
    }
    let Some(rules) = rules else {
        if docs.pull_through.is_loading() {
            ui.label("Reading the rules…");
        }
        return;
    };
    if rules.is_empty() {
        ui.add_space(style::GAP);
        ui.label("No rules yet. A rule for ECR Public needs no credential; try it first.");
        return;
    }
    let repos = reg.repositories.shown();
    egui::ScrollArea::vertical()
        .id_salt("rules")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for rule in rules {
                ui.add_space(style::GAP);
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    rule_card(ui, rule, &host, repos.map(Vec::as_slice), reg, actions);
                });
            }
        });
}

fn rule_card(
    ui: &mut Ui,
    rule: &PullThroughRule,
    host: &str,
    repos: Option<&[crate::model::Repository]>,
    reg: &crate::state::RegistryState,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let prefix = &rule.ecr_repository_prefix;
    let kind = rule
        .upstream_registry
        .as_deref()
        .and_then(validate::upstream_kind)
        .map_or_else(
            || rule.upstream_registry.clone().unwrap_or_else(|| "—".into()),
            |k| k.label().to_owned(),
        );
    ui.horizontal(|ui| {
        // The buttons first, from the right, so a long URL is what gets cut
        // (in the middle, whole on hover), never a button.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if widgets::named_button(ui, icon::TRASH, "Delete", &format!("Delete rule {prefix}"))
                .clicked()
            {
                actions.push(UiAction::Shell(ShellAction::Confirm {
                    title: format!("Delete the rule {prefix}?"),
                    confirm: "Delete rule".into(),
                    body: format!(
                        "The pull-through cache rule {prefix} is deleted. Images already cached \
                         stay in their repositories; new pulls through this prefix stop working."
                    ),
                    target: reg.target_line(),
                    action: Box::new(UiAction::PullThrough(PullThroughAction::Change(
                        reg.spec.clone(),
                        PullThroughChange::Delete(prefix.clone()),
                    ))),
                }));
            }
            if widgets::named_button(ui, icon::PENCIL, "Edit", &format!("Edit rule {prefix}"))
                .clicked()
            {
                actions.push(UiAction::PullThrough(PullThroughAction::OpenForm(
                    reg.spec.key(),
                    Some(prefix.clone()),
                )));
            }
            if widgets::named_button(
                ui,
                icon::CHECKS,
                "Validate",
                &format!("Validate rule {prefix}"),
            )
            .clicked()
            {
                actions.push(UiAction::PullThrough(PullThroughAction::Validate(
                    reg.spec.clone(),
                    prefix.clone(),
                )));
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.label(RichText::new(prefix).heading().strong().monospace());
                ui.label(format!("{} {kind}", icon::ARROWS_LEFT_RIGHT));
                widgets::middle_truncated(ui, &rule.upstream_registry_url, |t| {
                    RichText::new(t).monospace()
                });
            });
        });
    });
    validation_ui(ui, reg, prefix);
    let base = pull_base(host, prefix);
    let template = format!("{base}<upstream repository>:<tag>");
    let example = format!("{base}{}", example_repository(rule));
    Grid::new(("rule", prefix))
        .num_columns(2)
        .spacing([12.0, 3.0])
        .show(ui, |ui| {
            let muted = |t: &str| RichText::new(t.to_owned()).color(palette.muted);
            ui.label(muted("Pull URI"));
            ui.horizontal(|ui| {
                widgets::copy_button(ui, &format!("pull URI of {prefix}"), &template);
                ui.label(RichText::new(&template).monospace());
            });
            ui.end_row();
            ui.label(muted("For example"));
            ui.horizontal(|ui| {
                widgets::copy_button(ui, &format!("example pull URI of {prefix}"), &example);
                ui.label(RichText::new(&example).monospace());
            });
            ui.end_row();
            let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
            for (k, v) in [
                ("Credential", dash(&rule.credential_arn)),
                ("Custom role", dash(&rule.custom_role_arn)),
                ("Upstream prefix", dash(&rule.upstream_repository_prefix)),
                (
                    "Created",
                    rule.created_at
                        .map_or("—".into(), |t| widgets::exact_time(ui, t)),
                ),
                (
                    "Updated",
                    rule.updated_at
                        .map_or("—".into(), |t| widgets::exact_time(ui, t)),
                ),
            ] {
                ui.label(muted(k));
                ui.label(v);
                ui.end_row();
            }
            template_row(ui, reg, prefix, actions);
            ui.label(muted("Repositories"));
            let made: Vec<&str> = repos
                .into_iter()
                .flatten()
                .map(|r| r.name.as_str())
                .filter(|n| prefix == "ROOT" || n.starts_with(&format!("{prefix}/")))
                .collect();
            if made.is_empty() {
                ui.label(muted("none yet: the first pull creates one"));
            } else {
                ui.horizontal_wrapped(|ui| {
                    for n in made.iter().take(12) {
                        if ui.link(*n).clicked() {
                            actions.push(UiAction::Browse(BrowseAction::SelectRepository(Some(
                                (*n).to_owned(),
                            ))));
                        }
                    }
                    if made.len() > 12 {
                        ui.label(muted(&format!("and {} more", made.len() - 12)));
                    }
                });
            }
            ui.end_row();
        });
}

/// The creation template the repositories a rule makes take (a link to
/// the Administration tab).
fn template_row(
    ui: &mut Ui,
    reg: &crate::state::RegistryState,
    prefix: &str,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let muted = |t: &str| RichText::new(t.to_owned()).color(palette.muted);
    ui.label(muted("Template"));
    match reg.admin.templates.shown() {
        Some(list) => {
            let sample = if prefix == "ROOT" {
                "x".to_owned()
            } else {
                format!("{prefix}/x")
            };
            let text = crate::admin::templates_view::applying(list, &sample, "PULL_THROUGH_CACHE")
                .map_or_else(
                    || "none: new repositories get ECR's defaults".to_owned(),
                    |t| {
                        format!(
                            "{} ({})",
                            t.prefix,
                            crate::admin::templates_view::summary(t)
                        )
                    },
                );
            if ui
                .link(text)
                .on_hover_text("Open the registry's creation templates")
                .clicked()
            {
                actions.push(UiAction::Browse(BrowseAction::SetRegistryTab(
                    crate::state::RegistryTab::Administration,
                )));
            }
        }
        None => {
            ui.label(muted("…"));
        }
    }
    ui.end_row();
}
