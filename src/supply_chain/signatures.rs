//! Reading an image's cosign signatures from its repository (the tag
//! scheme: `sha256-<hex>.sig`): the signature manifest (BatchGetImage: a
//! read of the signature artifact, not of the image), then each signed
//! payload layer (GetDownloadUrlForLayer and the download, checked against
//! its digest), with the base64 signature from the layer's annotation.

use crate::ecr::{self, EcrClient};
use crate::model::{Digest, EcrError, ImageId};

use super::cosign::{PAYLOAD_MEDIA_TYPE, SIGNATURE_ANNOTATION};

pub use crate::model::SignedPayload;

/// The image's cosign signatures: the tag they are under and each payload;
/// `None` when the image has no `.sig` tag.
pub async fn cosign_signatures(
    c: &EcrClient,
    repo: &str,
    image: &Digest,
) -> Result<Option<(String, Vec<SignedPayload>)>, EcrError> {
    let tag = format!("sha256-{}.sig", image.hex());
    let (docs, _failures) = ecr::batch_get_manifests(c, repo, &[ImageId::Tag(tag.clone())]).await?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(None);
    };
    let manifest: serde_json::Value =
        serde_json::from_str(&doc.manifest).map_err(|e| EcrError::Other {
            operation: "Reading the signature manifest".into(),
            detail: e.to_string(),
        })?;
    Ok(Some((tag, signed_payloads(c, repo, &manifest).await?)))
}

/// A keyless signature's certificate, on its simple-signing layer.
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";

/// Every cosign signature of `image`, wherever it is: the tag scheme
/// (`sha256-<hex>.sig`) and the OCI 1.1 referrers of cosign's signature
/// type (ListImageReferrers, where the registry has it: a registry
/// without the call, or refusing it, leaves the tag scheme alone). Each
/// with where it was found ("tag sha256-….sig", "referrer sha256:…").
pub async fn all_cosign_signatures(
    c: &EcrClient,
    repo: &str,
    image: &Digest,
) -> Result<Vec<(String, Vec<SignedPayload>)>, EcrError> {
    let mut out = Vec::new();
    if let Some((tag, payloads)) = cosign_signatures(c, repo, image).await? {
        out.push((format!("tag {tag}"), payloads));
    }
    let referrers = match ecr::list_image_referrers(c, repo, image).await {
        Ok(r) => r,
        Err(e) if super::state::means_no_referrers_api(&e) => Vec::new(),
        Err(e) => return Err(e),
    };
    for r in referrers.iter().filter(|r| {
        r.artifact_type
            .as_deref()
            .map(super::artifacts::ArtifactKind::of_type)
            == Some(super::artifacts::ArtifactKind::Signature)
            && r.status == crate::model::ImageStatus::Active
    }) {
        let (docs, _) = ecr::batch_get_manifests(c, repo, &[ImageId::Digest(r.digest)]).await?;
        let Some(doc) = docs.into_iter().next() else {
            continue;
        };
        let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&doc.manifest) else {
            continue;
        };
        out.push((
            format!("referrer {}", r.digest),
            signed_payloads(c, repo, &manifest).await?,
        ));
    }
    Ok(out)
}

/// Each simple-signing layer of a signature manifest, downloaded and
/// checked against its digest, with its signature.
pub async fn signed_payloads(
    c: &EcrClient,
    repo: &str,
    manifest: &serde_json::Value,
) -> Result<Vec<SignedPayload>, EcrError> {
    let mut out = Vec::new();
    for layer in manifest["layers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if layer["mediaType"].as_str() != Some(PAYLOAD_MEDIA_TYPE) {
            continue;
        }
        let (Some(sig), Some(digest)) = (
            layer["annotations"][SIGNATURE_ANNOTATION].as_str(),
            layer["digest"].as_str().and_then(Digest::parse),
        ) else {
            continue;
        };
        out.push(SignedPayload {
            payload: layer_bytes(c, repo, &digest).await?,
            signature_b64: sig.to_owned(),
            certificate: layer["annotations"][CERTIFICATE_ANNOTATION]
                .as_str()
                .map(str::to_owned),
        });
    }
    Ok(out)
}

/// A layer's bytes (GetDownloadUrlForLayer and the download), checked
/// against its digest.
pub async fn layer_bytes(c: &EcrClient, repo: &str, digest: &Digest) -> Result<Vec<u8>, EcrError> {
    let url = ecr::get_download_url_for_layer(c, repo, digest).await?;
    let bytes = ecr::download_blob(&url, c.blob_timeout(), c.trust()).await?;
    if Digest::of_bytes(&bytes) != *digest {
        return Err(EcrError::Other {
            operation: "Downloading the artifact's payload".into(),
            detail: format!("it hashes to {}, not to {digest}", Digest::of_bytes(&bytes)),
        });
    }
    Ok(bytes)
}
