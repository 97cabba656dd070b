use super::EpochMillis;

/// A pull-through cache rule.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PullThroughRule {
    pub ecr_repository_prefix: String,
    pub upstream_registry_url: String,
    /// The upstream kind (`ecr-public`, `docker-hub`, `github-container-registry`, ...).
    pub upstream_registry: Option<String>,
    pub credential_arn: Option<String>,
    pub custom_role_arn: Option<String>,
    pub upstream_repository_prefix: Option<String>,
    pub registry_id: Option<String>,
    pub created_at: Option<EpochMillis>,
    pub updated_at: Option<EpochMillis>,
}

/// A Secrets Manager secret a pull-through rule may use (its name starts
/// with `ecr-pullthroughcache/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRef {
    pub name: String,
    pub arn: String,
}

/// A password or access token typed for an upstream registry: sent once
/// to Secrets Manager, never shown, logged or kept (Debug says
/// `<redacted>`; the bytes are overwritten when it is dropped).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Password(String);

impl Password {
    /// For the password field to edit in place (masked on screen).
    pub fn as_mut_string(&mut self) -> &mut String {
        &mut self.0
    }

    /// Empties it, overwriting the bytes.
    pub fn clear(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.iter_mut().for_each(|b| *b = 0);
        std::hint::black_box(&bytes);
    }

    pub fn new(s: String) -> Self {
        Self(s)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Drop for Password {
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.iter_mut().for_each(|b| *b = 0);
        std::hint::black_box(&bytes);
    }
}

/// A new upstream credential: `ecr-pullthroughcache/<suffix>`, holding the
/// user name and the access token as ECR reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSecret {
    pub suffix: String,
    pub username: String,
    pub token: Password,
}
