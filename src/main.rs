//! ecrscope binary: flags, logging, the tokio runtime, the window.

use clap::Parser;
use ecrscope::app::{AppOptions, EcrscopeApp};
use ecrscope::cli::args::{Cmd, GlobalArgs};
use ecrscope::demo::{LazyDemo, SeedConfig};
use ecrscope::worker::WorkerConfig;

/// A native desktop app for Amazon ECR.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Flags {
    /// Also show the built-in demo registry (shown anyway when no AWS profile exists).
    #[arg(long)]
    demo: bool,
    /// Latency added to every demo-registry request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    demo_latency_ms: u64,
    /// Start with default settings, ignoring (not deleting) the saved ones.
    #[arg(long)]
    reset_settings: bool,
    /// For the start-up benchmark: print the milliseconds from process start
    /// to the first frame and to the first repository row, then quit.
    #[arg(long, hide = true)]
    startup_probe: bool,
    /// Try a fault on the demo registry: KIND[:OPERATION[:COUNT[:AFTER]]],
    /// KIND one of denied, throttle, hang, expired, repeat-token, truncated,
    /// not-json, html500, html502, html503, html504; or blob-<fault>
    /// (oversize, wrong-digest, not-utf8, redirect, slow, reset, link-local).
    /// Repeatable. For trying what the fault suite tests; only in a build
    /// with the `demo-faults` feature.
    #[cfg(feature = "demo-faults")]
    #[arg(long, hide = true)]
    demo_fault: Vec<String>,
    #[command(flatten)]
    globals: GlobalArgs,
    #[command(subcommand)]
    command: Option<Cmd>,
}

fn main() -> eframe::Result {
    let started = std::time::Instant::now();
    let flags = Flags::parse();
    ecrscope::platform::logging::init();
    // The one runtime: every network call runs here, never on the UI thread.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ecrscope-io")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Some(Cmd::Man) = &flags.command {
        use clap::CommandFactory;
        use std::io::Write as _;
        let page = ecrscope::cli::man::render(&Flags::command())
            .and_then(|p| std::io::stdout().lock().write_all(&p));
        std::process::exit(i32::from(page.is_err()));
    }
    if let Some(cmd) = flags.command {
        // The command line has no UI thread: blocking main here is the point.
        #[allow(clippy::disallowed_methods)]
        let code = runtime.block_on(ecrscope::cli::run::run(cmd, &flags.globals));
        std::process::exit(code);
    }
    let demo = LazyDemo::new(
        SeedConfig::default(),
        std::time::Duration::from_millis(flags.demo_latency_ms),
    );
    #[cfg(feature = "demo-faults")]
    let demo = with_demo_faults(demo, &flags.demo_fault);
    let opts = AppOptions {
        force_demo: flags.demo,
        worker: WorkerConfig {
            demo: Some(demo),
            ..WorkerConfig::default()
        },
        settings_path: ecrscope::settings::default_path(),
        reset_settings: flags.reset_settings,
        startup_probe: flags.startup_probe.then_some(started),
        // ~/.local/share/ecrscope/snapshots on Linux (XDG_DATA_HOME honoured).
        snapshots_dir: directories::ProjectDirs::from("", "", "ecrscope")
            .map(|d| d.data_dir().join("snapshots")),
        ..AppOptions::default()
    };
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("ecrscope")
            .with_app_id("ecrscope")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([760.0, 480.0])
            .with_icon(app_icon()),
        persist_window: true,
        ..Default::default()
    };
    let handle = runtime.handle().clone();
    eframe::run_native(
        "ecrscope",
        native,
        Box::new(move |cc| Ok(Box::new(EcrscopeApp::new(cc, &handle, opts)))),
    )
}

fn app_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../assets/icon.png")).unwrap_or_default()
}

/// The demo endpoint with the faults `--demo-fault` asked for (exits with
/// code 2 on one it does not know).
#[cfg(feature = "demo-faults")]
fn with_demo_faults(demo: std::sync::Arc<LazyDemo>, specs: &[String]) -> std::sync::Arc<LazyDemo> {
    let mut faults = Vec::new();
    let mut blob_fault = None;
    for spec in specs {
        let understood = if let Some(b) = spec.strip_prefix("blob-") {
            blob_fault = ecrscope::demo::BlobFault::parse(b);
            blob_fault.is_some()
        } else if let Some(f) = ecrscope::demo::Fault::parse(spec) {
            faults.push(f);
            true
        } else {
            false
        };
        if !understood {
            eprintln!(
                "ecrscope: --demo-fault {spec}: not a fault (KIND[:OPERATION[:COUNT[:AFTER]]] or blob-KIND)"
            );
            std::process::exit(2);
        }
    }
    demo.with_faults(faults, blob_fault)
}
