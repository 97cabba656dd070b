//! What a lifecycle policy's preview would save: the bytes each rule
//! expires or archives (sizes from the image list loaded) and the monthly
//! cost that goes away. Archiving moves bytes to the archive class, which
//! costs the same below 150 TB (the source's prices): it saves nothing
//! there, and a restore costs per GB; said where it is shown.

use std::collections::{BTreeMap, HashMap};

use ecr_core::cost::Prices;

use crate::model::{Digest, Image, ImageStatus, LifecyclePreviewResult};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleSaving {
    pub expire_bytes: u64,
    pub archive_bytes: u64,
    /// Images of the preview whose size is not in the list loaded.
    pub unknown: usize,
    pub monthly: f64,
}

/// Per rule priority (`None`: ECR named no rule), and the total.
pub fn preview_savings(
    results: &[LifecyclePreviewResult],
    images: &[Image],
    prices: Prices,
) -> (BTreeMap<Option<i32>, RuleSaving>, RuleSaving) {
    let by_digest: HashMap<Digest, &Image> = images.iter().map(|i| (i.digest, i)).collect();
    let archived_total: f64 = images
        .iter()
        .filter(|i| i.status == ImageStatus::Archived && !i.manifest.is_index())
        .map(|i| i.size_bytes.max(0) as f64)
        .sum();
    let archive_rate = prices.archive_rate(archived_total);
    let standard_rate = prices.standard(1.0);
    let mut rules: BTreeMap<Option<i32>, RuleSaving> = BTreeMap::new();
    let mut total = RuleSaving::default();
    for r in results {
        let e = rules.entry(r.rule_priority).or_default();
        let Some(img) = r.digest.and_then(|d| by_digest.get(&d)) else {
            e.unknown += 1;
            total.unknown += 1;
            continue;
        };
        let bytes = u64::try_from(img.size_bytes).unwrap_or(0);
        let archived = img.status == ImageStatus::Archived;
        let saving = if r.is_transition() {
            e.archive_bytes += bytes;
            total.archive_bytes += bytes;
            bytes as f64 * (standard_rate - archive_rate)
        } else {
            e.expire_bytes += bytes;
            total.expire_bytes += bytes;
            bytes as f64
                * if archived {
                    archive_rate
                } else {
                    standard_rate
                }
        };
        e.monthly += saving;
        total.monthly += saving;
    }
    (rules, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ManifestKind;

    fn image(n: u8, gib: i64, status: ImageStatus) -> Image {
        Image {
            digest: Digest::of_bytes(&[n]),
            tags: Vec::new(),
            size_bytes: gib << 30,
            pushed_at: None,
            last_pull: None,
            manifest: ManifestKind::OciManifest,
            artifact_media_type: None,
            status,
            scan_status: None,
            severity_counts: None,
            archive: None,
        }
    }

    fn result(n: u8, rule: i32, action: &str) -> LifecyclePreviewResult {
        LifecyclePreviewResult {
            digest: Some(Digest::of_bytes(&[n])),
            tags: Vec::new(),
            pushed_at: None,
            rule_priority: Some(rule),
            action: action.into(),
        }
    }

    #[test]
    fn each_rule_saves_what_it_expires_and_archiving_saves_nothing_below_150_tb() {
        let images = vec![
            image(1, 10, ImageStatus::Active),
            image(2, 5, ImageStatus::Active),
            image(3, 20, ImageStatus::Archived),
        ];
        let results = vec![
            result(1, 1, "EXPIRE"),
            result(3, 1, "EXPIRE"),
            result(2, 2, "TRANSITION"),
            LifecyclePreviewResult {
                digest: Some(Digest::of_bytes(&[9])),
                ..result(9, 2, "EXPIRE")
            },
        ];
        let (rules, total) =
            preview_savings(&results, &images, ecr_core::cost::prices_for("us-east-1"));
        let r1 = &rules[&Some(1)];
        assert_eq!(r1.expire_bytes, 30 << 30);
        assert!((r1.monthly - 3.0).abs() < 1e-9, "{}", r1.monthly);
        let r2 = &rules[&Some(2)];
        assert_eq!((r2.archive_bytes, r2.unknown), (5 << 30, 1));
        assert!(r2.monthly.abs() < 1e-12, "the same price below 150 TB");
        assert!((total.monthly - 3.0).abs() < 1e-9);
    }
}
