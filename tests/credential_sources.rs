//! Where credentials come from besides keys and SSO, with the real binary
//! (`ecrscope check`) against the demo endpoint, whose STS serves
//! AssumeRole: a role chain (`source_profile` + `role_arn`, resolved by
//! aws-config), `credential_process`, a role that cannot be assumed (said
//! with STS's words and whose), and an MFA-protected role (`mfa_serial`:
//! aws-config cannot prompt, so ecrscope says to enter the code instead of
//! an opaque failure).
#![allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread

use std::path::Path;
use std::process::Command;

use ecrscope::demo::{DemoServer, SeedConfig};

fn check(home: &Path, profile: &str) -> (i32, String) {
    check_with(home, profile, &[])
}

fn check_with(home: &Path, profile: &str, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ecrscope"))
        .args(["check", "--profile", profile])
        .args(extra)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run ecrscope");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn role_chains_credential_process_and_mfa_roles_each_work_or_say_what_to_do() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = rt
        .block_on(DemoServer::start(&SeedConfig::small()))
        .expect("demo");
    let home = tempfile::tempdir().expect("home");
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).expect("mkdir");
    let script = home.path().join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKIDEMOSECOND\",\"SecretAccessKey\":\"demo\"}'\n",
    )
    .expect("script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let url = demo.url();
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile base]\nregion = us-east-1\nendpoint_url = {url}\n\n\
             [profile chain]\nrole_arn = arn:aws:iam::210987654321:role/reader\nsource_profile = base\nregion = us-east-1\nendpoint_url = {url}\n\n\
             [profile stranger]\nrole_arn = arn:aws:iam::999999999999:role/reader\nsource_profile = base\nregion = us-east-1\nendpoint_url = {url}\n\n\
             [profile admin]\nrole_arn = arn:aws:iam::123456789012:role/mfa-admin\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = us-east-1\nendpoint_url = {url}\n\n\
             [profile proc]\ncredential_process = {}\nregion = us-east-1\nendpoint_url = {url}\n",
            script.display()
        ),
    )
    .expect("config");
    std::fs::write(
        aws.join("credentials"),
        "[base]\naws_access_key_id = AKIDEMO\naws_secret_access_key = demo\n",
    )
    .expect("credentials");

    let (code, out) = check(home.path(), "chain");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK   chain (us-east-1)"), "{out}");
    let (code, out) = check(home.path(), "proc");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK   proc (us-east-1)"), "{out}");
    let (code, out) = check(home.path(), "stranger");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Loading the credentials of profile 'stranger' failed: Not authorized to perform sts:AssumeRole"),
        "{out}"
    );
    let (code, out) = check(home.path(), "admin");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Profile 'admin' assumes its role with MFA: enter the code"),
        "{out}"
    );
    // From the command line: --mfa-code, checked first, then given to STS.
    let (code, out) = check_with(home.path(), "admin", &["--mfa-code", "12"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("6 digits"), "{out}");
    let (code, out) = check_with(home.path(), "admin", &["--mfa-code", "654321"]);
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("invalid MFA one time pass code"), "{out}");
    let (code, out) = check_with(home.path(), "admin", &["--mfa-code", "123456"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK   admin (us-east-1)"), "{out}");
}
