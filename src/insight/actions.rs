//! Insight's actions: read every repository of a registry for the Storage
//! tab, a few image listings at a time (each through the registry's rate
//! gate), with progress.

use std::path::PathBuf;

use super::snapshot_jobs;
use super::snapshots::Side;
use crate::app::EcrscopeApp;
use crate::message::{BrowseCommand, Command};
use crate::model::{RegistryKey, RepoRef};
use crate::state::{AppState, FollowUp, Requested};

/// Image listings the Storage tab keeps in flight for one registry.
pub const LISTINGS_AT_ONCE: usize = 4;

#[derive(Clone, Debug, PartialEq)]
pub enum InsightAction {
    /// Read every repository's images (the Storage tab's button).
    ReadEvery(RegistryKey),
    /// While reading: start the next listings (every frame).
    Step(RegistryKey),
    /// Stop reading (what is read stays).
    Stop(RegistryKey),
    /// Save what is loaded as a snapshot in the snapshots folder.
    SaveSnapshot,
    /// Read the snapshots folder's summaries again.
    RefreshSnapshots,
    /// Open a snapshot file read-only.
    OpenSnapshot(PathBuf),
    CloseSnapshot,
    /// Compare a snapshot with what is loaded now.
    CompareWithNow(PathBuf),
    Compare {
        older: PathBuf,
        newer: PathBuf,
    },
    CloseComparison,
    /// A clean-up group of one repository as a lifecycle rule: read the
    /// repository's policy, add the rule, preview.
    MakeRule {
        repo: RepoRef,
        group: super::cleanup::Group,
        digests: Vec<crate::model::Digest>,
        bytes: u64,
        monthly: f64,
    },
    /// While a rule is made (every frame): compose it once the policy is
    /// read, then ask for the preview.
    RuleStep,
    /// Put the policy with the rule (after the confirmation).
    PutRule,
    CancelRule,
}

impl AppState {
    /// The rule being made, one step: composed once the repository's
    /// policy is read (not while a read is under way), then previewed once.
    pub fn cleanup_rule_step(&mut self) -> Vec<FollowUp> {
        let Some(d) = &self.cleanup_rule else {
            return Vec::new();
        };
        let repo = d.repo.clone();
        if d.made.is_none() {
            let Some(doc) = self
                .registry(&repo.key())
                .and_then(|r| r.docs.lifecycle.get(&repo.name))
            else {
                return Vec::new();
            };
            if doc.is_loading() {
                return Vec::new();
            }
            let made = match (doc.shown(), doc.error()) {
                (_, Some(e)) => Err(format!(
                    "Could not read the repository's lifecycle policy: {e}"
                )),
                (Some(p), None) => {
                    super::cleanup_rule::policy_with(p.as_ref().map(|p| p.text.as_str()), d.group)
                }
                (None, None) => return Vec::new(),
            };
            if let Some(d) = &mut self.cleanup_rule {
                d.made = Some(made);
            }
        }
        let Some(d) = &mut self.cleanup_rule else {
            return Vec::new();
        };
        match &d.made {
            Some(Ok((text, _))) if !d.previewed => {
                d.previewed = true;
                vec![FollowUp::Request(Command::Lifecycle(
                    crate::message::LifecycleCommand::Preview {
                        repo,
                        text: text.clone(),
                    },
                ))]
            }
            _ => Vec::new(),
        }
    }

    /// The next listings to start for the Storage tab, keeping at most
    /// `LISTINGS_AT_ONCE` in flight; ends the reading when every
    /// repository has answered (or failed).
    pub fn storage_step(&mut self, key: &RegistryKey) -> Vec<FollowUp> {
        let Some(reg) = self.registry_mut(key) else {
            return Vec::new();
        };
        if !reg.storage_reading {
            return Vec::new();
        }
        let Some(repos) = reg.repositories.shown() else {
            return Vec::new();
        };
        let names: Vec<String> = repos.iter().map(|r| r.name.clone()).collect();
        let in_flight = names
            .iter()
            .filter(|n| reg.images.get(*n).is_some_and(|ri| ri.list.is_loading()))
            .count();
        let idle: Vec<&String> = names
            .iter()
            .filter(|n| {
                reg.images
                    .get(*n)
                    .is_none_or(|ri| matches!(ri.list, Requested::Idle))
            })
            .collect();
        if idle.is_empty() && in_flight == 0 {
            reg.storage_reading = false;
            return Vec::new();
        }
        let spec = reg.spec.clone();
        idle.into_iter()
            .take(LISTINGS_AT_ONCE.saturating_sub(in_flight))
            .map(|n| {
                FollowUp::Request(Command::Browse(BrowseCommand::Images(RepoRef::new(
                    &spec, n,
                ))))
            })
            .collect()
    }
}

impl EcrscopeApp {
    pub(crate) fn on_insight(&mut self, action: InsightAction) -> Vec<FollowUp> {
        match action {
            InsightAction::ReadEvery(key) => {
                if let Some(reg) = self.state.registry_mut(&key) {
                    reg.storage_reading = true;
                }
                self.state.storage_step(&key)
            }
            InsightAction::Step(key) => self.state.storage_step(&key),
            InsightAction::Stop(key) => {
                if let Some(reg) = self.state.registry_mut(&key) {
                    reg.storage_reading = false;
                }
                Vec::new()
            }
            InsightAction::SaveSnapshot => {
                let Some(dir) = self.snapshot_jobs.dir.clone() else {
                    return Vec::new();
                };
                // The image lists are shared, not copied: the snapshot is
                // made on the job's thread from what is loaded now.
                let input = super::inventory::input(&self.state);
                if self.state.snapshots.start("Saving a snapshot…") {
                    let now = crate::ui::widgets::now_ms();
                    self.snapshot_jobs
                        .run(move || snapshot_jobs::save(&dir, &input, now));
                }
                Vec::new()
            }
            InsightAction::RefreshSnapshots => {
                self.list_snapshots();
                Vec::new()
            }
            InsightAction::OpenSnapshot(path) => {
                if self.state.snapshots.start("Opening the snapshot…") {
                    self.snapshot_jobs.run(move || snapshot_jobs::open(&path));
                }
                Vec::new()
            }
            InsightAction::CompareWithNow(path) => {
                let input = super::inventory::input(&self.state);
                if self.state.snapshots.start("Comparing…") {
                    let now = crate::ui::widgets::now_ms();
                    self.snapshot_jobs.run(move || {
                        snapshot_jobs::compare(Side::File(path), Side::Now(input), now)
                    });
                }
                Vec::new()
            }
            InsightAction::Compare { older, newer } => {
                if self.state.snapshots.start("Comparing…") {
                    let now = crate::ui::widgets::now_ms();
                    self.snapshot_jobs.run(move || {
                        snapshot_jobs::compare(Side::File(older), Side::File(newer), now)
                    });
                }
                Vec::new()
            }
            InsightAction::CloseSnapshot => {
                self.state.snapshots.opened = None;
                Vec::new()
            }
            InsightAction::CloseComparison => {
                self.state.snapshots.comparison = None;
                Vec::new()
            }
            InsightAction::MakeRule {
                repo,
                group,
                digests,
                bytes,
                monthly,
            } => {
                // An older preview of this repository is not this rule's.
                if let Some(reg) = self.state.registry_mut(&repo.key()) {
                    reg.docs.preview.remove(&repo.name);
                }
                self.state.cleanup_rule = Some(super::cleanup_rule::RuleDraft {
                    repo: repo.clone(),
                    group,
                    expected: digests,
                    bytes,
                    monthly,
                    made: None,
                    previewed: false,
                });
                // Read again: a rule added elsewhere since is kept.
                vec![FollowUp::Request(Command::Lifecycle(
                    crate::message::LifecycleCommand::Load(repo),
                ))]
            }
            InsightAction::RuleStep => self.state.cleanup_rule_step(),
            InsightAction::PutRule => {
                let Some(d) = self.state.cleanup_rule.take() else {
                    return Vec::new();
                };
                match d.made {
                    Some(Ok((text, _))) => vec![FollowUp::Request(Command::Lifecycle(
                        crate::message::LifecycleCommand::Change {
                            repo: d.repo,
                            text: Some(text),
                        },
                    ))],
                    _ => Vec::new(),
                }
            }
            InsightAction::CancelRule => {
                self.state.cleanup_rule = None;
                Vec::new()
            }
        }
    }

    /// Reads the snapshots folder's summaries (off the UI thread).
    fn list_snapshots(&mut self) {
        let Some(dir) = self.snapshot_jobs.dir.clone() else {
            self.state.snapshots.library_read = true;
            return;
        };
        if self.state.snapshots.start("Reading the snapshots folder…") {
            self.snapshot_jobs.run(move || snapshot_jobs::list(&dir));
        }
    }

    /// Applies the snapshot jobs' answers; a save lists the folder again.
    pub(crate) fn snapshot_jobs_done(&mut self) {
        for r in self.snapshot_jobs.done() {
            let saved = matches!(r, super::snapshots::JobResult::Saved { .. });
            if let Some(line) = self.state.snapshots.finished(r) {
                self.state.notify(crate::state::NoticeLevel::Success, line);
            }
            if saved {
                self.list_snapshots();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Repository;

    fn repo(n: &str) -> Repository {
        Repository {
            name: n.to_owned(),
            arn: String::new(),
            registry_id: String::new(),
            uri: String::new(),
            created_at: None,
            tag_mutability: crate::model::TagMutabilitySetting::default(),
            encryption: crate::model::Encryption::default(),
            scan_on_push: false,
        }
    }

    #[test]
    fn reading_keeps_a_few_listings_in_flight_and_ends() {
        let spec = crate::state::demo_spec();
        let key = spec.key();
        let mut st = AppState::default();
        st.set_registries(vec![spec]);
        let reg = st.registry_mut(&key).expect("registry");
        reg.repositories = Requested::Ready((0..10).map(|i| repo(&format!("r{i}"))).collect());
        reg.storage_reading = true;
        let first = st.storage_step(&key);
        assert_eq!(first.len(), LISTINGS_AT_ONCE);
        for (i, f) in first.iter().enumerate() {
            if let FollowUp::Request(c) = f {
                st.started(i as u64 + 1, c);
            }
        }
        assert!(
            st.storage_step(&key).is_empty(),
            "four in flight: none more"
        );
        // Every listing answered: the reading ends.
        let reg = st.registry_mut(&key).expect("registry");
        for i in 0..10 {
            reg.images.entry(format!("r{i}")).or_default().list =
                Requested::Ready(std::sync::Arc::new(Vec::new()));
        }
        assert!(st.storage_step(&key).is_empty());
        assert!(!st.registry(&key).expect("registry").storage_reading);
    }
}
