//! The Storage tab's clean-up candidates: each group's count, bytes and
//! monthly saving over the repositories read, the repositories that hold
//! them (a click opens one, where the images can be archived or deleted
//! with the usual confirmations), and what each group assumes.

use egui::{RichText, Ui};

use super::actions::InsightAction;
use super::cleanup::{Group, candidates};
use crate::manage::image_actions;
use crate::model::RepoRef;
use crate::state::{AppState, RegistryState};
use crate::ui::style;
use crate::ui::widgets::{self, human_size};
use crate::ui::{BrowseAction, UiAction};
use ecr_core::cost::{Prices, dollars};

pub fn cleanup_ui(
    ui: &mut Ui,
    state: &AppState,
    reg: &RegistryState,
    prices: Prices,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let id = egui::Id::unique(("cleanup_days", reg.spec.key()));
    let mut days: i64 = ui.data_mut(|d| d.get_temp(id).unwrap_or(90));
    let keep_id = egui::Id::unique(("cleanup_keep", reg.spec.key()));
    let mut keep: usize = ui.data_mut(|d| d.get_temp(keep_id).unwrap_or(10));
    ui.horizontal(|ui| {
        ui.strong("Clean-up candidates");
        ui.label("· not pulled for");
        ui.add(
            egui::DragValue::new(&mut days)
                .range(1..=3650)
                .suffix(" days"),
        );
        ui.label("· superseded by");
        ui.add(
            egui::DragValue::new(&mut keep)
                .range(1..=1000)
                .suffix(" newer"),
        );
    });
    ui.data_mut(|d| d.insert_temp(id, days));
    ui.data_mut(|d| d.insert_temp(keep_id, keep));
    ui.label(
        RichText::new(
            "ECR records an image's last pull about once a day: a pull today may not show yet.",
        )
        .color(palette.muted),
    );
    let groups = [
        Group::Untagged,
        Group::NotPulled(days),
        Group::ArchivedPastMinimum,
        Group::Superseded(keep),
    ];
    // Made again only when a list, the price, the days or the minute
    // changes: the report's fingerprint, with the days and the count kept.
    // While every repository is being read, every five seconds rather than
    // the report's every second (the groups take 150 ms over 2,000,000
    // images, the report 30; see the benchmark).
    let now = widgets::now_ms();
    let base = if reg.storage_reading {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (now / 5_000).hash(&mut h);
        prices.standard_per_gb.to_bits().hash(&mut h);
        h.finish()
    } else {
        super::storage_view::fingerprint(reg, prices, now)
    };
    let key = base ^ (days as u64).rotate_left(32) ^ (keep as u64).rotate_left(48);
    let cache = egui::Id::unique(("cleanup_groups", reg.spec.key()));
    let reports = super::cached(ui, cache, key, || candidates(reg, &groups, now, prices));
    for g in reports.iter() {
        let head = format!(
            "{}: {} · {} · {} a month",
            g.group.label(),
            images(g.count),
            human_size(g.bytes as i64),
            dollars(g.monthly)
        );
        egui::CollapsingHeader::new(head)
            .id_salt(("cleanup", format!("{:?}", g.group)))
            .show(ui, |ui| {
                // Bounded: the repositories table stays on screen below.
                egui::ScrollArea::vertical()
                    .id_salt(("cleanup_repos", format!("{:?}", g.group)))
                    .max_height(220.0)
                    .show(ui, |ui| {
                for c in g.per_repo.iter().take(50) {
                    ui.horizontal_wrapped(|ui| {
                        if ui.link(&c.name).clicked() {
                            actions.push(UiAction::Browse(BrowseAction::SelectRepository(Some(
                                c.name.clone(),
                            ))));
                        }
                        ui.label(format!(
                            "{} · {}",
                            images(c.digests.len()),
                            human_size(c.bytes as i64)
                        ));
                        group_actions_ui(ui, state, reg, g, c, now, actions);
                    });
                }
                if g.per_repo.len() > 50 {
                    ui.label(format!("… and {} more repositories", g.per_repo.len() - 50));
                }
                    });
                if !g.left_out.is_empty() {
                    ui.label(
                        RichText::new(format!(
                            "Left out: {} (multi-arch indexes not read yet: their untagged images may be an index's platforms; open the repository to read them)",
                            g.left_out.join(", ")
                        ))
                        .color(palette.muted),
                    );
                }
            });
    }
}

/// Archive, Delete (the usual confirmations) and "make this a lifecycle
/// rule", for one repository's candidates in a group.
fn group_actions_ui(
    ui: &mut Ui,
    state: &AppState,
    reg: &RegistryState,
    g: &super::cleanup::GroupReport,
    c: &super::cleanup::RepoCandidates,
    now: i64,
    actions: &mut Vec<UiAction>,
) {
    let repo = RepoRef::new(&reg.spec, &c.name);
    let what = format!("{} in {}", g.group.label().to_lowercase(), c.name);
    if g.group != Group::ArchivedPastMinimum
        && widgets::named_button(
            ui,
            crate::ui::style::icon::ARCHIVE,
            "Archive",
            &format!("Archive: {what}"),
        )
        .clicked()
        && let Some(a) = image_actions::archive_confirm(state, &repo, &c.digests)
    {
        actions.push(a);
    }
    if widgets::named_button(
        ui,
        crate::ui::style::icon::TRASH,
        "Delete",
        &format!("Delete: {what}"),
    )
    .clicked()
    {
        actions.push(image_actions::delete_images_confirm(
            state,
            &repo,
            c.digests.clone(),
            now,
        ));
    }
    let share = if g.bytes == 0 {
        0.0
    } else {
        c.bytes as f64 / g.bytes as f64
    };
    if widgets::named_button(
        ui,
        crate::ui::style::icon::HOURGLASS,
        "Make a lifecycle rule",
        &format!("Make a lifecycle rule: {what}"),
    )
    .clicked()
    {
        actions.push(UiAction::Insight(InsightAction::MakeRule {
            repo,
            group: g.group,
            digests: c.digests.clone(),
            bytes: c.bytes,
            monthly: g.monthly * share,
        }));
    }
}

fn images(n: usize) -> String {
    if n == 1 {
        "1 image".to_owned()
    } else {
        format!("{n} images")
    }
}
