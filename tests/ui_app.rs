//! The real `App` under egui_kittest, with the demo endpoint behind it,
//! driven by accessible names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ecrscope::app::{AppOptions, EcrscopeApp};
use ecrscope::profiles::Discovery;
use ecrscope::worker::WorkerConfig;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// A runtime owned by the test, as `main` owns the app's.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The app with no AWS profiles (a fixed, empty discovery): it opens the demo registry.
fn app_harness(rt: &tokio::runtime::Runtime) -> Harness<'static, EcrscopeApp> {
    let handle = rt.handle().clone();
    let opts = AppOptions {
        force_demo: false,
        reset_settings: true,
        worker: WorkerConfig {
            fixed_discovery: Some(Discovery::default()),
            ..WorkerConfig::default()
        },
    };
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| EcrscopeApp::new(cc, &handle, opts))
}

/// Steps frames until `done` holds, or fails after `secs`.
fn step_until(
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

#[test]
fn opens_the_demo_registry_and_finds_a_repository() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "repository platform/api-gateway", |h| {
        h.query_by_label("platform/api-gateway").is_some()
    });
    // The UI says plainly that this is the demo.
    assert!(h.query_by_label_contains("Demo registry").is_some());
    // The sidebar shows the demo registry as connected.
    step_until(&mut h, 10, "connected status", |h| {
        h.query_by_label_contains("Registry demo us-east-1 (connected)")
            .is_some()
    });
    assert!(h.query_by_label("docker-hub/library/nginx").is_some());
    // All 25 repositories arrived; the count is shown.
    assert!(h.query_by_label_contains("25 repositories").is_some());
}

#[test]
fn search_filters_the_repository_table() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label("payments/ledger").is_some()
    });
    h.get_by_label("Search repositories").click();
    h.step();
    h.get_by_label("Search repositories").type_text("payments");
    step_until(&mut h, 5, "filtered table", |h| {
        h.query_by_label("platform/api-gateway").is_none()
    });
    assert!(h.query_by_label("payments/ledger").is_some());
    assert!(h.query_by_label("payments/checkout").is_some());
    assert!(h.query_by_label_contains("2 of 25 repositories").is_some());
}

#[test]
fn add_registry_refuses_bad_input_next_to_the_field() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "sidebar", |h| {
        h.query_by_label_contains("Registry demo").is_some()
    });
    h.get_by_label("Add registry").click();
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_role_and_label(Role::TextInput, "Region")
            .is_some()
    });
    // The region comes prefilled from the selected registry; replace it.
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Region")
            .value()
            .as_deref(),
        Some("us-east-1")
    );
    h.get_by_role_and_label(Role::TextInput, "Region").focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Region")
        .type_text("us-easst-1");
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Endpoint URL")
        .click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Endpoint URL")
        .type_text("localhost:5000");
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Registry id")
        .click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Registry id")
        .type_text("12345");
    step_until(&mut h, 5, "a message next to each bad field", |h| {
        h.query_by_label_contains("Did you mean us-east-1?")
            .is_some()
            && h.query_by_label_contains("An endpoint starts with http:// or https://.")
                .is_some()
            && h.query_by_label_contains("is the 12-digit AWS account id")
                .is_some()
    });
    assert!(
        h.get_by_label("Add").accesskit_node().is_disabled(),
        "the add button stays disabled while input is invalid"
    );
}
