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
