//! "Who may pull and push" for the open repository: its policy and the
//! registry's (where a registry statement's Resource covers the
//! repository, and the scope is V2), read as principals with what they
//! may do. A summary of resource policies only: each principal's own IAM
//! must allow it too, and conditions are said, not evaluated.

use egui::{RichText, Ui};

use super::actions::{AdminAction, PolicyTarget};
use crate::model::RepoRef;
use crate::state::RegistryState;
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};

pub fn access_ui(ui: &mut Ui, reg: &RegistryState, repo: &str, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    let target = PolicyTarget::Repository(RepoRef::new(&reg.spec, repo));
    ui.horizontal(|ui| {
        if widgets::icon_button(ui, icon::PENCIL, "Edit policy…").clicked() {
            actions.push(UiAction::Admin(AdminAction::OpenPolicy(target)));
        }
    });
    if let Some(e) = reg.admin.repo_policy_error.get(repo) {
        ui.colored_label(
            palette.error,
            format!("{} Last change refused: {e}", icon::ERROR),
        );
    }
    ui.add_space(style::GAP);
    ui.strong("Who may pull and push");
    let repo_policy = reg
        .docs
        .repo_policy
        .get(repo)
        .and_then(|r| r.shown())
        .map(|p| p.as_deref().map(ecr_core::policy::parse));
    // Another account's registry policy cannot be read: its repository
    // policy alone then (said below).
    let cross = reg.is_cross_account();
    let registry_policy = if cross {
        Some(None)
    } else {
        reg.admin
            .registry_policy
            .shown()
            .map(|p| p.as_deref().map(ecr_core::policy::parse))
    };
    let (Some(repo_policy), Some(registry_policy)) = (repo_policy, registry_policy) else {
        ui.label(RichText::new("Reading both policies…").weak());
        return;
    };
    let repo_p = match repo_policy {
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            ui.label(format!(
                "{} The repository policy does not read: {e}",
                icon::WARNING
            ));
            None
        }
        None => None,
    };
    let reg_p = match registry_policy {
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            ui.label(format!(
                "{} The registry policy does not read: {e}",
                icon::WARNING
            ));
            None
        }
        None => None,
    };
    let account = reg.account().unwrap_or_default().to_owned();
    let arn = ecr_core::partition::arn(
        "ecr",
        &reg.spec.region,
        &account,
        &format!("repository/{repo}"),
    );
    let v1 = reg.admin.scope_v1();
    let rows =
        ecr_core::policy::effective_access(repo_p.as_ref(), reg_p.as_ref().map(|p| (p, v1)), &arn);
    if rows.is_empty() {
        ui.label(
            RichText::new(
                "No resource policy lets anyone pull or push here: only principals of this account whose IAM policies allow it.",
            )
            .weak(),
        );
    } else {
        egui::Grid::new(("access", repo))
            .num_columns(4)
            .striped(true)
            .spacing([16.0, 4.0])
            .show(ui, |ui| {
                ui.strong("Principal");
                ui.strong("Pull");
                ui.strong("Push");
                ui.strong("Granted by");
                ui.end_row();
                for r in &rows {
                    ui.label(r.principal.describe())
                        .on_hover_text(r.principal.text());
                    ui.label(if r.pull { icon::OK } else { "—" });
                    ui.label(if r.push { icon::OK } else { "—" });
                    ui.label(format!(
                        "{}{}",
                        r.from.join(" and "),
                        if r.conditional {
                            " (under a condition)"
                        } else {
                            ""
                        }
                    ));
                    ui.end_row();
                }
            });
    }
    let mut notes = vec!["Each principal's own account must allow it in IAM too."];
    if cross {
        notes.push(
            "Another account's registry policy cannot be read: from the repository policy alone.",
        );
    }
    if v1 {
        notes.push("The registry policy scope is V1: the registry policy grants no pull or push.");
    }
    if [&repo_p, &reg_p]
        .iter()
        .filter_map(|p| p.as_ref())
        .flat_map(|p| &p.statements)
        .any(|s| !s.other.is_empty())
    {
        notes.push("Statements with NotAction, NotPrincipal or NotResource are not summarised: read them in the JSON.");
    }
    for n in notes {
        ui.label(RichText::new(n).weak());
    }
}
