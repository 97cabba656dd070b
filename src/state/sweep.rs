//! The findings sweep of a registry ("check every tagged image") and the
//! rules for starting scans: decisions made from what is loaded.

use crate::message::Command;
use crate::message::{BrowseCommand, ScanningCommand};
use crate::model::{Digest, ImageStatus, RepoRef, ScanType};

use super::{AppState, FollowUp, NoticeLevel, Requested, registry_security, summarised, wording};

/// Repositories whose images the sweep loads at once. The worker's
/// per-registry limit bounds the requests; this bounds the queue.
const SWEEP_LOADS: usize = 32;
/// Scan summaries asked for per repository and step.
const SWEEP_SUMMARIES: usize = 400;

impl AppState {
    pub fn start_sweep(&mut self) -> Vec<FollowUp> {
        self.sweeping = self.location.registry.clone();
        self.sweep_done.clear();
        self.sweep_step()
    }

    /// One step of the sweep (every frame while it runs): start image
    /// listings (a bounded number at a time), then ask for the scan summary
    /// of every tagged image whose counts are not known. Ends, with a
    /// message, when nothing is left.
    pub fn sweep_step(&mut self) -> Vec<FollowUp> {
        let Some(key) = self.sweeping.clone() else {
            return Vec::new();
        };
        let Some(reg) = self.registry(&key) else {
            self.sweeping = None;
            return Vec::new();
        };
        let Some(repos) = reg.repositories.shown() else {
            if !reg.repositories.is_loading() {
                self.sweeping = None;
            }
            return Vec::new();
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
        let spec = reg.spec.clone();
        self.sweep_done.extend(finished);
        let room = SWEEP_LOADS.saturating_sub(loading);
        let starting = to_list.len().min(room);
        let mut out: Vec<FollowUp> = to_list
            .iter()
            .take(room)
            .map(|name| {
                FollowUp::Request(Command::Browse(BrowseCommand::Images(RepoRef::new(
                    &spec, name,
                ))))
            })
            .collect();
        for (repo, digests) in to_scan {
            out.push(FollowUp::Request(Command::Scanning(
                ScanningCommand::Summaries {
                    repo: RepoRef::new(&spec, &repo),
                    digests,
                },
            )));
        }
        let done = out.is_empty() && loading == 0 && !scans_pending;
        if done && starting == 0 {
            self.sweeping = None;
            let s = self
                .registry(&key)
                .map(registry_security)
                .unwrap_or_default();
            self.notify(
                NoticeLevel::Info,
                format!(
                    "Checked {} tagged images in {} repositories: {} with CRITICAL or HIGH findings.",
                    s.checked,
                    s.repositories_loaded,
                    s.flagged.len()
                ),
            );
        }
        out
    }

    /// Basic scans of some images of a repository, after the checks ECR
    /// would make: no manual scans under enhanced scanning, none of archived
    /// images (each refusal said in words, before any call).
    pub fn scan_request(&mut self, repo: RepoRef, digests: Vec<Digest>) -> Vec<FollowUp> {
        let Some(reg) = self.registry(&repo.key()) else {
            return Vec::new();
        };
        let enhanced = !reg.is_cross_account()
            && reg
                .scanning
                .shown()
                .is_some_and(|c| c.registry.scan_type == ScanType::Enhanced);
        if enhanced {
            self.notify(NoticeLevel::Warning, wording::ENHANCED_NO_MANUAL);
            return Vec::new();
        }
        let archived: Vec<Digest> = reg
            .images
            .get(&repo.name)
            .and_then(|ri| ri.list.shown())
            .map(|l| {
                l.iter()
                    .filter(|i| digests.contains(&i.digest) && i.status == ImageStatus::Archived)
                    .map(|i| i.digest)
                    .collect()
            })
            .unwrap_or_default();
        if !archived.is_empty() {
            self.notify(
                NoticeLevel::Warning,
                format!(
                    "{} archived image(s) skipped: archived images cannot be scanned; restore them first.",
                    archived.len()
                ),
            );
        }
        let digests: Vec<Digest> = digests
            .into_iter()
            .filter(|d| !archived.contains(d))
            .collect();
        if digests.is_empty() {
            return Vec::new();
        }
        vec![FollowUp::Request(Command::Scanning(
            ScanningCommand::Start { repo, digests },
        ))]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::message::ScanningConfigs;
    use crate::model::{RegistryScanningConfig, ScanType};

    #[test]
    fn enhanced_scanning_refuses_manual_scans_in_words() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        st.registry_mut(&spec("a").key()).expect("a").scanning =
            Requested::Ready(ScanningConfigs {
                registry: RegistryScanningConfig {
                    scan_type: ScanType::Enhanced,
                    rules: vec![],
                },
                repositories: vec![],
            });
        let f = st.scan_request(RepoRef::new(&spec("a"), "r"), vec![Digest([1; 32])]);
        assert!(f.is_empty());
        assert!(st.notices[0].text.contains("enhanced scanning"));
    }

    #[test]
    fn a_basic_scan_is_a_request_with_its_target() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let f = st.scan_request(RepoRef::new(&spec("a"), "r"), vec![Digest([1; 32])]);
        assert!(
            matches!(&f[..], [FollowUp::Request(Command::Scanning(ScanningCommand::Start { repo, digests }))] if repo.name == "r" && digests.len() == 1)
        );
        let _ = repo("unused");
    }
}
