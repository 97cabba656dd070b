//! ECR lifecycle policies: the JSON document as types, ECR's validation rules,
//! and an evaluator (which images a policy expires or archives). The demo
//! endpoint's preview uses the evaluator; the lifecycle editor uses the types.
//!
//! The rules follow ECR's "Lifecycle policy properties" page (the archive era,
//! November 2025): actions `expire` and `transition` (to `archive`); count
//! types `imageCountMoreThan`, `sinceImagePushed`, `sinceImagePulled`,
//! `sinceImageTransitioned`; `selection.storageClass`. Fields this version
//! does not know are kept (`extra`), so a round trip through the form never
//! drops what ECR added later.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// ECR's size limits for a policy document.
pub const MAX_TEXT: usize = 30_720;
pub const MAX_RULES: usize = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct Policy {
    pub rules: Vec<Rule>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub rule_priority: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub selection: Selection,
    pub action: Action,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    pub tag_status: TagStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_prefix_list: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_pattern_list: Vec<String>,
    /// `standard` (the default) or `archive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<StorageClassName>,
    pub count_type: CountType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_unit: Option<String>,
    pub count_number: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Selection {
    /// The storage class the rule selects from (omitted means standard).
    pub fn storage(&self) -> StorageClassName {
        self.storage_class.unwrap_or(StorageClassName::Standard)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageClassName {
    Standard,
    Archive,
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
    /// Days since the last recorded pull (or the push, or the last restore,
    /// whichever is later).
    SinceImagePulled,
    /// Days since the image was archived; archived images only.
    SinceImageTransitioned,
}

impl CountType {
    pub const ALL: [Self; 4] = [
        Self::ImageCountMoreThan,
        Self::SinceImagePushed,
        Self::SinceImagePulled,
        Self::SinceImageTransitioned,
    ];

    /// Counted in days (with `countUnit: days`) rather than images.
    pub fn in_days(self) -> bool {
        self != Self::ImageCountMoreThan
    }

    pub fn as_api(self) -> &'static str {
        match self {
            Self::ImageCountMoreThan => "imageCountMoreThan",
            Self::SinceImagePushed => "sinceImagePushed",
            Self::SinceImagePulled => "sinceImagePulled",
            Self::SinceImageTransitioned => "sinceImageTransitioned",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// `expire` or `transition`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `archive`, with `transition` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_storage_class: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a rule does to the images it selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    Expire,
    /// Moves to the archive storage class.
    Transition,
}

impl Action {
    pub fn expire() -> Self {
        Self {
            kind: "expire".into(),
            target_storage_class: None,
            extra: Map::new(),
        }
    }

    pub fn transition() -> Self {
        Self {
            kind: "transition".into(),
            target_storage_class: Some("archive".into()),
            extra: Map::new(),
        }
    }

    /// The action, when it is one ECR knows.
    pub fn kind(&self) -> Option<ActionKind> {
        if self.kind.eq_ignore_ascii_case("expire") {
            Some(ActionKind::Expire)
        } else if self.kind.eq_ignore_ascii_case("transition") {
            Some(ActionKind::Transition)
        } else {
            None
        }
    }
}

/// ECR refuses lifecycle rules that delete images archived less than this
/// many days ago (the archive's minimum storage duration).
pub const MIN_DAYS_IN_ARCHIVE: i64 = 90;

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
    // "A rule with tagStatus any must have the highest rulePriority": among
    // the rules of its storage class. ECR accepts an archive rule after an
    // `any` transition rule (its documentation's own archive example).
    let max_priority = |class: StorageClassName| {
        policy
            .rules
            .iter()
            .filter(|r| r.selection.storage() == class)
            .map(|r| r.rule_priority)
            .max()
            .unwrap_or(0)
    };
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
        check_rule(r)?;
        if r.selection.tag_status == TagStatus::Any && p != max_priority(r.selection.storage()) {
            return Err(format!(
                "Rule {p}: a rule with tagStatus \"any\" must have the highest priority number."
            ));
        }
    }
    Ok(())
}

/// One rule's fields against each other, as the properties page states them.
fn check_rule(r: &Rule) -> Result<(), String> {
    let p = r.rule_priority;
    let s = &r.selection;
    let action = r.action.kind().ok_or_else(|| {
        format!(
            "Rule {p}: the action is \"expire\" or \"transition\", not \"{}\".",
            r.action.kind
        )
    })?;
    match (action, r.action.target_storage_class.as_deref()) {
        (ActionKind::Transition, Some("archive")) | (ActionKind::Expire, None) => {}
        (ActionKind::Transition, _) => {
            return Err(format!(
                "Rule {p}: a \"transition\" needs targetStorageClass \"archive\"."
            ));
        }
        (ActionKind::Expire, Some(_)) => {
            return Err(format!(
                "Rule {p}: targetStorageClass goes with \"transition\" only."
            ));
        }
    }
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
    let ty = s.count_type.as_api();
    match (s.count_type.in_days(), s.count_unit.as_deref()) {
        (true, Some("days")) | (false, None) => {}
        (true, _) => return Err(format!("Rule {p}: {ty} needs countUnit \"days\".")),
        (false, Some(_)) => return Err(format!("Rule {p}: {ty} takes no countUnit.")),
    }
    match (s.count_type, s.storage()) {
        (CountType::SinceImageTransitioned, StorageClassName::Archive) => {}
        (CountType::SinceImageTransitioned, StorageClassName::Standard) => {
            return Err(format!(
                "Rule {p}: sinceImageTransitioned selects archived images: it needs storageClass \"archive\"."
            ));
        }
        (_, StorageClassName::Archive) => {
            return Err(format!(
                "Rule {p}: storageClass \"archive\" goes with countType sinceImageTransitioned only; {ty} selects standard images."
            ));
        }
        (_, StorageClassName::Standard) => {}
    }
    if action == ActionKind::Transition && s.storage() == StorageClassName::Archive {
        return Err(format!(
            "Rule {p}: archived images cannot be transitioned again; a rule on archived images can only expire them."
        ));
    }
    if action == ActionKind::Expire
        && s.count_type == CountType::SinceImageTransitioned
        && s.count_number < MIN_DAYS_IN_ARCHIVE
    {
        return Err(format!(
            "Rule {p}: ECR keeps archived images at least {MIN_DAYS_IN_ARCHIVE} days; expiring them needs countNumber {MIN_DAYS_IN_ARCHIVE} or more."
        ));
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

/// What the evaluator needs to know of an image. Times are seconds since
/// the epoch.
pub trait Candidate {
    fn tags(&self) -> &[String];
    fn pushed_at(&self) -> f64;
    /// `lastRecordedPullTime`, if ever pulled.
    fn last_pulled(&self) -> Option<f64> {
        None
    }
    /// In the archive storage class (ARCHIVED; a restore in progress counts
    /// as standard).
    fn archived(&self) -> bool {
        false
    }
    fn archived_at(&self) -> Option<f64> {
        None
    }
    /// `lastActivatedAt`: when it was last restored.
    fn activated_at(&self) -> Option<f64> {
        None
    }
}

/// One image a policy acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub index: usize,
    pub priority: i64,
    pub action: ActionKind,
}

/// The images the policy acts on, in list order, with the rule and action
/// of each. Rules run in priority order; an image is decided by the first
/// rule whose selection (tags and storage class) matches it, acted on or
/// not: a higher-priority rule that keeps an image protects it from the
/// rules after it.
pub fn evaluate<C: Candidate>(policy: &Policy, images: &[C], now: f64) -> Vec<Verdict> {
    let mut rules: Vec<&Rule> = policy.rules.iter().collect();
    rules.sort_by_key(|r| r.rule_priority);
    let mut decided = vec![false; images.len()];
    let mut out = Vec::new();
    for rule in rules {
        let s = &rule.selection;
        let Some(action) = rule.action.kind() else {
            continue;
        };
        let archive = s.storage() == StorageClassName::Archive;
        let mut matched: Vec<usize> = (0..images.len())
            .filter(|&i| !decided[i])
            .filter(|&i| images[i].archived() == archive)
            .filter(|&i| selects(s, images[i].tags()))
            .collect();
        // Newest first, so "keep N" keeps the newest.
        matched.sort_by(|a, b| images[*b].pushed_at().total_cmp(&images[*a].pushed_at()));
        let days = s.count_number as f64 * 86_400.0;
        for (rank, &i) in matched.iter().enumerate() {
            decided[i] = true;
            let img = &images[i];
            let acts = match s.count_type {
                CountType::ImageCountMoreThan => rank as i64 >= s.count_number,
                CountType::SinceImagePushed => now - img.pushed_at() > days,
                CountType::SinceImagePulled => {
                    // Never pulled: the push; restored since: the restore.
                    let last = img
                        .last_pulled()
                        .unwrap_or_else(|| img.pushed_at())
                        .max(img.activated_at().unwrap_or(f64::MIN));
                    now - last > days
                }
                CountType::SinceImageTransitioned => {
                    img.archived_at().is_some_and(|t| now - t > days)
                }
            };
            if acts {
                out.push(Verdict {
                    index: i,
                    priority: rule.rule_priority,
                    action,
                });
            }
        }
    }
    out.sort_unstable_by_key(|v| v.index);
    out
}

/// ECR: "If you specify multiple tags, only the images with all specified
/// tags are selected": every prefix (or pattern) of the list must match one
/// of the image's tags.
fn selects(s: &Selection, tags: &[String]) -> bool {
    match s.tag_status {
        TagStatus::Any => true,
        TagStatus::Untagged => tags.is_empty(),
        TagStatus::Tagged if tags.is_empty() => false,
        TagStatus::Tagged if !s.tag_prefix_list.is_empty() => s
            .tag_prefix_list
            .iter()
            .all(|p| tags.iter().any(|t| t.starts_with(p.as_str()))),
        TagStatus::Tagged => s
            .tag_pattern_list
            .iter()
            .all(|p| tags.iter().any(|t| wildcard_match(p, t))),
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

    /// An image with pull and archive times.
    #[derive(Default)]
    struct Full {
        tags: Vec<String>,
        pushed: f64,
        pulled: Option<f64>,
        archived_at: Option<f64>,
        activated_at: Option<f64>,
    }
    impl Candidate for Full {
        fn tags(&self) -> &[String] {
            &self.tags
        }
        fn pushed_at(&self) -> f64 {
            self.pushed
        }
        fn last_pulled(&self) -> Option<f64> {
            self.pulled
        }
        fn archived(&self) -> bool {
            self.archived_at.is_some() && self.activated_at.is_none()
        }
        fn archived_at(&self) -> Option<f64> {
            self.archived_at
        }
        fn activated_at(&self) -> Option<f64> {
            self.activated_at
        }
    }

    const DAY: f64 = 86_400.0;

    fn verdicts(p: &Policy, imgs: &[Full], now: f64) -> Vec<(usize, i64, ActionKind)> {
        evaluate(p, imgs, now)
            .into_iter()
            .map(|v| (v.index, v.priority, v.action))
            .collect()
    }

    /// ECR's documented archive example: archive what was not pulled in 90
    /// days, expire what has been archived for 365.
    const ARCHIVE_EXAMPLE: &str = r#"{"rules":[
        {"rulePriority":1,"description":"Archive images not pulled in 90 days","selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":90},"action":{"type":"transition","targetStorageClass":"archive"}},
        {"rulePriority":2,"description":"Expire archived images after 365 days","selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":365},"action":{"type":"expire"}}
    ]}"#;

    #[test]
    fn the_documented_archive_example_is_valid_and_evaluates() {
        let p = parse(ARCHIVE_EXAMPLE).expect("ECR's own example is valid");
        let now = 1000.0 * DAY;
        let imgs = [
            // Pulled 10 days ago: stays.
            Full {
                pushed: now - 400.0 * DAY,
                pulled: Some(now - 10.0 * DAY),
                ..Default::default()
            },
            // Never pulled, pushed 100 days ago: archived (the push counts).
            Full {
                pushed: now - 100.0 * DAY,
                ..Default::default()
            },
            // Pulled 200 days ago but restored 5 days ago: the restore counts.
            Full {
                pushed: now - 300.0 * DAY,
                pulled: Some(now - 200.0 * DAY),
                archived_at: Some(now - 50.0 * DAY),
                activated_at: Some(now - 5.0 * DAY),
                ..Default::default()
            },
            // Archived 400 days ago: expires.
            Full {
                pushed: now - 900.0 * DAY,
                archived_at: Some(now - 400.0 * DAY),
                ..Default::default()
            },
            // Archived 100 days ago: stays archived.
            Full {
                pushed: now - 900.0 * DAY,
                archived_at: Some(now - 100.0 * DAY),
                ..Default::default()
            },
        ];
        assert_eq!(
            verdicts(&p, &imgs, now),
            [(1, 1, ActionKind::Transition), (3, 2, ActionKind::Expire)]
        );
    }

    #[test]
    fn archive_era_combinations_ecr_refuses() {
        let rule = |sel: &str, action: &str| {
            format!(
                r#"{{"rules":[{{"rulePriority":1,"selection":{{"tagStatus":"any",{sel}}},"action":{action}}}]}}"#
            )
        };
        let cases = [
            (
                rule(
                    r#""countType":"sinceImagePushed","countUnit":"days","countNumber":30"#,
                    r#"{"type":"transition"}"#,
                ),
                "targetStorageClass",
            ),
            (
                rule(
                    r#""countType":"sinceImagePushed","countUnit":"days","countNumber":30"#,
                    r#"{"type":"expire","targetStorageClass":"archive"}"#,
                ),
                "transition",
            ),
            (
                rule(
                    r#""countType":"sinceImageTransitioned","countUnit":"days","countNumber":120"#,
                    r#"{"type":"expire"}"#,
                ),
                "storageClass",
            ),
            (
                rule(
                    r#""storageClass":"archive","countType":"sinceImagePushed","countUnit":"days","countNumber":120"#,
                    r#"{"type":"expire"}"#,
                ),
                "sinceImageTransitioned only",
            ),
            (
                rule(
                    r#""storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":30"#,
                    r#"{"type":"expire"}"#,
                ),
                "90",
            ),
            (
                rule(
                    r#""storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":120"#,
                    r#"{"type":"transition","targetStorageClass":"archive"}"#,
                ),
                "cannot be transitioned",
            ),
            (
                rule(
                    r#""countType":"sinceImagePulled","countNumber":30"#,
                    r#"{"type":"expire"}"#,
                ),
                "countUnit",
            ),
            (
                rule(
                    r#""countType":"imageCountMoreThan","countNumber":3"#,
                    r#"{"type":"delete"}"#,
                ),
                "\"expire\" or \"transition\"",
            ),
        ];
        for (text, needle) in cases {
            let e = parse(&text).expect_err(&text);
            assert!(e.contains(needle), "{e} should mention {needle}");
        }
    }

    #[test]
    fn tag_lists_select_images_with_every_tag() {
        // ECR: "If you specify multiple tags, only the images with all
        // specified tags are selected."
        let p = parse(r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["alpha","beta"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#)
            .expect("valid");
        let now = 10.0 * DAY;
        let imgs = [
            Img(vec!["alpha-1".into(), "beta-1".into()], now - DAY),
            Img(vec!["alpha-2".into(), "beta-2".into()], now - 2.0 * DAY),
            Img(vec!["alpha-3".into()], now - 3.0 * DAY),
            Img(vec!["beta-4".into()], now - 4.0 * DAY),
        ];
        let expired: Vec<usize> = evaluate(&p, &imgs, now).iter().map(|v| v.index).collect();
        assert_eq!(
            expired,
            [1],
            "only images with both prefixes count; the newest is kept"
        );
    }

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let text = r#"{"rules":[{"rulePriority":1,"futureRuleField":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1,"futureSelection":"x"},"action":{"type":"expire","futureAction":true}}],"futureTop":[1,2]}"#;
        let p = parse(text).expect("valid");
        let back: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&p).expect("serialise")).expect("json");
        let orig: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(back, orig);
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
        let got: Vec<(usize, i64)> = evaluate(&p, &imgs, now)
            .iter()
            .map(|v| (v.index, v.priority))
            .collect();
        assert_eq!(got, vec![(0, 1), (3, 2)]);
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
