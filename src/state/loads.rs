//! Requests: which slot waits for a request just sent ([`AppState::started`]),
//! and the loads a place needs (registry, images, details, tab documents),
//! built as commands with their whole target.

use crate::message::{
    BrowseCommand, LifecycleCommand, ManageCommand, PullThroughCommand, ScanningCommand,
};
use crate::message::{Command, RequestId};
use crate::model::{Digest, EcrError, RegistryKey, RepoRef};

use super::{AppState, FollowUp, RegistryTab, RepoTab, Requested};

/// Scan summaries asked for per frame at most; the rest follow on the next
/// frames (the rows stay on screen).
pub const SCAN_SUMMARIES_PER_FRAME: usize = 32;

impl AppState {
    /// A request was sent: mark what waits for it as loading (keeping what
    /// is shown), so its answer is recognised and stale ones are dropped.
    pub fn started(&mut self, id: RequestId, cmd: &Command) {
        let key = cmd.registry().map(crate::model::RegistrySpec::key);
        let key = key.as_ref();
        // Each feature marks its own slots.
        match cmd {
            Command::Browse(c) => self.browse_started(id, key, c),
            Command::Manage(c) => self.manage_started(id, key, c),
            Command::Scanning(c) => self.scanning_started(id, key, c),
            Command::Transfer(c) => self.transfer_started(id, c),
            Command::Search(c) => self.search_started(c),
            Command::PullThrough(c) => self.pull_through_started(id, key, c),
            Command::Login(c) => self.login_started(id, key, c),
            Command::Lifecycle(c) => self.lifecycle_started(id, key, c),
            Command::SupplyChain(c) => self.supply_chain_started(id, key, c),
            Command::Admin(c) => self.admin_started(id, key, c),
        }
    }

    /// A request could not be handed to the worker at all: what waits for it
    /// ends as an error, never as "loading" forever.
    pub fn not_sent(&mut self, id: RequestId, cmd: &Command, error: &EcrError) {
        let key = cmd.registry().map(crate::model::RegistrySpec::key);
        for p in crate::message::failed_payloads(cmd.clone(), error) {
            self.apply(crate::message::Event {
                request: id,
                registry: key.clone(),
                payload: p,
            });
        }
    }

    /// DescribeRegistry + DescribeRepositories for one registry.
    pub fn load_registry(&self, key: &RegistryKey) -> Vec<FollowUp> {
        let Some(reg) = self.registry(key) else {
            return Vec::new();
        };
        vec![
            FollowUp::Request(Command::Browse(BrowseCommand::RegistryInfo(
                reg.spec.clone(),
            ))),
            FollowUp::Request(Command::Browse(BrowseCommand::Repositories(
                reg.spec.clone(),
            ))),
        ]
    }

    /// The registry scanning configuration and each listed repository's.
    /// Not for another account's registry: the calls take no registry id
    /// and would answer for the caller's own account.
    pub(crate) fn load_scanning(&self, key: &RegistryKey) -> Vec<FollowUp> {
        let Some(reg) = self.registry(key) else {
            return Vec::new();
        };
        if reg.is_cross_account() {
            return Vec::new();
        }
        let names: Vec<String> = reg
            .repositories
            .shown()
            .map(|l| l.iter().map(|r| r.name.clone()).collect())
            .unwrap_or_default();
        vec![FollowUp::Request(Command::Scanning(
            ScanningCommand::Configuration {
                registry: reg.spec.clone(),
                repositories: names,
            },
        ))]
    }

    /// The open repository's images, unless loaded already; when the user
    /// comes to the repository (`arriving`), a list that failed last time is
    /// asked for again rather than left showing the old error.
    pub fn ensure_images(&self, arriving: bool) -> Vec<FollowUp> {
        let Some(repo) = self.open_repo() else {
            return Vec::new();
        };
        let idle = self.open_images().is_none_or(|ri| match ri.list {
            Requested::Idle => true,
            Requested::Failed { .. } => arriving,
            _ => false,
        });
        if idle {
            vec![FollowUp::Request(Command::Browse(BrowseCommand::Images(
                repo,
            )))]
        } else {
            Vec::new()
        }
    }

    /// The open image's manifest and config, unless loaded or loading.
    pub fn ensure_detail(&self) -> Vec<FollowUp> {
        let (Some(repo), Some(digest)) = (self.open_repo(), self.location.image) else {
            return Vec::new();
        };
        let needed = self.open_images().is_none_or(|ri| {
            ri.details
                .get(&digest)
                .is_none_or(|d| matches!(d, Requested::Idle | Requested::Failed { .. }))
        });
        // An archived (or restoring) image cannot be pulled: its manifest
        // is not asked for until it is active again.
        let pullable = self
            .open_images()
            .and_then(|ri| ri.list.shown())
            .and_then(|l| l.iter().find(|i| i.digest == digest))
            .is_none_or(|i| i.status == crate::model::ImageStatus::Active);
        let needed = needed && pullable;
        if needed {
            vec![FollowUp::Request(Command::Browse(
                BrowseCommand::ImageDetail { repo, digest },
            ))]
        } else {
            Vec::new()
        }
    }

    /// Resource tags of rows on screen not known yet (at most
    /// [`SCAN_SUMMARIES_PER_FRAME`] a frame).
    pub fn repo_tags_for(&self, key: &RegistryKey, names: &[String]) -> Vec<FollowUp> {
        let Some(reg) = self.registry(key) else {
            return Vec::new();
        };
        let Some(list) = reg.repositories.shown() else {
            return Vec::new();
        };
        let repos: Vec<(String, String)> = names
            .iter()
            .filter(|n| !reg.resource_tags.contains_key(n.as_str()))
            .filter_map(|n| list.iter().find(|r| &r.name == n))
            .filter(|r| !r.arn.is_empty())
            .map(|r| (r.name.clone(), r.arn.clone()))
            .take(SCAN_SUMMARIES_PER_FRAME)
            .collect();
        if repos.is_empty() {
            return Vec::new();
        }
        vec![FollowUp::Request(Command::Browse(
            BrowseCommand::RepoTags {
                registry: reg.spec.clone(),
                repos,
            },
        ))]
    }

    /// Scan summaries for rows on screen whose summary is not known (at most
    /// [`SCAN_SUMMARIES_PER_FRAME`] a frame).
    pub fn scan_summaries_for(&self, repo: &RepoRef, digests: &[Digest]) -> Vec<FollowUp> {
        let known = self.repo_images(&repo.key(), &repo.name);
        let digests: Vec<Digest> = digests
            .iter()
            .copied()
            .filter(|d| known.is_none_or(|ri| !ri.scans.contains_key(d)))
            .take(SCAN_SUMMARIES_PER_FRAME)
            .collect();
        if digests.is_empty() {
            return Vec::new();
        }
        vec![FollowUp::Request(Command::Scanning(
            ScanningCommand::Summaries {
                repo: repo.clone(),
                digests,
            },
        ))]
    }

    /// What the open tab shows, if it is not loaded (or, with `refresh`,
    /// again).
    pub fn tab_loads(&self, refresh: bool) -> Vec<FollowUp> {
        let Some(reg) = self.selected_registry() else {
            return Vec::new();
        };
        let spec = reg.spec.clone();
        let mut out = Vec::new();
        match self.open_repo() {
            None => {
                let want_rules = matches!(
                    self.registry_tab,
                    RegistryTab::Overview | RegistryTab::PullThrough
                );
                if want_rules
                    && (refresh || matches!(reg.docs.pull_through, Requested::Idle))
                    && !reg.docs.pull_through.is_loading()
                {
                    out.push(FollowUp::Request(Command::PullThrough(
                        PullThroughCommand::Load(spec.clone()),
                    )));
                }
                // Managed signing belongs to the account signed in with:
                // not read for another account's registry.
                if self.registry_tab == RegistryTab::Overview
                    && !reg.is_cross_account()
                    && (refresh || matches!(reg.signing, Requested::Idle))
                    && !reg.signing.is_loading()
                {
                    out.push(FollowUp::Request(Command::SupplyChain(
                        crate::message::SupplyChainCommand::Signing(spec.clone()),
                    )));
                }
                if self.registry_tab == RegistryTab::Administration {
                    out.extend(self.admin_loads(refresh));
                }
                // The pull-through rules name the template they apply.
                if self.registry_tab == RegistryTab::PullThrough
                    && !reg.is_cross_account()
                    && (refresh || matches!(reg.admin.templates, Requested::Idle))
                    && !reg.admin.templates.is_loading()
                {
                    out.push(FollowUp::Request(Command::Admin(
                        crate::message::AdminCommand::Templates(spec.clone()),
                    )));
                }
                if self.registry_tab != RegistryTab::Repositories
                    && (refresh || matches!(reg.info, Requested::Idle))
                    && !reg.info.is_loading()
                {
                    out.push(FollowUp::Request(Command::Browse(
                        BrowseCommand::RegistryInfo(spec),
                    )));
                }
            }
            Some(repo) => {
                let idle = |r: Option<&Requested<Option<_>>>| {
                    r.is_none_or(|d| matches!(d, Requested::Idle))
                };
                match self.repo_tab {
                    RepoTab::Images | RepoTab::Trends => {}
                    RepoTab::Lifecycle => {
                        if refresh || idle(reg.docs.lifecycle.get(&repo.name)) {
                            out.push(FollowUp::Request(Command::Lifecycle(
                                LifecycleCommand::Load(repo),
                            )));
                        }
                    }
                    RepoTab::Policy => {
                        if refresh
                            || reg
                                .docs
                                .repo_policy
                                .get(&repo.name)
                                .is_none_or(|d| matches!(d, Requested::Idle))
                        {
                            out.push(FollowUp::Request(Command::Manage(
                                ManageCommand::RepoPolicy(repo),
                            )));
                        }
                        // Who may pull and push reads the registry policy
                        // (and its scope) too.
                        out.extend(self.admin_loads(refresh));
                    }
                }
            }
        }
        out
    }

    /// F5: everything on screen again; tables keep their rows, selection and
    /// scroll until the new answers arrive.
    pub fn refresh(&mut self) -> Vec<FollowUp> {
        let Some(key) = self.location.registry.clone() else {
            return Vec::new();
        };
        let mut out = self.tab_loads(true);
        match self.open_repo() {
            Some(repo) => {
                out.push(FollowUp::Request(Command::Browse(BrowseCommand::Images(
                    repo.clone(),
                ))));
                let known: Vec<Digest> = self
                    .open_images()
                    .map(|ri| ri.scans.keys().copied().collect())
                    .unwrap_or_default();
                for chunk in known.chunks(SCAN_SUMMARIES_PER_FRAME) {
                    out.push(FollowUp::Request(Command::Scanning(
                        ScanningCommand::Summaries {
                            repo: repo.clone(),
                            digests: chunk.to_vec(),
                        },
                    )));
                }
                if let Some(d) = self.location.image {
                    if let Some(ri) = self.repo_images_mut(Some(&key), &repo.name) {
                        ri.details.remove(&d);
                    }
                    out.extend(self.ensure_detail());
                    if self.findings_open {
                        out.push(FollowUp::Request(Command::Scanning(
                            ScanningCommand::Findings { repo, digest: d },
                        )));
                    }
                }
            }
            None => out.extend(self.load_registry(&key)),
        }
        out
    }
}
