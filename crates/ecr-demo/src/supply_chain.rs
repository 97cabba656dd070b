//! Signed images in the demo. The newest two tagged images of
//! `payments/checkout` carry OCI 1.1 referrers, stored as ECR stores them
//! (untagged manifests in the same repository whose `subject` names the
//! image), so ListImageReferrers lists them:
//!
//! - a cosign key-pair signature (`application/vnd.dev.cosign.artifact.sig.v1+json`,
//!   cosign's OCI 1.1 layout: an empty config, one simple-signing layer with
//!   its base64 DER signature in `dev.cosignproject.cosign/signature`);
//! - an SBOM, itself signed (a referrer of a referrer): SPDX 2.3
//!   (`application/spdx+json`) on the newest image, CycloneDX 1.5
//!   (`application/vnd.cyclonedx+json`) on the next, their packages
//!   overlapping the demo's findings;
//! - a SLSA v1 provenance statement (`application/vnd.in-toto+json`).
//!
//! The key is the demo's own, fixed and public on purpose
//! ([`demo_public_key_pem`], also `assets/demo-cosign.pub`): it signs demo
//! images only and is no secret. ECDSA with RFC 6979 nonces, so the
//! signatures, and with them the digests, stay the same all day.

use std::collections::HashMap;

use base64::Engine as _;
use hyper::body::Bytes;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey as _;
use serde_json::{Value, json};

use super::store::{DemoArchive, DemoImage, DemoRepo};
use ecr_core::Digest;
use ecr_core::time::rfc3339;

/// The repository whose images the demo signs.
pub const SIGNED_REPOSITORY: &str = "payments/checkout";
/// How many of its newest tagged images are signed.
pub const SIGNED_IMAGES: usize = 2;
/// The AWS Signer profile of the demo's managed-signing rule.
pub const DEMO_SIGNING_PROFILE: &str =
    "arn:aws:signer:us-east-1:123456789012:/signing-profiles/ecrscope_demo_release";

pub const SIGNATURE_TYPE: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";
pub const SBOM_TYPE: &str = "application/spdx+json";
pub const CYCLONEDX_TYPE: &str = "application/vnd.cyclonedx+json";
pub const PROVENANCE_TYPE: &str = "application/vnd.in-toto+json";
const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
const EMPTY_CONFIG: &str = "application/vnd.oci.empty.v1+json";
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn signing_key() -> SigningKey {
    use sha2::Digest as _;
    let seed = sha2::Sha256::digest(
        b"ecrscope demo cosign key: public on purpose, signs demo images only",
    );
    // A SHA-256 output is a valid P-256 scalar but for a 2^-128 chance; this
    // one is (the test below signs and verifies with it).
    SigningKey::from_slice(&seed).expect("the demo's fixed signing seed is a P-256 scalar")
}

/// The demo signing key's public half, as `cosign public-key` prints it.
pub fn demo_public_key_pem() -> String {
    signing_key()
        .verifying_key()
        .to_public_key_pem(p256::pkcs8::LineEnding::LF)
        .unwrap_or_default()
}

/// A blob kept for download; its descriptor.
fn blob(blobs: &mut HashMap<Digest, Bytes>, media_type: &str, bytes: Vec<u8>) -> Value {
    let d = Digest::of_bytes(&bytes);
    let len = bytes.len();
    blobs.insert(d, bytes.into());
    json!({"mediaType": media_type, "digest": d.to_string(), "size": len})
}

/// A referrer manifest of `subject`, stored untagged one minute after it.
fn referrer(
    repo: &mut DemoRepo,
    blobs: &mut HashMap<Digest, Bytes>,
    subject: &DemoImage,
    artifact_type: &str,
    layers: Vec<Value>,
    annotations: Value,
) -> DemoImage {
    let config = blob(blobs, EMPTY_CONFIG, b"{}".to_vec());
    let size: i64 = layers
        .iter()
        .filter_map(|l| l.get("size").and_then(Value::as_i64))
        .sum();
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "artifactType": artifact_type,
        "config": config,
        "layers": layers,
        "subject": {"mediaType": subject.media_type, "digest": subject.digest.to_string(), "size": subject.manifest.len()},
        "annotations": annotations,
    });
    let text = serde_json::to_string(&manifest).unwrap_or_default();
    let img = DemoImage {
        digest: Digest::of_bytes(text.as_bytes()),
        tags: Vec::new(),
        manifest: text,
        media_type: MANIFEST.into(),
        artifact_media_type: Some(EMPTY_CONFIG.into()),
        size,
        pushed_at: subject.pushed_at + 60.0,
        last_pull: None,
        archive: DemoArchive::default(),
        scan: None,
        basic_findings: Default::default(),
        enhanced_findings: Default::default(),
        summary_override: None,
    };
    repo.images.push(img.clone());
    img
}

/// A cosign signature of `subject` (its simple-signing payload signed).
fn sign(
    repo: &mut DemoRepo,
    blobs: &mut HashMap<Digest, Bytes>,
    subject: &DemoImage,
    reference: &str,
    created: &str,
) -> DemoImage {
    let payload = serde_json::to_vec(&json!({
        "critical": {
            "identity": {"docker-reference": reference},
            "image": {"docker-manifest-digest": subject.digest.to_string()},
            "type": "cosign container image signature"
        },
        "optional": {"signed-by": "ecrscope demo release pipeline"}
    }))
    .unwrap_or_default();
    let sig: Signature = signing_key().sign(&payload);
    let sig_b64 = base64::engine::general_purpose::STANDARD.encode(sig.to_der().as_bytes());
    let mut layer = blob(blobs, SIMPLE_SIGNING, payload);
    layer["annotations"] = json!({"dev.cosignproject.cosign/signature": sig_b64});
    referrer(
        repo,
        blobs,
        subject,
        SIGNATURE_TYPE,
        vec![layer],
        json!({"org.opencontainers.image.created": created}),
    )
}

/// The packages of a demo node image's SBOM: (name, version, licence, purl
/// type). The Debian ones carry the versions the demo's findings name, so
/// the SBOM view marks them.
const PACKAGES: &[(&str, &str, &str, &str)] = &[
    ("openssl", "3.0.11-1~deb12u2", "Apache-2.0", "deb"),
    ("glibc", "2.36-9+deb12u4", "LGPL-2.1-or-later", "deb"),
    ("zlib", "1:1.2.13.dfsg-1", "Zlib", "deb"),
    ("curl", "7.88.1-10+deb12u5", "curl", "deb"),
    ("libxml2", "2.9.14+dfsg-1.3", "MIT", "deb"),
    ("expat", "2.5.0-1", "MIT", "deb"),
    ("ca-certificates", "20230311", "GPL-2.0-or-later", "deb"),
    ("nodejs", "20.11.1", "MIT", "generic"),
    ("express", "4.18.2", "MIT", "npm"),
    ("lodash", "4.17.20", "MIT", "npm"),
    ("jsonwebtoken", "8.5.1", "MIT", "npm"),
    ("axios", "1.6.0", "MIT", "npm"),
    ("semver", "7.5.2", "ISC", "npm"),
];

/// A package URL (purl) of the demo's package kinds.
fn purl(name: &str, version: &str, kind: &str) -> String {
    match kind {
        "deb" => format!("pkg:deb/debian/{name}@{version}?distro=debian-12"),
        "npm" => format!("pkg:npm/{name}@{version}"),
        _ => format!("pkg:generic/{name}@{version}"),
    }
}

fn sbom_document(reference: &str, subject: &Digest, created: &str) -> Value {
    let packages: Vec<Value> = PACKAGES
        .iter()
        .enumerate()
        .map(|(i, (name, version, licence, kind))| {
            let purl = purl(name, version, kind);
            json!({
                "SPDXID": format!("SPDXRef-Package-{i}"),
                "name": name,
                "versionInfo": version,
                "licenseConcluded": licence,
                "downloadLocation": "NOASSERTION",
                "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": purl}],
            })
        })
        .collect();
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": reference,
        "documentNamespace": format!("https://ecrscope.invalid/spdx/{}", subject.hex()),
        "creationInfo": {"created": created, "creators": ["Tool: syft-1.4.1"]},
        "packages": packages,
    })
}

/// The same packages as a CycloneDX 1.5 document (the second signed image
/// carries this one: both formats are in the demo).
fn cyclonedx_document(reference: &str, created: &str) -> Value {
    let components: Vec<Value> = PACKAGES
        .iter()
        .map(|(name, version, licence, kind)| {
            let purl = purl(name, version, kind);
            json!({"type": "library", "name": name, "version": version, "purl": purl,
                   "licenses": [{"license": {"id": licence}}]})
        })
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {"timestamp": created, "component": {"type": "container", "name": reference},
                     "tools": {"components": [{"type": "application", "name": "syft", "version": "1.4.1"}]}},
        "components": components,
    })
}

fn provenance(reference: &str, subject: &Digest, built: (&str, &str), commit: &str) -> Value {
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": reference, "digest": {"sha256": subject.hex()}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                "externalParameters": {"workflow": {
                    "ref": "refs/heads/main",
                    "repository": "https://github.com/example-corp/checkout",
                    "path": ".github/workflows/release.yml"
                }},
                "resolvedDependencies": [
                    {"uri": "git+https://github.com/example-corp/checkout@refs/heads/main", "digest": {"gitCommit": commit}},
                    {"uri": "pkg:docker/node@20-bookworm-slim", "digest": {"sha256": "5c4ee1a2bb7d1b1b4f8b3e1f0b6c9a3f2e7d8c9b0a1f2e3d4c5b6a7988776655"}}
                ]
            },
            "runDetails": {
                "builder": {"id": "https://github.com/actions/runner/github-hosted"},
                "metadata": {"invocationId": "https://github.com/example-corp/checkout/actions/runs/8812345678/attempts/1", "startedOn": built.0, "finishedOn": built.1}
            }
        }
    })
}

/// Signs the newest tagged images of [`SIGNED_REPOSITORY`] and attaches
/// an SBOM (signed too) and provenance to each. `uri` is the repository's
/// docker reference.
pub fn attach(repo: &mut DemoRepo, blobs: &mut HashMap<Digest, Bytes>, uri: &str) {
    let mut tagged: Vec<DemoImage> = repo
        .images
        .iter()
        .filter(|i| !i.tags.is_empty())
        .cloned()
        .collect();
    tagged.sort_by(|a, b| b.pushed_at.total_cmp(&a.pushed_at));
    for (k, subject) in tagged.iter().take(SIGNED_IMAGES).enumerate() {
        let created = rfc3339(subject.pushed_at + 60.0);
        sign(repo, blobs, subject, uri, &created);
        // The newest image's SBOM in SPDX, the next one's in CycloneDX.
        let (sbom_type, sbom) = if k == 0 {
            (SBOM_TYPE, sbom_document(uri, &subject.digest, &created))
        } else {
            (CYCLONEDX_TYPE, cyclonedx_document(uri, &created))
        };
        let layer = blob(
            blobs,
            sbom_type,
            serde_json::to_vec(&sbom).unwrap_or_default(),
        );
        let sbom_image = referrer(
            repo,
            blobs,
            subject,
            sbom_type,
            vec![layer],
            json!({"org.opencontainers.image.created": created}),
        );
        sign(repo, blobs, &sbom_image, uri, &created);
        let commit = format!("{:040x}", 0x9f3c_2a71_u64 + k as u64 * 0x1_0000_0001);
        let statement = provenance(
            uri,
            &subject.digest,
            (
                &rfc3339(subject.pushed_at - 420.0),
                &rfc3339(subject.pushed_at - 30.0),
            ),
            &commit,
        );
        let layer = blob(
            blobs,
            PROVENANCE_TYPE,
            serde_json::to_vec(&statement).unwrap_or_default(),
        );
        referrer(
            repo,
            blobs,
            subject,
            PROVENANCE_TYPE,
            vec![layer],
            json!({"org.opencontainers.image.created": created, "in-toto.io/predicate-type": "https://slsa.dev/provenance/v1"}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier as _;

    #[test]
    fn the_shipped_public_key_is_the_demo_key() {
        let shipped = include_str!("../../../assets/demo-cosign.pub");
        assert_eq!(shipped, demo_public_key_pem());
        let sig: Signature = signing_key().sign(b"payload");
        assert!(
            signing_key()
                .verifying_key()
                .verify(b"payload", &sig)
                .is_ok()
        );
    }
}
