//! Changes' worker operations: repository settings, create and delete,
//! image changes, the repository policy. Each change reads back what the
//! server holds, whatever happened.

use crate::ecr::{self, EcrClient};
use crate::message::{BrowsePayload, ImageChange, ManageCommand, ManagePayload, RepoChange};
use crate::model::{BatchResult, Digest, EcrError, ImageId, RepoRef, StorageClass};
use crate::worker::Cx;

/// Runs one change on its registry's client.
pub async fn run(cx: &Cx<'_>, cmd: ManageCommand) {
    match cmd {
        ManageCommand::ChangeRepository { repo, change } => {
            change_repository(cx, repo, change).await;
        }
        ManageCommand::CreateRepository { new, .. } => {
            let result = async {
                ecr::create_repository(cx.c(), &new).await?;
                // Re-read rather than trust the create answer's echo.
                ecr::describe_repository(cx.c(), &new.name).await
            }
            .await;
            cx.emit(ManagePayload::RepositoryCreated(result)).await;
        }
        ManageCommand::DeleteRepository { repo, force } => {
            let result = ecr::delete_repository(cx.c(), &repo.name, force).await;
            cx.emit(ManagePayload::RepositoryDeleted { repo, result })
                .await;
        }
        ManageCommand::ChangeImages { repo, change } => {
            let result = change_images(cx.c(), &repo.name, &change).await;
            cx.emit(ManagePayload::ImagesChanged {
                repo,
                change,
                result,
            })
            .await;
        }
        ManageCommand::DeleteRepoPolicy(repo) => {
            let result = ecr::delete_repository_policy(cx.c(), &repo.name).await;
            cx.emit(ManagePayload::RepoPolicyDeleted {
                repo: repo.clone(),
                result,
            })
            .await;
            // What the server holds now, whatever happened.
            let reread = ecr::get_repository_policy(cx.c(), &repo.name).await;
            cx.emit(ManagePayload::RepoPolicy {
                repo,
                result: reread,
            })
            .await;
        }
        ManageCommand::RepoPolicy(repo) => {
            let result = ecr::get_repository_policy(cx.c(), &repo.name).await;
            cx.emit(ManagePayload::RepoPolicy { repo, result }).await;
        }
    }
}

/// A repository settings change, then the repository (and, for resource
/// tags, its tags) as the server holds them, whatever happened.
async fn change_repository(cx: &Cx<'_>, repo: RepoRef, change: RepoChange) {
    let result = match &change {
        RepoChange::TagMutability(s) => ecr::put_image_tag_mutability(cx.c(), &repo.name, s)
            .await
            .map(|_| ()),
        RepoChange::ScanOnPush(on) => {
            ecr::put_image_scanning_configuration(cx.c(), &repo.name, *on)
                .await
                .map(|_| ())
        }
        RepoChange::ResourceTags { arn, set, remove } => {
            let result = async {
                if !set.is_empty() {
                    ecr::tag_resource(cx.c(), arn, set).await?;
                }
                if !remove.is_empty() {
                    ecr::untag_resource(cx.c(), arn, remove).await?;
                }
                Ok(())
            }
            .await;
            // What the server holds now, whatever happened.
            let tags = ecr::list_tags_for_resource(cx.c(), arn).await;
            cx.emit(BrowsePayload::RepoTags {
                repo: repo.clone(),
                result: tags,
            })
            .await;
            result
        }
    };
    // Whatever happened, read back what the server holds.
    let reread = Some(ecr::describe_repository(cx.c(), &repo.name).await);
    cx.emit(ManagePayload::RepositoryChanged {
        repo,
        result,
        reread,
    })
    .await;
}

async fn change_images(
    c: &EcrClient,
    repo: &str,
    change: &ImageChange,
) -> Result<BatchResult, EcrError> {
    match change {
        ImageChange::Retag { digest, tag } => {
            ecr::retag_image(c, repo, digest, tag).await?;
            Ok(BatchResult {
                done: vec![tag.clone()],
                failures: Vec::new(),
            })
        }
        ImageChange::RemoveTag { digest, tag } => remove_tag(c, repo, digest, tag).await,
        ImageChange::Delete(digests) => {
            let ids: Vec<ImageId> = digests.iter().map(|d| ImageId::Digest(*d)).collect();
            ecr::batch_delete_images(c, repo, &ids).await
        }
        ImageChange::Archive(digests) => {
            storage_class(c, repo, digests, StorageClass::Archive).await
        }
        ImageChange::Restore(digests) => {
            storage_class(c, repo, digests, StorageClass::Standard).await
        }
    }
}

/// UpdateImageStorageClass for each image (ECR has no batch form). One
/// refusal does not stop the rest; a failure of the call itself (throttled
/// past retries, credentials) does, with what was done so far kept.
async fn storage_class(
    c: &EcrClient,
    repo: &str,
    digests: &[Digest],
    target: StorageClass,
) -> Result<BatchResult, EcrError> {
    let mut out = BatchResult::default();
    for d in digests {
        match ecr::update_image_storage_class(c, repo, d, target).await {
            Ok(_) => out.done.push(d.to_string()),
            Err(e) if e.is_refusal() => out.failures.push((d.to_string(), e.to_string())),
            Err(e) if out.done.is_empty() && out.failures.is_empty() => return Err(e),
            Err(e) => {
                out.failures.push((d.to_string(), e.to_string()));
                break;
            }
        }
    }
    Ok(out)
}

/// Removes `tag` only while it still names `digest`: a tag moved meanwhile
/// (CI pushed again) is left alone and said so. The tag is checked first
/// with DescribeImages, then removed by tag alone (BatchDeleteImage with a
/// digest deletes the whole image, on moto with a tag too).
async fn remove_tag(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
    tag: &str,
) -> Result<BatchResult, EcrError> {
    let now = ecr::find_images(c, repo, &[ImageId::Tag(tag.to_owned())])
        .await?
        .into_iter()
        .next()
        .map(|i| i.digest);
    match now {
        Some(d) if d == *digest => {
            ecr::batch_delete_images(c, repo, &[ImageId::Tag(tag.to_owned())]).await
        }
        Some(_) => Ok(BatchResult {
            done: Vec::new(),
            failures: vec![(tag.to_owned(), "ImageTagDoesNotMatchDigest".to_owned())],
        }),
        None => Ok(BatchResult {
            done: Vec::new(),
            failures: vec![(tag.to_owned(), "the tag no longer exists".to_owned())],
        }),
    }
}
