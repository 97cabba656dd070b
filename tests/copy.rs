//! Copying images without docker, through ECR's layer API: demo to demo
//! across two accounts (single image, multi-arch index, a tag-immutable
//! target that refuses, a second run that uploads nothing, a source that
//! lies about a layer, cancel), demo to moto checked with the aws CLI, and
//! an OCI layout export read back by Python's tarfile and hashlib.
#![allow(clippy::disallowed_methods)] // #[tokio::test] blocks its own runtime: no UI thread here
#![allow(clippy::await_holding_lock)] // the moto guard; one runtime per test

use crate::common;

use std::sync::atomic::AtomicBool;

use common::*;
use ecrscope::demo::{BlobFault, DemoServer, SeedConfig};
use ecrscope::ecr::{self, EcrClient, StaticCredentials};
use ecrscope::model::{
    Digest, ImageId, ImageStatus, ManifestKind, NewRepository, TagMutability, TagMutabilitySetting,
};
use ecrscope::transfer::{self, CopyEnds, CopyError, CopyItem, CopyProgress, CopyReport};

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
) -> (Result<CopyReport, transfer::CopyFailure>, Vec<CopyProgress>) {
    let seen = std::sync::Mutex::new(Vec::new());
    let sink = |p: CopyProgress| seen.lock().expect("lock").push(p);
    let result = transfer::copy_images(
        ends,
        items,
        create,
        transfer::TagMoves::Allowed(&[]),
        &AtomicBool::new(false),
        &sink,
    )
    .await;
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
) -> Result<CopyReport, transfer::CopyFailure> {
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
    match transfer::plan::needs(&docs[0].manifest).expect("readable") {
        transfer::plan::Needs::Blobs(b) => (vec![d], b.iter().map(|b| b.digest).collect()),
        transfer::plan::Needs::Children(ch) => {
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

/// Two single-platform images of the demo's platform/auth-service.
async fn two_singles(src: &EcrClient) -> (Digest, Digest) {
    let images = ecr::describe_images(src, "platform/auth-service")
        .await
        .expect("images");
    let mut singles = images
        .iter()
        .filter(|i| i.manifest == ManifestKind::OciManifest && i.status == ImageStatus::Active)
        .map(|i| i.digest);
    (singles.next().expect("one"), singles.next().expect("two"))
}

fn immutable(name: &str) -> NewRepository {
    NewRepository {
        tag_mutability: TagMutabilitySetting {
            mode: TagMutability::Immutable,
            exclusion_filters: vec![],
        },
        ..new_repo(name)
    }
}

/// Issue 22, item 2: a new tag beside an existing immutable one. ECR answers
/// DescribeImages by id with ImageNotFound for the whole batch when one tag
/// is absent; reading that as "every tag is new" turned the refusal off and
/// sent every layer before PutImage failed.
#[tokio::test]
async fn a_new_tag_beside_an_immutable_one_is_still_refused_before_any_upload() {
    let (server, src, dst) = demo().await;
    let (one, two) = two_singles(&src).await;
    let ends = CopyEnds {
        source: &src,
        source_repo: "platform/auth-service",
        target: &dst,
        target_repo: "prod/auth",
    };
    let first = [CopyItem {
        digest: one,
        tags: vec!["latest".into()],
    }];
    run(ends, &first, Some(&immutable("prod/auth")))
        .await
        .0
        .expect("first copy");
    let (uploads, puts) = (
        server.knobs.count("InitiateLayerUpload"),
        server.knobs.count("PutImage"),
    );
    for tags in [["latest", "brandnew"], ["brandnew", "latest"]] {
        let second = [CopyItem {
            digest: two,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        }];
        let err = run(ends, &second, None).await.0.expect_err("refused");
        match &err.error {
            CopyError::Refused(why) => {
                assert_eq!(why.len(), 1, "only 'latest' is refused: {why:?}");
                assert!(why[0].contains("'latest' is immutable"), "{why:?}");
            }
            other => panic!("expected a refusal for {tags:?}, got {other:?}"),
        }
    }
    assert_eq!(
        server.knobs.count("InitiateLayerUpload"),
        uploads,
        "no upload"
    );
    assert_eq!(server.knobs.count("PutImage"), puts, "no PutImage");
}

/// The same against moto, checked with the aws CLI: nothing of the second
/// image reached the target.
#[tokio::test]
async fn moto_a_new_tag_beside_an_immutable_one_is_refused_before_any_upload() {
    let _g = moto_lock();
    let url = moto_url();
    moto_reset(&url).await;
    let (_server, src, _) = demo().await;
    let dst = moto_client(&url, "us-east-1");
    let (one, two) = two_singles(&src).await;
    let ends = CopyEnds {
        source: &src,
        source_repo: "platform/auth-service",
        target: &dst,
        target_repo: "prod/auth",
    };
    let first = [CopyItem {
        digest: one,
        tags: vec!["latest".into()],
    }];
    run(ends, &first, Some(&immutable("prod/auth")))
        .await
        .0
        .expect("first copy into moto");
    let second = [CopyItem {
        digest: two,
        tags: vec!["latest".into(), "brandnew".into()],
    }];
    let err = run(ends, &second, None).await.0.expect_err("refused");
    assert!(matches!(err.error, CopyError::Refused(_)), "{err:?}");
    let described = aws_json(
        &url,
        &["ecr", "describe-images", "--repository-name", "prod/auth"],
    );
    let details = described["imageDetails"].as_array().expect("details");
    assert_eq!(details.len(), 1, "only the first image: {described}");
    assert_eq!(details[0]["imageDigest"], one.to_string());
    // Blobs of the second image that the first lacks: none was uploaded.
    let (_, first_blobs) = blobs_of(&src, "platform/auth-service", one).await;
    let (_, second_blobs) = blobs_of(&src, "platform/auth-service", two).await;
    let only_second: Vec<String> = second_blobs
        .iter()
        .filter(|b| !first_blobs.contains(b))
        .map(Digest::to_string)
        .collect();
    assert!(!only_second.is_empty(), "the two images differ in a blob");
    let mut args = vec![
        "ecr",
        "batch-check-layer-availability",
        "--repository-name",
        "prod/auth",
        "--layer-digests",
    ];
    args.extend(only_second.iter().map(String::as_str));
    let check = aws_json(&url, &args);
    let available = check["layers"].as_array().map_or(0, |l| {
        l.iter()
            .filter(|l| l["layerAvailability"] == "AVAILABLE")
            .count()
    });
    assert_eq!(available, 0, "no orphan layer in the target: {check}");
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
    let err = transfer::copy_images(
        ends,
        &[CopyItem { digest, tags }],
        Some(&new_repo("promoted/cancel")),
        transfer::TagMoves::Allowed(&[]),
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

#[tokio::test]
async fn an_export_verifies_by_digest_with_an_independent_reader() {
    let (_server, src, _) = demo().await;
    let dir = tempfile::tempdir().expect("tmp");
    for kind in [ManifestKind::OciManifest, ManifestKind::OciIndex] {
        let (repo, digest, tags) = find_image(&src, kind).await;
        let path = dir.path().join(format!("{kind:?}.tar"));
        let report = transfer::oci::export_oci(
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
    let err = transfer::oci::export_oci(
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
    let report = transfer::reencrypt::reencrypt(
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
    assert!(report.complete(), "{:?}", report.compared.missing);
    assert_eq!(report.compared.old_images, report.compared.new_images);
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
    // The old one's tags, and the mark that lets a rerun adopt the new one.
    let mut new_tags = ecr::list_tags_for_resource(&c, &new.arn)
        .await
        .expect("tags");
    let mark = (
        transfer::reencrypt::MARK_KEY.to_owned(),
        transfer::reencrypt::mark_value(&before.arn),
    );
    assert!(new_tags.contains(&mark), "{new_tags:?}");
    new_tags.retain(|t| *t != mark);
    assert_eq!(
        new_tags,
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
        assert!(transfer::plan::parse_tags(bad).is_err(), "{bad}");
    }
    assert_eq!(
        transfer::plan::parse_tags(&"a".repeat(300)).map(|t| t.len()),
        Ok(1)
    );
}

const KEEP_TWO: &str = r#"{"rules":[{"rulePriority":1,"description":"keep the last two","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#;

/// The digests the repository's stored lifecycle policy would expire.
async fn expired_by_policy(c: &EcrClient, repo: &str) -> Vec<String> {
    ecr::start_lifecycle_policy_preview(c, repo, None)
        .await
        .expect("preview started");
    for _ in 0..100 {
        let p = ecr::get_lifecycle_policy_preview(c, repo)
            .await
            .expect("preview");
        if p.status == ecrscope::model::PreviewStatus::Complete {
            let mut v: Vec<String> = p
                .results
                .iter()
                .filter_map(|r| r.digest.map(|d| d.to_string()))
                .collect();
            v.sort();
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the preview never completed");
}

fn kms() -> ecrscope::model::Encryption {
    ecrscope::model::Encryption {
        kind: ecrscope::model::EncryptionType::Kms,
        kms_key: None,
    }
}

/// Issue 22, item 4: PutImage gives each copy a new push time. Copied in
/// list order (newest first) with the policy already on, "keep the last
/// two" kept the two oldest releases. Oldest first, policy after: the same
/// images are selected in both repositories.
#[tokio::test]
async fn reencrypt_keeps_what_keep_the_last_n_keeps() {
    let (_server, c, _) = demo().await;
    let old = "web/frontend";
    ecr::put_lifecycle_policy(&c, old, KEEP_TWO)
        .await
        .expect("policy");
    let before = expired_by_policy(&c, old).await;
    assert!(!before.is_empty(), "the rule expires something");
    let report = transfer::reencrypt::reencrypt(
        &c,
        old,
        "web/frontend-kms",
        kms(),
        &AtomicBool::new(false),
        &|_| {},
    )
    .await
    .expect("re-encrypt");
    assert!(report.complete());
    assert!(
        report.carried.iter().any(|c| c.contains("after the copy")),
        "{:?}",
        report.carried
    );
    assert_eq!(
        expired_by_policy(&c, "web/frontend-kms").await,
        before,
        "the same images expire in both"
    );
}

/// Issue 22, item 4: an image pushed to the old repository while the copy
/// runs is not in the new one: the comparison says so (the delete is not
/// offered), and a second run adopts the new repository and copies it.
#[tokio::test]
async fn an_image_pushed_during_a_reencrypt_blocks_the_delete_until_a_rerun() {
    let (server, c, _) = demo().await;
    let old = "web/frontend";
    let pushed = std::sync::Mutex::new(None::<Digest>);
    let sink = |_: CopyProgress| {
        let mut p = pushed.lock().expect("lock");
        if p.is_some() {
            return;
        }
        // Someone pushes to the old repository while the copy runs.
        *p = server
            .with_store(|s| {
                let have: Vec<Digest> = s.repos[old].images.iter().map(|i| i.digest).collect();
                let img = s.repos["hello-world"]
                    .images
                    .iter()
                    .find(|i| !have.contains(&i.digest) && !i.media_type.contains("index"))
                    .cloned()?;
                let d = img.digest;
                s.repos.get_mut(old)?.images.push(img);
                Some(d)
            })
            .flatten();
    };
    let first = transfer::reencrypt::reencrypt(
        &c,
        old,
        "web/frontend-kms",
        kms(),
        &AtomicBool::new(false),
        &sink,
    )
    .await
    .expect("re-encrypt");
    let newcomer = pushed
        .lock()
        .expect("lock")
        .expect("pushed during the copy");
    assert!(!first.complete(), "the newcomer is missing");
    assert_eq!(first.compared.missing, vec![newcomer]);
    // Read again right before a delete: still refused.
    let again = transfer::reencrypt::compare(&c, old, "web/frontend-kms")
        .await
        .expect("compare");
    assert_eq!(again.missing, vec![newcomer]);
    // A second run adopts its repository and copies only what is missing.
    let second = transfer::reencrypt::reencrypt(
        &c,
        old,
        "web/frontend-kms",
        kms(),
        &AtomicBool::new(false),
        &|_| {},
    )
    .await
    .expect("rerun");
    assert!(second.adopted);
    assert!(second.complete(), "{:?}", second.compared.missing);
    assert!(
        second.copy.blobs_uploaded + second.copy.blobs_skipped > 0,
        "the second run read the layers: {:?}",
        second.copy
    );
}

/// Issue 22, item 4: a cancelled re-encrypt runs again (it used to fail on
/// RepositoryAlreadyExists); a repository of that name it did not make is
/// refused and left as it was.
#[tokio::test]
async fn a_cancelled_reencrypt_runs_again_and_a_stranger_is_refused() {
    let (server, c, _) = demo().await;
    let old = "web/frontend";
    let err = transfer::reencrypt::reencrypt(
        &c,
        old,
        "web/frontend-kms",
        kms(),
        &AtomicBool::new(true),
        &|_| {},
    )
    .await
    .expect_err("cancelled");
    assert_eq!(err.error, CopyError::Cancelled);
    let creates = server.knobs.count("CreateRepository");
    let rerun = transfer::reencrypt::reencrypt(
        &c,
        old,
        "web/frontend-kms",
        kms(),
        &AtomicBool::new(false),
        &|_| {},
    )
    .await
    .expect("the rerun finishes the job");
    assert!(rerun.adopted && rerun.complete());
    assert_eq!(
        server.knobs.count("CreateRepository"),
        creates,
        "adopted, not made"
    );
    // A repository of that name that no re-encryption of `old` made.
    ecr::create_repository(&c, &new_repo("web/other"))
        .await
        .expect("made");
    let refused = transfer::reencrypt::reencrypt(
        &c,
        old,
        "web/other",
        kms(),
        &AtomicBool::new(false),
        &|_| {},
    )
    .await
    .expect_err("refused");
    assert!(
        matches!(&refused.error, CopyError::Refused(why) if why[0].contains("was not made by re-encrypting")),
        "{refused:?}"
    );
    assert!(
        ecr::describe_images(&c, "web/other")
            .await
            .expect("images")
            .is_empty(),
        "left untouched"
    );
}

/// A demo image in `bench/src` of one synthetic layer of `size` bytes.
fn synthetic_image(server: &DemoServer, size: u64) -> Digest {
    server
        .with_store(|s| {
            s.put_synthetic_image(
                "bench/src",
                "slow",
                &[ecrscope::demo::layers::Synthetic {
                    seed: 0x5103 ^ size,
                    len: size,
                }],
            )
        })
        .expect("store")
        .expect("image")
}

/// Timeouts far shorter than a part takes on the slow link: the old fixed
/// attempt timeout would fail every part.
fn short_limits(server: &DemoServer) -> EcrClient {
    EcrClient::with_static(
        &server.url(),
        "us-east-1",
        &StaticCredentials {
            access_key_id: "AKIDEMOSECOND".into(),
            secret_access_key: "demo".into(),
        },
        None,
        &ecr::ClientOptions {
            max_attempts: 2,
            attempt_timeout: std::time::Duration::from_secs(2),
            operation_timeout: std::time::Duration::from_secs(4),
            stall_timeout: std::time::Duration::from_secs(3),
            ..ecr::ClientOptions::default()
        },
    )
}

async fn copy_synthetic(
    src: &EcrClient,
    dst: &EcrClient,
    digest: Digest,
    target: &str,
) -> (Result<CopyReport, transfer::CopyFailure>, Vec<CopyProgress>) {
    let ends = CopyEnds {
        source: src,
        source_repo: "bench/src",
        target: dst,
        target_repo: target,
    };
    let items = [CopyItem {
        digest,
        tags: vec!["slow".into()],
    }];
    run(ends, &items, Some(&new_repo(target))).await
}

/// Issue 22, item 1: a part takes longer than any fixed timeout on a slow
/// uplink. Limited by progress, the copy finishes: every byte arrives, in
/// one upload per layer (nothing started over).
#[tokio::test]
async fn a_copy_over_a_slow_link_finishes() {
    let (server, src, _) = demo().await;
    let digest = synthetic_image(&server, 600_000);
    let dst = short_limits(&server);
    // 150 KB/s: the 600 KB part (800 KB in base64) takes over 5 s, more
    // than the 2 s attempt and 4 s operation timeouts together.
    server.knobs.set_upload_bps(150_000);
    let (result, progress) = copy_synthetic(&src, &dst, digest, "slow/link").await;
    let report = result.expect("the copy finishes over the slow link");
    assert_eq!(report.blobs_uploaded, 2, "the layer and the config");
    assert_eq!(
        server.knobs.count("InitiateLayerUpload"),
        2,
        "no upload started over"
    );
    assert!(progress.iter().all(|p| p.restarts == 0));
    let have = ecr::batch_check_layer_availability(
        &dst,
        "slow/link",
        &blobs_of(&src, "bench/src", digest).await.1,
    )
    .await
    .expect("check");
    assert_eq!(have.len(), 2, "every blob is there");
}

/// Time limits follow progress: a link that stops moving fails the part
/// after the stall timeout, saying so and naming the layer, long before the
/// size-based budget (about a minute here) would.
#[tokio::test]
async fn a_link_that_stops_fails_on_the_stall_not_the_budget() {
    let (server, src, _) = demo().await;
    // Larger than what the kernel's buffers can hide (a few MiB on
    // loopback), so the stop is seen while the part is being handed over.
    let digest = synthetic_image(&server, 7_000_000);
    let dst = short_limits(&server);
    // Small requests still get through; a part stops after 100 KB.
    server.knobs.set_stop_bodies_after(100_000);
    let t0 = std::time::Instant::now();
    let (result, _) = copy_synthetic(&src, &dst, digest, "slow/stopped").await;
    let err = result.expect_err("a stopped link fails");
    assert!(err.layer.is_some(), "names the layer: {err}");
    assert!(
        err.to_string().contains("no byte of the part moved"),
        "says why: {err}"
    );
    // Three tries of the layer, each ended by its stall (about 3 s once the
    // kernel's buffers are full), never by the budget (2 s + 9.3 MB at
    // 16 KiB/s, about ten minutes, per try).
    assert!(
        t0.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        t0.elapsed()
    );
    assert_eq!(
        server.knobs.count("InitiateLayerUpload"),
        4,
        "config once, layer thrice"
    );
    assert_eq!(server.knobs.count("PutImage"), 0, "nothing put");
    let layer = err.layer.expect("a layer");
    let have = ecr::batch_check_layer_availability(&dst, "slow/stopped", &[layer])
        .await
        .expect("check");
    assert!(have.is_empty(), "the stopped layer was never completed");
}

/// Issue 22, item 1: the server took a part but its answer never came; the
/// retry of that part is refused (as ECR refuses a part it already has),
/// and the layer's upload starts over cleanly, once.
#[tokio::test]
async fn a_part_taken_but_unanswered_starts_its_layer_over() {
    let (server, src, _) = demo().await;
    let digest = synthetic_image(&server, 300_000);
    let dst = short_limits(&server);
    server.knobs.inject(ecrscope::demo::Fault {
        operation: Some("UploadLayerPart".into()),
        kind: ecrscope::demo::FaultKind::HangAfterServing,
        count: 1,
        after: 0,
    });
    let (result, progress) = copy_synthetic(&src, &dst, digest, "slow/retry").await;
    let report = result.expect("the layer starts over and the copy finishes");
    assert_eq!(report.blobs_uploaded, 2);
    assert_eq!(
        progress.iter().map(|p| p.restarts).max(),
        Some(1),
        "one layer started over once"
    );
    assert_eq!(
        server.knobs.count("InitiateLayerUpload"),
        3,
        "two blobs, one of them twice"
    );
    let copied = ecr::describe_images(&dst, "slow/retry")
        .await
        .expect("images");
    assert_eq!(copied.len(), 1);
    assert_eq!(
        copied[0].digest, digest,
        "the same digest: every byte right"
    );
}

/// The newest signed image of the demo's payments/checkout (full seed), and
/// the source's own view of its referrers.
async fn signed_image(c: &EcrClient) -> (Digest, Vec<String>) {
    let images = ecr::describe_images(c, "payments/checkout")
        .await
        .expect("images");
    let newest = images
        .iter()
        .filter(|i| !i.tags.is_empty())
        .max_by_key(|i| i.pushed_at)
        .expect("a tagged image");
    (newest.digest, newest.tags.clone())
}

async fn copy_with_referrers(
    src: &EcrClient,
    dst: &EcrClient,
    digest: Digest,
    tags: &[String],
) -> Result<CopyReport, transfer::CopyFailure> {
    transfer::copy_images_with(
        CopyEnds {
            source: src,
            source_repo: "payments/checkout",
            target: dst,
            target_repo: "prod/checkout",
        },
        &[CopyItem {
            digest,
            tags: tags.to_vec(),
        }],
        Some(&new_repo("prod/checkout")),
        transfer::TagMoves::Allowed(&[]),
        &AtomicBool::new(false),
        &|_| {},
        true,
    )
    .await
}

/// A promoted image stays signed: its signature, its SBOM (and the SBOM's
/// own signature) and its provenance go with it to another account, with
/// their digests, so each still names it as its subject. A referrer the
/// target refuses is named with the target's reason and the image and the
/// other artifacts land; a rerun carries the one left.
#[tokio::test]
async fn a_copy_carries_referrers_and_names_the_one_refused() {
    let server = DemoServer::start(&SeedConfig::default())
        .await
        .expect("demo endpoint");
    let src = demo_client(&server, "AKIDEMO");
    let dst = demo_client(&server, "AKIDEMOSECOND");
    let (subject, tags) = signed_image(&src).await;
    let source_refs = ecr::list_image_referrers(&src, "payments/checkout", &subject)
        .await
        .expect("source referrers");
    assert_eq!(source_refs.len(), 3);
    // PutImage: the image first (once per tag), then the artifacts parents
    // first (signature, SBOM, provenance, the SBOM's signature): the
    // provenance is refused, as ECR refuses some referrer manifests.
    server.knobs.inject(ecrscope::demo::Fault {
        operation: Some("PutImage".into()),
        kind: ecrscope::demo::FaultKind::Error {
            code: "UnsupportedImageTypeException".into(),
            message: "The artifact type of the manifest is not supported".into(),
        },
        count: 1,
        after: u32::try_from(tags.len()).expect("few tags") + 2,
    });
    let report = copy_with_referrers(&src, &dst, subject, &tags)
        .await
        .expect("the image lands");
    assert_eq!(report.images.len(), 1);
    assert_eq!(report.artifacts_copied, 3, "{report:?}");
    assert_eq!(report.artifacts_refused.len(), 1, "{report:?}");
    let (which, why) = &report.artifacts_refused[0];
    let provenance = source_refs
        .iter()
        .find(|r| r.artifact_type.as_deref() == Some("application/vnd.in-toto+json"))
        .expect("provenance")
        .digest;
    assert_eq!(*which, Some(provenance));
    assert!(why.contains("not supported"), "{why}");
    let words = ecrscope::transfer::state::copied_words(&report, "prod/checkout");
    assert!(
        words.contains("With 3 signatures, SBOMs or attestations"),
        "{words}"
    );
    assert!(words.contains("Not copied"), "{words}");

    // In the target: the image, and its referrers by the same digests.
    let landed = ecr::find_images(&dst, "prod/checkout", &[ImageId::Digest(subject)])
        .await
        .expect("target images");
    assert_eq!(landed.len(), 1);
    let there = ecr::list_image_referrers(&dst, "prod/checkout", &subject)
        .await
        .expect("target referrers");
    let mut want: Vec<Digest> = source_refs
        .iter()
        .map(|r| r.digest)
        .filter(|d| *d != provenance)
        .collect();
    let mut got: Vec<Digest> = there.iter().map(|r| r.digest).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    let sbom = source_refs
        .iter()
        .find(|r| r.artifact_type.as_deref() == Some("application/spdx+json"))
        .expect("SBOM")
        .digest;
    let sbom_refs = ecr::list_image_referrers(&dst, "prod/checkout", &sbom)
        .await
        .expect("the SBOM's referrers");
    assert_eq!(sbom_refs.len(), 1, "the SBOM's own signature went too");

    // A rerun carries the refused one; nothing is uploaded twice (its
    // payload arrived before its manifest was refused).
    let again = copy_with_referrers(&src, &dst, subject, &tags)
        .await
        .expect("rerun");
    assert!(again.artifacts_refused.is_empty(), "{again:?}");
    assert_eq!(again.artifacts_copied, 4, "{again:?}");
    assert_eq!(again.blobs_uploaded, 0, "{again:?}");
    let there = ecr::list_image_referrers(&dst, "prod/checkout", &subject)
        .await
        .expect("target referrers");
    assert_eq!(there.len(), 3);
}

/// Cosign's tag scheme goes too, but a `sha256-<hex>.sig` tag the target
/// already has for other signatures is never moved: that artifact is named,
/// the target's tag is left as it was, and the image lands.
#[tokio::test]
async fn a_tag_scheme_signature_never_moves_the_targets_own() {
    let server = DemoServer::start(&SeedConfig::default())
        .await
        .expect("demo endpoint");
    let src = demo_client(&server, "AKIDEMO");
    let dst = demo_client(&server, "AKIDEMOSECOND");
    let (subject, tags) = signed_image(&src).await;
    let sig_tag = format!("sha256-{}.sig", subject.hex());
    // The source's referrer signature, also under cosign's tag.
    let refs = ecr::list_image_referrers(&src, "payments/checkout", &subject)
        .await
        .expect("referrers");
    let sig = refs
        .iter()
        .find(|r| {
            r.artifact_type
                .as_deref()
                .is_some_and(|t| t.contains("cosign"))
        })
        .expect("signature")
        .digest;
    let (docs, _) = ecr::batch_get_manifests(&src, "payments/checkout", &[ImageId::Digest(sig)])
        .await
        .expect("manifest");
    ecr::put_image(
        &src,
        "payments/checkout",
        &docs[0].manifest,
        Some("application/vnd.oci.image.manifest.v1+json"),
        Some(&sig_tag),
        None,
    )
    .await
    .expect("tag the signature");
    // The target already has its own signatures under that tag.
    ecr::create_repository(&dst, &new_repo("prod/checkout"))
        .await
        .expect("target repository");
    let theirs = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#;
    let theirs_digest = Digest::of_bytes(theirs.as_bytes());
    ecr::put_image(
        &dst,
        "prod/checkout",
        theirs,
        Some("application/vnd.oci.image.manifest.v1+json"),
        Some(&sig_tag),
        None,
    )
    .await
    .expect("the target's own signature tag");

    let report = copy_with_referrers(&src, &dst, subject, &tags)
        .await
        .expect("the image lands");
    assert_eq!(report.artifacts_copied, 3, "{report:?}");
    assert_eq!(report.artifacts_refused.len(), 1, "{report:?}");
    let (which, why) = &report.artifacts_refused[0];
    assert_eq!(*which, Some(sig));
    assert!(why.contains("left as it is"), "{why}");
    let tagged = ecr::find_images(&dst, "prod/checkout", &[ImageId::Tag(sig_tag)])
        .await
        .expect("the tag");
    assert_eq!(
        tagged[0].digest, theirs_digest,
        "the target's tag did not move"
    );
}
