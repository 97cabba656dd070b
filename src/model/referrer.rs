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
