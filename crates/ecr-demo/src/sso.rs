//! IAM Identity Center, as far as a device sign-in and aws-config's SSO
//! credentials need it, on the demo endpoint (SDKs reach it through
//! `AWS_ENDPOINT_URL_SSO_OIDC` / `AWS_ENDPOINT_URL_SSO`, or a profile's
//! `endpoint_url`):
//!
//! - SSO OIDC (restJson1; AWS IAM Identity Center OIDC API Reference):
//!   `POST /client/register` (RegisterClient), `POST /device_authorization`
//!   (StartDeviceAuthorization), `POST /token` (CreateToken, device-code and
//!   refresh-token grants). Errors are HTTP 400 with `x-amzn-errortype` and
//!   the body `{"error": "authorization_pending", "error_description": …}`
//!   (AuthorizationPendingException, SlowDownException,
//!   ExpiredTokenException, AccessDeniedException, InvalidClientException,
//!   InvalidGrantException), as the reference documents them.
//! - The portal (AWS IAM Identity Center Portal API Reference):
//!   `GET /federation/credentials?role_name=&account_id=` with the
//!   `x-amz-sso_bearer_token` header (GetRoleCredentials): credentials that
//!   sign as that demo account; an unknown or expired token is
//!   UnauthorizedException (HTTP 401).
//! - A page a person approves the code on: `GET /device?user_code=…` shows
//!   the code and an Allow button, `POST /device/approve` allows it (the
//!   real service's page asks for a sign-in first; the demo has none).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};

use crate::registries::ACCOUNTS;

#[derive(Debug)]
struct Device {
    user_code: String,
    client_id: String,
    approved: bool,
    expires: Instant,
}

/// Sign-in state: registered clients, device codes, tokens.
#[derive(Debug)]
pub struct SsoState {
    clients: HashMap<String, String>,
    devices: HashMap<String, Device>,
    tokens: HashMap<String, Instant>,
    refresh: HashMap<String, String>,
    counter: u64,
    /// How long a device code lives (600 s, as the service's; tests shorten it).
    pub device_lifetime: Duration,
    /// How long an access token lives.
    pub token_lifetime: Duration,
}

impl Default for SsoState {
    fn default() -> Self {
        Self {
            clients: HashMap::new(),
            devices: HashMap::new(),
            tokens: HashMap::new(),
            refresh: HashMap::new(),
            counter: 0,
            device_lifetime: Duration::from_secs(600),
            token_lifetime: Duration::from_secs(3600),
        }
    }
}

impl SsoState {
    fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        format!("{prefix}{:x}{:08x}", self.counter, nanos)
    }

    /// Approves the device whose user code is `code`; false if none waits.
    pub fn approve(&mut self, code: &str) -> bool {
        let now = Instant::now();
        match self
            .devices
            .values_mut()
            .find(|d| d.user_code == code && d.expires > now)
        {
            Some(d) => {
                d.approved = true;
                true
            }
            None => false,
        }
    }

    /// Whether `token` is a live access token.
    pub fn token_valid(&self, token: &str) -> bool {
        self.tokens.get(token).is_some_and(|t| *t > Instant::now())
    }
}

fn oidc_error(kind: &str, error: &str, description: &str) -> Response {
    let body = serde_json::json!({"error": error, "error_description": description});
    (
        StatusCode::BAD_REQUEST,
        [
            ("x-amzn-errortype", kind),
            ("content-type", "application/json"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The portal's errors: a status, `x-amzn-errortype`, `{"message": …}`.
fn portal_error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = serde_json::json!({ "message": message });
    (
        status,
        [
            ("x-amzn-errortype", kind),
            ("content-type", "application/json"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn json_ok(v: &serde_json::Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn body_json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap_or(serde_json::Value::Null)
}

fn field<'a>(v: &'a serde_json::Value, k: &str) -> &'a str {
    v.get(k).and_then(serde_json::Value::as_str).unwrap_or("")
}

pub(crate) async fn register_client(
    State(s): State<crate::http::SharedSso>,
    body: axum::body::Bytes,
) -> Response {
    let req = body_json(&body);
    if field(&req, "clientName").is_empty() || field(&req, "clientType") != "public" {
        return oidc_error(
            "InvalidClientMetadataException",
            "invalid_client_metadata",
            "clientName is required and clientType must be public",
        );
    }
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let id = st.next("client-");
    let secret = st.next("secret-");
    st.clients.insert(id.clone(), secret.clone());
    let now = epoch_secs();
    json_ok(&serde_json::json!({
        "clientId": id,
        "clientSecret": secret,
        "clientIdIssuedAt": now,
        "clientSecretExpiresAt": now + 90 * 24 * 3600,
    }))
}

pub(crate) async fn start_device_authorization(
    State(s): State<crate::http::SharedSso>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let req = body_json(&body);
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (id, secret) = (field(&req, "clientId"), field(&req, "clientSecret"));
    if st.clients.get(id).is_none_or(|s| s != secret) {
        return oidc_error("InvalidClientException", "invalid_client", "unknown client");
    }
    if field(&req, "startUrl").is_empty() {
        return oidc_error(
            "InvalidRequestException",
            "invalid_request",
            "startUrl is required",
        );
    }
    let device_code = st.next("device-");
    // Eight letters, as the service shows them: ABCD-EFGH.
    let n = st.counter;
    let letters: String = (0..8)
        .map(|i| char::from(b'A' + ((n * 7 + i * 3 + (n >> i)) % 26) as u8))
        .collect();
    let user_code = format!("{}-{}", &letters[..4], &letters[4..]);
    let lifetime = st.device_lifetime;
    st.devices.insert(
        device_code.clone(),
        Device {
            user_code: user_code.clone(),
            client_id: id.to_owned(),
            approved: false,
            expires: Instant::now() + lifetime,
        },
    );
    let base = format!(
        "http://{}",
        headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1")
    );
    json_ok(&serde_json::json!({
        "deviceCode": device_code,
        "userCode": user_code,
        "verificationUri": format!("{base}/device"),
        "verificationUriComplete": format!("{base}/device?user_code={user_code}"),
        "expiresIn": lifetime.as_secs().max(1),
        "interval": 1,
    }))
}

pub(crate) async fn create_token(
    State(s): State<crate::http::SharedSso>,
    body: axum::body::Bytes,
) -> Response {
    let req = body_json(&body);
    let Ok(mut st) = s.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (id, secret) = (field(&req, "clientId"), field(&req, "clientSecret"));
    if st.clients.get(id).is_none_or(|s| s != secret) {
        return oidc_error("InvalidClientException", "invalid_client", "unknown client");
    }
    match field(&req, "grantType") {
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let code = field(&req, "deviceCode");
            let Some(d) = st.devices.get(code) else {
                return oidc_error(
                    "InvalidGrantException",
                    "invalid_grant",
                    "unknown device code",
                );
            };
            if d.client_id != id {
                return oidc_error(
                    "InvalidGrantException",
                    "invalid_grant",
                    "device code of another client",
                );
            }
            if d.expires <= Instant::now() {
                return oidc_error(
                    "ExpiredTokenException",
                    "expired_token",
                    "the device code has expired",
                );
            }
            if !d.approved {
                return oidc_error(
                    "AuthorizationPendingException",
                    "authorization_pending",
                    "the user has not approved the device yet",
                );
            }
            st.devices.remove(code);
            issue(&mut st, id)
        }
        "refresh_token" => {
            let token = field(&req, "refreshToken");
            if st.refresh.get(token).is_none_or(|c| c != id) {
                return oidc_error(
                    "InvalidGrantException",
                    "invalid_grant",
                    "unknown refresh token",
                );
            }
            st.refresh.remove(token);
            issue(&mut st, id)
        }
        other => oidc_error(
            "UnsupportedGrantTypeException",
            "unsupported_grant_type",
            &format!("grant type '{other}' is not supported"),
        ),
    }
}

fn issue(st: &mut SsoState, client: &str) -> Response {
    let access = st.next("access-");
    let refresh = st.next("refresh-");
    let life = st.token_lifetime;
    st.tokens.insert(access.clone(), Instant::now() + life);
    st.refresh.insert(refresh.clone(), client.to_owned());
    json_ok(&serde_json::json!({
        "accessToken": access,
        "tokenType": "Bearer",
        "expiresIn": life.as_secs(),
        "refreshToken": refresh,
    }))
}

/// A query parameter (the values here are plain: ids, names, codes).
fn param(uri: &Uri, name: &str) -> Option<String> {
    uri.query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_owned)
}

pub(crate) async fn get_role_credentials(
    State(s): State<crate::http::SharedSso>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let token = headers
        .get("x-amz-sso_bearer_token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let valid = s.lock().is_ok_and(|st| st.token_valid(token));
    if !valid {
        return portal_error(
            StatusCode::UNAUTHORIZED,
            "UnauthorizedException",
            "Session token not found or invalid",
        );
    }
    let account = param(&uri, "account_id").unwrap_or_default();
    let Some((key, _)) = ACCOUNTS.iter().find(|(_, a)| *a == account) else {
        return portal_error(
            StatusCode::FORBIDDEN,
            "ForbiddenException",
            &format!("No access to account '{account}'"),
        );
    };
    if param(&uri, "role_name").is_none_or(|r| r.is_empty()) {
        return oidc_error(
            "InvalidRequestException",
            "invalid_request",
            "role_name is required",
        );
    }
    let expiration = (epoch_secs() + 3600) * 1000;
    json_ok(&serde_json::json!({
        "roleCredentials": {
            "accessKeyId": key,
            "secretAccessKey": "demo",
            "sessionToken": "demo-sso-session",
            "expiration": expiration,
        }
    }))
}

/// The page a person opens: the code, and an Allow button.
pub(crate) async fn device_page(uri: Uri) -> Html<String> {
    let code = param(&uri, "user_code")
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>();
    Html(format!(
        "<!doctype html><title>ecrscope demo sign-in</title>\
         <h1>Sign in to the demo registry</h1>\
         <p>Check that ecrscope shows this code: <b>{code}</b></p>\
         <form method=post action=/device/approve>\
         <input name=user_code value=\"{code}\"><button>Allow</button></form>"
    ))
}

pub(crate) async fn approve(
    State(s): State<crate::http::SharedSso>,
    body: axum::body::Bytes,
) -> Response {
    let text = String::from_utf8_lossy(&body);
    let code = text
        .split('&')
        .find_map(|kv| kv.strip_prefix("user_code="))
        .unwrap_or("")
        .to_owned();
    let ok = s.lock().is_ok_and(|mut st| st.approve(&code));
    if ok {
        Html("<!doctype html><p>Allowed. Return to ecrscope.</p>".to_owned()).into_response()
    } else {
        (
            StatusCode::BAD_REQUEST,
            Html("<!doctype html><p>That code is unknown or has expired.</p>".to_owned()),
        )
            .into_response()
    }
}

fn epoch_secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// For tests and benchmarks: the sign-in state, shared with the server.
pub type SharedState = std::sync::Arc<Mutex<SsoState>>;
