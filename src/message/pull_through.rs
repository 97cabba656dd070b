//! Pull-through cache rules of a registry.

use crate::model::{
    EcrError, NewPullThroughRule, PullThroughRule, PullThroughValidation, RegistrySpec,
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
}

impl PullThroughCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Load(r)
            | Self::Change { registry: r, .. }
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
}
