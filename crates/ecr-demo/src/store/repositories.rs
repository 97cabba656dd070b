//! Repositories: the registry, creating and deleting, tag mutability, resource tags, the repository policy, the authorization token.

use super::*;

impl Store {
    pub(super) fn describe_registry(&self) -> Value {
        json!({
            "registryId": self.account,
            "replicationConfiguration": self.replication_json(),
        })
    }

    pub(super) fn describe_repositories(&self, v: &Value) -> Answer {
        self.check_registry(v)?;
        if let Some(names) = v.get("repositoryNames").and_then(Value::as_array) {
            if v.get("maxResults").is_some() {
                return Err(invalid(
                    "maxResults cannot be combined with repositoryNames",
                ));
            }
            let mut out = Vec::new();
            for n in names.iter().filter_map(Value::as_str) {
                out.push(self.repo_json(self.repos.get(n).ok_or_else(|| self.repo_not_found(n))?));
            }
            return Ok(json!({"repositories": out}));
        }
        let (max, start) = page_params(v, 1000)?;
        let all: Vec<&DemoRepo> = self.repos.values().collect();
        let (page, next) = paged(&all, max, start);
        let repos: Vec<Value> = page.into_iter().map(|r| self.repo_json(r)).collect();
        Ok(with_token(json!({"repositories": repos}), next))
    }

    pub(super) fn create_repository(&mut self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let name = req_str(v, "repositoryName")?;
        if let Err(why) = validate::repository_name(name) {
            return Err(invalid(why));
        }
        if self.repos.contains_key(name) {
            return Err(err(
                "RepositoryAlreadyExistsException",
                format!(
                    "The repository with name '{name}' already exists in the registry with id '{}'",
                    self.account
                ),
            ));
        }
        let mutability = s(v, "imageTagMutability").unwrap_or("MUTABLE").to_owned();
        let filters = parse_filters(v)?;
        check_mutability(&mutability, &filters)?;
        let enc = v.get("encryptionConfiguration");
        let encryption = enc
            .and_then(|e| s(e, "encryptionType"))
            .unwrap_or("AES256")
            .to_owned();
        if !matches!(encryption.as_str(), "AES256" | "KMS" | "KMS_DSSE") {
            return Err(invalid(format!("Invalid encryption type {encryption}")));
        }
        let kms_key = enc.and_then(|e| s(e, "kmsKey")).map(str::to_owned);
        if encryption == "AES256" && kms_key.is_some() {
            return Err(invalid("A KMS key can only be given with KMS encryption"));
        }
        let repo = DemoRepo {
            name: name.to_owned(),
            created_at: now(),
            mutability,
            exclusion_filters: filters,
            encryption,
            kms_key,
            scan_on_push: v
                .pointer("/imageScanningConfiguration/scanOnPush")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            images: Vec::new(),
            lifecycle: None,
            lifecycle_evaluated: None,
            policy: None,
            preview: None,
            tags: v
                .get("tags")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| Some((s(t, "Key")?.to_owned(), s(t, "Value")?.to_owned())))
                        .collect()
                })
                .unwrap_or_default(),
            layers: std::collections::HashSet::new(),
        };
        let out = self.repo_json(&repo);
        self.repos.insert(name.to_owned(), repo);
        Ok(json!({"repository": out}))
    }

    pub(super) fn delete_repository(&mut self, v: &Value) -> Answer {
        let force = v.get("force").and_then(Value::as_bool).unwrap_or(false);
        let repo = self.repo(v)?;
        if !force && !repo.images.is_empty() {
            return Err(err(
                "RepositoryNotEmptyException",
                format!(
                    "The repository with name '{}' cannot be deleted because it still contains images",
                    repo.name
                ),
            ));
        }
        let out = self.repo_json(repo);
        let name = repo.name.clone();
        self.repos.remove(&name);
        Ok(json!({"repository": out}))
    }

    pub(super) fn put_image_tag_mutability(&mut self, v: &Value) -> Answer {
        let mode = req_str(v, "imageTagMutability")?.to_owned();
        let filters = parse_filters(v)?;
        check_mutability(&mode, &filters)?;
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        repo.mutability = mode;
        repo.exclusion_filters = filters;
        let mut out = json!({"registryId": account, "repositoryName": repo.name, "imageTagMutability": repo.mutability});
        if !repo.exclusion_filters.is_empty() {
            out["imageTagMutabilityExclusionFilters"] = filters_json(&repo.exclusion_filters);
        }
        Ok(out)
    }

    /// The repository a resource ARN names
    /// (`arn:aws:ecr:<region>:<account>:repository/<name>`).
    pub(super) fn repo_by_arn(&mut self, v: &Value) -> Result<&mut DemoRepo, ApiError> {
        let arn = req_str(v, "resourceArn")?.to_owned();
        let name = arn
            .split_once(":repository/")
            .map(|(_, n)| n.to_owned())
            .ok_or_else(|| invalid(format!("Invalid parameter at 'resourceArn': {arn}")))?;
        let nf = self.repo_not_found(&name);
        self.repos.get_mut(&name).ok_or(nf)
    }

    pub(super) fn list_tags_for_resource(&mut self, v: &Value) -> Answer {
        let repo = self.repo_by_arn(v)?;
        let tags: Vec<Value> = repo
            .tags
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect();
        Ok(json!({"tags": tags}))
    }

    pub(super) fn tag_resource(&mut self, v: &Value) -> Answer {
        let new: Vec<(String, String)> = v
            .get("tags")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|t| {
                        Some((
                            s(t, "Key")?.to_owned(),
                            s(t, "Value").unwrap_or("").to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (k, val) in &new {
            validate::resource_tag(k, val).map_err(invalid)?;
        }
        let repo = self.repo_by_arn(v)?;
        let mut merged = repo.tags.clone();
        for (k, val) in new {
            match merged.iter_mut().find(|(x, _)| *x == k) {
                Some(slot) => slot.1 = val,
                None => merged.push((k, val)),
            }
        }
        if merged.len() > validate::MAX_RESOURCE_TAGS {
            return Err(err(
                "TooManyTagsException",
                format!(
                    "A resource has at most {} tags.",
                    validate::MAX_RESOURCE_TAGS
                ),
            ));
        }
        merged.sort();
        repo.tags = merged;
        Ok(json!({}))
    }

    pub(super) fn untag_resource(&mut self, v: &Value) -> Answer {
        let keys: Vec<String> = v
            .get("tagKeys")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let repo = self.repo_by_arn(v)?;
        repo.tags.retain(|(k, _)| !keys.contains(k));
        Ok(json!({}))
    }

    pub(super) fn get_authorization_token(&self) -> Value {
        use base64::Engine as _;
        // A fresh random-looking password per call; never a real secret.
        let pw = Digest::of_bytes(format!("demo-{}", now()).as_bytes()).hex();
        let token = base64::engine::general_purpose::STANDARD.encode(format!("AWS:{pw}"));
        json!({"authorizationData": [{
            "authorizationToken": token,
            "expiresAt": now() + 12.0 * 3600.0,
            "proxyEndpoint": format!("https://{}.dkr.ecr.{}.amazonaws.com", self.account, self.region),
        }]})
    }

    pub(super) fn get_repository_policy(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let text = repo.policy.as_ref().ok_or_else(|| no_policy(&repo.name))?;
        Ok(json!({"registryId": self.account, "repositoryName": repo.name, "policyText": text}))
    }

    /// The policy it deleted comes back, as ECR's DeleteRepositoryPolicy
    /// answers; a repository without one is RepositoryPolicyNotFound.
    pub(super) fn delete_repository_policy(&mut self, v: &Value) -> Answer {
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        let text = repo.policy.take().ok_or_else(|| no_policy(&repo.name))?;
        Ok(json!({"registryId": account, "repositoryName": repo.name, "policyText": text}))
    }

    pub(super) fn set_repository_policy(&mut self, v: &Value) -> Answer {
        let text = req_str(v, "policyText")?.to_owned();
        if serde_json::from_str::<Value>(&text).map_or(true, |p| !p.is_object()) {
            return Err(invalid("Invalid repository policy provided"));
        }
        let account = self.account.clone();
        let repo = self.repo_mut(v)?;
        repo.policy = Some(text.clone());
        Ok(json!({"registryId": account, "repositoryName": repo.name, "policyText": text}))
    }
}

/// ECR's answer for a repository without a policy (Get and Delete alike).
fn no_policy(repo: &str) -> ApiError {
    err(
        "RepositoryPolicyNotFoundException",
        format!("Repository policy does not exist for the repository with name '{repo}'"),
    )
}
