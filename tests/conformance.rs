//! One conformance suite, two servers: the same ECR calls, through the app's
//! own `ecr` layer, against moto (a third-party ECR implementation) and
//! against the demo endpoint, comparing what a user would see. Where moto is
//! known to differ from ECR's documentation, the case says so, pins moto's
//! answer (so a moto upgrade that changes it is noticed) and holds the demo
//! to the documentation instead. The aws CLI is the independent client for
//! what the app's layer never asks (ECR's defaults without a filter).
#![allow(clippy::disallowed_methods)]
// #[tokio::test] blocks its own runtime: no UI thread here
// The guard serialises tests sharing one moto server; within a test only one
// task ever takes it, so holding it across awaits cannot deadlock.
#![allow(clippy::await_holding_lock)]

use crate::common;

use common::*;
use ecrscope::demo::{DemoServer, SeedConfig};
use ecrscope::ecr::{self, EcrClient, EcrError};
use ecrscope::model::{
    Digest, ImageId, ImageStatus, NewRepository, StorageClass, TagMutability, TagMutabilitySetting,
};

/// One server under test.
struct Peer {
    name: &'static str,
    url: String,
    c: EcrClient,
    /// Kept alive for the test (dropping it stops the demo endpoint).
    demo: Option<DemoServer>,
}

/// moto (reset, under the shared lock) and the demo endpoint with an empty
/// home registry.
async fn peers() -> (std::sync::MutexGuard<'static, ()>, Vec<Peer>) {
    let guard = moto_lock();
    let url = moto_url();
    moto_reset(&url).await;
    let moto = Peer {
        name: "moto",
        c: moto_client(&url, "us-east-1"),
        url,
        demo: None,
    };
    let server = DemoServer::start(&SeedConfig::small())
        .await
        .expect("demo endpoint");
    server.with_store(|s| {
        s.repos.clear();
        s.rules.clear();
        s.admin = ecrscope::demo::Admin::default();
        s.secrets.clear();
    });
    let demo = Peer {
        name: "demo",
        c: moto_client(&server.url(), "us-east-1"),
        url: server.url(),
        demo: Some(server),
    };
    (guard, vec![moto, demo])
}

async fn create(c: &EcrClient, name: &str, mode: TagMutability) {
    ecr::create_repository(
        c,
        &NewRepository {
            name: name.into(),
            tag_mutability: TagMutabilitySetting {
                mode,
                exclusion_filters: Vec::new(),
            },
            ..Default::default()
        },
    )
    .await
    .expect("create");
}

async fn push(c: &EcrClient, repo: &str, seed: &str, tag: Option<&str>) -> Digest {
    let m = manifest(seed);
    let d = Digest::of_bytes(m.as_bytes());
    ecr::put_image(
        c,
        repo,
        &m,
        Some("application/vnd.oci.image.manifest.v1+json"),
        tag,
        Some(&d),
    )
    .await
    .expect("put image");
    d
}

/// What a user sees of an error: its kind, and for "not found" what is gone.
fn seen<T: std::fmt::Debug>(r: Result<T, EcrError>) -> String {
    match r {
        Ok(v) => format!("ok {v:?}"),
        Err(e) if e.is_repository_gone() => "repository gone".into(),
        Err(e) if e.is_image_gone() => "image gone".into(),
        Err(e) => e.kind().to_owned(),
    }
}

/// Asserts both peers saw the same, and that it is `expected`.
fn same(case: &str, answers: &[(&str, String)], expected: &str) {
    for (peer, got) in answers {
        assert_eq!(got, expected, "{case}: {peer}");
    }
}

#[tokio::test]
async fn a_created_repository_reads_back_the_same() {
    let (_g, peers) = peers().await;
    let mut seen_by = Vec::new();
    for p in &peers {
        create(&p.c, "team/api", TagMutability::Immutable).await;
        let r = ecr::describe_repository(&p.c, "team/api")
            .await
            .expect("describe");
        assert_eq!(r.registry_id.len(), 12, "{}: a 12-digit account", p.name);
        assert!(
            r.uri.ends_with(".dkr.ecr.us-east-1.amazonaws.com/team/api"),
            "{}: {}",
            p.name,
            r.uri
        );
        assert!(r.arn.ends_with(":repository/team/api"), "{}", p.name);
        assert!(r.created_at.is_some(), "{}: createdAt present", p.name);
        seen_by.push((
            p.name,
            format!(
                "{} {:?} {:?} scan_on_push={}",
                r.name, r.tag_mutability.mode, r.encryption.kind, r.scan_on_push
            ),
        ));
    }
    same(
        "create then describe",
        &seen_by,
        "team/api Immutable Aes256 scan_on_push=false",
    );
}

#[tokio::test]
async fn the_same_bad_input_gives_the_same_error_kind() {
    let (_g, peers) = peers().await;
    // (case, what each peer saw, what ECR's documentation says)
    type Case = (&'static str, Vec<(&'static str, String)>, &'static str);
    let mut cases: Vec<Case> = Vec::new();
    let mut add =
        |case: &'static str, peer: &'static str, got: String, expected: &'static str| match cases
            .iter_mut()
            .find(|c| c.0 == case)
        {
            Some(c) => c.1.push((peer, got)),
            None => cases.push((case, vec![(peer, got)], expected)),
        };
    for p in &peers {
        let c = &p.c;
        create(c, "app", TagMutability::Immutable).await;
        let d = push(c, "app", "one", Some("v1")).await;
        let dup = ecr::create_repository(
            c,
            &NewRepository {
                name: "app".into(),
                ..Default::default()
            },
        )
        .await;
        add(
            "create an existing repository",
            p.name,
            seen(dup),
            "invalid input",
        );
        add(
            "describe a missing repository",
            p.name,
            seen(ecr::describe_repository(c, "missing").await),
            "repository gone",
        );
        add(
            "images of a missing repository",
            p.name,
            seen(ecr::describe_images(c, "missing").await.map(|l| l.len())),
            "repository gone",
        );
        let ghost = ImageId::Digest(Digest::of_bytes(b"ghost"));
        add(
            "describe a missing image",
            p.name,
            seen(ecr::describe_images_by_id(c, "app", std::slice::from_ref(&ghost)).await),
            "image gone",
        );
        let moved = ecr::put_image(
            c,
            "app",
            &manifest("two"),
            Some("application/vnd.oci.image.manifest.v1+json"),
            Some("v1"),
            None,
        )
        .await;
        add(
            "move a tag in an immutable repository",
            p.name,
            seen(moved),
            "tag exists",
        );
        add(
            "delete a repository that holds images, without force",
            p.name,
            seen(ecr::delete_repository(c, "app", false).await),
            "invalid input",
        );
        let deleted = ecr::batch_delete_images(c, "app", &[ghost]).await;
        add(
            "batch-delete a missing image: a failure, not an error",
            p.name,
            match deleted {
                Ok(r) => format!("{} done, {} failed", r.done.len(), r.failures.len()),
                Err(e) => e.kind().to_owned(),
            },
            "0 done, 1 failed",
        );
        add(
            "lifecycle policy of a repository without one",
            p.name,
            seen(ecr::get_lifecycle_policy(c, "app").await),
            "ok None",
        );
        add(
            "a lifecycle policy that is not JSON",
            p.name,
            seen(ecr::put_lifecycle_policy(c, "app", "{not json").await),
            "invalid input",
        );
        let first = ecr::start_image_scan(c, "app", &d).await;
        assert!(first.is_ok(), "{}: first scan {first:?}", p.name);
        add(
            "a second basic scan within 24 hours",
            p.name,
            seen(ecr::start_image_scan(c, "app", &d).await),
            "scan quota",
        );
    }
    for (case, answers, expected) in &cases {
        same(case, answers, expected);
    }
    assert_eq!(cases.len(), 10);
}

#[tokio::test]
async fn images_list_and_read_the_same() {
    let (_g, peers) = peers().await;
    let mut views = Vec::new();
    for p in &peers {
        let c = &p.c;
        create(c, "web", TagMutability::Mutable).await;
        let a = push(c, "web", "a", Some("v1")).await;
        ecr::retag_image(c, "web", &a, "latest")
            .await
            .expect("retag");
        push(c, "web", "b", Some("v2")).await;
        push(c, "web", "c", None).await;
        let mut images = ecr::describe_images(c, "web").await.expect("describe");
        images.sort_by_key(|i| i.digest);
        let rows: Vec<String> = images
            .iter()
            .map(|i| {
                let mut tags = i.tags.clone();
                tags.sort();
                assert!(i.size_bytes > 0, "{}: imageSizeInBytes present", p.name);
                assert!(i.pushed_at.is_some(), "{}: imagePushedAt present", p.name);
                format!(
                    "{} {tags:?} {:?} {:?} pulled={}",
                    i.digest.short(),
                    i.manifest,
                    i.status,
                    i.last_pull.is_some()
                )
            })
            .collect();
        let mut ids = ecr::list_image_ids(c, "web").await.expect("list");
        ids.sort();
        let (docs, failures) = ecr::batch_get_manifests(c, "web", &[ImageId::Digest(a)])
            .await
            .expect("batch get");
        assert!(failures.is_empty(), "{}", p.name);
        assert_eq!(
            docs.first().map(|d| d.manifest.as_str()),
            Some(manifest("a").as_str()),
            "{}: the manifest bytes come back as pushed",
            p.name
        );
        views.push((p.name, format!("{rows:#?}\n{ids:?}")));
    }
    assert_eq!(views[0].1, views[1].1, "moto and the demo list the same");
}

#[tokio::test]
async fn tag_mutability_and_scanning_settings_round_trip_the_same() {
    let (_g, peers) = peers().await;
    let mut views = Vec::new();
    for p in &peers {
        let c = &p.c;
        create(c, "svc", TagMutability::Mutable).await;
        let set = TagMutabilitySetting {
            mode: TagMutability::ImmutableWithExclusion,
            exclusion_filters: vec!["latest".into(), "dev-*".into()],
        };
        ecr::put_image_tag_mutability(c, "svc", &set)
            .await
            .expect("put mutability");
        ecr::put_image_scanning_configuration(c, "svc", true)
            .await
            .expect("scan on push");
        let r = ecr::describe_repository(c, "svc").await.expect("describe");
        views.push((
            p.name,
            format!(
                "{:?} {:?} {}",
                r.tag_mutability.mode, r.tag_mutability.exclusion_filters, r.scan_on_push
            ),
        ));
    }
    same(
        "mutability with exclusions, scan on push",
        &views,
        r#"ImmutableWithExclusion ["latest", "dev-*"] true"#,
    );
}

#[tokio::test]
async fn an_expire_policy_round_trips_the_same() {
    let (_g, peers) = peers().await;
    let text = r#"{"rules":[{"rulePriority":1,"description":"untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;
    for p in &peers {
        create(&p.c, "lc", TagMutability::Mutable).await;
        ecr::put_lifecycle_policy(&p.c, "lc", text)
            .await
            .expect("put");
        let got = ecr::get_lifecycle_policy(&p.c, "lc")
            .await
            .expect("get")
            .expect("a policy");
        let a: serde_json::Value = serde_json::from_str(&got.text).expect("json");
        let b: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(a, b, "{}: the policy reads back as put", p.name);
    }
}

/// ECR's documentation accepts archive-era rules (its own example, below).
/// moto validates lifecycle policies as before the archive launch: the case
/// pins what moto answers and holds the demo to the documentation.
#[tokio::test]
async fn archive_era_lifecycle_rules_moto_differs_the_demo_follows_ecr() {
    let (_g, peers) = peers().await;
    let text = r#"{"rules":[{"rulePriority":1,"description":"Archive images not pulled in 90 days","selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90},"action":{"type":"transition","targetStorageClass":"archive"}},{"rulePriority":2,"description":"Expire archived images after 365 days","selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":365},"action":{"type":"expire"}}]}"#;
    assert!(
        ecrscope::lifecycle_policy::parse(text).is_ok(),
        "the app's own check accepts ECR's example"
    );
    for p in &peers {
        create(&p.c, "lc", TagMutability::Mutable).await;
        let put = ecr::put_lifecycle_policy(&p.c, "lc", text).await;
        match p.name {
            "demo" => assert!(put.is_ok(), "demo follows ECR's documentation: {put:?}"),
            _ => assert_eq!(
                seen(put),
                "invalid input",
                "moto refuses archive-era rules (known difference)"
            ),
        }
    }
}

/// ECR: "If not specified, only images with ACTIVE status are returned."
/// moto has no archive (no UpdateImageStorageClass, no imageStatus): the
/// case pins that and holds the demo to the documentation, checked with the
/// aws CLI (the app itself always asks for every status).
// The aws CLI blocks this thread: the demo endpoint serves from another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_without_a_status_filter_shows_active_images_only() {
    let (_g, peers) = peers().await;
    for p in &peers {
        create(&p.c, "arch", TagMutability::Mutable).await;
        let keep = push(&p.c, "arch", "keep", Some("keep")).await;
        let old = push(&p.c, "arch", "old", Some("old")).await;
        let archived =
            ecr::update_image_storage_class(&p.c, "arch", &old, StorageClass::Archive).await;
        if p.name == "moto" {
            assert_eq!(
                seen(archived),
                "not supported",
                "moto lacks UpdateImageStorageClass (known difference)"
            );
            continue;
        }
        assert_eq!(archived.expect("archive"), ImageStatus::Archived);
        let default = aws_json(&p.url, &["ecr", "list-images", "--repository-name", "arch"]);
        let ids = default["imageIds"].as_array().map_or(0, Vec::len);
        assert_eq!(ids, 1, "ACTIVE only by default: {default}");
        let any = aws_json(
            &p.url,
            &[
                "ecr",
                "describe-images",
                "--repository-name",
                "arch",
                "--filter",
                "imageStatus=ANY",
            ],
        );
        assert_eq!(any["imageDetails"].as_array().map_or(0, Vec::len), 2);
        let archived_only = aws_json(
            &p.url,
            &[
                "ecr",
                "describe-images",
                "--repository-name",
                "arch",
                "--filter",
                "imageStatus=ARCHIVED",
            ],
        );
        let details = &archived_only["imageDetails"][0];
        assert_eq!(details["imageStatus"], "ARCHIVED");
        assert!(details["lastArchivedAt"].is_number(), "{details}");
        // The app's layer sees both, with their status.
        let mut all = ecr::describe_images(&p.c, "arch").await.expect("describe");
        all.sort_by_key(|i| i.digest != keep);
        assert_eq!(
            all.iter().map(|i| i.status).collect::<Vec<_>>(),
            [ImageStatus::Active, ImageStatus::Archived]
        );
        // Archived images cannot be pulled or scanned.
        let (_, failures) = ecr::batch_get_manifests(&p.c, "arch", &[ImageId::Digest(old)])
            .await
            .expect("batch get");
        assert_eq!(failures.len(), 1, "an archived image is not pulled");
        assert_eq!(
            seen(ecr::start_image_scan(&p.c, "arch", &old).await),
            "invalid input"
        );
        // Restoring passes through ACTIVATING.
        let restored = ecr::update_image_storage_class(&p.c, "arch", &old, StorageClass::Standard)
            .await
            .expect("restore");
        assert_eq!(restored, ImageStatus::Activating);
        assert!(p.demo.is_some());
    }
}

/// ECR pages DescribeImages (maxResults 1..1000, with nextToken); moto
/// answers every image in one page whatever maxResults says. The case pins
/// both, with the aws CLI asking for pages of 1.
// The aws CLI blocks this thread: the demo endpoint serves from another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_moto_differs_the_demo_follows_ecr() {
    let (_g, peers) = peers().await;
    for p in &peers {
        create(&p.c, "pages", TagMutability::Mutable).await;
        for n in 0..3 {
            push(&p.c, "pages", &format!("p{n}"), Some(&format!("t{n}"))).await;
        }
        let page = aws_json(
            &p.url,
            &[
                "ecr",
                "describe-images",
                "--repository-name",
                "pages",
                "--max-results",
                "1",
                "--no-paginate",
            ],
        );
        let n = page["imageDetails"].as_array().map_or(0, Vec::len);
        let token = page
            .get("nextToken")
            .is_some_and(serde_json::Value::is_string);
        match p.name {
            "demo" => assert_eq!((n, token), (1, true), "one image and a token"),
            _ => assert_eq!(
                (n, token),
                (3, false),
                "moto ignores maxResults (known difference)"
            ),
        }
        // The app's layer gets all three either way.
        assert_eq!(
            ecr::describe_images(&p.c, "pages")
                .await
                .expect("describe")
                .len(),
            3,
            "{}",
            p.name
        );
    }
}

#[tokio::test]
async fn the_login_token_has_the_same_shape() {
    let (_g, peers) = peers().await;
    for p in &peers {
        let t = ecr::get_authorization_token(&p.c).await.expect("token");
        assert!(
            t.proxy_endpoint.starts_with("https://")
                && t.proxy_endpoint
                    .contains(".dkr.ecr.us-east-1.amazonaws.com"),
            "{}: {}",
            p.name,
            t.proxy_endpoint
        );
        // The token decoded as AWS:<password> (else the call fails).
        assert!(!t.password().is_empty(), "{}", p.name);
        assert!(t.expires_at.is_some(), "{}: expiresAt present", p.name);
    }
}

/// The rest of what moto implements: the registry, registry scanning and
/// what it gives each repository, a scan's findings, deleting a lifecycle
/// policy, a repository without a policy. (moto has no pull-through cache
/// rules, lifecycle preview or GetDownloadUrlForLayer: those are held to
/// ECR's documentation in tests/ecr_demo.rs.)
#[tokio::test]
async fn registry_scanning_findings_and_policies_read_the_same() {
    use ecrscope::model::{RegistryScanRule, RegistryScanningConfig, ScanFrequency, ScanType};
    let (_g, peers) = peers().await;
    let mut views = Vec::new();
    for p in &peers {
        let c = &p.c;
        let info = ecr::describe_registry(c).await.expect("registry");
        assert_eq!(info.registry_id.len(), 12, "{}", p.name);
        create(c, "team/a", TagMutability::Mutable).await;
        create(c, "other", TagMutability::Mutable).await;
        let cfg = RegistryScanningConfig {
            scan_type: ScanType::Basic,
            rules: vec![RegistryScanRule {
                frequency: ScanFrequency::ScanOnPush,
                filters: vec!["team/*".into()],
            }],
        };
        let back = ecr::put_registry_scanning_configuration(c, &cfg)
            .await
            .expect("put scanning");
        let read = ecr::get_registry_scanning_configuration(c)
            .await
            .expect("get scanning");
        assert_eq!(back, read, "{}: the answer is what a re-read says", p.name);
        let mut per =
            ecr::batch_get_repository_scanning_configuration(c, &["team/a".into(), "other".into()])
                .await
                .expect("per repository");
        per.sort_by(|a, b| a.repository.cmp(&b.repository));
        let d = push(c, "team/a", "scanned", Some("v1")).await;
        ecr::start_image_scan(c, "team/a", &d).await.expect("scan");
        // Both finish a basic scan within seconds; poll like the app does.
        let mut report = ecr::describe_image_scan_findings(c, "team/a", &d).await;
        for _ in 0..40 {
            if report
                .as_ref()
                .is_ok_and(|r| r.status.as_ref().is_some_and(|s| !s.is_running()))
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            report = ecr::describe_image_scan_findings(c, "team/a", &d).await;
        }
        let report = report.expect("findings");
        assert!(!report.enhanced, "{}: basic findings", p.name);
        assert!(
            report.completed_at.is_some(),
            "{}: imageScanCompletedAt present",
            p.name
        );
        assert_eq!(
            report.counts.total() as usize,
            report.findings.len(),
            "{}: the summary counts the findings",
            p.name
        );
        ecr::put_lifecycle_policy(
            c,
            "other",
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#,
        )
        .await
        .expect("put policy");
        ecr::delete_lifecycle_policy(c, "other")
            .await
            .expect("delete policy");
        views.push((
            p.name,
            format!(
                "{:?} {:?} {:?} {} {}",
                read.scan_type,
                read.rules,
                per.iter()
                    .map(|r| (r.repository.as_str(), r.frequency))
                    .collect::<Vec<_>>(),
                seen(ecr::get_lifecycle_policy(c, "other").await),
                seen(ecr::get_repository_policy(c, "other").await),
            ),
        ));
    }
    assert_eq!(views[0].1, views[1].1, "moto and the demo read the same");
}

/// Repository resource tags: TagResource, ListTagsForResource, UntagResource
/// through the app's layer on both servers, read back with the aws CLI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_tags_round_trip_the_same() {
    let (_g, peers) = peers().await;
    for p in &peers {
        create(&p.c, "tagged", TagMutability::Mutable).await;
        let arn = ecr::describe_repository(&p.c, "tagged")
            .await
            .expect("describe")
            .arn;
        ecr::tag_resource(
            &p.c,
            &arn,
            &[
                ("team".into(), "payments".into()),
                ("cost-centre".into(), "42".into()),
            ],
        )
        .await
        .expect("tag");
        assert_eq!(
            ecr::list_tags_for_resource(&p.c, &arn).await.expect("list"),
            [
                ("cost-centre".to_owned(), "42".to_owned()),
                ("team".to_owned(), "payments".to_owned())
            ],
            "{}",
            p.name
        );
        ecr::untag_resource(&p.c, &arn, &["cost-centre".into()])
            .await
            .expect("untag");
        let cli = aws_json(
            &p.url,
            &["ecr", "list-tags-for-resource", "--resource-arn", &arn],
        );
        assert_eq!(
            cli["tags"],
            serde_json::json!([{"Key": "team", "Value": "payments"}]),
            "{}: the aws CLI reads what the app wrote",
            p.name
        );
    }
}

/// The layer API a copy uses (InitiateLayerUpload, UploadLayerPart in
/// order, CompleteLayerUpload, BatchCheckLayerAvailability): the same on
/// both servers, availability per repository included. One known
/// difference: ECR's documentation says CompleteLayerUpload refuses a digest
/// that does not match the bytes ("InvalidLayerException: The layer digest
/// calculation performed by Amazon ECR upon receipt of the image layer does
/// not match the digest specified"); moto accepts it and files the layer
/// under the digest it computed. The case pins moto's answer and holds the
/// demo to the documentation.
#[tokio::test]
async fn layer_uploads_read_the_same() {
    let (_g, peers) = peers().await;
    let bytes: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
    let digest = Digest::of_bytes(&bytes);
    let other = Digest::of_bytes(b"not uploaded");
    let mut answers = Vec::new();
    for p in &peers {
        create(&p.c, "layers/a", TagMutability::Mutable).await;
        create(&p.c, "layers/b", TagMutability::Mutable).await;
        let up = ecr::initiate_layer_upload(&p.c, "layers/a")
            .await
            .expect("initiate");
        assert!(
            up.part_size > 0 && up.part_size <= ecr::MAX_PART,
            "{}",
            p.name
        );
        ecr::upload_layer_part(&p.c, "layers/a", &up, 0, bytes[..1000].to_vec())
            .await
            .expect("part 1");
        // A part that does not start where the last one ended.
        let gap = ecr::upload_layer_part(&p.c, "layers/a", &up, 1500, bytes[1500..].to_vec()).await;
        ecr::upload_layer_part(&p.c, "layers/a", &up, 1000, bytes[1000..].to_vec())
            .await
            .expect("part 2");
        let before = ecr::batch_check_layer_availability(&p.c, "layers/a", &[digest])
            .await
            .expect("check");
        ecr::complete_layer_upload(&p.c, "layers/a", &up, &digest)
            .await
            .expect("complete");
        let in_a = ecr::batch_check_layer_availability(&p.c, "layers/a", &[digest, other])
            .await
            .expect("check a");
        let in_b = ecr::batch_check_layer_availability(&p.c, "layers/b", &[digest])
            .await
            .expect("check b");
        answers.push((
            p.name,
            format!(
                "gap refused: {}; before: {}; after in a: {} of 2 ({}); in b: {}",
                gap.is_err(),
                before.len(),
                in_a.len(),
                in_a.contains(&digest),
                in_b.len()
            ),
        ));
    }
    same(
        "layer upload",
        &answers,
        "gap refused: true; before: 0; after in a: 1 of 2 (true); in b: 0",
    );
    for p in &peers {
        let up = ecr::initiate_layer_upload(&p.c, "layers/b")
            .await
            .expect("initiate");
        ecr::upload_layer_part(&p.c, "layers/b", &up, 0, b"abc".to_vec())
            .await
            .expect("part");
        let wrong =
            ecr::complete_layer_upload(&p.c, "layers/b", &up, &Digest::of_bytes(b"abd")).await;
        match p.name {
            "demo" => assert!(wrong.is_err(), "demo follows ECR's documentation"),
            _ => assert!(
                wrong.is_ok(),
                "moto accepts a wrong digest (known difference)"
            ),
        }
    }
    // The same part sent twice (a retry after the first one's answer was
    // lost): refused by both, as ECR documents for UploadLayerPart
    // ("InvalidLayerPartException: ... the first byte specified is not
    // consecutive to the last byte of a previous layer part upload", ECR API
    // reference). The copy then starts that layer's upload over.
    let mut repeats = Vec::new();
    for p in &peers {
        let up = ecr::initiate_layer_upload(&p.c, "layers/b")
            .await
            .expect("initiate");
        ecr::upload_layer_part(&p.c, "layers/b", &up, 0, b"abc".to_vec())
            .await
            .expect("part");
        let again = ecr::upload_layer_part(&p.c, "layers/b", &up, 0, b"abc".to_vec()).await;
        repeats.push((
            p.name,
            format!(
                "refused: {}",
                again.is_err_and(|e| matches!(e, ecr::EcrError::InvalidInput { .. }))
            ),
        ));
    }
    same("a part sent twice", &repeats, "refused: true");
}

/// DeleteRepositoryPolicy on both servers: the policy goes, the read says
/// none, a second delete is refused the same way (RepositoryPolicyNotFound,
/// which ECR documents for a repository without a policy:
/// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepositoryPolicy.html).
#[tokio::test]
async fn deleting_a_repository_policy_reads_back_the_same() {
    let (_g, peers) = peers().await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage"]}]}"#;
    let mut answers = Vec::new();
    for p in &peers {
        create(&p.c, "guarded", TagMutability::Mutable).await;
        ecr::set_repository_policy(&p.c, "guarded", policy)
            .await
            .expect("set");
        let before = ecr::get_repository_policy(&p.c, "guarded").await;
        let deleted = ecr::delete_repository_policy(&p.c, "guarded").await;
        let after = ecr::get_repository_policy(&p.c, "guarded").await;
        let again = ecr::delete_repository_policy(&p.c, "guarded").await;
        answers.push((
            p.name,
            format!(
                "{} {} {} {}",
                before
                    .map(|t| t.is_some())
                    .map_or("err", |s| if s { "some" } else { "none" }),
                seen(deleted),
                seen(after),
                seen(again),
            ),
        ));
    }
    same(
        "delete repository policy",
        &answers,
        "some ok () ok None not found",
    );
}

/// STS AssumeRole (role chains, MFA roles) on the demo endpoint answers as
/// moto does, read by the aws CLI: the same fields, the same assumed-role
/// ARN. moto accepts any MFA code; the demo refuses a wrong one with
/// AccessDenied (HTTP 403), as STS's API reference documents for
/// "MultiFactorAuthentication failed" (AssumeRole, Errors). Multi-threaded:
/// the aws CLI blocks this thread while the demo endpoint answers on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assume_role_answers_the_same() {
    let (_g, peers) = peers().await;
    let role = "arn:aws:iam::123456789012:role/reader";
    let mut shapes = Vec::new();
    for p in &peers {
        let v = aws_json(
            &p.url,
            &[
                "sts",
                "assume-role",
                "--role-arn",
                role,
                "--role-session-name",
                "sess",
            ],
        );
        let keys = |o: &serde_json::Value| {
            let mut k: Vec<String> = o
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            k.sort();
            k
        };
        let creds = keys(&v["Credentials"]);
        let arn = v["AssumedRoleUser"]["Arn"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        shapes.push((p.name, format!("{creds:?} {arn}")));
    }
    same(
        "AssumeRole",
        &shapes,
        r#"["AccessKeyId", "Expiration", "SecretAccessKey", "SessionToken"] arn:aws:sts::123456789012:assumed-role/reader/sess"#,
    );
    let demo = peers.iter().find(|p| p.name == "demo").expect("demo");
    let out = aws_cli(&demo.url)
        .args([
            "sts",
            "assume-role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/mfa-admin",
            "--role-session-name",
            "sess",
            "--serial-number",
            "arn:aws:iam::123456789012:mfa/a",
            "--token-code",
            "654321",
        ])
        .output()
        .expect("aws CLI");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("AccessDenied") && err.contains("MultiFactorAuthentication failed"),
        "{err}"
    );
}

/// ListImageReferrers, which moto lacks: moto answers it with an HTML 500
/// (what the app's fallback to cosign's tag scheme is tried against), and
/// the demo's answer is held to ECR's API reference
/// (docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImageReferrers.html
/// and API_ImageReferrer.html), read by the aws CLI (botocore's model of
/// the call): with no filter only ACTIVE artifacts are listed; the
/// `artifactStatus` filter ANY lists an archived one with its status;
/// `artifactTypes` keeps the listed types; `maxResults` pages with a
/// nextToken and the next page goes on; each referrer carries digest,
/// mediaType, size, artifactType and annotations; the app's own layer
/// reads all of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_image_referrers_as_documented_and_absent_from_moto() {
    let (_g, peers) = peers().await;
    let moto = peers.iter().find(|p| p.name == "moto").expect("moto");
    create(&moto.c, "signed/app", TagMutability::Mutable).await;
    let out = aws_cli(&moto.url)
        .args([
            "ecr",
            "list-image-referrers",
            "--repository-name",
            "signed/app",
            "--subject-id",
            &format!("imageDigest=sha256:{}", "a".repeat(64)),
            "--cli-read-timeout",
            "5",
        ])
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .expect("aws CLI");
    assert!(!out.status.success(), "moto has no ListImageReferrers");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("500"), "{said}");
    let e = ecr::list_image_referrers(
        &moto.c,
        "signed/app",
        &Digest::parse(&format!("sha256:{}", "a".repeat(64))).expect("digest"),
    )
    .await
    .expect_err("moto has no ListImageReferrers");
    assert!(
        ecrscope::supply_chain::state::means_no_referrers_api(&e),
        "the app falls back on moto's answer: {e:?}"
    );

    // The demo with its full seed: payments/checkout's newest image carries
    // a signature, an SBOM and a provenance statement.
    let demo = DemoServer::start(&SeedConfig::default())
        .await
        .expect("demo endpoint");
    let subject = demo
        .with_store(|s| {
            let repo = &s.repos["payments/checkout"];
            repo.images
                .iter()
                .filter(|i| !i.tags.is_empty())
                .max_by(|a, b| a.pushed_at.total_cmp(&b.pushed_at))
                .map(|i| i.digest.to_string())
        })
        .flatten()
        .expect("a signed image");
    let list = |extra: &[&str]| {
        let mut args = vec![
            "ecr",
            "list-image-referrers",
            "--repository-name",
            "payments/checkout",
            "--subject-id",
        ];
        let id = format!("imageDigest={subject}");
        args.push(&id);
        args.extend_from_slice(extra);
        aws_json(&demo.url(), &args)
    };
    let all = list(&[]);
    let referrers = all["referrers"].as_array().expect("referrers");
    let mut types: Vec<&str> = referrers
        .iter()
        .map(|r| r["artifactType"].as_str().unwrap_or(""))
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "application/spdx+json",
            "application/vnd.dev.cosign.artifact.sig.v1+json",
            "application/vnd.in-toto+json"
        ]
    );
    for r in referrers {
        assert!(
            r["digest"]
                .as_str()
                .is_some_and(|d| d.starts_with("sha256:"))
        );
        assert_eq!(r["mediaType"], "application/vnd.oci.image.manifest.v1+json");
        assert!(r["size"].as_i64().is_some_and(|n| n > 0));
        assert_eq!(r["artifactStatus"], "ACTIVE");
        assert!(r["annotations"]["org.opencontainers.image.created"].is_string());
    }
    // Archive the provenance: gone without a filter, ARCHIVED under ANY.
    let provenance = referrers
        .iter()
        .find(|r| r["artifactType"] == "application/vnd.in-toto+json")
        .and_then(|r| r["digest"].as_str())
        .expect("provenance")
        .to_owned();
    demo.with_store(|s| {
        let repo = s.repos.get_mut("payments/checkout").expect("repo");
        let img = repo
            .images
            .iter_mut()
            .find(|i| i.digest.to_string() == provenance)
            .expect("provenance image");
        img.archive.archived = true;
        img.archive.archived_at = Some(ecr_demo_now());
    });
    assert_eq!(list(&[])["referrers"].as_array().map(Vec::len), Some(2));
    let any = list(&["--filter", "artifactStatus=ANY"]);
    let archived: Vec<&serde_json::Value> = any["referrers"]
        .as_array()
        .expect("referrers")
        .iter()
        .filter(|r| r["artifactStatus"] == "ARCHIVED")
        .collect();
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0]["digest"], provenance.as_str());
    let sboms = list(&["--filter", "artifactTypes=application/spdx+json"]);
    assert_eq!(
        sboms["referrers"].as_array().map(Vec::len),
        Some(1),
        "{sboms}"
    );
    let page = list(&["--max-results", "1", "--no-paginate"]);
    assert_eq!(page["referrers"].as_array().map(Vec::len), Some(1));
    let token = page["nextToken"].as_str().expect("a next page").to_owned();
    let next = list(&[
        "--max-results",
        "1",
        "--no-paginate",
        "--next-token",
        &token,
    ]);
    assert_ne!(
        next["referrers"][0]["digest"],
        page["referrers"][0]["digest"]
    );
    // The app's own layer: every status, every page.
    let c = moto_client(&demo.url(), "us-east-1");
    let read = ecr::list_image_referrers(
        &c,
        "payments/checkout",
        &Digest::parse(&subject).expect("digest"),
    )
    .await
    .expect("referrers");
    assert_eq!(read.len(), 3);
    assert!(
        read.iter()
            .any(|r| r.status == ecrscope::model::ImageStatus::Archived)
    );
}

fn ecr_demo_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// ECR managed signing, which moto lacks (it answers an HTML 500, which
/// the app reads as "no such call" and says so in the overview): the demo's
/// four calls held to ECR's API reference (API_GetSigningConfiguration,
/// API_PutSigningConfiguration, API_DeleteSigningConfiguration,
/// API_DescribeImageSigningStatus, API_SigningRule,
/// API_SigningRepositoryFilter) through the aws CLI: the documented shapes,
/// SigningConfigurationNotFoundException without a configuration (read and
/// delete), a rule refused by the documented pattern, a put read back, and
/// an image's status per covering profile; the app's own layer reads the
/// same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_signing_as_documented_and_absent_from_moto() {
    let (_g, peers) = peers().await;
    let moto = peers.iter().find(|p| p.name == "moto").expect("moto");
    let e = ecr::get_signing_configuration(&moto.c)
        .await
        .expect_err("moto has no GetSigningConfiguration");
    assert!(matches!(e, EcrError::NotSupported { .. }), "{e:?}");

    let demo = DemoServer::start(&SeedConfig::default())
        .await
        .expect("demo endpoint");
    let url = demo.url();
    let cli_err = |args: &[&str]| {
        let out = aws_cli(&url).args(args).output().expect("aws CLI");
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let seeded = aws_json(&url, &["ecr", "get-signing-configuration"]);
    assert_eq!(seeded["registryId"], "123456789012");
    let rule = &seeded["signingConfiguration"]["rules"][0];
    assert!(
        rule["signingProfileArn"]
            .as_str()
            .is_some_and(|a| a.contains(":signer:"))
    );
    assert_eq!(rule["repositoryFilters"][0]["filterType"], "WILDCARD_MATCH");
    let bad = cli_err(&[
        "ecr",
        "put-signing-configuration",
        "--signing-configuration",
        r#"{"rules":[{"signingProfileArn":"arn:aws:signer:us-east-1:123456789012:/signing-profiles/x"}]}"#,
    ]);
    assert!(bad.contains("InvalidParameterException"), "{bad}");
    let config = r#"{"rules":[{"signingProfileArn":"arn:aws:signer:us-east-1:123456789012:/signing-profiles/prod_signer","repositoryFilters":[{"filter":"payments/*","filterType":"WILDCARD_MATCH"}]},{"signingProfileArn":"arn:aws:signer:us-east-1:123456789012:/signing-profiles/all_repos"}]}"#;
    let put = aws_json(
        &url,
        &[
            "ecr",
            "put-signing-configuration",
            "--signing-configuration",
            config,
        ],
    );
    assert_eq!(
        put["signingConfiguration"]["rules"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let c = moto_client(&url, "us-east-1");
    let read = ecr::get_signing_configuration(&c)
        .await
        .expect("read")
        .expect("a configuration");
    assert_eq!(read.rules.len(), 2);
    assert_eq!(read.rules[0].filters, ["payments/*"]);
    assert!(read.rules[1].filters.is_empty() && read.rules[1].covers("web/frontend"));
    // An image pushed now, under both rules: one status per profile.
    let pushed = demo
        .with_store(|s| {
            let repo = s.repos.get_mut("payments/checkout").expect("repo");
            let img = repo.images.first_mut().expect("an image");
            img.pushed_at = ecr_demo_now() + 1.0;
            img.digest.to_string()
        })
        .expect("store");
    let status = aws_json(
        &url,
        &[
            "ecr",
            "describe-image-signing-status",
            "--repository-name",
            "payments/checkout",
            "--image-id",
            &format!("imageDigest={pushed}"),
        ],
    );
    assert_eq!(status["repositoryName"], "payments/checkout");
    assert_eq!(status["signingStatuses"].as_array().map(Vec::len), Some(2));
    assert_eq!(status["signingStatuses"][0]["status"], "COMPLETE");
    let gone = cli_err(&[
        "ecr",
        "describe-image-signing-status",
        "--repository-name",
        "payments/checkout",
        "--image-id",
        &format!("imageDigest=sha256:{}", "0".repeat(64)),
    ]);
    assert!(gone.contains("ImageNotFoundException"), "{gone}");
    let deleted = aws_json(&url, &["ecr", "delete-signing-configuration"]);
    assert_eq!(
        deleted["signingConfiguration"]["rules"]
            .as_array()
            .map(Vec::len),
        Some(2),
        "the configuration deleted is returned"
    );
    for args in [
        &["ecr", "get-signing-configuration"][..],
        &["ecr", "delete-signing-configuration"][..],
    ] {
        let e = cli_err(args);
        assert!(e.contains("SigningConfigurationNotFoundException"), "{e}");
    }
    assert_eq!(
        ecr::get_signing_configuration(&c).await.expect("none"),
        None
    );
}

/// The registry policy through the app's layer, on both peers: none at
/// first (RegistryPolicyNotFoundException read as "none"), a replication
/// grant put and read back byte for byte (moto keeps the text; the aws CLI
/// reads the same), a statement without a Resource refused by both as an
/// invalid parameter, deleted, then none again and a second delete a "not
/// found". moto enforces scope V1's actions (ReplicateImage,
/// CreateRepository) and refuses a pull grant; the demo follows the scope
/// its account setting holds (V2 by default, as ECR's user guide says), so
/// that case is pinned per peer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registry_policy_reads_the_same() {
    let (_g, peers) = peers().await;
    let grant = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationFrom111122223333","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/*"}]}"#;
    let no_resource = grant.replace(
        r#","Resource":"arn:aws:ecr:us-east-1:123456789012:repository/*""#,
        "",
    );
    let pull = grant.replace(
        r#"["ecr:CreateRepository","ecr:ReplicateImage"]"#,
        r#"["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]"#,
    );
    for p in &peers {
        assert_eq!(
            seen(ecr::get_registry_policy(&p.c).await),
            "ok None",
            "{}",
            p.name
        );
        ecr::put_registry_policy(&p.c, grant)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        assert_eq!(
            ecr::get_registry_policy(&p.c)
                .await
                .expect("read")
                .as_deref(),
            Some(grant),
            "{}",
            p.name
        );
        let cli = aws_json(&p.url, &["ecr", "get-registry-policy"]);
        assert_eq!(cli["policyText"], grant, "{}: the aws CLI", p.name);
        assert_eq!(cli["registryId"], "123456789012", "{}", p.name);
        let e = ecr::put_registry_policy(&p.c, &no_resource)
            .await
            .expect_err("no Resource");
        assert_eq!(e.kind(), "invalid input", "{}: {e}", p.name);
        let pulled = ecr::put_registry_policy(&p.c, &pull).await;
        match p.name {
            "moto" => assert!(pulled.is_err(), "moto holds scope V1"),
            _ => assert!(pulled.is_ok(), "demo: scope V2, ECR's default"),
        }
        ecr::delete_registry_policy(&p.c).await.expect("delete");
        assert_eq!(seen(ecr::get_registry_policy(&p.c).await), "ok None");
        assert_eq!(
            seen(ecr::delete_registry_policy(&p.c).await),
            "not found",
            "{}",
            p.name
        );
    }
}

/// Replication rules put through the app's layer are what DescribeRegistry
/// and the aws CLI read back on both peers; a rule replicating to the
/// registry itself is refused by both. moto takes one rule at most ("This
/// feature is disabled" for more: pinned); the demo takes ECR's ten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replication_rules_read_the_same() {
    use ecrscope::model::ReplicationRule;
    let (_g, peers) = peers().await;
    let rule = ReplicationRule {
        destinations: vec![
            ("eu-west-1".into(), "123456789012".into()),
            ("us-east-1".into(), "111122223333".into()),
        ],
        filters: vec!["prod".into()],
    };
    for p in &peers {
        ecr::put_replication_configuration(&p.c, std::slice::from_ref(&rule))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        let info = ecr::describe_registry(&p.c).await.expect("describe");
        assert_eq!(
            info.replication_rules,
            std::slice::from_ref(&rule),
            "{}",
            p.name
        );
        let cli = aws_json(&p.url, &["ecr", "describe-registry"]);
        let r = &cli["replicationConfiguration"]["rules"][0];
        assert_eq!(
            r["destinations"][1]["registryId"], "111122223333",
            "{}",
            p.name
        );
        assert_eq!(
            r["repositoryFilters"][0]["filterType"], "PREFIX_MATCH",
            "{}",
            p.name
        );
        let to_itself = ReplicationRule {
            destinations: vec![("us-east-1".into(), "123456789012".into())],
            filters: Vec::new(),
        };
        let e = ecr::put_replication_configuration(&p.c, &[to_itself])
            .await
            .expect_err("to itself");
        assert_eq!(e.kind(), "invalid input", "{}: {e}", p.name);
        let two = ecr::put_replication_configuration(&p.c, &[rule.clone(), rule.clone()]).await;
        match p.name {
            "moto" => assert!(two.is_err(), "moto: one rule at most"),
            _ => assert!(
                two.is_ok(),
                "demo: up to ten rules, as the API reference says"
            ),
        }
        ecr::put_replication_configuration(&p.c, &[])
            .await
            .expect("no rules");
        let info = ecr::describe_registry(&p.c).await.expect("describe");
        assert!(info.replication_rules.is_empty(), "{}", p.name);
    }
}

/// What moto lacks (replication status, account settings, pull-time update
/// exclusions) is absent there, said as such; the demo answers as the API
/// reference documents, checked with the aws CLI: account settings' names
/// and values (API_PutAccountSetting), exclusions added once, listed and
/// removed (ExclusionAlreadyExistsException / ExclusionNotFoundException,
/// user guide "Considerations for pull-time update exclusions"), and an
/// image's replication status per destination
/// (API_DescribeImageReplicationStatus: region, registryId, status).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administration_moto_lacks_the_demo_answers_as_documented() {
    let (_g, peers) = peers().await;
    let moto = peers.iter().find(|p| p.name == "moto").expect("moto");
    for r in [
        ecr::get_account_setting(&moto.c, "REGISTRY_POLICY_SCOPE")
            .await
            .map(|_| ()),
        ecr::list_pull_time_update_exclusions(&moto.c)
            .await
            .map(|_| ()),
    ] {
        let e = r.expect_err("absent from moto");
        assert!(matches!(e, EcrError::NotSupported { .. }), "{e:?}");
    }
    let demo = DemoServer::start(&SeedConfig::default())
        .await
        .expect("demo endpoint");
    let url = demo.url();
    let cli_err = |args: &[&str]| {
        let out = aws_cli(&url).args(args).output().expect("aws CLI");
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let v = aws_json(
        &url,
        &[
            "ecr",
            "get-account-setting",
            "--name",
            "REGISTRY_POLICY_SCOPE",
        ],
    );
    assert_eq!(
        v,
        serde_json::json!({"name": "REGISTRY_POLICY_SCOPE", "value": "V2"})
    );
    let v = aws_json(
        &url,
        &[
            "ecr",
            "put-account-setting",
            "--name",
            "BLOB_MOUNTING",
            "--value",
            "ENABLED",
        ],
    );
    assert_eq!(v["value"], "ENABLED");
    let bad = cli_err(&[
        "ecr",
        "put-account-setting",
        "--name",
        "BLOB_MOUNTING",
        "--value",
        "ON",
    ]);
    assert!(bad.contains("InvalidParameterException"), "{bad}");
    let role = "arn:aws:iam::123456789012:role/ci-reader";
    let v = aws_json(
        &url,
        &[
            "ecr",
            "register-pull-time-update-exclusion",
            "--principal-arn",
            role,
        ],
    );
    assert_eq!(v["principalArn"], role);
    assert!(
        v["createdAt"].is_number() || v["createdAt"].is_string(),
        "{v}"
    );
    let again = cli_err(&[
        "ecr",
        "register-pull-time-update-exclusion",
        "--principal-arn",
        role,
    ]);
    assert!(again.contains("ExclusionAlreadyExistsException"), "{again}");
    let list = aws_json(&url, &["ecr", "list-pull-time-update-exclusions"]);
    let listed: Vec<&str> = list["pullTimeUpdateExclusions"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert!(listed.contains(&role) && listed.len() == 2, "{listed:?}");
    aws_json(
        &url,
        &[
            "ecr",
            "deregister-pull-time-update-exclusion",
            "--principal-arn",
            role,
        ],
    );
    let gone = cli_err(&[
        "ecr",
        "deregister-pull-time-update-exclusion",
        "--principal-arn",
        role,
    ]);
    assert!(gone.contains("ExclusionNotFoundException"), "{gone}");
    // Replication status: the seeded rule covers platform/*; with the rule
    // older than every image, each destination answers.
    demo.with_store(|s| s.admin.replication_put_at = 0.0);
    let images = aws_json(
        &url,
        &[
            "ecr",
            "list-images",
            "--repository-name",
            "platform/api-gateway",
            "--max-items",
            "1",
        ],
    );
    let digest = images["imageIds"][0]["imageDigest"]
        .as_str()
        .expect("an image")
        .to_owned();
    let st = aws_json(
        &url,
        &[
            "ecr",
            "describe-image-replication-status",
            "--repository-name",
            "platform/api-gateway",
            "--image-id",
            &format!("imageDigest={digest}"),
        ],
    );
    let statuses = st["replicationStatuses"].as_array().expect("statuses");
    assert_eq!(statuses.len(), 2, "{st}");
    assert_eq!(statuses[0]["region"], "us-west-2");
    assert!(["COMPLETE", "IN_PROGRESS"].contains(&statuses[0]["status"].as_str().unwrap_or("")));
    assert_eq!(statuses[1]["status"], "FAILED");
    assert_eq!(st["imageId"]["imageDigest"], digest.as_str());
}

/// Creation templates: absent from moto; the demo answers as
/// API_CreateRepositoryCreationTemplate and its Describe and Delete
/// document, checked with the aws CLI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creation_templates_absent_from_moto_documented_in_the_demo() {
    let (_g, peers) = peers().await;
    let moto = peers.iter().find(|p| p.name == "moto").expect("moto");
    let e = ecr::describe_repository_creation_templates(&moto.c)
        .await
        .expect_err("absent from moto");
    assert!(matches!(e, EcrError::NotSupported { .. }), "{e:?}");
    let demo = DemoServer::start(&SeedConfig::default())
        .await
        .expect("demo endpoint");
    let url = demo.url();
    let cli_err = |args: &[&str]| {
        let out = aws_cli(&url).args(args).output().expect("aws CLI");
        assert!(!out.status.success(), "{args:?} should fail");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // The seeded two, one created with the aws CLI, a prefix taken or
    // missing refused with the documented exceptions.
    let seeded = aws_json(&url, &["ecr", "describe-repository-creation-templates"]);
    let prefixes: Vec<&str> = seeded["repositoryCreationTemplates"]
        .as_array()
        .expect("templates")
        .iter()
        .filter_map(|t| t["prefix"].as_str())
        .collect();
    assert_eq!(prefixes, ["ROOT", "docker-hub"]);
    let made = aws_json(
        &url,
        &[
            "ecr",
            "create-repository-creation-template",
            "--prefix",
            "prod",
            "--applied-for",
            "CREATE_ON_PUSH",
            "REPLICATION",
            "--image-tag-mutability",
            "IMMUTABLE",
        ],
    );
    assert_eq!(made["repositoryCreationTemplate"]["prefix"], "prod");
    assert_eq!(made["registryId"], "123456789012");
    let taken = cli_err(&[
        "ecr",
        "create-repository-creation-template",
        "--prefix",
        "prod",
        "--applied-for",
        "REPLICATION",
    ]);
    assert!(taken.contains("TemplateAlreadyExistsException"), "{taken}");
    let bad = cli_err(&[
        "ecr",
        "create-repository-creation-template",
        "--prefix",
        "Prod",
        "--applied-for",
        "REPLICATION",
    ]);
    assert!(bad.contains("InvalidParameterException"), "{bad}");
    let one = aws_json(
        &url,
        &[
            "ecr",
            "describe-repository-creation-templates",
            "--prefixes",
            "prod",
        ],
    );
    assert_eq!(
        one["repositoryCreationTemplates"][0]["imageTagMutability"],
        "IMMUTABLE"
    );
    aws_json(
        &url,
        &[
            "ecr",
            "delete-repository-creation-template",
            "--prefix",
            "prod",
        ],
    );
    let gone = cli_err(&[
        "ecr",
        "delete-repository-creation-template",
        "--prefix",
        "prod",
    ]);
    assert!(gone.contains("TemplateNotFoundException"), "{gone}");
}

/// Pull-through credentials in Secrets Manager through the app's layer on
/// both peers (moto's Secrets Manager, the demo's): a secret created is
/// listed by the name filter with the same name, its ARN has Secrets
/// Manager's six-character suffix, the aws CLI's describe-secret reads the
/// same name, and a second create of that name is refused as invalid input
/// (ResourceExistsException).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_through_secrets_read_the_same() {
    use ecrscope::model::{NewSecret, Password};
    let (_g, peers) = peers().await;
    for p in &peers {
        let new = NewSecret {
            suffix: "quay".into(),
            username: "robot".into(),
            token: Password::new("t0ken".into()),
        };
        let made = ecr::create_pull_through_secret(&p.c, &new)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        assert_eq!(made.name, "ecr-pullthroughcache/quay", "{}", p.name);
        let suffix = made
            .arn
            .rsplit_once("ecr-pullthroughcache/quay-")
            .map(|(_, s)| s.len());
        assert_eq!(suffix, Some(6), "{}: {}", p.name, made.arn);
        let listed = ecr::list_pull_through_secrets(&p.c).await.expect("listed");
        assert_eq!(listed, std::slice::from_ref(&made), "{}", p.name);
        let d = aws_json(
            &p.url,
            &[
                "secretsmanager",
                "describe-secret",
                "--secret-id",
                &made.arn,
            ],
        );
        assert_eq!(d["Name"], "ecr-pullthroughcache/quay", "{}", p.name);
        let again = ecr::create_pull_through_secret(&p.c, &new)
            .await
            .expect_err("the name is taken");
        assert_eq!(again.kind(), "invalid input", "{}: {again}", p.name);
    }
}

/// STS GetCallerIdentity (the "exclude the principal I browse as"
/// button), through the app's client on both peers: an ARN of the
/// signed-in account, of STS or IAM. moto answers a user, the demo an
/// assumed-role session (as SSO and CI sign in); the app turns the latter
/// into its role and refuses to offer a user (pinned per peer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_identity_reads_the_same() {
    let (_g, peers) = peers().await;
    for p in &peers {
        let arn =
            p.c.caller_arn()
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", p.name));
        let a = ecrscope::model::partition::parse_arn(&arn).expect("an ARN");
        assert_eq!(a.account, "123456789012", "{}: {arn}", p.name);
        assert!(["sts", "iam"].contains(&a.service), "{}: {arn}", p.name);
        let role = ecrscope::admin::settings_view::principal_of_caller(&arn);
        match p.name {
            "demo" => assert_eq!(
                role.as_deref(),
                Some("arn:aws:iam::123456789012:role/ecrscope-demo-reader")
            ),
            _ => assert!(
                role.is_none() || role.is_some_and(|r| r.contains(":role/")),
                "{arn}"
            ),
        }
    }
}
