//! Create repository: name (as ECR validates it), tag mutability + filters,
//! encryption (AES256 or KMS with an optional key in the same region), scan on
//! push, resource tags. Nothing is sent until every field is valid.

use crate::ui::ManageAction;
use egui::{RichText, Ui};

use crate::manage::settings_dialog::{self, MutabilityForm};
use crate::model::{
    Encryption, EncryptionType, NewRepository, RegistrySpec, RepoRef, Repository, TagMutability,
};
use crate::ui::UiAction;
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};
use crate::validate;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateRepoForm {
    /// Where the repository is created, pinned when the dialog opened.
    pub registry: RegistrySpec,
    /// Profile · account · region, for the dialog's target line.
    pub target: String,
    pub name: String,
    pub mutability: MutabilityForm,
    pub kms: bool,
    pub kms_key: String,
    pub scan_on_push: bool,
    /// `key=value` per line.
    pub tags: String,
    /// The region the key must be in.
    pub region: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CreateErrors {
    pub name: Option<String>,
    pub filters: Option<String>,
    pub kms_key: Option<String>,
    pub tags: Option<String>,
}

impl CreateRepoForm {
    pub fn new(registry: &RegistrySpec, target: String) -> Self {
        Self {
            registry: registry.clone(),
            target,
            name: String::new(),
            mutability: MutabilityForm::new(TagMutability::Immutable),
            kms: false,
            kms_key: String::new(),
            scan_on_push: true,
            tags: String::new(),
            region: registry.region.clone(),
        }
    }

    /// Prefilled from an existing repository ("create a new repository with
    /// these settings").
    pub fn like(r: &Repository, registry: &RegistrySpec, target: String) -> Self {
        let mut f = Self::new(registry, target);
        f.name = format!("{}-new", r.name);
        f.mutability = MutabilityForm::from_repo(r);
        f.kms = r.encryption.kind != EncryptionType::Aes256;
        f.kms_key = r.encryption.kms_key.clone().unwrap_or_default();
        f.scan_on_push = r.scan_on_push;
        f
    }

    pub fn check(&self) -> Result<NewRepository, CreateErrors> {
        let mut e = CreateErrors {
            name: validate::repository_name(self.name.trim()).err(),
            ..CreateErrors::default()
        };
        let mutability = match self.mutability.check() {
            Ok(m) => Some(m),
            Err((per, overall)) => {
                e.filters = overall.or_else(|| per.into_iter().flatten().next());
                None
            }
        };
        let key = self.kms_key.trim();
        if self.kms && !key.is_empty() {
            e.kms_key = validate::kms_key(key, &self.region).err();
        }
        let mut tags = Vec::new();
        for (i, line) in self
            .tags
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            match line.split_once('=') {
                Some((k, v))
                    if !k.trim().is_empty() && k.trim().len() <= 128 && v.trim().len() <= 256 =>
                {
                    tags.push((k.trim().to_owned(), v.trim().to_owned()))
                }
                _ => {
                    e.tags = Some(format!(
                        "Line {}: write tags as key=value (key 1 to 128 characters, value up to 256).",
                        i + 1
                    ));
                    break;
                }
            }
        }
        if tags.len() > 50 {
            e.tags = Some("At most 50 tags.".into());
        }
        match (e == CreateErrors::default(), mutability) {
            (true, Some(m)) => Ok(NewRepository {
                name: self.name.trim().to_owned(),
                tag_mutability: m,
                encryption: if self.kms {
                    Encryption {
                        kind: EncryptionType::Kms,
                        kms_key: (!key.is_empty()).then(|| key.to_owned()),
                    }
                } else {
                    Encryption::default()
                },
                scan_on_push: self.scan_on_push,
                tags,
            }),
            _ => Err(e),
        }
    }
}

/// Draws the dialog; returns false when it should close. `submitting`: a
/// create is in flight (a second click sends nothing); `error`: the last
/// create's failure.
pub fn create_repository_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut CreateRepoForm,
    submitting: bool,
    error: Option<&str>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let checked = form.check();
    let errors = checked.as_ref().err().cloned().unwrap_or_default();
    let target = form.target.clone();
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "create_repository",
            title: "Create repository",
            target: Some(&target),
            width: 560.0,
            top: Some(60.0),
        },
        Footer {
            confirm: Some((icon::PLUS, "Create", checked.is_ok() && !submitting)),
            dismiss: "Cancel",
        },
        |ui| create_body_ui(ui, form, &errors, submitting, error),
    );
    match outcome {
        Outcome::Confirmed => {
            if let Ok(new) = checked {
                actions.push(UiAction::Manage(ManageAction::CreateRepository(
                    form.registry.clone(),
                    new,
                )));
            }
            true
        }
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

fn create_body_ui(
    ui: &mut Ui,
    form: &mut CreateRepoForm,
    errors: &CreateErrors,
    submitting: bool,
    error: Option<&str>,
) {
    let palette = style::palette(ui.visuals());
    let err = |ui: &mut Ui, e: &Option<String>, help: &str| {
        crate::ui::widgets::field_note(ui, e.as_deref(), help);
    };
    let l = ui.label("Name");
    ui.add(
        egui::TextEdit::singleline(&mut form.name)
            .id_salt("create_name")
            .hint_text("team/service")
            .desired_width(400.0),
    )
    .labelled_by(l.id);
    err(
        ui,
        &errors.name.clone().filter(|_| !form.name.is_empty()),
        "Lowercase letters, digits, . _ - and / for namespaces; 2 to 256 characters.",
    );
    ui.add_space(4.0);
    ui.label(RichText::new("Tag immutability").strong());
    ui.horizontal_wrapped(|ui| {
        for mode in TagMutability::ALL {
            ui.radio_value(&mut form.mutability.mode, mode, mode.label())
                .on_hover_text(settings_dialog::explain(mode));
        }
    });
    if form.mutability.mode.needs_filters() {
        ui.horizontal(|ui| {
            let l = ui.label("Exclusion filters");
            let mut joined = form.mutability.filters.join(", ");
            if ui
                .add(
                    egui::TextEdit::singleline(&mut joined)
                        .id_salt("create_filters")
                        .hint_text("latest, dev-*")
                        .desired_width(300.0),
                )
                .labelled_by(l.id)
                .changed()
            {
                form.mutability.filters = joined.split(',').map(|s| s.trim().to_owned()).collect();
            }
        });
        err(ui, &errors.filters, "Up to 5, separated by commas.");
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Encryption (fixed once created)").strong());
    ui.horizontal(|ui| {
        ui.radio_value(&mut form.kms, false, "AES256 (Amazon S3-managed keys)");
        ui.radio_value(&mut form.kms, true, "KMS");
    });
    if form.kms {
        let l = ui.label("KMS key");
        ui.add(
            egui::TextEdit::singleline(&mut form.kms_key)
                .id_salt("create_kms")
                .hint_text("empty for aws/ecr, or a key ARN / alias in this region")
                .desired_width(480.0),
        )
        .labelled_by(l.id);
        err(
            ui,
            &errors.kms_key,
            &format!("The key must be in {}.", form.region),
        );
    }
    ui.checkbox(&mut form.scan_on_push, "Scan on push");
    let l = ui.label("Tags (key=value, one per line)");
    ui.add(
        egui::TextEdit::multiline(&mut form.tags)
            .id_salt("create_tags")
            .desired_rows(2)
            .desired_width(480.0),
    )
    .labelled_by(l.id);
    err(ui, &errors.tags, "Optional.");
    if let Some(e) = error {
        ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
    }
    if submitting {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Creating…");
        });
    }
}

/// Delete confirmation: the user types the repository's name. The target
/// is pinned when the dialog opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteRepoForm {
    pub repo: RepoRef,
    /// Profile · account · region.
    pub target: String,
    pub typed: String,
    /// Known image count (force delete takes them along).
    pub images: Option<usize>,
}

pub fn delete_repository_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut DeleteRepoForm,
    actions: &mut Vec<UiAction>,
) -> bool {
    let name = form.repo.name.clone();
    let ok = form.typed.trim() == name;
    let title = format!("Delete {name}?");
    let target = form.target.clone();
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "delete_repository",
            title: &title,
            target: Some(&target),
            width: 480.0,
            top: None,
        },
        Footer {
            confirm: Some((icon::TRASH, "Delete repository", ok)),
            dismiss: "Cancel",
        },
        |ui| {
            let palette = style::palette(ui.visuals());
            let images = match form.images {
                Some(0) => "It holds no images.".to_owned(),
                Some(n) => format!("Its {n} images are deleted with it."),
                None => "Any images it holds are deleted with it.".to_owned(),
            };
            ui.colored_label(
                palette.error,
                format!(
                    "{} The repository {name} is deleted from this registry. This cannot be undone. {images}",
                    icon::WARNING
                ),
            );
            let l = ui.label(format!("Type {name} to confirm"));
            ui.add(
                egui::TextEdit::singleline(&mut form.typed)
                    .id_salt("delete_confirm")
                    .desired_width(400.0),
            )
            .labelled_by(l.id);
        },
    );
    match outcome {
        Outcome::Confirmed if ok => {
            actions.push(UiAction::Manage(ManageAction::DeleteRepository(
                form.repo.clone(),
            )));
            false
        }
        Outcome::Dismissed => false,
        _ => true,
    }
}

impl crate::ui::modal::Dialog for CreateRepoForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        create_repository_ui(
            cx.ctx,
            cx.first,
            self,
            cx.state.creating.is_some(),
            cx.state.create_error.as_deref(),
            cx.actions,
        )
    }
}

impl crate::ui::modal::Dialog for DeleteRepoForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        delete_repository_ui(cx.ctx, cx.first, self, cx.actions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_checked() {
        let mut f = CreateRepoForm::new(&crate::state::demo_spec(), String::new());
        f.name = "Bad Name".into();
        f.kms = true;
        f.kms_key = "arn:aws:kms:eu-west-1:123456789012:key/abc".into();
        f.tags = "novalue".into();
        f.mutability.mode = TagMutability::ImmutableWithExclusion;
        f.mutability.filters = vec![String::new()];
        let e = f.check().expect_err("invalid");
        assert!(e.name.is_some_and(|m| m.contains("lowercase")));
        assert!(e.kms_key.is_some_and(|m| m.contains("same region")));
        assert!(e.tags.is_some_and(|m| m.contains("key=value")));
        assert!(e.filters.is_some_and(|m| m.contains("at least one")));
    }

    #[test]
    fn a_valid_form_builds_the_request() {
        let mut f = CreateRepoForm::new(&crate::state::demo_spec(), String::new());
        f.name = "team/new-svc".into();
        f.kms = true;
        f.tags = "team=platform\n\ncost-center = 42".into();
        let n = f.check().expect("valid");
        assert_eq!(
            n.encryption,
            Encryption {
                kind: EncryptionType::Kms,
                kms_key: None
            }
        );
        assert_eq!(
            n.tags,
            [
                ("team".to_owned(), "platform".to_owned()),
                ("cost-center".to_owned(), "42".to_owned())
            ]
        );
        assert_eq!(n.tag_mutability.mode, TagMutability::Immutable);
    }
}
