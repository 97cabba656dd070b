//! The worker on its own: commands in, events out, against the demo
//! endpoint. What ends a request when no call can be made, and when the task
//! working on it dies.

use ecrscope::message::{
    BrowseCommand, BrowsePayload, LifecycleCommand, LoginCommand, ManageCommand,
    PullThroughCommand, ScanningCommand, ScanningPayload, TransferCommand, TransferPayload,
};
use std::sync::Arc;
use std::time::Duration;

use ecrscope::demo::{LazyDemo, SeedConfig};
use ecrscope::message::{Command, Event, Payload};
use ecrscope::model::{RegistrySource, RegistrySpec, RepoRef};
use ecrscope::worker::{DemoEndpoint, Worker, WorkerConfig};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn demo_spec() -> RegistrySpec {
    ecrscope::state::demo_spec()
}

fn start(
    rt: &tokio::runtime::Runtime,
    demo: Option<Arc<dyn DemoEndpoint>>,
) -> (Worker, tokio::sync::mpsc::Receiver<Event>) {
    Worker::start(
        rt.handle(),
        WorkerConfig {
            demo,
            ..WorkerConfig::default()
        },
        Arc::new(|| {}),
    )
}

/// Waits for the next event of `request`.
#[allow(clippy::disallowed_methods)] // the test's own runtime; no UI thread
fn next_event(
    rt: &tokio::runtime::Runtime,
    events: &mut tokio::sync::mpsc::Receiver<Event>,
    request: u64,
) -> Event {
    rt.block_on(async {
        loop {
            let ev = tokio::time::timeout(Duration::from_secs(20), events.recv())
                .await
                .expect("an event within 20 s")
                .expect("the worker runs");
            if ev.request == request {
                return ev;
            }
        }
    })
}

#[test]
#[allow(clippy::disallowed_methods)] // the test's own runtime; no UI thread
fn a_command_answers_through_its_registrys_client() {
    let rt = runtime();
    let demo: Arc<dyn DemoEndpoint> = LazyDemo::new(SeedConfig::small(), Duration::ZERO);
    let (worker, mut events) = start(&rt, Some(demo));
    let id = worker
        .send(Command::Browse(BrowseCommand::Images(RepoRef::new(
            &demo_spec(),
            "hello-world",
        ))))
        .expect("queued");
    let mut images = 0;
    loop {
        match next_event(&rt, &mut events, id).payload {
            Payload::Browse(BrowsePayload::ImagesPage { images: page, .. }) => images += page.len(),
            Payload::Browse(BrowsePayload::ImagesDone { result, .. }) => {
                assert_eq!(result, Ok(images));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(images > 0);
}

#[test]
#[allow(clippy::disallowed_methods)] // the test's own runtime; no UI thread
fn a_command_without_a_client_ends_in_an_error_event() {
    let rt = runtime();
    let (worker, mut events) = start(&rt, None);
    // No demo endpoint was given: the demo registry cannot be reached.
    let id = worker
        .send(Command::Browse(BrowseCommand::Repositories(demo_spec())))
        .expect("queued");
    match next_event(&rt, &mut events, id).payload {
        Payload::Browse(BrowsePayload::RepositoriesDone(Err(e))) => {
            assert!(e.to_string().contains("demo endpoint"), "{e}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // A profile without a region: said in words, never "loading" forever.
    let no_region = RegistrySpec {
        profile: Some("noregion".into()),
        region: String::new(),
        endpoint: None,
        registry_id: None,
        source: RegistrySource::Profile,
    };
    let digests = vec![
        ecrscope::model::Digest([1; 32]),
        ecrscope::model::Digest([2; 32]),
    ];
    let id = worker
        .send(Command::Scanning(ScanningCommand::Summaries {
            repo: RepoRef::new(&no_region, "r"),
            digests: digests.clone(),
        }))
        .expect("queued");
    for _ in &digests {
        match next_event(&rt, &mut events, id).payload {
            Payload::Scanning(ScanningPayload::Summary { result: Err(e), .. }) => {
                assert!(e.to_string().contains("has no region"), "{e}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// A demo endpoint whose start panics: the task working on a command dies.
#[derive(Debug)]
struct Panicking;

impl DemoEndpoint for Panicking {
    fn url(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + '_>>
    {
        Box::pin(async { panic!("the endpoint blew up") })
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[test]
#[allow(clippy::disallowed_methods)] // the test's own runtime; no UI thread
fn a_task_that_panics_ends_its_request_as_an_error() {
    let rt = runtime();
    let (worker, mut events) = start(&rt, Some(Arc::new(Panicking)));
    let id = worker
        .send(Command::Browse(BrowseCommand::Repositories(demo_spec())))
        .expect("queued");
    // The command's own failure answer, so the slot waiting for it ends.
    let crashed = next_event(&rt, &mut events, id);
    match &crashed.payload {
        Payload::Browse(BrowsePayload::RepositoriesDone(Err(e))) => {
            assert!(e.to_string().contains("unexpectedly"), "{e}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // The in-flight count comes back down.
    rt.block_on(async {
        for _ in 0..100 {
            if worker.in_flight() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("in_flight stayed at {}", worker.in_flight());
    });
    // And the state ends what waited for it.
    let mut st = ecrscope::state::AppState::default();
    st.set_registries(vec![demo_spec()]);
    let cmd = Command::Browse(BrowseCommand::Repositories(demo_spec()));
    st.started(id, &cmd);
    st.apply(crashed);
    let reg = st.registry(&demo_spec().key()).expect("registry");
    assert!(!reg.repositories.is_loading() && reg.repositories.error().is_some());
}

/// Issue 22, item 7: a copy whose task panics ends as an error in the
/// transfers list, with nothing left saying "Copying…".
#[test]
#[allow(clippy::disallowed_methods)] // the test's own runtime; no UI thread
fn a_transfer_that_panics_ends_as_an_error() {
    let rt = runtime();
    let (worker, mut events) = start(&rt, Some(Arc::new(Panicking)));
    let spec = demo_spec();
    let cmd = Command::Transfer(TransferCommand::Copy(ecrscope::message::CopyJob {
        source: RepoRef::new(&spec, "a"),
        target: RepoRef::new(&spec, "b"),
        items: vec![],
        create: None,
        allowed_moves: vec![],
        with_referrers: false,
        cancel: Arc::default(),
    }));
    let mut st = ecrscope::state::AppState::default();
    st.set_registries(vec![spec.clone()]);
    let id = worker.send(cmd.clone()).expect("queued");
    st.started(id, &cmd);
    assert_eq!(st.running_transfers().count(), 1);
    let ev = next_event(&rt, &mut events, id);
    assert!(
        matches!(
            ev.payload,
            Payload::Transfer(TransferPayload::Copied(Err(_)))
        ),
        "{:?}",
        ev.payload
    );
    st.apply(ev);
    assert_eq!(st.running_transfers().count(), 0, "nothing left running");
    let t = st.transfers.last().expect("kept in the list");
    match &t.outcome {
        Some(ecrscope::state::TransferOutcome::Failed(why)) => {
            assert!(why.contains("unexpectedly"), "{why}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// Every failure payload of a command names the slot the state waits on:
/// each command, failed before any call, ends what `started` marked.
#[test]
fn every_command_failed_early_ends_what_waits_for_it() {
    use ecrscope::message::{ExportRequest, ImageChange, PullThroughChange, RepoChange};
    let spec = demo_spec();
    let repo = RepoRef::new(&spec, "r");
    let d = ecrscope::model::Digest([3; 32]);
    let cmds = vec![
        Command::Browse(BrowseCommand::RegistryInfo(spec.clone())),
        Command::Browse(BrowseCommand::Repositories(spec.clone())),
        Command::Scanning(ScanningCommand::Configuration {
            registry: spec.clone(),
            repositories: vec!["r".into()],
        }),
        Command::Browse(BrowseCommand::Images(repo.clone())),
        Command::Scanning(ScanningCommand::Summaries {
            repo: repo.clone(),
            digests: vec![d],
        }),
        Command::Browse(BrowseCommand::ImageDetail {
            repo: repo.clone(),
            digest: d,
        }),
        Command::Scanning(ScanningCommand::Findings {
            repo: repo.clone(),
            digest: d,
        }),
        Command::Manage(ManageCommand::ChangeRepository {
            repo: repo.clone(),
            change: RepoChange::ScanOnPush(true),
        }),
        Command::Scanning(ScanningCommand::Export(ExportRequest {
            repo: repo.clone(),
            images: vec![(d, vec![])],
            format: ecrscope::model::ExportFormat::Csv,
            path: "/x".into(),
        })),
        Command::Manage(ManageCommand::CreateRepository {
            registry: spec.clone(),
            new: Default::default(),
        }),
        Command::PullThrough(PullThroughCommand::Load(spec.clone())),
        Command::PullThrough(PullThroughCommand::Change {
            registry: spec.clone(),
            change: PullThroughChange::Delete("p".into()),
        }),
        Command::Login(LoginCommand::Token(spec.clone())),
        Command::Lifecycle(LifecycleCommand::Load(repo.clone())),
        Command::Lifecycle(LifecycleCommand::Change {
            repo: repo.clone(),
            text: None,
        }),
        Command::Lifecycle(LifecycleCommand::Preview {
            repo: repo.clone(),
            text: "{}".into(),
        }),
        Command::Manage(ManageCommand::RepoPolicy(repo.clone())),
        Command::Manage(ManageCommand::DeleteRepoPolicy(repo.clone())),
        Command::Manage(ManageCommand::ChangeImages {
            repo: repo.clone(),
            change: ImageChange::Delete(vec![d]),
        }),
    ];
    let e = ecrscope::model::EcrError::Other {
        operation: "x".into(),
        detail: "no client".into(),
    };
    for (id, cmd) in (1u64..).zip(cmds) {
        let mut st = ecrscope::state::AppState::default();
        st.set_registries(vec![spec.clone()]);
        st.started(id, &cmd);
        st.not_sent(id, &cmd, &e);
        let reg = st.registry(&spec.key()).expect("registry");
        let loading = reg.info.is_loading()
            || reg.repositories.is_loading()
            || reg.scanning.is_loading()
            || !reg.pending.is_empty()
            || reg.docs.pull_through.is_loading()
            || reg.docs.login.is_loading()
            || reg.docs.lifecycle.values().any(|l| l.is_loading())
            || reg.docs.preview.values().any(|l| l.is_loading())
            || reg.docs.repo_policy.values().any(|l| l.is_loading())
            || reg.images.values().any(|ri| {
                ri.list.is_loading()
                    || ri.scans.values().any(|s| s.is_loading())
                    || ri.details.values().any(|s| s.is_loading())
                    || ri.findings.values().any(|s| s.is_loading())
            })
            || st.export_progress.is_some()
            || st.creating.is_some();
        assert!(!loading, "{cmd:?} left something loading");
    }
}
