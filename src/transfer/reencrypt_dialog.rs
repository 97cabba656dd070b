//! "Re-encrypt…": ECR fixes encryption at creation, so this makes a new
//! repository with the chosen encryption and the old one's settings, copies
//! every active image into it, and shows both compared. Only then does it
//! offer to delete the old repository: both are read again first, and the
//! typed confirmation opens only if the new one still holds every active
//! image of the old one. A failed, cancelled or incomplete run can be run
//! again: it adopts the repository its first run made.

use crate::ui::TransferAction;
use egui::{RichText, Ui};

use crate::model::transfer::ReencryptReport;
use crate::model::{Encryption, EncryptionType, RepoRef};
use crate::state::AppState;
use crate::ui::UiAction;
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReencryptForm {
    /// Pinned when the dialog opened.
    pub repo: RepoRef,
    pub new_name: String,
    pub kms: bool,
    pub kms_key: String,
    /// Confirmed: the dialog now follows the job, then shows its result.
    pub started: bool,
}

impl ReencryptForm {
    pub fn new(repo: RepoRef, currently_kms: bool) -> Self {
        let suffix = if currently_kms { "aes256" } else { "kms" };
        Self {
            new_name: format!("{}-{suffix}", repo.name),
            repo,
            kms: !currently_kms,
            kms_key: String::new(),
            started: false,
        }
    }

    /// The new name and encryption, or the message for the field at fault.
    pub fn check(&self) -> Result<(String, Encryption), (&'static str, String)> {
        let name = self.new_name.trim();
        crate::validate::repository_name(name).map_err(|m| ("name", m))?;
        if name == self.repo.name {
            return Err(("name", "The new repository needs a name of its own.".into()));
        }
        let key = self.kms_key.trim();
        if self.kms && !key.is_empty() {
            crate::validate::kms_key(key, &self.repo.registry.region).map_err(|m| ("key", m))?;
        }
        Ok((
            name.to_owned(),
            Encryption {
                kind: if self.kms {
                    EncryptionType::Kms
                } else {
                    EncryptionType::Aes256
                },
                kms_key: (self.kms && !key.is_empty()).then(|| key.to_owned()),
            },
        ))
    }
}

pub fn reencrypt_ui(
    ctx: &egui::Context,
    first: bool,
    form: &mut ReencryptForm,
    state: &AppState,
    actions: &mut Vec<UiAction>,
) -> bool {
    let Some(reg) = state.registry(&form.repo.key()) else {
        return false;
    };
    let result = state
        .reencrypted
        .as_ref()
        .filter(|(r, _)| form.started && *r == form.repo)
        .map(|(_, r)| r);
    let job = state.reencrypt_running(&form.repo);
    // Started, and no result yet (the job may still be on its way to the
    // worker's queue).
    let running = form.started && result.is_none();
    let checking = state.reencrypt_checking.is_some();
    let checked = form.check();
    let title = format!("Re-encrypt {}", form.repo.name);
    let target = reg.target_line();
    let footer = match result {
        Some(Ok(r)) if r.complete() => Footer {
            confirm: Some((
                icon::TRASH,
                "Check again and delete the old repository…",
                !checking,
            )),
            dismiss: "Close",
        },
        Some(_) => Footer {
            confirm: Some((
                icon::KEY,
                "Run again (copies what is missing)",
                checked.is_ok() && job.is_none(),
            )),
            dismiss: "Close",
        },
        None => Footer {
            confirm: Some((
                icon::KEY,
                "Create and copy",
                checked.is_ok() && !running && job.is_none(),
            )),
            dismiss: if running { "Hide" } else { "Cancel" },
        },
    };
    let outcome = modal::modal_ui(
        ctx,
        first,
        Frame {
            id: "reencrypt",
            title: &title,
            target: Some(&target),
            width: 580.0,
            top: Some(60.0),
        },
        footer,
        |ui| match result {
            Some(Ok(r)) => {
                let enc = |name: &str| {
                    reg.repository(name)
                        .map_or_else(|| "…".to_owned(), |x| x.encryption.label())
                };
                comparison_ui(ui, r, [enc(&r.old), enc(&r.new)]);
                if checking {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Reading both repositories again before the delete…");
                    });
                }
            }
            Some(Err(e)) => {
                let palette = style::palette(ui.visuals());
                ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
                ui.label("The old repository is untouched. Whatever the new one holds stays; running again adopts it and copies only what is missing.");
            }
            None => form_ui(ui, form, state, job, checked.as_ref().err(), running),
        },
    );
    match outcome {
        Outcome::Confirmed => match result {
            Some(Ok(r)) if r.complete() => {
                actions.push(UiAction::Transfer(
                    TransferAction::CheckThenDeleteReencrypted {
                        repo: form.repo.clone(),
                        new_name: r.new.clone(),
                    },
                ));
                true
            }
            _ => {
                if let Ok((new_name, encryption)) = checked {
                    actions.push(UiAction::Transfer(TransferAction::StartReencrypt {
                        repo: form.repo.clone(),
                        new_name,
                        encryption,
                    }));
                    form.started = true;
                }
                true
            }
        },
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

fn form_ui(
    ui: &mut Ui,
    form: &mut ReencryptForm,
    state: &AppState,
    job: Option<&crate::state::Transfer>,
    error: Option<&(&'static str, String)>,
    running: bool,
) {
    let current = state
        .registry(&form.repo.key())
        .and_then(|r| r.repository(&form.repo.name))
        .map(|r| r.encryption.label())
        .unwrap_or_default();
    ui.label(format!(
        "ECR cannot change a repository's encryption (now {current}). This creates a new repository with the encryption you choose and the settings of {}: tag immutability and exclusion filters, scan on push, repository policy and resource tags. Then it copies every active image, oldest first (same digests, same tags), puts the lifecycle policy once the copy is done (so \"keep the last N\" keeps the same images), and compares both. The old repository stays until you delete it.",
        form.repo.name
    ));
    ui.add_space(4.0);
    let err = |ui: &mut Ui, field: &str, help: &str| {
        let shown = error.filter(|(f, _)| *f == field).map(|(_, m)| m.as_str());
        crate::ui::widgets::field_note(ui, shown, help);
    };
    ui.add_enabled_ui(!running, |ui| {
        let l = ui.label("New repository");
        ui.add(
            egui::TextEdit::singleline(&mut form.new_name)
                .id_salt("reencrypt_name")
                .desired_width(400.0),
        )
        .labelled_by(l.id);
        err(
            ui,
            "name",
            "Pushes and pulls must move to this name afterwards.",
        );
        ui.horizontal(|ui| {
            ui.radio_value(&mut form.kms, false, "AES256");
            ui.radio_value(&mut form.kms, true, "KMS");
        });
        if form.kms {
            let l = ui.label("KMS key");
            ui.add(
                egui::TextEdit::singleline(&mut form.kms_key)
                    .id_salt("reencrypt_kms")
                    .hint_text("empty for aws/ecr, or a key ARN / alias")
                    .desired_width(420.0),
            )
            .labelled_by(l.id);
            err(
                ui,
                "key",
                &format!("The key must be in {}.", form.repo.registry.region),
            );
        }
    });
    if running {
        ui.add_space(4.0);
        match job {
            Some(t) => {
                ui.label(t.line(std::time::Instant::now()));
                ui.add(egui::ProgressBar::new(t.fraction()));
            }
            None => {
                ui.spinner();
            }
        }
    }
}

/// Both repositories side by side; `encryption`: old, new (as listed).
fn comparison_ui(ui: &mut Ui, r: &ReencryptReport, encryption: [String; 2]) {
    let palette = style::palette(ui.visuals());
    egui::Grid::new("reencrypt_compare")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            ui.label(RichText::new(&r.old).strong());
            ui.label(RichText::new(&r.new).strong());
            ui.end_row();
            ui.label("Encryption");
            ui.label(&encryption[0]);
            ui.label(&encryption[1]);
            ui.end_row();
            ui.label("Active images");
            ui.label(r.compared.old_images.to_string());
            ui.label(r.compared.new_images.to_string());
            ui.end_row();
            ui.label("Archived (not copied)");
            ui.label(r.compared.archived_left.to_string());
            ui.label("0");
            ui.end_row();
        });
    ui.label(format!("Carried over: {}.", r.carried.join(", ")));
    if r.adopted {
        ui.label(format!(
            "{} was made by an earlier run (it carries the resource tag {}); this run copied what it lacked.",
            r.new,
            crate::transfer::reencrypt::MARK_KEY
        ));
    }
    ui.label(format!(
        "Copied: {} blobs uploaded, {} already there.",
        r.copy.blobs_uploaded, r.copy.blobs_skipped
    ));
    if r.complete() {
        ui.colored_label(
            palette.ok,
            format!(
                "{} Every active image is in {} with the same digest.",
                icon::OK,
                r.new
            ),
        );
        if r.compared.archived_left > 0 {
            ui.colored_label(
                palette.warning,
                format!(
                    "{} {} archived images were not copied (restore them first): deleting the old repository deletes them.",
                    icon::WARNING,
                    r.compared.archived_left
                ),
            );
        }
    } else {
        ui.colored_label(
            palette.error,
            format!(
                "{} {} {} missing from {}: keep the old repository, or run again to copy {}.",
                icon::WARNING,
                r.compared.missing.len(),
                if r.compared.missing.len() == 1 {
                    "image is"
                } else {
                    "images are"
                },
                r.new,
                if r.compared.missing.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            ),
        );
    }
}

impl crate::ui::modal::Dialog for ReencryptForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        reencrypt_ui(cx.ctx, cx.first, self, cx.state, cx.actions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RegistrySource, RegistrySpec};

    fn form() -> ReencryptForm {
        let spec = RegistrySpec {
            profile: Some("prod".into()),
            region: "us-east-1".into(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Profile,
        };
        ReencryptForm::new(RepoRef::new(&spec, "team/api"), false)
    }

    #[test]
    fn defaults_to_kms_under_a_new_name() {
        let (name, enc) = form().check().expect("valid");
        assert_eq!(name, "team/api-kms");
        assert_eq!(enc.kind, EncryptionType::Kms);
        assert_eq!(enc.kms_key, None);
    }

    #[test]
    fn the_same_name_or_a_foreign_key_is_refused() {
        let mut f = form();
        f.new_name = "team/api".into();
        assert_eq!(f.check().expect_err("same").0, "name");
        f.new_name = "team/api-2".into();
        f.kms_key = "arn:aws:kms:eu-west-1:123456789012:key/x".into();
        assert_eq!(f.check().expect_err("region").0, "key");
    }
}
