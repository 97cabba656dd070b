//! The message vocabulary between the app (which asks) and the worker (which
//! does): [`Command`]s in, [`Event`]s out, each tagged with the [`RequestId`]
//! of the request that caused it.
//!
//! One file per feature holds that feature's commands and payloads; the
//! top-level enums hold one variant per feature, so a router matches the
//! feature and hands the rest to it, and a variant added to a feature fails
//! to compile until that feature's worker operation and state transition
//! handle it. No match over these enums has a catch-all arm
//! (`tests/architecture.rs` fails the suite on one).
//!
//! A leaf: it names only `model` types, so `state` can speak it without
//! knowing the worker, and the worker without knowing the state. Every
//! command that acts on something carries its whole target (registry spec,
//! repository, image) as captured when the user asked: nothing downstream
//! reads the current selection.

mod admin;
mod browse;
mod lifecycle;
mod login;
mod manage;
mod pull_through;
mod scanning;
mod search;
mod supply_chain;
mod transfer;

pub use admin::{AccountSettings, AdminCommand, AdminPayload};
pub use browse::{BrowseCommand, BrowsePayload, IndexPlatforms};
pub use lifecycle::{LifecycleCommand, LifecyclePayload};
pub use login::{LoginCommand, LoginPayload, MfaJob, SsoJob};
pub use manage::{ImageChange, ManageCommand, ManagePayload, RepoChange};
pub use pull_through::{PullThroughChange, PullThroughCommand, PullThroughPayload};
pub use scanning::{
    ExportFailure, ExportRequest, Exported, ScanningCommand, ScanningConfigs, ScanningPayload,
};
pub use search::{SearchCommand, SearchPayload};
pub use supply_chain::{SupplyChainCommand, SupplyChainPayload};
pub use transfer::{CopyJob, ImageExportJob, ReencryptJob, TransferCommand, TransferPayload};

use crate::model::{EcrError, RegistryKey, RegistrySpec};

/// Identifies one request; events carry it back.
pub type RequestId = u64;

/// What the app asks the worker for: one variant per feature.
#[derive(Clone, Debug)]
pub enum Command {
    Browse(BrowseCommand),
    Manage(ManageCommand),
    Scanning(ScanningCommand),
    Transfer(TransferCommand),
    Search(SearchCommand),
    PullThrough(PullThroughCommand),
    Login(LoginCommand),
    Lifecycle(LifecycleCommand),
    SupplyChain(SupplyChainCommand),
    Admin(AdminCommand),
}

/// What comes back.
#[derive(Debug)]
pub struct Event {
    pub request: RequestId,
    pub registry: Option<RegistryKey>,
    pub payload: Payload,
}

/// What an event says: one variant per feature, and the end of a task that
/// crashed.
#[derive(Debug)]
pub enum Payload {
    Browse(BrowsePayload),
    Manage(ManagePayload),
    Scanning(ScanningPayload),
    Transfer(TransferPayload),
    Search(SearchPayload),
    PullThrough(PullThroughPayload),
    Login(LoginPayload),
    Lifecycle(LifecyclePayload),
    SupplyChain(SupplyChainPayload),
    Admin(AdminPayload),
    /// The task working on the request ended without answering (it
    /// panicked): whatever waits for this request ends as an error.
    Crashed(EcrError),
}

impl Command {
    /// The registry the command goes to (`None`: no registry, e.g. discovery).
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Browse(c) => c.registry(),
            Self::Manage(c) => c.registry(),
            Self::Scanning(c) => c.registry(),
            Self::Transfer(c) => c.registry(),
            Self::Search(c) => c.registry(),
            Self::PullThrough(c) => c.registry(),
            Self::Login(c) => c.registry(),
            Self::Lifecycle(c) => c.registry(),
            Self::SupplyChain(c) => c.registry(),
            Self::Admin(c) => c.registry(),
        }
    }
}

/// The payloads that end a command that failed before any call (no client:
/// no region, no demo endpoint; or never handed to the worker): every slot
/// that waits for it gets the error.
pub fn failed_payloads(cmd: Command, e: &EcrError) -> Vec<Payload> {
    fn wrap<P>(ps: Vec<P>, f: fn(P) -> Payload) -> Vec<Payload> {
        ps.into_iter().map(f).collect()
    }
    match cmd {
        Command::Browse(c) => wrap(c.failed(e), Payload::Browse),
        Command::Manage(c) => wrap(c.failed(e), Payload::Manage),
        Command::Scanning(c) => wrap(c.failed(e), Payload::Scanning),
        Command::Transfer(c) => wrap(c.failed(e), Payload::Transfer),
        Command::Search(c) => wrap(c.failed(e), Payload::Search),
        Command::PullThrough(c) => wrap(c.failed(e), Payload::PullThrough),
        Command::Login(c) => wrap(c.failed(e), Payload::Login),
        Command::Lifecycle(c) => wrap(c.failed(e), Payload::Lifecycle),
        Command::SupplyChain(c) => wrap(c.failed(e), Payload::SupplyChain),
        Command::Admin(c) => wrap(c.failed(e), Payload::Admin),
    }
}

/// `FeatureCommand::X(..).into()` and `FeaturePayload::X(..).into()`.
macro_rules! wraps {
    ($($feature:ident: $cmd:ty, $payload:ty;)*) => {$(
        impl From<$cmd> for Command {
            fn from(c: $cmd) -> Self {
                Self::$feature(c)
            }
        }
        impl From<$payload> for Payload {
            fn from(p: $payload) -> Self {
                Self::$feature(p)
            }
        }
    )*};
}

wraps! {
    Browse: BrowseCommand, BrowsePayload;
    Manage: ManageCommand, ManagePayload;
    Scanning: ScanningCommand, ScanningPayload;
    Transfer: TransferCommand, TransferPayload;
    Search: SearchCommand, SearchPayload;
    PullThrough: PullThroughCommand, PullThroughPayload;
    Login: LoginCommand, LoginPayload;
    Lifecycle: LifecycleCommand, LifecyclePayload;
    SupplyChain: SupplyChainCommand, SupplyChainPayload;
    Admin: AdminCommand, AdminPayload;
}
