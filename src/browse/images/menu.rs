//! The row's context menu.

use super::*;
use crate::ui::{BrowseAction, ScanningAction};

/// Right click on a row: the same actions as the buttons, on the selection
/// when the row is part of it, else on the row.
pub(super) fn row_menu_ui(
    ui: &mut Ui,
    state: &AppState,
    target: &RepoRef,
    img: &Image,
    open: Option<Digest>,
    selection: &BTreeSet<Digest>,
    actions: &mut Vec<UiAction>,
) {
    let targets: Vec<Digest> = if selection.contains(&img.digest) {
        selection.iter().copied().collect()
    } else {
        vec![img.digest]
    };
    let n = targets.len();
    let many = if n > 1 {
        format!(" {n} images")
    } else {
        String::new()
    };
    if ui
        .button(format!("{} Findings", icon::SHIELD_WARNING))
        .clicked()
    {
        actions.push(UiAction::Browse(BrowseAction::SelectImage(Some(
            img.digest,
        ))));
        actions.push(UiAction::Scanning(ScanningAction::OpenFindings));
        ui.close();
    }
    if ui
        .button(format!("{} Scan{many}  (S)", icon::SHIELD_CHECK))
        .clicked()
    {
        actions.push(UiAction::Scanning(ScanningAction::StartScan(
            target.clone(),
            targets.clone(),
        )));
        ui.close();
    }
    ui.menu_button(format!("{} Export findings{many}", icon::EXPORT), |ui| {
        for f in crate::scanning::export::Format::ALL {
            if ui.button(f.label()).clicked() {
                actions.push(UiAction::Scanning(ScanningAction::Export(
                    target.clone(),
                    targets.clone(),
                    f,
                )));
                ui.close();
            }
        }
    });
    if let Some(o) = open.filter(|o| *o != img.digest && !img.manifest.is_index())
        && ui
            .button(format!(
                "{} Compare findings with the open image",
                icon::ARROWS_LEFT_RIGHT
            ))
            .clicked()
    {
        {
            actions.push(UiAction::Browse(BrowseAction::SelectImage(Some(o))));
            actions.push(UiAction::Scanning(ScanningAction::OpenFindings));
            actions.push(UiAction::Scanning(ScanningAction::CompareWith(Some(
                img.digest,
            ))));
            ui.close();
        }
    }
    ui.separator();
    if ui.button(format!("{} Copy digest", icon::COPY)).clicked() {
        ui.ctx().copy_text(img.digest.to_string());
        ui.close();
    }
    if let Some(a) = archive_confirm(state, target, &targets)
        && ui
            .button(format!("{} Archive{many}…", icon::ARCHIVE))
            .clicked()
    {
        actions.push(a);
        ui.close();
    }
    if let Some(a) = restore_confirm(state, target, &targets, widgets::now_ms())
        && ui
            .button(format!("{} Restore{many}…", icon::RESTORE))
            .clicked()
    {
        actions.push(a);
        ui.close();
    }
    if ui
        .button(format!("{} Delete{many}…", icon::TRASH))
        .clicked()
    {
        actions.push(delete_images_confirm(
            state,
            target,
            targets,
            widgets::now_ms(),
        ));
        ui.close();
    }
}
