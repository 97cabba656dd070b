//! Proof under faults: the real App under kittest, the demo endpoint behind
//! it misbehaving the way real endpoints do. Each scenario states its fault,
//! the user's action and what must hold. Every one also checks the house
//! invariants: no panic, frames stay quick while the fault is active, every
//! request ends (no spinner left), the failure is said once and specifically
//! (no success message), and once the fault is cleared F5 (or Retry) recovers
//! without a restart.

use crate::common;

use ecrscope::ui::{BrowseAction, LoginAction, ManageAction, ScanningAction};
use std::time::{Duration, Instant};

use common::ui::{demo_app_with, demo_of, demo_options, runtime, step_until};
use ecrscope::app::{AppOptions, EcrscopeApp};
use ecrscope::demo::{BlobFault, Fault, FaultKind, SeedConfig};
use ecrscope::ecr::ClientOptions;
use ecrscope::model::{Digest, RepoRef};
use ecrscope::state::{Location, RepoTab};
use ecrscope::ui::UiAction;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

type H = Harness<'static, EcrscopeApp>;

/// A frame slower than this while a fault is active fails the scenario
/// (a debug build without a GPU draws a frame in a few milliseconds).
const SLOW_FRAME: Duration = Duration::from_millis(500);

/// Client timeouts short enough for tests: one attempt 1 s, a request 2 s.
fn quick_client() -> ClientOptions {
    ClientOptions {
        max_attempts: 2,
        connect_timeout: Duration::from_secs(1),
        attempt_timeout: Duration::from_secs(1),
        operation_timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    }
}

fn options(seed: SeedConfig) -> AppOptions {
    let mut opts = demo_options(seed);
    opts.worker.client = quick_client();
    opts.follow_policy.scans.first = Duration::from_millis(100);
    opts.follow_policy.scans.cap = Duration::from_millis(200);
    opts
}

fn app_with(rt: &tokio::runtime::Runtime, opts: AppOptions) -> H {
    let mut h = demo_app_with(rt, opts, |b| b.with_size(egui::vec2(1400.0, 900.0)));
    step_until(&mut h, 30, "the registry", |h| {
        h.state()
            .state
            .selected_registry()
            .and_then(|r| r.repositories.shown())
            .is_some_and(|l| !l.is_empty())
    });
    h
}

fn app(rt: &tokio::runtime::Runtime) -> H {
    app_with(rt, options(SeedConfig::default()))
}

/// Steps until `done`, failing on a slow frame or after `secs`.
fn wait(h: &mut H, secs: u64, what: &str, done: impl Fn(&H) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let t = Instant::now();
        h.step();
        let frame = t.elapsed();
        assert!(
            frame < SLOW_FRAME,
            "a frame took {frame:?} while waiting for {what}"
        );
        if done(h) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// Every request ends: nothing left in flight (no spinner) within `secs`.
fn all_requests_end(h: &mut H, secs: u64) {
    wait(h, secs, "every request to end", |h| {
        h.state().worker().in_flight() == 0
    });
}

/// Once the fault is cleared, the Retry in place loads the images.
fn retry_recovers(h: &mut H) {
    all_requests_end(h, 5);
    clear(h);
    h.get_by_label_contains("Retry").click();
    wait(h, 10, "Retry loads the images", images_loaded);
}

fn repo(h: &H, name: &str) -> RepoRef {
    common::ui::repo_ref(h, name)
}

fn go(h: &mut H, repository: Option<&str>) {
    let registry = h.state().state.location.registry.clone();
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::GoTo(Location {
            registry,
            repository: repository.map(str::to_owned),
            image: None,
        })));
}

fn images_loaded(h: &H) -> bool {
    h.state().state.open_images().is_some_and(|ri| {
        ri.list.shown().is_some() && !ri.list.is_loading() && ri.list.error().is_none()
    })
}

fn list_error(h: &H) -> Option<String> {
    h.state()
        .state
        .open_images()
        .and_then(|ri| ri.list.error())
        .map(ToString::to_string)
}

fn last_error(h: &H) -> String {
    h.state().state.last_error.clone().unwrap_or_default()
}

fn inject(h: &H, op: &str, kind: FaultKind) {
    demo_of(h).knobs.inject(Fault {
        operation: Some(op.into()),
        kind,
        count: u32::MAX,
        after: 0,
    });
}

fn clear(h: &H) {
    demo_of(h).knobs.clear_faults();
}

/// Opens `name` and waits for the list to end (loaded or failed).
fn open(h: &mut H, name: &str) {
    go(h, Some(name));
    wait(h, 20, "the image list to end", |h| {
        h.state().state.open_images().is_some_and(|ri| {
            !ri.list.is_loading() && (ri.list.shown().is_some() || ri.list.error().is_some())
        })
    });
}

/// Fault: an HTML 502, 503 and 504 from a gateway on DescribeImages.
/// Action: open a repository, then Retry once the gateway is back.
/// Holds: said to be temporary, with Retry; never "does not support".
#[test]
fn gateway_errors_are_temporary_and_retry_recovers() {
    let rt = runtime();
    let mut h = app(&rt);
    for (status, name) in [
        (502, "web/frontend"),
        (503, "payments/ledger"),
        (504, "base/python"),
    ] {
        inject(&h, "DescribeImages", FaultKind::Html(status));
        open(&mut h, name);
        let e = list_error(&h).expect("an error in place");
        assert!(
            e.contains("temporarily unavailable") && e.contains(&status.to_string()),
            "{e}"
        );
        assert!(!e.contains("does not support"), "{e}");
        assert!(
            h.query_by_label_contains("Retry").is_some(),
            "a Retry button"
        );
        retry_recovers(&mut h);
    }
}

/// Fault: HTTP 500 (HTML) on a call the endpoint answered a moment ago.
/// Action: F5. Holds: temporary, not "this endpoint does not support".
#[test]
fn html_500_on_a_call_that_worked_is_temporary() {
    let rt = runtime();
    let mut h = app(&rt);
    open(&mut h, "web/frontend");
    assert!(images_loaded(&h));
    inject(&h, "DescribeImages", FaultKind::Html(500));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::Refresh));
    wait(&mut h, 10, "the refresh to fail", |h| {
        list_error(h).is_some()
    });
    let e = list_error(&h).unwrap_or_default();
    assert!(e.contains("temporarily unavailable"), "{e}");
    assert!(!e.contains("does not support"), "{e}");
    clear(&h);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::Refresh));
    wait(&mut h, 10, "F5 recovers", images_loaded);
}

/// Fault: every DescribeImages throttled, past the client's retries.
/// Action: open a repository; Retry after the throttling stops.
#[test]
fn throttled_past_the_retries_then_retry_works() {
    let rt = runtime();
    let mut h = app(&rt);
    inject(&h, "DescribeImages", FaultKind::Throttle);
    open(&mut h, "web/frontend");
    let e = list_error(&h).expect("an error in place");
    assert!(e.contains("Throttled"), "{e}");
    retry_recovers(&mut h);
}

/// Fault: a rate cap of 20 requests a second while 200 repositories of
/// 2,000 images are listed and three of them opened.
/// Holds: everything loads; throttled answers are a small share.
#[test]
fn a_rate_cap_during_a_big_listing_loads_everything() {
    let rt = runtime();
    let mut opts = options(SeedConfig::bulk(200, 2_000));
    opts.worker.client.operation_timeout = Duration::from_secs(30);
    opts.worker.client.max_attempts = 5;
    let mut h = app_with(&rt, opts);
    let demo = demo_of(&h);
    demo.knobs.set_rate_limit(20);
    let names: Vec<String> = h
        .state()
        .state
        .selected_registry()
        .and_then(|r| r.repositories.shown())
        .map(|l| l.iter().take(3).map(|r| r.name.clone()).collect())
        .unwrap_or_default();
    let before = demo.knobs.total();
    for name in &names {
        open(&mut h, name);
        assert!(images_loaded(&h), "{name}: {:?}", list_error(&h));
        let n = h
            .state()
            .state
            .open_images()
            .and_then(|ri| ri.list.shown())
            .map_or(0, |l| l.len());
        assert_eq!(n, 2_000, "{name}: every image");
    }
    all_requests_end(&mut h, 60);
    let calls = demo.knobs.total() - before;
    let throttled = demo.knobs.count("throttled");
    assert!(
        throttled * 5 <= calls,
        "few throttles: {throttled} of {calls} answers"
    );
}

/// Fault: every call hangs. Action: open a repository, press Escape and
/// Back while it hangs. Holds: the UI responds at once; each request ends
/// with a timeout within the operation timeout; F5 recovers once cleared.
#[test]
fn every_call_hangs_yet_the_ui_answers_and_requests_time_out() {
    let rt = runtime();
    let mut h = app(&rt);
    demo_of(&h).knobs.inject(Fault::always(FaultKind::Hang));
    go(&mut h, Some("web/frontend"));
    h.step();
    assert_eq!(
        h.state().state.location.repository.as_deref(),
        Some("web/frontend")
    );
    let target = repo(&h, "web/frontend");
    h.state_mut()
        .handle(UiAction::Login(LoginAction::OpenPushCommands(target)));
    h.step();
    h.key_press(egui::Key::Escape);
    h.step();
    h.state_mut().handle(UiAction::Browse(BrowseAction::Back));
    h.step();
    assert_eq!(
        h.state().state.location.repository,
        None,
        "Back answers at once"
    );
    // The repository's own requests are nobody's concern after Back (their
    // answers are dropped); F5 here asks for the list, which hangs too and
    // must end in a timeout said in words.
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::Refresh));
    h.step();
    all_requests_end(&mut h, 8);
    assert!(last_error(&h).contains("timed out"), "{}", last_error(&h));
    clear(&h);
    open(&mut h, "web/frontend");
    assert!(images_loaded(&h));
}

/// Fault: the credentials expire mid-session (ExpiredTokenException on
/// every call). Action: F5, then F5 again once they are fixed.
/// Holds: said in words; recovers without a restart.
#[test]
fn expired_credentials_are_said_and_f5_recovers_without_a_restart() {
    let rt = runtime();
    let mut h = app(&rt);
    open(&mut h, "web/frontend");
    demo_of(&h).knobs.inject(Fault::always(FaultKind::Error {
        code: "ExpiredTokenException".into(),
        message: "The security token included in the request is expired".into(),
    }));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::Refresh));
    wait(&mut h, 10, "the refresh to fail", |h| {
        list_error(h).is_some()
    });
    let e = list_error(&h).unwrap_or_default();
    assert!(e.contains("have expired"), "{e}");
    all_requests_end(&mut h, 5);
    clear(&h);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::Refresh));
    wait(&mut h, 10, "F5 recovers", images_loaded);
}

fn repository_gone_said(h: &H, name: &str) -> bool {
    h.state().state.location.repository.is_none()
        && h.state()
            .state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains(name) && e.contains("no longer exists"))
}

/// Fault: the open repository is deleted elsewhere. Action: F5 on each tab
/// (images, lifecycle, permissions) and in an image's findings.
/// Holds: "no longer exists" and back to the list; never "no lifecycle
/// policy", "no policy" or "not scanned".
#[test]
fn a_repository_deleted_while_open_is_said_on_every_tab() {
    let rt = runtime();
    let mut h = app(&rt);
    let cases = [
        ("web/frontend", Some(RepoTab::Images), false),
        ("payments/ledger", Some(RepoTab::Lifecycle), false),
        ("base/python", Some(RepoTab::Policy), false),
        ("infra/envoy", None, true),
    ];
    for (name, tab, findings) in cases {
        open(&mut h, name);
        if let Some(tab) = tab {
            h.state_mut()
                .handle(UiAction::Browse(BrowseAction::SetRepoTab(tab)));
        }
        if findings {
            let d = first_image(&h);
            h.state_mut()
                .handle(UiAction::Browse(BrowseAction::SelectImage(Some(d))));
            wait(&mut h, 10, "an image open", |h| {
                h.state().state.location.image.is_some()
            });
            h.state_mut()
                .handle(UiAction::Scanning(ScanningAction::OpenFindings));
        }
        for _ in 0..5 {
            h.step();
        }
        all_requests_end(&mut h, 10);
        demo_of(&h).with_store(|s| s.repos.remove(name));
        h.state_mut()
            .handle(UiAction::Browse(BrowseAction::Refresh));
        wait(&mut h, 10, "the repository said gone", |h| {
            repository_gone_said(h, name)
        });
        for wrong in [
            "no lifecycle policy",
            "has no policy",
            "not scanned",
            "never scanned",
        ] {
            assert!(
                h.query_by_label_contains(wrong).is_none(),
                "{name}: showed '{wrong}'"
            );
        }
        all_requests_end(&mut h, 10);
    }
}

/// Fault: an image deleted after it was selected. Action: export its
/// findings. Holds: the export says the image is gone; nothing written.
#[test]
fn exporting_a_deleted_image_says_so() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("out.csv");
    let mut opts = options(SeedConfig::default());
    opts.picker = ecrscope::platform::save_dialog::Picker(std::sync::Arc::new(
        ecrscope::platform::save_dialog::FixedPath(target.clone()),
    ));
    let mut h = app_with(&rt, opts);
    open(&mut h, "web/frontend");
    let d = first_image(&h);
    demo_of(&h).with_store(|s| {
        if let Some(r) = s.repos.get_mut("web/frontend") {
            r.images.retain(|i| i.digest != d);
        }
    });
    let frontend = repo(&h, "web/frontend");
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::Export(
            frontend,
            vec![d],
            ecrscope::scanning::export::Format::Csv,
        )));
    wait(&mut h, 10, "the export to stop", |h| {
        last_error(h).contains("Export stopped")
    });
    assert!(
        last_error(&h).contains("no longer exists"),
        "{}",
        last_error(&h)
    );
    assert!(!target.exists(), "nothing written");
    all_requests_end(&mut h, 5);
}

fn first_image(h: &H) -> Digest {
    h.state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .and_then(|l| l.iter().find(|i| !i.manifest.is_index()).map(|i| i.digest))
        .expect("an image")
}

/// Faults: a scan that never finishes; a poll that fails once; a FAILED
/// scan. Holds: backoff to the cap then a message and the status bar's count
/// back to 0; following resumes after one failed poll; a failed scan says
/// why.
#[test]
fn scans_that_never_finish_fail_once_or_fail() {
    let rt = runtime();
    let mut opts = options(SeedConfig::default());
    opts.follow_policy.scans.max_polls = 5;
    let mut h = app_with(&rt, opts);
    open(&mut h, "web/frontend");
    let images: Vec<Digest> = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .map(|l| {
            l.iter()
                .filter(|i| !i.manifest.is_index())
                .map(|i| i.digest)
                .take(3)
                .collect()
        })
        .unwrap_or_default();
    let demo = demo_of(&h);
    let r = repo(&h, "web/frontend");
    // The images have not been scanned in the last 24 hours (the seed's
    // newest image is scanned under a day ago until about 04:00 UTC, and
    // ECR allows one scan a day).
    demo.with_store(|s| {
        for i in s
            .repos
            .get_mut("web/frontend")
            .expect("repo")
            .images
            .iter_mut()
        {
            if images.contains(&i.digest) {
                i.scan = None;
            }
        }
    });
    // Never finishes.
    demo.with_store(|s| s.scan_seconds = 1.0e9);
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::StartScan(
            r.clone(),
            vec![images[0]],
        )));
    wait(&mut h, 10, "following starts", |h| {
        h.state().state.scans_followed() == 1
    });
    wait(&mut h, 10, "following given up", |h| {
        h.state().state.scans_followed() == 0
    });
    assert!(
        last_error(&h).contains("stopped following"),
        "{}",
        last_error(&h)
    );
    // One failed poll, then the scan completes.
    demo.with_store(|s| s.scan_seconds = 0.5);
    demo.knobs.inject(Fault {
        operation: Some("DescribeImageScanFindings".into()),
        kind: FaultKind::Throttle,
        count: 2,
        after: 0,
    });
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::StartScan(
            r.clone(),
            vec![images[1]],
        )));
    wait(&mut h, 10, "following starts", |h| {
        h.state().state.scans_followed() == 1
    });
    wait(&mut h, 15, "the scan completes", |h| {
        h.state().state.scans_followed() == 0
    });
    assert!(
        !h.state()
            .state
            .last_notice
            .as_deref()
            .unwrap_or("")
            .contains("Stopped following"),
        "one failed poll resumes"
    );
    // A FAILED scan says why.
    demo.with_store(|s| s.fail_next_scan = true);
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::StartScan(
            r,
            vec![images[2]],
        )));
    wait(&mut h, 15, "the failure said", |h| {
        last_error(h).contains("failed")
    });
    all_requests_end(&mut h, 5);
}

/// Fault: latency of 30 ms on every call while a bulk change goes to 400
/// repositories. Holds: each repository's change ends (none left pending),
/// no success is said for a change not made, at most one "busy" notice.
#[test]
fn bulk_settings_over_400_repositories_with_latency() {
    let rt = runtime();
    let mut h = app_with(&rt, options(SeedConfig::bulk(400, 1)));
    demo_of(&h).knobs.set_latency(Duration::from_millis(30));
    let reg = h
        .state()
        .state
        .selected_registry()
        .map(|r| r.spec.clone())
        .expect("registry");
    let names: Vec<String> = h
        .state()
        .state
        .selected_registry()
        .and_then(|r| r.repositories.shown())
        .map(|l| l.iter().map(|r| r.name.clone()).collect())
        .unwrap_or_default();
    assert_eq!(names.len(), 400);
    h.state_mut()
        .handle(UiAction::Manage(ManageAction::ApplyBulk(
            reg.clone(),
            names.clone(),
            ecrscope::message::RepoChange::ScanOnPush(true),
        )));
    let mut busy = 0;
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        h.step();
        busy += h
            .state_mut()
            .state
            .notices
            .drain(..)
            .filter(|n| n.text.contains("busy"))
            .count();
        let pending = h
            .state()
            .state
            .registry(&reg.key())
            .map_or(0, |r| r.pending.len());
        if pending == 0 && h.state().worker().in_flight() == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{pending} changes still pending");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(busy <= 1, "{busy} busy notices");
    let on = demo_of(&h).with_store(|s| s.repos.values().filter(|r| r.scan_on_push).count());
    let failed = h
        .state()
        .state
        .registry(&reg.key())
        .map_or(0, |r| r.change_errors.len());
    assert_eq!(
        on.unwrap_or(0) + failed,
        400,
        "every repository either changed or says why not"
    );
}

/// Fault: BatchDeleteImage lets the first call (100 images) through, then
/// fails. Action: delete 150 images. Holds: the message says how many were
/// deleted and why the rest were not; the list shows what the server holds.
#[test]
fn a_batch_delete_failing_part_way_says_what_was_done() {
    let rt = runtime();
    let mut h = app_with(
        &rt,
        options(SeedConfig {
            big_repository_images: 400,
            ..SeedConfig::default()
        }),
    );
    open(&mut h, "tools/ci-runner");
    let digests: Vec<Digest> = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .map(|l| l.iter().map(|i| i.digest).take(150).collect())
        .unwrap_or_default();
    assert_eq!(digests.len(), 150);
    demo_of(&h).knobs.inject(Fault {
        operation: Some("BatchDeleteImage".into()),
        kind: FaultKind::Error {
            code: "ServerException".into(),
            message: "internal failure".into(),
        },
        count: 1,
        after: 1,
    });
    let target = repo(&h, "tools/ci-runner");
    h.state_mut()
        .handle(UiAction::Manage(ManageAction::ChangeImages(
            target,
            ecrscope::message::ImageChange::Delete(digests),
        )));
    wait(&mut h, 15, "the outcome said", |h| {
        last_error(h).contains("deleted")
    });
    let e = last_error(&h);
    assert!(
        e.contains("100 deleted, 50 not") && e.contains("internal failure"),
        "{e}"
    );
    wait(&mut h, 10, "the list re-read: 400 - 100", |h| {
        h.state()
            .state
            .open_images()
            .and_then(|ri| ri.list.shown())
            .is_some_and(|l| l.len() == 300)
    });
    all_requests_end(&mut h, 10);
}

/// Faults: a page token that repeats forever; a 200 whose body is cut off;
/// a 200 that is not JSON. Holds: an error that says so, memory bounded
/// (the list never grows past what the server holds).
#[test]
fn a_repeating_token_and_malformed_answers_are_errors() {
    let rt = runtime();
    let mut h = app(&rt);
    inject(&h, "DescribeImages", FaultKind::RepeatToken);
    open(&mut h, "web/frontend");
    let e = list_error(&h).unwrap_or_default();
    assert!(e.contains("token"), "{e}");
    let held = demo_of(&h)
        .with_store(|s| s.repos["web/frontend"].images.len())
        .unwrap_or(0);
    let shown = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .map_or(0, |l| l.len());
    assert!(shown <= held, "{shown} rows for {held} images");
    clear(&h);
    for (kind, name) in [
        (FaultKind::Truncated, "payments/ledger"),
        (FaultKind::NotJson, "base/python"),
    ] {
        inject(&h, "DescribeImages", kind);
        open(&mut h, name);
        let e = list_error(&h).unwrap_or_default();
        assert!(e.contains("unreadable answer"), "{e}");
        clear(&h);
    }
    all_requests_end(&mut h, 5);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::Refresh));
    wait(&mut h, 10, "F5 recovers", images_loaded);
}

/// Faults on the config blob download: each shows a specific problem in
/// the details pane within the blob timeout, and nothing is fetched from a
/// link-local address.
#[test]
fn each_blob_fault_is_said_in_place() {
    let rt = runtime();
    let mut h = app(&rt);
    open(&mut h, "web/frontend");
    let images: Vec<Digest> = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .map(|l| {
            l.iter()
                .filter(|i| !i.manifest.is_index())
                .map(|i| i.digest)
                .collect()
        })
        .unwrap_or_default();
    let cases = [
        (BlobFault::Oversize, "larger than 8 MiB"),
        (BlobFault::WrongDigest, "hashes to"),
        (BlobFault::NotUtf8, "hashes to"),
        (BlobFault::Redirect, "HTTP 302"),
        (BlobFault::Slow, "timed out"),
        (BlobFault::Reset, "broke off"),
        (BlobFault::LinkLocalUrl, "link-local"),
    ];
    assert!(images.len() >= cases.len());
    for ((fault, words), d) in cases.into_iter().zip(images) {
        demo_of(&h).knobs.set_blob_fault(Some(fault));
        let started = Instant::now();
        h.state_mut()
            .handle(UiAction::Browse(BrowseAction::SelectImage(Some(d))));
        wait(&mut h, 10, "the config problem", |h| {
            config_problem(h, d).is_some()
        });
        let said = config_problem(&h, d).unwrap_or_default();
        assert!(said.contains(words), "{fault:?}: {said}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{fault:?} within the blob timeout"
        );
    }
    clear(&h);
    all_requests_end(&mut h, 5);
}

fn config_problem(h: &H, d: Digest) -> Option<String> {
    let ri = h.state().state.open_images()?;
    let doc = ri.details.get(&d)?.shown()?;
    match doc.config.as_ref()? {
        Err(p) => Some(ecrscope::state::wording::blob_problem(p)),
        Ok(_) => Some("no problem".into()),
    }
}

/// The demo endpoint refuses a foreign Host header and a nonsense page
/// token with HTTP 400, and keeps serving the app.
#[test]
fn the_demo_refuses_foreign_hosts_and_nonsense_tokens() {
    let rt = runtime();
    let mut h = app(&rt);
    let url = demo_of(&h).url();
    let addr = url.trim_start_matches("http://").to_owned();
    let status = |host: &str, body: &str| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&addr).expect("connect");
        let req = format!(
            "POST / HTTP/1.1\r\nHost: {host}\r\nX-Amz-Target: AmazonEC2ContainerRegistry_V20150921.DescribeImages\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEMO/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).expect("write");
        let mut resp = String::new();
        let _ = s.read_to_string(&mut resp);
        resp.split_whitespace().nth(1).unwrap_or("").to_owned()
    };
    let body = r#"{"repositoryName":"web/frontend"}"#;
    assert_eq!(status("evil.example", body), "400", "a foreign Host");
    assert_eq!(
        status(
            &addr,
            r#"{"repositoryName":"web/frontend","nextToken":"garbage"}"#
        ),
        "400",
        "a nonsense nextToken"
    );
    assert_eq!(status(&addr, body), "200", "the real thing still works");
    open(&mut h, "web/frontend");
    assert!(images_loaded(&h), "and the app is still served");
}

/// Fault: DeleteRepositoryPolicy refused (AccessDenied), then answering
/// HTML 500.
/// Action: delete the policy of an open repository.
/// Holds: the refusal is said in words; the re-read after it shows the
/// policy the server still holds; every request ends.
#[test]
fn a_refused_policy_delete_leaves_the_policy_shown() {
    let rt = runtime();
    let mut h = app(&rt);
    go(&mut h, Some("base/python"));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRepoTab(RepoTab::Policy)));
    let shown = |h: &H| {
        h.state()
            .state
            .selected_registry()
            .and_then(|r| r.docs.repo_policy.get("base/python"))
            .and_then(|d| d.shown().cloned())
            .flatten()
    };
    wait(&mut h, 10, "the policy", |h| shown(h).is_some());
    for kind in [
        FaultKind::Error {
            code: "AccessDeniedException".into(),
            message: "not authorized to perform: ecr:DeleteRepositoryPolicy".into(),
        },
        FaultKind::Html(500),
    ] {
        inject(&h, "DeleteRepositoryPolicy", kind);
        let target = repo(&h, "base/python");
        h.state_mut()
            .handle(UiAction::Manage(ManageAction::DeleteRepoPolicy(target)));
        wait(&mut h, 20, "the refusal", |h| {
            last_error(h).contains("was not deleted")
        });
        all_requests_end(&mut h, 10);
        assert!(
            shown(&h).is_some(),
            "the policy the server holds stays shown"
        );
        assert!(
            demo_of(&h)
                .with_store(|s| s.repos.get("base/python").map(|r| r.policy.is_some()))
                .flatten()
                .unwrap_or(false),
            "nothing was deleted"
        );
        clear(&h);
        h.state_mut().state.last_error = None;
    }
}

fn registry_policy_shown(h: &H) -> Option<String> {
    h.state()
        .state
        .selected_registry()
        .and_then(|r| r.admin.registry_policy.shown().cloned())
        .flatten()
}

/// Fault: PutRegistryPolicy refused (AccessDenied), answering an HTML 500,
/// then hanging past the client's timeout.
/// Action: save an edited registry policy.
/// Holds: each refusal is said in words (the editor's and the tab's
/// "Last change refused"); the policy shown is the one the server still
/// holds, read back after the refusal; the server's is unchanged; every
/// request ends; frames stay quick; once the fault is cleared the same
/// save lands.
#[test]
fn a_refused_registry_policy_save_leaves_the_servers_policy_shown() {
    use ecrscope::admin::actions::{AdminAction, PolicyTarget};
    let rt = runtime();
    let mut h = app(&rt);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            ecrscope::state::RegistryTab::Administration,
        )));
    wait(&mut h, 20, "the seeded registry policy", |h| {
        registry_policy_shown(h).is_some()
    });
    let before = registry_policy_shown(&h).expect("seeded");
    let spec = h
        .state()
        .state
        .selected_registry()
        .expect("a registry")
        .spec
        .clone();
    let edited = before.replace("210987654321", "111122223333");
    let server = |h: &H| {
        demo_of(h)
            .with_store(|s| s.admin.registry_policy.clone())
            .flatten()
    };
    let save = |h: &mut H| {
        h.state_mut()
            .handle(UiAction::Admin(AdminAction::SavePolicy(
                PolicyTarget::Registry(spec.clone()),
                Some(edited.clone()),
            )));
    };
    for (kind, words) in [
        (FaultKind::AccessDenied, "Access denied"),
        (FaultKind::Html(500), ""),
        (FaultKind::Hang, ""),
    ] {
        inject(&h, "PutRegistryPolicy", kind);
        save(&mut h);
        wait(&mut h, 20, "the save to end", |h| {
            h.state()
                .state
                .selected_registry()
                .is_some_and(|r| !r.admin.registry_policy.is_loading())
        });
        all_requests_end(&mut h, 10);
        let said = h
            .state()
            .state
            .selected_registry()
            .and_then(|r| r.admin.policy_error.clone())
            .expect("the refusal is said");
        assert!(said.contains(words), "{said}");
        assert!(
            h.query_by_label_contains("Last change refused").is_some(),
            "the tab says so"
        );
        assert_eq!(
            registry_policy_shown(&h).as_deref(),
            Some(before.as_str()),
            "the server's policy stays shown"
        );
        assert_eq!(
            server(&h).as_deref(),
            Some(before.as_str()),
            "nothing changed"
        );
        clear(&h);
    }
    save(&mut h);
    wait(&mut h, 20, "the save lands", |h| {
        registry_policy_shown(h).is_some_and(|p| p.contains("111122223333"))
    });
    assert!(
        h.state()
            .state
            .selected_registry()
            .is_some_and(|r| r.admin.policy_error.is_none()),
        "the refusal is gone once a save lands"
    );
}

/// Fault: DescribeImageReplicationStatus hangs, then is throttled past the
/// retries.
/// Action: open an image of a repository a replication rule covers.
/// Holds: the details pane says the status could not be read, with Try
/// again; every request ends; frames stay quick; once the fault is cleared,
/// Try again reads the statuses.
#[test]
fn replication_status_that_hangs_or_is_throttled_is_said_and_retried() {
    let rt = runtime();
    let mut h = app(&rt);
    demo_of(&h).with_store(|s| s.admin.replication_put_at = 0.0);
    // The rules are read with the registry's overview.
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            ecrscope::state::RegistryTab::Overview,
        )));
    wait(&mut h, 20, "the replication rules", |h| {
        h.state()
            .state
            .selected_registry()
            .and_then(|r| r.info.shown())
            .is_some_and(|i| !i.replication_rules.is_empty())
    });
    for kind in [FaultKind::Hang, FaultKind::Throttle] {
        inject(&h, "DescribeImageReplicationStatus", kind);
        open(&mut h, "platform/api-gateway");
        let d = first_image(&h);
        h.state_mut()
            .handle(UiAction::Browse(BrowseAction::SelectImage(Some(d))));
        wait(&mut h, 30, "the status refused in words", |h| {
            h.query_by_label_contains("Replication status:").is_some()
        });
        all_requests_end(&mut h, 10);
        clear(&h);
        h.get_by_label("Try again").scroll_to_me();
        h.step();
        h.get_by_label("Try again").click();
        wait(&mut h, 20, "the statuses after Try again", |h| {
            h.query_by_label_contains("Replicated to us-west-2 (123456789012)")
                .is_some()
        });
        // Another repository, so the next fault meets a fresh ask.
        open(&mut h, "hello-world");
        h.state_mut()
            .handle(UiAction::Browse(BrowseAction::SelectRepository(Some(
                "hello-world".into(),
            ))));
        // Forget what was read, as a restart would.
        let key = common::ui::selected_key(&h);
        if let Some(ri) = h
            .state_mut()
            .state
            .registry_mut(&key)
            .and_then(|r| r.images.get_mut("platform/api-gateway"))
        {
            ri.replication.clear();
        }
    }
}
