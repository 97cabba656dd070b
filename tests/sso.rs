//! Signing in to IAM Identity Center with the real binary (`ecrscope
//! login`), against the demo endpoint's SSO OIDC and portal (a profile's
//! `endpoint_url` sends every service there, as aws-config reads it): the
//! code is approved on the demo's page as a person would (an HTTP POST of
//! its Allow form); the token lands in the cache file the aws CLI and
//! aws-config read (named and shaped as they expect), after which the
//! registry answers through aws-config's own SSO credentials provider, and
//! the aws CLI, an independent client, uses the same token. An expired code
//! and Ctrl-C end in words, with nothing written.
#![allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread

use crate::common;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use ecrscope::demo::{DemoServer, SeedConfig};

struct Setup {
    rt: tokio::runtime::Runtime,
    demo: DemoServer,
    home: tempfile::TempDir,
}

const SESSION_CONFIG: &str = "[profile corp]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\nregion = us-east-1\nendpoint_url = {demo}\n\n\
[sso-session corp]\nsso_start_url = https://d-demo.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n\n\
[profile legacy]\nsso_start_url = https://d-legacy.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 210987654321\nsso_role_name = Reader\nregion = us-east-1\nendpoint_url = {demo}\n";

fn setup() -> Setup {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = rt
        .block_on(DemoServer::start(&SeedConfig::small()))
        .expect("demo");
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".aws")).expect("mkdir");
    std::fs::write(
        home.path().join(".aws/config"),
        SESSION_CONFIG.replace("{demo}", &demo.url()),
    )
    .expect("config");
    Setup { rt, demo, home }
}

fn ecrscope(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecrscope"));
    c.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

/// `ecrscope login` started; its stderr read up to the page to open.
fn start_login(home: &Path, profile: &str) -> (Child, String, String) {
    let mut child = ecrscope(home)
        .args(["login", "--profile", profile, "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut said = String::new();
    let mut page = None;
    for line in lines.by_ref() {
        let line = line.expect("line");
        said.push_str(&line);
        said.push('\n');
        if let Some(url) = line.trim().strip_prefix("open ") {
            page = Some(url.to_owned());
        }
        if line.contains("check that it shows the code") {
            break;
        }
    }
    // The rest of stderr drains in the background (the answer's words).
    std::thread::spawn(move || for _ in lines {});
    (
        child,
        page.unwrap_or_else(|| panic!("no page in: {said}")),
        said,
    )
}

/// What a person does on the page: press Allow (the form's POST).
fn allow(demo: &DemoServer, page: &str) -> u16 {
    let code = page
        .split("user_code=")
        .nth(1)
        .expect("code in the page URL");
    let rt = tokio::runtime::Runtime::new().expect("rt");
    rt.block_on(common::post_form(
        &demo.url(),
        "/device/approve",
        &format!("user_code={code}"),
    ))
}

fn cache_file(home: &Path, key: &str) -> PathBuf {
    ecrscope::login::sso::cache_file(home, key)
}

#[test]
fn sign_in_writes_the_cache_the_sdks_read_and_the_registry_answers() {
    let s = setup();
    // Before: the session was never started, and the words say what to do.
    let before = ecrscope(s.home.path())
        .args(["check", "--profile", "corp"])
        .output()
        .expect("check");
    let out = String::from_utf8_lossy(&before.stdout);
    assert_eq!(before.status.code(), Some(1), "{out}");
    assert!(out.contains("ecrscope login --profile corp"), "{out}");

    let (child, page, said) = start_login(s.home.path(), "corp");
    assert!(said.contains("https://d-demo.awsapps.com/start"), "{said}");
    assert!(
        page.starts_with(&format!("{}/device?user_code=", s.demo.url())),
        "{page}"
    );
    assert_eq!(allow(&s.demo, &page), 200);
    let done = child.wait_with_output().expect("wait");
    assert_eq!(done.status.code(), Some(0));
    let answer: serde_json::Value = serde_json::from_slice(&done.stdout).expect("json");
    let file = cache_file(s.home.path(), "corp");
    assert_eq!(answer["cacheFile"], file.display().to_string());

    // The cache file: named by the session, readable by this user only,
    // with what aws-config needs to use and to refresh the token.
    let meta = std::fs::metadata(&file).expect("cache file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("json");
    for key in [
        "accessToken",
        "expiresAt",
        "region",
        "startUrl",
        "clientId",
        "clientSecret",
        "refreshToken",
        "registrationExpiresAt",
    ] {
        assert!(
            doc[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} in {doc}"
        );
    }
    assert_eq!(doc["startUrl"], "https://d-demo.awsapps.com/start");
    assert_eq!(doc["expiresAt"], answer["expiresAt"]);
    let token = doc["accessToken"].as_str().unwrap_or_default().to_owned();
    assert!(s.demo.sso.lock().expect("sso").token_valid(&token));
    assert!(
        !String::from_utf8_lossy(&done.stdout).contains(&token),
        "the token is never printed"
    );

    // The registry answers now, through aws-config's SSO provider (the
    // demo's GetRoleCredentials), without anything else done.
    let after = ecrscope(s.home.path())
        .args(["check", "--profile", "corp", "--repositories"])
        .output()
        .expect("check");
    let out = String::from_utf8_lossy(&after.stdout);
    assert_eq!(after.status.code(), Some(0), "{out}");
    assert!(out.contains("OK   corp (us-east-1)"), "{out}");

    // The aws CLI reads the same cache file.
    let aws = Command::new(std::env::var("AWS_CLI").unwrap_or_else(|_| "aws".into()))
        .args([
            "ecr",
            "describe-repositories",
            "--profile",
            "corp",
            "--output",
            "json",
        ])
        .env_clear()
        .env("HOME", s.home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the aws CLI (scripts/test.sh installs it)");
    assert!(
        aws.status.success(),
        "aws: {}",
        String::from_utf8_lossy(&aws.stderr)
    );
    let repos: serde_json::Value = serde_json::from_slice(&aws.stdout).expect("json");
    assert!(
        repos["repositories"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    drop(s.rt);
}

#[test]
fn a_legacy_profile_caches_under_its_start_url() {
    let s = setup();
    let (child, page, _) = start_login(s.home.path(), "legacy");
    assert_eq!(allow(&s.demo, &page), 200);
    let done = child.wait_with_output().expect("wait");
    assert_eq!(done.status.code(), Some(0));
    let file = cache_file(s.home.path(), "https://d-legacy.awsapps.com/start");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("legacy cache file")).expect("json");
    assert_eq!(doc["region"], "us-east-1");
    assert!(
        doc.get("refreshToken").is_none(),
        "legacy tokens are not refreshed"
    );
    let after = ecrscope(s.home.path())
        .args(["check", "--profile", "legacy"])
        .output()
        .expect("check");
    assert_eq!(
        after.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&after.stdout)
    );
}

#[test]
fn an_expired_code_and_a_cancel_end_in_words_with_nothing_written() {
    let s = setup();
    if let Ok(mut st) = s.demo.sso.lock() {
        st.device_lifetime = Duration::from_secs(2);
    }
    let (child, page, _) = start_login(s.home.path(), "corp");
    let done = child.wait_with_output().expect("wait");
    assert_eq!(done.status.code(), Some(1));
    // Allowing it late changes nothing: the code is gone.
    assert_eq!(allow(&s.demo, &page), 400);
    assert!(!cache_file(s.home.path(), "corp").exists());

    if let Ok(mut st) = s.demo.sso.lock() {
        st.device_lifetime = Duration::from_secs(600);
    }
    let (child, _, _) = start_login(s.home.path(), "corp");
    std::thread::sleep(Duration::from_millis(500));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let done = child.wait_with_output().expect("wait");
    assert_eq!(done.status.code(), Some(130));
    assert!(!cache_file(s.home.path(), "corp").exists());
}

#[test]
fn the_expired_words_reach_stderr() {
    let s = setup();
    if let Ok(mut st) = s.demo.sso.lock() {
        st.device_lifetime = Duration::from_secs(1);
    }
    let out = ecrscope(s.home.path())
        .args(["login", "--profile", "corp", "--no-browser"])
        .output()
        .expect("login");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("The sign-in code expired before it was allowed"),
        "{err}"
    );
    let out = ecrscope(s.home.path())
        .args(["login", "--profile", "nosuch", "--no-browser"])
        .output()
        .expect("login");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no profile 'nosuch'"));
}
