//! The policy editor's state: statements as rows and the JSON, kept in
//! step (rows edited: the JSON is written from them; JSON edited: the rows
//! are read from it, or the JSON's problem is said and the rows stay), and
//! what a save would change. Pure: drawn by `policy_dialog`.

use ecr_core::policy::{self, Effect, Kind, Policy, Preset, Principal, Statement};
use serde_json::{Map, Value};

use super::actions::PolicyTarget;

/// One statement as the rows edit it (lists as comma-separated text).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub sid: String,
    pub allow: bool,
    pub principals: String,
    pub actions: String,
    pub resources: String,
    /// Kept as written; edited in the JSON.
    pub condition: Option<Value>,
    pub other: Map<String, Value>,
}

impl Row {
    fn of(s: &Statement) -> Self {
        Self {
            sid: s.sid.clone(),
            allow: s.effect == Effect::Allow,
            principals: s
                .principals
                .iter()
                .map(Principal::text)
                .collect::<Vec<_>>()
                .join(", "),
            actions: s.actions.join(", "),
            resources: s.resources.join(", "),
            condition: s.condition.clone(),
            other: s.other.clone(),
        }
    }

    fn statement(&self) -> Statement {
        let list = |t: &str| -> Vec<String> {
            t.split([',', '\n'])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Statement {
            sid: self.sid.trim().to_owned(),
            effect: if self.allow {
                Effect::Allow
            } else {
                Effect::Deny
            },
            principals: split_principals(&self.principals)
                .iter()
                .map(|p| Principal::parse(p))
                .collect(),
            actions: list(&self.actions),
            resources: list(&self.resources),
            condition: self.condition.clone(),
            other: self.other.clone(),
        }
    }

    pub fn empty(resource: Option<&str>) -> Self {
        Self {
            sid: String::new(),
            allow: true,
            principals: String::new(),
            actions: String::new(),
            resources: resource.unwrap_or_default().to_owned(),
            condition: None,
            other: Map::new(),
        }
    }
}

/// Principals as typed: separated by ", " or new lines; a bare "," splits
/// only where every part starts like a principal (an IAM role or user
/// name may itself hold a comma: `role/a,b` stays one).
pub fn split_principals(text: &str) -> Vec<String> {
    let starts_like_one = |p: &str| {
        let p = p.trim();
        p == "*"
            || p.starts_with("arn:")
            || p.starts_with("federated:")
            || p.ends_with(".amazonaws.com")
            || p.ends_with(".amazonaws.com.cn")
            || (p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    text.split('\n')
        .flat_map(|line| line.split(", "))
        .flat_map(|piece| {
            let parts: Vec<&str> = piece.split(',').collect();
            if parts.len() > 1 && parts.iter().all(|p| starts_like_one(p)) {
                parts
            } else {
                vec![piece]
            }
        })
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Rows,
    Json,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PolicyForm {
    /// Pinned when the dialog opened.
    pub target: PolicyTarget,
    pub target_line: String,
    pub mode: Mode,
    pub rows: Vec<Row>,
    pub json: String,
    /// Why the JSON cannot be read (the rows show the last good one).
    pub json_error: Option<String>,
    pub version: String,
    pub top: Map<String, Value>,
    /// The policy the registry held when the dialog opened (`None`: none).
    pub server: Option<Policy>,
    /// The registry's account (the registry policy's resource ARN).
    pub account: Option<String>,
    /// The account's registry policy scope is V1 (refreshed each frame).
    pub scope_v1: bool,
    pub preset: Preset,
    pub preset_value: String,
    pub preset_error: Option<String>,
}

/// What is wrong, before any call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    pub document: Option<String>,
    pub rows: Vec<Option<String>>,
}

impl PolicyForm {
    pub fn new(
        target: PolicyTarget,
        target_line: String,
        current: Option<&str>,
        account: Option<String>,
    ) -> Self {
        let server = current.and_then(|t| policy::parse(t).ok());
        let mut form = Self {
            target,
            target_line,
            mode: Mode::Rows,
            rows: Vec::new(),
            json: String::new(),
            json_error: None,
            version: "2012-10-17".into(),
            top: Map::new(),
            server: server.clone(),
            account,
            scope_v1: false,
            preset: Preset::AccountPull,
            preset_value: String::new(),
            preset_error: None,
        };
        match (current, server) {
            (_, Some(p)) => form.load(&p),
            // A policy the parser cannot read: shown as JSON to mend.
            (Some(text), None) => {
                form.json = text.to_owned();
                form.mode = Mode::Json;
                form.json_changed();
            }
            (None, None) => form.rows_changed(),
        }
        form
    }

    fn load(&mut self, p: &Policy) {
        self.rows = p.statements.iter().map(Row::of).collect();
        self.version.clone_from(&p.version);
        self.top.clone_from(&p.other);
        self.json = policy::to_json(p);
        self.json_error = None;
    }

    pub fn kind(&self) -> Kind {
        match self.target {
            PolicyTarget::Repository(_) => Kind::Repository,
            PolicyTarget::Registry(_) => Kind::Registry { v1: self.scope_v1 },
        }
    }

    /// `arn:…:ecr:<region>:<account>:repository/*` for a registry policy's
    /// statements; `None` for a repository policy.
    pub fn resource(&self) -> Option<String> {
        match &self.target {
            PolicyTarget::Repository(_) => None,
            PolicyTarget::Registry(spec) => {
                let account = spec
                    .registry_id
                    .clone()
                    .or_else(|| self.account.clone())
                    .unwrap_or_default();
                Some(ecr_core::partition::arn(
                    "ecr",
                    &spec.region,
                    &account,
                    "repository/*",
                ))
            }
        }
    }

    /// The policy the rows say.
    pub fn policy(&self) -> Policy {
        Policy {
            version: self.version.clone(),
            statements: self.rows.iter().map(Row::statement).collect(),
            other: self.top.clone(),
        }
    }

    /// After a row was edited: the JSON follows.
    pub fn rows_changed(&mut self) {
        self.json = policy::to_json(&self.policy());
        self.json_error = None;
    }

    /// After the JSON was edited: the rows follow when it reads.
    pub fn json_changed(&mut self) {
        match policy::parse(&self.json) {
            Ok(p) => {
                self.rows = p.statements.iter().map(Row::of).collect();
                self.version = p.version;
                self.top = p.other;
                self.json_error = None;
            }
            Err(e) => self.json_error = Some(e),
        }
    }

    /// Adds the chosen ready-made statement.
    pub fn add_preset(&mut self) {
        let res = self.resource();
        match self.preset.statement(&self.preset_value, res.as_deref()) {
            Ok(s) => {
                self.rows.push(Row::of(&s));
                self.preset_error = None;
                self.preset_value.clear();
                self.rows_changed();
            }
            Err(e) => self.preset_error = Some(e),
        }
    }

    /// What to send (`None`: no statements, the policy is deleted), or
    /// what is wrong.
    pub fn check(&self) -> Result<Option<String>, Problems> {
        if let Some(e) = &self.json_error {
            return Err(Problems {
                document: Some(e.clone()),
                rows: Vec::new(),
            });
        }
        let p = self.policy();
        if p.statements.is_empty() {
            return Ok(None);
        }
        match policy::check(&p, self.kind()) {
            Err(e) => Err(Problems {
                document: Some(e),
                rows: Vec::new(),
            }),
            Ok(rows) if rows.iter().any(Option::is_some) => Err(Problems {
                document: None,
                rows,
            }),
            Ok(_) => Ok(Some(policy::to_json(&p))),
        }
    }

    /// Statements a save adds and removes, compared with what the registry
    /// held when the dialog opened ("+ …", "- …").
    pub fn changes(&self) -> Vec<String> {
        let now = self.policy();
        let before = self.server.clone().unwrap_or_default();
        let line = |s: &Statement| {
            let who = s
                .principals
                .iter()
                .map(Principal::describe)
                .collect::<Vec<_>>()
                .join(", ");
            let name = if s.sid.is_empty() {
                "statement"
            } else {
                &s.sid
            };
            format!(
                "{name}: {} {who} {} action(s){}",
                s.effect.as_str(),
                s.actions.len(),
                if s.condition.is_some() {
                    ", with a condition"
                } else {
                    ""
                }
            )
        };
        let mut out: Vec<String> = now
            .statements
            .iter()
            .filter(|s| !before.statements.contains(s))
            .map(|s| format!("+ {}", line(s)))
            .collect();
        out.extend(
            before
                .statements
                .iter()
                .filter(|s| !now.statements.contains(s))
                .map(|s| format!("- {}", line(s))),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegistrySpec;

    fn registry_form(current: Option<&str>) -> PolicyForm {
        let spec = RegistrySpec {
            region: "us-east-1".into(),
            ..crate::state::demo_spec()
        };
        PolicyForm::new(
            PolicyTarget::Registry(spec),
            String::new(),
            current,
            Some("123456789012".into()),
        )
    }

    #[test]
    fn rows_and_json_stay_in_step() {
        let mut f = registry_form(None);
        assert_eq!(f.check(), Ok(None), "no statements: nothing to put");
        f.preset_value = "111122223333".into();
        f.add_preset();
        assert_eq!(f.rows.len(), 1);
        assert!(f.json.contains("arn:aws:iam::111122223333:root"));
        assert!(
            f.json
                .contains("arn:aws:ecr:us-east-1:123456789012:repository/*")
        );
        // Edit the JSON: the rows follow.
        f.json = f.json.replace("111122223333", "444455556666");
        f.json_changed();
        assert_eq!(f.rows[0].principals, "arn:aws:iam::444455556666:root");
        // Broken JSON: said, rows kept, nothing to send.
        f.json.push('}');
        f.json_changed();
        assert!(f.json_error.is_some() && f.rows.len() == 1);
        assert!(f.check().is_err());
        // A row edit writes the JSON again (and the error goes).
        f.rows[0].actions = "ecr:ReplicateImage, ecr:CreateRepository".into();
        f.rows_changed();
        assert!(f.json_error.is_none());
        let sent = f.check().expect("valid").expect("a policy");
        assert!(sent.contains("ecr:ReplicateImage"));
        assert_eq!(f.changes().len(), 1);
        assert!(f.changes()[0].starts_with("+ AllowPull444455556666: Allow account 444455556666"));
    }

    #[test]
    fn bad_rows_are_refused_in_words_and_scope_v1_limits_actions() {
        let mut f = registry_form(None);
        f.preset_value = "111122223333".into();
        f.add_preset();
        assert!(f.check().is_ok());
        f.scope_v1 = true;
        let p = f.check().expect_err("pull in a V1 registry policy");
        assert!(p.rows[0].as_deref().is_some_and(|m| m.contains("scope V1")));
        f.scope_v1 = false;
        f.rows[0].principals = "someone".into();
        f.rows_changed();
        let p = f.check().expect_err("bad principal");
        assert!(
            p.rows[0]
                .as_deref()
                .is_some_and(|m| m.contains("'someone' is not a principal"))
        );
        f.preset_value = "12".into();
        f.add_preset();
        assert!(
            f.preset_error
                .as_deref()
                .is_some_and(|m| m.contains("12 digits"))
        );
        assert_eq!(f.rows.len(), 1);
    }

    #[test]
    fn principals_split_where_a_name_holds_no_comma() {
        assert_eq!(
            split_principals("111122223333,arn:aws:iam::444455556666:root, *"),
            ["111122223333", "arn:aws:iam::444455556666:root", "*"]
        );
        assert_eq!(
            split_principals("arn:aws:iam::111122223333:role/a,b"),
            ["arn:aws:iam::111122223333:role/a,b"]
        );
    }

    #[test]
    fn an_unreadable_server_policy_opens_as_json() {
        let f = registry_form(Some("{\"Statement\": 5}"));
        assert_eq!(f.mode, Mode::Json);
        assert!(f.json_error.is_some());
        assert!(f.check().is_err());
    }
}
