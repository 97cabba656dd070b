//! The rule form's credential from Secrets Manager, as the console offers
//! it: pick one of the region's `ecr-pullthroughcache/…` secrets, or create
//! one here (name, user name, access token). The token is sent once with
//! CreateSecret and then overwritten; it is never shown again, kept in
//! state or logged.

use egui::{RichText, Ui};

use crate::model::{NewSecret, Password, RegistrySpec, SecretRef};
use crate::ui::style::{self, icon};
use crate::ui::{PullThroughAction, UiAction};

/// What the picker edits (inside the rule form).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecretPicker {
    pub suffix: String,
    pub user: String,
    pub token: Password,
    /// The "create a secret" fields are shown.
    pub creating: bool,
    /// The secrets were asked for once when the form opened.
    pub asked: bool,
    /// The ARN of the secret made here that the form already took.
    pub taken: Option<String>,
}

/// What the registry holds for the picker, read from the state each frame.
#[derive(Debug, Default)]
pub struct SecretsSeen<'a> {
    pub list: Option<&'a [SecretRef]>,
    pub loading: bool,
    pub list_error: Option<String>,
    pub create_error: Option<&'a str>,
    pub made: Option<&'a SecretRef>,
}

/// A secret name after `ecr-pullthroughcache/`: Secrets Manager's name
/// characters (`A-Za-z0-9/_+=.@-`, at most 512 with the prefix), and not
/// ending in a hyphen and six characters (Secrets Manager's guidance: such
/// a name is confused with the random suffix of an ARN).
pub fn check_suffix(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("Name the secret (after ecr-pullthroughcache/).".into());
    }
    if s.len() + crate::ecr::SECRET_PREFIX.len() > 512 {
        return Err("A secret name has at most 512 characters.".into());
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "/_+=.@-".contains(*c)))
    {
        return Err(format!(
            "'{c}' cannot be in a secret name: letters, digits and / _ + = . @ - only."
        ));
    }
    let b = s.as_bytes();
    if b.len() >= 7 && b[b.len() - 7] == b'-' {
        return Err(
            "A name ending in a hyphen and six characters reads like an ARN's random suffix: choose another ending."
                .into(),
        );
    }
    Ok(())
}

impl SecretPicker {
    /// A new secret to create, or why not yet.
    pub fn new_secret(&self) -> Result<NewSecret, String> {
        check_suffix(self.suffix.trim())?;
        if self.user.trim().is_empty() {
            return Err("Give the upstream registry's user name.".into());
        }
        if self.token.is_empty() {
            return Err("Give the access token (or password) for the upstream.".into());
        }
        Ok(NewSecret {
            suffix: self.suffix.trim().to_owned(),
            username: self.user.trim().to_owned(),
            token: self.token.clone(),
        })
    }
}

pub fn picker_ui(
    ui: &mut Ui,
    credential: &mut String,
    p: &mut SecretPicker,
    seen: &SecretsSeen<'_>,
    registry: &RegistrySpec,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    // A secret made here fills the field once, and the token is wiped.
    if let Some(made) = seen.made
        && p.taken.as_deref() != Some(made.arn.as_str())
    {
        p.taken = Some(made.arn.clone());
        credential.clone_from(&made.arn);
        p.token.clear();
        p.creating = false;
    }
    match (seen.list, seen.loading) {
        (Some(list), _) if !list.is_empty() => {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("Secrets here:").color(palette.muted));
                for s in list {
                    let name = s.name.trim_start_matches(crate::ecr::SECRET_PREFIX);
                    let r = ui
                        .selectable_label(*credential == s.arn, name)
                        .on_hover_text(&s.arn);
                    let label = format!("Use secret {name}");
                    let on = *credential == s.arn;
                    r.widget_info(move || {
                        egui::WidgetInfo::selected(egui::Role::Button, true, on, &label)
                    });
                    if r.clicked() {
                        credential.clone_from(&s.arn);
                    }
                }
            });
        }
        (Some(_), _) => {
            ui.label(
                RichText::new("No ecr-pullthroughcache/… secret in this region yet.")
                    .color(palette.muted),
            );
        }
        (None, true) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Listing Secrets Manager secrets…");
            });
        }
        (None, false) => {}
    }
    if let Some(e) = &seen.list_error {
        ui.label(RichText::new(format!("Secrets Manager: {e}")).color(palette.muted));
    }
    if !p.creating {
        if ui
            .button(format!("{} Create a secret…", icon::KEY))
            .clicked()
        {
            p.creating = true;
        }
        return;
    }
    ui.group(|ui| {
        ui.label(RichText::new("New Secrets Manager secret").strong());
        let field = |ui: &mut Ui, value: &mut String, name: &str, hint: &str, password: bool| {
            let r = ui.add(
                egui::TextEdit::singleline(value)
                    .id_salt(name)
                    .password(password)
                    .hint_text(hint)
                    .desired_width(300.0),
            );
            let name = name.to_owned();
            r.widget_info(move || egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
        };
        ui.horizontal(|ui| {
            ui.label(crate::ecr::SECRET_PREFIX);
            field(ui, &mut p.suffix, "Secret name", "docker-hub", false);
        });
        field(ui, &mut p.user, "Upstream user name", "user name", false);
        field(
            ui,
            p.token.as_mut_string(),
            "Upstream access token",
            "access token or password",
            true,
        );
        let checked = p.new_secret();
        if let Err(e) = &checked
            && !(p.suffix.is_empty() && p.user.is_empty() && p.token.is_empty())
        {
            ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
        }
        if let Some(e) = seen.create_error {
            ui.colored_label(
                palette.error,
                format!("{} Secrets Manager refused it: {e}", icon::ERROR),
            );
        }
        ui.label(
            RichText::new("The token is sent to Secrets Manager once and not kept by ecrscope.")
                .weak(),
        );
        ui.horizontal(|ui| {
            let ok = checked.is_ok() && !seen.loading;
            if ui
                .add_enabled(
                    ok,
                    egui::Button::new(format!("{} Create secret", icon::PLUS)),
                )
                .clicked()
                && let Ok(secret) = checked
            {
                actions.push(UiAction::PullThrough(PullThroughAction::CreateSecret(
                    registry.clone(),
                    secret,
                )));
            }
            if ui.button("Cancel").clicked() {
                p.creating = false;
                p.token.clear();
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_as_secrets_manager_takes_them() {
        assert!(check_suffix("docker-hub").is_ok());
        assert!(check_suffix("team/ghcr_io+x=1.@y").is_ok());
        assert!(check_suffix("").is_err());
        assert!(check_suffix("hub token").is_err());
        assert!(
            check_suffix("hub-abcdef").is_err(),
            "looks like an ARN suffix"
        );
        assert!(check_suffix(&"a".repeat(500)).is_err());
        let mut p = SecretPicker {
            suffix: "hub".into(),
            user: "me".into(),
            ..SecretPicker::default()
        };
        assert!(p.new_secret().is_err(), "no token");
        *p.token.as_mut_string() = "s3cret".into();
        let s = p.new_secret().expect("valid");
        assert!(!format!("{s:?}").contains("s3cret"), "never in Debug");
    }
}
