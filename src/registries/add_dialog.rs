//! The "Add registry" dialog: profile + region (+ endpoint, + registry id),
//! checked field by field before anything is saved or sent.

use egui::{RichText, Ui};

use crate::model::{RegistryKey, RegistrySource, RegistrySpec};
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style;
use crate::validate;

/// The form's fields, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddRegistryForm {
    pub profile: String,
    pub region: String,
    pub endpoint: String,
    pub registry_id: String,
}

/// One message per field that is wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub registry_id: Option<String>,
    pub duplicate: Option<String>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

impl AddRegistryForm {
    /// The regions typed: several may be given, separated by commas or
    /// spaces (one registry each, grouped under the profile).
    pub fn regions(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .region
            .split([',', ' '])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        out.dedup();
        out
    }

    /// Adds `region` to the list typed, or takes it out.
    pub fn toggle_region(&mut self, region: &str) {
        let mut list: Vec<String> = self.regions().iter().map(|r| (*r).to_owned()).collect();
        match list.iter().position(|r| r == region) {
            Some(i) => {
                list.remove(i);
            }
            None => list.push(region.to_owned()),
        }
        self.region = list.join(", ");
    }

    /// Checks every field; `profiles` are the known profile names. One
    /// registry per region typed.
    pub fn check(
        &self,
        profiles: &[String],
        existing: &[RegistryKey],
    ) -> Result<Vec<RegistrySpec>, FormErrors> {
        let mut e = FormErrors::default();
        let profile = self.profile.trim();
        if !profile.is_empty() && !profiles.iter().any(|p| p == profile) {
            e.profile = Some(format!(
                "No profile '{profile}' in ~/.aws/config or ~/.aws/credentials. Pick one from the list, or leave empty for the default credentials."
            ));
        }
        let regions = self.regions();
        e.region = if regions.is_empty() {
            validate::region("").err()
        } else {
            regions.iter().find_map(|r| {
                validate::region(r).err().map(|m| {
                    if regions.len() > 1 {
                        format!("{r}: {m}")
                    } else {
                        m
                    }
                })
            })
        };
        let endpoint = self.endpoint.trim();
        if !endpoint.is_empty() {
            e.endpoint = validate::endpoint_url(endpoint).err();
        }
        let id = self.registry_id.trim();
        if !id.is_empty() {
            e.registry_id = validate::registry_id(id).err();
        }
        let specs: Vec<RegistrySpec> = regions
            .iter()
            .map(|region| RegistrySpec {
                profile: (!profile.is_empty()).then(|| profile.to_owned()),
                region: (*region).to_owned(),
                endpoint: (!endpoint.is_empty()).then(|| endpoint.trim_end_matches('/').to_owned()),
                registry_id: (!id.is_empty()).then(|| id.to_owned()),
                source: RegistrySource::Added,
            })
            .collect();
        let listed = |spec: &RegistrySpec| {
            existing.iter().any(|k| {
                *k == spec.key()
                    || *k
                        == RegistrySpec {
                            source: RegistrySource::Profile,
                            ..spec.clone()
                        }
                        .key()
            })
        };
        if let Some(dup) = specs.iter().find(|s| listed(s)) {
            e.duplicate = Some(if specs.len() > 1 {
                format!("{} is already in the list.", dup.region)
            } else {
                "This registry is already in the list.".into()
            });
        }
        if e.is_empty() { Ok(specs) } else { Err(e) }
    }
}

/// What the dialog asks the app to do.
/// Draws the dialog; returns false when it should close. A valid form
/// confirmed pushes `AddRegistry`.
pub fn add_registry_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut AddRegistryForm,
    profiles: &[String],
    existing: &[RegistryKey],
    actions: &mut Vec<crate::ui::UiAction>,
) -> bool {
    let checked = form.check(profiles, existing);
    let errors = checked.as_ref().err().cloned().unwrap_or_default();
    let palette = style::palette(&ctx.global_style().visuals);
    // Anchored at the top, not centred: when a message wraps to two lines the
    // dialog grows downwards and the field being typed in stays put.
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "add_registry",
            title: "Add registry",
            target: None,
            width: 460.0,
            top: Some(120.0),
        },
        Footer {
            confirm: Some(("", "Add", checked.is_ok())),
            dismiss: "Cancel",
        },
        |ui| {
            ui.label(RichText::new("Credentials come from the profile, resolved when the registry is opened; ecrscope never stores them.").weak());
            ui.add_space(style::GAP);
            egui::Grid::new("add_registry_grid")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    let l = ui.label("Profile");
                    ui.horizontal(|ui| {
                        text_field(
                            ui,
                            &mut form.profile,
                            l.id,
                            "Profile",
                            "default credentials",
                        );
                        egui::ComboBox::from_id_salt("profile_pick")
                            .selected_text("Pick")
                            .show_ui(ui, |ui| {
                                for p in profiles {
                                    ui.selectable_value(&mut form.profile, p.clone(), p);
                                }
                            });
                    });
                    ui.end_row();
                    help_row(
                        ui,
                        errors.profile.as_deref(),
                        "A profile from ~/.aws/config, or empty for the default credential chain.",
                        palette.error,
                    );

                    let l = ui.label("Region");
                    ui.horizontal(|ui| {
                        text_field(ui, &mut form.region, l.id, "Region", "us-east-1, eu-west-1");
                        // The known regions, each a tick that adds or
                        // removes it from the list typed above.
                        egui::ComboBox::from_id_salt("region_pick")
                            .selected_text("Pick")
                            .height(320.0)
                            .show_ui(ui, |ui| {
                                for r in validate::KNOWN_REGIONS {
                                    let mut on = form.regions().contains(r);
                                    if ui.checkbox(&mut on, *r).changed() {
                                        form.toggle_region(r);
                                    }
                                }
                            });
                    });
                    ui.end_row();
                    let hint = form
                        .regions()
                        .iter()
                        .find_map(|r| validate::region_suggestion(r));
                    match (
                        errors.region.as_deref().filter(|_| !form.region.is_empty()),
                        hint.as_deref(),
                    ) {
                        (None, Some(h)) => help_row(ui, Some(h), "", palette.warning),
                        (e, _) => help_row(
                            ui,
                            e,
                            "The AWS region, or several separated by commas (one registry each).",
                            palette.error,
                        ),
                    }

                    let l = ui.label("Endpoint URL");
                    text_field(
                        ui,
                        &mut form.endpoint,
                        l.id,
                        "Endpoint URL",
                        "optional, e.g. http://127.0.0.1:5000",
                    );
                    ui.end_row();
                    // A plain-http endpoint beyond this computer is allowed,
                    // with a warning in the help line.
                    let warning = crate::validate::endpoint_warning(form.endpoint.trim());
                    match (errors.endpoint.as_deref(), warning) {
                        (None, Some(w)) => help_row(ui, Some(&w), "", palette.warning),
                        (e, _) => help_row(
                            ui,
                            e,
                            "Only for a non-AWS endpoint (moto, LocalStack, a proxy).",
                            palette.error,
                        ),
                    }

                    let l = ui.label("Registry id");
                    text_field(
                        ui,
                        &mut form.registry_id,
                        l.id,
                        "Registry id",
                        "optional: another account's 12 digits",
                    );
                    ui.end_row();
                    help_row(
                        ui,
                        errors.registry_id.as_deref(),
                        "Only for another account's registry: its 12-digit account id.",
                        palette.error,
                    );
                });
            // Reserved line, for the same reason as the help rows.
            match &errors.duplicate {
                Some(d) => ui.colored_label(palette.error, d),
                None => ui.label(""),
            };
        },
    );
    match outcome {
        Outcome::Confirmed => match checked {
            Ok(specs) => {
                actions.extend(
                    specs
                        .into_iter()
                        .map(|s| crate::ui::RegistriesAction::Add(s).into()),
                );
                false
            }
            Err(_) => true,
        },
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

fn text_field(ui: &mut Ui, value: &mut String, label: egui::Id, _name: &str, hint: &str) {
    ui.add(
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(260.0),
    )
    .labelled_by(label);
}

/// The line under a field: the rule in words, or the error in its place.
/// Always present, so the dialog keeps its size (and position) while the
/// user types.
fn help_row(ui: &mut Ui, error: Option<&str>, help: &str, color: egui::Color32) {
    ui.label("");
    match error {
        Some(e) => ui.colored_label(color, format!("{} {e}", style::icon::WARNING)),
        None => ui.label(RichText::new(help).weak()),
    };
    ui.end_row();
}

/// Confirmation before removing an added registry; returns false when it
/// should close.
pub fn confirm_remove_ui(
    ctx: &egui::Context,
    first_frame: bool,
    key: &RegistryKey,
    label: &str,
    actions: &mut Vec<crate::ui::UiAction>,
) -> bool {
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "confirm_remove",
            title: "Remove registry?",
            target: Some(label),
            width: 380.0,
            top: None,
        },
        Footer {
            confirm: Some((style::icon::TRASH, "Remove", true)),
            dismiss: "Cancel",
        },
        |ui| {
            ui.label(format!(
                "{label} will be removed from the list. Nothing changes on the server."
            ));
        },
    );
    match outcome {
        Outcome::Confirmed => {
            actions.push(crate::ui::UiAction::Registries(
                crate::ui::RegistriesAction::Remove(key.clone()),
            ));
            false
        }
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

impl crate::ui::modal::Dialog for AddRegistryForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        let profiles: Vec<String> = cx
            .state
            .discovery
            .as_ref()
            .map(|d| d.profiles.iter().map(|p| p.name.clone()).collect())
            .unwrap_or_default();
        let existing: Vec<RegistryKey> = cx.state.registries.iter().map(|r| r.spec.key()).collect();
        add_registry_ui(cx.ctx, cx.first, self, &profiles, &existing, cx.actions)
    }
}

/// "Remove this registry?" for one added registry.
#[derive(Debug)]
pub struct RemoveRegistryDialog {
    pub key: RegistryKey,
    pub label: String,
}

impl crate::ui::modal::Dialog for RemoveRegistryDialog {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        confirm_remove_ui(cx.ctx, cx.first, &self.key, &self.label, cx.actions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(profile: &str, region: &str, endpoint: &str, id: &str) -> AddRegistryForm {
        AddRegistryForm {
            profile: profile.into(),
            region: region.into(),
            endpoint: endpoint.into(),
            registry_id: id.into(),
        }
    }

    #[test]
    fn every_field_is_checked() {
        let profiles = vec!["dev".to_owned()];
        let e = form("typo", "us east 1", "localhost:5000", "123")
            .check(&profiles, &[])
            .expect_err("all bad");
        assert!(e.profile.as_deref().is_some_and(|m| m.contains("'typo'")));
        assert!(e.region.as_deref().is_some_and(|m| m.contains("us-east-1")));
        // A region of the right shape is accepted (AWS opens new ones), with
        // a hint when it is a letter away from a known one.
        assert!(validate::region("us-easst-1").is_ok());
        assert!(validate::region_suggestion("us-easst-1").is_some_and(|h| h.contains("us-east-1")));
        assert!(e.endpoint.as_deref().is_some_and(|m| m.contains("http://")));
        assert!(
            e.registry_id
                .as_deref()
                .is_some_and(|m| m.contains("12-digit"))
        );
    }

    #[test]
    fn a_good_form_gives_a_spec() {
        let spec = form("dev", "eu-west-1", "http://127.0.0.1:5000/", "123456789012")
            .check(&["dev".into()], &[])
            .expect("valid")
            .remove(0);
        assert_eq!(spec.endpoint.as_deref(), Some("http://127.0.0.1:5000"));
        assert_eq!(spec.source, RegistrySource::Added);
        let again = form("dev", "eu-west-1", "http://127.0.0.1:5000", "123456789012")
            .check(&["dev".into()], &[spec.key()]);
        assert!(again.expect_err("duplicate").duplicate.is_some());
    }

    #[test]
    fn empty_profile_means_default_chain() {
        let spec = form("", "us-east-1", "", "")
            .check(&[], &[])
            .expect("valid")
            .remove(0);
        assert_eq!(spec.profile, None);
    }

    #[test]
    fn the_region_picker_adds_and_removes() {
        let mut f = form("dev", "us-east-1", "", "");
        f.toggle_region("eu-west-1");
        assert_eq!(f.region, "us-east-1, eu-west-1");
        f.toggle_region("us-east-1");
        assert_eq!(f.region, "eu-west-1");
    }

    #[test]
    fn several_regions_give_one_registry_each() {
        let specs = form("dev", "us-east-1, eu-west-1 ap-southeast-2", "", "")
            .check(&["dev".into()], &[])
            .expect("valid");
        let regions: Vec<&str> = specs.iter().map(|s| s.region.as_str()).collect();
        assert_eq!(regions, ["us-east-1", "eu-west-1", "ap-southeast-2"]);
        assert!(specs.iter().all(|s| s.profile.as_deref() == Some("dev")));
        let e = form("dev", "us-east-1, nowhere!", "", "")
            .check(&["dev".into()], &[])
            .expect_err("one bad region");
        assert!(e.region.is_some_and(|m| m.contains("nowhere!")));
        let e = form("dev", "us-east-1, eu-west-1", "", "")
            .check(&["dev".into()], &[specs[1].key()])
            .expect_err("one already listed");
        assert!(e.duplicate.is_some_and(|m| m.contains("eu-west-1")));
    }
}
