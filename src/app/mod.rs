//! The eframe app: glue between egui, the state and the worker.
//!
//! `logic()` drains worker events into the state and carries out what the
//! state says should follow; `ui()` draws and collects [`UiAction`]s, which
//! one handler ([`handler`]) turns into state transitions and requests.
//! Requests go through one helper ([`EcrscopeApp::request`]); timers (scan
//! polls, auto-refresh, the findings sweep, the start-up probe) live in
//! [`timers`].

mod carry_out;
mod handler;
mod save_picks;
mod timers;

use crate::message::{BrowseCommand, SearchCommand};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::runtime::Handle;
use tokio::sync::mpsc;

use crate::message::{Command, Event, RequestId};
use crate::platform::save_dialog::Picker;
use crate::settings::{self, Loaded, SettingsFile};
use crate::state::{AppState, FollowPolicies, NoticeLevel};
use crate::ui::{self, UiAction, ViewState, style};
use crate::worker::{Notify, Worker, WorkerConfig};

/// How the app starts.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// Show the demo registry even when AWS profiles exist (`--demo`).
    pub force_demo: bool,
    pub worker: WorkerConfig,
    /// Where the settings file is; `None` (tests): defaults, nothing written.
    pub settings_path: Option<PathBuf>,
    /// Start with default settings and never write them (`--reset-settings`):
    /// the saved settings stay as they are.
    pub reset_settings: bool,
    /// `--startup-probe`: when the process started; the app prints the time
    /// to its first frame and first repository row, then closes.
    pub startup_probe: Option<std::time::Instant>,
    /// Asks where to save exports.
    pub picker: Picker,
    /// How running scans and restores are followed.
    pub follow_policy: FollowPolicies,
    /// Where the IAM Identity Center sign-in reads the AWS files and writes
    /// its token; `None`: this user's home.
    pub sso_place: Option<crate::login::sso::SsoPlace>,
    /// Where snapshots are saved and listed; `None`: nowhere.
    pub snapshots_dir: Option<PathBuf>,
}

pub struct EcrscopeApp {
    pub state: AppState,
    pub view: ViewState,
    worker: Worker,
    events: mpsc::Receiver<Event>,
    /// Commands the worker's queue had no room for; sent first next frame.
    outbox: VecDeque<(RequestId, Command)>,
    settings_file: Option<SettingsFile>,
    /// The zoom last applied to the context: a difference is the user's
    /// Ctrl+= / Ctrl+- (saved) or a preference change (applied).
    applied_zoom: f32,
    toasts: egui_notify::Toasts,
    timers: timers::Timers,
    runtime: Handle,
    picker: Picker,
    /// Exports waiting for the save dialog's answer.
    picks: save_picks::Inbox<(
        save_picks::PendingSave,
        crate::platform::save_dialog::PickOutcome,
    )>,
    /// The export the app's own path field is asked for (no desktop dialog).
    save_waiting: Option<save_picks::PendingSave>,
    /// Snapshot files: saved, listed, opened, compared off the UI thread.
    pub(crate) snapshot_jobs: crate::insight::snapshot_jobs::SnapshotJobs,
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
        let (settings, warning, settings_file) = load_settings(cc, &opts);
        style::install(&cc.egui_ctx, settings.theme);
        let ctx = cc.egui_ctx.clone();
        let notify: Notify = Arc::new(move || ctx.request_repaint());
        let mut worker_cfg = opts.worker;
        worker_cfg.client.max_in_flight = settings.max_in_flight;
        let (worker, events) = Worker::start(runtime, worker_cfg, notify);
        let zoom = settings
            .zoom
            .clamp(crate::settings::ZOOM_MIN, crate::settings::ZOOM_MAX);
        cc.egui_ctx.set_zoom_factor(zoom);
        let mut state = AppState::new(settings, opts.force_demo);
        state.follow_policy = opts.follow_policy;
        state.sso_place = opts.sso_place;
        state.snapshots_dir.clone_from(&opts.snapshots_dir);
        if let Some(w) = warning {
            state.notify(NoticeLevel::Warning, w);
        }
        let view = ViewState {
            settings_path: settings_file
                .as_ref()
                .map(|f| f.path().display().to_string()),
            ..ViewState::default()
        };
        let mut app = Self {
            state,
            view,
            applied_zoom: zoom,
            worker,
            events,
            outbox: VecDeque::new(),
            settings_file,
            // Bottom right: clear of the toolbar and the table headers.
            toasts: egui_notify::Toasts::default()
                .with_anchor(egui_notify::Anchor::BottomRight)
                .with_margin(egui::vec2(12.0, 36.0)),
            timers: timers::Timers::new(opts.startup_probe),
            runtime: runtime.clone(),
            picker: opts.picker,
            picks: save_picks::Inbox::new(&cc.egui_ctx),
            save_waiting: None,
            snapshot_jobs: crate::insight::snapshot_jobs::SnapshotJobs::new(
                &cc.egui_ctx,
                opts.snapshots_dir.clone(),
            ),
        };
        app.request(Command::Browse(BrowseCommand::Discover));
        app
    }

    /// Keeps the zoom and its setting together: the keyboard changes the
    /// context (egui's Ctrl+= / Ctrl+- / Ctrl+0), the preference changes the
    /// setting.
    fn sync_zoom(&mut self, ctx: &egui::Context) {
        let now = ctx.zoom_factor();
        let wanted = self.state.settings.zoom;
        if (now - self.applied_zoom).abs() > 0.001 {
            let z = now.clamp(crate::settings::ZOOM_MIN, crate::settings::ZOOM_MAX);
            self.state.settings.zoom = z;
            ctx.set_zoom_factor(z);
            self.applied_zoom = z;
        } else if (wanted - self.applied_zoom).abs() > 0.001 {
            let z = wanted.clamp(crate::settings::ZOOM_MIN, crate::settings::ZOOM_MAX);
            ctx.set_zoom_factor(z);
            self.applied_zoom = z;
        }
    }

    /// The worker, for tests that need the demo endpoint's knobs.
    pub fn worker(&self) -> &Worker {
        &self.worker
    }

    /// Sends a command, marking in the state what waits for it. A full
    /// worker queue never loses it: it waits in the outbox (the state
    /// already shows it as pending) and goes next frame.
    pub(crate) fn request(&mut self, cmd: Command) {
        if let Command::Browse(BrowseCommand::Repositories(spec)) = &cmd {
            self.timers.refreshed(spec.key());
        }
        let id = self.worker.reserve_id();
        self.state.started(id, &cmd);
        if !self.outbox.is_empty() {
            self.outbox.push_back((id, cmd));
            return;
        }
        if let Err(back) = self.worker.try_send(id, cmd) {
            self.outbox.push_back(*back);
        }
    }

    /// Sends what waited for room in the worker's queue, in order.
    fn flush_outbox(&mut self) {
        while let Some((id, cmd)) = self.outbox.pop_front() {
            // A search cancelled (or replaced) while its asks waited here.
            // Or its registry failed as a whole meanwhile.
            if let Command::Search(SearchCommand::Find { search, repo, .. }) = &cmd
                && !self.state.search_wants(*search, &repo.registry.key())
            {
                continue;
            }
            if let Err(back) = self.worker.try_send(id, cmd) {
                self.outbox.push_front(*back);
                break;
            }
        }
    }

    /// Applies one event and carries out what it calls for.
    fn on_event(&mut self, ev: Event) {
        let follow = self.state.apply(ev);
        self.carry_out(follow);
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

    /// The settings as they are written: with the current place.
    fn settings_to_save(&self) -> settings::Settings {
        let mut s = self.state.settings.clone();
        s.selected_registry = self.state.location.registry.clone();
        s.selected_repository = self.state.location.repository.clone();
        // Only registries the user added are stored; discovered ones are
        // found again at every start.
        s.added_registries
            .retain(|r| r.source == crate::model::RegistrySource::Added);
        s
    }
}

/// Settings from the settings file (or, the first time, from what an
/// earlier version kept in eframe's storage); defaults when there is none.
fn load_settings(
    cc: &eframe::CreationContext<'_>,
    opts: &AppOptions,
) -> (settings::Settings, Option<String>, Option<SettingsFile>) {
    let path = opts.settings_path.clone().filter(|_| !opts.reset_settings);
    let Some(path) = path else {
        return (settings::Settings::default(), None, None);
    };
    let mut file = SettingsFile::new(path);
    let loaded = match file.load() {
        Loaded::Fresh(_) => {
            let legacy = cc.storage.and_then(|s| s.get_string(settings::LEGACY_KEY));
            settings::Settings::from_stored(legacy.as_deref())
        }
        other => other,
    };
    match loaded {
        Loaded::Fresh(s) | Loaded::Restored(s) => (s, None, Some(file)),
        Loaded::Corrupt(s, why) => (s, Some(why), Some(file)),
    }
}

impl eframe::App for EcrscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.flush_outbox();
        for _ in 0..EVENTS_PER_FRAME {
            match self.events.try_recv() {
                Ok(ev) => self.on_event(ev),
                Err(_) => break,
            }
        }
        if !self.events.is_empty() || !self.outbox.is_empty() {
            ctx.request_repaint();
        }
        style::apply_theme(ctx, self.state.settings.theme);
        self.sync_zoom(ctx);
        ui::widgets::TimeDisplay::set(
            ctx,
            ui::widgets::TimeDisplay {
                style: self.state.settings.time_style,
                clock: self.state.settings.clock,
            },
        );
        self.exports_picked();
        self.snapshot_jobs_done();
        self.run_timers(ctx);
        self.show_notices(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut actions: Vec<UiAction> = Vec::new();
        ui::main_ui(
            ui,
            &self.state,
            &mut self.view,
            self.worker.in_flight(),
            &mut actions,
        );
        let ctx = ui.ctx().clone();
        ui::modal::dialogs_ui(&ctx, &self.state, &mut self.view, &mut actions);
        for a in actions {
            self.handle(a);
        }
        self.startup_probe(&ctx);
        if let Some(text) = self.view.clipboard.take() {
            ctx.copy_text(text);
        }
        self.show_notices(&ctx);
        self.toasts.show(&ctx);
    }

    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        let settings = self.settings_to_save();
        if let Some(file) = &mut self.settings_file
            && let Err(e) = file.save(&settings)
        {
            tracing::warn!("could not write {}: {e}", file.path().display());
        }
    }
}
