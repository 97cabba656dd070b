//! The rows of the table: filtered and sorted on the UI thread for small repositories, on a thread of their own from 200,000 images (one job at a time; the table keeps the previous rows meanwhile).

use super::*;

#[derive(Debug)]
pub(super) struct RowsJob {
    pub(super) key: RowsKey,
    pub(super) rx: std::sync::mpsc::Receiver<RowsResult>,
}

/// Starts computing rows for `key` on a named thread over a snapshot (the
/// image list is shared, the small maps are copied).
pub(super) fn spawn_rows_job(
    ctx: &egui::Context,
    key: RowsKey,
    images: &std::sync::Arc<Vec<Image>>,
    ri: &crate::state::RepoImages,
    filter: &ImageFilter,
    expanded: &HashSet<Digest>,
) -> Option<RowsJob> {
    let snapshot = crate::state::RepoImages {
        list: Requested::Ready(images.clone()),
        platforms: ri.platforms.clone(),
        child_of: ri.child_of.clone(),
        scans: ri.scans.clone(),
        generation: ri.generation,
        ..Default::default()
    };
    let (filter, sort, expanded) = (filter.clone(), key.sort, expanded.clone());
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("ecrscope-rows".into())
        .spawn(move || {
            let list = snapshot.list.shown().cloned().unwrap_or_default();
            let rows = image_rows(&list, &snapshot, &filter, sort, &expanded);
            let _ = tx.send((rows, snapshot.totals()));
            ctx.request_repaint();
        });
    spawned.ok().map(|_| RowsJob { key, rx })
}

/// The rows for a key, and the totals line computed with them.
pub(super) type RowsCache = (RowsKey, std::sync::Arc<[ImageRow]>, Option<ImageTotals>);

#[derive(Clone, Debug, PartialEq)]
pub(super) struct RowsKey {
    pub(super) registry: crate::model::RegistryKey,
    pub(super) repo: String,
    pub(super) generation: u64,
    pub(super) len: usize,
    pub(super) filter: ImageFilter,
    pub(super) sort: ImageSort,
    pub(super) expanded: Vec<Digest>,
}

/// The rows to show and the totals line, recomputed only when something
/// that shapes them changed; from [`OFFLOAD_ROWS`] images on, off the UI
/// thread (the previous rows stay meanwhile).
pub(super) fn rows_for(
    ui: &Ui,
    state: &AppState,
    target: &RepoRef,
    view: &mut ImagesView,
    ri: &crate::state::RepoImages,
    images: &std::sync::Arc<Vec<Image>>,
) -> (std::sync::Arc<[ImageRow]>, Option<ImageTotals>) {
    let rows_key = RowsKey {
        repo: target.name.clone(),
        generation: ri.generation,
        len: images.len(),
        registry: target.key(),
        filter: view.filter.clone(),
        sort: state.settings.image_sort,
        expanded: view
            .expanded
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    // A finished background job lands first.
    if let Some(job) = &view.job {
        match job.rx.try_recv() {
            Ok((rows, totals)) => {
                view.cache = Some((job.key.clone(), rows.into(), totals));
                view.job = None;
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => view.job = None,
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
    }
    let stale = view.cache.as_ref().is_none_or(|(k, _, _)| *k != rows_key);
    if stale && images.len() < OFFLOAD_ROWS {
        let rows = image_rows(
            images,
            ri,
            &view.filter,
            state.settings.image_sort,
            &view.expanded,
        );
        // Totals walk every image: once per change, not once per frame.
        view.cache = Some((rows_key, rows.into(), ri.totals()));
    } else if stale && view.job.is_none() {
        // One job at a time: keystrokes and pages that arrive meanwhile are
        // folded into the next one.
        view.job = spawn_rows_job(ui.ctx(), rows_key, images, ri, &view.filter, &view.expanded);
    }
    let rows: std::sync::Arc<[ImageRow]> = view
        .cache
        .as_ref()
        .map_or_else(|| std::sync::Arc::from(Vec::new()), |(_, r, _)| r.clone());
    // Rows of an older, longer list while the new ones are computed: keep
    // only those that still point into the list.
    let shrunk = view
        .cache
        .as_ref()
        .is_some_and(|(k, _, _)| k.len > images.len());
    let rows = if shrunk {
        rows.iter()
            .filter(|r| r.index < images.len())
            .copied()
            .collect::<Vec<_>>()
            .into()
    } else {
        rows
    };
    (rows, view.cache.as_ref().and_then(|(_, _, t)| *t))
}
