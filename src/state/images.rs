//! Images of one repository: the streamed listing, multi-arch structure,
//! per-image scan summaries and details, and the pure function that turns
//! them into table rows.

use std::collections::{HashMap, HashSet};

use crate::model::manifest::Platform;
use crate::model::{Digest, Image, ImageDetailDoc, ImageStatus, ScanSummary, Severity};
use crate::settings::{ImageColumn, ImageSort};

use super::Requested;

/// One repository's images and what was learned about them.
#[derive(Debug, Default)]
pub struct RepoImages {
    /// Shared, so a background job can sort a very large list while the
    /// table keeps drawing (see `ui::images`).
    pub list: Requested<std::sync::Arc<Vec<Image>>>,
    /// Index digest -> its children (digest, platform), from the index manifests.
    pub platforms: HashMap<Digest, Vec<(Digest, Platform)>>,
    /// Child digest -> the index that lists it.
    pub child_of: HashMap<Digest, Digest>,
    /// Indexes whose platforms were asked for (BatchGetImage), so they are
    /// read once.
    pub platforms_asked: HashSet<Digest>,
    pub scans: HashMap<Digest, Requested<ScanSummary>>,
    pub details: HashMap<Digest, Requested<ImageDetailDoc>>,
    /// Full scan reports (all findings), by image.
    pub findings: HashMap<Digest, Requested<crate::model::ScanReport>>,
    /// Referrers (signatures, SBOMs, attestations) by subject, from
    /// ListImageReferrers, for the images asked about.
    pub referrers: HashMap<Digest, Requested<Vec<crate::model::Referrer>>>,
    /// ECR managed signing's status of the images opened.
    pub signing: HashMap<Digest, Requested<Vec<crate::model::ImageSigning>>>,
    /// Replication status in each destination, of the images opened.
    pub replication: HashMap<Digest, Requested<Vec<crate::model::ReplicationStatus>>>,
    /// What artifacts say (signatures, SBOMs, provenance), once opened.
    pub artifact_docs: HashMap<Digest, Requested<crate::model::ArtifactDoc>>,
    /// (generation, whether the list may hold referrers at all), so the
    /// list is not scanned every frame.
    pub referrer_hint: (u64, bool),
    /// Bumped whenever rows may change; views cache their rows by it.
    pub generation: u64,
}

impl RepoImages {
    pub fn set_platforms(&mut self, index: Digest, children: Vec<(Digest, Platform)>) {
        for (c, _) in &children {
            // An index listed as a child of itself (or of one of its own
            // children) would hide or nest forever: ignore such entries.
            if *c != index && self.child_of.get(&index) != Some(c) {
                self.child_of.insert(*c, index);
            }
        }
        self.platforms.insert(index, children);
        self.generation += 1;
    }

    /// Replaces the rows of `digests` with `found` (a digest asked for and
    /// not found is gone and leaves). Whether anything changed.
    pub fn replace_rows(&mut self, digests: &[Digest], found: &[Image]) -> bool {
        let Some(list) = self.list.shown_mut() else {
            return false;
        };
        let before = list.len();
        let mut changed = false;
        let rows = std::sync::Arc::make_mut(list);
        rows.retain(|i| !digests.contains(&i.digest) || found.iter().any(|f| f.digest == i.digest));
        for row in rows.iter_mut() {
            if let Some(f) = found.iter().find(|f| f.digest == row.digest)
                && f != row
            {
                *row = f.clone();
                changed = true;
            }
        }
        changed || rows.len() != before
    }

    /// Images the table can sum: top-level only (children are counted in
    /// their index's layers, and an index's own size is just its manifest),
    /// split by status.
    pub fn totals(&self) -> Option<ImageTotals> {
        let list = self.list.shown()?;
        let mut t = ImageTotals::default();
        for i in list.iter() {
            let slot = match i.status {
                ImageStatus::Archived => &mut t.archived,
                ImageStatus::Activating => &mut t.activating,
                ImageStatus::Active | ImageStatus::Other => &mut t.active,
            };
            if !self.child_of.contains_key(&i.digest) {
                slot.0 += 1;
            }
            if !i.manifest.is_index() {
                slot.1 = slot.1.saturating_add(i.size_bytes);
            } else if i.status == ImageStatus::Active {
                t.active_indexes += 1;
            }
        }
        Some(t)
    }

    /// About how many active indexes have not had their platforms read or
    /// asked for, from totals computed once per change (never a walk of the
    /// whole list per frame: at a million images that walk was most of a
    /// frame). The click that reads them counts exactly.
    pub fn ungrouped_estimate(&self, totals: &ImageTotals) -> usize {
        let grouped = self.platforms.len().max(self.platforms_asked.len());
        totals.active_indexes.saturating_sub(grouped)
    }
}

/// Image count and stored bytes by status: (images, bytes) each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImageTotals {
    pub active: (usize, i64),
    pub archived: (usize, i64),
    pub activating: (usize, i64),
    /// Active multi-arch indexes.
    pub active_indexes: usize,
}

impl ImageTotals {
    pub fn images(&self) -> usize {
        self.active
            .0
            .saturating_add(self.archived.0)
            .saturating_add(self.activating.0)
    }

    pub fn bytes(&self) -> i64 {
        self.active
            .1
            .saturating_add(self.archived.1)
            .saturating_add(self.activating.1)
    }

    pub fn of(&self, s: ImageStatus) -> (usize, i64) {
        match s {
            ImageStatus::Archived => self.archived,
            ImageStatus::Activating => self.activating,
            ImageStatus::Active | ImageStatus::Other => self.active,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFilter {
    /// Matches a tag substring or a digest prefix (with or without `sha256:`).
    pub text: String,
    pub show_untagged: bool,
    /// Statuses whose images are hidden (the status chips).
    pub hidden: Vec<ImageStatus>,
    /// Only images without a signature (the audit question).
    pub unsigned_only: bool,
}

impl Default for ImageFilter {
    fn default() -> Self {
        Self {
            text: String::new(),
            show_untagged: true,
            hidden: Vec::new(),
            unsigned_only: false,
        }
    }
}

impl ImageFilter {
    /// Shows or hides a status's images.
    pub fn toggle(&mut self, s: ImageStatus) {
        if let Some(i) = self.hidden.iter().position(|h| *h == s) {
            self.hidden.remove(i);
        } else {
            self.hidden.push(s);
        }
    }

    fn matches(&self, img: &Image, needle: &str, hex_needle: Option<&HexPrefix>) -> bool {
        if !self.show_untagged && img.tags.is_empty() {
            return false;
        }
        if self.hidden.contains(&img.status) {
            return false;
        }
        if needle.is_empty() {
            return true;
        }
        img.tags
            .iter()
            .any(|t| contains_ignore_ascii_case(t, needle))
            || hex_needle.is_some_and(|h| h.matches(&img.digest))
    }
}

/// Case-insensitive substring test without allocating (`needle` is already
/// lowercase): a keystroke over 100,000 images must not allocate per image.
fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.len() <= h.len()
        && h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// A digest prefix as nibbles, compared against the 32 digest bytes directly.
struct HexPrefix(Vec<u8>);

impl HexPrefix {
    fn parse(s: &str) -> Option<Self> {
        if s.is_empty() || s.len() > 64 {
            return None;
        }
        s.chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<Vec<u8>>>()
            .map(Self)
    }

    fn matches(&self, d: &Digest) -> bool {
        self.0.iter().enumerate().all(|(i, nib)| {
            let byte = d.0[i / 2];
            let have = if i % 2 == 0 { byte >> 4 } else { byte & 0x0f };
            have == *nib
        })
    }
}

/// A table row: an image, possibly nested under its index, or an artifact
/// (signature, SBOM, attestation) nested under the image it describes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImageRow {
    pub index: usize,
    pub depth: u8,
    /// This row is an artifact of the image above it.
    pub artifact: Option<crate::supply_chain::artifacts::ArtifactKind>,
    /// What this image carries (its artifacts in the list).
    pub carried: crate::supply_chain::artifacts::Carried,
}

/// Rows to show: top-level images filtered and sorted; each expanded index
/// followed by its children (in the index's platform order).
pub fn image_rows(
    images: &[Image],
    repo: &RepoImages,
    filter: &ImageFilter,
    sort: ImageSort,
    expanded: &HashSet<Digest>,
) -> Vec<ImageRow> {
    let needle = filter.text.trim().to_ascii_lowercase();
    let hex_needle = HexPrefix::parse(needle.strip_prefix("sha256:").unwrap_or(&needle));
    let hex_needle = hex_needle.as_ref();
    // Cosign's tag scheme: artifacts nest under the image they describe.
    let refs = crate::supply_chain::artifacts::referrers(images, &repo.referrers);
    let mut top: Vec<usize> = (0..images.len())
        .filter(|&i| !repo.child_of.contains_key(&images[i].digest))
        .filter(|&i| !refs.is_nested(i))
        .filter(|&i| !filter.unsigned_only || refs.carried(&images[i].digest).signatures == 0)
        .filter(|&i| filter.matches(&images[i], &needle, hex_needle))
        .collect();
    let count = |i: usize, s: Severity| -> i64 {
        let d = images[i].digest;
        repo.scans
            .get(&d)
            .and_then(Requested::shown)
            .map(|s2| i64::from(s2.counts.get(s)))
            .or_else(|| images[i].severity_counts.map(|c| i64::from(c.get(s))))
            .unwrap_or(-1)
    };
    match sort.column {
        ImageColumn::Tags => {
            top.sort_by(|&a, &b| images[a].tags.first().cmp(&images[b].tags.first()))
        }
        ImageColumn::Digest => top.sort_by_key(|&i| images[i].digest),
        ImageColumn::Size => top.sort_by_key(|&i| images[i].size_bytes),
        ImageColumn::Pushed => top.sort_by_key(|&i| images[i].pushed_at),
        ImageColumn::LastPull => top.sort_by_key(|&i| images[i].last_pull),
        ImageColumn::Type => top.sort_by_key(|&i| images[i].manifest.label()),
        ImageColumn::Status => top.sort_by_key(|&i| status_rank(images[i].status)),
        ImageColumn::Critical => {
            top.sort_by_key(|&i| (count(i, Severity::Critical), count(i, Severity::High)))
        }
        ImageColumn::High => {
            top.sort_by_key(|&i| (count(i, Severity::High), count(i, Severity::Critical)))
        }
    }
    if !sort.ascending {
        top.reverse();
    }
    let by_digest: HashMap<Digest, usize> = if expanded.is_empty() {
        HashMap::new()
    } else {
        images
            .iter()
            .enumerate()
            .map(|(i, img)| (img.digest, i))
            .collect()
    };
    let mut rows = Vec::with_capacity(top.len());
    for i in top {
        let d = images[i].digest;
        rows.push(ImageRow {
            index: i,
            depth: 0,
            carried: refs.carried(&d),
            ..ImageRow::default()
        });
        if expanded.contains(&d) {
            for (child, _) in repo
                .platforms
                .get(&d)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if let Some(&ci) = by_digest.get(child) {
                    rows.push(ImageRow {
                        index: ci,
                        depth: 1,
                        ..ImageRow::default()
                    });
                }
            }
            for &(ai, kind) in refs
                .by_subject
                .get(&d)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let ad = images[ai].digest;
                rows.push(ImageRow {
                    index: ai,
                    depth: 1,
                    artifact: Some(kind),
                    carried: refs.carried(&ad),
                });
                // An artifact's own artifacts (a signature of an SBOM).
                for &(bi, kind) in refs
                    .by_subject
                    .get(&ad)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    rows.push(ImageRow {
                        index: bi,
                        depth: 2,
                        artifact: Some(kind),
                        ..ImageRow::default()
                    });
                }
            }
        }
    }
    rows
}

fn status_rank(s: ImageStatus) -> u8 {
    match s {
        ImageStatus::Active => 0,
        ImageStatus::Activating => 1,
        ImageStatus::Archived => 2,
        ImageStatus::Other => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FindingSeverityCounts, ManifestKind, ScanStatus};

    fn img(n: u8, tags: &[&str], size: i64, pushed: i64, kind: ManifestKind) -> Image {
        let mut d = [0u8; 32];
        d[0] = n;
        Image {
            digest: Digest(d),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            size_bytes: size,
            pushed_at: Some(pushed),
            last_pull: None,
            manifest: kind,
            artifact_media_type: None,
            status: ImageStatus::Active,
            scan_status: None,
            severity_counts: None,
            archive: None,
        }
    }

    fn fixture() -> (Vec<Image>, RepoImages) {
        let images = vec![
            img(1, &["v1"], 100, 10, ManifestKind::OciManifest),
            img(2, &["v2", "latest"], 300, 30, ManifestKind::OciIndex),
            img(3, &[], 200, 30, ManifestKind::OciManifest), // child of 2
            img(4, &[], 250, 30, ManifestKind::OciManifest), // child of 2
            img(5, &[], 50, 5, ManifestKind::OciManifest),   // loose untagged
        ];
        let mut repo = RepoImages::default();
        let p = |a: &str| Platform {
            os: "linux".into(),
            architecture: a.into(),
            variant: None,
        };
        repo.set_platforms(
            images[1].digest,
            vec![
                (images[3].digest, p("arm64")),
                (images[2].digest, p("amd64")),
            ],
        );
        (images, repo)
    }

    #[test]
    fn signatures_and_sboms_nest_under_their_image_and_unsigned_filters() {
        let (mut images, repo) = fixture();
        let v1 = images[0].digest.hex();
        images.push(img(
            6,
            &[&format!("sha256-{v1}.sig")],
            1,
            40,
            ManifestKind::OciManifest,
        ));
        images.push(img(
            7,
            &[&format!("sha256-{v1}.sbom")],
            1,
            40,
            ManifestKind::OciManifest,
        ));
        let sort = ImageSort::default();
        let rows = image_rows(
            &images,
            &repo,
            &ImageFilter::default(),
            sort,
            &HashSet::new(),
        );
        assert!(
            rows.iter().all(|r| r.index != 5 && r.index != 6),
            "artifacts are not loose rows"
        );
        let v1_row = rows.iter().find(|r| r.index == 0).expect("v1");
        assert_eq!(v1_row.carried.summary(), "signed · SBOM");
        let open: HashSet<Digest> = [images[0].digest].into();
        let rows = image_rows(&images, &repo, &ImageFilter::default(), sort, &open);
        let at = rows.iter().position(|r| r.index == 0).expect("v1");
        let kinds: Vec<_> = rows[at + 1..at + 3]
            .iter()
            .map(|r| (r.depth, r.artifact))
            .collect();
        use crate::supply_chain::artifacts::ArtifactKind;
        assert_eq!(
            kinds,
            [
                (1, Some(ArtifactKind::Signature)),
                (1, Some(ArtifactKind::Sbom))
            ]
        );
        let unsigned = ImageFilter {
            unsigned_only: true,
            ..ImageFilter::default()
        };
        let rows = image_rows(&images, &repo, &unsigned, sort, &HashSet::new());
        assert!(
            rows.iter().all(|r| r.index != 0),
            "the signed image is filtered out"
        );
        assert!(rows.iter().any(|r| r.index == 1), "unsigned ones stay");
    }

    fn idx(rows: &[ImageRow]) -> Vec<(usize, u8)> {
        rows.iter().map(|r| (r.index, r.depth)).collect()
    }

    #[test]
    fn children_nest_under_their_index_not_as_loose_rows() {
        let (images, repo) = fixture();
        let rows = image_rows(
            &images,
            &repo,
            &ImageFilter::default(),
            ImageSort::default(),
            &HashSet::new(),
        );
        assert_eq!(
            idx(&rows),
            [(1, 0), (0, 0), (4, 0)],
            "newest first; children hidden while collapsed"
        );
        let expanded: HashSet<Digest> = [images[1].digest].into();
        let rows = image_rows(
            &images,
            &repo,
            &ImageFilter::default(),
            ImageSort::default(),
            &expanded,
        );
        assert_eq!(
            idx(&rows),
            [(1, 0), (3, 1), (2, 1), (0, 0), (4, 0)],
            "children in the index's order"
        );
    }

    #[test]
    fn search_by_tag_or_digest_prefix_and_hide_untagged() {
        let (images, repo) = fixture();
        let f = ImageFilter {
            text: "LATE".into(),
            show_untagged: true,
            hidden: Vec::new(),
            unsigned_only: false,
        };
        assert_eq!(
            idx(&image_rows(
                &images,
                &repo,
                &f,
                ImageSort::default(),
                &HashSet::new()
            )),
            [(1, 0)]
        );
        let f = ImageFilter {
            text: format!("sha256:{}", &images[4].digest.hex()[..6]),
            show_untagged: true,
            hidden: Vec::new(),
            unsigned_only: false,
        };
        assert_eq!(
            idx(&image_rows(
                &images,
                &repo,
                &f,
                ImageSort::default(),
                &HashSet::new()
            )),
            [(4, 0)]
        );
        let f = ImageFilter {
            text: String::new(),
            show_untagged: false,
            hidden: Vec::new(),
            unsigned_only: false,
        };
        assert_eq!(
            idx(&image_rows(
                &images,
                &repo,
                &f,
                ImageSort::default(),
                &HashSet::new()
            )),
            [(1, 0), (0, 0)]
        );
    }

    #[test]
    fn sort_by_size_and_by_critical_count() {
        let (images, mut repo) = fixture();
        let by_size = ImageSort::default().clicked(ImageColumn::Size);
        assert!(!by_size.ascending, "sizes sort largest first");
        assert_eq!(
            idx(&image_rows(
                &images,
                &repo,
                &ImageFilter::default(),
                by_size,
                &HashSet::new()
            )),
            [(1, 0), (0, 0), (4, 0)]
        );
        let mut c = FindingSeverityCounts::default();
        c.add(Severity::Critical, 2);
        repo.scans.insert(
            images[4].digest,
            Requested::Ready(ScanSummary {
                status: Some(ScanStatus::Complete),
                counts: c,
                never_scanned: false,
            }),
        );
        let by_crit = ImageSort::default().clicked(ImageColumn::Critical);
        assert_eq!(
            image_rows(
                &images,
                &repo,
                &ImageFilter::default(),
                by_crit,
                &HashSet::new()
            )[0]
            .index,
            4
        );
    }

    #[test]
    fn matching_helpers() {
        assert!(contains_ignore_ascii_case("Release-V2", "v2"));
        assert!(!contains_ignore_ascii_case("v1", "v12"));
        let d = Digest::parse(
            "sha256:ab12000000000000000000000000000000000000000000000000000000000000",
        )
        .expect("digest");
        assert!(HexPrefix::parse("ab1").is_some_and(|h| h.matches(&d)));
        assert!(!HexPrefix::parse("ab2").is_some_and(|h| h.matches(&d)));
        assert!(HexPrefix::parse("xyz").is_none());
    }

    #[test]
    fn totals_skip_children_and_index_sizes() {
        let (images, mut repo) = fixture();
        repo.list = Requested::Ready(images.into());
        let t = repo.totals().expect("totals");
        assert_eq!((t.images(), t.bytes()), (3, 100 + 200 + 250 + 50));
    }

    #[test]
    fn totals_and_chips_tell_archived_images_apart() {
        let (mut images, mut repo) = fixture();
        images[1].status = ImageStatus::Archived;
        images[0].status = ImageStatus::Activating;
        repo.list = Requested::Ready(images.clone().into());
        let t = repo.totals().expect("totals");
        assert_eq!(t.images(), 3, "every status counts");
        assert_eq!(t.of(ImageStatus::Archived).0, 1);
        assert_eq!(t.of(ImageStatus::Activating).0, 1);
        let mut f = ImageFilter::default();
        f.toggle(ImageStatus::Archived);
        let rows = image_rows(&images, &repo, &f, ImageSort::default(), &HashSet::new());
        assert!(
            rows.iter()
                .all(|r| images[r.index].status != ImageStatus::Archived)
        );
        f.toggle(ImageStatus::Archived);
        assert!(f.hidden.is_empty(), "a second click shows them again");
    }
}
