//! `ecrscope findings REF --format csv|json|sarif`: an image's scan findings
//! (basic or enhanced, every page) in the formats the app exports, for CI
//! systems to ingest; `--fail-on SEVERITY` makes the exit code the gate.
//!
//! An image whose scan has not finished is an error, not an empty report:
//! no findings because nobody looked must not pass a gate.

use std::path::PathBuf;

use crate::ecr;
use crate::model::{Discovery, Severity};
use crate::scanning::export::{self, Format, ImageReport};

use super::exit::{Exit, Failure};
use super::reference;
use super::target::{self, Globals};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    Json,
    Sarif,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => Self::Csv,
            FormatArg::Json => Self::Json,
            FormatArg::Sarif => Self::Sarif,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Informational,
    Undefined,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            Self::Critical => Severity::Critical,
            Self::High => Severity::High,
            Self::Medium => Severity::Medium,
            Self::Low => Severity::Low,
            Self::Informational => Severity::Informational,
            Self::Undefined => Severity::Undefined,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingsArgs {
    pub image: String,
    pub format: FormatArg,
    /// Written there (replaced whole) instead of stdout.
    pub file: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
}

/// What to print (or what was written) and the exit code the gate gives.
pub struct FindingsOut {
    pub text: String,
    pub exit: Exit,
    pub summary: String,
}

pub async fn run(a: &FindingsArgs, g: &Globals, d: &Discovery) -> Result<FindingsOut, Failure> {
    let r = reference::parse(&a.image, true).map_err(Failure::usage)?;
    if let Some(f) = &a.file {
        super::export::check_path(f).map_err(Failure::usage)?;
    }
    target::spec_for(r.profile.as_deref(), r.region.as_deref(), g, d).map_err(Failure::usage)?;
    let (_, c) = target::connect(&r, g, d).await.map_err(Failure::usage)?;
    let image = super::resolve::image(&c, &r).await?;
    let report = match ecr::describe_image_scan_findings(&c, &r.repository, &image.digest).await {
        Ok(report) => report,
        Err(e) if e.is_scan_not_found() => {
            return Err(Failure::new(
                Exit::NotFound,
                format!(
                    "No scan of '{r}' yet: start one (the app's Scan button, or aws ecr start-image-scan), or turn on scan on push."
                ),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if !report.is_finished() {
        let status = report.status.as_ref().map_or("no scan", |s| s.label());
        let why = report
            .status_description
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        return Err(Failure::new(
            Exit::Failed,
            format!(
                "The scan of '{r}' has not finished: {status}{why}. Its findings would say nothing yet."
            ),
        ));
    }
    let worst = gate(
        &report
            .findings
            .iter()
            .map(|f| f.severity)
            .collect::<Vec<_>>(),
        a.fail_on,
    );
    let summary = format!(
        "{} findings in {r} ({})",
        report.findings.len(),
        image.digest.short()
    );
    let reports = [ImageReport {
        repository: r.repository.clone(),
        digest: image.digest,
        tags: image.tags.clone(),
        report,
    }];
    Ok(FindingsOut {
        text: export::render(a.format.into(), &reports),
        exit: worst,
        summary,
    })
}

/// `Findings` when any severity is at or above the threshold (Critical is
/// the highest; Undefined the lowest, so `--fail-on undefined` fails on any).
fn gate(severities: &[Severity], fail_on: Option<FailOn>) -> Exit {
    let Some(limit) = fail_on.map(FailOn::severity) else {
        return Exit::Ok;
    };
    let rank = |s: Severity| {
        Severity::ALL
            .iter()
            .position(|x| *x == s)
            .unwrap_or(usize::MAX)
    };
    if severities.iter().any(|s| rank(*s) <= rank(limit)) {
        Exit::Findings
    } else {
        Exit::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_fails_at_or_above_its_severity_only() {
        let found = [Severity::Medium, Severity::Low];
        assert_eq!(gate(&found, None), Exit::Ok);
        assert_eq!(gate(&found, Some(FailOn::High)), Exit::Ok);
        assert_eq!(gate(&found, Some(FailOn::Medium)), Exit::Findings);
        assert_eq!(gate(&found, Some(FailOn::Undefined)), Exit::Findings);
        assert_eq!(gate(&[], Some(FailOn::Undefined)), Exit::Ok);
        assert_eq!(
            gate(&[Severity::Critical], Some(FailOn::Critical)),
            Exit::Findings
        );
    }
}
