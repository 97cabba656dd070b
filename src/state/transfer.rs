//! A running copy or image export: what it is, how far it got, its cancel
//! flag; what the status bar says about it; the notice when it ends. One at
//! a time (a second waits for the first: both would share the same network).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::follow::FollowUp;
use super::{AppState, NoticeLevel};
use crate::copy::plan::rate_and_eta;
use crate::message::{Command, RequestId};
use crate::model::RepoRef;
use crate::model::transfer::human_size_u64 as format_bytes;
use crate::model::transfer::{CopyFailure, CopyProgress, CopyReport, ExportReport};

#[derive(Clone, Debug)]
pub struct Transfer {
    pub request: RequestId,
    /// "Copying 3 images to prod/api", "Exporting web/frontend:v2".
    pub what: String,
    pub progress: CopyProgress,
    pub started: Instant,
    pub cancel: Arc<AtomicBool>,
    /// Where a copy lands (its list is read again when done).
    pub target: Option<RepoRef>,
    /// What a copy or re-encryption reads from.
    pub source: Option<RepoRef>,
}

impl Transfer {
    /// The status bar's line: what, how far, how fast, how long still.
    pub fn line(&self, now: Instant) -> String {
        let p = &self.progress;
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
    format!(
        "Copied {n} image{} to {target}: {} blob{} uploaded ({}), {} already there. Digests unchanged.",
        if n == 1 { "" } else { "s" },
        r.blobs_uploaded,
        if r.blobs_uploaded == 1 { "" } else { "s" },
        format_bytes(r.bytes_uploaded),
        r.blobs_skipped
    )
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

impl AppState {
    /// A copy or export was sent.
    pub(super) fn transfer_started(&mut self, id: RequestId, cmd: &Command) {
        let source = match cmd {
            Command::CopyImages(j) => Some(j.source.clone()),
            Command::Reencrypt(j) => Some(j.repo.clone()),
            _ => None,
        };
        let (what, cancel, target, images) = match cmd {
            Command::CopyImages(j) => (
                format!("Copying to {}", j.target.name),
                j.cancel.clone(),
                Some(j.target.clone()),
                j.items.len(),
            ),
            Command::Reencrypt(j) => (
                format!("Re-encrypting {} into {}", j.repo.name, j.new_name),
                j.cancel.clone(),
                Some(RepoRef::new(&j.repo.registry, &j.new_name)),
                0,
            ),
            Command::ExportImage(j) => (
                format!(
                    "Exporting {}",
                    j.tag
                        .as_deref()
                        .map_or_else(|| j.digest.short(), |t| format!("{}:{t}", j.repo.name))
                ),
                j.cancel.clone(),
                None,
                1,
            ),
            _ => return,
        };
        self.transfer = Some(Transfer {
            request: id,
            what,
            progress: CopyProgress {
                images_total: images,
                ..CopyProgress::default()
            },
            started: Instant::now(),
            cancel,
            target,
            source,
        });
    }

    /// A copy's or export's progress or end.
    pub(super) fn transfer_event(
        &mut self,
        request: RequestId,
        payload: crate::message::Payload,
    ) -> Vec<FollowUp> {
        use crate::message::Payload;
        match payload {
            Payload::TransferProgress(p) => self.transfer_progress(request, p),
            Payload::Copied(result) => return self.copied(request, result),
            Payload::ImageExported(result) => self.image_exported(request, result),
            Payload::Reencrypted(result) => return self.reencrypted_done(request, result),
            _ => {}
        }
        Vec::new()
    }

    fn transfer_progress(&mut self, request: RequestId, p: CopyProgress) {
        if let Some(t) = self.transfer.as_mut().filter(|t| t.request == request) {
            t.progress = p;
        }
    }

    /// A copy ended: say so, and read the target's list again when it is
    /// the one on screen (or its registry's list, for a new repository).
    fn copied(
        &mut self,
        request: RequestId,
        result: Result<CopyReport, CopyFailure>,
    ) -> Vec<FollowUp> {
        let Some(t) = self.transfer.take_if(|t| t.request == request) else {
            return Vec::new();
        };
        let target = t.target.clone();
        match result {
            Ok(r) => {
                let name = target.as_ref().map_or("the target", |t| t.name.as_str());
                self.notify(NoticeLevel::Success, copied_words(&r, name));
                target
                    .map(|t| {
                        vec![
                            FollowUp::Request(Command::LoadRepositories(t.registry.clone())),
                            FollowUp::Request(Command::LoadImages(t)),
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
        if self.transfer.take_if(|t| t.request == request).is_none() {
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
        let Some(t) = self.transfer.take_if(|t| t.request == request) else {
            return Vec::new();
        };
        let (Some(new), Some(old)) = (t.target, t.source) else {
            return Vec::new();
        };
        match &result {
            Ok(r) if r.complete() => self.notify(
                NoticeLevel::Success,
                format!(
                    "{} holds all {} images of {} with its settings. Review the comparison, then delete the old repository if you wish.",
                    r.new, r.old_images, r.old
                ),
            ),
            Ok(r) => self.notify(
                NoticeLevel::Warning,
                format!("{} lacks {} images of {}: keep the old repository.", r.new, r.missing.len(), r.old),
            ),
            Err(f) => self.notify(NoticeLevel::Error, f.to_string()),
        }
        self.reencrypted = Some((old, result.map_err(|f| f.to_string())));
        vec![FollowUp::Request(Command::LoadRepositories(new.registry))]
    }

    /// The user pressed Cancel: the worker stops at its next chunk.
    pub fn cancel_transfer(&mut self) {
        if let Some(t) = &self.transfer {
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
            what: "Copying to prod/api".into(),
            progress: p,
            started: Instant::now() - Duration::from_secs(10),
            cancel: Arc::default(),
            target: None,
            source: None,
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
        };
        let w = copied_words(&r, "prod/api");
        assert!(
            w.starts_with("Copied 1 image to prod/api: 1 blob uploaded"),
            "{w}"
        );
        assert!(w.contains("2 already there"), "{w}");
    }
}
