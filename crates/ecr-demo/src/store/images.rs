//! Images: listing and describing (paged, by status), getting and putting manifests, deleting, the archive, layer download URLs.

use super::*;

impl Store {
    pub(super) fn image_json(&self, repo: &DemoRepo, img: &DemoImage) -> Value {
        let mut v = json!({
            "registryId": self.account,
            "repositoryName": repo.name,
            "imageDigest": img.digest.to_string(),
            "imageSizeInBytes": img.size,
            "imagePushedAt": img.pushed_at,
            "imageManifestMediaType": img.media_type,
            "imageStatus": img.archive.status(now()),
        });
        if let Some(t) = img.archive.archived_at {
            v["lastArchivedAt"] = json!(t);
        }
        if let Some(t) = img.archive.activated_at.filter(|t| *t <= now()) {
            v["lastActivatedAt"] = json!(t);
        }
        if !img.tags.is_empty() {
            v["imageTags"] = json!(img.tags);
        }
        if let Some(p) = img.last_pull {
            v["lastRecordedPullTime"] = json!(p);
        }
        if let Some(a) = &img.artifact_media_type {
            v["artifactMediaType"] = json!(a);
        }
        // Like ECR's newer basic scanning, DescribeImages carries no scan
        // status or summary: counts cost one DescribeImageScanFindings each.
        v
    }

    pub(super) fn find_image<'r>(repo: &'r DemoRepo, id: &Value) -> Option<&'r DemoImage> {
        if let Some(d) = s(id, "imageDigest").and_then(Digest::parse) {
            let img = repo.images.iter().find(|i| i.digest == d)?;
            return match s(id, "imageTag") {
                Some(t) if !img.tags.iter().any(|x| x == t) => None,
                _ => Some(img),
            };
        }
        let tag = s(id, "imageTag")?;
        repo.images.iter().find(|i| i.tags.iter().any(|t| t == tag))
    }

    pub(super) fn image_not_found(repo: &DemoRepo, id: &Value) -> ApiError {
        let what = s(id, "imageTag").or(s(id, "imageDigest")).unwrap_or("?");
        err(
            "ImageNotFoundException",
            format!(
                "The image with imageId {{{what}}} does not exist within the repository with name '{}'",
                repo.name
            ),
        )
    }

    pub(super) fn describe_images(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        if let Some(ids) = v.get("imageIds").and_then(Value::as_array) {
            if v.get("maxResults").is_some() {
                return Err(invalid("maxResults cannot be combined with imageIds"));
            }
            if ids.len() > 100 {
                return Err(invalid("At most 100 imageIds may be given"));
            }
            let status = image_status_filter(v)?;
            let mut out = Vec::new();
            for id in ids {
                let img = Self::find_image(repo, id)
                    .filter(|i| status_matches(status, i))
                    .ok_or_else(|| Self::image_not_found(repo, id))?;
                out.push(self.image_json(repo, img));
            }
            return Ok(json!({"imageDetails": out}));
        }
        let (max, start) = page_params(v, 1000)?;
        let status = image_status_filter(v)?;
        let tag_status = v
            .pointer("/filter/tagStatus")
            .and_then(Value::as_str)
            .unwrap_or("ANY");
        let filtered: Vec<&DemoImage> = repo
            .images
            .iter()
            .filter(|i| match tag_status {
                "TAGGED" => !i.tags.is_empty(),
                "UNTAGGED" => i.tags.is_empty(),
                _ => true,
            })
            .filter(|i| status_matches(status, i))
            .collect();
        let (page, next) = paged(&filtered, max, start);
        let details: Vec<Value> = page.into_iter().map(|i| self.image_json(repo, i)).collect();
        Ok(with_token(json!({"imageDetails": details}), next))
    }

    pub(super) fn list_images(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let (max, start) = page_params(v, 1000)?;
        let status = image_status_filter(v)?;
        let mut ids = Vec::new();
        for i in repo.images.iter().filter(|i| status_matches(status, i)) {
            if i.tags.is_empty() {
                ids.push(json!({"imageDigest": i.digest.to_string()}));
            }
            for t in &i.tags {
                ids.push(json!({"imageDigest": i.digest.to_string(), "imageTag": t}));
            }
        }
        let (page, next) = paged(&ids, max, start);
        Ok(with_token(json!({"imageIds": page}), next))
    }

    pub(super) fn batch_get_image(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let ids = v
            .get("imageIds")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("'imageIds' is required"))?;
        if ids.len() > 100 {
            return Err(invalid("At most 100 imageIds may be given"));
        }
        let mut images = Vec::new();
        let mut failures = Vec::new();
        for id in ids {
            match Self::find_image(repo, id) {
                // Archived images cannot be pulled (ECR answers a pull 404).
                Some(img) if img.archive.status(now()) != "ACTIVE" => failures.push(json!({"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image is archived"})),
                Some(img) => images.push(json!({
                    "registryId": self.account,
                    "repositoryName": repo.name,
                    "imageId": {"imageDigest": img.digest.to_string(), "imageTag": s(id, "imageTag").or(img.tags.first().map(String::as_str))},
                    "imageManifest": img.manifest,
                    "imageManifestMediaType": img.media_type,
                })),
                None => failures.push(json!({"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})),
            }
        }
        Ok(json!({"images": images, "failures": failures}))
    }

    pub(super) fn batch_delete_image(&mut self, v: &Value) -> Answer {
        let ids = v
            .get("imageIds")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| invalid("'imageIds' is required"))?;
        if ids.len() > 100 {
            return Err(invalid("At most 100 imageIds may be given"));
        }
        let repo = self.repo_mut(v)?;
        let mut deleted = Vec::new();
        let mut failures = Vec::new();
        for id in &ids {
            let digest = s(id, "imageDigest").and_then(Digest::parse);
            match (s(id, "imageTag"), digest) {
                // By tag alone: untag; the image goes when its last tag goes.
                (Some(tag), None) => match repo.images.iter().position(|i| i.tags.iter().any(|t| t == tag)) {
                    Some(pos) => {
                        let img = &mut repo.images[pos];
                        img.tags.retain(|t| t != tag);
                        deleted.push(json!({"imageDigest": img.digest.to_string(), "imageTag": tag}));
                        if img.tags.is_empty() {
                            repo.images.remove(pos);
                        }
                    }
                    None => failures.push(json!({"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})),
                },
                (_, Some(d)) => match repo.images.iter().position(|i| i.digest == d) {
                    Some(pos) => {
                        repo.images.remove(pos);
                        deleted.push(json!({"imageDigest": d.to_string()}));
                    }
                    None => failures.push(json!({"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})),
                },
                (None, None) => failures.push(json!({"imageId": id, "failureCode": "InvalidImageDigest", "failureReason": "Invalid image digest"})),
            }
        }
        Ok(json!({"imageIds": deleted, "failures": failures}))
    }

    pub(super) fn put_image(&mut self, v: &Value) -> Answer {
        let manifest = req_str(v, "imageManifest")?.to_owned();
        let tag = s(v, "imageTag").map(str::to_owned);
        if let Some(t) = &tag
            && let Err(why) = validate::image_tag(t)
        {
            return Err(invalid(why));
        }
        let digest = Digest::of_bytes(manifest.as_bytes());
        if let Some(given) = s(v, "imageDigest")
            && Digest::parse(given) != Some(digest)
        {
            return Err(err(
                "ImageDigestDoesNotMatchException",
                "The provided digest does not match the manifest",
            ));
        }
        let parsed: Value = serde_json::from_str(&manifest)
            .map_err(|e| invalid(format!("Invalid manifest: {e}")))?;
        let media_type = s(v, "imageManifestMediaType")
            .or(s(&parsed, "mediaType"))
            .unwrap_or("application/vnd.oci.image.manifest.v1+json")
            .to_owned();
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        if let Some(t) = &tag {
            if let Some(other) = repo.images.iter().find(|i| i.tags.contains(t)) {
                if other.digest == digest {
                    return Err(err(
                        "ImageAlreadyExistsException",
                        format!(
                            "Image with digest '{digest}' and tag '{t}' already exists in the repository with name '{}' in registry with id '{account}'",
                            repo.name
                        ),
                    ));
                }
                if tag_is_immutable(repo, t) {
                    return Err(err(
                        "ImageTagAlreadyExistsException",
                        format!(
                            "The image tag '{t}' already exists in the '{}' repository and cannot be overwritten because the repository is immutable.",
                            repo.name
                        ),
                    ));
                }
            }
            for i in &mut repo.images {
                i.tags.retain(|x| x != t);
            }
        }
        let now = now();
        let image = match repo.images.iter_mut().find(|i| i.digest == digest) {
            Some(existing) => {
                existing.tags.extend(tag.clone());
                existing.clone()
            }
            None => {
                let size = parsed
                    .get("layers")
                    .and_then(Value::as_array)
                    .map_or(0, |ls| {
                        ls.iter()
                            .filter_map(|l| l.get("size").and_then(Value::as_i64))
                            .sum()
                    });
                let img = DemoImage {
                    digest,
                    tags: tag.clone().into_iter().collect(),
                    manifest: manifest.clone(),
                    media_type: media_type.clone(),
                    // As DescribeImages reports it: the config's media type.
                    artifact_media_type: parsed
                        .pointer("/config/mediaType")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    size,
                    pushed_at: now,
                    last_pull: None,
                    archive: DemoArchive::default(),
                    scan: None,
                    basic_findings: Default::default(),
                    enhanced_findings: Default::default(),
                    summary_override: None,
                };
                repo.images.push(img.clone());
                img
            }
        };
        let mut image_id = json!({"imageDigest": image.digest.to_string()});
        if let Some(t) = tag {
            image_id["imageTag"] = json!(t);
        }
        Ok(json!({"image": {
            "registryId": account, "repositoryName": repo.name, "imageId": image_id,
            "imageManifest": manifest, "imageManifestMediaType": media_type,
        }}))
    }

    pub(super) fn image_mut<'r>(
        repo: &'r mut DemoRepo,
        id: &Value,
    ) -> Result<&'r mut DemoImage, ApiError> {
        let nf = Self::image_not_found(repo, id);
        let pos = Self::find_image(repo, id)
            .map(|i| i.digest)
            .and_then(|d| repo.images.iter().position(|i| i.digest == d));
        pos.map(|p| &mut repo.images[p]).ok_or(nf)
    }

    /// ARCHIVE moves an ACTIVE image to the archive; STANDARD starts the
    /// restore of an ARCHIVED one (ACTIVATING for `restore_seconds`). Any
    /// other move is refused, as ECR refuses it.
    pub(super) fn update_image_storage_class(&mut self, v: &Value) -> Answer {
        let id = v
            .get("imageId")
            .cloned()
            .ok_or_else(|| invalid("'imageId' is required"))?;
        let target = req_str(v, "targetStorageClass")?.to_owned();
        let (account, restore) = (self.account.clone(), self.restore_seconds);
        let repo = self.repo_mut(v)?;
        let name = repo.name.clone();
        let img = Self::image_mut(repo, &id)?;
        let t = now();
        let status = img.archive.status(t);
        match (target.as_str(), status) {
            ("ARCHIVE", "ACTIVE") => {
                img.archive.archived = true;
                img.archive.archived_at = Some(t);
                img.archive.activating_until = None;
            }
            ("STANDARD", "ARCHIVED") => {
                img.archive.archived = false;
                img.archive.activating_until = Some(t + restore);
                img.archive.activated_at = Some(t + restore);
            }
            ("ARCHIVE" | "STANDARD", _) => {
                return Err(err(
                    "ImageStorageClassUpdateNotSupportedException",
                    format!("The image is {status}: it cannot be moved to {target} storage now."),
                ));
            }
            _ => {
                return Err(err(
                    "ValidationException",
                    format!(
                        "1 validation error detected: Value '{target}' at 'targetStorageClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, ARCHIVE]"
                    ),
                ));
            }
        }
        Ok(json!({
            "registryId": account,
            "repositoryName": name,
            "imageId": {"imageDigest": img.digest.to_string()},
            "imageStatus": img.archive.status(t),
        }))
    }

    pub(super) fn get_download_url_for_layer(&self, v: &Value) -> Answer {
        let _repo = self.repo(v)?;
        let d = s(v, "layerDigest")
            .and_then(Digest::parse)
            .ok_or_else(|| invalid("Invalid layer digest"))?;
        if !self.blobs.contains_key(&d) && self.synthetic_blob(&d).is_none() {
            return Err(err(
                "LayersNotFoundException",
                format!("The layer {d} does not exist"),
            ));
        }
        Ok(
            json!({"downloadUrl": format!("{}/{}", self.base_url, d.hex()), "layerDigest": d.to_string()}),
        )
    }
}
