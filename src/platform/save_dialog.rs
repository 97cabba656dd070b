//! Where to save a file, behind a trait: the app asks the desktop through
//! rfd (the XDG portal on Linux), tests answer with a fixed path.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

pub type PickFuture = Pin<Box<dyn Future<Output = Option<PathBuf>> + Send>>;

pub trait SavePicker: Send + Sync {
    /// Asks for a path, suggesting `file_name`; `None` when cancelled.
    fn pick(&self, file_name: String) -> PickFuture;
}

/// The desktop's save dialog (rfd, asynchronous: never blocks the UI).
#[derive(Debug, Default)]
pub struct RfdPicker;

impl SavePicker for RfdPicker {
    fn pick(&self, file_name: String) -> PickFuture {
        Box::pin(async move {
            rfd::AsyncFileDialog::new()
                .set_title("Export findings")
                .set_file_name(file_name)
                .save_file()
                .await
                .map(|h| h.path().to_path_buf())
        })
    }
}

/// Always answers the same path (tests, scripted exports).
#[derive(Debug, Clone)]
pub struct FixedPath(pub PathBuf);

impl SavePicker for FixedPath {
    fn pick(&self, _file_name: String) -> PickFuture {
        let p = self.0.clone();
        Box::pin(async move { Some(p) })
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
