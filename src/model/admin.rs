//! Registry administration as the app holds it: the registry policy, the
//! replication status of an image, account settings and pull-time update
//! exclusions.

/// One destination's replication of an image (DescribeImageReplicationStatus).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicationStatus {
    pub region: String,
    pub registry_id: String,
    /// IN_PROGRESS, COMPLETE or FAILED.
    pub status: String,
    pub failure_code: Option<String>,
}

/// The account settings ECR documents (API_GetAccountSetting), with what
/// each value means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountSetting {
    BasicScanTypeVersion,
    RegistryPolicyScope,
    BlobMounting,
}

impl AccountSetting {
    pub const ALL: [Self; 3] = [
        Self::BasicScanTypeVersion,
        Self::RegistryPolicyScope,
        Self::BlobMounting,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::BasicScanTypeVersion => "BASIC_SCAN_TYPE_VERSION",
            Self::RegistryPolicyScope => "REGISTRY_POLICY_SCOPE",
            Self::BlobMounting => "BLOB_MOUNTING",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::BasicScanTypeVersion => "Basic scanning engine",
            Self::RegistryPolicyScope => "Registry policy scope",
            Self::BlobMounting => "Blob mounting",
        }
    }

    /// The values the API reference lists, each with what it means.
    pub fn values(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::BasicScanTypeVersion => &[
                (
                    "AWS_NATIVE",
                    "AWS native basic scanning (the current engine)",
                ),
                (
                    "CLAIR",
                    "Clair, the previous engine (retired by AWS; kept only where set)",
                ),
            ],
            Self::RegistryPolicyScope => &[
                (
                    "V2",
                    "the registry policy may name every ECR action and applies to every request",
                ),
                (
                    "V1",
                    "only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository count",
                ),
            ],
            Self::BlobMounting => &[
                (
                    "ENABLED",
                    "a push may mount a layer another repository of the registry already holds",
                ),
                (
                    "DISABLED",
                    "every repository receives its own upload of each layer",
                ),
            ],
        }
    }

    pub fn meaning(self, value: &str) -> &'static str {
        self.values()
            .iter()
            .find(|(v, _)| *v == value)
            .map_or("a value this version of ecrscope does not know", |(_, m)| m)
    }
}

/// The registry's pull-time update exclusions: principals whose pulls do
/// not move an image's last recorded pull time.
pub type PullTimeExclusions = Vec<String>;

/// A repository creation template: the settings ECR gives a repository it
/// creates on push, for a pull-through cache or for replication, under
/// `prefix` (or `ROOT`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CreationTemplate {
    pub prefix: String,
    pub description: String,
    /// CREATE_ON_PUSH, PULL_THROUGH_CACHE, REPLICATION.
    pub applied_for: Vec<String>,
    pub tag_mutability: super::TagMutabilitySetting,
    pub encryption: super::Encryption,
    pub resource_tags: Vec<(String, String)>,
    pub lifecycle_policy: Option<String>,
    pub repository_policy: Option<String>,
    pub custom_role_arn: Option<String>,
    pub created_at: Option<super::EpochMillis>,
    pub updated_at: Option<super::EpochMillis>,
}

impl CreationTemplate {
    /// "created on push, pull-through cache" for the list.
    pub fn applied_words(&self) -> String {
        self.applied_for
            .iter()
            .map(|a| match a.as_str() {
                "CREATE_ON_PUSH" => "created on push",
                "PULL_THROUGH_CACHE" => "pull-through cache",
                "REPLICATION" => "replication",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}
