//! Scanning's worker operations: the scanning configuration, summaries,
//! starting scans, findings and the findings export.

use crate::ecr::{self, EcrClient};
use crate::message::{
    ExportFailure, ExportRequest, Exported, ScanningCommand, ScanningConfigs, ScanningPayload,
};
use crate::model::{Digest, EcrError, RepoRef, ScanReport, ScanSummary};
use crate::worker::Cx;

/// Runs one scanning command on its registry's client.
pub async fn run(cx: &Cx<'_>, cmd: ScanningCommand) {
    match cmd {
        ScanningCommand::Configuration { repositories, .. } => {
            let result = scanning(cx.c(), &repositories).await;
            cx.emit(ScanningPayload::Configuration(result)).await;
        }
        ScanningCommand::PutConfiguration {
            config,
            repositories,
            ..
        } => {
            let result = async {
                ecr::put_registry_scanning_configuration(cx.c(), &config).await?;
                scanning(cx.c(), &repositories).await
            }
            .await;
            cx.emit(ScanningPayload::ConfigurationSaved(result)).await;
        }
        ScanningCommand::Summaries { repo, digests } => scan_summaries(cx, repo, digests).await,
        ScanningCommand::Start { repo, digests } => {
            for digest in digests {
                let result = ecr::start_image_scan(cx.c(), &repo.name, &digest).await;
                cx.emit(ScanningPayload::Started {
                    repo: repo.clone(),
                    digest,
                    result,
                })
                .await;
            }
        }
        ScanningCommand::Findings { repo, digest } => {
            let result = ecr::describe_image_scan_findings(cx.c(), &repo.name, &digest).await;
            cx.emit(ScanningPayload::Findings {
                repo,
                digest,
                result,
            })
            .await;
        }
        ScanningCommand::Export(x) => {
            let result = export(cx, x).await;
            cx.emit(ScanningPayload::Exported(result)).await;
        }
    }
}

/// The registry scanning configuration and each repository's frequency.
async fn scanning(c: &EcrClient, repositories: &[String]) -> Result<ScanningConfigs, EcrError> {
    let registry = ecr::get_registry_scanning_configuration(c).await?;
    let repositories = if repositories.is_empty() {
        Vec::new()
    } else {
        ecr::batch_get_repository_scanning_configuration(c, repositories).await?
    };
    Ok(ScanningConfigs {
        registry,
        repositories,
    })
}

/// One DescribeImageScanFindings summary per image, concurrently within the
/// client's in-flight limit.
async fn scan_summaries(cx: &Cx<'_>, repo: RepoRef, digests: Vec<Digest>) {
    let mut tasks = tokio::task::JoinSet::new();
    for digest in digests.iter().copied() {
        let (c, name) = (cx.c().clone(), repo.name.clone());
        tasks.spawn(async move { (digest, scan_summary(&c, &name, &digest).await) });
    }
    let mut answered = std::collections::HashSet::new();
    while let Some(joined) = tasks.join_next().await {
        let Ok((digest, result)) = joined else {
            continue;
        };
        answered.insert(digest);
        cx.emit(ScanningPayload::Summary {
            repo: repo.clone(),
            digest,
            result,
        })
        .await;
    }
    // A task that died still ends its row's request.
    for digest in digests.into_iter().filter(|d| !answered.contains(d)) {
        cx.emit(ScanningPayload::Summary {
            repo: repo.clone(),
            digest,
            result: Err(EcrError::Other {
                operation: "DescribeImageScanFindings".into(),
                detail: "the request failed unexpectedly".into(),
            }),
        })
        .await;
    }
}

/// Status and severity counts of one image. "No scan yet" is an answer, not
/// an error.
async fn scan_summary(c: &EcrClient, repo: &str, digest: &Digest) -> Result<ScanSummary, EcrError> {
    match ecr::describe_image_scan_findings_summary(c, repo, digest).await {
        Ok((status, counts)) => Ok(ScanSummary {
            status,
            counts,
            never_scanned: false,
        }),
        Err(e) if e.is_scan_not_found() => Ok(ScanSummary {
            never_scanned: true,
            ..ScanSummary::default()
        }),
        Err(e) => Err(e),
    }
}

/// Fetches every image's report (concurrently, within the in-flight limit,
/// with progress), then writes the file: to a temporary file in the same
/// folder, renamed into place, so a failed write leaves an existing file as
/// it was.
async fn export(cx: &Cx<'_>, x: ExportRequest) -> Result<Exported, ExportFailure> {
    let total = x.images.len();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (digest, tags)) in x.images.iter().cloned().enumerate() {
        let (c, repo) = (cx.c().clone(), x.repo.name.clone());
        tasks.spawn(async move {
            let report = match ecr::describe_image_scan_findings(&c, &repo, &digest).await {
                Ok(r) => Ok(r),
                // Never scanned: an empty report, said as such in the file.
                Err(e) if e.is_scan_not_found() => Ok(ScanReport::default()),
                // Gone (or any other failure): the export stops and says so;
                // an image that no longer exists is never written as clean.
                Err(error) => Err(ExportFailure::Read { digest, error }),
            };
            (i, digest, tags, report)
        });
    }
    let mut slots: Vec<Option<crate::scanning::export::ImageReport>> = vec![None; total];
    let (mut done, mut findings) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        let (i, digest, tags, report) = joined.map_err(|e| ExportFailure::Write {
            path: x.path.clone(),
            detail: format!("reading the reports failed: {e}"),
        })?;
        let report = report?;
        done += 1;
        findings += report.findings.len();
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(crate::scanning::export::ImageReport {
                repository: x.repo.name.clone(),
                digest,
                tags,
                report,
            });
        }
        cx.emit(ScanningPayload::ExportProgress {
            done,
            total,
            findings,
        })
        .await;
    }
    let reports: Vec<crate::scanning::export::ImageReport> = slots.into_iter().flatten().collect();
    let count = reports.iter().map(|r| r.report.findings.len()).sum();
    let text = crate::scanning::export::render(x.format, &reports);
    let path = x.path.clone();
    // File writing is blocking I/O: off the async threads too.
    let written = tokio::task::spawn_blocking(move || {
        crate::scanning::export::write_replacing(&path, text.as_bytes())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()));
    match written {
        Ok(()) => Ok(Exported {
            path: x.path,
            findings: count,
            images: reports.len(),
        }),
        Err(detail) => Err(ExportFailure::Write {
            path: x.path,
            detail,
        }),
    }
}
