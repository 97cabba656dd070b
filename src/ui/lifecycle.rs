//! The open repository's lifecycle policy: a rule-by-rule form and the raw
//! JSON side by side (each edits the other), ECR's limits checked before any
//! call, a preview of the images that would expire, apply and delete.

use egui::{RichText, Ui};

use super::style::{self, icon};
use super::{UiAction, json_view, widgets};
use crate::lifecycle_policy::{self as lp, Action, CountType, Policy, Rule, Selection, TagStatus};
use crate::model::PreviewStatus;
use crate::state::{AppState, Requested};

/// One rule as the form edits it (lists as comma-separated text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDraft {
    pub priority: i64,
    pub description: String,
    pub tag_status: TagStatus,
    pub prefixes: String,
    pub patterns: String,
    pub count_type: CountType,
    pub count: i64,
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl RuleDraft {
    pub fn from_rule(r: &Rule) -> Self {
        Self {
            priority: r.rule_priority,
            description: r.description.clone().unwrap_or_default(),
            tag_status: r.selection.tag_status,
            prefixes: r.selection.tag_prefix_list.join(", "),
            patterns: r.selection.tag_pattern_list.join(", "),
            count_type: r.selection.count_type,
            count: r.selection.count_number,
        }
    }

    pub fn to_rule(&self) -> Rule {
        let tagged = self.tag_status == TagStatus::Tagged;
        Rule {
            rule_priority: self.priority,
            description: Some(self.description.trim().to_owned()).filter(|d| !d.is_empty()),
            selection: Selection {
                tag_status: self.tag_status,
                tag_prefix_list: if tagged {
                    split(&self.prefixes)
                } else {
                    Vec::new()
                },
                tag_pattern_list: if tagged {
                    split(&self.patterns)
                } else {
                    Vec::new()
                },
                count_type: self.count_type,
                count_unit: (self.count_type == CountType::SinceImagePushed)
                    .then(|| "days".to_owned()),
                count_number: self.count,
            },
            action: Action {
                kind: "expire".into(),
            },
        }
    }

    fn new_after(last: i64) -> Self {
        Self {
            priority: last + 1,
            description: String::new(),
            tag_status: TagStatus::Untagged,
            prefixes: String::new(),
            patterns: String::new(),
            count_type: CountType::SinceImagePushed,
            count: 14,
        }
    }
}

/// The editor's state for the open repository.
#[derive(Debug, Default)]
pub struct LifecycleView {
    /// The repository and the server text the draft started from.
    source: Option<(String, Option<String>)>,
    pub rules: Vec<RuleDraft>,
    pub raw: String,
    /// Why the raw JSON could not be read into the form.
    raw_error: Option<String>,
    /// The server's text as the editor shows it, for "changed?".
    server_pretty: Option<String>,
    /// ECR's verdict on the text it was computed for: a 30 KB policy is
    /// parsed once per edit, not once per frame.
    verdict: Option<(String, Result<(), String>)>,
}

impl LifecycleView {
    /// Starts over from the server's policy (or a starter rule when none).
    pub fn load(&mut self, repo: &str, server: Option<&str>) {
        self.source = Some((repo.to_owned(), server.map(str::to_owned)));
        self.server_pretty = server.map(json_view::pretty);
        let policy = server.and_then(|t| serde_json::from_str::<Policy>(t).ok());
        match policy {
            Some(p) => {
                self.rules = p.rules.iter().map(RuleDraft::from_rule).collect();
                self.raw = json_view::pretty(server.unwrap_or_default());
            }
            None => {
                self.rules = vec![RuleDraft {
                    description: "Expire untagged images after 14 days".into(),
                    ..RuleDraft::new_after(0)
                }];
                self.raw = server.map_or_else(|| self.form_json(), json_view::pretty);
            }
        }
        self.raw_error = None;
    }

    pub fn policy(&self) -> Policy {
        Policy {
            rules: self.rules.iter().map(RuleDraft::to_rule).collect(),
        }
    }

    fn form_json(&self) -> String {
        serde_json::to_string_pretty(&self.policy()).unwrap_or_default()
    }

    /// The form changed: the JSON follows.
    pub fn form_edited(&mut self) {
        self.raw = self.form_json();
        self.raw_error = None;
    }

    /// The JSON changed: the form follows when it can read it.
    pub fn raw_edited(&mut self) {
        match serde_json::from_str::<Policy>(&self.raw) {
            Ok(p) => {
                self.rules = p.rules.iter().map(RuleDraft::from_rule).collect();
                self.raw_error = None;
            }
            Err(e) => self.raw_error = Some(format!("The form can't follow this JSON: {e}")),
        }
    }

    /// ECR's verdict on the draft, checked here before any call.
    pub fn verdict(&mut self) -> Result<(), String> {
        if self
            .verdict
            .as_ref()
            .is_none_or(|(text, _)| *text != self.raw)
        {
            let v = lp::parse(&self.raw).map(|_| ());
            self.verdict = Some((self.raw.clone(), v));
        }
        self.verdict.as_ref().map_or(Ok(()), |(_, v)| v.clone())
    }

    fn dirty(&self) -> bool {
        self.server_pretty.as_ref() != Some(&self.raw)
    }
}

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
            (Some(_), Some(t)) => format!("Last evaluated by ECR {}.", widgets::exact_time(t)),
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
        actions.push(UiAction::PreviewLifecycle(target.clone(), view.raw.clone()));
    }
    if ui
        .add_enabled(
            valid && view.dirty() && !loading,
            egui::Button::new(format!("{} Apply", icon::OK)),
        )
        .clicked()
    {
        actions.push(UiAction::Confirm {
            title: format!("Apply this lifecycle policy to {repo}?"),
            body: format!(
                "The policy of {repo} is replaced by this one. ECR evaluates it within 24 hours \
                 and then expires (deletes) or archives the images it selects. Preview it \
                 first to see which."
            ),
            target: reg.target_line(),
            action: Box::new(UiAction::SaveLifecycle(target.clone(), view.raw.clone())),
        });
    }
    if ui
        .add_enabled(view.dirty(), egui::Button::new("Revert"))
        .on_hover_text("Back to what the server holds")
        .clicked()
    {
        view.load(&repo, server);
    }
    if server.is_some() && widgets::icon_button(ui, icon::TRASH, "Delete policy").clicked() {
        actions.push(UiAction::Confirm {
            title: format!("Delete the lifecycle policy of {repo}?"),
            body: format!(
                "The lifecycle policy of {repo} is deleted: images stop being expired by it. \
                 This does not delete any image."
            ),
            target: reg.target_line(),
            action: Box::new(UiAction::DeleteLifecycle(target.clone())),
        });
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
                changed |= ui
                    .radio_value(
                        &mut r.count_type,
                        CountType::ImageCountMoreThan,
                        "keep the newest",
                    )
                    .changed();
                changed |= ui
                    .radio_value(
                        &mut r.count_type,
                        CountType::SinceImagePushed,
                        "expire older than",
                    )
                    .changed();
                let r2 = ui.add(egui::DragValue::new(&mut r.count).range(1..=100_000));
                let what = format!("Count of rule {}", r.priority);
                r2.widget_info(|| egui::WidgetInfo::labeled(egui::Role::SpinButton, true, &what));
                changed |= r2.changed();
                ui.label(match r.count_type {
                    CountType::ImageCountMoreThan => "images",
                    CountType::SinceImagePushed => "days",
                });
            });
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
    ui.label(
        RichText::new(format!(
            "{} Preview {status}: {n} image{} would expire.",
            icon::EYE,
            if n == 1 { "" } else { "s" }
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
                .num_columns(4)
                .show(ui, |ui| {
                    for t in ["Rule", "Digest", "Tags", "Pushed"] {
                        ui.strong(t);
                    }
                    ui.end_row();
                    for r in &p.results {
                        ui.label(r.rule_priority.map_or("—".into(), |p| p.to_string()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_and_json_follow_each_other() {
        let mut v = LifecycleView::default();
        v.load("web", None);
        assert_eq!(v.rules.len(), 1, "a starter rule");
        assert!(v.verdict().is_ok(), "{:?}", v.verdict());
        v.rules[0].count = 30;
        v.form_edited();
        assert!(v.raw.contains("\"countNumber\": 30"));
        assert!(v.raw.contains("\"countUnit\": \"days\""));
        v.raw = v.raw.replace("30", "7");
        v.raw_edited();
        assert_eq!(v.rules[0].count, 7);
        v.raw.push('x');
        v.raw_edited();
        assert!(v.raw_error.is_some());
        assert_eq!(v.rules[0].count, 7, "the form keeps the last good state");
        assert!(v.verdict().is_err());
    }

    #[test]
    fn tagged_rules_need_a_list_and_any_stays_last() {
        let mut v = LifecycleView::default();
        v.load("web", None);
        v.rules[0].tag_status = TagStatus::Any;
        v.form_edited();
        assert!(v.verdict().is_ok());
        // Adding goes before the "any" rule, which keeps the highest number.
        let mut new = RuleDraft::new_after(1);
        new.priority = 1;
        v.rules[0].priority = 2;
        new.tag_status = TagStatus::Tagged;
        v.rules.push(new);
        v.form_edited();
        assert!(v.verdict().is_err_and(|e| e.contains("tagPrefixList")));
        v.rules[1].prefixes = "v, release-".into();
        v.form_edited();
        assert!(v.verdict().is_ok(), "{:?}", v.verdict());
        assert!(v.raw.contains("\"release-\""));
    }

    #[test]
    fn over_ecr_limits_is_refused_before_any_call() {
        let mut v = LifecycleView::default();
        v.load("web", None);
        v.rules = (1..=51)
            .map(|p| RuleDraft {
                priority: p,
                ..RuleDraft::new_after(0)
            })
            .collect();
        v.form_edited();
        assert!(v.verdict().is_err_and(|e| e.contains("at most 50 rules")));
        v.raw = format!(
            "{{\"rules\": [], \"pad\": \"{}\"}}",
            "x".repeat(lp::MAX_TEXT)
        );
        v.raw_edited();
        assert!(v.verdict().is_err_and(|e| e.contains("30720")));
    }

    #[test]
    fn server_policy_loads_into_the_form() {
        let text = r#"{"rules":[{"rulePriority":3,"selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}"#;
        let mut v = LifecycleView::default();
        v.load("web", Some(text));
        assert_eq!(v.rules[0].priority, 3);
        assert_eq!(v.rules[0].prefixes, "v");
        assert!(!v.dirty());
        v.rules[0].count = 6;
        v.form_edited();
        assert!(v.dirty());
    }
}
