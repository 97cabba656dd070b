//! Image manifests, indexes and configs, parsed leniently from their JSON:
//! a missing field is `None`, never an error; text that is not JSON at all is
//! an error that carries the parser's message, so the UI can show the raw text
//! next to it.

use serde_json::Value;

use super::Digest;

/// A content descriptor (config, layer, or an index entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Option<Digest>,
    pub size: i64,
}

/// An index entry's platform.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// `linux/arm64/v8`.
    pub fn label(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{v}", self.os, self.architecture),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Manifest {
    Image {
        config: Option<Descriptor>,
        layers: Vec<Descriptor>,
        artifact_type: Option<String>,
    },
    Index {
        manifests: Vec<(Descriptor, Option<Platform>)>,
    },
}

impl Manifest {
    /// Total compressed size of the layers (single images).
    pub fn layers_size(&self) -> i64 {
        match self {
            Self::Image { layers, .. } => layers.iter().fold(0i64, |a, l| a.saturating_add(l.size)),
            Self::Index { .. } => 0,
        }
    }
}

fn descriptor(v: &Value) -> Descriptor {
    Descriptor {
        media_type: v
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        digest: v
            .get("digest")
            .and_then(Value::as_str)
            .and_then(Digest::parse),
        size: v.get("size").and_then(Value::as_i64).unwrap_or(0),
    }
}

fn platform(v: &Value) -> Option<Platform> {
    let p = v.get("platform")?;
    Some(Platform {
        os: p
            .get("os")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned(),
        architecture: p
            .get("architecture")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned(),
        variant: p.get("variant").and_then(Value::as_str).map(str::to_owned),
    })
}

/// Parses a manifest or an index.
pub fn parse_manifest(text: &str) -> Result<Manifest, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("The manifest is not valid JSON: {e}"))?;
    if !v.is_object() {
        return Err("The manifest is not a JSON object.".into());
    }
    if let Some(list) = v.get("manifests").and_then(Value::as_array) {
        return Ok(Manifest::Index {
            manifests: list.iter().map(|m| (descriptor(m), platform(m))).collect(),
        });
    }
    Ok(Manifest::Image {
        config: v.get("config").map(descriptor),
        layers: v
            .get("layers")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(descriptor).collect())
            .unwrap_or_default(),
        artifact_type: v
            .get("artifactType")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// One step of the build history.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HistoryStep {
    pub created: Option<String>,
    pub created_by: Option<String>,
    pub comment: Option<String>,
    pub empty_layer: bool,
}

/// What an image config says about how the image runs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ImageConfig {
    pub os: Option<String>,
    pub architecture: Option<String>,
    pub variant: Option<String>,
    pub created: Option<String>,
    pub env: Vec<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub working_dir: Option<String>,
    pub user: Option<String>,
    pub exposed_ports: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub history: Vec<HistoryStep>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn opt_str(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Parses a config blob (OCI or Docker).
pub fn parse_config(bytes: &[u8]) -> Result<ImageConfig, String> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("The config is not valid JSON: {e}"))?;
    let c = v.get("config").or_else(|| v.get("container_config"));
    let mut labels: Vec<(String, String)> = c
        .and_then(|c| c.get("Labels"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    labels.sort();
    let mut exposed_ports: Vec<String> = c
        .and_then(|c| c.get("ExposedPorts"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    exposed_ports.sort();
    Ok(ImageConfig {
        os: opt_str(v.get("os")),
        architecture: opt_str(v.get("architecture")),
        variant: opt_str(v.get("variant")),
        created: opt_str(v.get("created")),
        env: strings(c.and_then(|c| c.get("Env"))),
        entrypoint: strings(c.and_then(|c| c.get("Entrypoint"))),
        cmd: strings(c.and_then(|c| c.get("Cmd"))),
        working_dir: opt_str(c.and_then(|c| c.get("WorkingDir"))),
        user: opt_str(c.and_then(|c| c.get("User"))),
        exposed_ports,
        labels,
        history: v
            .get("history")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|h| HistoryStep {
                        created: opt_str(h.get("created")),
                        created_by: opt_str(h.get("created_by")),
                        comment: opt_str(h.get("comment")),
                        empty_layer: h
                            .get("empty_layer")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// Pretty-prints JSON text; returns the text unchanged if it is not JSON.
pub fn pretty_json(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_with_platforms() {
        let text = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001","size":10,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"bogus","size":11}]}"#;
        let Manifest::Index { manifests } = parse_manifest(text).expect("parses") else {
            panic!("an index")
        };
        assert_eq!(manifests.len(), 2);
        assert_eq!(
            manifests[0].1.as_ref().map(Platform::label).as_deref(),
            Some("linux/arm64/v8")
        );
        assert_eq!(
            manifests[1].0.digest, None,
            "a bad digest is None, not an error"
        );
        assert_eq!(manifests[1].1, None);
    }

    #[test]
    fn image_layers_and_bad_json() {
        let text = r#"{"config":{"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000002","size":5},"layers":[{"size":100},{"size":50,"mediaType":"x"}]}"#;
        let m = parse_manifest(text).expect("parses");
        assert_eq!(m.layers_size(), 150);
        let e = parse_manifest("{not json").expect_err("bad");
        assert!(e.contains("not valid JSON"));
        assert!(parse_manifest("[1]").is_err());
    }

    #[test]
    fn config_fields_leniently() {
        let cfg = br#"{"architecture":"amd64","os":"linux","config":{"Env":["A=1"],"Entrypoint":"/bin/app","Cmd":null,
            "ExposedPorts":{"8080/tcp":{},"443/tcp":{}},"Labels":{"b":"2","a":"1"},"User":""},
            "history":[{"created_by":"RUN x","empty_layer":true},{"created":"2026-01-01T00:00:00Z"}]}"#;
        let c = parse_config(cfg).expect("parses");
        assert_eq!(c.entrypoint, ["/bin/app"]);
        assert!(c.cmd.is_empty());
        assert_eq!(c.exposed_ports, ["443/tcp", "8080/tcp"]);
        assert_eq!(c.labels[0], ("a".to_owned(), "1".to_owned()));
        assert_eq!(c.user, None, "empty user is unknown, shown as —");
        assert_eq!(c.history.len(), 2);
        assert!(c.history[0].empty_layer);
        assert!(parse_config(b"\x00\x01").is_err());
    }
}
