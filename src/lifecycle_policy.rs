//! ECR lifecycle policies: the JSON document as types, ECR's validation rules,
//! and an evaluator (which images a policy expires). The demo endpoint's
//! preview uses the evaluator; the lifecycle editor uses the types.

use serde::{Deserialize, Serialize};

/// ECR's size limits for a policy document.
pub const MAX_TEXT: usize = 30_720;
pub const MAX_RULES: usize = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Policy {
    pub rules: Vec<Rule>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub rule_priority: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub selection: Selection,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    pub tag_status: TagStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_prefix_list: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_pattern_list: Vec<String>,
    pub count_type: CountType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_unit: Option<String>,
    pub count_number: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagStatus {
    Tagged,
    Untagged,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CountType {
    ImageCountMoreThan,
    SinceImagePushed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    #[serde(rename = "type")]
    pub kind: String,
}

/// Parses and checks a policy as ECR does; the error says which rule broke
/// which rule of ECR's.
pub fn parse(text: &str) -> Result<Policy, String> {
    if text.len() > MAX_TEXT {
        return Err(format!(
            "The policy has {} characters; ECR allows at most {MAX_TEXT}.",
            text.len()
        ));
    }
    let policy: Policy = serde_json::from_str(text)
        .map_err(|e| format!("The policy is not valid JSON for ECR: {e}"))?;
    check(&policy)?;
    Ok(policy)
}

/// ECR's rules for a policy document.
pub fn check(policy: &Policy) -> Result<(), String> {
    if policy.rules.is_empty() {
        return Err("A policy needs at least one rule.".into());
    }
    if policy.rules.len() > MAX_RULES {
        return Err(format!("A policy has at most {MAX_RULES} rules."));
    }
    let mut seen = std::collections::HashSet::new();
    let max_priority = policy
        .rules
        .iter()
        .map(|r| r.rule_priority)
        .max()
        .unwrap_or(0);
    for r in &policy.rules {
        let p = r.rule_priority;
        if p < 1 {
            return Err(format!(
                "Rule priority {p}: priorities are whole numbers from 1."
            ));
        }
        if !seen.insert(p) {
            return Err(format!(
                "Rule priority {p} is used twice; priorities must be unique."
            ));
        }
        if !r.action.kind.eq_ignore_ascii_case("expire") {
            return Err(format!("Rule {p}: the only action is \"expire\"."));
        }
        let s = &r.selection;
        if s.count_number < 1 {
            return Err(format!("Rule {p}: countNumber must be at least 1."));
        }
        if s.tag_status == TagStatus::Tagged
            && s.tag_prefix_list.is_empty()
            && s.tag_pattern_list.is_empty()
        {
            return Err(format!(
                "Rule {p}: a \"tagged\" rule needs tagPrefixList or tagPatternList."
            ));
        }
        if !s.tag_prefix_list.is_empty() && !s.tag_pattern_list.is_empty() {
            return Err(format!(
                "Rule {p}: use tagPrefixList or tagPatternList, not both."
            ));
        }
        if s.tag_status != TagStatus::Tagged
            && (!s.tag_prefix_list.is_empty() || !s.tag_pattern_list.is_empty())
        {
            return Err(format!(
                "Rule {p}: tag lists only apply to \"tagged\" rules."
            ));
        }
        if s.tag_pattern_list
            .iter()
            .any(|t| t.matches('*').count() > 4)
        {
            return Err(format!("Rule {p}: a tag pattern has at most 4 wildcards."));
        }
        match (s.count_type, s.count_unit.as_deref()) {
            (CountType::SinceImagePushed, Some("days")) | (CountType::ImageCountMoreThan, None) => {
            }
            (CountType::SinceImagePushed, _) => {
                return Err(format!(
                    "Rule {p}: sinceImagePushed needs countUnit \"days\"."
                ));
            }
            (CountType::ImageCountMoreThan, Some(_)) => {
                return Err(format!("Rule {p}: imageCountMoreThan takes no countUnit."));
            }
        }
        if s.tag_status == TagStatus::Any && p != max_priority {
            return Err(format!(
                "Rule {p}: a rule with tagStatus \"any\" must have the highest priority number."
            ));
        }
    }
    Ok(())
}

/// ECR's wildcard: `*` matches any run of characters.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    true
}

/// What the evaluator needs to know of an image.
pub trait Candidate {
    fn tags(&self) -> &[String];
    /// Seconds since the epoch.
    fn pushed_at(&self) -> f64;
}

/// Indices of the images the policy expires, with the priority of the rule
/// that expires each. Rules run in priority order; an image is decided by the
/// first rule whose selection matches it.
pub fn evaluate<C: Candidate>(policy: &Policy, images: &[C], now: f64) -> Vec<(usize, i64)> {
    let mut rules: Vec<&Rule> = policy.rules.iter().collect();
    rules.sort_by_key(|r| r.rule_priority);
    let mut decided = vec![false; images.len()];
    let mut out = Vec::new();
    for rule in rules {
        let s = &rule.selection;
        let mut matched: Vec<usize> = (0..images.len())
            .filter(|&i| !decided[i] && selects(s, images[i].tags()))
            .collect();
        // Newest first, so "keep N" keeps the newest.
        matched.sort_by(|a, b| images[*b].pushed_at().total_cmp(&images[*a].pushed_at()));
        for (rank, &i) in matched.iter().enumerate() {
            decided[i] = true;
            let expire = match s.count_type {
                CountType::ImageCountMoreThan => rank as i64 >= s.count_number,
                CountType::SinceImagePushed => {
                    now - images[i].pushed_at() > s.count_number as f64 * 86_400.0
                }
            };
            if expire {
                out.push((i, rule.rule_priority));
            }
        }
    }
    out.sort_unstable();
    out
}

fn selects(s: &Selection, tags: &[String]) -> bool {
    match s.tag_status {
        TagStatus::Any => true,
        TagStatus::Untagged => tags.is_empty(),
        TagStatus::Tagged => tags.iter().any(|t| {
            s.tag_prefix_list.iter().any(|p| t.starts_with(p.as_str()))
                || s.tag_pattern_list.iter().any(|p| wildcard_match(p, t))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Img(Vec<String>, f64);
    impl Candidate for Img {
        fn tags(&self) -> &[String] {
            &self.0
        }
        fn pushed_at(&self) -> f64 {
            self.1
        }
    }

    const POLICY: &str = r#"{"rules":[
        {"rulePriority":1,"description":"keep 2 releases","selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}},
        {"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}
    ]}"#;

    #[test]
    fn parses_and_evaluates() {
        let p = parse(POLICY).expect("valid policy");
        let day = 86_400.0;
        let now = 100.0 * day;
        let imgs = vec![
            Img(vec!["v1".into()], now - 30.0 * day),
            Img(vec!["v2".into()], now - 20.0 * day),
            Img(vec!["v3".into()], now - 10.0 * day),
            Img(vec![], now - 8.0 * day),
            Img(vec![], now - 1.0 * day),
            Img(vec!["latest".into()], now - 50.0 * day),
        ];
        assert_eq!(evaluate(&p, &imgs, now), vec![(0, 1), (3, 2)]);
    }

    #[test]
    fn rejects_what_ecr_rejects() {
        let cases = [
            (r#"{"rules":[]}"#, "at least one"),
            (
                r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#,
                "tagPrefixList",
            ),
            (
                r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countNumber":1},"action":{"type":"expire"}}]}"#,
                "countUnit",
            ),
            (
                r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#,
                "highest priority",
            ),
            ("not json", "not valid JSON"),
        ];
        for (text, needle) in cases {
            let e = parse(text).expect_err(text);
            assert!(e.contains(needle), "{e} should mention {needle}");
        }
        let big = format!("{{\"rules\":[],\"x\":\"{}\"}}", "a".repeat(MAX_TEXT));
        assert!(parse(&big).expect_err("too long").contains("30720"));
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("release-*", "release-1.2"));
        assert!(!wildcard_match("release-*", "dev-1"));
        assert!(wildcard_match("*-rc*", "v1-rc2"));
        assert!(wildcard_match("latest", "latest"));
        assert!(!wildcard_match("latest", "latest2"));
        assert!(wildcard_match("*", "anything"));
    }

    #[test]
    fn round_trips_through_json() {
        let p = parse(POLICY).expect("valid");
        let text = serde_json::to_string(&p).expect("serialise");
        assert_eq!(parse(&text).expect("valid again"), p);
    }
}
