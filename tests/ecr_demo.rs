//! The ECR layer against the demo endpoint, for what moto lacks: multi-page
//! listing, pull-through cache rules, lifecycle preview, throttling then
//! success, an HTML 500, a timeout, the in-flight bound, findings pages.
#![allow(clippy::disallowed_methods)] // #[tokio::test] blocks its own runtime: no UI thread here

use crate::common;

use std::time::{Duration, Instant};

use common::*;
use ecrscope::demo::{DemoServer, Fault, FaultKind, SeedConfig};
use ecrscope::ecr::{self, ClientOptions, EcrClient, EcrError};
use ecrscope::model::NewPullThroughRule;
use ecrscope::model::{Digest, PreviewStatus, ScanStatus};

async fn demo(cfg: SeedConfig) -> (DemoServer, EcrClient) {
    let server = DemoServer::start(&cfg).await.expect("demo endpoint");
    let client = EcrClient::with_static(
        &server.url(),
        "us-east-1",
        &test_creds(),
        None,
        &quick_opts(),
    );
    (server, client)
}

fn small() -> SeedConfig {
    SeedConfig {
        big_repository_images: 2_400,
        zoo_findings: 5_000,
        ..SeedConfig::small()
    }
}

#[tokio::test]
async fn big_repository_lists_over_several_pages_of_1000() {
    let (server, c) = demo(small()).await;
    let images = ecr::describe_images(&c, "tools/ci-runner")
        .await
        .expect("describe");
    assert_eq!(images.len(), 2_400);
    assert_eq!(
        server.knobs.count("DescribeImages"),
        3,
        "2400 images = 3 pages of at most 1000"
    );
    assert!(
        server
            .knobs
            .page_sizes("DescribeImages")
            .iter()
            .all(|&m| m == 1000),
        "always asks for 1000"
    );
    let repos = ecr::describe_repositories(&c).await.expect("repos");
    assert_eq!(repos.len(), 25);
    assert_eq!(server.knobs.page_sizes("DescribeRepositories"), [1000]);
    // Digests are unique and real.
    let mut digests: Vec<Digest> = images.iter().map(|i| i.digest).collect();
    digests.sort();
    digests.dedup();
    assert_eq!(digests.len(), 2_400);
}

#[tokio::test]
async fn bulk_registry_pages_repositories_too() {
    let (server, c) = demo(SeedConfig::bulk(2_500, 1)).await;
    let repos = ecr::describe_repositories(&c).await.expect("repos");
    assert_eq!(repos.len(), 2_500);
    assert_eq!(server.knobs.count("DescribeRepositories"), 3);
}

#[tokio::test]
async fn throttling_then_success() {
    let (server, c) = demo(SeedConfig::small()).await;
    server.knobs.inject(Fault {
        operation: Some("DescribeRepositories".into()),
        kind: FaultKind::Throttle,
        count: 2,
        after: 0,
    });
    let opts = ClientOptions {
        max_attempts: 4,
        ..ClientOptions::default()
    };
    let c4 = EcrClient::with_static(&server.url(), "us-east-1", &test_creds(), None, &opts);
    let repos = ecr::describe_repositories(&c4)
        .await
        .expect("succeeds after retries");
    assert_eq!(repos.len(), 25);
    assert_eq!(
        server.knobs.count("DescribeRepositories"),
        3,
        "two throttled attempts, then the answer"
    );
    // Throttled beyond the attempts: a clear error, not a hang.
    server.knobs.inject(Fault {
        operation: None,
        kind: FaultKind::Throttle,
        count: 10,
        after: 0,
    });
    let err = ecr::describe_repositories(&c).await.expect_err("gives up");
    assert!(matches!(err, EcrError::Throttled { .. }), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn html_500_is_not_supported() {
    let (server, c) = demo(SeedConfig::small()).await;
    server.knobs.inject(Fault {
        operation: Some("DescribeRegistry".into()),
        kind: FaultKind::Html(500),
        count: 5,
        after: 0,
    });
    let err = ecr::describe_registry(&c).await.expect_err("html 500");
    assert!(
        matches!(err, EcrError::NotSupported { status: 500, .. }),
        "{err:?}"
    );
    assert!(
        !err.to_string().contains("<html"),
        "no raw body in the message: {err}"
    );
}

#[tokio::test]
async fn a_hanging_endpoint_times_out() {
    let (server, _) = demo(SeedConfig::small()).await;
    server.knobs.inject(Fault {
        operation: None,
        kind: FaultKind::Hang,
        count: 5,
        after: 0,
    });
    let opts = ClientOptions {
        max_attempts: 1,
        attempt_timeout: Duration::from_millis(500),
        operation_timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    };
    let c = EcrClient::with_static(&server.url(), "us-east-1", &test_creds(), None, &opts);
    let start = Instant::now();
    let err = ecr::describe_repositories(&c).await.expect_err("timeout");
    assert!(matches!(err, EcrError::Timeout { .. }), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn unreachable_endpoint_is_a_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = EcrClient::with_static(
        &format!("http://127.0.0.1:{port}"),
        "us-east-1",
        &test_creds(),
        None,
        &quick_opts(),
    );
    let err = ecr::describe_repositories(&c)
        .await
        .expect_err("nothing listens");
    assert!(matches!(err, EcrError::Network { .. }), "{err:?}");
    assert!(err.to_string().contains("connection refused"), "{err}");
}

#[tokio::test]
async fn access_denied_and_cross_account() {
    let (server, c) = demo(SeedConfig::small()).await;
    server.knobs.inject(Fault {
        operation: Some("DescribeRepositories".into()),
        kind: FaultKind::AccessDenied,
        count: 1,
        after: 0,
    });
    let err = ecr::describe_repositories(&c).await.expect_err("denied");
    assert!(matches!(err, EcrError::AccessDenied { .. }), "{err:?}");
    assert!(err.to_string().contains("DescribeRepositories"));
    // A registry id is sent on every call: another account's is refused by the demo.
    let other = EcrClient::with_static(
        &server.url(),
        "us-east-1",
        &test_creds(),
        Some("999999999999".into()),
        &quick_opts(),
    );
    assert!(matches!(
        ecr::describe_repositories(&other).await,
        Err(EcrError::AccessDenied { .. })
    ));
    let own = EcrClient::with_static(
        &server.url(),
        "us-east-1",
        &test_creds(),
        Some("123456789012".into()),
        &quick_opts(),
    );
    assert_eq!(
        ecr::describe_images(&own, "hello-world")
            .await
            .expect("own account")
            .len(),
        3
    );
}

#[tokio::test]
async fn requests_in_flight_stay_within_the_limit() {
    let (server, _) = demo(SeedConfig::small()).await;
    server.knobs.set_latency(Duration::from_millis(60));
    let opts = ClientOptions {
        max_in_flight: 3,
        ..quick_opts()
    };
    let c = EcrClient::with_static(&server.url(), "us-east-1", &test_creds(), None, &opts);
    let repos = ecr::describe_repositories(&c).await.expect("repos");
    let mut tasks = tokio::task::JoinSet::new();
    for r in repos {
        let c = c.clone();
        tasks.spawn(async move { ecr::describe_images(&c, &r.name).await });
    }
    while let Some(done) = tasks.join_next().await {
        assert!(done.expect("task").is_ok());
    }
    assert_eq!(
        server.knobs.max_concurrent(),
        3,
        "25 repositories listed at once, never more than 3 requests in flight"
    );
}

#[tokio::test]
async fn pull_through_rules_crud_and_validation() {
    let (_server, c) = demo(SeedConfig::small()).await;
    let rules = ecr::describe_pull_through_cache_rules(&c)
        .await
        .expect("rules");
    assert_eq!(rules.len(), 4);
    let docker = rules
        .iter()
        .find(|r| r.ecr_repository_prefix == "docker-hub")
        .expect("docker-hub rule");
    assert!(
        docker
            .credential_arn
            .as_deref()
            .is_some_and(|a| a.contains("ecr-pullthroughcache/"))
    );
    // Docker Hub without a credential: refused with the reason.
    let mut new = NewPullThroughRule {
        ecr_repository_prefix: "dockerhub2".into(),
        upstream_registry_url: "registry-1.docker.io".into(),
        upstream_registry: Some("docker-hub".into()),
        ..Default::default()
    };
    let err = ecr::create_pull_through_cache_rule(&c, &new)
        .await
        .expect_err("needs a credential");
    assert!(err.to_string().contains("needs a credential"), "{err}");
    new.credential_arn = Some(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/hub-AbC".into(),
    );
    let created = ecr::create_pull_through_cache_rule(&c, &new)
        .await
        .expect("created");
    assert_eq!(created.ecr_repository_prefix, "dockerhub2");
    let v = ecr::validate_pull_through_cache_rule(&c, "dockerhub2")
        .await
        .expect("validate");
    assert!(v.is_valid, "{v:?}");
    ecr::update_pull_through_cache_rule(
        &c,
        "dockerhub2",
        Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/invalid-x"),
        None,
    )
    .await
    .expect("update");
    let v = ecr::validate_pull_through_cache_rule(&c, "dockerhub2")
        .await
        .expect("validate");
    assert!(!v.is_valid);
    assert!(v.failure.is_some());
    ecr::delete_pull_through_cache_rule(&c, "dockerhub2")
        .await
        .expect("delete");
    let err = ecr::delete_pull_through_cache_rule(&c, "dockerhub2")
        .await
        .expect_err("gone");
    assert!(matches!(err, EcrError::NotFound { .. }));
    // Bad prefix, URL of another kind, credential from another region.
    for (prefix, url, kind, cred) in [
        ("x", "public.ecr.aws", "ecr-public", None),
        ("quay2", "docker.io", "quay", None),
        (
            "hub3",
            "registry-1.docker.io",
            "docker-hub",
            Some("arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/x"),
        ),
    ] {
        let bad = NewPullThroughRule {
            ecr_repository_prefix: prefix.into(),
            upstream_registry_url: url.into(),
            upstream_registry: Some(kind.into()),
            credential_arn: cred.map(str::to_owned),
            ..Default::default()
        };
        let e = ecr::create_pull_through_cache_rule(&c, &bad)
            .await
            .expect_err("refused");
        assert_eq!(e.kind(), "invalid input", "{prefix}: {e}");
    }
}

#[tokio::test]
async fn lifecycle_preview_polls_until_complete() {
    let (_server, c) = demo(SeedConfig::small()).await;
    let policy = ecr::get_lifecycle_policy(&c, "web/frontend")
        .await
        .expect("get")
        .expect("seeded policy");
    let status = ecr::start_lifecycle_policy_preview(&c, "web/frontend", Some(&policy.text))
        .await
        .expect("start");
    assert_eq!(status, PreviewStatus::InProgress);
    let first = ecr::get_lifecycle_policy_preview(&c, "web/frontend")
        .await
        .expect("poll");
    assert_eq!(first.status, PreviewStatus::InProgress);
    let deadline = Instant::now() + Duration::from_secs(10);
    let done = loop {
        let p = ecr::get_lifecycle_policy_preview(&c, "web/frontend")
            .await
            .expect("poll");
        if p.status == PreviewStatus::Complete {
            break p;
        }
        assert!(Instant::now() < deadline, "preview never completed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // 55 images; "keep the last 10 v-tagged" must expire some.
    assert!(!done.results.is_empty());
    assert_eq!(done.expiring_image_count, Some(done.results.len() as i32));
    assert!(done.results.iter().all(|r| r.rule_priority.is_some()));
}

#[tokio::test]
async fn scan_goes_in_progress_then_complete_and_a_failed_scan() {
    let (server, c) = demo(SeedConfig::small()).await;
    server.with_store(|s| s.scan_seconds = 0.6);
    let imgs = ecr::describe_images(&c, "hello-world")
        .await
        .expect("images");
    let target = imgs[0].digest;
    // Make sure the image can be scanned now (no scan in the last 24 h).
    server.with_store(|s| {
        if let Some(r) = s.repos.get_mut("hello-world") {
            for i in &mut r.images {
                i.scan = None;
            }
        }
    });
    assert_eq!(
        ecr::start_image_scan(&c, "hello-world", &target)
            .await
            .expect("start"),
        Some(ScanStatus::InProgress)
    );
    let r = ecr::describe_image_scan_findings(&c, "hello-world", &target)
        .await
        .expect("poll");
    assert_eq!(r.status, Some(ScanStatus::InProgress));
    tokio::time::sleep(Duration::from_millis(800)).await;
    let r = ecr::describe_image_scan_findings(&c, "hello-world", &target)
        .await
        .expect("poll");
    assert_eq!(r.status, Some(ScanStatus::Complete));
    let quota = ecr::start_image_scan(&c, "hello-world", &target)
        .await
        .expect_err("second scan");
    assert!(matches!(quota, EcrError::ScanQuota { .. }));
    // The next scan fails.
    let other = imgs
        .iter()
        .find(|i| i.digest != target)
        .expect("another image")
        .digest;
    server.with_store(|s| s.fail_next_scan = true);
    ecr::start_image_scan(&c, "hello-world", &other)
        .await
        .expect("start");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let r = ecr::describe_image_scan_findings(&c, "hello-world", &other)
        .await
        .expect("poll");
    assert_eq!(r.status, Some(ScanStatus::Failed));
}

#[tokio::test]
async fn five_thousand_findings_over_several_pages() {
    let (server, c) = demo(small()).await;
    let imgs = ecr::describe_images(&c, "sandbox/experiments")
        .await
        .expect("images");
    let zoo = imgs
        .iter()
        .find(|i| i.tags.contains(&"cve-zoo".to_owned()))
        .expect("zoo image");
    let r = ecr::describe_image_scan_findings(&c, "sandbox/experiments", &zoo.digest)
        .await
        .expect("findings");
    assert_eq!(r.findings.len(), 5_000);
    assert_eq!(r.counts.total(), 5_000);
    assert_eq!(
        server.knobs.count("DescribeImageScanFindings"),
        5,
        "basic pages of 1000"
    );
    // Enhanced scanning: pages of 100.
    server.with_store(|s| s.scan_type = "ENHANCED".into());
    let r = ecr::describe_image_scan_findings(&c, "sandbox/experiments", &zoo.digest)
        .await
        .expect("enhanced");
    assert!(r.enhanced);
    assert_eq!(r.findings.len(), 5_000);
    let sizes = server.knobs.page_sizes("DescribeImageScanFindings");
    assert_eq!(
        sizes.len(),
        5 + 50,
        "first enhanced page at 1000 is served as 100, then 49 more pages of 100"
    );
    assert!(sizes[6..].iter().all(|&m| m == 100));
    // Enhanced scanning refuses manual scans, in words.
    let e = ecr::start_image_scan(&c, "sandbox/experiments", &zoo.digest)
        .await
        .expect_err("enhanced");
    assert!(e.to_string().contains("cannot be scanned manually"), "{e}");
}

#[tokio::test]
async fn blobs_are_served_for_configs() {
    let (server, c) = demo(SeedConfig::small()).await;
    let (docs, _) = ecr::batch_get_manifests(
        &c,
        "hello-world",
        &[ecrscope::model::ImageId::Tag("latest".into())],
    )
    .await
    .expect("manifest");
    let m: serde_json::Value = serde_json::from_str(&docs[0].manifest).expect("json manifest");
    let cfg =
        Digest::parse(m["config"]["digest"].as_str().expect("config digest")).expect("digest");
    let url = ecr::get_download_url_for_layer(&c, "hello-world", &cfg)
        .await
        .expect("url");
    assert!(url.starts_with(&server.url()));
    let missing = ecr::get_download_url_for_layer(&c, "hello-world", &Digest::of_bytes(b"none"))
        .await
        .expect_err("unknown layer");
    assert!(matches!(missing, EcrError::NotFound { .. }));
}

/// ECR's quotas are per API action: a throttled action learns its rate and
/// retries through its own gate; another action is not slowed. Each
/// throttled call is tried again by the client (not the SDK), so every one
/// ends well with a handful of throttled answers.
#[tokio::test]
async fn a_throttled_action_retries_through_its_gate_and_slows_no_other() {
    let server = DemoServer::start(&SeedConfig::small())
        .await
        .expect("demo endpoint");
    let c = EcrClient::with_static(
        &server.url(),
        "us-east-1",
        &test_creds(),
        None,
        &ClientOptions {
            max_attempts: 6,
            ..ClientOptions::default()
        },
    );
    server.knobs.set_rate_limit(10);
    let repos = ecr::describe_repositories(&c).await.expect("repos");
    let calls = (0..60).map(|i| {
        let c = c.clone();
        let name = repos[i % repos.len()].name.clone();
        async move { ecr::describe_images(&c, &name).await }
    });
    let answers = futures_util::future::join_all(calls).await;
    assert!(
        answers.iter().all(Result::is_ok),
        "every call ends well: {:?}",
        answers.iter().find(|a| a.is_err())
    );
    assert!(c.learned_rate("DescribeImages").is_some(), "it learned");
    assert_eq!(
        c.learned_rate("ListImages"),
        None,
        "another action: not slowed"
    );
    let throttled = server.knobs.count("throttled");
    assert!(throttled > 0, "the cap was met");
    assert!(
        throttled * 4 < 60,
        "throttles are a small share: {throttled} for 60 calls"
    );
}
