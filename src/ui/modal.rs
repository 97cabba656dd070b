//! One modal at a time, and one scaffold every dialog is drawn with: a
//! title, the target line (profile · account · region) for dialogs that
//! change something, the body, and a footer with the primary button and
//! Cancel. Esc or a click outside dismisses it.

use egui::{RichText, Ui};

use super::style::{self, icon};
use super::{add_registry, bulk, create_repository, palette, pull_through, push_commands};
use super::{repo_settings, scanning_config};
use crate::model::RegistryKey;

/// The open dialog, if any. Holding one slot makes "is a modal open?" one
/// question (keyboard shortcuts are off while it is).
#[derive(Debug)]
pub enum Modal {
    AddRegistry(add_registry::AddRegistryForm),
    RemoveRegistry { key: RegistryKey, label: String },
    RepoSettings(repo_settings::RepoSettingsForm),
    Bulk(bulk::BulkForm),
    CopyImages(super::copy_images::CopyForm),
    Reencrypt(super::reencrypt::ReencryptForm),
    Scanning(scanning_config::ScanningForm),
    Confirm(ConfirmForm),
    CreateRepository(create_repository::CreateRepoForm),
    DeleteRepository(create_repository::DeleteRepoForm),
    PullThroughRule(pull_through::RuleForm),
    PushCommands(push_commands::Tool, push_commands::PushTarget),
    Palette(palette::PaletteView),
    Help,
    Preferences,
}

/// A modal and how many frames it has been drawn.
#[derive(Debug)]
pub struct OpenModal {
    pub modal: Modal,
    pub frames: u32,
}

impl OpenModal {
    pub fn new(modal: Modal) -> Self {
        Self { modal, frames: 0 }
    }
}

/// A yes/no question about an action with a pinned target.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmForm {
    pub title: String,
    pub body: String,
    pub target: String,
    pub action: super::UiAction,
}

/// How a dialog frame looks.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    pub id: &'static str,
    pub title: &'a str,
    /// Profile · account · region (and endpoint): where the change lands.
    pub target: Option<&'a str>,
    pub width: f32,
    /// Distance from the top for tall forms; `None` centres the dialog.
    pub top: Option<f32>,
}

/// The footer's buttons.
#[derive(Clone, Copy, Debug)]
pub struct Footer<'a> {
    /// The primary button: icon, label (also its accessible name), enabled.
    pub confirm: Option<(&'a str, &'a str, bool)>,
    /// "Cancel" or "Close".
    pub dismiss: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Open,
    Confirmed,
    Dismissed,
}

/// Draws one dialog. `first_frame`: the click that opened it may have
/// landed outside it, on what is now the backdrop; that must not close it.
pub fn modal_ui(
    ctx: &egui::Context,
    first_frame: bool,
    frame: Frame<'_>,
    footer: Footer<'_>,
    body: impl FnOnce(&mut Ui),
) -> Outcome {
    let id = egui::Id::unique(("ecrscope-modal", frame.id));
    let mut area = egui::Modal::default_area(id);
    if let Some(top) = frame.top {
        area = area.anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, top));
    }
    let mut outcome = Outcome::Open;
    let shown = egui::Modal::new(id).area(area).show(ctx, |ui: &mut Ui| {
        // Never wider than the window, whatever the dialog asks for.
        let width = frame
            .width
            .min(ctx.content_rect().width() - 48.0)
            .max(280.0);
        ui.set_width(width);
        ui.heading(frame.title);
        if let Some(t) = frame.target {
            let palette = style::palette(ui.visuals());
            ui.label(RichText::new(format!("{} {t}", icon::GLOBE)).color(palette.muted));
        }
        ui.add_space(style::GAP);
        egui::ScrollArea::vertical()
            .max_height(ctx.content_rect().height() * 0.75)
            .auto_shrink([false, true])
            .show(ui, body);
        ui.add_space(style::GAP);
        ui.horizontal(|ui| {
            if let Some((glyph, label, enabled)) = footer.confirm {
                let b = ui.add_enabled(enabled, egui::Button::new(format!("{glyph} {label}")));
                let name = label.to_owned();
                b.widget_info(move || {
                    egui::WidgetInfo::labeled(egui::Role::Button, enabled, &name)
                });
                if b.clicked() {
                    outcome = Outcome::Confirmed;
                }
            }
            if ui.button(footer.dismiss).clicked() {
                outcome = Outcome::Dismissed;
            }
        });
    });
    if outcome == Outcome::Open && !first_frame && shown.should_close() {
        outcome = Outcome::Dismissed;
    }
    outcome
}

/// The confirmation dialog.
pub fn confirm_ui(ctx: &egui::Context, first_frame: bool, form: &ConfirmForm) -> Outcome {
    modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "confirm",
            title: &form.title,
            target: Some(&form.target),
            width: 460.0,
            top: None,
        },
        Footer {
            confirm: Some(("", "Confirm", true)),
            dismiss: "Cancel",
        },
        |ui| {
            ui.label(&form.body);
        },
    )
}
