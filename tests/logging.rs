//! A log captured at TRACE for every target, while the app's ECR layer
//! fetches a docker login token from the demo endpoint and its password is
//! taken for the clipboard, holds neither the password nor the token.

use std::io::Write;
use std::sync::{Arc, Mutex};

use ecrscope::demo::{DemoServer, SeedConfig};
use ecrscope::ecr::{self, ClientOptions, EcrClient, StaticCredentials};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Fetches a token with `subscriber` installed; returns the log, the
/// encoded token and the password.
#[allow(clippy::disallowed_methods)] // the test's own runtime; no UI thread
fn fetch_token_logged(
    subscriber: impl tracing::Subscriber + Send + Sync + 'static,
    captured: &Captured,
) -> (String, String, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (token, password) = tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let server = DemoServer::start(&SeedConfig::small())
                .await
                .expect("demo endpoint");
            let creds = StaticCredentials {
                access_key_id: "AKIDEMO".into(),
                secret_access_key: "demo".into(),
            };
            let c = EcrClient::with_static(
                &server.url(),
                "us-east-1",
                &creds,
                None,
                &ClientOptions::default(),
            );
            tracing::trace!(target: "ecrscope", "fetching a login token");
            let t = ecr::get_authorization_token(&c).await.expect("token");
            // What "Copy password" does: read it once.
            let pw = t.password().to_owned();
            tracing::debug!(target: "ecrscope", token = ?t, "copied the password");
            use base64::Engine as _;
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("AWS:{pw}"));
            (encoded, pw)
        })
    });
    let log = String::from_utf8_lossy(&captured.0.lock().expect("log")).into_owned();
    (log, token, password)
}

#[test]
fn trace_logs_hold_no_login_password() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = ecrscope::platform::logging::subscriber("trace", move || sink.clone());
    let (log, token, password) = fetch_token_logged(subscriber, &captured);
    assert!(
        log.contains("GetAuthorizationToken") || log.contains("fetching a login token"),
        "the log is not empty: it captured the call ({} bytes)",
        log.len()
    );
    assert!(password.len() >= 16, "a real password was issued");
    assert!(!log.contains(&password), "the password is not in the log");
    assert!(!log.contains(&token), "the token is not in the log");
}

/// The same run with a plain TRACE subscriber does leak the token (the
/// SDK's wire logging): the protection above is what keeps it out.
#[test]
fn a_plain_trace_subscriber_would_leak_it() {
    let captured = Captured::default();
    let sink = captured.clone();
    let plain = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let (log, token, _) = fetch_token_logged(plain, &captured);
    assert!(log.contains(&token), "the SDK logs the response at TRACE");
}

/// A pull-through credential created in Secrets Manager (moto) through the
/// app's layer, with the app's subscriber at TRACE for every target: the
/// secret is there under its name (the aws CLI's describe-secret and
/// get-secret-value read it), and the token is nowhere in the log, nor in
/// the command's Debug form.
#[test]
fn a_created_secret_leaves_no_token_in_the_log() {
    use crate::common;
    let _g = common::moto_lock();
    let url = common::moto_url();
    let token = "ghp_Zx9sEcReTtOkEn4demo";
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = ecrscope::platform::logging::subscriber("trace", move || sink.clone());
    #[allow(clippy::disallowed_methods)] // the test's own runtime; no UI thread
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let secret = ecrscope::model::NewSecret {
        suffix: "ghcr".into(),
        username: "octocat".into(),
        token: ecrscope::model::Password::new(token.into()),
    };
    let shown = format!(
        "{:?}",
        ecrscope::message::PullThroughCommand::CreateSecret {
            registry: ecrscope::model::RegistrySpec {
                profile: None,
                region: "us-east-1".into(),
                endpoint: None,
                registry_id: None,
                source: ecrscope::model::RegistrySource::Demo,
            },
            secret: secret.clone(),
        }
    );
    assert!(!shown.contains(token), "{shown}");
    let (made, listed) = tracing::subscriber::with_default(subscriber, || {
        #[allow(clippy::disallowed_methods)]
        rt.block_on(async {
            common::moto_reset(&url).await;
            let c = common::moto_client(&url, "us-east-1");
            tracing::trace!(target: "ecrscope", "creating a secret");
            let made = ecr::create_pull_through_secret(&c, &secret)
                .await
                .expect("created");
            let listed = ecr::list_pull_through_secrets(&c).await.expect("listed");
            (made, listed)
        })
    });
    drop(secret);
    assert_eq!(made.name, "ecr-pullthroughcache/ghcr");
    assert!(
        made.arn
            .contains(":secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/ghcr-"),
        "{}",
        made.arn
    );
    assert_eq!(listed, std::slice::from_ref(&made));
    let d = common::aws_json(
        &url,
        &[
            "secretsmanager",
            "describe-secret",
            "--secret-id",
            "ecr-pullthroughcache/ghcr",
        ],
    );
    assert_eq!(d["Name"], "ecr-pullthroughcache/ghcr");
    assert_eq!(d["ARN"], made.arn.as_str());
    let v = common::aws_json(
        &url,
        &[
            "secretsmanager",
            "get-secret-value",
            "--secret-id",
            &made.arn,
        ],
    );
    let body: serde_json::Value =
        serde_json::from_str(v["SecretString"].as_str().expect("a string")).expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({"username": "octocat", "accessToken": token})
    );
    let log = String::from_utf8_lossy(&captured.0.lock().expect("log")).into_owned();
    assert!(
        log.contains("creating a secret"),
        "the log captured the run"
    );
    assert!(!log.contains(token), "the token is not in the log");
}
