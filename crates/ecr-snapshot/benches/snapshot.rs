//! Snapshot benchmarks over 1,000 repositories × 2,000 images (2,000,000
//! images): the file's size per image, writing it, opening it, and the
//! difference of two such snapshots (the second with 1% of images pushed,
//! 1% deleted, tags moved and findings changed), with the process's peak
//! memory. Run: `cargo bench -p ecr-snapshot`. Under `cargo test` (no
//! `--bench`) it is a smoke run of 50 x 200 images.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::disallowed_methods)]

use std::time::Instant;

use ecr_snapshot::diff::{apply, diff, report};
use ecr_snapshot::file::{from_bytes, summary_from_bytes, to_bytes};
use ecr_snapshot::{
    ImageSnap, RegistryMeta, RegistrySnap, RepoSettings, RepoSnap, Snapshot, Status, Tags,
};

/// (repositories, images each): full under `cargo bench`, small under
/// `cargo test`.
fn size() -> (usize, usize) {
    if std::env::args().any(|a| a == "--bench") {
        (1_000, 2_000)
    } else {
        (50, 200)
    }
}

const IMAGES: usize = 2_000;

/// A digest that looks like one: 32 bytes with no pattern to compress.
fn digest(n: u64) -> [u8; 32] {
    let mut d = [0u8; 32];
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    for chunk in d.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    d
}

fn image(repo: usize, i: usize) -> ImageSnap {
    let n = (repo * IMAGES + i) as u64;
    let pushed = 1_700_000_000_000 + (i as i64) * 3_600_000;
    ImageSnap {
        digest: digest(n),
        tags: if i.is_multiple_of(5) {
            Tags::default()
        } else {
            Tags::new([
                format!("build-{i}"),
                format!("v{}.{}.{}", i / 1000, i / 100 % 10, i % 100),
            ])
        },
        size: 20_000_000 + (n * 7919) % 300_000_000,
        pushed_at: Some(pushed),
        last_pull: i.is_multiple_of(3).then_some(pushed + 86_400_000),
        index: false,
        status: if i.is_multiple_of(17) {
            Status::Archived
        } else {
            Status::Active
        },
        severities: i
            .is_multiple_of(2)
            .then_some([(i % 3) as u32, (i % 7) as u32, 12, 30, 2, 0]),
    }
}

fn estate() -> Snapshot {
    let mut s = Snapshot {
        taken_at: 1_765_000_000_000,
        app_version: "0.1.0".into(),
        registries: vec![RegistrySnap {
            key: "prod|eu-west-1||123456789012|Profile".into(),
            meta: RegistryMeta {
                label: "prod · eu-west-1".into(),
                account: "123456789012".into(),
                region: "eu-west-1".into(),
            },
            repositories: (0..size().0)
                .map(|r| RepoSnap {
                    name: format!("team-{}/service-{r}", r % 40),
                    settings: RepoSettings {
                        created_at: Some(1_600_000_000_000),
                        tag_mutability: "IMMUTABLE".into(),
                        exclusion_filters: Vec::new(),
                        encryption: "AES256".into(),
                        kms_key: None,
                        scan_on_push: r % 2 == 0,
                    },
                    images_read: true,
                    images: (0..size().1).map(|i| image(r, i)).collect(),
                })
                .collect(),
        }],
    };
    s.normalize();
    s
}

/// A week later: 1% pushed, 1% deleted, `latest` moved, 1% rescanned.
fn later(a: &Snapshot) -> Snapshot {
    let mut b = a.clone();
    b.taken_at += 7 * 86_400_000;
    for (r, repo) in b.registries[0].repositories.iter_mut().enumerate() {
        repo.images.retain(|i| i.digest[0] % 100 != 0);
        for k in 0..(size().1 / 100).max(1) {
            let mut img = image(r, IMAGES + k);
            if k == 0 {
                img.tags = Tags::new(img.tags.iter().chain(["latest"]));
            }
            repo.images.push(img);
        }
        for i in repo.images.iter_mut().filter(|i| i.digest[1] % 100 == 1) {
            i.severities = Some([1, 1, 1, 1, 1, 1]);
        }
    }
    b.normalize();
    b
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let t = Instant::now();
    let a = estate();
    let images = a.image_count();
    println!("made {images} images in {:.2?}", t.elapsed());

    let t = Instant::now();
    let bytes = to_bytes(&a).unwrap();
    println!(
        "write: {:.2?}, {:.1} MiB, {:.1} bytes an image (target < 300)",
        t.elapsed(),
        bytes.len() as f64 / 1_048_576.0,
        bytes.len() as f64 / images as f64
    );

    let t = Instant::now();
    let read = from_bytes(&bytes).unwrap();
    println!("open: {:.2?} (target < 2 s)", t.elapsed());
    assert_eq!(read.image_count(), images);
    drop(read);

    let t = Instant::now();
    let sum = summary_from_bytes(&bytes).unwrap();
    println!(
        "summary alone (trends): {:.2?} for {} repositories",
        t.elapsed(),
        sum.registries[0].repositories.len()
    );
    drop(bytes);

    // The peak from here on: two snapshots, their difference and report
    // (Linux resets the high-water mark on writing 5 to clear_refs).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let b = later(&a);
    println!("peak memory with both snapshots: {:.0} MiB", peak_rss_mib());
    let t = Instant::now();
    let d = diff(&a, &b);
    let took = t.elapsed();
    println!("diff of two {images}-image snapshots: {took:.2?} (target < 3 s)");
    let t = Instant::now();
    let r = report(&a, &b);
    println!(
        "report: {:.2?}, {} repositories changed, {} images added",
        t.elapsed(),
        r.len(),
        r.iter().map(|x| x.images_added.len()).sum::<usize>()
    );
    drop(r);
    println!(
        "peak memory after diff and report: {:.0} MiB (target < 1024)",
        peak_rss_mib()
    );
    let t = Instant::now();
    let applied = apply(&d, &a);
    println!("apply: {:.2?}", t.elapsed());
    assert!(
        applied == b,
        "the difference applied gives the newer snapshot"
    );
}
