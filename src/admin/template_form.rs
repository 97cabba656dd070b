//! A repository creation template as the dialog edits it: every field as
//! text, each checked as ECR's API reference documents before any call,
//! each message kept for the field it is about. Pure: drawn by
//! `template_dialog`.

use ecr_core::templates;

use crate::model::{
    CreationTemplate, Encryption, EncryptionType, RegistrySpec, TagMutability, TagMutabilitySetting,
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateForm {
    /// Pinned when the dialog opened.
    pub registry: RegistrySpec,
    pub target: String,
    /// Creating (the prefix is typed) or editing (the prefix is fixed).
    pub new: bool,
    /// Prefixes the registry already has (a new one may not repeat one).
    pub taken: Vec<String>,
    pub prefix: String,
    pub description: String,
    /// CREATE_ON_PUSH, PULL_THROUGH_CACHE, REPLICATION, in that order.
    pub applied: [bool; 3],
    pub mode: TagMutability,
    pub filters: String,
    pub kms: bool,
    pub kms_key: String,
    /// `key=value`, one a line.
    pub tags: String,
    pub lifecycle: String,
    pub repo_policy: String,
    pub role: String,
}

/// One message per field that has a problem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    pub prefix: Option<String>,
    pub description: Option<String>,
    pub applied: Option<String>,
    pub filters: Option<String>,
    pub kms_key: Option<String>,
    pub tags: Option<String>,
    pub lifecycle: Option<String>,
    pub repo_policy: Option<String>,
    pub role: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        [
            &self.prefix,
            &self.description,
            &self.applied,
            &self.filters,
            &self.kms_key,
            &self.tags,
            &self.lifecycle,
            &self.repo_policy,
            &self.role,
        ]
        .iter()
        .any(|e| e.is_some())
    }
}

fn list(t: &str) -> Vec<String> {
    t.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `key=value` lines into pairs; a line without `=` is refused.
pub fn parse_tags(text: &str) -> Result<Vec<(String, String)>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| format!("'{l}' is not key=value."))
        })
        .collect()
}

impl TemplateForm {
    pub fn new(
        registry: &RegistrySpec,
        target: String,
        existing: Option<&CreationTemplate>,
        taken: Vec<String>,
    ) -> Self {
        let x = existing.cloned().unwrap_or_else(|| CreationTemplate {
            applied_for: vec!["CREATE_ON_PUSH".into()],
            ..CreationTemplate::default()
        });
        Self {
            registry: registry.clone(),
            target,
            new: existing.is_none(),
            taken,
            prefix: x.prefix.clone(),
            description: x.description.clone(),
            applied: templates::APPLIED_FOR.map(|a| x.applied_for.iter().any(|b| b == a)),
            mode: x.tag_mutability.mode,
            filters: x.tag_mutability.exclusion_filters.join(", "),
            kms: x.encryption.kind != EncryptionType::Aes256,
            kms_key: x.encryption.kms_key.clone().unwrap_or_default(),
            tags: x
                .resource_tags
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            lifecycle: x.lifecycle_policy.clone().unwrap_or_default(),
            repo_policy: x.repository_policy.clone().unwrap_or_default(),
            role: x.custom_role_arn.clone().unwrap_or_default(),
        }
    }

    /// The template to send, or what is wrong with each field.
    pub fn check(&self) -> Result<CreationTemplate, Box<FieldErrors>> {
        let mut e = FieldErrors::default();
        let prefix = self.prefix.trim().to_owned();
        e.prefix = templates::prefix(&prefix).err().or_else(|| {
            (self.new && self.taken.contains(&prefix))
                .then(|| format!("A template for '{prefix}' exists: edit it instead."))
        });
        e.description = templates::description(&self.description).err();
        let applied_for: Vec<String> = templates::APPLIED_FOR
            .iter()
            .zip(self.applied)
            .filter(|(_, on)| *on)
            .map(|(a, _)| (*a).to_owned())
            .collect();
        e.applied = templates::applied_for(&applied_for).err();
        let filters = list(&self.filters);
        e.filters = if self.mode.needs_filters() {
            if filters.is_empty() {
                Some("This mode needs 1 to 5 exclusion filters.".into())
            } else {
                ecr_core::validate::exclusion_filters(&filters).err()
            }
        } else {
            None
        };
        let key = self.kms_key.trim();
        e.kms_key = (self.kms && !key.is_empty())
            .then(|| ecr_core::validate::kms_key(key, &self.registry.region).err())
            .flatten();
        let tags = parse_tags(&self.tags);
        e.tags = match &tags {
            Ok(t) => ecr_core::validate::resource_tags(t).err(),
            Err(m) => Some(m.clone()),
        };
        let lifecycle = self.lifecycle.trim();
        e.lifecycle = (!lifecycle.is_empty())
            .then(|| {
                ecr_core::lifecycle_policy::parse(lifecycle)
                    .and_then(|p| ecr_core::lifecycle_policy::check(&p))
                    .err()
            })
            .flatten();
        let policy = self.repo_policy.trim();
        e.repo_policy = (!policy.is_empty())
            .then(|| match ecr_core::policy::parse(policy) {
                Err(m) => Some(m),
                Ok(p) => match ecr_core::policy::check(&p, ecr_core::policy::Kind::Repository) {
                    Err(m) => Some(m),
                    Ok(rows) => rows
                        .into_iter()
                        .enumerate()
                        .find_map(|(i, r)| r.map(|m| format!("Statement {}: {m}", i + 1))),
                },
            })
            .flatten();
        let role = self.role.trim();
        e.role = (!role.is_empty())
            .then(|| templates::custom_role_arn(role).err())
            .flatten();
        if e.any() {
            return Err(Box::new(e));
        }
        Ok(CreationTemplate {
            prefix,
            description: self.description.trim().to_owned(),
            applied_for,
            tag_mutability: TagMutabilitySetting {
                mode: self.mode,
                exclusion_filters: if self.mode.needs_filters() {
                    filters
                } else {
                    Vec::new()
                },
            },
            encryption: Encryption {
                kind: if self.kms {
                    EncryptionType::Kms
                } else {
                    EncryptionType::Aes256
                },
                kms_key: (self.kms && !key.is_empty()).then(|| key.to_owned()),
            },
            resource_tags: tags.unwrap_or_default(),
            lifecycle_policy: (!lifecycle.is_empty()).then(|| lifecycle.to_owned()),
            repository_policy: (!policy.is_empty()).then(|| policy.to_owned()),
            custom_role_arn: (!role.is_empty()).then(|| role.to_owned()),
            created_at: None,
            updated_at: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> TemplateForm {
        TemplateForm::new(
            &crate::state::demo_spec(),
            String::new(),
            None,
            vec!["ROOT".into()],
        )
    }

    #[test]
    fn every_field_is_checked_next_to_itself() {
        let mut f = form();
        f.prefix = "prod/team".into();
        assert!(f.check().is_ok(), "{:?}", f.check());
        f.prefix = "ROOT".into();
        assert!(
            f.check()
                .unwrap_err()
                .prefix
                .is_some_and(|m| m.contains("exists"))
        );
        f.prefix = "Prod".into();
        f.applied = [false; 3];
        f.mode = TagMutability::ImmutableWithExclusion;
        f.kms = true;
        f.kms_key = "arn:aws:kms:eu-west-1:123456789012:key/x".into();
        f.tags = "team=payments\nnot a tag".into();
        f.lifecycle = "{".into();
        f.repo_policy =
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}"#.into();
        f.role = "arn:aws:iam::123456789012:user/x".into();
        let e = f.check().expect_err("every field wrong");
        assert!(e.prefix.is_some() && e.applied.is_some() && e.filters.is_some());
        assert!(
            e.kms_key
                .as_deref()
                .is_some_and(|m| m.contains("same region")),
            "{e:?}"
        );
        assert!(
            e.tags
                .as_deref()
                .is_some_and(|m| m.contains("'not a tag' is not key=value"))
        );
        assert!(e.lifecycle.is_some());
        assert!(
            e.repo_policy
                .as_deref()
                .is_some_and(|m| m.starts_with("Statement 1:"))
        );
        assert!(e.role.is_some());
    }

    #[test]
    fn a_template_reads_back_into_the_same_form() {
        let x = CreationTemplate {
            prefix: "docker-hub".into(),
            description: "cached images".into(),
            applied_for: vec!["PULL_THROUGH_CACHE".into()],
            tag_mutability: TagMutabilitySetting {
                mode: TagMutability::MutableWithExclusion,
                exclusion_filters: vec!["release-*".into()],
            },
            encryption: Encryption {
                kind: EncryptionType::Kms,
                kms_key: None,
            },
            resource_tags: vec![("team".into(), "platform".into())],
            ..CreationTemplate::default()
        };
        let f = TemplateForm::new(&crate::state::demo_spec(), String::new(), Some(&x), vec![]);
        assert!(!f.new);
        assert_eq!(f.check(), Ok(x));
    }
}
