//! The MFA code dialog: one field for the 6 digits (Enter sends), the
//! reason a code was refused next to it, a spinner while STS answers.
//! The code leaves the field when sent.

use egui::RichText;

use crate::login::actions::LoginAction;
use crate::ui::UiAction;
use crate::ui::modal::{Dialog, DialogCx, Footer, Frame, Outcome, modal_ui};
use crate::ui::style::{self, icon};

#[derive(Debug, Default)]
pub struct MfaDialog {
    code: String,
}

impl Dialog for MfaDialog {
    fn show(&mut self, cx: &mut DialogCx<'_>) -> bool {
        let Some(entry) = cx.state.mfa.as_ref() else {
            return false;
        };
        let sending = entry.request.is_some();
        let target = format!("profile {}", entry.profile);
        let mut enter = false;
        let code = &mut self.code;
        let outcome = modal_ui(
            cx.ctx,
            cx.first,
            Frame {
                id: "mfa_code",
                title: "MFA code",
                target: Some(&target),
                width: 420.0,
                top: None,
            },
            Footer {
                confirm: Some((icon::KEY, "Use code", !sending)),
                dismiss: "Cancel",
            },
            |ui| {
                let palette = style::palette(ui.visuals());
                ui.label("This profile assumes its role with MFA. Enter the code your MFA device shows now:");
                ui.add_space(style::GAP);
                let l = ui.label("Code");
                let field = ui
                    .add_enabled(
                        !sending,
                        egui::TextEdit::singleline(code)
                            .id_salt("mfa_code_field")
                            .hint_text("6 digits")
                            .char_limit(12)
                            .desired_width(120.0),
                    )
                    .labelled_by(l.id);
                if cx.first {
                    field.request_focus();
                }
                enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if let Some(e) = &entry.error {
                    ui.label(RichText::new(format!("{} {e}", icon::ERROR)).color(palette.error));
                }
                if sending {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Asking STS…");
                    });
                }
                ui.label(
                    RichText::new("The session is kept in memory only, until it expires.")
                        .color(palette.muted),
                );
            },
        );
        match outcome {
            Outcome::Confirmed => {
                cx.actions
                    .push(UiAction::Login(LoginAction::MfaSubmit(std::mem::take(
                        &mut self.code,
                    ))));
                true
            }
            Outcome::Open if enter && !sending => {
                cx.actions
                    .push(UiAction::Login(LoginAction::MfaSubmit(std::mem::take(
                        &mut self.code,
                    ))));
                true
            }
            Outcome::Open => true,
            Outcome::Dismissed => {
                cx.actions.push(UiAction::Login(LoginAction::MfaClose));
                false
            }
        }
    }
}
