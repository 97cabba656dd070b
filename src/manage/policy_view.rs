//! The open repository's policy (who may pull and push): shown, copied,
//! deleted after a confirmation that names the repository.

use crate::model::RepoRef;
use crate::ui::{BrowseAction, ManageAction, ShellAction};
use egui::{RichText, Ui};

use crate::state::{AppState, Requested};
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, json_view, widgets};

/// The policy as shown (pretty-printed once per new text, not per frame).
#[derive(Debug, Default)]
pub struct RepoPolicyView {
    shown: Option<(String, String)>,
}

impl RepoPolicyView {
    fn pretty(&mut self, text: &str) -> &str {
        if self.shown.as_ref().is_none_or(|(raw, _)| raw != text) {
            self.shown = Some((text.to_owned(), json_view::pretty(text)));
        }
        self.shown.as_ref().map_or("", |(_, p)| p.as_str())
    }
}

pub fn repo_policy_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut RepoPolicyView,
    actions: &mut Vec<UiAction>,
) {
    let (Some(reg), Some(repo)) = (state.selected_registry(), &state.location.repository) else {
        return;
    };
    let palette = style::palette(ui.visuals());
    let doc = reg.docs.repo_policy.get(repo);
    ui.horizontal(|ui| {
        ui.heading(format!("Permissions of {repo}"));
        if doc.is_some_and(Requested::is_loading) {
            ui.spinner();
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if widgets::icon_button(ui, icon::REFRESH, "Reload policy").clicked() {
                actions.push(UiAction::Browse(BrowseAction::Refresh));
            }
        });
    });
    ui.label(
        RichText::new(
            "The repository policy says which principals may pull, push or manage this \
             repository.",
        )
        .color(palette.muted),
    );
    ui.add_space(style::GAP);
    if let Some(e) = doc.and_then(Requested::error) {
        ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
    }

    match doc.and_then(Requested::shown) {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the repository policy…");
            });
        }
        Some(None) => {
            ui.label(format!(
                "{} This repository has no policy: only IAM policies of the account decide who may use it.",
                icon::INFO
            ));
            crate::admin::access_view::access_ui(ui, reg, repo, actions);
        }
        Some(Some(text)) => {
            let pretty = view.pretty(text);
            ui.horizontal(|ui| {
                widgets::copy_button(ui, "policy JSON", pretty);
                ui.label(RichText::new(format!("{} characters", text.len())).color(palette.muted));
                let busy = doc.is_some_and(Requested::is_loading);
                if ui
                    .add_enabled(
                        !busy,
                        egui::Button::new(format!("{} Delete policy…", icon::TRASH)),
                    )
                    .clicked()
                {
                    let target = RepoRef::new(&reg.spec, repo);
                    actions.push(
                        ShellAction::Confirm {
                            title: format!("Delete the policy of {repo}?"),
                            confirm: "Delete policy".into(),
                            body: "Principals that only this policy lets pull or push (other \
                                   accounts, services) lose that access at once. The policy is \
                                   not kept anywhere: copy it first if you may want it back."
                                .into(),
                            target: reg.target_line(),
                            action: Box::new(ManageAction::DeleteRepoPolicy(target).into()),
                        }
                        .into(),
                    );
                }
            });
            crate::admin::access_view::access_ui(ui, reg, repo, actions);
            ui.add_space(style::GAP);
            egui::ScrollArea::both()
                .id_salt("repo_policy")
                .auto_shrink([false, false])
                .show(ui, |ui| json_view::json_view_ui(ui, pretty));
        }
    }
}
