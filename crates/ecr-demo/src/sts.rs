//! STS AssumeRole on the demo endpoint (the awsQuery protocol: a form POST
//! to `/`, an XML answer; STS API Reference, "AssumeRole"), so that role
//! chains (`source_profile` + `role_arn`) and MFA-protected roles
//! (`mfa_serial`: SerialNumber and TokenCode) can be tried end to end.
//!
//! The role's account (from its ARN) decides which demo account the
//! credentials sign as. A demo convention, not AWS's: a role whose name
//! contains `mfa` requires an MFA device, and the one code it accepts is
//! `123456` (AWS answers a missing or wrong code with AccessDenied, HTTP
//! 403, as here).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::registries::ACCOUNTS;

/// The code the demo's MFA devices show.
pub const DEMO_MFA_CODE: &str = "123456";

fn form(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// Percent-decoding of a form value (`+` is a space).
fn decode(s: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(a), Some(b)) => {
                    out.push(u8::try_from(a * 16 + b).unwrap_or(b'?'));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>demo</RequestId></ErrorResponse>"
    );
    (status, [("content-type", "text/xml")], body).into_response()
}

/// Whether a request is STS's (a form with an Action), not ECR's.
pub fn is_sts(body: &[u8]) -> bool {
    body.starts_with(b"Action=") || form(body).iter().any(|(k, _)| k == "Action")
}

/// `caller`: the account the request was signed as (GetCallerIdentity's
/// answer: the demo's fixed user of that account).
pub fn serve(body: &[u8], caller: Option<&str>) -> Response {
    let f = form(body);
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("Action") == Some("GetCallerIdentity") {
        let account = caller.unwrap_or(ACCOUNTS[0].1);
        // A role session, as most people browse (SSO, CI): its role is
        // what a pull-time update exclusion names.
        let body = format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
             <Arn>arn:aws:sts::{account}:assumed-role/ecrscope-demo-reader/demo-session</Arn>\
             <UserId>AROADEMO:demo-session</UserId><Account>{account}</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>demo</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        );
        return (StatusCode::OK, [("content-type", "text/xml")], body).into_response();
    }
    if get("Action") != Some("AssumeRole") {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidAction",
            "the demo's STS serves AssumeRole and GetCallerIdentity only",
        );
    }
    let arn = get("RoleArn").unwrap_or("");
    let Some((account, role)) = ecr_core::partition::parse_arn(arn)
        .filter(|a| a.service == "iam" && a.region.is_empty() && !a.account.is_empty())
        .map(|a| (a.account, a.resource))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "ValidationError",
            "RoleArn is not a role ARN",
        );
    };
    let Some((key, _)) = ACCOUNTS.iter().find(|(_, a)| *a == account) else {
        return error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            &format!("Not authorized to perform sts:AssumeRole on {arn}"),
        );
    };
    let name = role.strip_prefix("role/").unwrap_or(role);
    if name.contains("mfa") {
        match (get("SerialNumber"), get("TokenCode")) {
            (Some(_), Some(DEMO_MFA_CODE)) => {}
            (Some(_), Some(_)) => {
                return error(
                    StatusCode::FORBIDDEN,
                    "AccessDenied",
                    "MultiFactorAuthentication failed with invalid MFA one time pass code.",
                );
            }
            _ => {
                return error(
                    StatusCode::FORBIDDEN,
                    "AccessDenied",
                    &format!(
                        "User is not authorized to perform: sts:AssumeRole on resource: {arn} (this role requires MFA)"
                    ),
                );
            }
        }
    }
    let session = get("RoleSessionName").unwrap_or("demo");
    let seconds: u64 = get("DurationSeconds")
        .and_then(|d| d.parse().ok())
        .unwrap_or(3600);
    let expiration = ecr_core::time::rfc3339(now_secs() + seconds as f64);
    let body = format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>demo</SecretAccessKey>\
         <SessionToken>demo-role-session</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
         <AssumedRoleUser><AssumedRoleId>AROADEMO:{session}</AssumedRoleId>\
         <Arn>arn:aws:sts::{account}:assumed-role/{name}/{session}</Arn></AssumedRoleUser>\
         </AssumeRoleResult><ResponseMetadata><RequestId>demo</RequestId></ResponseMetadata></AssumeRoleResponse>"
    );
    (StatusCode::OK, [("content-type", "text/xml")], body).into_response()
}

fn now_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode() {
        assert_eq!(
            decode("arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx"),
            "arn:aws:iam::1:role/x"
        );
        assert_eq!(decode("a+b%"), "a b%");
        assert!(is_sts(b"Action=AssumeRole&Version=2011-06-15"));
        assert!(!is_sts(b"{\"repositoryName\":\"x\"}"));
    }
}
