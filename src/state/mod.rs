//! Application state and its transitions: plain data, no egui, no network.
//!
//! [`AppState::apply`] takes a worker event and returns what should happen
//! next ([`FollowUp`]s: requests to send, scans to poll); the app only
//! carries them out. [`AppState::started`] records which slot waits for a
//! request just sent. Both hand each message to its feature's `state.rs`
//! (`crate::browse::state`, …). What every feature shares lives here:
//! navigation (`go_to`, back/forward), following scans and restores, the
//! findings sweep and the domain rules ("can this image be scanned?"),
//! beside the data they read, as plain functions with unit tests.

mod apply;
mod rules;
pub(crate) use apply::settle;
pub mod auto_refresh;
mod docs;
mod findings;
mod follow_up;
mod following;
mod images;
mod loads;
mod location;
mod navigation;
mod repo_table;
mod requested;
mod security;
mod sweep;
pub use crate::transfer::state::{CopyCheck, Transfer, TransferKind, TransferOutcome};
pub mod wording;

pub use crate::search::state::{
    HitMatch, SearchFailure, SearchHit, SearchKind, SearchState, classify,
};
pub use docs::{Login, RegistryDocs};
pub use findings::{
    Change, Comparison, FindingColumn, FindingsFilter, finding_rows, severity_index,
};
pub use follow_up::FollowUp;
pub use following::{FollowPolicies, ImageKey, ScanFollowPolicy};
pub use images::{ImageFilter, ImageRow, ImageTotals, RepoImages, image_rows};
pub use location::{History, Location};
pub use repo_table::{RepoFilter, repo_rows, tags_match};
pub use requested::Requested;
pub use security::{
    Flagged, RegistrySecurity, RepoSecurity, registry_security, repo_security, summarised,
};

use std::collections::{HashMap, HashSet};

use crate::message::{RequestId, ScanningConfigs};
use crate::model::{
    Digest, Discovery, EcrError, RegistryInfo, RegistryKey, RegistrySource, RegistrySpec, RepoRef,
    Repository, ScanFrequency,
};
use crate::settings::Settings;

/// One registry in the sidebar and everything loaded for it.
#[derive(Debug)]
pub struct RegistryState {
    pub spec: RegistrySpec,
    pub info: Requested<RegistryInfo>,
    pub repositories: Requested<Vec<Repository>>,
    pub scanning: Requested<ScanningConfigs>,
    /// Images, by repository name (the ones opened so far).
    pub images: HashMap<String, RepoImages>,
    /// Settings changes sent and not answered yet, by repository.
    pub pending: HashMap<String, RequestId>,
    /// The last failed change per repository, shown next to its control.
    pub change_errors: HashMap<String, EcrError>,
    /// Repositories whose last change the server confirmed.
    pub change_ok: HashSet<String>,
    /// Pull-through rules, login token, lifecycle and repository policies.
    pub docs: RegistryDocs,
    /// Resource tags, by repository (read for the rows on screen).
    pub resource_tags: HashMap<String, Requested<Vec<(String, String)>>>,
    /// Why ListImageReferrers is not used here (absent or refused): the
    /// cosign tag scheme alone then. `None`: the call is used.
    pub referrers_api: Option<EcrError>,
    /// ECR managed signing's configuration (`None` inside: the registry
    /// has none).
    pub signing: Requested<Option<crate::model::SigningConfig>>,
    /// Registry policy, account settings, pull-time update exclusions.
    pub admin: crate::admin::state::RegistryAdmin,
    /// The Storage tab is reading every repository's images.
    pub storage_reading: bool,
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
            change_ok: HashSet::new(),
            docs: RegistryDocs::default(),
            resource_tags: HashMap::new(),
            referrers_api: None,
            signing: Requested::Idle,
            admin: crate::admin::state::RegistryAdmin::default(),
            storage_reading: false,
        }
    }

    pub fn connection(&self) -> Connection {
        match &self.repositories {
            Requested::Failed { .. } => Connection::Error,
            Requested::Loading { .. } => Connection::Loading,
            Requested::Ready(_) => Connection::Connected,
            Requested::Idle => Connection::Idle,
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
            .and_then(|s| s.repositories.iter().find(|p| p.repository == repo))
            .map(|p| p.frequency)
    }

    /// A repository as last listed.
    pub fn repository(&self, name: &str) -> Option<&Repository> {
        self.repositories
            .shown()
            .and_then(|l| l.iter().find(|r| r.name == name))
    }

    /// The account the registry belongs to, once known: the id it was added
    /// with, else DescribeRegistry's answer.
    pub fn account(&self) -> Option<&str> {
        self.spec
            .registry_id
            .as_deref()
            .or_else(|| self.info.shown().map(|i| i.registry_id.as_str()))
    }

    /// Whether this registry is another account's (added with its id) and
    /// the caller's own account is different or not known to be the same.
    /// Calls that take no registry id answer for the caller's account, not
    /// this one.
    pub fn is_cross_account(&self) -> bool {
        match (&self.spec.registry_id, self.info.shown()) {
            (None, _) => false,
            // DescribeRegistry takes no id: its answer is the caller's account.
            (Some(id), Some(own)) => *id != own.registry_id,
            (Some(_), None) => true,
        }
    }

    /// Who, where: "profile dev · account 123456789012 · us-east-1", for
    /// every dialog that changes something.
    pub fn target_line(&self) -> String {
        wording::target_line(&self.spec, self.account())
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

/// An export being fetched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportProgress {
    pub request: RequestId,
    pub done: usize,
    pub total: usize,
    pub findings: usize,
}

/// What is followed about an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowKind {
    /// A scan, until it leaves IN_PROGRESS / PENDING.
    Scan,
    /// A restore from archive, until the image leaves ACTIVATING.
    Restore,
}

/// A scan or a restore being followed (polled until it settles).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Following {
    pub repo: RepoRef,
    pub kind: FollowKind,
    pub polls: u32,
    pub failures: u32,
}

/// Everything the UI draws.
#[derive(Debug, Default)]
pub struct AppState {
    /// The persisted settings, held here once (views read them, actions
    /// change them, the app writes them).
    pub settings: Settings,
    /// Show the demo registry even when profiles exist (`--demo`).
    pub force_demo: bool,
    pub registries: Vec<RegistryState>,
    /// Where the user is: registry > repository > image.
    pub location: Location,
    pub history: History,
    pub discovery: Option<Discovery>,
    /// Request id of the pending discovery.
    pub discovery_request: Option<RequestId>,
    /// Shown once as toasts, then drained by the app.
    pub notices: Vec<Notice>,
    /// The most recent error or warning, for the status bar.
    pub last_error: Option<String>,
    /// The most recent message of any level (toasts fade; this stays).
    pub last_notice: Option<String>,
    /// The findings view of the selected image is open.
    pub findings_open: bool,
    /// Findings of (this image) compared with (that one); ignored once
    /// another image is open.
    pub compare: Option<(Digest, Digest)>,
    /// The registry view's tab (no repository open).
    pub registry_tab: RegistryTab,
    /// The repository view's tab.
    pub repo_tab: RepoTab,
    /// The registry whose tagged images' findings are being checked.
    pub sweeping: Option<RegistryKey>,
    /// Repositories the sweep has finished with.
    pub sweep_done: HashSet<String>,
    /// A running export.
    pub export_progress: Option<ExportProgress>,
    /// Copies, re-encryptions and image exports: running ones, then the
    /// last finished ones (the transfers panel).
    pub transfers: Vec<Transfer>,
    /// The re-read of both repositories asked right before a re-encrypted
    /// repository's delete.
    pub reencrypt_checking: Option<RequestId>,
    /// The copy dialog's look at its target: what each tag would do there.
    pub copy_check: Option<CopyCheck>,
    /// The last re-encryption: the old repository, and what came of it.
    pub reencrypted: Option<(
        RepoRef,
        Result<crate::model::transfer::ReencryptReport, String>,
    )>,
    /// Scans being followed, by image.
    pub following: HashMap<ImageKey, Following>,
    pub follow_policy: FollowPolicies,
    /// The global search (its results stay when its view closes).
    pub search: Option<SearchState>,
    pub search_seq: u64,
    /// The create-repository request in flight, and the last failure of one.
    pub creating: Option<RequestId>,
    pub create_error: Option<String>,
    /// The IAM Identity Center sign-in under way or just ended (its dialog
    /// reads it); never holds the token.
    pub sso: Option<crate::login::state::SsoSignIn>,
    /// The MFA code dialog (never holds the code once sent).
    pub mfa: Option<crate::login::state::MfaEntry>,
    /// Where the sign-in reads the AWS files and writes the token; `None`:
    /// this user's home (tests give their own).
    pub sso_place: Option<crate::login::sso::SsoPlace>,
    /// Snapshots: the folder's list, the one open, a comparison.
    pub snapshots: crate::insight::snapshots::SnapshotsState,
    /// Where snapshots are saved; `None`: nowhere (tests that do not ask).
    pub snapshots_dir: Option<std::path::PathBuf>,
    /// A clean-up group being made a lifecycle rule (Storage tab).
    pub cleanup_rule: Option<crate::insight::cleanup_rule::RuleDraft>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RegistryTab {
    #[default]
    Repositories,
    Overview,
    PullThrough,
    Storage,
    /// Snapshots and the registry's trends.
    History,
    Administration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RepoTab {
    #[default]
    Images,
    Lifecycle,
    Policy,
    /// Pushes, findings across versions, storage over time.
    Trends,
}

impl AppState {
    pub fn new(settings: Settings, force_demo: bool) -> Self {
        Self {
            settings,
            force_demo,
            ..Self::default()
        }
    }

    pub fn registry(&self, key: &RegistryKey) -> Option<&RegistryState> {
        self.registries.iter().find(|r| &r.spec.key() == key)
    }

    pub fn registry_mut(&mut self, key: &RegistryKey) -> Option<&mut RegistryState> {
        self.registries.iter_mut().find(|r| &r.spec.key() == key)
    }

    pub fn selected_registry(&self) -> Option<&RegistryState> {
        self.location
            .registry
            .as_ref()
            .and_then(|k| self.registry(k))
    }

    pub fn selected_registry_mut(&mut self) -> Option<&mut RegistryState> {
        let k = self.location.registry.clone()?;
        self.registry_mut(&k)
    }

    /// The open repository as a request target.
    pub fn open_repo(&self) -> Option<RepoRef> {
        let reg = self.selected_registry()?;
        let name = self.location.repository.as_deref()?;
        Some(RepoRef::new(&reg.spec, name))
    }

    /// Whether the demo registry is among those shown.
    pub fn has_demo(&self) -> bool {
        self.registries.iter().any(|r| r.spec.is_demo())
    }

    /// Queues a notice. The same text twice in a row (a burst of refusals)
    /// shows once.
    pub fn notify(&mut self, level: NoticeLevel, text: impl Into<String>) {
        let text = text.into();
        self.last_notice = Some(text.clone());
        // Errors and warnings stay in the status bar after the toast.
        if matches!(level, NoticeLevel::Error | NoticeLevel::Warning) {
            self.last_error = Some(text.clone());
        }
        if self.notices.iter().any(|n| n.text == text) {
            return;
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
            .location
            .registry
            .as_ref()
            .is_some_and(|k| self.registry(k).is_some());
        if !still_there {
            self.location = Location {
                registry: self.registries.first().map(|r| r.spec.key()),
                repository: None,
                image: None,
            };
        }
        // Follows of removed registries end.
        let keys: HashSet<RegistryKey> = self.registries.iter().map(|r| r.spec.key()).collect();
        self.following.retain(|k, _| keys.contains(&k.registry));
    }

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
            self.location.registry.as_ref()?,
            self.location.repository.as_deref()?,
        )
    }

    /// Scans being followed (for the status bar).
    pub fn scans_followed(&self) -> usize {
        self.following
            .values()
            .filter(|f| f.kind == FollowKind::Scan)
            .count()
    }

    /// Restores from archive being followed.
    pub fn restores_followed(&self) -> usize {
        self.following
            .values()
            .filter(|f| f.kind == FollowKind::Restore)
            .count()
    }
}

/// The registries to show: discovered ones, then those the user added, then
/// the demo registry when asked for or when there is nothing else.
pub fn merge_registries(
    discovery: &Discovery,
    added: &[RegistrySpec],
    force_demo: bool,
) -> Vec<RegistrySpec> {
    let mut out = crate::model::registries(discovery);
    for a in added {
        if !out.iter().any(|o| o.key() == a.key()) {
            out.push(a.clone());
        }
    }
    // "Nothing else": no registry but demo ones (a test or a user may add
    // the demo's other regions).
    let only_demo = out.iter().all(RegistrySpec::is_demo);
    if (force_demo || only_demo) && !out.iter().any(|o| o.key() == demo_spec().key()) {
        out.insert(out.iter().take_while(|o| !o.is_demo()).count(), demo_spec());
    }
    out
}

/// The embedded demo registry.
pub fn demo_spec() -> RegistrySpec {
    RegistrySpec {
        profile: None,
        region: crate::model::DEMO_REGION.to_owned(),
        endpoint: None,
        registry_id: None,
        source: RegistrySource::Demo,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::message::{Event, Payload};

    pub fn spec(p: &str) -> RegistrySpec {
        RegistrySpec {
            profile: Some(p.into()),
            region: "us-east-1".into(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Profile,
        }
    }

    pub fn repo(name: &str) -> Repository {
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

    pub fn ev(request: RequestId, key: &RegistryKey, payload: Payload) -> Event {
        Event {
            request,
            registry: Some(key.clone()),
            payload,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::model::DiscoveredProfile;

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
    fn set_registries_keeps_selection_and_data() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a"), spec("b")]);
        st.location.registry = Some(spec("b").key());
        st.registry_mut(&spec("b").key()).expect("b").repositories =
            Requested::Ready(vec![repo("x")]);
        st.set_registries(vec![spec("b"), spec("c")]);
        assert_eq!(st.location.registry, Some(spec("b").key()));
        assert!(
            st.registry(&spec("b").key())
                .and_then(|r| r.repositories.shown())
                .is_some()
        );
    }

    #[test]
    fn cross_account_is_known_from_the_ids() {
        let mut reg = RegistryState::new(spec("a"));
        assert!(!reg.is_cross_account(), "no registry id: the caller's own");
        reg.spec.registry_id = Some("210987654321".into());
        assert!(reg.is_cross_account(), "not known to be the same account");
        reg.info = Requested::Ready(RegistryInfo {
            registry_id: "123456789012".into(),
            ..RegistryInfo::default()
        });
        assert!(reg.is_cross_account());
        reg.info = Requested::Ready(RegistryInfo {
            registry_id: "210987654321".into(),
            ..RegistryInfo::default()
        });
        assert!(!reg.is_cross_account(), "the caller's own account, by id");
        assert!(reg.target_line().contains("210987654321"));
    }

    #[test]
    fn the_same_notice_twice_shows_once() {
        let mut st = AppState::default();
        st.notify(NoticeLevel::Warning, "busy");
        st.notify(NoticeLevel::Warning, "busy");
        assert_eq!(st.notices.len(), 1);
    }
}
