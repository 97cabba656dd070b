//! Progress of a long command on stderr, only when stderr is a terminal (a
//! log file or CI gets the result line alone), redrawn in place at most a
//! few times a second, and erased before the answer is printed.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::model::transfer::{CopyProgress, human_size_u64};

pub struct Progress {
    enabled: bool,
    last: Mutex<Option<Instant>>,
}

impl Progress {
    pub fn to_terminal() -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            last: Mutex::new(None),
        }
    }

    pub fn copy(&self, verb: &str, p: &CopyProgress) {
        if !self.enabled {
            return;
        }
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if last.is_some_and(|t| t.elapsed() < Duration::from_millis(200)) {
            return;
        }
        *last = Some(Instant::now());
        let _ = write!(std::io::stderr(), "\r\x1b[2K{}", line(verb, p));
    }

    pub fn done(&self) {
        if self.enabled {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// The line shown, e.g. `copying: image 1 of 2, 3 layers sent, 2 skipped, 12.0 MiB of 40.0 MiB`.
pub fn line(verb: &str, p: &CopyProgress) -> String {
    format!(
        "{verb}: image {} of {}, {} layers sent, {} skipped, {} of {}",
        (p.images_done + 1).min(p.images_total.max(1)),
        p.images_total.max(1),
        p.blobs_uploaded,
        p.blobs_skipped,
        human_size_u64(p.bytes_done),
        human_size_u64(p.bytes_planned),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_from_one_and_never_past_the_total() {
        let p = CopyProgress {
            images_total: 2,
            images_done: 2,
            blobs_uploaded: 3,
            blobs_skipped: 1,
            bytes_planned: 2048,
            bytes_done: 1024,
            ..CopyProgress::default()
        };
        assert_eq!(
            line("copying", &p),
            "copying: image 2 of 2, 3 layers sent, 1 skipped, 1.0 KiB of 2.0 KiB"
        );
    }
}
