//! Worker events applied to the state. Answers to requests nobody waits for
//! any more (a newer refresh, a removed registry) are dropped here; each
//! event returns what should happen next.

use crate::message::{Event, Payload, RequestId};
use crate::model::{EcrError, RegistryKey};

use super::{AppState, FollowUp, NoticeLevel, Requested, wording};

/// Finishes or fails a slot with a result; whether it was the awaited answer.
pub(crate) fn settle<T>(
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
    /// Applies one worker event; returns the follow-ups it calls for. Each
    /// feature applies its own answers.
    pub fn apply(&mut self, ev: Event) -> Vec<FollowUp> {
        let Event {
            request,
            registry,
            payload,
        } = ev;
        let key = registry.as_ref();
        match payload {
            Payload::Browse(p) => self.apply_browse(request, key, p),
            Payload::Manage(p) => self.apply_manage(request, key, p),
            Payload::Scanning(p) => self.apply_scanning(request, key, p),
            Payload::Transfer(p) => self.apply_transfer(request, p),
            Payload::Search(p) => self.apply_search(key, p),
            Payload::PullThrough(p) => self.apply_pull_through(request, key, p),
            Payload::Login(p) => self.apply_login(request, key, p),
            Payload::Lifecycle(p) => self.apply_lifecycle(request, key, p),
            Payload::SupplyChain(p) => self.apply_supply_chain(request, key, p),
            Payload::Admin(p) => self.apply_admin(request, key, p),
            Payload::Crashed(e) => {
                self.fail_request(request, key, &e);
                self.notify(NoticeLevel::Error, e.to_string());
                Vec::new()
            }
        }
    }

    /// A repository the server says no longer exists: out of the list, and
    /// back to the registry if it was open (whatever its tab), said once.
    pub(crate) fn repository_vanished(
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
    pub(crate) fn forget_repository(&mut self, key: Option<&RegistryKey>, repository: &str) {
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
        reg.signing.fail(request, e.clone());
        reg.admin.registry_policy.fail(request, e.clone());
        reg.admin.settings.fail(request, e.clone());
        reg.admin.exclusions.fail(request, e.clone());
        reg.admin.caller.fail(request, e.clone());
        reg.admin.templates.fail(request, e.clone());
        if reg.admin.replication_saving == Some(request) {
            reg.admin.replication_saving = None;
        }
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
            for r in ri.referrers.values_mut() {
                changed |= r.fail(request, e.clone());
            }
            for a in ri.artifact_docs.values_mut() {
                a.fail(request, e.clone());
            }
            for a in ri.signing.values_mut() {
                a.fail(request, e.clone());
            }
            for a in ri.replication.values_mut() {
                a.fail(request, e.clone());
            }
            if changed {
                ri.generation += 1;
            }
        }
        let docs = &mut reg.docs;
        docs.pull_through.fail(request, e.clone());
        docs.secrets.fail(request, e.clone());
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
    use crate::message::*;
    use crate::model::RepoRef;

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
                repo: crate::model::RepoRef::new(&spec("a"), "gone"),
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
                repo: crate::model::RepoRef::new(&spec("a"), "r"),
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
                repo: crate::model::RepoRef::new(&spec("a"), "r"),
                result: Err(denied.clone()),
                reread: Some(Ok(server.clone())),
            }),
        ));
        assert!(st.registry(&key).expect("a").pending.contains_key("r"));
        st.apply(ev(
            4,
            &key,
            Payload::Manage(ManagePayload::RepositoryChanged {
                repo: crate::model::RepoRef::new(&spec("a"), "r"),
                result: Err(denied),
                reread: Some(Ok(server)),
            }),
        ));
        let reg = st.registry(&key).expect("a");
        assert!(reg.pending.is_empty());
        assert!(
            reg.change_errors
                .get("r")
                .is_some_and(|e| e.to_string().contains("Access denied"))
        );
        assert!(
            reg.repositories.shown().expect("list")[0].scan_on_push,
            "the row shows the re-read value"
        );
    }
}
