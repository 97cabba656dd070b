//! Browsing's state transitions: which slot waits for each request, and
//! what each answer changes (pages land as they arrive; a repository the
//! server says is gone leaves the list).

use crate::message::{BrowseCommand, BrowsePayload, RequestId};
use crate::model::RepoRef;
use crate::model::{EcrError, RegistryKey};
use crate::state::{AppState, FollowUp, Location, NoticeLevel, Requested, settle, wording};

impl AppState {
    /// A browsing request was sent: mark what waits for it.
    pub(crate) fn browse_started(
        &mut self,
        id: RequestId,
        key: Option<&RegistryKey>,
        cmd: &BrowseCommand,
    ) {
        match cmd {
            BrowseCommand::Discover => self.discovery_request = Some(id),
            BrowseCommand::RegistryInfo(_) => {
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    r.info.start(id);
                }
            }
            BrowseCommand::Repositories(_) => {
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    r.repositories.start(id);
                }
            }
            BrowseCommand::Images(repo) => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    ri.list.start(id);
                }
            }
            BrowseCommand::Platforms { repo, indexes } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    ri.platforms_asked.extend(indexes.iter().copied());
                }
            }
            BrowseCommand::ImageDetail { repo, digest } => {
                if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                    ri.details.entry(*digest).or_default().start(id);
                }
            }
            BrowseCommand::RepoTags { repos, .. } => {
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    for (name, _) in repos {
                        r.resource_tags.entry(name.clone()).or_default().start(id);
                    }
                }
            }
            // Answers replace rows in place: nothing waits for them.
            BrowseCommand::RefreshImages { .. } => {}
        }
    }

    /// A browsing answer; returns what should follow.
    pub(crate) fn apply_browse(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: BrowsePayload,
    ) -> Vec<FollowUp> {
        match payload {
            BrowsePayload::Discovered(d) => self.discovered(request, d),
            BrowsePayload::RegistryInfo(result) => self.registry_info(request, key, result),
            BrowsePayload::RepositoriesPage(page) => {
                if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
                    reg.repositories.add_page(request, page);
                }
                Vec::new()
            }
            BrowsePayload::RepositoriesDone(result) => {
                let mut out = self.repositories_done(request, key, result);
                out.extend(self.search_after_listing(key));
                out
            }
            BrowsePayload::RepoTags {
                repo: RepoRef {
                    name: repository, ..
                },
                result,
            } => {
                self.repo_tags(request, key, repository.clone(), result);
                self.search_tags_read(key, &repository)
            }
            BrowsePayload::ImagesPage {
                repo: RepoRef {
                    name: repository, ..
                },
                images,
            } => {
                if let Some(ri) = self.repo_images_mut(key, &repository)
                    && ri.list.add_page(request, images)
                {
                    ri.generation += 1;
                }
                Vec::new()
            }
            BrowsePayload::ImagesDone {
                repo: RepoRef {
                    name: repository, ..
                },
                result,
            } => {
                let out = self.images_done(request, key, &repository, result);
                self.search_listed(key, &repository);
                out
            }
            BrowsePayload::ImagesRefreshed {
                repo: RepoRef {
                    name: repository, ..
                },
                digests,
                result,
            } => self.images_refreshed(key, &repository, &digests, result),
            BrowsePayload::Platforms {
                repo: RepoRef {
                    name: repository, ..
                },
                result,
            } => {
                if let (Some(ri), Ok(list)) = (self.repo_images_mut(key, &repository), result) {
                    for p in list {
                        ri.set_platforms(p.index, p.children);
                    }
                }
                Vec::new()
            }
            BrowsePayload::ImageDetail {
                repo: RepoRef {
                    name: repository, ..
                },
                digest,
                result,
            } => self.image_detail(request, key, &repository, digest, result),
        }
    }

    fn discovered(&mut self, request: RequestId, d: crate::model::Discovery) -> Vec<FollowUp> {
        if self.discovery_request != Some(request) {
            return Vec::new();
        }
        for w in &d.warnings {
            self.notify(NoticeLevel::Warning, w.clone());
        }
        self.discovery = Some(d);
        self.discovery_request = None;
        let saved = self.saved_location();
        self.rebuild_registries(saved)
    }

    fn registry_info(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        result: Result<crate::model::RegistryInfo, EcrError>,
    ) -> Vec<FollowUp> {
        let Some(reg) = key.and_then(|k| self.registry_mut(k)) else {
            return Vec::new();
        };
        let was_cross = reg.is_cross_account();
        settle(&mut reg.info, request, result);
        // Now that the caller's own account is known, a registry added with
        // that same id is not cross-account after all: its scanning
        // configuration can be read.
        let key = reg.spec.key();
        if was_cross && !reg.is_cross_account() && matches!(reg.scanning, Requested::Idle) {
            return self.load_scanning(&key);
        }
        Vec::new()
    }

    /// The place saved at the last exit, once (the first registry list).
    fn saved_location(&self) -> Option<Location> {
        let registry = self.settings.selected_registry.clone()?;
        Some(Location {
            registry: Some(registry),
            repository: self.settings.selected_repository.clone(),
            image: None,
        })
    }

    fn repositories_done(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        result: Result<usize, EcrError>,
    ) -> Vec<FollowUp> {
        let Some(key) = key.cloned() else {
            return Vec::new();
        };
        let Some(reg) = self.registry_mut(&key) else {
            return Vec::new();
        };
        match result {
            Ok(_) => {
                if !reg.repositories.finish_partial(request) {
                    return Vec::new();
                }
                if let Some(list) = reg.repositories.shown_mut() {
                    list.sort_by(|a, b| a.name.cmp(&b.name));
                }
                // A repository deleted elsewhere while selected.
                let gone = self.location.registry.as_ref() == Some(&key)
                    && self.location.repository.as_ref().is_some_and(|sel| {
                        self.registry(&key)
                            .and_then(|r| r.repositories.shown())
                            .is_some_and(|l| !l.iter().any(|r| &r.name == sel))
                    });
                if gone {
                    let name = self.location.repository.take().unwrap_or_default();
                    self.location.image = None;
                    self.findings_open = false;
                    self.notify(NoticeLevel::Warning, wording::repository_gone(&name));
                }
                self.load_scanning(&key)
            }
            Err(e) => {
                let label = format!("{} ({})", reg.spec.profile_label(), reg.spec.region);
                if reg.repositories.fail(request, e.clone()) {
                    self.notify(NoticeLevel::Error, format!("{label}: {e}"));
                }
                Vec::new()
            }
        }
    }

    fn image_detail(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        repository: &str,
        digest: crate::model::Digest,
        result: Result<crate::model::ImageDetailDoc, EcrError>,
    ) -> Vec<FollowUp> {
        let gone = result
            .as_ref()
            .err()
            .is_some_and(EcrError::is_repository_gone);
        if let Some(ri) = self.repo_images_mut(key, repository)
            && let Some(slot) = ri.details.get_mut(&digest)
        {
            // An opened index's manifest lists its platforms: its
            // children nest under it with no second read.
            if let Ok(doc) = &result
                && let Ok(crate::model::manifest::Manifest::Index { manifests }) = &doc.manifest
            {
                let children = manifests
                    .iter()
                    .filter_map(|(d, p)| Some((d.digest?, p.clone().unwrap_or_default())))
                    .filter(|(d, _)| *d != digest)
                    .collect();
                if settle(slot, request, result) {
                    ri.set_platforms(digest, children);
                }
                return Vec::new();
            }
            settle(slot, request, result);
        }
        if gone {
            return self.repository_vanished(key, repository);
        }
        Vec::new()
    }

    fn repo_tags(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        repository: String,
        result: Result<Vec<(String, String)>, EcrError>,
    ) {
        if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
            let slot = r.resource_tags.entry(repository).or_default();
            // A re-read after a change answers with no waiting slot.
            if !settle(slot, request, result.clone()) {
                *slot = match result {
                    Ok(tags) => Requested::Ready(tags),
                    Err(error) => Requested::Failed {
                        error,
                        previous: None,
                    },
                };
            }
        }
    }

    fn images_done(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        repository: &str,
        result: Result<usize, EcrError>,
    ) -> Vec<FollowUp> {
        let Some(ri) = self.repo_images_mut(key, repository) else {
            return Vec::new();
        };
        match result {
            Ok(_) => {
                // No platforms are fetched here: BatchGetImage counts as a
                // pull in ECR (it moves lastRecordedPullTime, which pull-age
                // lifecycle rules read), so an index's platforms are read
                // only when the user expands or opens it.
                if ri.list.finish_partial(request) {
                    ri.generation += 1;
                }
                Vec::new()
            }
            Err(e) => {
                if !ri.list.fail(request, e.clone()) {
                    return Vec::new();
                }
                ri.generation += 1;
                if e.is_repository_gone() {
                    return self.repository_vanished(key, repository);
                }
                self.notify(NoticeLevel::Error, format!("{repository}: {e}"));
                Vec::new()
            }
        }
    }

    /// Rows re-read by digest replace the ones shown (one missing from the
    /// answer is gone), and followed restores learn how they are doing.
    fn images_refreshed(
        &mut self,
        key: Option<&RegistryKey>,
        repository: &str,
        digests: &[crate::model::Digest],
        result: Result<Vec<crate::model::Image>, EcrError>,
    ) -> Vec<FollowUp> {
        if result
            .as_ref()
            .err()
            .is_some_and(EcrError::is_repository_gone)
        {
            return self.repository_vanished(key, repository);
        }
        if let (Ok(found), Some(ri)) = (&result, self.repo_images_mut(key, repository))
            && ri.replace_rows(digests, found)
        {
            ri.generation += 1;
        }
        let Some(key) = key else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for d in digests {
            let image = crate::state::ImageKey::new(key, repository, *d);
            if !self.following.contains_key(&image) {
                continue;
            }
            let answer = match &result {
                Ok(found) => Ok(found.iter().find(|i| i.digest == *d)),
                Err(e) => Err(e),
            };
            out.extend(self.restore_polled(&image, answer));
        }
        out
    }
}
