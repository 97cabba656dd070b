//! What a copy or an image export is about and what it reports: plain data
//! shared by the copy engine, the worker's messages and the state.

use std::path::PathBuf;

use super::{Digest, EcrError};

/// One image to copy and the tags it gets in the target (empty: copied by
/// digest, untagged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyItem {
    pub digest: Digest,
    pub tags: Vec<String>,
}

/// A snapshot of a copy in progress (sent a few times a second).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyProgress {
    pub images_total: usize,
    pub images_done: usize,
    /// The image (or platform image) being copied now.
    pub current: Option<Digest>,
    pub blobs_uploaded: usize,
    /// Blobs the target already had (skipped).
    pub blobs_skipped: usize,
    /// Bytes of the blobs found missing so far (grows as images are read).
    pub bytes_planned: u64,
    pub bytes_done: u64,
    /// Layers moving now: digest, bytes sent, size.
    pub active: Vec<(Digest, u64, u64)>,
}

/// What a finished copy did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Each image copied (top-level: an index counts once) with its tags.
    pub images: Vec<CopyItem>,
    pub blobs_uploaded: usize,
    pub blobs_skipped: usize,
    pub bytes_uploaded: u64,
    /// Manifests put (platform images and indexes included).
    pub manifests_put: usize,
}

/// Why a copy stopped: which image and layer, and the error. What arrived
/// before stays in the target, and a second run skips it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyFailure {
    pub image: Option<Digest>,
    pub layer: Option<Digest>,
    pub error: CopyError,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopyError {
    Api(EcrError),
    /// The target's rules refuse the copy (said before anything is sent).
    Refused(Vec<String>),
    /// What was read does not match what the manifest promised.
    Corrupt(String),
    Cancelled,
}

impl std::fmt::Display for CopyFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut at = String::new();
        if let Some(i) = &self.image {
            at.push_str(&format!("image {}", i.short()));
        }
        if let Some(l) = &self.layer {
            at.push_str(&format!(", layer {}", l.short()));
        }
        let at = if at.is_empty() {
            String::new()
        } else {
            format!(" ({at})")
        };
        match &self.error {
            CopyError::Api(e) => write!(f, "The copy stopped{at}: {e}"),
            CopyError::Refused(why) => write!(f, "The target refuses the copy: {}", why.join(" ")),
            CopyError::Corrupt(why) => write!(
                f,
                "The copy stopped{at}: {why}. Nothing of that layer was committed; try again."
            ),
            CopyError::Cancelled => write!(
                f,
                "Copy cancelled{at}. What already arrived stays in the target; copying again skips it."
            ),
        }
    }
}

impl std::error::Error for CopyFailure {}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub manifests: usize,
    pub blobs: usize,
}

/// Binary units, as docker and the console show sizes.
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 0 {
        return "—".to_owned();
    }
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `human_size` of a count that may exceed `i64`.
pub fn human_size_u64(bytes: u64) -> String {
    human_size(i64::try_from(bytes).unwrap_or(i64::MAX))
}

/// What a re-encryption did: the new repository, what it carried over, and
/// both repositories compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReencryptReport {
    pub old: String,
    pub new: String,
    /// The settings carried over, in words ("tag immutability", …).
    pub carried: Vec<String>,
    /// Active images in the old repository, and in the new one after.
    pub old_images: usize,
    pub new_images: usize,
    /// Active images of the old repository the new one lacks.
    pub missing: Vec<Digest>,
    /// Archived images (not pullable, so not copied).
    pub archived_left: usize,
    pub copy: CopyReport,
}

impl ReencryptReport {
    /// Whether deleting the old repository loses nothing it could copy.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

impl CopyFailure {
    pub fn new(image: Option<Digest>, layer: Option<Digest>, error: CopyError) -> Self {
        Self {
            image,
            layer,
            error,
        }
    }

    /// An API error about no image or layer in particular.
    pub fn api(e: EcrError) -> Self {
        Self::new(None, None, CopyError::Api(e))
    }
}
