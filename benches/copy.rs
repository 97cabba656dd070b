//! Copy benchmark, against the demo endpoint on loopback, served from a
//! child process (so the parent's memory is the copier's alone).
//!
//! 1. Throughput: an image of four big layers copied from one demo account
//!    to another, against the ceilings of the same endpoint measured in the
//!    same run: a plain blob download (GetDownloadUrlForLayer + GET, four
//!    at once) and a plain upload (InitiateLayerUpload, UploadLayerPart,
//!    CompleteLayerUpload from memory, four at once).
//! 2. A second copy of the same image to the same target: what it uploads.
//! 3. Peak extra memory (VmHWM after reset, minus VmRSS before) while copying
//!    one 2 GiB layer.
//! 4. A slow uplink: the endpoint reads request bodies at 100 KB/s; an image
//!    of four 1 MiB layers copied to another account, against the time its
//!    request bytes need at that rate (target: within 1.2x), with the
//!    fewest parts in flight the copy went down to.
//!
//! Run: `cargo bench --bench copy` (`--quick` for small sizes; under
//! `cargo test` it runs quick).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::disallowed_methods
)]

use std::io::{BufRead as _, Write as _};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use ecrscope::demo::layers::Synthetic;
use ecrscope::demo::{DemoServer, SeedConfig};
use ecrscope::ecr::{self, ClientOptions, EcrClient, StaticCredentials};
use ecrscope::model::{Digest, NewRepository};
use ecrscope::transfer::{self, CopyEnds, CopyItem};
use sha2::Digest as _;

const MIB: u64 = 1024 * 1024;

fn quick() -> bool {
    let a: Vec<String> = std::env::args().collect();
    a.iter().any(|x| x == "--quick") || !a.iter().any(|x| x == "--bench")
}

fn arg(name: &str) -> Option<u64> {
    let a: Vec<String> = std::env::args().collect();
    a.iter()
        .position(|x| x == name)
        .and_then(|i| a.get(i + 1))
        .and_then(|v| v.parse().ok())
}

/// The child: a demo endpoint with an image of `--layers` synthetic layers
/// of `--size` bytes in `bench/src`; prints its URL and digest, serves until
/// stdin closes.
fn serve() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (layers, size) = (arg("--layers").unwrap(), arg("--size").unwrap());
    let server = rt
        .block_on(DemoServer::start(&SeedConfig::small()))
        .unwrap();
    if let Some(bps) = arg("--upload-bps") {
        server.knobs.set_upload_bps(bps);
    }
    let synthetic: Vec<Synthetic> = (0..layers)
        .map(|i| Synthetic {
            seed: 0xB16_B10B + i,
            len: size,
        })
        .collect();
    let digest = server
        .with_store(|s| s.put_synthetic_image("bench/src", "big", &synthetic))
        .unwrap()
        .unwrap();
    println!("URL {} DIGEST {digest}", server.url());
    std::io::stdout().flush().unwrap();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    println!(
        "BODY {}",
        server
            .knobs
            .body_bytes
            .load(std::sync::atomic::Ordering::Relaxed)
    );
}

struct Child {
    proc: std::process::Child,
    out: std::io::BufReader<std::process::ChildStdout>,
    url: String,
    digest: Digest,
}

impl Child {
    /// Stops the child; the request body bytes it read in all.
    fn stop(mut self) -> u64 {
        drop(self.proc.stdin.take());
        let mut line = String::new();
        let _ = self.out.read_line(&mut line);
        let _ = self.proc.wait();
        line.trim()
            .strip_prefix("BODY ")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

fn child(layers: u64, size: u64) -> Child {
    child_with(layers, size, None)
}

fn child_with(layers: u64, size: u64, upload_bps: Option<u64>) -> Child {
    let mut args = vec![
        "--serve".to_owned(),
        "--layers".into(),
        layers.to_string(),
        "--size".into(),
        size.to_string(),
    ];
    if let Some(bps) = upload_bps {
        args.extend(["--upload-bps".into(), bps.to_string()]);
    }
    let mut proc = Command::new(std::env::current_exe().unwrap())
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(proc.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let parts: Vec<&str> = line.split_whitespace().collect();
    Child {
        proc,
        out,
        url: parts[1].to_owned(),
        digest: Digest::parse(parts[3]).unwrap(),
    }
}

fn client(url: &str, key: &str) -> EcrClient {
    EcrClient::with_static(
        url,
        "us-east-1",
        &StaticCredentials {
            access_key_id: key.into(),
            secret_access_key: "demo".into(),
        },
        None,
        &ClientOptions::default(),
    )
}

fn rate(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / MIB as f64 / secs
}

fn layers_of(manifest: &str) -> Vec<(Digest, u64)> {
    match transfer::plan::needs(manifest).unwrap() {
        transfer::plan::Needs::Blobs(b) => b.iter().map(|b| (b.digest, b.size)).collect(),
        transfer::plan::Needs::Children(_) => panic!("an image"),
    }
}

/// Downloads every blob, four at once, discarding the bytes.
async fn download_ceiling(c: &EcrClient, blobs: &[(Digest, u64)]) -> (u64, f64) {
    let t = Instant::now();
    let mut total = 0;
    let mut tasks = Vec::new();
    for (d, _) in blobs {
        let c = c.clone();
        let d = *d;
        tasks.push(tokio::spawn(async move {
            let url = ecr::get_download_url_for_layer(&c, "bench/src", &d)
                .await
                .unwrap();
            let mut s = ecr::open_blob(&url, c.blob_timeout(), c.trust())
                .await
                .unwrap();
            let mut n = 0u64;
            while let Some(chunk) = s.next_chunk().await.unwrap() {
                n += chunk.len() as u64;
            }
            n
        }));
    }
    for t in tasks {
        total += t.await.unwrap();
    }
    (total, t.elapsed().as_secs_f64())
}

/// Uploads `count` blobs of `size` bytes from memory, four at once, hashing
/// as a copy does.
async fn upload_ceiling(c: &EcrClient, count: u64, size: u64) -> (u64, f64) {
    ecr::create_repository(
        c,
        &NewRepository {
            name: "bench/upload".into(),
            ..NewRepository::default()
        },
    )
    .await
    .unwrap();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..count {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let up = ecr::initiate_layer_upload(&c, "bench/upload")
                .await
                .unwrap();
            let part = up.part_size as usize;
            let mut chunk = vec![0u8; part];
            ecrscope::demo::layers::fill_stream(i, 0, &mut chunk);
            chunk[0] = i as u8;
            let mut h = sha2::Sha256::new();
            let mut sent = 0u64;
            while sent < size {
                let n = (size - sent).min(part as u64) as usize;
                h.update(&chunk[..n]);
                ecr::upload_layer_part(&c, "bench/upload", &up, sent, chunk[..n].to_vec())
                    .await
                    .unwrap();
                sent += n as u64;
            }
            let d = Digest(h.finalize().into());
            ecr::complete_layer_upload(&c, "bench/upload", &up, &d)
                .await
                .unwrap();
            sent
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    (total, t.elapsed().as_secs_f64())
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn copy_once(
    src: &EcrClient,
    dst: &EcrClient,
    digest: Digest,
    target: &str,
) -> (transfer::CopyReport, f64) {
    let t = Instant::now();
    let report = transfer::copy_images(
        CopyEnds {
            source: src,
            source_repo: "bench/src",
            target: dst,
            target_repo: target,
        },
        &[CopyItem {
            digest,
            tags: vec!["big".into()],
        }],
        Some(&NewRepository {
            name: target.into(),
            ..NewRepository::default()
        }),
        transfer::TagMoves::Allowed(&[]),
        &AtomicBool::new(false),
        &|_| {},
    )
    .await
    .unwrap();
    (report, t.elapsed().as_secs_f64())
}

fn main() {
    if std::env::args().any(|a| a == "--serve") {
        return serve();
    }
    let quick = quick();
    if std::env::args().any(|a| a == "--memory") {
        return memory(quick);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let layer = if quick { 16 * MIB } else { 256 * MIB };
    println!(
        "ecrscope copy benchmark (layers of {} MiB, demo endpoint in a child process)",
        layer / MIB
    );
    let mut c = child(4, layer);
    let (src, dst) = (client(&c.url, "AKIDEMO"), client(&c.url, "AKIDEMOSECOND"));
    rt.block_on(async {
        let (docs, _) = ecr::batch_get_manifests(&src, "bench/src", &[ecrscope::model::ImageId::Digest(c.digest)])
            .await
            .unwrap();
        let blobs = layers_of(&docs[0].manifest);
        let (db, ds) = download_ceiling(&src, &blobs).await;
        let (ub, us) = upload_ceiling(&dst, 4, layer).await;
        let (report, cs) = copy_once(&src, &dst, c.digest, "bench/copy").await;
        let (down, up, cp) = (rate(db, ds), rate(ub, us), rate(report.bytes_uploaded, cs));
        let ceiling = down.min(up);
        println!("download ceiling: {down:.0} MiB/s ({} MiB in {ds:.2} s)", db / MIB);
        println!("upload ceiling:   {up:.0} MiB/s ({} MiB in {us:.2} s)", ub / MIB);
        println!(
            "copy:             {cp:.0} MiB/s ({} MiB in {cs:.2} s) = {:.0} % of the lower ceiling (target: at least 80 %)",
            report.bytes_uploaded / MIB,
            cp / ceiling * 100.0
        );
        let (again, s2) = copy_once(&src, &dst, c.digest, "bench/copy").await;
        println!(
            "second copy:      {} blobs uploaded, {} bytes, {} skipped, {s2:.3} s",
            again.blobs_uploaded, again.bytes_uploaded, again.blobs_skipped
        );
    });
    drop(c.proc.stdin.take());
    let _ = c.proc.wait();
    slow_link(&rt, quick);
    // Memory is measured in a process of its own: this one's heap keeps
    // what the runs above freed.
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--memory", if quick { "--quick" } else { "--bench" }])
        .status()
        .unwrap();
    assert!(status.success());
}

/// A copy over an uplink of 100 KB/s (the endpoint reads request bodies at
/// that rate): its time against the time its request bytes need.
fn slow_link(rt: &tokio::runtime::Runtime, quick: bool) {
    const BPS: u64 = 100_000;
    let (layers, size) = if quick { (2, 96 * 1024) } else { (4, MIB) };
    let c = child_with(layers, size, Some(BPS));
    let (src, dst) = (client(&c.url, "AKIDEMO"), client(&c.url, "AKIDEMOSECOND"));
    let fewest = std::sync::atomic::AtomicUsize::new(usize::MAX);
    let sink = |p: transfer::CopyProgress| {
        if p.lanes > 0 {
            fewest.fetch_min(p.lanes, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let t = Instant::now();
    let report = rt
        .block_on(transfer::copy_images(
            CopyEnds {
                source: &src,
                source_repo: "bench/src",
                target: &dst,
                target_repo: "bench/slow",
            },
            &[CopyItem {
                digest: c.digest,
                tags: vec!["slow".into()],
            }],
            Some(&NewRepository {
                name: "bench/slow".into(),
                ..NewRepository::default()
            }),
            transfer::TagMoves::Allowed(&[]),
            &AtomicBool::new(false),
            &sink,
        ))
        .expect("the copy finishes over the slow link");
    let secs = t.elapsed().as_secs_f64();
    let body = c.stop();
    let need = body as f64 / BPS as f64;
    println!(
        "slow uplink (100 KB/s): {layers} layers of {} KiB copied in {secs:.1} s; its {:.2} MB of request bodies need {need:.1} s at that rate: {:.2}x (target: within 1.2x); {} blobs, fewest parts in flight {}",
        size / 1024,
        body as f64 / 1e6,
        secs / need,
        report.blobs_uploaded,
        fewest.load(std::sync::atomic::Ordering::Relaxed)
    );
}

fn memory(quick: bool) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let big = if quick { 256 * MIB } else { 2048 * MIB };
    let mut c = child(1, big);
    let (src, dst) = (client(&c.url, "AKIDEMO"), client(&c.url, "AKIDEMOSECOND"));
    let before = status_kib("VmRSS:");
    // Resets VmHWM to the current RSS (Linux 4.0 and later).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (report, secs) = rt.block_on(copy_once(&src, &dst, c.digest, "bench/big"));
    let peak = status_kib("VmHWM:");
    println!(
        "one {} MiB layer: copied in {secs:.1} s ({:.0} MiB/s); peak extra memory {:.1} MiB (target: under 64 MiB)",
        big / MIB,
        rate(report.bytes_uploaded, secs),
        peak.saturating_sub(before) as f64 / 1024.0
    );
    drop(c.proc.stdin.take());
    let _ = c.proc.wait();
}
