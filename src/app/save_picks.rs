//! Answers that arrive from outside the worker: the save dialog, asked off
//! the UI thread; the export starts when its answer arrives. A cancel
//! starts nothing; a desktop with no save dialog gets the app's own path
//! field (`ui::save_path_dialog`), and the export starts when it is saved.

use std::path::PathBuf;

use crate::message::{Command, ExportRequest, ImageExportJob, ScanningCommand, TransferCommand};
use crate::platform::save_dialog::PickOutcome;
use crate::state::NoticeLevel;
use crate::ui::save_path_dialog::SavePathDialog;

use super::EcrscopeApp;

/// Answers from a task outside the worker (bounded; the UI drains it).
pub(super) struct Inbox<T> {
    pub(super) tx: std::sync::mpsc::SyncSender<T>,
    pub(super) rx: std::sync::mpsc::Receiver<T>,
    pub(super) ctx: egui::Context,
}

impl<T> Inbox<T> {
    pub(super) fn new(ctx: &egui::Context) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel(16);
        Self {
            tx,
            rx,
            ctx: ctx.clone(),
        }
    }
}

/// An export waiting for where to save it.
#[derive(Debug)]
pub(crate) enum PendingSave {
    Findings(ExportRequest),
    Image(ImageExportJob),
}

impl PendingSave {
    fn title(&self) -> &'static str {
        match self {
            Self::Findings(_) => "Export findings",
            Self::Image(_) => "Export image",
        }
    }

    /// The file name offered.
    fn file_name(&self) -> String {
        match self {
            Self::Findings(x) => format!(
                "{}-findings.{}",
                x.repo.name.replace('/', "_"),
                x.format.extension()
            ),
            Self::Image(x) => format!(
                "{}-{}.tar",
                x.repo.name.replace('/', "_"),
                x.tag
                    .clone()
                    .unwrap_or_else(|| x.digest.hex()[..12].to_owned())
            ),
        }
    }

    /// The export, sent to `path`.
    fn command(self, path: PathBuf) -> Command {
        match self {
            Self::Findings(mut x) => {
                x.path = path;
                Command::Scanning(ScanningCommand::Export(x))
            }
            Self::Image(mut x) => {
                x.path = path;
                Command::Transfer(TransferCommand::ExportImage(x))
            }
        }
    }
}

impl EcrscopeApp {
    /// Asks where to save an export (the desktop's dialog, off the UI
    /// thread); the export starts when the answer arrives.
    pub(crate) fn pick_export_path(&mut self, x: ExportRequest) {
        self.ask_where(PendingSave::Findings(x));
    }

    /// Asks where to save an image as an OCI layout tar.
    pub(crate) fn pick_image_export_path(&mut self, x: ImageExportJob) {
        self.ask_where(PendingSave::Image(x));
    }

    fn ask_where(&mut self, pending: PendingSave) {
        let (picker, tx, ctx) = (
            self.picker.0.clone(),
            self.picks.tx.clone(),
            self.picks.ctx.clone(),
        );
        let (title, name) = (pending.title().to_owned(), pending.file_name());
        self.runtime.spawn(async move {
            let outcome = picker.pick(title, name).await;
            // A full inbox (16 dialogs answered in one frame) cannot happen
            // with one dialog at a time; a dropped answer is a cancel.
            let _ = tx.try_send((pending, outcome));
            ctx.request_repaint();
        });
    }

    /// Save dialogs that answered: start those exports, or ask in the app.
    pub(super) fn exports_picked(&mut self) {
        while let Ok((pending, outcome)) = self.picks.rx.try_recv() {
            match outcome {
                PickOutcome::Picked(path) => self.request(pending.command(path)),
                PickOutcome::Cancelled => {}
                PickOutcome::Unavailable => {
                    let dialog = SavePathDialog::new(
                        pending.title(),
                        &pending.file_name(),
                        suggested_folder(),
                    );
                    self.save_waiting = Some(pending);
                    self.view.open(dialog);
                }
            }
        }
    }

    /// The app's own path field answered: start the export waiting for it.
    pub(crate) fn save_to(&mut self, path: PathBuf) {
        match self.save_waiting.take() {
            Some(pending) => self.request(pending.command(path)),
            None => self
                .state
                .notify(NoticeLevel::Warning, "Nothing was waiting to be saved."),
        }
    }
}

/// Downloads, else home, else nothing (the user types a full path).
fn suggested_folder() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.download_dir()
            .unwrap_or_else(|| dirs.home_dir())
            .to_path_buf(),
    )
}
