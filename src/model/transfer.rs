//! What a copy or an image export is about and what it reports: plain data
//! shared by the copy engine, the worker's messages and the state.

use std::path::PathBuf;

use super::{Digest, EcrError, Repository};

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
    /// Layer parts sent at once now (fewer on a slow link).
    pub lanes: usize,
    /// Layer uploads started over after a failed part.
    pub restarts: usize,
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
    /// Signatures, SBOMs and attestations copied with the images.
    pub artifacts_copied: usize,
    /// Artifacts the copy could not carry (which one, and why): the images
    /// themselves landed.
    pub artifacts_refused: Vec<(Option<Digest>, String)>,
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
    /// Signatures, SBOMs and attestations in the layout beside the image
    /// (each listed in `index.json`, its `subject` naming the image).
    pub artifacts: usize,
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
    /// The new repository was made by an earlier run and adopted.
    pub adopted: bool,
    /// Both repositories as last read (again right before a delete).
    pub compared: ReencryptComparison,
    pub copy: CopyReport,
}

/// Both repositories of a re-encryption, read at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReencryptComparison {
    /// Active images in the old repository, and images in the new one.
    pub old_images: usize,
    pub new_images: usize,
    /// Active images of the old repository the new one lacks.
    pub missing: Vec<Digest>,
    /// Archived images (not pullable, so not copied).
    pub archived_left: usize,
}

impl ReencryptReport {
    /// Whether deleting the old repository loses nothing it could copy.
    pub fn complete(&self) -> bool {
        self.compared.missing.is_empty()
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

/// What putting `tag` on the copied image will do in the target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagVerdict {
    /// The tag is not in the target yet.
    New,
    /// The tag already names this very image: nothing to do.
    AlreadyThere,
    /// The tag names another image and is mutable: it will move.
    Moves { from: Digest },
    /// The tag names another image and is immutable: ECR will refuse.
    Refused { held_by: Digest },
}

impl TagVerdict {
    pub fn refuses(&self) -> bool {
        matches!(self, Self::Refused { .. })
    }

    /// In words, for the copy dialog.
    pub fn describe(&self, tag: &str) -> String {
        match self {
            Self::New => format!("'{tag}' is new in the target"),
            Self::AlreadyThere => format!("'{tag}' already names this image there: kept"),
            Self::Moves { from } => {
                format!(
                    "'{tag}' now names {} there and will move to the copy",
                    from.short()
                )
            }
            Self::Refused { held_by } => format!(
                "'{tag}' is immutable in the target and already names {}: ECR will refuse it. Rename the tag or pick another repository.",
                held_by.short()
            ),
        }
    }
}

/// What the target says before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetCheck {
    /// The target repository as it is (None: it does not exist yet).
    pub repository: Option<Repository>,
    /// Per image and tag, what putting the tag will do.
    pub verdicts: Vec<(Digest, String, TagVerdict)>,
}

/// Which tags may move in the target: a tag that names another image there
/// now moves to the copy only when the user allowed it.
#[derive(Clone, Copy, Debug)]
pub enum TagMoves<'a> {
    /// Each listed tag may move, from the image it named when the user
    /// allowed it (and from no other: a push meanwhile is refused).
    Allowed(&'a [(String, Digest)]),
    /// Every tag may move (a re-encryption mirrors its source).
    Any,
}

impl TargetCheck {
    pub fn refusals(&self) -> Vec<String> {
        self.verdicts
            .iter()
            .filter(|(_, _, v)| v.refuses())
            .map(|(_, t, v)| v.describe(t))
            .collect()
    }

    /// The tags that would move: tag, the image it names now, the copy.
    pub fn moves(&self) -> Vec<(String, Digest, Digest)> {
        self.verdicts
            .iter()
            .filter_map(|(d, t, v)| match v {
                TagVerdict::Moves { from } => Some((t.clone(), *from, *d)),
                _ => None,
            })
            .collect()
    }

    /// Refusals, and the moves `moves` does not allow, in words.
    pub fn refusals_under(&self, moves: TagMoves<'_>) -> Vec<String> {
        let mut out = self.refusals();
        let TagMoves::Allowed(allowed) = moves else {
            return out;
        };
        for (tag, from, _) in self.moves() {
            match allowed.iter().find(|(t, _)| *t == tag) {
                Some((_, d)) if *d == from => {}
                Some((_, d)) => out.push(format!(
                    "'{tag}' now names {} in the target, not {} as when you allowed it to move: someone pushed meanwhile. Check again.",
                    from.short(),
                    d.short()
                )),
                None => out.push(format!(
                    "'{tag}' names {} in the target and would move to the copy: allow the move (tick it in the dialog) or rename the tag.",
                    from.short()
                )),
            }
        }
        out
    }
}
