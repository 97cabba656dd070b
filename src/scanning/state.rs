//! Scanning's state transitions: the scanning configuration, the summary
//! of each row, started scans (then followed), findings, and an export's
//! progress and end.

use crate::message::{RequestId, ScanningCommand, ScanningConfigs, ScanningPayload};
use crate::model::{EcrError, RegistryKey, RepoRef, ScanReport, ScanSummary};
use crate::state::{
    AppState, ExportProgress, FollowUp, ImageKey, NoticeLevel, Requested, settle, wording,
};

impl AppState {
    /// An image's full findings, unless known or on their way (the SBOM
    /// view marks packages with them without opening the findings view).
    pub fn load_findings(&self, repo: RepoRef, digest: crate::model::Digest) -> Vec<FollowUp> {
        let known = self
            .repo_images(&repo.key(), &repo.name)
            .is_some_and(|ri| ri.findings.contains_key(&digest));
        if known {
            return Vec::new();
        }
        vec![FollowUp::Request(crate::message::Command::Scanning(
            ScanningCommand::Findings { repo, digest },
        ))]
    }

    /// A scanning request was sent: mark what waits for it.
    pub(crate) fn scanning_started(
        &mut self,
        id: RequestId,
        key: Option<&RegistryKey>,
        cmd: &ScanningCommand,
    ) {
        match cmd {
            ScanningCommand::Configuration { .. } | ScanningCommand::PutConfiguration { .. } => {
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    r.scanning.start(id);
                }
            }
            ScanningCommand::Summaries { repo, digests } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    for d in digests {
                        ri.scans.entry(*d).or_default().start(id);
                    }
                }
            }
            ScanningCommand::Findings { repo, digest } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    ri.findings.entry(*digest).or_default().start(id);
                }
            }
            ScanningCommand::Export(x) => {
                self.export_progress = Some(ExportProgress {
                    request: id,
                    done: 0,
                    total: x.images.len(),
                    findings: 0,
                });
            }
            // A started scan's row changes when its answer comes.
            ScanningCommand::Start { .. } => {}
        }
    }

    /// A scanning answer; returns what should follow.
    pub(crate) fn apply_scanning(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: ScanningPayload,
    ) -> Vec<FollowUp> {
        match payload {
            ScanningPayload::Configuration(result) => {
                // Scanning is extra detail; its failure (e.g. an endpoint
                // without the call) must not mark the registry red.
                if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
                    settle(&mut reg.scanning, request, result);
                }
                Vec::new()
            }
            ScanningPayload::ConfigurationSaved(result) => {
                self.scanning_saved(request, key, result)
            }
            ScanningPayload::Summary {
                repo: RepoRef {
                    name: repository, ..
                },
                digest,
                result,
            } => {
                let gone = result
                    .as_ref()
                    .err()
                    .is_some_and(EcrError::is_repository_gone);
                if let Some(ri) = self.repo_images_mut(key, &repository)
                    && let Some(slot) = ri.scans.get_mut(&digest)
                    && settle(slot, request, result)
                {
                    ri.generation += 1;
                }
                if gone {
                    return self.repository_vanished(key, &repository);
                }
                Vec::new()
            }
            ScanningPayload::Started {
                repo: RepoRef {
                    name: repository, ..
                },
                digest,
                result,
            } => self.scan_started(key, &repository, digest, result),
            ScanningPayload::Findings {
                repo: RepoRef {
                    name: repository, ..
                },
                digest,
                result,
            } => self.findings(request, key, &repository, digest, result),
            ScanningPayload::ExportProgress {
                done,
                total,
                findings,
            } => {
                if let Some(p) = &mut self.export_progress
                    && p.request == request
                {
                    p.done = done;
                    p.total = total;
                    p.findings = findings;
                }
                Vec::new()
            }
            ScanningPayload::Exported(result) => {
                if self.export_progress.is_some_and(|p| p.request == request) {
                    self.export_progress = None;
                }
                match result {
                    Ok(x) => self.notify(
                        NoticeLevel::Success,
                        format!(
                            "Exported {} findings of {} image{} to {}.",
                            x.findings,
                            x.images,
                            if x.images == 1 { "" } else { "s" },
                            x.path.display()
                        ),
                    ),
                    Err(f) => self.notify(NoticeLevel::Error, wording::export_failed(&f)),
                }
                Vec::new()
            }
        }
    }

    fn scanning_saved(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        result: Result<ScanningConfigs, EcrError>,
    ) -> Vec<FollowUp> {
        let Some(reg) = key.and_then(|k| self.registry_mut(k)) else {
            return Vec::new();
        };
        let ok = result.is_ok();
        if settle(&mut reg.scanning, request, result) {
            let (level, text) = match (ok, reg.scanning.error()) {
                (true, _) => (
                    NoticeLevel::Success,
                    "Scanning configuration saved.".to_owned(),
                ),
                (false, Some(e)) => (NoticeLevel::Error, format!("Scanning configuration: {e}")),
                (false, None) => (
                    NoticeLevel::Error,
                    "Scanning configuration was not saved.".to_owned(),
                ),
            };
            self.notify(level, text);
        }
        Vec::new()
    }

    fn scan_started(
        &mut self,
        key: Option<&RegistryKey>,
        repository: &str,
        digest: crate::model::Digest,
        result: Result<Option<crate::model::ScanStatus>, EcrError>,
    ) -> Vec<FollowUp> {
        match result {
            Ok(status) => {
                let spec = key.and_then(|k| self.registry(k)).map(|r| r.spec.clone());
                if let Some(ri) = self.repo_images_mut(key, repository) {
                    // The row shows the scan running until a poll says otherwise.
                    let summary = ScanSummary {
                        status: status.or(Some(crate::model::ScanStatus::InProgress)),
                        ..ScanSummary::default()
                    };
                    ri.scans.insert(digest, Requested::Ready(summary));
                    ri.generation += 1;
                }
                self.notify(
                    NoticeLevel::Info,
                    format!("Scan started for {}.", digest.short()),
                );
                match spec {
                    Some(spec) => self.follow_scan(&RepoRef::new(&spec, repository), digest),
                    None => Vec::new(),
                }
            }
            Err(e) => {
                self.notify(
                    NoticeLevel::Error,
                    format!("{}: {}", digest.short(), wording::scan_refusal(&e)),
                );
                Vec::new()
            }
        }
    }

    fn findings(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        repository: &str,
        digest: crate::model::Digest,
        result: Result<ScanReport, EcrError>,
    ) -> Vec<FollowUp> {
        let gone = result
            .as_ref()
            .err()
            .is_some_and(EcrError::is_repository_gone);
        let follow = key.map(|k| ImageKey::new(k, repository, digest));
        let follow_ups = match &follow {
            Some(k) if self.following.contains_key(k) => self.scan_polled(k, result.as_ref()),
            _ => Vec::new(),
        };
        let stopped = follow
            .as_ref()
            .is_some_and(|k| !self.following.contains_key(k));
        if let Some(ri) = self.repo_images_mut(key, repository)
            && let Some(slot) = ri.findings.get_mut(&digest)
        {
            let changed = match result {
                Ok(report) => {
                    // The summary in the table follows the full report.
                    let summary = ScanSummary {
                        status: report.status.clone(),
                        counts: report.counts,
                        never_scanned: false,
                    };
                    ri.scans.insert(digest, Requested::Ready(summary));
                    slot.finish(request, report);
                    true
                }
                Err(e) if e.is_scan_not_found() => {
                    ri.scans.insert(
                        digest,
                        Requested::Ready(ScanSummary {
                            never_scanned: true,
                            ..ScanSummary::default()
                        }),
                    );
                    slot.finish(request, ScanReport::default());
                    true
                }
                Err(e) => {
                    let failed = slot.fail(request, e);
                    // A poll that gave up must not leave the row "Scanning":
                    // forget the summary, so the row asks for it again.
                    let running = ri
                        .scans
                        .get(&digest)
                        .and_then(Requested::shown)
                        .is_some_and(|s| s.status.as_ref().is_some_and(|s| s.is_running()));
                    if stopped && running {
                        ri.scans.remove(&digest);
                    }
                    failed || stopped
                }
            };
            if changed {
                ri.generation += 1;
            }
        }
        if gone {
            return self.repository_vanished(key, repository);
        }
        follow_ups
    }
}
