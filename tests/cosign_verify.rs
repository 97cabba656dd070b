//! cosign key-pair signatures checked by ecrscope's verifier against an
//! independent signer: the openssl CLI makes P-256 keys and signs a
//! simple-signing payload (ECDSA over SHA-256, DER), as cosign does. The
//! right key verifies and the claims are read; another key, a changed
//! payload, a payload naming another image, and a signature that is not
//! DER are each refused in their own words.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use std::process::Command;

use crate::common;

use base64::Engine as _;
use common::openssl;
use ecrscope::model::Digest;
use ecrscope::supply_chain::cosign::{self, VerifyError};

fn key_pair(dir: &Path, name: &str) -> String {
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            &format!("{name}.key"),
        ],
    );
    openssl(
        dir,
        &[
            "ec",
            "-in",
            &format!("{name}.key"),
            "-pubout",
            "-out",
            &format!("{name}.pub"),
        ],
    );
    std::fs::read_to_string(dir.join(format!("{name}.pub"))).expect("public key")
}

fn sign(dir: &Path, key: &str, payload: &[u8]) -> String {
    std::fs::write(dir.join("payload.json"), payload).expect("payload");
    openssl(
        dir,
        &[
            "dgst",
            "-sha256",
            "-sign",
            &format!("{key}.key"),
            "-out",
            "sig.der",
            "payload.json",
        ],
    );
    base64::engine::general_purpose::STANDARD
        .encode(std::fs::read(dir.join("sig.der")).expect("sig"))
}

fn payload(image: &Digest) -> Vec<u8> {
    format!(
        r#"{{"critical":{{"identity":{{"docker-reference":"123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api"}},"image":{{"docker-manifest-digest":"{image}"}},"type":"cosign container image signature"}},"optional":{{"signed-by":"release-pipeline"}}}}"#
    )
    .into_bytes()
}

#[test]
fn a_key_pair_signature_verifies_only_with_its_key_its_payload_and_its_image() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let ours = key_pair(d, "ours");
    let theirs = key_pair(d, "theirs");
    let image = Digest::of_bytes(b"the image manifest");
    let body = payload(&image);
    let sig = sign(d, "ours", &body);

    let claims = cosign::verify(&ours, &body, &sig, &image).expect("verified");
    assert_eq!(claims.docker_manifest_digest, image.to_string());
    assert!(claims.docker_reference.ends_with("/team/api"));
    assert_eq!(claims.optional, r#"{"signed-by":"release-pipeline"}"#);

    assert_eq!(
        cosign::verify(&theirs, &body, &sig, &image),
        Err(VerifyError::Mismatch)
    );
    let mut tampered = body.clone();
    let at = tampered.len() - 5;
    tampered[at] = b'X';
    assert_eq!(
        cosign::verify(&ours, &tampered, &sig, &image),
        Err(VerifyError::Mismatch)
    );
    let other = Digest::of_bytes(b"another image");
    let e = cosign::verify(&ours, &body, &sig, &other).expect_err("another image");
    assert!(e.to_string().contains("for another image"), "{e}");
    let e = cosign::verify(&ours, &body, "bm90IGRlcg==", &image).expect_err("not DER");
    assert!(matches!(e, VerifyError::Encoding(_)), "{e:?}");
    assert!(cosign::SCOPE.contains("Not checked: a Sigstore transparency-log entry"));
}

/// Pushes one blob through ECR's layer upload calls.
async fn push_blob(c: &ecrscope::ecr::EcrClient, repo: &str, bytes: &[u8]) -> Digest {
    let digest = Digest::of_bytes(bytes);
    let up = ecrscope::ecr::initiate_layer_upload(c, repo)
        .await
        .expect("initiate");
    ecrscope::ecr::upload_layer_part(c, repo, &up, 0, bytes.to_vec())
        .await
        .expect("part");
    ecrscope::ecr::complete_layer_upload(c, repo, &up, &digest)
        .await
        .expect("complete");
    digest
}

fn verify_cmd(home: &Path, url: &str, image: &str, key: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ecrscope"))
        .args([
            "verify",
            image,
            "--key",
            &key.to_string_lossy(),
            "--endpoint-url",
            url,
            "--region",
            "us-east-1",
        ])
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIDEMO")
        .env("AWS_SECRET_ACCESS_KEY", "demo")
        .output()
        .expect("run ecrscope");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `ecrscope verify`: a signature pushed as cosign pushes it (the payload
/// and config through ECR's layer calls, the manifest under
/// `sha256-<hex>.sig`) to the demo endpoint verifies with its key and not
/// with another; an image with no signature is "not found".
#[test]
fn the_command_line_verifies_a_signature_pushed_as_cosign_does() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = rt
        .block_on(ecrscope::demo::DemoServer::start(
            &ecrscope::demo::SeedConfig::small(),
        ))
        .expect("demo");
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    key_pair(d, "ours");
    key_pair(d, "theirs");
    let c = ecrscope::ecr::EcrClient::with_static(
        &demo.url(),
        "us-east-1",
        &ecrscope::ecr::StaticCredentials {
            access_key_id: "AKIDEMO".into(),
            secret_access_key: "demo".into(),
        },
        None,
        &ecrscope::ecr::ClientOptions::default(),
    );
    let (repo, image, unsigned) = rt.block_on(async {
        let images = ecrscope::ecr::describe_images(&c, "hello-world")
            .await
            .expect("images");
        let tagged: Vec<_> = images.iter().filter(|i| !i.tags.is_empty()).collect();
        assert!(tagged.len() >= 2, "two tagged images in the seed");
        (
            "hello-world".to_owned(),
            tagged[0].clone(),
            tagged[1].clone(),
        )
    });
    let body = payload(&image.digest);
    let sig = sign(d, "ours", &body);
    rt.block_on(async {
        let payload_digest = push_blob(&c, &repo, &body).await;
        let config = br#"{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]},"config":{}}"#;
        let config_digest = push_blob(&c, &repo, config).await;
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config_digest}","size":{}}},"layers":[{{"mediaType":"{}","digest":"{payload_digest}","size":{},"annotations":{{"{}":"{sig}"}}}}]}}"#,
            config.len(),
            cosign::PAYLOAD_MEDIA_TYPE,
            body.len(),
            cosign::SIGNATURE_ANNOTATION,
        );
        ecrscope::ecr::put_image(
            &c,
            &repo,
            &manifest,
            Some("application/vnd.oci.image.manifest.v1+json"),
            Some(&format!("sha256-{}.sig", image.digest.hex())),
            None,
        )
        .await
        .expect("put the signature");
    });
    let home = tempfile::tempdir().expect("home");
    let tag = &image.tags[0];
    let (code, out, err) = verify_cmd(
        home.path(),
        &demo.url(),
        &format!("{repo}:{tag}"),
        &d.join("ours.pub"),
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["verified"], true);
    assert_eq!(v["digest"], image.digest.to_string());
    assert!(
        v["scope"]
            .as_str()
            .is_some_and(|s| s.contains("Not checked"))
    );
    let (code, _, err) = verify_cmd(
        home.path(),
        &demo.url(),
        &format!("{repo}:{tag}"),
        &d.join("theirs.pub"),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Not verified") && err.contains("does not match"),
        "{err}"
    );
    let other = &unsigned.tags[0];
    let (code, _, err) = verify_cmd(
        home.path(),
        &demo.url(),
        &format!("{repo}:{other}"),
        &d.join("ours.pub"),
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("has no cosign signature"), "{err}");
}

/// `ecrscope verify` on the demo's signed image, whose signature is an
/// OCI 1.1 referrer (found through ListImageReferrers, no `.sig` tag):
/// verified with the demo's shipped public key, refused with another key.
#[test]
fn the_command_line_verifies_a_referrer_signature() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = rt
        .block_on(ecrscope::demo::DemoServer::start(
            &ecrscope::demo::SeedConfig::default(),
        ))
        .expect("demo");
    let tag = demo
        .with_store(|s| {
            s.repos["payments/checkout"]
                .images
                .iter()
                .filter(|i| !i.tags.is_empty())
                .max_by(|a, b| a.pushed_at.total_cmp(&b.pushed_at))
                .map(|i| i.tags[0].clone())
        })
        .flatten()
        .expect("a signed image");
    let home = tempfile::tempdir().expect("home");
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-cosign.pub");
    let (code, out, err) = verify_cmd(
        home.path(),
        &demo.url(),
        &format!("payments/checkout:{tag}"),
        &key,
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["verified"], true);
    assert!(
        v["signature"]
            .as_str()
            .is_some_and(|s| s.starts_with("referrer sha256:")),
        "{v}"
    );
    let dir = tempfile::tempdir().expect("tmp");
    key_pair(dir.path(), "theirs");
    let (code, _, err) = verify_cmd(
        home.path(),
        &demo.url(),
        &format!("payments/checkout:{tag}"),
        &dir.path().join("theirs.pub"),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("referrer sha256:"), "{err}");
}

/// What a signing certificate says, read from certificates the openssl CLI
/// makes: a keyless (Fulcio-like) certificate's e-mail identity and OIDC
/// issuer in either of Fulcio's extensions, and a Notation JWS envelope's
/// chain (signer, then its CA) with the protected header's scheme and
/// times. Nothing here is a verified chain, and the views say so.
#[test]
fn certificates_say_who_signed() {
    use ecrscope::supply_chain::certificates::{from_pem, parse_notation_jws};
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let issuer = "https://token.actions.githubusercontent.com";
    let issuer_hex: String = issuer.bytes().map(|b| format!("{b:02X}")).collect();
    for (name, ext) in [
        (
            "v2",
            format!("1.3.6.1.4.1.57264.1.8=ASN1:UTF8String:{issuer}"),
        ),
        ("v1", format!("1.3.6.1.4.1.57264.1.1=DER:{issuer_hex}")),
    ] {
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &format!("{name}.key"),
                "-out",
                &format!("{name}.pem"),
                "-days",
                "1",
                "-subj",
                "/O=sigstore.dev/CN=sigstore-intermediate",
                "-addext",
                "subjectAltName=email:dev@example.com",
                "-addext",
                &ext,
            ],
        );
        let pem = std::fs::read_to_string(d.join(format!("{name}.pem"))).expect("pem");
        let certs = from_pem(&pem).expect("read");
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].identities, ["dev@example.com"], "{name}");
        assert_eq!(certs[0].oidc_issuer.as_deref(), Some(issuer), "{name}");
        assert!(
            certs[0].subject.contains("O=sigstore.dev"),
            "{}",
            certs[0].subject
        );
        assert!(!certs[0].not_after.is_empty());
    }

    // A CA and a signer it certifies, as a Notation x5c chain.
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/O=Example Corp/CN=Example Signing CA",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "signer.key",
            "-out",
            "signer.csr",
            "-subj",
            "/O=Example Corp/CN=release-signer",
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "signer.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "signer.pem",
            "-days",
            "1",
        ],
    );
    let der_b64 = |name: &str| {
        let pem = std::fs::read_to_string(d.join(name)).expect("pem");
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<String>()
    };
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        r#"{"alg":"PS256","cty":"application/vnd.cncf.notary.payload.v1+json","crit":["io.cncf.notary.signingScheme"],"io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"2026-12-01T10:00:00Z","io.cncf.notary.expiry":"2027-12-01T10:00:00Z"}"#,
    );
    let envelope = serde_json::json!({
        "payload": "e30",
        "protected": header,
        "header": {"x5c": [der_b64("signer.pem"), der_b64("ca.pem")], "io.cncf.notary.signingAgent": "notation-go/1.3.0"},
        "signature": "AAAA",
    });
    let n = parse_notation_jws(envelope.to_string().as_bytes()).expect("read");
    assert_eq!(n.signing_scheme, "notary.x509");
    assert_eq!(n.algorithm, "PS256");
    assert_eq!(n.expiry, "2027-12-01T10:00:00Z");
    assert_eq!(n.signing_agent, "notation-go/1.3.0");
    assert_eq!(n.chain.len(), 2);
    assert!(
        n.chain[0].subject.contains("CN=release-signer"),
        "{}",
        n.chain[0].subject
    );
    assert!(
        n.chain[0].issuer.contains("CN=Example Signing CA"),
        "{}",
        n.chain[0].issuer
    );
    assert!(n.chain[1].subject.contains("CN=Example Signing CA"));
}
