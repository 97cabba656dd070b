//! The copy dialog's look at its target: what each tag would do there
//! (new, kept, moves, refused), asked before anything is sent, and the
//! verdict that enables Copy.

use egui::{RichText, Ui};

use super::copy_dialog::CopyForm;
use crate::model::Digest;
use crate::ui::style::{self, icon};
use crate::ui::{TransferAction, UiAction};

/// Where the target check leaves the Copy button.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Not asked yet, or the answer is on its way.
    Checking,
    /// The check failed: nothing is known of the target.
    Failed(String),
    /// The target refuses (immutable tags naming other images).
    Refused(Vec<String>),
    /// Tags would move and the tick is not set.
    NeedsTick,
    /// Copy may start, with these moves allowed.
    Ready {
        allowed_moves: Vec<(String, Digest)>,
    },
}

impl Verdict {
    pub(crate) fn ready(&self) -> bool {
        matches!(self, Self::Ready { .. })
    }
}

/// The Copy button's state from the target's answer and the tick (a pure
/// function: tested below).
pub(crate) fn target_verdict(
    check: Option<&crate::state::CopyCheck>,
    allow_moves: bool,
) -> Verdict {
    let Some(result) = check.and_then(|c| c.result.as_ref()) else {
        return Verdict::Checking;
    };
    let t = match result {
        Ok(t) => t,
        Err(e) => return Verdict::Failed(e.clone()),
    };
    let refusals = t.refusals();
    if !refusals.is_empty() {
        return Verdict::Refused(refusals);
    }
    let moves = t.moves();
    if !moves.is_empty() && !allow_moves {
        return Verdict::NeedsTick;
    }
    Verdict::Ready {
        allowed_moves: moves
            .into_iter()
            .map(|(tag, from, _)| (tag, from))
            .collect(),
    }
}

/// What the target said: tags that move (with the tick), refusals, or that
/// it is being asked.
pub(crate) fn target_check_ui(
    ui: &mut Ui,
    form: &mut CopyForm,
    check: Option<&crate::state::CopyCheck>,
    verdict: &Verdict,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    ui.add_space(4.0);
    match verdict {
        Verdict::Checking => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Asking the target what each tag would do there…");
            });
        }
        Verdict::Failed(e) => {
            ui.colored_label(
                palette.error,
                format!("{} Could not read the target: {e}", icon::ERROR),
            );
            if ui.button("Check again").clicked()
                && let Some(c) = check
            {
                actions.push(UiAction::Transfer(TransferAction::CheckCopyTarget {
                    target: c.target.clone(),
                    items: c.items.clone(),
                }));
            }
        }
        Verdict::Refused(why) => {
            for w in why {
                ui.colored_label(palette.error, format!("{} {w}", icon::ERROR));
            }
        }
        Verdict::NeedsTick | Verdict::Ready { .. } => {
            let moves = check
                .and_then(|c| c.result.as_ref())
                .and_then(|r| r.as_ref().ok())
                .map(crate::model::transfer::TargetCheck::moves)
                .unwrap_or_default();
            if moves.is_empty() {
                ui.colored_label(
                    palette.ok,
                    format!("{} No tag in the target moves.", icon::OK),
                );
                return;
            }
            ui.colored_label(
                palette.warning,
                format!(
                    "{} {} tag{} in the target name{} another image now and would move to the copy:",
                    icon::WARNING,
                    moves.len(),
                    if moves.len() == 1 { "" } else { "s" },
                    if moves.len() == 1 { "s" } else { "" }
                ),
            );
            for (tag, from, to) in moves.iter().take(20) {
                ui.label(
                    RichText::new(format!(
                        "  {tag}: {} → {} (the copy)",
                        from.short(),
                        to.short()
                    ))
                    .monospace(),
                );
            }
            if moves.len() > 20 {
                ui.weak(format!("  and {} more", moves.len() - 20));
            }
            ui.checkbox(
                &mut form.allow_moves,
                format!(
                    "Move {} to the copy",
                    if moves.len() == 1 {
                        "this tag"
                    } else {
                        "these tags"
                    }
                ),
            );
        }
    }
}
