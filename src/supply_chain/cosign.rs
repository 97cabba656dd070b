//! Verifying a cosign key-pair signature, with RustCrypto's `p256` (no
//! hand-written cryptography).
//!
//! cosign signs the *simple-signing payload* (the signature manifest's
//! layer, media type `application/vnd.dev.cosign.simplesigning.v1+json`):
//! an ECDSA P-256 signature over SHA-256 of those bytes, DER-encoded, in
//! base64 in the layer's `dev.cosignproject.cosign/signature` annotation.
//! The payload names the image it is about in
//! `critical.image.docker-manifest-digest` (the "Red Hat simple signing"
//! format cosign uses; cosign's specification, SIGNATURE_SPEC.md).
//!
//! What a "verified" here means, and what it does not: see [`SCOPE`].

use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{DerSignature, VerifyingKey};
use p256::pkcs8::DecodePublicKey as _;

use crate::model::Digest;

/// Said next to every verdict.
pub const SCOPE: &str = "Verified: the payload was signed by the private half of the key you chose, and it names this image's digest. Not checked: a Sigstore transparency-log entry (Rekor), a keyless certificate's identity, or who holds the key.";

/// The media type of the signed payload.
pub const PAYLOAD_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// The annotation holding the base64 signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";

/// What the payload claims, shown plainly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    pub docker_manifest_digest: String,
    pub docker_reference: String,
    pub kind: String,
    /// The `optional` object as JSON text (annotations a signer added).
    pub optional: String,
}

/// Reads a simple-signing payload.
pub fn claims(payload: &[u8]) -> Result<Claims, String> {
    let v: serde_json::Value = serde_json::from_slice(payload)
        .map_err(|e| format!("the signed payload is not JSON ({e})"))?;
    let critical = &v["critical"];
    let digest = critical["image"]["docker-manifest-digest"]
        .as_str()
        .ok_or("the signed payload names no image (critical.image.docker-manifest-digest)")?;
    Ok(Claims {
        docker_manifest_digest: digest.to_owned(),
        docker_reference: critical["identity"]["docker-reference"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        kind: critical["type"].as_str().unwrap_or("").to_owned(),
        optional: match &v["optional"] {
            serde_json::Value::Null => String::new(),
            o => o.to_string(),
        },
    })
}

/// Why a signature did not verify.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("The key file is not a PEM public key of the P-256 curve ({0}).")]
    Key(String),
    #[error("The signature annotation is not base64 DER ({0}).")]
    Encoding(String),
    #[error(
        "The signature does not match the payload with this key: signed by another key, or the payload was changed."
    )]
    Mismatch,
    #[error("{0}")]
    Payload(String),
    #[error(
        "The signature is valid, but for another image: it names {signed}, this image is {image}."
    )]
    OtherImage { signed: String, image: String },
}

/// Verifies `signature_b64` over `payload` with the PEM public key, then
/// that the payload names `image`. Returns the claims.
pub fn verify(
    public_key_pem: &str,
    payload: &[u8],
    signature_b64: &str,
    image: &Digest,
) -> Result<Claims, VerifyError> {
    use base64::Engine as _;
    let key = VerifyingKey::from_public_key_pem(public_key_pem.trim())
        .map_err(|e| VerifyError::Key(e.to_string()))?;
    let der = base64::engine::general_purpose::STANDARD
        .decode(signature_b64.trim())
        .map_err(|e| VerifyError::Encoding(e.to_string()))?;
    let sig =
        DerSignature::try_from(der.as_slice()).map_err(|e| VerifyError::Encoding(e.to_string()))?;
    key.verify(payload, &sig)
        .map_err(|_| VerifyError::Mismatch)?;
    let c = claims(payload).map_err(VerifyError::Payload)?;
    if c.docker_manifest_digest != image.to_string() {
        return Err(VerifyError::OtherImage {
            signed: c.docker_manifest_digest,
            image: image.to_string(),
        });
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_read_and_a_payload_without_an_image_is_refused() {
        let p = br#"{"critical":{"identity":{"docker-reference":"r/x"},"image":{"docker-manifest-digest":"sha256:ab"},"type":"cosign container image signature"},"optional":{"by":"ci"}}"#;
        let c = claims(p).unwrap();
        assert_eq!(c.docker_manifest_digest, "sha256:ab");
        assert_eq!(c.docker_reference, "r/x");
        assert_eq!(c.optional, r#"{"by":"ci"}"#);
        assert!(claims(b"{}").unwrap_err().contains("names no image"));
        assert!(claims(b"not json").is_err());
    }

    #[test]
    fn a_key_that_is_not_one_is_said() {
        let e = verify(
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            b"x",
            "MEUCIQ==",
            &Digest::of_bytes(b"x"),
        );
        assert!(matches!(e, Err(VerifyError::Key(_))), "{e:?}");
    }
}
