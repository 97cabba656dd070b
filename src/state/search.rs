//! Global search: one query across every registry and repository in scope.
//! What is already loaded answers first; for the rest an exact tag or digest
//! is asked with DescribeImages by id (ImageNotFound means absent), a digest
//! prefix by listing the repository. Never BatchGetImage (a pull). Results
//! stream in as answers arrive; a new search or Cancel drops the old one's
//! answers.

use std::collections::HashSet;

use crate::message::Command;
use crate::model::{Digest, EcrError, Image, ImageId, RegistryKey, RepoRef};

use super::{AppState, FollowUp};

/// What the query is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// An exact tag (repository names containing it match too).
    Tag(String),
    /// A whole digest.
    Digest(Digest),
    /// The start of a digest's hex (at least 6 digits).
    DigestPrefix(String),
    /// Part of a repository name (it has a `/`, or is no tag).
    Name(String),
}

/// Reads a query: `sha256:…` or 12+ hex digits is a digest (prefix), a
/// string with `/` or that is no valid tag is a repository name fragment,
/// anything else a tag.
pub fn classify(query: &str) -> Option<SearchKind> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    let (hex, prefixed) = match q.strip_prefix("sha256:") {
        Some(h) => (h, true),
        None => (q, false),
    };
    let is_hex = !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    if is_hex && hex.len() == 64 {
        return Digest::parse(&format!("sha256:{}", hex.to_ascii_lowercase()))
            .map(SearchKind::Digest);
    }
    if is_hex && hex.len() <= 64 && (prefixed && hex.len() >= 6 || hex.len() >= 12) {
        return Some(SearchKind::DigestPrefix(hex.to_ascii_lowercase()));
    }
    if q.contains('/') || crate::validate::image_tag(q).is_err() {
        return Some(SearchKind::Name(q.to_ascii_lowercase()));
    }
    Some(SearchKind::Tag(q.to_owned()))
}

/// One thing found.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub registry: RegistryKey,
    pub repository: String,
    /// `None`: the repository's name matched.
    pub image: Option<Image>,
}

/// A search and its progress.
#[derive(Clone, Debug)]
pub struct SearchState {
    /// Commands and answers carry it; a newer search has a higher one.
    pub id: u64,
    pub query: String,
    pub kind: SearchKind,
    pub scope: Vec<RegistryKey>,
    /// Only repositories whose name contains this (lowercase; empty: all).
    pub repo_filter: String,
    /// Repositories asked and not answered yet.
    pub waiting: HashSet<(RegistryKey, String)>,
    /// `key=value` in the repository filter: repositories whose resource
    /// tags are being read before they are searched (or left out).
    pub tag_query: Option<(String, Option<String>)>,
    pub waiting_tags: HashSet<(RegistryKey, String)>,
    /// Registries in scope whose repository list was not loaded when the
    /// search started: searched once it arrives.
    pub waiting_registries: HashSet<RegistryKey>,
    pub total: usize,
    pub done: usize,
    pub hits: Vec<SearchHit>,
    /// Repositories that could not be searched, and why.
    pub errors: Vec<(RegistryKey, String, String)>,
    pub cancelled: bool,
}

impl SearchState {
    pub fn is_running(&self) -> bool {
        !self.cancelled
            && (!self.waiting.is_empty()
                || !self.waiting_registries.is_empty()
                || !self.waiting_tags.is_empty())
    }
}

fn image_matches(kind: &SearchKind, img: &Image) -> bool {
    match kind {
        SearchKind::Tag(t) => img.tags.iter().any(|x| x == t),
        SearchKind::Digest(d) => img.digest == *d,
        SearchKind::DigestPrefix(p) => img.digest.hex().starts_with(p.as_str()),
        SearchKind::Name(_) => false,
    }
}

fn name_matches(kind: &SearchKind, name: &str) -> bool {
    match kind {
        SearchKind::Name(n) => name.to_ascii_lowercase().contains(n.as_str()),
        SearchKind::Tag(t) => name.to_ascii_lowercase().contains(&t.to_ascii_lowercase()),
        _ => false,
    }
}

impl AppState {
    /// Starts a search (dropping any running one) over `scope`.
    pub fn start_search(
        &mut self,
        query: &str,
        scope: Vec<RegistryKey>,
        repo_filter: &str,
    ) -> Vec<FollowUp> {
        let Some(kind) = classify(query) else {
            self.search = None;
            return Vec::new();
        };
        self.search_seq += 1;
        self.search = Some(SearchState {
            id: self.search_seq,
            query: query.trim().to_owned(),
            kind,
            scope: scope.clone(),
            repo_filter: repo_filter.trim().to_ascii_lowercase(),
            waiting: HashSet::new(),
            tag_query: super::RepoFilter {
                text: repo_filter.to_owned(),
                ..super::RepoFilter::default()
            }
            .tag_query(),
            waiting_tags: HashSet::new(),
            waiting_registries: HashSet::new(),
            total: 0,
            done: 0,
            hits: Vec::new(),
            errors: Vec::new(),
            cancelled: false,
        });
        let mut out = Vec::new();
        for key in scope {
            out.extend(self.search_registry(&key));
        }
        out
    }

    /// Stops the running search: answers still on their way are dropped.
    pub fn cancel_search(&mut self) {
        if let Some(s) = &mut self.search {
            s.cancelled = true;
            s.waiting.clear();
            s.waiting_registries.clear();
            s.waiting_tags.clear();
        }
    }

    /// Whether commands of search `id` are still wanted (queued ones of an
    /// old or cancelled search are not sent).
    pub fn search_is_live(&self, id: u64) -> bool {
        self.search
            .as_ref()
            .is_some_and(|s| s.id == id && !s.cancelled)
    }

    /// Searches one registry's repositories: loaded images answer at once,
    /// the rest are asked.
    pub(super) fn search_registry(&mut self, key: &RegistryKey) -> Vec<FollowUp> {
        let Some(search) = self.search.as_ref().filter(|s| !s.cancelled) else {
            return Vec::new();
        };
        let (id, kind, filter) = (search.id, search.kind.clone(), search.repo_filter.clone());
        let Some(reg) = self.registry(key) else {
            return Vec::new();
        };
        let Some(repos) = reg.repositories.shown() else {
            // Listed when it arrives (asked now if nobody has).
            let ask = !reg.repositories.is_loading();
            let spec = reg.spec.clone();
            if let Some(s) = &mut self.search {
                s.waiting_registries.insert(key.clone());
            }
            return if ask {
                vec![FollowUp::Request(Command::LoadRepositories(spec))]
            } else {
                Vec::new()
            };
        };
        let spec = reg.spec.clone();
        let tag_query = self.search.as_ref().and_then(|s| s.tag_query.clone());
        let mut names = Vec::new();
        let mut unknown_tags = Vec::new();
        for r in repos {
            match &tag_query {
                Some(q) => match reg
                    .resource_tags
                    .get(&r.name)
                    .and_then(super::Requested::shown)
                {
                    Some(tags) if super::tags_match(q, tags) => names.push(r.name.clone()),
                    Some(_) => {}
                    None => unknown_tags.push((
                        r.name.clone(),
                        r.arn.clone(),
                        reg.resource_tags.contains_key(&r.name),
                    )),
                },
                None if filter.is_empty() || r.name.to_ascii_lowercase().contains(&filter) => {
                    names.push(r.name.clone());
                }
                None => {}
            }
        }
        let mut out = self.search_repos(key, &spec, id, &kind, &names);
        let search = self.search.as_mut().expect("checked above");
        search.waiting_registries.remove(key);
        for (n, _, _) in &unknown_tags {
            search.waiting_tags.insert((key.clone(), n.clone()));
        }
        // Tags already being read are not asked twice.
        let ask: Vec<(String, String)> = unknown_tags
            .into_iter()
            .filter(|(_, _, asked)| !asked)
            .map(|(n, arn, _)| (n, arn))
            .collect();
        if !ask.is_empty() {
            out.push(FollowUp::Request(Command::LoadRepoTags {
                registry: spec,
                repos: ask,
            }));
        }
        out
    }

    /// Searches these repositories of one registry: loaded images answer at
    /// once, the rest are asked.
    fn search_repos(
        &mut self,
        key: &RegistryKey,
        spec: &crate::model::RegistrySpec,
        id: u64,
        kind: &SearchKind,
        names: &[String],
    ) -> Vec<FollowUp> {
        let Some(reg) = self.registry(key) else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        let mut asks = Vec::new();
        let mut answered = 0;
        for name in names {
            if name_matches(kind, name) {
                hits.push(SearchHit {
                    registry: key.clone(),
                    repository: name.clone(),
                    image: None,
                });
            }
            if matches!(kind, SearchKind::Name(_)) {
                continue;
            }
            match reg.images.get(name).and_then(|ri| ri.list.shown()) {
                Some(list) => {
                    answered += 1;
                    hits.extend(list.iter().filter(|i| image_matches(kind, i)).map(|i| {
                        SearchHit {
                            registry: key.clone(),
                            repository: name.clone(),
                            image: Some(i.clone()),
                        }
                    }));
                }
                None => asks.push(name.clone()),
            }
        }
        let Some(search) = self.search.as_mut() else {
            return Vec::new();
        };
        search.hits.extend(hits);
        search.total += answered + asks.len();
        search.done += answered;
        let mut out = Vec::new();
        for name in asks {
            search.waiting.insert((key.clone(), name.clone()));
            let repo = RepoRef::new(spec, &name);
            let cmd = match kind {
                SearchKind::Tag(t) => Command::FindImages {
                    repo,
                    ids: vec![ImageId::Tag(t.clone())],
                    search: id,
                },
                SearchKind::Digest(d) => Command::FindImages {
                    repo,
                    ids: vec![ImageId::Digest(*d)],
                    search: id,
                },
                // A prefix needs the list (kept for browsing afterwards).
                SearchKind::DigestPrefix(_) | SearchKind::Name(_) => Command::LoadImages(repo),
            };
            out.push(FollowUp::Request(cmd));
        }
        out
    }

    /// A repository's resource tags arrived: a search filtering by tag
    /// searches it now if they match.
    pub(super) fn search_tags_read(
        &mut self,
        key: Option<&RegistryKey>,
        repository: &str,
    ) -> Vec<FollowUp> {
        let Some(key) = key else {
            return Vec::new();
        };
        let Some(s) = self.search.as_mut().filter(|s| !s.cancelled) else {
            return Vec::new();
        };
        if !s.waiting_tags.remove(&(key.clone(), repository.to_owned())) {
            return Vec::new();
        }
        let (id, kind, q) = (s.id, s.kind.clone(), s.tag_query.clone());
        let Some(reg) = self.registry(key) else {
            return Vec::new();
        };
        let matched = match (
            &q,
            reg.resource_tags
                .get(repository)
                .and_then(super::Requested::shown),
        ) {
            (Some(q), Some(tags)) => super::tags_match(q, tags),
            _ => false,
        };
        if !matched {
            return Vec::new();
        }
        let spec = reg.spec.clone();
        self.search_repos(key, &spec, id, &kind, &[repository.to_owned()])
    }

    /// A registry's repositories arrived: a search waiting on them goes on.
    pub(super) fn search_after_listing(&mut self, key: Option<&RegistryKey>) -> Vec<FollowUp> {
        match key {
            Some(k)
                if self
                    .search
                    .as_ref()
                    .is_some_and(|s| s.waiting_registries.contains(k)) =>
            {
                self.search_registry(k)
            }
            _ => Vec::new(),
        }
    }

    /// An answer to a FindImages of search `id`.
    pub(super) fn search_found(
        &mut self,
        id: u64,
        key: Option<&RegistryKey>,
        repository: &str,
        result: Result<Vec<Image>, EcrError>,
    ) {
        let Some(key) = key else { return };
        let Some(s) = self.search.as_mut().filter(|s| s.id == id && !s.cancelled) else {
            return;
        };
        if !s.waiting.remove(&(key.clone(), repository.to_owned())) {
            return;
        }
        s.done += 1;
        match result {
            Ok(images) => {
                let kind = s.kind.clone();
                s.hits.extend(
                    images
                        .into_iter()
                        .filter(|i| image_matches(&kind, i))
                        .map(|i| SearchHit {
                            registry: key.clone(),
                            repository: repository.to_owned(),
                            image: Some(i),
                        }),
                );
            }
            Err(e) => s
                .errors
                .push((key.clone(), repository.to_owned(), e.to_string())),
        }
    }

    /// A repository's listing ended: a prefix search waiting on it looks.
    pub(super) fn search_listed(&mut self, key: Option<&RegistryKey>, repository: &str) {
        let Some(key) = key else { return };
        let waited = self.search.as_ref().is_some_and(|s| {
            !s.cancelled && s.waiting.contains(&(key.clone(), repository.to_owned()))
        });
        if !waited {
            return;
        }
        let list = self
            .registry(key)
            .and_then(|r| r.images.get(repository))
            .map(|ri| {
                (
                    ri.list.shown().cloned(),
                    ri.list.error().map(ToString::to_string),
                )
            });
        let result = match list {
            Some((Some(l), _)) => Ok(l.to_vec()),
            Some((None, Some(e))) => Err(EcrError::Other {
                operation: "DescribeImages".into(),
                detail: e,
            }),
            _ => Ok(Vec::new()),
        };
        let id = self.search.as_ref().map_or(0, |s| s.id);
        self.search_found(id, Some(key), repository, result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_read_as_tags_digests_prefixes_or_names() {
        assert_eq!(classify("v2.3.1"), Some(SearchKind::Tag("v2.3.1".into())));
        assert_eq!(classify("  "), None);
        let full = format!("sha256:{}", "ab".repeat(32));
        assert!(matches!(classify(&full), Some(SearchKind::Digest(_))));
        assert_eq!(
            classify("sha256:4f7a9c"),
            Some(SearchKind::DigestPrefix("4f7a9c".into()))
        );
        assert_eq!(
            classify("4F7A9C0D1E2F"),
            Some(SearchKind::DigestPrefix("4f7a9c0d1e2f".into()))
        );
        assert_eq!(
            classify("abc123"),
            Some(SearchKind::Tag("abc123".into())),
            "short hex is a tag"
        );
        assert_eq!(
            classify("team/pay"),
            Some(SearchKind::Name("team/pay".into()))
        );
        assert_eq!(classify("a b"), Some(SearchKind::Name("a b".into())));
    }
}
