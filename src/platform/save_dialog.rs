//! Where to save a file, behind a trait: the app asks the desktop through
//! rfd (the XDG desktop portal on Linux, zenity when there is no portal),
//! tests answer with a fixed path.
//!
//! On a desktop with neither (minimal window managers, some remote
//! sessions, Xvfb), rfd shows nothing and answers "no file", exactly as if
//! the user had cancelled: a click that did nothing. rfd says why only
//! through the `log` crate. So the picker tells the two apart by time: a
//! person does not dismiss a dialog within [`NO_DIALOG_WITHIN`]; a desktop
//! without one answers in milliseconds. Then the app offers its own path
//! field (`ui::save_path_dialog`) instead.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What asking for a path came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickOutcome {
    Picked(PathBuf),
    /// The user closed the dialog.
    Cancelled,
    /// No dialog could be shown (no portal, no zenity).
    Unavailable,
}

pub type PickFuture = Pin<Box<dyn Future<Output = PickOutcome> + Send>>;

pub trait SavePicker: Send + Sync {
    /// Asks for a path, titled `title`, suggesting `file_name`.
    fn pick(&self, title: String, file_name: String) -> PickFuture;
}

/// An answer of "no file" sooner than this after asking means no dialog
/// was shown (measured: under 20 ms with no portal and no zenity).
pub const NO_DIALOG_WITHIN: Duration = Duration::from_millis(400);

/// Whether an empty answer after `took` means no dialog was shown.
pub fn outcome_of(answer: Option<PathBuf>, took: Duration) -> PickOutcome {
    match answer {
        Some(p) => PickOutcome::Picked(p),
        None if took < NO_DIALOG_WITHIN => PickOutcome::Unavailable,
        None => PickOutcome::Cancelled,
    }
}

/// The desktop's save dialog (rfd, asynchronous: never blocks the UI).
#[derive(Debug, Default)]
pub struct RfdPicker;

impl SavePicker for RfdPicker {
    fn pick(&self, title: String, file_name: String) -> PickFuture {
        Box::pin(async move {
            let asked = Instant::now();
            let answer = rfd::AsyncFileDialog::new()
                .set_title(title)
                .set_file_name(file_name)
                .save_file()
                .await
                .map(|h| h.path().to_path_buf());
            let outcome = outcome_of(answer, asked.elapsed());
            if outcome == PickOutcome::Unavailable {
                tracing::warn!(
                    "the desktop showed no save dialog (no XDG desktop portal with a file chooser, no zenity); asking in the app instead"
                );
            }
            outcome
        })
    }
}

/// Always answers the same path (tests, scripted exports).
#[derive(Debug, Clone)]
pub struct FixedPath(pub PathBuf);

impl SavePicker for FixedPath {
    fn pick(&self, _title: String, _file_name: String) -> PickFuture {
        let p = self.0.clone();
        Box::pin(async move { PickOutcome::Picked(p) })
    }
}

/// A desktop with no save dialog at all (tests of the in-app fallback).
#[derive(Debug, Clone, Copy)]
pub struct NoDesktopDialog;

impl SavePicker for NoDesktopDialog {
    fn pick(&self, _title: String, _file_name: String) -> PickFuture {
        Box::pin(async { PickOutcome::Unavailable })
    }
}

/// A picker the worker config can hold (and print).
#[derive(Clone)]
pub struct Picker(pub Arc<dyn SavePicker>);

impl std::fmt::Debug for Picker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Picker")
    }
}

impl Default for Picker {
    fn default() -> Self {
        Self(Arc::new(RfdPicker))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_no_is_no_dialog_a_slow_one_a_cancel() {
        let ms = Duration::from_millis;
        assert_eq!(outcome_of(None, ms(3)), PickOutcome::Unavailable);
        assert_eq!(outcome_of(None, ms(2500)), PickOutcome::Cancelled);
        assert_eq!(
            outcome_of(Some("/tmp/x".into()), ms(1)),
            PickOutcome::Picked("/tmp/x".into())
        );
    }
}
