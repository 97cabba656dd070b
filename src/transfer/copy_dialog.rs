//! "Copy to…": images (one, a selection, or a whole repository) to a
//! repository in any registry the user has (another profile, region or
//! account), through ECR's layer API. The form is checked as it is typed,
//! before any call. Then the target is asked what each tag would do there:
//! tags that would move from another image are listed (from which image to
//! which) and move only with a tick; an immutable tag that names another
//! image is refused. The copy checks both again before anything is
//! uploaded (someone may push meanwhile).

use crate::ui::TransferAction;
use egui::{RichText, Ui};

use super::copy_target::{Verdict, target_check_ui, target_verdict};
use crate::model::transfer::CopyItem;
use crate::model::{
    Digest, Encryption, EncryptionType, NewRepository, RegistryKey, RegistrySpec, RepoRef,
    TagMutability, TagMutabilitySetting,
};
use crate::state::AppState;
use crate::transfer::plan::parse_tags;
use crate::ui::UiAction;
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::icon;

#[derive(Clone, Debug, PartialEq)]
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
    /// The user allows the listed tags to move to the copy.
    pub allow_moves: bool,
    /// Signatures, SBOMs and attestations go with the images (on unless
    /// unticked: a promoted image should stay signed).
    pub with_referrers: bool,
    /// When the fields last changed (the target is asked once they rest).
    pub changed_at: f64,
    /// What the fields said last frame.
    last: Option<(RepoRef, Vec<CopyItem>)>,
}

/// How long the fields must rest before the target is asked.
const ASK_AFTER_S: f64 = 0.4;

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
            allow_moves: false,
            with_referrers: true,
            changed_at: 0.0,
            last: None,
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
    let target_ref = RepoRef::new(&spec, form.target_repo.trim());
    let now = ctx.input(|i| i.time);
    // Ask the target once the fields rest; a change means a new answer
    // (and a new tick: a move allowed for one target is not for another).
    let key = checked
        .as_ref()
        .ok()
        .map(|(items, _)| (target_ref.clone(), items.clone()));
    if key != form.last {
        form.last = key.clone();
        form.changed_at = now;
        form.allow_moves = false;
    }
    let check = key
        .as_ref()
        .and_then(|(t, items)| state.copy_check.as_ref().filter(|c| c.is_for(t, items)));
    if let Some((t, items)) = &key
        && check.is_none()
    {
        if now - form.changed_at >= ASK_AFTER_S {
            actions.push(UiAction::Transfer(TransferAction::CheckCopyTarget {
                target: t.clone(),
                items: items.clone(),
            }));
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(ASK_AFTER_S));
        }
    }
    let verdict = target_verdict(check, form.allow_moves);
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
            confirm: Some((icon::COPY, "Copy", checked.is_ok() && verdict.ready())),
            dismiss: "Cancel",
        },
        |ui| {
            body_ui(ui, form, state, &spec, checked.as_ref().err());
            target_check_ui(ui, form, check, &verdict, actions);
        },
    );
    match outcome {
        Outcome::Confirmed => {
            if let (Ok((items, create)), Verdict::Ready { allowed_moves }) = (checked, verdict) {
                actions.push(UiAction::Transfer(TransferAction::StartCopy {
                    source: form.source.clone(),
                    target: target_ref,
                    items,
                    create,
                    allowed_moves,
                    with_referrers: form.with_referrers,
                }));
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
) {
    let err = |ui: &mut Ui, e: Option<&String>, help: &str| {
        crate::ui::widgets::field_note(ui, e.map(String::as_str), help);
    };
    let from = state
        .registry(&form.source.key())
        .map(crate::state::RegistryState::target_line)
        .unwrap_or_default();
    ui.label(format!("From {} in {from}", form.source.name));
    // Which images: the selection may have changed since the dialog opened.
    ui.label(RichText::new(images_line(&form.images)).monospace());
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
    let known = state.open_images().map_or(0, |ri| {
        crate::supply_chain::artifacts::known_artifacts(ri, form.images.iter().map(|(d, _)| *d))
    });
    ui.checkbox(
        &mut form.with_referrers,
        if known > 0 {
            format!("With their signatures, SBOMs and attestations ({known} known so far)")
        } else {
            "With their signatures, SBOMs and attestations (if any)".to_owned()
        },
    )
    .on_hover_text("OCI 1.1 referrers (ListImageReferrers, recursively) and cosign's sha256-<hex>.sig/.att/.sbom tags. One the target refuses is named after the copy; the images still land.");
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
}

/// The images a copy takes, in one line: digest and source tags, the first
/// three, then how many more.
fn images_line(images: &[(Digest, Vec<String>)]) -> String {
    let mut parts: Vec<String> = images
        .iter()
        .take(3)
        .map(|(d, tags)| {
            if tags.is_empty() {
                format!("{} (untagged)", d.short())
            } else {
                format!("{} ({})", d.short(), tags.join(", "))
            }
        })
        .collect();
    if images.len() > 3 {
        parts.push(format!("and {} more", images.len() - 3));
    }
    parts.join(" · ")
}

impl crate::ui::modal::Dialog for CopyForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        copy_ui(cx.ctx, cx.first, self, cx.state, cx.actions)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_images_line_names_digests_and_tags_and_counts_the_rest() {
        let d = |b: u8| Digest([b; 32]);
        let one = super::images_line(&[(d(1), vec!["v1".into(), "latest".into()])]);
        assert_eq!(one, format!("{} (v1, latest)", d(1).short()));
        let five: Vec<_> = (1..=5).map(|b| (d(b), Vec::new())).collect();
        let line = super::images_line(&five);
        assert!(
            line.starts_with(&format!("{} (untagged) · ", d(1).short())),
            "{line}"
        );
        assert!(line.ends_with(" · and 2 more"), "{line}");
    }

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

    fn checked(
        result: Result<crate::model::transfer::TargetCheck, String>,
    ) -> crate::state::CopyCheck {
        crate::state::CopyCheck {
            request: 1,
            target: RepoRef::new(&spec("us-east-1"), "prod/api"),
            items: vec![],
            result: Some(result),
        }
    }

    #[test]
    fn a_tag_that_moves_needs_the_tick_and_is_pinned_to_its_image() {
        use crate::model::transfer::{TagVerdict, TargetCheck};
        let (copy, now) = (Digest([1; 32]), Digest([2; 32]));
        assert_eq!(target_verdict(None, true), Verdict::Checking);
        let t = TargetCheck {
            repository: None,
            verdicts: vec![
                (copy, "latest".into(), TagVerdict::Moves { from: now }),
                (copy, "v2".into(), TagVerdict::New),
            ],
        };
        let c = checked(Ok(t));
        assert_eq!(target_verdict(Some(&c), false), Verdict::NeedsTick);
        assert_eq!(
            target_verdict(Some(&c), true),
            Verdict::Ready {
                allowed_moves: vec![("latest".into(), now)]
            }
        );
        let refused = checked(Ok(TargetCheck {
            repository: None,
            verdicts: vec![(copy, "v1".into(), TagVerdict::Refused { held_by: now })],
        }));
        assert!(matches!(
            target_verdict(Some(&refused), true),
            Verdict::Refused(_)
        ));
        let failed = checked(Err("no route".into()));
        assert!(!target_verdict(Some(&failed), true).ready());
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
