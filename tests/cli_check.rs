//! The real binary's `check` subcommand: discovery, credentials and endpoint
//! handling as the aws CLI would do them, in a clean environment per test
//! (HOME, AWS_* set on the child process only).
#![allow(clippy::disallowed_methods)]

use crate::common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

/// The binary with an empty home and no AWS variables from the outside.
fn ecrscope(home: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ecrscope"));
    c.arg("check")
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // Never probe instance metadata from tests.
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

fn run(mut c: Command) -> (i32, String, Duration) {
    let start = Instant::now();
    let out = c.output().expect("run ecrscope");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        start.elapsed(),
    )
}

fn home_with(config: &str, credentials: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".aws")).expect("mkdir");
    std::fs::write(dir.path().join(".aws/config"), config).expect("config");
    std::fs::write(dir.path().join(".aws/credentials"), credentials).expect("credentials");
    dir
}

#[test]
fn endpoint_from_the_environment_lists_moto_repositories_seeded_by_the_cli() {
    let _g = moto_lock();
    let url = moto_url();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(moto_reset(&url));
    for name in ["team/api", "team/web", "tools"] {
        aws_json(
            &url,
            &["ecr", "create-repository", "--repository-name", name],
        );
    }
    let home = home_with("", "");
    let mut c = ecrscope(home.path());
    c.args(["--repositories"])
        .env("AWS_ENDPOINT_URL", &url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1");
    let (code, out, _) = run(c);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "OK   environment (us-east-1) {url}: 3 repositories"
        )),
        "{out}"
    );
    for name in ["team/api", "team/web", "tools"] {
        assert!(out.contains(name), "{name} in {out}");
    }
}

/// `check` says which proxy every request follows, never its password; a
/// host NO_PROXY exempts is still reached (moto answers).
#[test]
fn the_proxy_in_use_is_said_without_its_password() {
    let _g = moto_lock();
    let url = moto_url();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(moto_reset(&url));
    let home = home_with("", "");
    let mut c = ecrscope(home.path());
    c.env("AWS_ENDPOINT_URL", &url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        // Port 9 (discard): a proxy that would swallow every request.
        .env("HTTP_PROXY", "http://alice:s3cret@127.0.0.1:9")
        .env("NO_PROXY", "127.0.0.1,localhost");
    let (code, out, _) = run(c);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("PROXY HTTP_PROXY=http://***@127.0.0.1:9"),
        "{out}"
    );
    assert!(out.contains("PROXY NO_PROXY=127.0.0.1,localhost"), "{out}");
    assert!(!out.contains("s3cret") && !out.contains("alice"), "{out}");
    assert!(out.contains("OK   environment (us-east-1)"), "{out}");
    // Without the exemption the API call goes to that proxy, which
    // answers nothing: the call fails (so the proxy really is used).
    let mut c = ecrscope(home.path());
    c.env("AWS_ENDPOINT_URL", &url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("HTTP_PROXY", "http://127.0.0.1:9");
    let (code, out, _) = run(c);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("FAIL environment (us-east-1)"), "{out}");
}

#[test]
fn profiles_with_their_regions_and_a_service_specific_endpoint() {
    let _g = moto_lock();
    let url = moto_url();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(moto_reset(&url));
    aws_json(
        &url,
        &[
            "ecr",
            "create-repository",
            "--repository-name",
            "from-profile",
        ],
    );
    let home = home_with(
        "[profile dev]\nregion = us-east-1\n",
        "[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    );
    let mut c = ecrscope(home.path());
    c.env("AWS_ENDPOINT_URL_ECR", &url);
    let (code, out, _) = run(c);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK   dev (us-east-1)"), "{out}");
    assert!(out.contains("1 repositories"), "{out}");
}

#[test]
fn missing_credentials_fail_fast_with_a_clear_message() {
    let home = home_with("[profile nocreds]\nregion = eu-west-1\n", "");
    let (code, out, took) = run(ecrscope(home.path()));
    assert_eq!(code, 1);
    assert!(out.contains("FAIL nocreds (eu-west-1)"), "{out}");
    assert!(
        out.contains("No credentials found for profile 'nocreds'"),
        "{out}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[test]
fn sso_profile_says_which_login_to_run() {
    let home = home_with(
        "[profile sso-dev]\nregion = us-east-2\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
        "",
    );
    let (code, out, _) = run(ecrscope(home.path()));
    assert_eq!(code, 1);
    assert!(out.contains("ecrscope login --profile sso-dev"), "{out}");
}

#[test]
fn profile_without_region_and_unknown_aws_profile_are_explained() {
    let home = home_with(
        "[profile bare]\noutput = json\n",
        "[bare]\naws_access_key_id = a\naws_secret_access_key = b\n",
    );
    let mut c = ecrscope(home.path());
    c.env("AWS_PROFILE", "typo");
    let (code, out, _) = run(c);
    assert_eq!(code, 1);
    assert!(out.contains("WARN AWS_PROFILE is 'typo'"), "{out}");
    assert!(out.contains("profile 'bare' has no region"), "{out}");
}

#[test]
fn nothing_configured_means_the_demo() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, _) = run(ecrscope(home.path()));
    assert_eq!(code, 0);
    assert!(
        out.contains("the app would open the demo registry"),
        "{out}"
    );
}

/// `--endpoint-url` and `--region` name the registry to check, as they do
/// for every other command (no AWS_ENDPOINT_URL in the environment).
#[test]
fn the_endpoint_and_region_flags_name_the_registry_to_check() {
    let _g = moto_lock();
    let url = moto_url();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(moto_reset(&url));
    aws_json(
        &url,
        &["ecr", "create-repository", "--repository-name", "flagged"],
    );
    let home = home_with("", "");
    let mut c = ecrscope(home.path());
    c.args([
        "--repositories",
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1",
    ])
    .env("AWS_ACCESS_KEY_ID", "testing")
    .env("AWS_SECRET_ACCESS_KEY", "testing");
    let (code, out, _) = run(c);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "OK   environment (us-east-1) {url}: 1 repositories"
        )),
        "{out}"
    );
    assert!(out.contains("flagged"), "{out}");
    let mut bad = ecrscope(home.path());
    bad.args(["--endpoint-url", "ftp://x", "--region", "us-east-1"]);
    let (code, _, _) = run(bad);
    assert_eq!(code, 2);
}
