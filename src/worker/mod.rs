//! The worker: runs each [`Command`] as a task on the tokio runtime made in
//! `main`, and sends back [`Event`]s tagged with the id of the request that
//! caused them, so the state can drop answers nobody waits for any more.
//!
//! The UI thread only ever calls [`Worker::send`] (a non-blocking `try_send`
//! on a bounded channel) and drains events with `try_recv`. The dispatcher
//! finds the registry's client once per command; each operation is one small
//! function in [`ops`] that returns its payload.

mod clients;
mod cx;

use crate::message::BrowsePayload;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::runtime::Handle;
use tokio::sync::mpsc;

use clients::Clients;
pub use clients::DemoEndpoint;
pub use cx::{Cx, copy_progress};

use crate::ecr::ClientOptions;
use crate::message::{Command, Event, Payload, RequestId};
use crate::model::{Discovery, EcrError, RegistryKey};

/// Called after each event so the UI wakes up (egui's `request_repaint`).
pub type Notify = Arc<dyn Fn() + Send + Sync>;

/// Worker settings.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub client: ClientOptions,
    /// Serves the demo registry (started on first use); `None`: the demo
    /// registry answers with an error.
    pub demo: Option<Arc<dyn DemoEndpoint>>,
    /// Commands that may wait to be started.
    pub queue: usize,
    /// Use this instead of reading the real AWS files and environment
    /// (hermetic tests).
    pub fixed_discovery: Option<Discovery>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            client: ClientOptions::default(),
            demo: None,
            queue: 256,
            fixed_discovery: None,
        }
    }
}

/// The command queue is full: the UI says so instead of blocking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many requests are waiting; try again in a moment")]
pub struct Busy;

/// Handle to the worker, owned by the app.
pub struct Worker {
    tx: mpsc::Sender<(RequestId, Command)>,
    next_id: AtomicU64,
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

struct Inner {
    events: mpsc::Sender<Event>,
    notify: Notify,
    fixed_discovery: Option<Discovery>,
    clients: Clients,
    demo: Option<Arc<dyn DemoEndpoint>>,
    /// Commands being worked on right now.
    running: AtomicU64,
}

impl Worker {
    /// Starts the dispatcher on `handle`. Events arrive on the returned
    /// receiver; `notify` is called after each.
    pub fn start(
        handle: &Handle,
        config: WorkerConfig,
        notify: Notify,
    ) -> (Self, mpsc::Receiver<Event>) {
        let (tx, mut rx) = mpsc::channel::<(RequestId, Command)>(config.queue.max(1));
        let (ev_tx, ev_rx) = mpsc::channel::<Event>(4096);
        let inner = Arc::new(Inner {
            events: ev_tx,
            notify,
            fixed_discovery: config.fixed_discovery,
            clients: Clients::new(config.client, config.demo.clone()),
            demo: config.demo,
            running: AtomicU64::new(0),
        });
        let dispatcher = inner.clone();
        handle.spawn(async move {
            while let Some((id, cmd)) = rx.recv().await {
                let inner = dispatcher.clone();
                tokio::spawn(async move {
                    inner.running.fetch_add(1, Ordering::Relaxed);
                    let key = cmd.registry().map(crate::model::RegistrySpec::key);
                    // The command runs in a task of its own, so a panic in it
                    // ends as an error instead of a request that never
                    // answers (and a count that never comes down). The
                    // command's own failure payloads end it, so every slot
                    // that waits for it hears (a copy ends as an error, a
                    // search counts the repository as not searched); a copy
                    // is kept for that.
                    let fallback = cmd.clone();
                    let work = inner.clone();
                    let joined = tokio::spawn(async move { work.run(id, cmd).await }).await;
                    if let Err(e) = joined {
                        let detail = if e.is_panic() {
                            "the request failed unexpectedly (an internal error; see the log)"
                        } else {
                            "the request was cancelled"
                        };
                        tracing::error!(request = id, "worker task ended without an answer: {e}");
                        let error = EcrError::Other {
                            operation: "The request".into(),
                            detail: detail.into(),
                        };
                        let mut ends = crate::message::failed_payloads(fallback, &error);
                        if ends.is_empty() {
                            ends.push(Payload::Crashed(error));
                        }
                        for p in ends {
                            inner.emit(id, key.clone(), p).await;
                        }
                    }
                    inner.running.fetch_sub(1, Ordering::Relaxed);
                    (inner.notify)();
                });
            }
        });
        (
            Self {
                tx,
                next_id: AtomicU64::new(1),
                inner,
            },
            ev_rx,
        )
    }

    /// Queues a command without blocking; returns its request id.
    pub fn send(&self, cmd: Command) -> Result<RequestId, Busy> {
        let id = self.reserve_id();
        self.try_send(id, cmd).map_err(|_| Busy)?;
        Ok(id)
    }

    /// A fresh request id, for a command sent now or a little later.
    pub fn reserve_id(&self) -> RequestId {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Hands a command to the worker without blocking; a full queue gives
    /// it back (the app keeps it and tries again next frame).
    pub fn try_send(&self, id: RequestId, cmd: Command) -> Result<(), Box<(RequestId, Command)>> {
        self.tx.try_send((id, cmd)).map_err(|e| match e {
            mpsc::error::TrySendError::Full(x) | mpsc::error::TrySendError::Closed(x) => {
                Box::new(x)
            }
        })
    }

    /// Commands being worked on.
    pub fn in_flight(&self) -> u64 {
        self.inner.running.load(Ordering::Relaxed)
    }

    /// The demo endpoint the worker was given, if any.
    pub fn demo(&self) -> Option<Arc<dyn DemoEndpoint>> {
        self.inner.demo.clone()
    }

    /// Forgets every cached client (after the user edits registries or
    /// profiles): the next call reads the AWS files again.
    pub fn forget_clients(&self) {
        self.inner.clients.forget_all();
    }

    /// Requests in flight per registry from now on (a preference).
    pub fn set_max_in_flight(&self, n: usize) {
        self.inner.clients.set_max_in_flight(n);
    }
}

impl Inner {
    async fn emit(&self, request: RequestId, registry: Option<RegistryKey>, payload: Payload) {
        // A closed receiver means the app is shutting down; nothing to do.
        let _ = self
            .events
            .send(Event {
                request,
                registry,
                payload,
            })
            .await;
        (self.notify)();
    }

    async fn run(self: &Arc<Self>, id: RequestId, cmd: Command) {
        let Some(spec) = cmd.registry().cloned() else {
            let d = match &self.fixed_discovery {
                Some(d) => d.clone(),
                None => crate::registries::profiles::discover().await,
            };
            return self
                .emit(id, None, Payload::Browse(BrowsePayload::Discovered(d)))
                .await;
        };
        let key = Some(spec.key());
        match self.clients.get(&spec).await {
            Ok(client) => {
                let cx = Cx {
                    inner: self,
                    id,
                    key,
                    client,
                };
                // Each feature runs its own commands.
                match cmd {
                    Command::Browse(c) => crate::browse::ops::run(&cx, c).await,
                    Command::Manage(c) => crate::manage::ops::run(&cx, c).await,
                    Command::Scanning(c) => crate::scanning::ops::run(&cx, c).await,
                    Command::Transfer(c) => crate::transfer::ops::run(&cx, c).await,
                    Command::Search(c) => crate::search::ops::run(&cx, c).await,
                    Command::PullThrough(c) => crate::pull_through::ops::run(&cx, c).await,
                    Command::Login(c) => crate::login::ops::run(&cx, c).await,
                    Command::Lifecycle(c) => crate::lifecycle::ops::run(&cx, c).await,
                    Command::SupplyChain(c) => crate::supply_chain::ops::run(&cx, c).await,
                    Command::Admin(c) => crate::admin::ops::run(&cx, c).await,
                }
            }
            Err(e) => {
                for p in crate::message::failed_payloads(cmd, &e) {
                    self.emit(id, key.clone(), p).await;
                }
            }
        }
    }
}
