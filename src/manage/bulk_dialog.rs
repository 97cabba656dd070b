//! Bulk settings: apply tag mutability (with filters) or scan on push to
//! several repositories, after a preview of each one's current and new value;
//! afterwards, a result per repository.

use crate::ui::ManageAction;
use egui::{RichText, Ui};

use crate::manage::settings_dialog::{self, MutabilityForm};
use crate::message::RepoChange;
use crate::model::{RegistrySpec, Repository, TagMutability};
use crate::state::RegistryState;
use crate::ui::UiAction;
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkWhat {
    Mutability,
    ScanOnPush,
    /// Add (or replace) one resource tag on every repository.
    ResourceTag,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkForm {
    /// The registry, pinned when the dialog opened.
    pub registry: RegistrySpec,
    /// Profile · account · region.
    pub target: String,
    pub repositories: Vec<String>,
    pub what: BulkWhat,
    pub mutability: MutabilityForm,
    pub scan_on_push: bool,
    /// The resource tag to put on every repository.
    pub tag_key: String,
    pub tag_value: String,
    /// Set once applied: the dialog then shows results.
    pub applied: bool,
}

impl BulkForm {
    pub fn new(registry: &RegistrySpec, target: String, repositories: Vec<String>) -> Self {
        Self {
            registry: registry.clone(),
            target,
            repositories,
            what: BulkWhat::Mutability,
            mutability: MutabilityForm::new(TagMutability::Immutable),
            scan_on_push: true,
            tag_key: String::new(),
            tag_value: String::new(),
            applied: false,
        }
    }

    /// The change to send, if the form is valid.
    pub fn change(&self) -> Option<RepoChange> {
        match self.what {
            BulkWhat::Mutability => self.mutability.check().ok().map(RepoChange::TagMutability),
            BulkWhat::ScanOnPush => Some(RepoChange::ScanOnPush(self.scan_on_push)),
            // The ARN is each repository's own: the app fills it in per
            // repository when it applies the change.
            BulkWhat::ResourceTag => {
                let (k, v) = (self.tag_key.trim(), self.tag_value.trim());
                crate::validate::resource_tag(k, v).ok()?;
                Some(RepoChange::ResourceTags {
                    arn: String::new(),
                    set: vec![(k.to_owned(), v.to_owned())],
                    remove: Vec::new(),
                })
            }
        }
    }

    /// (repository, current value, new value) for the preview.
    pub fn preview(&self, repos: &[Repository]) -> Vec<(String, String, String)> {
        let new = match self.change() {
            Some(RepoChange::TagMutability(s)) => label(&s),
            Some(RepoChange::ScanOnPush(on)) => on_off(on).to_owned(),
            Some(RepoChange::ResourceTags { set, .. }) => set
                .first()
                .map_or_else(|| "—".to_owned(), |(k, v)| format!("{k}={v}")),
            None => "—".to_owned(),
        };
        self.repositories
            .iter()
            .map(|name| {
                let current = repos.iter().find(|r| &r.name == name).map_or_else(
                    || "unknown".to_owned(),
                    |r| match self.what {
                        BulkWhat::Mutability => label(&r.tag_mutability),
                        BulkWhat::ScanOnPush => on_off(r.scan_on_push).to_owned(),
                        BulkWhat::ResourceTag => "(adds or replaces the key)".to_owned(),
                    },
                );
                (name.clone(), current, new.clone())
            })
            .collect()
    }
}

fn label(s: &crate::model::TagMutabilitySetting) -> String {
    if s.exclusion_filters.is_empty() {
        s.mode.label().to_owned()
    } else {
        format!("{} ({})", s.mode.label(), s.exclusion_filters.join(", "))
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "scan on push" } else { "no scan on push" }
}

pub fn bulk_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut BulkForm,
    reg: &RegistryState,
    actions: &mut Vec<UiAction>,
) -> bool {
    let repos = reg
        .repositories
        .shown()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let title = format!("Bulk settings for {} repositories", form.repositories.len());
    let apply = format!("Apply to {} repositories", form.repositories.len());
    let change = form.change();
    let target = form.target.clone();
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "bulk_settings",
            title: &title,
            target: Some(&target),
            width: 620.0,
            top: Some(60.0),
        },
        Footer {
            confirm: (!form.applied).then_some(("", apply.as_str(), change.is_some())),
            dismiss: "Close",
        },
        |ui| bulk_body_ui(ui, form, reg, repos),
    );
    match outcome {
        Outcome::Confirmed => {
            if let Some(c) = change {
                actions.push(UiAction::Manage(ManageAction::ApplyBulk(
                    form.registry.clone(),
                    form.repositories.clone(),
                    c,
                )));
                form.applied = true;
            }
            true
        }
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

fn bulk_body_ui(ui: &mut Ui, form: &mut BulkForm, reg: &RegistryState, repos: &[Repository]) {
    let palette = style::palette(ui.visuals());
    ui.add_enabled_ui(!form.applied, |ui| {
        ui.horizontal(|ui| {
            ui.radio_value(&mut form.what, BulkWhat::Mutability, "Tag immutability");
            ui.radio_value(&mut form.what, BulkWhat::ScanOnPush, "Scan on push");
            ui.radio_value(&mut form.what, BulkWhat::ResourceTag, "Resource tag");
        });
        match form.what {
            BulkWhat::Mutability => {
                ui.horizontal_wrapped(|ui| {
                    for mode in TagMutability::ALL {
                        ui.radio_value(&mut form.mutability.mode, mode, mode.label())
                            .on_hover_text(settings_dialog::explain(mode));
                    }
                });
                if form.mutability.mode.needs_filters() {
                    let mut joined = form.mutability.filters.join(", ");
                    let l = ui.label("Exclusion filters (comma-separated)");
                    if ui
                        .add(
                            egui::TextEdit::singleline(&mut joined)
                                .id_salt("bulk_filters")
                                .desired_width(360.0),
                        )
                        .labelled_by(l.id)
                        .changed()
                    {
                        form.mutability.filters =
                            joined.split(',').map(|s| s.trim().to_owned()).collect();
                    }
                    if let Err((per, overall)) = form.mutability.check()
                        && let Some(m) = overall.or_else(|| per.into_iter().flatten().next())
                    {
                        ui.colored_label(palette.error, format!("{} {m}", icon::WARNING));
                    }
                }
            }
            BulkWhat::ScanOnPush => {
                ui.checkbox(&mut form.scan_on_push, "Scan on push");
            }
            BulkWhat::ResourceTag => {
                ui.horizontal(|ui| {
                    let l = ui.label("Key");
                    ui.add(
                        egui::TextEdit::singleline(&mut form.tag_key)
                            .id_salt("bulk_tag_key")
                            .hint_text("team")
                            .desired_width(140.0),
                    )
                    .labelled_by(l.id);
                    let l = ui.label("Value");
                    ui.add(
                        egui::TextEdit::singleline(&mut form.tag_value)
                            .id_salt("bulk_tag_value")
                            .hint_text("payments")
                            .desired_width(140.0),
                    )
                    .labelled_by(l.id);
                });
                if !form.tag_key.is_empty()
                    && let Err(e) =
                        crate::validate::resource_tag(form.tag_key.trim(), form.tag_value.trim())
                {
                    ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
                }
            }
        }
    });
    ui.separator();
    egui::Grid::new("bulk_preview")
        .num_columns(4)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Repository").strong());
            ui.label(RichText::new("Now").strong());
            ui.label(RichText::new("New").strong());
            ui.label(RichText::new(if form.applied { "Result" } else { "" }).strong());
            ui.end_row();
            for (name, current, new) in form.preview(repos) {
                ui.label(&name);
                ui.label(current);
                ui.label(new);
                if form.applied {
                    result_ui(ui, reg, &name);
                } else {
                    ui.label("");
                }
                ui.end_row();
            }
        });
}

/// "done" only for a change the server confirmed; a change not answered yet
/// waits, a refused one says why on hover.
fn result_ui(ui: &mut Ui, reg: &RegistryState, name: &str) {
    let palette = style::palette(ui.visuals());
    if reg.pending.contains_key(name) {
        ui.spinner();
    } else if let Some(e) = reg.change_errors.get(name) {
        ui.colored_label(palette.error, format!("{} failed", icon::ERROR))
            .on_hover_text(e.to_string());
    } else if reg.change_ok.contains(name) {
        ui.colored_label(palette.ok, format!("{} done", icon::OK));
    } else {
        ui.colored_label(palette.muted, "not applied");
    }
}

impl crate::ui::modal::Dialog for BulkForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        match cx.state.registry(&self.registry.key()) {
            Some(reg) => bulk_ui(cx.ctx, cx.first, self, reg, cx.actions),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_lists_current_and_new() {
        let mut r = Repository {
            name: "a".into(),
            arn: String::new(),
            registry_id: String::new(),
            uri: String::new(),
            created_at: None,
            tag_mutability: Default::default(),
            encryption: Default::default(),
            scan_on_push: false,
        };
        let b = Repository {
            name: "b".into(),
            scan_on_push: true,
            ..r.clone()
        };
        r.tag_mutability.mode = TagMutability::Immutable;
        let mut f = BulkForm::new(
            &crate::state::demo_spec(),
            String::new(),
            vec!["a".into(), "b".into(), "gone".into()],
        );
        let p = f.preview(&[r.clone(), b.clone()]);
        assert_eq!(p[0], ("a".into(), "Immutable".into(), "Immutable".into()));
        assert_eq!(p[1].1, "Mutable");
        assert_eq!(p[2].1, "unknown");
        f.what = BulkWhat::ScanOnPush;
        f.scan_on_push = false;
        let p = f.preview(&[r, b]);
        assert_eq!(
            p[1],
            ("b".into(), "scan on push".into(), "no scan on push".into())
        );
        f.what = BulkWhat::Mutability;
        f.mutability.mode = TagMutability::MutableWithExclusion;
        assert_eq!(f.change(), None, "exclusion modes need filters");
    }
}
