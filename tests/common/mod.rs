//! Shared test peers: a moto server (a third-party ECR implementation) over
//! HTTP, and the demo endpoint.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

pub mod ui;

use std::net::TcpListener;
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use ecrscope::ecr::{ClientOptions, EcrClient, StaticCredentials};

pub const MOTO_ACCOUNT: &str = "123456789012";

/// The moto server's URL: `ECRSCOPE_MOTO_URL` when the test script started
/// one, else a `moto_server` started here (from `MOTO_SERVER` or PATH) on a
/// free loopback port, with a watchdog that stops it when this process ends.
/// A missing moto fails the test: it is never skipped.
pub fn moto_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("ECRSCOPE_MOTO_URL") {
            wait_for(&url);
            return url;
        }
        let bin = std::env::var("MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let script = format!(
            "{bin} -H 127.0.0.1 -p {port} >/dev/null 2>&1 & m=$!; while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; kill $m",
            pid = std::process::id()
        );
        let spawned = Command::new("sh").arg("-c").arg(&script).spawn();
        assert!(spawned.is_ok(), "could not start the moto watchdog shell");
        let url = format!("http://127.0.0.1:{port}");
        wait_for(&url);
        url
    })
    .clone()
}

fn wait_for(url: &str) {
    let addr = url.trim_start_matches("http://");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(addr).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "moto did not answer at {url}. The ECR-layer tests need moto 5.2.5 (pip install 'moto[server]==5.2.5'); \
         run them through scripts/test.sh, which installs it."
    );
}

/// Tests share one moto server; each takes this lock and resets moto first.
pub fn moto_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `POST /moto-api/reset`.
pub async fn moto_reset(url: &str) {
    post(url, "/moto-api/reset", "").await;
}

/// A minimal HTTP/1.1 POST over a TCP stream (tests avoid an HTTP client
/// dependency); returns the status code.
pub async fn post(base: &str, path: &str, body: &str) -> u16 {
    post_typed(base, path, "application/json", body).await
}

/// A form POST, as a browser sends a page's form.
pub async fn post_form(base: &str, path: &str, body: &str) -> u16 {
    post_typed(base, path, "application/x-www-form-urlencoded", body).await
}

async fn post_typed(base: &str, path: &str, content_type: &str, body: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to moto");
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).await.expect("read");
    let text = String::from_utf8_lossy(&resp);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

pub fn test_creds() -> StaticCredentials {
    StaticCredentials {
        access_key_id: "testing".into(),
        secret_access_key: "testing".into(),
    }
}

/// Client options for tests: the app's defaults, but quick to give up.
pub fn quick_opts() -> ClientOptions {
    ClientOptions {
        max_attempts: 2,
        ..ClientOptions::default()
    }
}

pub fn moto_client(url: &str, region: &str) -> EcrClient {
    EcrClient::with_static(url, region, &test_creds(), None, &quick_opts())
}

/// An OCI manifest whose bytes are unique to `seed`.
pub fn manifest(seed: &str) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{}","size":100}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:{}","size":1234}}],"annotations":{{"seed":"{seed}"}}}}"#,
        ecrscope::model::Digest::of_bytes(format!("cfg-{seed}").as_bytes()).hex(),
        ecrscope::model::Digest::of_bytes(format!("layer-{seed}").as_bytes()).hex(),
    )
}

/// The aws CLI (from `AWS_CLI` or PATH), pointed at `url`, with test
/// credentials and no instance-metadata probe.
pub fn aws_cli(url: &str) -> Command {
    let bin = std::env::var("AWS_CLI").unwrap_or_else(|_| "aws".into());
    let mut c = Command::new(bin);
    c.args([
        "--endpoint-url",
        url,
        "--region",
        "us-east-1",
        "--output",
        "json",
    ])
    .env("AWS_ACCESS_KEY_ID", "testing")
    .env("AWS_SECRET_ACCESS_KEY", "testing")
    .env("AWS_EC2_METADATA_DISABLED", "true")
    .env("AWS_CONFIG_FILE", "/nonexistent")
    .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    c
}

/// Runs the aws CLI and parses its JSON output.
pub fn aws_json(url: &str, args: &[&str]) -> serde_json::Value {
    let out = aws_cli(url)
        .args(args)
        .output()
        .expect("the aws CLI must be installed (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "aws {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// Reads an OCI layout tar with Python's tarfile and checks every blob by
/// digest and every reference from index.json down; prints a summary.
const VERIFY: &str = r#"
import hashlib, json, sys, tarfile
t = tarfile.open(sys.argv[1])
names = t.getnames()
blobs = {}
for m in t.getmembers():
    if m.name.startswith("blobs/sha256/"):
        data = t.extractfile(m).read()
        h = hashlib.sha256(data).hexdigest()
        assert h == m.name.rsplit("/", 1)[1], "blob %s hashes to %s" % (m.name, h)
        blobs["sha256:" + h] = data
assert json.loads(t.extractfile("oci-layout").read())["imageLayoutVersion"] == "1.0.0"
index = json.loads(t.extractfile("index.json").read())
seen = set()
def walk(desc):
    d = desc["digest"]
    assert d in blobs, "missing " + d
    assert len(blobs[d]) == desc["size"], "size of " + d
    seen.add(d)
    doc = json.loads(blobs[d])
    for child in doc.get("manifests", []):
        walk(child)
    for b in ([doc["config"]] if "config" in doc else []) + doc.get("layers", []):
        assert b["digest"] in blobs, "missing " + b["digest"]
        assert len(blobs[b["digest"]]) == b["size"]
        seen.add(b["digest"])
for m in index["manifests"]:
    walk(m)
assert seen == set(blobs), "unreferenced blobs"
print(json.dumps({"top": index["manifests"][0]["digest"], "blobs": len(blobs),
                  "ref": index["manifests"][0].get("annotations", {}).get("org.opencontainers.image.ref.name"),
                  "entries": [m["digest"] for m in index["manifests"]],
                  "subjects": [json.loads(blobs[m["digest"]]).get("subject", {}).get("digest") for m in index["manifests"]]}))
"#;

pub fn verify_tar(path: &std::path::Path) -> serde_json::Value {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(VERIFY)
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "the tar does not verify: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("summary")
}

/// Runs the openssl CLI in `dir` (test keys and certificates), failing the
/// test with its words.
pub fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl CLI (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
