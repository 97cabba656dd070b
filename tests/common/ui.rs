//! The real app under egui_kittest, with the demo endpoint behind it and no
//! AWS profiles (a fixed, empty discovery), on a runtime owned by the test.

use std::time::{Duration, Instant};

use std::sync::Arc;

use ecrscope::app::{AppOptions, EcrscopeApp};
use ecrscope::demo::{DemoServer, LazyDemo, SeedConfig};
use ecrscope::registries::profiles::Discovery;
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
    demo_app_with(rt, demo_options(SeedConfig::default()), customize)
}

/// Options for the app with no AWS profiles and the demo endpoint seeded
/// with `seed`; settings are neither read nor written.
pub fn demo_options(seed: SeedConfig) -> AppOptions {
    AppOptions {
        worker: WorkerConfig {
            fixed_discovery: Some(Discovery::default()),
            demo: Some(LazyDemo::new(seed, std::time::Duration::ZERO)),
            ..WorkerConfig::default()
        },
        reset_settings: true,
        ..AppOptions::default()
    }
}

/// The app with given options.
pub fn demo_app_with(
    rt: &tokio::runtime::Runtime,
    opts: AppOptions,
    customize: impl FnOnce(HarnessBuilder<EcrscopeApp>) -> HarnessBuilder<EcrscopeApp>,
) -> Harness<'static, EcrscopeApp> {
    let handle = rt.handle().clone();
    customize(Harness::builder()).build_eframe(move |cc| EcrscopeApp::new(cc, &handle, opts))
}

/// The demo endpoint behind the app (started once the app used it).
pub fn demo_of(h: &Harness<'_, EcrscopeApp>) -> Arc<DemoServer> {
    let endpoint = h
        .state()
        .worker()
        .demo()
        .expect("the app has a demo endpoint");
    ecrscope::demo::server_of(&*endpoint).expect("the demo endpoint has started")
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
        if Instant::now() >= deadline {
            let st = &h.state().state;
            panic!(
                "timed out waiting for: {what} (last notice: {:?})",
                st.last_notice
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A repository of the selected registry, as actions name it.
pub fn repo_ref(h: &Harness<'_, EcrscopeApp>, name: &str) -> ecrscope::model::RepoRef {
    let spec = h
        .state()
        .state
        .selected_registry()
        .map(|r| r.spec.clone())
        .expect("a registry is selected");
    ecrscope::model::RepoRef::new(&spec, name)
}

/// The selected registry's key.
pub fn selected_key(h: &Harness<'_, EcrscopeApp>) -> ecrscope::model::RegistryKey {
    h.state()
        .state
        .location
        .registry
        .clone()
        .expect("a registry is selected")
}

/// The demo registry in `region` (the demo endpoint seeds one per region).
pub fn demo_spec(region: &str) -> ecrscope::model::RegistrySpec {
    ecrscope::model::RegistrySpec {
        profile: None,
        region: region.into(),
        endpoint: None,
        registry_id: None,
        source: ecrscope::model::RegistrySource::Demo,
    }
}

/// Opens `name` from the repository list (searched by name) and waits for
/// its images to be listed.
pub fn open_repository(h: &mut Harness<'_, EcrscopeApp>, name: &str) {
    use egui_kittest::kittest::Queryable;
    step_until(h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.get_by_label("Search repositories").click();
    h.step();
    h.get_by_label("Search repositories").type_text(name);
    step_until(h, 10, "the repository row", |h| {
        h.query_by_label(name).is_some()
    });
    h.get_by_label(name).click();
    step_until(h, 30, "images", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
}

/// Replaces the text of a field: focus, select all, type.
pub fn retype(h: &mut Harness<'_, EcrscopeApp>, label: &str, text: &str) {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;
    // A field below a tall dialog's fold is scrolled to first.
    h.get_by_role_and_label(Role::TextInput, label)
        .scroll_to_me();
    h.step();
    h.get_by_role_and_label(Role::TextInput, label).click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.step();
}
