//! What a signature says, in the details pane: a cosign signature's
//! claims, its keyless certificate (shown, not verified), and Verify with a
//! public key file the person names; a Notation signature's JWS envelope
//! and its certificate chain.

use egui::{RichText, Ui};

use crate::model::{Digest, Image};
use crate::ui::style::{self, icon};
use crate::ui::widgets;

use super::artifact_view::{ArtifactView, value};
use super::cosign;

pub(super) fn signature_ui(
    ui: &mut Ui,
    img: &Image,
    payloads: &[crate::model::SignedPayload],
    subject: Option<Digest>,
    view: &mut ArtifactView,
) {
    let palette = style::palette(ui.visuals());
    for (i, p) in payloads.iter().enumerate() {
        egui::Grid::new(("signature", i))
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| match cosign::claims(&p.payload) {
                Ok(c) => {
                    ui.label(RichText::new("Signs").weak());
                    let names_subject =
                        subject.is_some_and(|s| s.to_string() == c.docker_manifest_digest);
                    // The digest cut short (whole on hover): the pane is
                    // narrow, and the verdict is what matters.
                    let short = Digest::parse(&c.docker_manifest_digest)
                        .map_or_else(|| c.docker_manifest_digest.clone(), |d| d.short());
                    let text = if names_subject {
                        RichText::new(format!("{} {short}… (the image above)", icon::OK))
                            .color(palette.ok)
                    } else {
                        RichText::new(format!("{} {short}… (not the image above)", icon::WARNING))
                            .color(palette.warning)
                    };
                    ui.label(text).on_hover_text(&c.docker_manifest_digest);
                    ui.end_row();
                    ui.label(RichText::new("Reference").weak());
                    value(ui, &c.docker_reference);
                    ui.end_row();
                    ui.label(RichText::new("Kind").weak());
                    value(ui, &c.kind);
                    ui.end_row();
                    if !c.optional.is_empty() {
                        ui.label(RichText::new("Signer's notes").weak());
                        value(ui, &c.optional);
                        ui.end_row();
                    }
                    if let Some(pem) = &p.certificate {
                        keyless_rows(ui, pem);
                    }
                    ui.label(RichText::new("Signature").weak());
                    ui.horizontal(|ui| {
                        ui.monospace(format!(
                            "{}…",
                            p.signature_b64.chars().take(24).collect::<String>()
                        ));
                        widgets::copy_button(ui, "the signature", &p.signature_b64);
                    });
                    ui.end_row();
                }
                Err(e) => {
                    ui.label(RichText::new("Payload").weak());
                    ui.colored_label(palette.error, e);
                    ui.end_row();
                }
            });
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Verify with a cosign public key (PEM, ECDSA P-256)").strong());
    ui.horizontal(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut view.key_path)
                .hint_text("/path/to/cosign.pub")
                .desired_width(240.0),
        );
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Public key file"));
        let ready = !view.key_path.trim().is_empty() && subject.is_some();
        if ui
            .add_enabled(ready, egui::Button::new(format!("{} Verify", icon::KEY)))
            .clicked()
            && let Some(s) = subject
        {
            view.verdict = Some((
                img.digest,
                verify_with_file(view.key_path.trim(), payloads, &s),
            ));
        }
    });
    if subject.is_none() {
        ui.label(
            RichText::new(
                "The image it signs is not known, so there is nothing to check it against.",
            )
            .weak(),
        );
    }
    if let Some((d, verdict)) = &view.verdict
        && *d == img.digest
    {
        match verdict {
            Ok(said) => ui.colored_label(palette.ok, format!("{} {said}", icon::OK)),
            Err(why) => ui.colored_label(palette.error, format!("{} {why}", icon::ERROR)),
        };
        ui.label(RichText::new(cosign::SCOPE).small().weak());
    }
}

/// Reads the key file (a few KiB at most: a PEM key is ~180 bytes) and
/// checks every payload; verified when one verifies.
pub fn verify_with_file(
    path: &str,
    payloads: &[crate::model::SignedPayload],
    subject: &Digest,
) -> Result<String, String> {
    const MAX_KEY_FILE: u64 = 64 * 1024;
    let path = std::path::Path::new(path);
    let meta =
        std::fs::metadata(path).map_err(|e| format!("Cannot read {}: {e}.", path.display()))?;
    if meta.len() > MAX_KEY_FILE {
        return Err(format!(
            "{} is {} bytes: not a public key file (a PEM key is a few hundred).",
            path.display(),
            meta.len()
        ));
    }
    let pem = std::fs::read_to_string(path)
        .map_err(|e| format!("Cannot read {}: {e}.", path.display()))?;
    let mut last = String::from("The signature manifest holds no signed payload.");
    for p in payloads {
        match cosign::verify(&pem, &p.payload, &p.signature_b64, subject) {
            Ok(c) => {
                return Ok(format!(
                    "Verified with {}: signed by that key's private half, and it names this image ({}).",
                    path.display(),
                    c.docker_manifest_digest
                ));
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// A keyless signature's certificate, as rows of the signature's grid:
/// who signed (the identity Fulcio certified), who vouched for it, the
/// certificate's issuer and validity. Shown, not verified.
fn keyless_rows(ui: &mut Ui, pem: &str) {
    let palette = style::palette(ui.visuals());
    match super::certificates::from_pem(pem) {
        Ok(certs) => {
            if let Some(c) = certs.first() {
                ui.label(RichText::new("Signed as").weak());
                value(
                    ui,
                    &if c.identities.is_empty() {
                        c.subject.clone()
                    } else {
                        c.identities.join(", ")
                    },
                );
                ui.end_row();
                if let Some(i) = &c.oidc_issuer {
                    ui.label(RichText::new("Identity from").weak());
                    value(ui, i);
                    ui.end_row();
                }
                ui.label(RichText::new("Certificate").weak());
                value(
                    ui,
                    &format!(
                        "by {} · valid {} to {}",
                        c.issuer, c.not_before, c.not_after
                    ),
                );
                ui.end_row();
                ui.label(RichText::new("Checked").weak());
                ui.label(
                    RichText::new("No: a keyless signature is verified against Sigstore's Fulcio root and Rekor log, which ecrscope does not do.")
                        .color(palette.warning),
                );
                ui.end_row();
            }
        }
        Err(e) => {
            ui.label(RichText::new("Certificate").weak());
            ui.colored_label(palette.error, e);
            ui.end_row();
        }
    }
}

/// A Notation signature: what its envelope says and its certificate chain.
pub(super) fn notation_ui(ui: &mut Ui, n: &crate::model::NotationSignature) {
    let palette = style::palette(ui.visuals());
    egui::Grid::new("notation")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for (k, v) in [
                ("Envelope", "JWS (Notation)"),
                ("Algorithm", n.algorithm.as_str()),
                ("Signing scheme", n.signing_scheme.as_str()),
                ("Signed", n.signing_time.as_str()),
                ("Expires", n.expiry.as_str()),
                ("Signing agent", n.signing_agent.as_str()),
            ] {
                if v.is_empty() {
                    continue;
                }
                ui.label(RichText::new(k).weak());
                value(ui, v);
                ui.end_row();
            }
        });
    ui.label(RichText::new(format!("Certificate chain ({})", n.chain.len())).strong());
    for (i, c) in n.chain.iter().enumerate() {
        let who = if i == 0 { "signer" } else { "issuer" };
        ui.label(format!("{who}: {}", c.subject))
            .on_hover_text(format!("issued by {}", c.issuer));
        ui.label(
            RichText::new(format!("valid {} to {}", c.not_before, c.not_after))
                .small()
                .weak(),
        );
    }
    ui.label(
        RichText::new("Shown as the envelope says: the chain is not checked against a trust store, and no Notation trust policy is evaluated.")
            .color(palette.warning)
            .small(),
    );
}
