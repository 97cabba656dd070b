//! Scanning: the registry and repository configurations, starting scans and their findings.

use super::*;

impl Store {
    pub(super) fn put_image_scanning_configuration(&mut self, v: &Value) -> Answer {
        let on = v
            .pointer("/imageScanningConfiguration/scanOnPush")
            .and_then(Value::as_bool)
            .ok_or_else(|| invalid("'imageScanningConfiguration' is required"))?;
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        repo.scan_on_push = on;
        Ok(
            json!({"registryId": account, "repositoryName": repo.name, "imageScanningConfiguration": {"scanOnPush": on}}),
        )
    }

    pub(super) fn get_registry_scanning_configuration(&self) -> Value {
        let rules: Vec<Value> = self
            .scan_rules
            .iter()
            .map(|(freq, filters)| json!({
                "scanFrequency": freq,
                "repositoryFilters": filters.iter().map(|f| json!({"filter": f, "filterType": "WILDCARD"})).collect::<Vec<_>>(),
            }))
            .collect();
        json!({"registryId": self.account, "scanningConfiguration": {"scanType": self.scan_type, "rules": rules}})
    }

    pub(super) fn put_registry_scanning_configuration(&mut self, v: &Value) -> Answer {
        let scan_type = s(v, "scanType").unwrap_or("BASIC");
        if !matches!(scan_type, "BASIC" | "ENHANCED") {
            return Err(err(
                "ValidationException",
                format!("Invalid scan type {scan_type}"),
            ));
        }
        let rules = v
            .get("rules")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if rules.len() > 2 {
            return Err(err(
                "ValidationException",
                "At most 2 scanning rules are allowed",
            ));
        }
        let mut parsed = Vec::new();
        for r in &rules {
            let freq = s(r, "scanFrequency").unwrap_or("");
            let allowed = match scan_type {
                "BASIC" => matches!(freq, "SCAN_ON_PUSH" | "MANUAL"),
                _ => matches!(freq, "SCAN_ON_PUSH" | "CONTINUOUS_SCAN"),
            };
            if !allowed {
                return Err(err(
                    "ValidationException",
                    format!("Scan frequency {freq} is not allowed with {scan_type} scanning"),
                ));
            }
            let filters: Vec<String> = r
                .get("repositoryFilters")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|f| s(f, "filter").map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if filters.is_empty() || filters.len() > 100 {
                return Err(err(
                    "ValidationException",
                    "Each rule needs 1 to 100 repository filters",
                ));
            }
            parsed.push((freq.to_owned(), filters));
        }
        self.scan_type = scan_type.to_owned();
        self.scan_rules = parsed;
        Ok(self.get_registry_scanning_configuration())
    }

    /// The frequency the registry rules give a repository (continuous beats
    /// on-push, as in ECR).
    pub(super) fn effective_frequency(&self, repo: &str) -> &'static str {
        let mut best = "MANUAL";
        for (freq, filters) in &self.scan_rules {
            if filters.iter().any(|f| wildcard_match(f, repo)) {
                if freq == "CONTINUOUS_SCAN" {
                    return "CONTINUOUS_SCAN";
                }
                if freq == "SCAN_ON_PUSH" {
                    best = "SCAN_ON_PUSH";
                }
            }
        }
        best
    }

    pub(super) fn batch_get_repository_scanning_configuration(&self, v: &Value) -> Answer {
        let names: Vec<&str> = v
            .get("repositoryNames")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if names.is_empty() || names.len() > 25 {
            return Err(err(
                "ValidationException",
                "Between 1 and 25 repository names are required",
            ));
        }
        let mut configs = Vec::new();
        let mut failures = Vec::new();
        for n in names {
            match self.repos.get(n) {
                Some(r) => {
                    let freq = self.effective_frequency(n);
                    configs.push(json!({
                        "repositoryArn": format!("arn:aws:ecr:{}:{}:repository/{n}", self.region, self.account),
                        "repositoryName": n,
                        "scanOnPush": r.scan_on_push || freq == "SCAN_ON_PUSH",
                        "scanFrequency": freq,
                        "appliedScanFilters": [],
                    }));
                }
                None => failures.push(json!({"repositoryName": n, "failureCode": "REPOSITORY_NOT_FOUND", "failureReason": "REPOSITORY_NOT_FOUND"})),
            }
        }
        Ok(json!({"scanningConfigurations": configs, "failures": failures}))
    }

    pub(super) fn start_image_scan(&mut self, v: &Value) -> Answer {
        if self.scan_type == "ENHANCED" {
            return Err(err(
                "ValidationException",
                "This registry uses enhanced scanning: images are scanned continuously or on push and cannot be scanned manually.",
            ));
        }
        let id = v
            .get("imageId")
            .cloned()
            .ok_or_else(|| invalid("'imageId' is required"))?;
        let (duration, fail) = (self.scan_seconds, self.fail_next_scan);
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        let name = repo.name.clone();
        let img = Self::image_mut(repo, &id)?;
        if img.archive.status(now()) != "ACTIVE" {
            return Err(err(
                "ImageArchivedException",
                "The specified image is archived and cannot be scanned.",
            ));
        }
        let now = now();
        if let Some(prev) = &img.scan
            && now - prev.started < 86_400.0
        {
            return Err(err(
                "LimitExceededException",
                "The scan quota per image has been exceeded. Wait and try again.",
            ));
        }
        img.scan = Some(ScanState {
            started: now,
            duration,
            fail,
        });
        let out = json!({
            "registryId": account, "repositoryName": name,
            "imageId": {"imageDigest": img.digest.to_string()},
            "imageScanStatus": {"status": "IN_PROGRESS", "description": "The scan is in progress."}
        });
        self.fail_next_scan = false;
        Ok(out)
    }

    pub(super) fn describe_image_scan_findings(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let id = v
            .get("imageId")
            .ok_or_else(|| invalid("'imageId' is required"))?;
        let img = Self::find_image(repo, id).ok_or_else(|| Self::image_not_found(repo, id))?;
        let enhanced = self.scan_type == "ENHANCED";
        let (max, start) = page_params(v, if enhanced { 100 } else { 1000 })?;
        let image_id = json!({"imageDigest": img.digest.to_string()});
        let base = |status: &str, desc: &str| {
            json!({"registryId": self.account, "repositoryName": repo.name, "imageId": image_id,
                   "imageScanStatus": {"status": status, "description": desc}})
        };
        if enhanced {
            // Inspector scans continuously; every image has a result.
            let findings = &img.enhanced_findings;
            let (page, next) = paged(findings, max, start);
            let mut out = base(
                "ACTIVE",
                "Continuous scanning is selected for your repository.",
            );
            out["imageScanFindings"] = json!({
                "imageScanCompletedAt": img.pushed_at + 600.0,
                "vulnerabilitySourceUpdatedAt": now() - 3600.0,
                "findingSeverityCounts": severity_counts(findings, "severity"),
                "enhancedFindings": page,
            });
            return Ok(with_token(out, next));
        }
        let Some(scan) = &img.scan else {
            return Err(err(
                "ScanNotFoundException",
                format!(
                    "Image scan does not exist for the image with '{}' in the repository with name '{}' in the registry with id '{}'",
                    img.digest, repo.name, self.account
                ),
            ));
        };
        let done_at = scan.started + scan.duration;
        if now() < done_at {
            return Ok(base("IN_PROGRESS", "The scan is in progress."));
        }
        if scan.fail {
            return Ok(base(
                "FAILED",
                "The scan failed: the image layers could not be read.",
            ));
        }
        let findings = &img.basic_findings;
        let (page, next) = paged(findings, max, start);
        let mut out = base("COMPLETE", "The scan was completed successfully.");
        out["imageScanFindings"] = json!({
            "imageScanCompletedAt": done_at,
            "vulnerabilitySourceUpdatedAt": done_at - 7200.0,
            "findingSeverityCounts": img.summary_override.clone().unwrap_or_else(|| severity_counts(findings, "severity")),
            "findings": page,
        });
        Ok(with_token(out, next))
    }
}
