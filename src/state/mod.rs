//! Application state and its transitions: plain data, no egui, no network.
//! [`AppState::apply`] takes worker events; the `select_*`/`*_requested`
//! functions record what the UI asked for.

pub mod auto_refresh;
mod findings;
mod images;
mod nav;
mod registry_level;
mod repo_table;
mod requested;
mod security;

pub use findings::{
    Change, Comparison, FindingColumn, FindingsFilter, finding_rows, severity_index,
};
pub use images::{
    ConfigDoc, ImageColumn, ImageDetailDoc, ImageFilter, ImageRow, ImageSort, RepoImages,
    ScanSummary, image_rows,
};
pub use nav::{History, Location};
pub use registry_level::{Login, RegistryDocs};
pub use repo_table::{RepoColumn, RepoFilter, RepoSort, repo_rows};
pub use requested::Requested;
pub use security::{
    Flagged, RegistrySecurity, RepoSecurity, registry_security, repo_security, summarised,
};

use std::collections::HashMap;

use crate::ecr::EcrError;
use crate::model::{
    RegistryInfo, RegistryKey, RegistryScanningConfig, RegistrySource, RegistrySpec,
    RepoScanConfig, Repository, ScanFrequency,
};
use crate::profiles::{self, Discovery};
use crate::worker::{Event, Payload, RequestId};

/// One registry in the sidebar and everything loaded for it.
#[derive(Debug)]
pub struct RegistryState {
    pub spec: RegistrySpec,
    pub info: Requested<RegistryInfo>,
    pub repositories: Requested<Vec<Repository>>,
    pub scanning: Requested<(RegistryScanningConfig, Vec<RepoScanConfig>)>,
    /// Images, by repository name (the ones opened so far).
    pub images: HashMap<String, RepoImages>,
    /// Settings changes sent and not answered yet, by repository.
    pub pending: HashMap<String, RequestId>,
    /// The last failed change per repository, shown next to its control.
    pub change_errors: HashMap<String, String>,
    /// Pull-through rules, login token, lifecycle and repository policies.
    pub docs: RegistryDocs,
}

/// The status dot in the sidebar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Idle,
    Loading,
    Connected,
    Error,
}

impl RegistryState {
    pub fn new(spec: RegistrySpec) -> Self {
        Self {
            spec,
            info: Requested::Idle,
            repositories: Requested::Idle,
            scanning: Requested::Idle,
            images: HashMap::new(),
            pending: HashMap::new(),
            change_errors: HashMap::new(),
            docs: RegistryDocs::default(),
        }
    }

    pub fn connection(&self) -> Connection {
        match (&self.repositories, &self.info) {
            (Requested::Failed { .. }, _) => Connection::Error,
            (Requested::Loading { .. }, _) => Connection::Loading,
            (Requested::Ready(_), _) => Connection::Connected,
            (Requested::Idle, _) => Connection::Idle,
        }
    }

    /// The error to show on hover, if the registry is in error.
    pub fn error(&self) -> Option<&EcrError> {
        self.repositories.error().or(self.info.error())
    }

    /// Effective scan frequency of a repository, if known.
    pub fn scan_frequency(&self, repo: &str) -> Option<ScanFrequency> {
        self.scanning
            .shown()
            .and_then(|(_, per)| per.iter().find(|p| p.repository == repo))
            .map(|p| p.frequency)
    }
}

/// A message for a toast and the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub level: NoticeLevel,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Success,
    Warning,
    Error,
}

/// Everything the UI draws.
#[derive(Debug, Default)]
pub struct AppState {
    pub registries: Vec<RegistryState>,
    pub selected: Option<RegistryKey>,
    pub selected_repository: Option<String>,
    pub discovery: Option<Discovery>,
    /// Request id of the pending discovery.
    pub discovery_request: Option<RequestId>,
    /// Shown once as toasts, then drained by the app.
    pub notices: Vec<Notice>,
    /// The most recent error, for the status bar.
    pub last_error: Option<String>,
    pub repo_filter: RepoFilter,
    pub repo_sort: RepoSort,
    /// The image whose details are open.
    pub selected_image: Option<crate::model::Digest>,
    pub image_filter: ImageFilter,
    pub image_sort: ImageSort,
    /// Auto-refresh interval in seconds, by registry key (absent = off).
    pub auto_refresh: std::collections::BTreeMap<String, u64>,
    /// The findings view of the selected image is open.
    pub findings_open: bool,
    pub findings_filter: FindingsFilter,
    /// The finding whose details are shown (index into the report, or into
    /// the comparison's list when comparing).
    pub selected_finding: Option<usize>,
    /// Findings of (this image) compared with (that one); ignored once
    /// another image is open.
    pub compare: Option<(crate::model::Digest, crate::model::Digest)>,
    /// Comparison rows hidden, in `Change::ALL` order.
    pub compare_hidden: [bool; 3],
    /// The registry view's tab (no repository open).
    pub registry_tab: RegistryTab,
    /// The repository view's tab.
    pub repo_tab: RepoTab,
    /// The registry whose tagged images' findings are being checked.
    pub sweeping: Option<RegistryKey>,
    /// A running export: images read, of how many, findings so far.
    pub export_progress: Option<(usize, usize, usize)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RegistryTab {
    #[default]
    Repositories,
    Overview,
    PullThrough,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RepoTab {
    #[default]
    Images,
    Lifecycle,
    Policy,
}

impl AppState {
    pub fn registry(&self, key: &RegistryKey) -> Option<&RegistryState> {
        self.registries.iter().find(|r| &r.spec.key() == key)
    }

    pub fn registry_mut(&mut self, key: &RegistryKey) -> Option<&mut RegistryState> {
        self.registries.iter_mut().find(|r| &r.spec.key() == key)
    }

    pub fn selected_registry(&self) -> Option<&RegistryState> {
        self.selected.as_ref().and_then(|k| self.registry(k))
    }

    pub fn selected_registry_mut(&mut self) -> Option<&mut RegistryState> {
        let k = self.selected.clone()?;
        self.registry_mut(&k)
    }

    /// Whether the demo registry is among those shown.
    pub fn has_demo(&self) -> bool {
        self.registries.iter().any(|r| r.spec.is_demo())
    }

    fn notify(&mut self, level: NoticeLevel, text: impl Into<String>) {
        let text = text.into();
        if level == NoticeLevel::Error {
            self.last_error = Some(text.clone());
        }
        self.notices.push(Notice { level, text });
    }

    /// Replaces the registry list, keeping loaded data of registries that
    /// stay, and keeping the selection when it still exists.
    pub fn set_registries(&mut self, specs: Vec<RegistrySpec>) {
        let mut old: HashMap<RegistryKey, RegistryState> = self
            .registries
            .drain(..)
            .map(|r| (r.spec.key(), r))
            .collect();
        self.registries = specs
            .into_iter()
            .map(|s| {
                old.remove(&s.key())
                    .unwrap_or_else(|| RegistryState::new(s))
            })
            .collect();
        let still_there = self
            .selected
            .as_ref()
            .is_some_and(|k| self.registry(k).is_some());
        if !still_there {
            self.selected = self.registries.first().map(|r| r.spec.key());
            self.selected_repository = None;
        }
    }

    /// Applies one worker event. Answers to requests nobody waits for any
    /// more (a newer refresh, a removed registry) are dropped here.
    pub fn apply(&mut self, ev: Event) {
        let Event {
            request,
            registry,
            payload,
        } = ev;
        match payload {
            p @ (Payload::PullThroughRules(_)
            | Payload::PullThroughChanged { .. }
            | Payload::PullThroughValidated { .. }
            | Payload::LoginToken(_)
            | Payload::Lifecycle { .. }
            | Payload::LifecycleChanged { .. }
            | Payload::LifecyclePreview { .. }
            | Payload::RepoPolicy { .. }) => {
                let notice = registry
                    .as_ref()
                    .and_then(|k| self.registry_mut(k))
                    .and_then(|reg| reg.apply_docs(request, p));
                if let Some(n) = notice {
                    self.notify(n.level, n.text);
                }
            }
            Payload::Discovered(d) => {
                if self.discovery_request == Some(request) {
                    for w in &d.warnings {
                        self.notify(NoticeLevel::Warning, w.clone());
                    }
                    self.discovery = Some(d);
                    self.discovery_request = None;
                }
            }
            Payload::RegistryInfo(result) => {
                let Some(reg) = registry.as_ref().and_then(|k| self.registry_mut(k)) else {
                    return;
                };
                match result {
                    Ok(info) => {
                        reg.info.finish(request, info);
                    }
                    Err(e) => {
                        reg.info.fail(request, e);
                    }
                }
            }
            Payload::RepositoriesPage(page) => {
                if let Some(reg) = registry.as_ref().and_then(|k| self.registry_mut(k)) {
                    reg.repositories.add_page(request, page);
                }
            }
            Payload::RepositoriesDone(result) => {
                let Some(key) = registry else { return };
                let Some(reg) = self.registry_mut(&key) else {
                    return;
                };
                match result {
                    Ok(_) => {
                        if reg.repositories.finish_partial(request) {
                            if let Some(list) = reg.repositories.shown_mut() {
                                list.sort_by(|a, b| a.name.cmp(&b.name));
                            }
                            // A repository deleted elsewhere while selected.
                            let gone = self.selected.as_ref() == Some(&key)
                                && self.selected_repository.as_ref().is_some_and(|sel| {
                                    self.registry(&key)
                                        .and_then(|r| r.repositories.shown())
                                        .is_some_and(|l| !l.iter().any(|r| &r.name == sel))
                                });
                            if gone {
                                let name = self.selected_repository.take().unwrap_or_default();
                                self.notify(NoticeLevel::Warning, format!("Repository '{name}' no longer exists; it may have been deleted."));
                            }
                        }
                    }
                    Err(e) => {
                        let label = format!("{} ({})", reg.spec.profile_label(), reg.spec.region);
                        if reg.repositories.fail(request, e.clone()) {
                            self.notify(NoticeLevel::Error, format!("{label}: {e}"));
                        }
                    }
                }
            }
            Payload::ImagesPage { repository, images } => {
                if let Some(ri) = self.repo_images_mut(registry.as_ref(), &repository)
                    && ri.list.add_page(request, images)
                {
                    ri.generation += 1;
                }
            }
            Payload::ImagesDone { repository, result } => {
                let Some(ri) = self.repo_images_mut(registry.as_ref(), &repository) else {
                    return;
                };
                match result {
                    Ok(_) => {
                        if ri.list.finish_partial(request) {
                            ri.generation += 1;
                        }
                    }
                    Err(e) => {
                        if !ri.list.fail(request, e.clone()) {
                            return;
                        }
                        ri.generation += 1;
                        let open = self.selected.as_ref() == registry.as_ref()
                            && self.selected_repository.as_deref() == Some(repository.as_str());
                        if matches!(e, EcrError::NotFound { .. }) && open {
                            // Deleted by someone else while open: back to the list.
                            self.selected_repository = None;
                            self.selected_image = None;
                            self.notify(NoticeLevel::Warning, format!("Repository '{repository}' no longer exists; it may have been deleted."));
                            if let Some(reg) = registry.as_ref().and_then(|k| self.registry_mut(k))
                            {
                                reg.images.remove(&repository);
                                if let Some(list) = reg.repositories.shown_mut() {
                                    list.retain(|r| r.name != repository);
                                }
                            }
                        } else {
                            self.notify(NoticeLevel::Error, format!("{repository}: {e}"));
                        }
                    }
                }
            }
            Payload::Platforms {
                repository,
                platforms,
            } => {
                if let Some(ri) = self.repo_images_mut(registry.as_ref(), &repository) {
                    for (index, children) in platforms {
                        ri.set_platforms(index, children);
                    }
                }
            }
            Payload::ScanSummary {
                repository,
                digest,
                result,
            } => {
                if let Some(ri) = self.repo_images_mut(registry.as_ref(), &repository)
                    && let Some(slot) = ri.scans.get_mut(&digest)
                {
                    let changed = match result {
                        Ok(v) => slot.finish(request, v),
                        Err(e) => slot.fail(request, e),
                    };
                    if changed {
                        ri.generation += 1;
                    }
                }
            }
            Payload::ImageDetail {
                repository,
                digest,
                result,
            } => {
                if let Some(ri) = self.repo_images_mut(registry.as_ref(), &repository)
                    && let Some(slot) = ri.details.get_mut(&digest)
                {
                    match result {
                        Ok(v) => slot.finish(request, v),
                        Err(e) => slot.fail(request, e),
                    };
                }
            }
            Payload::RepositoryChanged {
                repository,
                result,
                reread,
            } => {
                let Some(reg) = registry.as_ref().and_then(|k| self.registry_mut(k)) else {
                    return;
                };
                if reg.pending.get(&repository) != Some(&request) {
                    return;
                }
                reg.pending.remove(&repository);
                // Whatever happened, show what the server holds now.
                if let (Some(fresh), Some(list)) = (reread, reg.repositories.shown_mut())
                    && let Some(slot) = list.iter_mut().find(|r| r.name == repository)
                {
                    *slot = fresh;
                }
                match result {
                    Ok(()) => {
                        reg.change_errors.remove(&repository);
                        self.notify(NoticeLevel::Success, format!("{repository}: saved."));
                    }
                    Err(e) => {
                        reg.change_errors.insert(repository.clone(), e.to_string());
                        self.notify(NoticeLevel::Error, format!("{repository}: {e}"));
                    }
                }
            }
            Payload::ImagesChanged {
                repository,
                result,
                what,
            } => match result {
                Ok(r) if r.failures.is_empty() => {
                    self.notify(NoticeLevel::Success, format!("{repository}: {what}."))
                }
                Ok(r) => {
                    let first: Vec<String> = r
                        .failures
                        .iter()
                        .take(5)
                        .map(|(id, why)| format!("{id}: {why}"))
                        .collect();
                    self.notify(
                        NoticeLevel::Warning,
                        format!(
                            "{repository}: {} deleted, {} failed ({}).",
                            r.deleted.len(),
                            r.failures.len(),
                            first.join("; ")
                        ),
                    );
                }
                Err(e) => self.notify(NoticeLevel::Error, format!("{repository}: {e}")),
            },
            Payload::ScanningSaved(result) => {
                let Some(reg) = registry.as_ref().and_then(|k| self.registry_mut(k)) else {
                    return;
                };
                let ok = result.is_ok();
                let changed = match result {
                    Ok(v) => reg.scanning.finish(request, v),
                    Err(e) => reg.scanning.fail(request, e),
                };
                if changed {
                    let msg = match (ok, reg.scanning.error()) {
                        (true, _) => (
                            NoticeLevel::Success,
                            "Scanning configuration saved.".to_owned(),
                        ),
                        (false, Some(e)) => {
                            (NoticeLevel::Error, format!("Scanning configuration: {e}"))
                        }
                        (false, None) => (
                            NoticeLevel::Error,
                            "Scanning configuration was not saved.".to_owned(),
                        ),
                    };
                    self.notify(msg.0, msg.1);
                }
            }
            Payload::ScanStarted {
                repository,
                digest,
                result,
            } => match result {
                Ok(status) => {
                    if let Some(ri) = self.repo_images_mut(registry.as_ref(), &repository) {
                        // The row shows the scan running until the poll says otherwise.
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
                }
                Err(e) => self.notify(
                    NoticeLevel::Error,
                    format!("{}: {}", digest.short(), scan_refusal(&e)),
                ),
            },
            Payload::Findings {
                repository,
                digest,
                result,
            } => {
                if let Some(ri) = self.repo_images_mut(registry.as_ref(), &repository)
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
                            slot.finish(request, report)
                        }
                        Err(EcrError::NotFound { .. }) => {
                            ri.scans.insert(
                                digest,
                                Requested::Ready(ScanSummary {
                                    never_scanned: true,
                                    ..ScanSummary::default()
                                }),
                            );
                            slot.finish(request, crate::model::ScanReport::default())
                        }
                        Err(e) => slot.fail(request, e),
                    };
                    if changed {
                        ri.generation += 1;
                    }
                }
            }
            Payload::ExportProgress {
                done,
                total,
                findings,
            } => self.export_progress = Some((done, total, findings)),
            Payload::Exported(result) => {
                self.export_progress = None;
                match result {
                    Ok(Some((path, n))) => self.notify(
                        NoticeLevel::Success,
                        format!("Exported {n} findings to {}.", path.display()),
                    ),
                    Ok(None) => {}
                    Err(e) => self.notify(NoticeLevel::Error, format!("Export failed: {e}")),
                }
            }
            Payload::RepositoryCreated(result) => match result {
                Ok(repo) => {
                    let name = repo.name.clone();
                    if let Some(list) = registry
                        .as_ref()
                        .and_then(|k| self.registry_mut(k))
                        .and_then(|r| r.repositories.shown_mut())
                    {
                        list.retain(|r| r.name != name);
                        list.push(repo);
                        list.sort_by(|a, b| a.name.cmp(&b.name));
                    }
                    self.notify(NoticeLevel::Success, format!("Created repository {name}."));
                }
                Err(e) => self.notify(
                    NoticeLevel::Error,
                    format!("Could not create the repository: {e}"),
                ),
            },
            Payload::RepositoryDeleted { repository, result } => match result {
                Ok(()) => {
                    if let Some(reg) = registry.as_ref().and_then(|k| self.registry_mut(k)) {
                        reg.images.remove(&repository);
                        if let Some(list) = reg.repositories.shown_mut() {
                            list.retain(|r| r.name != repository);
                        }
                    }
                    if self.selected_repository.as_deref() == Some(repository.as_str()) {
                        self.selected_repository = None;
                        self.selected_image = None;
                    }
                    self.notify(
                        NoticeLevel::Success,
                        format!("Deleted repository {repository}."),
                    );
                }
                Err(e) => self.notify(
                    NoticeLevel::Error,
                    format!("Could not delete {repository}: {e}"),
                ),
            },
            Payload::Scanning(result) => {
                let Some(reg) = registry.as_ref().and_then(|k| self.registry_mut(k)) else {
                    return;
                };
                match result {
                    Ok(v) => {
                        reg.scanning.finish(request, v);
                    }
                    // Scanning is extra detail; its failure (e.g. an endpoint
                    // without the call) must not mark the registry red.
                    Err(e) => {
                        reg.scanning.fail(request, e);
                    }
                }
            }
        }
    }
}

impl AppState {
    /// The images of `repo` in a registry, if that registry still exists.
    pub fn repo_images_mut(
        &mut self,
        registry: Option<&RegistryKey>,
        repo: &str,
    ) -> Option<&mut RepoImages> {
        let reg = registry.and_then(|k| self.registry_mut(k))?;
        Some(reg.images.entry(repo.to_owned()).or_default())
    }

    pub fn repo_images(&self, registry: &RegistryKey, repo: &str) -> Option<&RepoImages> {
        self.registry(registry)?.images.get(repo)
    }

    /// The open repository's images.
    pub fn open_images(&self) -> Option<&RepoImages> {
        self.repo_images(
            self.selected.as_ref()?,
            self.selected_repository.as_deref()?,
        )
    }
}

/// Why a scan could not start, in words: the quota says when, archives and
/// enhanced scanning say why not.
pub fn scan_refusal(e: &EcrError) -> String {
    match e {
        EcrError::ScanQuota { .. } => format!("{e} The next scan is possible 24 hours after the last one (including a scan on push)."),
        EcrError::InvalidInput { detail } if detail.contains("archived") => "Archived images cannot be scanned; restore the image first.".to_owned(),
        EcrError::InvalidInput { detail } if detail.contains("enhanced") || detail.contains("manually") => {
            "This registry uses enhanced scanning: Amazon Inspector scans continuously or on push, and scans cannot be started by hand.".to_owned()
        }
        other => other.to_string(),
    }
}

/// The registries to show: discovered ones, then those the user added, then
/// the demo registry when asked for or when there is nothing else.
pub fn merge_registries(
    discovery: &Discovery,
    added: &[RegistrySpec],
    force_demo: bool,
) -> Vec<RegistrySpec> {
    let mut out = profiles::registries(discovery);
    for a in added {
        if !out.iter().any(|o| o.key() == a.key()) {
            out.push(a.clone());
        }
    }
    if force_demo || out.is_empty() {
        out.push(demo_spec());
    }
    out
}

/// The embedded demo registry.
pub fn demo_spec() -> RegistrySpec {
    RegistrySpec {
        profile: None,
        region: crate::demo::DEMO_REGION.to_owned(),
        endpoint: None,
        registry_id: None,
        source: RegistrySource::Demo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::DiscoveredProfile;

    fn spec(p: &str) -> RegistrySpec {
        RegistrySpec {
            profile: Some(p.into()),
            region: "us-east-1".into(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Profile,
        }
    }

    fn repo(name: &str) -> Repository {
        Repository {
            name: name.into(),
            arn: String::new(),
            registry_id: String::new(),
            uri: String::new(),
            created_at: None,
            tag_mutability: Default::default(),
            encryption: Default::default(),
            scan_on_push: false,
        }
    }

    fn ev(request: RequestId, key: &RegistryKey, payload: Payload) -> Event {
        Event {
            request,
            registry: Some(key.clone()),
            payload,
        }
    }

    #[test]
    fn export_progress_shows_until_the_export_ends() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        let progress = |done| Payload::ExportProgress {
            done,
            total: 3,
            findings: done * 10,
        };
        st.apply(ev(4, &key, progress(1)));
        st.apply(ev(4, &key, progress(2)));
        assert_eq!(st.export_progress, Some((2, 3, 20)));
        st.apply(ev(
            4,
            &key,
            Payload::Exported(Err("Could not write /x: denied".into())),
        ));
        assert_eq!(st.export_progress, None);
        assert!(st.last_error.as_deref().is_some_and(|e| e.contains("/x")));
    }

    #[test]
    fn demo_only_when_nothing_else_or_forced() {
        let empty = Discovery::default();
        assert!(merge_registries(&empty, &[], false)[0].is_demo());
        let d = Discovery {
            profiles: vec![DiscoveredProfile {
                name: "dev".into(),
                region: Some("eu-west-1".into()),
                sso: false,
            }],
            ..Default::default()
        };
        let regs = merge_registries(&d, &[], false);
        assert_eq!(regs.len(), 1);
        assert!(!regs[0].is_demo());
        assert!(
            merge_registries(&d, &[], true)
                .iter()
                .any(RegistrySpec::is_demo)
        );
        let added = spec("extra");
        assert_eq!(
            merge_registries(&d, &[added.clone(), added], false).len(),
            2,
            "duplicates collapse"
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
            Payload::RepositoriesPage(vec![repo("zeta"), repo("alpha")]),
        ));
        assert_eq!(
            st.registry(&key)
                .and_then(|r| r.repositories.shown())
                .map(Vec::len),
            Some(2)
        );
        st.apply(ev(1, &key, Payload::RepositoriesDone(Ok(2))));
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
            Payload::RepositoriesDone(Err(EcrError::NoCredentials {
                who: "profile 'a'".into(),
            })),
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
            Payload::RepositoriesDone(Err(EcrError::Throttled {
                operation: "X".into(),
            })),
        ));
        assert!(st.notices.is_empty());
        assert_eq!(st.selected, Some(spec("b").key()));
    }

    #[test]
    fn deleted_selected_repository_returns_to_list() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let key = spec("a").key();
        st.selected_repository = Some("gone".into());
        st.registry_mut(&key)
            .expect("registry")
            .repositories
            .start(1);
        st.apply(ev(1, &key, Payload::RepositoriesPage(vec![repo("stays")])));
        st.apply(ev(1, &key, Payload::RepositoriesDone(Ok(1))));
        assert_eq!(st.selected_repository, None);
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
        st.selected_repository = Some("gone".into());
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
            Payload::ImagesDone {
                repository: "gone".into(),
                result: Err(nf),
            },
        ));
        assert_eq!(st.selected_repository, None, "back to the list");
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
        st.selected_repository = Some("r".into());
        st.repo_images_mut(Some(&key), "r")
            .expect("images")
            .list
            .start(1);
        st.apply(ev(
            1,
            &key,
            Payload::ImagesDone {
                repository: "r".into(),
                result: Err(EcrError::Throttled {
                    operation: "DescribeImages".into(),
                }),
            },
        ));
        assert_eq!(st.selected_repository.as_deref(), Some("r"));
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
            Payload::RepositoryChanged {
                repository: "r".into(),
                result: Err(denied.clone()),
                reread: Some(server.clone()),
            },
        ));
        assert!(st.registry(&key).expect("a").pending.contains_key("r"));
        st.apply(ev(
            4,
            &key,
            Payload::RepositoryChanged {
                repository: "r".into(),
                result: Err(denied),
                reread: Some(server),
            },
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

    #[test]
    fn set_registries_keeps_selection_and_data() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a"), spec("b")]);
        st.selected = Some(spec("b").key());
        st.registry_mut(&spec("b").key()).expect("b").repositories =
            Requested::Ready(vec![repo("x")]);
        st.set_registries(vec![spec("b"), spec("c")]);
        assert_eq!(st.selected, Some(spec("b").key()));
        assert!(
            st.registry(&spec("b").key())
                .and_then(|r| r.repositories.shown())
                .is_some()
        );
    }
}
