//! Repository creation templates as ECR's API reference writes them
//! (API_CreateRepositoryCreationTemplate): the prefix (1..256 characters of
//! `^((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT)$`;
//! "there is always an assumed / applied to the end of the prefix"), what
//! it is applied for (CREATE_ON_PUSH, PULL_THROUGH_CACHE, REPLICATION; at
//! least one), a description of at most 256 characters, a custom role ARN
//! (an IAM role), and which template applies to a new repository's name.

/// The scenarios a template is applied for, as the API names them.
pub const APPLIED_FOR: [&str; 3] = ["CREATE_ON_PUSH", "PULL_THROUGH_CACHE", "REPLICATION"];

pub const ROOT: &str = "ROOT";

pub fn prefix(p: &str) -> Result<(), String> {
    if p == ROOT {
        return Ok(());
    }
    if p.is_empty() || p.len() > 256 {
        return Err("A prefix has 1 to 256 characters (or is ROOT, for every repository no other template covers).".into());
    }
    let body = p.strip_suffix('/').unwrap_or(p);
    let ok = !body.is_empty()
        && body.split('/').all(|part| {
            let b = part.as_bytes();
            let word = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
            let sep = |c: u8| matches!(c, b'.' | b'_' | b'-');
            !b.is_empty()
                && word(b[0])
                && word(b[b.len() - 1])
                && b.windows(2).all(|w| !(sep(w[0]) && sep(w[1])))
                && b.iter().all(|&c| word(c) || sep(c))
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{p}' is not a repository name prefix: lowercase letters and digits, single '.', '_' or '-' between them, parts separated by '/' (or ROOT)."
        ))
    }
}

pub fn applied_for(list: &[String]) -> Result<(), String> {
    if list.is_empty() {
        return Err("Apply the template for at least one of: created on push, pull-through cache, replication.".into());
    }
    match list.iter().find(|a| !APPLIED_FOR.contains(&a.as_str())) {
        Some(a) => Err(format!("'{a}' is not one of {}.", APPLIED_FOR.join(", "))),
        None => Ok(()),
    }
}

pub fn description(d: &str) -> Result<(), String> {
    if d.chars().count() > 256 {
        Err("A description has at most 256 characters.".into())
    } else {
        Ok(())
    }
}

/// An IAM role ARN (the role ECR assumes to apply the template's tags and
/// KMS key).
pub fn custom_role_arn(arn: &str) -> Result<(), String> {
    let ok = crate::partition::parse_arn(arn).is_some_and(|a| {
        a.service == "iam"
            && a.region.is_empty()
            && a.account.len() == 12
            && a.account.bytes().all(|b| b.is_ascii_digit())
            && a.resource
                .strip_prefix("role/")
                .is_some_and(|n| !n.is_empty())
    });
    if ok && arn.len() <= 2048 {
        Ok(())
    } else {
        Err(format!(
            "'{arn}' is not an IAM role ARN (arn:aws:iam::111122223333:role/NAME)."
        ))
    }
}

/// Whether a template's prefix covers `repository` (not ROOT: ROOT is the
/// fallback).
pub fn covers(prefix: &str, repository: &str) -> bool {
    let p = prefix.strip_suffix('/').unwrap_or(prefix);
    prefix != ROOT
        && repository.len() > p.len()
        && repository.starts_with(p)
        && repository.as_bytes()[p.len()] == b'/'
}

/// Which of `templates` (prefix, applied for) a repository named
/// `repository` made for `scenario` takes: the longest prefix that covers
/// it, else ROOT; only templates applied for that scenario. ECR's guide
/// says ROOT serves "repositories that don't have an associated creation
/// template"; the longest match among nested prefixes is this app's
/// reading (the guide gives no example of two covering prefixes).
pub fn applies<'a>(
    templates: impl IntoIterator<Item = (&'a str, &'a [String])>,
    repository: &str,
    scenario: &str,
) -> Option<&'a str> {
    let mut best: Option<&str> = None;
    let mut root = None;
    for (prefix, applied) in templates {
        if !applied.iter().any(|a| a == scenario) {
            continue;
        }
        if prefix == ROOT {
            root = Some(prefix);
        } else if covers(prefix, repository) && best.is_none_or(|b| prefix.len() > b.len()) {
            best = Some(prefix);
        }
    }
    best.or(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_as_the_api_reference_writes_them() {
        for ok in ["ROOT", "prod", "prod/team-a", "docker-hub/", "a1.b_c"] {
            assert!(prefix(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Prod", "prod//x", "-prod", "prod-", "a b"] {
            assert!(prefix(bad).is_err(), "{bad}");
        }
        assert!(applied_for(&[]).is_err());
        assert!(applied_for(&["REPLICATION".into()]).is_ok());
        assert!(applied_for(&["ON_PUSH".into()]).is_err());
        assert!(custom_role_arn("arn:aws:iam::123456789012:role/ecr-templates").is_ok());
        assert!(custom_role_arn("arn:aws:iam::123456789012:user/x").is_err());
    }

    #[test]
    fn the_longest_covering_prefix_applies_else_root() {
        let on = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let push = on(&["CREATE_ON_PUSH"]);
        let ptc = on(&["PULL_THROUGH_CACHE"]);
        let all = on(&APPLIED_FOR);
        let ts = [
            ("ROOT", all.as_slice()),
            ("prod", push.as_slice()),
            ("prod/team", push.as_slice()),
            ("docker-hub", ptc.as_slice()),
        ];
        assert_eq!(
            applies(ts, "prod/team/api", "CREATE_ON_PUSH"),
            Some("prod/team")
        );
        assert_eq!(applies(ts, "prod/web", "CREATE_ON_PUSH"), Some("prod"));
        assert_eq!(
            applies(ts, "production/web", "CREATE_ON_PUSH"),
            Some("ROOT"),
            "prefix + '/'"
        );
        assert_eq!(applies(ts, "prod/web", "REPLICATION"), Some("ROOT"));
        assert_eq!(
            applies(ts, "docker-hub/library/nginx", "PULL_THROUGH_CACHE"),
            Some("docker-hub")
        );
        assert_eq!(applies(ts[1..].iter().copied(), "web", "REPLICATION"), None);
        assert!(!covers("prod", "prod"), "the prefix alone is not under it");
    }
}
