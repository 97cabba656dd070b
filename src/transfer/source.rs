//! Reading from the source registry, for a copy and for an export alike:
//! a manifest that must hash to its digest, and a blob streamed chunk by
//! chunk whose length and digest are checked as it passes (the end of the
//! stream is an error when either is wrong, so nothing is committed or
//! written as whole).

use hyper::body::Bytes;
use sha2::{Digest as _, Sha256};

use super::plan::BlobRef;
use super::{CopyError, CopyFailure};
use crate::ecr::{self, BlobStream, EcrClient};
use crate::model::{Digest, EcrError, ImageId};

/// The manifest's text and media type. Its bytes are the image's identity:
/// the source must hand back what hashes to the digest asked for.
pub async fn read_manifest(
    c: &EcrClient,
    repo: &str,
    digest: Digest,
) -> Result<(String, Option<String>), CopyFailure> {
    let at = |e| CopyFailure::new(Some(digest), None, CopyError::Api(e));
    let (docs, failures) = ecr::batch_get_manifests(c, repo, &[ImageId::Digest(digest)])
        .await
        .map_err(at)?;
    let Some(doc) = docs.into_iter().next() else {
        let why = failures
            .first()
            .map_or_else(|| "no manifest returned".to_owned(), |f| f.1.clone());
        return Err(at(EcrError::NotFound {
            what: format!("The source image ({why})"),
        }));
    };
    if Digest::of_bytes(doc.manifest.as_bytes()) != digest {
        return Err(CopyFailure::new(
            Some(digest),
            None,
            CopyError::Corrupt(
                "the source sent a manifest that does not hash to its digest".into(),
            ),
        ));
    }
    Ok((doc.manifest, doc.media_type))
}

/// A blob being read, checked against what the manifest declares.
pub struct VerifiedBlob {
    stream: BlobStream,
    want: BlobRef,
    image: Option<Digest>,
    hasher: Sha256,
    got: u64,
}

impl VerifiedBlob {
    /// Asks for the blob's URL and starts the download.
    pub async fn open(
        c: &EcrClient,
        repo: &str,
        want: BlobRef,
        image: Option<Digest>,
    ) -> Result<Self, CopyFailure> {
        let at = |e| CopyFailure::new(image, Some(want.digest), CopyError::Api(e));
        let url = ecr::get_download_url_for_layer(c, repo, &want.digest)
            .await
            .map_err(at)?;
        let stream = ecr::open_blob(&url, c.blob_timeout(), c.trust())
            .await
            .map_err(at)?;
        Ok(Self {
            stream,
            want,
            image,
            hasher: Sha256::new(),
            got: 0,
        })
    }

    /// A failure about this blob.
    pub fn failure(&self, error: CopyError) -> CopyFailure {
        CopyFailure::new(self.image, Some(self.want.digest), error)
    }

    /// The next chunk; `None` once the whole blob has arrived and verified.
    pub async fn next(&mut self) -> Result<Option<Bytes>, CopyFailure> {
        let chunk = self
            .stream
            .next_chunk()
            .await
            .map_err(|e| self.failure(CopyError::Api(e)))?;
        let Some(chunk) = chunk else {
            if self.got != self.want.size {
                return Err(self.failure(CopyError::Corrupt(format!(
                    "the source sent {} bytes; the manifest declares {}",
                    self.got, self.want.size
                ))));
            }
            let digest = Digest(std::mem::take(&mut self.hasher).finalize().into());
            if digest != self.want.digest {
                return Err(self.failure(CopyError::Corrupt(format!(
                    "the bytes read hash to {}",
                    digest.short()
                ))));
            }
            return Ok(None);
        };
        self.got += chunk.len() as u64;
        if self.got > self.want.size {
            return Err(self.failure(CopyError::Corrupt(format!(
                "the source sent more than the {} bytes its manifest declares",
                self.want.size
            ))));
        }
        self.hasher.update(&chunk);
        Ok(Some(chunk))
    }
}
