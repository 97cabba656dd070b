//! The project's own data types. No SDK, no egui: everything above the `ecr`
//! module speaks these, so state and UI can be tested without a network.

mod admin;
pub use admin::{AccountSetting, CreationTemplate, PullTimeExclusions, ReplicationStatus};
mod changes;
mod discovery;
mod docs;
mod error;
mod image;
mod lifecycle;
pub mod manifest;
mod pull_through;
mod registry;
mod repository;
mod scan;
/// Dates from ECR's epoch values (shared with the demo endpoint).
pub use ecr_core::partition;
pub use ecr_core::time;
mod referrer;
mod signing;
pub use signing::{ImageSigning, SigningConfig, SigningRule};
pub mod transfer;
pub use referrer::{
    ArtifactBody, ArtifactDoc, CertSummary, NotationSignature, Package, Provenance, Referrer, Sbom,
    SignedPayload,
};

pub use changes::{
    BatchResult, ExportFormat, ManifestDoc, NewPullThroughRule, NewRepository,
    PullThroughValidation,
};
pub use discovery::{DiscoveredProfile, Discovery, registries};
pub use docs::{BlobProblem, ConfigDoc, ImageDetailDoc, ScanSummary};
pub use error::EcrError;
pub use image::{
    ARCHIVE_MINIMUM_DAYS, ArchiveTimes, Digest, Image, ImageId, ImageStatus, ManifestKind,
    PlatformChild, StorageClass,
};
pub use lifecycle::{LifecyclePolicy, LifecyclePreview, LifecyclePreviewResult, PreviewStatus};
pub use pull_through::{NewSecret, Password, PullThroughRule, SecretRef};
pub use registry::{
    AuthToken, DEMO_ACCOUNT, DEMO_REGION, DEMO_SECOND_ACCOUNT, RegistryInfo, RegistryKey,
    RegistrySource, RegistrySpec, ReplicationRule, RepoRef,
};
pub use repository::{Encryption, EncryptionType, Repository, TagMutability, TagMutabilitySetting};
pub use scan::{
    Finding, FindingSeverityCounts, RegistryScanRule, RegistryScanningConfig, RepoScanConfig,
    ScanFrequency, ScanReport, ScanStatus, ScanType, Severity,
};

pub use ecr_core::time::EpochMillis;
