//! "Copy to…": images (one, a selection, or a whole repository) to a
//! repository in any registry the user has (another profile, region or
//! account), through ECR's layer API. The form is checked as it is typed,
//! before any call; the target's tag rules are checked again by the copy
//! itself before anything is uploaded.

use egui::{RichText, Ui};

use super::UiAction;
use super::modal::{self, Footer, Frame, Outcome};
use super::style::{self, icon};
use crate::copy::plan::parse_tags;
use crate::model::transfer::CopyItem;
use crate::model::{
    Digest, Encryption, EncryptionType, NewRepository, RegistryKey, RegistrySpec, RepoRef,
    TagMutability, TagMutabilitySetting,
};
use crate::state::AppState;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyForm {
    /// Pinned when the dialog opened.
    pub source: RepoRef,
    pub images: Vec<(Digest, Vec<String>)>,
    pub target_registry: RegistryKey,
    pub target_repo: String,
    /// Tags for a single image (comma separated; empty: untagged).
    pub tags: String,
    pub create: bool,
    pub immutable: bool,
    pub kms: bool,
    pub kms_key: String,
}

/// The form, checked: a field's message, or what to send.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyErrors {
    pub repo: Option<String>,
    pub tags: Option<String>,
    pub kms_key: Option<String>,
}

impl CopyForm {
    pub fn new(source: RepoRef, images: Vec<(Digest, Vec<String>)>) -> Self {
        let tags = match images.as_slice() {
            [(_, t)] => t.join(", "),
            _ => String::new(),
        };
        Self {
            target_registry: source.key(),
            target_repo: source.name.clone(),
            source,
            images,
            tags,
            create: true,
            immutable: false,
            kms: false,
            kms_key: String::new(),
        }
    }

    /// Checks every field; `Ok` is what to copy and how to create the
    /// target if it is missing.
    pub fn check(
        &self,
        target: &RegistrySpec,
    ) -> Result<(Vec<CopyItem>, Option<NewRepository>), CopyErrors> {
        let mut e = CopyErrors::default();
        let name = self.target_repo.trim();
        if let Err(m) = crate::validate::repository_name(name) {
            e.repo = Some(m);
        } else if target.key() == self.source.key() && name == self.source.name {
            e.repo = Some("That is the source repository: pick another one.".into());
        }
        let items = if self.images.len() == 1 {
            match parse_tags(&self.tags) {
                Ok(tags) => vec![CopyItem {
                    digest: self.images[0].0,
                    tags,
                }],
                Err(m) => {
                    e.tags = Some(m);
                    Vec::new()
                }
            }
        } else {
            self.images
                .iter()
                .map(|(d, t)| CopyItem {
                    digest: *d,
                    tags: t.clone(),
                })
                .collect()
        };
        let key = self.kms_key.trim();
        if self.create
            && self.kms
            && !key.is_empty()
            && let Err(m) = crate::validate::kms_key(key, &target.region)
        {
            e.kms_key = Some(m);
        }
        if e != CopyErrors::default() {
            return Err(e);
        }
        let create = self.create.then(|| NewRepository {
            name: name.to_owned(),
            tag_mutability: TagMutabilitySetting {
                mode: if self.immutable {
                    TagMutability::Immutable
                } else {
                    TagMutability::Mutable
                },
                exclusion_filters: Vec::new(),
            },
            encryption: Encryption {
                kind: if self.kms {
                    EncryptionType::Kms
                } else {
                    EncryptionType::Aes256
                },
                kms_key: (self.kms && !key.is_empty()).then(|| key.to_owned()),
            },
            scan_on_push: false,
            tags: Vec::new(),
        });
        Ok((items, create))
    }
}

pub fn copy_ui(
    ctx: &egui::Context,
    first: bool,
    form: &mut CopyForm,
    state: &AppState,
    actions: &mut Vec<UiAction>,
) -> bool {
    let Some(target) = state.registry(&form.target_registry) else {
        // The chosen target registry was removed meanwhile.
        form.target_registry = form.source.key();
        return state.registry(&form.target_registry).is_some();
    };
    let spec = target.spec.clone();
    let checked = form.check(&spec);
    let busy = state.transfer.is_some();
    let n = form.images.len();
    let title = format!("Copy {n} image{} to…", if n == 1 { "" } else { "s" });
    let outcome = modal::modal_ui(
        ctx,
        first,
        Frame {
            id: "copy_images",
            title: &title,
            target: None,
            width: 580.0,
            top: Some(60.0),
        },
        Footer {
            confirm: Some((icon::COPY, "Copy", checked.is_ok() && !busy)),
            dismiss: "Cancel",
        },
        |ui| body_ui(ui, form, state, &spec, checked.as_ref().err(), busy),
    );
    match outcome {
        Outcome::Confirmed => {
            if let Ok((items, create)) = checked {
                actions.push(UiAction::StartCopy {
                    source: form.source.clone(),
                    target: RepoRef::new(&spec, form.target_repo.trim()),
                    items,
                    create,
                });
            }
            false
        }
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

fn body_ui(
    ui: &mut Ui,
    form: &mut CopyForm,
    state: &AppState,
    spec: &RegistrySpec,
    errors: Option<&CopyErrors>,
    busy: bool,
) {
    let palette = style::palette(ui.visuals());
    let err = |ui: &mut Ui, e: Option<&String>, help: &str| {
        super::widgets::field_note(ui, e.map(String::as_str), help);
    };
    let from = state
        .registry(&form.source.key())
        .map(crate::state::RegistryState::target_line)
        .unwrap_or_default();
    ui.label(format!("From {} in {from}", form.source.name));
    ui.add_space(4.0);
    let l = ui.label("Target registry");
    let current = state
        .registry(&form.target_registry)
        .map(crate::state::RegistryState::target_line)
        .unwrap_or_default();
    egui::ComboBox::from_id_salt("copy_target_registry")
        .selected_text(current)
        .width(460.0)
        .show_ui(ui, |ui| {
            for r in &state.registries {
                ui.selectable_value(&mut form.target_registry, r.spec.key(), r.target_line());
            }
        })
        .response
        .labelled_by(l.id);
    let l = ui.label("Target repository");
    ui.add(
        egui::TextEdit::singleline(&mut form.target_repo)
            .id_salt("copy_target_repo")
            .hint_text("team/service")
            .desired_width(400.0),
    )
    .labelled_by(l.id);
    let exists = state
        .registry(&form.target_registry)
        .and_then(|r| r.repository(form.target_repo.trim()));
    match exists {
        Some(r) => {
            err(
                ui,
                errors.and_then(|e| e.repo.as_ref()),
                &format!(
                    "Exists: tags {}, encryption {}. An immutable tag that names another image there is refused before anything is sent.",
                    r.tag_mutability.mode.label().to_lowercase(),
                    r.encryption.label()
                ),
            );
        }
        None => {
            err(
                ui,
                errors.and_then(|e| e.repo.as_ref()),
                "Not in the loaded list: it will be created with the settings below (if it exists after all, it is used as it is).",
            );
        }
    }
    if form.images.len() == 1 {
        let l = ui.label("Tags in the target");
        ui.add(
            egui::TextEdit::singleline(&mut form.tags)
                .id_salt("copy_tags")
                .hint_text("v1.4.2, latest (empty: copied untagged)")
                .desired_width(400.0),
        )
        .labelled_by(l.id);
        err(
            ui,
            errors.and_then(|e| e.tags.as_ref()),
            "Keep, rename or add tags; separated by commas.",
        );
    } else {
        ui.label(RichText::new("Each image keeps its tags.").weak());
    }
    ui.add_space(4.0);
    if exists.is_none() {
        ui.checkbox(
            &mut form.create,
            "Create the repository if it does not exist",
        );
        if form.create {
            ui.indent("copy_create", |ui| {
                ui.checkbox(&mut form.immutable, "Immutable tags");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut form.kms, false, "AES256");
                    ui.radio_value(&mut form.kms, true, "KMS");
                });
                if form.kms {
                    let l = ui.label("KMS key");
                    ui.add(
                        egui::TextEdit::singleline(&mut form.kms_key)
                            .id_salt("copy_kms")
                            .hint_text("empty for aws/ecr, or a key ARN / alias")
                            .desired_width(420.0),
                    )
                    .labelled_by(l.id);
                    err(
                        ui,
                        errors.and_then(|e| e.kms_key.as_ref()),
                        &format!(
                            "The key must be in {}. ECR encrypts the copy with it as it arrives.",
                            spec.region
                        ),
                    );
                }
            });
        }
    }
    ui.add_space(4.0);
    ui.label(
        RichText::new(format!(
            "{} Layers the target already has are skipped; each one sent is verified by its digest; the manifest is copied byte for byte, so digests stay the same. No docker needed.",
            icon::INFO
        ))
        .weak(),
    );
    if busy {
        ui.colored_label(
            palette.loading,
            "Another copy or export is running; wait for it or cancel it from the status bar.",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegistrySource;

    fn spec(region: &str) -> RegistrySpec {
        RegistrySpec {
            profile: Some("dev".into()),
            region: region.into(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Profile,
        }
    }

    fn form() -> CopyForm {
        CopyForm::new(
            RepoRef::new(&spec("us-east-1"), "team/api"),
            vec![(Digest([7; 32]), vec!["v1".into()])],
        )
    }

    #[test]
    fn the_same_repository_is_not_a_target_but_another_region_is() {
        let f = form();
        let e = f.check(&spec("us-east-1")).expect_err("same");
        assert!(e.repo.is_some_and(|m| m.contains("source repository")));
        let (items, create) = f.check(&spec("eu-west-1")).expect("other region");
        assert_eq!(items[0].tags, vec!["v1".to_owned()]);
        assert_eq!(create.map(|c| c.name), Some("team/api".into()));
    }

    #[test]
    fn bad_fields_say_why_before_any_call() {
        let mut f = form();
        f.target_repo = "Bad Name".into();
        f.tags = "ok, not/ok".into();
        f.kms = true;
        f.kms_key = "arn:aws:kms:eu-west-1:123456789012:key/abc".into();
        let e = f.check(&spec("us-east-1")).expect_err("bad");
        assert!(e.repo.is_some());
        assert!(e.tags.is_some());
        assert!(e.kms_key.is_some(), "a key of another region");
    }

    #[test]
    fn several_images_keep_their_tags() {
        let mut f = form();
        f.images.push((Digest([8; 32]), vec![]));
        f.target_repo = "mirror/api".into();
        f.tags = "ignored".into();
        let (items, _) = f.check(&spec("us-east-1")).expect("ok");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].tags, vec!["v1".to_owned()]);
        assert!(items[1].tags.is_empty());
    }
}
