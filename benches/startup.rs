//! Start-up benchmark: the release binary, from process start to its first
//! frame and to its first repository row (the demo registry), median of
//! several runs. Without a display it runs the binary under `xvfb-run`
//! (the app's own clock starts in `main`, so Xvfb's start-up is not counted).
//! Run: `cargo bench --bench startup`.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)] // a bench binary: a panic is its failure report

use std::process::Command;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let runs = if std::env::args().any(|a| a == "--bench") {
        9
    } else {
        1
    };
    let bin = env!("CARGO_BIN_EXE_ecrscope");
    let headless =
        std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none();
    let home = tempfile::tempdir().unwrap();
    let (mut frames, mut rows, mut walls) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t0 = std::time::Instant::now();
        let mut cmd = if headless {
            let mut c = Command::new("xvfb-run");
            c.args(["-a", "-s", "-screen 0 1280x800x24", bin]);
            c
        } else {
            Command::new(bin)
        };
        let out = cmd
            .args(["--demo", "--reset-settings", "--startup-probe"])
            .env("HOME", home.path())
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env(
                "WGPU_BACKEND",
                std::env::var("WGPU_BACKEND").unwrap_or("vulkan,gl".into()),
            )
            .output()
            .unwrap();
        walls.push(t0.elapsed().as_secs_f64() * 1000.0);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let get = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(k))
                .and_then(|v| v.trim().parse::<f64>().ok())
                .unwrap_or_else(|| {
                    panic!("no {k} in: {text} {}", String::from_utf8_lossy(&out.stderr))
                })
        };
        frames.push(get("first-frame-ms"));
        rows.push(get("first-row-ms"));
    }
    println!("ecrscope start-up ({runs} runs, median; {})", bin);
    println!();
    println!("| measure | median ms | min ms | max ms |");
    println!("|---|---|---|---|");
    for (name, v) in [
        ("process start to first frame", frames),
        ("process start to first repository row (demo)", rows),
        ("launch to exit (wall, includes window teardown)", walls),
    ] {
        let (lo, hi) = (
            v.iter().copied().fold(f64::MAX, f64::min),
            v.iter().copied().fold(0.0, f64::max),
        );
        println!("| {name} | {:.0} | {lo:.0} | {hi:.0} |", median(v));
    }
}
