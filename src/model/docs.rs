//! Documents read about one image beyond its DescribeImages record: the scan
//! summary, the manifest and the config blob.

use super::manifest::{ImageConfig, Manifest};
use super::{EcrError, FindingSeverityCounts, ScanStatus};

/// Scan status and counts for one image (DescribeImageScanFindings summary).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ScanSummary {
    pub status: Option<ScanStatus>,
    pub counts: FindingSeverityCounts,
    /// No scan exists yet (ScanNotFoundException).
    pub never_scanned: bool,
}

/// A config blob as fetched: raw text kept so a parse error can show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigDoc {
    pub raw: String,
    pub parsed: Result<ImageConfig, String>,
}

/// Everything the details pane shows beyond the table row.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageDetailDoc {
    pub media_type: Option<String>,
    pub manifest_text: String,
    pub manifest: Result<Manifest, String>,
    /// `None` for an index (no config); `Some(Err)` when the endpoint could
    /// not serve the blob (moto cannot), said in place.
    pub config: Option<Result<ConfigDoc, BlobProblem>>,
}

/// Why a config blob is not shown. Worded by the state, not here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlobProblem {
    /// The manifest names no config, or no config digest.
    NoConfig,
    /// GetDownloadUrlForLayer failed.
    Url(EcrError),
    /// The download itself failed.
    Download(EcrError),
}
