//! Moves the bytes: for each image, read its manifest (BatchGetImage), ask
//! the target which blobs it has (BatchCheckLayerAvailability), stream each
//! missing blob from its download URL into an upload in parts, verify its
//! digest and length before completing, then PutImage with the identical
//! manifest bytes (so the digest is unchanged). An index copies its platform
//! images first. Memory per blob in flight: one part.
//!
//! What a copy guarantees (each tried by `tests/copy.rs`):
//! - **Nothing is sent when a tag would be refused**: each tag's verdict is
//!   read on its own (an absent tag never hides an existing one), and an
//!   immutable tag naming another image, or a mutable one that would move
//!   without the user's leave, stops the copy before any upload.
//! - **A tag moves only from the image it named when the user allowed it**:
//!   a push to the target between the dialog's check and the copy is
//!   refused, not overwritten.
//! - **Digests are unchanged and nothing unverified is committed**: every
//!   blob is checked by length and digest before CompleteLayerUpload, the
//!   manifest is put byte for byte.
//! - **A rerun finishes the job**: blobs the target has are skipped.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;

use super::plan::{self, BlobRef, Needs, TagVerdict};
use super::source::{VerifiedBlob, read_manifest};
use super::{CopyError, CopyFailure, CopyItem, CopyProgress, CopyReport, TagMoves, TargetCheck};
use crate::ecr::{self, EcrClient};
use crate::model::{Digest, EcrError, ImageId, NewRepository};

/// Blobs moving at once (each holds one part in memory).
pub const PARALLEL_BLOBS: usize = 4;

/// Where from and where to.
#[derive(Clone, Copy, Debug)]
pub struct CopyEnds<'a> {
    pub source: &'a EcrClient,
    pub source_repo: &'a str,
    pub target: &'a EcrClient,
    pub target_repo: &'a str,
}

fn api(image: Option<Digest>, layer: Option<Digest>) -> impl FnOnce(EcrError) -> CopyFailure {
    move |e| CopyFailure::new(image, layer, CopyError::Api(e))
}

/// Reads the target repository and what each tag would do there.
pub async fn check_target(
    target: &EcrClient,
    repo: &str,
    items: &[CopyItem],
) -> Result<TargetCheck, CopyFailure> {
    let repository = match ecr::describe_repository(target, repo).await {
        Ok(r) => Some(r),
        Err(e) if e.is_repository_gone() => None,
        Err(e) => return Err(CopyFailure::api(e)),
    };
    let mut verdicts = Vec::new();
    let Some(r) = &repository else {
        for i in items {
            for t in &i.tags {
                verdicts.push((i.digest, t.clone(), TagVerdict::New));
            }
        }
        return Ok(TargetCheck {
            repository,
            verdicts,
        });
    };
    let tags: Vec<ImageId> = items
        .iter()
        .flat_map(|i| i.tags.iter().map(|t| ImageId::Tag(t.clone())))
        .collect();
    // One verdict per tag. DescribeImages by id fails whole when any one
    // tag is absent; find_images asks again without the absent ones, so a
    // new tag beside an existing immutable one can no longer hide it (that
    // once turned the refusal off and sent every layer before PutImage
    // failed).
    let mut current: HashMap<String, Digest> = HashMap::new();
    let found = ecr::find_images(target, repo, &tags)
        .await
        .map_err(CopyFailure::api)?;
    for img in found {
        for t in img.tags {
            current.insert(t, img.digest);
        }
    }
    for i in items {
        for t in &i.tags {
            let v = plan::tag_verdict(&r.tag_mutability, t, &i.digest, current.get(t));
            verdicts.push((i.digest, t.clone(), v));
        }
    }
    Ok(TargetCheck {
        repository,
        verdicts,
    })
}

/// Shared progress, sent at most every `every` (and at the end).
struct Tracker<'a> {
    state: Mutex<(CopyProgress, Instant)>,
    sink: &'a (dyn Fn(CopyProgress) + Sync),
    every: Duration,
    /// Parts in flight, across every blob of the copy.
    lanes: Lanes,
}

impl Tracker<'_> {
    fn update(&self, force: bool, f: impl FnOnce(&mut CopyProgress)) {
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        f(&mut s.0);
        if force || s.1.elapsed() >= self.every {
            s.1 = Instant::now();
            (self.sink)(s.0.clone());
        }
    }
}

/// Copies `items` from one repository to another. Creates the target
/// repository with `create` when it does not exist. Refuses (before any
/// upload) when a tag is immutable in the target and names another image,
/// or would move without `moves` allowing it.
pub async fn copy_images(
    ends: CopyEnds<'_>,
    items: &[CopyItem],
    create: Option<&NewRepository>,
    moves: TagMoves<'_>,
    cancel: &AtomicBool,
    sink: &(dyn Fn(CopyProgress) + Sync),
) -> Result<CopyReport, CopyFailure> {
    copy_images_with(ends, items, create, moves, cancel, sink, false).await
}

/// [`copy_images`], then (with `referrers`) each image's signatures, SBOMs
/// and attestations: its OCI 1.1 referrers, recursively, and cosign's
/// tag-scheme artifacts. What a referrer copy guarantees:
/// - **The images land first**: an artifact the target refuses (or a
///   source that cannot list them) is reported by name and reason in
///   `artifacts_refused`; it never undoes or fails the images' copy.
/// - **An artifact's digest is unchanged**, so its `subject` still names
///   the copied image in the target.
/// - **A tag-scheme tag never moves**: where the target's
///   `sha256-<hex>.sig` already names other signatures, that artifact is
///   reported, not overwritten.
#[allow(clippy::too_many_arguments)]
pub async fn copy_images_with(
    ends: CopyEnds<'_>,
    items: &[CopyItem],
    create: Option<&NewRepository>,
    moves: TagMoves<'_>,
    cancel: &AtomicBool,
    sink: &(dyn Fn(CopyProgress) + Sync),
    referrers: bool,
) -> Result<CopyReport, CopyFailure> {
    let check = check_target(ends.target, ends.target_repo, items).await?;
    let refusals = check.refusals_under(moves);
    if !refusals.is_empty() {
        return Err(CopyFailure::new(None, None, CopyError::Refused(refusals)));
    }
    if check.repository.is_none() {
        let Some(new) = create else {
            return Err(CopyFailure::api(EcrError::NotFound {
                what: format!(
                    "The repository '{}' in the target registry (tick \"create it\" to make it)",
                    ends.target_repo
                ),
            }));
        };
        ecr::create_repository(ends.target, new)
            .await
            .map_err(CopyFailure::api)?;
    }
    let tracker = Tracker {
        state: Mutex::new((
            CopyProgress {
                images_total: items.len(),
                ..CopyProgress::default()
            },
            Instant::now(),
        )),
        sink,
        every: Duration::from_millis(150),
        lanes: Lanes::new(PARALLEL_BLOBS),
    };
    let mut report = CopyReport::default();
    for item in items {
        tracker.update(true, |p| p.current = Some(item.digest));
        copy_manifest(ends, item.digest, &item.tags, &tracker, &mut report, cancel).await?;
        report.images.push(item.clone());
        tracker.update(true, |p| p.images_done += 1);
    }
    if referrers {
        let subjects: Vec<Digest> = items.iter().map(|i| i.digest).collect();
        copy_artifacts(ends, &subjects, &tracker, &mut report, cancel).await?;
    }
    tracker.update(true, |p| {
        p.current = None;
        p.active.clear();
    });
    Ok(report)
}

/// The artifacts of `subjects`, each on its own: one refused is reported
/// and the next tried; only a cancel stops them.
async fn copy_artifacts(
    ends: CopyEnds<'_>,
    subjects: &[Digest],
    tracker: &Tracker<'_>,
    report: &mut CopyReport,
    cancel: &AtomicBool,
) -> Result<(), CopyFailure> {
    let artifacts = match super::referrers::artifacts_of(ends.source, ends.source_repo, subjects)
        .await
    {
        Ok(a) => a,
        Err(e) => {
            report.artifacts_refused.push((
                None,
                format!("the source's signatures, SBOMs and attestations could not be listed: {e}"),
            ));
            return Ok(());
        }
    };
    tracker.update(true, |p| p.images_total += artifacts.len());
    for a in artifacts {
        if cancel.load(Ordering::Relaxed) {
            return Err(CopyFailure::new(Some(a.digest), None, CopyError::Cancelled));
        }
        tracker.update(true, |p| p.current = Some(a.digest));
        // A tag-scheme tag already naming something else in the target
        // stays as it is.
        let mut tags = Vec::new();
        let mut kept = None;
        for t in &a.tags {
            let there = ecr::find_images(ends.target, ends.target_repo, &[ImageId::Tag(t.clone())])
                .await
                .unwrap_or_default();
            match there.first() {
                Some(i) if i.digest != a.digest => kept = Some(t.clone()),
                _ => tags.push(t.clone()),
            }
        }
        if let Some(t) = kept {
            report.artifacts_refused.push((
                Some(a.digest),
                format!("the target's {t} already names other signatures; it was left as it is"),
            ));
        } else {
            match copy_manifest(ends, a.digest, &tags, tracker, report, cancel).await {
                Ok(()) => report.artifacts_copied += 1,
                Err(f) if matches!(f.error, CopyError::Cancelled) => return Err(f),
                Err(f) => report
                    .artifacts_refused
                    .push((Some(a.digest), f.to_string())),
            }
        }
        tracker.update(true, |p| p.images_done += 1);
    }
    Ok(())
}

/// Copies one manifest (an index's children first), then puts it under
/// `tags` (untagged when empty).
async fn copy_manifest(
    ends: CopyEnds<'_>,
    digest: Digest,
    tags: &[String],
    tracker: &Tracker<'_>,
    report: &mut CopyReport,
    cancel: &AtomicBool,
) -> Result<(), CopyFailure> {
    let (doc, media_type) = read_manifest(ends.source, ends.source_repo, digest).await?;
    let needs = plan::needs(&doc).map_err(|why| {
        CopyFailure::new(
            Some(digest),
            None,
            CopyError::Corrupt(format!("its manifest cannot be read ({why})")),
        )
    })?;
    match needs {
        Needs::Children(children) => {
            for child in children {
                tracker.update(true, |p| p.current = Some(child));
                Box::pin(copy_manifest(ends, child, &[], tracker, report, cancel)).await?;
            }
        }
        Needs::Blobs(blobs) => copy_blobs(ends, digest, &blobs, tracker, report, cancel).await?,
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(CopyFailure::new(Some(digest), None, CopyError::Cancelled));
    }
    put_manifest(ends, digest, &doc, media_type.as_deref(), tags).await?;
    report.manifests_put += 1;
    Ok(())
}

async fn copy_blobs(
    ends: CopyEnds<'_>,
    image: Digest,
    blobs: &[BlobRef],
    tracker: &Tracker<'_>,
    report: &mut CopyReport,
    cancel: &AtomicBool,
) -> Result<(), CopyFailure> {
    let digests: Vec<Digest> = blobs.iter().map(|b| b.digest).collect();
    let have: HashSet<Digest> =
        ecr::batch_check_layer_availability(ends.target, ends.target_repo, &digests)
            .await
            .map_err(api(Some(image), None))?;
    let missing: Vec<BlobRef> = blobs
        .iter()
        .filter(|b| !have.contains(&b.digest))
        .copied()
        .collect();
    let skipped = blobs.len() - missing.len();
    report.blobs_skipped += skipped;
    tracker.update(true, |p| {
        p.blobs_skipped += skipped;
        p.bytes_planned += missing.iter().map(|b| b.size).sum::<u64>();
    });
    // A plain loop feeding a FuturesUnordered (a closure making the
    // futures would defeat the `Send` proof the worker's spawn needs).
    let mut queue = missing.iter().copied();
    let mut moving = futures_util::stream::FuturesUnordered::new();
    for b in queue.by_ref().take(PARALLEL_BLOBS) {
        moving.push(transfer(ends, image, b, tracker, cancel));
    }
    while let Some(done) = moving.next().await {
        let bytes = done?;
        report.blobs_uploaded += 1;
        report.bytes_uploaded += bytes;
        if let Some(b) = queue.next() {
            moving.push(transfer(ends, image, b, tracker, cancel));
        }
    }
    Ok(())
}

/// Tries of one layer's upload: a part that failed (a timeout, a dropped
/// connection, or ECR refusing the retry of a part it already had) starts
/// that layer's upload over, cleanly, from its first byte.
const LAYER_TRIES: usize = 3;

/// A part slower than this gives up a lane (the link is the limit: more
/// parts at once only make each slower and a failed one costlier).
const SLOW_PART: Duration = Duration::from_secs(20);
/// A part faster than this gives a lane back.
const FAST_PART: Duration = Duration::from_secs(5);

#[derive(Debug)]
struct LaneCount {
    lanes: usize,
    /// Permits to forget as they come back (lanes given up).
    owed: usize,
}

/// Layer parts in flight at once, across the whole copy: [`PARALLEL_BLOBS`]
/// on a fast link, down to one on a slow one, measured part by part.
pub struct Lanes {
    permits: tokio::sync::Semaphore,
    count: Mutex<LaneCount>,
    max: usize,
}

impl Lanes {
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            permits: tokio::sync::Semaphore::new(max),
            count: Mutex::new(LaneCount {
                lanes: max,
                owed: 0,
            }),
            max,
        }
    }

    /// Lanes open now.
    pub fn lanes(&self) -> usize {
        self.count.lock().map_or(self.max, |c| c.lanes)
    }

    /// Runs one part in a lane, and learns from how long it took.
    async fn part<T>(&self, send: impl std::future::Future<Output = T>) -> T {
        let permit = self.permits.acquire().await.ok();
        let t0 = Instant::now();
        let out = send.await;
        self.learn(t0.elapsed());
        if let Some(p) = permit
            && let Ok(mut c) = self.count.lock()
            && c.owed > 0
        {
            c.owed -= 1;
            p.forget();
        }
        out
    }

    /// A pure step, tested below: fewer lanes after a slow part, one more
    /// after a fast one.
    fn learn(&self, took: Duration) {
        let Ok(mut c) = self.count.lock() else {
            return;
        };
        if took >= SLOW_PART && c.lanes > 1 {
            c.lanes -= 1;
            c.owed += 1;
        } else if took <= FAST_PART && c.lanes < self.max {
            c.lanes += 1;
            if c.owed > 0 {
                c.owed -= 1;
            } else {
                self.permits.add_permits(1);
            }
        }
    }
}

/// Where a layer's transfer failed: only the upload side is started over
/// (a source that broke off or lied stops the copy at that layer).
enum Stage {
    Source,
    Upload,
}

/// Streams one blob from the source into an upload to the target, starting
/// the layer's upload over (at most [`LAYER_TRIES`] times) when a part fails.
async fn transfer(
    ends: CopyEnds<'_>,
    image: Digest,
    blob: BlobRef,
    tracker: &Tracker<'_>,
    cancel: &AtomicBool,
) -> Result<u64, CopyFailure> {
    let mut tries = 0;
    loop {
        let mut counted = 0u64;
        match transfer_once(ends, image, blob, tracker, cancel, &mut counted).await {
            Ok(n) => return Ok(n),
            Err((Stage::Upload, f))
                if tries + 1 < LAYER_TRIES
                    && matches!(&f.error, CopyError::Api(e) if !e.is_credentials()
                        && !matches!(e, EcrError::AccessDenied { .. })) =>
            {
                tries += 1;
                tracing::warn!(layer = %blob.digest.short(), try_ = tries, "layer upload starts over: {f}");
                tracker.update(true, |p| {
                    p.bytes_done = p.bytes_done.saturating_sub(counted);
                    p.active.retain(|a| a.0 != blob.digest);
                    p.restarts += 1;
                });
            }
            Err((_, f)) => return Err(f),
        }
    }
}

/// One try of a blob's transfer. The source stream checks length and
/// digest; on any mismatch the upload is never completed. `counted`: the
/// bytes this try added to the progress (taken back if it fails).
async fn transfer_once(
    ends: CopyEnds<'_>,
    image: Digest,
    blob: BlobRef,
    tracker: &Tracker<'_>,
    cancel: &AtomicBool,
    counted: &mut u64,
) -> Result<u64, (Stage, CopyFailure)> {
    let lanes = &tracker.lanes;
    let src = |f| (Stage::Source, f);
    let mut source = VerifiedBlob::open(ends.source, ends.source_repo, blob, Some(image))
        .await
        .map_err(src)?;
    let at = |e| {
        (
            Stage::Upload,
            CopyFailure::new(Some(image), Some(blob.digest), CopyError::Api(e)),
        )
    };
    let upload = ecr::initiate_layer_upload(ends.target, ends.target_repo)
        .await
        .map_err(at)?;
    tracker.update(false, |p| p.active.push((blob.digest, 0, blob.size)));
    let part_size = usize::try_from(upload.part_size).unwrap_or(usize::MAX);
    let mut part: Vec<u8> = Vec::with_capacity(part_size.min(blob.size as usize + 1));
    let mut sent = 0u64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(src(source.failure(CopyError::Cancelled)));
        }
        let chunk = source.next().await.map_err(src)?;
        let last = chunk.is_none();
        let mut rest: &[u8] = chunk.as_deref().unwrap_or_default();
        while !rest.is_empty() || (last && !part.is_empty()) {
            let take = (part_size - part.len()).min(rest.len());
            part.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if part.len() == part_size || (last && rest.is_empty()) {
                let n = part.len() as u64;
                let body = std::mem::replace(
                    &mut part,
                    Vec::with_capacity(part_size.min((blob.size - sent - n) as usize + 1)),
                );
                lanes
                    .part(ecr::upload_layer_part(
                        ends.target,
                        ends.target_repo,
                        &upload,
                        sent,
                        body,
                    ))
                    .await
                    .map_err(at)?;
                sent += n;
                *counted += n;
                let open = lanes.lanes();
                tracker.update(false, |p| {
                    p.bytes_done += n;
                    p.lanes = open;
                    if let Some(a) = p.active.iter_mut().find(|a| a.0 == blob.digest) {
                        a.1 = sent;
                    }
                });
            }
        }
        if last {
            break;
        }
    }
    if let Err(e) =
        ecr::complete_layer_upload(ends.target, ends.target_repo, &upload, &blob.digest).await
    {
        // Another copy may have completed the same layer meanwhile
        // (LayerAlreadyExists): what counts is that the target has it.
        let have =
            ecr::batch_check_layer_availability(ends.target, ends.target_repo, &[blob.digest])
                .await
                .unwrap_or_default();
        if !have.contains(&blob.digest) {
            return Err(at(e));
        }
    }
    tracker.update(false, |p| {
        p.blobs_uploaded += 1;
        p.active.retain(|a| a.0 != blob.digest);
    });
    Ok(sent)
}

/// PutImage under each tag (or once untagged). A tag that already names this
/// image is fine; anything else the target refuses is an error.
async fn put_manifest(
    ends: CopyEnds<'_>,
    digest: Digest,
    manifest: &str,
    media_type: Option<&str>,
    tags: &[String],
) -> Result<(), CopyFailure> {
    let tags: Vec<Option<&str>> = if tags.is_empty() {
        vec![None]
    } else {
        tags.iter().map(|t| Some(t.as_str())).collect()
    };
    for tag in tags {
        match ecr::put_image(
            ends.target,
            ends.target_repo,
            manifest,
            media_type,
            tag,
            Some(&digest),
        )
        .await
        {
            Ok(Some(d)) if d != digest => {
                return Err(CopyFailure::new(
                    Some(digest),
                    None,
                    CopyError::Corrupt(format!(
                        "the target stored the manifest as {}, not {}",
                        d.short(),
                        digest.short()
                    )),
                ));
            }
            Ok(_) => {}
            Err(EcrError::TagAlreadyExists { .. }) if already_there(ends, digest, tag).await => {
                // ImageAlreadyExists: this very image under this tag.
            }
            Err(e) => return Err(api(Some(digest), None)(e)),
        }
    }
    Ok(())
}

async fn already_there(ends: CopyEnds<'_>, digest: Digest, tag: Option<&str>) -> bool {
    let id = tag.map_or(ImageId::Digest(digest), |t| ImageId::Tag(t.to_owned()));
    ecr::find_images(ends.target, ends.target_repo, &[id])
        .await
        .is_ok_and(|f| f.iter().any(|i| i.digest == digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_parts_close_lanes_and_fast_ones_open_them() {
        let l = Lanes::new(4);
        assert_eq!(l.lanes(), 4);
        l.learn(Duration::from_secs(10));
        assert_eq!(l.lanes(), 4, "neither slow nor fast");
        for expect in [3, 2, 1, 1] {
            l.learn(Duration::from_secs(45));
            assert_eq!(l.lanes(), expect);
        }
        l.learn(Duration::from_secs(1));
        assert_eq!(l.lanes(), 2);
        for _ in 0..10 {
            l.learn(Duration::from_millis(200));
        }
        assert_eq!(l.lanes(), 4, "never above the most");
        // Permits follow the count once the owed ones come back.
        assert_eq!(l.permits.available_permits(), 4);
    }
}
