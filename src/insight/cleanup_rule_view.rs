//! The rule being made from a clean-up group, in the Storage tab: the
//! policy with the new rule, ECR's preview of it beside the group (the
//! same images? the same saving?), and Put (confirmed) or Cancel. Nothing
//! is put before the person has seen the preview.

use egui::{RichText, Ui};

use super::actions::InsightAction;
use super::cleanup_rule::{RuleDraft, match_preview};
use crate::model::{LifecyclePreview, PreviewStatus};
use crate::state::{AppState, Requested};
use crate::ui::style::{self, icon};
use crate::ui::widgets::human_size;
use crate::ui::{ShellAction, UiAction};
use ecr_core::cost::dollars;

pub fn cleanup_rule_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    let Some(d) = &state.cleanup_rule else {
        return;
    };
    let Some(reg) = state.registry(&d.repo.key()) else {
        return;
    };
    if state.location.registry.as_ref() != Some(&d.repo.key()) {
        return;
    }
    let p = style::palette(ui.visuals());
    if d.made.is_none() || (matches!(d.made, Some(Ok(_))) && !d.previewed) {
        actions.push(UiAction::Insight(InsightAction::RuleStep));
    }
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ui.strong(format!(
                "{} A lifecycle rule for {}: {}",
                icon::HOURGLASS,
                d.repo.name,
                d.group.label()
            ));
        });
        ui.label(format!(
            "The group holds {} images, {} ({} a month).",
            d.expected.len(),
            human_size(d.bytes as i64),
            dollars(d.monthly)
        ));
        let preview = reg.docs.preview.get(&d.repo.name);
        match &d.made {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading the repository's lifecycle policy…");
                });
            }
            Some(Err(e)) => {
                ui.colored_label(p.error, format!("{} {e}", icon::ERROR));
            }
            Some(Ok((text, priority))) => {
                egui::CollapsingHeader::new(format!(
                    "The policy with the new rule (priority {priority}, after the repository's own rules)"
                ))
                .id_salt("cleanup_rule_text")
                .show(ui, |ui| {
                    ui.label(RichText::new(text).monospace());
                });
                preview_ui(ui, state, d, preview, *priority);
            }
        }
        ui.horizontal(|ui| {
            let ready = matches!(d.made, Some(Ok(_)))
                && preview
                    .and_then(Requested::shown)
                    .is_some_and(|p| p.status == PreviewStatus::Complete);
            if ui
                .add_enabled(ready, egui::Button::new(format!("{} Put this policy", icon::OK)))
                .clicked()
            {
                actions.push(UiAction::Shell(ShellAction::Confirm {
                    title: format!("Put this lifecycle policy on {}?", d.repo.name),
                    body: format!(
                        "ECR will apply it from now on, about once a day: the images its rules select are expired (deleted) with no way back. The new rule: {}.",
                        d.group.label()
                    ),
                    confirm: "Put policy".into(),
                    target: reg.target_line(),
                    action: Box::new(UiAction::Insight(InsightAction::PutRule)),
                }));
            }
            if ui.button("Cancel").clicked() {
                actions.push(UiAction::Insight(InsightAction::CancelRule));
            }
        });
    });
}

fn preview_ui(
    ui: &mut Ui,
    state: &AppState,
    d: &RuleDraft,
    preview: Option<&Requested<LifecyclePreview>>,
    priority: i64,
) {
    let p = style::palette(ui.visuals());
    if let Some(e) = preview.and_then(Requested::error) {
        ui.colored_label(
            p.error,
            format!("{} ECR refused the preview: {e}", icon::ERROR),
        );
        return;
    }
    let Some(pv) = preview.and_then(Requested::shown) else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("ECR is previewing the policy…");
        });
        return;
    };
    if pv.status != PreviewStatus::Complete {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!("ECR is previewing the policy ({:?})…", pv.status));
        });
        return;
    }
    let m = match_preview(&d.expected, pv, priority);
    if m.same() {
        ui.colored_label(
            p.ok,
            format!(
                "{} The preview selects the same {} images as the group{}.",
                icon::OK,
                m.both,
                if m.by_other_rules > 0 {
                    format!(
                        " ({} of them by the repository's other rules first)",
                        m.by_other_rules
                    )
                } else {
                    String::new()
                }
            ),
        );
    } else {
        ui.colored_label(
            p.warning,
            format!(
                "{} Not the same images: the policy acts on {} of the group's {}; {} of the group stay (pushed within the day, say); the new rule also takes {} the group does not hold.",
                icon::WARNING,
                m.both,
                d.expected.len(),
                m.only_group.len(),
                m.only_rule.len()
            ),
        );
    }
    let Some(reg) = state.registry(&d.repo.key()) else {
        return;
    };
    let images = reg.images.get(&d.repo.name).and_then(|ri| ri.list.shown());
    if let Some(images) = images {
        let prices = ecr_core::cost::prices_for(&reg.spec.region)
            .with_standard(state.settings.storage_price);
        let (rules, total) = super::savings::preview_savings(&pv.results, images, prices);
        let this = rules
            .get(&i32::try_from(priority).ok())
            .map_or(0.0, |s| s.monthly);
        ui.label(format!(
            "The preview saves {} a month in all, {} by the new rule; the group: {}.",
            dollars(total.monthly),
            dollars(this),
            dollars(d.monthly)
        ));
    }
}
