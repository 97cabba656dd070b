//! Account settings (each value with what it means, changed after a
//! confirmation) and pull-time update exclusions (listed, added, removed;
//! "exclude the principal I browse as", so opening images in ecrscope
//! does not move the last-pull times lifecycle rules read).

use egui::{RichText, Ui};

use super::actions::AdminAction;
use super::view::loaded;
use crate::model::AccountSetting;
use crate::state::RegistryState;
use crate::ui::style::{self, icon};
use crate::ui::{ShellAction, UiAction, widgets};

pub fn account_settings_ui(ui: &mut Ui, reg: &RegistryState, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    let Some(settings) = loaded(ui, &reg.admin.settings, "Account settings") else {
        return;
    };
    let busy = reg.admin.settings.is_loading();
    egui::Grid::new("account_settings")
        .num_columns(3)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for (setting, value) in settings {
                ui.label(setting.title()).on_hover_text(setting.name());
                match value {
                    Ok(Some(v)) => {
                        let mut chosen = v.clone();
                        ui.add_enabled_ui(!busy, |ui| {
                            egui::ComboBox::from_id_salt(("setting", setting.name()))
                                .selected_text(v.as_str())
                                .show_ui(ui, |ui| {
                                    for (opt, _) in setting.values() {
                                        ui.selectable_value(&mut chosen, (*opt).to_owned(), *opt);
                                    }
                                });
                        });
                        ui.label(RichText::new(setting.meaning(v)).weak());
                        if chosen != *v {
                            actions.push(UiAction::Shell(ShellAction::Confirm {
                                title: format!("Set {} to {chosen}?", setting.name()),
                                body: format!(
                                    "For the whole account in this region: {}.{}",
                                    setting.meaning(&chosen),
                                    if *setting == AccountSetting::RegistryPolicyScope && chosen == "V1" {
                                        " AWS does not recommend going back to V1: grants other than replication, pull-through imports and repository creation stop counting."
                                    } else {
                                        ""
                                    }
                                ),
                                confirm: format!("Set {chosen}"),
                                target: reg.target_line(),
                                action: Box::new(UiAction::Admin(AdminAction::SetAccountSetting(
                                    reg.spec.clone(),
                                    *setting,
                                    chosen,
                                ))),
                            }));
                        }
                    }
                    Ok(None) => {
                        ui.label("not set");
                        ui.label("");
                    }
                    Err(e) => {
                        ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
                        ui.label("");
                    }
                }
                ui.end_row();
            }
        });
    if let Some(e) = &reg.admin.settings_error {
        ui.colored_label(
            palette.error,
            format!("{} Last change refused: {e}", icon::ERROR),
        );
    }
}

/// The role an assumed-role session belongs to
/// (`arn:aws:sts::<acct>:assumed-role/<role>/<session>` →
/// `arn:aws:iam::<acct>:role/<role>`); a role ARN as it is. ECR accepts
/// only IAM role ARNs as exclusions (user guide, "Considerations for
/// pull-time update exclusions"): a user cannot be excluded. A role's path
/// is not in the session ARN: a role under a path must be typed.
pub fn principal_of_caller(arn: &str) -> Option<String> {
    let a = ecr_core::partition::parse_arn(arn)?;
    match a.service {
        "iam" if a.resource.starts_with("role/") => Some(arn.to_owned()),
        "sts" => {
            let role = a
                .resource
                .strip_prefix("assumed-role/")?
                .split('/')
                .next()?;
            Some(format!(
                "arn:{}:iam::{}:role/{role}",
                a.partition, a.account
            ))
        }
        _ => None,
    }
}

/// An IAM role ARN, as RegisterPullTimeUpdateExclusion takes (only roles:
/// user guide, "Considerations for pull-time update exclusions").
pub fn check_principal(arn: &str) -> Result<(), String> {
    let ok = ecr_core::partition::parse_arn(arn).is_some_and(|a| {
        a.service == "iam"
            && a.region.is_empty()
            && a.account.len() == 12
            && a.account.bytes().all(|b| b.is_ascii_digit())
            && a.resource
                .strip_prefix("role/")
                .is_some_and(|n| !n.is_empty() && !n.ends_with('/'))
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{arn}' is not an IAM role ARN (arn:aws:iam::111122223333:role/NAME); ECR excludes roles only."
        ))
    }
}

pub fn exclusions_ui(ui: &mut Ui, reg: &RegistryState, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    ui.label(
        RichText::new(
            "Pulls by these principals do not update an image's last recorded pull time, which lifecycle rules on 'days since pulled' read. ECR records a pull about once a day per image.",
        )
        .weak(),
    );
    let Some(list) = loaded(ui, &reg.admin.exclusions, "Exclusions") else {
        return;
    };
    let busy = reg.admin.exclusions.is_loading();
    if list.is_empty() {
        ui.label(RichText::new("No exclusions: every pull counts.").weak());
    }
    for arn in list {
        ui.horizontal(|ui| {
            ui.label(RichText::new(arn).monospace());
            if ui
                .add_enabled(!busy, egui::Button::new(format!("{} Remove", icon::X)))
                .on_hover_text(format!("Remove the exclusion of {arn}"))
                .clicked()
            {
                actions.push(UiAction::Shell(ShellAction::Confirm {
                    title: "Remove this exclusion?".into(),
                    body: format!("Pulls by {arn} will update last-pull times again."),
                    confirm: "Remove exclusion".into(),
                    target: reg.target_line(),
                    action: Box::new(UiAction::Admin(AdminAction::Exclude(
                        reg.spec.clone(),
                        arn.clone(),
                        false,
                    ))),
                }));
            }
        });
    }
    // The caller: asked for on request, then offered.
    match reg.admin.caller.shown() {
        Some(caller) => match principal_of_caller(caller) {
            Some(p) if list.contains(&p) => {
                ui.label(format!("{} You browse as {p}: already excluded.", icon::OK));
            }
            Some(p) => {
                ui.horizontal(|ui| {
                    ui.label(format!("You browse as {p}."));
                    if ui
                        .add_enabled(
                            !busy,
                            egui::Button::new(format!("{} Exclude it", icon::PLUS)),
                        )
                        .clicked()
                    {
                        actions.push(UiAction::Admin(AdminAction::Exclude(
                            reg.spec.clone(),
                            p.clone(),
                            true,
                        )));
                    }
                });
            }
            None => {
                ui.label(format!("You browse as {caller}, which an exclusion cannot name: ECR excludes IAM roles only."));
            }
        },
        None if reg.admin.caller.is_loading() => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Asking STS who you are…");
            });
        }
        None => {
            if let Some(e) = reg.admin.caller.error() {
                ui.colored_label(palette.error, format!("{} Who you are: {e}", icon::ERROR));
            }
            if widgets::icon_button(ui, icon::USER, "Exclude the principal I browse as…").clicked()
            {
                actions.push(UiAction::Admin(AdminAction::WhoAmI(reg.spec.clone())));
            }
        }
    }
    add_exclusion_ui(ui, reg, busy, actions);
    if let Some(e) = &reg.admin.exclusions_error {
        ui.colored_label(
            palette.error,
            format!("{} Last change refused: {e}", icon::ERROR),
        );
    }
}

fn add_exclusion_ui(ui: &mut Ui, reg: &RegistryState, busy: bool, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    let id = egui::Id::unique(("exclusion_new", reg.spec.key()));
    let mut text: String = ui.data_mut(|d| d.get_temp(id).unwrap_or_default());
    let problem = (!text.trim().is_empty())
        .then(|| check_principal(text.trim()).err())
        .flatten();
    ui.horizontal(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut text)
                .hint_text("arn:aws:iam::111122223333:role/NAME")
                .desired_width(360.0),
        );
        r.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Principal to exclude")
        });
        let ok = !busy && !text.trim().is_empty() && problem.is_none();
        if ui
            .add_enabled(
                ok,
                egui::Button::new(format!("{} Add exclusion", icon::PLUS)),
            )
            .clicked()
        {
            actions.push(UiAction::Admin(AdminAction::Exclude(
                reg.spec.clone(),
                text.trim().to_owned(),
                true,
            )));
            text.clear();
        }
    });
    if let Some(p) = problem {
        ui.colored_label(palette.error, format!("{} {p}", icon::WARNING));
    }
    ui.data_mut(|d| d.insert_temp(id, text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_excluded_by_its_role() {
        assert_eq!(
            principal_of_caller(
                "arn:aws:sts::123456789012:assumed-role/ci-reader/botocore-session-1"
            )
            .as_deref(),
            Some("arn:aws:iam::123456789012:role/ci-reader")
        );
        assert_eq!(
            principal_of_caller("arn:aws:iam::123456789012:user/alice"),
            None
        );
        assert!(check_principal("arn:aws:iam::123456789012:user/alice").is_err());
        assert_eq!(principal_of_caller("arn:aws:iam::123456789012:root"), None);
        assert!(check_principal("arn:aws:iam::123456789012:role/path/ci").is_ok());
        assert!(check_principal("arn:aws:iam::1234:role/ci").is_err());
        assert!(check_principal("arn:aws:sts::123456789012:assumed-role/ci/x").is_err());
        assert!(check_principal("arn:aws:iam::123456789012:role/").is_err());
    }
}
