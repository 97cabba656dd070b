//! Usable at every window size: at the minimum window every toolbar control
//! of the repositories, images and findings views is on screen (kittest
//! reports each node's bounds; nothing may lie outside the window), table
//! columns can be hidden and come back, side panels fold away; and PNG
//! snapshots of the repositories view at three sizes in both themes.

use crate::common;

use ecrscope::ui::{BrowseAction, PreferencesAction, ScanningAction};
use std::time::{Duration, Instant};

use common::ui::{demo_app, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use ecrscope::state::Location;
use ecrscope::ui::UiAction;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::{Harness, SnapshotOptions};

type H = Harness<'static, EcrscopeApp>;

const MIN: (f32, f32) = (760.0, 480.0);

fn app(rt: &tokio::runtime::Runtime, size: (f32, f32)) -> H {
    let mut h = demo_app(rt, |b| b.with_size(egui::vec2(size.0, size.1)));
    settle(&mut h);
    h
}

fn settle(h: &mut H) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        h.step();
        let ready = h.state().state.selected_registry().is_some_and(|r| {
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
    for _ in 0..20 {
        h.step();
    }
}

/// The node named `label` (or starting with it) lies wholly in the window.
fn on_screen(h: &H, label: &str, size: (f32, f32)) {
    let node = h
        .query_all_by_label_contains(label)
        .find(|n| {
            n.accesskit_node().label().is_some_and(|l| {
                // Toggle chips carry their icon glyph before the words.
                l.trim_start_matches(|c: char| !c.is_ascii() || c == ' ')
                    .starts_with(label)
            })
        })
        .unwrap_or_else(|| panic!("no control named {label:?}"));
    let b = node
        .accesskit_node()
        .bounding_box()
        .unwrap_or_else(|| panic!("{label:?} has no bounds"));
    assert!(
        b.x0 >= 0.0
            && b.y0 >= 0.0
            && b.x1 <= f64::from(size.0) + 0.5
            && b.y1 <= f64::from(size.1) + 0.5,
        "{label:?} is off screen at {size:?}: {b:?}"
    );
}

fn open(h: &mut H, repository: &str, image: bool) {
    let registry = h.state().state.location.registry.clone();
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::GoTo(Location {
            registry,
            repository: Some(repository.into()),
            image: None,
        })));
    step_until(h, 20, "images", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
    if image {
        let d = h
            .state()
            .state
            .open_images()
            .and_then(|ri| ri.list.shown())
            .and_then(|l| l.iter().find(|i| !i.manifest.is_index()).map(|i| i.digest));
        h.state_mut()
            .handle(UiAction::Browse(BrowseAction::SelectImage(d)));
    }
    for _ in 0..10 {
        h.step();
    }
}

#[test]
fn at_the_minimum_window_every_toolbar_control_is_on_screen() {
    let rt = runtime();
    let mut h = app(&rt, MIN);
    for label in [
        "Search repositories",
        "New repository",
        "Mutable",
        "Immutable",
        "KMS",
        "Scan on push",
        "Refresh",
        "Add registry",
    ] {
        on_screen(&h, label, MIN);
    }
    // Images, with an image open: the details open over the table.
    open(&mut h, "web/frontend", true);
    for label in [
        "Search images",
        "Show untagged",
        "Settings",
        "Push commands",
        "Close details",
    ] {
        on_screen(&h, label, MIN);
    }
    // A selection brings its actions, all reachable.
    let d = h.state().state.location.image.expect("an image");
    h.state_mut().view.images.selection.insert(d);
    for _ in 0..3 {
        h.step();
    }
    for label in ["Scan 1", "Export findings of 1", "Delete 1 selected"] {
        on_screen(&h, label, MIN);
    }
    h.state_mut().view.images.selection.clear();
    // Findings, of an image that has some.
    open(&mut h, "sandbox/experiments", false);
    let zoo = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .and_then(|l| {
            l.iter()
                .find(|i| i.tags.contains(&"cve-zoo".to_owned()))
                .map(|i| i.digest)
        });
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectImage(zoo)));
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::OpenFindings));
    step_until(&mut h, 20, "the findings", |h| {
        h.query_by_label("Search findings").is_some()
    });
    step_until(&mut h, 10, "findings", |h| {
        h.query_by_label("Scan now").is_some()
    });
    for label in ["Back to images", "Scan now", "Search findings"] {
        on_screen(&h, label, MIN);
    }
}

#[test]
fn columns_hide_and_come_back_and_panels_fold() {
    let rt = runtime();
    let mut h = app(&rt, (1400.0, 800.0));
    assert!(h.query_by_label("Sort repositories by Created").is_some());
    let mut hidden = std::collections::BTreeSet::new();
    hidden.insert("created".to_owned());
    h.state_mut()
        .handle(UiAction::Preferences(PreferencesAction::SetHiddenColumns(
            ecrscope::settings::Table::Repositories,
            hidden,
        )));
    h.step();
    h.step();
    assert!(h.query_by_label("Sort repositories by Created").is_none());
    assert!(
        h.state()
            .state
            .settings
            .hidden_columns
            .contains_key(&ecrscope::settings::Table::Repositories),
        "the choice is a setting (saved with the others)"
    );
    h.state_mut()
        .handle(UiAction::Preferences(PreferencesAction::ResetColumns(
            ecrscope::settings::Table::Repositories,
        )));
    h.step();
    h.step();
    assert!(h.query_by_label("Sort repositories by Created").is_some());
    // The sidebar folds with Ctrl+B and comes back.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B);
    h.step();
    h.step();
    assert!(h.query_by_label("Show registries (Ctrl+B)").is_some());
    h.get_by_label("Show registries (Ctrl+B)").click();
    h.step();
    h.step();
    assert!(h.query_by_label("Add registry").is_some());
    // The details fold with Ctrl+D and come back.
    open(&mut h, "web/frontend", true);
    assert!(
        h.query_by_role_and_label(Role::TextInput, "New tag")
            .is_some()
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::D);
    h.step();
    h.step();
    assert!(
        h.query_by_role_and_label(Role::TextInput, "New tag")
            .is_none()
    );
    h.get_by_label("Show details (Ctrl+D)").click();
    h.step();
    h.step();
    assert!(
        h.query_by_role_and_label(Role::TextInput, "New tag")
            .is_some()
    );
}

fn opts() -> SnapshotOptions {
    SnapshotOptions::new().threshold(0.6).max_failed_pixels(400)
}

/// The repositories view at the minimum, laptop and desktop sizes, light
/// and dark: narrower windows start with fewer columns, and what is shown
/// scrolls sideways instead of being cut.
#[test]
fn repositories_at_three_sizes_in_both_themes() {
    let rt = runtime();
    let mut results = egui_kittest::SnapshotResults::default();
    for (w, h_) in [MIN, (1280.0, 800.0), (1920.0, 1080.0)] {
        for theme in [egui::Theme::Light, egui::Theme::Dark] {
            let mut h = demo_app(&rt, |b| {
                b.with_size(egui::vec2(w, h_)).with_theme(theme).wgpu()
            });
            let pref = match theme {
                egui::Theme::Dark => ecrscope::settings::ThemePref::Dark,
                egui::Theme::Light => ecrscope::settings::ThemePref::Light,
            };
            h.state_mut()
                .handle(UiAction::Preferences(PreferencesAction::SetTheme(pref)));
            settle(&mut h);
            let name = format!(
                "layout_{w}x{h_}_{}",
                if theme == egui::Theme::Dark {
                    "dark"
                } else {
                    "light"
                }
            );
            h.snapshot_options(&name, &opts());
            results.extend(h.take_snapshot_results());
        }
    }
    // And at 150 % zoom (the preference, or Ctrl+=).
    let mut h = demo_app(&rt, |b| {
        b.with_size(egui::vec2(1280.0, 800.0))
            .with_theme(egui::Theme::Light)
            .wgpu()
    });
    h.state_mut()
        .handle(UiAction::Preferences(PreferencesAction::SetTheme(
            ecrscope::settings::ThemePref::Light,
        )));
    h.state_mut()
        .handle(UiAction::Preferences(PreferencesAction::SetZoom(1.5)));
    settle(&mut h);
    h.snapshot_options("layout_1280x800_zoom150_light", &opts());
    results.extend(h.take_snapshot_results());
}
