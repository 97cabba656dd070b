//! Worker events applied to the state. Answers to requests nobody waits for
//! any more (a newer refresh, a removed registry) are dropped here; each
//! event returns what should happen next.

use crate::message::{
    BrowseCommand, BrowsePayload, LifecyclePayload, LoginPayload, ManagePayload,
    PullThroughPayload, ScanningPayload, SearchPayload, TransferPayload,
};
use crate::message::{Command, Event, ImageChange, Payload, RequestId, ScanningConfigs};
use crate::model::{EcrError, RegistryKey, RepoRef, ScanReport, ScanSummary};

use super::{AppState, FollowUp, ImageKey, Location, NoticeLevel, Requested, wording};

/// Finishes or fails a slot with a result; whether it was the awaited answer.
pub(super) fn settle<T>(
    r: &mut Requested<T>,
    request: RequestId,
    result: Result<T, EcrError>,
) -> bool {
    match result {
        Ok(v) => r.finish(request, v),
        Err(e) => r.fail(request, e),
    }
}

impl AppState {
    fn repository_deleted(
        &mut self,
        key: Option<&RegistryKey>,
        repository: &str,
        result: Result<(), EcrError>,
    ) {
        match result {
            Ok(()) => {
                self.forget_repository(key, repository);
                self.notify(
                    NoticeLevel::Success,
                    format!("Deleted repository {repository}."),
                );
            }
            Err(e) => self.notify(
                NoticeLevel::Error,
                format!("Could not delete {repository}: {e}"),
            ),
        }
    }

    /// Applies one worker event; returns the follow-ups it calls for.
    pub fn apply(&mut self, ev: Event) -> Vec<FollowUp> {
        let Event {
            request,
            registry,
            payload,
        } = ev;
        let key = registry.as_ref();
        match payload {
            p @ (Payload::PullThrough(PullThroughPayload::Rules(_))
            | Payload::PullThrough(PullThroughPayload::Changed { .. })
            | Payload::PullThrough(PullThroughPayload::Validated { .. })
            | Payload::Login(LoginPayload::Token(_))
            | Payload::Lifecycle(LifecyclePayload::Policy { .. })
            | Payload::Lifecycle(LifecyclePayload::Changed { .. })
            | Payload::Lifecycle(LifecyclePayload::Preview { .. })
            | Payload::Manage(ManagePayload::RepoPolicy { .. })) => {
                self.apply_docs_event(request, key, p)
            }
            Payload::Browse(BrowsePayload::Discovered(d)) => self.discovered(request, d),
            Payload::Browse(BrowsePayload::RegistryInfo(result)) => {
                self.registry_info(request, key, result)
            }
            Payload::Browse(BrowsePayload::RepositoriesPage(page)) => {
                if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
                    reg.repositories.add_page(request, page);
                }
                Vec::new()
            }
            Payload::Browse(BrowsePayload::RepositoriesDone(result)) => {
                let mut out = self.repositories_done(request, key, result);
                out.extend(self.search_after_listing(key));
                out
            }
            Payload::Browse(BrowsePayload::RepoTags { repository, result }) => {
                self.repo_tags(request, key, repository.clone(), result);
                self.search_tags_read(key, &repository)
            }
            Payload::Search(SearchPayload::Found {
                repository,
                search,
                result,
            }) => {
                self.search_found(search, key, &repository, result);
                Vec::new()
            }
            Payload::Scanning(ScanningPayload::Configuration(result)) => {
                // Scanning is extra detail; its failure (e.g. an endpoint
                // without the call) must not mark the registry red.
                if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
                    settle(&mut reg.scanning, request, result);
                }
                Vec::new()
            }
            Payload::Scanning(ScanningPayload::ConfigurationSaved(result)) => {
                self.scanning_saved(request, key, result)
            }
            Payload::Browse(BrowsePayload::ImagesPage { repository, images }) => {
                if let Some(ri) = self.repo_images_mut(key, &repository)
                    && ri.list.add_page(request, images)
                {
                    ri.generation += 1;
                }
                Vec::new()
            }
            Payload::Browse(BrowsePayload::ImagesDone { repository, result }) => {
                let out = self.images_done(request, key, &repository, result);
                self.search_listed(key, &repository);
                out
            }
            Payload::Browse(BrowsePayload::ImagesRefreshed {
                repository,
                digests,
                result,
            }) => self.images_refreshed(key, &repository, &digests, result),
            Payload::Browse(BrowsePayload::Platforms { repository, result }) => {
                if let (Some(ri), Ok(list)) = (self.repo_images_mut(key, &repository), result) {
                    for p in list {
                        ri.set_platforms(p.index, p.children);
                    }
                }
                Vec::new()
            }
            Payload::Scanning(ScanningPayload::Summary {
                repository,
                digest,
                result,
            }) => {
                let gone = result
                    .as_ref()
                    .err()
                    .is_some_and(EcrError::is_repository_gone);
                if let Some(ri) = self.repo_images_mut(key, &repository)
                    && let Some(slot) = ri.scans.get_mut(&digest)
                    && settle(slot, request, result)
                {
                    ri.generation += 1;
                }
                if gone {
                    return self.repository_vanished(key, &repository);
                }
                Vec::new()
            }
            Payload::Browse(BrowsePayload::ImageDetail {
                repository,
                digest,
                result,
            }) => self.image_detail(request, key, &repository, digest, result),
            Payload::Manage(ManagePayload::RepositoryChanged {
                repository,
                result,
                reread,
            }) => self.repository_changed(request, key, &repository, result, reread),
            Payload::Manage(ManagePayload::RepositoryCreated(result)) => {
                self.repository_created(request, key, result)
            }
            p @ (Payload::Transfer(TransferPayload::Progress(_))
            | Payload::Transfer(TransferPayload::Copied(_))
            | Payload::Transfer(TransferPayload::ImageExported(_))
            | Payload::Transfer(TransferPayload::Reencrypted(_))
            | Payload::Transfer(TransferPayload::ReencryptCompared(_))
            | Payload::Transfer(TransferPayload::TargetChecked(_))) => {
                self.transfer_event(request, p)
            }
            p @ (Payload::Scanning(ScanningPayload::ExportProgress { .. })
            | Payload::Scanning(ScanningPayload::Exported(_))) => {
                self.export_event(request, p);
                Vec::new()
            }
            Payload::Scanning(ScanningPayload::Started {
                repository,
                digest,
                result,
            }) => self.scan_started(key, &repository, digest, result),
            Payload::Scanning(ScanningPayload::Findings {
                repository,
                digest,
                result,
            }) => self.findings(request, key, &repository, digest, result),
            Payload::Manage(ManagePayload::ImagesChanged {
                repository,
                change,
                result,
            }) => self.images_changed(key, &repository, &change, result),
            Payload::Manage(ManagePayload::RepositoryDeleted { repository, result }) => {
                self.repository_deleted(key, &repository, result);
                Vec::new()
            }
            Payload::Crashed(e) => {
                self.fail_request(request, key, &e);
                self.notify(NoticeLevel::Error, e.to_string());
                Vec::new()
            }
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

    /// An export's progress, and its end.
    fn export_event(&mut self, request: RequestId, p: Payload) {
        match p {
            Payload::Scanning(ScanningPayload::ExportProgress {
                done,
                total,
                findings,
            }) => {
                if let Some(p) = &mut self.export_progress
                    && p.request == request
                {
                    p.done = done;
                    p.total = total;
                    p.findings = findings;
                }
            }
            Payload::Scanning(ScanningPayload::Exported(result)) => {
                if self.export_progress.is_some_and(|p| p.request == request) {
                    self.export_progress = None;
                }
                match result {
                    Ok(x) => self.notify(
                        NoticeLevel::Success,
                        format!(
                            "Exported {} findings of {} image{} to {}.",
                            x.findings,
                            x.images,
                            if x.images == 1 { "" } else { "s" },
                            x.path.display()
                        ),
                    ),
                    Err(f) => self.notify(NoticeLevel::Error, wording::export_failed(&f)),
                }
            }
            _ => {}
        }
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

    fn scanning_saved(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        result: Result<ScanningConfigs, EcrError>,
    ) -> Vec<FollowUp> {
        let Some(reg) = key.and_then(|k| self.registry_mut(k)) else {
            return Vec::new();
        };
        let ok = result.is_ok();
        if settle(&mut reg.scanning, request, result) {
            let (level, text) = match (ok, reg.scanning.error()) {
                (true, _) => (
                    NoticeLevel::Success,
                    "Scanning configuration saved.".to_owned(),
                ),
                (false, Some(e)) => (NoticeLevel::Error, format!("Scanning configuration: {e}")),
                (false, None) => (
                    NoticeLevel::Error,
                    "Scanning configuration was not saved.".to_owned(),
                ),
            };
            self.notify(level, text);
        }
        Vec::new()
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
            let image = super::ImageKey::new(key, repository, *d);
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

    /// A repository the server says no longer exists: out of the list, and
    /// back to the registry if it was open (whatever its tab), said once.
    pub(super) fn repository_vanished(
        &mut self,
        key: Option<&RegistryKey>,
        repository: &str,
    ) -> Vec<FollowUp> {
        let was_listed = key
            .and_then(|k| self.registry(k))
            .and_then(|r| r.repository(repository))
            .is_some();
        let open = self.location.registry.as_ref() == key
            && self.location.repository.as_deref() == Some(repository);
        self.forget_repository(key, repository);
        if was_listed || open {
            self.notify(NoticeLevel::Warning, wording::repository_gone(repository));
        }
        Vec::new()
    }

    /// Drops everything known of a repository (deleted here or elsewhere).
    fn forget_repository(&mut self, key: Option<&RegistryKey>, repository: &str) {
        if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
            reg.images.remove(repository);
            reg.pending.remove(repository);
            reg.docs.lifecycle.remove(repository);
            reg.docs.repo_policy.remove(repository);
            reg.docs.preview.remove(repository);
            if let Some(list) = reg.repositories.shown_mut() {
                list.retain(|r| r.name != repository);
            }
        }
        self.following
            .retain(|k, _| !(Some(&k.registry) == key && k.repository == repository));
        if self.location.registry.as_ref() == key
            && self.location.repository.as_deref() == Some(repository)
        {
            self.location.repository = None;
            self.location.image = None;
            self.findings_open = false;
        }
    }

    fn repository_changed(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        repository: &str,
        result: Result<(), EcrError>,
        reread: Option<Result<crate::model::Repository, EcrError>>,
    ) -> Vec<FollowUp> {
        let Some(reg) = key.and_then(|k| self.registry_mut(k)) else {
            return Vec::new();
        };
        if reg.pending.get(repository) != Some(&request) {
            return Vec::new();
        }
        reg.pending.remove(repository);
        // Whatever happened, show what the server holds now.
        match reread {
            Some(Ok(fresh)) => {
                if let Some(list) = reg.repositories.shown_mut()
                    && let Some(slot) = list.iter_mut().find(|r| r.name == repository)
                {
                    *slot = fresh;
                }
            }
            Some(Err(e)) if e.is_repository_gone() => {
                return self.repository_vanished(key, repository);
            }
            _ => {}
        }
        match result {
            Ok(()) => {
                reg.change_errors.remove(repository);
                reg.change_ok.insert(repository.to_owned());
                self.notify(NoticeLevel::Success, format!("{repository}: saved."));
            }
            Err(e) => {
                reg.change_errors
                    .insert(repository.to_owned(), e.to_string());
                self.notify(NoticeLevel::Error, format!("{repository}: {e}"));
            }
        }
        Vec::new()
    }

    fn repository_created(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        result: Result<crate::model::Repository, EcrError>,
    ) -> Vec<FollowUp> {
        let mine = self.creating == Some(request);
        if mine {
            self.creating = None;
        }
        match result {
            Ok(repo) => {
                let name = repo.name.clone();
                if let Some(list) = key
                    .and_then(|k| self.registry_mut(k))
                    .and_then(|r| r.repositories.shown_mut())
                {
                    list.retain(|r| r.name != name);
                    list.push(repo);
                    list.sort_by(|a, b| a.name.cmp(&b.name));
                }
                self.notify(NoticeLevel::Success, format!("Created repository {name}."));
                if !mine {
                    return Vec::new();
                }
                // The created repository appears selected.
                let mut out = vec![FollowUp::CloseModal];
                out.extend(self.visit(Location {
                    registry: key.cloned(),
                    repository: Some(name),
                    image: None,
                }));
                out
            }
            Err(e) => {
                let text = e.to_string();
                if mine {
                    self.create_error = Some(text.clone());
                }
                self.notify(
                    NoticeLevel::Error,
                    format!("Could not create the repository: {text}"),
                );
                Vec::new()
            }
        }
    }

    fn scan_started(
        &mut self,
        key: Option<&RegistryKey>,
        repository: &str,
        digest: crate::model::Digest,
        result: Result<Option<crate::model::ScanStatus>, EcrError>,
    ) -> Vec<FollowUp> {
        match result {
            Ok(status) => {
                let spec = key.and_then(|k| self.registry(k)).map(|r| r.spec.clone());
                if let Some(ri) = self.repo_images_mut(key, repository) {
                    // The row shows the scan running until a poll says otherwise.
                    let summary = ScanSummary {
                        status: status.or(Some(crate::model::ScanStatus::InProgress)),
                        ..ScanSummary::default()
                    };
                    ri.scans.insert(digest, Requested::Ready(summary));
                    ri.generation += 1;
                }
                self.notify(
                    NoticeLevel::Info,
                    format!("Scan started for {}.", digest.short()),
                );
                match spec {
                    Some(spec) => self.follow_scan(&RepoRef::new(&spec, repository), digest),
                    None => Vec::new(),
                }
            }
            Err(e) => {
                self.notify(
                    NoticeLevel::Error,
                    format!("{}: {}", digest.short(), wording::scan_refusal(&e)),
                );
                Vec::new()
            }
        }
    }

    fn findings(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        repository: &str,
        digest: crate::model::Digest,
        result: Result<ScanReport, EcrError>,
    ) -> Vec<FollowUp> {
        let gone = result
            .as_ref()
            .err()
            .is_some_and(EcrError::is_repository_gone);
        let follow = key.map(|k| ImageKey::new(k, repository, digest));
        let follow_ups = match &follow {
            Some(k) if self.following.contains_key(k) => self.scan_polled(k, result.as_ref()),
            _ => Vec::new(),
        };
        let stopped = follow
            .as_ref()
            .is_some_and(|k| !self.following.contains_key(k));
        if let Some(ri) = self.repo_images_mut(key, repository)
            && let Some(slot) = ri.findings.get_mut(&digest)
        {
            let changed = match result {
                Ok(report) => {
                    // The summary in the table follows the full report.
                    let summary = ScanSummary {
                        status: report.status.clone(),
                        counts: report.counts,
                        never_scanned: false,
                    };
                    ri.scans.insert(digest, Requested::Ready(summary));
                    slot.finish(request, report);
                    true
                }
                Err(e) if e.is_scan_not_found() => {
                    ri.scans.insert(
                        digest,
                        Requested::Ready(ScanSummary {
                            never_scanned: true,
                            ..ScanSummary::default()
                        }),
                    );
                    slot.finish(request, ScanReport::default());
                    true
                }
                Err(e) => {
                    let failed = slot.fail(request, e);
                    // A poll that gave up must not leave the row "Scanning":
                    // forget the summary, so the row asks for it again.
                    let running = ri
                        .scans
                        .get(&digest)
                        .and_then(Requested::shown)
                        .is_some_and(|s| s.status.as_ref().is_some_and(|s| s.is_running()));
                    if stopped && running {
                        ri.scans.remove(&digest);
                    }
                    failed || stopped
                }
            };
            if changed {
                ri.generation += 1;
            }
        }
        if gone {
            return self.repository_vanished(key, repository);
        }
        follow_ups
    }

    fn images_changed(
        &mut self,
        key: Option<&RegistryKey>,
        repository: &str,
        change: &ImageChange,
        result: Result<crate::model::BatchResult, EcrError>,
    ) -> Vec<FollowUp> {
        match &result {
            Ok(r) => {
                let (ok, text) = wording::images_changed(repository, change, r);
                // Part of the request not done is an error: it stays in the
                // status bar after the toast has gone.
                let level = if ok {
                    NoticeLevel::Success
                } else {
                    NoticeLevel::Error
                };
                self.notify(level, text);
            }
            Err(e) if e.is_repository_gone() => {
                return self.repository_vanished(key, repository);
            }
            Err(e) => self.notify(NoticeLevel::Error, format!("{repository}: {e}")),
        }
        // Show what the server holds now, also after a failure: the list,
        // and the open image's details (its tags may have changed).
        let Some(spec) = key.and_then(|k| self.registry(k)).map(|r| r.spec.clone()) else {
            return Vec::new();
        };
        let repo = RepoRef::new(&spec, repository);
        if let Some(ri) = self.repo_images_mut(key, repository) {
            ri.details.clear();
        }
        let mut out = vec![FollowUp::Request(Command::Browse(BrowseCommand::Images(
            repo.clone(),
        )))];
        // Restores started are followed until the images are ACTIVE.
        if let (ImageChange::Restore(ds), Ok(r)) = (change, &result) {
            for d in ds.iter().filter(|d| r.done.contains(&d.to_string())) {
                out.extend(self.follow_restore(&repo, *d));
            }
        }
        let open_here = self.location.registry.as_ref() == key
            && self.location.repository.as_deref() == Some(repository);
        if open_here {
            // A deleted open image closes; another open image reloads.
            if let (ImageChange::Delete(ds), Some(open)) = (change, self.location.image)
                && ds.contains(&open)
                && result.as_ref().is_ok_and(|r| r.failures.is_empty())
            {
                self.location.image = None;
                self.findings_open = false;
            }
            if let Some(digest) = self.location.image {
                out.push(FollowUp::Request(Command::Browse(
                    BrowseCommand::ImageDetail { repo, digest },
                )));
            }
        }
        out
    }

    /// Every slot still waiting for `request` ends with `e`.
    fn fail_request(&mut self, request: RequestId, key: Option<&RegistryKey>, e: &EcrError) {
        if self.discovery_request == Some(request) {
            self.discovery_request = None;
        }
        if self.export_progress.is_some_and(|p| p.request == request) {
            self.export_progress = None;
        }
        if self.creating == Some(request) {
            self.creating = None;
            self.create_error = Some(e.to_string());
        }
        let Some(reg) = key.and_then(|k| self.registry_mut(k)) else {
            return;
        };
        reg.info.fail(request, e.clone());
        reg.repositories.fail(request, e.clone());
        reg.scanning.fail(request, e.clone());
        reg.pending.retain(|_, id| *id != request);
        for ri in reg.images.values_mut() {
            let mut changed = ri.list.fail(request, e.clone());
            for s in ri.scans.values_mut() {
                changed |= s.fail(request, e.clone());
            }
            for d in ri.details.values_mut() {
                d.fail(request, e.clone());
            }
            for f in ri.findings.values_mut() {
                f.fail(request, e.clone());
            }
            if changed {
                ri.generation += 1;
            }
        }
        let docs = &mut reg.docs;
        docs.pull_through.fail(request, e.clone());
        docs.login.fail(request, e.clone());
        for l in docs.lifecycle.values_mut() {
            l.fail(request, e.clone());
        }
        for p in docs.preview.values_mut() {
            p.fail(request, e.clone());
        }
        for p in docs.repo_policy.values_mut() {
            p.fail(request, e.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::{Connection, RegistryState};
    use super::*;
    use crate::message::{ExportFailure, Exported, ScanningCommand};

    #[test]
    fn export_progress_shows_until_the_export_ends() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        let progress = |done| {
            Payload::Scanning(ScanningPayload::ExportProgress {
                done,
                total: 3,
                findings: done * 10,
            })
        };
        st.started(
            4,
            &Command::Scanning(ScanningCommand::Export(crate::message::ExportRequest {
                repo: RepoRef::new(&spec("a"), "r"),
                images: vec![],
                format: crate::model::ExportFormat::Csv,
                path: "/x".into(),
            })),
        );
        st.apply(ev(4, &key, progress(1)));
        st.apply(ev(4, &key, progress(2)));
        assert_eq!(
            st.export_progress.map(|p| (p.done, p.total, p.findings)),
            Some((2, 3, 20))
        );
        st.apply(ev(
            4,
            &key,
            Payload::Scanning(ScanningPayload::Exported(Err(ExportFailure::Write {
                path: "/x".into(),
                detail: "denied".into(),
            }))),
        ));
        assert_eq!(st.export_progress, None);
        assert!(st.last_error.as_deref().is_some_and(|e| e.contains("/x")));
        st.started(
            5,
            &Command::Scanning(ScanningCommand::Export(crate::message::ExportRequest {
                repo: RepoRef::new(&spec("a"), "r"),
                images: vec![],
                format: crate::model::ExportFormat::Csv,
                path: "/y".into(),
            })),
        );
        st.apply(ev(
            5,
            &key,
            Payload::Scanning(ScanningPayload::Exported(Ok(Exported {
                path: "/y".into(),
                findings: 3,
                images: 1,
            }))),
        ));
        assert!(
            st.notices
                .iter()
                .any(|n| n.text.contains("Exported 3 findings of 1 image to /y"))
        );
    }

    #[test]
    fn repositories_stream_then_finish_sorted() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        st.registry_mut(&key)
            .expect("registry")
            .repositories
            .start(1);
        st.apply(ev(
            1,
            &key,
            Payload::Browse(BrowsePayload::RepositoriesPage(vec![
                repo("zeta"),
                repo("alpha"),
            ])),
        ));
        assert_eq!(
            st.registry(&key)
                .and_then(|r| r.repositories.shown())
                .map(Vec::len),
            Some(2)
        );
        st.apply(ev(
            1,
            &key,
            Payload::Browse(BrowsePayload::RepositoriesDone(Ok(2))),
        ));
        let names: Vec<_> = st
            .registry(&key)
            .and_then(|r| r.repositories.shown())
            .expect("ready")
            .iter()
            .map(|r| r.name.clone())
            .collect();
        assert_eq!(names, ["alpha", "zeta"]);
        assert_eq!(
            st.registry(&key).map(RegistryState::connection),
            Some(Connection::Connected)
        );
    }

    #[test]
    fn failure_marks_registry_and_notifies() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a"), spec("b")]);
        let key = spec("a").key();
        st.registry_mut(&key)
            .expect("registry")
            .repositories
            .start(3);
        st.apply(ev(
            3,
            &key,
            Payload::Browse(BrowsePayload::RepositoriesDone(Err(
                EcrError::NoCredentials {
                    who: "profile 'a'".into(),
                },
            ))),
        ));
        assert_eq!(
            st.registry(&key).map(RegistryState::connection),
            Some(Connection::Error)
        );
        assert_eq!(
            st.registry(&spec("b").key()).map(RegistryState::connection),
            Some(Connection::Idle)
        );
        assert!(
            st.last_error
                .as_deref()
                .is_some_and(|e| e.contains("No credentials"))
        );
        assert_eq!(st.notices.len(), 1);
    }

    #[test]
    fn events_for_removed_registries_are_dropped() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        st.registry_mut(&key)
            .expect("registry")
            .repositories
            .start(1);
        st.set_registries(vec![spec("b")]);
        st.apply(ev(
            1,
            &key,
            Payload::Browse(BrowsePayload::RepositoriesDone(Err(EcrError::Throttled {
                operation: "X".into(),
            }))),
        ));
        assert!(st.notices.is_empty());
        assert_eq!(st.location.registry, Some(spec("b").key()));
    }

    #[test]
    fn deleted_selected_repository_returns_to_list() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        st.location.repository = Some("gone".into());
        st.registry_mut(&key)
            .expect("registry")
            .repositories
            .start(1);
        st.apply(ev(
            1,
            &key,
            Payload::Browse(BrowsePayload::RepositoriesPage(vec![repo("stays")])),
        ));
        st.apply(ev(
            1,
            &key,
            Payload::Browse(BrowsePayload::RepositoriesDone(Ok(1))),
        ));
        assert_eq!(st.location.repository, None);
        assert!(
            st.notices
                .iter()
                .any(|n| n.text.contains("'gone' no longer exists"))
        );
    }

    #[test]
    fn repository_deleted_while_open_returns_to_the_list() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        st.registry_mut(&key).expect("a").repositories =
            Requested::Ready(vec![repo("gone"), repo("stays")]);
        st.location.repository = Some("gone".into());
        st.repo_images_mut(Some(&key), "gone")
            .expect("images")
            .list
            .start(7);
        let nf = EcrError::NotFound {
            what: "The repository 'gone'".into(),
        };
        st.apply(ev(
            7,
            &key,
            Payload::Browse(BrowsePayload::ImagesDone {
                repository: "gone".into(),
                result: Err(nf),
            }),
        ));
        assert_eq!(st.location.repository, None, "back to the list");
        assert!(
            st.notices
                .iter()
                .any(|n| n.text.contains("'gone' no longer exists"))
        );
        let names: Vec<_> = st
            .registry(&key)
            .and_then(|r| r.repositories.shown())
            .expect("list")
            .iter()
            .map(|r| r.name.clone())
            .collect();
        assert_eq!(names, ["stays"]);
    }

    #[test]
    fn other_image_errors_keep_the_repository_open() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        st.location.repository = Some("r".into());
        st.repo_images_mut(Some(&key), "r")
            .expect("images")
            .list
            .start(1);
        st.apply(ev(
            1,
            &key,
            Payload::Browse(BrowsePayload::ImagesDone {
                repository: "r".into(),
                result: Err(EcrError::Throttled {
                    operation: "DescribeImages".into(),
                }),
            }),
        ));
        assert_eq!(st.location.repository.as_deref(), Some("r"));
        assert!(st.open_images().is_some_and(|ri| ri.list.error().is_some()));
    }

    #[test]
    fn a_failed_change_shows_the_server_value_and_the_error() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        st.registry_mut(&key).expect("a").repositories = Requested::Ready(vec![repo("r")]);
        st.registry_mut(&key)
            .expect("a")
            .pending
            .insert("r".into(), 4);
        let mut server = repo("r");
        server.scan_on_push = true;
        let denied = EcrError::AccessDenied {
            operation: "PutImageTagMutability".into(),
            who: "x".into(),
            detail: String::new(),
        };
        // A stale answer (another request id) changes nothing.
        st.apply(ev(
            3,
            &key,
            Payload::Manage(ManagePayload::RepositoryChanged {
                repository: "r".into(),
                result: Err(denied.clone()),
                reread: Some(Ok(server.clone())),
            }),
        ));
        assert!(st.registry(&key).expect("a").pending.contains_key("r"));
        st.apply(ev(
            4,
            &key,
            Payload::Manage(ManagePayload::RepositoryChanged {
                repository: "r".into(),
                result: Err(denied),
                reread: Some(Ok(server)),
            }),
        ));
        let reg = st.registry(&key).expect("a");
        assert!(reg.pending.is_empty());
        assert!(
            reg.change_errors
                .get("r")
                .is_some_and(|e| e.contains("Access denied"))
        );
        assert!(
            reg.repositories.shown().expect("list")[0].scan_on_push,
            "the row shows the re-read value"
        );
    }
}
