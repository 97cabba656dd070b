//! Deterministic, realistic seed data for the demo registry: namespaces,
//! tagged/untagged/multi-arch images with real manifests and config blobs,
//! basic and enhanced findings, pull-through cache rules, mixed mutability
//! and encryption. Same digests all day; timestamps are relative to the
//! start of the current UTC day, so "pushed 3 days ago" stays true.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use hyper::body::Bytes;
use serde_json::{Value, json};

use super::store::{
    DemoArchive, DemoImage, DemoRepo, Findings, PullThroughRow, ScanState, Store, now,
};
use ecr_core::Digest;

const DAY: f64 = 86_400.0;

/// How much to seed.
#[derive(Clone, Debug)]
pub struct SeedConfig {
    /// The 25 hand-shaped repositories.
    pub showcase: bool,
    /// Extra generated repositories `bulk/repo-NNNN` ...
    pub bulk_repositories: usize,
    /// ... with this many single-arch images each.
    pub bulk_images_per_repository: usize,
    /// Images in `tools/ci-runner` (several DescribeImages pages).
    pub big_repository_images: usize,
    /// Findings on `sandbox/experiments:cve-zoo` (several findings pages).
    pub zoo_findings: usize,
}

impl Default for SeedConfig {
    fn default() -> Self {
        Self {
            showcase: true,
            bulk_repositories: 0,
            bulk_images_per_repository: 0,
            big_repository_images: 2_400,
            zoo_findings: 5_000,
        }
    }
}

impl SeedConfig {
    /// Small and fast, for unit tests.
    pub fn small() -> Self {
        Self {
            showcase: true,
            bulk_repositories: 0,
            bulk_images_per_repository: 0,
            big_repository_images: 30,
            zoo_findings: 50,
        }
    }

    /// Only generated repositories: for listing benchmarks.
    pub fn bulk(repositories: usize, images_per_repository: usize) -> Self {
        Self {
            showcase: false,
            bulk_repositories: repositories,
            bulk_images_per_repository: images_per_repository,
            big_repository_images: 0,
            zoo_findings: 0,
        }
    }
}

/// splitmix64: tiny, deterministic, good enough for seed data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Shape of one showcase repository.
struct RepoShape {
    name: &'static str,
    images: usize,
    mutability: &'static str,
    filters: &'static [&'static str],
    kms: Option<&'static str>,
    scan_on_push: bool,
    multi_arch: bool,
    base: &'static str,
}

const fn shape(
    name: &'static str,
    images: usize,
    mutability: &'static str,
    kms: Option<&'static str>,
    scan_on_push: bool,
    multi_arch: bool,
    base: &'static str,
) -> RepoShape {
    RepoShape {
        name,
        images,
        mutability,
        filters: &[],
        kms,
        scan_on_push,
        multi_arch,
        base,
    }
}

const KMS_KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/7f0c2e5a-1b3d-4c5e-9f8a-0b1c2d3e4f5a";

#[allow(clippy::too_many_lines)] // a data table: one entry per showcase repository
fn showcase() -> Vec<RepoShape> {
    vec![
        shape(
            "platform/api-gateway",
            42,
            "IMMUTABLE",
            Some(KMS_KEY),
            true,
            false,
            "node",
        ),
        shape(
            "platform/auth-service",
            28,
            "IMMUTABLE",
            None,
            true,
            false,
            "go",
        ),
        RepoShape {
            filters: &["latest", "dev-*"],
            ..shape(
                "platform/config-server",
                15,
                "IMMUTABLE_WITH_EXCLUSION",
                None,
                false,
                false,
                "java",
            )
        },
        shape(
            "payments/ledger",
            36,
            "IMMUTABLE",
            Some("alias/payments-ecr"),
            true,
            false,
            "java",
        ),
        shape(
            "payments/checkout",
            24,
            "MUTABLE",
            Some(KMS_KEY),
            true,
            false,
            "node",
        ),
        shape(
            "data/etl-runner",
            18,
            "MUTABLE",
            None,
            false,
            false,
            "python",
        ),
        shape("data/spark-jobs", 12, "MUTABLE", None, false, false, "java"),
        shape("ml/inference", 9, "IMMUTABLE", None, true, true, "python"),
        shape("ml/training", 7, "MUTABLE", None, false, false, "python"),
        shape("web/frontend", 55, "MUTABLE", None, true, false, "nginx"),
        RepoShape {
            filters: &["release-*"],
            ..shape(
                "web/admin-console",
                14,
                "MUTABLE_WITH_EXCLUSION",
                None,
                false,
                false,
                "node",
            )
        },
        shape(
            "tools/ci-runner",
            0,
            "MUTABLE",
            None,
            false,
            false,
            "debian",
        ),
        shape("base/python", 8, "IMMUTABLE", None, true, true, "debian"),
        shape("base/node", 8, "IMMUTABLE", None, true, true, "debian"),
        shape(
            "base/distroless",
            6,
            "IMMUTABLE",
            Some(KMS_KEY),
            true,
            true,
            "distroless",
        ),
        shape(
            "infra/nginx-ingress",
            11,
            "MUTABLE",
            None,
            true,
            true,
            "nginx",
        ),
        shape("infra/envoy", 10, "MUTABLE", None, false, true, "debian"),
        shape("search/indexer", 16, "MUTABLE", None, false, false, "java"),
        shape(
            "analytics/dashboard",
            13,
            "MUTABLE",
            None,
            false,
            false,
            "node",
        ),
        shape("legacy/monolith", 20, "MUTABLE", None, false, false, "java"),
        shape(
            "sandbox/experiments",
            6,
            "MUTABLE",
            None,
            false,
            false,
            "python",
        ),
        shape("hello-world", 3, "MUTABLE", None, false, false, "alpine"),
        shape(
            "ecr-public/docker/library/alpine",
            4,
            "MUTABLE",
            None,
            false,
            true,
            "alpine",
        ),
        shape(
            "docker-hub/library/nginx",
            5,
            "MUTABLE",
            None,
            false,
            true,
            "nginx",
        ),
        shape(
            "mobile/push-notifier",
            10,
            "MUTABLE",
            None,
            true,
            false,
            "go",
        ),
    ]
}

const PLATFORMS: &[(&str, &str, Option<&str>)] = &[
    ("linux", "amd64", None),
    ("linux", "arm64", Some("v8")),
    ("linux", "arm", Some("v7")),
];

/// What a repository filled on first use is filled with.
#[derive(Clone)]
pub struct LazyImages {
    rng: Rng,
    catalog: Arc<Catalog>,
    count: usize,
    multi_arch: bool,
    base: &'static str,
    t0: f64,
}

impl std::fmt::Debug for LazyImages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LazyImages({})", self.count)
    }
}

impl LazyImages {
    pub fn fill(mut self, repo: &mut DemoRepo, blobs: &mut HashMap<Digest, Bytes>) {
        fill_images(
            repo,
            blobs,
            &mut self.rng,
            &self.catalog,
            self.count,
            self.multi_arch,
            self.base,
            self.t0,
        );
    }
}

/// A repository with more images than this is filled on first use.
const LAZY_FROM: usize = 200;

/// Builds the demo store.
pub fn build(cfg: &SeedConfig) -> Store {
    // Content (manifests, configs) embeds times, and digests hash content:
    // anchoring to the start of the UTC day keeps digests stable all day.
    let t0 = (now() / DAY).floor() * DAY;
    let mut store = Store {
        account: super::DEMO_ACCOUNT.to_owned(),
        region: super::DEMO_REGION.to_owned(),
        base_url: String::new(),
        repos: BTreeMap::new(),
        blobs: HashMap::new(),
        blob_sizes: HashMap::new(),
        synthetic: HashMap::new(),
        uploads: HashMap::new(),
        next_upload: 0,
        rules: Vec::new(),
        scan_type: "BASIC".into(),
        scan_rules: vec![(
            "SCAN_ON_PUSH".into(),
            vec!["platform/*".into(), "payments/*".into(), "base/*".into()],
        )],
        scan_seconds: 3.0,
        fail_next_scan: false,
        restore_seconds: 20.0,
        lazy: BTreeMap::new(),
        signing: None,
        admin: super::store::Admin::default(),
        secrets: Vec::new(),
    };
    let catalog = Arc::new(Catalog::new());
    if cfg.showcase {
        for (ri, s) in showcase().iter().enumerate() {
            let mut rng = Rng::new(0xEC5C_0DE0 ^ (ri as u64 * 7919));
            let count = if s.name == "tools/ci-runner" {
                cfg.big_repository_images
            } else {
                s.images
            };
            let mut repo = empty_repo(
                s.name,
                t0 - (400.0 - ri as f64 * 9.0) * DAY,
                s.mutability,
                s.kms,
                s.scan_on_push,
            );
            repo.exclusion_filters = s.filters.iter().map(|f| (*f).to_owned()).collect();
            if count > LAZY_FROM {
                // Made when first asked about: the first answer of the demo
                // must not wait for thousands of manifests and configs.
                store.lazy.insert(
                    s.name.to_owned(),
                    LazyImages {
                        rng,
                        catalog: catalog.clone(),
                        count,
                        multi_arch: s.multi_arch,
                        base: s.base,
                        t0,
                    },
                );
            } else {
                fill_images(
                    &mut repo,
                    &mut store.blobs,
                    &mut rng,
                    &catalog,
                    count,
                    s.multi_arch,
                    s.base,
                    t0,
                );
            }
            store.repos.insert(s.name.to_owned(), repo);
        }
        decorate(&mut store, &catalog, cfg, t0);
    }
    for b in 0..cfg.bulk_repositories {
        let name = format!("bulk/repo-{b:04}");
        let mut rng = Rng::new(0xB01C ^ (b as u64 * 104_729));
        let mut repo = empty_repo(&name, t0 - 200.0 * DAY, "MUTABLE", None, false);
        fill_bulk(&mut repo, &mut rng, cfg.bulk_images_per_repository, t0);
        store.repos.insert(name, repo);
    }
    store
}

fn empty_repo(
    name: &str,
    created: f64,
    mutability: &str,
    kms: Option<&str>,
    scan_on_push: bool,
) -> DemoRepo {
    DemoRepo {
        name: name.to_owned(),
        created_at: created,
        mutability: mutability.to_owned(),
        exclusion_filters: Vec::new(),
        encryption: if kms.is_some() {
            "KMS".into()
        } else {
            "AES256".into()
        },
        kms_key: kms.map(str::to_owned),
        scan_on_push,
        images: Vec::new(),
        lifecycle: None,
        lifecycle_evaluated: None,
        policy: None,
        preview: None,
        tags: vec![(
            "team".into(),
            name.split('/').next().unwrap_or(name).to_owned(),
        )],
        layers: std::collections::HashSet::new(),
    }
}

/// Policies, pull-through rules, archived images and the findings zoo.
/// The showcase's administration: platform/* replicated to us-west-2 of
/// this account and to the second demo account (which refuses: no
/// registry policy there), put 2 days ago so newer images have statuses
/// and older ones none; a registry policy letting the second account
/// replicate here; one pull-time update exclusion.
fn seed_admin(store: &mut Store, t0: f64) {
    let account = store.account.clone();
    store.admin.replication = vec![ecr_core::replication::Rule {
        destinations: vec![
            ("us-west-2".into(), account.clone()),
            ("eu-west-1".into(), super::DEMO_SECOND_ACCOUNT.into()),
        ],
        filters: vec!["platform".into()],
    }];
    store.admin.replication_put_at = t0 - 2.0 * DAY;
    store.admin.registry_policy = Some(format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"ReplicationFrom{second}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{second}:root"}},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:{region}:{account}:repository/*"}}]}}"#,
        second = super::DEMO_SECOND_ACCOUNT,
        region = store.region,
    ));
    store.admin.exclusions = vec![(
        format!("arn:aws:iam::{account}:role/ecr-inventory-scanner"),
        t0 - 10.0 * DAY,
    )];
    // The secret the seeded Docker Hub rule names.
    store.secrets = vec![super::store::DemoSecret {
        name: "ecr-pullthroughcache/docker-hub".into(),
        arn: format!(
            "arn:aws:secretsmanager:{}:{account}:secret:ecr-pullthroughcache/docker-hub-Xy12Ab",
            store.region
        ),
        value: r#"{"username":"demo","accessToken":"not-a-real-token"}"#.into(),
        created: t0 - 40.0 * DAY,
    }];
    // Two templates: ROOT for replication, and the Docker Hub cache's
    // prefix (the seeded pull-through rule's) with immutable tags and a
    // lifecycle policy.
    store.admin.templates = vec![
        serde_json::json!({
            "prefix": "ROOT", "description": "Replicated repositories",
            "appliedFor": ["REPLICATION"], "imageTagMutability": "MUTABLE",
            "encryptionConfiguration": {"encryptionType": "AES256"},
            "resourceTags": [{"Key": "managed-by", "Value": "replication"}],
            "createdAt": t0 - 30.0 * DAY,
        }),
        serde_json::json!({
            "prefix": "docker-hub", "description": "Docker Hub cache",
            "appliedFor": ["PULL_THROUGH_CACHE"], "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
            "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "latest"}],
            "encryptionConfiguration": {"encryptionType": "AES256"},
            "lifecyclePolicy": r#"{"rules":[{"rulePriority":1,"description":"Keep 20 images","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":20},"action":{"type":"expire"}}]}"#,
            "createdAt": t0 - 20.0 * DAY,
        }),
    ];
}

fn decorate(store: &mut Store, catalog: &Arc<Catalog>, cfg: &SeedConfig, t0: f64) {
    seed_admin(store, t0);
    let lifecycle = r#"{"rules":[{"rulePriority":1,"description":"Keep the last 10 release images","selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}},{"rulePriority":2,"description":"Expire untagged images after 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;
    for name in [
        "platform/api-gateway",
        "web/frontend",
        "tools/ci-runner",
        "payments/checkout",
    ] {
        if let Some(r) = store.repos.get_mut(name) {
            r.lifecycle = Some(lifecycle.to_owned());
            r.lifecycle_evaluated = Some(t0 - 0.4 * DAY);
        }
    }
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Sid": "AllowPullFromProdAccounts", "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::210987654321:root", "arn:aws:iam::345678901234:root"]},
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]}]});
    for name in [
        "platform/api-gateway",
        "base/python",
        "base/node",
        "base/distroless",
    ] {
        if let Some(r) = store.repos.get_mut(name) {
            r.policy = Some(serde_json::to_string_pretty(&policy).unwrap_or_default());
        }
    }
    if let Some(r) = store.repos.get_mut("legacy/monolith") {
        let n = r.images.len();
        // Five archived images: two within ECR's 90-day minimum (deleting
        // or restoring them still bills the rest), three long ago.
        for (k, img) in r.images.iter_mut().skip(n.saturating_sub(5)).enumerate() {
            let days = if k < 2 {
                20.0 + 30.0 * k as f64
            } else {
                120.0 + 60.0 * k as f64
            };
            img.archive.archived = true;
            img.archive.archived_at = Some(t0 - days * 86_400.0);
        }
    }
    if let Some(r) = store.repos.get_mut("sandbox/experiments")
        && let Some(img) = r.images.first_mut()
    {
        img.tags = vec!["cve-zoo".into()];
        img.basic_findings =
            Findings::ready((0..cfg.zoo_findings).map(|i| catalog.basic(i)).collect());
        img.enhanced_findings = Findings::ready(
            (0..cfg.zoo_findings)
                .map(|i| catalog.enhanced(i, t0))
                .collect(),
        );
        img.scan = Some(ScanState {
            started: t0 - 3.0 * DAY,
            duration: 20.0,
            fail: false,
        });
    }
    // Signatures, SBOMs and provenance under the newest release images.
    let uri = format!(
        "{}.dkr.ecr.{}.amazonaws.com/{}",
        store.account,
        store.region,
        super::supply_chain::SIGNED_REPOSITORY
    );
    if let Some(r) = store.repos.get_mut(super::supply_chain::SIGNED_REPOSITORY) {
        super::supply_chain::attach(r, &mut store.blobs, &uri);
    }
    // ECR managed signing for the payments repositories, put 30 days ago:
    // their images pushed since are signed by it.
    store.signing = Some(super::store::Signing {
        rules: vec![(
            super::supply_chain::DEMO_SIGNING_PROFILE.to_owned(),
            vec!["payments/*".into()],
        )],
        put_at: t0 - 30.0 * DAY,
    });
    let cred = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-Xy12Ab";
    store.rules = vec![
        PullThroughRow {
            prefix: "ecr-public".into(),
            url: "public.ecr.aws".into(),
            upstream: "ecr-public".into(),
            created_at: t0 - 120.0 * DAY,
            ..Default::default()
        },
        PullThroughRow {
            prefix: "docker-hub".into(),
            url: "registry-1.docker.io".into(),
            upstream: "docker-hub".into(),
            credential_arn: Some(cred.into()),
            created_at: t0 - 90.0 * DAY,
            updated_at: Some(t0 - 10.0 * DAY),
            ..Default::default()
        },
        PullThroughRow {
            prefix: "quay".into(),
            url: "quay.io".into(),
            upstream: "quay".into(),
            created_at: t0 - 60.0 * DAY,
            ..Default::default()
        },
        PullThroughRow {
            prefix: "k8s".into(),
            url: "registry.k8s.io".into(),
            upstream: "k8s".into(),
            created_at: t0 - 30.0 * DAY,
            ..Default::default()
        },
    ];
}

fn version_tag(rng: &mut Rng, i: usize, total: usize) -> Vec<String> {
    let major = 1 + (total - i) / 20;
    let minor = (total - i) % 20 / 4;
    let patch = (total - i) % 4;
    let mut tags = vec![format!("v{major}.{minor}.{patch}")];
    if i == 0 {
        tags.push("latest".into());
    }
    if rng.chance(20) {
        tags.push(format!("main-{:07x}", rng.next_u64() & 0xFFF_FFFF));
    }
    tags
}

#[allow(clippy::too_many_arguments)]
fn fill_images(
    repo: &mut DemoRepo,
    blobs: &mut HashMap<Digest, Bytes>,
    rng: &mut Rng,
    catalog: &Arc<Catalog>,
    count: usize,
    multi_arch: bool,
    base: &str,
    t0: f64,
) {
    let repo_base = repo.name.bytes().fold(0usize, |h, b| {
        h.wrapping_mul(31).wrapping_add(usize::from(b))
    }) % 100_000;
    for i in 0..count {
        // Newest first; spread over about a year, denser recently; the long
        // tail of a big repository flattens out (about 2.5 years at 2,400
        // images) instead of reaching back decades.
        let raw = (i as f64).powf(1.3) * 1.7;
        let spread = if raw <= 700.0 {
            raw
        } else {
            700.0 + (raw - 700.0).sqrt()
        };
        let age_days = spread + rng.below(20) as f64 / 24.0;
        let pushed = t0 - age_days * DAY - 3600.0;
        let untagged = i > 2 && rng.chance(18);
        let tags = if untagged {
            Vec::new()
        } else {
            version_tag(rng, i, count)
        };
        let scanned = !untagged && rng.chance(85);
        let findings_n = if scanned {
            rng.below(if i < 3 { 12 } else { 40 }) as usize
        } else {
            0
        };
        // Consecutive versions share most of their vulnerabilities, as real
        // images do: each image's window into the catalogue starts two
        // entries after the next older one's (so comparing two tags shows a
        // few new, a few fixed, most unchanged). The draw is kept so every
        // other random value stays where it was.
        let _ = rng.below(1_000_000);
        let start = repo_base + (count - 1 - i) * 2;
        let basic = {
            let catalog = catalog.clone();
            Findings::lazy(move || (0..findings_n).map(|k| catalog.basic(start + k)).collect())
        };
        let enhanced = {
            let catalog = catalog.clone();
            Findings::lazy(move || {
                (0..findings_n)
                    .map(|k| catalog.enhanced(start + k, t0))
                    .collect()
            })
        };
        let scan = scanned.then_some(ScanState {
            started: pushed + 60.0,
            duration: 25.0,
            fail: false,
        });
        let last_pull = rng
            .chance(60)
            .then(|| t0 - rng.below(30 * 24) as f64 * 3600.0)
            .filter(|p| *p > pushed);
        if multi_arch && !untagged {
            let mut children = Vec::new();
            for (os, arch, variant) in PLATFORMS.iter().take(2 + usize::from(rng.chance(50))) {
                let (manifest, size) =
                    image_manifest(blobs, rng, base, os, arch, variant.as_deref_opt(), pushed);
                let digest = Digest::of_bytes(manifest.as_bytes());
                children.push((digest, size, manifest.len(), *os, *arch, *variant));
                repo.images.push(DemoImage {
                    digest,
                    tags: Vec::new(),
                    manifest,
                    media_type: "application/vnd.oci.image.manifest.v1+json".into(),
                    artifact_media_type: Some("application/vnd.oci.image.config.v1+json".into()),
                    size,
                    pushed_at: pushed,
                    last_pull: None,
                    archive: DemoArchive::default(),
                    scan: scan.clone(),
                    basic_findings: basic.clone(),
                    enhanced_findings: enhanced.clone(),
                    summary_override: None,
                });
            }
            let manifests: Vec<Value> = children
                .iter()
                .map(|(d, _, len, os, arch, variant)| {
                    let mut platform = json!({"os": os, "architecture": arch});
                    if let Some(v) = variant {
                        platform["variant"] = json!(v);
                    }
                    json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d.to_string(), "size": len, "platform": platform})
                })
                .collect();
            let index = serde_json::to_string_pretty(&json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests})).unwrap_or_default();
            repo.images.push(DemoImage {
                digest: Digest::of_bytes(index.as_bytes()),
                tags,
                size: index.len() as i64,
                manifest: index,
                media_type: "application/vnd.oci.image.index.v1+json".into(),
                artifact_media_type: None,
                pushed_at: pushed,
                last_pull,
                archive: DemoArchive::default(),
                scan: None,
                basic_findings: Default::default(),
                enhanced_findings: Default::default(),
                summary_override: None,
            });
        } else {
            let (manifest, size) = image_manifest(blobs, rng, base, "linux", "amd64", None, pushed);
            repo.images.push(DemoImage {
                digest: Digest::of_bytes(manifest.as_bytes()),
                tags,
                manifest,
                media_type: "application/vnd.oci.image.manifest.v1+json".into(),
                artifact_media_type: Some("application/vnd.oci.image.config.v1+json".into()),
                size,
                pushed_at: pushed,
                last_pull,
                archive: DemoArchive::default(),
                scan,
                basic_findings: basic,
                enhanced_findings: enhanced,
                summary_override: None,
            });
        }
    }
}

/// Light images for benchmarks: real digests of small manifests, no blobs.
fn fill_bulk(repo: &mut DemoRepo, rng: &mut Rng, count: usize, t0: f64) {
    repo.images.reserve(count);
    for i in 0..count {
        let manifest = format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"digest\":\"sha256:{:064x}\"}},\"n\":{i}}}",
            rng.next_u64()
        );
        let tags = if rng.chance(80) {
            vec![format!("build-{i}")]
        } else {
            Vec::new()
        };
        repo.images.push(DemoImage {
            digest: Digest::of_bytes(manifest.as_bytes()),
            tags,
            manifest,
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            artifact_media_type: None,
            size: 20_000_000 + rng.below(300_000_000) as i64,
            pushed_at: t0 - i as f64 * 600.0,
            last_pull: None,
            archive: DemoArchive::default(),
            scan: None,
            basic_findings: Default::default(),
            enhanced_findings: Default::default(),
            summary_override: None,
        });
    }
}

trait AsDerefOpt {
    fn as_deref_opt(&self) -> Option<&'static str>;
}
impl AsDerefOpt for Option<&'static str> {
    fn as_deref_opt(&self) -> Option<&'static str> {
        *self
    }
}

/// An OCI image manifest with a real config blob (stored) and layer
/// descriptors. Returns the manifest text and the image size (config +
/// layers, compressed).
fn image_manifest(
    blobs: &mut HashMap<Digest, Bytes>,
    rng: &mut Rng,
    base: &str,
    os: &str,
    arch: &str,
    variant: Option<&str>,
    pushed: f64,
) -> (String, i64) {
    let layer_count = 2 + rng.below(5) as usize;
    // Layers come from the shared pool of real bytes (see `layers`); the
    // draws of the old made-up sizes and digests are kept so every other
    // seeded value stays where it was.
    let pool = super::layers::POOL_LEN;
    let layers: Vec<(Digest, i64)> = (0..layer_count)
        .map(|k| {
            let pick = if k == 0 {
                rng.below(30_000_000) as usize % super::layers::BASE_LAYERS
            } else {
                super::layers::BASE_LAYERS
                    + rng.below(60_000_000) as usize % (pool - super::layers::BASE_LAYERS)
            };
            let _ = rng.next_u64();
            let (digest, layer) = super::layers::pool_layer(pick);
            (digest, layer.len as i64)
        })
        .collect();
    let config = config_json(rng, base, os, arch, variant, pushed, &layers);
    let config_bytes = serde_json::to_vec_pretty(&config).unwrap_or_default();
    let config_digest = Digest::of_bytes(&config_bytes);
    let config_len = config_bytes.len() as i64;
    blobs.insert(config_digest, config_bytes.into());
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.to_string(), "size": config_len},
        "layers": layers.iter().map(|(d, s)| json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d.to_string(), "size": s})).collect::<Vec<_>>(),
        "annotations": {"org.opencontainers.image.created": rfc3339(pushed - 300.0)},
    });
    let total = config_len + layers.iter().map(|(_, s)| s).sum::<i64>();
    (
        serde_json::to_string_pretty(&manifest).unwrap_or_default(),
        total,
    )
}

fn config_json(
    rng: &mut Rng,
    base: &str,
    os: &str,
    arch: &str,
    variant: Option<&str>,
    pushed: f64,
    layers: &[(Digest, i64)],
) -> Value {
    let (entry, cmd, env, port, user): (Vec<&str>, Vec<&str>, Vec<&str>, &str, &str) = match base {
        "node" => (
            vec!["docker-entrypoint.sh"],
            vec!["node", "server.js"],
            vec!["NODE_ENV=production", "NODE_VERSION=22.11.0"],
            "3000/tcp",
            "node",
        ),
        "python" => (
            vec![],
            vec!["python", "-m", "app"],
            vec!["PYTHONUNBUFFERED=1", "PYTHON_VERSION=3.12.7"],
            "8000/tcp",
            "app",
        ),
        "java" => (
            vec!["java", "-jar", "/app/app.jar"],
            vec![],
            vec!["JAVA_HOME=/opt/java/openjdk", "JAVA_VERSION=jdk-21.0.5+11"],
            "8080/tcp",
            "1000",
        ),
        "go" => (vec!["/app/server"], vec![], vec![], "8080/tcp", "65532"),
        "nginx" => (
            vec!["/docker-entrypoint.sh"],
            vec!["nginx", "-g", "daemon off;"],
            vec!["NGINX_VERSION=1.27.2"],
            "80/tcp",
            "",
        ),
        "distroless" => (vec!["/app"], vec![], vec![], "8080/tcp", "nonroot"),
        "alpine" => (vec![], vec!["/bin/sh"], vec![], "", ""),
        _ => (vec![], vec!["bash"], vec![], "", ""),
    };
    let mut env_all = vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];
    env_all.extend(env);
    let mut config = json!({
        "Env": env_all,
        "WorkingDir": if base == "alpine" { "/" } else { "/app" },
        "Labels": {
            "org.opencontainers.image.source": "https://github.com/example/ecrscope-demo",
            "org.opencontainers.image.revision": format!("{:040x}", rng.next_u64() as u128 * 7),
            "maintainer": "platform-team@example.com",
        },
    });
    if !entry.is_empty() {
        config["Entrypoint"] = json!(entry);
    }
    if !cmd.is_empty() {
        config["Cmd"] = json!(cmd);
    }
    if !port.is_empty() {
        config["ExposedPorts"] = json!({port: {}});
    }
    if !user.is_empty() {
        config["User"] = json!(user);
    }
    let steps = [
        "ADD rootfs.tar.xz / # buildkit",
        "RUN apt-get update && apt-get install -y ca-certificates # buildkit",
        "WORKDIR /app",
        "COPY package.json ./ # buildkit",
        "RUN install dependencies # buildkit",
        "COPY . . # buildkit",
        "USER app",
        "EXPOSE 8080",
        "CMD [\"app\"]",
    ];
    let mut history = Vec::new();
    let mut layer_i = 0;
    for (k, step) in steps.iter().enumerate() {
        let empty =
            !(step.starts_with("ADD") || step.starts_with("RUN") || step.starts_with("COPY"))
                || layer_i >= layers.len();
        let mut h = json!({"created": rfc3339(pushed - 600.0 + k as f64 * 20.0), "created_by": step, "comment": "buildkit.dockerfile.v0"});
        if empty {
            h["empty_layer"] = json!(true);
        } else {
            layer_i += 1;
        }
        history.push(h);
    }
    let mut c = json!({
        "architecture": arch,
        "os": os,
        "created": rfc3339(pushed - 300.0),
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|(d, _)| Digest::of_bytes(&d.0).to_string()).collect::<Vec<_>>()},
        "history": history,
    });
    if let Some(v) = variant {
        c["variant"] = json!(v);
    }
    c
}

/// `2026-11-27T09:04:41Z` from epoch seconds (no date crate needed for this).
pub use ecr_core::time::rfc3339;

/// A fixed catalogue of vulnerabilities to draw findings from.
struct Catalog {
    entries: Vec<Vuln>,
}

/// (package, installed version, severity, title, fixed in, description)
type Vuln = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

impl Catalog {
    fn new() -> Self {
        // (package, installed, severity, title, fixed in, description)
        Self {
            entries: vec![
                (
                    "openssl",
                    "3.0.11-1~deb12u2",
                    "CRITICAL",
                    "OpenSSL: buffer overread in X.509 certificate verification",
                    Some("3.0.15-1~deb12u1"),
                    "A buffer overread in X.509 name constraint checking can crash a TLS client or server.",
                ),
                (
                    "glibc",
                    "2.36-9+deb12u4",
                    "HIGH",
                    "glibc: heap overflow in __vsyslog_internal",
                    Some("2.36-9+deb12u7"),
                    "A heap-based buffer overflow in syslog() with a crafted ident string.",
                ),
                (
                    "zlib",
                    "1:1.2.13.dfsg-1",
                    "CRITICAL",
                    "zlib: heap overflow in inflateGetHeader",
                    None,
                    "inflateGetHeader mishandles a large gzip header extra field.",
                ),
                (
                    "curl",
                    "7.88.1-10+deb12u5",
                    "MEDIUM",
                    "curl: cookie injection with none file",
                    Some("7.88.1-10+deb12u8"),
                    "Cookies may be injected when curl is told to read cookies from none.",
                ),
                (
                    "libxml2",
                    "2.9.14+dfsg-1.3",
                    "HIGH",
                    "libxml2: use-after-free in xmlValidatePopElement",
                    Some("2.9.14+dfsg-1.3~deb12u1"),
                    "A use-after-free when validating crafted XML documents.",
                ),
                (
                    "busybox",
                    "1.36.1-r5",
                    "MEDIUM",
                    "busybox: awk use-after-free",
                    Some("1.36.1-r7"),
                    "A use-after-free in busybox awk with crafted input.",
                ),
                (
                    "expat",
                    "2.5.0-1",
                    "HIGH",
                    "expat: XML entity expansion",
                    Some("2.5.0-1+deb12u1"),
                    "Billion-laughs style entity expansion exhausts memory.",
                ),
                (
                    "sqlite3",
                    "3.40.1-2",
                    "LOW",
                    "sqlite: integer overflow in sessionReadRecord",
                    None,
                    "An integer overflow in the session extension.",
                ),
                (
                    "pcre2",
                    "10.42-1",
                    "LOW",
                    "pcre2: out-of-bounds read in pcre2_match",
                    None,
                    "Out-of-bounds read with crafted patterns.",
                ),
                (
                    "ncurses",
                    "6.4-4",
                    "INFORMATIONAL",
                    "ncurses: stack overflow via malformed terminfo",
                    None,
                    "Malformed terminfo data can overflow the stack.",
                ),
                (
                    "perl",
                    "5.36.0-7+deb12u1",
                    "MEDIUM",
                    "perl: heap overflow in regex",
                    Some("5.36.0-7+deb12u2"),
                    "A crafted regular expression overflows a heap buffer.",
                ),
                (
                    "libssh2",
                    "1.10.0-3",
                    "UNDEFINED",
                    "libssh2: Terrapin prefix truncation",
                    None,
                    "Prefix truncation attack on the SSH transport protocol.",
                ),
            ],
        }
    }

    fn cve(i: usize) -> String {
        format!("CVE-{}-{}", 2021 + i % 5, 10_000 + (i * 7919) % 50_000)
    }

    fn basic(&self, i: usize) -> Value {
        let (pkg, ver, sev, _title, _fix, desc) = self.entries[i % self.entries.len()];
        let id = Self::cve(i);
        let score = match sev {
            "CRITICAL" => 9.8,
            "HIGH" => 7.5,
            "MEDIUM" => 5.3,
            "LOW" => 3.1,
            _ => 0.0,
        };
        json!({
            "name": id,
            "description": desc,
            "uri": format!("https://security-tracker.debian.org/tracker/{id}"),
            "severity": sev,
            "attributes": [
                {"key": "package_version", "value": ver},
                {"key": "package_name", "value": pkg},
                {"key": "CVSS2_VECTOR", "value": "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
                {"key": "CVSS2_SCORE", "value": format!("{score}")},
            ]
        })
    }

    fn enhanced(&self, i: usize, t0: f64) -> Value {
        let (pkg, ver, sev, title, fix, desc) = self.entries[i % self.entries.len()];
        let id = Self::cve(i);
        let score = match sev {
            "CRITICAL" => 9.8,
            "HIGH" => 7.5,
            "MEDIUM" => 5.3,
            "LOW" => 3.1,
            _ => 0.0,
        };
        let mut pkg_json = json!({"name": pkg, "version": ver, "packageManager": "OS", "filePath": format!("/var/lib/dpkg/status.d/{pkg}")});
        if let Some(f) = fix {
            pkg_json["fixedInVersion"] = json!(f);
        }
        json!({
            "awsAccountId": super::DEMO_ACCOUNT,
            "description": desc,
            "findingArn": format!("arn:aws:inspector2:us-east-1:123456789012:finding/{:032x}", i as u128 * 31_337),
            "firstObservedAt": t0 - 20.0 * DAY,
            "lastObservedAt": t0 - 0.5 * DAY,
            "packageVulnerabilityDetails": {
                "cvss": [{"baseScore": score, "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "source": "NVD", "version": "3.1"}],
                "referenceUrls": [format!("https://nvd.nist.gov/vuln/detail/{id}"), format!("https://www.cve.org/CVERecord?id={id}")],
                "source": "NVD",
                "sourceUrl": format!("https://nvd.nist.gov/vuln/detail/{id}"),
                "vulnerabilityId": id,
                "vulnerablePackages": [pkg_json],
            },
            "remediation": {"recommendation": {"text": match fix { Some(f) => format!("Upgrade {pkg} to {f} or later."), None => "None provided".to_owned() }}},
            "score": score,
            "scoreDetails": {"cvss": {"score": score, "scoreSource": "NVD", "scoringVector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "version": "3.1", "adjustments": []}},
            "severity": sev,
            "status": "ACTIVE",
            "title": format!("{id} - {title}"),
            "type": "PACKAGE_VULNERABILITY",
            "fixAvailable": if fix.is_some() { "YES" } else { "NO" },
            "exploitAvailable": if sev == "CRITICAL" { "YES" } else { "NO" },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_deterministic_and_shaped() {
        let a = build(&SeedConfig::small());
        let b = build(&SeedConfig::small());
        assert_eq!(a.repos.len(), 25);
        let digests = |s: &Store| {
            s.repos
                .values()
                .flat_map(|r| r.images.iter().map(|i| i.digest))
                .collect::<Vec<_>>()
        };
        assert_eq!(digests(&a), digests(&b));
        // Manifests hash to their digests, as ECR's do.
        for r in a.repos.values() {
            for i in &r.images {
                assert_eq!(Digest::of_bytes(i.manifest.as_bytes()), i.digest);
            }
        }
        let base = &a.repos["base/python"];
        assert!(base.images.iter().any(|i| i.media_type.contains("index")));
        assert!(a.repos.values().any(|r| r.encryption == "KMS"));
        assert!(
            a.repos
                .values()
                .any(|r| r.mutability == "IMMUTABLE_WITH_EXCLUSION")
        );
        assert_eq!(a.rules.len(), 4);
    }

    #[test]
    fn rfc3339_known_dates() {
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000.0), "2023-11-14T22:13:20Z");
    }
}
