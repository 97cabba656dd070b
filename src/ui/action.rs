//! What the user asked for. Views push these; the app's one handler carries
//! them out. Every action that changes something carries its whole target
//! (registry spec, repository, image), captured when the user clicked or the
//! dialog opened: the handler never reads the current selection to find out
//! what an action was about.

use crate::message::{ImageChange, PullThroughChange, RepoChange};
use crate::model::{
    Digest, ExportFormat, NewRepository, RegistryKey, RegistryScanningConfig, RegistrySpec,
    RepoRef, TagMutabilitySetting,
};
use crate::settings::{ImageColumn, RepoColumn, ThemePref};
use crate::state::{Location, RegistryTab, RepoTab};

#[derive(Clone, Debug, PartialEq)]
pub enum UiAction {
    // Moving around.
    SelectRegistry(RegistryKey),
    SelectRepository(Option<String>),
    SelectImage(Option<Digest>),
    /// Jump to a place (from the palette).
    GoTo(Location),
    /// Alt+Left / Alt+Right.
    Back,
    Forward,
    SetRegistryTab(RegistryTab),
    SetRepoTab(RepoTab),
    OpenFindings,
    CloseFindings,
    /// Compare the open image's findings with another image's (None: stop).
    CompareWith(Option<Digest>),

    // Loading.
    /// F5: refresh what is on screen.
    Refresh,
    RefreshRegistry(RegistryKey),
    /// Repositories whose resource tags are wanted (rows on screen, or a
    /// `key=value` filter).
    NeedRepoTags(RegistryKey, Vec<String>),
    /// Rows on screen whose scan summary is not known yet.
    NeedScanSummaries(RepoRef, Vec<Digest>),
    /// Show or hide an index's platforms (read once, on the first expand).
    ToggleExpand(RepoRef, Digest),
    /// Read the platforms of every index, so children nest under them.
    GroupPlatforms(RepoRef),
    /// Load every repository's images and the scan summary of every tagged
    /// image, for the registry's findings dashboard.
    CheckAllFindings,

    // Preferences.
    SortRepositories(RepoColumn),
    SortImages(ImageColumn),
    /// The columns of a table the user hid (remembered).
    SetHiddenColumns(&'static str, std::collections::BTreeSet<String>),
    /// Back to the columns that fit the window.
    ResetColumns(&'static str),
    SetTheme(ThemePref),
    /// Interface zoom (1.0 = 100 %).
    SetZoom(f32),
    SetTimeDisplay(crate::settings::TimeStyle, crate::settings::Clock),
    /// Requests in flight per registry.
    SetMaxInFlight(usize),
    /// F1, or the "?" button.
    OpenHelp,
    /// Search every registry in `scope` (the global search).
    StartSearch {
        query: String,
        scope: Vec<RegistryKey>,
        repo_filter: String,
    },
    CancelSearch,
    /// Show the global search view.
    OpenSearch,
    OpenPreferences,
    /// Auto-refresh interval for a registry, in seconds (0 = off).
    SetAutoRefresh(RegistryKey, u64),

    // Dialogs.
    OpenAddRegistry,
    AddRegistry(RegistrySpec),
    AskRemoveRegistry(RegistryKey),
    RemoveRegistry(RegistryKey),
    OpenPushCommands(RepoRef),
    OpenScanning(RegistryKey),
    OpenBulk(RegistryKey, Vec<String>),
    OpenRepoSettings(RepoRef),
    OpenReencrypt(RepoRef),
    /// "Copy to…" for these images (each with its tags).
    OpenCopy(RepoRef, Vec<(Digest, Vec<String>)>),
    /// Optionally prefilled from an existing repository.
    OpenCreateRepository(RegistryKey, Option<String>),
    OpenDeleteRepository(RepoRef),
    /// Open the rule form: `None` to create, `Some(prefix)` to edit.
    OpenPullThroughForm(RegistryKey, Option<String>),
    /// Ctrl+K.
    OpenPalette,
    /// Ask for confirmation, then run the action.
    Confirm {
        title: String,
        body: String,
        /// Who and where, from `RegistryState::target_line`.
        target: String,
        action: Box<UiAction>,
    },
    CloseModal,

    // Changes, each with its pinned target.
    ChangeImages(RepoRef, ImageChange),
    ApplyScanning(RegistrySpec, RegistryScanningConfig),
    ApplyBulk(RegistrySpec, Vec<String>, RepoChange),
    ApplyTagMutability(RepoRef, TagMutabilitySetting),
    SetScanOnPush(RepoRef, bool),
    /// Any settings change of one repository (resource tags).
    ChangeRepository(RepoRef, RepoChange),
    CreateRepository(RegistrySpec, NewRepository),
    DeleteRepository(RepoRef),
    /// Start basic scans of these images.
    StartScan(RepoRef, Vec<Digest>),
    /// Export the findings of these images (asks where first).
    Export(RepoRef, Vec<Digest>, ExportFormat),
    ChangePullThrough(RegistrySpec, PullThroughChange),
    ValidatePullThrough(RegistrySpec, String),
    /// Put this lifecycle policy on the repository.
    SaveLifecycle(RepoRef, String),
    DeleteLifecycle(RepoRef),
    PreviewLifecycle(RepoRef, String),
    /// Copy images to another repository (any registry), creating it with
    /// `create` when missing.
    StartCopy {
        source: RepoRef,
        target: RepoRef,
        items: Vec<crate::model::transfer::CopyItem>,
        create: Option<NewRepository>,
        /// Tags the user allowed to move, from the image each names now.
        allowed_moves: Vec<(String, Digest)>,
    },
    /// Write an image to an OCI layout tar (asks where first).
    ExportImage {
        repo: RepoRef,
        digest: Digest,
        tag: Option<String>,
    },
    /// A new repository with `encryption` and the old one's settings and
    /// images.
    StartReencrypt {
        repo: RepoRef,
        new_name: String,
        encryption: crate::model::Encryption,
    },
    /// Stop the running copy or export.
    CancelTransfer(crate::message::RequestId),
    /// Ask what each tag would do in a copy's target (the dialog's check).
    CheckCopyTarget {
        target: RepoRef,
        items: Vec<crate::model::transfer::CopyItem>,
    },
    /// Remove finished jobs from the transfers panel.
    ClearFinishedTransfers,
    /// Read both repositories of a re-encryption again, then (only if the
    /// new one holds every active image) open the old one's typed delete.
    CheckThenDeleteReencrypted {
        repo: RepoRef,
        new_name: String,
    },
    /// GetAuthorizationToken for a registry.
    GetLoginToken(RegistrySpec),
    /// Put the token's password on the clipboard, then forget it.
    CopyLoginPassword(RegistryKey),
}
