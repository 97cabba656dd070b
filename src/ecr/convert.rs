//! SDK types -> model types. Lenient: a missing field becomes a default or
//! `None`, never an error, so one odd record cannot hide a whole page.

use std::collections::HashMap;

use aws_sdk_ecr::types as t;
use aws_smithy_types::DateTime;

use crate::model::{
    ArchiveTimes, Digest, Encryption, EncryptionType, EpochMillis, Finding, FindingSeverityCounts,
    Image, ImageStatus, ManifestKind, PullThroughRule, Repository, ScanStatus, Severity,
    TagMutability, TagMutabilitySetting,
};

pub fn millis(d: Option<&DateTime>) -> Option<EpochMillis> {
    d.and_then(|d| d.to_millis().ok())
}

pub fn repository(r: &t::Repository) -> Repository {
    Repository {
        name: r.repository_name().unwrap_or_default().to_owned(),
        arn: r.repository_arn().unwrap_or_default().to_owned(),
        registry_id: r.registry_id().unwrap_or_default().to_owned(),
        uri: r.repository_uri().unwrap_or_default().to_owned(),
        created_at: millis(r.created_at()),
        tag_mutability: TagMutabilitySetting {
            mode: r
                .image_tag_mutability()
                .and_then(|m| TagMutability::from_api(m.as_str()))
                .unwrap_or_default(),
            exclusion_filters: r
                .image_tag_mutability_exclusion_filters()
                .iter()
                .map(|f| f.filter().to_owned())
                .collect(),
        },
        encryption: r
            .encryption_configuration()
            .map_or_else(Encryption::default, |e| Encryption {
                kind: EncryptionType::from_api(e.encryption_type().as_str()).unwrap_or_default(),
                kms_key: e.kms_key().map(str::to_owned),
            }),
        scan_on_push: r
            .image_scanning_configuration()
            .is_some_and(|s| s.scan_on_push()),
    }
}

pub fn severity_counts(
    map: Option<&HashMap<t::FindingSeverity, i32>>,
) -> Option<FindingSeverityCounts> {
    let map = map?;
    let mut c = FindingSeverityCounts::default();
    for (sev, n) in map {
        c.add(
            Severity::from_api(sev.as_str()),
            u32::try_from(*n).unwrap_or(0),
        );
    }
    Some(c)
}

/// `None` when the digest is missing or not sha256: such a record cannot be
/// addressed, so it is left out (and logged).
pub fn image(d: &t::ImageDetail) -> Option<Image> {
    let digest = d.image_digest().and_then(Digest::parse);
    if digest.is_none() {
        tracing::warn!(digest = ?d.image_digest(), "skipping image with an unreadable digest");
    }
    Some(Image {
        digest: digest?,
        tags: d.image_tags().to_vec(),
        size_bytes: d.image_size_in_bytes().unwrap_or(0),
        pushed_at: millis(d.image_pushed_at()),
        last_pull: millis(d.last_recorded_pull_time()),
        manifest: d
            .image_manifest_media_type()
            .map_or(ManifestKind::Unknown, ManifestKind::from_media_type),
        artifact_media_type: d.artifact_media_type().map(str::to_owned),
        status: d
            .image_status()
            .map_or(ImageStatus::Active, |s| ImageStatus::from_api(s.as_str())),
        scan_status: d
            .image_scan_status()
            .and_then(|s| s.status())
            .map(|s| ScanStatus::from_api(s.as_str())),
        severity_counts: d
            .image_scan_findings_summary()
            .and_then(|s| severity_counts(s.finding_severity_counts())),
        archive: {
            let t = ArchiveTimes {
                archived_at: millis(d.last_archived_at()),
                activated_at: millis(d.last_activated_at()),
            };
            (t != ArchiveTimes::default()).then(|| Box::new(t))
        },
    })
}

pub fn basic_finding(f: &t::ImageScanFinding) -> Finding {
    let attrs: Vec<(String, String)> = f
        .attributes()
        .iter()
        .map(|a| (a.key().to_owned(), a.value().unwrap_or_default().to_owned()))
        .collect();
    let attr = |k: &str| {
        attrs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    Finding {
        id: f.name().unwrap_or("—").to_owned(),
        severity: f
            .severity()
            .map_or(Severity::Undefined, |s| Severity::from_api(s.as_str())),
        score: attr("CVSS3_SCORE")
            .or_else(|| attr("CVSS2_SCORE"))
            .and_then(|s| s.parse().ok()),
        package: attr("package_name"),
        installed_version: attr("package_version"),
        cvss_vector: attr("CVSS3_VECTOR").or_else(|| attr("CVSS2_VECTOR")),
        description: f.description().map(str::to_owned),
        uri: f.uri().map(str::to_owned),
        title: f.name().map(str::to_owned),
        attributes: attrs,
        ..Finding::default()
    }
}

pub fn enhanced_finding(f: &t::EnhancedImageScanFinding) -> Finding {
    let details = f.package_vulnerability_details();
    let pkg = details.and_then(|d| d.vulnerable_packages().first());
    let cvss = f.score_details().and_then(|s| s.cvss());
    let yes_no = |s: Option<&str>| match s {
        Some("YES") => Some(true),
        Some("NO") => Some(false),
        _ => None, // PARTIAL or missing: unknown
    };
    Finding {
        id: details
            .and_then(|d| d.vulnerability_id())
            .or(f.title())
            .unwrap_or("—")
            .to_owned(),
        severity: Severity::from_api(f.severity().unwrap_or("")),
        score: cvss.map(|c| c.score).or((f.score > 0.0).then_some(f.score)),
        package: pkg.and_then(|p| p.name()).map(str::to_owned),
        installed_version: pkg.and_then(|p| p.version()).map(str::to_owned),
        fixed_in: pkg.and_then(|p| p.fixed_in_version()).map(str::to_owned),
        fix_available: yes_no(f.fix_available()),
        exploit_available: yes_no(f.exploit_available()),
        title: f.title().map(str::to_owned),
        description: f.description().map(str::to_owned),
        uri: details.and_then(|d| d.source_url()).map(str::to_owned),
        cvss_vector: cvss.and_then(|c| c.scoring_vector()).map(str::to_owned),
        package_path: pkg.and_then(|p| p.file_path()).map(str::to_owned),
        references: details
            .map(|d| d.reference_urls().to_vec())
            .unwrap_or_default(),
        remediation: f
            .remediation()
            .and_then(|r| r.recommendation())
            .and_then(|r| r.text())
            .map(str::to_owned),
        first_observed: millis(f.first_observed_at()),
        last_observed: millis(f.last_observed_at()),
        attributes: Vec::new(),
    }
}

pub fn pull_through_rule(r: &t::PullThroughCacheRule) -> PullThroughRule {
    PullThroughRule {
        ecr_repository_prefix: r.ecr_repository_prefix().unwrap_or_default().to_owned(),
        upstream_registry_url: r.upstream_registry_url().unwrap_or_default().to_owned(),
        upstream_registry: r.upstream_registry().map(|u| u.as_str().to_owned()),
        credential_arn: r.credential_arn().map(str::to_owned),
        custom_role_arn: r.custom_role_arn().map(str::to_owned),
        upstream_repository_prefix: r.upstream_repository_prefix().map(str::to_owned),
        registry_id: r.registry_id().map(str::to_owned),
        created_at: millis(r.created_at()),
        updated_at: millis(r.updated_at()),
    }
}

#[cfg(test)]
mod properties {
    //! The SDK-to-model conversions with arbitrary field values: never a
    //! panic; a record is dropped only for an unaddressable digest; values
    //! kept as sent (sizes of any sign, timestamps of any range).
    use super::*;
    use proptest::prelude::*;

    fn config() -> ProptestConfig {
        ProptestConfig {
            cases: 1024,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn image_details_convert_whatever_they_hold(
            digest in prop_oneof!["sha256:[0-9a-f]{64}", "[a-z0-9:]{0,70}", "sha256:[0-9A-F]{64}"],
            tags in prop::collection::vec(any::<String>(), 0..4),
            size in any::<i64>(),
            pushed in any::<i64>(),
            media in any::<String>(),
            status in any::<String>(),
            counts in prop::collection::hash_map(any::<String>(), any::<i32>(), 0..5),
        ) {
            let d = t::ImageDetail::builder()
                .image_digest(&digest)
                .set_image_tags(Some(tags.clone()))
                .image_size_in_bytes(size)
                .image_pushed_at(DateTime::from_secs(pushed))
                .last_archived_at(DateTime::from_secs(pushed))
                .image_manifest_media_type(media)
                .image_status(t::ImageStatus::from(status.as_str()))
                .image_scan_findings_summary(
                    t::ImageScanFindingsSummary::builder()
                        .set_finding_severity_counts(Some(
                            counts
                                .iter()
                                .map(|(k, v)| (t::FindingSeverity::from(k.as_str()), *v))
                                .collect(),
                        ))
                        .build(),
                )
                .build();
            let img = image(&d);
            prop_assert_eq!(img.is_some(), Digest::parse(&digest).is_some());
            if let Some(img) = img {
                prop_assert_eq!(&img.tags, &tags);
                prop_assert_eq!(img.size_bytes, size);
                prop_assert_eq!(img.pushed_at.is_some(), img.archived_at().is_some());
            }
        }

        #[test]
        fn basic_findings_convert_whatever_they_hold(
            name in prop::option::of(any::<String>()),
            severity in any::<String>(),
            attrs in prop::collection::vec((any::<String>(), prop::option::of(any::<String>())), 0..6),
        ) {
            let f = t::ImageScanFinding::builder()
                .set_name(name.clone())
                .severity(t::FindingSeverity::from(severity.as_str()))
                .set_attributes(Some(
                    attrs
                        .iter()
                        .filter_map(|(k, v)| {
                            t::Attribute::builder().key(k).set_value(v.clone()).build().ok()
                        })
                        .collect(),
                ))
                .build();
            let out = basic_finding(&f);
            prop_assert_eq!(&out.title, &name);
            prop_assert_eq!(out.attributes.len(), attrs.len(), "every attribute kept");
            let cvss = attrs.iter().find(|(k, _)| k == "CVSS3_SCORE").and_then(|(_, v)| v.clone());
            if cvss.is_none() && !attrs.iter().any(|(k, _)| k == "CVSS2_SCORE") {
                prop_assert!(out.score.is_none());
            }
        }
    }
}
