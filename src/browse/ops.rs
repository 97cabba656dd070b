//! Browsing's worker operations: the registry, its repositories and their
//! images, each page sent as it arrives; the platforms of indexes and an
//! image's documents, only for what the user expands or opens.

use crate::ecr::{self, EcrClient, Paging};
use crate::message::{BrowseCommand, BrowsePayload, IndexPlatforms};
use crate::model::manifest::{self, Manifest};
use crate::model::{BlobProblem, ConfigDoc, Digest, EcrError, ImageDetailDoc, ImageId, RepoRef};
use crate::worker::Cx;

/// Runs one browsing command on its registry's client.
pub async fn run(cx: &Cx<'_>, cmd: BrowseCommand) {
    match cmd {
        // Answered by the dispatcher (no registry).
        BrowseCommand::Discover => {}
        BrowseCommand::RegistryInfo(_) => {
            let info = ecr::describe_registry(cx.c()).await;
            // Now the account is known: share its rate budget.
            if let Ok(i) = &info {
                cx.share_gate(&i.registry_id);
            }
            cx.emit(BrowsePayload::RegistryInfo(info)).await;
        }
        BrowseCommand::Repositories(_) => load_repositories(cx).await,
        BrowseCommand::Images(repo) => load_images(cx, repo).await,
        BrowseCommand::Platforms { repo, indexes } => {
            let result = platforms(cx.c(), &repo.name, &indexes).await;
            cx.emit(BrowsePayload::Platforms { repo, result }).await;
        }
        BrowseCommand::RepoTags { registry, repos } => {
            for (name, arn) in repos {
                let result = ecr::list_tags_for_resource(cx.c(), &arn).await;
                cx.emit(BrowsePayload::RepoTags {
                    repo: RepoRef::new(&registry, &name),
                    result,
                })
                .await;
            }
        }
        BrowseCommand::RefreshImages { repo, digests } => {
            let ids: Vec<ImageId> = digests.iter().map(|d| ImageId::Digest(*d)).collect();
            // One image gone makes ECR refuse the whole call: find_images
            // asks again without it, so the others are still refreshed.
            let result = ecr::find_images(cx.c(), &repo.name, &ids).await;
            cx.emit(BrowsePayload::ImagesRefreshed {
                repo,
                digests,
                result,
            })
            .await;
        }
        BrowseCommand::ImageDetail { repo, digest } => {
            let result = image_detail(cx.c(), &repo.name, &digest).await;
            cx.emit(BrowsePayload::ImageDetail {
                repo,
                digest,
                result,
            })
            .await;
        }
    }
}

/// Every page of repositories, each sent as it arrives.
async fn load_repositories(cx: &Cx<'_>) {
    let mut paging = Paging::new("DescribeRepositories");
    let (mut token, mut total) = (None, 0);
    let result = loop {
        match ecr::describe_repositories_page(cx.c(), token.take()).await {
            Err(e) => break Err(e),
            Ok((page, next)) => {
                total += page.len();
                cx.emit(BrowsePayload::RepositoriesPage(page)).await;
                match paging.next(next.as_deref()) {
                    Ok(Some(t)) => token = Some(t),
                    Ok(None) => break Ok(total),
                    Err(e) => break Err(e),
                }
            }
        }
    };
    cx.emit(BrowsePayload::RepositoriesDone(result)).await;
}

/// Every page of a repository's images, each sent as it arrives: pages of
/// one repository are sequential, so the table is usable after one round
/// trip.
async fn load_images(cx: &Cx<'_>, repo: RepoRef) {
    let mut paging = Paging::new("DescribeImages");
    let (mut token, mut total) = (None, 0);
    let result = loop {
        match ecr::describe_images_page(cx.c(), &repo.name, token.take()).await {
            Err(e) => break Err(e),
            Ok((images, next)) => {
                total += images.len();
                cx.emit(BrowsePayload::ImagesPage {
                    repo: repo.clone(),
                    images,
                })
                .await;
                match paging.next(next.as_deref()) {
                    Ok(Some(t)) => token = Some(t),
                    Ok(None) => break Ok(total),
                    Err(e) => break Err(e),
                }
            }
        }
    };
    cx.emit(BrowsePayload::ImagesDone { repo, result }).await;
}

/// The platforms each index lists, from its manifest.
async fn platforms(
    c: &EcrClient,
    repo: &str,
    indexes: &[Digest],
) -> Result<Vec<IndexPlatforms>, EcrError> {
    let ids: Vec<ImageId> = indexes.iter().map(|d| ImageId::Digest(*d)).collect();
    let (docs, _) = ecr::batch_get_manifests(c, repo, &ids).await?;
    Ok(docs
        .iter()
        .filter_map(|doc| {
            let Ok(Manifest::Index { manifests }) = manifest::parse_manifest(&doc.manifest) else {
                return None;
            };
            let index = doc.digest?;
            let children = manifests
                .into_iter()
                .filter_map(|(d, p)| Some((d.digest?, p.unwrap_or_default())))
                // An index that lists itself would nest forever.
                .filter(|(d, _)| *d != index)
                .collect();
            Some(IndexPlatforms { index, children })
        })
        .collect())
}

/// The manifest, and for a single image its config blob. A blob the endpoint
/// cannot serve is reported in place, not as a failure of the whole detail.
async fn image_detail(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
) -> Result<ImageDetailDoc, EcrError> {
    let (docs, failures) = ecr::batch_get_manifests(c, repo, &[ImageId::Digest(*digest)]).await?;
    let Some(doc) = docs.into_iter().next() else {
        let why = failures
            .first()
            .map_or_else(|| "no manifest returned".to_owned(), |f| f.1.clone());
        return Err(EcrError::NotFound {
            what: format!("The image {} ({why})", digest.short()),
        });
    };
    let parsed = manifest::parse_manifest(&doc.manifest);
    let config = match &parsed {
        Ok(Manifest::Image {
            config: Some(cfg), ..
        }) => match cfg.digest {
            Some(cd) => Some(fetch_config(c, repo, &cd).await),
            None => Some(Err(BlobProblem::NoConfig)),
        },
        Ok(Manifest::Image { config: None, .. }) => Some(Err(BlobProblem::NoConfig)),
        Ok(Manifest::Index { .. }) | Err(_) => None,
    };
    Ok(ImageDetailDoc {
        media_type: doc.media_type,
        manifest_text: doc.manifest,
        manifest: parsed,
        config,
    })
}

async fn fetch_config(
    c: &EcrClient,
    repo: &str,
    config: &Digest,
) -> Result<ConfigDoc, BlobProblem> {
    let url = ecr::get_download_url_for_layer(c, repo, config)
        .await
        .map_err(BlobProblem::Url)?;
    let bytes = ecr::download_blob(&url, c.blob_timeout(), c.trust())
        .await
        .map_err(BlobProblem::Download)?;
    // What arrived must be what the manifest names: a proxy's page, a cache
    // gone wrong or a swapped blob is refused, not shown as the config.
    let got = Digest::of_bytes(&bytes);
    if got != *config {
        return Err(BlobProblem::Download(EcrError::Unreadable {
            operation: "Downloading the config blob".into(),
            detail: format!(
                "its content hashes to {}, not to the {} the manifest names",
                got.short(),
                config.short()
            ),
        }));
    }
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    Ok(ConfigDoc {
        parsed: manifest::parse_config(&bytes),
        raw,
    })
}
