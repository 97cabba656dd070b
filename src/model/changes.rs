//! What the app asks ECR to create or change, and what batch calls answer:
//! plain data shared by the message vocabulary, the `ecr` layer and the UI.

use super::{Digest, Encryption, TagMutabilitySetting};

/// Everything CreateRepository takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewRepository {
    pub name: String,
    pub tag_mutability: TagMutabilitySetting,
    pub encryption: Encryption,
    pub scan_on_push: bool,
    pub tags: Vec<(String, String)>,
}

/// What CreatePullThroughCacheRule takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewPullThroughRule {
    pub ecr_repository_prefix: String,
    pub upstream_registry_url: String,
    /// API name of the upstream kind (`docker-hub`, `ecr-public`, ...).
    pub upstream_registry: Option<String>,
    pub credential_arn: Option<String>,
    pub custom_role_arn: Option<String>,
    pub upstream_repository_prefix: Option<String>,
}

/// ValidatePullThroughCacheRule's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullThroughValidation {
    pub is_valid: bool,
    pub failure: Option<String>,
}

/// What a call over several images (BatchDeleteImage, a storage-class
/// change per image) did, per image id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchResult {
    /// Digest or tag of each id the server confirmed.
    pub done: Vec<String>,
    /// (id, reason) for each refusal.
    pub failures: Vec<(String, String)>,
}

/// A manifest as BatchGetImage returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestDoc {
    pub digest: Option<Digest>,
    pub tag: Option<String>,
    pub media_type: Option<String>,
    pub manifest: String,
}

/// The formats findings can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
    Sarif,
}

impl ExportFormat {
    pub const ALL: [Self; 3] = [Self::Csv, Self::Json, Self::Sarif];
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Sarif => "sarif",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Json => "JSON",
            Self::Sarif => "SARIF 2.1.0",
        }
    }
}
