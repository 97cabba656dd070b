use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError, MAX_BATCH, MAX_PAGE, convert};
use crate::model::{BatchResult, Digest, Image, ImageId, ManifestDoc};

/// DescribeImages' full record plus the repository it came from.
pub type ImageDetail = Image;

fn identifier(id: &ImageId) -> t::ImageIdentifier {
    match id {
        ImageId::Digest(d) => t::ImageIdentifier::builder()
            .image_digest(d.to_string())
            .build(),
        ImageId::Tag(tag) => t::ImageIdentifier::builder().image_tag(tag).build(),
    }
}

/// Every status: without it ECR answers with ACTIVE images only, and an
/// archived image would look deleted.
fn any_status() -> t::DescribeImagesFilter {
    t::DescribeImagesFilter::builder()
        .image_status(t::ImageStatusFilter::Any)
        .build()
}

/// Every image of a repository, all pages.
pub async fn describe_images(c: &EcrClient, repo: &str) -> Result<Vec<Image>, EcrError> {
    let mut all = Vec::new();
    let mut token = None;
    let mut paging = super::Paging::new("DescribeImages");
    loop {
        let (page, next) = describe_images_page(c, repo, token).await?;
        all.extend(page);
        match paging.next(next.as_deref())? {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
}

/// One page of DescribeImages (1000 a page) and the next token. Pages of one
/// repository are sequential (each needs the last token); the worker streams
/// them so the first rows show after one round trip.
pub async fn describe_images_page(
    c: &EcrClient,
    repo: &str,
    token: Option<String>,
) -> Result<(Vec<Image>, Option<String>), EcrError> {
    // Every status: ECR lists only ACTIVE images unless asked.
    let req = c
        .sdk
        .describe_images()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .max_results(MAX_PAGE)
        .filter(any_status())
        .set_next_token(token);
    let out = c.run("DescribeImages", || req.clone().send()).await?;
    let page = out
        .image_details()
        .iter()
        .filter_map(convert::image)
        .collect();
    Ok((
        page,
        out.next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
    ))
}

/// DescribeImages for given ids, in batches of 100 (`maxResults` cannot be
/// combined with ids), of any status.
pub async fn describe_images_by_id(
    c: &EcrClient,
    repo: &str,
    ids: &[ImageId],
) -> Result<Vec<Image>, EcrError> {
    let mut all = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_BATCH) {
        let req = c
            .sdk
            .describe_images()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .filter(any_status())
            .set_image_ids(Some(chunk.iter().map(identifier).collect()));
        let out = c.run("DescribeImages", || req.clone().send()).await?;
        all.extend(out.image_details().iter().filter_map(convert::image));
    }
    Ok(all)
}

/// The images among `ids` that exist, of any status; the rest are absent.
///
/// DescribeImages by id fails whole: one absent tag or digest in the batch
/// and ECR (moto too) answers ImageNotFoundException for all of them. That
/// answer is never read as "all absent": the batch is split in two and each
/// half asked again, down to single ids, where ImageNotFound does mean
/// absent. k misses among n ids cost about 2·k·log2(n) extra calls, and a
/// batch with no miss costs one.
pub async fn find_images(
    c: &EcrClient,
    repo: &str,
    ids: &[ImageId],
) -> Result<Vec<Image>, EcrError> {
    let mut found = Vec::with_capacity(ids.len());
    let mut todo: Vec<&[ImageId]> = ids.chunks(MAX_BATCH).rev().collect();
    while let Some(batch) = todo.pop() {
        match describe_images_by_id(c, repo, batch).await {
            Ok(images) => found.extend(images),
            Err(e) if e.is_image_gone() && batch.len() > 1 => {
                let (a, b) = batch.split_at(batch.len() / 2);
                todo.push(b);
                todo.push(a);
            }
            Err(e) if e.is_image_gone() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(found)
}

/// ListImages: (digest, tag) pairs, all pages. Cheaper than DescribeImages
/// when only identities are needed.
pub async fn list_image_ids(
    c: &EcrClient,
    repo: &str,
) -> Result<Vec<(Digest, Option<String>)>, EcrError> {
    let mut token: Option<String> = None;
    let mut all = Vec::new();
    let mut paging = super::Paging::new("ListImages");
    loop {
        let req = c
            .sdk
            .list_images()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .max_results(MAX_PAGE)
            .filter(
                t::ListImagesFilter::builder()
                    .image_status(t::ImageStatusFilter::Any)
                    .build(),
            )
            .set_next_token(token.take());
        let out = c.run("ListImages", || req.clone().send()).await?;
        for id in out.image_ids() {
            if let Some(d) = id.image_digest().and_then(Digest::parse) {
                all.push((d, id.image_tag().map(str::to_owned)));
            }
        }
        match paging.next(out.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
}

/// BatchGetImage in batches of 100. Ids that failed are returned with their
/// reason rather than failing the whole call.
pub async fn batch_get_manifests(
    c: &EcrClient,
    repo: &str,
    ids: &[ImageId],
) -> Result<(Vec<ManifestDoc>, Vec<(String, String)>), EcrError> {
    let mut docs = Vec::new();
    let mut failures = Vec::new();
    for chunk in ids.chunks(MAX_BATCH) {
        let req = c
            .sdk
            .batch_get_image()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .set_image_ids(Some(chunk.iter().map(identifier).collect()))
            .accepted_media_types("application/vnd.docker.distribution.manifest.v2+json")
            .accepted_media_types("application/vnd.docker.distribution.manifest.list.v2+json")
            .accepted_media_types("application/vnd.oci.image.manifest.v1+json")
            .accepted_media_types("application/vnd.oci.image.index.v1+json");
        let out = c.run("BatchGetImage", || req.clone().send()).await?;
        for img in out.images() {
            docs.push(ManifestDoc {
                digest: img
                    .image_id()
                    .and_then(|i| i.image_digest())
                    .and_then(Digest::parse),
                tag: img
                    .image_id()
                    .and_then(|i| i.image_tag())
                    .map(str::to_owned),
                media_type: img.image_manifest_media_type().map(str::to_owned),
                manifest: img.image_manifest().unwrap_or_default().to_owned(),
            });
        }
        failures.extend(out.failures().iter().map(failure));
    }
    Ok((docs, failures))
}

fn failure(f: &t::ImageFailure) -> (String, String) {
    let id = f
        .image_id()
        .map(|i| i.image_tag().or(i.image_digest()).unwrap_or("?").to_owned())
        .unwrap_or_else(|| "?".into());
    let code = f.failure_code().map(|c| c.as_str().to_owned());
    // The code says more than the prose when a tag moved meanwhile; the
    // state words it.
    let reason = match code.as_deref() {
        Some(c @ "ImageTagDoesNotMatchDigest") => c.to_owned(),
        _ => f
            .failure_reason()
            .map(str::to_owned)
            .or(code)
            .unwrap_or_else(|| "unknown reason".into()),
    };
    (id, reason)
}

/// Deletes images (or single tags, when given by tag) in batches of 100.
pub async fn batch_delete_images(
    c: &EcrClient,
    repo: &str,
    ids: &[ImageId],
) -> Result<BatchResult, EcrError> {
    let mut result = BatchResult::default();
    for (n, chunk) in ids.chunks(MAX_BATCH).enumerate() {
        let req = c
            .sdk
            .batch_delete_image()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .set_image_ids(Some(chunk.iter().map(identifier).collect()));
        let out = match c.run("BatchDeleteImage", || req.clone().send()).await {
            Ok(out) => out,
            // The first call failing fails the whole; a later one leaves
            // what was deleted deleted: say so, and why the rest was not.
            Err(e) if n == 0 => return Err(e),
            Err(e) => {
                let why = e.to_string();
                result.failures.extend(
                    ids[n * MAX_BATCH..]
                        .iter()
                        .map(|id| (id_text(id), why.clone())),
                );
                return Ok(result);
            }
        };
        for id in out.image_ids() {
            result.done.push(
                id.image_tag()
                    .or(id.image_digest())
                    .unwrap_or("?")
                    .to_owned(),
            );
        }
        result.failures.extend(out.failures().iter().map(failure));
    }
    Ok(result)
}

fn id_text(id: &ImageId) -> String {
    match id {
        ImageId::Digest(d) => d.to_string(),
        ImageId::Tag(t) => t.clone(),
    }
}

/// PutImage: stores a manifest under a tag. Returns the image's digest as the
/// server reports it.
pub async fn put_image(
    c: &EcrClient,
    repo: &str,
    manifest: &str,
    media_type: Option<&str>,
    tag: Option<&str>,
    digest: Option<&Digest>,
) -> Result<Option<Digest>, EcrError> {
    let req = c
        .sdk
        .put_image()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .image_manifest(manifest)
        .set_image_manifest_media_type(media_type.map(str::to_owned))
        .set_image_tag(tag.map(str::to_owned))
        .set_image_digest(digest.map(Digest::to_string));
    let out = c.run("PutImage", || req.clone().send()).await?;
    Ok(out
        .image()
        .and_then(|i| i.image_id())
        .and_then(|i| i.image_digest())
        .and_then(Digest::parse))
}

/// Re-tags an image: fetch its manifest, put it again under the new tag.
pub async fn retag_image(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
    new_tag: &str,
) -> Result<(), EcrError> {
    let (docs, failures) = batch_get_manifests(c, repo, &[ImageId::Digest(*digest)]).await?;
    let Some(doc) = docs.into_iter().next() else {
        let reason = failures
            .first()
            .map_or_else(|| "no manifest returned".to_owned(), |f| f.1.clone());
        return Err(EcrError::NotFound {
            what: format!("The image {} ({reason})", digest.short()),
        });
    };
    put_image(
        c,
        repo,
        &doc.manifest,
        doc.media_type.as_deref(),
        Some(new_tag),
        Some(digest),
    )
    .await?;
    Ok(())
}

/// A URL the layer or config blob can be downloaded from (pre-signed, short
/// lived: never logged).
pub async fn get_download_url_for_layer(
    c: &EcrClient,
    repo: &str,
    layer: &Digest,
) -> Result<String, EcrError> {
    let req = c
        .sdk
        .get_download_url_for_layer()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .layer_digest(layer.to_string());
    let out = c
        .run("GetDownloadUrlForLayer", || req.clone().send())
        .await?;
    out.download_url()
        .map(str::to_owned)
        .ok_or_else(|| EcrError::Other {
            operation: "GetDownloadUrlForLayer".into(),
            detail: "the answer held no URL".into(),
        })
}

/// UpdateImageStorageClass: archives an image, or restores an archived one;
/// returns the status the server reports (a restore answers ACTIVATING).
pub async fn update_image_storage_class(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
    target: crate::model::StorageClass,
) -> Result<crate::model::ImageStatus, EcrError> {
    let req = c
        .sdk
        .update_image_storage_class()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .image_id(identifier(&ImageId::Digest(*digest)))
        .target_storage_class(t::TargetStorageClass::from(target.as_api()));
    let out = c
        .run("UpdateImageStorageClass", || req.clone().send())
        .await?;
    Ok(out
        .image_status()
        .map_or(crate::model::ImageStatus::Other, |s| {
            crate::model::ImageStatus::from_api(s.as_str())
        }))
}
