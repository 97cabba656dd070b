//! The open repository's lifecycle policy: a rule-by-rule form and the raw
//! JSON side by side (each edits the other), ECR's limits checked before any
//! call, a preview of the images that would expire, apply and delete.

use crate::ui::{LifecycleAction, ShellAction};
use egui::{RichText, Ui};

pub use crate::lifecycle::draft::{LifecycleView, RuleDraft};
use crate::lifecycle_policy::{self as lp, ActionKind, CountType, TagStatus};
use crate::model::PreviewStatus;
use crate::state::{AppState, Requested};
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, json_view, widgets};

pub fn lifecycle_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut LifecycleView,
    actions: &mut Vec<UiAction>,
) {
    let (Some(reg), Some(target)) = (state.selected_registry(), state.open_repo()) else {
        return;
    };
    let repo = target.name.clone();
    let palette = style::palette(ui.visuals());
    let doc = reg.docs.lifecycle.get(&repo);
    let server: Option<Option<&str>> = doc
        .and_then(Requested::shown)
        .map(|p| p.as_ref().map(|p| p.text.as_str()));
    let loading = doc.is_some_and(Requested::is_loading);
    // A new repository, or the server's policy changed under an untouched
    // draft (after apply/delete): start from what the server holds.
    if let Some(server) = server {
        let stale = match &view.source {
            Some((r, text)) => *r != repo || (text.as_deref() != server && !loading),
            None => true,
        };
        if stale {
            view.load(&repo, server);
        }
    }
    ui.horizontal(|ui| {
        ui.heading(format!("Lifecycle policy of {repo}"));
        if loading {
            ui.spinner();
        }
    });
    if let Some(e) = doc.and_then(Requested::error) {
        ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
    }
    if let Some(e) = reg.docs.lifecycle_error.get(&repo) {
        ui.colored_label(
            palette.error,
            format!("{} Last change failed: {e}", icon::ERROR),
        );
    }
    let Some(server) = server else {
        ui.label("Reading the lifecycle policy…");
        return;
    };
    let evaluated = doc
        .and_then(Requested::shown)
        .and_then(|p| p.as_ref())
        .and_then(|p| p.last_evaluated_at);
    ui.label(
        RichText::new(match (server, evaluated) {
            (None, _) => {
                "This repository has no lifecycle policy yet: the draft below is a starting point."
                    .to_owned()
            }
            (Some(_), Some(t)) => format!("Last evaluated by ECR {}.", widgets::exact_time(ui, t)),
            (Some(_), None) => "ECR has not evaluated this policy yet.".to_owned(),
        })
        .color(palette.muted),
    );
    let verdict = view.verdict();
    let bar = Bar {
        reg,
        target: &target,
        server,
        loading,
        valid: verdict.is_ok(),
    };
    ui.horizontal_wrapped(|ui| actions_bar_ui(ui, &bar, view, actions));
    match &verdict {
        Ok(_) => {
            ui.colored_label(palette.ok, format!("{} Valid for ECR.", icon::OK));
        }
        Err(e) => {
            ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
        }
    }
    ui.add_space(style::GAP);
    preview_ui(ui, reg.docs.preview.get(&repo));
    if let Some(p) = reg.docs.preview.get(&repo).and_then(Requested::shown) {
        let prices = ecr_core::cost::prices_for(&reg.spec.region)
            .with_standard(state.settings.storage_price);
        let images = reg.images.get(&repo).and_then(|ri| ri.list.shown());
        crate::insight::savings_view::savings_ui(ui, p, images.map(|l| l.as_slice()), prices);
    }
    // Form and JSON side by side.
    let height = ui.available_height();
    ui.columns(2, |cols| {
        let (left, right) = cols.split_at_mut(1);
        egui::ScrollArea::vertical()
            .id_salt("lifecycle_form")
            .max_height(height)
            .show(&mut left[0], |ui| {
                if rules_form_ui(ui, view) {
                    view.form_edited();
                }
            });
        let ui = &mut right[0];
        ui.label(RichText::new("JSON").strong());
        if let Some(e) = &view.raw_error {
            ui.colored_label(palette.warning, format!("{} {e}", icon::WARNING));
        }
        egui::ScrollArea::vertical()
            .id_salt("lifecycle_json")
            .max_height(height)
            .show(ui, |ui| {
                let mut layouter = |ui: &Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
                    let mut job = json_view::json_job(ui, buf.as_str());
                    job.wrap.max_width = wrap;
                    ui.fonts_mut(|f| f.layout_job(job))
                };
                let r = ui.add(
                    egui::TextEdit::multiline(&mut view.raw)
                        .id_salt("lifecycle_raw")
                        .code_editor()
                        .desired_width(f32::INFINITY)
                        .desired_rows(20)
                        .layouter(&mut layouter),
                );
                r.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Policy JSON")
                });
                if r.changed() {
                    view.raw_edited();
                }
            });
    });
}

/// What the action bar needs besides the view.
struct Bar<'a> {
    reg: &'a crate::state::RegistryState,
    target: &'a crate::model::RepoRef,
    /// The policy text the server holds (`None`: no policy).
    server: Option<&'a str>,
    loading: bool,
    valid: bool,
}

/// Preview, Apply (confirmed), Revert, Delete (confirmed), copy, size.
fn actions_bar_ui(
    ui: &mut Ui,
    bar: &Bar<'_>,
    view: &mut LifecycleView,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let (reg, target, server, loading, valid) =
        (bar.reg, bar.target, bar.server, bar.loading, bar.valid);
    let repo = target.name.clone();
    let preview = reg.docs.preview.get(&repo);
    let previewing = preview.is_some_and(Requested::is_loading);
    if ui
        .add_enabled(
            valid && !previewing,
            egui::Button::new(format!("{} Preview", icon::EYE)),
        )
        .on_hover_text("Ask ECR which images this draft would expire (nothing is deleted)")
        .clicked()
    {
        actions.push(UiAction::Lifecycle(LifecycleAction::Preview(
            target.clone(),
            view.raw.clone(),
        )));
    }
    if ui
        .add_enabled(
            valid && view.dirty() && !loading,
            egui::Button::new(format!("{} Apply", icon::OK)),
        )
        .clicked()
    {
        actions.push(UiAction::Shell(ShellAction::Confirm {
            title: format!("Apply this lifecycle policy to {repo}?"),
            confirm: "Apply policy".into(),
            body: format!(
                "The policy of {repo} is replaced by this one. ECR evaluates it within 24 hours \
                 and then expires (deletes) or archives the images it selects. Preview it \
                 first to see which."
            ),
            target: reg.target_line(),
            action: Box::new(UiAction::Lifecycle(LifecycleAction::Save(
                target.clone(),
                view.raw.clone(),
            ))),
        }));
    }
    if ui
        .add_enabled(view.dirty(), egui::Button::new("Revert"))
        .on_hover_text("Back to what the server holds")
        .clicked()
    {
        view.load(&repo, server);
    }
    if server.is_some() && widgets::icon_button(ui, icon::TRASH, "Delete policy").clicked() {
        actions.push(UiAction::Shell(ShellAction::Confirm {
            title: format!("Delete the lifecycle policy of {repo}?"),
            confirm: "Delete policy".into(),
            body: format!(
                "The lifecycle policy of {repo} is deleted: images stop being expired by it. \
                 This does not delete any image."
            ),
            target: reg.target_line(),
            action: Box::new(UiAction::Lifecycle(LifecycleAction::Delete(target.clone()))),
        }));
    }
    widgets::copy_button(ui, "policy JSON", &view.raw);
    ui.label(
        RichText::new(format!(
            "{} rule{} · {} of {} characters",
            view.rules.len(),
            if view.rules.len() == 1 { "" } else { "s" },
            view.raw.len(),
            lp::MAX_TEXT
        ))
        .color(palette.muted),
    );
}

/// The rules as a form; returns whether anything changed.
fn rules_form_ui(ui: &mut Ui, view: &mut LifecycleView) -> bool {
    let mut changed = false;
    let mut remove = None;
    for (i, r) in view.rules.iter_mut().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label("Priority");
                changed |= ui
                    .add(egui::DragValue::new(&mut r.priority).range(1..=999))
                    .changed();
                let l = ui.label("Description");
                changed |= ui
                    .add(
                        egui::TextEdit::singleline(&mut r.description)
                            .id_salt(("lc_desc", i))
                            .desired_width(200.0),
                    )
                    .labelled_by(l.id)
                    .changed();
                if widgets::icon_only_button(
                    ui,
                    icon::TRASH,
                    &format!("Remove rule {}", r.priority),
                )
                .clicked()
                {
                    remove = Some(i);
                }
            });
            ui.horizontal(|ui| {
                ui.label("Action");
                for (a, label, hover) in [
                    (ActionKind::Expire, "expire (delete)", "Delete the selected images"),
                    (
                        ActionKind::Transition,
                        "archive",
                        "Move the selected images to the archive storage class: not pullable or scannable until restored, billed at least 90 days",
                    ),
                ] {
                    let allowed = a == ActionKind::Expire
                        || r.count_type != CountType::SinceImageTransitioned;
                    changed |= ui
                        .add_enabled(allowed, egui::RadioButton::new(r.action == a, label))
                        .on_hover_text(hover)
                        .on_disabled_hover_text("Archived images can only expire")
                        .clicked()
                        && {
                            r.action = a;
                            true
                        };
                }
            });
            ui.horizontal(|ui| {
                ui.label("Images");
                for (s, label) in [
                    (TagStatus::Untagged, "untagged"),
                    (TagStatus::Tagged, "tagged"),
                    (TagStatus::Any, "any"),
                ] {
                    changed |= ui.radio_value(&mut r.tag_status, s, label).changed();
                }
            });
            if r.tag_status == TagStatus::Tagged {
                ui.horizontal(|ui| {
                    let l = ui.label("Tag prefixes");
                    changed |= ui
                        .add(
                            egui::TextEdit::singleline(&mut r.prefixes)
                                .id_salt(("lc_prefixes", i))
                                .hint_text("v, release-")
                                .desired_width(160.0),
                        )
                        .labelled_by(l.id)
                        .changed();
                    let l = ui.label("or patterns");
                    changed |= ui
                        .add(
                            egui::TextEdit::singleline(&mut r.patterns)
                                .id_salt(("lc_patterns", i))
                                .hint_text("*-rc*")
                                .desired_width(140.0),
                        )
                        .labelled_by(l.id)
                        .changed();
                });
            }
            ui.horizontal(|ui| {
                let mut picked = r.count_type;
                egui::ComboBox::from_id_salt(("lc_count_type", i))
                    .selected_text(count_type_label(picked))
                    .show_ui(ui, |ui| {
                        for t in CountType::ALL {
                            ui.selectable_value(&mut picked, t, count_type_label(t));
                        }
                    });
                if picked != r.count_type {
                    r.set_count_type(picked);
                    changed = true;
                }
                let r2 = ui.add(egui::DragValue::new(&mut r.count).range(1..=100_000));
                let what = format!("Count of rule {}", r.priority);
                r2.widget_info(|| egui::WidgetInfo::labeled(egui::Role::SpinButton, true, &what));
                changed |= r2.changed();
                ui.label(if r.count_type.in_days() {
                    "days"
                } else {
                    "images"
                });
            });
            if r.count_type == CountType::SinceImageTransitioned {
                ui.label(
                    RichText::new("Selects archived images only; ECR needs at least 90 days in archive before expiring them.")
                        .small()
                        .weak(),
                );
            }
        });
        ui.add_space(4.0);
    }
    if let Some(i) = remove {
        view.rules.remove(i);
        changed = true;
    }
    let full = view.rules.len() >= lp::MAX_RULES;
    if ui
        .add_enabled(!full, egui::Button::new(format!("{} Add rule", icon::PLUS)))
        .clicked()
    {
        let last = view.rules.iter().map(|r| r.priority).max().unwrap_or(0);
        // "any" rules must come last: a new rule goes before them.
        let mut new = RuleDraft::new_after(last);
        if let Some(any) = view
            .rules
            .iter_mut()
            .find(|r| r.tag_status == TagStatus::Any)
        {
            new.priority = any.priority;
            any.priority = last + 1;
        }
        view.rules.push(new);
        changed = true;
    }
    changed
}

/// The count types in words (the rule reads "<action> images <this> N").
fn count_type_label(t: CountType) -> &'static str {
    match t {
        CountType::ImageCountMoreThan => "beyond the newest",
        CountType::SinceImagePushed => "pushed more than",
        CountType::SinceImagePulled => "not pulled for more than",
        CountType::SinceImageTransitioned => "archived more than",
    }
}

fn preview_ui(ui: &mut Ui, preview: Option<&Requested<crate::model::LifecyclePreview>>) {
    let Some(p) = preview else {
        return;
    };
    let palette = style::palette(ui.visuals());
    if p.is_loading() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("ECR is evaluating the draft…");
        });
    }
    if let Some(e) = p.error() {
        ui.colored_label(
            palette.error,
            format!("{} Preview failed: {e}", icon::ERROR),
        );
    }
    let Some(p) = p.shown() else {
        return;
    };
    let status = match p.status {
        PreviewStatus::Complete => "complete",
        PreviewStatus::InProgress => "still running (ECR did not finish within two minutes)",
        PreviewStatus::Expired => "expired: run it again",
        PreviewStatus::Failed => "failed",
    };
    let n = p.results.len();
    let archiving = p.results.iter().filter(|r| r.is_transition()).count();
    // ECR's own summary when it gives one; else counted from the results.
    let expiring = p
        .expiring_image_count
        .map_or(n - archiving, |c| usize::try_from(c).unwrap_or(0));
    let archiving = p
        .transitioning_image_count
        .map_or(archiving, |c| usize::try_from(c).unwrap_or(0));
    let word = |k: usize| if k == 1 { "image" } else { "images" };
    ui.label(
        RichText::new(format!(
            "{} Preview {status}: {expiring} {} would expire (be deleted), {archiving} {} would be archived.",
            icon::EYE,
            word(expiring),
            word(archiving),
        ))
        .strong(),
    );
    if n == 0 {
        ui.add_space(style::GAP);
        return;
    }
    let now = widgets::now_ms();
    egui::ScrollArea::vertical()
        .id_salt("lifecycle_preview")
        .max_height(160.0)
        .show(ui, |ui| {
            egui::Grid::new("preview_rows")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    for t in ["Rule", "Action", "Digest", "Tags", "Pushed"] {
                        ui.strong(t);
                    }
                    ui.end_row();
                    for r in &p.results {
                        ui.label(r.rule_priority.map_or("—".into(), |p| p.to_string()));
                        if r.is_transition() {
                            ui.colored_label(palette.warning, "archive");
                        } else {
                            ui.colored_label(palette.error, "expire");
                        }
                        ui.monospace(r.digest.map_or("—".into(), |d| d.short()));
                        ui.label(if r.tags.is_empty() {
                            "untagged".to_owned()
                        } else {
                            r.tags.join(", ")
                        });
                        widgets::time_cell(ui, r.pushed_at, now);
                        ui.end_row();
                    }
                });
        });
    ui.add_space(style::GAP);
}
