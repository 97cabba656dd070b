//! Transfers' actions: copy, re-encrypt and export dialogs and jobs, their
//! Cancel, the copy dialog's check of its target, the comparison before a
//! re-encrypted repository's delete.

use crate::app::EcrscopeApp;
use crate::message::{Command, CopyJob, ImageExportJob, ReencryptJob, RequestId, TransferCommand};
use crate::model::{
    Digest, Encryption, EncryptionType, NewRepository, RepoRef, transfer::CopyItem,
};
use crate::state::FollowUp;
use crate::transfer::copy_dialog::CopyForm;
use crate::transfer::reencrypt_dialog::ReencryptForm;

#[derive(Clone, Debug, PartialEq)]
pub enum TransferAction {
    /// "Copy to…" for these images (each with its tags).
    OpenCopy(RepoRef, Vec<(Digest, Vec<String>)>),
    /// Copy images to another repository (any registry), creating it with
    /// `create` when missing.
    StartCopy {
        source: RepoRef,
        target: RepoRef,
        items: Vec<CopyItem>,
        create: Option<NewRepository>,
        /// Tags the user allowed to move, from the image each names now.
        allowed_moves: Vec<(String, Digest)>,
        /// Their signatures, SBOMs and attestations go with them.
        with_referrers: bool,
    },
    /// Write an image to an OCI layout tar (asks where first).
    ExportImage {
        repo: RepoRef,
        digest: Digest,
        tag: Option<String>,
    },
    OpenReencrypt(RepoRef),
    /// A new repository with `encryption` and the old one's settings and
    /// images.
    StartReencrypt {
        repo: RepoRef,
        new_name: String,
        encryption: Encryption,
    },
    /// Stop the running copy or export.
    Cancel(RequestId),
    /// Ask what each tag would do in a copy's target (the dialog's check).
    CheckCopyTarget {
        target: RepoRef,
        items: Vec<CopyItem>,
    },
    /// Remove finished jobs from the transfers panel.
    ClearFinished,
    /// Read both repositories of a re-encryption again, then (only if the
    /// new one holds every active image) open the old one's typed delete.
    CheckThenDeleteReencrypted {
        repo: RepoRef,
        new_name: String,
    },
}

impl EcrscopeApp {
    pub(crate) fn on_transfer(&mut self, action: TransferAction) -> Vec<FollowUp> {
        match action {
            TransferAction::OpenCopy(repo, images) => {
                // A fresh look at the target: an earlier answer may be stale.
                self.state.copy_check = None;
                self.view.open(CopyForm::new(repo, images));
                Vec::new()
            }
            TransferAction::StartCopy {
                source,
                target,
                items,
                create,
                allowed_moves,
                with_referrers,
            } => vec![FollowUp::Request(Command::Transfer(TransferCommand::Copy(
                CopyJob {
                    source,
                    target,
                    items,
                    create,
                    allowed_moves,
                    with_referrers,
                    cancel: std::sync::Arc::default(),
                },
            )))],
            TransferAction::ExportImage { repo, digest, tag } => {
                self.pick_image_export_path(ImageExportJob {
                    repo,
                    digest,
                    tag,
                    platform: None,
                    path: Default::default(),
                    // An exported image keeps its signatures and SBOMs.
                    with_referrers: true,
                    cancel: std::sync::Arc::default(),
                });
                Vec::new()
            }
            TransferAction::OpenReencrypt(repo) => {
                let kms = self
                    .state
                    .registry(&repo.key())
                    .and_then(|r| r.repository(&repo.name))
                    .is_some_and(|r| r.encryption.kind != EncryptionType::Aes256);
                self.view.open(ReencryptForm::new(repo, kms));
                Vec::new()
            }
            TransferAction::StartReencrypt {
                repo,
                new_name,
                encryption,
            } => vec![FollowUp::Request(Command::Transfer(
                TransferCommand::Reencrypt(ReencryptJob {
                    repo,
                    new_name,
                    encryption,
                    cancel: std::sync::Arc::default(),
                }),
            ))],
            TransferAction::Cancel(request) => {
                self.state.cancel_transfer(request);
                Vec::new()
            }
            TransferAction::CheckCopyTarget { target, items } => {
                vec![FollowUp::Request(Command::Transfer(
                    TransferCommand::CheckTarget { target, items },
                ))]
            }
            TransferAction::ClearFinished => {
                self.state.clear_finished_transfers();
                Vec::new()
            }
            TransferAction::CheckThenDeleteReencrypted { repo, new_name } => {
                if self.state.reencrypt_checking.is_some() {
                    Vec::new()
                } else {
                    vec![FollowUp::Request(Command::Transfer(
                        TransferCommand::CompareReencrypted { repo, new_name },
                    ))]
                }
            }
        }
    }
}
