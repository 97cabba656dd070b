//! Registry administration, as ECR's API reference documents it:
//! Get/Put/DeleteRegistryPolicy (API_PutRegistryPolicy; a registry without
//! one answers RegistryPolicyNotFoundException; an invalid document
//! InvalidParameterException, worded as moto words it), the replication
//! configuration (API_PutReplicationConfiguration, read by
//! DescribeRegistry), DescribeImageReplicationStatus, Get/PutAccountSetting
//! (names and values per API_PutAccountSetting) and the pull-time update
//! exclusions (Register/Deregister/List; IAM role ARNs only,
//! ExclusionAlreadyExistsException / ExclusionNotFoundException per the
//! user guide's "Considerations for pull-time update exclusions").

use super::*;
use ecr_core::policy as pol;
use ecr_core::replication as repl;

/// What the demo registry holds for its administration calls.
#[derive(Clone, Debug, Default)]
pub struct Admin {
    pub registry_policy: Option<String>,
    /// The rules, and when they were put (images pushed before are not
    /// replicated).
    pub replication: Vec<repl::Rule>,
    pub replication_put_at: f64,
    /// Account settings by name (absent: the documented default).
    pub settings: BTreeMap<String, String>,
    pub exclusions: Vec<(String, f64)>,
    /// Repository creation templates, as ECR answers them.
    pub templates: Vec<Value>,
}

/// The settings ECR documents, with their default and allowed values.
const SETTINGS: &[(&str, &str, &[&str])] = &[
    (
        "BASIC_SCAN_TYPE_VERSION",
        "AWS_NATIVE",
        &["AWS_NATIVE", "CLAIR"],
    ),
    ("REGISTRY_POLICY_SCOPE", "V2", &["V1", "V2"]),
    ("BLOB_MOUNTING", "DISABLED", &["ENABLED", "DISABLED"]),
];

fn invalid_policy() -> ApiError {
    invalid(
        "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy provided'",
    )
}

fn rules_json(rules: &[repl::Rule]) -> Value {
    json!({"rules": rules.iter().map(|r| {
        let mut v = json!({"destinations": r.destinations.iter().map(|(region, id)| json!({"region": region, "registryId": id})).collect::<Vec<_>>()});
        if !r.filters.is_empty() {
            v["repositoryFilters"] = json!(r.filters.iter().map(|f| json!({"filter": f, "filterType": "PREFIX_MATCH"})).collect::<Vec<_>>());
        }
        v
    }).collect::<Vec<_>>()})
}

impl Store {
    pub(super) fn replication_json(&self) -> Value {
        rules_json(&self.admin.replication)
    }

    fn setting(&self, name: &str) -> &str {
        self.admin.settings.get(name).map_or_else(
            || {
                SETTINGS
                    .iter()
                    .find(|(n, ..)| *n == name)
                    .map_or("", |(_, d, _)| d)
            },
            String::as_str,
        )
    }

    pub(super) fn get_registry_policy(&self) -> Answer {
        let p = self.admin.registry_policy.as_ref().ok_or_else(|| {
            err(
                "RegistryPolicyNotFoundException",
                format!(
                    "Registry policy does not exist in the registry with id '{}'",
                    self.account
                ),
            )
        })?;
        Ok(json!({"registryId": self.account, "policyText": p}))
    }

    pub(super) fn put_registry_policy(&mut self, v: &Value) -> Answer {
        let text = req_str(v, "policyText")?;
        let p = pol::parse(text).map_err(|_| invalid_policy())?;
        let v1 = self.setting("REGISTRY_POLICY_SCOPE") == "V1";
        match pol::check(&p, pol::Kind::Registry { v1 }) {
            Ok(per) if per.iter().all(Option::is_none) => {}
            _ => return Err(invalid_policy()),
        }
        self.admin.registry_policy = Some(text.to_owned());
        Ok(json!({"registryId": self.account, "policyText": text}))
    }

    pub(super) fn delete_registry_policy(&mut self) -> Answer {
        let answer = self.get_registry_policy()?;
        self.admin.registry_policy = None;
        Ok(answer)
    }

    pub(super) fn put_replication_configuration(&mut self, v: &Value) -> Answer {
        let rules_v = v
            .pointer("/replicationConfiguration/rules")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("'replicationConfiguration.rules' is required"))?;
        let mut rules = Vec::new();
        for r in rules_v {
            let destinations = r
                .get("destinations")
                .and_then(Value::as_array)
                .ok_or_else(|| invalid("'destinations' is required"))?
                .iter()
                .map(|d| {
                    Ok((
                        req_str(d, "region")?.to_owned(),
                        req_str(d, "registryId")?.to_owned(),
                    ))
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            let mut filters = Vec::new();
            for f in r
                .get("repositoryFilters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if s(f, "filterType") != Some("PREFIX_MATCH") {
                    return Err(invalid("'filterType' must be PREFIX_MATCH"));
                }
                filters.push(req_str(f, "filter")?.to_owned());
            }
            rules.push(repl::Rule {
                destinations,
                filters,
            });
        }
        let per = repl::check(&rules, (&self.region, &self.account)).map_err(invalid)?;
        if let Some(e) = per.into_iter().flatten().next() {
            return Err(invalid(format!(
                "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: '{e}'"
            )));
        }
        self.admin.replication = rules;
        self.admin.replication_put_at = now();
        Ok(json!({"replicationConfiguration": self.replication_json()}))
    }

    /// Each destination of each rule covering the repository, for an image
    /// pushed after the rules were put: FAILED where the destination
    /// account has no registry policy letting this one replicate (the
    /// demo's other account never has one), IN_PROGRESS for the first
    /// minute after the push, COMPLETE after.
    pub(super) fn describe_image_replication_status(&self, v: &Value) -> Answer {
        let repo = self.repo(v)?;
        let id = v
            .get("imageId")
            .ok_or_else(|| invalid("'imageId' is required"))?;
        let img = Self::find_image(repo, id).ok_or_else(|| Self::image_not_found(repo, id))?;
        let mut statuses = Vec::new();
        if img.pushed_at >= self.admin.replication_put_at {
            for rule in self
                .admin
                .replication
                .iter()
                .filter(|r| r.matches(&repo.name))
            {
                for (region, account) in &rule.destinations {
                    let mut st = json!({"region": region, "registryId": account});
                    if *account != self.account {
                        st["status"] = json!("FAILED");
                        st["failureCode"] = json!("REPLICATION_PERMISSION_DENIED");
                    } else if now() - img.pushed_at < 60.0 {
                        st["status"] = json!("IN_PROGRESS");
                    } else {
                        st["status"] = json!("COMPLETE");
                    }
                    statuses.push(st);
                }
            }
        }
        Ok(json!({
            "repositoryName": repo.name,
            "imageId": {"imageDigest": img.digest.to_string()},
            "replicationStatuses": statuses,
        }))
    }

    fn setting_name<'v>(&self, v: &'v Value) -> Result<&'v str, ApiError> {
        let name = req_str(v, "name")?;
        if SETTINGS.iter().any(|(n, ..)| *n == name) {
            Ok(name)
        } else {
            Err(invalid(format!("Invalid account setting name '{name}'")))
        }
    }

    pub(super) fn get_account_setting(&self, v: &Value) -> Answer {
        let name = self.setting_name(v)?;
        Ok(json!({"name": name, "value": self.setting(name)}))
    }

    pub(super) fn put_account_setting(&mut self, v: &Value) -> Answer {
        let name = self.setting_name(v)?;
        let value = req_str(v, "value")?;
        let allowed = SETTINGS
            .iter()
            .find(|(n, ..)| *n == name)
            .is_some_and(|(_, _, vals)| vals.contains(&value));
        if !allowed {
            return Err(invalid(format!(
                "Invalid value '{value}' for account setting {name}"
            )));
        }
        self.admin
            .settings
            .insert(name.to_owned(), value.to_owned());
        Ok(json!({"name": name, "value": value}))
    }

    pub(super) fn list_pull_time_update_exclusions(&self, v: &Value) -> Answer {
        let (max, start) = page_params(v, 1000)?;
        let arns: Vec<String> = self
            .admin
            .exclusions
            .iter()
            .map(|(a, _)| a.clone())
            .collect();
        let (page, next) = paged(&arns, max, start);
        Ok(with_token(json!({"pullTimeUpdateExclusions": page}), next))
    }

    pub(super) fn register_pull_time_update_exclusion(&mut self, v: &Value) -> Answer {
        let arn = req_str(v, "principalArn")?;
        let role = ecr_core::partition::parse_arn(arn).is_some_and(|a| {
            a.service == "iam"
                && a.account.len() == 12
                && a.resource
                    .strip_prefix("role/")
                    .is_some_and(|n| !n.is_empty())
        });
        if !role {
            return Err(invalid(format!(
                "Invalid principal ARN '{arn}': an IAM role ARN is required"
            )));
        }
        if self.admin.exclusions.iter().any(|(a, _)| a == arn) {
            return Err(err(
                "ExclusionAlreadyExistsException",
                format!("The pull time update exclusion for '{arn}' already exists"),
            ));
        }
        if self.admin.exclusions.len() >= 100 {
            return Err(err(
                "LimitExceededException",
                "A registry has at most 100 pull time update exclusions",
            ));
        }
        let at = now();
        self.admin.exclusions.push((arn.to_owned(), at));
        Ok(json!({"principalArn": arn, "createdAt": at}))
    }

    pub(super) fn deregister_pull_time_update_exclusion(&mut self, v: &Value) -> Answer {
        let arn = req_str(v, "principalArn")?;
        let before = self.admin.exclusions.len();
        self.admin.exclusions.retain(|(a, _)| a != arn);
        if self.admin.exclusions.len() == before {
            return Err(err(
                "ExclusionNotFoundException",
                format!("The pull time update exclusion for '{arn}' does not exist"),
            ));
        }
        Ok(json!({"principalArn": arn}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        crate::seed::build(&crate::SeedConfig::small())
    }

    #[test]
    fn registry_policy_round_trip_and_refusals() {
        let mut s = store();
        s.admin.registry_policy = None;
        assert_eq!(
            s.get_registry_policy().unwrap_err().code,
            "RegistryPolicyNotFoundException"
        );
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["ecr:ReplicateImage","ecr:CreateRepository"],"Resource":"arn:aws:ecr:us-east-1:123456789012:repository/*"}]}"#;
        s.put_registry_policy(&json!({"policyText": ok}))
            .expect("valid");
        assert_eq!(s.get_registry_policy().expect("there")["policyText"], ok);
        let pull = ok.replace("ecr:ReplicateImage", "ecr:BatchGetImage");
        s.put_registry_policy(&json!({"policyText": pull}))
            .expect("V2 takes pull");
        s.put_account_setting(&json!({"name": "REGISTRY_POLICY_SCOPE", "value": "V1"}))
            .expect("set");
        assert_eq!(
            s.put_registry_policy(&json!({"policyText": pull}))
                .unwrap_err()
                .code,
            "InvalidParameterException"
        );
        s.delete_registry_policy().expect("deleted");
        assert!(s.delete_registry_policy().is_err());
        assert!(
            s.put_account_setting(&json!({"name": "BLOB_MOUNTING", "value": "ON"}))
                .is_err()
        );
        assert!(s.get_account_setting(&json!({"name": "NOPE"})).is_err());
    }

    #[test]
    fn exclusions_take_roles_once() {
        let mut s = store();
        s.admin.exclusions.clear();
        let role = json!({"principalArn": "arn:aws:iam::123456789012:role/scanner"});
        s.register_pull_time_update_exclusion(&role).expect("added");
        assert_eq!(
            s.register_pull_time_update_exclusion(&role)
                .unwrap_err()
                .code,
            "ExclusionAlreadyExistsException"
        );
        assert!(
            s.register_pull_time_update_exclusion(
                &json!({"principalArn": "arn:aws:iam::123456789012:user/a"})
            )
            .is_err()
        );
        s.deregister_pull_time_update_exclusion(&role)
            .expect("removed");
        assert_eq!(
            s.deregister_pull_time_update_exclusion(&role)
                .unwrap_err()
                .code,
            "ExclusionNotFoundException"
        );
    }
}

/// Repository creation templates (API_CreateRepositoryCreationTemplate and
/// its Describe, Update, Delete): kept as ECR answers them, checked with
/// the documented patterns; TemplateAlreadyExistsException and
/// TemplateNotFoundException for a prefix taken or missing.
impl Store {
    fn template_checked(&self, v: &Value, create: bool) -> Result<Value, ApiError> {
        let prefix = req_str(v, "prefix")?;
        ecr_core::templates::prefix(prefix).map_err(invalid)?;
        let existing = self
            .admin
            .templates
            .iter()
            .find(|t| s(t, "prefix") == Some(prefix));
        match (create, existing) {
            (true, Some(_)) => {
                return Err(err(
                    "TemplateAlreadyExistsException",
                    format!(
                        "The repository creation template with prefix '{prefix}' already exists"
                    ),
                ));
            }
            (false, None) => return Err(template_not_found(prefix)),
            _ => {}
        }
        // An update keeps what it does not name.
        let mut t = existing.cloned().unwrap_or_else(|| {
            json!({"prefix": prefix, "createdAt": now(), "imageTagMutability": "MUTABLE",
                   "encryptionConfiguration": {"encryptionType": "AES256"}})
        });
        for k in [
            "description",
            "encryptionConfiguration",
            "resourceTags",
            "imageTagMutability",
            "imageTagMutabilityExclusionFilters",
            "repositoryPolicy",
            "lifecyclePolicy",
            "appliedFor",
            "customRoleArn",
        ] {
            if let Some(x) = v.get(k) {
                t[k] = x.clone();
            }
        }
        if !create {
            t["updatedAt"] = json!(now());
        }
        let applied: Vec<String> = t
            .get("appliedFor")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        ecr_core::templates::applied_for(&applied).map_err(invalid)?;
        ecr_core::templates::description(s(&t, "description").unwrap_or("")).map_err(invalid)?;
        let filters = parse_filters(&t)?;
        check_mutability(s(&t, "imageTagMutability").unwrap_or("MUTABLE"), &filters)?;
        if let Some(k) = t
            .pointer("/encryptionConfiguration/kmsKey")
            .and_then(Value::as_str)
        {
            validate::kms_key(k, &self.region).map_err(invalid)?;
        }
        match t
            .pointer("/encryptionConfiguration/encryptionType")
            .and_then(Value::as_str)
        {
            Some("AES256" | "KMS" | "KMS_DSSE") => {}
            other => return Err(invalid(format!("Invalid encryption type {other:?}"))),
        }
        if let Some(r) = s(&t, "customRoleArn").filter(|r| !r.is_empty()) {
            ecr_core::templates::custom_role_arn(r).map_err(invalid)?;
        }
        if let Some(p) = s(&t, "lifecyclePolicy").filter(|p| !p.is_empty()) {
            lifecycle_eval::parse(p)
                .and_then(|x| lifecycle_eval::check(&x))
                .map_err(|e| invalid(format!("Invalid lifecycle policy: {e}")))?;
        }
        if let Some(p) = s(&t, "repositoryPolicy").filter(|p| !p.is_empty()) {
            let ok = pol::parse(p).is_ok_and(|x| {
                pol::check(&x, pol::Kind::Repository).is_ok_and(|r| r.iter().all(Option::is_none))
            });
            if !ok {
                return Err(invalid("Invalid repository policy provided"));
            }
        }
        if let Some(tags) = t.get("resourceTags").and_then(Value::as_array) {
            let pairs: Vec<(String, String)> = tags
                .iter()
                .map(|x| {
                    (
                        s(x, "Key").unwrap_or_default().to_owned(),
                        s(x, "Value").unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            validate::resource_tags(&pairs).map_err(invalid)?;
        }
        Ok(t)
    }

    pub(super) fn create_repository_creation_template(&mut self, v: &Value) -> Answer {
        let t = self.template_checked(v, true)?;
        self.admin.templates.push(t.clone());
        Ok(json!({"registryId": self.account, "repositoryCreationTemplate": t}))
    }

    pub(super) fn update_repository_creation_template(&mut self, v: &Value) -> Answer {
        let t = self.template_checked(v, false)?;
        let prefix = s(&t, "prefix").unwrap_or_default().to_owned();
        for x in &mut self.admin.templates {
            if s(x, "prefix") == Some(prefix.as_str()) {
                *x = t.clone();
            }
        }
        Ok(json!({"registryId": self.account, "repositoryCreationTemplate": t}))
    }

    pub(super) fn delete_repository_creation_template(&mut self, v: &Value) -> Answer {
        let prefix = req_str(v, "prefix")?.to_owned();
        let i = self
            .admin
            .templates
            .iter()
            .position(|t| s(t, "prefix") == Some(prefix.as_str()))
            .ok_or_else(|| template_not_found(&prefix))?;
        let t = self.admin.templates.remove(i);
        Ok(json!({"registryId": self.account, "repositoryCreationTemplate": t}))
    }

    pub(super) fn describe_repository_creation_templates(&self, v: &Value) -> Answer {
        let (max, start) = page_params(v, 1000)?;
        let wanted: Vec<&str> = v
            .get("prefixes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let all: Vec<Value> = self
            .admin
            .templates
            .iter()
            .filter(|t| wanted.is_empty() || wanted.contains(&s(t, "prefix").unwrap_or("")))
            .cloned()
            .collect();
        let (page, next) = paged(&all, max, start);
        Ok(with_token(
            json!({"registryId": self.account, "repositoryCreationTemplates": page}),
            next,
        ))
    }
}

fn template_not_found(prefix: &str) -> ApiError {
    err(
        "TemplateNotFoundException",
        format!("The repository creation template with prefix '{prefix}' does not exist"),
    )
}
