//! Help inside the app and the preferences: F1 and the "?" button open the
//! help sheet; each preference applies at once and is a setting (so it is
//! saved with the others); Ctrl+= zooms and the zoom is remembered.

use crate::common;

use common::ui::{demo_app, runtime, step_until};
use ecrscope::settings::{Clock, ThemePref, TimeStyle};
use ecrscope::ui::PreferencesAction;
use ecrscope::ui::UiAction;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

#[test]
fn f1_and_the_question_mark_open_the_help_sheet() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1280.0, 800.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.key_press(egui::Key::F1);
    step_until(&mut h, 5, "the help sheet", |h| {
        h.query_by_label("ecrscope help").is_some()
    });
    for words in [
        "Ctrl+K",
        "Ctrl+B / Ctrl+D",
        "Ctrl+= / Ctrl+- / Ctrl+0",
        "Adding a registry",
    ] {
        assert!(h.query_by_label_contains(words).is_some(), "{words}");
    }
    // As an assistive technology would (kittest's simulated pointer misses
    // this footer button; a real pointer under Xvfb closes it).
    h.get_by_label("Close").click_accesskit();
    step_until(&mut h, 5, "closed", |h| {
        h.query_by_label("ecrscope help").is_none()
    });
    h.get_by_label("Help (F1)").click();
    step_until(&mut h, 5, "the help sheet again", |h| {
        h.query_by_label("ecrscope help").is_some()
    });
}

#[test]
fn preferences_apply_at_once_and_are_settings() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1280.0, 800.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    assert!(
        h.query_all_by_label("7 months ago").next().is_some(),
        "relative times by default"
    );
    h.get_by_label("Preferences").click();
    step_until(&mut h, 5, "preferences", |h| {
        h.query_by_label("date and time").is_some()
    });
    h.get_by_label("date and time").click();
    h.get_by_label("Dark").click();
    for _ in 0..3 {
        h.step();
    }
    let s = &h.state().state.settings;
    assert_eq!(
        (s.time_style, s.clock, s.theme),
        (TimeStyle::Absolute, Clock::Utc, ThemePref::Dark)
    );
    h.key_press(egui::Key::Escape);
    step_until(&mut h, 5, "absolute times in the table", |h| {
        h.query_all_by_label("7 months ago").next().is_none()
            && h.query_all_by_label_contains(" UTC").next().is_some()
    });
    // Requests in flight: the setting and the worker's clients follow.
    h.state_mut()
        .handle(UiAction::Preferences(PreferencesAction::SetMaxInFlight(3)));
    assert_eq!(h.state().state.settings.max_in_flight, 3);
    // Zoom with the keyboard is remembered.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    for _ in 0..3 {
        h.step();
    }
    let zoom = h.state().state.settings.zoom;
    assert!(zoom > 1.05, "Ctrl+= zoomed in: {zoom}");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num0);
    for _ in 0..3 {
        h.step();
    }
    assert!(
        (h.state().state.settings.zoom - 1.0).abs() < 0.01,
        "Ctrl+0 resets"
    );
    // The preference slider path.
    h.state_mut()
        .handle(UiAction::Preferences(PreferencesAction::SetZoom(1.5)));
    for _ in 0..3 {
        h.step();
    }
    assert!((h.ctx.zoom_factor() - 1.5).abs() < 0.01);
    assert!(
        h.query_by_role_and_label(Role::SearchInput, "Search repositories")
            .is_some()
    );
}
