//! Repository settings: tag immutability (four modes, 1..5 exclusion filters),
//! the older per-repository scan-on-push switch, encryption (read only: ECR
//! fixes it at creation) and deletion. Every change is pending until the
//! server answers; the row then shows the value re-read from the server.

use crate::ui::{BrowseAction, ManageAction, TransferAction};
use egui::{RichText, Ui};

use crate::model::{RepoRef, Repository, TagMutability, TagMutabilitySetting};
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};
use crate::validate;

/// The settings dialog: its repository, pinned when it opened, and the
/// editable copy of the tag mutability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoSettingsForm {
    pub repo: RepoRef,
    /// Profile · account · region.
    pub target: String,
    pub mutability: MutabilityForm,
    /// A resource tag being added.
    pub new_tag_key: String,
    pub new_tag_value: String,
}

impl RepoSettingsForm {
    pub fn new(repo: RepoRef, target: String, r: &Repository) -> Self {
        Self {
            repo,
            target,
            mutability: MutabilityForm::from_repo(r),
            new_tag_key: String::new(),
            new_tag_value: String::new(),
        }
    }
}

/// An editable tag mutability mode with its exclusion filters (the
/// settings dialog, create repository, bulk settings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MutabilityForm {
    pub mode: TagMutability,
    pub filters: Vec<String>,
}

impl MutabilityForm {
    pub fn new(mode: TagMutability) -> Self {
        Self {
            mode,
            filters: vec![String::new()],
        }
    }

    pub fn from_repo(r: &Repository) -> Self {
        let mut filters = r.tag_mutability.exclusion_filters.clone();
        if filters.is_empty() {
            filters.push(String::new());
        }
        Self {
            mode: r.tag_mutability.mode,
            filters,
        }
    }

    /// The setting to send, or the message per filter (and overall).
    pub fn check(&self) -> Checked {
        if !self.mode.needs_filters() {
            return Ok(TagMutabilitySetting {
                mode: self.mode,
                exclusion_filters: Vec::new(),
            });
        }
        let filled: Vec<&String> = self
            .filters
            .iter()
            .filter(|f| !f.trim().is_empty())
            .collect();
        let per: Vec<Option<String>> = self
            .filters
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    None
                } else {
                    validate::exclusion_filter(f.trim()).err()
                }
            })
            .collect();
        let overall = if filled.is_empty() {
            Some(format!(
                "{} needs at least one exclusion filter.",
                self.mode.label()
            ))
        } else if filled.len() > 5 {
            Some("At most 5 exclusion filters.".to_owned())
        } else {
            None
        };
        if overall.is_some() || per.iter().any(Option::is_some) {
            return Err((per, overall));
        }
        Ok(TagMutabilitySetting {
            mode: self.mode,
            exclusion_filters: filled.into_iter().map(|f| f.trim().to_owned()).collect(),
        })
    }
}

/// One line per mode, as the dialog explains them.
pub fn explain(mode: TagMutability) -> &'static str {
    match mode {
        TagMutability::Mutable => "Tags can be pushed again and move to the new image.",
        TagMutability::Immutable => "A tag, once pushed, always names the same image.",
        TagMutability::ImmutableWithExclusion => {
            "Tags are immutable, except those matching a filter (e.g. latest, dev-*)."
        }
        TagMutability::MutableWithExclusion => {
            "Tags can move, except those matching a filter (e.g. release-*), which are immutable."
        }
    }
}

/// What the dialog needs from the app besides the form.
pub struct SettingsContext<'a> {
    pub repo: &'a Repository,
    pub pending: bool,
    pub error: Option<&'a crate::model::EcrError>,
    pub effective_scan: Option<crate::model::ScanFrequency>,
    pub image_count: Option<usize>,
    /// The repository's resource tags, once read.
    pub tags: Option<&'a [(String, String)]>,
}

/// Draws the dialog. Returns false when it should close.
pub fn repo_settings_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut RepoSettingsForm,
    cx: &SettingsContext<'_>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let mut open = true;
    let title = format!("Settings of {}", cx.repo.name);
    let target = form.target.clone();
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "repo_settings",
            title: &title,
            target: Some(&target),
            width: 600.0,
            top: Some(60.0),
        },
        Footer {
            confirm: None,
            dismiss: "Close",
        },
        |ui| {
            let palette = style::palette(ui.visuals());
            ui.label(RichText::new(format!("{} Tag immutability", icon::LOCK)).strong());
            let checked = mutability_ui(ui, &mut form.mutability);
            ui.horizontal(|ui| {
                let unchanged = checked.as_ref().is_ok_and(|s| *s == cx.repo.tag_mutability);
                let can_apply = checked.is_ok() && !unchanged && !cx.pending;
                if ui
                    .add_enabled(can_apply, egui::Button::new("Apply tag immutability"))
                    .clicked()
                    && let Ok(s) = &checked
                {
                    actions.push(UiAction::Manage(ManageAction::ApplyTagMutability(
                        form.repo.clone(),
                        s.clone(),
                    )));
                }
                if cx.pending {
                    ui.spinner();
                    ui.label("Saving…");
                }
                if let Some(e) = cx.error {
                    ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
                }
            });
            ui.label(
                RichText::new(format!(
                    "On the server now: {}{}",
                    cx.repo.tag_mutability.mode.label(),
                    filters_note(&cx.repo.tag_mutability)
                ))
                .color(palette.muted),
            );

            ui.separator();
            ui.label(RichText::new(format!("{} Scanning", icon::SHIELD_CHECK)).strong());
            if let Some(f) = cx.effective_scan {
                ui.label(format!(
                    "Effective scan frequency (registry scanning rules): {}",
                    f.label()
                ));
            }
            let mut on = cx.repo.scan_on_push;
            let r = ui.add_enabled(
                !cx.pending,
                egui::Checkbox::new(
                    &mut on,
                    "Scan on push (older per-repository switch; registry rules take precedence)",
                ),
            );
            if r.changed() {
                actions.push(UiAction::Manage(ManageAction::SetScanOnPush(
                    form.repo.clone(),
                    on,
                )));
            }

            ui.separator();
            tags_ui(ui, form, cx, actions);

            ui.separator();
            ui.label(RichText::new(format!("{} Encryption", icon::KEY)).strong());
            ui.label(cx.repo.encryption.label());
            if let Some(k) = &cx.repo.encryption.kms_key {
                ui.label(RichText::new(k).monospace());
            }
            ui.label(
                RichText::new(
                    "ECR fixes encryption when a repository is created; it cannot be changed afterwards.",
                )
                .color(palette.muted),
            );
            if ui
                .button(format!("{} Re-encrypt…", icon::KEY))
                .on_hover_text("A new repository with other encryption, these settings and every image; then a comparison; deleting the old one is up to you")
                .clicked()
            {
                actions.push(UiAction::Transfer(TransferAction::OpenReencrypt(form.repo.clone())));
            }
            if ui
                .button("Create a new repository with these settings…")
                .clicked()
            {
                actions.push(UiAction::Manage(ManageAction::OpenCreateRepository(
                    form.repo.key(),
                    Some(form.repo.name.clone()),
                )));
                open = false;
            }

            ui.separator();
            let images = cx
                .image_count
                .map_or_else(String::new, |n| format!(" ({n} images go with it)"));
            if widgets::icon_button(ui, icon::TRASH, &format!("Delete repository…{images}"))
                .clicked()
            {
                actions.push(UiAction::Manage(ManageAction::OpenDeleteRepository(
                    form.repo.clone(),
                )));
                open = false;
            }
        },
    );
    open && outcome == Outcome::Open
}

/// The four modes with a line each, and the exclusion filters when the mode
/// needs them, each checked as typed. Returns the setting or the problems.
pub fn mutability_ui(ui: &mut Ui, form: &mut MutabilityForm) -> Checked {
    let palette = style::palette(ui.visuals());
    for mode in TagMutability::ALL {
        ui.radio_value(&mut form.mode, mode, mode.label());
        ui.label(RichText::new(explain(mode)).weak());
    }
    let checked = form.check();
    if form.mode.needs_filters() {
        ui.add_space(4.0);
        ui.label("Exclusion filters (wildcard *, at most two; letters, digits, . _ -):");
        let per = checked
            .as_ref()
            .err()
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        let mut remove = None;
        for (i, f) in form.filters.iter_mut().enumerate() {
            ui.horizontal(|ui| {
                let name = format!("Exclusion filter {}", i + 1);
                let r = ui.add(
                    egui::TextEdit::singleline(f)
                        .id_salt(("filter", i))
                        .hint_text("e.g. release-*")
                        .desired_width(240.0),
                );
                r.widget_info(move || {
                    egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name)
                });
                if widgets::icon_only_button(ui, icon::X, &format!("Remove filter {}", i + 1))
                    .clicked()
                {
                    remove = Some(i);
                }
                if let Some(Some(e)) = per.get(i) {
                    ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
                }
            });
        }
        if let Some(i) = remove {
            form.filters.remove(i);
        }
        if form.filters.len() < 5 && widgets::icon_button(ui, icon::PLUS, "Add filter").clicked() {
            form.filters.push(String::new());
        }
        if let Err((_, Some(overall))) = &checked {
            ui.colored_label(palette.error, format!("{} {overall}", icon::WARNING));
        }
    }
    checked
}

/// A checked mutability form: the setting, or a message per filter (and
/// overall).
pub type Checked = Result<TagMutabilitySetting, (Vec<Option<String>>, Option<String>)>;

fn filters_note(s: &TagMutabilitySetting) -> String {
    if s.exclusion_filters.is_empty() {
        String::new()
    } else {
        format!(" (except {})", s.exclusion_filters.join(", "))
    }
}

/// Resource tags: each with a remove button, and a key/value pair to add,
/// checked as AWS checks tags before any call.
fn tags_ui(
    ui: &mut Ui,
    form: &mut RepoSettingsForm,
    cx: &SettingsContext<'_>,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    ui.label(RichText::new(format!("{} Resource tags", icon::TAG)).strong());
    let Some(tags) = cx.tags else {
        actions.push(UiAction::Browse(BrowseAction::NeedRepoTags(
            form.repo.key(),
            vec![form.repo.name.clone()],
        )));
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Reading the tags…");
        });
        return;
    };
    let change = |set: Vec<(String, String)>, remove: Vec<String>| {
        UiAction::Manage(ManageAction::ChangeRepository(
            form.repo.clone(),
            crate::message::RepoChange::ResourceTags {
                arn: cx.repo.arn.clone(),
                set,
                remove,
            },
        ))
    };
    ui.horizontal_wrapped(|ui| {
        if tags.is_empty() {
            ui.label(RichText::new("No tags.").color(palette.muted));
        }
        for (k, v) in tags {
            ui.label(RichText::new(format!("{k}={v}")).monospace());
            if widgets::icon_only_button(ui, icon::X, &format!("Remove tag {k}")).clicked()
                && !cx.pending
            {
                actions.push(change(Vec::new(), vec![k.clone()]));
            }
        }
    });
    let key = form.new_tag_key.trim().to_owned();
    let value = form.new_tag_value.trim().to_owned();
    let mut after: Vec<(String, String)> =
        tags.iter().filter(|(k, _)| *k != key).cloned().collect();
    after.push((key.clone(), value.clone()));
    let check = crate::validate::resource_tag(&key, &value)
        .and_then(|()| crate::validate::resource_tags(&after));
    ui.horizontal(|ui| {
        let l = ui.label("Key");
        ui.add(
            egui::TextEdit::singleline(&mut form.new_tag_key)
                .id_salt("tag_key")
                .hint_text("team")
                .desired_width(140.0),
        )
        .labelled_by(l.id);
        let l = ui.label("Value");
        ui.add(
            egui::TextEdit::singleline(&mut form.new_tag_value)
                .id_salt("tag_value")
                .hint_text("payments")
                .desired_width(140.0),
        )
        .labelled_by(l.id);
        let b = ui.add_enabled(
            check.is_ok() && !cx.pending,
            egui::Button::new(format!("{} Add tag", icon::PLUS)),
        );
        if b.clicked() {
            actions.push(change(vec![(key.clone(), value.clone())], Vec::new()));
            form.new_tag_key.clear();
            form.new_tag_value.clear();
        }
    });
    if let (Err(e), false) = (&check, form.new_tag_key.is_empty()) {
        ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
    }
}

impl crate::ui::modal::Dialog for RepoSettingsForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        let reg = cx.state.registry(&self.repo.key());
        let Some((reg, repo)) =
            reg.and_then(|r| r.repository(&self.repo.name).map(|repo| (r, repo)))
        else {
            // The repository is gone (deleted here or elsewhere).
            return false;
        };
        let settings = SettingsContext {
            pending: reg.pending.contains_key(&repo.name),
            error: reg.change_errors.get(&repo.name),
            effective_scan: reg.scan_frequency(&repo.name),
            image_count: reg
                .images
                .get(&repo.name)
                .and_then(crate::state::RepoImages::totals)
                .map(|t| t.images()),
            tags: reg
                .resource_tags
                .get(&repo.name)
                .and_then(crate::state::Requested::shown)
                .map(Vec::as_slice),
            repo,
        };
        repo_settings_ui(cx.ctx, cx.first, self, &settings, cx.actions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(mode: TagMutability, filters: &[&str]) -> MutabilityForm {
        MutabilityForm {
            mode,
            filters: filters.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    #[test]
    fn modes_without_filters_drop_them() {
        let s = form(TagMutability::Immutable, &["x"])
            .check()
            .expect("valid");
        assert!(s.exclusion_filters.is_empty());
    }

    #[test]
    fn exclusion_modes_need_valid_filters() {
        let (_, overall) = form(TagMutability::ImmutableWithExclusion, &["", " "])
            .check()
            .expect_err("none");
        assert!(overall.is_some_and(|m| m.contains("at least one")));
        let (per, _) = form(
            TagMutability::MutableWithExclusion,
            &["ok-*", "a*b*c*", "bad/char"],
        )
        .check()
        .expect_err("bad");
        assert_eq!(per[0], None);
        assert!(per[1].as_deref().is_some_and(|m| m.contains("two '*'")));
        assert!(
            per[2]
                .as_deref()
                .is_some_and(|m| m.contains("only letters"))
        );
        let (_, overall) = form(
            TagMutability::MutableWithExclusion,
            &["a", "b", "c", "d", "e", "f"],
        )
        .check()
        .expect_err("six");
        assert!(overall.is_some_and(|m| m.contains("At most 5")));
        let ok = form(
            TagMutability::ImmutableWithExclusion,
            &[" latest ", "", "dev-*"],
        )
        .check()
        .expect("valid");
        assert_eq!(ok.exclusion_filters, ["latest", "dev-*"]);
    }
}
