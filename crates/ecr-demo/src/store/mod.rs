//! The demo registry's data and the ECR operations over it, one file per
//! kind of thing stored (the calls dispatch from `Store::call` here). Pure
//! data: no HTTP here, so each operation is unit-testable.

use std::collections::{BTreeMap, HashMap};

use hyper::body::Bytes;
use serde_json::{Value, json};

use ecr_core::Digest;
use ecr_core::lifecycle_policy::{self as lifecycle_eval, wildcard_match};
use ecr_core::validate;

mod admin;
mod images;
mod lifecycle;
mod pull_through;
mod referrers;
mod repositories;
mod scanning;
mod secrets;
pub use secrets::DemoSecret;
mod signing;
pub use admin::Admin;
pub use signing::Signing;

/// An ECR-shaped error: `{"__type": code, "message": message}` with a status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: std::borrow::Cow<'static, str>,
    pub message: String,
}

pub(super) fn api_err(code: &'static str, message: impl Into<String>) -> ApiError {
    err(code, message)
}

fn err(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError {
        status: 400,
        code: code.into(),
        message: message.into(),
    }
}

pub(super) fn invalid(message: impl Into<String>) -> ApiError {
    err("InvalidParameterException", message)
}

pub type Answer = Result<Value, ApiError>;

#[derive(Clone, Debug)]
pub struct DemoImage {
    pub digest: Digest,
    pub tags: Vec<String>,
    pub manifest: String,
    pub media_type: String,
    pub artifact_media_type: Option<String>,
    pub size: i64,
    pub pushed_at: f64,
    pub last_pull: Option<f64>,
    pub archive: DemoArchive,
    pub scan: Option<ScanState>,
    /// Findings this image gets when scanned, per scan type.
    pub basic_findings: Findings,
    pub enhanced_findings: Findings,
    /// `findingSeverityCounts` to answer instead of the counted ones (tests
    /// of what a server may send: huge or negative counts).
    pub summary_override: Option<Value>,
}

/// An image's findings, made the first time they are read: the seed has
/// thousands of images, and building every finding up front delayed the
/// demo's first answer by 200 ms.
#[derive(Clone, Default)]
pub struct Findings {
    cell: std::sync::Arc<std::sync::OnceLock<Vec<Value>>>,
    make: Option<std::sync::Arc<dyn Fn() -> Vec<Value> + Send + Sync>>,
}

impl Findings {
    pub fn ready(v: Vec<Value>) -> Self {
        let cell = std::sync::OnceLock::new();
        let _ = cell.set(v);
        Self {
            cell: std::sync::Arc::new(cell),
            make: None,
        }
    }

    pub fn lazy(make: impl Fn() -> Vec<Value> + Send + Sync + 'static) -> Self {
        Self {
            cell: std::sync::Arc::default(),
            make: Some(std::sync::Arc::new(make)),
        }
    }
}

impl std::ops::Deref for Findings {
    type Target = Vec<Value>;

    fn deref(&self) -> &Vec<Value> {
        self.cell
            .get_or_init(|| self.make.as_ref().map(|m| m()).unwrap_or_default())
    }
}

impl std::fmt::Debug for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.cell.get() {
            Some(v) => write!(f, "Findings({})", v.len()),
            None => f.write_str("Findings(not made yet)"),
        }
    }
}

/// Where an image is in the archive storage class's life. A restore is
/// ACTIVATING until `activating_until`, then ACTIVE (checked when asked, like
/// scans, so no timer runs).
#[derive(Clone, Debug, Default)]
pub struct DemoArchive {
    pub archived: bool,
    pub archived_at: Option<f64>,
    pub activated_at: Option<f64>,
    pub activating_until: Option<f64>,
}

impl DemoArchive {
    pub fn status(&self, now: f64) -> &'static str {
        if self.archived {
            "ARCHIVED"
        } else if self.activating_until.is_some_and(|t| now < t) {
            "ACTIVATING"
        } else {
            "ACTIVE"
        }
    }
}

/// A scan's life: started at `started`, complete `duration` seconds later
/// (or FAILED when `fail`).
#[derive(Clone, Debug)]
pub struct ScanState {
    pub started: f64,
    pub duration: f64,
    pub fail: bool,
}

#[derive(Clone, Debug)]
pub struct DemoRepo {
    pub name: String,
    pub created_at: f64,
    pub mutability: String,
    pub exclusion_filters: Vec<String>,
    pub encryption: String,
    pub kms_key: Option<String>,
    pub scan_on_push: bool,
    pub images: Vec<DemoImage>,
    pub lifecycle: Option<String>,
    pub lifecycle_evaluated: Option<f64>,
    pub policy: Option<String>,
    pub preview: Option<Preview>,
    pub tags: Vec<(String, String)>,
    /// Layers uploaded to this repository (beyond those its images use).
    pub layers: std::collections::HashSet<Digest>,
}

#[derive(Clone, Debug)]
pub struct Preview {
    pub text: String,
    pub ready_at: f64,
}

#[derive(Clone, Debug, Default)]
pub struct PullThroughRow {
    pub prefix: String,
    pub url: String,
    pub upstream: String,
    pub credential_arn: Option<String>,
    pub custom_role_arn: Option<String>,
    pub upstream_repository_prefix: Option<String>,
    pub created_at: f64,
    pub updated_at: Option<f64>,
}

/// The whole demo registry.
#[derive(Clone, Debug)]
pub struct Store {
    pub account: String,
    pub region: String,
    /// Where this registry's blobs are downloaded from
    /// (`http://127.0.0.1:port/blobs/<account>/<region>`).
    pub base_url: String,
    pub repos: BTreeMap<String, DemoRepo>,
    pub blobs: HashMap<Digest, Bytes>,
    /// Lengths of uploaded blobs too big to keep (see `layer_upload`).
    pub blob_sizes: HashMap<Digest, u64>,
    /// Blobs made on the fly (too big to hold), by digest.
    pub synthetic: HashMap<Digest, super::layers::Synthetic>,
    /// Layer uploads in progress, by upload id.
    pub uploads: HashMap<String, super::layer_upload::PendingUpload>,
    pub next_upload: u64,
    pub rules: Vec<PullThroughRow>,
    pub scan_type: String,
    pub scan_rules: Vec<(String, Vec<String>)>,
    /// Seconds a started scan takes; a knob.
    pub scan_seconds: f64,
    /// The next started scan fails; a knob.
    pub fail_next_scan: bool,
    /// Seconds a restore from archive stays ACTIVATING; a knob.
    pub restore_seconds: f64,
    /// Images made when their repository is first asked about (the big
    /// repository's 2,400 would otherwise delay the first answer of all).
    pub lazy: BTreeMap<String, super::seed::LazyImages>,
    /// ECR managed signing's rules (None: no signing configuration).
    pub signing: Option<Signing>,
    /// Registry policy, replication, account settings, exclusions.
    pub admin: Admin,
    /// Secrets Manager's secrets in this account and region.
    pub secrets: Vec<DemoSecret>,
}

impl Store {
    /// Makes the lazy images of `repository` now (a no-op once made).
    pub fn materialize(&mut self, repository: &str) {
        if let Some(lazy) = self.lazy.remove(repository)
            && let Some(repo) = self.repos.get_mut(repository)
        {
            lazy.fill(repo, &mut self.blobs);
        }
    }

    /// A blob made on the fly: one of this registry's, or a pool layer.
    pub fn synthetic_blob(&self, d: &Digest) -> Option<super::layers::Synthetic> {
        self.synthetic
            .get(d)
            .copied()
            .or_else(|| super::layers::pool_synthetic(d))
    }

    /// Makes every lazy repository (tests and benchmarks that read the
    /// store directly).
    pub fn materialize_all(&mut self) {
        let names: Vec<String> = self.lazy.keys().cloned().collect();
        for n in names {
            self.materialize(&n);
        }
    }
}

/// Seconds since the Unix epoch, as ECR's JSON protocol sends timestamps.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

pub(super) fn req_str<'a>(v: &'a Value, k: &str) -> Result<&'a str, ApiError> {
    s(v, k).ok_or_else(|| invalid(format!("'{k}' is required")))
}

/// `maxResults` and `nextToken` as ECR validates them.
fn page_params(v: &Value, cap: usize) -> Result<(usize, usize), ApiError> {
    let max = match v.get("maxResults") {
        None => 100,
        Some(m) => {
            let m = m.as_u64().unwrap_or(0) as usize;
            if m == 0 || m > 1000 {
                return Err(invalid("maxResults must be between 1 and 1000"));
            }
            m
        }
    };
    let start = match s(v, "nextToken") {
        None => 0,
        Some(t) => t
            .strip_prefix("demo-")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| invalid("Invalid pagination token"))?,
    };
    Ok((max.min(cap), start))
}

fn paged<T: Clone>(items: &[T], max: usize, start: usize) -> (Vec<T>, Option<String>) {
    let end = (start + max).min(items.len());
    let page = items.get(start..end).map(<[T]>::to_vec).unwrap_or_default();
    let next = (end < items.len()).then(|| format!("demo-{end}"));
    (page, next)
}

fn with_token(mut v: Value, next: Option<String>) -> Value {
    if let (Some(t), Some(obj)) = (next, v.as_object_mut()) {
        obj.insert("nextToken".into(), Value::String(t));
    }
    v
}

impl Store {
    pub(super) fn repo_checked(&self, v: &Value) -> Result<&DemoRepo, ApiError> {
        self.repo(v)
    }

    fn repo(&self, v: &Value) -> Result<&DemoRepo, ApiError> {
        let name = req_str(v, "repositoryName")?;
        self.check_registry(v)?;
        self.repos
            .get(name)
            .ok_or_else(|| self.repo_not_found(name))
    }

    fn repo_mut(&mut self, v: &Value) -> Result<&mut DemoRepo, ApiError> {
        let name = req_str(v, "repositoryName")?.to_owned();
        self.check_registry(v)?;
        let nf = self.repo_not_found(&name);
        self.repos.get_mut(&name).ok_or(nf)
    }

    fn repo_not_found(&self, name: &str) -> ApiError {
        err(
            "RepositoryNotFoundException",
            format!(
                "The repository with name '{name}' does not exist in the registry with id '{}'",
                self.account
            ),
        )
    }

    /// Another account's registry id: the demo has no access to it.
    fn check_registry(&self, v: &Value) -> Result<(), ApiError> {
        match s(v, "registryId") {
            Some(id) if id != self.account => Err(err(
                "AccessDeniedException",
                format!("User is not authorized to access registry {id}"),
            )),
            _ => Ok(()),
        }
    }

    fn repo_json(&self, r: &DemoRepo) -> Value {
        let mut v = json!({
            "repositoryArn": format!("arn:aws:ecr:{}:{}:repository/{}", self.region, self.account, r.name),
            "registryId": self.account,
            "repositoryName": r.name,
            "repositoryUri": format!("{}.dkr.ecr.{}.amazonaws.com/{}", self.account, self.region, r.name),
            "createdAt": r.created_at,
            "imageTagMutability": r.mutability,
            "imageScanningConfiguration": {"scanOnPush": r.scan_on_push},
            "encryptionConfiguration": {"encryptionType": r.encryption},
        });
        if let Some(k) = &r.kms_key {
            v["encryptionConfiguration"]["kmsKey"] = json!(k);
        }
        if !r.exclusion_filters.is_empty() {
            v["imageTagMutabilityExclusionFilters"] = filters_json(&r.exclusion_filters);
        }
        v
    }

    /// Dispatches one operation by its name.
    pub fn call(&mut self, op: &str, v: &Value) -> Answer {
        if let Some(name) = s(v, "repositoryName")
            && self.lazy.contains_key(name)
        {
            let name = name.to_owned();
            self.materialize(&name);
        }
        match op {
            "DescribeRegistry" => Ok(self.describe_registry()),
            "DescribeRepositories" => self.describe_repositories(v),
            "CreateRepository" => self.create_repository(v),
            "DeleteRepository" => self.delete_repository(v),
            "DescribeImages" => self.describe_images(v),
            "ListImages" => self.list_images(v),
            "BatchGetImage" => self.batch_get_image(v),
            "ListImageReferrers" => self.list_image_referrers(v),
            "GetSigningConfiguration" => self.get_signing_configuration(),
            "PutSigningConfiguration" => self.put_signing_configuration(v),
            "DeleteSigningConfiguration" => self.delete_signing_configuration(),
            "DescribeImageSigningStatus" => self.describe_image_signing_status(v),
            "GetRegistryPolicy" => self.get_registry_policy(),
            "PutRegistryPolicy" => self.put_registry_policy(v),
            "DeleteRegistryPolicy" => self.delete_registry_policy(),
            "PutReplicationConfiguration" => self.put_replication_configuration(v),
            "DescribeImageReplicationStatus" => self.describe_image_replication_status(v),
            "GetAccountSetting" => self.get_account_setting(v),
            "PutAccountSetting" => self.put_account_setting(v),
            "ListPullTimeUpdateExclusions" => self.list_pull_time_update_exclusions(v),
            "RegisterPullTimeUpdateExclusion" => self.register_pull_time_update_exclusion(v),
            "DeregisterPullTimeUpdateExclusion" => self.deregister_pull_time_update_exclusion(v),
            "CreateRepositoryCreationTemplate" => self.create_repository_creation_template(v),
            "ListSecrets" => self.list_secrets(v),
            "CreateSecret" => self.create_secret(v),
            "DescribeSecret" => self.describe_secret(v),
            "UpdateRepositoryCreationTemplate" => self.update_repository_creation_template(v),
            "DeleteRepositoryCreationTemplate" => self.delete_repository_creation_template(v),
            "DescribeRepositoryCreationTemplates" => self.describe_repository_creation_templates(v),
            "BatchDeleteImage" => self.batch_delete_image(v),
            "PutImage" => self.put_image(v),
            "PutImageTagMutability" => self.put_image_tag_mutability(v),
            "PutImageScanningConfiguration" => self.put_image_scanning_configuration(v),
            "GetRegistryScanningConfiguration" => Ok(self.get_registry_scanning_configuration()),
            "PutRegistryScanningConfiguration" => self.put_registry_scanning_configuration(v),
            "BatchGetRepositoryScanningConfiguration" => {
                self.batch_get_repository_scanning_configuration(v)
            }
            "StartImageScan" => self.start_image_scan(v),
            "DescribeImageScanFindings" => self.describe_image_scan_findings(v),
            "GetDownloadUrlForLayer" => self.get_download_url_for_layer(v),
            "InitiateLayerUpload" => self.initiate_layer_upload(v),
            "UploadLayerPart" => self.upload_layer_part(v),
            "CompleteLayerUpload" => self.complete_layer_upload(v),
            "BatchCheckLayerAvailability" => self.batch_check_layer_availability(v),
            "DescribePullThroughCacheRules" => self.describe_pull_through_cache_rules(v),
            "CreatePullThroughCacheRule" => self.create_pull_through_cache_rule(v),
            "UpdatePullThroughCacheRule" => self.update_pull_through_cache_rule(v),
            "DeletePullThroughCacheRule" => self.delete_pull_through_cache_rule(v),
            "ValidatePullThroughCacheRule" => self.validate_pull_through_cache_rule(v),
            "GetAuthorizationToken" => Ok(self.get_authorization_token()),
            "GetLifecyclePolicy" => self.get_lifecycle_policy(v),
            "PutLifecyclePolicy" => self.put_lifecycle_policy(v),
            "DeleteLifecyclePolicy" => self.delete_lifecycle_policy(v),
            "StartLifecyclePolicyPreview" => self.start_lifecycle_policy_preview(v),
            "GetLifecyclePolicyPreview" => self.get_lifecycle_policy_preview(v),
            "GetRepositoryPolicy" => self.get_repository_policy(v),
            "SetRepositoryPolicy" => self.set_repository_policy(v),
            "DeleteRepositoryPolicy" => self.delete_repository_policy(v),
            "UpdateImageStorageClass" => self.update_image_storage_class(v),
            "ListTagsForResource" => self.list_tags_for_resource(v),
            "TagResource" => self.tag_resource(v),
            "UntagResource" => self.untag_resource(v),
            other => Err(ApiError {
                status: 400,
                code: "UnknownOperationException".into(),
                message: format!("The demo endpoint does not implement {other}"),
            }),
        }
    }
}

/// `filter.imageStatus`: ECR lists ACTIVE images unless asked for another
/// status (or ANY).
fn image_status_filter(v: &Value) -> Result<&str, ApiError> {
    match v.pointer("/filter/imageStatus").and_then(Value::as_str) {
        None => Ok("ACTIVE"),
        Some(s @ ("ACTIVE" | "ARCHIVED" | "ACTIVATING" | "ANY")) => Ok(s),
        Some(other) => Err(err(
            "ValidationException",
            format!(
                "1 validation error detected: Value '{other}' at 'filter.imageStatus' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, ARCHIVED, ACTIVATING, ANY]"
            ),
        )),
    }
}

fn status_matches(filter: &str, img: &DemoImage) -> bool {
    filter == "ANY" || img.archive.status(now()) == filter
}

fn rule_not_found(prefix: &str) -> ApiError {
    err(
        "PullThroughCacheRuleNotFoundException",
        format!("The pull through cache rule with prefix '{prefix}' does not exist"),
    )
}

fn filters_json(filters: &[String]) -> Value {
    json!(
        filters
            .iter()
            .map(|f| json!({"filterType": "WILDCARD", "filter": f}))
            .collect::<Vec<_>>()
    )
}

fn parse_filters(v: &Value) -> Result<Vec<String>, ApiError> {
    let Some(arr) = v
        .get("imageTagMutabilityExclusionFilters")
        .and_then(Value::as_array)
    else {
        return Ok(Vec::new());
    };
    let filters: Vec<String> = arr
        .iter()
        .filter_map(|f| s(f, "filter").map(str::to_owned))
        .collect();
    validate::exclusion_filters(&filters).map_err(invalid)?;
    Ok(filters)
}

fn check_mutability(mode: &str, filters: &[String]) -> Result<(), ApiError> {
    match mode {
        "MUTABLE" | "IMMUTABLE" if !filters.is_empty() => Err(invalid(format!(
            "Exclusion filters can only be used with the {mode}_WITH_EXCLUSION setting"
        ))),
        "MUTABLE" | "IMMUTABLE" => Ok(()),
        "IMMUTABLE_WITH_EXCLUSION" | "MUTABLE_WITH_EXCLUSION" if filters.is_empty() => Err(
            invalid(format!("{mode} requires between 1 and 5 exclusion filters")),
        ),
        "IMMUTABLE_WITH_EXCLUSION" | "MUTABLE_WITH_EXCLUSION" => Ok(()),
        other => Err(invalid(format!("Invalid image tag mutability {other}"))),
    }
}

/// Whether pushing over `tag` is refused in this repository.
fn tag_is_immutable(repo: &DemoRepo, tag: &str) -> bool {
    let excluded = repo
        .exclusion_filters
        .iter()
        .any(|f| wildcard_match(f, tag));
    match repo.mutability.as_str() {
        "IMMUTABLE" => true,
        "IMMUTABLE_WITH_EXCLUSION" => !excluded,
        "MUTABLE_WITH_EXCLUSION" => excluded,
        _ => false,
    }
}

impl lifecycle_eval::Candidate for DemoImage {
    fn tags(&self) -> &[String] {
        &self.tags
    }
    fn pushed_at(&self) -> f64 {
        self.pushed_at
    }
    fn last_pulled(&self) -> Option<f64> {
        self.last_pull
    }
    fn archived(&self) -> bool {
        self.archive.archived
    }
    fn archived_at(&self) -> Option<f64> {
        self.archive.archived_at
    }
    fn activated_at(&self) -> Option<f64> {
        self.archive.activated_at
    }
}

fn severity_counts(findings: &[Value], key: &str) -> Value {
    let mut counts = serde_json::Map::new();
    for f in findings {
        let sev = s(f, key).unwrap_or("UNDEFINED").to_owned();
        let n = counts.get(&sev).and_then(Value::as_u64).unwrap_or(0) + 1;
        counts.insert(sev, json!(n));
    }
    Value::Object(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immutability_with_exclusions() {
        let mut r = crate::seed::build(&crate::SeedConfig::small())
            .repos
            .into_values()
            .next()
            .expect("a repo");
        r.mutability = "IMMUTABLE_WITH_EXCLUSION".into();
        r.exclusion_filters = vec!["latest".into(), "dev-*".into()];
        assert!(!tag_is_immutable(&r, "latest"));
        assert!(!tag_is_immutable(&r, "dev-42"));
        assert!(tag_is_immutable(&r, "v1.0.0"));
        r.mutability = "MUTABLE_WITH_EXCLUSION".into();
        assert!(tag_is_immutable(&r, "dev-42"));
        assert!(!tag_is_immutable(&r, "v1.0.0"));
    }

    #[test]
    fn paging_tokens() {
        let items: Vec<u32> = (0..250).collect();
        let (p, next) = paged(&items, 100, 0);
        assert_eq!(p.len(), 100);
        assert_eq!(next.as_deref(), Some("demo-100"));
        let (p, next) = paged(&items, 100, 200);
        assert_eq!(p.len(), 50);
        assert_eq!(next, None);
        assert!(page_params(&json!({"maxResults": 1001}), 1000).is_err());
        assert!(page_params(&json!({"nextToken": "bogus"}), 1000).is_err());
        assert_eq!(page_params(&json!({}), 1000).ok(), Some((100, 0)));
    }
}
