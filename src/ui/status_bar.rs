//! The bottom bar: requests in flight and the last error.

use egui::{RichText, Ui};

use super::style::{self, icon};
use crate::state::AppState;

pub fn status_bar_ui(
    ui: &mut Ui,
    state: &AppState,
    in_flight: u64,
    actions: &mut Vec<super::UiAction>,
) {
    let scanning = state.scans_followed();
    let palette = style::palette(ui.visuals());
    ui.horizontal(|ui| {
        if in_flight > 0 {
            ui.spinner();
            ui.label(format!(
                "{in_flight} request{} in flight",
                if in_flight == 1 { "" } else { "s" }
            ));
        } else {
            ui.label(RichText::new(format!("{} Idle", icon::OK)).color(palette.muted));
        }
        if scanning > 0 {
            ui.separator();
            ui.label(
                RichText::new(format!("{} {scanning} scanning", icon::SHIELD_CHECK))
                    .color(palette.loading),
            );
        }
        let restoring = state.restores_followed();
        if restoring > 0 {
            ui.separator();
            ui.label(
                RichText::new(format!("{} {restoring} restoring", icon::ARCHIVE))
                    .color(palette.loading),
            );
        }
        if let Some(crate::state::ExportProgress {
            done,
            total,
            findings,
            ..
        }) = state.export_progress
        {
            ui.separator();
            ui.label(format!(
                "{} Exporting: {done} of {total} images read, {findings} findings",
                icon::EXPORT
            ));
            ui.add(
                egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                    .desired_width(120.0)
                    .desired_height(6.0),
            );
        }
        super::transfers::transfers_status_ui(ui, state, actions);
        if let Some(reg) = state.selected_registry() {
            ui.separator();
            let account = reg
                .account()
                .map_or_else(|| "account …".to_owned(), |a| format!("account {a}"));
            ui.label(
                RichText::new(format!("{} {} · {}", icon::GLOBE, reg.spec.region, account))
                    .color(palette.muted),
            );
        }
        if let Some(e) = &state.last_error {
            ui.separator();
            ui.label(RichText::new(format!("{} {e}", icon::ERROR)).color(palette.error))
                .on_hover_text(e);
        }
    });
}
