//! The registry's replication configuration as ECR's API reference writes
//! it (API_ReplicationConfiguration: 0..10 rules; API_ReplicationRule:
//! destinations 0..100, repositoryFilters 1..100 when given;
//! API_ReplicationDestination: region `[0-9a-z-]{2,25}`, registryId 12
//! digits; API_RepositoryFilter: filterType PREFIX_MATCH, filter 2..256
//! characters of `^(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*$`),
//! and which repositories a rule matches (a filter is a name prefix; no
//! filter: every repository).

/// One rule: where to, and for which repositories.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Rule {
    /// (region, registry id)
    pub destinations: Vec<(String, String)>,
    /// Repository name prefixes; empty: every repository.
    pub filters: Vec<String>,
}

impl Rule {
    pub fn matches(&self, repository: &str) -> bool {
        self.filters.is_empty()
            || self
                .filters
                .iter()
                .any(|f| repository.starts_with(f.as_str()))
    }
}

/// A destination as typed: `region` (this account) or `region:account`.
pub fn parse_destination(text: &str, own_account: &str) -> (String, String) {
    match text.trim().split_once(':') {
        Some((r, a)) => (r.trim().to_owned(), a.trim().to_owned()),
        None => (text.trim().to_owned(), own_account.to_owned()),
    }
}

pub fn destination(region: &str, account: &str) -> Result<(), String> {
    let region_ok = (2..=25).contains(&region.len())
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !region_ok {
        return Err(format!("'{region}' is not a region (like eu-west-1)."));
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{account}' is not an account id: 12 digits."));
    }
    Ok(())
}

pub fn filter(f: &str) -> Result<(), String> {
    if !(2..=256).contains(&f.len()) {
        return Err(format!(
            "'{f}': a repository filter has 2 to 256 characters."
        ));
    }
    let parts: Vec<&str> = f.split('/').collect();
    let word = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let sep = |c: u8| matches!(c, b'.' | b'_' | b'-');
    for (i, part) in parts.iter().enumerate() {
        let b = part.as_bytes();
        let last = i + 1 == parts.len();
        // Every part but the last is a whole name part (starts with a
        // letter or digit); the last may be a partial one.
        let starts_ok = if last {
            b.first().is_none_or(|&c| word(c) || sep(c))
        } else {
            b.first().is_some_and(|&c| word(c))
        };
        if !starts_ok || !b.iter().all(|&c| word(c) || sep(c)) {
            return Err(format!(
                "'{f}' is not a repository name prefix: lowercase letters, digits, '.', '_', '-' and '/'."
            ));
        }
    }
    Ok(())
}

/// Every problem, by rule (`None`: fine); `Err` for the whole
/// configuration. `source`: this registry (region, account): a rule may
/// not replicate to it.
pub fn check(rules: &[Rule], source: (&str, &str)) -> Result<Vec<Option<String>>, String> {
    if rules.len() > 10 {
        return Err("A replication configuration has at most 10 rules.".into());
    }
    Ok(rules
        .iter()
        .map(|r| {
            if r.destinations.is_empty() {
                return Some("Name at least one destination region.".into());
            }
            if r.destinations.len() > 100 {
                return Some("At most 100 destinations per rule.".into());
            }
            if r.filters.len() > 100 {
                return Some("At most 100 repository filters per rule.".into());
            }
            for (region, account) in &r.destinations {
                if let Err(e) = destination(region, account) {
                    return Some(e);
                }
                if region == source.0 && account == source.1 {
                    return Some(format!(
                        "{region}:{account} is this registry: a rule replicates to another region or account."
                    ));
                }
            }
            r.filters.iter().find_map(|f| filter(f).err())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(dest: &[(&str, &str)], filters: &[&str]) -> Rule {
        Rule {
            destinations: dest
                .iter()
                .map(|(r, a)| ((*r).to_owned(), (*a).to_owned()))
                .collect(),
            filters: filters.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    #[test]
    fn rules_are_checked_as_the_api_reference_writes_them() {
        let src = ("us-east-1", "123456789012");
        let ok = rule(
            &[("eu-west-1", "123456789012"), ("us-east-1", "111122223333")],
            &["prod/", "web"],
        );
        assert_eq!(check(&[ok], src), Ok(vec![None]));
        let same = rule(&[("us-east-1", "123456789012")], &[]);
        assert!(
            check(&[same], src).expect("doc")[0]
                .as_deref()
                .is_some_and(|m| m.contains("is this registry"))
        );
        let bad_region = rule(&[("EU West", "123456789012")], &[]);
        assert!(check(&[bad_region], src).expect("doc")[0].is_some());
        let bad_filter = rule(&[("eu-west-1", "123456789012")], &["Prod"]);
        assert!(check(&[bad_filter], src).expect("doc")[0].is_some());
        assert!(filter("a").is_err(), "2 characters at least");
        assert!(filter("team/a-").is_ok());
        assert!(filter("team//a").is_err());
        let none = rule(&[], &[]);
        assert!(check(&[none], src).expect("doc")[0].is_some());
        assert!(check(&vec![Rule::default(); 11], src).is_err());
    }

    #[test]
    fn a_rule_matches_by_prefix_and_no_filter_matches_all() {
        let r = rule(&[("eu-west-1", "1")], &["platform", "web/"]);
        assert!(r.matches("platform-api") && r.matches("web/app") && !r.matches("api/web"));
        assert!(rule(&[("eu-west-1", "1")], &[]).matches("anything"));
        assert_eq!(
            parse_destination(" eu-west-1 : 111122223333", "123"),
            ("eu-west-1".to_owned(), "111122223333".to_owned())
        );
        assert_eq!(parse_destination("eu-west-1", "123").1, "123");
    }
}
