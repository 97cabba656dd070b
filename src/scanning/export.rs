//! Findings exports: CSV, JSON and SARIF 2.1.0. Pure functions from reports to
//! text; the worker writes the file off the UI thread, replacing it (see
//! [`crate::platform::files`]).
//!
//! CSV columns: repository, image_digest, image_tags (space-separated),
//! finding_id, severity, score, package, installed_version, fixed_in_version,
//! fix_available, exploit_available, title, uri.

use serde_json::{Value, json};

use crate::model::{Digest, Finding, ScanReport, Severity};

pub use crate::model::ExportFormat as Format;

/// One image's report, with what names it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageReport {
    pub repository: String,
    pub digest: Digest,
    pub tags: Vec<String>,
    pub report: ScanReport,
}

pub const CSV_HEADER: &str = "repository,image_digest,image_tags,finding_id,severity,score,package,installed_version,fixed_in_version,fix_available,exploit_available,title,uri";

pub use crate::platform::files::write_replacing;

/// One CSV cell. Text from a scanner is untrusted: a cell that a spreadsheet
/// would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
/// leading `'`, so it shows as text.
fn csv_field(s: &str) -> String {
    let neutral;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutral = format!("'{s}");
        neutral.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn opt(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

pub fn to_csv(reports: &[ImageReport]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in reports {
        for f in &r.report.findings {
            let fields = [
                r.repository.clone(),
                r.digest.to_string(),
                r.tags.join(" "),
                f.id.clone(),
                f.severity.as_api().to_owned(),
                f.score.map(|s| format!("{s}")).unwrap_or_default(),
                f.package.clone().unwrap_or_default(),
                f.installed_version.clone().unwrap_or_default(),
                f.fixed_in.clone().unwrap_or_default(),
                opt(f.fix_available).to_owned(),
                opt(f.exploit_available).to_owned(),
                f.title.clone().unwrap_or_default(),
                f.uri.clone().unwrap_or_default(),
            ];
            out.push_str(
                &fields
                    .iter()
                    .map(|x| csv_field(x))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            out.push('\n');
        }
    }
    out
}

fn finding_json(f: &Finding) -> Value {
    json!({
        "id": f.id, "severity": f.severity.as_api(), "score": f.score, "package": f.package,
        "installedVersion": f.installed_version, "fixedInVersion": f.fixed_in, "fixAvailable": f.fix_available,
        "exploitAvailable": f.exploit_available, "title": f.title, "description": f.description, "uri": f.uri,
        "cvssVector": f.cvss_vector, "packagePath": f.package_path, "references": f.references, "remediation": f.remediation,
    })
}

pub fn to_json(reports: &[ImageReport]) -> String {
    let v: Vec<Value> = reports
        .iter()
        .map(|r| {
            json!({
                "repository": r.repository, "imageDigest": r.digest.to_string(), "imageTags": r.tags,
                "scanStatus": r.report.status.as_ref().map(|s| s.label().to_owned()),
                "enhanced": r.report.enhanced,
                "findings": r.report.findings.iter().map(finding_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        _ => "note",
    }
}

/// SARIF 2.1.0: one run, one rule per distinct finding id, one result per
/// finding per image, located at `repository@digest`.
pub fn to_sarif(reports: &[ImageReport]) -> String {
    let mut rules: Vec<Value> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut results = Vec::new();
    for r in reports {
        for f in &r.report.findings {
            if seen.insert(f.id.clone()) {
                let mut rule = json!({
                    "id": f.id,
                    "shortDescription": {"text": f.title.clone().unwrap_or_else(|| f.id.clone())},
                    "fullDescription": {"text": f.description.clone().unwrap_or_else(|| f.id.clone())},
                    "properties": {"tags": ["security", "vulnerability"]},
                });
                if let Some(u) = &f.uri {
                    rule["helpUri"] = json!(u);
                }
                if let Some(score) = f.score {
                    rule["properties"]["security-severity"] = json!(format!("{score:.1}"));
                }
                rules.push(rule);
            }
            let pkg = f
                .package
                .clone()
                .unwrap_or_else(|| "unknown package".into());
            let text = match (&f.installed_version, &f.fixed_in) {
                (Some(v), Some(fix)) => {
                    format!("{}: {pkg} {v} is vulnerable; fixed in {fix}.", f.id)
                }
                (Some(v), None) => format!("{}: {pkg} {v} is vulnerable; no fix yet.", f.id),
                _ => format!("{}: {pkg} is vulnerable.", f.id),
            };
            results.push(json!({
                "ruleId": f.id,
                "level": sarif_level(f.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": format!("{}@{}", r.repository, r.digest)}}}],
                "properties": {"severity": f.severity.as_api(), "package": f.package, "installedVersion": f.installed_version, "fixedInVersion": f.fixed_in, "imageTags": r.tags},
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ecrscope", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/ecrscope/ecrscope", "rules": rules}},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

pub fn render(format: Format, reports: &[ImageReport]) -> String {
    match format {
        Format::Csv => to_csv(reports),
        Format::Json => to_json(reports),
        Format::Sarif => to_sarif(reports),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reports() -> Vec<ImageReport> {
        let f1 = Finding {
            id: "CVE-1".into(),
            severity: Severity::Critical,
            score: Some(9.8),
            package: Some("openssl".into()),
            installed_version: Some("3.0.1".into()),
            fixed_in: Some("3.0.15".into()),
            fix_available: Some(true),
            title: Some("overflow, \"bad\"".into()),
            ..Finding::default()
        };
        let f2 = Finding {
            id: "CVE-2".into(),
            severity: Severity::Undefined,
            ..Finding::default()
        };
        vec![ImageReport {
            repository: "team/api".into(),
            digest: Digest::of_bytes(b"x"),
            tags: vec!["v1".into(), "latest".into()],
            report: ScanReport {
                findings: vec![f1, f2],
                ..ScanReport::default()
            },
        }]
    }

    #[test]
    fn csv_header_rows_and_quoting() {
        let csv = to_csv(&reports());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines.len(), 3, "header + one row per finding");
        assert!(
            lines[1].contains("\"overflow, \"\"bad\"\"\""),
            "{}",
            lines[1]
        );
        assert_eq!(lines[2].split(',').count(), 13, "missing fields stay empty");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        let mut r = reports();
        r[0].report.findings[0].title = Some("=HYPERLINK(\"http://x\",\"y\")".into());
        r[0].report.findings[0].package = Some("@evil".into());
        r[0].report.findings[1].title = Some("\t+1".into());
        let csv = to_csv(&r);
        let mut rd = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
        let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.expect("row")).collect();
        assert_eq!(&rows[0][11], "'=HYPERLINK(\"http://x\",\"y\")");
        assert_eq!(&rows[0][6], "'@evil");
        assert_eq!(&rows[1][11], "'\t+1");
        for row in &rows {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell}"
                );
            }
        }
    }

    #[test]
    fn json_round_trips() {
        let v: serde_json::Value = serde_json::from_str(&to_json(&reports())).expect("json");
        assert_eq!(v[0]["findings"].as_array().map(Vec::len), Some(2));
        assert_eq!(v[0]["findings"][0]["fixedInVersion"], "3.0.15");
        assert_eq!(v[0]["imageTags"][1], "latest");
    }

    #[test]
    fn sarif_has_the_required_structure() {
        let v: serde_json::Value = serde_json::from_str(&to_sarif(&reports())).expect("json");
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "ecrscope");
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().map(Vec::len),
            Some(2)
        );
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[1]["level"], "note");
        assert!(
            results[0]["message"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("fixed in 3.0.15"))
        );
        assert!(
            results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("team/api@sha256:"))
        );
    }
}
