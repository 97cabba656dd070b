//! Scanning: the registry's scanning configuration, scan summaries, starting
//! basic scans, findings, and exporting findings to a file.

use std::path::PathBuf;

use crate::model::{
    Digest, EcrError, ExportFormat, RegistryScanningConfig, RegistrySpec, RepoRef, RepoScanConfig,
    ScanReport, ScanStatus, ScanSummary,
};

#[derive(Clone, Debug)]
pub enum ScanningCommand {
    /// Registry scanning configuration, then each repository's effective
    /// scan frequency.
    Configuration {
        registry: RegistrySpec,
        repositories: Vec<String>,
    },
    /// PutRegistryScanningConfiguration, then the re-read of the registry
    /// and per-repository configuration.
    PutConfiguration {
        registry: RegistrySpec,
        config: RegistryScanningConfig,
        repositories: Vec<String>,
    },
    /// Scan status and counts of the images on screen, one
    /// DescribeImageScanFindings each (ECR has no batch form).
    Summaries { repo: RepoRef, digests: Vec<Digest> },
    /// StartImageScan for each image (basic scanning only).
    Start { repo: RepoRef, digests: Vec<Digest> },
    /// DescribeImageScanFindings, every page (basic 1000, enhanced 100).
    Findings { repo: RepoRef, digest: Digest },
    /// Fetches every report (all pages), writes the export to `path`.
    Export(ExportRequest),
}

impl ScanningCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Configuration { registry, .. } | Self::PutConfiguration { registry, .. } => {
                Some(registry)
            }
            Self::Summaries { repo, .. }
            | Self::Start { repo, .. }
            | Self::Findings { repo, .. } => Some(&repo.registry),
            Self::Export(x) => Some(&x.repo.registry),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<ScanningPayload> {
        match self {
            Self::Configuration { .. } => vec![ScanningPayload::Configuration(Err(e.clone()))],
            Self::PutConfiguration { .. } => {
                vec![ScanningPayload::ConfigurationSaved(Err(e.clone()))]
            }
            Self::Summaries { repo, digests } => digests
                .into_iter()
                .map(|digest| ScanningPayload::Summary {
                    repo: repo.clone(),
                    digest,
                    result: Err(e.clone()),
                })
                .collect(),
            Self::Start { repo, digests } => digests
                .into_iter()
                .map(|digest| ScanningPayload::Started {
                    repo: repo.clone(),
                    digest,
                    result: Err(e.clone()),
                })
                .collect(),
            Self::Findings { repo, digest } => vec![ScanningPayload::Findings {
                repo,
                digest,
                result: Err(e.clone()),
            }],
            Self::Export(x) => vec![ScanningPayload::Exported(Err(ExportFailure::Read {
                digest: x.images.first().map_or(Digest([0; 32]), |i| i.0),
                error: e.clone(),
            }))],
        }
    }
}

/// An export of the findings of some images to a file the user chose.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    pub repo: RepoRef,
    /// Each image with the tags it was shown with.
    pub images: Vec<(Digest, Vec<String>)>,
    pub format: ExportFormat,
    pub path: PathBuf,
}

/// The registry scanning configuration and what it gives each repository.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanningConfigs {
    pub registry: RegistryScanningConfig,
    pub repositories: Vec<RepoScanConfig>,
}

/// A written export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    pub path: PathBuf,
    pub findings: usize,
    pub images: usize,
}

/// Why an export was not written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportFailure {
    /// A report could not be read (the image may be gone).
    Read { digest: Digest, error: EcrError },
    /// The file could not be written; an existing file is left as it was.
    Write { path: PathBuf, detail: String },
}

#[derive(Debug)]
pub enum ScanningPayload {
    Configuration(Result<ScanningConfigs, EcrError>),
    /// The outcome of a scanning change, with the configuration re-read.
    ConfigurationSaved(Result<ScanningConfigs, EcrError>),
    Summary {
        repo: RepoRef,
        digest: Digest,
        result: Result<ScanSummary, EcrError>,
    },
    Started {
        repo: RepoRef,
        digest: Digest,
        result: Result<Option<ScanStatus>, EcrError>,
    },
    Findings {
        repo: RepoRef,
        digest: Digest,
        result: Result<ScanReport, EcrError>,
    },
    /// An export has the reports of `done` of `total` images.
    ExportProgress {
        done: usize,
        total: usize,
        findings: usize,
    },
    Exported(Result<Exported, ExportFailure>),
}
