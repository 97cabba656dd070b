//! The project's own data types. No SDK, no egui: everything above the `ecr`
//! module speaks these, so state and UI can be tested without a network.

mod image;
mod lifecycle;
pub mod manifest;
mod pull_through;
mod registry;
mod repository;
mod scan;

pub use image::{Digest, Image, ImageId, ImageStatus, ManifestKind, PlatformChild};
pub use lifecycle::{LifecyclePolicy, LifecyclePreview, LifecyclePreviewResult, PreviewStatus};
pub use pull_through::PullThroughRule;
pub use registry::{
    AuthToken, RegistryInfo, RegistryKey, RegistrySource, RegistrySpec, ReplicationRule,
};
pub use repository::{Encryption, EncryptionType, Repository, TagMutability, TagMutabilitySetting};
pub use scan::{
    Finding, FindingSeverityCounts, RegistryScanRule, RegistryScanningConfig, RepoScanConfig,
    ScanFrequency, ScanReport, ScanStatus, ScanType, Severity,
};

/// Milliseconds since the Unix epoch, UTC. Compact (8 bytes) and sortable.
pub type EpochMillis = i64;
