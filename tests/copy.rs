//! Copying images without docker, through ECR's layer API: demo to demo
//! across two accounts (single image, multi-arch index, a tag-immutable
//! target that refuses, a second run that uploads nothing, a source that
//! lies about a layer, cancel), demo to moto checked with the aws CLI, and
//! an OCI layout export read back by Python's tarfile and hashlib.
#![allow(clippy::disallowed_methods)] // #[tokio::test] blocks its own runtime: no UI thread here
#![allow(clippy::await_holding_lock)] // the moto guard; one runtime per test

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use ecrscope::copy::{self, CopyEnds, CopyError, CopyItem, CopyProgress, CopyReport};
use ecrscope::demo::{BlobFault, DemoServer, SeedConfig};
use ecrscope::ecr::{self, EcrClient, StaticCredentials};
use ecrscope::model::{
    Digest, ImageStatus, ManifestKind, NewRepository, TagMutability, TagMutabilitySetting,
};

fn demo_client(server: &DemoServer, key: &str) -> EcrClient {
    EcrClient::with_static(
        &server.url(),
        "us-east-1",
        &StaticCredentials {
            access_key_id: key.into(),
            secret_access_key: "demo".into(),
        },
        None,
        &quick_opts(),
    )
}

async fn demo() -> (DemoServer, EcrClient, EcrClient) {
    let server = DemoServer::start(&SeedConfig::small())
        .await
        .expect("demo endpoint");
    let a = demo_client(&server, "AKIDEMO");
    let b = demo_client(&server, "AKIDEMOSECOND");
    (server, a, b)
}

/// A tagged, active image of `kind` somewhere in the source registry.
async fn find_image(c: &EcrClient, kind: ManifestKind) -> (String, Digest, Vec<String>) {
    for r in ecr::describe_repositories(c).await.expect("repositories") {
        let images = ecr::describe_images(c, &r.name).await.expect("images");
        if let Some(i) = images
            .iter()
            .find(|i| i.manifest == kind && !i.tags.is_empty() && i.status == ImageStatus::Active)
        {
            return (r.name.clone(), i.digest, i.tags.clone());
        }
    }
    panic!("the demo seed has no {kind:?} image");
}

fn new_repo(name: &str) -> NewRepository {
    NewRepository {
        name: name.into(),
        ..NewRepository::default()
    }
}

async fn run(
    ends: CopyEnds<'_>,
    items: &[CopyItem],
    create: Option<&NewRepository>,
) -> (Result<CopyReport, copy::CopyFailure>, Vec<CopyProgress>) {
    let seen = std::sync::Mutex::new(Vec::new());
    let sink = |p: CopyProgress| seen.lock().expect("lock").push(p);
    let result = copy::copy_images(ends, items, create, &AtomicBool::new(false), &sink).await;
    (result, seen.into_inner().expect("lock"))
}

/// Copies one image with `tags` into `target` of `dst` (created when
/// missing).
async fn copy_into(
    src: &EcrClient,
    repo: &str,
    dst: &EcrClient,
    target: &str,
    digest: Digest,
    tags: &[String],
) -> Result<CopyReport, copy::CopyFailure> {
    let ends = CopyEnds {
        source: src,
        source_repo: repo,
        target: dst,
        target_repo: target,
    };
    let items = [CopyItem {
        digest,
        tags: tags.to_vec(),
    }];
    run(ends, &items, Some(&new_repo(target))).await.0
}

/// Every blob (configs and layers) of the image and, for an index, of its
/// platform images.
async fn blobs_of(c: &EcrClient, repo: &str, d: Digest) -> (Vec<Digest>, Vec<Digest>) {
    let (docs, _) = ecr::batch_get_manifests(c, repo, &[ecrscope::model::ImageId::Digest(d)])
        .await
        .expect("manifest");
    match copy::plan::needs(&docs[0].manifest).expect("readable") {
        copy::plan::Needs::Blobs(b) => (vec![d], b.iter().map(|b| b.digest).collect()),
        copy::plan::Needs::Children(ch) => {
            let (mut ms, mut bs) = (vec![d], vec![]);
            for child in ch {
                let (m, b) = Box::pin(blobs_of(c, repo, child)).await;
                ms.extend(m);
                bs.extend(b);
            }
            bs.sort_by_key(Digest::hex);
            bs.dedup();
            (ms, bs)
        }
    }
}

#[tokio::test]
async fn a_single_image_crosses_accounts_with_its_digest_and_a_rerun_uploads_nothing() {
    let (server, src, dst) = demo().await;
    let (repo, digest, tags) = find_image(&src, ManifestKind::OciManifest).await;
    let ends = CopyEnds {
        source: &src,
        source_repo: &repo,
        target: &dst,
        target_repo: "promoted/app",
    };
    let items = [CopyItem {
        digest,
        tags: tags.clone(),
    }];
    let (report, progress) = run(ends, &items, Some(&new_repo("promoted/app"))).await;
    let report = report.expect("copy");
    let (_, blobs) = blobs_of(&src, &repo, digest).await;
    assert_eq!(report.blobs_uploaded, blobs.len(), "every blob went over");
    assert!(report.bytes_uploaded > 1_000_000, "real layer bytes moved");
    let last = progress.last().expect("progress was reported");
    assert_eq!((last.images_done, last.images_total), (1, 1));
    assert_eq!(last.bytes_done, report.bytes_uploaded);

    let there = ecr::describe_images(&dst, "promoted/app")
        .await
        .expect("target");
    assert_eq!(there.len(), 1);
    assert_eq!(there[0].digest, digest, "same manifest bytes, same digest");
    assert_eq!(there[0].tags, tags);
    let have = ecr::batch_check_layer_availability(&dst, "promoted/app", &blobs)
        .await
        .expect("check");
    assert_eq!(
        have.len(),
        blobs.len(),
        "every layer is available in the target"
    );
    // The source account's registry is untouched.
    assert!(
        ecr::describe_repository(&src, "promoted/app")
            .await
            .is_err(),
        "nothing was created in the source account"
    );

    let parts = server.knobs.count("UploadLayerPart");
    let (again, _) = run(ends, &items, None).await;
    let again = again.expect("second copy");
    assert_eq!(again.blobs_uploaded, 0);
    assert_eq!(again.blobs_skipped, blobs.len());
    assert_eq!(
        server.knobs.count("UploadLayerPart"),
        parts,
        "nothing uploaded"
    );
}

#[tokio::test]
async fn a_multi_arch_index_copies_every_platform_then_the_index() {
    let (_server, src, dst) = demo().await;
    let (repo, digest, tags) = find_image(&src, ManifestKind::OciIndex).await;
    let report = copy_into(&src, &repo, &dst, "mirror/multi", digest, &tags)
        .await
        .expect("copy");
    let (manifests, blobs) = blobs_of(&src, &repo, digest).await;
    assert!(manifests.len() >= 3, "an index and at least two platforms");
    assert_eq!(report.manifests_put, manifests.len());
    let there = ecr::describe_images(&dst, "mirror/multi")
        .await
        .expect("target");
    let mut got: Vec<Digest> = there.iter().map(|i| i.digest).collect();
    let mut want = manifests.clone();
    got.sort_by_key(Digest::hex);
    want.sort_by_key(Digest::hex);
    assert_eq!(got, want, "the index and each platform image, same digests");
    let index = there.iter().find(|i| i.digest == digest).expect("index");
    assert_eq!(index.tags, tags, "the tags go on the index");
    let have = ecr::batch_check_layer_availability(&dst, "mirror/multi", &blobs)
        .await
        .expect("check");
    assert_eq!(have.len(), blobs.len());
}

#[tokio::test]
async fn an_immutable_tag_in_the_target_refuses_before_any_upload() {
    let (server, src, dst) = demo().await;
    let images = ecr::describe_images(&src, "platform/auth-service")
        .await
        .expect("images");
    let singles: Vec<_> = images
        .iter()
        .filter(|i| i.manifest == ManifestKind::OciManifest && i.status == ImageStatus::Active)
        .take(2)
        .collect();
    let ends = CopyEnds {
        source: &src,
        source_repo: "platform/auth-service",
        target: &dst,
        target_repo: "prod/auth",
    };
    let create = NewRepository {
        tag_mutability: TagMutabilitySetting {
            mode: TagMutability::Immutable,
            exclusion_filters: vec![],
        },
        ..new_repo("prod/auth")
    };
    let first = [CopyItem {
        digest: singles[0].digest,
        tags: vec!["release".into()],
    }];
    run(ends, &first, Some(&create))
        .await
        .0
        .expect("first copy");
    let uploads = server.knobs.count("InitiateLayerUpload");
    let second = [CopyItem {
        digest: singles[1].digest,
        tags: vec!["release".into()],
    }];
    let err = run(ends, &second, None).await.0.expect_err("refused");
    match &err.error {
        CopyError::Refused(why) => {
            assert!(why[0].contains("'release' is immutable"), "{why:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(err.to_string().contains("Rename the tag"), "{err}");
    assert_eq!(
        server.knobs.count("InitiateLayerUpload"),
        uploads,
        "refused before any upload"
    );
    let there = ecr::describe_images(&dst, "prod/auth")
        .await
        .expect("target");
    assert_eq!(
        there.len(),
        1,
        "the target still holds only the first image"
    );
    assert_eq!(there[0].digest, singles[0].digest);
}

#[tokio::test]
async fn a_source_that_lies_about_a_layer_commits_nothing_of_it() {
    let (server, src, dst) = demo().await;
    let (repo, digest, tags) = find_image(&src, ManifestKind::OciManifest).await;
    server.knobs.set_blob_fault(Some(BlobFault::WrongDigest));
    let err = copy_into(&src, &repo, &dst, "promoted/bad", digest, &tags)
        .await
        .expect_err("a corrupt layer stops the copy");
    assert!(err.layer.is_some(), "the failure names the layer: {err}");
    assert!(
        matches!(err.error, CopyError::Corrupt(_) | CopyError::Api(_)),
        "{err:?}"
    );
    assert_eq!(
        server.knobs.count("CompleteLayerUpload"),
        0,
        "nothing completed"
    );
    assert_eq!(server.knobs.count("PutImage"), 0, "no manifest put");
}

#[tokio::test]
async fn a_cancelled_copy_says_so_and_puts_no_manifest() {
    let (server, src, dst) = demo().await;
    let (repo, digest, tags) = find_image(&src, ManifestKind::OciManifest).await;
    let ends = CopyEnds {
        source: &src,
        source_repo: &repo,
        target: &dst,
        target_repo: "promoted/cancel",
    };
    let err = copy::copy_images(
        ends,
        &[CopyItem { digest, tags }],
        Some(&new_repo("promoted/cancel")),
        &AtomicBool::new(true),
        &|_| {},
    )
    .await
    .expect_err("cancelled");
    assert_eq!(err.error, CopyError::Cancelled);
    assert!(err.to_string().contains("copying again skips it"), "{err}");
    assert_eq!(server.knobs.count("PutImage"), 0);
}

#[tokio::test]
async fn demo_to_moto_the_aws_cli_sees_the_image_and_every_layer() {
    let _g = moto_lock();
    let url = moto_url();
    moto_reset(&url).await;
    let (_server, src, _) = demo().await;
    let dst = moto_client(&url, "us-east-1");
    let (repo, digest, tags) = find_image(&src, ManifestKind::OciManifest).await;
    let report = copy_into(&src, &repo, &dst, "from-demo/app", digest, &tags)
        .await
        .expect("copy into moto");
    let (_, blobs) = blobs_of(&src, &repo, digest).await;
    assert_eq!(report.blobs_uploaded, blobs.len());

    let described = aws_json(
        &url,
        &[
            "ecr",
            "describe-images",
            "--repository-name",
            "from-demo/app",
        ],
    );
    let details = described["imageDetails"].as_array().expect("details");
    assert_eq!(details.len(), 1);
    assert_eq!(details[0]["imageDigest"], digest.to_string());
    let mut cli_tags: Vec<String> = details[0]["imageTags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    let mut want = tags.clone();
    cli_tags.sort();
    want.sort();
    assert_eq!(cli_tags, want);

    let mut args = vec![
        "ecr".to_owned(),
        "batch-check-layer-availability".into(),
        "--repository-name".into(),
        "from-demo/app".into(),
        "--layer-digests".into(),
    ];
    args.extend(blobs.iter().map(Digest::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let check = aws_json(&url, &args);
    assert_eq!(
        check["failures"].as_array().map(Vec::len),
        Some(0),
        "{check}"
    );
    let available = check["layers"].as_array().expect("layers");
    assert_eq!(available.len(), blobs.len());
    assert!(
        available
            .iter()
            .all(|l| l["layerAvailability"] == "AVAILABLE")
    );
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
                  "ref": index["manifests"][0].get("annotations", {}).get("org.opencontainers.image.ref.name")}))
"#;

fn verify_tar(path: &std::path::Path) -> serde_json::Value {
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

#[tokio::test]
async fn an_export_verifies_by_digest_with_an_independent_reader() {
    let (_server, src, _) = demo().await;
    let dir = tempfile::tempdir().expect("tmp");
    for kind in [ManifestKind::OciManifest, ManifestKind::OciIndex] {
        let (repo, digest, tags) = find_image(&src, kind).await;
        let path = dir.path().join(format!("{kind:?}.tar"));
        let report = copy::oci::export_oci(
            &src,
            &repo,
            digest,
            tags.first().map(String::as_str),
            None,
            &path,
            &AtomicBool::new(false),
            &|_| {},
        )
        .await
        .expect("export");
        assert_eq!(report.bytes, std::fs::metadata(&path).expect("file").len());
        assert!(
            !path.with_extension("part").exists(),
            "no partial file left"
        );
        let summary = verify_tar(&path);
        assert_eq!(summary["top"], digest.to_string());
        assert_eq!(summary["ref"], tags[0]);
        let (manifests, blobs) = blobs_of(&src, &repo, digest).await;
        assert_eq!(
            summary["blobs"].as_u64(),
            Some((manifests.len() + blobs.len()) as u64)
        );
    }
}

#[tokio::test]
async fn a_corrupt_blob_leaves_no_export_file() {
    let (server, src, _) = demo().await;
    let (repo, digest, _) = find_image(&src, ManifestKind::OciManifest).await;
    server.knobs.set_blob_fault(Some(BlobFault::WrongDigest));
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bad.tar");
    let err = copy::oci::export_oci(
        &src,
        &repo,
        digest,
        None,
        None,
        &path,
        &AtomicBool::new(false),
        &|_| {},
    )
    .await
    .expect_err("corrupt");
    assert!(err.layer.is_some(), "{err}");
    assert!(!path.exists() && !path.with_extension("part").exists());
}

#[tokio::test]
async fn reencrypt_creates_a_twin_with_every_setting_and_every_image() {
    let (_server, c, _) = demo().await;
    let old = "web/frontend";
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":["ecr:BatchGetImage"]}]}"#;
    ecr::set_repository_policy(&c, old, policy)
        .await
        .expect("policy");
    let before = ecr::describe_repository(&c, old).await.expect("old");
    let key = "arn:aws:kms:us-east-1:123456789012:key/0f0e0d0c-1111-2222-3333-444455556666";
    let report = copy::reencrypt::reencrypt(
        &c,
        old,
        "web/frontend-kms",
        ecrscope::model::Encryption {
            kind: ecrscope::model::EncryptionType::Kms,
            kms_key: Some(key.into()),
        },
        &AtomicBool::new(false),
        &|_| {},
    )
    .await
    .expect("re-encrypt");
    assert!(report.complete(), "{:?}", report.missing);
    assert_eq!(report.old_images, report.new_images);
    let new = ecr::describe_repository(&c, "web/frontend-kms")
        .await
        .expect("new");
    assert_eq!(new.encryption.kind, ecrscope::model::EncryptionType::Kms);
    assert_eq!(new.encryption.kms_key.as_deref(), Some(key));
    assert_eq!(new.tag_mutability, before.tag_mutability);
    assert_eq!(new.scan_on_push, before.scan_on_push);
    let lc = |r: &'static str| {
        let c = c.clone();
        async move {
            ecr::get_lifecycle_policy(&c, r)
                .await
                .expect("lifecycle")
                .map(|l| l.text)
        }
    };
    assert_eq!(lc(old).await, lc("web/frontend-kms").await);
    assert_eq!(
        ecr::get_repository_policy(&c, "web/frontend-kms")
            .await
            .expect("policy"),
        Some(policy.to_owned())
    );
    assert_eq!(
        ecr::list_tags_for_resource(&c, &new.arn)
            .await
            .expect("tags"),
        ecr::list_tags_for_resource(&c, &before.arn)
            .await
            .expect("tags")
    );
    let digests = |r: &'static str| {
        let c = c.clone();
        async move {
            let mut v: Vec<(String, Vec<String>)> = ecr::describe_images(&c, r)
                .await
                .expect("images")
                .into_iter()
                .filter(|i| i.status == ImageStatus::Active)
                .map(|i| (i.digest.to_string(), i.tags))
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(
        digests(old).await,
        digests("web/frontend-kms").await,
        "every active image, same digest, same tags"
    );
}

/// The demo's SetRepositoryPolicy held to moto's: the text reads back, and
/// a policy that is not a JSON object is refused by both.
#[tokio::test]
async fn set_repository_policy_matches_moto() {
    let _g = moto_lock();
    let url = moto_url();
    moto_reset(&url).await;
    let (_server, d, _) = demo().await;
    let m = moto_client(&url, "us-east-1");
    ecr::create_repository(&m, &new_repo("p/x"))
        .await
        .expect("create");
    ecr::create_repository(&d, &new_repo("p/x"))
        .await
        .expect("create");
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage"]}]}"#;
    for c in [&m, &d] {
        ecr::set_repository_policy(c, "p/x", policy)
            .await
            .expect("set");
        let got = ecr::get_repository_policy(c, "p/x").await.expect("get");
        let got: serde_json::Value = serde_json::from_str(&got.expect("a policy")).expect("json");
        assert_eq!(
            got,
            serde_json::from_str::<serde_json::Value>(policy).expect("json")
        );
        assert!(
            ecr::set_repository_policy(c, "p/x", "not json")
                .await
                .is_err()
        );
    }
}

/// A target that throttles uploads: the client retries, the copy lands
/// whole with the same digest.
#[tokio::test]
async fn throttled_parts_are_retried_and_the_copy_lands_whole() {
    let (server, src, dst) = demo().await;
    let (repo, digest, tags) = find_image(&src, ManifestKind::OciManifest).await;
    server.knobs.inject(ecrscope::demo::Fault {
        operation: Some("UploadLayerPart".into()),
        kind: ecrscope::demo::FaultKind::Throttle,
        count: 2,
        after: 0,
    });
    copy_into(&src, &repo, &dst, "promoted/throttled", digest, &tags)
        .await
        .expect("retried past two throttles");
    let there = ecr::describe_images(&dst, "promoted/throttled")
        .await
        .expect("target");
    assert_eq!(there[0].digest, digest);
    // Each blob fits one part; two answers were throttles, sent again.
    let (_, blobs) = blobs_of(&src, &repo, digest).await;
    assert_eq!(
        server.knobs.count("UploadLayerPart"),
        blobs.len() as u64 + 2
    );
}

/// A download cut half way, or a download URL pointing at instance
/// metadata: the copy stops at that layer, commits nothing of it, and a
/// second run once the source behaves completes.
#[tokio::test]
async fn a_download_cut_or_a_metadata_url_stops_at_that_layer() {
    for fault in [BlobFault::Reset, BlobFault::LinkLocalUrl] {
        let (server, src, dst) = demo().await;
        let (repo, digest, tags) = find_image(&src, ManifestKind::OciManifest).await;
        server.knobs.set_blob_fault(Some(fault));
        let err = copy_into(&src, &repo, &dst, "promoted/cut", digest, &tags)
            .await
            .expect_err("stops");
        assert!(err.layer.is_some(), "{fault:?}: {err}");
        assert_eq!(server.knobs.count("CompleteLayerUpload"), 0, "{fault:?}");
        assert_eq!(server.knobs.count("PutImage"), 0, "{fault:?}");
        server.knobs.set_blob_fault(None);
        copy_into(&src, &repo, &dst, "promoted/cut", digest, &tags)
            .await
            .expect("the second run completes");
    }
}

/// A target that hangs: the copy ends in a timeout said in words, naming
/// the layer; nothing is put.
#[tokio::test]
async fn a_hanging_target_times_out_naming_the_layer() {
    let (server, src, _) = demo().await;
    let dst = EcrClient::with_static(
        &server.url(),
        "us-east-1",
        &StaticCredentials {
            access_key_id: "AKIDEMOSECOND".into(),
            secret_access_key: "demo".into(),
        },
        None,
        &ecrscope::ecr::ClientOptions {
            max_attempts: 1,
            attempt_timeout: std::time::Duration::from_millis(500),
            operation_timeout: std::time::Duration::from_secs(1),
            ..quick_opts()
        },
    );
    let (repo, digest, tags) = find_image(&src, ManifestKind::OciManifest).await;
    server.knobs.inject(ecrscope::demo::Fault {
        operation: Some("InitiateLayerUpload".into()),
        kind: ecrscope::demo::FaultKind::Hang,
        count: u32::MAX,
        after: 0,
    });
    let err = copy_into(&src, &repo, &dst, "promoted/hang", digest, &tags)
        .await
        .expect_err("times out");
    assert!(err.layer.is_some(), "{err}");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert_eq!(server.knobs.count("PutImage"), 0);
}

/// Multi-byte and oversized text where a copy takes it: refused before any
/// call by the form's checks.
#[test]
fn multi_byte_and_huge_tags_are_refused_before_any_call() {
    // ECR's limit is 300 characters (validate::MAX_TAG).
    for bad in ["ünïcode", "タグ", &"a".repeat(301), "v1,💥"] {
        assert!(copy::plan::parse_tags(bad).is_err(), "{bad}");
    }
    assert_eq!(
        copy::plan::parse_tags(&"a".repeat(300)).map(|t| t.len()),
        Ok(1)
    );
}
