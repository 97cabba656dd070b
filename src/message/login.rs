//! Signing in: to a registry's docker endpoint (the login token), and to
//! IAM Identity Center for an SSO profile.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::login::sso::{Prompt, SignedIn, SsoFailure, SsoPlace};
use crate::model::{AuthToken, EcrError, RegistrySpec};

#[derive(Clone, Debug)]
pub enum LoginCommand {
    /// GetAuthorizationToken.
    Token(RegistrySpec),
    /// IAM Identity Center's device sign-in for the registry's profile.
    SsoSignIn(SsoJob),
    /// AssumeRole with the MFA code for the registry's profile.
    Mfa(MfaJob),
}

/// An MFA code to assume a profile's role with.
#[derive(Clone)]
pub struct MfaJob {
    pub registry: RegistrySpec,
    pub profile: String,
    pub code: String,
}

impl std::fmt::Debug for MfaJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A one-time code, but still not for logs.
        f.debug_struct("MfaJob")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// A sign-in to run: whose, where the AWS files are, and its cancel flag.
#[derive(Clone, Debug)]
pub struct SsoJob {
    pub registry: RegistrySpec,
    pub profile: String,
    /// `None`: this user's home; tests give their own.
    pub place: Option<SsoPlace>,
    pub cancel: Arc<AtomicBool>,
}

impl LoginCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Token(r) => Some(r),
            Self::SsoSignIn(j) => Some(&j.registry),
            Self::Mfa(j) => Some(&j.registry),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<LoginPayload> {
        match self {
            Self::Token(_) => vec![LoginPayload::Token(Err(e.clone()))],
            Self::SsoSignIn(_) => vec![LoginPayload::SsoDone(Err(SsoFailure::Failed(
                e.to_string(),
            )))],
            Self::Mfa(_) => vec![LoginPayload::MfaDone(Err(e.to_string()))],
        }
    }
}

#[derive(Debug)]
pub enum LoginPayload {
    Token(Result<AuthToken, EcrError>),
    /// The code to check and the page to allow it on.
    SsoPrompt(Prompt),
    /// The sign-in ended.
    SsoDone(Result<SignedIn, SsoFailure>),
    /// The MFA code was taken (the session holds until then) or refused.
    MfaDone(Result<String, String>),
}
