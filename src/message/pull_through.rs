//! Pull-through cache rules of a registry.

use crate::model::{
    EcrError, NewPullThroughRule, NewSecret, PullThroughRule, PullThroughValidation, RegistrySpec,
    SecretRef,
};

#[derive(Clone, Debug)]
pub enum PullThroughCommand {
    /// DescribePullThroughCacheRules, every page.
    Load(RegistrySpec),
    /// Create, update or delete a rule, then the rules are re-read.
    Change {
        registry: RegistrySpec,
        change: PullThroughChange,
    },
    Validate {
        registry: RegistrySpec,
        prefix: String,
    },
    /// ListSecrets: the `ecr-pullthroughcache/…` secrets of the region.
    Secrets(RegistrySpec),
    /// CreateSecret, then the list read back. The token is in memory only
    /// for the call (never logged: `Password`'s Debug is redacted).
    CreateSecret {
        registry: RegistrySpec,
        secret: NewSecret,
    },
}

impl PullThroughCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Load(r)
            | Self::Secrets(r)
            | Self::Change { registry: r, .. }
            | Self::CreateSecret { registry: r, .. }
            | Self::Validate { registry: r, .. } => Some(r),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<PullThroughPayload> {
        match self {
            Self::Load(_) => vec![PullThroughPayload::Rules(Err(e.clone()))],
            Self::Change { change, .. } => vec![
                PullThroughPayload::Changed {
                    change,
                    result: Err(e.clone()),
                },
                PullThroughPayload::Rules(Err(e.clone())),
            ],
            Self::Validate { prefix, .. } => vec![PullThroughPayload::Validated {
                prefix,
                result: Err(e.clone()),
            }],
            Self::Secrets(_) => vec![PullThroughPayload::Secrets(Err(e.clone()))],
            Self::CreateSecret { .. } => vec![
                PullThroughPayload::SecretCreated(Err(e.clone())),
                PullThroughPayload::Secrets(Err(e.clone())),
            ],
        }
    }
}

/// Pull-through cache rule changes ECR allows.
#[derive(Clone, Debug, PartialEq)]
pub enum PullThroughChange {
    Create(NewPullThroughRule),
    /// Only the credential and the custom role can change in place.
    Update {
        prefix: String,
        credential_arn: Option<String>,
        custom_role_arn: Option<String>,
    },
    Delete(String),
}

#[derive(Debug)]
pub enum PullThroughPayload {
    Rules(Result<Vec<PullThroughRule>, EcrError>),
    /// A rule change finished (the rules are re-read after it either way).
    Changed {
        change: PullThroughChange,
        result: Result<(), EcrError>,
    },
    Validated {
        prefix: String,
        result: Result<PullThroughValidation, EcrError>,
    },
    Secrets(Result<Vec<SecretRef>, EcrError>),
    /// A secret was made (or refused); the list is read again after.
    SecretCreated(Result<SecretRef, EcrError>),
}
