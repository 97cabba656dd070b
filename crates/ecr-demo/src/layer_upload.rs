//! ECR's layer API on the demo store: InitiateLayerUpload, UploadLayerPart,
//! CompleteLayerUpload and BatchCheckLayerAvailability, with ECR's rules
//! (parts in order, at most 20,971,520 bytes each, the digest checked on
//! completion) and moto's shapes. A layer is available in a repository when
//! one of its images uses it or it was uploaded there: availability is per
//! repository, as in ECR without blob mounting.

use std::collections::HashSet;

use base64::Engine as _;
use hyper::body::Bytes;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::store::{Answer, ApiError, DemoRepo, Store, api_err, invalid, req_str};
use ecr_core::Digest;

/// The part size the demo asks for (moto's and a common ECR answer).
pub const PART_SIZE: u64 = 10 * 1024 * 1024;
/// ECR's largest part.
pub const MAX_PART: u64 = 20_971_520;
/// Uploads bigger than this keep only their digest and length, not their
/// bytes (the 2 GiB layer of the copy benchmark): such a blob can be checked
/// and referenced, not downloaded again.
pub const KEEP_BYTES_UP_TO: u64 = 256 * 1024 * 1024;

/// An upload in progress.
#[derive(Clone, Debug)]
pub struct PendingUpload {
    pub repository: String,
    hasher: Sha256,
    bytes: Vec<u8>,
    received: u64,
}

impl Store {
    pub(super) fn initiate_layer_upload(&mut self, v: &Value) -> Answer {
        let repo = self.repo_for_layers(v)?.name.clone();
        self.next_upload += 1;
        let id = format!("demo-upload-{:016x}", self.next_upload);
        self.uploads.insert(
            id.clone(),
            PendingUpload {
                repository: repo,
                hasher: Sha256::new(),
                bytes: Vec::new(),
                received: 0,
            },
        );
        Ok(json!({"uploadId": id, "partSize": PART_SIZE}))
    }

    pub(super) fn upload_layer_part(&mut self, v: &Value) -> Answer {
        let repo = self.repo_for_layers(v)?.name.clone();
        let id = req_str(v, "uploadId")?;
        let first = v.get("partFirstByte").and_then(Value::as_u64);
        let last = v.get("partLastByte").and_then(Value::as_u64);
        let blob = req_str(v, "layerPartBlob")?;
        let blob = base64::engine::general_purpose::STANDARD
            .decode(blob)
            .map_err(|_| invalid("layerPartBlob is not valid base64"))?;
        let account = self.account.clone();
        let upload = self
            .uploads
            .get_mut(id)
            .filter(|u| u.repository == repo)
            .ok_or_else(|| upload_not_found(id, &repo, &account))?;
        let (Some(first), Some(last)) = (first, last) else {
            return Err(invalid("partFirstByte and partLastByte are required"));
        };
        if first != upload.received || last < first || last - first + 1 != blob.len() as u64 {
            return Err(api_err(
                "InvalidLayerPartException",
                format!(
                    "The layer part is out of order or its byte range does not match its length; last byte received is {}",
                    upload.received as i64 - 1
                ),
            ));
        }
        if blob.len() as u64 > MAX_PART {
            return Err(invalid(format!(
                "A layer part may be at most {MAX_PART} bytes"
            )));
        }
        upload.hasher.update(&blob);
        upload.received += blob.len() as u64;
        if upload.received <= KEEP_BYTES_UP_TO {
            upload.bytes.extend_from_slice(&blob);
        } else {
            upload.bytes = Vec::new();
        }
        Ok(json!({
            "registryId": account, "repositoryName": repo, "uploadId": id,
            "lastByteReceived": upload.received - 1,
        }))
    }

    pub(super) fn complete_layer_upload(&mut self, v: &Value) -> Answer {
        let repo = self.repo_for_layers(v)?.name.clone();
        let id = req_str(v, "uploadId")?.to_owned();
        let given = v
            .get("layerDigests")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("layerDigests is required"))?;
        let given = Digest::parse(given).ok_or_else(|| {
            api_err(
                "InvalidLayerException",
                format!("Invalid layer digest {given}"),
            )
        })?;
        let account = self.account.clone();
        let upload = match self.uploads.get(&id) {
            Some(u) if u.repository == repo => u.clone(),
            _ => return Err(upload_not_found(&id, &repo, &account)),
        };
        if upload.received == 0 {
            return Err(api_err(
                "EmptyUploadException",
                "The upload has no layer parts",
            ));
        }
        let digest = Digest(upload.hasher.finalize().into());
        if digest != given {
            return Err(api_err(
                "InvalidLayerException",
                format!(
                    "The layer digest calculation performed by Amazon ECR upon receipt of the image layer does not match the digest specified ({given} given, {digest} received)"
                ),
            ));
        }
        self.uploads.remove(&id);
        let already = self
            .repos
            .get(&repo)
            .is_some_and(|r| layer_in_repo(r, &digest));
        if upload.received <= KEEP_BYTES_UP_TO {
            self.blobs
                .entry(digest)
                .or_insert_with(|| Bytes::from(upload.bytes));
        }
        self.blob_sizes.insert(digest, upload.received);
        if let Some(r) = self.repos.get_mut(&repo) {
            r.layers.insert(digest);
        }
        if already {
            return Err(api_err(
                "LayerAlreadyExistsException",
                format!("The image layer {digest} already exists in the repository"),
            ));
        }
        Ok(json!({
            "registryId": account, "repositoryName": repo, "uploadId": id,
            "layerDigest": digest.to_string(),
        }))
    }

    pub(super) fn batch_check_layer_availability(&self, v: &Value) -> Answer {
        let repo = self.repo_for_layers(v)?;
        let digests = v
            .get("layerDigests")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("layerDigests is required"))?;
        if digests.is_empty() || digests.len() > 100 {
            return Err(invalid("layerDigests must hold 1 to 100 digests"));
        }
        let used = used_layers(repo);
        let mut layers = Vec::new();
        let mut failures = Vec::new();
        for d in digests {
            let text = d.as_str().unwrap_or_default();
            match Digest::parse(text) {
                None => failures.push(json!({"layerDigest": text, "failureCode": "InvalidLayerDigest", "failureReason": format!("Invalid layer digest '{text}'")})),
                Some(dg) if used.contains(&dg) || repo.layers.contains(&dg) => {
                    let size = self
                        .blobs
                        .get(&dg)
                        .map(|b| b.len() as u64)
                        .or_else(|| self.blob_sizes.get(&dg).copied())
                        .or_else(|| self.synthetic_blob(&dg).map(|s| s.len))
                        .unwrap_or(0);
                    layers.push(json!({"layerDigest": text, "layerAvailability": "AVAILABLE", "layerSize": size, "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip"}));
                }
                Some(_) => failures.push(json!({"layerDigest": text, "failureCode": "MissingLayerDigest", "failureReason": format!("Layer digest '{text}' could not be found")})),
            }
        }
        Ok(json!({"layers": layers, "failures": failures}))
    }

    fn repo_for_layers(&self, v: &Value) -> Result<&DemoRepo, ApiError> {
        self.repo_checked(v)
    }
}

fn upload_not_found(id: &str, repo: &str, account: &str) -> ApiError {
    api_err(
        "UploadNotFoundException",
        format!(
            "The upload with id '{id}' does not exist in the repository '{repo}' in the registry '{account}'"
        ),
    )
}

fn layer_in_repo(repo: &DemoRepo, d: &Digest) -> bool {
    repo.layers.contains(d) || used_layers(repo).contains(d)
}

/// The blobs (configs and layers) the repository's images reference.
fn used_layers(repo: &DemoRepo) -> HashSet<Digest> {
    let mut out = HashSet::new();
    for img in &repo.images {
        let Ok(m) = serde_json::from_str::<Value>(&img.manifest) else {
            continue;
        };
        let config = m.pointer("/config/digest").and_then(Value::as_str);
        let layers = m
            .get("layers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| l.get("digest").and_then(Value::as_str));
        out.extend(config.into_iter().chain(layers).filter_map(Digest::parse));
    }
    out
}

impl Store {
    /// Puts an image made of synthetic layers into `repo` (created if
    /// missing) under `tag`: for benchmarks of big copies. Returns its digest.
    pub fn put_synthetic_image(
        &mut self,
        repo: &str,
        tag: &str,
        layers: &[super::layers::Synthetic],
    ) -> Result<Digest, ApiError> {
        if !self.repos.contains_key(repo) {
            self.call("CreateRepository", &json!({"repositoryName": repo}))?;
        }
        let descs: Vec<Value> = layers
            .iter()
            .map(|l| {
                let d = l.digest();
                self.synthetic.insert(d, *l);
                json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d.to_string(), "size": l.len})
            })
            .collect();
        let config = Bytes::from(
            json!({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}})
                .to_string(),
        );
        let config_digest = Digest::of_bytes(&config);
        let config_len = config.len();
        self.blobs.insert(config_digest, config);
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.to_string(), "size": config_len},
            "layers": descs,
        })
        .to_string();
        self.call(
            "PutImage",
            &json!({"repositoryName": repo, "imageTag": tag, "imageManifest": manifest}),
        )?;
        Ok(Digest::of_bytes(manifest.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeedConfig;

    fn store() -> Store {
        let mut s = crate::seed::build(&SeedConfig::small());
        s.call(
            "CreateRepository",
            &json!({"repositoryName": "copy/target"}),
        )
        .expect("create");
        s
    }

    fn initiate(s: &mut Store) -> String {
        let up = s
            .call(
                "InitiateLayerUpload",
                &json!({"repositoryName": "copy/target"}),
            )
            .expect("initiate");
        up["uploadId"].as_str().expect("id").to_owned()
    }

    fn part(s: &mut Store, id: &str, first: u64, bytes: &[u8]) -> Answer {
        s.call(
            "UploadLayerPart",
            &json!({"repositoryName": "copy/target", "uploadId": id, "partFirstByte": first,
                    "partLastByte": first + bytes.len() as u64 - 1,
                    "layerPartBlob": base64::engine::general_purpose::STANDARD.encode(bytes)}),
        )
    }

    #[test]
    fn an_upload_in_two_parts_becomes_an_available_layer() {
        let mut s = store();
        let id = initiate(&mut s);
        let data = b"hello, layer".to_vec();
        part(&mut s, &id, 0, &data[..5]).expect("part 1");
        // A part that does not start where the last ended is refused.
        let e = part(&mut s, &id, 9, &data[5..]).expect_err("gap");
        assert_eq!(e.code, "InvalidLayerPartException");
        part(&mut s, &id, 5, &data[5..]).expect("part 2");
        let d = Digest::of_bytes(&data);
        let check = json!({"repositoryName": "copy/target", "layerDigests": [d.to_string()]});
        let before = s
            .call("BatchCheckLayerAvailability", &check)
            .expect("check");
        assert_eq!(before["failures"][0]["failureCode"], "MissingLayerDigest");
        s.call(
            "CompleteLayerUpload",
            &json!({"repositoryName": "copy/target", "uploadId": id, "layerDigests": [d.to_string()]}),
        )
        .expect("complete");
        let after = s
            .call("BatchCheckLayerAvailability", &check)
            .expect("check");
        assert_eq!(after["layers"][0]["layerAvailability"], "AVAILABLE");
        assert_eq!(after["layers"][0]["layerSize"], 12);
        assert_eq!(s.blobs.get(&d).map(|b| b.to_vec()), Some(data));
    }

    #[test]
    fn a_wrong_digest_is_refused_on_completion() {
        let mut s = store();
        let id = initiate(&mut s);
        part(&mut s, &id, 0, b"abc").expect("part");
        let e = s
            .call(
                "CompleteLayerUpload",
                &json!({"repositoryName": "copy/target", "uploadId": id,
                        "layerDigests": [Digest::of_bytes(b"abd").to_string()]}),
            )
            .expect_err("mismatch");
        assert_eq!(e.code, "InvalidLayerException");
    }

    #[test]
    fn layers_of_a_repositorys_images_are_available_there_only() {
        let mut s = store();
        let (name, used) = s
            .repos
            .iter()
            .find(|(_, r)| !r.images.is_empty())
            .map(|(n, r)| {
                let used: Vec<String> = used_layers(r).iter().map(|d| d.to_string()).collect();
                (n.clone(), used)
            })
            .expect("a repository with images");
        let used = &used[..used.len().min(100)];
        let mine = s
            .call(
                "BatchCheckLayerAvailability",
                &json!({"repositoryName": name, "layerDigests": used}),
            )
            .expect("check");
        assert_eq!(mine["failures"].as_array().map(Vec::len), Some(0));
        let other = s
            .call(
                "BatchCheckLayerAvailability",
                &json!({"repositoryName": "copy/target", "layerDigests": used}),
            )
            .expect("check");
        assert_eq!(other["layers"].as_array().map(Vec::len), Some(0));
    }
}
