//! The supply chain's worker operations.

use crate::ecr::{self, EcrClient};
use crate::message::{SupplyChainCommand, SupplyChainPayload};
use crate::model::{ArtifactBody, ArtifactDoc, Digest, EcrError, ImageId};
use crate::worker::Cx;

use super::documents::{parse_provenance, parse_sbom};
use super::signatures::{layer_bytes, signed_payloads};

/// Runs one supply-chain command on its registry's client.
pub async fn run(cx: &Cx<'_>, cmd: SupplyChainCommand) {
    match cmd {
        SupplyChainCommand::Referrers { repo, subjects } => {
            // Concurrently within the client's in-flight limit and rate
            // gate; each answer ends its own row's request.
            let mut tasks = tokio::task::JoinSet::new();
            for subject in subjects.iter().copied() {
                let (c, name) = (cx.c().clone(), repo.name.clone());
                tasks.spawn(async move {
                    (
                        subject,
                        ecr::list_image_referrers(&c, &name, &subject).await,
                    )
                });
            }
            let mut answered = std::collections::HashSet::new();
            while let Some(joined) = tasks.join_next().await {
                let Ok((subject, result)) = joined else {
                    continue;
                };
                answered.insert(subject);
                cx.emit(SupplyChainPayload::Referrers {
                    repo: repo.clone(),
                    subject,
                    result,
                })
                .await;
            }
            // A task that died still ends its row's request.
            for subject in subjects.into_iter().filter(|d| !answered.contains(d)) {
                cx.emit(SupplyChainPayload::Referrers {
                    repo: repo.clone(),
                    subject,
                    result: Err(EcrError::Other {
                        operation: "ListImageReferrers".into(),
                        detail: "the request failed unexpectedly".into(),
                    }),
                })
                .await;
            }
        }
        SupplyChainCommand::Signing(_) => {
            let result = ecr::get_signing_configuration(cx.c()).await;
            cx.emit(SupplyChainPayload::Signing(result)).await;
        }
        SupplyChainCommand::PutSigning(_, config) => {
            let result = async {
                match &config {
                    Some(c) => {
                        ecr::put_signing_configuration(cx.c(), c).await?;
                    }
                    None => ecr::delete_signing_configuration(cx.c()).await?,
                }
                // What the registry holds now, read back.
                ecr::get_signing_configuration(cx.c()).await
            }
            .await;
            cx.emit(SupplyChainPayload::SigningSaved(result)).await;
        }
        SupplyChainCommand::SigningStatus { repo, digest } => {
            let result = ecr::describe_image_signing_status(cx.c(), &repo.name, &digest).await;
            cx.emit(SupplyChainPayload::SigningStatus {
                repo,
                digest,
                result,
            })
            .await;
        }
        SupplyChainCommand::Read {
            repo,
            artifact,
            kind,
        } => {
            let result = read(cx.c(), &repo.name, &artifact, kind).await;
            cx.emit(SupplyChainPayload::Read {
                repo,
                artifact,
                result,
            })
            .await;
        }
    }
}

/// Payload layers by media type: SBOMs and statements as their types say,
/// else the first layer.
fn payload_layer(manifest: &serde_json::Value, wanted: &[&str]) -> Option<Digest> {
    let layers = manifest["layers"].as_array()?;
    layers
        .iter()
        .find(|l| {
            l["mediaType"]
                .as_str()
                .is_some_and(|t| wanted.iter().any(|w| t.contains(w)))
        })
        .or_else(|| layers.first())
        .and_then(|l| l["digest"].as_str())
        .and_then(Digest::parse)
}

/// Reads an artifact: its manifest, then what its kind says to read.
async fn read(
    c: &EcrClient,
    repo: &str,
    artifact: &Digest,
    kind: &str,
) -> Result<ArtifactDoc, EcrError> {
    let (docs, failures) = ecr::batch_get_manifests(c, repo, &[ImageId::Digest(*artifact)]).await?;
    let Some(doc) = docs.into_iter().next() else {
        return Err(EcrError::NotFound {
            what: failures.first().map_or_else(
                || "The artifact".to_owned(),
                |(_, why)| format!("The artifact ({why})"),
            ),
        });
    };
    let manifest: serde_json::Value =
        serde_json::from_str(&doc.manifest).map_err(|e| EcrError::Other {
            operation: "Reading the artifact's manifest".into(),
            detail: e.to_string(),
        })?;
    let subject = manifest["subject"]["digest"]
        .as_str()
        .and_then(Digest::parse);
    let artifact_type = manifest["artifactType"]
        .as_str()
        .or(manifest["config"]["mediaType"].as_str())
        .map(str::to_owned);
    let layers: Vec<(String, i64)> = manifest["layers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|l| {
            (
                l["mediaType"].as_str().unwrap_or("?").to_owned(),
                l["size"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    let other = |note: String| ArtifactBody::Other {
        note,
        layers: layers.clone(),
    };
    let body = match kind {
        "signature" => {
            let payloads = signed_payloads(c, repo, &manifest).await?;
            if payloads.is_empty() {
                notation(c, repo, &manifest, other).await?
            } else {
                ArtifactBody::Signature(payloads)
            }
        }
        "SBOM" | "attestation" => {
            let wanted: &[&str] = if kind == "SBOM" {
                &["spdx", "cyclonedx", "in-toto", "json"]
            } else {
                &["in-toto", "dsse", "json"]
            };
            match payload_layer(&manifest, wanted) {
                None => other("The manifest has no layer to read.".into()),
                Some(layer) => {
                    let bytes = layer_bytes(c, repo, &layer).await?;
                    if kind == "SBOM" {
                        parse_sbom(&bytes).map_or_else(other, ArtifactBody::Sbom)
                    } else {
                        parse_provenance(&bytes).map_or_else(other, ArtifactBody::Provenance)
                    }
                }
            }
        }
        _ => other("An artifact of a kind ecrscope does not read.".into()),
    };
    Ok(ArtifactDoc {
        subject,
        artifact_type,
        body,
    })
}

/// A Notation signature: its JWS envelope layer read (a COSE envelope is
/// named, not read).
async fn notation(
    c: &EcrClient,
    repo: &str,
    manifest: &serde_json::Value,
    other: impl Fn(String) -> ArtifactBody,
) -> Result<ArtifactBody, EcrError> {
    let layers = manifest["layers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let of = |t: &str| {
        layers
            .iter()
            .find(|l| l["mediaType"].as_str() == Some(t))
            .and_then(|l| l["digest"].as_str())
            .and_then(Digest::parse)
    };
    if let Some(layer) = of("application/jose+json") {
        let bytes = layer_bytes(c, repo, &layer).await?;
        return Ok(super::certificates::parse_notation_jws(&bytes).map_or_else(
            |e| other(format!("A Notation JWS envelope that cannot be read: {e}.")),
            ArtifactBody::Notation,
        ));
    }
    if of("application/cose").is_some() {
        return Ok(other(
            "A Notation signature in a COSE envelope: ecrscope reads JWS envelopes only, for now."
                .into(),
        ));
    }
    Ok(other(
        "No cosign simple-signing layer and no Notation envelope.".into(),
    ))
}
