//! A custom CA bundle (`AWS_CA_BUNDLE`, a profile's `ca_bundle`), as behind
//! a TLS-inspecting corporate proxy: a CA and a server certificate made here
//! with the openssl CLI, moto behind a TLS endpoint that presents it. Every
//! request the binary makes is trusted only when the bundle is given; the
//! endpoint counts the handshakes it completed, so "OK" means the calls
//! really went through it. Blob downloads (outside the SDK) too.
#![allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use ecrscope::ecr::trust::{self, BundleSetting, Trust};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

struct Pki {
    _dir: tempfile::TempDir,
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

/// A CA, and a certificate for localhost and 127.0.0.1 signed by it.
fn pki() -> Pki {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=ecrscope test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(d, &ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(d, &csr);
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    Pki {
        ca: d.join("ca.pem"),
        cert: d.join("server.pem"),
        key: d.join("server.key"),
        _dir: dir,
    }
}

/// A TLS endpoint on 127.0.0.1 that presents `pki`'s certificate and
/// forwards each connection to `upstream`; counts completed handshakes.
async fn tls_front(pki: &Pki, upstream: String) -> (u16, Arc<AtomicUsize>) {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&pki.cert)
        .expect("cert")
        .collect::<Result<_, _>>()
        .expect("certs");
    let key = PrivateKeyDer::from_pem_file(&pki.key).expect("key");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let count = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, upstream, count) = (acceptor.clone(), upstream.clone(), count.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut up) = tokio::net::TcpStream::connect(&upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                }
            });
        }
    });
    (port, handshakes)
}

fn check(home: &Path, endpoint: &str, extra: &[(&str, &str)]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecrscope"));
    c.args(["check", "--repositories"])
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        // Quick to give up on a refused handshake.
        .env("AWS_MAX_ATTEMPTS", "1");
    for (k, v) in extra {
        c.env(k, v);
    }
    let out = c.output().expect("run ecrscope");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_api_trusts_a_ca_bundle_only_when_given_from_the_environment_or_the_profile() {
    let _g = moto_lock();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let moto = moto_url();
    rt.block_on(moto_reset(&moto));
    aws_json(
        &moto,
        &[
            "ecr",
            "create-repository",
            "--repository-name",
            "behind/proxy",
        ],
    );
    let pki = pki();
    let (port, handshakes) = rt.block_on(tls_front(
        &pki,
        moto.trim_start_matches("http://").to_owned(),
    ));
    let endpoint = format!("https://localhost:{port}");
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".aws")).expect("mkdir");
    std::fs::write(home.path().join(".aws/config"), "").expect("config");

    // Without the bundle: refused, said as a TLS failure with what to do.
    let (code, out) = check(home.path(), &endpoint, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL") && out.contains("TLS handshake failed"),
        "{out}"
    );
    assert!(out.contains("AWS_CA_BUNDLE"), "says what to do: {out}");
    assert!(out.contains("CA the system's trusted roots"), "{out}");
    assert_eq!(
        handshakes.load(Ordering::SeqCst),
        0,
        "no handshake completed"
    );

    // AWS_CA_BUNDLE: trusted, and the calls went through the TLS endpoint.
    let ca = pki.ca.to_string_lossy().into_owned();
    let (code, out) = check(home.path(), &endpoint, &[("AWS_CA_BUNDLE", &ca)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK") && out.contains("behind/proxy"), "{out}");
    assert!(
        out.contains(&format!(
            "CA {ca} (AWS_CA_BUNDLE, 1 certificate) and the system's roots"
        )),
        "{out}"
    );
    let through = handshakes.load(Ordering::SeqCst);
    assert!(through >= 1, "the calls went through the TLS endpoint");

    // The profile's ca_bundle (with ~ for the home folder) does the same.
    std::fs::copy(&pki.ca, home.path().join("corp-ca.pem")).expect("copy");
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile corp]\nregion = us-east-1\nca_bundle = ~/corp-ca.pem\n",
    )
    .expect("config");
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[corp]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .expect("credentials");
    let (code, out) = check(home.path(), &endpoint, &[("AWS_PROFILE", "corp")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("(ca_bundle of profile 'corp', 1 certificate)"),
        "{out}"
    );
    assert!(handshakes.load(Ordering::SeqCst) > through);

    // A bundle that is not one: said, not a crash, and not trusted.
    let junk = home.path().join("junk.pem");
    std::fs::write(
        &junk,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .expect("junk");
    let (code, out) = check(
        home.path(),
        &endpoint,
        &[("AWS_CA_BUNDLE", &junk.to_string_lossy())],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NOT USED"), "{out}");
    assert!(
        out.contains("could not be used"),
        "the failure names the bundle: {out}"
    );
}

/// A tiny HTTP origin: every request gets `body`.
async fn origin(body: &'static str) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr").to_string();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(resp.as_bytes()).await;
            });
        }
    });
    addr
}

#[test]
fn blob_downloads_trust_the_same_bundle() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let pki = pki();
    rt.block_on(async {
        let up = origin("layer bytes").await;
        let (port, handshakes) = tls_front(&pki, up).await;
        let url = format!("https://localhost:{port}/blob");
        let timeout = std::time::Duration::from_secs(5);
        let refused = ecrscope::ecr::download_blob(&url, timeout, &Trust::System)
            .await
            .expect_err("an unknown CA is refused");
        assert!(refused.to_string().contains("AWS_CA_BUNDLE"), "{refused}");
        let bundle = trust::read(BundleSetting {
            path: pki.ca.clone(),
            from: "AWS_CA_BUNDLE".into(),
        });
        assert!(matches!(bundle, Trust::Bundle(_)), "{}", bundle.describe());
        let bytes = ecrscope::ecr::download_blob(&url, timeout, &bundle)
            .await
            .expect("trusted");
        assert_eq!(bytes, b"layer bytes");
        assert_eq!(handshakes.load(Ordering::SeqCst), 1);
    });
}
