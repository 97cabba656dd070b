//! The selected image: tags, digest, pull URIs, size and dates, then the
//! manifest's layers (with their share of the total), the config (from the
//! config blob), the build history and the manifest itself.

use crate::ui::{BrowseAction, ManageAction, ScanningAction, ShellAction, TransferAction};
use egui::{RichText, Ui};

use crate::message::ImageChange;
use crate::model::manifest::{ImageConfig, Manifest};
use crate::model::{Digest, Image, ImageDetailDoc, ImageStatus, RepoRef};
use crate::state::{AppState, Requested, wording};
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};

pub fn image_detail_ui(
    ui: &mut Ui,
    state: &AppState,
    retag: &mut String,
    artifact_view: &mut crate::supply_chain::artifact_view::ArtifactView,
    actions: &mut Vec<UiAction>,
) {
    let (Some(target), Some(digest)) = (state.open_repo(), state.location.image) else {
        return;
    };
    let (key, repo_name) = (target.key(), target.name.as_str());
    let palette = style::palette(ui.visuals());
    let Some(ri) = state.repo_images(&key, repo_name) else {
        return;
    };
    let Some(img) = ri
        .list
        .shown()
        .and_then(|l| l.iter().find(|i| i.digest == digest))
    else {
        ui.label("This image is no longer in the repository.");
        return;
    };
    let repo_uri = state
        .registry(&key)
        .and_then(|r| r.repositories.shown())
        .and_then(|l| l.iter().find(|r| r.name == repo_name))
        .map(|r| r.uri.clone())
        .unwrap_or_else(|| repo_name.to_owned());
    // An artifact is named by what it is and whose.
    let artifact = crate::supply_chain::artifact_view::artifact_of(ri, img);
    let heading = match (&artifact, img.tags.is_empty()) {
        (Some((kind, subject)), true) => {
            let of = subject
                .and_then(|s| {
                    ri.list
                        .shown()
                        .and_then(|l| l.iter().find(|i| i.digest == s))
                        .map(|i| i.tags.first().cloned().unwrap_or_else(|| s.short()))
                })
                .unwrap_or_else(|| "an image".to_owned());
            let k = kind.label();
            let mut k = k.to_owned();
            if let Some(first) = k.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            format!("{k} of {of}")
        }
        (_, true) => "untagged image".to_owned(),
        (_, false) => img.tags.join(", "),
    };
    ui.horizontal(|ui| {
        ui.heading(heading);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if widgets::icon_only_button(ui, icon::X, "Close details").clicked() {
                actions.push(UiAction::Browse(BrowseAction::SelectImage(None)));
            }
            if let Some(url) = super::images::console_link(state, &target, Some(&img.digest))
                && widgets::icon_only_button(ui, icon::GLOBE, "Open in the AWS console")
                    .on_hover_text(&url)
                    .clicked()
            {
                ui.ctx().open_url(egui::OpenUrl::new_tab(url));
            }
        });
    });
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            summary_ui(ui, img, &repo_uri);
            ui.add_space(4.0);
            actions_ui(ui, state, &target, img, retag, actions);
            ui.add_space(style::GAP);
            // ECR managed signing, where a rule covers the repository.
            crate::supply_chain::artifact_view::signing_status_ui(ui, state, &target, ri, img, actions);
            // Replication, where a rule covers the repository.
            crate::admin::replication_status_view::replication_status_ui(
                ui, state, &target, ri, img, actions,
            );
            crate::admin::replication_status_view::repository_summary_ui(
                ui, state, &target, ri, actions,
            );
            // A signature, SBOM or attestation: what it says first.
            if img.status == ImageStatus::Active
                && let Some((kind, subject)) = artifact
            {
                crate::supply_chain::artifact_view::artifact_ui(
                    ui,
                    &target,
                    ri,
                    img,
                    kind,
                    subject,
                    artifact_view,
                    actions,
                );
            }
            if img.status != ImageStatus::Active {
                ui.label(
                    RichText::new(format!(
                        "{} {} images cannot be pulled or scanned: the manifest and config can be read once the image is restored.",
                        icon::ARCHIVE,
                        img.status.label()
                    ))
                    .color(palette.warning),
                );
                return;
            }
            match ri.details.get(&digest) {
                None | Some(Requested::Idle) => {}
                Some(Requested::Loading { previous: None, .. }) => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Reading the manifest and config…");
                    });
                }
                Some(Requested::Failed {
                    error,
                    previous: None,
                }) => {
                    ui.colored_label(palette.error, format!("{} {error}", icon::ERROR));
                }
                Some(r) => {
                    if let Some(doc) = r.shown() {
                        doc_ui(ui, doc, ri, img);
                    }
                }
            }
        });
}

fn kv(ui: &mut Ui, k: &str, v: impl Into<egui::WidgetText>) {
    ui.label(RichText::new(k).weak());
    ui.label(v);
    ui.end_row();
}

fn summary_ui(ui: &mut Ui, img: &Image, repo_uri: &str) {
    let now = widgets::now_ms();
    egui::Grid::new("image_summary")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Digest").weak());
            ui.horizontal(|ui| {
                widgets::copy_button(ui, "full digest", &img.digest.to_string());
                ui.label(RichText::new(img.digest.to_string()).monospace().small());
            });
            ui.end_row();
            kv(
                ui,
                "Size",
                format!("{} (compressed)", widgets::human_size(img.size_bytes)),
            );
            kv(
                ui,
                "Pushed",
                img.pushed_at.map_or_else(
                    || "—".to_owned(),
                    |t| {
                        format!(
                            "{} ({})",
                            widgets::relative_time(t, now),
                            widgets::exact_time(ui, t)
                        )
                    },
                ),
            );
            kv(
                ui,
                "Last pull",
                img.last_pull.map_or_else(
                    || "—".to_owned(),
                    |t| {
                        format!(
                            "{} ({})",
                            widgets::relative_time(t, now),
                            widgets::exact_time(ui, t)
                        )
                    },
                ),
            );
            kv(ui, "Type", img.manifest.label());
            kv(
                ui,
                "Status",
                status_text(img, now, widgets::TimeDisplay::of(ui.ctx()).clock),
            );
            if let Some(a) = &img.artifact_media_type {
                kv(ui, "Artifact type", a.as_str());
            }
        });
    ui.add_space(4.0);
    ui.label(RichText::new("Pull").strong());
    let by_digest = format!("{repo_uri}@{}", img.digest);
    for t in &img.tags {
        let uri = format!("{repo_uri}:{t}");
        ui.horizontal(|ui| {
            widgets::copy_button(ui, &format!("pull URI {t}"), &uri);
            ui.add(egui::Label::new(RichText::new(&uri).monospace().small()).truncate())
                .on_hover_text(&uri);
        });
    }
    ui.horizontal(|ui| {
        widgets::copy_button(ui, "pull URI by digest", &by_digest);
        ui.add(egui::Label::new(RichText::new(&by_digest).monospace().small()).truncate())
            .on_hover_text(&by_digest);
    });
}

/// "Archived 3 days ago (…)", "Active, restored 2 hours ago (…)".
fn status_text(img: &Image, now: i64, clock: crate::settings::Clock) -> String {
    let when = |t: i64| {
        format!(
            "{} ({})",
            widgets::relative_time(t, now),
            widgets::exact_time_in(t, clock)
        )
    };
    match (img.status, img.archived_at(), img.activated_at()) {
        (ImageStatus::Archived, Some(a), _) => format!("Archived {}", when(a)),
        (ImageStatus::Activating, _, _) => "Restoring from archive".to_owned(),
        (ImageStatus::Active, _, Some(r)) => format!("Active, restored {}", when(r)),
        (s, _, _) => s.label().to_owned(),
    }
}

fn doc_ui(ui: &mut Ui, doc: &ImageDetailDoc, ri: &crate::state::RepoImages, img: &Image) {
    let palette = style::palette(ui.visuals());
    match &doc.manifest {
        Ok(Manifest::Index { manifests }) => {
            egui::CollapsingHeader::new(format!("Platforms ({})", manifests.len()))
                .default_open(true)
                .show(ui, |ui| {
                    for (d, p) in manifests {
                        ui.horizontal(|ui| {
                            ui.label(format!(
                                "{} {}",
                                icon::CUBE,
                                p.as_ref()
                                    .map_or_else(|| "unknown platform".to_owned(), |p| p.label())
                            ));
                            if let Some(dg) = d.digest {
                                ui.label(
                                    RichText::new(dg.short()).monospace().color(palette.muted),
                                );
                            }
                            ui.label(widgets::human_size(d.size));
                        });
                    }
                });
        }
        Ok(Manifest::Image { layers, config, .. }) => {
            layers_ui(ui, layers, config.as_ref().map_or(0, |c| c.size));
        }
        Err(e) => {
            ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
        }
    }
    match &doc.config {
        None => {}
        Some(Err(why)) => {
            ui.add_space(style::GAP);
            ui.label(RichText::new("Config").strong());
            ui.label(
                RichText::new(format!("{} {}", icon::INFO, wording::blob_problem(why)))
                    .color(palette.muted),
            );
        }
        Some(Ok(cfg)) => match &cfg.parsed {
            Ok(c) => config_ui(ui, c),
            Err(e) => {
                ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
                egui::CollapsingHeader::new("Config (raw)").show(ui, |ui| {
                    ui.label(RichText::new(&cfg.raw).monospace().small());
                });
            }
        },
    }
    let _ = (ri, img);
    ui.label(
            RichText::new(format!(
                "{} Read with BatchGetImage, the first step of a pull: ECR may count it in this image's last-pull time. ecrscope reads a manifest only for an image you open or expand.",
                icon::INFO
            ))
            .small()
            .color(palette.muted),
        );
    egui::CollapsingHeader::new("Manifest")
        .id_salt("manifest_json")
        .show(ui, |ui| {
            if let Some(mt) = &doc.media_type {
                ui.label(RichText::new(mt).weak());
            }
            let text = crate::model::manifest::pretty_json(&doc.manifest_text);
            widgets::copy_button(ui, "manifest", &text);
            ui.label(RichText::new(text).monospace().small());
        });
}

fn layers_ui(ui: &mut Ui, layers: &[crate::model::manifest::Descriptor], config_size: i64) {
    // Sizes come from the manifest: saturate, never overflow.
    let total: i64 = layers
        .iter()
        .fold(0i64, |a, l| a.saturating_add(l.size))
        .max(1);
    egui::CollapsingHeader::new(format!(
        "Layers ({}, {})",
        layers.len(),
        widgets::human_size(total.saturating_add(config_size))
    ))
    .default_open(true)
    .show(ui, |ui| {
        egui::Grid::new("layers")
            .num_columns(3)
            .spacing([8.0, 3.0])
            .striped(true)
            .show(ui, |ui| {
                for l in layers {
                    let share = l.size as f32 / total as f32;
                    ui.label(
                        RichText::new(
                            l.digest
                                .as_ref()
                                .map_or_else(|| "—".to_owned(), Digest::short),
                        )
                        .monospace(),
                    )
                    .on_hover_text(format!(
                        "{}\n{}",
                        l.digest.map(|d| d.to_string()).unwrap_or_default(),
                        l.media_type
                    ));
                    ui.label(widgets::human_size(l.size));
                    ui.add(
                        egui::ProgressBar::new(share)
                            .desired_width(120.0)
                            .text(format!("{:.0}%", share * 100.0)),
                    );
                    ui.end_row();
                }
            });
    });
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join(" ")
    }
}

fn config_ui(ui: &mut Ui, c: &ImageConfig) {
    egui::CollapsingHeader::new("Config")
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("config")
                .num_columns(2)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    let platform = match (&c.os, &c.architecture, &c.variant) {
                        (Some(o), Some(a), Some(v)) => format!("{o}/{a}/{v}"),
                        (Some(o), Some(a), None) => format!("{o}/{a}"),
                        _ => "—".to_owned(),
                    };
                    kv(ui, "Platform", platform);
                    kv(
                        ui,
                        "Created",
                        c.created.clone().unwrap_or_else(|| "—".into()),
                    );
                    kv(
                        ui,
                        "Entrypoint",
                        RichText::new(list(&c.entrypoint)).monospace(),
                    );
                    kv(ui, "Cmd", RichText::new(list(&c.cmd)).monospace());
                    kv(
                        ui,
                        "Working dir",
                        c.working_dir.clone().unwrap_or_else(|| "—".into()),
                    );
                    kv(ui, "User", c.user.clone().unwrap_or_else(|| "—".into()));
                    kv(ui, "Exposed ports", list(&c.exposed_ports));
                });
            if !c.env.is_empty() {
                ui.label(RichText::new("Environment").weak());
                for e in &c.env {
                    ui.label(RichText::new(e).monospace().small());
                }
            }
            if !c.labels.is_empty() {
                ui.label(RichText::new("Labels").weak());
                for (k, v) in &c.labels {
                    ui.label(RichText::new(format!("{k} = {v}")).monospace().small());
                }
            }
        });
    egui::CollapsingHeader::new(format!("History ({} steps)", c.history.len())).show(ui, |ui| {
        for (i, h) in c.history.iter().enumerate() {
            let by = h.created_by.clone().unwrap_or_else(|| "—".into());
            let marker = if h.empty_layer { " " } else { icon::STACK };
            ui.label(
                RichText::new(format!("{marker} {:>2}. {by}", i + 1))
                    .monospace()
                    .small(),
            )
            .on_hover_text(h.created.clone().unwrap_or_default());
        }
    });
}

/// Add a tag (PutImage with this manifest), remove one, delete the image.
/// Each action is pinned to this repository and this image's digest.
fn actions_ui(
    ui: &mut Ui,
    state: &AppState,
    repo: &RepoRef,
    img: &Image,
    retag: &mut String,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let target = state
        .registry(&repo.key())
        .map(crate::state::RegistryState::target_line)
        .unwrap_or_default();
    let check = crate::validate::image_tag(retag.trim());
    ui.horizontal(|ui| {
        let l = ui.label("New tag");
        ui.add(
            egui::TextEdit::singleline(retag)
                .id_salt("retag")
                .hint_text("e.g. v1.2.3")
                .desired_width(160.0),
        )
        .labelled_by(l.id);
        if ui
            .add_enabled(
                check.is_ok(),
                egui::Button::new(format!("{} Add tag", icon::TAG)),
            )
            .clicked()
        {
            actions.push(UiAction::Manage(ManageAction::ChangeImages(
                repo.clone(),
                ImageChange::Retag {
                    digest: img.digest,
                    tag: retag.trim().to_owned(),
                },
            )));
            retag.clear();
        }
    });
    if let (Err(e), false) = (&check, retag.is_empty()) {
        ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
    }
    ui.horizontal_wrapped(|ui| {
        for t in &img.tags {
            let name = format!("Remove tag {t}");
            if widgets::icon_button(ui, icon::X, &name).clicked() {
                let last = img.tags.len() == 1;
                let body = if last {
                    format!("'{t}' is this image's only tag: ECR deletes the image with it.")
                } else {
                    format!(
                        "The image keeps its other tags ({}).",
                        img.tags
                            .iter()
                            .filter(|x| *x != t)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                actions.push(UiAction::Shell(ShellAction::Confirm {
                    title: format!("Remove tag {t}?"),
                    confirm: "Remove tag".into(),
                    body: format!(
                        "The tag {t} is removed from image {} of {} (only if it still names that image). {body}",
                        img.digest.short(),
                        repo.name
                    ),
                    target: target.clone(),
                    action: Box::new(UiAction::Manage(ManageAction::ChangeImages(
                        repo.clone(),
                        ImageChange::RemoveTag {
                            digest: img.digest,
                            tag: t.clone(),
                        },
                    ))),
                }));
            }
        }
        if widgets::icon_button(ui, icon::SHIELD_WARNING, "Findings").clicked() {
            actions.push(UiAction::Scanning(ScanningAction::OpenFindings));
        }
        if !img.manifest.is_index()
            && widgets::icon_button(ui, icon::SHIELD_CHECK, "Scan").clicked()
        {
            actions.push(UiAction::Scanning(ScanningAction::StartScan(repo.clone(), vec![img.digest])));
        }
        let now = widgets::now_ms();
        if let Some(a) = crate::manage::image_actions::archive_confirm(state, repo, &[img.digest])
            && widgets::icon_button(ui, icon::ARCHIVE, "Archive").clicked()
        {
            actions.push(a);
        }
        if let Some(a) = crate::manage::image_actions::restore_confirm(state, repo, &[img.digest], now)
            && widgets::icon_button(ui, icon::RESTORE, "Restore").clicked()
        {
            actions.push(a);
        }
        if img.status == crate::model::ImageStatus::Active {
            if widgets::icon_button(ui, icon::COPY, "Copy to…")
                .on_hover_text("Copy this image to another repository, region or account (no docker needed)")
                .clicked()
            {
                actions.push(UiAction::Transfer(TransferAction::OpenCopy(
                    repo.clone(),
                    vec![(img.digest, img.tags.clone())],
                )));
            }
            if widgets::icon_button(ui, icon::EXPORT, "Export to file…")
                .on_hover_text("Save the image as an OCI layout tar (docker load, podman load, skopeo)")
                .clicked()
            {
                actions.push(UiAction::Transfer(TransferAction::ExportImage {
                    repo: repo.clone(),
                    digest: img.digest,
                    tag: img.tags.first().cloned(),
                }));
            }
        }
        if widgets::icon_button(ui, icon::TRASH, "Delete image").clicked() {
            actions.push(crate::manage::image_actions::delete_images_confirm(
                state,
                repo,
                vec![img.digest],
                now,
            ));
        }
    });
}
