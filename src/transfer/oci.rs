//! Export an image to an OCI image layout tar (`oci-layout`, `index.json`,
//! `blobs/sha256/…`), loadable with `docker load`, `podman load` and
//! `skopeo … oci-archive:`. Blobs are streamed from their download URLs into
//! the file, each verified by length and digest as it passes; the file is
//! written under a temporary name and renamed only when whole.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::json;
use tokio::io::AsyncWriteExt as _;

use super::plan::{self, BlobRef, Needs};
use super::source::{VerifiedBlob, read_manifest};
use super::{CopyError, CopyFailure, CopyProgress, ExportReport};
use crate::ecr::EcrClient;
use crate::model::{Digest, EcrError};

/// A manifest read from the source, its bytes and media type.
struct Doc {
    digest: Digest,
    text: String,
    media_type: String,
}

fn io(e: &std::io::Error) -> CopyFailure {
    CopyFailure::api(EcrError::Other {
        operation: "Writing the export file".into(),
        detail: e.to_string(),
    })
}

async fn read(c: &EcrClient, repo: &str, digest: Digest) -> Result<Doc, CopyFailure> {
    let (text, media_type) = read_manifest(c, repo, digest).await?;
    let media_type = media_type.unwrap_or_else(|| {
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| {
                v.get("mediaType")
                    .and_then(|m| m.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "application/vnd.oci.image.manifest.v1+json".into())
    });
    Ok(Doc {
        digest,
        text,
        media_type,
    })
}

/// A ustar header for a regular file (names here are under 100 bytes).
fn header(name: &str, size: u64) -> [u8; 512] {
    let mut h = tar::Header::new_ustar();
    // The names are ASCII and short: these cannot fail.
    let _ = h.set_path(name);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    let mut out = [0u8; 512];
    out.copy_from_slice(h.as_bytes());
    out
}

fn padding(size: u64) -> usize {
    ((512 - size % 512) % 512) as usize
}

struct TarOut {
    file: tokio::io::BufWriter<tokio::fs::File>,
    written: u64,
}

impl TarOut {
    async fn put(&mut self, bytes: &[u8]) -> Result<(), CopyFailure> {
        self.file.write_all(bytes).await.map_err(|e| io(&e))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    async fn small(&mut self, name: &str, bytes: &[u8]) -> Result<(), CopyFailure> {
        self.put(&header(name, bytes.len() as u64)).await?;
        self.put(bytes).await?;
        self.put(&vec![0u8; padding(bytes.len() as u64)]).await
    }
}

fn blob_name(d: &Digest) -> String {
    format!("blobs/sha256/{}", d.hex())
}

/// Exports `digest` (an image, or an index with all platforms; `platform`
/// picks one platform image of an index instead) to `path`.
#[allow(clippy::too_many_arguments)]
pub async fn export_oci(
    c: &EcrClient,
    repo: &str,
    digest: Digest,
    tag: Option<&str>,
    platform: Option<Digest>,
    path: &Path,
    cancel: &AtomicBool,
    sink: &(dyn Fn(CopyProgress) + Sync),
) -> Result<ExportReport, CopyFailure> {
    export_oci_with(c, repo, digest, tag, platform, path, cancel, sink, false).await
}

/// [`export_oci`], with (`referrers`) the image's signatures, SBOMs and
/// attestations (OCI 1.1 referrers, recursively, and cosign's tag-scheme
/// artifacts) in the layout too: their manifests and blobs, each listed in
/// `index.json` after the image (as ORAS lays out referrers). The image's
/// entry keeps its `ref.name`, so `skopeo copy oci-archive:FILE:TAG` picks
/// it. An artifact that cannot be read is left out, never the image.
#[allow(clippy::too_many_arguments)]
pub async fn export_oci_with(
    c: &EcrClient,
    repo: &str,
    digest: Digest,
    tag: Option<&str>,
    platform: Option<Digest>,
    path: &Path,
    cancel: &AtomicBool,
    sink: &(dyn Fn(CopyProgress) + Sync),
    referrers: bool,
) -> Result<ExportReport, CopyFailure> {
    let top = read(c, repo, platform.unwrap_or(digest)).await?;
    let mut docs = vec![];
    let mut blobs: Vec<BlobRef> = vec![];
    let mut seen = HashSet::new();
    let mut queue = vec![top.digest];
    let mut first = Some(top);
    while let Some(d) = queue.pop() {
        let doc = match first.take() {
            Some(t) => t,
            None => read(c, repo, d).await?,
        };
        match plan::needs(&doc.text)
            .map_err(|w| CopyFailure::new(Some(d), None, CopyError::Corrupt(w)))?
        {
            Needs::Children(ch) => queue.extend(ch),
            Needs::Blobs(bs) => blobs.extend(bs.into_iter().filter(|b| seen.insert(b.digest))),
        }
        docs.push(doc);
    }
    let image_docs = docs.len();
    if referrers {
        let subject = platform.unwrap_or(digest);
        let artifacts = super::referrers::artifacts_of(c, repo, &[subject])
            .await
            .unwrap_or_default();
        for a in artifacts {
            let Ok(doc) = read(c, repo, a.digest).await else {
                continue;
            };
            let Ok(Needs::Blobs(bs)) = plan::needs(&doc.text) else {
                continue;
            };
            blobs.extend(bs.into_iter().filter(|b| seen.insert(b.digest)));
            docs.push(doc);
        }
    }
    // A fresh name of its own, created exclusively: a file already called
    // `<name>.part` (or a second export of the same path) is never touched.
    let (partial, file) = crate::platform::files::create_temp_beside(path).map_err(|e| io(&e))?;
    let file = tokio::fs::File::from_std(file);
    let result = write_tar(c, repo, &docs, image_docs, &blobs, tag, file, cancel, sink).await;
    match result {
        Ok(bytes) => {
            tokio::fs::rename(&partial, path)
                .await
                .map_err(|e| io(&e))?;
            Ok(ExportReport {
                path: path.to_owned(),
                bytes,
                manifests: docs.len(),
                blobs: blobs.len(),
                artifacts: docs.len() - image_docs,
            })
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn write_tar(
    c: &EcrClient,
    repo: &str,
    docs: &[Doc],
    image_docs: usize,
    blobs: &[BlobRef],
    tag: Option<&str>,
    file: tokio::fs::File,
    cancel: &AtomicBool,
    sink: &(dyn Fn(CopyProgress) + Sync),
) -> Result<u64, CopyFailure> {
    let mut out = TarOut {
        file: tokio::io::BufWriter::with_capacity(1 << 20, file),
        written: 0,
    };
    let mut progress = CopyProgress {
        images_total: 1,
        bytes_planned: blobs.iter().map(|b| b.size).sum(),
        ..CopyProgress::default()
    };
    sink(progress.clone());
    out.small("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)
        .await?;
    for d in docs {
        out.small(&blob_name(&d.digest), d.text.as_bytes()).await?;
    }
    for b in blobs {
        if cancel.load(Ordering::Relaxed) {
            return Err(CopyFailure::new(None, Some(b.digest), CopyError::Cancelled));
        }
        progress.active = vec![(b.digest, 0, b.size)];
        sink(progress.clone());
        stream_blob(c, repo, *b, &mut out, cancel).await?;
        progress.bytes_done += b.size;
        progress.blobs_uploaded += 1;
        sink(progress.clone());
    }
    let top = &docs[0];
    let mut entry = json!({"mediaType": top.media_type, "digest": top.digest.to_string(), "size": top.text.len()});
    if let Some(t) = tag {
        entry["annotations"] = json!({"org.opencontainers.image.ref.name": t});
    }
    let mut manifests = vec![entry];
    for a in &docs[image_docs..] {
        let mut e = json!({"mediaType": a.media_type, "digest": a.digest.to_string(), "size": a.text.len()});
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&a.text)
            && let Some(t) = v["artifactType"]
                .as_str()
                .or(v["config"]["mediaType"].as_str())
        {
            e["artifactType"] = json!(t);
        }
        manifests.push(e);
    }
    let index = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
    out.small("index.json", index.to_string().as_bytes())
        .await?;
    // docker load before 25 reads manifest.json (single images only).
    if let Ok(Needs::Blobs(bs)) = plan::needs(&top.text)
        && let Some((config, layers)) = bs.split_first()
    {
        let repo_tags: Vec<String> = tag.map(|t| format!("{repo}:{t}")).into_iter().collect();
        let m = json!([{"Config": blob_name(&config.digest), "RepoTags": repo_tags,
            "Layers": layers.iter().map(|l| blob_name(&l.digest)).collect::<Vec<_>>()}]);
        out.small("manifest.json", m.to_string().as_bytes()).await?;
    }
    out.put(&[0u8; 1024]).await?;
    out.file.flush().await.map_err(|e| io(&e))?;
    out.file.get_ref().sync_all().await.map_err(|e| io(&e))?;
    progress.images_done = 1;
    progress.active.clear();
    sink(progress);
    Ok(out.written)
}

async fn stream_blob(
    c: &EcrClient,
    repo: &str,
    b: BlobRef,
    out: &mut TarOut,
    cancel: &AtomicBool,
) -> Result<(), CopyFailure> {
    let mut source = VerifiedBlob::open(c, repo, b, None).await?;
    out.put(&header(&blob_name(&b.digest), b.size)).await?;
    while let Some(chunk) = source.next().await? {
        if cancel.load(Ordering::Relaxed) {
            return Err(source.failure(CopyError::Cancelled));
        }
        out.put(&chunk).await?;
    }
    out.put(&vec![0u8; padding(b.size)]).await
}
