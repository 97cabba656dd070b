//! One modal at a time, and one scaffold every dialog is drawn with: a
//! title, the target line (profile · account · region) for dialogs that
//! change something, the body, and a footer with the primary button and
//! Cancel. Esc or a click outside dismisses it.

use egui::{RichText, Ui};

use super::UiAction;
use super::style::{self, icon};
use crate::state::AppState;

/// What a dialog draws with, each frame.
pub struct DialogCx<'a> {
    pub ctx: &'a egui::Context,
    /// The first frame it is drawn: the click that opened it may have
    /// landed on what is now the backdrop, which must not close it.
    pub first: bool,
    pub state: &'a AppState,
    /// Where the settings are saved (Help and Preferences show it).
    pub settings_path: Option<&'a str>,
    pub actions: &'a mut Vec<UiAction>,
}

/// A dialog in the one modal slot. Each dialog's own file implements it;
/// the scaffold names no dialog, so a new dialog touches its own file and
/// the action that opens it, nothing here.
pub trait Dialog: std::fmt::Debug {
    /// Draws one frame; returns whether the dialog stays open.
    fn show(&mut self, cx: &mut DialogCx<'_>) -> bool;
}

/// The open dialog (holding one slot makes "is a modal open?" one
/// question: keyboard shortcuts are off while it is) and how many frames
/// it has been drawn.
#[derive(Debug)]
pub struct OpenModal {
    pub dialog: Box<dyn Dialog>,
    pub frames: u32,
}

impl OpenModal {
    pub fn new(dialog: Box<dyn Dialog>) -> Self {
        Self { dialog, frames: 0 }
    }
}

/// Draws the open dialog, if any; closes it when it says so.
pub fn dialogs_ui(
    ctx: &egui::Context,
    state: &AppState,
    view: &mut super::ViewState,
    actions: &mut Vec<UiAction>,
) {
    let settings_path = view.settings_path.clone();
    let Some(open) = &mut view.modal else {
        return;
    };
    let first = open.frames == 0;
    open.frames = open.frames.saturating_add(1);
    let mut cx = DialogCx {
        ctx,
        first,
        state,
        settings_path: settings_path.as_deref(),
        actions,
    };
    if !open.dialog.show(&mut cx) {
        view.modal = None;
    }
}

/// A yes/no question about an action with a pinned target.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmForm {
    pub title: String,
    pub body: String,
    /// The confirm button's words: what it does.
    pub confirm: String,
    pub target: String,
    pub action: UiAction,
}

impl Dialog for ConfirmForm {
    fn show(&mut self, cx: &mut DialogCx<'_>) -> bool {
        match confirm_ui(cx.ctx, cx.first, self) {
            Outcome::Confirmed => {
                cx.actions.push(self.action.clone());
                false
            }
            Outcome::Dismissed => false,
            Outcome::Open => true,
        }
    }
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
            confirm: Some(("", &form.confirm, true)),
            dismiss: "Cancel",
        },
        |ui| {
            ui.label(&form.body);
        },
    )
}

/// A change sent from a dialog that stays open while the registry answers:
/// whether one is on its way, its refusal and its spinner drawn the same in
/// every such dialog.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaveSent(bool);

impl SaveSent {
    pub fn sent(&mut self) {
        self.0 = true;
    }

    /// Once the answer is in: `true` when the dialog should close (the
    /// registry took the change); a refusal keeps it open to be said.
    pub fn answered(&mut self, pending: bool, refused: bool) -> bool {
        if self.0 && !pending {
            self.0 = false;
            return !refused;
        }
        false
    }
}

/// The refusal of the last change and the "saving" spinner, under a
/// dialog's fields.
pub fn save_state_ui(ui: &mut Ui, pending: bool, refused: Option<&str>) {
    if let Some(e) = refused {
        let palette = style::palette(ui.visuals());
        ui.colored_label(
            palette.error,
            format!("{} The registry refused it: {e}", icon::ERROR),
        );
    }
    if pending {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Saving, then reading back…");
        });
    }
}
