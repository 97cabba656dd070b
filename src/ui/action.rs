//! What the user asked for. Views push these; the app's handler hands each
//! to its feature. Every action that changes something carries its whole
//! target (registry spec, repository, image), captured when the user
//! clicked or the dialog opened: no handler reads the current selection to
//! find out what an action was about.
//!
//! One variant per feature; each feature's `actions.rs` owns its enum and
//! carries it out, matched exhaustively. Only the shell's own actions
//! (palette, help, confirmation, closing a dialog) live here.

pub use crate::admin::actions::AdminAction;
pub use crate::browse::actions::BrowseAction;
pub use crate::insight::actions::InsightAction;
pub use crate::lifecycle::actions::LifecycleAction;
pub use crate::login::actions::LoginAction;
pub use crate::manage::actions::ManageAction;
pub use crate::pull_through::actions::PullThroughAction;
pub use crate::registries::actions::RegistriesAction;
pub use crate::scanning::actions::ScanningAction;
pub use crate::search::actions::SearchAction;
pub use crate::settings::actions::PreferencesAction;
pub use crate::supply_chain::actions::SupplyChainAction;
pub use crate::transfer::actions::TransferAction;

#[derive(Clone, Debug, PartialEq)]
pub enum UiAction {
    Browse(BrowseAction),
    Registries(RegistriesAction),
    Manage(ManageAction),
    Scanning(ScanningAction),
    Transfer(TransferAction),
    Search(SearchAction),
    PullThrough(PullThroughAction),
    Lifecycle(LifecycleAction),
    Login(LoginAction),
    SupplyChain(SupplyChainAction),
    Admin(AdminAction),
    Insight(InsightAction),
    Preferences(PreferencesAction),
    Shell(ShellAction),
}

/// The window's own actions, not any feature's.
#[derive(Clone, Debug, PartialEq)]
pub enum ShellAction {
    /// Ctrl+K.
    OpenPalette,
    /// F1, or the "?" button.
    OpenHelp,
    /// Ask for confirmation, then run the action.
    Confirm {
        title: String,
        body: String,
        /// The confirm button's words: what it does ("Delete policy").
        confirm: String,
        /// Who and where, from `RegistryState::target_line`.
        target: String,
        action: Box<UiAction>,
    },
    CloseModal,
    /// Where the app's own path field says to save the export waiting for
    /// it (when the desktop has no save dialog).
    SaveTo(std::path::PathBuf),
}

/// `FeatureAction::X.into()` where a `UiAction` is wanted.
macro_rules! wraps {
    ($($feature:ident: $action:ty;)*) => {$(
        impl From<$action> for UiAction {
            fn from(a: $action) -> Self {
                Self::$feature(a)
            }
        }
    )*};
}

wraps! {
    Browse: BrowseAction;
    Registries: RegistriesAction;
    Manage: ManageAction;
    Scanning: ScanningAction;
    Transfer: TransferAction;
    Search: SearchAction;
    PullThrough: PullThroughAction;
    Lifecycle: LifecycleAction;
    Login: LoginAction;
    SupplyChain: SupplyChainAction;
    Admin: AdminAction;
    Insight: InsightAction;
    Preferences: PreferencesAction;
    Shell: ShellAction;
}
