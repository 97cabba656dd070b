//! Answers that arrive from outside the worker: the save dialog, asked off
//! the UI thread; the export starts when its answer arrives (no answer is
//! a cancel).

use crate::message::{Command, ExportRequest, ImageExportJob, ScanningCommand, TransferCommand};

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

impl EcrscopeApp {
    /// Asks where to save an export (the desktop's dialog, off the UI
    /// thread); the export starts when the answer arrives.
    pub(crate) fn pick_export_path(&mut self, x: ExportRequest) {
        let name = format!(
            "{}-findings.{}",
            x.repo.name.replace('/', "_"),
            x.format.extension()
        );
        let (picker, tx, ctx) = (
            self.picker.0.clone(),
            self.picks.tx.clone(),
            self.picks.ctx.clone(),
        );
        self.runtime.spawn(async move {
            let path = picker.pick(name).await;
            // A full inbox (16 dialogs answered in one frame) cannot happen
            // with one dialog at a time; a dropped answer is a cancel.
            let _ = tx.try_send((x, path));
            ctx.request_repaint();
        });
    }

    /// Asks where to save an image as an OCI layout tar.
    pub(crate) fn pick_image_export_path(&mut self, x: ImageExportJob) {
        let name = format!(
            "{}-{}.tar",
            x.repo.name.replace('/', "_"),
            x.tag
                .clone()
                .unwrap_or_else(|| x.digest.hex()[..12].to_owned())
        );
        let (picker, tx, ctx) = (
            self.picker.0.clone(),
            self.image_picks.tx.clone(),
            self.image_picks.ctx.clone(),
        );
        self.runtime.spawn(async move {
            let path = picker.pick(name).await;
            let _ = tx.try_send((x, path));
            ctx.request_repaint();
        });
    }

    /// Save dialogs that answered: start those exports.
    pub(super) fn exports_picked(&mut self) {
        while let Ok((mut x, path)) = self.image_picks.rx.try_recv() {
            if let Some(p) = path {
                x.path = p;
                self.request(Command::Transfer(TransferCommand::ExportImage(x)));
            }
        }
        while let Ok((mut x, path)) = self.picks.rx.try_recv() {
            if let Some(p) = path {
                x.path = p;
                self.request(Command::Scanning(ScanningCommand::Export(x)));
            }
        }
    }
}
