//! Resource policies as ECR takes them (repository policies and the
//! registry policy): parsed into statements a person can read as rows,
//! written back as JSON, checked before any call, and read for "who may
//! pull and push".
//!
//! Sources: IAM's policy grammar (Version, Statement, Sid, Effect,
//! Principal, Action, Resource, Condition; a single value or a list), ECR's
//! API actions (the API reference's operation list plus the permission-only
//! actions `ecr:ReplicateImage` and `ecr:BatchImportUpstreamImage`), and
//! the registry policy's scope (user guide, "Private registry permissions
//! in Amazon ECR": V1 enforces only ReplicateImage, BatchImportUpstreamImage
//! and CreateRepository at the registry level; V2, the default, all ECR
//! actions).

use serde_json::{Map, Value, json};

/// Every ECR action a resource policy may name.
pub const ECR_ACTIONS: &[&str] = &[
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchDeleteImage",
    "ecr:BatchGetImage",
    "ecr:BatchGetRepositoryScanningConfiguration",
    "ecr:BatchImportUpstreamImage",
    "ecr:CompleteLayerUpload",
    "ecr:CreatePullThroughCacheRule",
    "ecr:CreateRepository",
    "ecr:CreateRepositoryCreationTemplate",
    "ecr:DeleteLifecyclePolicy",
    "ecr:DeletePullThroughCacheRule",
    "ecr:DeleteRegistryPolicy",
    "ecr:DeleteRepository",
    "ecr:DeleteRepositoryCreationTemplate",
    "ecr:DeleteRepositoryPolicy",
    "ecr:DeleteSigningConfiguration",
    "ecr:DeregisterPullTimeUpdateExclusion",
    "ecr:DescribeImageReplicationStatus",
    "ecr:DescribeImageScanFindings",
    "ecr:DescribeImageSigningStatus",
    "ecr:DescribeImages",
    "ecr:DescribePullThroughCacheRules",
    "ecr:DescribeRegistry",
    "ecr:DescribeRepositories",
    "ecr:DescribeRepositoryCreationTemplates",
    "ecr:GetAccountSetting",
    "ecr:GetAuthorizationToken",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetLifecyclePolicy",
    "ecr:GetLifecyclePolicyPreview",
    "ecr:GetRegistryPolicy",
    "ecr:GetRegistryScanningConfiguration",
    "ecr:GetRepositoryPolicy",
    "ecr:GetSigningConfiguration",
    "ecr:InitiateLayerUpload",
    "ecr:ListImageReferrers",
    "ecr:ListImages",
    "ecr:ListPullTimeUpdateExclusions",
    "ecr:ListTagsForResource",
    "ecr:PutAccountSetting",
    "ecr:PutImage",
    "ecr:PutImageScanningConfiguration",
    "ecr:PutImageTagMutability",
    "ecr:PutLifecyclePolicy",
    "ecr:PutRegistryPolicy",
    "ecr:PutRegistryScanningConfiguration",
    "ecr:PutReplicationConfiguration",
    "ecr:PutSigningConfiguration",
    "ecr:RegisterPullTimeUpdateExclusion",
    "ecr:ReplicateImage",
    "ecr:SetRepositoryPolicy",
    "ecr:StartImageScan",
    "ecr:StartLifecyclePolicyPreview",
    "ecr:TagResource",
    "ecr:UntagResource",
    "ecr:UpdateImageStorageClass",
    "ecr:UpdatePullThroughCacheRule",
    "ecr:UpdateRepositoryCreationTemplate",
    "ecr:UploadLayerPart",
    "ecr:ValidatePullThroughCacheRule",
];

/// What a pull needs: the manifest and the layers' download URLs (Lambda's
/// documented grant has just these two).
pub const PULL_NEEDS: &[&str] = &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/// The pull grant ECR's examples write (with the layer check a client
/// may make first).
pub const PULL_ACTIONS: &[&str] = &[
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchCheckLayerAvailability",
];

/// What a push needs.
pub const PUSH_ACTIONS: &[&str] = &[
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:BatchCheckLayerAvailability",
];

/// The only actions a V1-scoped registry policy enforces.
pub const REGISTRY_V1_ACTIONS: &[&str] = &[
    "ecr:ReplicateImage",
    "ecr:BatchImportUpstreamImage",
    "ecr:CreateRepository",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        }
    }
}

/// One principal, by the key IAM files it under.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Principal {
    /// `"Principal": "*"` or `{"AWS": "*"}`: anyone (conditions may narrow).
    Anyone,
    Aws(String),
    Service(String),
    Federated(String),
}

impl Principal {
    /// As typed in a row: `*`, an account id or ARN, or a service host.
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        if t == "*" {
            Self::Anyone
        } else if t.ends_with(".amazonaws.com") || t.ends_with(".amazonaws.com.cn") {
            Self::Service(t.to_owned())
        } else if let Some(f) = t.strip_prefix("federated:") {
            Self::Federated(f.trim().to_owned())
        } else {
            Self::Aws(t.to_owned())
        }
    }

    pub fn text(&self) -> String {
        match self {
            Self::Anyone => "*".into(),
            Self::Aws(a) | Self::Service(a) => a.clone(),
            Self::Federated(f) => format!("federated:{f}"),
        }
    }

    /// Words for the access summary.
    pub fn describe(&self) -> String {
        match self {
            Self::Anyone => "anyone".into(),
            Self::Service(s) => format!("the service {s}"),
            Self::Federated(f) => format!("federated {f}"),
            Self::Aws(a) if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) => {
                format!("account {a}")
            }
            Self::Aws(a) => match a.split(':').nth(4).zip(a.rsplit(':').next()) {
                Some((acct, "root")) => format!("account {acct}"),
                _ => a.clone(),
            },
        }
    }

    /// The same principal however written (an account id and its
    /// `arn:…:iam::<id>:root` are one).
    pub fn same_as(&self, other: &Self) -> bool {
        self == other || self.describe() == other.describe()
    }

    /// Why this principal is not one IAM accepts, if it is not.
    pub fn problem(&self) -> Option<String> {
        match self {
            Self::Anyone => None,
            Self::Service(s) => {
                let host = s.split('.').next().unwrap_or("");
                (host.is_empty()
                    || !host
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
                .then(|| format!("'{s}' is not a service principal (like lambda.amazonaws.com)."))
            }
            Self::Federated(f) => f
                .is_empty()
                .then(|| "A federated principal needs a provider.".to_owned()),
            Self::Aws(a) => aws_principal_problem(a),
        }
    }
}

fn aws_principal_problem(a: &str) -> Option<String> {
    if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bad = || {
        Some(format!(
            "'{a}' is not a principal: give *, a 12-digit account id, an IAM ARN \
             (arn:aws:iam::111122223333:root, :role/NAME, :user/NAME) or a service \
             (lambda.amazonaws.com)."
        ))
    };
    let Some(arn) = crate::partition::parse_arn(a) else {
        return bad();
    };
    let acct_ok = arn.account.len() == 12 && arn.account.bytes().all(|b| b.is_ascii_digit());
    let known_partition = matches!(arn.partition, "aws" | "aws-cn" | "aws-us-gov");
    let resource_ok = match arn.service {
        "iam" => {
            arn.resource == "root"
                || ["user/", "role/", "group/"]
                    .iter()
                    .any(|p| arn.resource.strip_prefix(p).is_some_and(|r| !r.is_empty()))
        }
        "sts" => arn
            .resource
            .strip_prefix("assumed-role/")
            .is_some_and(|r| r.contains('/')),
        _ => false,
    };
    if acct_ok && known_partition && resource_ok && arn.region.is_empty() {
        None
    } else {
        bad()
    }
}

/// One statement, with what the rows do not show kept as it was.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub sid: String,
    pub effect: Effect,
    pub principals: Vec<Principal>,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// The Condition block, as written (`None`: no condition).
    pub condition: Option<Value>,
    /// Keys the rows do not edit (NotAction, NotPrincipal, NotResource),
    /// carried through a round trip untouched.
    pub other: Map<String, Value>,
}

/// A policy document: version, statements, and any top-level keys kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub version: String,
    pub statements: Vec<Statement>,
    pub other: Map<String, Value>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            version: "2012-10-17".into(),
            statements: Vec::new(),
            other: Map::new(),
        }
    }
}

fn one_or_many(v: &Value, what: &str) -> Result<Vec<String>, String> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("Every {what} must be a string."))
            })
            .collect(),
        _ => Err(format!("{what} must be a string or a list of strings.")),
    }
}

fn many_json(v: &[String]) -> Value {
    match v {
        [one] => json!(one),
        _ => json!(v),
    }
}

fn parse_principals(v: &Value) -> Result<Vec<Principal>, String> {
    match v {
        Value::String(s) if s == "*" => Ok(vec![Principal::Anyone]),
        Value::Object(m) => {
            let mut out = Vec::new();
            for (k, v) in m {
                for p in one_or_many(v, "principal")? {
                    out.push(match k.as_str() {
                        "AWS" if p == "*" => Principal::Anyone,
                        "AWS" => Principal::Aws(p),
                        "Service" => Principal::Service(p),
                        "Federated" => Principal::Federated(p),
                        other => {
                            return Err(format!(
                                "Principal key '{other}' is not one of AWS, Service, Federated."
                            ));
                        }
                    });
                }
            }
            Ok(out)
        }
        _ => Err("Principal must be \"*\" or an object like {\"AWS\": [...]}.".into()),
    }
}

fn principals_json(ps: &[Principal]) -> Value {
    if ps == [Principal::Anyone] {
        return json!("*");
    }
    let mut m = Map::new();
    let mut put = |k: &str, v: String| {
        let e = m.entry(k).or_insert_with(|| json!([]));
        if let Value::Array(a) = e {
            a.push(json!(v));
        }
    };
    for p in ps {
        match p {
            Principal::Anyone => put("AWS", "*".into()),
            Principal::Aws(a) => put("AWS", a.clone()),
            Principal::Service(s) => put("Service", s.clone()),
            Principal::Federated(f) => put("Federated", f.clone()),
        }
    }
    for v in m.values_mut() {
        if let Value::Array(a) = v
            && a.len() == 1
        {
            *v = a.remove(0);
        }
    }
    Value::Object(m)
}

/// Reads a policy; the message says what is wrong, in words.
pub fn parse(text: &str) -> Result<Policy, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("Not JSON: {e}."))?;
    let Value::Object(mut top) = v else {
        return Err("A policy is a JSON object.".into());
    };
    let version = match top.remove("Version") {
        None => "2012-10-17".to_owned(),
        Some(Value::String(s)) => s,
        Some(_) => return Err("Version must be a string.".into()),
    };
    let stmts = match top.remove("Statement") {
        Some(Value::Array(a)) => a,
        Some(o @ Value::Object(_)) => vec![o],
        _ => return Err("A policy needs a Statement list.".into()),
    };
    let mut statements = Vec::with_capacity(stmts.len());
    for (i, s) in stmts.into_iter().enumerate() {
        let n = i + 1;
        let Value::Object(mut m) = s else {
            return Err(format!("Statement {n} is not an object."));
        };
        let sid = match m.remove("Sid") {
            None => String::new(),
            Some(Value::String(s)) => s,
            Some(_) => return Err(format!("Statement {n}: Sid must be a string.")),
        };
        let effect = match m.remove("Effect").as_ref().and_then(Value::as_str) {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            _ => return Err(format!("Statement {n}: Effect must be Allow or Deny.")),
        };
        let principals = match m.remove("Principal") {
            Some(p) => parse_principals(&p).map_err(|e| format!("Statement {n}: {e}"))?,
            None => Vec::new(),
        };
        let actions = match m.remove("Action") {
            Some(a) => one_or_many(&a, "action").map_err(|e| format!("Statement {n}: {e}"))?,
            None => Vec::new(),
        };
        let resources = match m.remove("Resource") {
            Some(r) => one_or_many(&r, "resource").map_err(|e| format!("Statement {n}: {e}"))?,
            None => Vec::new(),
        };
        let condition = match m.remove("Condition") {
            None => None,
            Some(c @ Value::Object(_)) => Some(c),
            Some(_) => return Err(format!("Statement {n}: Condition must be an object.")),
        };
        statements.push(Statement {
            sid,
            effect,
            principals,
            actions,
            resources,
            condition,
            other: m,
        });
    }
    Ok(Policy {
        version,
        statements,
        other: top,
    })
}

/// The policy as JSON, pretty-printed (what is sent and shown).
pub fn to_json(p: &Policy) -> String {
    let mut top = Map::new();
    top.insert("Version".into(), json!(p.version));
    for (k, v) in &p.other {
        top.insert(k.clone(), v.clone());
    }
    let stmts: Vec<Value> = p
        .statements
        .iter()
        .map(|s| {
            let mut m = Map::new();
            if !s.sid.is_empty() {
                m.insert("Sid".into(), json!(s.sid));
            }
            m.insert("Effect".into(), json!(s.effect.as_str()));
            if !s.principals.is_empty() {
                m.insert("Principal".into(), principals_json(&s.principals));
            }
            if !s.actions.is_empty() {
                m.insert("Action".into(), many_json(&s.actions));
            }
            if !s.resources.is_empty() {
                m.insert("Resource".into(), many_json(&s.resources));
            }
            if let Some(c) = &s.condition {
                m.insert("Condition".into(), c.clone());
            }
            for (k, v) in &s.other {
                m.insert(k.clone(), v.clone());
            }
            Value::Object(m)
        })
        .collect();
    top.insert("Statement".into(), Value::Array(stmts));
    serde_json::to_string_pretty(&Value::Object(top)).unwrap_or_default()
}

/// Which policy a document is, for the checks that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Repository,
    /// The registry policy; `v1`: the account's REGISTRY_POLICY_SCOPE is V1.
    Registry {
        v1: bool,
    },
}

/// `ecr:Batch*`-style wildcard match (IAM's `*` and `?`), case-insensitive
/// as IAM matches action names.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    fn go(p: &[u8], a: &[u8]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], a) || (!a.is_empty() && go(p, &a[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &a[1..]),
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => go(&p[1..], &a[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), action.as_bytes())
}

/// A resource ARN pattern (IAM's `*`, `?`) against a repository's ARN.
pub fn resource_matches(pattern: &str, arn: &str) -> bool {
    pattern == "*" || action_matches(pattern, arn)
}

/// One message per statement (`None`: fine), or a message for the whole
/// document in `Err`. Checked before any call.
pub fn check(p: &Policy, kind: Kind) -> Result<Vec<Option<String>>, String> {
    if p.version != "2012-10-17" && p.version != "2008-10-17" {
        return Err(format!(
            "Version '{}' is not one IAM knows (2012-10-17 or 2008-10-17).",
            p.version
        ));
    }
    if p.statements.is_empty() {
        return Err("A policy needs at least one statement (or delete the policy).".into());
    }
    let per = p
        .statements
        .iter()
        .map(|s| statement_problem(s, kind))
        .collect();
    Ok(per)
}

fn statement_problem(s: &Statement, kind: Kind) -> Option<String> {
    if s.principals.is_empty() && !s.other.contains_key("NotPrincipal") {
        return Some("Name who: a resource policy needs a principal (* for anyone).".into());
    }
    if let Some(e) = s.principals.iter().find_map(Principal::problem) {
        return Some(e);
    }
    if s.actions.is_empty() && !s.other.contains_key("NotAction") {
        return Some("Name at least one action (like ecr:BatchGetImage).".into());
    }
    for a in &s.actions {
        if a == "*" {
            continue;
        }
        if !a.to_ascii_lowercase().starts_with("ecr:") {
            return Some(format!(
                "'{a}' is not an ECR action: an ECR policy names ecr:… actions."
            ));
        }
        if !ECR_ACTIONS.iter().any(|k| action_matches(a, k)) {
            return Some(format!("'{a}' matches no ECR action."));
        }
        if let Kind::Registry { v1: true } = kind
            && !REGISTRY_V1_ACTIONS.iter().any(|k| action_matches(a, k))
        {
            return Some(format!(
                "'{a}' is not enforced in a registry policy of scope V1 (only \
                 ecr:ReplicateImage, ecr:BatchImportUpstreamImage, ecr:CreateRepository); \
                 switch the account's registry policy scope to V2 first."
            ));
        }
    }
    if matches!(kind, Kind::Registry { .. }) && s.resources.is_empty() {
        return Some(
            "A registry policy statement names its Resource (like \
             arn:aws:ecr:us-east-1:111122223333:repository/*)."
                .into(),
        );
    }
    for r in &s.resources {
        if r != "*" && crate::partition::parse_arn(r).is_none_or(|a| a.service != "ecr") {
            return Some(format!("'{r}' is not an ECR resource ARN (arn:aws:ecr:…)."));
        }
    }
    None
}

/// A ready-made statement the editor offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Another account pulls (its IAM still has to allow it).
    AccountPull,
    /// Another account pulls and pushes.
    AccountPush,
    /// Every account of an AWS Organization pulls (aws:PrincipalOrgID).
    OrganizationPull,
    /// AWS Lambda pulls container images for functions.
    LambdaPull,
    /// Another account replicates into this registry (registry policy).
    AccountReplicate,
}

impl Preset {
    pub const ALL: [Self; 5] = [
        Self::AccountPull,
        Self::AccountPush,
        Self::OrganizationPull,
        Self::LambdaPull,
        Self::AccountReplicate,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::AccountPull => "Let an account pull",
            Self::AccountPush => "Let an account pull and push",
            Self::OrganizationPull => "Let my organization pull",
            Self::LambdaPull => "Let Lambda pull",
            Self::AccountReplicate => "Let an account replicate here",
        }
    }

    /// What the preset needs typed: an account id, an organization id, or
    /// nothing.
    pub fn asks(self) -> Option<&'static str> {
        match self {
            Self::AccountPull | Self::AccountPush | Self::AccountReplicate => {
                Some("account id (12 digits)")
            }
            Self::OrganizationPull => Some("organization id (o-…)"),
            Self::LambdaPull => None,
        }
    }

    /// The statement; `resource`: the registry policy's resource ARN
    /// (`None` for a repository policy, where the repository is implied).
    pub fn statement(self, value: &str, resource: Option<&str>) -> Result<Statement, String> {
        let v = value.trim();
        let account = || {
            if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
                Ok(v.to_owned())
            } else {
                Err(format!("'{v}' is not an account id: 12 digits."))
            }
        };
        let (sid, principals, actions, condition) = match self {
            Self::AccountPull => (
                format!("AllowPull{}", account()?),
                vec![Principal::Aws(format!("arn:aws:iam::{v}:root"))],
                PULL_ACTIONS,
                None,
            ),
            Self::AccountPush => (
                format!("AllowPushPull{}", account()?),
                vec![Principal::Aws(format!("arn:aws:iam::{v}:root"))],
                &[
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:PutImage",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                ][..],
                None,
            ),
            Self::OrganizationPull => {
                let ok = v.len() >= 12
                    && v.starts_with("o-")
                    && v[2..]
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
                if !ok {
                    return Err(format!(
                        "'{v}' is not an organization id (o- and 10 to 32 lowercase letters or digits)."
                    ));
                }
                (
                    "AllowOrganizationPull".to_owned(),
                    vec![Principal::Anyone],
                    PULL_ACTIONS,
                    Some(json!({"StringEquals": {"aws:PrincipalOrgID": v}})),
                )
            }
            Self::LambdaPull => (
                "LambdaECRImageRetrievalPolicy".to_owned(),
                vec![Principal::Service("lambda.amazonaws.com".into())],
                &["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"][..],
                None,
            ),
            Self::AccountReplicate => (
                format!("AllowReplication{}", account()?),
                vec![Principal::Aws(format!("arn:aws:iam::{v}:root"))],
                &["ecr:CreateRepository", "ecr:ReplicateImage"][..],
                None,
            ),
        };
        Ok(Statement {
            sid,
            effect: Effect::Allow,
            principals,
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            resources: resource.map(|r| vec![r.to_owned()]).unwrap_or_default(),
            condition,
            other: Map::new(),
        })
    }
}

/// Who may pull and push one repository, from its policy and the
/// registry's: each principal an Allow names, minus what a Deny for the
/// same principal takes away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    pub principal: Principal,
    pub pull: bool,
    pub push: bool,
    /// Some grant carries a Condition (the access holds only when it is met).
    pub conditional: bool,
    /// Where the grants come from: "repository policy", "registry policy".
    pub from: Vec<&'static str>,
}

fn grants(s: &Statement, needed: &[&str]) -> bool {
    needed
        .iter()
        .all(|n| s.actions.iter().any(|a| a == "*" || action_matches(a, n)))
}

fn denies(s: &Statement, needed: &[&str]) -> bool {
    needed
        .iter()
        .any(|n| s.actions.iter().any(|a| a == "*" || action_matches(a, n)))
}

/// The access summary. `registry` applies to the repository only where a
/// statement's Resource matches `repo_arn` (and, under scope V1, only for
/// the three registry-level actions: no pull or push).
pub fn effective_access(
    repository: Option<&Policy>,
    registry: Option<(&Policy, bool)>,
    repo_arn: &str,
) -> Vec<Access> {
    let mut rows: Vec<Access> = Vec::new();
    let mut denied: Vec<(Principal, bool, bool)> = Vec::new();
    let mut apply = |s: &Statement, from: &'static str| {
        if !s.other.is_empty() {
            // NotAction / NotPrincipal: not summarised (said in the view).
            return;
        }
        // An Allow must name every action of a pull (or push); a Deny of
        // any one of them is enough to stop it.
        let (pull, push) = if s.effect == Effect::Deny {
            (denies(s, PULL_NEEDS), denies(s, PUSH_ACTIONS))
        } else {
            (grants(s, PULL_NEEDS), grants(s, PUSH_ACTIONS))
        };
        if !pull && !push {
            return;
        }
        for p in &s.principals {
            if s.effect == Effect::Deny {
                denied.push((p.clone(), pull, push));
                continue;
            }
            match rows.iter_mut().find(|r| r.principal.same_as(p)) {
                Some(r) => {
                    r.pull |= pull;
                    r.push |= push;
                    r.conditional |= s.condition.is_some();
                    if !r.from.contains(&from) {
                        r.from.push(from);
                    }
                }
                None => rows.push(Access {
                    principal: p.clone(),
                    pull,
                    push,
                    conditional: s.condition.is_some(),
                    from: vec![from],
                }),
            }
        }
    };
    if let Some(p) = repository {
        for s in &p.statements {
            apply(s, "repository policy");
        }
    }
    if let Some((p, v1)) = registry
        && !v1
    {
        for s in &p.statements {
            if s.resources.iter().any(|r| resource_matches(r, repo_arn)) {
                apply(s, "registry policy");
            }
        }
    }
    for (p, pull, push) in denied {
        for r in rows
            .iter_mut()
            .filter(|r| r.principal.same_as(&p) || p == Principal::Anyone)
        {
            r.pull &= !pull;
            r.push &= !push;
        }
    }
    rows.retain(|r| r.pull || r.push);
    rows.sort_by(|a, b| a.principal.cmp(&b.principal));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPO_POLICY: &str = r#"{
      "Version": "2008-10-17",
      "Statement": [
        {"Sid": "pull", "Effect": "Allow",
         "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]},
         "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]},
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
         "Action": "ecr:*", "Condition": {"StringLike": {"aws:sourceArn": "arn:aws:lambda:*"}}},
        {"Effect": "Deny", "Principal": {"AWS": "444455556666"}, "Action": "ecr:BatchGetImage"},
        {"Effect": "Allow", "NotPrincipal": {"AWS": "1"}, "Action": "ecr:PutImage"}
      ]
    }"#;

    #[test]
    fn a_policy_reads_as_rows_and_writes_back_the_same() {
        let p = parse(REPO_POLICY).expect("parses");
        assert_eq!(p.version, "2008-10-17");
        assert_eq!(p.statements.len(), 4);
        assert_eq!(p.statements[0].principals.len(), 2);
        assert_eq!(
            p.statements[1].principals,
            [Principal::Service("lambda.amazonaws.com".into())]
        );
        assert!(p.statements[3].other.contains_key("NotPrincipal"));
        let back = parse(&to_json(&p)).expect("round trip");
        assert_eq!(back, p);
    }

    #[test]
    fn problems_are_said_per_statement_before_any_call() {
        let p = parse(REPO_POLICY).expect("parses");
        let per = check(&p, Kind::Repository).expect("document fine");
        assert!(per.iter().all(Option::is_none), "{per:?}");
        let bad = parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"},
            {"Effect":"Allow","Principal":{"AWS":"12345"},"Action":"ecr:BatchGetImage"},
            {"Effect":"Allow","Principal":"*","Action":"ecr:PullImage"},
            {"Effect":"Allow","Principal":"*","Action":"ecr:Batch*"}]}"#,
        )
        .expect("parses");
        let per = check(&bad, Kind::Repository).expect("document fine");
        assert!(
            per[0]
                .as_deref()
                .is_some_and(|m| m.contains("not an ECR action"))
        );
        assert!(
            per[1]
                .as_deref()
                .is_some_and(|m| m.contains("'12345' is not a principal"))
        );
        assert!(
            per[2]
                .as_deref()
                .is_some_and(|m| m.contains("matches no ECR action"))
        );
        assert!(per[3].is_none(), "a wildcard matching real actions is fine");
        assert!(parse("{").unwrap_err().starts_with("Not JSON"));
        assert!(
            parse(r#"{"Statement":[{"Effect":"Maybe"}]}"#)
                .unwrap_err()
                .contains("Effect must be Allow or Deny")
        );
        assert!(check(&Policy::default(), Kind::Repository).is_err());
    }

    #[test]
    fn the_registry_scope_decides_which_actions_a_registry_policy_may_name() {
        let res = "arn:aws:ecr:us-east-1:123456789012:repository/*";
        let pull = Preset::AccountPull
            .statement("111122223333", Some(res))
            .expect("statement");
        let p = Policy {
            statements: vec![pull],
            ..Policy::default()
        };
        assert_eq!(check(&p, Kind::Registry { v1: false }), Ok(vec![None]));
        let v1 = check(&p, Kind::Registry { v1: true }).expect("document");
        assert!(v1[0].as_deref().is_some_and(|m| m.contains("scope V1")));
        let rep = Preset::AccountReplicate
            .statement("111122223333", Some(res))
            .expect("statement");
        let p = Policy {
            statements: vec![rep],
            ..Policy::default()
        };
        assert_eq!(check(&p, Kind::Registry { v1: true }), Ok(vec![None]));
        let mut no_res = p.clone();
        no_res.statements[0].resources.clear();
        assert!(check(&no_res, Kind::Registry { v1: false }).expect("doc")[0].is_some());
    }

    #[test]
    fn presets_refuse_what_is_not_an_id() {
        assert!(Preset::AccountPull.statement("1234", None).is_err());
        assert!(Preset::OrganizationPull.statement("org-1", None).is_err());
        let org = Preset::OrganizationPull
            .statement("o-a1b2c3d4e5", None)
            .expect("org");
        assert_eq!(org.principals, [Principal::Anyone]);
        assert!(org.condition.is_some());
        for p in Preset::ALL {
            let s = p
                .statement("111122223333", None)
                .or_else(|_| p.statement("o-a1b2c3d4e5", None));
            let s = s.expect("each preset makes a statement");
            assert_eq!(statement_problem(&s, Kind::Repository), None, "{p:?}");
        }
    }

    #[test]
    fn effective_access_joins_both_policies_and_applies_denies() {
        let repo = parse(REPO_POLICY).expect("parses");
        let arn = "arn:aws:ecr:us-east-1:123456789012:repository/web";
        let reg = Policy {
            statements: vec![
                Preset::AccountPush
                    .statement(
                        "777788889999",
                        Some("arn:aws:ecr:us-east-1:123456789012:repository/web*"),
                    )
                    .expect("s"),
                Preset::AccountPull
                    .statement(
                        "999988887777",
                        Some("arn:aws:ecr:us-east-1:123456789012:repository/api"),
                    )
                    .expect("s"),
            ],
            ..Policy::default()
        };
        let rows = effective_access(Some(&repo), Some((&reg, false)), arn);
        let find = |d: &str| rows.iter().find(|r| r.principal.describe() == d);
        let a = find("account 111122223333").expect("pull grant");
        assert!(a.pull && !a.push && a.from == ["repository policy"]);
        // Denied BatchGetImage: no pull left, so no row.
        assert!(find("account 444455556666").is_none());
        let l = find("the service lambda.amazonaws.com").expect("lambda");
        assert!(l.pull && l.push && l.conditional);
        let r = find("account 777788889999").expect("registry grant");
        assert!(r.pull && r.push && r.from == ["registry policy"]);
        assert!(find("account 999988887777").is_none(), "other repository");
        // Scope V1: the registry policy grants no pull or push.
        let rows = effective_access(Some(&repo), Some((&reg, true)), arn);
        assert!(rows.iter().all(|r| r.from == ["repository policy"]));
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(action_matches("ecr:*", "ecr:PutImage"));
        assert!(action_matches("ECR:batchget*", "ecr:BatchGetImage"));
        assert!(action_matches(
            "ecr:Get?ownloadUrlForLayer",
            "ecr:GetDownloadUrlForLayer"
        ));
        assert!(!action_matches("ecr:Put", "ecr:PutImage"));
    }
}
