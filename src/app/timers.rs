//! Everything that happens because time passed: scan polls, auto-refresh,
//! the findings sweep's next step, the start-up probe.

use crate::message::BrowseCommand;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::message::Command;
use crate::model::RegistryKey;
use crate::state::ImageKey;

use super::EcrscopeApp;

#[derive(Debug)]
pub(super) struct Timers {
    /// When each followed scan is polled next.
    polls: HashMap<ImageKey, Instant>,
    /// When each registry was last (re)loaded, for auto-refresh.
    last_refresh: HashMap<RegistryKey, Instant>,
    /// Start-up probe: process start, and whether the first frame was seen.
    probe: Option<(Instant, bool)>,
}

impl Timers {
    pub(super) fn new(probe: Option<Instant>) -> Self {
        Self {
            polls: HashMap::new(),
            last_refresh: HashMap::new(),
            probe: probe.map(|t| (t, false)),
        }
    }

    pub(super) fn poll_after(&mut self, image: ImageKey, after: Duration) {
        self.polls.insert(image, Instant::now() + after);
    }

    pub(super) fn refreshed(&mut self, key: RegistryKey) {
        self.last_refresh.insert(key, Instant::now());
    }
}

impl EcrscopeApp {
    /// Polls due scans, refreshes registries whose auto-refresh interval has
    /// passed, advances the sweep; asks for a repaint at the next due time so
    /// an idle window still fires.
    pub(super) fn run_timers(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        // Scans: a poll of a scan no longer followed is dropped.
        self.timers
            .polls
            .retain(|k, _| self.state.following.contains_key(k));
        let due: Vec<ImageKey> = self
            .timers
            .polls
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for k in due {
            self.timers.polls.remove(&k);
            if let Some(cmd) = self.state.poll_request(&k) {
                self.request(cmd);
            }
        }
        let mut next: Option<Duration> = self
            .timers
            .polls
            .values()
            .map(|at| at.saturating_duration_since(now))
            .min();
        // Auto-refresh.
        let mut refresh = Vec::new();
        for (key, secs) in &self.state.settings.auto_refresh {
            let key = key.clone();
            let Some(reg) = self.state.registry(&key) else {
                continue;
            };
            let since = self
                .timers
                .last_refresh
                .get(&key)
                .map_or(f64::MAX, |t| now.duration_since(*t).as_secs_f64());
            match crate::state::auto_refresh::due_in(*secs, since, reg.repositories.is_loading()) {
                Some(wait) if wait <= 0.0 => refresh.push(key),
                Some(wait) => {
                    let wait = Duration::from_secs_f64(wait.max(0.5));
                    next = Some(next.map_or(wait, |n| n.min(wait)));
                }
                None => {}
            }
        }
        for key in refresh {
            let mut follow = self.state.load_registry(&key);
            // The open repository of that registry refreshes with it.
            if self.state.location.registry.as_ref() == Some(&key)
                && let Some(repo) = self.state.open_repo()
            {
                follow.push(crate::state::FollowUp::Request(Command::Browse(
                    BrowseCommand::Images(repo),
                )));
            }
            self.carry_out(follow);
        }
        // The findings sweep.
        if self.state.sweeping.is_some() {
            let follow = self.state.sweep_step();
            self.carry_out(follow);
        }
        if let Some(wait) = next {
            ctx.request_repaint_after(wait);
        }
    }

    /// `--startup-probe`: the benchmark reads these lines from stdout.
    #[allow(clippy::print_stdout)]
    pub(super) fn startup_probe(&mut self, ctx: &egui::Context) {
        let Some((t0, seen_frame)) = &mut self.timers.probe else {
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
            self.timers.probe = None;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            ctx.request_repaint();
        }
    }
}
