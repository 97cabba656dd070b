//! The demo registry's data and the ECR operations over it. Pure data: no
//! HTTP here, so each operation is unit-testable.

use std::collections::{BTreeMap, HashMap};

use hyper::body::Bytes;
use serde_json::{Value, json};

use ecr_core::Digest;
use ecr_core::lifecycle_policy::{self as lifecycle_eval, wildcard_match};
use ecr_core::validate;

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

    fn describe_registry(&self) -> Value {
        json!({
            "registryId": self.account,
            "replicationConfiguration": {"rules": [{
                "destinations": [{"region": "us-west-2", "registryId": self.account}],
                "repositoryFilters": [{"filter": "platform", "filterType": "PREFIX_MATCH"}]
            }]}
        })
    }

    fn describe_repositories(&self, v: &Value) -> Answer {
        self.check_registry(v)?;
        if let Some(names) = v.get("repositoryNames").and_then(Value::as_array) {
            if v.get("maxResults").is_some() {
                return Err(invalid(
                    "maxResults cannot be combined with repositoryNames",
                ));
            }
            let mut out = Vec::new();
            for n in names.iter().filter_map(Value::as_str) {
                out.push(self.repo_json(self.repos.get(n).ok_or_else(|| self.repo_not_found(n))?));
            }
            return Ok(json!({"repositories": out}));
        }
        let (max, start) = page_params(v, 1000)?;
        let all: Vec<&DemoRepo> = self.repos.values().collect();
        let (page, next) = paged(&all, max, start);
        let repos: Vec<Value> = page.into_iter().map(|r| self.repo_json(r)).collect();
        Ok(with_token(json!({"repositories": repos}), next))
    }

    fn create_repository(&mut self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let name = req_str(v, "repositoryName")?;
        if let Err(why) = validate::repository_name(name) {
            return Err(invalid(why));
        }
        if self.repos.contains_key(name) {
            return Err(err(
                "RepositoryAlreadyExistsException",
                format!(
                    "The repository with name '{name}' already exists in the registry with id '{}'",
                    self.account
                ),
            ));
        }
        let mutability = s(v, "imageTagMutability").unwrap_or("MUTABLE").to_owned();
        let filters = parse_filters(v)?;
        check_mutability(&mutability, &filters)?;
        let enc = v.get("encryptionConfiguration");
        let encryption = enc
            .and_then(|e| s(e, "encryptionType"))
            .unwrap_or("AES256")
            .to_owned();
        if !matches!(encryption.as_str(), "AES256" | "KMS" | "KMS_DSSE") {
            return Err(invalid(format!("Invalid encryption type {encryption}")));
        }
        let kms_key = enc.and_then(|e| s(e, "kmsKey")).map(str::to_owned);
        if encryption == "AES256" && kms_key.is_some() {
            return Err(invalid("A KMS key can only be given with KMS encryption"));
        }
        let repo = DemoRepo {
            name: name.to_owned(),
            created_at: now(),
            mutability,
            exclusion_filters: filters,
            encryption,
            kms_key,
            scan_on_push: v
                .pointer("/imageScanningConfiguration/scanOnPush")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            images: Vec::new(),
            lifecycle: None,
            lifecycle_evaluated: None,
            policy: None,
            preview: None,
            tags: v
                .get("tags")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| Some((s(t, "Key")?.to_owned(), s(t, "Value")?.to_owned())))
                        .collect()
                })
                .unwrap_or_default(),
            layers: std::collections::HashSet::new(),
        };
        let out = self.repo_json(&repo);
        self.repos.insert(name.to_owned(), repo);
        Ok(json!({"repository": out}))
    }

    fn delete_repository(&mut self, v: &Value) -> Answer {
        let force = v.get("force").and_then(Value::as_bool).unwrap_or(false);
        let repo = self.repo(v)?;
        if !force && !repo.images.is_empty() {
            return Err(err(
                "RepositoryNotEmptyException",
                format!(
                    "The repository with name '{}' cannot be deleted because it still contains images",
                    repo.name
                ),
            ));
        }
        let out = self.repo_json(repo);
        let name = repo.name.clone();
        self.repos.remove(&name);
        Ok(json!({"repository": out}))
    }

    fn image_json(&self, repo: &DemoRepo, img: &DemoImage) -> Value {
        let mut v = json!({
            "registryId": self.account,
            "repositoryName": repo.name,
            "imageDigest": img.digest.to_string(),
            "imageSizeInBytes": img.size,
            "imagePushedAt": img.pushed_at,
            "imageManifestMediaType": img.media_type,
            "imageStatus": img.archive.status(now()),
        });
        if let Some(t) = img.archive.archived_at {
            v["lastArchivedAt"] = json!(t);
        }
        if let Some(t) = img.archive.activated_at.filter(|t| *t <= now()) {
            v["lastActivatedAt"] = json!(t);
        }
        if !img.tags.is_empty() {
            v["imageTags"] = json!(img.tags);
        }
        if let Some(p) = img.last_pull {
            v["lastRecordedPullTime"] = json!(p);
        }
        if let Some(a) = &img.artifact_media_type {
            v["artifactMediaType"] = json!(a);
        }
        // Like ECR's newer basic scanning, DescribeImages carries no scan
        // status or summary: counts cost one DescribeImageScanFindings each.
        v
    }

    fn find_image<'r>(repo: &'r DemoRepo, id: &Value) -> Option<&'r DemoImage> {
        if let Some(d) = s(id, "imageDigest").and_then(Digest::parse) {
            let img = repo.images.iter().find(|i| i.digest == d)?;
            return match s(id, "imageTag") {
                Some(t) if !img.tags.iter().any(|x| x == t) => None,
                _ => Some(img),
            };
        }
        let tag = s(id, "imageTag")?;
        repo.images.iter().find(|i| i.tags.iter().any(|t| t == tag))
    }

    fn image_not_found(repo: &DemoRepo, id: &Value) -> ApiError {
        let what = s(id, "imageTag").or(s(id, "imageDigest")).unwrap_or("?");
        err(
            "ImageNotFoundException",
            format!(
                "The image with imageId {{{what}}} does not exist within the repository with name '{}'",
                repo.name
            ),
        )
    }

    fn describe_images(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        if let Some(ids) = v.get("imageIds").and_then(Value::as_array) {
            if v.get("maxResults").is_some() {
                return Err(invalid("maxResults cannot be combined with imageIds"));
            }
            if ids.len() > 100 {
                return Err(invalid("At most 100 imageIds may be given"));
            }
            let status = image_status_filter(v)?;
            let mut out = Vec::new();
            for id in ids {
                let img = Self::find_image(repo, id)
                    .filter(|i| status_matches(status, i))
                    .ok_or_else(|| Self::image_not_found(repo, id))?;
                out.push(self.image_json(repo, img));
            }
            return Ok(json!({"imageDetails": out}));
        }
        let (max, start) = page_params(v, 1000)?;
        let status = image_status_filter(v)?;
        let tag_status = v
            .pointer("/filter/tagStatus")
            .and_then(Value::as_str)
            .unwrap_or("ANY");
        let filtered: Vec<&DemoImage> = repo
            .images
            .iter()
            .filter(|i| match tag_status {
                "TAGGED" => !i.tags.is_empty(),
                "UNTAGGED" => i.tags.is_empty(),
                _ => true,
            })
            .filter(|i| status_matches(status, i))
            .collect();
        let (page, next) = paged(&filtered, max, start);
        let details: Vec<Value> = page.into_iter().map(|i| self.image_json(repo, i)).collect();
        Ok(with_token(json!({"imageDetails": details}), next))
    }

    fn list_images(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let (max, start) = page_params(v, 1000)?;
        let status = image_status_filter(v)?;
        let mut ids = Vec::new();
        for i in repo.images.iter().filter(|i| status_matches(status, i)) {
            if i.tags.is_empty() {
                ids.push(json!({"imageDigest": i.digest.to_string()}));
            }
            for t in &i.tags {
                ids.push(json!({"imageDigest": i.digest.to_string(), "imageTag": t}));
            }
        }
        let (page, next) = paged(&ids, max, start);
        Ok(with_token(json!({"imageIds": page}), next))
    }

    fn batch_get_image(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let ids = v
            .get("imageIds")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("'imageIds' is required"))?;
        if ids.len() > 100 {
            return Err(invalid("At most 100 imageIds may be given"));
        }
        let mut images = Vec::new();
        let mut failures = Vec::new();
        for id in ids {
            match Self::find_image(repo, id) {
                // Archived images cannot be pulled (ECR answers a pull 404).
                Some(img) if img.archive.status(now()) != "ACTIVE" => failures.push(json!({"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image is archived"})),
                Some(img) => images.push(json!({
                    "registryId": self.account,
                    "repositoryName": repo.name,
                    "imageId": {"imageDigest": img.digest.to_string(), "imageTag": s(id, "imageTag").or(img.tags.first().map(String::as_str))},
                    "imageManifest": img.manifest,
                    "imageManifestMediaType": img.media_type,
                })),
                None => failures.push(json!({"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})),
            }
        }
        Ok(json!({"images": images, "failures": failures}))
    }

    fn batch_delete_image(&mut self, v: &Value) -> Answer {
        let ids = v
            .get("imageIds")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| invalid("'imageIds' is required"))?;
        if ids.len() > 100 {
            return Err(invalid("At most 100 imageIds may be given"));
        }
        let repo = self.repo_mut(v)?;
        let mut deleted = Vec::new();
        let mut failures = Vec::new();
        for id in &ids {
            let digest = s(id, "imageDigest").and_then(Digest::parse);
            match (s(id, "imageTag"), digest) {
                // By tag alone: untag; the image goes when its last tag goes.
                (Some(tag), None) => match repo.images.iter().position(|i| i.tags.iter().any(|t| t == tag)) {
                    Some(pos) => {
                        let img = &mut repo.images[pos];
                        img.tags.retain(|t| t != tag);
                        deleted.push(json!({"imageDigest": img.digest.to_string(), "imageTag": tag}));
                        if img.tags.is_empty() {
                            repo.images.remove(pos);
                        }
                    }
                    None => failures.push(json!({"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})),
                },
                (_, Some(d)) => match repo.images.iter().position(|i| i.digest == d) {
                    Some(pos) => {
                        repo.images.remove(pos);
                        deleted.push(json!({"imageDigest": d.to_string()}));
                    }
                    None => failures.push(json!({"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})),
                },
                (None, None) => failures.push(json!({"imageId": id, "failureCode": "InvalidImageDigest", "failureReason": "Invalid image digest"})),
            }
        }
        Ok(json!({"imageIds": deleted, "failures": failures}))
    }

    fn put_image(&mut self, v: &Value) -> Answer {
        let manifest = req_str(v, "imageManifest")?.to_owned();
        let tag = s(v, "imageTag").map(str::to_owned);
        if let Some(t) = &tag
            && let Err(why) = validate::image_tag(t)
        {
            return Err(invalid(why));
        }
        let digest = Digest::of_bytes(manifest.as_bytes());
        if let Some(given) = s(v, "imageDigest")
            && Digest::parse(given) != Some(digest)
        {
            return Err(err(
                "ImageDigestDoesNotMatchException",
                "The provided digest does not match the manifest",
            ));
        }
        let parsed: Value = serde_json::from_str(&manifest)
            .map_err(|e| invalid(format!("Invalid manifest: {e}")))?;
        let media_type = s(v, "imageManifestMediaType")
            .or(s(&parsed, "mediaType"))
            .unwrap_or("application/vnd.oci.image.manifest.v1+json")
            .to_owned();
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        if let Some(t) = &tag {
            if let Some(other) = repo.images.iter().find(|i| i.tags.contains(t)) {
                if other.digest == digest {
                    return Err(err(
                        "ImageAlreadyExistsException",
                        format!(
                            "Image with digest '{digest}' and tag '{t}' already exists in the repository with name '{}' in registry with id '{account}'",
                            repo.name
                        ),
                    ));
                }
                if tag_is_immutable(repo, t) {
                    return Err(err(
                        "ImageTagAlreadyExistsException",
                        format!(
                            "The image tag '{t}' already exists in the '{}' repository and cannot be overwritten because the repository is immutable.",
                            repo.name
                        ),
                    ));
                }
            }
            for i in &mut repo.images {
                i.tags.retain(|x| x != t);
            }
        }
        let now = now();
        let image = match repo.images.iter_mut().find(|i| i.digest == digest) {
            Some(existing) => {
                existing.tags.extend(tag.clone());
                existing.clone()
            }
            None => {
                let size = parsed
                    .get("layers")
                    .and_then(Value::as_array)
                    .map_or(0, |ls| {
                        ls.iter()
                            .filter_map(|l| l.get("size").and_then(Value::as_i64))
                            .sum()
                    });
                let img = DemoImage {
                    digest,
                    tags: tag.clone().into_iter().collect(),
                    manifest: manifest.clone(),
                    media_type: media_type.clone(),
                    artifact_media_type: None,
                    size,
                    pushed_at: now,
                    last_pull: None,
                    archive: DemoArchive::default(),
                    scan: None,
                    basic_findings: Default::default(),
                    enhanced_findings: Default::default(),
                    summary_override: None,
                };
                repo.images.push(img.clone());
                img
            }
        };
        let mut image_id = json!({"imageDigest": image.digest.to_string()});
        if let Some(t) = tag {
            image_id["imageTag"] = json!(t);
        }
        Ok(json!({"image": {
            "registryId": account, "repositoryName": repo.name, "imageId": image_id,
            "imageManifest": manifest, "imageManifestMediaType": media_type,
        }}))
    }

    fn put_image_tag_mutability(&mut self, v: &Value) -> Answer {
        let mode = req_str(v, "imageTagMutability")?.to_owned();
        let filters = parse_filters(v)?;
        check_mutability(&mode, &filters)?;
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        repo.mutability = mode;
        repo.exclusion_filters = filters;
        let mut out = json!({"registryId": account, "repositoryName": repo.name, "imageTagMutability": repo.mutability});
        if !repo.exclusion_filters.is_empty() {
            out["imageTagMutabilityExclusionFilters"] = filters_json(&repo.exclusion_filters);
        }
        Ok(out)
    }

    fn put_image_scanning_configuration(&mut self, v: &Value) -> Answer {
        let on = v
            .pointer("/imageScanningConfiguration/scanOnPush")
            .and_then(Value::as_bool)
            .ok_or_else(|| invalid("'imageScanningConfiguration' is required"))?;
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        repo.scan_on_push = on;
        Ok(
            json!({"registryId": account, "repositoryName": repo.name, "imageScanningConfiguration": {"scanOnPush": on}}),
        )
    }

    fn get_registry_scanning_configuration(&self) -> Value {
        let rules: Vec<Value> = self
            .scan_rules
            .iter()
            .map(|(freq, filters)| json!({
                "scanFrequency": freq,
                "repositoryFilters": filters.iter().map(|f| json!({"filter": f, "filterType": "WILDCARD"})).collect::<Vec<_>>(),
            }))
            .collect();
        json!({"registryId": self.account, "scanningConfiguration": {"scanType": self.scan_type, "rules": rules}})
    }

    fn put_registry_scanning_configuration(&mut self, v: &Value) -> Answer {
        let scan_type = s(v, "scanType").unwrap_or("BASIC");
        if !matches!(scan_type, "BASIC" | "ENHANCED") {
            return Err(err(
                "ValidationException",
                format!("Invalid scan type {scan_type}"),
            ));
        }
        let rules = v
            .get("rules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if rules.len() > 2 {
            return Err(err(
                "ValidationException",
                "At most 2 scanning rules are allowed",
            ));
        }
        let mut parsed = Vec::new();
        for r in &rules {
            let freq = s(r, "scanFrequency").unwrap_or("");
            let allowed = match scan_type {
                "BASIC" => matches!(freq, "SCAN_ON_PUSH" | "MANUAL"),
                _ => matches!(freq, "SCAN_ON_PUSH" | "CONTINUOUS_SCAN"),
            };
            if !allowed {
                return Err(err(
                    "ValidationException",
                    format!("Scan frequency {freq} is not allowed with {scan_type} scanning"),
                ));
            }
            let filters: Vec<String> = r
                .get("repositoryFilters")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|f| s(f, "filter").map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if filters.is_empty() || filters.len() > 100 {
                return Err(err(
                    "ValidationException",
                    "Each rule needs 1 to 100 repository filters",
                ));
            }
            parsed.push((freq.to_owned(), filters));
        }
        self.scan_type = scan_type.to_owned();
        self.scan_rules = parsed;
        Ok(self.get_registry_scanning_configuration())
    }

    /// The frequency the registry rules give a repository (continuous beats
    /// on-push, as in ECR).
    fn effective_frequency(&self, repo: &str) -> &'static str {
        let mut best = "MANUAL";
        for (freq, filters) in &self.scan_rules {
            if filters.iter().any(|f| wildcard_match(f, repo)) {
                if freq == "CONTINUOUS_SCAN" {
                    return "CONTINUOUS_SCAN";
                }
                if freq == "SCAN_ON_PUSH" {
                    best = "SCAN_ON_PUSH";
                }
            }
        }
        best
    }

    fn batch_get_repository_scanning_configuration(&self, v: &Value) -> Answer {
        let names: Vec<&str> = v
            .get("repositoryNames")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if names.is_empty() || names.len() > 25 {
            return Err(err(
                "ValidationException",
                "Between 1 and 25 repository names are required",
            ));
        }
        let mut configs = Vec::new();
        let mut failures = Vec::new();
        for n in names {
            match self.repos.get(n) {
                Some(r) => {
                    let freq = self.effective_frequency(n);
                    configs.push(json!({
                        "repositoryArn": format!("arn:aws:ecr:{}:{}:repository/{n}", self.region, self.account),
                        "repositoryName": n,
                        "scanOnPush": r.scan_on_push || freq == "SCAN_ON_PUSH",
                        "scanFrequency": freq,
                        "appliedScanFilters": [],
                    }));
                }
                None => failures.push(json!({"repositoryName": n, "failureCode": "REPOSITORY_NOT_FOUND", "failureReason": "REPOSITORY_NOT_FOUND"})),
            }
        }
        Ok(json!({"scanningConfigurations": configs, "failures": failures}))
    }

    fn image_mut<'r>(repo: &'r mut DemoRepo, id: &Value) -> Result<&'r mut DemoImage, ApiError> {
        let nf = Self::image_not_found(repo, id);
        let pos = Self::find_image(repo, id)
            .map(|i| i.digest)
            .and_then(|d| repo.images.iter().position(|i| i.digest == d));
        pos.map(|p| &mut repo.images[p]).ok_or(nf)
    }

    /// The repository a resource ARN names
    /// (`arn:aws:ecr:<region>:<account>:repository/<name>`).
    fn repo_by_arn(&mut self, v: &Value) -> Result<&mut DemoRepo, ApiError> {
        let arn = req_str(v, "resourceArn")?.to_owned();
        let name = arn
            .split_once(":repository/")
            .map(|(_, n)| n.to_owned())
            .ok_or_else(|| invalid(format!("Invalid parameter at 'resourceArn': {arn}")))?;
        let nf = self.repo_not_found(&name);
        self.repos.get_mut(&name).ok_or(nf)
    }

    fn list_tags_for_resource(&mut self, v: &Value) -> Answer {
        let repo = self.repo_by_arn(v)?;
        let tags: Vec<Value> = repo
            .tags
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect();
        Ok(json!({"tags": tags}))
    }

    fn tag_resource(&mut self, v: &Value) -> Answer {
        let new: Vec<(String, String)> = v
            .get("tags")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|t| {
                        Some((
                            s(t, "Key")?.to_owned(),
                            s(t, "Value").unwrap_or("").to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (k, val) in &new {
            validate::resource_tag(k, val).map_err(invalid)?;
        }
        let repo = self.repo_by_arn(v)?;
        let mut merged = repo.tags.clone();
        for (k, val) in new {
            match merged.iter_mut().find(|(x, _)| *x == k) {
                Some(slot) => slot.1 = val,
                None => merged.push((k, val)),
            }
        }
        if merged.len() > validate::MAX_RESOURCE_TAGS {
            return Err(err(
                "TooManyTagsException",
                format!(
                    "A resource has at most {} tags.",
                    validate::MAX_RESOURCE_TAGS
                ),
            ));
        }
        merged.sort();
        repo.tags = merged;
        Ok(json!({}))
    }

    fn untag_resource(&mut self, v: &Value) -> Answer {
        let keys: Vec<String> = v
            .get("tagKeys")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let repo = self.repo_by_arn(v)?;
        repo.tags.retain(|(k, _)| !keys.contains(k));
        Ok(json!({}))
    }

    /// ARCHIVE moves an ACTIVE image to the archive; STANDARD starts the
    /// restore of an ARCHIVED one (ACTIVATING for `restore_seconds`). Any
    /// other move is refused, as ECR refuses it.
    fn update_image_storage_class(&mut self, v: &Value) -> Answer {
        let id = v
            .get("imageId")
            .cloned()
            .ok_or_else(|| invalid("'imageId' is required"))?;
        let target = req_str(v, "targetStorageClass")?.to_owned();
        let (account, restore) = (self.account.clone(), self.restore_seconds);
        let repo = self.repo_mut(v)?;
        let name = repo.name.clone();
        let img = Self::image_mut(repo, &id)?;
        let t = now();
        let status = img.archive.status(t);
        match (target.as_str(), status) {
            ("ARCHIVE", "ACTIVE") => {
                img.archive.archived = true;
                img.archive.archived_at = Some(t);
                img.archive.activating_until = None;
            }
            ("STANDARD", "ARCHIVED") => {
                img.archive.archived = false;
                img.archive.activating_until = Some(t + restore);
                img.archive.activated_at = Some(t + restore);
            }
            ("ARCHIVE" | "STANDARD", _) => {
                return Err(err(
                    "ImageStorageClassUpdateNotSupportedException",
                    format!("The image is {status}: it cannot be moved to {target} storage now."),
                ));
            }
            _ => {
                return Err(err(
                    "ValidationException",
                    format!(
                        "1 validation error detected: Value '{target}' at 'targetStorageClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, ARCHIVE]"
                    ),
                ));
            }
        }
        Ok(json!({
            "registryId": account,
            "repositoryName": name,
            "imageId": {"imageDigest": img.digest.to_string()},
            "imageStatus": img.archive.status(t),
        }))
    }

    fn start_image_scan(&mut self, v: &Value) -> Answer {
        if self.scan_type == "ENHANCED" {
            return Err(err(
                "ValidationException",
                "This registry uses enhanced scanning: images are scanned continuously or on push and cannot be scanned manually.",
            ));
        }
        let id = v
            .get("imageId")
            .cloned()
            .ok_or_else(|| invalid("'imageId' is required"))?;
        let (duration, fail) = (self.scan_seconds, self.fail_next_scan);
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        let name = repo.name.clone();
        let img = Self::image_mut(repo, &id)?;
        if img.archive.status(now()) != "ACTIVE" {
            return Err(err(
                "ImageArchivedException",
                "The specified image is archived and cannot be scanned.",
            ));
        }
        let now = now();
        if let Some(prev) = &img.scan
            && now - prev.started < 86_400.0
        {
            return Err(err(
                "LimitExceededException",
                "The scan quota per image has been exceeded. Wait and try again.",
            ));
        }
        img.scan = Some(ScanState {
            started: now,
            duration,
            fail,
        });
        let out = json!({
            "registryId": account, "repositoryName": name,
            "imageId": {"imageDigest": img.digest.to_string()},
            "imageScanStatus": {"status": "IN_PROGRESS", "description": "The scan is in progress."}
        });
        self.fail_next_scan = false;
        Ok(out)
    }

    fn describe_image_scan_findings(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let id = v
            .get("imageId")
            .ok_or_else(|| invalid("'imageId' is required"))?;
        let img = Self::find_image(repo, id).ok_or_else(|| Self::image_not_found(repo, id))?;
        let enhanced = self.scan_type == "ENHANCED";
        let (max, start) = page_params(v, if enhanced { 100 } else { 1000 })?;
        let image_id = json!({"imageDigest": img.digest.to_string()});
        let base = |status: &str, desc: &str| {
            json!({"registryId": self.account, "repositoryName": repo.name, "imageId": image_id,
                   "imageScanStatus": {"status": status, "description": desc}})
        };
        if enhanced {
            // Inspector scans continuously; every image has a result.
            let findings = &img.enhanced_findings;
            let (page, next) = paged(findings, max, start);
            let mut out = base(
                "ACTIVE",
                "Continuous scanning is selected for your repository.",
            );
            out["imageScanFindings"] = json!({
                "imageScanCompletedAt": img.pushed_at + 600.0,
                "vulnerabilitySourceUpdatedAt": now() - 3600.0,
                "findingSeverityCounts": severity_counts(findings, "severity"),
                "enhancedFindings": page,
            });
            return Ok(with_token(out, next));
        }
        let Some(scan) = &img.scan else {
            return Err(err(
                "ScanNotFoundException",
                format!(
                    "Image scan does not exist for the image with '{}' in the repository with name '{}' in the registry with id '{}'",
                    img.digest, repo.name, self.account
                ),
            ));
        };
        let done_at = scan.started + scan.duration;
        if now() < done_at {
            return Ok(base("IN_PROGRESS", "The scan is in progress."));
        }
        if scan.fail {
            return Ok(base(
                "FAILED",
                "The scan failed: the image layers could not be read.",
            ));
        }
        let findings = &img.basic_findings;
        let (page, next) = paged(findings, max, start);
        let mut out = base("COMPLETE", "The scan was completed successfully.");
        out["imageScanFindings"] = json!({
            "imageScanCompletedAt": done_at,
            "vulnerabilitySourceUpdatedAt": done_at - 7200.0,
            "findingSeverityCounts": img.summary_override.clone().unwrap_or_else(|| severity_counts(findings, "severity")),
            "findings": page,
        });
        Ok(with_token(out, next))
    }

    fn get_download_url_for_layer(&self, v: &Value) -> Answer {
        let _repo = self.repo(v)?;
        let d = s(v, "layerDigest")
            .and_then(Digest::parse)
            .ok_or_else(|| invalid("Invalid layer digest"))?;
        if !self.blobs.contains_key(&d) && self.synthetic_blob(&d).is_none() {
            return Err(err(
                "LayersNotFoundException",
                format!("The layer {d} does not exist"),
            ));
        }
        Ok(
            json!({"downloadUrl": format!("{}/{}", self.base_url, d.hex()), "layerDigest": d.to_string()}),
        )
    }

    fn rule_json(&self, r: &PullThroughRow) -> Value {
        let mut v = json!({
            "ecrRepositoryPrefix": r.prefix, "upstreamRegistryUrl": r.url, "upstreamRegistry": r.upstream,
            "registryId": self.account, "createdAt": r.created_at,
        });
        for (k, val) in [
            ("credentialArn", &r.credential_arn),
            ("customRoleArn", &r.custom_role_arn),
            ("upstreamRepositoryPrefix", &r.upstream_repository_prefix),
        ] {
            if let Some(x) = val {
                v[k] = json!(x);
            }
        }
        if let Some(u) = r.updated_at {
            v["updatedAt"] = json!(u);
        }
        v
    }

    fn describe_pull_through_cache_rules(&self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let (max, start) = page_params(v, 1000)?;
        let wanted: Option<Vec<&str>> = v
            .get("ecrRepositoryPrefixes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect());
        let rows: Vec<&PullThroughRow> = self
            .rules
            .iter()
            .filter(|r| {
                wanted
                    .as_ref()
                    .is_none_or(|w| w.contains(&r.prefix.as_str()))
            })
            .collect();
        if let Some(w) = &wanted
            && let Some(missing) = w
                .iter()
                .find(|p| !self.rules.iter().any(|r| r.prefix == **p))
        {
            return Err(rule_not_found(missing));
        }
        let (page, next) = paged(&rows, max, start);
        let out: Vec<Value> = page.into_iter().map(|r| self.rule_json(r)).collect();
        Ok(with_token(json!({"pullThroughCacheRules": out}), next))
    }

    fn create_pull_through_cache_rule(&mut self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let prefix = req_str(v, "ecrRepositoryPrefix")?.to_owned();
        let url = req_str(v, "upstreamRegistryUrl")?.to_owned();
        let upstream = match s(v, "upstreamRegistry") {
            Some(u) => u.to_owned(),
            None => validate::upstream_kind_for_url(&url)
                .map(|k| k.api_name().to_owned())
                .unwrap_or_default(),
        };
        let credential = s(v, "credentialArn").map(str::to_owned);
        validate::pull_through_rule(
            &prefix,
            &upstream,
            &url,
            credential.as_deref(),
            &self.region,
            &self.account,
        )
        .map_err(|why| err("ValidationException", why))?;
        if self.rules.iter().any(|r| r.prefix == prefix) {
            return Err(err(
                "PullThroughCacheRuleAlreadyExistsException",
                format!("A pull through cache rule with prefix '{prefix}' already exists"),
            ));
        }
        if self.rules.len() >= 50 {
            return Err(err(
                "LimitExceededException",
                "A registry can have at most 50 pull through cache rules",
            ));
        }
        let row = PullThroughRow {
            prefix,
            url,
            upstream,
            credential_arn: credential,
            custom_role_arn: s(v, "customRoleArn").map(str::to_owned),
            upstream_repository_prefix: s(v, "upstreamRepositoryPrefix").map(str::to_owned),
            created_at: now(),
            updated_at: None,
        };
        let out = self.rule_json(&row);
        self.rules.push(row);
        Ok(out)
    }

    fn update_pull_through_cache_rule(&mut self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let prefix = req_str(v, "ecrRepositoryPrefix")?;
        let region = self.region.clone();
        let account = self.account.clone();
        let row = self
            .rules
            .iter_mut()
            .find(|r| r.prefix == prefix)
            .ok_or_else(|| rule_not_found(prefix))?;
        if let Some(c) = s(v, "credentialArn") {
            validate::credential_arn(c, &region, &account)
                .map_err(|why| err("ValidationException", why))?;
            row.credential_arn = Some(c.to_owned());
        }
        if let Some(r) = s(v, "customRoleArn") {
            row.custom_role_arn = Some(r.to_owned());
        }
        row.updated_at = Some(now());
        let row = row.clone();
        Ok(self.rule_json(&row))
    }

    fn delete_pull_through_cache_rule(&mut self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let prefix = req_str(v, "ecrRepositoryPrefix")?;
        let pos = self
            .rules
            .iter()
            .position(|r| r.prefix == prefix)
            .ok_or_else(|| rule_not_found(prefix))?;
        let row = self.rules.remove(pos);
        Ok(self.rule_json(&row))
    }

    fn validate_pull_through_cache_rule(&self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let prefix = req_str(v, "ecrRepositoryPrefix")?;
        let row = self
            .rules
            .iter()
            .find(|r| r.prefix == prefix)
            .ok_or_else(|| rule_not_found(prefix))?;
        let needs = validate::upstream_kind(&row.upstream).is_some_and(|k| k.needs_credential());
        let (ok, failure) = match (&row.credential_arn, needs) {
            (None, true) => (
                false,
                Some(
                    "The upstream registry requires authentication but no credential is set."
                        .to_owned(),
                ),
            ),
            // The demo cannot reach upstream registries; a credential whose
            // secret name says "invalid" stands for one that does not work.
            (Some(c), _) if c.contains("invalid") => (
                false,
                Some(
                    "Unable to authenticate with the upstream registry with the stored credential."
                        .to_owned(),
                ),
            ),
            _ => (true, None),
        };
        let mut out = self.rule_json(row);
        out["isValid"] = json!(ok);
        if let Some(f) = failure {
            out["failure"] = json!(f);
        }
        Ok(out)
    }

    fn get_authorization_token(&self) -> Value {
        use base64::Engine as _;
        // A fresh random-looking password per call; never a real secret.
        let pw = Digest::of_bytes(format!("demo-{}", now()).as_bytes()).hex();
        let token = base64::engine::general_purpose::STANDARD.encode(format!("AWS:{pw}"));
        json!({"authorizationData": [{
            "authorizationToken": token,
            "expiresAt": now() + 12.0 * 3600.0,
            "proxyEndpoint": format!("https://{}.dkr.ecr.{}.amazonaws.com", self.account, self.region),
        }]})
    }

    fn get_lifecycle_policy(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let text = repo.lifecycle.as_ref().ok_or_else(|| {
            err(
                "LifecyclePolicyNotFoundException",
                format!(
                    "Lifecycle policy does not exist for the repository with name '{}'",
                    repo.name
                ),
            )
        })?;
        let mut out = json!({"registryId": self.account, "repositoryName": repo.name, "lifecyclePolicyText": text});
        if let Some(t) = repo.lifecycle_evaluated {
            out["lastEvaluatedAt"] = json!(t);
        }
        Ok(out)
    }

    fn put_lifecycle_policy(&mut self, v: &Value) -> Answer {
        let text = req_str(v, "lifecyclePolicyText")?.to_owned();
        lifecycle_eval::parse(&text).map_err(invalid)?;
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        repo.lifecycle = Some(text.clone());
        Ok(json!({"registryId": account, "repositoryName": repo.name, "lifecyclePolicyText": text}))
    }

    fn delete_lifecycle_policy(&mut self, v: &Value) -> Answer {
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        let text = repo.lifecycle.take().ok_or_else(|| {
            err(
                "LifecyclePolicyNotFoundException",
                format!(
                    "Lifecycle policy does not exist for the repository with name '{}'",
                    repo.name
                ),
            )
        })?;
        Ok(json!({"registryId": account, "repositoryName": repo.name, "lifecyclePolicyText": text}))
    }

    fn start_lifecycle_policy_preview(&mut self, v: &Value) -> Answer {
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        let text = match s(v, "lifecyclePolicyText") {
            Some(t) => t.to_owned(),
            None => repo.lifecycle.clone().ok_or_else(|| {
                err(
                    "LifecyclePolicyNotFoundException",
                    "No lifecycle policy text was given and the repository has none",
                )
            })?,
        };
        lifecycle_eval::parse(&text).map_err(invalid)?;
        if repo.preview.as_ref().is_some_and(|p| now() < p.ready_at) {
            return Err(err(
                "LifecyclePolicyPreviewInProgressException",
                "A preview is already in progress for this repository",
            ));
        }
        repo.preview = Some(Preview {
            text: text.clone(),
            ready_at: now() + 1.0,
        });
        Ok(
            json!({"registryId": account, "repositoryName": repo.name, "lifecyclePolicyText": text, "status": "IN_PROGRESS"}),
        )
    }

    fn get_lifecycle_policy_preview(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let preview = repo.preview.as_ref().ok_or_else(|| {
            err(
                "LifecyclePolicyPreviewNotFoundException",
                format!(
                    "There is no preview for the repository with name '{}'",
                    repo.name
                ),
            )
        })?;
        let mut out = json!({"registryId": self.account, "repositoryName": repo.name, "lifecyclePolicyText": preview.text});
        if now() < preview.ready_at {
            out["status"] = json!("IN_PROGRESS");
            return Ok(out);
        }
        let rules = lifecycle_eval::parse(&preview.text).map_err(invalid)?;
        let verdicts = lifecycle_eval::evaluate(&rules, &repo.images, now());
        let (max, start) = page_params(v, 100)?;
        let (page, next) = paged(&verdicts, max, start);
        let results: Vec<Value> = page
            .iter()
            .map(|v| {
                let img = &repo.images[v.index];
                let action = match v.action {
                    lifecycle_eval::ActionKind::Expire => json!({"type": "EXPIRE"}),
                    lifecycle_eval::ActionKind::Transition => {
                        json!({"type": "TRANSITION", "targetStorageClass": "ARCHIVE"})
                    }
                };
                let class = if img.archive.archived { "ARCHIVE" } else { "STANDARD" };
                json!({"imageTags": img.tags, "imageDigest": img.digest.to_string(), "imagePushedAt": img.pushed_at,
                       "action": action, "appliedRulePriority": v.priority, "storageClass": class})
            })
            .collect();
        let transitioning = verdicts
            .iter()
            .filter(|v| v.action == lifecycle_eval::ActionKind::Transition)
            .count();
        out["status"] = json!("COMPLETE");
        out["previewResults"] = json!(results);
        let mut summary = json!({"expiringImageTotalCount": verdicts.len() - transitioning});
        if transitioning > 0 {
            summary["transitioningImageTotalCounts"] =
                json!([{"targetStorageClass": "ARCHIVE", "imageTotalCount": transitioning}]);
        }
        out["summary"] = summary;
        Ok(with_token(out, next))
    }

    fn get_repository_policy(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let text = repo.policy.as_ref().ok_or_else(|| {
            err(
                "RepositoryPolicyNotFoundException",
                format!(
                    "Repository policy does not exist for the repository with name '{}'",
                    repo.name
                ),
            )
        })?;
        Ok(json!({"registryId": self.account, "repositoryName": repo.name, "policyText": text}))
    }

    fn set_repository_policy(&mut self, v: &Value) -> Answer {
        let text = req_str(v, "policyText")?.to_owned();
        if serde_json::from_str::<Value>(&text).map_or(true, |p| !p.is_object()) {
            return Err(invalid("Invalid repository policy provided"));
        }
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        repo.policy = Some(text.clone());
        Ok(json!({"registryId": account, "repositoryName": repo.name, "policyText": text}))
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
