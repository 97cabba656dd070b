//! Global search benchmark.
//!
//! 1. An exact tag over 1,000 repositories of one registry (demo endpoint,
//!    50 ms a request, 50 requests/s cap): the time against its lower bound
//!    max(calls / rate, calls x latency / in-flight), and the same search as a
//!    user would do it without ecrscope, `aws ecr describe-images --image-ids
//!    imageTag=…` per repository from a shell loop (timed over the first 20
//!    repositories and extrapolated, since 1,000 CLI starts take minutes).
//! 2. Two profiles on one account searched together (500 repositories each,
//!    the same cap): the share of throttled answers, and the time against
//!    the bound for the shared rate.
//! 3. Frame times of the search view holding 100,000 results.
//!
//! Run: `cargo bench --bench search` (`--quick` for small sizes; under
//! `cargo test` it runs quick).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::disallowed_methods
)]

use std::time::{Duration, Instant};

use ecrscope::demo::{LazyDemo, SeedConfig, server_of};
use ecrscope::model::{
    Digest, Discovery, Image, ImageStatus, ManifestKind, RegistryKey, RegistrySource, RegistrySpec,
};
use ecrscope::state::{AppState, FollowUp, Requested, SearchHit, SearchKind, SearchState};
use ecrscope::worker::{Worker, WorkerConfig};

const LATENCY_MS: u64 = 50;
const RATE: u64 = 50;
const IN_FLIGHT: usize = 8;

fn quick() -> bool {
    let a: Vec<String> = std::env::args().collect();
    a.iter().any(|x| x == "--quick") || !a.iter().any(|x| x == "--bench")
}

fn spec(profile: Option<&str>) -> RegistrySpec {
    RegistrySpec {
        profile: profile.map(str::to_owned),
        region: "us-east-1".into(),
        endpoint: None,
        registry_id: None,
        source: RegistrySource::Demo,
    }
}

/// Sends the requests a transition asked for.
fn send(worker: &Worker, st: &mut AppState, follow: Vec<FollowUp>) {
    for f in follow {
        if let FollowUp::Request(cmd) = f {
            let id = worker.send(cmd.clone()).expect("queue");
            st.started(id, &cmd);
        }
    }
}

struct Run {
    secs: f64,
    calls: u64,
    /// DescribeImages calls: the action the rate cap holds back (ECR's
    /// quotas, and the demo's cap, are per API action).
    describe: u64,
    throttled: u64,
    hits: usize,
}

/// Lists the registries, puts `needle` on one image in three repositories,
/// then times the search over every registry.
fn search_run(repos: usize, profiles: &[Option<&str>]) -> Run {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let demo = LazyDemo::new(SeedConfig::bulk(repos, 2), Duration::ZERO);
    let (worker, mut events) = Worker::start(
        rt.handle(),
        WorkerConfig {
            queue: 8192,
            demo: Some(demo.clone()),
            fixed_discovery: Some(Discovery::default()),
            ..WorkerConfig::default()
        },
        std::sync::Arc::new(|| {}),
    );
    let specs: Vec<RegistrySpec> = profiles.iter().map(|p| spec(*p)).collect();
    let mut st = AppState::default();
    st.set_registries(specs.clone());
    for s in &specs {
        let f = st.load_registry(&s.key());
        send(&worker, &mut st, f);
    }
    rt.block_on(async {
        while specs.iter().any(|s| {
            st.registry(&s.key()).is_some_and(|r| {
                !matches!(r.repositories, Requested::Ready(_)) || r.info.is_loading()
            })
        }) {
            let ev = events.recv().await.unwrap();
            let f = st.apply(ev);
            send(&worker, &mut st, f);
        }
    });
    let server = server_of(&*demo).expect("demo started");
    server.with_store(|s| {
        for n in [3, repos / 2, repos - 2] {
            let r = s.repos.get_mut(&format!("bulk/repo-{n:04}")).unwrap();
            r.images[0].tags.push("needle-9.9".into());
        }
    });
    server.knobs.set_latency(Duration::from_millis(LATENCY_MS));
    server.knobs.set_rate_limit(
        std::env::var("SEARCH_RATE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(RATE),
    );
    std::thread::sleep(Duration::from_millis(1_100)); // a full bucket
    let before = server.knobs.total();
    let describe_before = server.knobs.count("DescribeImages");
    let throttled_before = server.knobs.count("throttled");
    let t0 = Instant::now();
    let scope: Vec<RegistryKey> = specs.iter().map(RegistrySpec::key).collect();
    let f = st.start_search("needle-9.9", scope, "");
    send(&worker, &mut st, f);
    rt.block_on(async {
        while st.search.as_ref().is_some_and(SearchState::is_running) {
            let ev = events.recv().await.unwrap();
            let f = st.apply(ev);
            send(&worker, &mut st, f);
        }
    });
    let secs = t0.elapsed().as_secs_f64();
    let s = st.search.as_ref().unwrap();
    assert!(
        s.errors.is_empty(),
        "{:?}",
        &s.errors[..s.errors.len().min(3)]
    );
    Run {
        secs,
        calls: server.knobs.total() - before,
        describe: server.knobs.count("DescribeImages") - describe_before,
        throttled: server.knobs.count("throttled") - throttled_before,
        hits: s.hits.iter().filter(|h| h.image.is_some()).count(),
    }
}

/// The aws CLI over the first `n` repositories of a demo endpoint with the
/// same latency and cap: seconds per repository.
fn cli_per_repo(n: usize) -> Option<f64> {
    let bin = std::env::var("AWS_CLI").unwrap_or_else(|_| {
        let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/aws");
        if venv.exists() {
            venv.display().to_string()
        } else {
            "aws".into()
        }
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = rt
        .block_on(ecrscope::demo::DemoServer::start(&SeedConfig::bulk(n, 2)))
        .unwrap();
    server.knobs.set_latency(Duration::from_millis(LATENCY_MS));
    server.knobs.set_rate_limit(RATE);
    let url = server.url();
    let t0 = Instant::now();
    for r in 0..n {
        let out = std::process::Command::new(&bin)
            .args([
                "--endpoint-url",
                &url,
                "--region",
                "us-east-1",
                "ecr",
                "describe-images",
                "--repository-name",
                &format!("bulk/repo-{r:04}"),
                "--image-ids",
                "imageTag=needle-9.9",
            ])
            .env("AWS_ACCESS_KEY_ID", "AKIDEMO")
            .env("AWS_SECRET_ACCESS_KEY", "demo")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .ok()?;
        // ImageNotFoundException is the answer "not here" (exit 254).
        if !out.status.success() && !String::from_utf8_lossy(&out.stderr).contains("ImageNotFound")
        {
            return None;
        }
    }
    Some(t0.elapsed().as_secs_f64() / n as f64)
}

/// Frame times of the search view with `n` results (no network).
fn frames(n: usize) -> (f64, f64) {
    let mut st = AppState::default();
    let key = RegistryKey("demo".into());
    let hits: Vec<SearchHit> = (0..n)
        .map(|i| SearchHit {
            registry: key.clone(),
            repository: format!("bulk/repo-{:04}", i / 100),
            image: Some(Image {
                digest: Digest::of_bytes(&i.to_le_bytes()),
                tags: vec![format!("needle-{i}")],
                size_bytes: 1 << 20,
                pushed_at: Some(1_700_000_000_000),
                last_pull: None,
                manifest: ManifestKind::OciManifest,
                artifact_media_type: None,
                status: ImageStatus::Active,
                scan_status: None,
                severity_counts: None,
                archive: None,
            }),
            matched: ecrscope::state::HitMatch::Tag,
        })
        .collect();
    st.search = Some(SearchState {
        id: 1,
        query: "needle".into(),
        kind: SearchKind::Tag("needle".into()),
        scope: vec![key],
        total: n / 100,
        done: n / 100,
        hits,
        ..SearchState::default()
    });
    let ctx = egui::Context::default();
    let mut view = ecrscope::search::view::SearchView::default();
    view.open = true;
    let mut times = Vec::new();
    for f in 0..120 {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1280.0, 800.0),
            )),
            events: if f % 2 == 0 {
                vec![
                    egui::Event::PointerMoved(egui::pos2(640.0, 500.0)),
                    egui::Event::MouseWheel {
                        unit: egui::MouseWheelUnit::Point,
                        delta: egui::vec2(0.0, -400.0),
                        modifiers: egui::Modifiers::NONE,
                        phase: egui::TouchPhase::Move,
                        source: egui::MouseWheelSource::Wheel,
                    },
                ]
            } else {
                Vec::new()
            },
            ..Default::default()
        };
        let t = Instant::now();
        let mut full = ctx.run_ui(input, |ui| {
            let mut actions = Vec::new();
            egui::CentralPanel::default().show(ui, |ui| {
                ecrscope::search::view::search_ui(ui, &st, &mut view, &mut actions);
            });
        });
        // Tessellated as for a real frame; no GPU here, so the texture
        // uploads are dropped on purpose.
        let _prims = ctx.tessellate(std::mem::take(&mut full.shapes), full.pixels_per_point);
        full.textures_delta.clear();
        if f >= 20 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let p = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    (p(0.5), p(0.95))
}

fn main() {
    // ECRSCOPE_LOG=ecrscope::rate_gate=trace shows the gate's cuts.
    ecrscope::platform::logging::init();
    let (n, n2, cli_n) = if quick() {
        (60, 30, 3)
    } else {
        (1_000, 500, 20)
    };
    // For experiments: SEARCH_N repositories; SEARCH_ONLY for part 1 alone.
    let n: usize = std::env::var("SEARCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n);
    println!(
        "ecrscope global search ({} repositories; {LATENCY_MS} ms a request, {RATE} requests/s cap)\n",
        n
    );
    println!("| measure | result |");
    println!("|---|---|");
    let two_only = std::env::var_os("SEARCH_TWO_ONLY").is_some();
    let one = if two_only {
        None
    } else {
        Some(search_run(n, &[None]))
    };
    // SEARCH_TWO_ONLY: the two-profile part alone (for experiments).
    if let Some(one) = one {
        // The cap's bucket starts full (one second's worth): those calls are free.
        let bound = (one.describe.saturating_sub(RATE) as f64 / RATE as f64)
            .max(one.calls as f64 * LATENCY_MS as f64 / 1000.0 / IN_FLIGHT as f64);
        println!(
            "| exact tag, {n} repositories, one registry | {:.2} s for {} calls (bound {:.2} s: {:.2}x), {} found, {} throttled |",
            one.secs,
            one.calls,
            bound,
            one.secs / bound,
            one.hits,
            one.throttled
        );
        if std::env::var_os("SEARCH_ONLY").is_some() {
            return;
        }
        match cli_per_repo(cli_n) {
            Some(per) => println!(
                "| aws CLI loop, describe-images --image-ids imageTag=… | {:.2} s a repository ({cli_n} timed): {:.0} s for {n} (ecrscope {:.0}x faster) |",
                per,
                per * n as f64,
                per * n as f64 / one.secs
            ),
            None => println!("| aws CLI loop | not run (no aws CLI) |"),
        }
    }
    let two = search_run(n2, &[None, Some("ops")]);
    let bound2 = two.describe.saturating_sub(RATE) as f64 / RATE as f64;
    println!(
        "| two profiles, one account, {n2} repositories each | {:.2} s for {} calls (shared-rate bound {:.2} s: {:.2}x), {} throttled ({:.2} %) |",
        two.secs,
        two.calls,
        bound2,
        two.secs / bound2,
        two.throttled,
        100.0 * two.throttled as f64 / (two.calls.max(1)) as f64
    );
    let results = if quick() { 10_000 } else { 100_000 };
    let (p50, p95) = frames(results);
    println!(
        "| search view with {results} results, scrolling | frame p50 {p50:.2} ms, p95 {p95:.2} ms |"
    );
}
