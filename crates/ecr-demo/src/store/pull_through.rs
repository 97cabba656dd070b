//! Pull-through cache rules.

use super::*;

impl Store {
    pub(super) fn rule_json(&self, r: &PullThroughRow) -> Value {
        let mut v = json!({
            "ecrRepositoryPrefix": r.prefix, "upstreamRegistryUrl": r.url, "upstreamRegistry": r.upstream,
            "registryId": self.account, "createdAt": r.created_at,
        });
        for (k, val) in [
            ("credentialArn", &r.credential_arn),
            ("customRoleArn", &r.custom_role_arn),
            ("upstreamRepositoryPrefix", &r.upstream_repository_prefix),
        ] {
            if let Some(x) = val {
                v[k] = json!(x);
            }
        }
        if let Some(u) = r.updated_at {
            v["updatedAt"] = json!(u);
        }
        v
    }

    pub(super) fn describe_pull_through_cache_rules(&self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let (max, start) = page_params(v, 1000)?;
        let wanted: Option<Vec<&str>> = v
            .get("ecrRepositoryPrefixes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect());
        let rows: Vec<&PullThroughRow> = self
            .rules
            .iter()
            .filter(|r| {
                wanted
                    .as_ref()
                    .is_none_or(|w| w.contains(&r.prefix.as_str()))
            })
            .collect();
        if let Some(w) = &wanted
            && let Some(missing) = w
                .iter()
                .find(|p| !self.rules.iter().any(|r| r.prefix == **p))
        {
            return Err(rule_not_found(missing));
        }
        let (page, next) = paged(&rows, max, start);
        let out: Vec<Value> = page.into_iter().map(|r| self.rule_json(r)).collect();
        Ok(with_token(json!({"pullThroughCacheRules": out}), next))
    }

    pub(super) fn create_pull_through_cache_rule(&mut self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let prefix = req_str(v, "ecrRepositoryPrefix")?.to_owned();
        let url = req_str(v, "upstreamRegistryUrl")?.to_owned();
        let upstream = match s(v, "upstreamRegistry") {
            Some(u) => u.to_owned(),
            None => validate::upstream_kind_for_url(&url)
                .map(|k| k.api_name().to_owned())
                .unwrap_or_default(),
        };
        let credential = s(v, "credentialArn").map(str::to_owned);
        validate::pull_through_rule(
            &prefix,
            &upstream,
            &url,
            credential.as_deref(),
            &self.region,
            &self.account,
        )
        .map_err(|why| err("ValidationException", why))?;
        if self.rules.iter().any(|r| r.prefix == prefix) {
            return Err(err(
                "PullThroughCacheRuleAlreadyExistsException",
                format!("A pull through cache rule with prefix '{prefix}' already exists"),
            ));
        }
        if self.rules.len() >= 50 {
            return Err(err(
                "LimitExceededException",
                "A registry can have at most 50 pull through cache rules",
            ));
        }
        let row = PullThroughRow {
            prefix,
            url,
            upstream,
            credential_arn: credential,
            custom_role_arn: s(v, "customRoleArn").map(str::to_owned),
            upstream_repository_prefix: s(v, "upstreamRepositoryPrefix").map(str::to_owned),
            created_at: now(),
            updated_at: None,
        };
        let out = self.rule_json(&row);
        self.rules.push(row);
        Ok(out)
    }

    pub(super) fn update_pull_through_cache_rule(&mut self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let prefix = req_str(v, "ecrRepositoryPrefix")?;
        let region = self.region.clone();
        let account = self.account.clone();
        let row = self
            .rules
            .iter_mut()
            .find(|r| r.prefix == prefix)
            .ok_or_else(|| rule_not_found(prefix))?;
        if let Some(c) = s(v, "credentialArn") {
            validate::credential_arn(c, &region, &account)
                .map_err(|why| err("ValidationException", why))?;
            row.credential_arn = Some(c.to_owned());
        }
        if let Some(r) = s(v, "customRoleArn") {
            row.custom_role_arn = Some(r.to_owned());
        }
        row.updated_at = Some(now());
        let row = row.clone();
        Ok(self.rule_json(&row))
    }

    pub(super) fn delete_pull_through_cache_rule(&mut self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let prefix = req_str(v, "ecrRepositoryPrefix")?;
        let pos = self
            .rules
            .iter()
            .position(|r| r.prefix == prefix)
            .ok_or_else(|| rule_not_found(prefix))?;
        let row = self.rules.remove(pos);
        Ok(self.rule_json(&row))
    }

    pub(super) fn validate_pull_through_cache_rule(&self, v: &Value) -> Answer {
        self.check_registry(v)?;
        let prefix = req_str(v, "ecrRepositoryPrefix")?;
        let row = self
            .rules
            .iter()
            .find(|r| r.prefix == prefix)
            .ok_or_else(|| rule_not_found(prefix))?;
        let needs = validate::upstream_kind(&row.upstream).is_some_and(|k| k.needs_credential());
        let (ok, failure) = match (&row.credential_arn, needs) {
            (None, true) => (
                false,
                Some(
                    "The upstream registry requires authentication but no credential is set."
                        .to_owned(),
                ),
            ),
            // The demo cannot reach upstream registries; a credential whose
            // secret name says "invalid" stands for one that does not work.
            (Some(c), _) if c.contains("invalid") => (
                false,
                Some(
                    "Unable to authenticate with the upstream registry with the stored credential."
                        .to_owned(),
                ),
            ),
            _ => (true, None),
        };
        let mut out = self.rule_json(row);
        out["isValid"] = json!(ok);
        if let Some(f) = failure {
            out["failure"] = json!(f);
        }
        Ok(out)
    }
}
