//! PNG snapshots of the main views, rendered by wgpu on the CPU (Mesa's
//! lavapipe), compared with tests/snapshots/*.png. Only views whose text does
//! not depend on the time of day are snapshotted (relative times would drift).
//! Update with `UPDATE_SNAPSHOTS=1 cargo test --test snapshots`.

use std::time::{Duration, Instant};

use crate::common;

use common::ui::{demo_app, runtime};
use ecrscope::app::EcrscopeApp;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};

fn harness(rt: &tokio::runtime::Runtime, theme: egui::Theme) -> Harness<'static, EcrscopeApp> {
    let mut h = demo_app(rt, |b| {
        b.with_size(egui::vec2(1280.0, 800.0))
            .with_theme(theme)
            .wgpu()
    });
    let pref = match theme {
        egui::Theme::Dark => ecrscope::settings::ThemePref::Dark,
        egui::Theme::Light => ecrscope::settings::ThemePref::Light,
    };
    h.state_mut().handle(ecrscope::ui::UiAction::Preferences(
        ecrscope::ui::PreferencesAction::SetTheme(pref),
    ));
    h
}

/// Steps until the demo registry is loaded (repositories and scanning
/// configuration) and nothing is in flight, so the picture is stable.
fn settle(h: &mut Harness<'_, EcrscopeApp>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        h.step();
        let st = &h.state().state;
        let ready = st.selected_registry().is_some_and(|r| {
            r.repositories.shown().is_some_and(|l| l.len() == 25)
                && r.scanning.shown().is_some()
                && r.info.shown().is_some()
        });
        if ready && h.state().worker().in_flight() == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the demo registry did not settle"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let toasts, hovers and animations end.
    for _ in 0..30 {
        h.step();
    }
}

fn opts() -> SnapshotOptions {
    // Text anti-aliasing may differ by a few pixels between Mesa versions.
    SnapshotOptions::new().threshold(0.6).max_failed_pixels(400)
}

fn repositories(theme: egui::Theme, name: &str) {
    let rt = runtime();
    let mut h = harness(&rt, theme);
    settle(&mut h);
    h.snapshot_options(name, &opts());
}

#[test]
fn repositories_dark() {
    repositories(egui::Theme::Dark, "repositories_dark");
}

#[test]
fn repositories_light() {
    repositories(egui::Theme::Light, "repositories_light");
}

#[test]
fn push_commands_dialog() {
    let rt = runtime();
    let mut h = harness(&rt, egui::Theme::Dark);
    settle(&mut h);
    let registry = h.state().state.location.registry.clone();
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::GoTo(ecrscope::state::Location {
            registry,
            repository: Some("payments/ledger".into()),
            image: None,
        }),
    ));
    // Pushed-at times under the dialog would drift with the clock: filter the
    // table down to no rows before taking the picture.
    h.state_mut().view.images.filter.text = "no-such-tag".into();
    let repo = common::ui::repo_ref(&h, "payments/ledger");
    h.state_mut().handle(ecrscope::ui::UiAction::Login(
        ecrscope::ui::LoginAction::OpenPushCommands(repo),
    ));
    for _ in 0..60 {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        h.query_by_label_contains("Push commands for payments/ledger")
            .is_some()
    );
    h.snapshot_options("push_commands", &opts());
}

#[test]
fn add_registry_with_errors() {
    let rt = runtime();
    let mut h = harness(&rt, egui::Theme::Light);
    settle(&mut h);
    h.get_by_label("Add registry").click();
    for _ in 0..5 {
        h.step();
    }
    h.get_by_role_and_label(Role::TextInput, "Region").focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Region")
        .type_text("eu-wset-1");
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Registry id")
        .click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Registry id")
        .type_text("1234");
    for _ in 0..30 {
        h.step();
    }
    assert!(
        h.query_by_label_contains("Did you mean eu-west-1?")
            .is_some()
    );
    h.snapshot_options("add_registry_errors", &opts());
}

#[test]
fn repository_settings_dialog() {
    let rt = runtime();
    let mut h = harness(&rt, egui::Theme::Dark);
    settle(&mut h);
    let repo = common::ui::repo_ref(&h, "platform/config-server");
    h.state_mut().handle(ecrscope::ui::UiAction::Manage(
        ecrscope::ui::ManageAction::OpenRepoSettings(repo),
    ));
    for _ in 0..20 {
        h.step();
    }
    assert!(
        h.query_by_label_contains("Settings of platform/config-server")
            .is_some()
    );
    h.snapshot_options("repository_settings", &opts());
}

/// The trend charts over fixed data (no clock in them), at three window
/// sizes in both themes: pushes per week with the busiest repositories,
/// critical and high across 400 versions, storage at five snapshots.
fn charts(
    size: egui::Vec2,
    theme: egui::Theme,
    name: &str,
    results: &mut egui_kittest::SnapshotResults,
) {
    use ecrscope::insight::{charts, trends};
    // 2026-12-07, a Monday.
    const MONDAY: i64 = 1_796_601_600_000;
    const WEEK: i64 = trends::WEEK_MS;
    let total: Vec<(i64, u32)> = (0..26)
        .map(|k| (MONDAY - (25 - k) * WEEK, ((k * 37) % 23 + 4) as u32))
        .collect();
    let lines: Vec<(String, Vec<(i64, u32)>)> = ["web/frontend", "api/orders"]
        .iter()
        .enumerate()
        .map(|(r, n)| {
            (
                (*n).to_owned(),
                total
                    .iter()
                    .map(|(w, c)| (*w, c / (r as u32 + 2)))
                    .collect(),
            )
        })
        .collect();
    let versions: Vec<trends::VersionPoint> = (0..400)
        .map(|k: i64| trends::VersionPoint {
            pushed_at: MONDAY - (400 - k) * 86_400_000,
            critical: ((k * 7) % 5) as u32,
            high: ((k * 13) % 17 + (400 - k) / 40) as u32,
            label: format!("v1.{k}"),
        })
        .collect();
    let storage: Vec<(i64, u64, u64)> = (0..5)
        .map(|k| {
            (
                MONDAY - (4 - k) * 30 * 86_400_000,
                (40 + k as u64 * 9) << 30,
                (k as u64 * 6) << 30,
            )
        })
        .collect();
    let pref = match theme {
        egui::Theme::Dark => ecrscope::settings::ThemePref::Dark,
        egui::Theme::Light => ecrscope::settings::ThemePref::Light,
    };
    let mut h = Harness::builder()
        .with_size(size)
        .with_theme(theme)
        .wgpu()
        .build_ui(move |ui| {
            ecrscope::ui::style::apply_theme(ui.ctx(), pref);
            egui::ScrollArea::vertical().show(ui, |ui| {
                charts::pushes_ui(ui, "pushes", "all repositories", &total, &lines);
                charts::findings_ui(ui, "findings", &versions);
                charts::storage_ui(ui, "storage", &storage);
            });
        });
    h.run();
    assert!(h.query_by_label("Pushes per week").is_some());
    h.snapshot_options(name, &opts());
    results.extend_harness(&mut h);
}

#[test]
fn charts_at_three_sizes_in_both_themes() {
    let mut results = egui_kittest::SnapshotResults::new();
    for (w, hgt) in [(760.0, 480.0), (1280.0, 800.0), (1920.0, 1080.0)] {
        for (theme, t) in [(egui::Theme::Dark, "dark"), (egui::Theme::Light, "light")] {
            charts(
                egui::vec2(w, hgt),
                theme,
                &format!("charts_{w}x{hgt}_{t}"),
                &mut results,
            );
        }
    }
}
