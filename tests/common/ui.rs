//! The real app under egui_kittest, with the demo endpoint behind it and no
//! AWS profiles (a fixed, empty discovery), on a runtime owned by the test.

use std::time::{Duration, Instant};

use ecrscope::app::{AppOptions, EcrscopeApp};
use ecrscope::profiles::Discovery;
use ecrscope::worker::WorkerConfig;
use egui_kittest::{Harness, HarnessBuilder};

/// A runtime owned by the test, as `main` owns the app's.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The app, with `customize` applied to the harness builder (size, renderer, theme).
pub fn demo_app(
    rt: &tokio::runtime::Runtime,
    customize: impl FnOnce(HarnessBuilder<EcrscopeApp>) -> HarnessBuilder<EcrscopeApp>,
) -> Harness<'static, EcrscopeApp> {
    let handle = rt.handle().clone();
    let opts = AppOptions {
        force_demo: false,
        reset_settings: true,
        worker: WorkerConfig {
            fixed_discovery: Some(Discovery::default()),
            ..WorkerConfig::default()
        },
        startup_probe: None,
    };
    customize(Harness::builder()).build_eframe(move |cc| EcrscopeApp::new(cc, &handle, opts))
}

/// Steps frames until `done` holds, or fails after `secs`.
pub fn step_until(
    h: &mut Harness<'_, EcrscopeApp>,
    secs: u64,
    what: &str,
    done: impl Fn(&Harness<'_, EcrscopeApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        h.step();
        if done(h) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
