use super::{Digest, EpochMillis};

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LifecyclePolicy {
    pub repository: String,
    pub text: String,
    pub last_evaluated_at: Option<EpochMillis>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PreviewStatus {
    #[default]
    InProgress,
    Complete,
    Expired,
    Failed,
}

impl PreviewStatus {
    pub fn from_api(s: &str) -> Self {
        match s {
            "COMPLETE" => Self::Complete,
            "EXPIRED" => Self::Expired,
            "FAILED" => Self::Failed,
            _ => Self::InProgress,
        }
    }
}

/// One image the preview says would expire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifecyclePreviewResult {
    pub digest: Option<Digest>,
    pub tags: Vec<String>,
    pub pushed_at: Option<EpochMillis>,
    pub rule_priority: Option<i32>,
    pub action: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct LifecyclePreview {
    pub status: PreviewStatus,
    pub results: Vec<LifecyclePreviewResult>,
    pub expiring_image_count: Option<i32>,
    /// Images the policy would move to the archive (summed over the target
    /// storage classes ECR reports).
    pub transitioning_image_count: Option<i32>,
}

impl LifecyclePreviewResult {
    /// A TRANSITION (to archive) rather than an EXPIRE (delete).
    pub fn is_transition(&self) -> bool {
        self.action.eq_ignore_ascii_case("TRANSITION")
    }
}
