use super::EpochMillis;

/// One ECR repository as DescribeRepositories returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    pub name: String,
    pub arn: String,
    pub registry_id: String,
    pub uri: String,
    pub created_at: Option<EpochMillis>,
    pub tag_mutability: TagMutabilitySetting,
    pub encryption: Encryption,
    /// The older per-repository scan-on-push switch.
    pub scan_on_push: bool,
}

impl Repository {
    /// The namespace part of `team/service` (empty for top-level names).
    pub fn namespace(&self) -> &str {
        self.name.rsplit_once('/').map_or("", |(ns, _)| ns)
    }
}

/// ECR's four tag mutability modes.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum TagMutability {
    #[default]
    Mutable,
    Immutable,
    ImmutableWithExclusion,
    MutableWithExclusion,
}

impl TagMutability {
    pub const ALL: [Self; 4] = [
        Self::Mutable,
        Self::Immutable,
        Self::ImmutableWithExclusion,
        Self::MutableWithExclusion,
    ];

    pub fn as_api(self) -> &'static str {
        match self {
            Self::Mutable => "MUTABLE",
            Self::Immutable => "IMMUTABLE",
            Self::ImmutableWithExclusion => "IMMUTABLE_WITH_EXCLUSION",
            Self::MutableWithExclusion => "MUTABLE_WITH_EXCLUSION",
        }
    }

    pub fn from_api(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_api() == s)
    }

    /// Whether this mode needs 1..5 exclusion filters.
    pub fn needs_filters(self) -> bool {
        matches!(
            self,
            Self::ImmutableWithExclusion | Self::MutableWithExclusion
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Mutable => "Mutable",
            Self::Immutable => "Immutable",
            Self::ImmutableWithExclusion => "Immutable, with exclusions",
            Self::MutableWithExclusion => "Mutable, with exclusions",
        }
    }
}

/// Mode plus its wildcard exclusion filters.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TagMutabilitySetting {
    pub mode: TagMutability,
    pub exclusion_filters: Vec<String>,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum EncryptionType {
    #[default]
    Aes256,
    Kms,
    /// Dual-layer KMS, GovCloud only.
    KmsDsse,
}

impl EncryptionType {
    pub fn as_api(self) -> &'static str {
        match self {
            Self::Aes256 => "AES256",
            Self::Kms => "KMS",
            Self::KmsDsse => "KMS_DSSE",
        }
    }

    pub fn from_api(s: &str) -> Option<Self> {
        [Self::Aes256, Self::Kms, Self::KmsDsse]
            .into_iter()
            .find(|e| e.as_api() == s)
    }
}

/// Fixed when the repository is created; ECR has no call to change it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Encryption {
    pub kind: EncryptionType,
    /// Key ARN or alias; `None` with KMS means the AWS-managed `aws/ecr` key.
    pub kms_key: Option<String>,
}

impl Encryption {
    pub fn label(&self) -> String {
        match (self.kind, &self.kms_key) {
            (EncryptionType::Aes256, _) => "AES256".to_owned(),
            (kind, None) => format!("{} (aws/ecr)", kind.as_api()),
            (kind, Some(key)) => format!("{} {}", kind.as_api(), short_key(key)),
        }
    }
}

/// `arn:aws:kms:r:a:key/7f0c2e5a-1b3d-...` -> `key/7f0c2e5a…`; aliases are kept whole.
/// The key id comes from the server: cut by characters, never by bytes.
fn short_key(key: &str) -> String {
    let tail = key.rsplit_once(':').map_or(key, |(_, tail)| tail);
    match tail.strip_prefix("key/") {
        Some(id) if id.chars().count() > 8 => {
            format!("key/{}…", id.chars().take(8).collect::<String>())
        }
        _ => tail.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutability_round_trips_api_names() {
        for m in TagMutability::ALL {
            assert_eq!(TagMutability::from_api(m.as_api()), Some(m));
        }
        assert_eq!(TagMutability::from_api("nope"), None);
        assert!(TagMutability::MutableWithExclusion.needs_filters());
        assert!(!TagMutability::Immutable.needs_filters());
    }

    #[test]
    fn encryption_labels() {
        assert_eq!(Encryption::default().label(), "AES256");
        let kms = Encryption {
            kind: EncryptionType::Kms,
            kms_key: Some("arn:aws:kms:us-east-1:1:key/abc".into()),
        };
        assert_eq!(kms.label(), "KMS key/abc");
        // Multi-byte characters in a key id (a server may send anything).
        let odd = Encryption {
            kind: EncryptionType::Kms,
            kms_key: Some("arn:aws:kms:us-east-1:1:key/ééééééééé-zz".into()),
        };
        assert_eq!(odd.label(), "KMS key/éééééééé…");
        assert_eq!(
            Encryption {
                kind: EncryptionType::Kms,
                kms_key: None
            }
            .label(),
            "KMS (aws/ecr)"
        );
    }
}
