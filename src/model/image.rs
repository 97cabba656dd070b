use super::{EpochMillis, FindingSeverityCounts, ScanStatus};

pub use ecr_core::Digest;

/// How an image is addressed in batch calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ImageId {
    Digest(Digest),
    Tag(String),
}

impl std::fmt::Display for ImageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Digest(d) => write!(f, "{}", d.short()),
            Self::Tag(t) => f.write_str(t),
        }
    }
}

/// The manifest's kind, from its media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ManifestKind {
    #[default]
    Unknown,
    DockerV2,
    DockerList,
    OciManifest,
    OciIndex,
}

impl ManifestKind {
    pub fn from_media_type(mt: &str) -> Self {
        match mt {
            "application/vnd.docker.distribution.manifest.v2+json" => Self::DockerV2,
            "application/vnd.docker.distribution.manifest.list.v2+json" => Self::DockerList,
            "application/vnd.oci.image.manifest.v1+json" => Self::OciManifest,
            "application/vnd.oci.image.index.v1+json" => Self::OciIndex,
            _ => Self::Unknown,
        }
    }

    /// An index (multi-arch) rather than a single image.
    pub fn is_index(self) -> bool {
        matches!(self, Self::DockerList | Self::OciIndex)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::DockerV2 => "Docker v2",
            Self::DockerList => "Docker manifest list",
            Self::OciManifest => "OCI manifest",
            Self::OciIndex => "OCI index",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ImageStatus {
    #[default]
    Active,
    Archived,
    Activating,
    Other,
}

impl ImageStatus {
    pub const LISTED: [Self; 3] = [Self::Active, Self::Archived, Self::Activating];

    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Archived => "Archived",
            Self::Activating => "Restoring",
            Self::Other => "Other",
        }
    }

    pub fn from_api(s: &str) -> Self {
        match s {
            "ACTIVE" => Self::Active,
            "ARCHIVED" => Self::Archived,
            "ACTIVATING" => Self::Activating,
            _ => Self::Other,
        }
    }
}

/// One image as DescribeImages returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub digest: Digest,
    pub tags: Vec<String>,
    /// Compressed size; for an index, not the sum of its children.
    pub size_bytes: i64,
    pub pushed_at: Option<EpochMillis>,
    pub last_pull: Option<EpochMillis>,
    pub manifest: ManifestKind,
    pub artifact_media_type: Option<String>,
    pub status: ImageStatus,
    pub scan_status: Option<ScanStatus>,
    pub severity_counts: Option<FindingSeverityCounts>,
    /// When it was last archived and restored: rare, so boxed (a large
    /// repository holds hundreds of thousands of images).
    pub archive: Option<Box<ArchiveTimes>>,
}

/// `lastArchivedAt` and `lastActivatedAt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ArchiveTimes {
    pub archived_at: Option<EpochMillis>,
    pub activated_at: Option<EpochMillis>,
}

impl Image {
    pub fn archived_at(&self) -> Option<EpochMillis> {
        self.archive.as_ref().and_then(|a| a.archived_at)
    }

    pub fn activated_at(&self) -> Option<EpochMillis> {
        self.archive.as_ref().and_then(|a| a.activated_at)
    }
}

/// The storage classes an image moves between (UpdateImageStorageClass).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageClass {
    Standard,
    Archive,
}

impl StorageClass {
    pub fn as_api(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::Archive => "ARCHIVE",
        }
    }
}

/// ECR bills archived images for at least this many days: deleting or
/// restoring one earlier still costs the rest.
pub const ARCHIVE_MINIMUM_DAYS: i64 = 90;

/// A platform entry of an image index (multi-arch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformChild {
    pub digest: Digest,
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
    pub size: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_parses_and_prints() {
        let s = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let d = Digest::parse(s).expect("valid");
        assert_eq!(d.to_string(), s);
        assert_eq!(d.short(), "0123456789ab");
        assert!(Digest::parse("sha256:xyz").is_none());
        assert!(Digest::parse("md5:00").is_none());
        assert!(Digest::parse(&s.replace('0', "g")).is_none());
    }

    #[test]
    fn digest_of_bytes_matches_sha256() {
        // sha256("") is well known.
        assert_eq!(
            Digest::of_bytes(b"").hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn manifest_kinds() {
        assert!(
            ManifestKind::from_media_type("application/vnd.oci.image.index.v1+json").is_index()
        );
        assert!(
            !ManifestKind::from_media_type("application/vnd.oci.image.manifest.v1+json").is_index()
        );
    }
}
