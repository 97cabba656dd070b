//! Snapshots' state: the folder's snapshots (their summaries), the one
//! opened read-only, the comparison shown, and what is under way. Plain
//! data and one transition ([`SnapshotsState::finished`]); the file work
//! runs in `snapshot_jobs.rs`.

use std::path::PathBuf;
use std::sync::Arc;

use ecr_snapshot::Snapshot;
use ecr_snapshot::diff::RepoReport;
use ecr_snapshot::file::Summary;

#[derive(Clone, Debug)]
pub struct LibraryEntry {
    pub path: PathBuf,
    pub summary: Arc<Summary>,
    /// The file's size on disk.
    pub bytes: u64,
}

impl LibraryEntry {
    pub fn images(&self) -> u64 {
        self.summary
            .registries
            .iter()
            .flat_map(|r| &r.repositories)
            .map(|r| r.images)
            .sum()
    }
}

/// A snapshot opened read-only (no network: everything shown is the file).
#[derive(Clone, Debug)]
pub struct Opened {
    pub path: PathBuf,
    pub snapshot: Arc<Snapshot>,
}

/// What is compared with what, and the repositories that changed.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// "7 Dec 2026 10:40 (snapshot)", "now".
    pub older: String,
    pub newer: String,
    pub reports: Arc<Vec<RepoReport>>,
    /// Registries of the older snapshot left out because they are not
    /// loaded now (a comparison with now only).
    pub left_out: Vec<String>,
}

/// Where a comparison's side comes from.
#[derive(Clone, Debug)]
pub enum Side {
    File(PathBuf),
    /// What the app has loaded (made on the job's thread).
    Now(Vec<super::inventory::RegistryInput>),
}

/// What a job came to.
#[derive(Debug)]
pub enum JobResult {
    Library {
        entries: Vec<LibraryEntry>,
        /// Files that could not be read, with why.
        problems: Vec<String>,
    },
    Saved {
        path: PathBuf,
        bytes: u64,
        images: usize,
    },
    Opened(Opened),
    Compared(Comparison),
    Failed {
        /// "Saving the snapshot", "Opening a.ecrsnap".
        what: String,
        error: String,
    },
}

#[derive(Clone, Debug, Default)]
pub struct SnapshotsState {
    /// The folder's snapshots, newest first.
    pub library: Vec<LibraryEntry>,
    pub library_problems: Vec<String>,
    /// The folder was read at least once.
    pub library_read: bool,
    /// Work under way ("Saving a snapshot…"); one job at a time.
    pub busy: Option<String>,
    pub opened: Option<Opened>,
    pub comparison: Option<Comparison>,
    /// The last failure, shown by the buttons until the next job.
    pub error: Option<String>,
    /// The last save, said by the buttons.
    pub saved: Option<String>,
}

impl SnapshotsState {
    /// Starts a job, unless one is under way: whether it may start.
    pub fn start(&mut self, what: &str) -> bool {
        if self.busy.is_some() {
            return false;
        }
        self.busy = Some(what.to_owned());
        self.error = None;
        true
    }

    /// A job's answer. Returns a line for a toast where one is due.
    pub fn finished(&mut self, r: JobResult) -> Option<String> {
        self.busy = None;
        match r {
            JobResult::Library { entries, problems } => {
                self.library = entries;
                self.library_problems = problems;
                self.library_read = true;
                None
            }
            JobResult::Saved {
                path,
                bytes,
                images,
            } => {
                let line = format!(
                    "Saved a snapshot of {images} images to {} ({})",
                    path.display(),
                    crate::ui::widgets::human_size(i64::try_from(bytes).unwrap_or(i64::MAX))
                );
                self.saved = Some(line.clone());
                Some(line)
            }
            JobResult::Opened(o) => {
                self.comparison = None;
                self.opened = Some(o);
                None
            }
            JobResult::Compared(c) => {
                self.opened = None;
                self.comparison = Some(c);
                None
            }
            JobResult::Failed { what, error } => {
                self.error = Some(format!("{what}: {error}"));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_job_at_a_time_and_a_failure_stays_until_the_next() {
        let mut s = SnapshotsState::default();
        assert!(s.start("Saving"));
        assert!(!s.start("Opening"), "one job at a time");
        s.finished(JobResult::Failed {
            what: "Saving the snapshot".into(),
            error: "disk full".into(),
        });
        assert_eq!(s.busy, None);
        assert_eq!(s.error.as_deref(), Some("Saving the snapshot: disk full"));
        assert!(s.start("Opening"));
        assert_eq!(s.error, None);
    }

    #[test]
    fn opening_and_comparing_replace_each_other() {
        let mut s = SnapshotsState::default();
        s.finished(JobResult::Opened(Opened {
            path: "a".into(),
            snapshot: Arc::new(Snapshot::default()),
        }));
        assert!(s.opened.is_some());
        s.finished(JobResult::Compared(Comparison {
            older: "a".into(),
            newer: "now".into(),
            reports: Arc::new(Vec::new()),
            left_out: Vec::new(),
        }));
        assert!(s.opened.is_none());
        assert!(s.comparison.is_some());
    }
}
