//! Changes' state transitions: one change per repository at a time, its
//! error kept beside its control until the next success; what the server
//! holds after a change replaces what was shown.

use crate::message::{
    BrowseCommand, Command, ImageChange, ManageCommand, ManagePayload, RequestId,
};
use crate::model::{EcrError, RegistryKey, RepoRef};
use crate::state::{AppState, FollowUp, Location, NoticeLevel, settle, wording};

impl AppState {
    /// A change was sent: mark what waits for it.
    pub(crate) fn manage_started(
        &mut self,
        id: RequestId,
        key: Option<&RegistryKey>,
        cmd: &ManageCommand,
    ) {
        match cmd {
            ManageCommand::ChangeRepository { repo, .. } => {
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    // A fresh start: an old error would read as this one's.
                    r.change_errors.remove(&repo.name);
                    r.change_ok.remove(&repo.name);
                    r.pending.insert(repo.name.clone(), id);
                }
            }
            ManageCommand::CreateRepository { .. } => {
                self.creating = Some(id);
                self.create_error = None;
            }
            ManageCommand::RepoPolicy(repo) | ManageCommand::DeleteRepoPolicy(repo) => {
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    r.docs
                        .repo_policy
                        .entry(repo.name.clone())
                        .or_default()
                        .start(id);
                }
            }
            // Answers replace rows in place: nothing waits for them.
            ManageCommand::ChangeImages { .. } | ManageCommand::DeleteRepository { .. } => {}
        }
    }

    /// A change's answer; returns what should follow.
    pub(crate) fn apply_manage(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: ManagePayload,
    ) -> Vec<FollowUp> {
        match payload {
            ManagePayload::RepositoryChanged {
                repo: RepoRef {
                    name: repository, ..
                },
                result,
                reread,
            } => self.repository_changed(request, key, &repository, result, reread),
            ManagePayload::RepositoryCreated(result) => {
                self.repository_created(request, key, result)
            }
            ManagePayload::ImagesChanged {
                repo: RepoRef {
                    name: repository, ..
                },
                change,
                result,
            } => self.images_changed(key, &repository, &change, result),
            ManagePayload::RepositoryDeleted {
                repo: RepoRef {
                    name: repository, ..
                },
                result,
            } => {
                self.repository_deleted(key, &repository, result);
                Vec::new()
            }
            ManagePayload::RepoPolicyDeleted { repo, result } => {
                match result {
                    Ok(()) => self.notify(
                        NoticeLevel::Success,
                        format!("Deleted the repository policy of {}.", repo.name),
                    ),
                    Err(e) => self.notify(
                        NoticeLevel::Error,
                        format!(
                            "The repository policy of {} was not deleted: {e}",
                            repo.name
                        ),
                    ),
                }
                Vec::new()
            }
            ManagePayload::RepoPolicy {
                repo: RepoRef {
                    name: repository, ..
                },
                result,
            } => {
                let gone = matches!(&result, Err(e) if e.is_repository_gone());
                if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
                    settle(
                        reg.docs.repo_policy.entry(repository.clone()).or_default(),
                        request,
                        result,
                    );
                }
                if gone {
                    return self.repository_vanished(key, &repository);
                }
                Vec::new()
            }
        }
    }

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
                self.notify(NoticeLevel::Error, format!("{repository}: {e}"));
                if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
                    reg.change_errors.insert(repository.to_owned(), e);
                }
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
}
