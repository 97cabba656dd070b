//! Listing benchmark: how long from "open registry" to "every image of every
//! repository loaded", against ECR's own lower bound and against the aws CLI,
//! and the resident memory each loaded image costs.
//!
//! Three processes, so each measurement sees only its own work:
//! - this one orchestrates and prints the table;
//! - `--serve`: the demo endpoint with 200 repositories x 2,000 images, 50 ms
//!   per request and a 50 requests/s cap (ThrottlingException beyond);
//! - `--load URL`: the app's worker and state, loading everything, reporting
//!   wall time, requests and resident memory.
//!
//! The aws CLI (`AWS_CLI`, else `.venv/bin/aws`, else `aws`) then runs
//! `describe-images` for every repository, with its default paging and with
//! `--page-size 1000`. Run: `cargo bench --bench listing` (`--quick` for 20
//! repositories; `--no-cli` to skip the CLI).
//!
//! `--storage`: the Storage tab's way instead ("Read every repository": a
//! few listings at a time through the worker, `AppState::storage_step`),
//! over 1,000 repositories x 2,000 images, against the same bound.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::disallowed_methods
)]

use ecrscope::message::BrowseCommand;
use std::io::{BufRead, BufReader};
use std::process::{Command as Proc, Stdio};
use std::time::{Duration, Instant};

use ecrscope::demo::{DemoServer, SeedConfig};
use ecrscope::message::Command;
use ecrscope::model::RepoRef;
use ecrscope::model::{RegistrySource, RegistrySpec};
use ecrscope::state::{AppState, Requested};
use ecrscope::worker::{Worker, WorkerConfig};

const LATENCY_MS: u64 = 50;
const RATE: u64 = 50;
const PAGE: usize = 1000;

fn args() -> Vec<String> {
    std::env::args().collect()
}

fn arg_value(name: &str) -> Option<String> {
    let a = args();
    a.iter()
        .position(|x| x == name)
        .and_then(|i| a.get(i + 1).cloned())
}

fn sizes() -> (usize, usize) {
    let a = args();
    if a.iter().any(|x| x == "--quick") || !a.iter().any(|x| x == "--bench") {
        (20, 2_000)
    } else if storage_mode() {
        (1_000, 2_000)
    } else {
        (200, 2_000)
    }
}

fn storage_mode() -> bool {
    args().iter().any(|a| a == "--storage")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Resident set size of this process, in bytes.
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// `--serve`: prints the URL, then serves until stdin closes.
fn serve(repos: usize, images: usize) {
    let rt = runtime();
    rt.block_on(async {
        let cfg = SeedConfig {
            showcase: false,
            bulk_repositories: repos,
            bulk_images_per_repository: images,
            big_repository_images: 0,
            zoo_findings: 0,
        };
        let server = DemoServer::start(&cfg).await.unwrap();
        server.knobs.set_latency(Duration::from_millis(LATENCY_MS));
        server.knobs.set_rate_limit(RATE);
        println!("URL {}", server.url());
        // Wait for the orchestrator to close stdin, then report counts.
        tokio::task::spawn_blocking(|| {
            let mut s = String::new();
            while std::io::stdin().read_line(&mut s).is_ok_and(|n| n > 0) {
                s.clear();
            }
        })
        .await
        .unwrap();
        println!(
            "COUNTS total={} throttled={} max_concurrent={}",
            server.knobs.total(),
            server.knobs.count("throttled"),
            server.knobs.max_concurrent()
        );
    });
}

/// `--load URL`: the app's worker loads the registry, then every
/// repository's images (all at once; the worker's per-registry limit decides
/// how many requests are in flight).
fn load(url: &str) {
    let rt = runtime();
    let spec = RegistrySpec {
        profile: None,
        region: "us-east-1".into(),
        endpoint: Some(url.to_owned()),
        registry_id: None,
        source: RegistrySource::Added,
    };
    let key = spec.key();
    let notify: ecrscope::worker::Notify = std::sync::Arc::new(|| {});
    let (worker, mut events) = Worker::start(
        rt.handle(),
        WorkerConfig {
            queue: 1024,
            ..WorkerConfig::default()
        },
        notify,
    );
    let mut st = AppState::default();
    st.set_registries(vec![spec.clone()]);
    // Warm up: the client, its credentials and connection pool exist before
    // the clock starts, as they would once the app is open.
    let cmd = Command::Browse(BrowseCommand::RegistryInfo(spec.clone()));
    let id = worker.send(cmd.clone()).unwrap();
    st.started(id, &cmd);
    rt.block_on(async {
        while st.registry(&key).unwrap().info.is_loading() {
            let ev = events.recv().await.unwrap();
            st.apply(ev);
        }
    });
    std::thread::sleep(Duration::from_millis(1_100)); // let the rate bucket refill
    let baseline = rss();
    let t0 = Instant::now();
    let cmd = Command::Browse(BrowseCommand::Repositories(spec.clone()));
    let id = worker.send(cmd.clone()).unwrap();
    st.started(id, &cmd);
    let mut repos_at = None;
    let mut first_rows_at = None;
    rt.block_on(async {
        loop {
            let ev = events.recv().await.unwrap();
            st.apply(ev);
            let reg = st.registry(&key).unwrap();
            if repos_at.is_none() && matches!(reg.repositories, Requested::Ready(_)) {
                repos_at = Some(t0.elapsed());
                let names: Vec<String> = reg
                    .repositories
                    .shown()
                    .unwrap()
                    .iter()
                    .map(|r| r.name.clone())
                    .collect();
                if storage_mode() {
                    st.registry_mut(&key).unwrap().storage_reading = true;
                } else {
                    for n in names {
                        let cmd = Command::Browse(BrowseCommand::Images(RepoRef::new(&spec, &n)));
                        let id = worker.send(cmd.clone()).unwrap();
                        st.started(id, &cmd);
                    }
                }
            }
            if repos_at.is_none() {
                continue;
            }
            if storage_mode() {
                // What the Storage tab does every frame while reading.
                for f in st.storage_step(&key) {
                    if let ecrscope::state::FollowUp::Request(cmd) = f {
                        let id = worker.send(cmd.clone()).unwrap();
                        st.started(id, &cmd);
                    }
                }
                if st.registry(&key).unwrap().storage_reading {
                    if first_rows_at.is_none()
                        && st
                            .registry(&key)
                            .unwrap()
                            .images
                            .values()
                            .any(|ri| ri.list.shown().is_some_and(|l| !l.is_empty()))
                    {
                        first_rows_at = Some(t0.elapsed());
                    }
                    continue;
                }
                break;
            }
            if repos_at.is_some() && st.registry(&key).unwrap().images.is_empty() {
                continue;
            }
            if repos_at.is_none() {
                continue;
            }
            let reg = st.registry(&key).unwrap();
            if first_rows_at.is_none()
                && reg
                    .images
                    .values()
                    .any(|ri| ri.list.shown().is_some_and(|l| !l.is_empty()))
            {
                first_rows_at = Some(t0.elapsed());
            }
            let done = reg.images.values().all(|ri| !ri.list.is_loading());
            if done {
                break;
            }
        }
    });
    let wall = t0.elapsed();
    let reg = st.registry(&key).unwrap();
    let failed = reg
        .images
        .values()
        .filter(|ri| ri.list.error().is_some())
        .count();
    let images: usize = reg
        .images
        .values()
        .map(|ri| ri.list.shown().map_or(0, |l| l.len()))
        .sum();
    let after = rss();
    println!(
        "LOAD wall_ms={} repos_ms={} first_rows_ms={} images={} failed={} rss_before={} rss_after={}",
        wall.as_millis(),
        repos_at.unwrap_or_default().as_millis(),
        first_rows_at.unwrap_or_default().as_millis(),
        images,
        failed,
        baseline,
        after
    );
    drop(st);
}

fn aws_cli() -> String {
    std::env::var("AWS_CLI").unwrap_or_else(|_| {
        let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/aws");
        if venv.exists() {
            venv.display().to_string()
        } else {
            "aws".into()
        }
    })
}

fn isolated(cmd: &mut Proc) -> &mut Proc {
    cmd.env("AWS_ACCESS_KEY_ID", "bench")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
}

/// `aws ecr describe-images` for every repository, one after the other as a
/// script would; returns wall time and images seen.
fn cli_run(url: &str, repos: usize, page_size: Option<u32>) -> Option<(Duration, usize)> {
    let t0 = Instant::now();
    let mut images = 0;
    for i in 0..repos {
        let name = format!("bulk/repo-{i:04}");
        let mut cmd = Proc::new(aws_cli());
        isolated(&mut cmd).args([
            "ecr",
            "describe-images",
            "--endpoint-url",
            url,
            "--repository-name",
            &name,
            "--query",
            "length(imageDetails)",
            "--output",
            "text",
        ]);
        if let Some(p) = page_size {
            cmd.args(["--page-size", &p.to_string()]);
        }
        let out = cmd.output().ok()?;
        if !out.status.success() {
            println!(
                "aws CLI failed on {name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            return None;
        }
        // The CLI applies --query to each page it fetches: one count per page.
        images += String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .filter_map(|n| n.parse::<usize>().ok())
            .sum::<usize>();
    }
    Some((t0.elapsed(), images))
}

fn kv(line: &str, key: &str) -> u64 {
    line.split_whitespace()
        .find_map(|p| p.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    if args().iter().any(|a| a == "--serve") {
        let (r, i) = sizes();
        return serve(r, i);
    }
    if let Some(url) = arg_value("--load") {
        return load(&url);
    }
    let (repos, per_repo) = sizes();
    let exe = std::env::current_exe().unwrap();
    let pass: Vec<String> = args()
        .into_iter()
        .skip(1)
        .filter(|a| a == "--bench" || a == "--quick" || a == "--storage")
        .collect();
    let mut server = Proc::new(&exe)
        .arg("--serve")
        .args(&pass)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("URL ").unwrap().to_owned();

    let mut loader = Proc::new(&exe);
    isolated(&mut loader).args(["--load", &url]).args(&pass);
    let o = loader.output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    let l = text
        .lines()
        .find(|l| l.starts_with("LOAD"))
        .unwrap_or_else(|| panic!("loader said: {text} {}", String::from_utf8_lossy(&o.stderr)));
    let wall_ms = kv(l, "wall_ms");
    let images = kv(l, "images") as usize;
    let failed = kv(l, "failed");
    assert_eq!(failed, 0, "every repository loaded");
    assert_eq!(images, repos * per_repo, "every image loaded");

    // The lower bound from ECR's rules: pages of 1000; the pages of one
    // repository one after the other; requests in flight bounded (8); the
    // rate cap with a one-second burst, per API action as ECR's quotas are
    // (the DescribeImages pages are what it holds back).
    let pages_per_repo = per_repo.div_ceil(PAGE);
    let requests = 1 + repos * pages_per_repo;
    let latency = LATENCY_MS as f64 / 1000.0;
    let rate_bound =
        ((repos * pages_per_repo) as f64 - RATE as f64).max(0.0) / RATE as f64 + latency;
    let in_flight_bound = requests as f64 * latency / 8.0;
    let chain_bound = latency * (1 + pages_per_repo) as f64;
    let bound = rate_bound.max(in_flight_bound).max(chain_bound);
    let ratio = wall_ms as f64 / 1000.0 / bound;

    println!(
        "ecrscope listing benchmark: {repos} repositories x {per_repo} images, {LATENCY_MS} ms per request, {RATE} requests/s cap ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| lower bound ({requests} requests: rate cap {rate_bound:.2} s, 8 in flight {in_flight_bound:.2} s, page chain {chain_bound:.2} s) | {bound:.2} s |"
    );
    println!(
        "| ecrscope{}: open registry to every image loaded | {:.2} s ({ratio:.2}x the bound) |",
        if storage_mode() {
            " Storage tab (4 listings at a time)"
        } else {
            ""
        },
        wall_ms as f64 / 1000.0
    );
    println!(
        "| ecrscope: repository list / first image rows | {} ms / {} ms |",
        kv(l, "repos_ms"),
        kv(l, "first_rows_ms")
    );
    let (before, after) = (kv(l, "rss_before"), kv(l, "rss_after"));
    println!(
        "| resident memory per loaded image (RSS {} MiB to {} MiB over {images} images) | {} bytes |",
        before / (1 << 20),
        after / (1 << 20),
        after.saturating_sub(before) / images.max(1) as u64
    );
    if !args().iter().any(|a| a == "--no-cli")
        && !storage_mode()
        && args().iter().any(|a| a == "--bench")
    {
        for page in [None, Some(1000)] {
            let label = page.map_or("default paging".to_owned(), |p| format!("--page-size {p}"));
            match cli_run(&url, repos, page) {
                Some((t, n)) => {
                    assert_eq!(n, repos * per_repo, "the CLI saw every image");
                    println!(
                        "| aws CLI describe-images, {label} | {:.2} s (ecrscope {:.1}x faster) |",
                        t.as_secs_f64(),
                        t.as_secs_f64() / (wall_ms as f64 / 1000.0)
                    );
                }
                None => println!("| aws CLI describe-images, {label} | failed |"),
            }
        }
    }
    drop(server.stdin.take());
    let mut rest = String::new();
    while out.read_line(&mut rest).is_ok_and(|n| n > 0) {}
    let counts = rest.lines().find(|l| l.starts_with("COUNTS")).unwrap_or("");
    println!(
        "| server: requests / throttled / max in flight | {} / {} / {} |",
        kv(counts, "total"),
        kv(counts, "throttled"),
        kv(counts, "max_concurrent")
    );
    let _ = server.wait();
}
