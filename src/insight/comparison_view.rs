//! Two inventories compared (two snapshots, or a snapshot and now): the
//! totals first (images added and removed, tags moved, settings changed,
//! findings new and fixed, bytes and the monthly cost's difference), then
//! each repository that changed, unfolded on a click.

use egui::{RichText, Ui};

use super::actions::InsightAction;
use super::snapshot_view::banner_ui;
use super::snapshots::Comparison;
use crate::model::transfer::human_size_u64;
use crate::state::AppState;
use crate::ui::UiAction;
use crate::ui::style::{self, icon};
use ecr_core::cost::{self, dollars};
use ecr_snapshot::ImageSnap;
use ecr_snapshot::diff::{Presence, RepoReport, digest_string, total};

/// Images listed per repository and side at most.
const IMAGES_LISTED: usize = 50;

fn short(d: &[u8; 32]) -> String {
    digest_string(d)[..19].to_owned()
}

fn image_line(i: &ImageSnap) -> String {
    let tags: Vec<&str> = i.tags.iter().collect();
    format!(
        "{} ({}, {})",
        if tags.is_empty() {
            "untagged".to_owned()
        } else {
            tags.join(", ")
        },
        short(&i.digest),
        human_size_u64(i.stored())
    )
}

fn severities(s: &[u32; 6]) -> String {
    let names = [
        "critical",
        "high",
        "medium",
        "low",
        "informational",
        "undefined",
    ];
    let parts: Vec<String> = s
        .iter()
        .zip(names)
        .filter(|(n, _)| **n > 0)
        .map(|(n, name)| format!("{n} {name}"))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn signed_size(before: u64, after: u64) -> String {
    if after >= before {
        format!("+{}", human_size_u64(after - before))
    } else {
        format!("minus {}", human_size_u64(before - after))
    }
}

pub fn comparison_ui(ui: &mut Ui, c: &Comparison, state: &AppState, actions: &mut Vec<UiAction>) {
    let p = style::palette(ui.visuals());
    banner_ui(
        ui,
        &format!(
            "{} Comparing {} with {} (read-only)",
            icon::ARROWS_LEFT_RIGHT,
            c.older,
            c.newer
        ),
        "Close the comparison",
        actions,
        InsightAction::CloseComparison,
    );
    if !c.left_out.is_empty() {
        ui.colored_label(
            p.warning,
            format!(
                "{} Left out, not loaded now: {}",
                icon::WARNING,
                c.left_out.join(", ")
            ),
        );
    }
    let r = c.reports.as_slice();
    let sum = |f: &dyn Fn(&RepoReport) -> usize| r.iter().map(f).sum::<usize>();
    let added = sum(&|x| x.images_added.len());
    let removed = sum(&|x| x.images_removed.len());
    let moved = sum(&|x| x.tags_moved.len());
    let settings = sum(&|x| x.settings.len());
    let mut new = [0u32; 6];
    let mut fixed = [0u32; 6];
    for x in r {
        for k in 0..6 {
            new[k] = new[k].saturating_add(x.findings_new[k]);
            fixed[k] = fixed[k].saturating_add(x.findings_fixed[k]);
        }
    }
    let before: u64 = r.iter().map(|x| x.bytes_before.0 + x.bytes_before.1).sum();
    let after: u64 = r.iter().map(|x| x.bytes_after.0 + x.bytes_after.1).sum();
    let prices = cost::prices_for("").with_standard(state.settings.storage_price);
    let month = |b: (u64, u64)| {
        prices.standard(b.0 as f64) + b.1 as f64 * prices.archive_first_per_gb / cost::GIB
    };
    let cost_delta: f64 = r
        .iter()
        .map(|x| month(x.bytes_after) - month(x.bytes_before))
        .sum();
    let count = crate::state::wording::count;
    ui.heading(format!(
        "{} changed · {} added, {removed} removed · {} moved · {} changed",
        if r.len() == 1 {
            "1 repository".to_owned()
        } else {
            format!("{} repositories", r.len())
        },
        count(added, "image"),
        count(moved, "tag"),
        count(settings, "setting"),
    ));
    ui.label(format!(
        "Bytes in the repositories that changed: {} then {} ({}), {}{} a month. Findings in images present in both: new {}; fixed {}.",
        human_size_u64(before),
        human_size_u64(after),
        signed_size(before, after),
        if cost_delta >= 0.0 { "+" } else { "minus " },
        dollars(cost_delta.abs()),
        severities(&new),
        severities(&fixed),
    ));
    if r.is_empty() {
        ui.label(RichText::new("No difference.").color(p.muted));
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("comparison_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for x in r {
                repo_ui(ui, x);
            }
        });
}

fn headline(x: &RepoReport) -> String {
    match x.presence {
        Presence::Added => format!("{}: new repository", x.name),
        Presence::Removed => format!("{}: deleted", x.name),
        Presence::Both => {
            let mut parts = Vec::new();
            if !x.images_added.is_empty() {
                parts.push(format!("{} added", x.images_added.len()));
            }
            if !x.images_removed.is_empty() {
                parts.push(format!("{} removed", x.images_removed.len()));
            }
            if !x.tags_moved.is_empty() {
                parts.push(format!("{} tags moved", x.tags_moved.len()));
            }
            if !x.settings.is_empty() {
                parts.push("settings".to_owned());
            }
            if total(&x.findings_new) + total(&x.findings_fixed) > 0 {
                parts.push("findings".to_owned());
            }
            if !x.images_compared {
                parts.push("images not compared".to_owned());
            }
            format!(
                "{}: {}",
                x.name,
                if parts.is_empty() {
                    "bytes".to_owned()
                } else {
                    parts.join(", ")
                }
            )
        }
    }
}

fn repo_ui(ui: &mut Ui, x: &RepoReport) {
    let p = style::palette(ui.visuals());
    egui::CollapsingHeader::new(format!("{} / {}", x.registry_label, headline(x)))
        .id_salt(("cmp", &x.registry, &x.name))
        .show(ui, |ui| {
            if !x.images_compared {
                ui.colored_label(
                    p.muted,
                    "Images not compared: they were not read on both sides.",
                );
            }
            list_ui(ui, "Images added", &x.images_added);
            list_ui(ui, "Images removed", &x.images_removed);
            for m in &x.tags_moved {
                ui.label(format!(
                    "{} {} moved from {} to {}",
                    icon::TAG,
                    m.tag,
                    short(&m.from),
                    short(&m.to)
                ));
            }
            for s in &x.settings {
                ui.label(format!(
                    "{} {}: {} then {}",
                    icon::GEAR,
                    s.what,
                    if s.before.is_empty() {
                        "none"
                    } else {
                        &s.before
                    },
                    if s.after.is_empty() { "none" } else { &s.after }
                ));
            }
            if total(&x.findings_new) > 0 {
                ui.colored_label(
                    p.error,
                    format!("New findings: {}", severities(&x.findings_new)),
                );
            }
            if total(&x.findings_fixed) > 0 {
                ui.colored_label(
                    p.ok,
                    format!("Fixed findings: {}", severities(&x.findings_fixed)),
                );
            }
            ui.label(format!(
                "Stored: {} then {}",
                human_size_u64(x.bytes_before.0 + x.bytes_before.1),
                human_size_u64(x.bytes_after.0 + x.bytes_after.1)
            ));
        });
}

fn list_ui(ui: &mut Ui, title: &str, images: &[ImageSnap]) {
    if images.is_empty() {
        return;
    }
    ui.strong(format!("{title} ({})", images.len()));
    for i in images.iter().take(IMAGES_LISTED) {
        ui.label(image_line(i));
    }
    if images.len() > IMAGES_LISTED {
        ui.label(format!("… and {} more", images.len() - IMAGES_LISTED));
    }
}
