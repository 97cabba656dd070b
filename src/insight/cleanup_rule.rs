//! "Make this a lifecycle rule": a clean-up group of one repository as a
//! lifecycle rule, added after the repository's own rules, previewed by
//! ECR before anything is put, and the preview set beside the group (the
//! same images? the same saving?).
//!
//! What it guarantees (tests below and in tests/ui_history.rs): nothing
//! is put until the person confirms after seeing the preview; the
//! repository's existing rules are kept, each with its priority (the new
//! rule comes after them); the policy is read from the server first, so a
//! rule added elsewhere meanwhile is not dropped; a policy that ECR's
//! rules refuse (51 rules, say) is refused here, in words, with no call.

use std::collections::HashSet;

use ecr_core::lifecycle_policy::{self, MAX_RULES};
use serde_json::{Value, json};

use super::cleanup::Group;
use crate::model::{Digest, LifecyclePreview, RepoRef};

/// The rule that selects what a group holds.
pub fn rule_for(group: Group, priority: i64) -> Value {
    let (description, selection, action) = match group {
        Group::Untagged => (
            "ecrscope clean-up: untagged images".to_owned(),
            json!({"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}),
            json!({"type": "expire"}),
        ),
        Group::NotPulled(days) => (
            format!("ecrscope clean-up: not pulled for {days} days"),
            json!({"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": days}),
            json!({"type": "expire"}),
        ),
        Group::Superseded(n) => (
            format!("ecrscope clean-up: keep the newest {n} tagged images"),
            json!({"tagStatus": "tagged", "tagPatternList": ["*"], "countType": "imageCountMoreThan", "countNumber": n.max(1)}),
            json!({"type": "expire"}),
        ),
        Group::ArchivedPastMinimum => (
            "ecrscope clean-up: archived past the 90-day minimum".to_owned(),
            json!({"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": super::cleanup::ARCHIVE_MINIMUM_DAYS}),
            json!({"type": "expire"}),
        ),
    };
    json!({
        "rulePriority": priority,
        "description": description,
        "selection": selection,
        "action": action,
    })
}

/// The repository's policy (`server`, `None`: it has none) with the
/// group's rule after its rules: (the policy's text, the new rule's
/// priority). Refused in words when ECR would refuse it.
pub fn policy_with(server: Option<&str>, group: Group) -> Result<(String, i64), String> {
    let mut policy: Value = match server {
        Some(t) => serde_json::from_str(t)
            .map_err(|e| format!("The repository's policy is not JSON ecrscope can read: {e}"))?,
        None => json!({"rules": []}),
    };
    let rules = policy
        .get_mut("rules")
        .and_then(Value::as_array_mut)
        .ok_or("The repository's policy has no \"rules\" list.")?;
    if rules.len() >= MAX_RULES {
        return Err(format!(
            "The repository's policy already has {MAX_RULES} rules, ECR's most: remove one first (the Lifecycle tab)."
        ));
    }
    let priority = free_priority(rules, group)?;
    rules.push(rule_for(group, priority));
    let text = serde_json::to_string_pretty(&policy).map_err(|e| e.to_string())?;
    let parsed = lifecycle_policy::parse(&text)?;
    lifecycle_policy::check(&parsed)?;
    Ok((text, priority))
}

/// The new rule's priority. ECR evaluates rules by priority and wants a
/// rule for "any" tag status last: the new rule goes after the others,
/// but before an "any" rule already there (in a gap, the existing
/// priorities kept); a second "any" rule is refused.
fn free_priority(rules: &[Value], group: Group) -> Result<i64, String> {
    let prio = |r: &Value| r.get("rulePriority").and_then(Value::as_i64);
    let is_any =
        |r: &Value| r.pointer("/selection/tagStatus").and_then(Value::as_str) == Some("any");
    let new_any = rule_for(group, 1)
        .pointer("/selection/tagStatus")
        .and_then(Value::as_str)
        == Some("any");
    let max = rules.iter().filter_map(prio).max().unwrap_or(0);
    let Some(any) = rules.iter().find(|r| is_any(r)) else {
        return Ok(max.saturating_add(1));
    };
    let any_p = prio(any).unwrap_or(max);
    if new_any {
        return Err(format!(
            "The repository's policy already has a rule for any tag status (rule {any_p}), which ECR wants last: this rule is one too. Change that rule in the Lifecycle tab instead."
        ));
    }
    let below = rules
        .iter()
        .filter(|r| !is_any(r))
        .filter_map(prio)
        .max()
        .unwrap_or(0)
        .saturating_add(1);
    if below < any_p {
        Ok(below)
    } else {
        Err(format!(
            "No free priority between the repository's rules and its rule for any tag status (rule {any_p}): renumber them in the Lifecycle tab first."
        ))
    }
}

/// The preview beside the group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleMatch {
    /// The group's images the policy acts on.
    pub both: usize,
    /// Of those, acted on by the repository's other rules first.
    pub by_other_rules: usize,
    /// The group's images the policy leaves (pushed within the day, say).
    pub only_group: Vec<Digest>,
    /// Images the new rule acts on that the group does not hold.
    pub only_rule: Vec<Digest>,
}

impl RuleMatch {
    pub fn same(&self) -> bool {
        self.only_group.is_empty() && self.only_rule.is_empty()
    }
}

/// What the preview does with the group's images (`expected`), the new
/// rule being `priority`.
pub fn match_preview(expected: &[Digest], preview: &LifecyclePreview, priority: i64) -> RuleMatch {
    let want: HashSet<&Digest> = expected.iter().collect();
    let mut acted: HashSet<&Digest> = HashSet::new();
    let mut m = RuleMatch::default();
    for r in &preview.results {
        let Some(d) = &r.digest else { continue };
        let by_new = r.rule_priority.map(i64::from) == Some(priority);
        if want.contains(d) {
            if acted.insert(d) {
                m.both += 1;
                if !by_new {
                    m.by_other_rules += 1;
                }
            }
        } else if by_new {
            m.only_rule.push(*d);
        }
    }
    m.only_group = expected
        .iter()
        .filter(|d| !acted.contains(d))
        .copied()
        .collect();
    m
}

/// The rule being made: for which repository and group, the images the
/// group held at the click, and how far it has come.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDraft {
    pub repo: RepoRef,
    pub group: Group,
    pub expected: Vec<Digest>,
    /// The group's bytes and monthly saving at the click.
    pub bytes: u64,
    pub monthly: f64,
    /// The policy with the rule, once the server's policy is read.
    pub made: Option<Result<(String, i64), String>>,
    /// The preview was asked for this text.
    pub previewed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LifecyclePreviewResult, PreviewStatus};

    #[test]
    fn the_rule_goes_after_the_repositorys_rules_which_stay() {
        let server = r#"{"rules":[{"rulePriority":7,"description":"keep 5","selection":{"tagStatus":"tagged","tagPatternList":["*"],"countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}}]}"#;
        let (text, p) = policy_with(Some(server), Group::Untagged).expect("made");
        assert_eq!(p, 8);
        let v: Value = serde_json::from_str(&text).expect("json");
        let rules = v["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0]["description"], "keep 5");
        assert_eq!(rules[1]["selection"]["tagStatus"], "untagged");
        let (_, p) = policy_with(None, Group::NotPulled(30)).expect("made");
        assert_eq!(p, 1);
        // Before an "any" rule (ECR wants it last), in the gap.
        let with_any = r#"{"rules":[{"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":5},"action":{"type":"expire"}},{"rulePriority":10,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":500},"action":{"type":"expire"}}]}"#;
        let (_, p) = policy_with(Some(with_any), Group::Untagged).expect("made");
        assert_eq!(p, 3);
        let e = policy_with(Some(with_any), Group::NotPulled(30)).expect_err("two any");
        assert!(e.contains("any tag status (rule 10)"), "{e}");
        let (text, _) = policy_with(None, Group::ArchivedPastMinimum).expect("made");
        assert!(text.contains("sinceImageTransitioned"));
    }

    #[test]
    fn a_full_policy_or_an_unreadable_one_is_refused_in_words() {
        let rules: Vec<Value> = (1..=50).map(|p| rule_for(Group::Untagged, p)).collect();
        let full = json!({"rules": rules}).to_string();
        let e = policy_with(Some(&full), Group::Untagged).expect_err("full");
        assert!(e.contains("50 rules"), "{e}");
        assert!(policy_with(Some("{"), Group::Untagged).is_err());
    }

    #[test]
    fn the_preview_is_set_beside_the_group() {
        let d = |n: u8| Digest::of_bytes(&[n]);
        let res = |n: u8, p: i32| LifecyclePreviewResult {
            digest: Some(d(n)),
            tags: Vec::new(),
            pushed_at: None,
            rule_priority: Some(p),
            action: "EXPIRE".into(),
        };
        let preview = LifecyclePreview {
            status: PreviewStatus::Complete,
            results: vec![res(1, 2), res(2, 1), res(9, 2)],
            ..LifecyclePreview::default()
        };
        let m = match_preview(&[d(1), d(2), d(3)], &preview, 2);
        assert_eq!(m.both, 2);
        assert_eq!(m.by_other_rules, 1);
        assert_eq!(m.only_group, [d(3)]);
        assert_eq!(m.only_rule, [d(9)]);
        assert!(!m.same());
        let same = match_preview(
            &[d(1)],
            &LifecyclePreview {
                results: vec![res(1, 2)],
                ..LifecyclePreview::default()
            },
            2,
        );
        assert!(same.same());
    }
}
