use aws_sdk_ecr::types as t;

use super::{EcrClient, EcrError, MAX_PAGE, MAX_PAGE_SMALL, MAX_SCAN_CONFIG_BATCH, convert};
use crate::model::{
    Digest, RegistryScanRule, RegistryScanningConfig, RepoScanConfig, ScanFrequency, ScanReport,
    ScanStatus, ScanType,
};

pub async fn get_registry_scanning_configuration(
    c: &EcrClient,
) -> Result<RegistryScanningConfig, EcrError> {
    let out = c
        .run("GetRegistryScanningConfiguration", || {
            c.sdk.get_registry_scanning_configuration().send()
        })
        .await?;
    Ok(out
        .scanning_configuration()
        .map_or_else(RegistryScanningConfig::default, |s| {
            RegistryScanningConfig {
                scan_type: s
                    .scan_type()
                    .map_or(ScanType::Basic, |t| ScanType::from_api(t.as_str())),
                rules: s
                    .rules()
                    .iter()
                    .map(|r| RegistryScanRule {
                        frequency: ScanFrequency::from_api(r.scan_frequency().as_str()),
                        filters: r
                            .repository_filters()
                            .iter()
                            .map(|f| f.filter().to_owned())
                            .collect(),
                    })
                    .collect(),
            }
        }))
}

/// Replaces the registry scanning configuration; returns it as re-read.
pub async fn put_registry_scanning_configuration(
    c: &EcrClient,
    cfg: &RegistryScanningConfig,
) -> Result<RegistryScanningConfig, EcrError> {
    let invalid = |e: aws_sdk_ecr::error::BuildError| EcrError::InvalidInput {
        detail: e.to_string(),
    };
    let mut req = c
        .sdk
        .put_registry_scanning_configuration()
        .scan_type(t::ScanType::from(cfg.scan_type.as_api()));
    for rule in &cfg.rules {
        let mut b = t::RegistryScanningRule::builder()
            .scan_frequency(t::ScanFrequency::from(rule.frequency.as_api()));
        for f in &rule.filters {
            b = b.repository_filters(
                t::ScanningRepositoryFilter::builder()
                    .filter(f)
                    .filter_type(t::ScanningRepositoryFilterType::Wildcard)
                    .build()
                    .map_err(invalid)?,
            );
        }
        req = req.rules(b.build().map_err(invalid)?);
    }
    c.run("PutRegistryScanningConfiguration", || req.clone().send())
        .await?;
    get_registry_scanning_configuration(c).await
}

/// Each repository's effective scanning, 25 names a call.
pub async fn batch_get_repository_scanning_configuration(
    c: &EcrClient,
    repos: &[String],
) -> Result<Vec<RepoScanConfig>, EcrError> {
    let mut all = Vec::with_capacity(repos.len());
    for chunk in repos.chunks(MAX_SCAN_CONFIG_BATCH) {
        let req = c
            .sdk
            .batch_get_repository_scanning_configuration()
            .set_repository_names(Some(chunk.to_vec()));
        let out = c
            .run("BatchGetRepositoryScanningConfiguration", || {
                req.clone().send()
            })
            .await?;
        all.extend(
            out.scanning_configurations()
                .iter()
                .map(|s| RepoScanConfig {
                    repository: s.repository_name().unwrap_or_default().to_owned(),
                    frequency: s.scan_frequency().map_or(ScanFrequency::Manual, |f| {
                        ScanFrequency::from_api(f.as_str())
                    }),
                    scan_on_push: s.scan_on_push(),
                }),
        );
    }
    Ok(all)
}

/// Starts a basic scan; returns the status ECR reports right away.
pub async fn start_image_scan(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
) -> Result<Option<ScanStatus>, EcrError> {
    let req = c
        .sdk
        .start_image_scan()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .image_id(
            t::ImageIdentifier::builder()
                .image_digest(digest.to_string())
                .build(),
        );
    // The SDK counts LimitExceededException as throttling and would retry
    // it with backoff for many seconds; the scan quota (one scan per image
    // per 24 h) does not change by retrying, so the user hears at once.
    let send = || {
        req.clone()
            .customize()
            .config_override(
                aws_sdk_ecr::config::Builder::default()
                    .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1)),
            )
            .send()
    };
    let out = c.run("StartImageScan", send).await?;
    Ok(out
        .image_scan_status()
        .and_then(|s| s.status())
        .map(|s| ScanStatus::from_api(s.as_str())))
}

/// All findings of one image, every page: basic pages of 1000, enhanced pages
/// of 100 (once a page shows enhanced findings, later pages ask for 100).
pub async fn describe_image_scan_findings(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
) -> Result<ScanReport, EcrError> {
    let mut report = ScanReport::default();
    let mut token: Option<String> = None;
    let mut page_size = MAX_PAGE;
    let mut paging = super::Paging::new("DescribeImageScanFindings");
    loop {
        let req = c
            .sdk
            .describe_image_scan_findings()
            .set_registry_id(c.registry_id.clone())
            .repository_name(repo)
            .image_id(
                t::ImageIdentifier::builder()
                    .image_digest(digest.to_string())
                    .build(),
            )
            .max_results(page_size)
            .set_next_token(token.take());
        let out = c
            .run("DescribeImageScanFindings", || req.clone().send())
            .await?;
        if let Some(s) = out.image_scan_status() {
            report.status = s.status().map(|s| ScanStatus::from_api(s.as_str()));
            report.status_description = s.description().map(str::to_owned);
        }
        if let Some(f) = out.image_scan_findings() {
            report.completed_at = convert::millis(f.image_scan_completed_at());
            report.vulnerability_db_updated_at =
                convert::millis(f.vulnerability_source_updated_at());
            if let Some(counts) = convert::severity_counts(f.finding_severity_counts()) {
                report.counts = counts;
            }
            report
                .findings
                .extend(f.findings().iter().map(convert::basic_finding));
            if !f.enhanced_findings().is_empty() {
                report.enhanced = true;
                page_size = MAX_PAGE_SMALL;
                report
                    .findings
                    .extend(f.enhanced_findings().iter().map(convert::enhanced_finding));
            }
        }
        match paging.next(out.next_token())? {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    // Some endpoints leave the summary out; count what we have then.
    if report.counts.total() == 0 && !report.findings.is_empty() {
        for f in &report.findings {
            report.counts.add(f.severity, 1);
        }
    }
    Ok(report)
}

/// Only the first page: status and the severity summary, for table rows.
pub async fn describe_image_scan_findings_summary(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
) -> Result<(Option<ScanStatus>, crate::model::FindingSeverityCounts), EcrError> {
    let req = c
        .sdk
        .describe_image_scan_findings()
        .set_registry_id(c.registry_id.clone())
        .repository_name(repo)
        .image_id(
            t::ImageIdentifier::builder()
                .image_digest(digest.to_string())
                .build(),
        )
        .max_results(1);
    let out = c
        .run("DescribeImageScanFindings", || req.clone().send())
        .await?;
    let status = out
        .image_scan_status()
        .and_then(|s| s.status())
        .map(|s| ScanStatus::from_api(s.as_str()));
    let counts = out
        .image_scan_findings()
        .and_then(|f| convert::severity_counts(f.finding_severity_counts()))
        .unwrap_or_default();
    Ok((status, counts))
}
