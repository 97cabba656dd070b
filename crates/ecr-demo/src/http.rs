//! HTTP side of the demo endpoint: axum on 127.0.0.1 (random port), the JSON
//! protocol dispatch, and the knobs (latency, rate cap, faults).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::registries::{Caller, Registries};
use super::seed::SeedConfig;
use super::store::{ApiError, Store};

impl BlobFault {
    #[cfg(feature = "faults")]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "oversize" => Self::Oversize,
            "wrong-digest" => Self::WrongDigest,
            "not-utf8" => Self::NotUtf8,
            "redirect" => Self::Redirect,
            "slow" => Self::Slow,
            "reset" => Self::Reset,
            "link-local" => Self::LinkLocalUrl,
            _ => return None,
        })
    }
}

/// What an injected fault does to the request it hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// `AccessDeniedException`, HTTP 400.
    AccessDenied,
    /// `ThrottlingException`, HTTP 400 (retried by the SDK).
    Throttle,
    /// An HTML page with this HTTP status, as a proxy or gateway answers
    /// (502, 503, 504), or moto for calls it lacks (500).
    Html(u16),
    /// Never answers within the client's timeout.
    Hang,
    /// Does what was asked (an UploadLayerPart is stored), then never
    /// answers: the client's retry of the same part is then refused, as ECR
    /// refuses a part it already has.
    HangAfterServing,
    /// Any ECR error code and message.
    Error { code: String, message: String },
    /// The real answer, with a `nextToken` that never changes (a server bug
    /// that would page forever).
    RepeatToken,
    /// HTTP 200 with a body cut off half way.
    Truncated,
    /// HTTP 200 with a body that is not JSON at all.
    NotJson,
}

impl FaultKind {
    /// Parses a fault's name as the hidden `--demo-fault` flag takes it.
    #[cfg(feature = "faults")]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "denied" => Self::AccessDenied,
            "throttle" => Self::Throttle,
            "hang" => Self::Hang,
            "hang-after" => Self::HangAfterServing,
            "repeat-token" => Self::RepeatToken,
            "truncated" => Self::Truncated,
            "not-json" => Self::NotJson,
            "expired" => Self::Error {
                code: "ExpiredTokenException".into(),
                message: "The security token included in the request is expired".into(),
            },
            other => Self::Html(other.strip_prefix("html")?.parse().ok()?),
        })
    }
}

/// A fault for `count` requests of `operation` (any operation when `None`),
/// after letting the first `after` of them through.
#[derive(Clone, Debug)]
pub struct Fault {
    pub operation: Option<String>,
    pub kind: FaultKind,
    pub count: u32,
    pub after: u32,
}

impl Fault {
    /// `kind` on every call from now on (until cleared).
    #[cfg(feature = "faults")]
    pub fn always(kind: FaultKind) -> Self {
        Self {
            operation: None,
            kind,
            count: u32::MAX,
            after: 0,
        }
    }

    /// The hidden flag's form: `KIND[:OPERATION[:COUNT[:AFTER]]]`, e.g.
    /// `html503`, `throttle:DescribeImages:5`, `expired::1000:20`.
    #[cfg(feature = "faults")]
    pub fn parse(spec: &str) -> Option<Self> {
        let mut parts = spec.split(':');
        let kind = FaultKind::parse(parts.next()?)?;
        let operation = parts.next().filter(|o| !o.is_empty()).map(str::to_owned);
        let count = parts.next().map_or(Some(u32::MAX), |c| c.parse().ok())?;
        let after = parts.next().map_or(Some(0), |c| c.parse().ok())?;
        Some(Self {
            operation,
            kind,
            count,
            after,
        })
    }
}

/// What the blob route does to the next downloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobFault {
    /// A body larger than the client's cap.
    Oversize,
    /// Bytes that do not hash to the digest asked for.
    WrongDigest,
    /// Bytes that are not UTF-8 (the right digest is claimed anyway).
    NotUtf8,
    /// A redirect to another host.
    Redirect,
    /// A body that trickles in slower than the client waits.
    Slow,
    /// The connection closes half way through the body.
    Reset,
    /// GetDownloadUrlForLayer answers a link-local (instance metadata) URL.
    LinkLocalUrl,
}

/// Live knobs, shared with the server task.
#[derive(Debug, Default)]
pub struct Knobs {
    /// Added to every request, in milliseconds.
    latency_ms: AtomicU64,
    /// Requests per second of each API action before ThrottlingException
    /// (0 = unlimited). One bucket per action, as ECR's quotas are ("Each API
    /// operation in Amazon ECR has a rate throttle associated with it",
    /// docs.aws.amazon.com/AmazonECR/latest/userguide/common-errors.html).
    rate_limit: AtomicU64,
    /// Bytes per second at which request bodies are read, shared by every
    /// connection as one link is (0 = as fast as they come): a slow uplink.
    upload_bps: AtomicU64,
    /// When the link is free again (the slow link's clock).
    link_free_at: Mutex<Option<Instant>>,
    /// Request body bytes read so far.
    pub body_bytes: AtomicU64,
    /// Every call signed for this region answers AccessDeniedException: a
    /// registry that always fails beside ones that work.
    denied_region: Mutex<Option<String>>,
    /// A request body longer than this stops being read there, and its
    /// connection hangs (0: never): a link that drops mid-upload while
    /// small requests still get through.
    stop_bodies_after: AtomicU64,
    faults: Mutex<Vec<Fault>>,
    blob_fault: Mutex<Option<BlobFault>>,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
    /// Requests seen, by operation.
    counts: Mutex<HashMap<String, u64>>,
    /// maxResults of each paged call, by operation (for tests of paging).
    page_sizes: Mutex<HashMap<String, Vec<u64>>>,
    /// Requests being served now, and the most ever at once.
    concurrent: AtomicU64,
    max_concurrent: AtomicU64,
}

impl Knobs {
    pub fn set_latency(&self, d: Duration) {
        self.latency_ms
            .store(d.as_millis() as u64, Ordering::Relaxed);
    }

    /// Denies every call signed for `region` from now on (None: none).
    #[cfg(feature = "faults")]
    pub fn set_denied_region(&self, region: Option<&str>) {
        if let Ok(mut r) = self.denied_region.lock() {
            *r = region.map(str::to_owned);
        }
    }

    fn denies(&self, region: &str) -> bool {
        self.denied_region
            .lock()
            .is_ok_and(|r| r.as_deref() == Some(region))
    }

    /// Reads request bodies at `bytes_per_second` from now on (0: no limit).
    #[cfg(feature = "faults")]
    pub fn set_upload_bps(&self, bytes_per_second: u64) {
        self.upload_bps.store(bytes_per_second, Ordering::Relaxed);
    }

    /// Stops reading any request body longer than `bytes` there, and
    /// hangs its connection (0: never).
    #[cfg(feature = "faults")]
    pub fn set_stop_bodies_after(&self, bytes: u64) {
        self.stop_bodies_after.store(bytes, Ordering::Relaxed);
    }

    /// How long to wait before `n` more body bytes may be read over the
    /// slow link (zero when it is not set).
    fn link_wait(&self, n: usize) -> Duration {
        let bps = self.upload_bps.load(Ordering::Relaxed);
        if bps == 0 {
            return Duration::ZERO;
        }
        let Ok(mut free) = self.link_free_at.lock() else {
            return Duration::ZERO;
        };
        let now = Instant::now();
        let start = free.map_or(now, |f| f.max(now));
        let done = start + Duration::from_secs_f64(n as f64 / bps as f64);
        *free = Some(done);
        done.saturating_duration_since(now)
    }

    /// At most `per_second` requests of each action, a one-second burst
    /// (0: no cap).
    #[cfg(feature = "faults")]
    pub fn set_rate_limit(&self, per_second: u64) {
        self.rate_limit.store(per_second, Ordering::Relaxed);
        if let Ok(mut b) = self.buckets.lock() {
            b.clear();
        }
    }

    #[cfg(feature = "faults")]
    pub fn inject(&self, fault: Fault) {
        if let Ok(mut f) = self.faults.lock() {
            f.push(fault);
        }
    }

    #[cfg(feature = "faults")]
    pub fn clear_faults(&self) {
        if let Ok(mut f) = self.faults.lock() {
            f.clear();
        }
        self.set_blob_fault(None);
    }

    /// What the blob route (and GetDownloadUrlForLayer) does until changed.
    #[cfg(feature = "faults")]
    pub fn set_blob_fault(&self, fault: Option<BlobFault>) {
        if let Ok(mut b) = self.blob_fault.lock() {
            *b = fault;
        }
    }

    pub fn blob_fault(&self) -> Option<BlobFault> {
        self.blob_fault.lock().ok().and_then(|b| *b)
    }

    /// Requests received for `operation` so far.
    pub fn count(&self, operation: &str) -> u64 {
        self.counts
            .lock()
            .map_or(0, |c| c.get(operation).copied().unwrap_or(0))
    }

    /// Total requests received.
    pub fn total(&self) -> u64 {
        self.counts.lock().map_or(0, |c| c.values().sum())
    }

    /// The most requests that were ever being served at once.
    pub fn max_concurrent(&self) -> u64 {
        self.max_concurrent.load(Ordering::Relaxed)
    }

    /// The maxResults sent with each call of `operation`.
    pub fn page_sizes(&self, operation: &str) -> Vec<u64> {
        self.page_sizes.lock().map_or_else(
            |_| Vec::new(),
            |p| p.get(operation).cloned().unwrap_or_default(),
        )
    }

    fn take_fault(&self, op: &str) -> Option<FaultKind> {
        let mut faults = self.faults.lock().ok()?;
        let i = faults
            .iter()
            .position(|f| f.operation.as_deref().is_none_or(|o| o == op) && f.count > 0)?;
        if faults[i].after > 0 {
            faults[i].after -= 1;
            return None;
        }
        faults[i].count -= 1;
        let kind = faults[i].kind.clone();
        if faults[i].count == 0 {
            faults.remove(i);
        }
        Some(kind)
    }

    /// Token bucket of `action`: `rate` tokens a second, burst of one
    /// second's worth.
    fn admit(&self, action: &str) -> bool {
        let rate = self.rate_limit.load(Ordering::Relaxed) as f64;
        if rate <= 0.0 {
            return true;
        }
        let Ok(mut b) = self.buckets.lock() else {
            return true;
        };
        let now = Instant::now();
        let (tokens, last) = b.entry(action.to_owned()).or_insert((rate, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    fn record(&self, op: &str, body: &serde_json::Value) {
        if let Ok(mut c) = self.counts.lock() {
            *c.entry(op.to_owned()).or_default() += 1;
        }
        if let Some(m) = body.get("maxResults").and_then(serde_json::Value::as_u64)
            && let Ok(mut p) = self.page_sizes.lock()
        {
            p.entry(op.to_owned()).or_default().push(m);
        }
    }
}

/// IAM Identity Center's sign-in state (see `sso`).
pub(crate) type SharedSso = crate::sso::SharedState;

#[derive(Clone)]
struct Shared {
    registries: Arc<Mutex<Registries>>,
    knobs: Arc<Knobs>,
}

/// A running demo endpoint. Dropping it stops the server.
#[derive(Debug)]
pub struct DemoServer {
    pub addr: SocketAddr,
    pub knobs: Arc<Knobs>,
    /// The sign-in state of its IAM Identity Center (tests approve codes
    /// and shorten lifetimes through it).
    pub sso: SharedSso,
    registries: Arc<Mutex<Registries>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl DemoServer {
    /// Seeds the store and serves it on 127.0.0.1 at a free port. Must be
    /// called within a tokio runtime.
    pub async fn start(cfg: &SeedConfig) -> std::io::Result<Self> {
        Self::start_on(cfg, 0).await
    }

    /// The same on `port` (0: a free one).
    pub async fn start_on(cfg: &SeedConfig, port: u16) -> std::io::Result<Self> {
        // A receive buffer of a modest, fixed size: with the slow-link knob
        // the kernel must not take megabytes of a body ahead of the reader
        // (the sender would see its bytes "gone" long before they are read,
        // unlike on a real link). Loopback stays fast with it.
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_recv_buffer_size(256 * 1024)?;
        socket.bind(std::net::SocketAddr::from(([127, 0, 0, 1], port)))?;
        let listener = socket.listen(1024)?;
        let addr = listener.local_addr()?;
        let mut registries = Registries::new(cfg.clone(), format!("http://{addr}"));
        // The home registry is seeded now, so its first answer is quick.
        let seeding = Instant::now();
        registries.store(crate::DEMO_ACCOUNT, crate::DEMO_REGION);
        tracing::debug!(ms = seeding.elapsed().as_millis(), "demo data seeded");
        let shared = Shared {
            registries: Arc::new(Mutex::new(registries)),
            knobs: Arc::new(Knobs::default()),
        };
        let sso = SharedSso::default();
        let sign_in = Router::new()
            .route("/client/register", post(crate::sso::register_client))
            .route(
                "/device_authorization",
                post(crate::sso::start_device_authorization),
            )
            .route("/token", post(crate::sso::create_token))
            .route(
                "/federation/credentials",
                get(crate::sso::get_role_credentials),
            )
            .route("/device", get(crate::sso::device_page))
            .route("/device/approve", post(crate::sso::approve))
            .with_state(sso.clone());
        let app = Router::new()
            .route("/", post(ecr))
            .route("/blobs/{account}/{region}/{digest}", get(blob))
            // UploadLayerPart carries up to 20 MiB, base64 in JSON.
            .layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024))
            .with_state(shared.clone())
            .merge(sign_in);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!("demo endpoint stopped: {e}");
            }
        });
        tracing::info!(%addr, "demo endpoint listening");
        Ok(Self {
            addr,
            knobs: shared.knobs,
            sso,
            registries: shared.registries,
            shutdown: Some(tx),
        })
    }

    /// The endpoint URL to give the SDK.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Runs `f` on the home registry (the first demo account in
    /// us-east-1): seed tweaks and checks in tests.
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> Option<R> {
        self.with_store_at(crate::DEMO_ACCOUNT, crate::DEMO_REGION, f)
    }

    /// Runs `f` on the registry of `account` in `region` (seeded if new).
    pub fn with_store_at<R>(
        &self,
        account: &str,
        region: &str,
        f: impl FnOnce(&mut Store) -> R,
    ) -> Option<R> {
        self.registries
            .lock()
            .ok()
            .map(|mut r| f(r.store(account, region)))
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

const TARGET_PREFIX: &str = "AmazonEC2ContainerRegistry_V20150921.";

/// The demo serves this computer only: a request whose Host is not a
/// loopback name (a web page's DNS-rebinding trick) is refused.
fn foreign_host(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    !matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

fn refused_host() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "this endpoint serves 127.0.0.1 only",
    )
        .into_response()
}

/// The largest request body (UploadLayerPart carries up to 20 MiB, base64
/// in JSON).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Reads a request body, at the slow link's pace when one is set.
async fn read_body(knobs: &Knobs, body: axum::body::Body) -> Result<Vec<u8>, ApiError> {
    use http_body_util::BodyExt as _;
    let mut body = body;
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError {
            status: 400,
            code: "SerializationException".into(),
            message: format!("the request body broke off: {e}"),
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        // The link carries at most 64 KiB at a time, so a slow one
        // trickles (and a reader of a 13 MiB part is paced all along).
        for piece in data.chunks(64 * 1024) {
            let stop = knobs.stop_bodies_after.load(Ordering::Relaxed);
            if stop > 0 && (out.len() + piece.len()) as u64 > stop {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            let wait = knobs.link_wait(piece.len());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            knobs
                .body_bytes
                .fetch_add(piece.len() as u64, Ordering::Relaxed);
            out.extend_from_slice(piece);
        }
        if out.len() > MAX_BODY {
            return Err(ApiError {
                status: 413,
                code: "SerializationException".into(),
                message: format!("the request body exceeds {MAX_BODY} bytes"),
            });
        }
    }
    Ok(out)
}

async fn ecr(State(s): State<Shared>, headers: HeaderMap, body: axum::body::Body) -> Response {
    if foreign_host(&headers) {
        return refused_host();
    }
    let body = match read_body(&s.knobs, body).await {
        Ok(b) => b,
        Err(e) => return api_error(&e),
    };
    // STS (role chains, MFA) shares the endpoint: a form, not ECR's JSON.
    if headers.get("x-amz-target").is_none() && crate::sts::is_sts(&body) {
        let caller = Caller::from_authorization(
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok()),
        )
        .ok();
        return crate::sts::serve(&body, caller.as_ref().map(|c| c.account.as_str()));
    }
    let caller = match Caller::from_authorization(
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    ) {
        Ok(c) => c,
        Err(e) => return api_error(&e),
    };
    let op = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        // Secrets Manager (pull-through credentials) shares the endpoint.
        .and_then(|t| {
            t.strip_prefix(TARGET_PREFIX)
                .or_else(|| t.strip_prefix("secretsmanager."))
        })
        .unwrap_or("")
        .to_owned();
    let req: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return api_error(&ApiError {
                status: 400,
                code: "SerializationException".into(),
                message: e.to_string(),
            });
        }
    };
    // What tests read back never holds a secret's value.
    if req.get("SecretString").is_some() {
        let mut shown = req.clone();
        shown["SecretString"] = serde_json::json!("<redacted>");
        s.knobs.record(&op, &shown);
    } else {
        s.knobs.record(&op, &req);
    }
    if s.knobs.denies(&caller.region) {
        if let Ok(mut c) = s.knobs.counts.lock() {
            *c.entry("denied".to_owned()).or_default() += 1;
        }
        return api_error(&ApiError {
            status: 400,
            code: "AccessDeniedException".into(),
            message: format!(
                "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ecr:{op} in {}",
                caller.region
            ),
        });
    }
    let now_serving = s.knobs.concurrent.fetch_add(1, Ordering::Relaxed) + 1;
    s.knobs
        .max_concurrent
        .fetch_max(now_serving, Ordering::Relaxed);
    let response = serve(&s, &caller, &op, &req).await;
    s.knobs.concurrent.fetch_sub(1, Ordering::Relaxed);
    response
}

async fn serve(s: &Shared, caller: &Caller, op: &str, req: &serde_json::Value) -> Response {
    let latency = s.knobs.latency_ms.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if !s.knobs.admit(op) {
        // Counted as an operation of its own, for the benchmarks.
        if let Ok(mut c) = s.knobs.counts.lock() {
            *c.entry("throttled".to_owned()).or_default() += 1;
        }
        return api_error(&ApiError {
            status: 400,
            code: "ThrottlingException".into(),
            message: "Rate exceeded".into(),
        });
    }
    match s.knobs.take_fault(op) {
        Some(FaultKind::AccessDenied) => {
            return api_error(&ApiError {
                status: 400,
                code: "AccessDeniedException".into(),
                message: format!(
                    "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ecr:{op}"
                ),
            });
        }
        Some(FaultKind::Throttle) => {
            return api_error(&ApiError {
                status: 400,
                code: "ThrottlingException".into(),
                message: "Rate exceeded".into(),
            });
        }
        Some(FaultKind::Html(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            let reason = status.canonical_reason().unwrap_or("Error");
            return (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                format!(
                    "<!doctype html><html><head><title>{} {reason}</title></head><body><h1>{reason}</h1></body></html>",
                    status.as_u16()
                ),
            )
                .into_response();
        }
        Some(FaultKind::Truncated) => {
            return (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/x-amz-json-1.1")],
                r#"{"repositories": [{"repositoryName": "cut-of"#,
            )
                .into_response();
        }
        Some(FaultKind::NotJson) => {
            return (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<html><body>Welcome to the captive portal</body></html>",
            )
                .into_response();
        }
        Some(FaultKind::RepeatToken) => {
            return match answer_of(s, caller, op, req) {
                Ok(mut v) => {
                    v["nextToken"] = serde_json::json!("the-same-token-again");
                    json_ok(&v)
                }
                Err(e) => api_error(&e),
            };
        }
        Some(FaultKind::Hang) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Some(FaultKind::HangAfterServing) => {
            let _ = answer_of(s, caller, op, req);
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Some(FaultKind::Error { code, message }) => {
            return api_error(&ApiError {
                status: 400,
                code: code.into(),
                message,
            });
        }
        None => {}
    }
    if op == "GetDownloadUrlForLayer" && s.knobs.blob_fault() == Some(BlobFault::LinkLocalUrl) {
        return json_ok(&serde_json::json!({
            "downloadUrl": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "layerDigest": req.get("layerDigest"),
        }));
    }
    match answer_of(s, caller, op, req) {
        Ok(v) => json_ok(&v),
        Err(e) => api_error(&e),
    }
}

fn answer_of(
    s: &Shared,
    caller: &Caller,
    op: &str,
    req: &serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    match s.registries.lock() {
        Ok(mut r) => r
            .for_request(caller, req)
            .and_then(|store| store.call(op, req)),
        Err(_) => Err(ApiError {
            status: 500,
            code: "ServerException".into(),
            message: "demo store poisoned".into(),
        }),
    }
}

fn json_ok(v: &serde_json::Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-amz-json-1.1")],
        v.to_string(),
    )
        .into_response()
}

fn api_error(e: &ApiError) -> Response {
    let body = serde_json::json!({"__type": e.code, "message": e.message}).to_string();
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [
            (header::CONTENT_TYPE, "application/x-amz-json-1.1"),
            (
                header::HeaderName::from_static("x-amzn-errortype"),
                e.code.as_ref(),
            ),
        ],
        body,
    )
        .into_response()
}

async fn blob(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path((account, region, hex)): Path<(String, String, String)>,
) -> Response {
    if foreign_host(&headers) {
        return refused_host();
    }
    if let Some(fault) = s.knobs.blob_fault() {
        return blob_fault(fault).await;
    }
    let digest = ecr_core::Digest::parse(&format!("sha256:{hex}"));
    let (bytes, synthetic) = digest
        .and_then(|d| {
            s.registries.lock().ok().and_then(|r| {
                r.existing(&account, &region)
                    .map(|st: &Store| (st.blobs.get(&d).cloned(), st.synthetic_blob(&d)))
            })
        })
        .unwrap_or_default();
    if let (None, Some(syn)) = (&bytes, synthetic) {
        let body = futures_util::stream::iter(syn.chunks().map(Ok::<_, std::io::Error>));
        return (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
                (header::CONTENT_LENGTH, syn.len.to_string()),
            ],
            axum::body::Body::from_stream(body),
        )
            .into_response();
    }
    match bytes {
        Some(b) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/octet-stream")],
            b,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "blob not found").into_response(),
    }
}

/// Larger than any client should read as a config blob (ecrscope stops at
/// 8 MiB).
const OVERSIZE_BLOB: usize = 16 * 1024 * 1024 + 1024;

/// A blob answer gone wrong in the way `fault` says.
async fn blob_fault(fault: BlobFault) -> Response {
    let octets = [(header::CONTENT_TYPE, "application/octet-stream")];
    match fault {
        BlobFault::Oversize => (StatusCode::OK, octets, vec![b'{'; OVERSIZE_BLOB]).into_response(),
        BlobFault::WrongDigest => (
            StatusCode::OK,
            octets,
            br#"{"architecture":"amd64","os":"linux","config":{"Cmd":["evil"]}}"#.to_vec(),
        )
            .into_response(),
        BlobFault::NotUtf8 => {
            (StatusCode::OK, octets, vec![0xff, 0xfe, 0x00, 0xc3]).into_response()
        }
        BlobFault::Redirect => (
            StatusCode::FOUND,
            [(header::LOCATION, "http://169.254.169.254/latest/meta-data/")],
            "",
        )
            .into_response(),
        BlobFault::Slow => {
            let body = futures_util::stream::unfold(0u32, |n| async move {
                if n >= 600 {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                Some((Ok::<_, std::io::Error>(Bytes::from_static(b" ")), n + 1))
            });
            (StatusCode::OK, octets, axum::body::Body::from_stream(body)).into_response()
        }
        BlobFault::Reset => {
            let body = futures_util::stream::iter([
                Ok(Bytes::from_static(b"{\"architecture\":")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "reset mid-body",
                )),
            ]);
            (
                StatusCode::OK,
                [(header::CONTENT_LENGTH, "4096")],
                axum::body::Body::from_stream(body),
            )
                .into_response()
        }
        // The URL itself is the fault (answered by GetDownloadUrlForLayer).
        BlobFault::LinkLocalUrl => (StatusCode::NOT_FOUND, "blob not found").into_response(),
    }
}
