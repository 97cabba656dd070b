//! The IAM Identity Center sign-in dialog: the code to check (large, with a
//! copy button), the page (opened in the browser once, and again on
//! request), how long the code lives, and how the sign-in ended. Cancel or
//! Esc stops it; nothing is written then.

use std::time::Instant;

use egui::RichText;

use crate::login::actions::LoginAction;
use crate::login::state::SsoPhase;
use crate::ui::UiAction;
use crate::ui::modal::{Dialog, DialogCx, Footer, Frame, Outcome, modal_ui};
use crate::ui::style::{self, icon};
use crate::ui::widgets;

#[derive(Debug, Default)]
pub struct SsoDialog {
    /// The page was opened for this code (once: a second tab per frame
    /// would be a flood).
    opened_for: Option<String>,
}

/// `m:ss` left, never negative.
pub fn time_left(until: Instant, now: Instant) -> String {
    let s = until.saturating_duration_since(now).as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

impl Dialog for SsoDialog {
    fn show(&mut self, cx: &mut DialogCx<'_>) -> bool {
        let Some(sign_in) = cx.state.sso.as_ref() else {
            return false;
        };
        let running = sign_in.is_running();
        if let SsoPhase::Waiting { prompt, .. } = &sign_in.phase
            && self.opened_for.as_deref() != Some(prompt.user_code.as_str())
        {
            self.opened_for = Some(prompt.user_code.clone());
            cx.ctx
                .open_url(egui::OpenUrl::new_tab(&prompt.verification_uri_complete));
        }
        let target = format!("profile {}", sign_in.profile);
        let outcome = modal_ui(
            cx.ctx,
            cx.first,
            Frame {
                id: "sso_sign_in",
                title: "Sign in to IAM Identity Center",
                target: Some(&target),
                width: 480.0,
                top: None,
            },
            Footer {
                confirm: match &sign_in.phase {
                    SsoPhase::Failed(_) => Some((icon::LOGIN, "Try again", true)),
                    _ => None,
                },
                dismiss: if running { "Cancel" } else { "Close" },
            },
            |ui| body_ui(ui, &sign_in.phase),
        );
        match outcome {
            Outcome::Open => {
                if running {
                    // The countdown moves once a second.
                    cx.ctx
                        .request_repaint_after(std::time::Duration::from_secs(1));
                }
                true
            }
            Outcome::Confirmed => {
                let spec = cx.state.registry(&sign_in.registry).map(|r| r.spec.clone());
                if let Some(spec) = spec {
                    cx.actions
                        .push(UiAction::Login(LoginAction::SsoSignIn(spec)));
                }
                // The new sign-in opens its own dialog.
                false
            }
            Outcome::Dismissed => {
                cx.actions.push(UiAction::Login(LoginAction::SsoClose));
                false
            }
        }
    }
}

fn body_ui(ui: &mut egui::Ui, phase: &SsoPhase) {
    let palette = style::palette(ui.visuals());
    match phase {
        SsoPhase::Starting => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Asking IAM Identity Center for a sign-in code…");
            });
        }
        SsoPhase::Waiting { prompt, until } => {
            ui.label(format!(
                "A sign-in page for {} opened in your browser. Check that it shows this code, then allow the sign-in there:",
                prompt.start_url
            ));
            ui.add_space(style::GAP);
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(&prompt.user_code)
                        .monospace()
                        .size(28.0)
                        .strong(),
                );
                widgets::copy_button(ui, "sign-in code", &prompt.user_code);
            });
            ui.add_space(style::GAP);
            ui.horizontal(|ui| {
                if ui
                    .button(format!("{} Open the page again", icon::GLOBE))
                    .clicked()
                {
                    ui.ctx()
                        .open_url(egui::OpenUrl::new_tab(&prompt.verification_uri_complete));
                }
                widgets::copy_button(ui, "page address", &prompt.verification_uri_complete);
            });
            ui.add(
                egui::Label::new(
                    RichText::new(&prompt.verification_uri)
                        .monospace()
                        .color(palette.muted),
                )
                .truncate(),
            );
            ui.add_space(style::GAP);
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!(
                    "Waiting for you to allow it… the code expires in {}.",
                    time_left(*until, Instant::now())
                ));
            });
        }
        SsoPhase::SignedIn(done) => {
            ui.label(RichText::new(format!("{} Signed in.", icon::OK)).color(palette.ok));
            ui.label(format!(
                "The token holds until {} and is saved where the aws CLI reads it too. The registries of this profile are loading again.",
                done.expires_at
            ));
        }
        SsoPhase::Failed(why) => {
            ui.label(RichText::new(format!("{} {why}", icon::ERROR)).color(palette.error));
        }
        SsoPhase::Cancelled => {
            ui.label("Sign-in cancelled. Nothing was written.");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_countdown_reads_minutes_and_seconds_and_stops_at_zero() {
        let now = Instant::now();
        assert_eq!(time_left(now + Duration::from_secs(599), now), "9:59");
        assert_eq!(time_left(now + Duration::from_secs(61), now), "1:01");
        assert_eq!(time_left(now, now + Duration::from_secs(5)), "0:00");
    }
}
