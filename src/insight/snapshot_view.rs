//! A snapshot opened read-only: everything shown comes from the file, no
//! call is made, and the banner says so. Its registries and repositories
//! with their settings and bytes; a repository's images on a click.

use egui::{RichText, Ui};

use super::actions::InsightAction;
use super::snapshot_jobs::when;
use super::snapshots::Opened;
use crate::model::transfer::human_size_u64;
use crate::ui::UiAction;
use crate::ui::style::{self, icon};
use ecr_snapshot::diff::digest_string;
use ecr_snapshot::{RepoSnap, Status};

/// A banner with a Close button: "read-only" views say what they are.
pub fn banner_ui(
    ui: &mut Ui,
    text: &str,
    close: &str,
    actions: &mut Vec<UiAction>,
    on_close: InsightAction,
) {
    let p = style::palette(ui.visuals());
    egui::Frame::new()
        .fill(p.banner_bg)
        .inner_margin(egui::Margin::same(8))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(text).strong());
                if crate::ui::widgets::icon_button(ui, icon::X, close).clicked() {
                    actions.push(UiAction::Insight(on_close));
                }
            });
        });
}

pub fn snapshot_ui(ui: &mut Ui, o: &Opened, actions: &mut Vec<UiAction>) {
    let s = o.snapshot.as_ref();
    banner_ui(
        ui,
        &format!(
            "{} Snapshot of {}, read-only: from {}, no network. Taken by ecrscope {}.",
            icon::LOCK,
            when(s.taken_at),
            o.path.display(),
            s.app_version
        ),
        "Close the snapshot",
        actions,
        InsightAction::CloseSnapshot,
    );
    let repos: usize = s.registries.iter().map(|r| r.repositories.len()).sum();
    let bytes: u64 = s
        .registries
        .iter()
        .flat_map(|r| &r.repositories)
        .map(|r| r.bytes().0 + r.bytes().1)
        .sum();
    ui.heading(format!(
        "{} registries · {repos} repositories · {} images · {}",
        s.registries.len(),
        s.image_count(),
        human_size_u64(bytes)
    ));
    let picked_id = egui::Id::unique(("snapshot_repo", o.path.clone()));
    let picked: Option<(String, String)> = ui.data(|d| d.get_temp(picked_id));
    egui::ScrollArea::vertical()
        .id_salt("snapshot_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for reg in &s.registries {
                egui::CollapsingHeader::new(format!(
                    "{} (account {}, {} repositories)",
                    reg.meta.label,
                    if reg.meta.account.is_empty() {
                        "not known"
                    } else {
                        &reg.meta.account
                    },
                    reg.repositories.len()
                ))
                .id_salt(("snapshot_reg", &reg.key))
                .default_open(s.registries.len() == 1)
                .show(ui, |ui| {
                    repos_ui(ui, &reg.key, &reg.repositories, picked.as_ref(), picked_id);
                });
            }
            if let Some((key, name)) = &picked
                && let Some(repo) = s.registry(key).and_then(|r| r.repository(name))
            {
                ui.add_space(style::GAP);
                images_ui(ui, repo);
            }
        });
}

fn repos_ui(
    ui: &mut Ui,
    key: &str,
    repos: &[RepoSnap],
    picked: Option<&(String, String)>,
    picked_id: egui::Id,
) {
    egui::Grid::new(("snapshot_repos", key))
        .num_columns(7)
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for h in [
                "Repository",
                "Images",
                "Active",
                "Archived",
                "Tags",
                "Encryption",
                "Scan on push",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            for r in repos {
                let on = picked.is_some_and(|(k, n)| k == key && *n == r.name);
                if ui.selectable_label(on, &r.name).clicked() {
                    let v = (!on).then(|| (key.to_owned(), r.name.clone()));
                    ui.data_mut(|d| match v {
                        Some(v) => {
                            d.insert_temp(picked_id, v);
                        }
                        None => d.remove::<(String, String)>(picked_id),
                    });
                }
                let (a, b) = r.bytes();
                if r.images_read {
                    ui.label(r.images.len().to_string());
                    ui.label(human_size_u64(a));
                    ui.label(human_size_u64(b));
                } else {
                    ui.label("not read");
                    ui.label("");
                    ui.label("");
                }
                ui.label(&r.settings.tag_mutability);
                ui.label(&r.settings.encryption);
                ui.label(if r.settings.scan_on_push { "on" } else { "off" });
                ui.end_row();
            }
        });
}

fn images_ui(ui: &mut Ui, repo: &RepoSnap) {
    let p = style::palette(ui.visuals());
    ui.strong(format!(
        "{}: {} images, newest first",
        repo.name,
        repo.images.len()
    ));
    let mut rows: Vec<&ecr_snapshot::ImageSnap> = repo.images.iter().collect();
    rows.sort_by_key(|i| std::cmp::Reverse(i.pushed_at));
    let h = style::ROW_HEIGHT;
    egui::Grid::new(("snapshot_images", &repo.name))
        .num_columns(5)
        .striped(true)
        .spacing([14.0, 2.0])
        .min_row_height(h - 4.0)
        .show(ui, |ui| {
            for head in ["Tags", "Digest", "Size", "Pushed", "Critical / high"] {
                ui.strong(head);
            }
            ui.end_row();
            // A snapshot view is for looking: the first rows, then a count.
            for i in rows.iter().take(500) {
                let tags: Vec<&str> = i.tags.iter().collect();
                ui.label(if tags.is_empty() {
                    "untagged".to_owned()
                } else {
                    tags.join(", ")
                });
                ui.label(RichText::new(&digest_string(&i.digest)[..19]).monospace());
                ui.label(format!(
                    "{}{}",
                    human_size_u64(i.stored()),
                    if i.status == Status::Archived {
                        " (archived)"
                    } else {
                        ""
                    }
                ));
                ui.label(i.pushed_at.map_or_else(String::new, when));
                ui.label(i.severities.map_or_else(
                    || RichText::new("not scanned").color(p.muted),
                    |c| RichText::new(format!("{} / {}", c[0], c[1])),
                ));
                ui.end_row();
            }
        });
    if rows.len() > 500 {
        ui.label(RichText::new(format!("… and {} older images", rows.len() - 500)).color(p.muted));
    }
}
