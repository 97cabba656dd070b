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

/// GETs `url`, following no redirects, within `timeout`, at most `MAX_BLOB` bytes.
pub async fn download_blob(url: &str, timeout: Duration) -> Result<Vec<u8>, EcrError> {
    let uri: hyper::Uri = url
        .parse()
        .map_err(|_| failed("the download URL is not valid"))?;
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| failed(format!("no TLS root certificates: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let host = uri.host().unwrap_or("").to_owned();
    let fetch = async {
        let resp = client.get(uri).await.map_err(|e| EcrError::Network {
            endpoint: host.clone(),
            detail: short(&e.to_string()),
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
            .map_err(|e| failed(format!("reading the blob failed: {e}")))?;
        Ok(body.to_bytes().to_vec())
    };
    tokio::time::timeout(timeout, fetch)
        .await
        .map_err(|_| EcrError::Timeout {
            operation: "Downloading the config blob".into(),
            endpoint: host.clone(),
        })?
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
