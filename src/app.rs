//! The eframe app: `logic()` drains worker events into the state; `ui()`
//! draws and collects [`UiAction`]s, which [`EcrscopeApp::handle`] turns into
//! state changes and worker commands, all in one place.

mod docs;

use std::sync::Arc;

use tokio::runtime::Handle;
use tokio::sync::mpsc;

use crate::model::{RegistryKey, RegistrySource};
use crate::settings::{self, Loaded, Settings};
use crate::state::{AppState, History, Location, NoticeLevel, Requested, merge_registries};
use crate::ui::add_registry::{self, AddRegistryForm, DialogOutcome};
use crate::ui::create_repository::{CreateRepoForm, DeleteRepoForm};
use crate::ui::push_commands::{PushTarget, Tool as PushTool};
use crate::ui::{self, UiAction, ViewState, style};
use crate::worker::RepoChange;
use crate::worker::{Command, Event, Notify, Payload, Worker, WorkerConfig};

/// How the app starts.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// Show the demo registry even when AWS profiles exist (`--demo`).
    pub force_demo: bool,
    pub worker: WorkerConfig,
    /// Ignore saved settings (`--reset-settings`).
    pub reset_settings: bool,
    /// `--startup-probe`: when the process started; the app prints the time
    /// to its first frame and first repository row, then closes.
    pub startup_probe: Option<std::time::Instant>,
}

pub struct EcrscopeApp {
    pub state: AppState,
    pub view: ViewState,
    worker: Worker,
    events: mpsc::Receiver<Event>,
    settings: Settings,
    toasts: egui_notify::Toasts,
    force_demo: bool,
    history: History,
    /// Scans being followed: when to poll next (None: waiting) and how many polls so far.
    scan_polls: std::collections::HashMap<
        (RegistryKey, String, crate::model::Digest),
        (Option<std::time::Instant>, u32),
    >,
    /// When each registry was last (re)loaded, for auto-refresh.
    last_refresh: std::collections::HashMap<RegistryKey, std::time::Instant>,
    /// Repositories the findings sweep has finished with.
    sweep_done: std::collections::HashSet<String>,
    /// Start-up probe: process start, and whether the first frame was seen.
    probe: Option<(std::time::Instant, bool)>,
}

impl std::fmt::Debug for EcrscopeApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EcrscopeApp")
            .field("registries", &self.state.registries.len())
            .finish()
    }
}

/// Events drained per frame at most, so a burst cannot stall a frame.
const EVENTS_PER_FRAME: usize = 512;

impl EcrscopeApp {
    pub fn new(cc: &eframe::CreationContext<'_>, runtime: &Handle, opts: AppOptions) -> Self {
        let stored = if opts.reset_settings {
            None
        } else {
            cc.storage.and_then(|s| s.get_string(settings::KEY))
        };
        let (settings, warning) = match Settings::from_stored(stored.as_deref()) {
            Loaded::Fresh(s) | Loaded::Restored(s) => (s, None),
            Loaded::Corrupt(s, why) => (s, Some(why)),
        };
        style::install(&cc.egui_ctx, settings.theme);
        let ctx = cc.egui_ctx.clone();
        let notify: Notify = Arc::new(move || ctx.request_repaint());
        let mut worker_cfg = opts.worker;
        worker_cfg.client.max_in_flight = settings.max_in_flight;
        let (worker, events) = Worker::start(runtime, worker_cfg, notify);
        let mut app = Self {
            state: AppState::default(),
            view: ViewState {
                theme: settings.theme,
                ..ViewState::default()
            },
            worker,
            events,
            settings,
            // Bottom right: clear of the toolbar and the table headers.
            toasts: egui_notify::Toasts::default()
                .with_anchor(egui_notify::Anchor::BottomRight)
                .with_margin(egui::vec2(12.0, 36.0)),
            force_demo: opts.force_demo,
            history: History::default(),
            scan_polls: std::collections::HashMap::new(),
            last_refresh: std::collections::HashMap::new(),
            sweep_done: std::collections::HashSet::new(),
            probe: opts.startup_probe.map(|t| (t, false)),
        };
        app.state.repo_sort = app.settings.repo_sort;
        app.state.image_sort = app.settings.image_sort;
        app.state.auto_refresh = app.settings.auto_refresh.clone();
        if let Some(w) = warning {
            app.state.notices.push(crate::state::Notice {
                level: NoticeLevel::Warning,
                text: w,
            });
        }
        app.discover();
        app
    }

    /// The worker, for tests that need the demo endpoint's knobs.
    pub fn worker(&self) -> &Worker {
        &self.worker
    }

    fn send(&mut self, cmd: Command) -> Option<u64> {
        match self.worker.send(cmd) {
            Ok(id) => Some(id),
            Err(busy) => {
                self.state.notices.push(crate::state::Notice {
                    level: NoticeLevel::Warning,
                    text: busy.to_string(),
                });
                None
            }
        }
    }

    fn discover(&mut self) {
        self.state.discovery_request = self.send(Command::Discover);
    }

    /// Registries changed (discovery, add, remove): rebuild the list, restore
    /// the saved selection, load what is new.
    fn rebuild_registries(&mut self) {
        let Some(d) = &self.state.discovery else {
            return;
        };
        let specs = merge_registries(d, &self.settings.added_registries, self.force_demo);
        let restoring = self.state.selected.is_none();
        self.state.set_registries(specs);
        if restoring {
            let saved = self
                .settings
                .selected_registry
                .clone()
                .filter(|k| self.state.registry(k).is_some());
            if let Some(saved) = saved {
                let loc = Location {
                    registry: Some(saved),
                    repository: self.settings.selected_repository.clone(),
                    image: None,
                };
                self.go_to(loc.clone());
                self.history.visit(loc);
            } else {
                self.history.visit(self.location());
            }
        }
        let idle: Vec<RegistryKey> = self
            .state
            .registries
            .iter()
            .filter(|r| matches!(r.repositories, crate::state::Requested::Idle))
            .map(|r| r.spec.key())
            .collect();
        for key in idle {
            self.load_registry(&key);
        }
    }

    /// DescribeRegistry + DescribeRepositories for one registry.
    fn load_registry(&mut self, key: &RegistryKey) {
        self.last_refresh
            .insert(key.clone(), std::time::Instant::now());
        let Some(spec) = self.state.registry(key).map(|r| r.spec.clone()) else {
            return;
        };
        if let Some(id) = self.send(Command::LoadRegistryInfo {
            registry: spec.clone(),
        }) && let Some(r) = self.state.registry_mut(key)
        {
            r.info.start(id);
        }
        if let Some(id) = self.send(Command::LoadRepositories { registry: spec })
            && let Some(r) = self.state.registry_mut(key)
        {
            r.repositories.start(id);
        }
    }

    fn load_scanning(&mut self, key: &RegistryKey) {
        let Some(reg) = self.state.registry(key) else {
            return;
        };
        let names: Vec<String> = reg
            .repositories
            .shown()
            .map(|l| l.iter().map(|r| r.name.clone()).collect())
            .unwrap_or_default();
        let spec = reg.spec.clone();
        if let Some(id) = self.send(Command::LoadScanning {
            registry: spec,
            repositories: names,
        }) && let Some(r) = self.state.registry_mut(key)
        {
            r.scanning.start(id);
        }
    }

    /// Applies one event, then whatever it calls for next.
    fn on_event(&mut self, ev: Event) {
        let discovered = matches!(ev.payload, Payload::Discovered(_))
            && self.state.discovery_request == Some(ev.request);
        let repos_done = match (&ev.payload, &ev.registry) {
            (Payload::RepositoriesDone(Ok(_)), Some(k)) => self
                .state
                .registry(k)
                .is_some_and(|r| r.repositories.is_current(ev.request))
                .then(|| k.clone()),
            _ => None,
        };
        let images_done = match (&ev.payload, &ev.registry) {
            (
                Payload::ImagesDone {
                    repository,
                    result: Ok(_),
                },
                Some(k),
            ) => self
                .state
                .repo_images(k, repository)
                .is_some_and(|ri| ri.list.is_current(ev.request))
                .then(|| (k.clone(), repository.clone())),
            _ => None,
        };
        let images_changed = match (&ev.payload, &ev.registry) {
            (Payload::ImagesChanged { repository, .. }, Some(k)) => {
                Some((k.clone(), repository.clone()))
            }
            _ => None,
        };
        let scan_follow = match (&ev.payload, &ev.registry) {
            (
                Payload::ScanStarted {
                    repository,
                    digest,
                    result: Ok(_),
                },
                Some(k),
            ) => Some(((k.clone(), repository.clone(), *digest), true)),
            (
                Payload::Findings {
                    repository,
                    digest,
                    result,
                },
                Some(k),
            ) => {
                let running = result.as_ref().is_ok_and(|r| {
                    r.status
                        .as_ref()
                        .is_some_and(crate::model::ScanStatus::is_running)
                });
                Some(((k.clone(), repository.clone(), *digest), running))
            }
            _ => None,
        };
        let created = match &ev.payload {
            Payload::RepositoryCreated(r)
                if self
                    .view
                    .create_repo
                    .as_ref()
                    .is_some_and(|f| f.submitting == Some(ev.request)) =>
            {
                Some(
                    r.as_ref()
                        .map(|r| r.name.clone())
                        .map_err(ToString::to_string),
                )
            }
            _ => None,
        };
        self.state.apply(ev);
        if let Some((k, repo)) = images_changed {
            // Show what the server holds now: the list, and the open image's
            // details (its tags may have changed).
            self.load_images(&k, &repo);
            if let Some(ri) = self.state.repo_images_mut(Some(&k), &repo) {
                ri.details.clear();
            }
            if let Some(d) = self.state.selected_image {
                self.ensure_detail(d);
            }
        }
        if let Some((k, running)) = scan_follow {
            if running {
                self.schedule_poll(k);
            } else {
                self.scan_polls.remove(&k);
            }
        }
        match created {
            Some(Ok(name)) => {
                // The created repository appears selected.
                self.view.create_repo = None;
                let loc = Location {
                    registry: self.state.selected.clone(),
                    repository: Some(name),
                    image: None,
                };
                self.go_to(loc.clone());
                self.history.visit(loc);
            }
            Some(Err(e)) => {
                if let Some(f) = &mut self.view.create_repo {
                    f.submitting = None;
                    f.error = Some(e);
                }
            }
            None => {}
        }
        if discovered {
            self.rebuild_registries();
        }
        if let Some(k) = repos_done {
            self.load_scanning(&k);
        }
        if let Some((k, repo)) = images_done {
            self.load_platforms(&k, &repo);
        }
    }

    /// Where the user is now, for the history.
    fn location(&self) -> Location {
        Location {
            registry: self.state.selected.clone(),
            repository: self.state.selected_repository.clone(),
            image: self.state.selected_image,
        }
    }

    /// Goes to a location (from the history or a saved selection), loading
    /// what it needs.
    fn go_to(&mut self, loc: Location) {
        if let Some(k) = &loc.registry
            && self.state.registry(k).is_none()
        {
            return;
        }
        let repo_changed =
            self.state.selected_repository != loc.repository || self.state.selected != loc.registry;
        self.state.selected = loc.registry;
        self.state.selected_repository = loc.repository;
        self.state.selected_image = loc.image;
        if repo_changed {
            self.view.images.reset();
        }
        self.ensure_images();
        if let Some(d) = loc.image {
            self.ensure_detail(d);
        }
    }

    /// Starts loading the open repository's images unless already loaded.
    fn ensure_images(&mut self) {
        let (Some(key), Some(repo)) = (
            self.state.selected.clone(),
            self.state.selected_repository.clone(),
        ) else {
            return;
        };
        let idle = self
            .state
            .repo_images(&key, &repo)
            .is_none_or(|ri| matches!(ri.list, Requested::Idle));
        if idle {
            self.load_images(&key, &repo);
        }
    }

    fn load_images(&mut self, key: &RegistryKey, repo: &str) {
        let Some(spec) = self.state.registry(key).map(|r| r.spec.clone()) else {
            return;
        };
        if let Some(id) = self.send(Command::LoadImages {
            registry: spec,
            repository: repo.to_owned(),
        }) && let Some(ri) = self.state.repo_images_mut(Some(key), repo)
        {
            ri.list.start(id);
        }
    }

    fn ensure_detail(&mut self, digest: crate::model::Digest) {
        let (Some(key), Some(repo)) = (
            self.state.selected.clone(),
            self.state.selected_repository.clone(),
        ) else {
            return;
        };
        let needed = self.state.repo_images(&key, &repo).is_none_or(|ri| {
            ri.details
                .get(&digest)
                .is_none_or(|d| matches!(d, Requested::Idle | Requested::Failed { .. }))
        });
        if !needed {
            return;
        }
        let Some(spec) = self.state.registry(&key).map(|r| r.spec.clone()) else {
            return;
        };
        if let Some(id) = self.send(Command::LoadImageDetail {
            registry: spec,
            repository: repo.clone(),
            digest,
        }) && let Some(ri) = self.state.repo_images_mut(Some(&key), &repo)
        {
            ri.details.entry(digest).or_default().start(id);
        }
    }

    /// At most this many scan summaries are asked for per frame; the rest
    /// follow on the next frames (the rows stay on screen).
    const SCAN_SUMMARIES_PER_FRAME: usize = 32;

    fn load_scan_summaries(&mut self, digests: Vec<crate::model::Digest>) {
        let (Some(key), Some(repo)) = (
            self.state.selected.clone(),
            self.state.selected_repository.clone(),
        ) else {
            return;
        };
        let Some(spec) = self.state.registry(&key).map(|r| r.spec.clone()) else {
            return;
        };
        let digests: Vec<_> = digests
            .into_iter()
            .take(Self::SCAN_SUMMARIES_PER_FRAME)
            .collect();
        if let Some(id) = self.send(Command::LoadScanSummaries {
            registry: spec,
            repository: repo.clone(),
            digests: digests.clone(),
        }) && let Some(ri) = self.state.repo_images_mut(Some(&key), &repo)
        {
            for d in digests {
                ri.scans.entry(d).or_default().start(id);
            }
        }
    }

    /// After a listing: ask for the platforms of the index images.
    fn load_platforms(&mut self, key: &RegistryKey, repo: &str) {
        let Some(spec) = self.state.registry(key).map(|r| r.spec.clone()) else {
            return;
        };
        let indexes: Vec<_> = self
            .state
            .repo_images(key, repo)
            .and_then(|ri| ri.list.shown())
            .map(|l| {
                l.iter()
                    .filter(|i| i.manifest.is_index())
                    .map(|i| i.digest)
                    .collect()
            })
            .unwrap_or_default();
        if !indexes.is_empty() {
            self.send(Command::LoadPlatforms {
                registry: spec,
                repository: repo.to_owned(),
                indexes,
            });
        }
    }

    fn push_target(&self) -> Option<PushTarget> {
        let reg = self.state.selected_registry()?;
        let repo = self.state.selected_repository.clone()?;
        let uri = reg
            .repositories
            .shown()?
            .iter()
            .find(|r| r.name == repo)
            .map(|r| r.uri.clone())?;
        let host = uri.split('/').next().unwrap_or_default().to_owned();
        Some(PushTarget {
            registry_host: host,
            region: reg.spec.region.clone(),
            profile: reg.spec.profile.clone(),
            repository: repo,
        })
    }

    fn find_repo(&self, name: &str) -> Option<crate::model::Repository> {
        self.state
            .selected_registry()?
            .repositories
            .shown()?
            .iter()
            .find(|r| r.name == name)
            .cloned()
    }

    /// Sends one settings change; the control shows it as pending until the
    /// answer (and the re-read) arrives. One change per repository at a time,
    /// so a double click sends one request.
    fn change_repository(&mut self, repo: &str, change: RepoChange) {
        let Some(key) = self.state.selected.clone() else {
            return;
        };
        let Some(spec) = self.state.registry(&key).map(|r| r.spec.clone()) else {
            return;
        };
        if self
            .state
            .registry(&key)
            .is_some_and(|r| r.pending.contains_key(repo))
        {
            return;
        }
        if let Some(id) = self.send(Command::ChangeRepository {
            registry: spec,
            repository: repo.to_owned(),
            change,
        }) && let Some(r) = self.state.registry_mut(&key)
        {
            r.pending.insert(repo.to_owned(), id);
        }
    }

    fn open_repo_images(&self) -> Option<&crate::state::RepoImages> {
        self.state.open_images()
    }

    /// Starts basic scans, after the checks ECR would make: no manual scans
    /// under enhanced scanning, none of archived images.
    fn start_scans(&mut self, digests: Vec<crate::model::Digest>) {
        let (Some(key), Some(repo)) = (
            self.state.selected.clone(),
            self.state.selected_repository.clone(),
        ) else {
            return;
        };
        let Some(reg) = self.state.registry(&key) else {
            return;
        };
        let spec = reg.spec.clone();
        if reg
            .scanning
            .shown()
            .is_some_and(|(c, _)| c.scan_type == crate::model::ScanType::Enhanced)
        {
            self.state.notices.push(crate::state::Notice {
                level: NoticeLevel::Warning,
                text: "This registry uses enhanced scanning: Amazon Inspector scans images continuously or on push, so scans cannot be started by hand.".into(),
            });
            return;
        }
        let archived: Vec<_> = self
            .open_repo_images()
            .and_then(|ri| ri.list.shown())
            .map(|l| {
                l.iter()
                    .filter(|i| {
                        digests.contains(&i.digest)
                            && i.status == crate::model::ImageStatus::Archived
                    })
                    .map(|i| i.digest)
                    .collect()
            })
            .unwrap_or_default();
        if !archived.is_empty() {
            self.state.notices.push(crate::state::Notice {
                level: NoticeLevel::Warning,
                text: format!("{} archived image(s) skipped: archived images cannot be scanned; restore them first.", archived.len()),
            });
        }
        let digests: Vec<_> = digests
            .into_iter()
            .filter(|d| !archived.contains(d))
            .collect();
        if digests.is_empty() {
            return;
        }
        self.send(Command::StartScans {
            registry: spec,
            repository: repo,
            digests,
        });
    }

    fn load_findings(&mut self, digest: crate::model::Digest) {
        let (Some(key), Some(repo)) = (
            self.state.selected.clone(),
            self.state.selected_repository.clone(),
        ) else {
            return;
        };
        self.load_findings_in(&key, &repo, digest);
    }

    fn load_findings_in(&mut self, key: &RegistryKey, repo: &str, digest: crate::model::Digest) {
        let Some(spec) = self.state.registry(key).map(|r| r.spec.clone()) else {
            return;
        };
        if let Some(id) = self.send(Command::LoadFindings {
            registry: spec,
            repository: repo.to_owned(),
            digest,
        }) && let Some(ri) = self.state.repo_images_mut(Some(key), repo)
        {
            ri.findings.entry(digest).or_default().start(id);
        }
    }

    /// Polls running scans with backoff until they leave IN_PROGRESS/PENDING.
    fn poll_scans(&mut self, ctx: &egui::Context) {
        let now = std::time::Instant::now();
        let due: Vec<_> = self
            .scan_polls
            .iter()
            .filter(|(_, (at, _))| at.is_some_and(|t| t <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for k in due {
            if let Some(p) = self.scan_polls.get_mut(&k) {
                p.0 = None; // waiting for the answer
            }
            self.load_findings_in(&k.0, &k.1, k.2);
        }
        if let Some(next) = self.scan_polls.values().filter_map(|(at, _)| *at).min() {
            ctx.request_repaint_after(next.saturating_duration_since(now));
        }
    }

    /// Schedules the next poll of a scan, with backoff.
    fn schedule_poll(&mut self, k: (RegistryKey, String, crate::model::Digest)) {
        let attempt = self.scan_polls.get(&k).map_or(0, |p| p.1 + 1);
        let secs = (2.0 * 1.5f64.powi(attempt as i32)).min(30.0);
        self.scan_polls.insert(
            k,
            (
                Some(std::time::Instant::now() + std::time::Duration::from_secs_f64(secs)),
                attempt,
            ),
        );
    }

    /// Every user action, in one place.
    pub fn handle(&mut self, action: UiAction) {
        let before = self.location();
        match action {
            UiAction::SelectRegistry(key) => {
                if self.state.selected.as_ref() != Some(&key) {
                    self.state.selected = Some(key.clone());
                    self.state.selected_repository = None;
                    self.state.selected_image = None;
                    let failed = self
                        .state
                        .registry(&key)
                        .is_some_and(|r| r.repositories.error().is_some());
                    if failed {
                        self.load_registry(&key);
                    }
                }
            }
            UiAction::SelectRepository(repo) => {
                if self.state.selected_repository != repo {
                    self.view.images.reset();
                }
                self.state.selected_repository = repo;
                self.state.selected_image = None;
                self.ensure_images();
            }
            UiAction::SelectImage(d) => {
                self.state.selected_image = d;
                if let Some(d) = d {
                    self.ensure_detail(d);
                }
            }
            UiAction::Refresh => {
                let Some(k) = self.state.selected.clone() else {
                    return;
                };
                self.ensure_tab_data(true);
                match self.state.selected_repository.clone() {
                    // Refresh what is on screen; the table keeps its rows,
                    // selection and scroll until the new answer arrives.
                    Some(repo) => {
                        self.load_images(&k, &repo);
                        let known: Vec<_> = self
                            .state
                            .repo_images(&k, &repo)
                            .map(|ri| ri.scans.keys().copied().collect())
                            .unwrap_or_default();
                        if !known.is_empty() {
                            self.load_scan_summaries(known);
                        }
                        if let Some(d) = self.state.selected_image {
                            if let Some(ri) = self.state.repo_images_mut(Some(&k), &repo) {
                                ri.details.remove(&d);
                            }
                            self.ensure_detail(d);
                        }
                    }
                    None => self.load_registry(&k),
                }
            }
            UiAction::RefreshRegistry(k) => self.load_registry(&k),
            UiAction::OpenAddRegistry => {
                let region = self
                    .state
                    .selected_registry()
                    .map(|r| r.spec.region.clone())
                    .unwrap_or_default();
                self.view.add_registry = Some(AddRegistryForm {
                    region,
                    ..AddRegistryForm::default()
                });
            }
            UiAction::AskRemoveRegistry(k) => self.view.confirm_remove = Some(k),
            UiAction::SortRepositories(col) => {
                self.state.repo_sort = self.state.repo_sort.clicked(col);
                self.settings.repo_sort = self.state.repo_sort;
            }
            UiAction::SortImages(col) => {
                self.state.image_sort = self.state.image_sort.clicked(col);
                self.settings.image_sort = self.state.image_sort;
            }
            UiAction::SetTheme(t) => {
                self.view.theme = t;
                self.settings.theme = t;
            }
            UiAction::ToggleExpand(d) => {
                if !self.view.images.expanded.remove(&d) {
                    self.view.images.expanded.insert(d);
                }
            }
            UiAction::NeedScanSummaries(ds) => self.load_scan_summaries(ds),
            UiAction::OpenPushCommands => {
                if let Some(t) = self.push_target() {
                    self.view.push_commands = Some((PushTool::default(), t));
                }
            }
            UiAction::SetAutoRefresh(key, secs) => {
                if secs == 0 {
                    self.state.auto_refresh.remove(&key.0);
                } else {
                    self.state.auto_refresh.insert(key.0.clone(), secs);
                }
                self.settings.auto_refresh = self.state.auto_refresh.clone();
            }
            UiAction::RetagImage(digest, tag) => {
                if let (Some(spec), Some(repo)) = (
                    self.state.selected_registry().map(|r| r.spec.clone()),
                    self.state.selected_repository.clone(),
                ) {
                    self.send(Command::RetagImage {
                        registry: spec,
                        repository: repo,
                        digest,
                        tag,
                    });
                }
            }
            UiAction::Confirm {
                title,
                body,
                action,
            } => {
                self.view.confirm = Some((title, body, *action));
                self.view.confirm_shown = false;
            }
            UiAction::DeleteImages(ids) => {
                if let (Some(spec), Some(repo)) = (
                    self.state.selected_registry().map(|r| r.spec.clone()),
                    self.state.selected_repository.clone(),
                ) {
                    self.view.images.selection.clear();
                    self.send(Command::DeleteImages {
                        registry: spec,
                        repository: repo,
                        ids,
                    });
                }
            }
            UiAction::OpenScanning => {
                if let Some(cfg) = self
                    .state
                    .selected_registry()
                    .and_then(|r| r.scanning.shown())
                    .map(|(c, _)| c.clone())
                {
                    self.view.scanning =
                        Some(crate::ui::scanning_config::ScanningForm::from_config(&cfg));
                }
            }
            UiAction::ApplyScanning(config) => {
                if let Some(key) = self.state.selected.clone() {
                    let reg = self.state.registry(&key);
                    let busy = reg.is_none_or(|r| r.scanning.is_loading());
                    let spec = reg.map(|r| r.spec.clone());
                    let names: Vec<String> = reg
                        .and_then(|r| r.repositories.shown())
                        .map(|l| l.iter().map(|r| r.name.clone()).collect())
                        .unwrap_or_default();
                    if let (false, Some(spec)) = (busy, spec)
                        && let Some(id) = self.send(Command::PutScanning {
                            registry: spec,
                            config,
                            repositories: names,
                        })
                        && let Some(r) = self.state.registry_mut(&key)
                    {
                        r.scanning.start(id);
                    }
                }
            }
            UiAction::OpenBulk(names) => {
                self.view.bulk = Some(crate::ui::bulk::BulkForm::new(names))
            }
            UiAction::ApplyBulk(names, change) => {
                for n in names {
                    // A fresh start: old errors would read as this run's.
                    if let Some(r) = self
                        .state
                        .selected
                        .clone()
                        .and_then(|k| self.state.registry_mut(&k))
                    {
                        r.change_errors.remove(&n);
                    }
                    self.change_repository(&n, change.clone());
                }
            }
            UiAction::StartScan(digests) => self.start_scans(digests),
            UiAction::OpenFindings => {
                self.state.findings_open = true;
                self.state.selected_finding = None;
                if let Some(d) = self.state.selected_image {
                    let loaded = self.open_repo_images().is_some_and(|ri| {
                        ri.findings
                            .get(&d)
                            .is_some_and(|f| f.shown().is_some() || f.is_loading())
                    });
                    if !loaded {
                        self.load_findings(d);
                    }
                }
            }
            UiAction::CloseFindings => {
                self.state.findings_open = false;
                self.state.selected_finding = None;
            }
            UiAction::SortFindings(col) => self.state.findings_filter.clicked(col),
            UiAction::SelectFinding(i) => self.state.selected_finding = i,
            UiAction::CompareWith(other) => {
                self.state.selected_finding = None;
                self.state.compare = self.state.selected_image.zip(other);
                if let Some(o) = other {
                    let loaded = self.open_repo_images().is_some_and(|ri| {
                        ri.findings
                            .get(&o)
                            .is_some_and(|f| f.shown().is_some() || f.is_loading())
                    });
                    if !loaded {
                        self.load_findings(o);
                    }
                }
            }
            UiAction::Export(digests, format) => {
                let (Some(spec), Some(repo)) = (
                    self.state.selected_registry().map(|r| r.spec.clone()),
                    self.state.selected_repository.clone(),
                ) else {
                    return;
                };
                let list = self.open_repo_images().and_then(|ri| ri.list.shown());
                let images: Vec<_> = digests
                    .iter()
                    .map(|d| {
                        (
                            *d,
                            list.and_then(|l| l.iter().find(|i| i.digest == *d))
                                .map(|i| i.tags.clone())
                                .unwrap_or_default(),
                        )
                    })
                    .collect();
                self.send(Command::ExportFindings {
                    registry: spec,
                    repository: repo,
                    images,
                    format,
                });
            }
            UiAction::OpenRepoSettings(name) => {
                if let Some(r) = self.find_repo(&name) {
                    self.view.repo_settings =
                        Some(crate::ui::repo_settings::RepoSettingsForm::from_repo(&r));
                }
            }
            UiAction::ApplyTagMutability(repo, setting) => {
                self.change_repository(&repo, RepoChange::TagMutability(setting))
            }
            UiAction::SetScanOnPush(repo, on) => {
                self.change_repository(&repo, RepoChange::ScanOnPush(on))
            }
            UiAction::OpenCreateRepository(like) => {
                let region = self
                    .state
                    .selected_registry()
                    .map(|r| r.spec.region.clone())
                    .unwrap_or_default();
                let form = match like.and_then(|n| self.find_repo(&n)) {
                    Some(r) => CreateRepoForm::like(&r, &region),
                    None => CreateRepoForm::new(&region),
                };
                self.view.create_repo = Some(form);
            }
            UiAction::CreateRepository(new) => {
                let already = self
                    .view
                    .create_repo
                    .as_ref()
                    .is_some_and(|f| f.submitting.is_some());
                let spec = self.state.selected_registry().map(|r| r.spec.clone());
                if let (false, Some(spec)) = (already, spec) {
                    let id = self.send(Command::CreateRepository {
                        registry: spec,
                        new,
                    });
                    if let Some(f) = &mut self.view.create_repo {
                        f.submitting = id;
                        f.error = None;
                    }
                }
            }
            UiAction::OpenDeleteRepository(name) => {
                let images = self
                    .state
                    .selected
                    .as_ref()
                    .and_then(|k| self.state.repo_images(k, &name))
                    .and_then(|ri| ri.totals())
                    .map(|(n, _)| n);
                self.view.delete_repo = Some(DeleteRepoForm {
                    repository: name,
                    typed: String::new(),
                    images,
                });
            }
            UiAction::DeleteRepository(name) => {
                if let Some(spec) = self.state.selected_registry().map(|r| r.spec.clone()) {
                    // The confirmation named the images that go with it: force.
                    self.send(Command::DeleteRepository {
                        registry: spec,
                        repository: name,
                        force: true,
                    });
                }
            }
            a @ (UiAction::SetRegistryTab(_)
            | UiAction::SetRepoTab(_)
            | UiAction::CheckAllFindings
            | UiAction::GetLoginToken
            | UiAction::CopyLoginPassword
            | UiAction::OpenPullThroughForm(_)
            | UiAction::ChangePullThrough(_)
            | UiAction::ValidatePullThrough(_)
            | UiAction::SaveLifecycle(_)
            | UiAction::DeleteLifecycle
            | UiAction::PreviewLifecycle(_)) => self.handle_docs(a),
            UiAction::OpenPalette => {
                self.view.palette = Some(crate::ui::palette::PaletteView::default())
            }
            UiAction::GoTo(loc) => {
                self.go_to(loc);
                self.view.repo_table.cursor = None;
            }
            UiAction::Back => {
                if let Some(loc) = self.history.back() {
                    self.go_to(loc);
                }
                return;
            }
            UiAction::Forward => {
                if let Some(loc) = self.history.forward() {
                    self.go_to(loc);
                }
                return;
            }
        }
        let after = self.location();
        if after != before {
            self.history.visit(after);
        }
    }

    fn dialogs(&mut self, ctx: &egui::Context) {
        let mut actions = Vec::new();
        if let Some(form) = &mut self.view.repo_settings {
            let key = self.state.selected.clone();
            let reg = key.as_ref().and_then(|k| self.state.registry(k));
            let repo = reg
                .and_then(|r| r.repositories.shown())
                .and_then(|l| l.iter().find(|r| r.name == form.repository))
                .cloned();
            match (reg, repo) {
                (Some(reg), Some(repo)) => {
                    let cx = crate::ui::repo_settings::SettingsContext {
                        pending: reg.pending.contains_key(&repo.name),
                        error: reg.change_errors.get(&repo.name).map(String::as_str),
                        effective_scan: reg.scan_frequency(&repo.name),
                        image_count: reg
                            .images
                            .get(&repo.name)
                            .and_then(crate::state::RepoImages::totals)
                            .map(|(n, _)| n),
                        repo: &repo,
                    };
                    if !crate::ui::repo_settings::repo_settings_ui(ctx, form, &cx, &mut actions) {
                        self.view.repo_settings = None;
                    }
                }
                _ => self.view.repo_settings = None,
            }
        }
        if let Some(form) = &mut self.view.scanning {
            let reg = self.state.selected_registry();
            let pending = reg.is_some_and(|r| r.scanning.is_loading());
            let error = reg
                .and_then(|r| r.scanning.error())
                .map(ToString::to_string);
            // After a save, the form follows what the server holds.
            if let Some((cfg, _)) = reg.and_then(|r| r.scanning.shown()) {
                form.server_type = cfg.scan_type;
            }
            if !crate::ui::scanning_config::scanning_ui(
                ctx,
                form,
                pending,
                error.as_deref(),
                &mut actions,
            ) {
                self.view.scanning = None;
            }
        }
        if let Some(form) = &mut self.view.pull_through_form {
            let pending = self
                .state
                .selected_registry()
                .is_some_and(|r| r.docs.pull_through.is_loading());
            if !crate::ui::pull_through::rule_form_ui(ctx, form, pending, &mut actions) {
                self.view.pull_through_form = None;
            }
        }
        if let Some(form) = &mut self.view.bulk {
            let keep = match self.state.selected_registry() {
                Some(reg) => crate::ui::bulk::bulk_ui(ctx, form, reg, &mut actions),
                None => false,
            };
            if !keep {
                self.view.bulk = None;
            }
        }
        if let Some((title, body, action)) = self.view.confirm.clone() {
            let just_opened = !std::mem::replace(&mut self.view.confirm_shown, true);
            match crate::ui::widgets::confirm_ui(ctx, &title, &body, just_opened) {
                Some(true) => {
                    self.view.confirm = None;
                    actions.push(action);
                }
                Some(false) => self.view.confirm = None,
                None => {}
            }
        }
        if let Some(form) = &mut self.view.create_repo
            && !crate::ui::create_repository::create_repository_ui(ctx, form, &mut actions)
        {
            self.view.create_repo = None;
        }
        if let Some(form) = &mut self.view.delete_repo
            && !crate::ui::create_repository::delete_repository_ui(ctx, form, &mut actions)
        {
            self.view.delete_repo = None;
        }
        for a in actions {
            self.handle(a);
        }
        if let Some(p) = &mut self.view.palette
            && let Some(outcome) = crate::ui::palette::palette_ui(ctx, p, &self.state)
        {
            self.view.palette = None;
            if let Some(action) = outcome {
                self.handle(action);
            }
        }
        if let Some((tool, target)) = &mut self.view.push_commands
            && !crate::ui::push_commands::push_commands_ui(ctx, tool, target)
        {
            self.view.push_commands = None;
        }
        if let Some(form) = &mut self.view.add_registry {
            let profiles: Vec<String> = self
                .state
                .discovery
                .as_ref()
                .map(|d| d.profiles.iter().map(|p| p.name.clone()).collect())
                .unwrap_or_default();
            let existing: Vec<RegistryKey> =
                self.state.registries.iter().map(|r| r.spec.key()).collect();
            match add_registry::add_registry_ui(ctx, form, &profiles, &existing) {
                DialogOutcome::Open => {}
                DialogOutcome::Cancel => self.view.add_registry = None,
                DialogOutcome::Add(spec) => {
                    self.view.add_registry = None;
                    let key = spec.key();
                    self.settings.added_registries.push(spec);
                    self.rebuild_registries();
                    self.state.selected = Some(key);
                    self.state.selected_repository = None;
                }
            }
        }
        if let Some(key) = self.view.confirm_remove.clone() {
            let label = self.state.registry(&key).map_or_else(String::new, |r| {
                format!("{} ({})", r.spec.profile_label(), r.spec.region)
            });
            match add_registry::confirm_remove_ui(ctx, &label) {
                None => {}
                Some(false) => self.view.confirm_remove = None,
                Some(true) => {
                    self.view.confirm_remove = None;
                    self.settings.added_registries.retain(|r| r.key() != key);
                    self.rebuild_registries();
                    self.state.notices.push(crate::state::Notice {
                        level: NoticeLevel::Info,
                        text: format!("Removed {label}."),
                    });
                }
            }
        }
    }

    /// Notices become toasts with icons from the app's icon font (egui-notify's
    /// defaults are emoji, which the bundled fonts lack) and theme colours.
    fn show_notices(&mut self, ctx: &egui::Context) {
        if self.state.notices.is_empty() {
            return;
        }
        let p = style::palette(&ctx.global_style().visuals);
        for n in self.state.notices.drain(..) {
            let (glyph, color) = match n.level {
                NoticeLevel::Info => (style::icon::INFO, p.loading),
                NoticeLevel::Success => (style::icon::OK, p.ok),
                NoticeLevel::Warning => (style::icon::WARNING, p.warning),
                NoticeLevel::Error => (style::icon::ERROR, p.error),
            };
            self.toasts
                .custom(n.text, glyph.to_owned(), color)
                .duration(Some(std::time::Duration::from_secs(
                    if n.level == NoticeLevel::Error { 10 } else { 5 },
                )))
                // Not closable: egui-notify draws its close cross as an emoji
                // too. Toasts go by themselves; errors also stay in the status
                // bar and next to their control.
                .closable(false);
        }
    }

    /// Refreshes registries whose auto-refresh interval has passed, and
    /// schedules a repaint for the next one so an idle window still fires.
    fn auto_refresh(&mut self, ctx: &egui::Context) {
        let now = std::time::Instant::now();
        let mut next: Option<f64> = None;
        let mut due = Vec::new();
        for (key_text, secs) in &self.state.auto_refresh {
            let key = RegistryKey(key_text.clone());
            let Some(reg) = self.state.registry(&key) else {
                continue;
            };
            let since = self
                .last_refresh
                .get(&key)
                .map_or(f64::MAX, |t| now.duration_since(*t).as_secs_f64());
            match crate::state::auto_refresh::due_in(*secs, since, reg.repositories.is_loading()) {
                Some(wait) if wait <= 0.0 => due.push(key),
                Some(wait) => next = Some(next.map_or(wait, |n: f64| n.min(wait))),
                None => {}
            }
        }
        for key in due {
            self.load_registry(&key);
            // The open repository of that registry refreshes with it.
            if self.state.selected.as_ref() == Some(&key)
                && let Some(repo) = self.state.selected_repository.clone()
            {
                self.load_images(&key, &repo);
            }
        }
        if let Some(wait) = next {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait.max(0.5)));
        }
    }

    fn sync_settings(&mut self) {
        self.settings.selected_registry = self.state.selected.clone();
        self.settings.selected_repository = self.state.selected_repository.clone();
        // Only registries the user added are stored; discovered ones are
        // found again at every start.
        self.settings
            .added_registries
            .retain(|r| r.source == RegistrySource::Added);
    }
}

impl EcrscopeApp {
    /// `--startup-probe`: the benchmark reads these lines from stdout.
    #[allow(clippy::print_stdout)]
    fn startup_probe(&mut self, ctx: &egui::Context) {
        let Some((t0, seen_frame)) = &mut self.probe else {
            return;
        };
        if !*seen_frame {
            *seen_frame = true;
            println!("first-frame-ms {:.1}", t0.elapsed().as_secs_f64() * 1000.0);
        }
        let has_row = self
            .state
            .selected_registry()
            .and_then(|r| r.repositories.shown())
            .is_some_and(|l| !l.is_empty());
        if has_row {
            println!("first-row-ms {:.1}", t0.elapsed().as_secs_f64() * 1000.0);
            self.probe = None;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            ctx.request_repaint();
        }
    }
}

impl eframe::App for EcrscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        for _ in 0..EVENTS_PER_FRAME {
            match self.events.try_recv() {
                Ok(ev) => self.on_event(ev),
                Err(_) => break,
            }
        }
        if !self.events.is_empty() {
            ctx.request_repaint();
        }
        style::apply_theme(ctx, self.view.theme);
        self.auto_refresh(ctx);
        self.poll_scans(ctx);
        self.ensure_tab_data(false);
        self.advance_sweep();
        self.view.scans_followed = self.scan_polls.len();
        self.show_notices(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut actions = Vec::new();
        ui::main_ui(
            ui,
            &mut self.state,
            &mut self.view,
            self.worker.in_flight(),
            &mut actions,
        );
        for a in actions {
            self.handle(a);
        }
        let ctx = ui.ctx().clone();
        self.startup_probe(&ctx);
        if let Some(text) = self.view.clipboard.take() {
            ctx.copy_text(text);
        }
        self.dialogs(&ctx);
        self.show_notices(&ctx);
        self.toasts.show(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.sync_settings();
        storage.set_string(settings::KEY, self.settings.to_stored());
    }
}
