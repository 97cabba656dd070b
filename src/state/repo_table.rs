//! Which repository rows to show, in which order: a pure function of the
//! list, the search text, the filter chips and the sort column.

use crate::model::{EncryptionType, Repository, TagMutability};
use crate::settings::{RepoColumn, RepoSort};

/// Search text and filter chips. Chips of one kind (mutable/immutable) are
/// alternatives; different kinds must all hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepoFilter {
    pub text: String,
    pub mutable: bool,
    pub immutable: bool,
    pub kms: bool,
    pub scan_on_push: bool,
}

impl RepoFilter {
    /// `key=value` (or `key=` for any value) in the search text filters by
    /// resource tag instead of by name.
    pub fn tag_query(&self) -> Option<(String, Option<String>)> {
        let (k, v) = self.text.trim().split_once('=')?;
        let k = k.trim();
        (!k.is_empty()).then(|| {
            let v = v.trim();
            (k.to_owned(), (!v.is_empty()).then(|| v.to_owned()))
        })
    }

    pub fn matches(&self, r: &Repository) -> bool {
        let needle = self.text.trim().to_ascii_lowercase();
        if !needle.is_empty() && self.tag_query().is_none() && !r.name.contains(&needle) {
            return false;
        }
        let immutable = matches!(
            r.tag_mutability.mode,
            TagMutability::Immutable | TagMutability::ImmutableWithExclusion
        );
        if (self.mutable || self.immutable)
            && !((self.mutable && !immutable) || (self.immutable && immutable))
        {
            return false;
        }
        if self.kms && r.encryption.kind == EncryptionType::Aes256 {
            return false;
        }
        if self.scan_on_push && !r.scan_on_push {
            return false;
        }
        true
    }

    pub fn is_active(&self) -> bool {
        !self.text.trim().is_empty()
            || self.mutable
            || self.immutable
            || self.kms
            || self.scan_on_push
    }
}

/// Indices into `repos` of the rows to show, in order.
/// `image_count` gives the count of repositories whose images are loaded.
/// Whether a repository's tags hold `key` (with `value`, when given).
pub fn tags_match(query: &(String, Option<String>), tags: &[(String, String)]) -> bool {
    tags.iter()
        .any(|(k, v)| *k == query.0 && query.1.as_ref().is_none_or(|want| v == want))
}

pub fn repo_rows(
    repos: &[Repository],
    filter: &RepoFilter,
    sort: RepoSort,
    image_count: impl Fn(&str) -> Option<usize>,
) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..repos.len())
        .filter(|&i| filter.matches(&repos[i]))
        .collect();
    rows.sort_by(|&a, &b| {
        let (ra, rb) = (&repos[a], &repos[b]);
        let ord = match sort.column {
            RepoColumn::Name => ra.name.cmp(&rb.name),
            RepoColumn::Created => ra.created_at.cmp(&rb.created_at),
            RepoColumn::Mutability => {
                (ra.tag_mutability.mode as u8).cmp(&(rb.tag_mutability.mode as u8))
            }
            RepoColumn::Encryption => ra.encryption.label().cmp(&rb.encryption.label()),
            RepoColumn::ScanOnPush => ra.scan_on_push.cmp(&rb.scan_on_push),
            RepoColumn::Images => image_count(&ra.name).cmp(&image_count(&rb.name)),
        }
        .then_with(|| ra.name.cmp(&rb.name));
        if sort.ascending { ord } else { ord.reverse() }
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Encryption, TagMutabilitySetting};

    fn repo(name: &str, mode: TagMutability, kms: bool, created: i64) -> Repository {
        Repository {
            name: name.into(),
            arn: String::new(),
            registry_id: String::new(),
            uri: String::new(),
            created_at: Some(created),
            tag_mutability: TagMutabilitySetting {
                mode,
                exclusion_filters: vec![],
            },
            encryption: Encryption {
                kind: if kms {
                    EncryptionType::Kms
                } else {
                    EncryptionType::Aes256
                },
                kms_key: None,
            },
            scan_on_push: kms,
        }
    }

    #[test]
    fn key_value_in_the_search_filters_by_resource_tag() {
        let f = RepoFilter {
            text: " team = payments ".into(),
            ..RepoFilter::default()
        };
        let q = f.tag_query().expect("a tag query");
        assert_eq!(q, ("team".to_owned(), Some("payments".to_owned())));
        let tags = [("team".to_owned(), "payments".to_owned())];
        assert!(tags_match(&q, &tags));
        assert!(!tags_match(&("team".into(), Some("web".into())), &tags));
        assert!(
            tags_match(&("team".into(), None), &tags),
            "key= matches any value"
        );
        assert!(
            f.matches(&repo("anything", TagMutability::Mutable, false, 0)),
            "names are not filtered"
        );
        let plain = RepoFilter {
            text: "pay".into(),
            ..RepoFilter::default()
        };
        assert!(plain.tag_query().is_none());
    }

    fn names(repos: &[Repository], rows: &[usize]) -> Vec<String> {
        rows.iter().map(|&i| repos[i].name.clone()).collect()
    }

    #[test]
    fn search_chips_and_sort() {
        let repos = vec![
            repo("team/api", TagMutability::Immutable, true, 3),
            repo("team/web", TagMutability::Mutable, false, 1),
            repo("other/api", TagMutability::ImmutableWithExclusion, false, 2),
        ];
        let f = RepoFilter {
            text: "API".into(),
            ..Default::default()
        };
        assert_eq!(
            names(
                &repos,
                &repo_rows(&repos, &f, RepoSort::default(), |_| None)
            ),
            ["other/api", "team/api"]
        );
        let f = RepoFilter {
            immutable: true,
            ..Default::default()
        };
        assert_eq!(
            repo_rows(&repos, &f, RepoSort::default(), |_| None).len(),
            2
        );
        let f = RepoFilter {
            kms: true,
            ..Default::default()
        };
        assert_eq!(
            names(
                &repos,
                &repo_rows(&repos, &f, RepoSort::default(), |_| None)
            ),
            ["team/api"]
        );
        let by_created = RepoSort::default().clicked(RepoColumn::Created);
        assert_eq!(
            names(
                &repos,
                &repo_rows(&repos, &RepoFilter::default(), by_created, |_| None)
            ),
            ["team/web", "other/api", "team/api"]
        );
        let desc = by_created.clicked(RepoColumn::Created);
        assert!(!desc.ascending);
        assert_eq!(
            names(
                &repos,
                &repo_rows(&repos, &RepoFilter::default(), desc, |_| None)
            )[0],
            "team/api"
        );
        // Image counts: known only for opened repositories; unknown sort first.
        let by_images = RepoSort::default().clicked(RepoColumn::Images);
        let counts = |n: &str| match n {
            "team/web" => Some(9),
            "team/api" => Some(2),
            _ => None,
        };
        assert_eq!(
            names(
                &repos,
                &repo_rows(&repos, &RepoFilter::default(), by_images, counts)
            ),
            ["other/api", "team/api", "team/web"]
        );
    }
}
