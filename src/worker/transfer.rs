//! Copies and image exports: long jobs that report progress as they go
//! (dropped when the event queue is full: a later snapshot supersedes it)
//! and stop when the app sets their cancel flag.

use super::ops::Cx;
use crate::copy::{self, CopyEnds, CopyFailure, CopyProgress};
use crate::message::TransferPayload;
use crate::message::{CopyJob, Event, ImageExportJob, Payload};

impl Cx<'_> {
    /// Sends a progress snapshot without waiting.
    fn progress(&self, p: CopyProgress) {
        let _ = self.inner.events.try_send(Event {
            request: self.id,
            registry: self.key.clone(),
            payload: Payload::Transfer(TransferPayload::Progress(p)),
        });
        (self.inner.notify)();
    }
}

pub(super) async fn copy_images(cx: &Cx<'_>, job: CopyJob) {
    let result = async {
        // The target may be another profile, region or account: its own
        // client (and rate budget).
        let target = cx
            .inner
            .clients
            .get(&job.target.registry)
            .await
            .map_err(CopyFailure::api)?;
        let ends = CopyEnds {
            source: &cx.client,
            source_repo: &job.source.name,
            target: &target,
            target_repo: &job.target.name,
        };
        let sink = |p: CopyProgress| cx.progress(p);
        copy::copy_images(
            ends,
            &job.items,
            job.create.as_ref(),
            copy::TagMoves::Allowed(&job.allowed_moves),
            &job.cancel,
            &sink,
        )
        .await
    }
    .await;
    cx.emit(Payload::Transfer(TransferPayload::Copied(result)))
        .await;
}

pub(super) async fn reencrypt(cx: &Cx<'_>, job: crate::message::ReencryptJob) {
    let sink = |p: CopyProgress| cx.progress(p);
    let result = copy::reencrypt::reencrypt(
        &cx.client,
        &job.repo.name,
        &job.new_name,
        job.encryption,
        &job.cancel,
        &sink,
    )
    .await;
    cx.emit(Payload::Transfer(TransferPayload::Reencrypted(result)))
        .await;
}

pub(super) async fn export_image(cx: &Cx<'_>, job: ImageExportJob) {
    let sink = |p: CopyProgress| cx.progress(p);
    let result = copy::oci::export_oci(
        &cx.client,
        &job.repo.name,
        job.digest,
        job.tag.as_deref(),
        job.platform,
        &job.path,
        &job.cancel,
        &sink,
    )
    .await;
    cx.emit(Payload::Transfer(TransferPayload::ImageExported(result)))
        .await;
}
