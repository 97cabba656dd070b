//! Signing in to a registry's docker endpoint.

use crate::model::{AuthToken, EcrError, RegistrySpec};

#[derive(Clone, Debug)]
pub enum LoginCommand {
    /// GetAuthorizationToken.
    Token(RegistrySpec),
}

impl LoginCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Token(r) => Some(r),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<LoginPayload> {
        match self {
            Self::Token(_) => vec![LoginPayload::Token(Err(e.clone()))],
        }
    }
}

#[derive(Debug)]
pub enum LoginPayload {
    Token(Result<AuthToken, EcrError>),
}
