//! The help sheet (F1, or the "?" button): the keyboard, what each view
//! shows, how to add a registry, where the settings live.

use egui::{RichText, Ui};

use super::modal::{self, Footer, Frame, Outcome};

/// Every shortcut, as the sheet lists it (and the tests check).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("F1", "this help"),
    (
        "F5",
        "refresh what is on screen (the table stays while it reloads)",
    ),
    ("/ or Ctrl+F", "search the current table"),
    ("Esc", "clear the search; close a dialog"),
    ("↑ ↓ PageUp PageDown Home End", "move in the table"),
    (
        "Enter",
        "open the repository; expand or collapse an image index",
    ),
    (
        "Alt+← / Alt+→",
        "back / forward (registry > repository > image)",
    ),
    (
        "Ctrl+K",
        "command palette: registries, repositories, actions",
    ),
    ("S", "scan the selected images (or the open one)"),
    (
        "Ctrl+B / Ctrl+D",
        "fold or unfold the registries / the image details",
    ),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "zoom in / out / back to 100 %"),
    (
        "right click",
        "row menu (images, repositories); column chooser (headers)",
    ),
];

const VIEWS: &[(&str, &str)] = &[
    (
        "Registries (left)",
        "every AWS profile and region found, and the registries you added, grouped by profile; the dot says connected, loading or failed (hover for why).",
    ),
    (
        "Repositories",
        "names, tag mutability (click to change), encryption, scanning, image count and size once opened, URI; filter chips and search. Overview and Pull-through cache are the registry's other tabs.",
    ),
    (
        "Images",
        "tags, digest, size, pushed and last pull, type, status (active, archived, restoring), severity counts for the rows on screen. Click a row for its details; Ctrl/Shift-click to select several.",
    ),
    (
        "Details and findings",
        "an image's pull URIs, layers, config, history and manifest; Findings lists its scan results, filters them, compares two images and exports CSV, JSON or SARIF.",
    ),
    (
        "Lifecycle policy, Permissions",
        "the repository's lifecycle rules (form and JSON, preview before apply) and its repository policy.",
    ),
];

pub fn help_ui(ctx: &egui::Context, first_frame: bool, settings_path: Option<&str>) -> bool {
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "help",
            title: "ecrscope help",
            target: None,
            width: 640.0,
            top: None,
        },
        Footer {
            confirm: None,
            dismiss: "Close",
        },
        |ui| body_ui(ui, settings_path),
    );
    outcome == Outcome::Open
}

fn body_ui(ui: &mut Ui, settings_path: Option<&str>) {
    ui.label(RichText::new("Keyboard").strong());
    egui::Grid::new("help_keys")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            for (k, what) in SHORTCUTS {
                ui.label(RichText::new(*k).monospace());
                ui.label(*what);
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    ui.label(RichText::new("What each view shows").strong());
    for (name, what) in VIEWS {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(*name).strong());
            ui.label(*what);
        });
    }
    ui.add_space(8.0);
    ui.label(RichText::new("Adding a registry").strong());
    ui.label(
        "ecrscope lists every profile in ~/.aws/config and ~/.aws/credentials (SSO profiles too: an expired session shows a Sign in button) in its region. For another region, an endpoint (moto, LocalStack, a proxy) or another account's registry, press + next to Registries and pick the profile, the region, and optionally the endpoint URL and registry id.",
    );
    ui.add_space(8.0);
    ui.label(RichText::new("Settings").strong());
    ui.label(
        "Preferences (the gear in the toolbar) apply at once. Everything is saved in one file; ecrscope never stores credentials, only profile names.",
    );
    if let Some(p) = settings_path {
        ui.horizontal(|ui| {
            super::widgets::copy_button(ui, "settings path", p);
            ui.label(RichText::new(p).monospace());
        });
    }
}
/// The help window (F1).
#[derive(Debug)]
pub struct HelpDialog;

impl super::modal::Dialog for HelpDialog {
    fn show(&mut self, cx: &mut super::modal::DialogCx<'_>) -> bool {
        help_ui(cx.ctx, cx.first, cx.settings_path)
    }
}
