//! The lifecycle editor's state: the rules as the form edits them and the
//! raw JSON, each following the other. Every field the form does not edit
//! (and every field ECR adds later) is kept from the rule it started from.

use serde_json::Map;

use crate::lifecycle_policy::{
    self as lp, Action, ActionKind, CountType, Policy, Rule, Selection, StorageClassName, TagStatus,
};
use crate::ui::json_view;

/// One rule as the form edits it (lists as comma-separated text), and the
/// rule it was read from (kept for the fields the form does not edit).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDraft {
    pub priority: i64,
    pub description: String,
    pub action: ActionKind,
    pub tag_status: TagStatus,
    pub prefixes: String,
    pub patterns: String,
    /// The count type also decides the storage class the rule selects
    /// from: archive with `sinceImageTransitioned`, standard otherwise.
    pub count_type: CountType,
    pub count: i64,
    /// The rule as read (`None` for a new one).
    kept: Option<Box<Rule>>,
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl RuleDraft {
    pub fn from_rule(r: &Rule) -> Self {
        Self {
            priority: r.rule_priority,
            description: r.description.clone().unwrap_or_default(),
            action: r.action.kind().unwrap_or(ActionKind::Expire),
            tag_status: r.selection.tag_status,
            prefixes: r.selection.tag_prefix_list.join(", "),
            patterns: r.selection.tag_pattern_list.join(", "),
            count_type: r.selection.count_type,
            count: r.selection.count_number,
            kept: Some(Box::new(r.clone())),
        }
    }

    pub fn to_rule(&self) -> Rule {
        let tagged = self.tag_status == TagStatus::Tagged;
        let kept = self.kept.as_deref();
        let storage_class = if self.count_type == CountType::SinceImageTransitioned {
            Some(StorageClassName::Archive)
        } else {
            // An explicit "standard" stays explicit; absent stays absent.
            kept.and_then(|k| k.selection.storage_class)
                .filter(|c| *c == StorageClassName::Standard)
        };
        let mut action = match self.action {
            ActionKind::Expire => Action::expire(),
            ActionKind::Transition => Action::transition(),
        };
        if let Some(k) = kept {
            action.extra = k.action.extra.clone();
        }
        Rule {
            rule_priority: self.priority,
            description: Some(self.description.trim().to_owned()).filter(|d| !d.is_empty()),
            selection: Selection {
                tag_status: self.tag_status,
                tag_prefix_list: if tagged {
                    split(&self.prefixes)
                } else {
                    Vec::new()
                },
                tag_pattern_list: if tagged {
                    split(&self.patterns)
                } else {
                    Vec::new()
                },
                storage_class,
                count_type: self.count_type,
                count_unit: self.count_type.in_days().then(|| "days".to_owned()),
                count_number: self.count,
                extra: kept.map(|k| k.selection.extra.clone()).unwrap_or_default(),
            },
            action,
            extra: kept.map(|k| k.extra.clone()).unwrap_or_default(),
        }
    }

    pub(super) fn new_after(last: i64) -> Self {
        Self {
            priority: last + 1,
            description: String::new(),
            action: ActionKind::Expire,
            tag_status: TagStatus::Untagged,
            prefixes: String::new(),
            patterns: String::new(),
            count_type: CountType::SinceImagePushed,
            count: 14,
            kept: None,
        }
    }

    /// Picks a count type, keeping the rule one ECR accepts where the form
    /// can: archived images can only expire, and not before 90 days.
    pub fn set_count_type(&mut self, t: CountType) {
        self.count_type = t;
        if t == CountType::SinceImageTransitioned {
            self.action = ActionKind::Expire;
            self.count = self.count.max(lp::MIN_DAYS_IN_ARCHIVE);
        }
    }
}

/// The editor's state for the open repository.
#[derive(Debug, Default)]
pub struct LifecycleView {
    /// The repository and the server text the draft started from.
    pub(super) source: Option<(String, Option<String>)>,
    pub rules: Vec<RuleDraft>,
    pub raw: String,
    /// Why the raw JSON could not be read into the form.
    pub(super) raw_error: Option<String>,
    /// The server's text as the editor shows it, for "changed?".
    server_pretty: Option<String>,
    /// ECR's verdict on the text it was computed for: a 30 KB policy is
    /// parsed once per edit, not once per frame.
    verdict: Option<(String, Result<(), String>)>,
    /// Top-level fields of the policy besides the rules.
    policy_extra: Map<String, serde_json::Value>,
}

impl LifecycleView {
    /// Starts over from the server's policy (or a starter rule when none).
    pub fn load(&mut self, repo: &str, server: Option<&str>) {
        self.source = Some((repo.to_owned(), server.map(str::to_owned)));
        self.server_pretty = server.map(json_view::pretty);
        let policy = server.and_then(|t| serde_json::from_str::<Policy>(t).ok());
        match policy {
            Some(p) => {
                self.rules = p.rules.iter().map(RuleDraft::from_rule).collect();
                self.policy_extra = p.extra;
                self.raw = json_view::pretty(server.unwrap_or_default());
            }
            None => {
                self.policy_extra = Map::new();
                self.rules = vec![RuleDraft {
                    description: "Expire untagged images after 14 days".into(),
                    ..RuleDraft::new_after(0)
                }];
                self.raw = server.map_or_else(|| self.form_json(), json_view::pretty);
            }
        }
        self.raw_error = None;
    }

    pub fn policy(&self) -> Policy {
        Policy {
            rules: self.rules.iter().map(RuleDraft::to_rule).collect(),
            extra: self.policy_extra.clone(),
        }
    }

    fn form_json(&self) -> String {
        serde_json::to_string_pretty(&self.policy()).unwrap_or_default()
    }

    /// The form changed: the JSON follows.
    pub fn form_edited(&mut self) {
        self.raw = self.form_json();
        self.raw_error = None;
    }

    /// The JSON changed: the form follows when it can read it.
    pub fn raw_edited(&mut self) {
        match serde_json::from_str::<Policy>(&self.raw) {
            Ok(p) => {
                self.rules = p.rules.iter().map(RuleDraft::from_rule).collect();
                self.policy_extra = p.extra;
                self.raw_error = None;
            }
            Err(e) => self.raw_error = Some(format!("The form can't follow this JSON: {e}")),
        }
    }

    /// ECR's verdict on the draft, checked here before any call.
    pub fn verdict(&mut self) -> Result<(), String> {
        if self
            .verdict
            .as_ref()
            .is_none_or(|(text, _)| *text != self.raw)
        {
            let v = lp::parse(&self.raw).map(|_| ());
            self.verdict = Some((self.raw.clone(), v));
        }
        self.verdict.as_ref().map_or(Ok(()), |(_, v)| v.clone())
    }

    pub fn dirty(&self) -> bool {
        self.server_pretty.as_ref() != Some(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_and_json_follow_each_other() {
        let mut v = LifecycleView::default();
        v.load("web", None);
        assert_eq!(v.rules.len(), 1, "a starter rule");
        assert!(v.verdict().is_ok(), "{:?}", v.verdict());
        v.rules[0].count = 30;
        v.form_edited();
        assert!(v.raw.contains("\"countNumber\": 30"));
        assert!(v.raw.contains("\"countUnit\": \"days\""));
        v.raw = v.raw.replace("30", "7");
        v.raw_edited();
        assert_eq!(v.rules[0].count, 7);
        v.raw.push('x');
        v.raw_edited();
        assert!(v.raw_error.is_some());
        assert_eq!(v.rules[0].count, 7, "the form keeps the last good state");
        assert!(v.verdict().is_err());
    }

    #[test]
    fn tagged_rules_need_a_list_and_any_stays_last() {
        let mut v = LifecycleView::default();
        v.load("web", None);
        v.rules[0].tag_status = TagStatus::Any;
        v.form_edited();
        assert!(v.verdict().is_ok());
        // Adding goes before the "any" rule, which keeps the highest number.
        let mut new = RuleDraft::new_after(1);
        new.priority = 1;
        v.rules[0].priority = 2;
        new.tag_status = TagStatus::Tagged;
        v.rules.push(new);
        v.form_edited();
        assert!(v.verdict().is_err_and(|e| e.contains("tagPrefixList")));
        v.rules[1].prefixes = "v, release-".into();
        v.form_edited();
        assert!(v.verdict().is_ok(), "{:?}", v.verdict());
        assert!(v.raw.contains("\"release-\""));
    }

    #[test]
    fn over_ecr_limits_is_refused_before_any_call() {
        let mut v = LifecycleView::default();
        v.load("web", None);
        v.rules = (1..=51)
            .map(|p| RuleDraft {
                priority: p,
                ..RuleDraft::new_after(0)
            })
            .collect();
        v.form_edited();
        assert!(v.verdict().is_err_and(|e| e.contains("at most 50 rules")));
        v.raw = format!(
            "{{\"rules\": [], \"pad\": \"{}\"}}",
            "x".repeat(lp::MAX_TEXT)
        );
        v.raw_edited();
        assert!(v.verdict().is_err_and(|e| e.contains("30720")));
    }

    #[test]
    fn the_form_keeps_what_it_does_not_edit() {
        let text = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90,"future":"kept"},"action":{"type":"transition","targetStorageClass":"archive"}},{"rulePriority":2,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":365},"action":{"type":"expire"}}],"version":"x"}"#;
        let mut v = LifecycleView::default();
        v.load("web", Some(text));
        assert_eq!(v.rules[0].action, ActionKind::Transition);
        assert!(v.verdict().is_ok(), "{:?}", v.verdict());
        v.rules[0].count = 120;
        v.form_edited();
        assert!(v.raw.contains("\"future\": \"kept\""), "{}", v.raw);
        assert!(v.raw.contains("\"version\": \"x\""));
        assert!(v.raw.contains("\"targetStorageClass\": \"archive\""));
        assert!(v.raw.contains("\"storageClass\": \"archive\""));
        assert!(v.verdict().is_ok(), "{:?}", v.verdict());
    }

    #[test]
    fn choosing_archived_more_than_keeps_the_rule_valid() {
        let mut v = LifecycleView::default();
        v.load("web", None);
        v.rules[0].action = ActionKind::Transition;
        v.rules[0].set_count_type(CountType::SinceImageTransitioned);
        v.form_edited();
        assert_eq!(
            v.rules[0].action,
            ActionKind::Expire,
            "archived images only expire"
        );
        assert_eq!(v.rules[0].count, 90, "ECR's minimum");
        assert!(v.verdict().is_ok(), "{:?}", v.verdict());
    }

    #[test]
    fn server_policy_loads_into_the_form() {
        let text = r#"{"rules":[{"rulePriority":3,"selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}"#;
        let mut v = LifecycleView::default();
        v.load("web", Some(text));
        assert_eq!(v.rules[0].priority, 3);
        assert_eq!(v.rules[0].prefixes, "v");
        assert!(!v.dirty());
        v.rules[0].count = 6;
        v.form_edited();
        assert!(v.dirty());
    }
}
