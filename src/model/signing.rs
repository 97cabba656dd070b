//! ECR managed signing: the registry's signing configuration (rules: an
//! AWS Signer profile and the repositories it signs on push) and an
//! image's signing status per profile.

/// One signing rule: every image pushed to a matching repository is
/// signed with `profile_arn` (no filter: every repository).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SigningRule {
    pub profile_arn: String,
    /// WILDCARD_MATCH filters (`*` matches any characters).
    pub filters: Vec<String>,
}

impl SigningRule {
    /// Whether this rule signs images pushed to `repository`.
    pub fn covers(&self, repository: &str) -> bool {
        self.filters.is_empty()
            || self
                .filters
                .iter()
                .any(|f| ecr_core::validate::signing_filter_matches(f, repository))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SigningConfig {
    pub rules: Vec<SigningRule>,
}

/// An image's signing by one profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageSigning {
    pub profile_arn: Option<String>,
    /// IN_PROGRESS, COMPLETE or FAILED.
    pub status: String,
    pub failure_code: Option<String>,
    pub failure_reason: Option<String>,
}
