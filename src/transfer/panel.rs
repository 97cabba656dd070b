//! The transfers panel: every copy, re-encryption and image export, running
//! or finished, each with its own progress, Cancel and result. Opened from
//! the status bar; a window beside the work, not a modal (jobs run while
//! the user browses).

use crate::ui::TransferAction;
use std::time::Instant;

use egui::{RichText, Ui};

use crate::state::{AppState, Transfer, TransferKind, TransferOutcome};
use crate::ui::UiAction;
use crate::ui::style::{self, icon};

fn open_id() -> egui::Id {
    egui::Id::unique("transfers_panel_open")
}

/// The status bar's part: the running jobs in one line, and the button that
/// opens the panel.
pub fn transfers_status_ui(ui: &mut Ui, state: &AppState, actions: &mut Vec<UiAction>) {
    if state.transfers.is_empty() {
        return;
    }
    let running: Vec<&Transfer> = state.running_transfers().collect();
    ui.separator();
    if let [t] = running.as_slice() {
        ui.label(format!("{} {}", icon::COPY, t.line(Instant::now())))
            .on_hover_ui(|ui| layers_ui(ui, t));
        ui.add(
            egui::ProgressBar::new(t.fraction())
                .desired_width(120.0)
                .desired_height(6.0),
        );
        let b = ui.small_button("Cancel");
        b.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Cancel {}", t.what))
        });
        if b.clicked() {
            actions.push(UiAction::Transfer(TransferAction::Cancel(t.request)));
        }
    } else if !running.is_empty() {
        ui.label(format!(
            "{} {} transfers running",
            icon::COPY,
            running.len()
        ));
    }
    if !running.is_empty() {
        // Keeps the rate and time left moving between snapshots.
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(500));
    }
    let ctx = ui.ctx().clone();
    let mut open = ctx.data(|d| d.get_temp::<bool>(open_id()).unwrap_or(false));
    let label = format!("Transfers ({})", state.transfers.len());
    if ui
        .small_button(label)
        .on_hover_text("Every copy, re-encryption and export, with its progress and result")
        .clicked()
    {
        open = !open;
    }
    ctx.data_mut(|d| d.insert_temp(open_id(), open));
}

/// The panel itself, when open.
pub fn transfers_window_ui(ctx: &egui::Context, state: &AppState, actions: &mut Vec<UiAction>) {
    let mut open = ctx.data(|d| d.get_temp::<bool>(open_id()).unwrap_or(false));
    if !open {
        return;
    }
    egui::Window::new("Transfers")
        .id(egui::Id::unique("transfers_panel"))
        .open(&mut open)
        .resizable(true)
        .default_width(560.0)
        .show(ctx, |ui| {
            if state.transfers.is_empty() {
                ui.label("No copy, re-encryption or export has run yet.");
                return;
            }
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    // Newest first.
                    for t in state.transfers.iter().rev() {
                        transfer_ui(ui, t, actions);
                        ui.separator();
                    }
                });
            if state.transfers.iter().any(|t| !t.is_running())
                && ui.button("Clear finished").clicked()
            {
                actions.push(UiAction::Transfer(TransferAction::ClearFinished));
            }
        });
    ctx.data_mut(|d| d.insert_temp(open_id(), open));
}

fn transfer_ui(ui: &mut Ui, t: &Transfer, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    let glyph = match t.kind {
        TransferKind::Copy => icon::COPY,
        TransferKind::Reencrypt => icon::KEY,
        TransferKind::Export => icon::EXPORT,
    };
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{glyph} {}", t.what)).strong());
        if t.is_running() {
            let b = ui.small_button("Cancel");
            b.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Cancel {}", t.what))
            });
            if b.clicked() {
                actions.push(UiAction::Transfer(TransferAction::Cancel(t.request)));
            }
        }
    });
    match &t.outcome {
        None => {
            ui.label(t.line(Instant::now()));
            ui.add(egui::ProgressBar::new(t.fraction()).show_percentage());
            layers_ui(ui, t);
        }
        Some(o) => {
            let (colour, mark) = match o {
                TransferOutcome::Done(_) => (palette.ok, icon::OK),
                TransferOutcome::Failed(_) => (palette.error, icon::ERROR),
                TransferOutcome::Cancelled(_) => (palette.warning, icon::WARNING),
            };
            let took = t
                .ended
                .map(|e| e.saturating_duration_since(t.started).as_secs())
                .unwrap_or_default();
            ui.colored_label(colour, format!("{mark} {} ({took} s)", o.text()));
        }
    }
}

/// Each layer moving now, with its own progress.
fn layers_ui(ui: &mut Ui, t: &Transfer) {
    if !t.is_running() {
        return;
    }
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
}
