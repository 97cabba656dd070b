//! `ecrscope verify REF --key cosign.pub`: is this image signed by the
//! holder of that key? Each cosign signature of the image (its `.sig` tag,
//! and its OCI 1.1 referrers of cosign's signature type) is checked with RustCrypto's P-256 ECDSA, and the signed payload must
//! name the image's digest. The answer says what was and was not checked
//! (`supply_chain::cosign::SCOPE`).

use std::path::Path;

use serde_json::json;

use crate::model::Discovery;
use crate::supply_chain::{cosign, signatures};

use super::exit::{Exit, Failure};
use super::output::Rows;
use super::reference;
use super::target::{self, Globals};

pub async fn run(
    image_ref: &str,
    key_file: &Path,
    g: &Globals,
    d: &Discovery,
) -> Result<Rows, Failure> {
    let r = reference::parse(image_ref, true).map_err(Failure::usage)?;
    let key = std::fs::read_to_string(key_file).map_err(|e| {
        Failure::usage(format!(
            "Cannot read the key file '{}': {e}",
            key_file.display()
        ))
    })?;
    target::spec_for(r.profile.as_deref(), r.region.as_deref(), g, d).map_err(Failure::usage)?;
    let (_, c) = target::connect(&r, g, d).await.map_err(Failure::usage)?;
    let image = super::resolve::image(&c, &r).await?;
    let found = signatures::all_cosign_signatures(&c, &r.repository, &image.digest).await?;
    if found.is_empty() {
        return Err(Failure::new(
            Exit::NotFound,
            format!(
                "'{r}' has no cosign signature in its repository (no tag sha256-{}.sig, no signature referrer).",
                image.digest.hex()
            ),
        ));
    }
    let total: usize = found.iter().map(|(_, s)| s.len()).sum();
    let places: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
    let signed: Vec<(&str, &signatures::SignedPayload)> = found
        .iter()
        .flat_map(|(w, s)| s.iter().map(move |p| (w.as_str(), p)))
        .collect();
    let mut last = None;
    for (place, s) in signed {
        match cosign::verify(&key, &s.payload, &s.signature_b64, &image.digest) {
            Ok(claims) => {
                let mut rows = Rows::new(&[
                    "image",
                    "digest",
                    "verified",
                    "signature",
                    "dockerReference",
                    "optional",
                    "scope",
                ]);
                rows.single = true;
                rows.push(vec![
                    json!(r.to_string()),
                    json!(image.digest.to_string()),
                    json!(true),
                    json!(place),
                    json!(claims.docker_reference),
                    json!(claims.optional),
                    json!(cosign::SCOPE),
                ]);
                return Ok(rows);
            }
            Err(cosign::VerifyError::Key(e)) => {
                return Err(Failure::usage(format!(
                    "The key file is not a P-256 public key ({e})."
                )));
            }
            Err(e) => last = Some(e),
        }
    }
    let why = last.map_or_else(
        || "its signature manifest holds no signed payload".to_owned(),
        |e| e.to_string(),
    );
    Err(Failure::new(
        Exit::Failed,
        format!(
            "Not verified: {total} signature(s) ({}); {why}",
            places.join(", ")
        ),
    ))
}
