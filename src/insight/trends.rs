//! What the trend charts draw, computed from the images loaded and the
//! snapshots' summaries (pure; the charts are in `trends_view.rs`):
//! pushes per week, critical and high findings across a repository's
//! versions, stored bytes over time. And [`decimate`], which keeps a line
//! of 100,000 points to a few per pixel column without losing its peaks.

use ecr_snapshot::file::Summary;

use crate::model::{FindingSeverityCounts, Image, Severity};

pub const WEEK_MS: i64 = 7 * 86_400_000;
/// Weeks shown at most (two years).
pub const WEEKS_MAX: i64 = 104;

/// The Monday 00:00 UTC on or before `ms` (1970-01-01 was a Thursday).
pub fn week_start(ms: i64) -> i64 {
    let monday_offset = 3 * 86_400_000;
    (ms + monday_offset).div_euclid(WEEK_MS) * WEEK_MS - monday_offset
}

/// Pushes per week, from the first week with a push (at most
/// [`WEEKS_MAX`] before `now`'s week) to `now`'s week, with the empty
/// weeks in between. An index's children are pushed with it: only
/// images that are not indexes count.
pub fn pushes_per_week<'a>(
    images: impl IntoIterator<Item = &'a Image>,
    now: i64,
) -> Vec<(i64, u32)> {
    let last = week_start(now);
    let first_allowed = last - (WEEKS_MAX - 1) * WEEK_MS;
    let mut counts = std::collections::BTreeMap::<i64, u32>::new();
    for i in images {
        if i.manifest.is_index() {
            continue;
        }
        let Some(t) = i.pushed_at else { continue };
        let w = week_start(t);
        if w < first_allowed || w > last {
            continue;
        }
        *counts.entry(w).or_default() += 1;
    }
    let Some((&first, _)) = counts.iter().next() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut w = first;
    while w <= last {
        out.push((w, counts.get(&w).copied().unwrap_or(0)));
        w += WEEK_MS;
    }
    out
}

/// One version of a repository: when it was pushed, its critical and high
/// findings, and what to call it on hover.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionPoint {
    pub pushed_at: i64,
    pub critical: u32,
    pub high: u32,
    pub label: String,
}

/// Every image (not an index) whose counts are known (`counts`), oldest
/// first, labelled by its tags (or its short digest when it has none).
pub fn findings_by_version(
    images: &[Image],
    counts: impl Fn(&Image) -> Option<FindingSeverityCounts>,
) -> Vec<VersionPoint> {
    let mut out: Vec<VersionPoint> = images
        .iter()
        .filter(|i| !i.manifest.is_index())
        .filter_map(|i| {
            let counts = counts(i)?;
            let label = if i.tags.is_empty() {
                i.digest.short()
            } else {
                i.tags.join(", ")
            };
            Some(VersionPoint {
                pushed_at: i.pushed_at?,
                critical: counts.get(Severity::Critical),
                high: counts.get(Severity::High),
                label,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.pushed_at
            .cmp(&b.pushed_at)
            .then_with(|| a.label.cmp(&b.label))
    });
    out
}

/// A registry's (or one repository's) stored bytes at each snapshot,
/// oldest first: (taken at, active, archived). Snapshots where the
/// repository was not read are skipped (no figure is not zero).
pub fn storage_over_time<'a>(
    summaries: impl IntoIterator<Item = &'a Summary>,
    registry: &str,
    repository: Option<&str>,
) -> Vec<(i64, u64, u64)> {
    let mut out: Vec<(i64, u64, u64)> = summaries
        .into_iter()
        .filter_map(|s| {
            let reg = s.registries.iter().find(|r| r.key == registry)?;
            let repos: Vec<_> = reg
                .repositories
                .iter()
                .filter(|r| repository.is_none_or(|n| r.name == n))
                .filter(|r| r.images_read)
                .collect();
            if repos.is_empty() {
                return None;
            }
            Some((
                s.taken_at,
                repos.iter().map(|r| r.active_bytes).sum(),
                repos.iter().map(|r| r.archived_bytes).sum(),
            ))
        })
        .collect();
    out.sort_by_key(|p| p.0);
    out
}

/// At most about `columns × 4` points with the same shape: the points
/// (sorted by x) fall into `columns` equal spans of x, and each span keeps
/// its first, lowest, highest and last point, in order. A spike one point
/// wide stays; fewer points than that are returned as they are.
pub fn decimate(points: &[[f64; 2]], columns: usize) -> Vec<[f64; 2]> {
    let columns = columns.max(1);
    if points.len() <= columns * 4 {
        return points.to_vec();
    }
    let (x0, x1) = (points[0][0], points[points.len() - 1][0]);
    let span = (x1 - x0).max(f64::MIN_POSITIVE);
    let column = |x: f64| (((x - x0) / span) * columns as f64).min(columns as f64 - 1.0) as usize;
    let mut out = Vec::with_capacity(columns * 4);
    let mut start = 0;
    while start < points.len() {
        let c = column(points[start][0]);
        let mut end = start + 1;
        while end < points.len() && column(points[end][0]) == c {
            end += 1;
        }
        let bucket = &points[start..end];
        let (mut lo, mut hi) = (0, 0);
        for (k, p) in bucket.iter().enumerate() {
            if p[1] < bucket[lo][1] {
                lo = k;
            }
            if p[1] > bucket[hi][1] {
                hi = k;
            }
        }
        let mut keep = vec![0, lo, hi, bucket.len() - 1];
        keep.sort_unstable();
        keep.dedup();
        out.extend(keep.into_iter().map(|k| bucket[k]));
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Digest, ImageStatus, ManifestKind};

    fn image(n: u32, pushed: i64, tags: &[&str], crit_high: Option<(u32, u32)>) -> Image {
        Image {
            digest: Digest::of_bytes(&n.to_le_bytes()),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            size_bytes: 1,
            pushed_at: Some(pushed),
            last_pull: None,
            manifest: ManifestKind::OciManifest,
            artifact_media_type: None,
            status: ImageStatus::Active,
            scan_status: None,
            severity_counts: crit_high.map(|(c, h)| FindingSeverityCounts([c, h, 0, 0, 0, 0])),
            archive: None,
        }
    }

    #[test]
    fn weeks_start_on_monday_and_empty_weeks_are_shown() {
        // 2026-12-07 is a Monday.
        let monday = 1_796_601_600_000;
        assert_eq!(ecr_core::time::rfc3339_ms(monday), "2026-12-07T00:00:00Z");
        assert_eq!(week_start(monday + 3 * 86_400_000 + 5), monday);
        assert_eq!(week_start(monday - 1), monday - WEEK_MS);
        let images = [
            image(1, monday - 2 * WEEK_MS + 10, &[], None),
            image(2, monday - 2 * WEEK_MS + 20, &[], None),
            image(3, monday + 10, &[], None),
        ];
        let w = pushes_per_week(&images, monday + 86_400_000);
        assert_eq!(
            w,
            [
                (monday - 2 * WEEK_MS, 2),
                (monday - WEEK_MS, 0),
                (monday, 1)
            ]
        );
        assert!(pushes_per_week(&[], monday).is_empty());
        // Older than two years: not drawn.
        let old = [image(4, monday - 200 * WEEK_MS, &[], None)];
        assert!(pushes_per_week(&old, monday).is_empty());
    }

    #[test]
    fn versions_are_the_scanned_images_oldest_first_labelled_by_tags() {
        let images = [
            image(1, 300, &["v2"], Some((1, 4))),
            image(2, 100, &["v1", "stable"], Some((3, 5))),
            image(3, 200, &[], None),
            image(4, 250, &[], Some((0, 1))),
        ];
        let v = findings_by_version(&images, |i| i.severity_counts);
        assert_eq!(v.len(), 3, "the unscanned image is not a point");
        assert_eq!(v[0].label, "v1, stable");
        assert_eq!((v[0].critical, v[0].high), (3, 5));
        assert_eq!(
            v[1].label,
            images[3].digest.short(),
            "untagged: its short digest"
        );
        assert_eq!(v[2].label, "v2");
    }

    #[test]
    fn decimation_keeps_peaks_and_order_and_bounds_the_count() {
        let mut pts: Vec<[f64; 2]> = (0..100_000).map(|i| [f64::from(i), 1.0]).collect();
        pts[54_321][1] = 99.0;
        pts[77_777][1] = -5.0;
        let d = decimate(&pts, 800);
        assert!(d.len() <= 800 * 4, "{}", d.len());
        assert!(d.contains(&[54_321.0, 99.0]), "the spike stays");
        assert!(d.contains(&[77_777.0, -5.0]), "the dip stays");
        assert!(d.windows(2).all(|w| w[0][0] <= w[1][0]), "in order");
        assert_eq!(d.first(), pts.first());
        assert_eq!(d.last(), pts.last());
        let few = [[0.0, 1.0], [1.0, 2.0]];
        assert_eq!(decimate(&few, 800), few);
    }

    #[test]
    fn storage_over_time_skips_snapshots_where_the_repository_was_not_read() {
        use ecr_snapshot::file::{RegistrySummary, RepoSummary};
        let snap = |t: i64, read: bool, bytes: u64| Summary {
            taken_at: t,
            app_version: String::new(),
            registries: vec![RegistrySummary {
                key: "k".into(),
                label: String::new(),
                repositories: vec![RepoSummary {
                    name: "web".into(),
                    images_read: read,
                    active_bytes: bytes,
                    ..RepoSummary::default()
                }],
            }],
        };
        let s = [snap(3, true, 30), snap(1, true, 10), snap(2, false, 0)];
        assert_eq!(
            storage_over_time(&s, "k", Some("web")),
            [(1, 10, 0), (3, 30, 0)]
        );
        assert!(storage_over_time(&s, "other", None).is_empty());
    }
}
