//! Secrets Manager, for pull-through cache credentials: the secrets named
//! `ecr-pullthroughcache/…` in the registry's region (ListSecrets with a
//! name filter), and a new one (CreateSecret) holding
//! `{"username": …, "accessToken": …}` as ECR reads it. The token goes in
//! the request body only: it is never logged (the app's log drops wire
//! data) and not kept after the call.

use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType};

use super::{EcrClient, EcrError};
use crate::model::{NewSecret, SecretRef};

/// The name every pull-through credential starts with (ECR's rule).
pub const SECRET_PREFIX: &str = "ecr-pullthroughcache/";

fn failed<E: ProvideErrorMetadata + std::fmt::Display>(op: &str, e: E) -> EcrError {
    let code = e.code().unwrap_or_default().to_owned();
    let detail = e.message().map_or_else(|| e.to_string(), str::to_owned);
    match code.as_str() {
        "AccessDeniedException" => EcrError::AccessDenied {
            operation: op.to_owned(),
            who: "the signed-in principal (secretsmanager:* on ecr-pullthroughcache/*)".into(),
            detail,
        },
        "ResourceExistsException"
        | "InvalidParameterException"
        | "InvalidRequestException"
        | "ValidationException" => EcrError::InvalidInput { detail },
        _ => EcrError::Other {
            operation: op.to_owned(),
            detail: if code.is_empty() {
                detail
            } else {
                format!("{code}: {detail}")
            },
        },
    }
}

impl EcrClient {
    fn secrets(&self, op: &str) -> Result<&aws_sdk_secretsmanager::Client, EcrError> {
        self.secrets.as_ref().ok_or_else(|| EcrError::NotSupported {
            operation: op.to_owned(),
            status: 0,
        })
    }
}

/// The pull-through credentials in the registry's region (every page).
pub async fn list_pull_through_secrets(c: &EcrClient) -> Result<Vec<SecretRef>, EcrError> {
    let sm = c.secrets("ListSecrets")?;
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    // A repeated token (a lying server) or endless pages end in an error.
    let mut paging = super::Paging::new("ListSecrets");
    loop {
        let page = sm
            .list_secrets()
            .filters(
                Filter::builder()
                    .key(FilterNameStringType::Name)
                    .values(SECRET_PREFIX)
                    .build(),
            )
            .max_results(100)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| failed("ListSecrets", e.into_service_error()))?;
        out.extend(page.secret_list().iter().filter_map(|s| {
            let name = s.name()?;
            // The filter matches a prefix of any word: keep the real ones.
            name.starts_with(SECRET_PREFIX).then(|| SecretRef {
                name: name.to_owned(),
                arn: s.arn().unwrap_or_default().to_owned(),
            })
        }));
        token = paging.next(page.next_token())?;
        if token.is_none() {
            break;
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Creates `ecr-pullthroughcache/<suffix>`; its ARN.
pub async fn create_pull_through_secret(
    c: &EcrClient,
    new: &NewSecret,
) -> Result<SecretRef, EcrError> {
    let sm = c.secrets("CreateSecret")?;
    let name = format!("{SECRET_PREFIX}{}", new.suffix);
    let body = zeroizing_json(&new.username, new.token.expose());
    let result = sm
        .create_secret()
        .name(&name)
        .description(
            "Upstream registry credential for an ECR pull-through cache rule (made by ecrscope)",
        )
        .secret_string(body.expose())
        .send()
        .await;
    drop(body);
    let out = result.map_err(|e| failed("CreateSecret", e.into_service_error()))?;
    Ok(SecretRef {
        name: out.name().unwrap_or(&name).to_owned(),
        arn: out.arn().unwrap_or_default().to_owned(),
    })
}

/// `{"username": …, "accessToken": …}`, in a buffer overwritten on drop.
fn zeroizing_json(user: &str, token: &str) -> crate::model::Password {
    crate::model::Password::new(
        serde_json::json!({"username": user, "accessToken": token}).to_string(),
    )
}
