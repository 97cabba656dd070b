//! Copies, re-encryptions and image exports as jobs: several may run at
//! once (an export while a copy runs), each with its own progress, Cancel
//! and result, listed in the transfers panel. A job ends once, as done,
//! failed or cancelled, whatever ends it (its answer, or its task dying:
//! the worker then answers with the command's own failure).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::message::{BrowseCommand, Command, RequestId, TransferCommand, TransferPayload};
use crate::model::RepoRef;
use crate::model::transfer::human_size_u64 as format_bytes;
use crate::model::transfer::{CopyFailure, CopyProgress, CopyReport, ExportReport};
use crate::state::{AppState, FollowUp, NoticeLevel};
use crate::transfer::plan::rate_and_eta;

/// The copy dialog's check of its target, for one target and set of tags.
#[derive(Clone, Debug)]
pub struct CopyCheck {
    pub request: RequestId,
    pub target: RepoRef,
    pub items: Vec<crate::model::transfer::CopyItem>,
    /// `None` while asked.
    pub result: Option<Result<crate::model::transfer::TargetCheck, String>>,
}

impl CopyCheck {
    /// Whether this check answers for `target` and `items`.
    pub fn is_for(&self, target: &RepoRef, items: &[crate::model::transfer::CopyItem]) -> bool {
        self.target == *target && self.items == items
    }
}

/// Finished jobs kept in the panel (the oldest go first).
const KEEP_FINISHED: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferKind {
    Copy,
    Reencrypt,
    Export,
}

/// How a job ended, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferOutcome {
    Done(String),
    Failed(String),
    Cancelled(String),
}

impl TransferOutcome {
    pub fn text(&self) -> &str {
        match self {
            Self::Done(s) | Self::Failed(s) | Self::Cancelled(s) => s,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Transfer {
    pub request: RequestId,
    pub kind: TransferKind,
    /// "Copying 3 images to prod/api", "Exporting web/frontend:v2".
    pub what: String,
    pub progress: CopyProgress,
    pub started: Instant,
    pub cancel: Arc<AtomicBool>,
    /// Where a copy lands (its list is read again when done).
    pub target: Option<RepoRef>,
    /// What a copy or re-encryption reads from.
    pub source: Option<RepoRef>,
    /// `None` while it runs.
    pub outcome: Option<TransferOutcome>,
    /// When it ended (for the panel's "how long it took").
    pub ended: Option<Instant>,
}

impl Transfer {
    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }

    /// The status bar's line: what, how far, how fast, how long still.
    pub fn line(&self, now: Instant) -> String {
        let p = &self.progress;
        if let Some(o) = &self.outcome {
            return o.text().to_owned();
        }
        if self.cancel.load(Ordering::Relaxed) {
            return format!("{}: cancelling…", self.what);
        }
        let (rate, eta) = rate_and_eta(
            p.bytes_done,
            p.bytes_planned,
            now.saturating_duration_since(self.started),
        );
        let mut s = format!(
            "{}: {} of {} image{}",
            self.what,
            p.images_done,
            p.images_total,
            if p.images_total == 1 { "" } else { "s" }
        );
        if p.bytes_planned > 0 {
            s.push_str(&format!(
                " · {} of {}",
                format_bytes(p.bytes_done),
                format_bytes(p.bytes_planned)
            ));
        }
        if rate > 0.0 {
            s.push_str(&format!(" · {}/s", format_bytes(rate as u64)));
        }
        if let Some(left) = eta.filter(|_| p.bytes_done < p.bytes_planned) {
            s.push_str(&format!(" · {} left", short_duration(left)));
        }
        if p.blobs_skipped > 0 {
            s.push_str(&format!(" · {} already there", p.blobs_skipped));
        }
        s
    }

    /// 0..1, by bytes when known, else by images.
    pub fn fraction(&self) -> f32 {
        let p = &self.progress;
        if self.outcome.is_some() {
            return 1.0;
        }
        if p.bytes_planned > 0 {
            (p.bytes_done as f64 / p.bytes_planned as f64).clamp(0.0, 1.0) as f32
        } else {
            p.images_done as f32 / p.images_total.max(1) as f32
        }
    }
}

fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    }
}

/// What a finished copy did, in words.
pub fn copied_words(r: &CopyReport, target: &str) -> String {
    let n = r.images.len();
    let mut w = format!(
        "Copied {n} image{} to {target}: {} blob{} uploaded ({}), {} already there. Digests unchanged.",
        if n == 1 { "" } else { "s" },
        r.blobs_uploaded,
        if r.blobs_uploaded == 1 { "" } else { "s" },
        format_bytes(r.bytes_uploaded),
        r.blobs_skipped
    );
    if r.artifacts_copied > 0 {
        w.push_str(&format!(
            " With {} signature{}, SBOM{} or attestation{}.",
            r.artifacts_copied,
            if r.artifacts_copied == 1 { "" } else { "s" },
            if r.artifacts_copied == 1 { "" } else { "s" },
            if r.artifacts_copied == 1 { "" } else { "s" },
        ));
    }
    for (which, why) in &r.artifacts_refused {
        let which = which.map_or_else(String::new, |d| format!(" {}", d.short()));
        w.push_str(&format!(" Not copied:{which}: {why}."));
    }
    w
}

pub fn exported_words(r: &ExportReport) -> String {
    format!(
        "Exported {} manifest{} and {} blob{} ({}) to {}.",
        r.manifests,
        if r.manifests == 1 { "" } else { "s" },
        r.blobs,
        if r.blobs == 1 { "" } else { "s" },
        format_bytes(r.bytes),
        r.path.display()
    )
}

fn outcome_of(f: &CopyFailure) -> TransferOutcome {
    if f.error == crate::model::transfer::CopyError::Cancelled {
        TransferOutcome::Cancelled(f.to_string())
    } else {
        TransferOutcome::Failed(f.to_string())
    }
}

impl AppState {
    /// Jobs still running, oldest first.
    pub fn running_transfers(&self) -> impl Iterator<Item = &Transfer> {
        self.transfers.iter().filter(|t| t.is_running())
    }

    /// The running re-encryption of `repo`, if any.
    pub fn reencrypt_running(&self, repo: &RepoRef) -> Option<&Transfer> {
        self.running_transfers()
            .find(|t| t.kind == TransferKind::Reencrypt && t.source.as_ref() == Some(repo))
    }

    /// A transfer request was sent: a job for a copy, re-encryption or
    /// export; the dialog's check and comparison wait for their answers.
    pub(crate) fn transfer_started(&mut self, id: RequestId, cmd: &TransferCommand) {
        let (kind, what, cancel, target, images, source) = match cmd {
            TransferCommand::Copy(j) => (
                TransferKind::Copy,
                format!("Copying to {}", j.target.name),
                j.cancel.clone(),
                Some(j.target.clone()),
                j.items.len(),
                Some(j.source.clone()),
            ),
            TransferCommand::Reencrypt(j) => {
                // A rerun: the dialog follows this job, not the last result.
                self.reencrypted.take_if(|(r, _)| *r == j.repo);
                (
                    TransferKind::Reencrypt,
                    format!("Re-encrypting {} into {}", j.repo.name, j.new_name),
                    j.cancel.clone(),
                    Some(RepoRef::new(&j.repo.registry, &j.new_name)),
                    0,
                    Some(j.repo.clone()),
                )
            }
            TransferCommand::ExportImage(j) => (
                TransferKind::Export,
                format!(
                    "Exporting {}",
                    j.tag
                        .as_deref()
                        .map_or_else(|| j.digest.short(), |t| format!("{}:{t}", j.repo.name))
                ),
                j.cancel.clone(),
                None,
                1,
                None,
            ),
            TransferCommand::CompareReencrypted { .. } => {
                self.reencrypt_checking = Some(id);
                return;
            }
            TransferCommand::CheckTarget { target, items } => {
                self.copy_check = Some(CopyCheck {
                    request: id,
                    target: target.clone(),
                    items: items.clone(),
                    result: None,
                });
                return;
            }
        };
        self.transfers.push(Transfer {
            request: id,
            kind,
            what,
            progress: CopyProgress {
                images_total: images,
                ..CopyProgress::default()
            },
            started: Instant::now(),
            cancel,
            target,
            source,
            outcome: None,
            ended: None,
        });
    }

    /// A transfer's progress or end, or the dialog's check.
    pub(crate) fn apply_transfer(
        &mut self,
        request: RequestId,
        payload: TransferPayload,
    ) -> Vec<FollowUp> {
        match payload {
            TransferPayload::Progress(p) => self.transfer_progress(request, p),
            TransferPayload::Copied(result) => return self.copied(request, result),
            TransferPayload::ImageExported(result) => self.image_exported(request, result),
            TransferPayload::Reencrypted(result) => return self.reencrypted_done(request, result),
            TransferPayload::ReencryptCompared(result) => {
                return self.reencrypt_compared(request, result);
            }
            TransferPayload::TargetChecked(result) => {
                if let Some(c) = self.copy_check.as_mut().filter(|c| c.request == request) {
                    c.result = Some(result.map_err(|f| f.to_string()));
                }
            }
        }
        Vec::new()
    }

    fn transfer_progress(&mut self, request: RequestId, p: CopyProgress) {
        if let Some(t) = self
            .transfers
            .iter_mut()
            .find(|t| t.request == request && t.is_running())
        {
            t.progress = p;
        }
    }

    /// Ends the running job of `request` (once: a second end is ignored);
    /// returns it.
    fn end_transfer(&mut self, request: RequestId, outcome: TransferOutcome) -> Option<Transfer> {
        let t = self
            .transfers
            .iter_mut()
            .find(|t| t.request == request && t.is_running())?;
        t.outcome = Some(outcome);
        t.ended = Some(Instant::now());
        let ended = t.clone();
        let finished = self.transfers.iter().filter(|t| !t.is_running()).count();
        if finished > KEEP_FINISHED {
            let mut drop = finished - KEEP_FINISHED;
            self.transfers.retain(|t| {
                let go = drop > 0 && !t.is_running();
                if go {
                    drop -= 1;
                }
                !go
            });
        }
        Some(ended)
    }

    /// Removes finished jobs from the panel.
    pub fn clear_finished_transfers(&mut self) {
        self.transfers.retain(Transfer::is_running);
    }

    /// A copy ended: say so, and read the target's list again when it is
    /// the one on screen (or its registry's list, for a new repository).
    fn copied(
        &mut self,
        request: RequestId,
        result: Result<CopyReport, CopyFailure>,
    ) -> Vec<FollowUp> {
        let name = self
            .transfers
            .iter()
            .find(|t| t.request == request && t.is_running())
            .and_then(|t| t.target.as_ref())
            .map_or_else(|| "the target".to_owned(), |t| t.name.clone());
        let outcome = match &result {
            Ok(r) => TransferOutcome::Done(copied_words(r, &name)),
            Err(f) => outcome_of(f),
        };
        let Some(t) = self.end_transfer(request, outcome) else {
            return Vec::new();
        };
        match result {
            Ok(r) => {
                self.notify(NoticeLevel::Success, copied_words(&r, &name));
                t.target
                    .map(|t| {
                        vec![
                            FollowUp::Request(Command::Browse(BrowseCommand::Repositories(
                                t.registry.clone(),
                            ))),
                            FollowUp::Request(Command::Browse(BrowseCommand::Images(t))),
                        ]
                    })
                    .unwrap_or_default()
            }
            Err(f) => {
                self.notify(NoticeLevel::Error, f.to_string());
                Vec::new()
            }
        }
    }

    fn image_exported(&mut self, request: RequestId, result: Result<ExportReport, CopyFailure>) {
        let outcome = match &result {
            Ok(r) => TransferOutcome::Done(exported_words(r)),
            Err(f) => outcome_of(f),
        };
        if self.end_transfer(request, outcome).is_none() {
            return;
        }
        match result {
            Ok(r) => self.notify(NoticeLevel::Success, exported_words(&r)),
            Err(f) => self.notify(NoticeLevel::Error, f.to_string()),
        }
    }

    fn reencrypted_done(
        &mut self,
        request: RequestId,
        result: Result<crate::model::transfer::ReencryptReport, CopyFailure>,
    ) -> Vec<FollowUp> {
        let words = match &result {
            Ok(r) if r.complete() => format!(
                "{} holds all {} images of {} with its settings. Review the comparison, then delete the old repository if you wish.",
                r.new, r.compared.old_images, r.old
            ),
            Ok(r) => format!(
                "{} lacks {} images of {}: keep the old repository, or run again to copy them.",
                r.new,
                r.compared.missing.len(),
                r.old
            ),
            Err(f) => f.to_string(),
        };
        let outcome = match &result {
            Ok(r) if r.complete() => TransferOutcome::Done(words.clone()),
            Ok(_) => TransferOutcome::Failed(words.clone()),
            Err(f) => outcome_of(f),
        };
        let Some(t) = self.end_transfer(request, outcome) else {
            return Vec::new();
        };
        let (Some(new), Some(old)) = (t.target, t.source) else {
            return Vec::new();
        };
        let level = match &result {
            Ok(r) if r.complete() => NoticeLevel::Success,
            Ok(_) => NoticeLevel::Warning,
            Err(_) => NoticeLevel::Error,
        };
        self.notify(level, words);
        self.reencrypted = Some((old, result.map_err(|f| f.to_string())));
        vec![FollowUp::Request(Command::Browse(
            BrowseCommand::Repositories(new.registry),
        ))]
    }

    /// Both repositories of a re-encryption read again before the delete:
    /// the delete's typed confirmation opens only when the new one holds
    /// every active image of the old one now.
    fn reencrypt_compared(
        &mut self,
        request: RequestId,
        result: Result<crate::model::transfer::ReencryptComparison, CopyFailure>,
    ) -> Vec<FollowUp> {
        if self.reencrypt_checking != Some(request) {
            return Vec::new();
        }
        self.reencrypt_checking = None;
        let Some((old, Ok(report))) = self.reencrypted.as_mut() else {
            return Vec::new();
        };
        match result {
            Ok(c) => {
                report.compared = c;
                if report.complete() {
                    return vec![FollowUp::ConfirmDeleteRepository(old.clone())];
                }
                let n = report.compared.missing.len();
                let words = format!(
                    "{} now holds {n} active image{} that {} lacks (pushed meanwhile?): the old repository is kept. Run again to copy {}.",
                    report.old,
                    if n == 1 { "" } else { "s" },
                    report.new,
                    if n == 1 { "it" } else { "them" }
                );
                self.notify(NoticeLevel::Warning, words);
            }
            Err(f) => self.notify(
                NoticeLevel::Error,
                format!("Could not compare both repositories again, so the old one is kept: {f}"),
            ),
        }
        Vec::new()
    }

    /// The user pressed Cancel on a job: the worker stops at its next chunk.
    pub fn cancel_transfer(&mut self, request: RequestId) {
        if let Some(t) = self
            .transfers
            .iter()
            .find(|t| t.request == request && t.is_running())
        {
            t.cancel.store(true, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Digest;

    fn t(p: CopyProgress) -> Transfer {
        Transfer {
            request: 1,
            kind: TransferKind::Copy,
            what: "Copying to prod/api".into(),
            progress: p,
            started: Instant::now() - Duration::from_secs(10),
            cancel: Arc::default(),
            target: None,
            source: None,
            outcome: None,
            ended: None,
        }
    }

    #[test]
    fn the_line_says_how_far_how_fast_and_how_long() {
        let x = t(CopyProgress {
            images_total: 2,
            images_done: 1,
            bytes_planned: 300 * 1024 * 1024,
            bytes_done: 100 * 1024 * 1024,
            blobs_skipped: 3,
            ..CopyProgress::default()
        });
        let line = x.line(x.started + Duration::from_secs(10));
        assert!(
            line.starts_with("Copying to prod/api: 1 of 2 images"),
            "{line}"
        );
        assert!(line.contains("of 300"), "{line}");
        assert!(line.contains("/s"), "{line}");
        assert!(line.contains("20 s left"), "{line}");
        assert!(line.contains("3 already there"), "{line}");
        assert!((x.fraction() - 1.0 / 3.0).abs() < 1e-6);
        x.cancel.store(true, Ordering::Relaxed);
        assert!(x.line(Instant::now()).ends_with("cancelling…"));
    }

    #[test]
    fn huge_numbers_do_not_overflow_the_line() {
        let x = t(CopyProgress {
            images_total: usize::MAX,
            bytes_planned: u64::MAX,
            bytes_done: u64::MAX / 2,
            ..CopyProgress::default()
        });
        let _ = x.line(Instant::now());
        assert!((0.0..=1.0).contains(&x.fraction()));
    }

    #[test]
    fn words_for_the_end() {
        let r = CopyReport {
            images: vec![crate::model::transfer::CopyItem {
                digest: Digest([1; 32]),
                tags: vec![],
            }],
            blobs_uploaded: 1,
            blobs_skipped: 2,
            bytes_uploaded: 2048,
            manifests_put: 1,
            ..CopyReport::default()
        };
        let w = copied_words(&r, "prod/api");
        assert!(
            w.starts_with("Copied 1 image to prod/api: 1 blob uploaded"),
            "{w}"
        );
        assert!(w.contains("2 already there"), "{w}");
    }
}
