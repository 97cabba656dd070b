//! The worker: runs each [`Command`] as a task on the tokio runtime made in
//! `main`, and sends back [`Event`]s tagged with the id of the request that
//! caused them, so the state can drop answers nobody waits for any more.
//!
//! The UI thread only ever calls [`Worker::send`] (a non-blocking `try_send`
//! on a bounded channel) and drains events with `try_recv`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::runtime::Handle;
use tokio::sync::{Mutex, OnceCell, mpsc};

use crate::demo::{DEMO_REGION, DemoServer, SeedConfig};
use crate::ecr::NewRepository;
use crate::ecr::{self, ClientOptions, EcrClient, EcrError, StaticCredentials};
use crate::model::TagMutabilitySetting;
use crate::model::manifest::{self, Manifest, Platform};
use crate::model::{
    Digest, Image, ImageId, RegistryInfo, RegistryKey, RegistryScanningConfig, RegistrySpec,
    RepoScanConfig, Repository,
};
use crate::profiles::{self, Discovery};
use crate::state::{ConfigDoc, ImageDetailDoc, ScanSummary};

/// Identifies one request; events carry it back.
pub type RequestId = u64;

/// What the UI asks for.
#[derive(Clone, Debug)]
pub enum Command {
    /// Read AWS profiles and the environment.
    Discover,
    /// DescribeRegistry.
    LoadRegistryInfo { registry: RegistrySpec },
    /// DescribeRepositories, all pages, streamed.
    LoadRepositories { registry: RegistrySpec },
    /// Registry scanning configuration, then each repository's effective
    /// scan frequency.
    LoadScanning {
        registry: RegistrySpec,
        repositories: Vec<String>,
    },
    /// DescribeImages, all pages, streamed.
    LoadImages {
        registry: RegistrySpec,
        repository: String,
    },
    /// The platforms of image indexes (BatchGetImage, 100 a call).
    LoadPlatforms {
        registry: RegistrySpec,
        repository: String,
        indexes: Vec<Digest>,
    },
    /// Scan status and counts of the images on screen, one
    /// DescribeImageScanFindings each (ECR has no batch form).
    LoadScanSummaries {
        registry: RegistrySpec,
        repository: String,
        digests: Vec<Digest>,
    },
    /// Manifest, then the config blob through GetDownloadUrlForLayer.
    LoadImageDetail {
        registry: RegistrySpec,
        repository: String,
        digest: Digest,
    },
    /// A change to one repository's settings, then a re-read of it.
    ChangeRepository {
        registry: RegistrySpec,
        repository: String,
        change: RepoChange,
    },
    /// PutRegistryScanningConfiguration, then the re-read of the registry
    /// and per-repository configuration.
    PutScanning {
        registry: RegistrySpec,
        config: RegistryScanningConfig,
        repositories: Vec<String>,
    },
    /// StartImageScan for each image (basic scanning only).
    StartScans {
        registry: RegistrySpec,
        repository: String,
        digests: Vec<Digest>,
    },
    /// DescribeImageScanFindings, every page (basic 1000, enhanced 100).
    LoadFindings {
        registry: RegistrySpec,
        repository: String,
        digest: Digest,
    },
    /// Asks for a path, fetches every report (all pages), writes the export.
    ExportFindings {
        registry: RegistrySpec,
        repository: String,
        images: Vec<(Digest, Vec<String>)>,
        format: crate::export::Format,
    },
    /// PutImage with the existing manifest under a new tag.
    RetagImage {
        registry: RegistrySpec,
        repository: String,
        digest: Digest,
        tag: String,
    },
    /// BatchDeleteImage, 100 ids a call (by tag: removes just that tag).
    DeleteImages {
        registry: RegistrySpec,
        repository: String,
        ids: Vec<ImageId>,
    },
    CreateRepository {
        registry: RegistrySpec,
        new: NewRepository,
    },
    DeleteRepository {
        registry: RegistrySpec,
        repository: String,
        force: bool,
    },
    /// DescribePullThroughCacheRules, every page.
    LoadPullThrough { registry: RegistrySpec },
    /// Create, update or delete a rule, then the rules are re-read.
    ChangePullThrough {
        registry: RegistrySpec,
        change: PullThroughChange,
    },
    ValidatePullThrough {
        registry: RegistrySpec,
        prefix: String,
    },
    /// GetAuthorizationToken.
    LoginToken { registry: RegistrySpec },
    /// GetLifecyclePolicy.
    LoadLifecycle {
        registry: RegistrySpec,
        repository: String,
    },
    /// Put (Some) or delete (None) the lifecycle policy, then re-read it.
    ChangeLifecycle {
        registry: RegistrySpec,
        repository: String,
        text: Option<String>,
    },
    /// StartLifecyclePolicyPreview with a draft, then GetLifecyclePolicyPreview
    /// until it leaves IN_PROGRESS.
    PreviewLifecycle {
        registry: RegistrySpec,
        repository: String,
        text: String,
    },
    /// GetRepositoryPolicy.
    LoadRepoPolicy {
        registry: RegistrySpec,
        repository: String,
    },
}

/// Pull-through cache rule changes ECR allows.
#[derive(Clone, Debug, PartialEq)]
pub enum PullThroughChange {
    Create(ecr::NewPullThroughRule),
    /// Only the credential and the custom role can change in place.
    Update {
        prefix: String,
        credential_arn: Option<String>,
        custom_role_arn: Option<String>,
    },
    Delete(String),
}

/// Settings changes ECR allows on an existing repository.
#[derive(Clone, Debug, PartialEq)]
pub enum RepoChange {
    TagMutability(TagMutabilitySetting),
    ScanOnPush(bool),
}

/// What comes back.
#[derive(Debug)]
pub struct Event {
    pub request: RequestId,
    pub registry: Option<RegistryKey>,
    pub payload: Payload,
}

#[derive(Debug)]
pub enum Payload {
    Discovered(Discovery),
    RegistryInfo(Result<RegistryInfo, EcrError>),
    /// One page of repositories; more may follow.
    RepositoriesPage(Vec<Repository>),
    /// Listing finished (with the total) or failed.
    RepositoriesDone(Result<usize, EcrError>),
    Scanning(Result<(RegistryScanningConfig, Vec<RepoScanConfig>), EcrError>),
    ImagesPage {
        repository: String,
        images: Vec<Image>,
    },
    ImagesDone {
        repository: String,
        result: Result<usize, EcrError>,
    },
    Platforms {
        repository: String,
        platforms: Vec<(Digest, Vec<(Digest, Platform)>)>,
    },
    ScanSummary {
        repository: String,
        digest: Digest,
        result: Result<ScanSummary, EcrError>,
    },
    ImageDetail {
        repository: String,
        digest: Digest,
        result: Result<ImageDetailDoc, EcrError>,
    },
    /// The outcome of a change, and the repository as re-read afterwards
    /// (also after a failure, so the screen shows what the server holds).
    RepositoryChanged {
        repository: String,
        result: Result<(), EcrError>,
        reread: Option<Repository>,
    },
    RepositoryCreated(Result<Repository, EcrError>),
    /// An export has the reports of `done` of `total` images.
    ExportProgress {
        done: usize,
        total: usize,
        findings: usize,
    },
    /// `Ok(None)`: cancelled; `Ok(Some((path, findings)))`: written.
    Exported(Result<Option<(std::path::PathBuf, usize)>, String>),
    ScanStarted {
        repository: String,
        digest: Digest,
        result: Result<Option<crate::model::ScanStatus>, EcrError>,
    },
    Findings {
        repository: String,
        digest: Digest,
        result: Result<crate::model::ScanReport, EcrError>,
    },
    /// The outcome of a scanning change, with the configuration re-read.
    ScanningSaved(Result<(RegistryScanningConfig, Vec<RepoScanConfig>), EcrError>),
    /// An image operation finished: what to tell the user, and what failed.
    ImagesChanged {
        repository: String,
        result: Result<ecr::BatchDeleteResult, EcrError>,
        what: String,
    },
    RepositoryDeleted {
        repository: String,
        result: Result<(), EcrError>,
    },
    PullThroughRules(Result<Vec<crate::model::PullThroughRule>, EcrError>),
    /// A rule change finished (the rules are re-read after it either way).
    PullThroughChanged {
        what: String,
        result: Result<(), EcrError>,
    },
    PullThroughValidated {
        prefix: String,
        result: Result<ecr::PullThroughValidation, EcrError>,
    },
    LoginToken(Result<crate::model::AuthToken, EcrError>),
    Lifecycle {
        repository: String,
        result: Result<Option<crate::model::LifecyclePolicy>, EcrError>,
    },
    LifecycleChanged {
        repository: String,
        what: String,
        result: Result<(), EcrError>,
    },
    LifecyclePreview {
        repository: String,
        result: Result<crate::model::LifecyclePreview, EcrError>,
    },
    RepoPolicy {
        repository: String,
        result: Result<Option<String>, EcrError>,
    },
}

/// Called after each event so the UI wakes up (egui's `request_repaint`).
pub type Notify = Arc<dyn Fn() + Send + Sync>;

/// Worker settings.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub client: ClientOptions,
    /// Seed of the embedded demo endpoint (started on first use).
    pub demo_seed: SeedConfig,
    /// Added latency per demo request, in milliseconds.
    pub demo_latency_ms: u64,
    /// Commands that may wait to be started.
    pub queue: usize,
    /// Use this instead of reading the real AWS files and environment
    /// (hermetic tests, `--no-profiles`).
    pub fixed_discovery: Option<Discovery>,
    /// Asks where to save exports.
    pub picker: crate::save_dialog::Picker,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            client: ClientOptions::default(),
            demo_seed: SeedConfig::default(),
            demo_latency_ms: 0,
            queue: 256,
            fixed_discovery: None,
            picker: crate::save_dialog::Picker::default(),
        }
    }
}

/// The command queue is full: the UI says so instead of blocking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many requests are waiting; try again in a moment")]
pub struct Busy;

/// Handle to the worker, owned by the app.
pub struct Worker {
    tx: mpsc::Sender<(RequestId, Command)>,
    next_id: AtomicU64,
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

struct Inner {
    events: mpsc::Sender<Event>,
    notify: Notify,
    config: WorkerConfig,
    clients: Mutex<HashMap<RegistryKey, EcrClient>>,
    demo: OnceCell<Result<Arc<DemoServer>, String>>,
    /// Commands being worked on right now.
    running: AtomicU64,
}

impl Worker {
    /// Starts the dispatcher on `handle`. Events arrive on the returned
    /// receiver; `notify` is called after each.
    pub fn start(
        handle: &Handle,
        config: WorkerConfig,
        notify: Notify,
    ) -> (Self, mpsc::Receiver<Event>) {
        let (tx, mut rx) = mpsc::channel::<(RequestId, Command)>(config.queue.max(1));
        let (ev_tx, ev_rx) = mpsc::channel::<Event>(4096);
        let inner = Arc::new(Inner {
            events: ev_tx,
            notify,
            config,
            clients: Mutex::new(HashMap::new()),
            demo: OnceCell::new(),
            running: AtomicU64::new(0),
        });
        let dispatcher = inner.clone();
        handle.spawn(async move {
            while let Some((id, cmd)) = rx.recv().await {
                let inner = dispatcher.clone();
                tokio::spawn(async move {
                    inner.running.fetch_add(1, Ordering::Relaxed);
                    inner.run(id, cmd).await;
                    inner.running.fetch_sub(1, Ordering::Relaxed);
                    (inner.notify)();
                });
            }
        });
        (
            Self {
                tx,
                next_id: AtomicU64::new(1),
                inner,
            },
            ev_rx,
        )
    }

    /// Queues a command without blocking; returns its request id.
    pub fn send(&self, cmd: Command) -> Result<RequestId, Busy> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.tx.try_send((id, cmd)).map_err(|_| Busy)?;
        Ok(id)
    }

    /// Commands being worked on.
    pub fn in_flight(&self) -> u64 {
        self.inner.running.load(Ordering::Relaxed)
    }

    /// The embedded demo endpoint, once something has started it.
    pub fn demo(&self) -> Option<Arc<DemoServer>> {
        self.inner.demo.get().and_then(|r| r.as_ref().ok()).cloned()
    }

    /// Forgets cached clients (after the user edits registries or profiles).
    pub fn forget_clients(&self) {
        if let Ok(mut c) = self.inner.clients.try_lock() {
            c.clear();
        }
    }
}

impl Inner {
    async fn emit(&self, request: RequestId, registry: Option<RegistryKey>, payload: Payload) {
        // A closed receiver means the app is shutting down; nothing to do.
        let _ = self
            .events
            .send(Event {
                request,
                registry,
                payload,
            })
            .await;
        (self.notify)();
    }

    async fn demo_server(&self) -> Result<Arc<DemoServer>, EcrError> {
        let seed = self.config.demo_seed.clone();
        let latency = self.config.demo_latency_ms;
        self.demo
            .get_or_init(|| async move {
                let server = DemoServer::start(&seed).await.map_err(|e| e.to_string())?;
                server
                    .knobs
                    .set_latency(std::time::Duration::from_millis(latency));
                Ok(Arc::new(server))
            })
            .await
            .clone()
            .map_err(|e| EcrError::Other {
                operation: "starting the demo endpoint".into(),
                detail: e,
            })
    }

    /// Follows `nextToken` page by page, sending each page as an event as
    /// soon as it arrives; returns how many items came.
    async fn stream_pages<T, Fut>(
        &self,
        id: RequestId,
        key: &Option<RegistryKey>,
        mut fetch: impl FnMut(Option<String>) -> Fut,
        page_event: impl Fn(Vec<T>) -> Payload,
    ) -> Result<usize, EcrError>
    where
        Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), EcrError>>,
    {
        let (mut token, mut total) = (None, 0);
        loop {
            let (page, next) = fetch(token).await?;
            total += page.len();
            self.emit(id, key.clone(), page_event(page)).await;
            match next {
                Some(t) => token = Some(t),
                None => return Ok(total),
            }
        }
    }

    async fn export(
        &self,
        request: RequestId,
        registry: &RegistrySpec,
        repository: &str,
        images: Vec<(Digest, Vec<String>)>,
        format: crate::export::Format,
    ) -> Result<Option<(std::path::PathBuf, usize)>, String> {
        let name = format!(
            "{}-findings.{}",
            repository.replace('/', "_"),
            format.extension()
        );
        let Some(path) = self.config.picker.0.pick(name).await else {
            return Ok(None);
        };
        let c = self.client(registry).await.map_err(|e| e.to_string())?;
        // Every image's report at once, within the client's in-flight limit;
        // progress goes out as each one lands.
        let total = images.len();
        let mut tasks = tokio::task::JoinSet::new();
        for (i, (digest, tags)) in images.into_iter().enumerate() {
            let (c, repo) = (c.clone(), repository.to_owned());
            tasks.spawn(async move {
                let report = match ecr::describe_image_scan_findings(&c, &repo, &digest).await {
                    Ok(r) => Ok(r),
                    // Never scanned: an empty report, not a failed export.
                    Err(EcrError::NotFound { .. }) => Ok(crate::model::ScanReport::default()),
                    Err(e) => Err(format!("{}: {e}", digest.short())),
                };
                (i, digest, tags, report)
            });
        }
        let mut slots: Vec<Option<crate::export::ImageReport>> = vec![None; total];
        let (mut done, mut findings) = (0, 0);
        while let Some(joined) = tasks.join_next().await {
            let (i, digest, tags, report) = joined.map_err(|e| e.to_string())?;
            let report = report?;
            done += 1;
            findings += report.findings.len();
            slots[i] = Some(crate::export::ImageReport {
                repository: repository.to_owned(),
                digest,
                tags,
                report,
            });
            self.emit(
                request,
                Some(registry.key()),
                Payload::ExportProgress {
                    done,
                    total,
                    findings,
                },
            )
            .await;
        }
        let reports: Vec<crate::export::ImageReport> = slots.into_iter().flatten().collect();
        let count = reports.iter().map(|r| r.report.findings.len()).sum();
        let text = crate::export::render(format, &reports);
        let target = path.clone();
        // File writing is blocking I/O: off the async threads too.
        tokio::task::spawn_blocking(move || std::fs::write(&target, text))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| {
                format!(
                    "Could not write {}: {e}. Choose another location; nothing was lost.",
                    path.display()
                )
            })?;
        Ok(Some((path, count)))
    }

    /// One call on a registry's client: the client's own error (no region,
    /// no credentials) and the call's share one `Result`.
    async fn call<T, F, Fut>(&self, registry: &RegistrySpec, f: F) -> Result<T, EcrError>
    where
        F: FnOnce(EcrClient) -> Fut,
        Fut: std::future::Future<Output = Result<T, EcrError>>,
    {
        f(self.client(registry).await?).await
    }

    /// The client for a registry, made on first use.
    async fn client(&self, spec: &RegistrySpec) -> Result<EcrClient, EcrError> {
        if spec.region.is_empty() {
            let who = spec.profile.as_deref().unwrap_or("default");
            return Err(EcrError::InvalidInput {
                detail: format!(
                    "profile '{who}' has no region. Add 'region = us-east-1' (or yours) under [profile {who}] in ~/.aws/config, or set AWS_REGION."
                ),
            });
        }
        let key = spec.key();
        let mut clients = self.clients.lock().await;
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let client = if spec.is_demo() {
            let demo = self.demo_server().await?;
            // Fixed, public, fake credentials: the demo endpoint ignores them,
            // but the SDK signs every request as it would for AWS.
            let creds = StaticCredentials {
                access_key_id: "AKIDEMO".into(),
                secret_access_key: "demo".into(),
            };
            EcrClient::with_static(
                &demo.url(),
                DEMO_REGION,
                &creds,
                spec.registry_id.clone(),
                &self.config.client,
            )
        } else {
            EcrClient::connect(spec, &self.config.client).await
        };
        clients.insert(key, client.clone());
        Ok(client)
    }

    async fn run(&self, id: RequestId, cmd: Command) {
        match cmd {
            Command::Discover => {
                let d = match &self.config.fixed_discovery {
                    Some(d) => d.clone(),
                    None => profiles::discover().await,
                };
                self.emit(id, None, Payload::Discovered(d)).await;
            }
            Command::LoadPullThrough { registry } => {
                let key = Some(registry.key());
                let result = self
                    .call(&registry, |c| async move {
                        ecr::describe_pull_through_cache_rules(&c).await
                    })
                    .await;
                self.emit(id, key, Payload::PullThroughRules(result)).await;
            }
            Command::ChangePullThrough { registry, change } => {
                let key = Some(registry.key());
                let (what, result) = match self.client(&registry).await {
                    Err(e) => (String::new(), Err(e)),
                    Ok(c) => match &change {
                        PullThroughChange::Create(new) => (
                            format!("Created the rule {}", new.ecr_repository_prefix),
                            ecr::create_pull_through_cache_rule(&c, new)
                                .await
                                .map(|_| ()),
                        ),
                        PullThroughChange::Update {
                            prefix,
                            credential_arn,
                            custom_role_arn,
                        } => (
                            format!("Updated the rule {prefix}"),
                            ecr::update_pull_through_cache_rule(
                                &c,
                                prefix,
                                credential_arn.as_deref(),
                                custom_role_arn.as_deref(),
                            )
                            .await,
                        ),
                        PullThroughChange::Delete(prefix) => (
                            format!("Deleted the rule {prefix}"),
                            ecr::delete_pull_through_cache_rule(&c, prefix).await,
                        ),
                    },
                };
                self.emit(
                    id,
                    key.clone(),
                    Payload::PullThroughChanged { what, result },
                )
                .await;
                // Re-read, so the list shows what the server holds.
                let rules = self
                    .call(&registry, |c| async move {
                        ecr::describe_pull_through_cache_rules(&c).await
                    })
                    .await;
                self.emit(id, key, Payload::PullThroughRules(rules)).await;
            }
            Command::ValidatePullThrough { registry, prefix } => {
                let key = Some(registry.key());
                let p = prefix.clone();
                let result = self
                    .call(&registry, |c| async move {
                        ecr::validate_pull_through_cache_rule(&c, &p).await
                    })
                    .await;
                self.emit(id, key, Payload::PullThroughValidated { prefix, result })
                    .await;
            }
            Command::LoginToken { registry } => {
                let key = Some(registry.key());
                let result = self
                    .call(&registry, |c| async move {
                        ecr::get_authorization_token(&c).await
                    })
                    .await;
                self.emit(id, key, Payload::LoginToken(result)).await;
            }
            Command::LoadLifecycle {
                registry,
                repository,
            } => {
                let key = Some(registry.key());
                let r = repository.clone();
                let result = self
                    .call(&registry, |c| async move {
                        ecr::get_lifecycle_policy(&c, &r).await
                    })
                    .await;
                self.emit(id, key, Payload::Lifecycle { repository, result })
                    .await;
            }
            Command::ChangeLifecycle {
                registry,
                repository,
                text,
            } => {
                let key = Some(registry.key());
                let what = if text.is_some() {
                    format!("Saved the lifecycle policy of {repository}")
                } else {
                    format!("Deleted the lifecycle policy of {repository}")
                };
                let client = self.client(&registry).await;
                let result = match (&client, &text) {
                    (Err(e), _) => Err(e.clone()),
                    (Ok(c), Some(t)) => ecr::put_lifecycle_policy(c, &repository, t).await,
                    (Ok(c), None) => ecr::delete_lifecycle_policy(c, &repository).await,
                };
                self.emit(
                    id,
                    key.clone(),
                    Payload::LifecycleChanged {
                        repository: repository.clone(),
                        what,
                        result,
                    },
                )
                .await;
                let reread = match &client {
                    Ok(c) => ecr::get_lifecycle_policy(c, &repository).await,
                    Err(e) => Err(e.clone()),
                };
                self.emit(
                    id,
                    key,
                    Payload::Lifecycle {
                        repository,
                        result: reread,
                    },
                )
                .await;
            }
            Command::PreviewLifecycle {
                registry,
                repository,
                text,
            } => {
                let key = Some(registry.key());
                let result = async {
                    let c = self.client(&registry).await?;
                    ecr::start_lifecycle_policy_preview(&c, &repository, Some(&text)).await?;
                    // ECR evaluates in the background; ask again with backoff
                    // (1 s, x1.5, at most 5 s) for up to two minutes.
                    let deadline =
                        tokio::time::Instant::now() + std::time::Duration::from_secs(120);
                    let mut wait = std::time::Duration::from_millis(250);
                    loop {
                        let p = ecr::get_lifecycle_policy_preview(&c, &repository).await?;
                        if p.status != crate::model::PreviewStatus::InProgress
                            || tokio::time::Instant::now() > deadline
                        {
                            return Ok(p);
                        }
                        tokio::time::sleep(wait).await;
                        wait = (wait.mul_f64(1.5)).min(std::time::Duration::from_secs(5));
                    }
                }
                .await;
                self.emit(id, key, Payload::LifecyclePreview { repository, result })
                    .await;
            }
            Command::LoadRepoPolicy {
                registry,
                repository,
            } => {
                let key = Some(registry.key());
                let r = repository.clone();
                let result = self
                    .call(&registry, |c| async move {
                        ecr::get_repository_policy(&c, &r).await
                    })
                    .await;
                self.emit(id, key, Payload::RepoPolicy { repository, result })
                    .await;
            }
            Command::LoadRegistryInfo { registry } => {
                let key = Some(registry.key());
                let result = match self.client(&registry).await {
                    Ok(c) => ecr::describe_registry(&c).await,
                    Err(e) => Err(e),
                };
                self.emit(id, key, Payload::RegistryInfo(result)).await;
            }
            Command::LoadRepositories { registry } => {
                let key = Some(registry.key());
                let client = match self.client(&registry).await {
                    Ok(c) => c,
                    Err(e) => return self.emit(id, key, Payload::RepositoriesDone(Err(e))).await,
                };
                // Each page goes to the UI as it arrives.
                let result = self
                    .stream_pages(
                        id,
                        &key,
                        |token| ecr::describe_repositories_page(&client, token),
                        Payload::RepositoriesPage,
                    )
                    .await;
                self.emit(id, key, Payload::RepositoriesDone(result)).await;
            }
            Command::LoadScanning {
                registry,
                repositories,
            } => {
                let key = Some(registry.key());
                let result = async {
                    let c = self.client(&registry).await?;
                    let cfg = ecr::get_registry_scanning_configuration(&c).await?;
                    let per_repo = if repositories.is_empty() {
                        Vec::new()
                    } else {
                        ecr::batch_get_repository_scanning_configuration(&c, &repositories).await?
                    };
                    Ok((cfg, per_repo))
                }
                .await;
                self.emit(id, key, Payload::Scanning(result)).await;
            }
            Command::LoadImages {
                registry,
                repository,
            } => {
                let key = Some(registry.key());
                let client = match self.client(&registry).await {
                    Ok(c) => c,
                    Err(e) => {
                        return self
                            .emit(
                                id,
                                key,
                                Payload::ImagesDone {
                                    repository,
                                    result: Err(e),
                                },
                            )
                            .await;
                    }
                };
                // Pages of one repository are sequential; each goes to the UI
                // as it arrives, so the table is usable after one round trip.
                let result = self
                    .stream_pages(
                        id,
                        &key,
                        |token| ecr::describe_images_page(&client, &repository, token),
                        |images| Payload::ImagesPage {
                            repository: repository.clone(),
                            images,
                        },
                    )
                    .await;
                self.emit(id, key, Payload::ImagesDone { repository, result })
                    .await;
            }
            Command::LoadPlatforms {
                registry,
                repository,
                indexes,
            } => {
                let key = Some(registry.key());
                let Ok(client) = self.client(&registry).await else {
                    return;
                };
                let ids: Vec<ImageId> = indexes.iter().map(|d| ImageId::Digest(*d)).collect();
                // Platforms are extra detail: on failure the indexes simply
                // show without children.
                let Ok((docs, _)) = ecr::batch_get_manifests(&client, &repository, &ids).await
                else {
                    return;
                };
                let platforms = docs
                    .iter()
                    .filter_map(|doc| {
                        let Ok(Manifest::Index { manifests }) =
                            manifest::parse_manifest(&doc.manifest)
                        else {
                            return None;
                        };
                        let children = manifests
                            .into_iter()
                            .filter_map(|(d, p)| Some((d.digest?, p.unwrap_or_default())))
                            .collect();
                        Some((doc.digest?, children))
                    })
                    .collect();
                self.emit(
                    id,
                    key,
                    Payload::Platforms {
                        repository,
                        platforms,
                    },
                )
                .await;
            }
            Command::LoadScanSummaries {
                registry,
                repository,
                digests,
            } => {
                let key = Some(registry.key());
                let client = match self.client(&registry).await {
                    Ok(c) => c,
                    Err(e) => {
                        for digest in digests {
                            self.emit(
                                id,
                                key.clone(),
                                Payload::ScanSummary {
                                    repository: repository.clone(),
                                    digest,
                                    result: Err(e.clone()),
                                },
                            )
                            .await;
                        }
                        return;
                    }
                };
                // Concurrent, within the client's in-flight limit.
                let mut tasks = tokio::task::JoinSet::new();
                for digest in digests {
                    let (c, repo) = (client.clone(), repository.clone());
                    tasks.spawn(async move { (digest, scan_summary(&c, &repo, &digest).await) });
                }
                while let Some(Ok((digest, result))) = tasks.join_next().await {
                    self.emit(
                        id,
                        key.clone(),
                        Payload::ScanSummary {
                            repository: repository.clone(),
                            digest,
                            result,
                        },
                    )
                    .await;
                }
            }
            Command::ChangeRepository {
                registry,
                repository,
                change,
            } => {
                let key = Some(registry.key());
                let (result, reread) = match self.client(&registry).await {
                    Err(e) => (Err(e), None),
                    Ok(c) => {
                        let result = match &change {
                            RepoChange::TagMutability(s) => {
                                ecr::put_image_tag_mutability(&c, &repository, s)
                                    .await
                                    .map(|_| ())
                            }
                            RepoChange::ScanOnPush(on) => {
                                ecr::put_image_scanning_configuration(&c, &repository, *on)
                                    .await
                                    .map(|_| ())
                            }
                        };
                        (result, ecr::describe_repository(&c, &repository).await.ok())
                    }
                };
                self.emit(
                    id,
                    key,
                    Payload::RepositoryChanged {
                        repository,
                        result,
                        reread,
                    },
                )
                .await;
            }
            Command::RetagImage {
                registry,
                repository,
                digest,
                tag,
            } => {
                let key = Some(registry.key());
                let result = async {
                    let c = self.client(&registry).await?;
                    ecr::retag_image(&c, &repository, &digest, &tag).await
                }
                .await
                .map(|()| ecr::BatchDeleteResult::default());
                let what = format!("Tagged {} as {tag}", digest.short());
                self.emit(
                    id,
                    key,
                    Payload::ImagesChanged {
                        repository,
                        result,
                        what,
                    },
                )
                .await;
            }
            Command::DeleteImages {
                registry,
                repository,
                ids,
            } => {
                let key = Some(registry.key());
                let n = ids.len();
                let result = async {
                    let c = self.client(&registry).await?;
                    ecr::batch_delete_images(&c, &repository, &ids).await
                }
                .await;
                let what = if n == 1 {
                    "Deleted 1 item".to_owned()
                } else {
                    format!("Deleted {n} items")
                };
                self.emit(
                    id,
                    key,
                    Payload::ImagesChanged {
                        repository,
                        result,
                        what,
                    },
                )
                .await;
            }
            Command::PutScanning {
                registry,
                config,
                repositories,
            } => {
                let key = Some(registry.key());
                let result = async {
                    let c = self.client(&registry).await?;
                    let cfg = ecr::put_registry_scanning_configuration(&c, &config).await?;
                    let per = if repositories.is_empty() {
                        Vec::new()
                    } else {
                        ecr::batch_get_repository_scanning_configuration(&c, &repositories).await?
                    };
                    Ok((cfg, per))
                }
                .await;
                self.emit(id, key, Payload::ScanningSaved(result)).await;
            }
            Command::StartScans {
                registry,
                repository,
                digests,
            } => {
                let key = Some(registry.key());
                let client = self.client(&registry).await;
                for digest in digests {
                    let result = match &client {
                        Ok(c) => ecr::start_image_scan(c, &repository, &digest).await,
                        Err(e) => Err(e.clone()),
                    };
                    self.emit(
                        id,
                        key.clone(),
                        Payload::ScanStarted {
                            repository: repository.clone(),
                            digest,
                            result,
                        },
                    )
                    .await;
                }
            }
            Command::LoadFindings {
                registry,
                repository,
                digest,
            } => {
                let key = Some(registry.key());
                let result = async {
                    let c = self.client(&registry).await?;
                    ecr::describe_image_scan_findings(&c, &repository, &digest).await
                }
                .await;
                self.emit(
                    id,
                    key,
                    Payload::Findings {
                        repository,
                        digest,
                        result,
                    },
                )
                .await;
            }
            Command::ExportFindings {
                registry,
                repository,
                images,
                format,
            } => {
                let key = Some(registry.key());
                let result = self
                    .export(id, &registry, &repository, images, format)
                    .await;
                self.emit(id, key, Payload::Exported(result)).await;
            }
            Command::CreateRepository { registry, new } => {
                let key = Some(registry.key());
                let result = async {
                    let c = self.client(&registry).await?;
                    ecr::create_repository(&c, &new).await?;
                    // Re-read rather than trust the create answer's echo.
                    ecr::describe_repository(&c, &new.name).await
                }
                .await;
                self.emit(id, key, Payload::RepositoryCreated(result)).await;
            }
            Command::DeleteRepository {
                registry,
                repository,
                force,
            } => {
                let key = Some(registry.key());
                let result = async {
                    let c = self.client(&registry).await?;
                    ecr::delete_repository(&c, &repository, force).await
                }
                .await;
                self.emit(id, key, Payload::RepositoryDeleted { repository, result })
                    .await;
            }
            Command::LoadImageDetail {
                registry,
                repository,
                digest,
            } => {
                let key = Some(registry.key());
                let result = async {
                    let c = self.client(&registry).await?;
                    image_detail(&c, &repository, &digest).await
                }
                .await;
                self.emit(
                    id,
                    key,
                    Payload::ImageDetail {
                        repository,
                        digest,
                        result,
                    },
                )
                .await;
            }
        }
    }
}

/// Status and severity counts of one image. "No scan yet" is an answer, not
/// an error.
async fn scan_summary(c: &EcrClient, repo: &str, digest: &Digest) -> Result<ScanSummary, EcrError> {
    match ecr::describe_image_scan_findings_summary(c, repo, digest).await {
        Ok((status, counts)) => Ok(ScanSummary {
            status,
            counts,
            never_scanned: false,
        }),
        Err(EcrError::NotFound { what }) if what.starts_with("A scan") => Ok(ScanSummary {
            never_scanned: true,
            ..ScanSummary::default()
        }),
        Err(e) => Err(e),
    }
}

/// The manifest, and for a single image its config blob. A blob the endpoint
/// cannot serve is reported in place, not as a failure of the whole detail.
async fn image_detail(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
) -> Result<ImageDetailDoc, EcrError> {
    let (docs, failures) = ecr::batch_get_manifests(c, repo, &[ImageId::Digest(*digest)]).await?;
    let Some(doc) = docs.into_iter().next() else {
        let why = failures
            .first()
            .map_or_else(|| "no manifest returned".to_owned(), |f| f.1.clone());
        return Err(EcrError::NotFound {
            what: format!("The image {} ({why})", digest.short()),
        });
    };
    let parsed = manifest::parse_manifest(&doc.manifest);
    let config = match &parsed {
        Ok(Manifest::Image {
            config: Some(cfg), ..
        }) => match cfg.digest {
            Some(cd) => Some(fetch_config(c, repo, &cd).await),
            None => Some(Err("The manifest names no config digest.".to_owned())),
        },
        Ok(Manifest::Image { config: None, .. }) => {
            Some(Err("The manifest has no config.".to_owned()))
        }
        Ok(Manifest::Index { .. }) | Err(_) => None,
    };
    Ok(ImageDetailDoc {
        media_type: doc.media_type,
        manifest_text: doc.manifest,
        manifest: parsed,
        config,
    })
}

async fn fetch_config(c: &EcrClient, repo: &str, config: &Digest) -> Result<ConfigDoc, String> {
    let url = ecr::get_download_url_for_layer(c, repo, config).await.map_err(|e| match e {
        EcrError::NotSupported { .. } => "This endpoint cannot serve image blobs (GetDownloadUrlForLayer is not implemented), so the config, environment and history are not available here.".to_owned(),
        other => format!("The config blob could not be fetched: {other}"),
    })?;
    let bytes = ecr::download_blob(&url, std::time::Duration::from_secs(20))
        .await
        .map_err(|e| format!("The config blob could not be downloaded: {e}"))?;
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    Ok(ConfigDoc {
        parsed: manifest::parse_config(&bytes),
        raw,
    })
}
