//! What an artifact says, in the image details pane (signatures in
//! `signature_view.rs`): an SBOM's packages,
//! searchable, with those the image's findings name marked; a provenance
//! statement's builder, source, commit, times and materials.

use egui::{RichText, Ui};

use crate::model::{ArtifactBody, ArtifactDoc, Digest, Image, Provenance, RepoRef, Sbom};
use crate::state::{RepoImages, Requested};
use crate::ui::style::{self, icon};
use crate::ui::{ScanningAction, SupplyChainAction, UiAction};

use super::artifacts::{ArtifactKind, cosign_tag};

/// The pane's own state: the key file named, the last verdict, the SBOM's
/// search text.
#[derive(Debug, Default)]
pub struct ArtifactView {
    pub key_path: String,
    /// (artifact, its verdict): shown for that artifact only.
    pub verdict: Option<(Digest, Result<String, String>)>,
    pub sbom_filter: String,
    /// (artifact, search text, the packages it keeps): the search runs on
    /// a keystroke, not every frame.
    sbom_rows: Option<(Digest, String, std::sync::Arc<Vec<usize>>)>,
}

/// The kind of `img` and its subject, when it is an artifact: by cosign's
/// tag scheme, else by the referrers listed so far.
pub fn artifact_of(ri: &RepoImages, img: &Image) -> Option<(ArtifactKind, Option<Digest>)> {
    if let Some((subject, kind)) = img.tags.iter().find_map(|t| cosign_tag(t)) {
        return Some((kind, Some(subject)));
    }
    ri.referrers.iter().find_map(|(subject, listed)| {
        listed
            .shown()?
            .iter()
            .find(|r| r.digest == img.digest)
            .map(|r| {
                (
                    r.artifact_type
                        .as_deref()
                        .map_or(ArtifactKind::Other, ArtifactKind::of_type),
                    Some(*subject),
                )
            })
    })
}

/// The artifact section of the details pane.
#[allow(clippy::too_many_arguments)]
pub fn artifact_ui(
    ui: &mut Ui,
    target: &RepoRef,
    ri: &RepoImages,
    img: &Image,
    kind: ArtifactKind,
    subject: Option<Digest>,
    view: &mut ArtifactView,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    ui.heading(format!(
        "{} What this {} says",
        icon::SHIELD_CHECK,
        kind.label()
    ));
    if let Some(s) = subject {
        ui.horizontal(|ui| {
            ui.label(RichText::new("About the image").weak());
            ui.monospace(short(&s));
            if ui.small_button("Open it").clicked() {
                actions.push(UiAction::Browse(crate::ui::BrowseAction::SelectImage(
                    Some(s),
                )));
            }
        });
    }
    match ri.artifact_docs.get(&img.digest) {
        None => {
            actions.push(UiAction::SupplyChain(SupplyChainAction::Read(
                target.clone(),
                img.digest,
                kind,
                false,
            )));
        }
        Some(Requested::Idle | Requested::Loading { previous: None, .. }) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Reading the {}…", kind.label()));
            });
        }
        Some(Requested::Failed {
            error,
            previous: None,
        }) => {
            ui.colored_label(palette.error, format!("{} {error}", icon::ERROR));
            if ui.button("Try again").clicked() {
                actions.push(UiAction::SupplyChain(SupplyChainAction::Read(
                    target.clone(),
                    img.digest,
                    kind,
                    true,
                )));
            }
        }
        Some(r) => {
            if let Some(doc) = r.shown() {
                body_ui(ui, target, ri, img, doc, subject, view, actions);
            }
        }
    }
    ui.add_space(style::GAP);
}

fn short(d: &Digest) -> String {
    let s = d.to_string();
    format!("{}…", &s[..19.min(s.len())])
}

#[allow(clippy::too_many_arguments)]
fn body_ui(
    ui: &mut Ui,
    target: &RepoRef,
    ri: &RepoImages,
    img: &Image,
    doc: &ArtifactDoc,
    subject: Option<Digest>,
    view: &mut ArtifactView,
    actions: &mut Vec<UiAction>,
) {
    if let Some(t) = &doc.artifact_type {
        ui.label(RichText::new(format!("Type: {t}")).weak().small());
    }
    let subject = doc.subject.or(subject);
    match &doc.body {
        ArtifactBody::Signature(payloads) => {
            super::signature_view::signature_ui(ui, img, payloads, subject, view);
        }
        ArtifactBody::Notation(n) => super::signature_view::notation_ui(ui, n),
        ArtifactBody::Sbom(sbom) => {
            sbom_ui(ui, target, ri, img.digest, sbom, subject, view, actions);
        }
        ArtifactBody::Provenance(p) => provenance_ui(ui, p),
        ArtifactBody::Other { note, layers } => {
            ui.label(note);
            for (t, size) in layers {
                ui.label(
                    RichText::new(format!("{t} · {}", wording_bytes(*size)))
                        .small()
                        .weak(),
                );
            }
        }
    }
}

fn wording_bytes(n: i64) -> String {
    crate::model::transfer::human_size(n)
}

#[allow(clippy::too_many_arguments)]
fn sbom_ui(
    ui: &mut Ui,
    target: &RepoRef,
    ri: &RepoImages,
    artifact: Digest,
    sbom: &Sbom,
    subject: Option<Digest>,
    view: &mut ArtifactView,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let dark = ui.visuals().dark_mode;
    ui.label(format!(
        "{} · {} packages{}",
        sbom.format,
        sbom.packages.len(),
        if sbom.creator.is_empty() {
            String::new()
        } else {
            format!(" · made by {}", sbom.creator)
        }
    ));
    // The image's findings, joined by package name and version.
    let report = subject.and_then(|s| ri.findings.get(&s));
    let marks: std::collections::HashMap<usize, (crate::model::Severity, Vec<String>)> = report
        .and_then(Requested::shown)
        .map(|r| {
            super::documents::packages_with_findings(&sbom.packages, &r.findings)
                .into_iter()
                .map(|(i, s, ids)| (i, (s, ids)))
                .collect()
        })
        .unwrap_or_default();
    match (subject, report) {
        (Some(s), None) => {
            if ui
                .button(format!(
                    "{} Mark the packages the image's findings name",
                    icon::SHIELD_WARNING
                ))
                .clicked()
            {
                actions.push(UiAction::Scanning(ScanningAction::LoadFindings(
                    target.clone(),
                    s,
                )));
            }
        }
        (Some(_), Some(r)) if r.is_loading() => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the image's findings…");
            });
        }
        (Some(_), Some(r)) if r.shown().is_some() => {
            ui.label(
                RichText::new(format!(
                    "{} of {} packages have findings in the image's scan.",
                    marks.len(),
                    sbom.packages.len()
                ))
                .color(if marks.is_empty() {
                    palette.ok
                } else {
                    palette.warning
                }),
            );
        }
        (Some(_), Some(_)) => {
            ui.label(
                RichText::new("The image's findings could not be read (no scan yet?).").weak(),
            );
        }
        (None, _) => {}
    }
    let r = ui.add(
        egui::TextEdit::singleline(&mut view.sbom_filter)
            .hint_text(format!(
                "{} Package, version, licence or purl",
                icon::SEARCH
            ))
            .desired_width(260.0),
    );
    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Search packages"));
    let fresh = view
        .sbom_rows
        .as_ref()
        .is_some_and(|(d, text, _)| *d == artifact && *text == view.sbom_filter);
    if !fresh {
        let rows = super::documents::filter_packages(&sbom.packages, &view.sbom_filter);
        view.sbom_rows = Some((
            artifact,
            view.sbom_filter.clone(),
            std::sync::Arc::new(rows),
        ));
    }
    let shown = view
        .sbom_rows
        .as_ref()
        .map(|(_, _, r)| r.clone())
        .unwrap_or_default();
    egui_extras::TableBuilder::new(ui)
        .id_salt("sbom_packages")
        .striped(true)
        .max_scroll_height(320.0)
        .column(egui_extras::Column::auto().at_least(120.0))
        .column(egui_extras::Column::auto().at_least(140.0))
        .column(egui_extras::Column::auto().at_least(110.0))
        .column(egui_extras::Column::remainder())
        .header(style::ROW_HEIGHT, |mut h| {
            for t in ["Package", "Version", "Licence", "Findings"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(style::ROW_HEIGHT, shown.len(), |mut row| {
                let i = shown[row.index()];
                let p = &sbom.packages[i];
                // One line a row: a long version or licence is cut, whole
                // on hover.
                row.col(|ui| {
                    ui.add(egui::Label::new(&p.name).truncate())
                        .on_hover_text(&p.purl);
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&p.version).truncate())
                        .on_hover_text(&p.version);
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(&p.licence).truncate())
                        .on_hover_text(&p.licence);
                });
                row.col(|ui| {
                    if let Some((sev, ids)) = marks.get(&i) {
                        ui.label(
                            RichText::new(format!("{} {}", sev.as_api(), ids.len()))
                                .color(style::severity_color(*sev, dark)),
                        )
                        .on_hover_text(ids.join("\n"));
                    }
                });
            });
        });
}

fn provenance_ui(ui: &mut Ui, p: &Provenance) {
    egui::Grid::new("provenance")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for (k, v) in [
                ("Builder", &p.builder),
                ("Build type", &p.build_type),
                ("Source", &p.source),
                ("Commit", &p.commit),
                ("Started", &p.started),
                ("Finished", &p.finished),
                ("Predicate", &p.predicate_type),
            ] {
                if v.is_empty() {
                    continue;
                }
                ui.label(RichText::new(k).weak());
                value(ui, v);
                ui.end_row();
            }
        });
    if !p.materials.is_empty() {
        ui.label(RichText::new(format!("Materials ({})", p.materials.len())).strong());
        for (uri, digest) in &p.materials {
            let line = format!("{uri}  {digest}");
            ui.add(egui::Label::new(RichText::new(&line).small().monospace()).truncate())
                .on_hover_text(&line);
        }
    }
}

/// The image's ECR managed-signing status, one line per profile; asked for
/// only where the registry's rules cover the repository.
pub fn signing_status_ui(
    ui: &mut Ui,
    state: &crate::state::AppState,
    target: &RepoRef,
    ri: &RepoImages,
    img: &Image,
    actions: &mut Vec<UiAction>,
) {
    let covered = state
        .registry(&target.key())
        .and_then(|r| r.signing.shown())
        .and_then(Option::as_ref)
        .is_some_and(|c| c.rules.iter().any(|r| r.covers(&target.name)));
    if !covered || img.manifest.is_index() {
        return;
    }
    let palette = style::palette(ui.visuals());
    match ri.signing.get(&img.digest) {
        None => actions.push(UiAction::SupplyChain(SupplyChainAction::NeedSigningStatus(
            target.clone(),
            img.digest,
        ))),
        Some(r) if r.is_loading() => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading ECR's signing status…");
            });
        }
        Some(r) => match (r.shown(), r.error()) {
            (Some(list), _) if list.is_empty() => {
                ui.label(
                    RichText::new(format!(
                        "{} ECR managed signing: not signed (pushed before the rule, or not matched when pushed)",
                        icon::SHIELD_WARNING
                    ))
                    .color(palette.warning),
                );
            }
            (Some(list), _) => {
                for s in list {
                    let profile = s
                        .profile_arn
                        .as_deref()
                        .map_or("?", |a| a.rsplit('/').next().unwrap_or(a));
                    let (glyph, color) = match s.status.as_str() {
                        "COMPLETE" => (icon::SHIELD_CHECK, palette.ok),
                        "FAILED" => (icon::SHIELD_WARNING, palette.error),
                        _ => (icon::HOURGLASS, palette.muted),
                    };
                    let mut line = format!("{glyph} ECR managed signing: {} ({profile})", s.status);
                    if let Some(why) = s.failure_reason.as_deref().or(s.failure_code.as_deref()) {
                        line.push_str(&format!(": {why}"));
                    }
                    ui.label(RichText::new(line).color(color))
                        .on_hover_text(s.profile_arn.as_deref().unwrap_or_default());
                }
            }
            (None, Some(e)) if !matches!(e, crate::model::EcrError::NotSupported { .. }) => {
                ui.colored_label(
                    palette.error,
                    format!("{} Signing status: {e}", icon::ERROR),
                );
            }
            _ => {}
        },
    }
}

/// A value in one line, cut at the pane's edge, whole on hover: long
/// references and URLs must not widen the details pane past the window.
pub(super) fn value(ui: &mut Ui, text: &str) {
    ui.add(egui::Label::new(text).truncate())
        .on_hover_text(text);
}
