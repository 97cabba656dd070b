//! Findings summed up above the image: the worst severity across a
//! repository's tagged images, and the registry's images with CRITICAL or
//! HIGH findings. Built from what is loaded; nothing here asks the network.

use crate::model::{Digest, EpochMillis, FindingSeverityCounts, Severity};

use super::{RegistryState, RepoImages, Requested};

/// One repository's findings, as far as they are known.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RepoSecurity {
    /// Tagged single-platform images (an index has no scan of its own).
    pub tagged: usize,
    /// Of those, the ones whose scan summary is known.
    pub checked: usize,
    /// Worst severity among the checked images; `None` when none has findings.
    pub worst: Option<Severity>,
}

impl RepoSecurity {
    pub fn complete(&self) -> bool {
        self.checked == self.tagged
    }
}

/// An image with CRITICAL or HIGH findings.
#[derive(Clone, Debug, PartialEq)]
pub struct Flagged {
    pub repository: String,
    pub digest: Digest,
    pub tags: Vec<String>,
    pub critical: u32,
    pub high: u32,
    pub pushed_at: Option<EpochMillis>,
}

/// The registry's dashboard.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegistrySecurity {
    pub repositories: usize,
    /// Repositories whose image list is loaded.
    pub repositories_loaded: usize,
    pub tagged: usize,
    pub checked: usize,
    /// Worst first: most CRITICAL, then most HIGH, then newest.
    pub flagged: Vec<Flagged>,
}

/// The counts known for an image: its own summary, or the one DescribeImages
/// carried (enhanced scanning, older basic scanning).
fn known_counts(ri: &RepoImages, img: &crate::model::Image) -> Option<FindingSeverityCounts> {
    match ri.scans.get(&img.digest).and_then(Requested::shown) {
        Some(s) if s.never_scanned => Some(FindingSeverityCounts::default()),
        Some(s) => Some(s.counts),
        None => img.severity_counts,
    }
}

/// Whether an image counts for the summaries: tagged, not an index.
pub fn summarised(img: &crate::model::Image) -> bool {
    !img.tags.is_empty() && !img.manifest.is_index()
}

pub fn repo_security(ri: &RepoImages) -> RepoSecurity {
    let mut out = RepoSecurity::default();
    for img in ri
        .list
        .shown()
        .into_iter()
        .flat_map(|l| l.iter())
        .filter(|i| summarised(i))
    {
        out.tagged += 1;
        if let Some(c) = known_counts(ri, img) {
            out.checked += 1;
            out.worst = match (out.worst, c.worst()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
    out
}

pub fn registry_security(reg: &RegistryState) -> RegistrySecurity {
    let mut out = RegistrySecurity {
        repositories: reg.repositories.shown().map_or(0, Vec::len),
        ..RegistrySecurity::default()
    };
    for (name, ri) in &reg.images {
        let Some(list) = ri.list.shown() else {
            continue;
        };
        if !ri.list.is_loading() {
            out.repositories_loaded += 1;
        }
        for img in list.iter().filter(|i| summarised(i)) {
            out.tagged += 1;
            let Some(c) = known_counts(ri, img) else {
                continue;
            };
            out.checked += 1;
            let (critical, high) = (c.get(Severity::Critical), c.get(Severity::High));
            if critical.saturating_add(high) > 0 {
                out.flagged.push(Flagged {
                    repository: name.clone(),
                    digest: img.digest,
                    tags: img.tags.clone(),
                    critical,
                    high,
                    pushed_at: img.pushed_at,
                });
            }
        }
    }
    out.flagged.sort_by(|a, b| {
        b.critical
            .cmp(&a.critical)
            .then(b.high.cmp(&a.high))
            .then(b.pushed_at.cmp(&a.pushed_at))
            .then(a.repository.cmp(&b.repository))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ScanSummary;
    use crate::model::{Image, ImageStatus, ManifestKind};

    fn img(n: u8, tags: &[&str]) -> Image {
        Image {
            digest: Digest([n; 32]),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            size_bytes: 1,
            pushed_at: Some(i64::from(n)),
            last_pull: None,
            manifest: ManifestKind::OciManifest,
            artifact_media_type: None,
            status: ImageStatus::Active,
            scan_status: None,
            severity_counts: None,
            archive: None,
        }
    }

    fn counts(c: u32, h: u32, l: u32) -> ScanSummary {
        let mut s = ScanSummary::default();
        s.counts.add(Severity::Critical, c);
        s.counts.add(Severity::High, h);
        s.counts.add(Severity::Low, l);
        s
    }

    fn repo(images: Vec<Image>, scans: &[(u8, ScanSummary)]) -> RepoImages {
        let mut ri = RepoImages {
            list: Requested::Ready(images.into()),
            ..RepoImages::default()
        };
        for (n, s) in scans {
            ri.scans
                .insert(Digest([*n; 32]), Requested::Ready(s.clone()));
        }
        ri
    }

    #[test]
    fn worst_severity_over_tagged_images_only() {
        let ri = repo(
            vec![img(1, &["a"]), img(2, &["b"]), img(3, &[])],
            &[(1, counts(0, 0, 2)), (3, counts(5, 0, 0))],
        );
        let s = repo_security(&ri);
        assert_eq!((s.tagged, s.checked), (2, 1));
        assert_eq!(
            s.worst,
            Some(Severity::Low),
            "the untagged CRITICAL does not count"
        );
        assert!(!s.complete());
    }

    #[test]
    fn never_scanned_counts_as_checked_and_clean() {
        let ri = repo(
            vec![img(1, &["a"])],
            &[(
                1,
                ScanSummary {
                    never_scanned: true,
                    ..ScanSummary::default()
                },
            )],
        );
        let s = repo_security(&ri);
        assert!(s.complete());
        assert_eq!(s.worst, None);
    }

    #[test]
    fn registry_lists_critical_and_high_images_worst_first() {
        let mut reg = RegistryState::new(crate::state::demo_spec());
        reg.repositories = Requested::Ready(Vec::new());
        reg.images.insert(
            "web".into(),
            repo(
                vec![img(1, &["v1"]), img(2, &["v2"]), img(4, &["v4"])],
                &[
                    (1, counts(0, 3, 0)),
                    (2, counts(1, 0, 0)),
                    (4, counts(0, 0, 9)),
                ],
            ),
        );
        reg.images.insert(
            "api".into(),
            repo(vec![img(5, &["x"])], &[(5, counts(0, 3, 0))]),
        );
        let s = registry_security(&reg);
        assert_eq!((s.tagged, s.checked, s.repositories_loaded), (4, 4, 2));
        let order: Vec<(&str, u32, u32)> = s
            .flagged
            .iter()
            .map(|f| (f.repository.as_str(), f.critical, f.high))
            .collect();
        assert_eq!(order, [("web", 1, 0), ("api", 0, 3), ("web", 0, 3)]);
    }
}
