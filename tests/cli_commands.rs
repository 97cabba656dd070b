//! The command line's engines (`copy`, `export`, `search`, `findings`) run as
//! the real binary, against the demo endpoint and moto, with AWS profiles in
//! a throwaway home whose `endpoint_url` settings send each profile to its
//! peer (as the aws CLI and aws-config read them). What the binary did is
//! read back with independent clients: the aws CLI, skopeo, Python's
//! tarfile, and the SARIF 2.1.0 JSON schema (OASIS's, vendored in
//! tests/fixtures) through Python's jsonschema.
#![allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread

use crate::common;

use std::path::Path;
use std::process::Command;

use common::*;
use ecrscope::demo::{DemoServer, Fault, FaultKind, SeedConfig};
use ecrscope::ecr::{self, EcrClient, StaticCredentials};
use ecrscope::model::{ImageStatus, ManifestKind};
use serde_json::Value;

struct Peers {
    /// moto is shared by every test of the binary: held for the test's life.
    _moto: std::sync::MutexGuard<'static, ()>,
    rt: tokio::runtime::Runtime,
    demo: DemoServer,
    moto: String,
    home: tempfile::TempDir,
}

/// The demo endpoint (on its own runtime, serving while the binary runs),
/// moto reset, and a home whose profiles are `src` (demo account A),
/// `other` (demo account B), `dst` (moto) and `dead` (nothing listens).
fn peers() -> Peers {
    let guard = moto_lock();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = rt
        .block_on(DemoServer::start(&SeedConfig::small()))
        .expect("demo endpoint");
    let moto = moto_url();
    rt.block_on(moto_reset(&moto));
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let config = format!(
        "[profile src]\nregion = us-east-1\nendpoint_url = {d}\n\n\
         [profile other]\nregion = us-east-1\nendpoint_url = {d}\n\n\
         [profile dst]\nregion = us-east-1\nendpoint_url = {moto}\n\n\
         [profile dead]\nregion = us-east-1\nendpoint_url = {dead}\n",
        d = demo.url()
    );
    let credentials = "[src]\naws_access_key_id = AKIDEMO\naws_secret_access_key = demo\n\n\
         [other]\naws_access_key_id = AKIDEMOSECOND\naws_secret_access_key = demo\n\n\
         [dst]\naws_access_key_id = testing\naws_secret_access_key = testing\n\n\
         [dead]\naws_access_key_id = testing\naws_secret_access_key = testing\n";
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".aws")).expect("mkdir");
    std::fs::write(home.path().join(".aws/config"), config).expect("config");
    std::fs::write(home.path().join(".aws/credentials"), credentials).expect("credentials");
    Peers {
        _moto: guard,
        rt,
        demo,
        moto,
        home,
    }
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The binary in a clean environment: only the home's profiles.
fn ecrscope(home: &Path, args: &[&str]) -> Ran {
    let out = Command::new(env!("CARGO_BIN_EXE_ecrscope"))
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run ecrscope");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn demo_client(p: &Peers) -> EcrClient {
    EcrClient::with_static(
        &p.demo.url(),
        "us-east-1",
        &StaticCredentials {
            access_key_id: "AKIDEMO".into(),
            secret_access_key: "demo".into(),
        },
        None,
        &quick_opts(),
    )
}

/// A tagged single-platform image of the demo's account A.
fn demo_image(p: &Peers) -> (String, String, String) {
    let c = demo_client(p);
    p.rt.block_on(async {
        for r in ecr::describe_repositories(&c).await.expect("repositories") {
            let images = ecr::describe_images(&c, &r.name).await.expect("images");
            if let Some(i) = images.iter().find(|i| {
                i.manifest == ManifestKind::OciManifest
                    && !i.tags.is_empty()
                    && i.status == ImageStatus::Active
            }) {
                return (r.name.clone(), i.tags[0].clone(), i.digest.to_string());
            }
        }
        panic!("the demo seed has no tagged OCI image");
    })
}

fn moto_images(url: &str, repo: &str) -> Vec<Value> {
    aws_json(url, &["ecr", "describe-images", "--repository-name", repo])["imageDetails"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn copy_lands_in_moto_as_the_aws_cli_reads_it_and_a_rerun_sends_no_layer() {
    let p = peers();
    let (repo, tag, digest) = demo_image(&p);
    let src = format!("src@{repo}:{tag}");
    let first = ecrscope(
        p.home.path(),
        &["copy", &src, "dst@promoted/app:release", "--create"],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    let report = first.json();
    assert_eq!(report["digest"], digest);
    assert_eq!(report["tags"], serde_json::json!(["release"]));
    assert!(
        report["layersUploaded"].as_u64().unwrap_or(0) > 0,
        "{report}"
    );
    // The aws CLI, another client, sees the image under its digest and tag,
    // and its manifest byte for byte as the source's.
    let images = moto_images(&p.moto, "promoted/app");
    assert_eq!(images.len(), 1);
    assert_eq!(images[0]["imageDigest"], digest);
    assert_eq!(images[0]["imageTags"], serde_json::json!(["release"]));
    let got = aws_json(
        &p.moto,
        &[
            "ecr",
            "batch-get-image",
            "--repository-name",
            "promoted/app",
            "--image-ids",
            "imageTag=release",
        ],
    );
    let manifest = got["images"][0]["imageManifest"]
        .as_str()
        .expect("manifest");
    assert_eq!(
        ecrscope::model::Digest::of_bytes(manifest.as_bytes()).to_string(),
        digest
    );
    // A rerun resumes: every layer is there, none is sent again.
    let again = ecrscope(
        p.home.path(),
        &["copy", &src, "dst@promoted/app:release", "--output", "text"],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let cols: Vec<&str> = again.stdout.trim_end().split('\t').collect();
    assert_eq!(cols[2], digest);
    assert_eq!(
        cols[4], "0",
        "layers uploaded on the rerun: {}",
        again.stdout
    );
    // --all-tags carries every tag of the source image.
    let all = ecrscope(
        p.home.path(),
        &["copy", &src, "dst@promoted/all", "--create", "--all-tags"],
    );
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(
        all.json()["tags"]
            .as_array()
            .is_some_and(|t| t.iter().any(|x| x == tag.as_str()))
    );
}

#[test]
fn copy_refuses_what_the_dialog_refuses_before_sending_anything() {
    let p = peers();
    let (repo, tag, digest) = demo_image(&p);
    let src = format!("src@{repo}:{tag}");
    // Bad input: exit 2, the form's words, nothing asked.
    for (args, words) in [
        (
            vec!["copy", "src@Bad Name:1", "dst@xy"],
            "Repository 'Bad Name'",
        ),
        (
            vec!["copy", &format!("src@{repo}"), "dst@xy"],
            "add :tag or @sha256:",
        ),
        (
            vec!["copy", &src, &format!("dst@xy@{digest}")],
            "keeps the source's digest",
        ),
        (
            vec!["copy", &src, &format!("src@{repo}")],
            "That is the source repository",
        ),
        (vec!["copy", &src, "dst@xy:t", "--all-tags"], "--all-tags"),
        (
            vec!["copy", &src, "typo@xy"],
            "The profile 'typo' is not in",
        ),
    ] {
        let r = ecrscope(p.home.path(), &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(words), "{args:?}: {}", r.stderr);
    }
    // A missing target repository without --create: exit 3, nothing made.
    let r = ecrscope(p.home.path(), &["copy", &src, "dst@missing"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("pass --create"), "{}", r.stderr);
    let repos = aws_json(&p.moto, &["ecr", "describe-repositories"]);
    assert_eq!(repos["repositories"].as_array().map(Vec::len), Some(0));
    // A mutable tag naming another image moves only with --force.
    aws_json(
        &p.moto,
        &["ecr", "create-repository", "--repository-name", "mut"],
    );
    let other = manifest("other");
    aws_json(
        &p.moto,
        &[
            "ecr",
            "put-image",
            "--repository-name",
            "mut",
            "--image-tag",
            "live",
            "--image-manifest",
            &other,
        ],
    );
    let r = ecrscope(p.home.path(), &["copy", &src, "dst@mut:live"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("will move to the copy") && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    assert_eq!(moto_images(&p.moto, "mut").len(), 1, "nothing was sent");
    let r = ecrscope(p.home.path(), &["copy", &src, "dst@mut:live", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let live = moto_images(&p.moto, "mut")
        .into_iter()
        .find(|i| {
            i["imageTags"]
                .as_array()
                .is_some_and(|t| t.iter().any(|x| x == "live"))
        })
        .expect("live");
    assert_eq!(live["imageDigest"], digest);
    // An immutable tag naming another image: refused, even with --force.
    aws_json(
        &p.moto,
        &[
            "ecr",
            "create-repository",
            "--repository-name",
            "frozen",
            "--image-tag-mutability",
            "IMMUTABLE",
        ],
    );
    aws_json(
        &p.moto,
        &[
            "ecr",
            "put-image",
            "--repository-name",
            "frozen",
            "--image-tag",
            "v1",
            "--image-manifest",
            &other,
        ],
    );
    let r = ecrscope(p.home.path(), &["copy", &src, "dst@frozen:v1", "--force"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("immutable in the target"), "{}", r.stderr);
    assert_eq!(moto_images(&p.moto, "frozen").len(), 1);
}

#[test]
fn export_is_read_back_by_skopeo_and_python_tarfile() {
    let p = peers();
    let (repo, tag, digest) = demo_image(&p);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("image.tar");
    let file_s = file.to_string_lossy().into_owned();
    let r = ecrscope(
        p.home.path(),
        &[
            "export",
            &format!("src@{repo}:{tag}"),
            &file_s,
            "--output",
            "table",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .lines()
            .next()
            .is_some_and(|h| h.starts_with("image")),
        "{}",
        r.stdout
    );
    let summary = verify_tar(&file);
    assert_eq!(summary["top"], digest);
    assert_eq!(summary["ref"], tag);
    let skopeo = Command::new("skopeo")
        .args(["inspect", "--raw", &format!("oci-archive:{file_s}")])
        .output()
        .expect("skopeo must be installed (scripts/test.sh installs it from Debian)");
    assert!(
        skopeo.status.success(),
        "skopeo: {}",
        String::from_utf8_lossy(&skopeo.stderr)
    );
    assert_eq!(
        ecrscope::model::Digest::of_bytes(&skopeo.stdout).to_string(),
        digest,
        "skopeo reads the image's own manifest bytes"
    );
    // A folder that does not exist: said before any call, no file made.
    let r = ecrscope(
        p.home.path(),
        &["export", &format!("src@{repo}:{tag}"), "/nonexistent/x.tar"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    // An image that is not there: exit 3, no file.
    let gone = dir.path().join("gone.tar");
    let r = ecrscope(
        p.home.path(),
        &[
            "export",
            &format!("src@{repo}:no-such-tag"),
            &gone.to_string_lossy(),
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!gone.exists());
}

#[test]
fn search_finds_a_commit_tag_and_says_what_it_could_not_search() {
    let p = peers();
    for name in ["team/api", "team/web", "tools"] {
        aws_json(
            &p.moto,
            &["ecr", "create-repository", "--repository-name", name],
        );
    }
    let m = manifest("commit");
    let d = ecrscope::model::Digest::of_bytes(m.as_bytes()).to_string();
    aws_json(
        &p.moto,
        &[
            "ecr",
            "put-image",
            "--repository-name",
            "team/web",
            "--image-tag",
            "3f9e1c2",
            "--image-manifest",
            &m,
            "--image-digest",
            &d,
        ],
    );
    let r = ecrscope(p.home.path(), &["search", "3f9e1c2", "--registries", "dst"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hits = r.json();
    let hits = hits.as_array().expect("array");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["repository"], "team/web");
    assert_eq!(hits[0]["match"], "tag");
    assert_eq!(hits[0]["digest"], d);
    // The same image by its digest, and by the start of its digest.
    let r = ecrscope(
        p.home.path(),
        &["search", &d, "--registries", "dst", "--output", "text"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("team/web") && r.stdout.contains("\tdigest\t"),
        "{}",
        r.stdout
    );
    let r = ecrscope(
        p.home.path(),
        &[
            "search",
            &d[..15],
            "--registries",
            "dst",
            "--output",
            "text",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("team/web"), "{}", r.stdout);
    // Part of a name.
    let r = ecrscope(
        p.home.path(),
        &["search", "team/", "--registries", "dst", "--output", "text"],
    );
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    // Too short a digest prefix: said, not searched as a name.
    let r = ecrscope(
        p.home.path(),
        &["search", "sha256:00", "--registries", "dst"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("at least 6 hex digits"), "{}", r.stderr);
    // Nothing found: exit 3, an empty answer.
    let r = ecrscope(
        p.home.path(),
        &["search", "no-such-tag", "--registries", "dst"],
    );
    assert_eq!((r.code, r.json()), (3, serde_json::json!([])));
    // One registry that cannot answer among others: the hits of the rest,
    // the failing one named on stderr, and an exit code that says the
    // search is incomplete.
    let r = ecrscope(
        p.home.path(),
        &["search", "3f9e1c2", "--registries", "dead,dst"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("dead (us-east-1): could not be searched"),
        "{}",
        r.stderr
    );
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
}

#[test]
fn findings_in_sarif_validate_against_the_schema_and_fail_on_is_a_gate() {
    let p = peers();
    aws_json(
        &p.moto,
        &["ecr", "create-repository", "--repository-name", "scanned"],
    );
    let m = manifest("scanned");
    aws_json(
        &p.moto,
        &[
            "ecr",
            "put-image",
            "--repository-name",
            "scanned",
            "--image-tag",
            "v1",
            "--image-manifest",
            &m,
        ],
    );
    // Never scanned: no findings is not "clean".
    let r = ecrscope(p.home.path(), &["findings", "dst@scanned:v1"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("No scan of 'dst@scanned:v1'"),
        "{}",
        r.stderr
    );
    aws_json(
        &p.moto,
        &[
            "ecr",
            "start-image-scan",
            "--repository-name",
            "scanned",
            "--image-id",
            "imageTag=v1",
        ],
    );
    let dir = tempfile::tempdir().expect("tmp");
    let sarif = dir.path().join("out.sarif");
    let r = ecrscope(
        p.home.path(),
        &[
            "findings",
            "dst@scanned:v1",
            "--format",
            "sarif",
            "--file",
            &sarif.to_string_lossy(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
    let check = Command::new(std::env::var("MOTO_SERVER").map_or_else(
        |_| "python3".into(),
        |m| Path::new(&m).with_file_name("python").to_string_lossy().into_owned(),
    ))
    .args([
        "-c",
        "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); \
         jsonschema.Draft4Validator(s).validate(d); print(len(d['runs'][0]['results']))",
        &schema.to_string_lossy(),
        &sarif.to_string_lossy(),
    ])
    .output()
    .expect("python with jsonschema (moto's venv has it)");
    assert!(
        check.status.success(),
        "SARIF invalid: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let results: usize = String::from_utf8_lossy(&check.stdout)
        .trim()
        .parse()
        .expect("count");
    assert!(results >= 1, "moto's scan has a finding");
    // moto's finding is HIGH: --fail-on high gates (exit 6), critical passes.
    let r = ecrscope(
        p.home.path(),
        &[
            "findings",
            "dst@scanned:v1",
            "--format",
            "csv",
            "--fail-on",
            "high",
        ],
    );
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("repository,image_digest"),
        "{}",
        r.stdout
    );
    let r = ecrscope(
        p.home.path(),
        &[
            "findings",
            "dst@scanned:v1",
            "--format",
            "json",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.json()[0]["findings"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );
}

#[test]
fn not_found_denied_and_throttled_have_their_own_exit_codes() {
    let p = peers();
    let (repo, tag, _) = demo_image(&p);
    let r = ecrscope(p.home.path(), &["findings", "src@no-such-repo:1"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    p.demo.knobs.inject(Fault {
        operation: Some("DescribeImages".into()),
        kind: FaultKind::AccessDenied,
        count: u32::MAX,
        after: 0,
    });
    let r = ecrscope(
        p.home.path(),
        &["export", &format!("src@{repo}:{tag}"), "/tmp/never.tar"],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.stderr.contains("Access denied"), "{}", r.stderr);
    p.demo.knobs.clear_faults();
    p.demo.knobs.inject(Fault {
        operation: Some("DescribeImages".into()),
        kind: FaultKind::Throttle,
        count: u32::MAX,
        after: 0,
    });
    let r = ecrscope(p.home.path(), &["search", &tag, "--registries", "src"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("Throttled"), "{}", r.stderr);
}

#[test]
fn help_and_the_man_page_document_every_command_and_the_exit_codes() {
    let home = tempfile::tempdir().expect("home");
    let man = ecrscope(home.path(), &["man"]);
    assert_eq!(man.code, 0);
    for word in [
        ".SH \"ECRSCOPE COPY\"",
        ".SH \"ECRSCOPE EXPORT\"",
        ".SH \"ECRSCOPE SEARCH\"",
        ".SH \"ECRSCOPE FINDINGS\"",
        "\\-\\-all\\-tags",
        "\\-\\-fail\\-on",
        "\\-\\-endpoint\\-url",
        "Exit codes: 0 done",
    ] {
        assert!(man.stdout.contains(word), "{word} in the man page");
    }
    for cmd in ["copy", "export", "search", "findings"] {
        let h = ecrscope(home.path(), &[cmd, "--help"]);
        assert_eq!(h.code, 0);
        assert!(
            h.stdout.contains("Exit codes: 0 done"),
            "{cmd} --help: {}",
            h.stdout
        );
        assert!(h.stdout.contains("--output"), "{cmd} --help");
    }
}

/// Ctrl-C in the middle of a copy: exit 130, the words say what stays, no
/// manifest is put (the image is not half there under its tag), and a
/// rerun finishes the job.
#[test]
fn ctrl_c_stops_a_copy_cleanly_and_a_rerun_finishes_it() {
    let p = peers();
    let (repo, tag, digest) = demo_image(&p);
    // Every demo answer now takes a second: the copy is mid-way after three.
    p.demo
        .knobs
        .set_latency(std::time::Duration::from_millis(1000));
    let src = format!("src@{repo}:{tag}");
    let child = Command::new(env!("CARGO_BIN_EXE_ecrscope"))
        .args(["copy", &src, "dst@slow", "--create"])
        .env_clear()
        .env("HOME", p.home.path())
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(3000));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("Copy cancelled") && stderr.contains("copying again skips it"),
        "{stderr}"
    );
    assert!(
        moto_images(&p.moto, "slow").is_empty(),
        "no manifest was put"
    );
    p.demo.knobs.set_latency(std::time::Duration::ZERO);
    let r = ecrscope(p.home.path(), &["copy", &src, "dst@slow"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(moto_images(&p.moto, "slow")[0]["imageDigest"], digest);
}

/// `copy --with-referrers` to moto: the image's signature, SBOM (and its
/// signature) and provenance land beside it, as the aws CLI reads them:
/// the same digests, each manifest still naming the image as its subject.
#[test]
fn copy_with_referrers_lands_the_artifacts_in_moto_as_the_aws_cli_reads_them() {
    let p = peers();
    let (repo, tag, subject, artifacts) = signed_demo_image(&p);
    assert_eq!(artifacts.len(), 4);
    let r = ecrscope(
        p.home.path(),
        &[
            "copy",
            &format!("src@{repo}:{tag}"),
            "dst@promoted/signed",
            "--create",
            "--with-referrers",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    assert_eq!(report["artifactsCopied"], 4, "{report}");
    assert_eq!(report["artifactsRefused"], 0, "{report}");
    let images = moto_images(&p.moto, "promoted/signed");
    let mut got: Vec<String> = images
        .iter()
        .filter_map(|i| i["imageDigest"].as_str().map(str::to_owned))
        .collect();
    let mut want: Vec<String> = artifacts.iter().map(ToString::to_string).collect();
    want.push(subject.to_string());
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // Each artifact's manifest, read by the aws CLI, is byte for byte the
    // source's (its digest), and the direct ones name the image.
    for d in &artifacts {
        let got = aws_json(
            &p.moto,
            &[
                "ecr",
                "batch-get-image",
                "--repository-name",
                "promoted/signed",
                "--image-ids",
                &format!("imageDigest={d}"),
            ],
        );
        let manifest = got["images"][0]["imageManifest"]
            .as_str()
            .expect("manifest");
        assert_eq!(ecrscope::model::Digest::of_bytes(manifest.as_bytes()), *d);
        let v: Value = serde_json::from_str(manifest).expect("json");
        assert!(v["subject"]["digest"].is_string());
    }
    // Without the flag nothing but the image goes.
    let r = ecrscope(
        p.home.path(),
        &[
            "copy",
            &format!("src@{repo}:{tag}"),
            "dst@promoted/bare",
            "--create",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["artifactsCopied"], 0);
    assert_eq!(moto_images(&p.moto, "promoted/bare").len(), 1);
}

/// Signs the newest images of a demo repository as the full seed does;
/// the newest one's (repository, tag, digest, artifacts: those naming it
/// and the signature of its SBOM).
fn signed_demo_image(
    p: &Peers,
) -> (
    String,
    String,
    ecrscope::model::Digest,
    Vec<ecrscope::model::Digest>,
) {
    let (repo, _, _) = demo_image(p);
    let (tag, subject, artifacts) = p
        .demo
        .with_store(|s| {
            let uri = format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{repo}");
            let r = s.repos.get_mut(&repo).expect("repository");
            let before: std::collections::HashSet<_> = r.images.iter().map(|i| i.digest).collect();
            ecrscope::demo::supply_chain::attach(r, &mut s.blobs, &uri);
            let newest = r
                .images
                .iter()
                .filter(|i| !i.tags.is_empty())
                .max_by(|a, b| a.pushed_at.total_cmp(&b.pushed_at))
                .expect("a tagged image");
            let (tag, subject) = (newest.tags[0].clone(), newest.digest);
            // The newest image's artifacts: those naming it, and the
            // signature of its SBOM.
            let added: Vec<_> = r
                .images
                .iter()
                .filter(|i| !before.contains(&i.digest))
                .map(|i| (i.digest, i.manifest.clone()))
                .collect();
            let direct: Vec<_> = added
                .iter()
                .filter(|(_, m)| m.contains(&subject.to_string()))
                .map(|(d, _)| *d)
                .collect();
            let mut all = direct.clone();
            all.extend(
                added
                    .iter()
                    .filter(|(_, m)| direct.iter().any(|d| m.contains(&d.to_string())))
                    .map(|(d, _)| *d),
            );
            (tag, subject, all)
        })
        .expect("demo store");
    (repo, tag, subject, artifacts)
}

/// `export --with-referrers`: the layout holds the image and its four
/// artifacts (each listed in index.json after the image, each naming the
/// image or its SBOM), every blob verified by Python's tarfile + hashlib;
/// skopeo picks the image by its tag.
#[test]
fn export_with_referrers_lays_out_the_artifacts_beside_the_image() {
    let p = peers();
    let (repo, tag, subject, artifacts) = signed_demo_image(&p);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("signed.tar");
    let file_s = file.to_string_lossy().into_owned();
    let r = ecrscope(
        p.home.path(),
        &[
            "export",
            &format!("src@{repo}:{tag}"),
            &file_s,
            "--with-referrers",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["artifacts"], 4);
    let summary = verify_tar(&file);
    assert_eq!(summary["top"], subject.to_string());
    let entries: Vec<String> = summary["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e.as_str().map(str::to_owned))
        .collect();
    let mut got: Vec<String> = entries[1..].to_vec();
    let mut want: Vec<String> = artifacts.iter().map(ToString::to_string).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    for s in summary["subjects"].as_array().expect("subjects")[1..].iter() {
        let s = s.as_str().expect("each artifact names its subject");
        assert!(
            s == subject.to_string() || want.iter().any(|w| w == s),
            "{s}"
        );
    }
    let skopeo = Command::new("skopeo")
        .args(["inspect", "--raw", &format!("oci-archive:{file_s}:{tag}")])
        .output()
        .expect("skopeo");
    assert!(
        skopeo.status.success(),
        "skopeo: {}",
        String::from_utf8_lossy(&skopeo.stderr)
    );
    assert_eq!(
        ecrscope::model::Digest::of_bytes(&skopeo.stdout),
        subject,
        "skopeo picks the image by its tag"
    );
}
