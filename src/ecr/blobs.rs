//! Downloads a blob (an image config) from the URL GetDownloadUrlForLayer
//! gave: a pre-signed S3 URL on AWS, a plain URL on the demo endpoint. The URL
//! carries a signature, so it is never logged.

use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::EcrError;

/// Configs are a few KiB; anything near this is not a config.
pub const MAX_BLOB: usize = 8 * 1024 * 1024;

fn failed(detail: impl Into<String>) -> EcrError {
    EcrError::Other {
        operation: "Downloading the config blob".into(),
        detail: detail.into(),
    }
}

type HttpClient = Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Empty<Bytes>,
>;

/// The URL, checked, and a client to fetch it with.
fn prepare(
    url: &str,
    failed: impl Fn(&str) -> EcrError,
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
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| failed(&format!("no TLS root certificates: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
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
pub async fn open_blob(url: &str, idle: Duration) -> Result<BlobStream, EcrError> {
    let (uri, client) = prepare(url, layer_failed)?;
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
                    detail: short(&e.to_string()),
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
pub async fn download_blob(url: &str, timeout: Duration) -> Result<Vec<u8>, EcrError> {
    let (uri, client) = prepare(url, |d| failed(d))?;
    let host = uri.host().unwrap_or("").to_owned();
    let fetch = async {
        let resp = client.get(uri).await.map_err(|e| {
            if e.is_connect() {
                EcrError::Network {
                    endpoint: host.clone(),
                    detail: short(&e.to_string()),
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

fn short(s: &str) -> String {
    // Errors may echo the URL; keep only what precedes it.
    s.split("http")
        .next()
        .unwrap_or(s)
        .trim()
        .trim_end_matches(':')
        .to_owned()
}
