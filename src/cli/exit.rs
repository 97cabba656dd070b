//! Exit codes of the command line, one per thing a script would act on
//! differently. The aws CLI gives every service error 254; a script copying
//! images wants to tell "not there" from "not allowed" from "try later", so
//! these follow sysexits-style small numbers instead, documented in
//! `--help` and the man page.

use crate::model::EcrError;
use crate::model::transfer::{CopyError, CopyFailure};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// Anything else that went wrong (network, a refused copy, a bad answer).
    Failed = 1,
    /// Bad arguments (also what clap exits with).
    Usage = 2,
    /// The repository, image or tag does not exist; a search that found nothing.
    NotFound = 3,
    /// Access denied, or no / expired credentials.
    Denied = 4,
    /// Throttled after every retry.
    Throttled = 5,
    /// `findings --fail-on`: a finding at or above that severity.
    Findings = 6,
    /// Interrupted (Ctrl-C): what arrived stays, a rerun resumes.
    Interrupted = 130,
}

/// The words for `--help` and the man page.
pub const HELP: &str = "Exit codes: 0 done; 1 failed; 2 bad arguments; 3 not found (or a search found nothing); 4 access denied or no valid credentials; 5 throttled after retries; 6 findings at or above --fail-on; 130 interrupted.";

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }

    pub fn of(e: &EcrError) -> Self {
        match e {
            EcrError::NotFound { .. } => Self::NotFound,
            EcrError::AccessDenied { .. }
            | EcrError::SsoExpired { .. }
            | EcrError::MfaRequired { .. }
            | EcrError::CredentialsExpired { .. }
            | EcrError::NoCredentials { .. } => Self::Denied,
            EcrError::Throttled { .. } => Self::Throttled,
            EcrError::InvalidInput { .. } => Self::Usage,
            EcrError::TagAlreadyExists { .. }
            | EcrError::ScanQuota { .. }
            | EcrError::NotSupported { .. }
            | EcrError::Unavailable { .. }
            | EcrError::Unreadable { .. }
            | EcrError::Network { .. }
            | EcrError::Timeout { .. }
            | EcrError::LimitExceeded { .. }
            | EcrError::Other { .. } => Self::Failed,
        }
    }

    pub fn of_copy(f: &CopyFailure) -> Self {
        match &f.error {
            CopyError::Api(e) => Self::of(e),
            CopyError::Cancelled => Self::Interrupted,
            CopyError::Refused(_) | CopyError::Corrupt(_) => Self::Failed,
        }
    }
}

/// Why a command stopped: its exit code and the words for stderr.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    /// Bad input, caught before any call.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }
}

impl From<EcrError> for Failure {
    fn from(e: EcrError) -> Self {
        Self {
            exit: Exit::of(&e),
            message: e.to_string(),
        }
    }
}

impl From<CopyFailure> for Failure {
    fn from(f: CopyFailure) -> Self {
        Self {
            exit: Exit::of_copy(&f),
            message: f.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_a_script_acts_on_has_its_own_code() {
        let nf = EcrError::NotFound { what: "x".into() };
        let denied = EcrError::AccessDenied {
            operation: "BatchGetImage".into(),
            who: "p".into(),
            detail: String::new(),
        };
        let thr = EcrError::Throttled {
            operation: "PutImage".into(),
        };
        let codes = [Exit::of(&nf), Exit::of(&denied), Exit::of(&thr)].map(Exit::code);
        assert_eq!(codes, [3, 4, 5]);
        let cancelled = CopyFailure::new(None, None, CopyError::Cancelled);
        assert_eq!(Exit::of_copy(&cancelled).code(), 130);
        let refused = CopyFailure::new(None, None, CopyError::Refused(vec!["t".into()]));
        assert_eq!(Exit::of_copy(&refused), Exit::Failed);
    }
}
