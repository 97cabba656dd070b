//! SDK errors become one [`EcrError`] (a model type) with a message a person
//! can act on.
//!
//! SDK errors are classified once, here, from their error code, HTTP status and
//! source chain. The UI only ever shows `EcrError`'s `Display`; the raw SDK
//! error goes to the log at debug level (it never holds secrets: the SDK
//! redacts credentials in its own `Debug`).

use aws_sdk_ecr::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;

pub use crate::model::EcrError;

/// An HTTP error without an ECR error in it, told apart by what else is
/// known: 502/503/504 are a gateway's or proxy's passing trouble; a 500 is a
/// call the endpoint lacks only on a non-AWS endpoint (moto answers 500 for
/// what it does not implement) and only for an operation it never answered
/// before. Real ECR implements every call, so on AWS a 500 is passing too.
pub fn refine(e: EcrError, cx: &ErrorContext, answered_before: bool) -> EcrError {
    match e {
        EcrError::NotSupported { operation, status }
            if matches!(status, 502..=504) || answered_before || !cx.is_custom_endpoint() =>
        {
            EcrError::Unavailable { operation, status }
        }
        other => other,
    }
}

/// Who the request ran as and where it went; makes messages specific.
#[derive(Clone, Debug, Default)]
pub struct ErrorContext {
    pub profile: Option<String>,
    /// Profile uses IAM Identity Center (sso_session / sso_start_url).
    pub sso: bool,
    pub endpoint: String,
    /// The CA bundle in use, named in a TLS failure (see `trust`).
    pub trust: super::trust::Trust,
}

impl ErrorContext {
    /// Not an AWS endpoint (moto, LocalStack, a proxy, the demo).
    pub fn is_custom_endpoint(&self) -> bool {
        let host = self
            .endpoint
            .split("://")
            .nth(1)
            .unwrap_or(&self.endpoint)
            .split(['/', ':'])
            .next()
            .unwrap_or("");
        !(host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"))
    }

    fn who(&self) -> String {
        match &self.profile {
            Some(p) => format!("profile '{p}'"),
            None => "the environment credentials".to_owned(),
        }
    }
}

/// Turns any SDK error into an `EcrError`. `operation` is the ECR operation
/// name (DescribeImages ...).
pub fn classify<E, R>(operation: &str, err: SdkError<E, R>, cx: &ErrorContext) -> EcrError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + HttpStatus,
{
    let chain = DisplayErrorContext(&err).to_string();
    tracing::debug!(operation, error = %chain, "ECR call failed");
    let op = operation.to_owned();
    match &err {
        SdkError::ServiceError(ctx) => {
            let status = ctx.raw().http_status();
            from_code(operation, ctx.err().code(), ctx.err().message(), status, cx)
        }
        SdkError::TimeoutError(_) => EcrError::Timeout {
            operation: op,
            endpoint: cx.endpoint.clone(),
        },
        SdkError::ResponseError(ctx) => {
            let status = ctx.raw().http_status();
            if (200..300).contains(&status) {
                // A success status with a body the SDK could not read: cut
                // off, or not JSON (a captive portal, a proxy's page).
                EcrError::Unreadable {
                    operation: op,
                    detail: format!("HTTP {status} with a body that is not ECR's JSON"),
                }
            } else if status >= 500 || status == 404 || status == 405 {
                EcrError::NotSupported {
                    operation: op,
                    status,
                }
            } else {
                EcrError::Other {
                    operation: op,
                    detail: format!("unreadable answer (HTTP {status})"),
                }
            }
        }
        SdkError::DispatchFailure(d) => {
            if let Some(e) = credential_problem(&chain, cx) {
                e
            } else if d.is_timeout() {
                EcrError::Timeout {
                    operation: op,
                    endpoint: cx.endpoint.clone(),
                }
            } else if d.is_io() {
                EcrError::Network {
                    endpoint: cx.endpoint.clone(),
                    detail: super::trust::with_hint(io_detail(&chain), &cx.trust),
                }
            } else {
                EcrError::Other {
                    operation: op,
                    detail: last_source(&chain),
                }
            }
        }
        SdkError::ConstructionFailure(_) => {
            credential_problem(&chain, cx).unwrap_or_else(|| EcrError::InvalidInput {
                detail: last_source(&chain),
            })
        }
        _ => credential_problem(&chain, cx).unwrap_or_else(|| EcrError::Other {
            operation: op,
            detail: last_source(&chain),
        }),
    }
}

/// Classification by error code, shared with tests and with errors that do not
/// come through `SdkError`.
pub fn from_code(
    operation: &str,
    code: Option<&str>,
    message: Option<&str>,
    status: u16,
    cx: &ErrorContext,
) -> EcrError {
    let op = operation.to_owned();
    let msg = message.unwrap_or("").to_owned();
    match code.unwrap_or("") {
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => {
            EcrError::AccessDenied {
                operation: op,
                who: cx.who(),
                detail: msg,
            }
        }
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" => {
            if cx.sso {
                EcrError::SsoExpired {
                    profile: cx.profile.clone().unwrap_or_else(|| "default".into()),
                }
            } else {
                EcrError::CredentialsExpired { who: cx.who() }
            }
        }
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "IncompleteSignature" => EcrError::CredentialsExpired { who: cx.who() },
        "ThrottlingException" | "TooManyRequestsException" | "Throttling" => {
            EcrError::Throttled { operation: op }
        }
        "RepositoryNotFoundException" => EcrError::NotFound {
            what: quoted_or("The repository", &msg),
        },
        "ImageNotFoundException" => EcrError::NotFound {
            what: quoted_or("The image", &msg),
        },
        "LayersNotFoundException" | "LayerInaccessibleException" => EcrError::NotFound {
            what: "The layer".into(),
        },
        "LifecyclePolicyNotFoundException" => EcrError::NotFound {
            what: "The lifecycle policy".into(),
        },
        "LifecyclePolicyPreviewNotFoundException" => EcrError::NotFound {
            what: "The lifecycle policy preview".into(),
        },
        "RepositoryPolicyNotFoundException" => EcrError::NotFound {
            what: "The repository policy".into(),
        },
        "PullThroughCacheRuleNotFoundException" => EcrError::NotFound {
            what: "The pull-through cache rule".into(),
        },
        "ScanNotFoundException" => EcrError::NotFound {
            what: "A scan of this image".into(),
        },
        "RegistryPolicyNotFoundException" => EcrError::NotFound {
            what: "The registry policy".into(),
        },
        "SigningConfigurationNotFoundException" => EcrError::NotFound {
            what: "The signing configuration".into(),
        },
        "ImageTagAlreadyExistsException" | "ImageAlreadyExistsException" => {
            EcrError::TagAlreadyExists {
                tag: tag_from_message(&msg),
            }
        }
        "LimitExceededException" if operation == "StartImageScan" => EcrError::ScanQuota {
            detail: ensure_period(&msg),
        },
        "LimitExceededException" => EcrError::LimitExceeded {
            operation: op,
            detail: msg,
        },
        "ImageArchivedException" => EcrError::InvalidInput {
            detail: "the image is archived: restore it to standard storage first (a restore can take hours)".into(),
        },
        "ImageStorageClassUpdateNotSupportedException" => EcrError::InvalidInput {
            detail: if msg.is_empty() {
                "this storage class change is not supported for the image".into()
            } else {
                msg
            },
        },
        "InvalidParameterException"
        | "ValidationException"
        | "InvalidTagParameterException"
        | "InvalidLayerPartException"
        | "UnsupportedUpstreamRegistryException"
        | "SecretNotFoundException"
        | "UnableToAccessSecretException"
        | "UnableToDecryptSecretValueException"
        | "UnsupportedImageTypeException"
        | "KmsException"
        | "LifecyclePolicyPreviewInProgressException"
        | "PullThroughCacheRuleAlreadyExistsException"
        | "RepositoryAlreadyExistsException"
        | "RepositoryNotEmptyException"
        | "TooManyTagsException"
        | "ImageDigestDoesNotMatchException"
        | "ReferencedImagesNotFoundException" => EcrError::InvalidInput {
            detail: if msg.is_empty() {
                code.unwrap_or_default()
                    .trim_end_matches("Exception")
                    .to_owned()
            } else {
                msg
            },
        },
        // A success status whose body the SDK could not read: cut off, or
        // not JSON at all (a captive portal, a proxy's page).
        "" if (200..300).contains(&status) => EcrError::Unreadable {
            operation: op,
            detail: format!("HTTP {status} with a body that is not ECR's JSON"),
        },
        "" if status >= 500 => EcrError::NotSupported {
            operation: op,
            status,
        },
        "" if status == 403 => EcrError::AccessDenied {
            operation: op,
            who: cx.who(),
            detail: msg,
        },
        other => EcrError::Other {
            operation: op,
            detail: if msg.is_empty() {
                other.to_owned()
            } else {
                msg
            },
        },
    }
}

fn quoted_or(default: &str, msg: &str) -> String {
    // ECR's messages quote the name: "The repository with name 'x' does not exist ..."
    match msg.split('\'').nth(1) {
        Some(name) if !name.is_empty() => format!("{default} '{name}'"),
        _ => default.to_owned(),
    }
}

fn tag_from_message(msg: &str) -> Option<String> {
    // "The image tag 'v1' already exists in the 'repo' repository ..."
    msg.split('\'')
        .nth(1)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn ensure_period(msg: &str) -> String {
    let m = msg.trim();
    if m.is_empty() {
        "the image was scanned less than 24 hours ago.".to_owned()
    } else if m.ends_with('.') {
        m.to_owned()
    } else {
        format!("{m}.")
    }
}

/// Credential problems surface as dispatch/construction failures whose source
/// chain names the provider; find them by their words.
fn credential_problem(chain: &str, cx: &ErrorContext) -> Option<EcrError> {
    let lower = chain.to_ascii_lowercase();
    // `login::mfa::NeedsCode`'s words.
    if lower.contains("needs an mfa code") {
        return Some(EcrError::MfaRequired {
            profile: cx.profile.clone().unwrap_or_else(|| "default".into()),
        });
    }
    let sso_words = lower.contains("sso")
        && (lower.contains("expired") || lower.contains("token") || lower.contains("session"));
    if cx.sso && (sso_words || lower.contains("no credentials") || lower.contains("credentials")) {
        return Some(EcrError::SsoExpired {
            profile: cx.profile.clone().unwrap_or_else(|| "default".into()),
        });
    }
    if lower.contains("expired") && lower.contains("credential") {
        return Some(EcrError::CredentialsExpired { who: cx.who() });
    }
    let missing = [
        "no credentials",
        "nomatchingauthscheme",
        "no matching auth scheme",
        "credentials provider was not enabled",
        "credentialsnotloaded",
        "failed to load credentials",
        "could not find credentials",
        "profile file did not contain",
        "could not find profile",
        // The default chain's last link: nothing before it had credentials.
        "imds is disabled",
    ];
    if missing.iter().any(|w| lower.contains(w)) {
        return Some(EcrError::NoCredentials { who: cx.who() });
    }
    // A provider that ran and was refused (a role that cannot be assumed,
    // a credential_process that failed): say whose, with its words.
    if lower.contains("while loading credentials") {
        return Some(EcrError::Other {
            operation: match &cx.profile {
                Some(p) => format!("Loading the credentials of profile '{p}'"),
                None => "Loading the credentials".into(),
            },
            detail: last_source(chain),
        });
    }
    None
}

fn io_detail(chain: &str) -> String {
    let lower = chain.to_ascii_lowercase();
    if lower.contains("connection refused") {
        "connection refused".into()
    } else if lower.contains("dns")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        "the host name does not resolve".into()
    } else if lower.contains("certificate") || lower.contains("tls") {
        "TLS handshake failed".into()
    } else {
        last_source(chain)
    }
}

/// The innermost cause, which is usually the readable one.
/// The most specific words of an error chain. `DisplayErrorContext` gives
/// the display chain, then ` (` and the whole Debug form: only the first
/// part is read, and a service's own `message: "…"` in it wins over the
/// last link (which may be a fragment of Debug text).
fn last_source(chain: &str) -> String {
    let display = debug_start(chain).map_or(chain, |i| &chain[..i]);
    if let Some(m) = quoted_message(display) {
        return m;
    }
    display
        .rsplit(": ")
        .next()
        .unwrap_or(display)
        .trim()
        .trim_end_matches(')')
        .to_owned()
}

/// Where ` (SomeType(` or ` (SomeType {` begins: the Debug part.
fn debug_start(chain: &str) -> Option<usize> {
    chain.match_indices(" (").map(|(i, _)| i).find(|&i| {
        let rest = &chain[i + 2..];
        let ident: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        ident.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && (rest[ident.len()..].starts_with('(') || rest[ident.len()..].starts_with(" {"))
    })
}

/// `message: "…"` (or `message: Some("…")`) in a chain.
fn quoted_message(text: &str) -> Option<String> {
    let start = text
        .find("message: \"")
        .map(|i| i + "message: \"".len())
        .or_else(|| {
            text.find("message: Some(\"")
                .map(|i| i + "message: Some(\"".len())
        })?;
    let end = text[start..].find('"')?;
    let m = &text[start..start + end];
    (!m.is_empty()).then(|| m.to_owned())
}

/// The HTTP status of a raw response, behind a trait so tests can fake it.
pub trait HttpStatus {
    fn http_status(&self) -> u16;
}

impl HttpStatus for aws_sdk_ecr::config::http::HttpResponse {
    fn http_status(&self) -> u16 {
        self.status().as_u16()
    }
}

#[cfg(test)]
mod readable_tests {
    use super::*;

    #[test]
    fn a_credentials_failure_reads_as_the_service_said_it() {
        let chain = r#"dispatch failure: other: an error occurred while loading credentials: service error: unhandled error (AccessDenied): Error { code: "AccessDenied", message: "Not authorized to assume role/x" } (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Other(None) } }))"#;
        assert_eq!(last_source(chain), "Not authorized to assume role/x");
        let cx = ErrorContext {
            profile: Some("chain".into()),
            ..ErrorContext::default()
        };
        let e = credential_problem(chain, &cx).expect("a credentials problem");
        assert!(
            e.to_string()
                .starts_with("Loading the credentials of profile 'chain' failed: Not authorized"),
            "{e}"
        );
        assert_eq!(debug_start("a (b) (Foo(x))"), Some(5));
        // The default chain ran out (no profile, no keys, IMDS off): no
        // credentials, not a failure of some provider.
        let none = "dispatch failure: other: an error occurred while loading credentials: IMDS is disabled or the caller has insufficient permissions";
        assert!(matches!(
            credential_problem(none, &ErrorContext::default()),
            Some(EcrError::NoCredentials { .. })
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_html_error_is_passing_unless_a_custom_endpoint_never_answered_the_call() {
        let moto = ErrorContext {
            endpoint: "http://127.0.0.1:5000".into(),
            ..ErrorContext::default()
        };
        let aws = ErrorContext {
            endpoint: "https://api.ecr.us-east-1.amazonaws.com".into(),
            ..ErrorContext::default()
        };
        let e = |status| EcrError::NotSupported {
            operation: "DescribeImages".into(),
            status,
        };
        for status in [502, 503, 504] {
            assert_eq!(refine(e(status), &moto, false).kind(), "unavailable");
        }
        assert_eq!(refine(e(500), &moto, false).kind(), "not supported");
        assert_eq!(
            refine(e(500), &moto, true).kind(),
            "unavailable",
            "answered before"
        );
        assert_eq!(
            refine(e(500), &aws, false).kind(),
            "unavailable",
            "ECR has every call"
        );
        assert!(refine(e(503), &moto, false).is_transient());
    }

    use super::*;

    fn cx(sso: bool) -> ErrorContext {
        ErrorContext {
            profile: Some("dev".into()),
            sso,
            endpoint: "https://api.ecr".into(),
            ..ErrorContext::default()
        }
    }

    #[test]
    fn both_tag_exists_codes_are_one_error() {
        for code in [
            "ImageTagAlreadyExistsException",
            "ImageAlreadyExistsException",
        ] {
            let e = from_code(
                "PutImage",
                Some(code),
                Some("The image tag 'v1' already exists"),
                400,
                &cx(false),
            );
            assert_eq!(
                e,
                EcrError::TagAlreadyExists {
                    tag: Some("v1".into())
                }
            );
            assert!(e.to_string().contains("'v1'"));
        }
    }

    #[test]
    fn expired_token_under_sso_names_the_login_command() {
        let e = from_code(
            "DescribeRepositories",
            Some("ExpiredTokenException"),
            None,
            400,
            &cx(true),
        );
        assert!(
            e.to_string().contains("ecrscope login --profile dev"),
            "{e}"
        );
        let e = from_code(
            "DescribeRepositories",
            Some("ExpiredTokenException"),
            None,
            400,
            &cx(false),
        );
        assert_eq!(e.kind(), "credentials expired");
    }

    #[test]
    fn scan_quota_only_for_start_image_scan() {
        let e = from_code(
            "StartImageScan",
            Some("LimitExceededException"),
            Some("The scan quota per image has been exceeded"),
            400,
            &cx(false),
        );
        assert_eq!(e.kind(), "scan quota");
        assert!(e.to_string().contains("24 hours"));
        let e = from_code(
            "PutImage",
            Some("LimitExceededException"),
            Some("too many"),
            400,
            &cx(false),
        );
        assert_eq!(e.kind(), "limit exceeded");
    }

    #[test]
    fn html_500_is_not_supported() {
        let e = from_code("GetDownloadUrlForLayer", None, None, 500, &cx(false));
        assert_eq!(e.kind(), "not supported");
        assert!(e.to_string().contains("GetDownloadUrlForLayer"));
    }

    #[test]
    fn not_found_quotes_the_name() {
        let e = from_code(
            "DescribeImages",
            Some("RepositoryNotFoundException"),
            Some(
                "The repository with name 'team/api' does not exist in the registry with id '123'",
            ),
            400,
            &cx(false),
        );
        assert_eq!(
            e.to_string(),
            "The repository 'team/api' was not found. It may have been deleted, or it is in another region or account."
        );
    }

    #[test]
    fn credential_words_are_recognised() {
        let e = credential_problem(
            "dispatch failure: other: no credentials in the property bag",
            &cx(false),
        );
        assert_eq!(e.map(|e| e.kind()), Some("no credentials"));
        let e = credential_problem(
            "failed to load credentials: the SSO token has expired",
            &cx(true),
        );
        assert_eq!(e.map(|e| e.kind()), Some("sso expired"));
        assert!(credential_problem("connection refused", &cx(false)).is_none());
    }

    #[test]
    fn access_denied_names_who() {
        let e = from_code(
            "DeleteRepository",
            Some("AccessDeniedException"),
            Some("User: arn is not authorized"),
            400,
            &cx(false),
        );
        assert!(e.to_string().contains("profile 'dev'"));
        assert!(e.to_string().contains("DeleteRepository"));
    }
}
