//! Actions of the registry tabs (overview, findings sweep, docker login,
//! pull-through cache) and the repository tabs (lifecycle, permissions).

use std::collections::HashMap;

use crate::model::{Digest, RegistryKey, RegistrySpec};
use crate::state::{RegistryTab, RepoTab, Requested, summarised};
use crate::ui::UiAction;
use crate::worker::Command;

use super::EcrscopeApp;

/// Repositories whose images the findings sweep loads at once. The worker's
/// per-registry limit bounds the requests; this bounds the queue.
const SWEEP_LOADS: usize = 32;
/// Scan summaries asked for per repository and frame during a sweep.
const SWEEP_SUMMARIES: usize = 400;

impl EcrscopeApp {
    fn selected_spec(&self) -> Option<RegistrySpec> {
        self.state.selected_registry().map(|r| r.spec.clone())
    }

    pub(super) fn handle_docs(&mut self, action: UiAction) {
        match action {
            UiAction::SetRegistryTab(t) => {
                self.state.registry_tab = t;
                self.ensure_tab_data(false);
            }
            UiAction::SetRepoTab(t) => {
                self.state.repo_tab = t;
                self.ensure_tab_data(false);
            }
            UiAction::CheckAllFindings => {
                self.state.sweeping = self.state.selected.clone();
                self.sweep_done.clear();
                self.advance_sweep();
            }
            UiAction::GetLoginToken => {
                let Some(spec) = self.selected_spec() else {
                    return;
                };
                if let Some(id) = self.send(Command::LoginToken { registry: spec })
                    && let Some(r) = self.state.selected_registry_mut()
                {
                    r.docs.login.start(id);
                }
            }
            UiAction::CopyLoginPassword => {
                let token = self
                    .state
                    .selected_registry_mut()
                    .and_then(crate::state::RegistryState::take_login_token);
                if let Some(t) = token {
                    // egui keeps its own copy only until the platform has it.
                    self.view.clipboard = Some(t.password().to_owned());
                    self.state.notices.push(crate::state::Notice {
                        level: crate::state::NoticeLevel::Success,
                        text: "Password copied. Paste it into docker login's prompt; \
                               ecrscope has forgotten it."
                            .into(),
                    });
                }
            }
            UiAction::OpenPullThroughForm(prefix) => {
                let reg = self.state.selected_registry();
                let existing = prefix.and_then(|p| {
                    reg.and_then(|r| r.docs.pull_through.shown())
                        .and_then(|l| l.iter().find(|x| x.ecr_repository_prefix == p))
                        .cloned()
                });
                let (region, account) = reg.map_or((String::new(), String::new()), |r| {
                    (
                        r.spec.region.clone(),
                        r.info
                            .shown()
                            .map(|i| i.registry_id.clone())
                            .or_else(|| r.spec.registry_id.clone())
                            .unwrap_or_default(),
                    )
                });
                self.view.pull_through_form = Some(crate::ui::pull_through::RuleForm::new(
                    existing.as_ref(),
                    region,
                    account,
                ));
            }
            UiAction::ChangePullThrough(change) => {
                let Some(spec) = self.selected_spec() else {
                    return;
                };
                if let Some(id) = self.send(Command::ChangePullThrough {
                    registry: spec,
                    change,
                }) && let Some(r) = self.state.selected_registry_mut()
                {
                    r.docs.pull_through.start(id);
                    r.docs.pull_through_error = None;
                }
                self.view.pull_through_form = None;
            }
            UiAction::ValidatePullThrough(prefix) => {
                let Some(spec) = self.selected_spec() else {
                    return;
                };
                if let Some(r) = self.state.selected_registry_mut() {
                    r.docs.validations.remove(&prefix);
                }
                self.send(Command::ValidatePullThrough {
                    registry: spec,
                    prefix,
                });
            }
            UiAction::SaveLifecycle(text) => self.change_lifecycle(Some(text)),
            UiAction::DeleteLifecycle => self.change_lifecycle(None),
            UiAction::PreviewLifecycle(text) => {
                let (Some(spec), Some(repo)) =
                    (self.selected_spec(), self.state.selected_repository.clone())
                else {
                    return;
                };
                if let Some(id) = self.send(Command::PreviewLifecycle {
                    registry: spec,
                    repository: repo.clone(),
                    text,
                }) && let Some(r) = self.state.selected_registry_mut()
                {
                    r.docs.preview.entry(repo).or_default().start(id);
                }
            }
            _ => {}
        }
    }

    fn change_lifecycle(&mut self, text: Option<String>) {
        let (Some(spec), Some(repo)) =
            (self.selected_spec(), self.state.selected_repository.clone())
        else {
            return;
        };
        if let Some(id) = self.send(Command::ChangeLifecycle {
            registry: spec,
            repository: repo.clone(),
            text,
        }) && let Some(r) = self.state.selected_registry_mut()
        {
            r.docs.lifecycle.entry(repo).or_default().start(id);
        }
    }

    /// Loads what the open tab shows, if it is not loaded (or, with
    /// `refresh`, again).
    pub(super) fn ensure_tab_data(&mut self, refresh: bool) {
        let Some(spec) = self.selected_spec() else {
            return;
        };
        let needs = |idle: bool| refresh || idle;
        match self.state.selected_repository.clone() {
            None => {
                let Some(reg) = self.state.selected_registry() else {
                    return;
                };
                let rules_idle = matches!(reg.docs.pull_through, Requested::Idle);
                let want_rules = matches!(
                    self.state.registry_tab,
                    RegistryTab::Overview | RegistryTab::PullThrough
                );
                if want_rules
                    && needs(rules_idle)
                    && !reg.docs.pull_through.is_loading()
                    && let Some(id) = self.send(Command::LoadPullThrough {
                        registry: spec.clone(),
                    })
                    && let Some(r) = self.state.selected_registry_mut()
                {
                    r.docs.pull_through.start(id);
                }
                let info_idle = self
                    .state
                    .selected_registry()
                    .is_some_and(|r| matches!(r.info, Requested::Idle));
                if self.state.registry_tab != RegistryTab::Repositories
                    && needs(info_idle)
                    && let Some(id) = self.send(Command::LoadRegistryInfo { registry: spec })
                    && let Some(r) = self.state.selected_registry_mut()
                {
                    r.info.start(id);
                }
            }
            Some(repo) => match self.state.repo_tab {
                RepoTab::Images => {}
                RepoTab::Lifecycle => self.load_repo_doc(
                    refresh,
                    &repo,
                    |d| &mut d.lifecycle,
                    || Command::LoadLifecycle {
                        registry: spec,
                        repository: repo.clone(),
                    },
                ),
                RepoTab::Policy => self.load_repo_doc(
                    refresh,
                    &repo,
                    |d| &mut d.repo_policy,
                    || Command::LoadRepoPolicy {
                        registry: spec,
                        repository: repo.clone(),
                    },
                ),
            },
        }
    }

    /// Loads one of the open repository's documents (lifecycle, policy)
    /// unless it is loaded already, or again with `refresh`.
    fn load_repo_doc<T>(
        &mut self,
        refresh: bool,
        repo: &str,
        slot: fn(&mut crate::state::RegistryDocs) -> &mut HashMap<String, Requested<T>>,
        command: impl FnOnce() -> Command,
    ) {
        let idle = self.state.selected_registry_mut().is_some_and(|r| {
            slot(&mut r.docs)
                .get(repo)
                .is_none_or(|d| matches!(d, Requested::Idle))
        });
        if !(refresh || idle) {
            return;
        }
        if let Some(id) = self.send(command())
            && let Some(r) = self.state.selected_registry_mut()
        {
            slot(&mut r.docs)
                .entry(repo.to_owned())
                .or_default()
                .start(id);
        }
    }

    /// One step of the findings sweep: start image listings (a bounded
    /// number at a time), then ask for the scan summary of every tagged
    /// image whose counts are not known. Ends when nothing is left.
    pub(super) fn advance_sweep(&mut self) {
        let Some(key) = self.state.sweeping.clone() else {
            return;
        };
        let Some(reg) = self.state.registry(&key) else {
            self.state.sweeping = None;
            return;
        };
        let Some(repos) = reg.repositories.shown() else {
            if !reg.repositories.is_loading() {
                self.state.sweeping = None;
            }
            return;
        };
        let mut loading = 0usize;
        let mut to_list: Vec<String> = Vec::new();
        let mut to_scan: Vec<(String, Vec<Digest>)> = Vec::new();
        let mut scans_pending = false;
        let mut finished: Vec<String> = Vec::new();
        // Repositories already swept are skipped: this runs every frame.
        for r in repos.iter().filter(|r| !self.sweep_done.contains(&r.name)) {
            match reg.images.get(&r.name) {
                None => to_list.push(r.name.clone()),
                Some(ri) => match &ri.list {
                    Requested::Idle => to_list.push(r.name.clone()),
                    Requested::Loading { .. } => loading += 1,
                    // A failed listing is reported in the repository; the
                    // sweep goes on without it.
                    Requested::Failed { .. } => finished.push(r.name.clone()),
                    Requested::Ready(list) => {
                        let pending = ri.scans.values().any(Requested::is_loading);
                        scans_pending |= pending;
                        let missing: Vec<Digest> = list
                            .iter()
                            .filter(|i| {
                                summarised(i)
                                    && i.severity_counts.is_none()
                                    && !ri.scans.contains_key(&i.digest)
                            })
                            .map(|i| i.digest)
                            .take(SWEEP_SUMMARIES)
                            .collect();
                        if !missing.is_empty() {
                            to_scan.push((r.name.clone(), missing));
                        } else if !pending {
                            finished.push(r.name.clone());
                        }
                    }
                },
            }
        }
        self.sweep_done.extend(finished);
        let room = SWEEP_LOADS.saturating_sub(loading);
        let starting = to_list.len().min(room);
        for name in to_list.iter().take(room) {
            self.load_images(&key, name);
        }
        for (repo, digests) in to_scan.iter().cloned() {
            self.load_scan_summaries_in(&key, &repo, digests);
        }
        let done = to_list.is_empty() && loading == 0 && to_scan.is_empty() && !scans_pending;
        if done && starting == 0 {
            self.state.sweeping = None;
            let s = self
                .state
                .registry(&key)
                .map(crate::state::registry_security)
                .unwrap_or_default();
            self.state.notices.push(crate::state::Notice {
                level: crate::state::NoticeLevel::Info,
                text: format!(
                    "Checked {} tagged images in {} repositories: {} with CRITICAL or HIGH findings.",
                    s.checked,
                    s.repositories_loaded,
                    s.flagged.len()
                ),
            });
        }
    }

    /// Scan summaries of images of any repository of a registry.
    pub(super) fn load_scan_summaries_in(
        &mut self,
        key: &RegistryKey,
        repo: &str,
        digests: Vec<Digest>,
    ) {
        let Some(spec) = self.state.registry(key).map(|r| r.spec.clone()) else {
            return;
        };
        if let Some(id) = self.send(Command::LoadScanSummaries {
            registry: spec,
            repository: repo.to_owned(),
            digests: digests.clone(),
        }) && let Some(ri) = self.state.repo_images_mut(Some(key), repo)
        {
            for d in digests {
                ri.scans.entry(d).or_default().start(id);
            }
        }
    }
}
