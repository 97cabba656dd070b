//! Downloads a blob (an image config) from the URL GetDownloadUrlForLayer
//! gave: a pre-signed S3 URL on AWS, a plain URL on the demo endpoint. The URL
//! carries a signature, so it is never logged.

use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::EcrError;
use super::trust::Trust;

/// Configs are a few KiB; anything near this is not a config.
pub const MAX_BLOB: usize = 8 * 1024 * 1024;

fn failed(detail: impl Into<String>) -> EcrError {
    EcrError::Other {
        operation: "Downloading the config blob".into(),
        detail: detail.into(),
    }
}

type HttpClient = Client<hyper_rustls::HttpsConnector<Via>, Empty<Bytes>>;

/// How a download reaches its host: directly, or through the proxy that
/// `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` name for it (unless
/// `NO_PROXY` exempts it), as the SDK's own client does for API calls. A
/// proxy is tunnelled through with CONNECT, so the pre-signed URL and its
/// TLS stay end to end.
#[derive(Clone)]
pub(crate) enum Via {
    Direct(HttpConnector),
    Proxy(hyper_util::client::legacy::connect::proxy::Tunnel<HttpConnector>),
}

impl Via {
    /// The way to `uri`, from the environment's proxy settings.
    fn to(uri: &hyper::Uri) -> Self {
        Self::by(
            &hyper_util::client::proxy::matcher::Matcher::from_env(),
            uri,
        )
    }

    /// The way to `uri` under these proxy settings.
    fn by(proxies: &hyper_util::client::proxy::matcher::Matcher, uri: &hyper::Uri) -> Self {
        let mut direct = HttpConnector::new();
        direct.enforce_http(false);
        match proxies.intercept(uri) {
            None => Self::Direct(direct),
            Some(proxy) => {
                let mut tunnel = hyper_util::client::legacy::connect::proxy::Tunnel::new(
                    proxy.uri().clone(),
                    direct,
                );
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Self::Proxy(tunnel)
            }
        }
    }
}

type Stream = hyper_util::rt::TokioIo<tokio::net::TcpStream>;
type ConnectError = Box<dyn std::error::Error + Send + Sync>;

impl tower_service::Service<hyper::Uri> for Via {
    type Response = Stream;
    type Error = ConnectError;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<Stream, ConnectError>> + Send>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        match self {
            Self::Direct(c) => c.poll_ready(cx).map_err(Into::into),
            Self::Proxy(c) => c.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, dst: hyper::Uri) -> Self::Future {
        match self {
            Self::Direct(c) => {
                let f = c.call(dst);
                Box::pin(async move { f.await.map_err(Into::into) })
            }
            Self::Proxy(c) => {
                let f = c.call(dst);
                Box::pin(async move { f.await.map_err(Into::into) })
            }
        }
    }
}

/// The URL, checked, and a client to fetch it with (through the
/// environment's proxy for it, if any).
fn prepare(
    url: &str,
    failed: impl Fn(&str) -> EcrError,
    trust: &Trust,
) -> Result<(hyper::Uri, HttpClient), EcrError> {
    prepare_via(url, failed, None, trust)
}

fn prepare_via(
    url: &str,
    failed: impl Fn(&str) -> EcrError,
    proxies: Option<&hyper_util::client::proxy::matcher::Matcher>,
    trust: &Trust,
) -> Result<(hyper::Uri, HttpClient), EcrError> {
    let uri: hyper::Uri = url
        .parse()
        .map_err(|_| failed("the download URL is not valid"))?;
    if uri.host().is_some_and(is_link_local) {
        // Instance metadata lives there: a URL from the network must never
        // make ecrscope fetch (and show) credentials.
        return Err(failed(
            "the download URL points at a link-local address (instance metadata); not fetched",
        ));
    }
    // The system's roots and the CA bundle's, if one is set (see `trust`).
    let tls = super::trust::rustls_config(trust).map_err(|e| failed(&e))?;
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(proxies.map_or_else(|| Via::to(&uri), |m| Via::by(m, &uri)));
    Ok((uri, Client::builder(TokioExecutor::new()).build(https)))
}

/// A blob being downloaded, read chunk by chunk (layers of gigabytes are
/// never held whole).
pub struct BlobStream {
    body: hyper::body::Incoming,
    /// What the server says the length is.
    pub length: Option<u64>,
    idle: Duration,
}

impl std::fmt::Debug for BlobStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BlobStream({:?} bytes)", self.length)
    }
}

fn layer_failed(detail: &str) -> EcrError {
    EcrError::Other {
        operation: "Downloading the layer".into(),
        detail: detail.to_owned(),
    }
}

/// Starts downloading a layer from `url` (no redirects). `idle` bounds the
/// wait for the answer and for each chunk, not the whole download.
pub async fn open_blob(url: &str, idle: Duration, trust: &Trust) -> Result<BlobStream, EcrError> {
    let (uri, client) = prepare(url, layer_failed, trust)?;
    let host = uri.host().unwrap_or("").to_owned();
    let resp = tokio::time::timeout(idle, client.get(uri))
        .await
        .map_err(|_| EcrError::Timeout {
            operation: "Downloading the layer".into(),
            endpoint: host.clone(),
        })?
        .map_err(|e| {
            if e.is_connect() {
                EcrError::Network {
                    endpoint: host.clone(),
                    detail: super::trust::with_hint(short(&chain_of(&e)), trust),
                }
            } else {
                layer_failed(&format!(
                    "the download broke off: {}",
                    short(&e.to_string())
                ))
            }
        })?;
    if !resp.status().is_success() {
        return Err(layer_failed(&format!(
            "the blob store answered HTTP {}",
            resp.status().as_u16()
        )));
    }
    let length = resp
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Ok(BlobStream {
        body: resp.into_body(),
        length,
        idle,
    })
}

impl BlobStream {
    /// The next chunk of data; `None` at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>, EcrError> {
        loop {
            let frame = tokio::time::timeout(self.idle, self.body.frame())
                .await
                .map_err(|_| layer_failed("the download stalled (no data within the timeout)"))?;
            match frame {
                None => return Ok(None),
                Some(Err(e)) => {
                    return Err(layer_failed(&format!(
                        "the download broke off: {}",
                        short(&e.to_string())
                    )));
                }
                Some(Ok(f)) => {
                    if let Ok(data) = f.into_data()
                        && !data.is_empty()
                    {
                        return Ok(Some(data));
                    }
                }
            }
        }
    }
}

/// GETs `url`, following no redirects, within `timeout`, at most `MAX_BLOB` bytes.
pub async fn download_blob(
    url: &str,
    timeout: Duration,
    trust: &Trust,
) -> Result<Vec<u8>, EcrError> {
    let (uri, client) = prepare(url, |d| failed(d), trust)?;
    let host = uri.host().unwrap_or("").to_owned();
    let fetch = async {
        let resp = client.get(uri).await.map_err(|e| {
            if e.is_connect() {
                EcrError::Network {
                    endpoint: host.clone(),
                    detail: super::trust::with_hint(short(&chain_of(&e)), trust),
                }
            } else {
                // Connected, then the answer broke off (a reset, a proxy
                // that hung up).
                failed(format!("the download broke off: {}", short(&e.to_string())))
            }
        })?;
        let status = resp.status();
        if !status.is_success() {
            return Err(failed(format!(
                "the blob store answered HTTP {}",
                status.as_u16()
            )));
        }
        let body = Limited::new(resp.into_body(), MAX_BLOB)
            .collect()
            .await
            .map_err(|e| {
                if e.downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some()
                {
                    failed(format!(
                        "the blob is larger than {} MiB: not an image config",
                        MAX_BLOB / (1024 * 1024)
                    ))
                } else {
                    failed(format!("the download broke off: {}", short(&e.to_string())))
                }
            })?;
        Ok(body.to_bytes().to_vec())
    };
    tokio::time::timeout(timeout, fetch)
        .await
        .map_err(|_| EcrError::Timeout {
            operation: "Downloading the config blob".into(),
            endpoint: host.clone(),
        })?
}

/// 169.254.0.0/16, fe80::/10 and AWS's IPv6 metadata address, as literals
/// (a name is not resolved here; AWS's download URLs are S3 names).
fn is_link_local(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.is_link_local(),
        Ok(std::net::IpAddr::V6(v6)) => {
            (v6.segments()[0] & 0xffc0) == 0xfe80 || host.eq_ignore_ascii_case("fd00:ec2::254")
        }
        Err(_) => false,
    }
}

/// An error and its causes ("client error (Connect): invalid peer
/// certificate: UnknownIssuer"): the outer words alone say nothing.
fn chain_of(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = c.source();
    }
    out
}

fn short(s: &str) -> String {
    // Errors may echo the URL; keep only what precedes it.
    s.split("http")
        .next()
        .unwrap_or(s)
        .trim()
        .trim_end_matches(':')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::{TcpListener, TcpStream};

    /// An origin that answers every request with `body`.
    async fn origin(body: &'static str) -> u16 {
        let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = l.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf).await;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = s.write_all(answer.as_bytes()).await;
                });
            }
        });
        port
    }

    /// A CONNECT proxy that counts the tunnels it opened, and to where.
    async fn proxy(seen: Arc<std::sync::Mutex<Vec<String>>>, count: Arc<AtomicUsize>) -> u16 {
        let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = l.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((s, _)) = l.accept().await {
                let (seen, count) = (seen.clone(), count.clone());
                tokio::spawn(async move {
                    let mut client = BufReader::new(s);
                    let mut line = String::new();
                    if client.read_line(&mut line).await.is_err() {
                        return;
                    }
                    // The rest of the request head.
                    loop {
                        let mut h = String::new();
                        if client.read_line(&mut h).await.is_err() || h == "\r\n" || h.is_empty() {
                            break;
                        }
                    }
                    let Some(target) = line
                        .strip_prefix("CONNECT ")
                        .and_then(|r| r.split(' ').next())
                        .map(str::to_owned)
                    else {
                        return;
                    };
                    count.fetch_add(1, Ordering::SeqCst);
                    if let Ok(mut v) = seen.lock() {
                        v.push(target.clone());
                    }
                    let Ok(mut upstream) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let mut client = client.into_inner();
                    if client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await
                        .is_ok()
                    {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
            }
        });
        port
    }

    async fn get(url: &str, proxies: &hyper_util::client::proxy::matcher::Matcher) -> String {
        let (uri, client) =
            prepare_via(url, |d| failed(d), Some(proxies), &Trust::System).expect("prepared");
        let resp = client.get(uri).await.expect("answered");
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        String::from_utf8_lossy(&body).into_owned()
    }

    /// A download goes through the proxy the settings name for it (a
    /// CONNECT tunnel to the blob's host, the bytes end to end), and not
    /// through it when NO_PROXY exempts the host.
    #[allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread
    #[tokio::test]
    async fn downloads_go_through_the_proxy_unless_exempt() {
        let origin_port = origin("config-bytes").await;
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let proxy_port = proxy(seen.clone(), count.clone()).await;
        let url = format!("http://127.0.0.1:{origin_port}/blob");
        let through = hyper_util::client::proxy::matcher::Matcher::builder()
            .http(format!("http://127.0.0.1:{proxy_port}"))
            .build();
        assert_eq!(get(&url, &through).await, "config-bytes");
        assert_eq!(count.load(Ordering::SeqCst), 1, "one tunnel");
        assert_eq!(
            seen.lock().map(|v| v.clone()).unwrap_or_default(),
            [format!("127.0.0.1:{origin_port}")]
        );
        let exempt = hyper_util::client::proxy::matcher::Matcher::builder()
            .http(format!("http://127.0.0.1:{proxy_port}"))
            .no("127.0.0.1")
            .build();
        assert_eq!(get(&url, &exempt).await, "config-bytes");
        assert_eq!(
            count.load(Ordering::SeqCst),
            1,
            "NO_PROXY: straight to the host"
        );
        let none = hyper_util::client::proxy::matcher::Matcher::builder().build();
        assert_eq!(get(&url, &none).await, "config-bytes");
        assert_eq!(count.load(Ordering::SeqCst), 1, "no proxy set: direct");
    }
}
