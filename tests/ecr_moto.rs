//! The ECR layer against moto 5.2.5 in server mode over HTTP: every operation
//! moto implements, seeded through the SDK (and, where noted, checked with
//! the aws CLI as an independent client).
#![allow(clippy::disallowed_methods)]
// #[tokio::test] blocks its own runtime: no UI thread here
// The guard serialises tests sharing one moto server; each test has its own
// single-threaded runtime, so holding it across awaits cannot deadlock.
#![allow(clippy::await_holding_lock)]

use crate::common;

use common::*;
use ecrscope::ecr::{self, EcrError};
use ecrscope::model::NewRepository;
use ecrscope::model::{
    Digest, Encryption, EncryptionType, ImageId, RegistryScanRule, RegistryScanningConfig,
    ScanFrequency, ScanStatus, ScanType, Severity, TagMutability, TagMutabilitySetting,
};

async fn fresh() -> (std::sync::MutexGuard<'static, ()>, String) {
    let guard = moto_lock();
    let url = moto_url();
    moto_reset(&url).await;
    (guard, url)
}

async fn repo(c: &ecr::EcrClient, name: &str) {
    ecr::create_repository(
        c,
        &NewRepository {
            name: name.into(),
            ..Default::default()
        },
    )
    .await
    .expect("create");
}

async fn push(c: &ecr::EcrClient, repo: &str, seed: &str, tag: &str) -> Digest {
    let m = manifest(seed);
    let d = Digest::of_bytes(m.as_bytes());
    let got = ecr::put_image(
        c,
        repo,
        &m,
        Some("application/vnd.oci.image.manifest.v1+json"),
        Some(tag),
        Some(&d),
    )
    .await
    .expect("put image");
    assert_eq!(got, Some(d));
    d
}

#[tokio::test]
async fn describe_registry_gives_the_account() {
    let (_g, url) = fresh().await;
    let info = ecr::describe_registry(&moto_client(&url, "us-east-1"))
        .await
        .expect("describe registry");
    assert_eq!(info.registry_id, MOTO_ACCOUNT);
    assert_eq!(info.region, "us-east-1");
}

#[tokio::test]
async fn create_with_every_option_reads_back() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let new = NewRepository {
        name: "team/secure-api".into(),
        tag_mutability: TagMutabilitySetting {
            mode: TagMutability::ImmutableWithExclusion,
            exclusion_filters: vec!["latest".into(), "dev-*".into()],
        },
        encryption: Encryption {
            kind: EncryptionType::Kms,
            kms_key: Some(key.into()),
        },
        scan_on_push: true,
        tags: vec![("team".into(), "platform".into())],
    };
    let created = ecr::create_repository(&c, &new).await.expect("create");
    assert_eq!(created.name, "team/secure-api");
    let all = ecr::describe_repositories(&c).await.expect("describe");
    let r = all
        .iter()
        .find(|r| r.name == "team/secure-api")
        .expect("listed");
    assert_eq!(r.encryption.kind, EncryptionType::Kms);
    assert_eq!(r.encryption.kms_key.as_deref(), Some(key));
    assert!(r.scan_on_push);
    assert_eq!(r.tag_mutability.mode, TagMutability::ImmutableWithExclusion);
    assert_eq!(r.tag_mutability.exclusion_filters, ["latest", "dev-*"]);
    assert_eq!(r.namespace(), "team");
    // Checked by the aws CLI too.
    let cli = aws_json(
        &url,
        &[
            "ecr",
            "describe-repositories",
            "--repository-names",
            "team/secure-api",
        ],
    );
    assert_eq!(
        cli["repositories"][0]["encryptionConfiguration"]["encryptionType"],
        "KMS"
    );
    assert_eq!(
        cli["repositories"][0]["imageTagMutability"],
        "IMMUTABLE_WITH_EXCLUSION"
    );
}

#[tokio::test]
async fn repositories_seeded_by_the_cli_are_listed() {
    let (_g, url) = fresh().await;
    for name in ["alpha/one", "beta", "gamma/deep/three"] {
        aws_json(
            &url,
            &["ecr", "create-repository", "--repository-name", name],
        );
    }
    let names: Vec<String> = ecr::describe_repositories(&moto_client(&url, "us-east-1"))
        .await
        .expect("describe")
        .into_iter()
        .map(|r| r.name)
        .collect();
    for name in ["alpha/one", "beta", "gamma/deep/three"] {
        assert!(
            names.contains(&name.to_owned()),
            "{name} missing from {names:?}"
        );
    }
}

#[tokio::test]
async fn every_tag_mutability_mode_round_trips() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "modes").await;
    for mode in TagMutability::ALL {
        let filters = if mode.needs_filters() {
            vec!["release-*".to_owned(), "stable".to_owned()]
        } else {
            vec![]
        };
        let setting = TagMutabilitySetting {
            mode,
            exclusion_filters: filters.clone(),
        };
        let answered = ecr::put_image_tag_mutability(&c, "modes", &setting)
            .await
            .expect("put mutability");
        assert_eq!(answered.mode, mode);
        let back = ecr::describe_repositories(&c).await.expect("describe");
        let r = back.iter().find(|r| r.name == "modes").expect("repo");
        assert_eq!(r.tag_mutability.mode, mode, "read back {mode:?}");
        assert_eq!(r.tag_mutability.exclusion_filters, filters);
        let cli = aws_json(
            &url,
            &[
                "ecr",
                "describe-repositories",
                "--repository-names",
                "modes",
            ],
        );
        assert_eq!(cli["repositories"][0]["imageTagMutability"], mode.as_api());
    }
}

#[tokio::test]
async fn immutable_tag_push_fails_and_old_image_stays() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "frozen").await;
    let first = push(&c, "frozen", "one", "v1").await;
    ecr::put_image_tag_mutability(
        &c,
        "frozen",
        &TagMutabilitySetting {
            mode: TagMutability::Immutable,
            exclusion_filters: vec![],
        },
    )
    .await
    .expect("immutable");
    let m = manifest("two");
    let err = ecr::put_image(
        &c,
        "frozen",
        &m,
        None,
        Some("v1"),
        Some(&Digest::of_bytes(m.as_bytes())),
    )
    .await
    .expect_err("must refuse");
    assert!(matches!(err, EcrError::TagAlreadyExists { .. }), "{err:?}");
    assert!(err.to_string().contains("Tag already exists"), "{err}");
    let images = ecr::describe_images(&c, "frozen").await.expect("describe");
    let v1 = images
        .iter()
        .find(|i| i.tags.contains(&"v1".to_owned()))
        .expect("v1 still there");
    assert_eq!(v1.digest, first);
}

#[tokio::test]
async fn images_put_list_get_retag_and_delete() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "imgs").await;
    let a = push(&c, "imgs", "a", "v1").await;
    let b = push(&c, "imgs", "b", "v2").await;
    let listed = ecr::describe_images(&c, "imgs").await.expect("describe");
    assert_eq!(listed.len(), 2);
    let ids = ecr::list_image_ids(&c, "imgs").await.expect("list");
    assert!(ids.contains(&(a, Some("v1".into()))));
    let (docs, failures) = ecr::batch_get_manifests(
        &c,
        "imgs",
        &[ImageId::Digest(a), ImageId::Tag("nope".into())],
    )
    .await
    .expect("batch get");
    assert_eq!(docs.len(), 1);
    assert_eq!(
        Digest::of_bytes(docs[0].manifest.as_bytes()),
        a,
        "manifest bytes hash to the digest"
    );
    assert_eq!(failures.len(), 1, "the missing tag is reported, not fatal");
    // Re-tag: the same digest gains a tag.
    ecr::retag_image(&c, "imgs", &a, "stable")
        .await
        .expect("retag");
    let by_id = ecr::describe_images_by_id(&c, "imgs", &[ImageId::Digest(a)])
        .await
        .expect("by id");
    let mut tags = by_id[0].tags.clone();
    tags.sort();
    assert_eq!(tags, ["stable", "v1"]);
    // Delete one tag, then a whole image; a missing id comes back as a failure.
    let r = ecr::batch_delete_images(&c, "imgs", &[ImageId::Tag("stable".into())])
        .await
        .expect("untag");
    assert_eq!(r.done, ["stable"]);
    let missing = Digest::of_bytes(b"missing");
    let r = ecr::batch_delete_images(&c, "imgs", &[ImageId::Digest(b), ImageId::Digest(missing)])
        .await
        .expect("delete");
    assert_eq!(r.done.len(), 1);
    assert_eq!(r.failures.len(), 1);
    let left = aws_json(
        &url,
        &["ecr", "describe-images", "--repository-name", "imgs"],
    );
    let left = left["imageDetails"].as_array().expect("array");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["imageDigest"], a.to_string());
}

#[tokio::test]
async fn delete_repository_with_force() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "doomed").await;
    push(&c, "doomed", "x", "v1").await;
    let refused = ecr::delete_repository(&c, "doomed", false)
        .await
        .expect_err("not empty");
    assert_eq!(refused.kind(), "invalid input", "{refused}");
    ecr::delete_repository(&c, "doomed", true)
        .await
        .expect("force delete");
    let err = ecr::describe_images(&c, "doomed").await.expect_err("gone");
    assert!(matches!(err, EcrError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("'doomed'"), "{err}");
}

#[tokio::test]
async fn scanning_configuration_round_trips() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "team/a").await;
    repo(&c, "other").await;
    assert!(
        ecr::put_image_scanning_configuration(&c, "other", true)
            .await
            .expect("scan on push")
    );
    let cfg = RegistryScanningConfig {
        scan_type: ScanType::Enhanced,
        rules: vec![
            RegistryScanRule {
                frequency: ScanFrequency::ContinuousScan,
                filters: vec!["team/*".into()],
            },
            RegistryScanRule {
                frequency: ScanFrequency::ScanOnPush,
                filters: vec!["*".into()],
            },
        ],
    };
    let back = ecr::put_registry_scanning_configuration(&c, &cfg)
        .await
        .expect("put registry scanning");
    assert_eq!(back, cfg);
    let per =
        ecr::batch_get_repository_scanning_configuration(&c, &["team/a".into(), "other".into()])
            .await
            .expect("batch get");
    assert_eq!(per.len(), 2);
    let repos = ecr::describe_repositories(&c).await.expect("describe");
    assert!(
        repos
            .iter()
            .find(|r| r.name == "other")
            .expect("other")
            .scan_on_push
    );
}

#[tokio::test]
async fn scan_then_findings_then_quota() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "scanme").await;
    let d = push(&c, "scanme", "s", "v1").await;
    let before = ecr::describe_image_scan_findings(&c, "scanme", &d)
        .await
        .expect_err("no scan yet");
    assert!(matches!(before, EcrError::NotFound { .. }), "{before:?}");
    ecr::start_image_scan(&c, "scanme", &d)
        .await
        .expect("start scan");
    let report = ecr::describe_image_scan_findings(&c, "scanme", &d)
        .await
        .expect("findings");
    assert_eq!(report.status, Some(ScanStatus::Complete));
    assert!(!report.findings.is_empty(), "moto's default finding");
    assert_eq!(report.findings[0].severity, Severity::High);
    assert!(report.counts.get(Severity::High) >= 1);
    let again = ecr::start_image_scan(&c, "scanme", &d)
        .await
        .expect_err("quota");
    assert!(matches!(again, EcrError::ScanQuota { .. }), "{again:?}");
    assert!(again.to_string().contains("24 hours"), "{again}");
}

#[tokio::test]
#[allow(clippy::too_many_lines)] // most of it is one recorded-shape fixture of enhanced findings
async fn injected_enhanced_findings_are_read() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "enh").await;
    let d = push(&c, "enh", "e", "v1").await;
    let result = serde_json::json!({
        "registryId": MOTO_ACCOUNT, "repositoryName": "enh", "imageId": {"imageDigest": d.to_string()},
        "imageScanStatus": {"status": "COMPLETE", "description": "done"},
        "imageScanFindings": {
            "findingSeverityCounts": {"CRITICAL": 1, "MEDIUM": 1},
            "enhancedFindings": [
                {"title": "CVE-2024-0001 - openssl overflow", "severity": "CRITICAL", "score": 9.8,
                 "fixAvailable": "YES", "exploitAvailable": "NO",
                 "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2024-0001", "sourceUrl": "https://nvd.example/CVE-2024-0001",
                    "vulnerablePackages": [{"name": "openssl", "version": "3.0.1", "fixedInVersion": "3.0.15", "filePath": "/usr/lib/libssl.so"}],
                    "referenceUrls": ["https://ref.example/1"]},
                 "scoreDetails": {"cvss": {"score": 9.8, "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "version": "3.1", "scoreSource": "NVD"}},
                 "remediation": {"recommendation": {"text": "Upgrade openssl"}}},
                {"title": "CVE-2023-0002 - zlib inflate", "severity": "HIGH", "score": 7.5,
                 "fixAvailable": "PARTIAL", "exploitAvailable": "YES",
                 "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2023-0002",
                    "vulnerablePackages": [{"name": "zlib", "version": "1.2.11", "fixedInVersion": "1.2.13"}]}},
                {"title": "CVE-2022-0003, \"quoted\" title", "severity": "LOW", "score": 3.1,
                 "packageVulnerabilityDetails": {"vulnerabilityId": "CVE-2022-0003",
                    "vulnerablePackages": [{"name": "busybox", "version": "1.36"}]}},
                {"title": "odd one", "severity": "WEIRD"}
            ]
        }
    });
    let body = serde_json::json!({"region": "us-east-1", "results": [result]}).to_string();
    assert_eq!(
        post(&url, "/moto-api/static/ecr/scan-finding-results", &body).await,
        201
    );
    ecr::start_image_scan(&c, "enh", &d).await.expect("scan");
    let report = ecr::describe_image_scan_findings(&c, "enh", &d)
        .await
        .expect("findings");
    assert!(report.enhanced);
    let f = report
        .findings
        .iter()
        .find(|f| f.id == "CVE-2024-0001")
        .expect("the injected finding");
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.score, Some(9.8));
    assert_eq!(f.package.as_deref(), Some("openssl"));
    assert_eq!(f.installed_version.as_deref(), Some("3.0.1"));
    assert_eq!(f.fixed_in.as_deref(), Some("3.0.15"));
    assert_eq!(f.fix_available, Some(true));
    assert_eq!(f.exploit_available, Some(false));
    assert_eq!(f.remediation.as_deref(), Some("Upgrade openssl"));
    let odd = report
        .findings
        .iter()
        .find(|f| f.id == "odd one")
        .expect("odd finding kept");
    assert_eq!(
        odd.severity,
        Severity::Undefined,
        "unknown severities map to UNDEFINED"
    );
    assert_eq!(odd.package, None);

    // Shown: the findings view's rows, worst first; CRITICAL only with the chip.
    let mut filter = ecrscope::state::FindingsFilter::default();
    let order: Vec<&str> = ecrscope::state::finding_rows(&report.findings, &filter)
        .into_iter()
        .map(|i| report.findings[i].id.as_str())
        .collect();
    assert_eq!(
        order,
        ["CVE-2024-0001", "CVE-2023-0002", "CVE-2022-0003", "odd one"]
    );
    filter.severities = [true, false, false, false, false, false];
    assert_eq!(
        ecrscope::state::finding_rows(&report.findings, &filter).len(),
        1
    );

    // Exported: parsed back in each format.
    let reports = [ecrscope::scanning::export::ImageReport {
        repository: "enh".into(),
        digest: d,
        tags: vec!["v1".into()],
        report: report.clone(),
    }];
    let csv = ecrscope::scanning::export::render(ecrscope::scanning::export::Format::Csv, &reports);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rd
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header.join(","), ecrscope::scanning::export::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 4, "one row per finding");
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let crit = rows
        .iter()
        .find(|r| &r[col("finding_id")] == "CVE-2024-0001")
        .expect("critical row");
    assert_eq!(&crit[col("severity")], "CRITICAL");
    assert_eq!(&crit[col("score")], "9.8");
    assert_eq!(&crit[col("fixed_in_version")], "3.0.15");
    assert_eq!(&crit[col("fix_available")], "yes");
    assert_eq!(&crit[col("exploit_available")], "no");
    let quoted = rows
        .iter()
        .find(|r| &r[col("finding_id")] == "CVE-2022-0003")
        .expect("quoted row");
    assert_eq!(&quoted[col("title")], "CVE-2022-0003, \"quoted\" title");
    let json: serde_json::Value = serde_json::from_str(&ecrscope::scanning::export::render(
        ecrscope::scanning::export::Format::Json,
        &reports,
    ))
    .expect("JSON");
    let findings = json[0]["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 4);
    let high = findings
        .iter()
        .find(|f| f["id"] == "CVE-2023-0002")
        .expect("high");
    assert_eq!(high["score"], 7.5);
    assert_eq!(high["fixedInVersion"], "1.2.13");
    assert_eq!(high["exploitAvailable"], true);
    let sarif: serde_json::Value = serde_json::from_str(&ecrscope::scanning::export::render(
        ecrscope::scanning::export::Format::Sarif,
        &reports,
    ))
    .expect("SARIF");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif-2.1.0"))
    );
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ecrscope");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert_eq!(levels.iter().filter(|l| **l == "error").count(), 2);
    for r in results {
        assert!(r["ruleId"].is_string() && r["message"]["text"].is_string());
        assert!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("enh@sha256:"))
        );
    }
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "CVE-2024-0001" && r["properties"]["security-severity"] == "9.8")
    );
}

#[tokio::test]
async fn lifecycle_policy_get_put_delete() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "lc").await;
    assert_eq!(
        ecr::get_lifecycle_policy(&c, "lc").await.expect("get none"),
        None
    );
    let text = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;
    ecr::put_lifecycle_policy(&c, "lc", text)
        .await
        .expect("put");
    let got = ecr::get_lifecycle_policy(&c, "lc")
        .await
        .expect("get")
        .expect("some");
    let a: serde_json::Value = serde_json::from_str(&got.text).expect("json");
    let b: serde_json::Value = serde_json::from_str(text).expect("json");
    assert_eq!(a, b);
    ecr::delete_lifecycle_policy(&c, "lc")
        .await
        .expect("delete");
    assert_eq!(
        ecr::get_lifecycle_policy(&c, "lc")
            .await
            .expect("get none again"),
        None
    );
}

#[tokio::test]
async fn authorization_token_and_repository_policy() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    let token = ecr::get_authorization_token(&c).await.expect("token");
    assert!(!token.password().is_empty());
    assert!(
        !format!("{token:?}").contains(token.password()),
        "the password never reaches Debug"
    );
    assert!(token.proxy_endpoint.contains("dkr.ecr"));
    repo(&c, "pol").await;
    assert_eq!(
        ecr::get_repository_policy(&c, "pol")
            .await
            .expect("no policy"),
        None
    );
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage"]}]}"#;
    aws_json(
        &url,
        &[
            "ecr",
            "set-repository-policy",
            "--repository-name",
            "pol",
            "--policy-text",
            policy,
        ],
    );
    let got = ecr::get_repository_policy(&c, "pol")
        .await
        .expect("policy")
        .expect("some");
    assert!(got.contains("ecr:BatchGetImage"));
}

#[tokio::test]
async fn missing_operation_is_not_supported_not_a_crash() {
    let (_g, url) = fresh().await;
    let c = moto_client(&url, "us-east-1");
    repo(&c, "blobs").await;
    let err = ecr::get_download_url_for_layer(&c, "blobs", &Digest::of_bytes(b"x"))
        .await
        .expect_err("moto lacks it");
    assert!(
        matches!(err, EcrError::NotSupported { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("GetDownloadUrlForLayer"));
    let err = ecr::describe_pull_through_cache_rules(&c)
        .await
        .expect_err("moto lacks it");
    assert_eq!(err.kind(), "not supported");
}
