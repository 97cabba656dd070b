use super::EpochMillis;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Informational,
    #[default]
    Undefined,
}

impl Severity {
    pub const ALL: [Self; 6] = [
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
        Self::Informational,
        Self::Undefined,
    ];

    /// Unknown strings map to `Undefined` rather than failing.
    pub fn from_api(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "CRITICAL" => Self::Critical,
            "HIGH" => Self::High,
            "MEDIUM" => Self::Medium,
            "LOW" => Self::Low,
            "INFORMATIONAL" => Self::Informational,
            _ => Self::Undefined,
        }
    }

    pub fn as_api(self) -> &'static str {
        match self {
            Self::Critical => "CRITICAL",
            Self::High => "HIGH",
            Self::Medium => "MEDIUM",
            Self::Low => "LOW",
            Self::Informational => "INFORMATIONAL",
            Self::Undefined => "UNDEFINED",
        }
    }
}

/// Count per severity, in `Severity::ALL` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FindingSeverityCounts(pub [u32; 6]);

impl FindingSeverityCounts {
    pub fn get(&self, s: Severity) -> u32 {
        self.0[s as usize]
    }
    pub fn add(&mut self, s: Severity, n: u32) {
        self.0[s as usize] = self.0[s as usize].saturating_add(n);
    }
    /// Saturates: a server may send any counts.
    pub fn total(&self) -> u32 {
        self.0.iter().fold(0u32, |a, n| a.saturating_add(*n))
    }
    /// The worst severity with at least one finding.
    pub fn worst(&self) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| self.get(*s) > 0)
    }
}

/// Every status DescribeImageScanFindings can report, plus a catch-all.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ScanStatus {
    InProgress,
    Complete,
    Failed,
    UnsupportedImage,
    Active,
    Pending,
    ScanEligibilityExpired,
    FindingsUnavailable,
    LimitExceeded,
    ImageArchived,
    ImageSizeExceeded,
    Other(String),
}

impl ScanStatus {
    pub fn from_api(s: &str) -> Self {
        match s {
            "IN_PROGRESS" => Self::InProgress,
            "COMPLETE" => Self::Complete,
            "FAILED" => Self::Failed,
            "UNSUPPORTED_IMAGE" => Self::UnsupportedImage,
            "ACTIVE" => Self::Active,
            "PENDING" => Self::Pending,
            "SCAN_ELIGIBILITY_EXPIRED" => Self::ScanEligibilityExpired,
            "FINDINGS_UNAVAILABLE" => Self::FindingsUnavailable,
            "LIMIT_EXCEEDED" => Self::LimitExceeded,
            "IMAGE_ARCHIVED" => Self::ImageArchived,
            "IMAGE_SIZE_EXCEEDED" => Self::ImageSizeExceeded,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Still running: worth polling again.
    pub fn is_running(&self) -> bool {
        matches!(self, Self::InProgress | Self::Pending)
    }

    pub fn label(&self) -> &str {
        match self {
            Self::InProgress => "Scanning",
            Self::Complete => "Complete",
            Self::Failed => "Scan failed",
            Self::UnsupportedImage => "Unsupported image",
            Self::Active => "Continuous scan",
            Self::Pending => "Pending",
            Self::ScanEligibilityExpired => "Scan eligibility expired",
            Self::FindingsUnavailable => "Findings unavailable",
            Self::LimitExceeded => "Scan limit exceeded",
            Self::ImageArchived => "Image archived",
            Self::ImageSizeExceeded => "Image too large to scan",
            Self::Other(s) => s,
        }
    }
}

/// One finding, basic or enhanced, flattened into what a table shows.
/// Missing fields stay `None` and render as "—".
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub score: Option<f64>,
    pub package: Option<String>,
    pub installed_version: Option<String>,
    pub fixed_in: Option<String>,
    pub fix_available: Option<bool>,
    pub exploit_available: Option<bool>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub uri: Option<String>,
    pub cvss_vector: Option<String>,
    pub package_path: Option<String>,
    pub references: Vec<String>,
    pub remediation: Option<String>,
    pub first_observed: Option<EpochMillis>,
    pub last_observed: Option<EpochMillis>,
    /// Basic findings carry free-form attributes; kept for the detail pane.
    pub attributes: Vec<(String, String)>,
}

/// DescribeImageScanFindings, all pages merged.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ScanReport {
    pub status: Option<ScanStatus>,
    pub status_description: Option<String>,
    pub completed_at: Option<EpochMillis>,
    pub vulnerability_db_updated_at: Option<EpochMillis>,
    pub counts: FindingSeverityCounts,
    pub findings: Vec<Finding>,
    /// True when the findings came from `enhancedFindings` (Inspector).
    pub enhanced: bool,
}

impl ScanReport {
    /// A scan that has finished (or scans continuously): its findings say
    /// something. An image never scanned has none because nobody looked.
    pub fn is_finished(&self) -> bool {
        matches!(self.status, Some(ScanStatus::Complete | ScanStatus::Active))
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum ScanType {
    #[default]
    Basic,
    Enhanced,
}

impl ScanType {
    pub fn as_api(self) -> &'static str {
        match self {
            Self::Basic => "BASIC",
            Self::Enhanced => "ENHANCED",
        }
    }
    pub fn from_api(s: &str) -> Self {
        if s == "ENHANCED" {
            Self::Enhanced
        } else {
            Self::Basic
        }
    }
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum ScanFrequency {
    #[default]
    Manual,
    ScanOnPush,
    ContinuousScan,
}

impl ScanFrequency {
    pub fn as_api(self) -> &'static str {
        match self {
            Self::Manual => "MANUAL",
            Self::ScanOnPush => "SCAN_ON_PUSH",
            Self::ContinuousScan => "CONTINUOUS_SCAN",
        }
    }
    pub fn from_api(s: &str) -> Self {
        match s {
            "SCAN_ON_PUSH" => Self::ScanOnPush,
            "CONTINUOUS_SCAN" => Self::ContinuousScan,
            _ => Self::Manual,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Manual => "Manual",
            Self::ScanOnPush => "On push",
            Self::ContinuousScan => "Continuous",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RegistryScanRule {
    pub frequency: ScanFrequency,
    /// Wildcard repository filters.
    pub filters: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RegistryScanningConfig {
    pub scan_type: ScanType,
    pub rules: Vec<RegistryScanRule>,
}

/// One repository's effective scanning, from BatchGetRepositoryScanningConfiguration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoScanConfig {
    pub repository: String,
    pub frequency: ScanFrequency,
    pub scan_on_push: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_parsing_is_lenient() {
        assert_eq!(Severity::from_api("critical"), Severity::Critical);
        assert_eq!(Severity::from_api("weird"), Severity::Undefined);
        for s in Severity::ALL {
            assert_eq!(Severity::from_api(s.as_api()), s);
        }
    }

    #[test]
    fn counts_worst_and_total() {
        let mut c = FindingSeverityCounts::default();
        assert_eq!(c.worst(), None);
        c.add(Severity::Low, 3);
        c.add(Severity::High, 1);
        assert_eq!(c.worst(), Some(Severity::High));
        assert_eq!(c.total(), 4);
    }

    #[test]
    fn scan_status_labels_every_api_value() {
        for s in [
            "IN_PROGRESS",
            "COMPLETE",
            "FAILED",
            "UNSUPPORTED_IMAGE",
            "ACTIVE",
            "PENDING",
            "SCAN_ELIGIBILITY_EXPIRED",
            "FINDINGS_UNAVAILABLE",
            "LIMIT_EXCEEDED",
            "IMAGE_ARCHIVED",
            "IMAGE_SIZE_EXCEEDED",
        ] {
            let st = ScanStatus::from_api(s);
            assert!(!matches!(st, ScanStatus::Other(_)), "{s} unmapped");
            assert!(!st.label().is_empty());
        }
        assert!(ScanStatus::Pending.is_running());
        assert!(!ScanStatus::Complete.is_running());
    }
}
