//! ECR managed signing, as ECR's API reference documents it
//! (API_GetSigningConfiguration, API_PutSigningConfiguration,
//! API_DeleteSigningConfiguration, API_DescribeImageSigningStatus,
//! API_SigningRule, API_SigningRepositoryFilter): a registry without a
//! configuration answers SigningConfigurationNotFoundException; rules are
//! checked with the documented patterns and limits; an image is signed
//! (COMPLETE) by each rule covering its repository when it was pushed
//! after the rule was put, and has no status otherwise.

use super::*;

/// The registry's signing rules and when they were put.
#[derive(Clone, Debug, Default)]
pub struct Signing {
    pub rules: Vec<(String, Vec<String>)>,
    pub put_at: f64,
}

fn config_json(rules: &[(String, Vec<String>)]) -> Value {
    json!({"rules": rules.iter().map(|(arn, filters)| {
        let mut r = json!({"signingProfileArn": arn});
        if !filters.is_empty() {
            r["repositoryFilters"] = json!(filters.iter().map(|f| json!({"filter": f, "filterType": "WILDCARD_MATCH"})).collect::<Vec<_>>());
        }
        r
    }).collect::<Vec<_>>()})
}

fn not_found(account: &str) -> ApiError {
    err(
        "SigningConfigurationNotFoundException",
        format!("Signing configuration not found for registry '{account}'"),
    )
}

impl Store {
    pub(super) fn get_signing_configuration(&self) -> Answer {
        let s = self
            .signing
            .as_ref()
            .ok_or_else(|| not_found(&self.account))?;
        Ok(json!({"registryId": self.account, "signingConfiguration": config_json(&s.rules)}))
    }

    pub(super) fn put_signing_configuration(&mut self, v: &Value) -> Answer {
        let rules_v = v
            .pointer("/signingConfiguration/rules")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("'signingConfiguration.rules' is required"))?;
        let mut rules = Vec::new();
        for r in rules_v {
            let arn = r
                .get("signingProfileArn")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("'signingProfileArn' is required"))?;
            let mut filters = Vec::new();
            if let Some(fs) = r.get("repositoryFilters") {
                let fs = fs.as_array().map(Vec::as_slice).unwrap_or_default();
                if fs.is_empty() {
                    return Err(invalid("'repositoryFilters' has 1 to 100 items when given"));
                }
                for f in fs {
                    if f.get("filterType").and_then(Value::as_str) != Some("WILDCARD_MATCH") {
                        return Err(invalid("'filterType' must be WILDCARD_MATCH"));
                    }
                    filters.push(
                        f.get("filter")
                            .and_then(Value::as_str)
                            .ok_or_else(|| invalid("'filter' is required"))?
                            .to_owned(),
                    );
                }
            }
            rules.push((arn.to_owned(), filters));
        }
        validate::signing_rules(&rules, &self.region).map_err(invalid)?;
        self.signing = Some(Signing {
            rules,
            put_at: now(),
        });
        let s = self.signing.as_ref().map(|s| config_json(&s.rules));
        Ok(json!({"signingConfiguration": s}))
    }

    pub(super) fn delete_signing_configuration(&mut self) -> Answer {
        let s = self
            .signing
            .take()
            .ok_or_else(|| not_found(&self.account))?;
        Ok(json!({"registryId": self.account, "signingConfiguration": config_json(&s.rules)}))
    }

    pub(super) fn describe_image_signing_status(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let id = v
            .get("imageId")
            .ok_or_else(|| invalid("'imageId' is required"))?;
        let img = Self::find_image(repo, id).ok_or_else(|| Self::image_not_found(repo, id))?;
        let statuses: Vec<Value> = self
            .signing
            .iter()
            .flat_map(|s| s.rules.iter().map(move |r| (s.put_at, r)))
            .filter(|(put_at, (_, filters))| {
                img.pushed_at >= *put_at
                    && (filters.is_empty()
                        || filters
                            .iter()
                            .any(|f| validate::signing_filter_matches(f, &repo.name)))
            })
            .map(|(_, (arn, _))| json!({"signingProfileArn": arn, "status": "COMPLETE"}))
            .collect();
        Ok(json!({
            "registryId": self.account,
            "repositoryName": repo.name,
            "imageId": {"imageDigest": img.digest.to_string()},
            "signingStatuses": statuses,
        }))
    }
}
