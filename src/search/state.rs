//! Global search: one query across every registry and repository in scope.
//! What is already loaded answers first; for the rest an exact tag or digest
//! is asked with DescribeImages by id (absent ids are told apart from
//! failures, see `ecr::find_images`), a digest prefix by listing the
//! repository. Never BatchGetImage (a pull). Results stream in as answers
//! arrive; a new search or Cancel drops the old one's answers.
//!
//! What a search guarantees (each tried by a test, `tests/faults.rs` and the
//! property test below):
//! - **It ends.** Every registry and repository in scope ends as searched or
//!   as "could not be searched" with its reason; nothing waits on an answer
//!   that will not come.
//! - **Each repository is asked at most once per search, and each registry
//!   listed at most once.** A failure is counted once and never asked again
//!   by the search: a registry whose listing failed before the search is
//!   reported, not listed again (F5 on it is the user's retry), and a
//!   registry whose credentials fail mid-search stops being asked.
//! - **It is complete when it says so.** A registry still listing is
//!   waited for, not searched on the pages that have arrived.

use crate::message::{BrowseCommand, SearchCommand, SearchPayload};
use std::collections::HashSet;

use crate::message::Command;
use crate::model::{Digest, EcrError, Image, ImageId, RegistryKey, RepoRef};

use crate::state::{AppState, FollowUp};

/// What the query is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchKind {
    /// An exact tag (repository names containing it match too).
    Tag(String),
    /// A whole digest.
    Digest(Digest),
    /// The start of a digest's hex (at least 6 digits after `sha256:`).
    DigestPrefix(String),
    /// Hex digits alone (7 or more): a git commit id used as a tag as often
    /// as the start of a digest. Searched as both; each hit says which.
    TagOrDigestPrefix(String),
    /// Part of a repository name (it has a `/`, or is no tag).
    Name(String),
}

/// What made a hit a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HitMatch {
    Name,
    Tag,
    Digest,
}

impl HitMatch {
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Tag => "tag",
            Self::Digest => "digest",
        }
    }
}

/// The shortest commit id git prints.
const MIN_COMMIT_HEX: usize = 7;

/// Reads a query: `sha256:…` is a digest (prefix); hex digits alone (7+)
/// are a tag *or* a digest prefix (CI tags images with commit ids); a
/// string with `/` or that is no valid tag is a repository name fragment;
/// anything else a tag.
pub fn classify(query: &str) -> Option<SearchKind> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    let is_hex = |h: &str| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit());
    if let Some(hex) = q.strip_prefix("sha256:").filter(|h| is_hex(h)) {
        if hex.len() == 64 {
            return Digest::parse(&format!("sha256:{}", hex.to_ascii_lowercase()))
                .map(SearchKind::Digest);
        }
        if (6..64).contains(&hex.len()) {
            return Some(SearchKind::DigestPrefix(hex.to_ascii_lowercase()));
        }
    }
    if is_hex(q) && (MIN_COMMIT_HEX..=64).contains(&q.len()) {
        return Some(SearchKind::TagOrDigestPrefix(q.to_owned()));
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
    pub matched: HitMatch,
}

/// A registry or repository the search could not look into, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchFailure {
    pub registry: RegistryKey,
    /// `None`: the whole registry (its listing or its credentials failed).
    pub repository: Option<String>,
    pub reason: String,
}

/// A search and its progress.
#[derive(Clone, Debug, Default)]
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
    /// Repositories this search has taken on (asked or answered from what
    /// was loaded): never asked twice.
    pub seen: HashSet<(RegistryKey, String)>,
    /// `key=value` in the repository filter: repositories whose resource
    /// tags are being read before they are searched (or left out).
    pub tag_query: Option<(String, Option<String>)>,
    pub waiting_tags: HashSet<(RegistryKey, String)>,
    /// Registries in scope whose repository list was not there (or still
    /// arriving) when the search started: searched once it is whole.
    pub waiting_registries: HashSet<RegistryKey>,
    /// Registries whose listing this search asked for (at most once each).
    pub listed: HashSet<RegistryKey>,
    /// Registries that failed as a whole: their other asks are dropped.
    pub failed_registries: HashSet<RegistryKey>,
    pub total: usize,
    pub done: usize,
    pub hits: Vec<SearchHit>,
    /// What could not be searched, and why (each failure once).
    pub errors: Vec<SearchFailure>,
    pub cancelled: bool,
}

impl Default for SearchKind {
    fn default() -> Self {
        Self::Name(String::new())
    }
}

impl SearchState {
    pub fn is_running(&self) -> bool {
        !self.cancelled
            && (!self.waiting.is_empty()
                || !self.waiting_registries.is_empty()
                || !self.waiting_tags.is_empty())
    }

    /// Whether an ask for this registry is still wanted.
    pub fn wants(&self, registry: &RegistryKey) -> bool {
        !self.cancelled && !self.failed_registries.contains(registry)
    }

    fn fail_registry(&mut self, key: &RegistryKey, reason: String) {
        if !self.failed_registries.insert(key.clone()) {
            return;
        }
        self.waiting_registries.remove(key);
        let before = self.waiting.len();
        self.waiting.retain(|(k, _)| k != key);
        self.done += before - self.waiting.len();
        self.waiting_tags.retain(|(k, _)| k != key);
        self.errors.push(SearchFailure {
            registry: key.clone(),
            repository: None,
            reason,
        });
    }

    fn fail_repository(&mut self, key: &RegistryKey, repository: &str, reason: String) {
        self.errors.push(SearchFailure {
            registry: key.clone(),
            repository: Some(repository.to_owned()),
            reason,
        });
    }
}

/// Whether `img` matches, and how.
pub fn image_match(kind: &SearchKind, img: &Image) -> Option<HitMatch> {
    match kind {
        SearchKind::Tag(t) => img.tags.iter().any(|x| x == t).then_some(HitMatch::Tag),
        SearchKind::Digest(d) => (img.digest == *d).then_some(HitMatch::Digest),
        SearchKind::DigestPrefix(p) => img
            .digest
            .hex()
            .starts_with(p.as_str())
            .then_some(HitMatch::Digest),
        SearchKind::TagOrDigestPrefix(q) => {
            if img.tags.iter().any(|x| x == q) {
                Some(HitMatch::Tag)
            } else {
                img.digest
                    .hex()
                    .starts_with(&q.to_ascii_lowercase())
                    .then_some(HitMatch::Digest)
            }
        }
        SearchKind::Name(_) => None,
    }
}

pub fn name_matches(kind: &SearchKind, name: &str) -> bool {
    match kind {
        SearchKind::Name(n) => name.to_ascii_lowercase().contains(n.as_str()),
        SearchKind::Tag(t) => name.to_ascii_lowercase().contains(&t.to_ascii_lowercase()),
        _ => false,
    }
}

fn hits_in(
    kind: &SearchKind,
    key: &RegistryKey,
    repository: &str,
    images: impl IntoIterator<Item = Image>,
) -> impl Iterator<Item = SearchHit> {
    images.into_iter().filter_map(move |i| {
        image_match(kind, &i).map(|matched| SearchHit {
            registry: key.clone(),
            repository: repository.to_owned(),
            image: Some(i),
            matched,
        })
    })
}

fn taken_total(answered: usize, asks: &[String], waits: &[String]) -> usize {
    answered + asks.len() + waits.len()
}

/// A failure that says nothing more can be asked of the registry.
fn fails_the_registry(e: &EcrError) -> bool {
    e.is_credentials() || matches!(e, EcrError::Network { .. })
}

impl AppState {
    /// A search request was sent: nothing waits in a slot (the search
    /// counts its own asks).
    pub(crate) fn search_started(&mut self, cmd: &SearchCommand) {
        match cmd {
            SearchCommand::Find { .. } => {}
        }
    }

    /// What one repository holds of a search's query.
    pub(crate) fn apply_search(
        &mut self,
        key: Option<&RegistryKey>,
        payload: SearchPayload,
    ) -> Vec<FollowUp> {
        match payload {
            SearchPayload::Found {
                repo: RepoRef {
                    name: repository, ..
                },
                search,
                result,
            } => self.search_found(search, key, &repository, result),
        }
        Vec::new()
    }

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
            tag_query: crate::state::RepoFilter {
                text: repo_filter.to_owned(),
                ..crate::state::RepoFilter::default()
            }
            .tag_query(),
            ..SearchState::default()
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

    /// Whether a queued ask of search `id` in `registry` is still wanted
    /// (not when the registry failed as a whole meanwhile).
    pub fn search_wants(&self, id: u64, registry: &RegistryKey) -> bool {
        self.search
            .as_ref()
            .is_some_and(|s| s.id == id && s.wants(registry))
    }

    /// Searches one registry's repositories: loaded images answer at once,
    /// the rest are asked. A registry still listing is waited for; one whose
    /// listing failed is reported (never listed again by the search).
    pub(crate) fn search_registry(&mut self, key: &RegistryKey) -> Vec<FollowUp> {
        let Some(search) = self.search.as_ref().filter(|s| s.wants(key)) else {
            return Vec::new();
        };
        let (id, kind, filter) = (search.id, search.kind.clone(), search.repo_filter.clone());
        let listed_before = search.listed.contains(key);
        let Some(reg) = self.registry(key) else {
            return Vec::new();
        };
        // Pages still arriving: searching them now would say "complete"
        // over half a list.
        if reg.repositories.is_loading() {
            if let Some(s) = &mut self.search {
                s.waiting_registries.insert(key.clone());
            }
            return Vec::new();
        }
        let Some(repos) = reg.repositories.shown() else {
            let spec = reg.spec.clone();
            let error = reg.repositories.error().map(ToString::to_string);
            let s = self.search.as_mut().expect("checked above");
            return match error {
                // Failed before (or on the one listing this search asked
                // for): counted once, not asked again.
                Some(e) => {
                    s.fail_registry(key, format!("its repositories could not be listed: {e}"));
                    Vec::new()
                }
                None if listed_before => {
                    s.fail_registry(key, "its repositories could not be listed".into());
                    Vec::new()
                }
                None => {
                    s.listed.insert(key.clone());
                    s.waiting_registries.insert(key.clone());
                    vec![FollowUp::Request(Command::Browse(
                        BrowseCommand::Repositories(spec),
                    ))]
                }
            };
        };
        let spec = reg.spec.clone();
        let tag_query = self.search.as_ref().and_then(|s| s.tag_query.clone());
        let mut names = Vec::new();
        let mut unknown_tags = Vec::new();
        let mut tag_failures = Vec::new();
        for r in repos {
            match &tag_query {
                Some(q) => match reg.resource_tags.get(&r.name) {
                    Some(t) if t.is_loading() => unknown_tags.push((r.name.clone(), None)),
                    Some(t) => match (t.shown(), t.error()) {
                        (Some(tags), _) if crate::state::tags_match(q, tags) => {
                            names.push(r.name.clone())
                        }
                        (Some(_), _) => {}
                        (None, Some(e)) => tag_failures.push((r.name.clone(), e.to_string())),
                        (None, None) => {
                            unknown_tags.push((r.name.clone(), Some(r.arn.clone())));
                        }
                    },
                    None => unknown_tags.push((r.name.clone(), Some(r.arn.clone()))),
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
        for (n, e) in tag_failures {
            search.fail_repository(key, &n, format!("its resource tags could not be read: {e}"));
        }
        let mut ask = Vec::new();
        for (n, arn) in unknown_tags {
            if !search.waiting_tags.insert((key.clone(), n.clone())) {
                continue;
            }
            // Tags already being read are waited for, not asked twice.
            if let Some(arn) = arn {
                ask.push((n, arn));
            }
        }
        if !ask.is_empty() {
            out.push(FollowUp::Request(Command::Browse(
                BrowseCommand::RepoTags {
                    registry: spec,
                    repos: ask,
                },
            )));
        }
        out
    }

    /// Searches these repositories of one registry: loaded images answer at
    /// once, the rest are asked (each at most once per search).
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
        let Some(seen) = self.search.as_ref().map(|s| &s.seen) else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        let mut asks = Vec::new();
        // Lists being read now: their end answers (see `search_listed`).
        let mut waits = Vec::new();
        let mut taken = Vec::new();
        for name in names {
            if seen.contains(&(key.clone(), name.clone())) {
                continue;
            }
            taken.push(name.clone());
            if name_matches(kind, name) {
                hits.push(SearchHit {
                    registry: key.clone(),
                    repository: name.clone(),
                    image: None,
                    matched: HitMatch::Name,
                });
            }
            if matches!(kind, SearchKind::Name(_)) {
                continue;
            }
            let list = reg.images.get(name).map(|ri| &ri.list);
            match list {
                Some(l) if l.is_loading() => waits.push(name.clone()),
                Some(l) if l.error().is_none() && l.shown().is_some() => {
                    let images = l.shown().map(|v| v.to_vec()).unwrap_or_default();
                    hits.extend(hits_in(kind, key, name, images));
                }
                _ => asks.push(name.clone()),
            }
        }
        let Some(search) = self.search.as_mut() else {
            return Vec::new();
        };
        let answered = taken.len() - asks.len() - waits.len();
        for n in taken {
            search.seen.insert((key.clone(), n));
        }
        search.hits.extend(hits);
        search.total += taken_total(answered, &asks, &waits);
        search.done += answered;
        for name in waits {
            search.waiting.insert((key.clone(), name));
        }
        let mut out = Vec::new();
        for name in asks {
            search.waiting.insert((key.clone(), name.clone()));
            let repo = RepoRef::new(spec, &name);
            let cmd = match kind {
                SearchKind::Tag(t) => Command::Search(SearchCommand::Find {
                    repo,
                    ids: vec![ImageId::Tag(t.clone())],
                    search: id,
                }),
                SearchKind::Digest(d) => Command::Search(SearchCommand::Find {
                    repo,
                    ids: vec![ImageId::Digest(*d)],
                    search: id,
                }),
                // A prefix needs the list (kept for browsing afterwards);
                // the list answers the tag half of a hex query too.
                SearchKind::DigestPrefix(_)
                | SearchKind::TagOrDigestPrefix(_)
                | SearchKind::Name(_) => Command::Browse(BrowseCommand::Images(repo)),
            };
            out.push(FollowUp::Request(cmd));
        }
        out
    }

    /// A repository's resource tags arrived (or failed): a search filtering
    /// by tag searches it now if they match, or reports it.
    pub(crate) fn search_tags_read(
        &mut self,
        key: Option<&RegistryKey>,
        repository: &str,
    ) -> Vec<FollowUp> {
        let Some(key) = key else {
            return Vec::new();
        };
        let Some(s) = self.search.as_ref().filter(|s| s.wants(key)) else {
            return Vec::new();
        };
        let wanted = (key.clone(), repository.to_owned());
        if !s.waiting_tags.contains(&wanted) {
            return Vec::new();
        }
        let (id, kind, q) = (s.id, s.kind.clone(), s.tag_query.clone());
        let Some(reg) = self.registry(key) else {
            return Vec::new();
        };
        let slot = reg.resource_tags.get(repository);
        // An answer to an older ask, while a newer one is on its way.
        if slot.is_some_and(crate::state::Requested::is_loading) {
            return Vec::new();
        }
        let tags = slot.and_then(crate::state::Requested::shown);
        let error = slot.and_then(|t| t.error()).map(ToString::to_string);
        let matched =
            matches!((&q, tags), (Some(q), Some(tags)) if crate::state::tags_match(q, tags));
        let read = tags.is_some();
        let spec = reg.spec.clone();
        let s = self.search.as_mut().expect("checked above");
        s.waiting_tags.remove(&wanted);
        if !read {
            s.fail_repository(
                key,
                repository,
                format!(
                    "its resource tags could not be read: {}",
                    error.as_deref().unwrap_or("no answer")
                ),
            );
        }
        if !matched {
            return Vec::new();
        }
        self.search_repos(key, &spec, id, &kind, &[repository.to_owned()])
    }

    /// A registry's listing ended (or failed): a search waiting on it goes
    /// on, or reports it.
    pub(crate) fn search_after_listing(&mut self, key: Option<&RegistryKey>) -> Vec<FollowUp> {
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
    pub(crate) fn search_found(
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
                s.hits.extend(hits_in(&kind, key, repository, images));
            }
            // The credentials or the endpoint: every other ask there would
            // fail the same way. Counted once, for the registry.
            Err(e) if fails_the_registry(&e) => s.fail_registry(key, e.to_string()),
            Err(e) => s.fail_repository(key, repository, e.to_string()),
        }
    }

    /// A repository's listing ended: a prefix search waiting on it looks.
    pub(crate) fn search_listed(&mut self, key: Option<&RegistryKey>, repository: &str) {
        let Some(key) = key else { return };
        let waited = self.search.as_ref().is_some_and(|s| {
            !s.cancelled && s.waiting.contains(&(key.clone(), repository.to_owned()))
        });
        if !waited {
            return;
        }
        let Some(ri) = self.registry(key).and_then(|r| r.images.get(repository)) else {
            return;
        };
        // An older listing ended while a newer one runs: wait for that.
        if ri.list.is_loading() {
            return;
        }
        let result = match (ri.list.shown(), ri.list.error()) {
            (_, Some(e)) => Err(e.clone()),
            (Some(l), None) => Ok(l.to_vec()),
            (None, None) => Ok(Vec::new()),
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
            Some(SearchKind::TagOrDigestPrefix("4F7A9C0D1E2F".into())),
            "hex alone may be a commit id tag"
        );
        let commit = "3f9c2b1e8d7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e";
        assert_eq!(
            classify(commit),
            Some(SearchKind::TagOrDigestPrefix(commit.into()))
        );
        assert_eq!(
            classify("3f9c2b1"),
            Some(SearchKind::TagOrDigestPrefix("3f9c2b1".into())),
            "git's short id"
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
