//! ListImageReferrers: the manifests in a repository whose `subject` names
//! an image (OCI 1.1), as ECR's API reference documents the call
//! (docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImageReferrers.html):
//! `maxResults` 1 to 50; no filter lists ACTIVE artifacts only;
//! `artifactStatus` ACTIVE | ARCHIVED | ACTIVATING | ANY; `artifactTypes`
//! keeps the listed types; each referrer carries digest, mediaType, size,
//! artifactType, annotations and artifactStatus (API_ImageReferrer.html).
//! A subject with no referrers (or none in the repository) lists nothing:
//! the call documents no ImageNotFoundException.
//!
//! The reference gives 50 as the page size without `maxResults`, the
//! Kotlin SDK's copy of the same text 20: the demo answers 50, and
//! ecrscope always sends `maxResults`.

use super::*;

/// The `artifactType` of a manifest as the OCI distribution spec's
/// referrers list gives it: the manifest's own, else its config's media type.
fn artifact_type(manifest: &Value) -> Option<&str> {
    manifest
        .get("artifactType")
        .and_then(Value::as_str)
        .or_else(|| {
            manifest
                .pointer("/config/mediaType")
                .and_then(Value::as_str)
        })
}

impl Store {
    pub(super) fn list_image_referrers(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let subject = v
            .pointer("/subjectId/imageDigest")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("'subjectId.imageDigest' is required"))?;
        let subject = Digest::parse(subject).ok_or_else(|| {
            invalid(format!(
                "Invalid parameter at 'subjectId.imageDigest': '{subject}' is not a digest"
            ))
        })?;
        if let Some(m) = v.get("maxResults") {
            let m = m.as_u64().unwrap_or(0);
            if !(1..=50).contains(&m) {
                return Err(invalid("maxResults must be between 1 and 50"));
            }
        }
        let (max, start) = page_params(v, 50)?;
        let status = v
            .pointer("/filter/artifactStatus")
            .and_then(Value::as_str)
            .unwrap_or("ACTIVE");
        if !matches!(status, "ACTIVE" | "ARCHIVED" | "ACTIVATING" | "ANY") {
            return Err(invalid(format!(
                "Invalid parameter at 'filter.artifactStatus': '{status}' is not one of ACTIVE, ARCHIVED, ACTIVATING, ANY"
            )));
        }
        let types: Option<Vec<&str>> = v
            .pointer("/filter/artifactTypes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect());
        let t = now();
        let found: Vec<Value> = repo
            .images
            .iter()
            .filter_map(|img| {
                let m: Value = serde_json::from_str(&img.manifest).ok()?;
                let names = m.pointer("/subject/digest").and_then(Value::as_str)?;
                if Digest::parse(names)? != subject {
                    return None;
                }
                let st = img.archive.status(t);
                if status != "ANY" && st != status {
                    return None;
                }
                let kind = artifact_type(&m);
                if let Some(types) = &types
                    && !kind.is_some_and(|k| types.contains(&k))
                {
                    return None;
                }
                let mut r = json!({
                    "digest": img.digest.to_string(),
                    "mediaType": img.media_type,
                    "size": img.manifest.len(),
                    "artifactStatus": st,
                });
                if let Some(k) = kind {
                    r["artifactType"] = json!(k);
                }
                if let Some(a) = m.get("annotations").filter(|a| a.is_object()) {
                    r["annotations"] = a.clone();
                }
                Some(r)
            })
            .collect();
        let (page, next) = paged(&found, max, start);
        Ok(with_token(json!({"referrers": page}), next))
    }
}
