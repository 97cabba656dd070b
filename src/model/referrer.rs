//! An artifact that names an image as its subject (OCI 1.1), as
//! ListImageReferrers lists it.

use super::{Digest, ImageStatus};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referrer {
    pub digest: Digest,
    pub media_type: String,
    /// The manifest's `artifactType` (else its config's media type).
    pub artifact_type: Option<String>,
    pub size_bytes: i64,
    pub status: ImageStatus,
    pub annotations: Vec<(String, String)>,
}

/// One signed payload and its base64 signature (a cosign signature
/// manifest's simple-signing layer and its annotation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedPayload {
    pub payload: Vec<u8>,
    pub signature_b64: String,
    /// A keyless signature's signing certificate (PEM, the layer's
    /// `dev.sigstore.cosign/certificate` annotation), read as it is.
    pub certificate: Option<String>,
}

/// What a certificate says (nothing here is a verified chain).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// The subject alternative names: e-mail addresses, URIs, DNS names
    /// (a keyless signer's identity).
    pub identities: Vec<String>,
    /// Fulcio's OIDC issuer extension: who vouched for the identity.
    pub oidc_issuer: Option<String>,
}

/// A Notation signature's envelope (JWS), as it says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotationSignature {
    pub algorithm: String,
    pub signing_scheme: String,
    pub signing_time: String,
    pub expiry: String,
    pub signing_agent: String,
    /// The signing certificate first, then its chain.
    pub chain: Vec<CertSummary>,
}

/// One package of an SBOM.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub licence: String,
    pub purl: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sbom {
    /// "SPDX-2.3", "CycloneDX 1.5".
    pub format: String,
    /// The tool that made it, when it says.
    pub creator: String,
    pub packages: Vec<Package>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    pub predicate_type: String,
    pub builder: String,
    pub build_type: String,
    /// The source repository and the commit built, when named.
    pub source: String,
    pub commit: String,
    pub started: String,
    pub finished: String,
    /// (uri, digest "alg:hex") of everything the build says it used.
    pub materials: Vec<(String, String)>,
}

/// What an artifact says, read from its manifest and payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArtifactBody {
    Signature(Vec<SignedPayload>),
    Notation(NotationSignature),
    Sbom(Sbom),
    Provenance(Provenance),
    /// Anything else (or a payload ecrscope does not read): why, and the
    /// layers by media type and size.
    Other {
        note: String,
        layers: Vec<(String, i64)>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactDoc {
    /// The manifest's `subject` (OCI 1.1); `None` under cosign's tag scheme.
    pub subject: Option<Digest>,
    pub artifact_type: Option<String>,
    pub body: ArtifactBody,
}
