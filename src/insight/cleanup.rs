//! Clean-up candidates over the repositories read, each group with its
//! count, bytes and the monthly cost it would save:
//! - untagged images that no index lists and that are not artifacts
//!   (a repository whose multi-arch indexes are not all read is left out
//!   of this group and counted apart: its untagged images may be an
//!   index's children, which must not go);
//! - images not pulled for N days (never pulled: pushed more than N days
//!   ago); ECR records the last pull about once a day, so a day's pulls
//!   may not show yet;
//! - archived images past archive's 90-day minimum (deleting earlier is
//!   billed for the 90 days anyway);
//! - images superseded by N newer images in each stream of tags they
//!   carry ([`stream`]: a tag up to its first digit, "v1.4.2" in "v",
//!   "build-812" in "build-"; git commits, 7 to 40 hex digits, one stream).
//!   A tag with no digit ("latest", "prod") is a pointer, not a version:
//!   an image carrying one is never superseded.

use ecr_core::cost::Prices;

use crate::model::{Image, ImageStatus};
use crate::state::{RegistryState, RepoImages};

const DAY_MS: i64 = 86_400_000;
/// Archive's minimum storage duration.
pub const ARCHIVE_MINIMUM_DAYS: i64 = 90;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Untagged,
    NotPulled(i64),
    ArchivedPastMinimum,
    /// Superseded by this many newer images in each of its tags' streams.
    Superseded(usize),
}

impl Group {
    pub fn label(self) -> String {
        match self {
            Self::Untagged => "Untagged, listed by no index, not an artifact".into(),
            Self::NotPulled(d) => format!("Not pulled for {d} days (never pulled: pushed before)"),
            Self::ArchivedPastMinimum => {
                format!("Archived more than {ARCHIVE_MINIMUM_DAYS} days ago (past the minimum)")
            }
            Self::Superseded(n) => {
                format!("Superseded by {n} newer images in each stream of their tags")
            }
        }
    }
}

/// A tag's stream: a git commit (7 to 40 hex digits, one digit at least)
/// is "#commit"; otherwise the tag up to its first digit ("v1.4.2" is in
/// "v", "build-812" in "build-"). `None`: no digit, a pointer ("latest").
pub fn stream(tag: &str) -> Option<&str> {
    let hex = (7..=40).contains(&tag.len())
        && tag.chars().all(|c| c.is_ascii_hexdigit())
        && tag.chars().any(|c| c.is_ascii_digit());
    if hex {
        return Some("#commit");
    }
    tag.find(|c: char| c.is_ascii_digit()).map(|at| &tag[..at])
}

/// The images of `list` superseded by `n` newer ones in every stream of
/// their tags (tagged images only; an image with a pointer tag stays).
pub fn superseded(list: &[Image], n: usize) -> std::collections::HashSet<crate::model::Digest> {
    use std::collections::HashMap;
    let mut by_stream: HashMap<&str, Vec<(i64, crate::model::Digest)>> = HashMap::new();
    for i in list.iter().filter(|i| !i.manifest.is_index()) {
        for t in &i.tags {
            if let Some(s) = stream(t) {
                by_stream
                    .entry(s)
                    .or_default()
                    .push((i.pushed_at.unwrap_or(i64::MAX), i.digest));
            }
        }
    }
    // Each image's fewest newer images over its streams.
    let mut newer: HashMap<crate::model::Digest, usize> = HashMap::new();
    for v in by_stream.values_mut() {
        v.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
        v.dedup_by_key(|x| x.1);
        for (rank, (_, d)) in v.iter().enumerate() {
            let e = newer.entry(*d).or_insert(usize::MAX);
            *e = (*e).min(rank);
        }
    }
    list.iter()
        .filter(|i| !i.manifest.is_index() && !i.tags.is_empty())
        .filter(|i| i.tags.iter().all(|t| stream(t).is_some()))
        .filter(|i| {
            newer
                .get(&i.digest)
                .is_some_and(|k| *k >= n && *k != usize::MAX)
        })
        .map(|i| i.digest)
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct RepoCandidates {
    pub name: String,
    pub bytes: u64,
    /// The images, as the actions (archive, delete, a lifecycle rule) take
    /// them.
    pub digests: Vec<crate::model::Digest>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupReport {
    pub group: Group,
    pub count: usize,
    pub bytes: u64,
    pub monthly: f64,
    /// Each repository's candidates, most bytes first.
    pub per_repo: Vec<RepoCandidates>,
    /// Repositories left out of this group (untagged: indexes not read).
    pub left_out: Vec<String>,
}

fn is_candidate(
    group: Group,
    i: &Image,
    ri: &RepoImages,
    now: i64,
    gone: &std::collections::HashSet<crate::model::Digest>,
) -> bool {
    if i.manifest.is_index() {
        return false;
    }
    match group {
        Group::Untagged => {
            i.tags.is_empty()
                && !ri.child_of.contains_key(&i.digest)
                && !crate::supply_chain::artifacts::is_artifact_config(
                    i.artifact_media_type.as_deref(),
                )
        }
        Group::NotPulled(days) => {
            i.status != ImageStatus::Archived
                && i.last_pull
                    .or(i.pushed_at)
                    .is_some_and(|t| now - t > days * DAY_MS)
        }
        Group::ArchivedPastMinimum => {
            i.status == ImageStatus::Archived
                && i.archived_at()
                    .is_some_and(|t| now - t > ARCHIVE_MINIMUM_DAYS * DAY_MS)
        }
        Group::Superseded(_) => gone.contains(&i.digest),
    }
}

/// Whether every index of the list has its children read.
fn indexes_read(list: &[Image], ri: &RepoImages) -> bool {
    list.iter()
        .filter(|i| i.manifest.is_index())
        .all(|i| ri.platforms.contains_key(&i.digest))
}

pub fn candidates(
    reg: &RegistryState,
    groups: &[Group],
    now: i64,
    prices: Prices,
) -> Vec<GroupReport> {
    let archived_total: f64 = reg
        .images
        .values()
        .filter_map(|ri| ri.list.shown())
        .flat_map(|l| l.iter())
        .filter(|i| i.status == ImageStatus::Archived && !i.manifest.is_index())
        .map(|i| i.size_bytes.max(0) as f64)
        .sum();
    let archive_rate = prices.archive_rate(archived_total);
    let standard_rate = prices.standard(1.0);
    groups
        .iter()
        .map(|&group| {
            let mut r = GroupReport {
                group,
                count: 0,
                bytes: 0,
                monthly: 0.0,
                per_repo: Vec::new(),
                left_out: Vec::new(),
            };
            let mut names: Vec<&String> = reg.images.keys().collect();
            names.sort();
            for name in names {
                let ri = &reg.images[name];
                let Some(list) = ri.list.shown() else {
                    continue;
                };
                if group == Group::Untagged && !indexes_read(list, ri) {
                    if list
                        .iter()
                        .any(|i| i.tags.is_empty() && !i.manifest.is_index())
                    {
                        r.left_out.push(name.clone());
                    }
                    continue;
                }
                let gone = match group {
                    Group::Superseded(n) => superseded(list, n),
                    _ => std::collections::HashSet::new(),
                };
                let mut digests = Vec::new();
                let mut b = 0u64;
                for i in list
                    .iter()
                    .filter(|i| is_candidate(group, i, ri, now, &gone))
                {
                    let bytes = u64::try_from(i.size_bytes).unwrap_or(0);
                    digests.push(i.digest);
                    b += bytes;
                    r.monthly += bytes as f64
                        * if i.status == ImageStatus::Archived {
                            archive_rate
                        } else {
                            standard_rate
                        };
                }
                if !digests.is_empty() {
                    r.count += digests.len();
                    r.bytes += b;
                    r.per_repo.push(RepoCandidates {
                        name: name.clone(),
                        bytes: b,
                        digests,
                    });
                }
            }
            r.per_repo
                .sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArchiveTimes, Digest, ManifestKind};
    use crate::state::Requested;

    const NOW: i64 = 1_800_000_000_000;

    fn img(n: u8, tags: &[&str], gib: i64, kind: ManifestKind) -> Image {
        Image {
            digest: Digest::of_bytes(&[n]),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            size_bytes: gib << 30,
            pushed_at: Some(NOW - 200 * DAY_MS),
            last_pull: None,
            manifest: kind,
            artifact_media_type: None,
            status: ImageStatus::Active,
            scan_status: None,
            severity_counts: None,
            archive: None,
        }
    }

    #[test]
    fn streams_and_what_they_supersede() {
        assert_eq!(stream("v1.4.2"), Some("v"));
        assert_eq!(stream("build-812"), Some("build-"));
        assert_eq!(stream("3f2a9c1"), Some("#commit"));
        assert_eq!(
            stream("3f2a9c1e5d0b8a7f6c4e3d2b1a0f9e8d7c6b5a49"),
            Some("#commit")
        );
        assert_eq!(stream("deadbeef"), None, "no digit: a word, not a commit");
        assert_eq!(stream("latest"), None);
        assert_eq!(stream("1.2.3"), Some(""));
        let at = |n: u8, tags: &[&str], day: i64| {
            let mut i = img(n, tags, 1, ManifestKind::OciManifest);
            i.pushed_at = Some(NOW - day * DAY_MS);
            i
        };
        let list = vec![
            at(1, &["v1"], 5),
            at(2, &["v2"], 4),
            at(3, &["v3", "3f2a9c1"], 3),
            at(4, &["v4", "latest"], 2),
            at(5, &["v5", "a1b2c3d"], 1),
            at(6, &[], 9),
        ];
        // Two newer in the "v" stream: v1, v2 (v3 has only one newer commit).
        let s = superseded(&list, 2);
        assert!(s.contains(&list[0].digest) && s.contains(&list[1].digest));
        assert!(!s.contains(&list[2].digest), "one newer commit only");
        assert!(!s.contains(&list[3].digest), "latest keeps it");
        assert!(!s.contains(&list[5].digest), "untagged: its own group");
        assert_eq!(s.len(), 2);
        assert!(
            superseded(&list, 0).len() == 4,
            "n = 0: every versioned image"
        );
    }

    #[test]
    fn exact_lists_per_group() {
        let mut reg = RegistryState::new(crate::state::demo_spec());
        // "app": an index with one child read, an untagged orphan, a
        // signature, a recently pulled image, an archived image.
        let index = img(1, &["v1"], 0, ManifestKind::OciIndex);
        let child = img(2, &[], 1, ManifestKind::OciManifest);
        let orphan = img(3, &[], 2, ManifestKind::OciManifest);
        let mut sig = img(4, &[], 1, ManifestKind::OciManifest);
        sig.artifact_media_type = Some("application/vnd.dev.cosign.artifact.sig.v1+json".into());
        let mut pulled = img(5, &["v2"], 4, ManifestKind::OciManifest);
        pulled.last_pull = Some(NOW - 2 * DAY_MS);
        let mut old_archive = img(6, &["v0"], 8, ManifestKind::OciManifest);
        old_archive.status = ImageStatus::Archived;
        old_archive.archive = Some(Box::new(ArchiveTimes {
            archived_at: Some(NOW - 120 * DAY_MS),
            activated_at: None,
        }));
        let mut app = RepoImages {
            list: Requested::Ready(std::sync::Arc::new(vec![
                index.clone(),
                child.clone(),
                orphan,
                sig,
                pulled,
                old_archive,
            ])),
            ..Default::default()
        };
        app.set_platforms(
            index.digest,
            vec![(
                child.digest,
                crate::model::manifest::Platform {
                    os: "linux".into(),
                    architecture: "amd64".into(),
                    variant: None,
                },
            )],
        );
        reg.images.insert("app".into(), app);
        // "multi": an index not read: its untagged image is left out.
        let multi = RepoImages {
            list: Requested::Ready(std::sync::Arc::new(vec![
                img(7, &["v1"], 0, ManifestKind::OciIndex),
                img(8, &[], 1, ManifestKind::OciManifest),
            ])),
            ..Default::default()
        };
        reg.images.insert("multi".into(), multi);
        let groups = [
            Group::Untagged,
            Group::NotPulled(90),
            Group::ArchivedPastMinimum,
        ];
        let r = candidates(&reg, &groups, NOW, ecr_core::cost::prices_for("us-east-1"));
        assert_eq!((r[0].count, r[0].bytes), (1, 2 << 30), "the orphan only");
        assert_eq!(r[0].left_out, ["multi"]);
        assert!((r[0].monthly - 0.2).abs() < 1e-9);
        // Not pulled for 90 days: the child, the orphan and the signature
        // in app (pushed 200 days ago, never pulled), and multi's image.
        assert_eq!(r[1].count, 4);
        let app = &r[1].per_repo[0];
        assert_eq!((app.name.as_str(), app.bytes), ("app", 4 << 30));
        assert_eq!(
            app.digests,
            [child.digest, Digest::of_bytes(&[3]), Digest::of_bytes(&[4])],
            "the exact images, as an action takes them"
        );
        assert_eq!((r[2].count, r[2].bytes), (1, 8 << 30));
    }
}
