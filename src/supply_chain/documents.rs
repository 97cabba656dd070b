//! What an artifact says, read from its payload: an SBOM's packages
//! (SPDX 2.x JSON, CycloneDX JSON, either wrapped in an in-toto statement
//! or a DSSE envelope), a provenance statement's builder, source and
//! materials (SLSA v1 and v0.2), a signature's simple-signing claims.
//! Pure functions over bytes: the worker downloads, these read.

use base64::Engine as _;
use serde_json::Value;

pub use crate::model::{Package, Provenance, Sbom};

/// A DSSE envelope's payload, else the bytes themselves.
fn unwrap_dsse(v: Value) -> Value {
    if let (Some(t), Some(p)) = (v["payloadType"].as_str(), v["payload"].as_str())
        && t.contains("in-toto")
        && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(p)
        && let Ok(inner) = serde_json::from_slice::<Value>(&bytes)
    {
        return inner;
    }
    v
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// Reads an SBOM: SPDX or CycloneDX JSON, bare or as an in-toto predicate.
pub fn parse_sbom(bytes: &[u8]) -> Result<Sbom, String> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the SBOM is not JSON ({e})"))?;
    let mut v = unwrap_dsse(v);
    if v["_type"].as_str().is_some_and(|t| t.contains("in-toto")) {
        v = v["predicate"].take();
    }
    if let Some(version) = v["spdxVersion"].as_str() {
        let packages = v["packages"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|p| Package {
                name: s(&p["name"]),
                version: s(&p["versionInfo"]),
                licence: [&p["licenseConcluded"], &p["licenseDeclared"]]
                    .into_iter()
                    .filter_map(Value::as_str)
                    .find(|l| !l.is_empty() && *l != "NOASSERTION")
                    .unwrap_or_default()
                    .to_owned(),
                purl: p["externalRefs"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .find(|r| r["referenceType"] == "purl")
                    .map(|r| s(&r["referenceLocator"]))
                    .unwrap_or_default(),
            })
            .collect();
        let creator = v["creationInfo"]["creators"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        return Ok(Sbom {
            format: version.to_owned(),
            creator,
            packages,
        });
    }
    if v["bomFormat"] == "CycloneDX" {
        let packages = v["components"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|c| Package {
                name: s(&c["name"]),
                version: s(&c["version"]),
                licence: c["licenses"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|l| {
                        l["license"]["id"]
                            .as_str()
                            .or(l["license"]["name"].as_str())
                            .or(l["expression"].as_str())
                    })
                    .collect::<Vec<_>>()
                    .join(" OR "),
                purl: s(&c["purl"]),
            })
            .collect();
        let tools = &v["metadata"]["tools"];
        let creator = tools
            .as_array()
            .or(tools["components"].as_array())
            .map(|t| {
                t.iter()
                    .map(|x| {
                        format!("{} {}", s(&x["name"]), s(&x["version"]))
                            .trim()
                            .to_owned()
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        return Ok(Sbom {
            format: format!("CycloneDX {}", s(&v["specVersion"]))
                .trim()
                .to_owned(),
            creator,
            packages,
        });
    }
    Err("not an SBOM ecrscope reads (SPDX JSON or CycloneDX JSON)".into())
}

/// Reads a SLSA provenance statement (v1 or v0.2), bare or in DSSE.
pub fn parse_provenance(bytes: &[u8]) -> Result<Provenance, String> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("the statement is not JSON ({e})"))?;
    let v = unwrap_dsse(v);
    let predicate_type = s(&v["predicateType"]);
    if !predicate_type.contains("slsa.dev/provenance") {
        return Err(if predicate_type.is_empty() {
            "not an in-toto statement (no predicateType)".into()
        } else {
            format!("an in-toto statement of another kind ({predicate_type})")
        });
    }
    let p = &v["predicate"];
    let digest_of = |d: &Value| -> String {
        d.as_object()
            .and_then(|m| m.iter().next())
            .map(|(alg, hex)| format!("{alg}:{}", hex.as_str().unwrap_or_default()))
            .unwrap_or_default()
    };
    let materials_of = |a: &Value| -> Vec<(String, String)> {
        a.as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|m| (s(&m["uri"]), digest_of(&m["digest"])))
            .collect()
    };
    if predicate_type.ends_with("/v1") {
        let def = &p["buildDefinition"];
        let run = &p["runDetails"];
        let materials = materials_of(&def["resolvedDependencies"]);
        let source = materials
            .iter()
            .find(|(u, _)| u.starts_with("git+"))
            .cloned()
            .unwrap_or_default();
        let workflow = &def["externalParameters"]["workflow"];
        Ok(Provenance {
            predicate_type,
            builder: s(&run["builder"]["id"]),
            build_type: s(&def["buildType"]),
            source: workflow["repository"]
                .as_str()
                .map_or_else(|| source.0.clone(), str::to_owned),
            commit: source
                .1
                .strip_prefix("gitCommit:")
                .unwrap_or(&source.1)
                .to_owned(),
            started: s(&run["metadata"]["startedOn"]),
            finished: s(&run["metadata"]["finishedOn"]),
            materials,
        })
    } else {
        let config = &p["invocation"]["configSource"];
        Ok(Provenance {
            predicate_type,
            builder: s(&p["builder"]["id"]),
            build_type: s(&p["buildType"]),
            source: s(&config["uri"]),
            commit: config["digest"]
                .as_object()
                .and_then(|m| m.values().next())
                .map(s)
                .unwrap_or_default(),
            started: s(&p["metadata"]["buildStartedOn"]),
            finished: s(&p["metadata"]["buildFinishedOn"]),
            materials: materials_of(&p["materials"]),
        })
    }
}

/// The packages a search keeps: `needle` (any case) in the name, version,
/// licence or purl; all of them for an empty search.
pub fn filter_packages(packages: &[Package], needle: &str) -> Vec<usize> {
    let needle = needle.trim().to_lowercase();
    if needle.is_empty() {
        return (0..packages.len()).collect();
    }
    let has = |field: &str| {
        if field.is_ascii() && needle.is_ascii() {
            // No allocation for the usual ASCII case.
            field
                .as_bytes()
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
        } else {
            field.to_lowercase().contains(&needle)
        }
    };
    (0..packages.len())
        .filter(|&i| {
            let p = &packages[i];
            has(&p.name) || has(&p.version) || has(&p.licence) || has(&p.purl)
        })
        .collect()
}

/// Packages whose name and version a finding names: (package index,
/// worst severity, finding ids). Debian findings name the source package
/// with the Debian version, as the SBOM does.
pub fn packages_with_findings(
    packages: &[Package],
    findings: &[crate::model::Finding],
) -> Vec<(usize, crate::model::Severity, Vec<String>)> {
    let mut out = Vec::new();
    for (i, p) in packages.iter().enumerate() {
        let hits: Vec<&crate::model::Finding> = findings
            .iter()
            .filter(|f| {
                f.package.as_deref() == Some(p.name.as_str())
                    && f.installed_version
                        .as_deref()
                        .is_none_or(|v| v == p.version)
            })
            .collect();
        // Severity orders Critical first.
        if let Some(worst) = hits.iter().map(|f| f.severity).min() {
            out.push((i, worst, hits.iter().map(|f| f.id.clone()).collect()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spdx_packages_with_licence_and_purl() {
        let doc = r#"{"spdxVersion":"SPDX-2.3","creationInfo":{"creators":["Tool: syft-1.4.1"]},
            "packages":[{"name":"openssl","versionInfo":"3.0.11","licenseConcluded":"NOASSERTION","licenseDeclared":"Apache-2.0",
            "externalRefs":[{"referenceType":"cpe23Type","referenceLocator":"cpe:x"},{"referenceType":"purl","referenceLocator":"pkg:deb/debian/openssl@3.0.11"}]},
            {"name":"läger","versionInfo":"1"}]}"#;
        let sbom = parse_sbom(doc.as_bytes()).unwrap();
        assert_eq!(sbom.format, "SPDX-2.3");
        assert_eq!(sbom.creator, "Tool: syft-1.4.1");
        assert_eq!(
            sbom.packages[0],
            Package {
                name: "openssl".into(),
                version: "3.0.11".into(),
                licence: "Apache-2.0".into(),
                purl: "pkg:deb/debian/openssl@3.0.11".into()
            }
        );
        assert_eq!(sbom.packages[1].name, "läger");
    }

    #[test]
    fn cyclonedx_components_and_in_toto_wrapping() {
        let cdx = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"tools":{"components":[{"name":"syft","version":"1.4"}]}},
            "components":[{"name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20","licenses":[{"license":{"id":"MIT"}},{"expression":"ISC"}]}]}"#;
        let sbom = parse_sbom(cdx.as_bytes()).unwrap();
        assert_eq!(sbom.format, "CycloneDX 1.5");
        assert_eq!(sbom.creator, "syft 1.4");
        assert_eq!(sbom.packages[0].licence, "MIT OR ISC");
        // The same in an in-toto statement inside a DSSE envelope.
        let statement = format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://cyclonedx.org/bom","predicate":{cdx}}}"#
        );
        let envelope = serde_json::json!({
            "payloadType": "application/vnd.in-toto+json",
            "payload": base64::engine::general_purpose::STANDARD.encode(statement),
            "signatures": []
        });
        let wrapped = parse_sbom(envelope.to_string().as_bytes()).unwrap();
        assert_eq!(wrapped, sbom);
        assert!(parse_sbom(b"{}").is_err());
        assert!(parse_sbom(b"not json").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn slsa_v1_and_v02_provenance() {
        let v1 = br#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1",
            "predicate":{"buildDefinition":{"buildType":"bt","externalParameters":{"workflow":{"repository":"https://github.com/o/r"}},
            "resolvedDependencies":[{"uri":"git+https://github.com/o/r@refs/heads/main","digest":{"gitCommit":"abc123"}}]},
            "runDetails":{"builder":{"id":"https://github.com/actions/runner"},"metadata":{"startedOn":"2026-01-01T00:00:00Z","finishedOn":"2026-01-01T00:07:00Z"}}}}"#;
        let p = parse_provenance(v1).unwrap();
        assert_eq!(p.builder, "https://github.com/actions/runner");
        assert_eq!(p.source, "https://github.com/o/r");
        assert_eq!(p.commit, "abc123");
        assert_eq!(p.finished, "2026-01-01T00:07:00Z");
        assert_eq!(p.materials.len(), 1);
        let v02 = br#"{"predicateType":"https://slsa.dev/provenance/v0.2","predicate":{"builder":{"id":"buildkit"},
            "invocation":{"configSource":{"uri":"https://github.com/o/r","digest":{"sha1":"def456"}}},
            "metadata":{"buildStartedOn":"a","buildFinishedOn":"b"},"materials":[{"uri":"pkg:docker/node@20","digest":{"sha256":"ff"}}]}}"#;
        let p = parse_provenance(v02).unwrap();
        assert_eq!(
            (p.builder.as_str(), p.commit.as_str()),
            ("buildkit", "def456")
        );
        assert_eq!(
            p.materials,
            vec![("pkg:docker/node@20".into(), "sha256:ff".into())]
        );
        assert!(
            parse_provenance(br#"{"predicateType":"https://spdx.dev/Document"}"#)
                .unwrap_err()
                .contains("another kind")
        );
    }

    #[test]
    fn findings_mark_packages_by_name_and_version() {
        use crate::model::{Finding, Severity};
        let pk = |n: &str, v: &str| Package {
            name: n.into(),
            version: v.into(),
            ..Package::default()
        };
        let f = |id: &str, n: &str, v: &str, s: Severity| Finding {
            id: id.into(),
            severity: s,
            package: Some(n.into()),
            installed_version: Some(v.into()),
            ..Finding::default()
        };
        let packages = [pk("openssl", "3.0.11"), pk("zlib", "1.2"), pk("curl", "8")];
        let findings = [
            f("CVE-1", "openssl", "3.0.11", Severity::High),
            f("CVE-2", "openssl", "3.0.11", Severity::Critical),
            f("CVE-3", "zlib", "1.3", Severity::High),
        ];
        let marked = packages_with_findings(&packages, &findings);
        assert_eq!(
            marked,
            vec![(0, Severity::Critical, vec!["CVE-1".into(), "CVE-2".into()])]
        );
    }

    #[test]
    fn package_search_ignores_case_in_any_field() {
        let pk = |n: &str, v: &str, l: &str, p: &str| Package {
            name: n.into(),
            version: v.into(),
            licence: l.into(),
            purl: p.into(),
        };
        let packages = [
            pk("OpenSSL", "3.0", "Apache-2.0", "pkg:deb/debian/openssl@3.0"),
            pk("lodash", "4.17", "MIT", "pkg:npm/lodash@4.17"),
            pk("Läger", "1", "MIT", ""),
        ];
        assert_eq!(filter_packages(&packages, ""), [0, 1, 2]);
        assert_eq!(filter_packages(&packages, "openssl"), [0]);
        assert_eq!(filter_packages(&packages, " NPM "), [1]);
        assert_eq!(filter_packages(&packages, "mit"), [1, 2]);
        assert_eq!(filter_packages(&packages, "LÄG"), [2]);
        assert!(filter_packages(&packages, "nothing").is_empty());
    }
}
