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
        if let Some(t) = &state.transfer {
            ui.separator();
            ui.label(format!(
                "{} {}",
                icon::COPY,
                t.line(std::time::Instant::now())
            ))
            .on_hover_ui(|ui| {
                // Each layer moving now, with its own progress.
                if t.progress.active.is_empty() {
                    ui.label("Reading manifests and checking the target…");
                }
                for (d, done, size) in &t.progress.active {
                    ui.label(format!(
                        "layer {}: {} of {}",
                        d.short(),
                        crate::model::transfer::human_size_u64(*done),
                        crate::model::transfer::human_size_u64(*size)
                    ));
                }
            });
            ui.add(
                egui::ProgressBar::new(t.fraction())
                    .desired_width(120.0)
                    .desired_height(6.0),
            );
            if ui.small_button("Cancel").clicked() {
                actions.push(super::UiAction::CancelTransfer);
            }
            // Keeps the rate and time left moving between snapshots.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(500));
        }
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
