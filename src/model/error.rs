//! One error type for every remote call, with a message a person can act on.
//!
//! It is plain data (the `ecr` module classifies SDK errors into it), so the
//! message vocabulary, the state and the UI can carry it without knowing the
//! SDK.

/// What went wrong, in words that say what to do next.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EcrError {
    #[error("Access denied{}. Check that the IAM policy of {who} allows this action.", op_suffix(.operation))]
    AccessDenied {
        operation: String,
        who: String,
        detail: String,
    },

    #[error(
        "The SSO session of profile '{profile}' has expired or was never started. Sign in (the Sign in button, or run: ecrscope login --profile {profile}), then retry."
    )]
    SsoExpired { profile: String },

    #[error(
        "Profile '{profile}' assumes its role with MFA: enter the code your MFA device shows (the Enter MFA code button, or --mfa-code on the command line). The session is kept in memory only."
    )]
    MfaRequired { profile: String },

    #[error(
        "The credentials of {who} have expired. Refresh them (e.g. run your credential helper again), then press F5."
    )]
    CredentialsExpired { who: String },

    #[error(
        "No credentials found for {who}. Add them to ~/.aws/credentials, set AWS_PROFILE, or run 'aws configure'."
    )]
    NoCredentials { who: String },

    #[error("Throttled by ECR after retries{}. Wait a moment and retry; fewer parallel requests help.", op_suffix(.operation))]
    Throttled { operation: String },

    #[error(
        "{what} was not found. It may have been deleted, or it is in another region or account."
    )]
    NotFound { what: String },

    #[error("Tag already exists{}: this repository's tags are immutable, so a tag cannot be moved to another image.", tag_suffix(.tag))]
    TagAlreadyExists { tag: Option<String> },

    #[error("Scan quota reached: {detail} ECR allows one basic scan per image every 24 hours.")]
    ScanQuota { detail: String },

    #[error(
        "This endpoint does not support {operation} (it answered HTTP {status} without an ECR error). Local emulators such as moto lack some ECR calls."
    )]
    NotSupported { operation: String, status: u16 },

    #[error(
        "{operation}: the endpoint is temporarily unavailable (HTTP {status} from the server or a proxy on the way). This is usually temporary: retry in a moment."
    )]
    Unavailable { operation: String, status: u16 },

    #[error(
        "{operation}: the endpoint sent an unreadable answer ({detail}). A proxy may have changed it; retry, and check the endpoint URL if it persists."
    )]
    Unreadable { operation: String, detail: String },

    #[error(
        "Cannot reach {endpoint}: {detail}. Check the network, VPN or proxy, and the endpoint URL."
    )]
    Network { endpoint: String, detail: String },

    #[error(
        "{operation} timed out talking to {endpoint}. The endpoint may be slow or unreachable; retry later."
    )]
    Timeout { operation: String, endpoint: String },

    #[error("Invalid input: {detail}")]
    InvalidInput { detail: String },

    #[error("{operation} would exceed an ECR limit: {detail}")]
    LimitExceeded { operation: String, detail: String },

    #[error("{operation} failed: {detail}")]
    Other { operation: String, detail: String },
}

fn op_suffix(op: &str) -> String {
    if op.is_empty() {
        String::new()
    } else {
        format!(" ({op})")
    }
}

fn tag_suffix(tag: &Option<String>) -> String {
    tag.as_deref()
        .map(|t| format!(" ('{t}')"))
        .unwrap_or_default()
}

impl EcrError {
    /// The short name of the error kind, for the status bar and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::AccessDenied { .. } => "access denied",
            Self::SsoExpired { .. } => "sso expired",
            Self::MfaRequired { .. } => "mfa required",
            Self::CredentialsExpired { .. } => "credentials expired",
            Self::NoCredentials { .. } => "no credentials",
            Self::Throttled { .. } => "throttled",
            Self::NotFound { .. } => "not found",
            Self::TagAlreadyExists { .. } => "tag exists",
            Self::ScanQuota { .. } => "scan quota",
            Self::NotSupported { .. } => "not supported",
            Self::Unavailable { .. } => "unavailable",
            Self::Unreadable { .. } => "unreadable answer",
            Self::Network { .. } => "network",
            Self::Timeout { .. } => "timeout",
            Self::InvalidInput { .. } => "invalid input",
            Self::LimitExceeded { .. } => "limit exceeded",
            Self::Other { .. } => "error",
        }
    }

    /// Errors worth a retry button (as opposed to fixing something first).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Throttled { .. }
                | Self::Network { .. }
                | Self::Timeout { .. }
                | Self::Unavailable { .. }
                | Self::Unreadable { .. }
        )
    }

    /// The credentials are the problem: a cached client must be rebuilt (so
    /// a fixed credentials file is read again) before the next call.
    pub fn is_credentials(&self) -> bool {
        matches!(
            self,
            Self::SsoExpired { .. }
                | Self::MfaRequired { .. }
                | Self::CredentialsExpired { .. }
                | Self::NoCredentials { .. }
        )
    }

    /// A repository that no longer exists (as opposed to an image, a policy
    /// or a scan of it).
    pub fn is_repository_gone(&self) -> bool {
        // "The repository" or "The repository 'x'": not "The repository
        // policy" (RepositoryPolicyNotFound), which says nothing of the
        // repository itself.
        matches!(self, Self::NotFound { what }
            if what == "The repository" || what.starts_with("The repository '"))
    }

    /// "No scan of this image yet" (ScanNotFoundException): an answer, not a
    /// failure.
    pub fn is_scan_not_found(&self) -> bool {
        matches!(self, Self::NotFound { what } if what.starts_with("A scan"))
    }

    /// The server answered about this one item and refused it (as opposed
    /// to the call failing: network, credentials, throttling): the next item
    /// is worth trying.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::NotFound { .. }
                | Self::InvalidInput { .. }
                | Self::TagAlreadyExists { .. }
                | Self::ScanQuota { .. }
                | Self::LimitExceeded { .. }
                | Self::Other { .. }
        )
    }

    /// The image is gone (ImageNotFoundException).
    pub fn is_image_gone(&self) -> bool {
        matches!(self, Self::NotFound { what } if what.starts_with("The image"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_gone() {
        let repo = EcrError::NotFound {
            what: "The repository 'x'".into(),
        };
        assert!(repo.is_repository_gone() && !repo.is_scan_not_found());
        let scan = EcrError::NotFound {
            what: "A scan of this image".into(),
        };
        assert!(scan.is_scan_not_found() && !scan.is_repository_gone());
        // A repository without a policy still exists.
        for what in ["The repository policy", "The repository"] {
            let e = EcrError::NotFound { what: what.into() };
            assert_eq!(e.is_repository_gone(), what == "The repository", "{what}");
        }
        assert!(
            EcrError::Unavailable {
                operation: "X".into(),
                status: 503
            }
            .is_transient()
        );
        assert!(
            EcrError::CredentialsExpired { who: "p".into() }.is_credentials()
                && !EcrError::Throttled {
                    operation: String::new()
                }
                .is_credentials()
        );
    }
}
