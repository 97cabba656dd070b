//! The registry's Administration tab: who may use the registry (its
//! policy), replication, account settings and pull-time update exclusions.
//! Each section shows what the registry holds and opens an editor pinned
//! to this registry.

use egui::{RichText, Ui};

use super::actions::{AdminAction, PolicyTarget};
use super::state::absent;
use crate::state::{AppState, RegistryState, Requested};
use crate::ui::style::{self, icon};
use crate::ui::{ShellAction, UiAction, widgets};

pub fn admin_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let Some(reg) = state.selected_registry() else {
        return;
    };
    if reg.is_cross_account() {
        ui.label(
            RichText::new(
                "Registry administration belongs to the account you sign in with: ECR has no call to read or change another account's registry policy, replication, settings or exclusions.",
            )
            .weak(),
        );
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("admin_tab")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            section(ui, icon::LOCK, "Registry policy");
            registry_policy_ui(ui, reg, actions);
            section(ui, icon::GLOBE, "Replication");
            replication_ui(ui, reg, actions);
            section(ui, icon::STACK, "Repository creation templates");
            super::templates_view::templates_ui(ui, reg, actions);
            section(ui, icon::GEAR, "Account settings");
            super::settings_view::account_settings_ui(ui, reg, actions);
            section(ui, icon::CLOCK, "Pull-time update exclusions");
            super::settings_view::exclusions_ui(ui, reg, actions);
        });
}

fn section(ui: &mut Ui, glyph: &str, title: &str) {
    ui.add_space(style::GAP);
    ui.heading(format!("{glyph} {title}"));
}

/// Loading, an error (an endpoint without the call said so), or the value.
pub fn loaded<'a, T>(ui: &mut Ui, r: &'a Requested<T>, what: &str) -> Option<&'a T> {
    let palette = style::palette(ui.visuals());
    if let Some(e) = r.error() {
        if absent(e) {
            ui.label(RichText::new(format!("{what}: this endpoint has no such call.")).weak());
            return None;
        }
        ui.colored_label(palette.error, format!("{} {what}: {e}", icon::ERROR));
    }
    match r.shown() {
        Some(v) => Some(v),
        None => {
            if r.is_loading() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Reading the {}…", what.to_lowercase()));
                });
            }
            None
        }
    }
}

fn registry_policy_ui(ui: &mut Ui, reg: &RegistryState, actions: &mut Vec<UiAction>) {
    let Some(policy) = loaded(ui, &reg.admin.registry_policy, "Registry policy") else {
        return;
    };
    let target = PolicyTarget::Registry(reg.spec.clone());
    match policy {
        None => {
            ui.label(
                RichText::new(
                    "No registry policy: no other account may replicate into this registry or create repositories in it.",
                )
                .weak(),
            );
        }
        Some(text) => match ecr_core::policy::parse(text) {
            Ok(p) => {
                for s in &p.statements {
                    let who: Vec<String> = s
                        .principals
                        .iter()
                        .map(ecr_core::policy::Principal::describe)
                        .collect();
                    let on = if s.resources.is_empty() {
                        String::new()
                    } else {
                        format!(" on {}", s.resources.join(", "))
                    };
                    ui.label(format!(
                        "{} {} {}: {}{on}{}",
                        if s.effect == ecr_core::policy::Effect::Allow {
                            icon::OK
                        } else {
                            icon::X
                        },
                        s.effect.as_str(),
                        who.join(", "),
                        s.actions.join(", "),
                        if s.condition.is_some() {
                            " (with a condition)"
                        } else {
                            ""
                        }
                    ));
                }
            }
            Err(e) => {
                ui.label(format!(
                    "{} The policy does not read as statements: {e}",
                    icon::WARNING
                ));
            }
        },
    }
    ui.horizontal(|ui| {
        if let Some(text) = policy {
            widgets::copy_button(ui, "registry policy JSON", text);
        }
        if widgets::icon_button(ui, icon::PENCIL, "Edit registry policy…").clicked() {
            actions.push(UiAction::Admin(AdminAction::OpenPolicy(target.clone())));
        }
        if policy.is_some()
            && widgets::icon_button(ui, icon::TRASH, "Delete registry policy…").clicked()
        {
            actions.push(UiAction::Shell(ShellAction::Confirm {
                title: "Delete the registry policy?".into(),
                body: "Other accounts lose what it granted at once (replication into this registry, pull-through imports, with scope V2 every grant). Copy its JSON first if you may want it back.".into(),
                confirm: "Delete registry policy".into(),
                target: reg.target_line(),
                action: Box::new(UiAction::Admin(AdminAction::SavePolicy(target, None))),
            }));
        }
    });
    if let Some(e) = &reg.admin.policy_error {
        let palette = style::palette(ui.visuals());
        ui.colored_label(
            palette.error,
            format!("{} Last change refused: {e}", icon::ERROR),
        );
    }
}

fn replication_ui(ui: &mut Ui, reg: &RegistryState, actions: &mut Vec<UiAction>) {
    let Some(info) = loaded(ui, &reg.info, "Replication rules") else {
        return;
    };
    let names: Vec<&str> = reg
        .repositories
        .shown()
        .map(|rs| rs.iter().map(|r| r.name.as_str()).collect())
        .unwrap_or_default();
    if info.replication_rules.is_empty() {
        ui.label(RichText::new("No replication: images stay in this registry.").weak());
    }
    for (i, r) in info.replication_rules.iter().enumerate() {
        let rule = super::state::rule_of(r);
        let to: Vec<String> = r
            .destinations
            .iter()
            .map(|(region, acct)| {
                if *acct == info.registry_id {
                    region.clone()
                } else {
                    format!("{region} ({acct})")
                }
            })
            .collect();
        let scope = if r.filters.is_empty() {
            "every repository".to_owned()
        } else {
            format!("names starting {}", r.filters.join(", "))
        };
        let matched = names.iter().filter(|n| rule.matches(n)).count();
        ui.label(format!(
            "Rule {}: {scope} to {} · matches {matched} of {} repositories",
            i + 1,
            to.join(", "),
            names.len()
        ));
    }
    ui.label(
        RichText::new(
            "ECR replicates images pushed after a rule exists; each image's status per destination is in its details.",
        )
        .weak(),
    );
    if let Some(list) = reg.admin.templates.shown() {
        let for_replication: Vec<&str> = list
            .iter()
            .filter(|t| t.applied_for.iter().any(|a| a == "REPLICATION"))
            .map(|t| t.prefix.as_str())
            .collect();
        ui.label(RichText::new(if for_replication.is_empty() {
            "Repositories that replication creates in this registry get ECR's defaults (no creation template for replication).".to_owned()
        } else {
            format!(
                "Repositories that replication creates in this registry take the creation template(s) {} (below).",
                for_replication.join(", ")
            )
        }).weak());
    }
    if widgets::icon_button(ui, icon::PENCIL, "Edit replication rules…").clicked() {
        actions.push(UiAction::Admin(AdminAction::OpenReplication(
            reg.spec.key(),
        )));
    }
    if let Some(e) = &reg.admin.replication_error {
        let palette = style::palette(ui.visuals());
        ui.colored_label(
            palette.error,
            format!("{} Last change refused: {e}", icon::ERROR),
        );
    }
}
