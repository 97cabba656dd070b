//! Transfers' worker operations: copies, image exports and re-encryptions
//! (long jobs that report progress as they go and stop when the app sets
//! their cancel flag), the copy dialog's target check and the comparison
//! before a re-encrypted repository's old one is deleted.

use crate::message::{CopyJob, ImageExportJob, ReencryptJob, TransferCommand, TransferPayload};
use crate::transfer::{self as engine, CopyEnds, CopyFailure};
use crate::worker::{Cx, copy_progress};

pub async fn run(cx: &Cx<'_>, cmd: TransferCommand) {
    match cmd {
        TransferCommand::Copy(job) => copy_images(cx, job).await,
        TransferCommand::ExportImage(job) => export_image(cx, job).await,
        TransferCommand::Reencrypt(job) => reencrypt(cx, job).await,
        TransferCommand::CheckTarget { target, items } => {
            // This command's registry is the target's: its own client.
            let result = engine::check_target(cx.c(), &target.name, &items).await;
            cx.emit(TransferPayload::TargetChecked(result)).await;
        }
        TransferCommand::CompareReencrypted { repo, new_name } => {
            let result = engine::reencrypt::compare(cx.c(), &repo.name, &new_name).await;
            cx.emit(TransferPayload::ReencryptCompared(result)).await;
        }
    }
}

async fn copy_images(cx: &Cx<'_>, job: CopyJob) {
    let result = async {
        // The target may be another profile, region or account: its own
        // client (and rate budget).
        let target = cx
            .client_of(&job.target.registry)
            .await
            .map_err(CopyFailure::api)?;
        let ends = CopyEnds {
            source: cx.c(),
            source_repo: &job.source.name,
            target: &target,
            target_repo: &job.target.name,
        };
        engine::copy_images_with(
            ends,
            &job.items,
            job.create.as_ref(),
            engine::TagMoves::Allowed(&job.allowed_moves),
            &job.cancel,
            &copy_progress(cx),
            job.with_referrers,
        )
        .await
    }
    .await;
    cx.emit(TransferPayload::Copied(result)).await;
}

async fn reencrypt(cx: &Cx<'_>, job: ReencryptJob) {
    let result = engine::reencrypt::reencrypt(
        cx.c(),
        &job.repo.name,
        &job.new_name,
        job.encryption,
        &job.cancel,
        &copy_progress(cx),
    )
    .await;
    cx.emit(TransferPayload::Reencrypted(result)).await;
}

async fn export_image(cx: &Cx<'_>, job: ImageExportJob) {
    let result = engine::oci::export_oci_with(
        cx.c(),
        &job.repo.name,
        job.digest,
        job.tag.as_deref(),
        job.platform,
        &job.path,
        &job.cancel,
        &copy_progress(cx),
        job.with_referrers,
    )
    .await;
    cx.emit(TransferPayload::ImageExported(result)).await;
}
