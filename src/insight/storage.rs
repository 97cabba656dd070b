//! A registry's storage and its monthly cost, from the image lists loaded
//! (DescribeImages' `imageSizeInBytes`, active and archived apart). What
//! the estimate assumes, said where it is shown: an image's size counts
//! in full even where images of one repository share layers (ECR's
//! listing gives no layer sizes without reading manifests, which a pull
//! would be), an image index counts nothing of its own (its children are
//! listed), and each repository's copy of a layer is billed (ECR keeps
//! layers per repository).

use ecr_core::cost::Prices;

use crate::model::{Image, ImageStatus};
use crate::state::RegistryState;

#[derive(Clone, Debug, PartialEq)]
pub struct RepoStorage {
    pub name: String,
    pub images: usize,
    pub active_bytes: u64,
    pub archived_bytes: u64,
    pub monthly: f64,
}

impl RepoStorage {
    pub fn bytes(&self) -> u64 {
        self.active_bytes + self.archived_bytes
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StorageReport {
    /// Largest first.
    pub rows: Vec<RepoStorage>,
    /// Repositories whose images are read, of all.
    pub read: usize,
    pub total: usize,
    pub active_bytes: u64,
    pub archived_bytes: u64,
    pub monthly: f64,
}

/// Bytes an image list holds: (active, archived, images counted).
pub fn sizes(images: &[Image]) -> (u64, u64, usize) {
    let mut active = 0u64;
    let mut archived = 0u64;
    let mut n = 0usize;
    for i in images.iter().filter(|i| !i.manifest.is_index()) {
        let b = u64::try_from(i.size_bytes).unwrap_or(0);
        n += 1;
        if i.status == ImageStatus::Archived {
            archived = archived.saturating_add(b);
        } else {
            active = active.saturating_add(b);
        }
    }
    (active, archived, n)
}

/// The report for what is loaded of `reg`.
pub fn report(reg: &RegistryState, prices: Prices) -> StorageReport {
    let names: Vec<&str> = reg
        .repositories
        .shown()
        .map(|rs| rs.iter().map(|r| r.name.as_str()).collect())
        .unwrap_or_default();
    let mut rows: Vec<RepoStorage> = names
        .iter()
        .filter_map(|n| {
            let list = reg.images.get(*n)?.list.shown()?;
            let (active, archived, images) = sizes(list);
            Some(RepoStorage {
                name: (*n).to_owned(),
                images,
                active_bytes: active,
                archived_bytes: archived,
                monthly: 0.0,
            })
        })
        .collect();
    let archived_total: u64 = rows.iter().map(|r| r.archived_bytes).sum();
    let rate = prices.archive_rate(archived_total as f64);
    for r in &mut rows {
        r.monthly = prices.standard(r.active_bytes as f64) + r.archived_bytes as f64 * rate;
    }
    rows.sort_by(|a, b| b.bytes().cmp(&a.bytes()).then_with(|| a.name.cmp(&b.name)));
    StorageReport {
        read: rows.len(),
        total: names.len(),
        active_bytes: rows.iter().map(|r| r.active_bytes).sum(),
        archived_bytes: archived_total,
        monthly: rows.iter().map(|r| r.monthly).sum(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Digest, ManifestKind, Repository};
    use crate::state::Requested;

    fn image(n: u8, bytes: i64, status: ImageStatus, index: bool) -> Image {
        Image {
            digest: Digest::of_bytes(&[n]),
            tags: Vec::new(),
            size_bytes: bytes,
            pushed_at: None,
            last_pull: None,
            manifest: if index {
                ManifestKind::OciIndex
            } else {
                ManifestKind::OciManifest
            },
            artifact_media_type: None,
            status,
            scan_status: None,
            severity_counts: None,
            archive: None,
        }
    }

    const GIB: i64 = 1 << 30;

    #[test]
    fn costs_for_known_sizes_and_prices() {
        let mut reg = RegistryState::new(crate::state::demo_spec());
        reg.repositories = Requested::Ready(
            ["big", "small", "unread"]
                .iter()
                .map(|n| Repository {
                    name: (*n).to_owned(),
                    arn: String::new(),
                    registry_id: String::new(),
                    uri: String::new(),
                    created_at: None,
                    tag_mutability: crate::model::TagMutabilitySetting::default(),
                    encryption: crate::model::Encryption::default(),
                    scan_on_push: false,
                })
                .collect(),
        );
        let big = crate::state::RepoImages {
            list: Requested::Ready(std::sync::Arc::new(vec![
                image(1, 8 * GIB, ImageStatus::Active, false),
                image(2, 2 * GIB, ImageStatus::Archived, false),
                // An index counts nothing of its own.
                image(3, 5 * GIB, ImageStatus::Active, true),
            ])),
            ..Default::default()
        };
        let small = crate::state::RepoImages {
            list: Requested::Ready(std::sync::Arc::new(vec![image(
                4,
                GIB / 2,
                ImageStatus::Active,
                false,
            )])),
            ..Default::default()
        };
        reg.images.insert("big".into(), big);
        reg.images.insert("small".into(), small);
        let prices = ecr_core::cost::prices_for("us-east-1");
        let r = report(&reg, prices);
        assert_eq!((r.read, r.total), (2, 3));
        assert_eq!(r.rows[0].name, "big");
        assert_eq!(r.rows[0].images, 2);
        assert_eq!(r.rows[0].active_bytes, 8 * GIB as u64);
        assert_eq!(r.rows[0].archived_bytes, 2 * GIB as u64);
        assert!(
            (r.rows[0].monthly - 1.00).abs() < 1e-9,
            "{}",
            r.rows[0].monthly
        );
        assert!((r.rows[1].monthly - 0.05).abs() < 1e-9);
        assert!((r.monthly - 1.05).abs() < 1e-9);
        // A price entered in Preferences.
        let r = report(&reg, prices.with_standard(Some(0.2)));
        assert!((r.monthly - 2.10).abs() < 1e-9);
    }
}
