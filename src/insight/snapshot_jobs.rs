//! Snapshot work off the UI thread: reading the folder's summaries,
//! saving, opening, comparing. Each job is a plain function (tested
//! without threads) run on a named thread; its answer comes back through
//! a bounded channel the app drains every frame.
//!
//! What saving guarantees: the file is written whole or not at all (a
//! temporary file renamed, `ecr_snapshot::file::write`), under a name
//! no other save takes (the time to the millisecond, then a counter), and
//! it holds what was loaded at the click (the image lists are shared, not
//! read again). Opening and comparing read files only: no network.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ecr_snapshot::Snapshot;
use ecr_snapshot::file::{self, EXTENSION};

use super::inventory::{self, RegistryInput};
use super::snapshots::{Comparison, JobResult, LibraryEntry, Opened, Side};

/// The file name for a snapshot taken at `ms`: sortable, no colons; the
/// `n`th save in the same millisecond gets a counter.
pub fn file_name(ms: i64, n: usize) -> String {
    let t = ecr_core::time::rfc3339_ms(ms).replace(':', "-");
    let ms3 = ms.rem_euclid(1000);
    if n == 0 {
        format!("snapshot-{t}-{ms3:03}.{EXTENSION}")
    } else {
        format!("snapshot-{t}-{ms3:03}-{n}.{EXTENSION}")
    }
}

/// The folder's snapshots, newest first, and the files that could not be
/// read. A folder that does not exist yet holds none.
pub fn list(dir: &Path) -> JobResult {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let read = match std::fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return JobResult::Library { entries, problems };
        }
        Err(e) => {
            return JobResult::Failed {
                what: format!("Reading {}", dir.display()),
                error: e.to_string(),
            };
        }
    };
    for e in read.filter_map(Result::ok) {
        let path = e.path();
        if path.extension().and_then(|x| x.to_str()) != Some(EXTENSION) {
            continue;
        }
        match file::read_summary(&path) {
            Ok(s) => entries.push(LibraryEntry {
                bytes: e.metadata().map_or(0, |m| m.len()),
                path,
                summary: Arc::new(s),
            }),
            Err(err) => problems.push(format!(
                "{}: {err}",
                path.file_name().unwrap_or_default().to_string_lossy()
            )),
        }
    }
    entries.sort_by(|a, b| {
        b.summary
            .taken_at
            .cmp(&a.summary.taken_at)
            .then_with(|| b.path.cmp(&a.path))
    });
    problems.sort();
    JobResult::Library { entries, problems }
}

/// Saves what `input` holds, taken at `now`, into `dir`.
pub fn save(dir: &Path, input: &[RegistryInput], now: i64) -> JobResult {
    let s = inventory::snapshot_of(input, now);
    let mut n = 0;
    let mut path = dir.join(file_name(now, n));
    while path.exists() {
        n += 1;
        path = dir.join(file_name(now, n));
    }
    match file::write(&path, &s) {
        Ok(bytes) => JobResult::Saved {
            path,
            bytes,
            images: s.image_count(),
        },
        Err(e) => JobResult::Failed {
            what: "Saving the snapshot".into(),
            error: e.to_string(),
        },
    }
}

fn failed(path: &Path, e: impl std::fmt::Display) -> JobResult {
    JobResult::Failed {
        what: format!(
            "Opening {}",
            path.file_name().unwrap_or_default().to_string_lossy()
        ),
        error: e.to_string(),
    }
}

/// Opens a snapshot read-only.
pub fn open(path: &Path) -> JobResult {
    match file::read(path) {
        Ok(mut s) => {
            // A file from elsewhere may not be in normal form.
            s.normalize();
            JobResult::Opened(Opened {
                path: path.to_path_buf(),
                snapshot: Arc::new(s),
            })
        }
        Err(e) => failed(path, e),
    }
}

/// "2026-12-07 10:40 UTC" for a snapshot's time.
pub fn when(ms: i64) -> String {
    let t = ecr_core::time::rfc3339_ms(ms);
    format!("{} {} UTC", &t[..10], &t[11..16])
}

fn side(s: Side, now: i64) -> Result<(Snapshot, String, bool), JobResult> {
    match s {
        Side::File(p) => {
            let mut snap = file::read(&p).map_err(|e| failed(&p, e))?;
            snap.normalize();
            let label = format!("the snapshot of {}", when(snap.taken_at));
            Ok((snap, label, false))
        }
        Side::Now(input) => Ok((inventory::snapshot_of(&input, now), "now".into(), true)),
    }
}

/// Compares `older` with `newer`. With now on one side, registries that
/// are not loaded now are left out (and named), rather than shown as
/// removed.
pub fn compare(older: Side, newer: Side, now: i64) -> JobResult {
    let (mut a, older_label, a_now) = match side(older, now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let (mut b, newer_label, b_now) = match side(newer, now) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let mut left_out = Vec::new();
    if a_now != b_now {
        let (live, past) = if a_now { (&a, &mut b) } else { (&b, &mut a) };
        let keys: std::collections::HashSet<&str> =
            live.registries.iter().map(|r| r.key.as_str()).collect();
        past.registries.retain(|r| {
            let keep = keys.contains(r.key.as_str());
            if !keep {
                left_out.push(r.meta.label.clone());
            }
            keep
        });
    }
    let reports = ecr_snapshot::diff::report(&a, &b);
    JobResult::Compared(Comparison {
        older: older_label,
        newer: newer_label,
        reports: Arc::new(reports),
        left_out,
    })
}

/// The app's end of the jobs: one channel, and the context to wake.
pub struct SnapshotJobs {
    tx: std::sync::mpsc::SyncSender<JobResult>,
    rx: std::sync::mpsc::Receiver<JobResult>,
    ctx: egui::Context,
    /// Where snapshots are saved; `None`: nowhere (tests that do not ask).
    pub dir: Option<PathBuf>,
}

impl std::fmt::Debug for SnapshotJobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotJobs")
            .field("dir", &self.dir)
            .finish()
    }
}

impl SnapshotJobs {
    pub fn new(ctx: &egui::Context, dir: Option<PathBuf>) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        Self {
            tx,
            rx,
            ctx: ctx.clone(),
            dir,
        }
    }

    /// Runs `job` on a named thread. If no thread can be made, the
    /// answer says so (the busy state always ends).
    pub fn run(&self, job: impl FnOnce() -> JobResult + Send + 'static) {
        let tx = self.tx.clone();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("ecrscope-snapshot".into())
            .spawn(move || {
                let r = job();
                let _ = tx.send(r);
                ctx.request_repaint();
            });
        if let Err(e) = spawned {
            let _ = self.tx.try_send(JobResult::Failed {
                what: "Starting the snapshot work".into(),
                error: e.to_string(),
            });
        }
    }

    /// The answers that arrived.
    pub fn done(&self) -> Vec<JobResult> {
        self.rx.try_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Repository;

    fn input(images: usize) -> Vec<RegistryInput> {
        let repo = Repository {
            name: "web".into(),
            arn: String::new(),
            registry_id: String::new(),
            uri: String::new(),
            created_at: None,
            tag_mutability: crate::model::TagMutabilitySetting::default(),
            encryption: crate::model::Encryption::default(),
            scan_on_push: false,
        };
        let list: Vec<crate::model::Image> = (0..images)
            .map(|i| crate::model::Image {
                digest: crate::model::Digest::of_bytes(&i.to_le_bytes()),
                tags: vec![format!("v{i}")],
                size_bytes: 10,
                pushed_at: Some(1_000),
                last_pull: None,
                manifest: crate::model::ManifestKind::OciManifest,
                artifact_media_type: None,
                status: crate::model::ImageStatus::Active,
                scan_status: None,
                severity_counts: None,
                archive: None,
            })
            .collect();
        vec![RegistryInput {
            key: "k".into(),
            meta: ecr_snapshot::RegistryMeta {
                label: "demo · us-east-1".into(),
                ..Default::default()
            },
            repositories: vec![super::super::inventory::RepoInput {
                repo,
                images: Some(Arc::new(list)),
                scans: std::collections::HashMap::new(),
            }],
        }]
    }

    #[test]
    fn saved_in_the_same_millisecond_twice_two_files_and_the_list_reads_both() {
        let dir = tempfile::tempdir().expect("dir");
        let JobResult::Saved { path: a, .. } = save(dir.path(), &input(2), 5_000) else {
            panic!("not saved")
        };
        let JobResult::Saved {
            path: b, images, ..
        } = save(dir.path(), &input(3), 5_000)
        else {
            panic!("not saved")
        };
        assert_ne!(a, b);
        assert_eq!(images, 3);
        std::fs::write(dir.path().join("junk.ecrsnap"), b"not one").expect("junk");
        let JobResult::Library { entries, problems } = list(dir.path()) else {
            panic!("no list")
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("junk.ecrsnap: not an ecrscope snapshot"));
    }

    #[test]
    fn a_folder_not_made_yet_holds_no_snapshot() {
        let dir = tempfile::tempdir().expect("dir");
        let JobResult::Library { entries, problems } = list(&dir.path().join("none")) else {
            panic!("no list")
        };
        assert!(entries.is_empty() && problems.is_empty());
    }

    #[test]
    fn compared_with_now_a_registry_not_loaded_is_left_out_not_removed() {
        let dir = tempfile::tempdir().expect("dir");
        let mut two = input(2);
        two.push(RegistryInput {
            key: "other".into(),
            meta: ecr_snapshot::RegistryMeta {
                label: "prod · eu-west-1".into(),
                ..Default::default()
            },
            repositories: input(1).remove(0).repositories,
        });
        let JobResult::Saved { path, .. } = save(dir.path(), &two, 5_000) else {
            panic!("not saved")
        };
        let JobResult::Compared(c) = compare(Side::File(path), Side::Now(input(3)), 9_000) else {
            panic!("not compared")
        };
        assert_eq!(c.left_out, ["prod · eu-west-1"]);
        assert_eq!(c.newer, "now");
        assert_eq!(c.reports.len(), 1);
        assert_eq!(c.reports[0].images_added.len(), 1);
        assert!(c.reports[0].images_removed.is_empty());
    }

    #[test]
    fn names_sort_by_time_and_have_no_colon() {
        assert_eq!(
            file_name(1_765_100_000_123, 0),
            "snapshot-2025-12-07T09-33-20Z-123.ecrsnap"
        );
        assert_eq!(
            file_name(1_765_100_000_123, 2),
            "snapshot-2025-12-07T09-33-20Z-123-2.ecrsnap"
        );
        assert_eq!(when(1_765_100_000_123), "2025-12-07 09:33 UTC");
    }
}
