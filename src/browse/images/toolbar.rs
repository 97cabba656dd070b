//! The toolbar above the table: search, status chips, storage (archive, restore) and the actions on the selection.

use super::*;
use crate::ui::{BrowseAction, ScanningAction};

/// A chip per image status with its count, each showing or hiding that
/// status's images. Only when the repository has archived or restoring
/// images: otherwise every image is active and the chips say nothing.
pub(super) fn status_chips(ui: &mut Ui, state: &AppState, view: &mut ImagesView) {
    let Some(t) = view.cache.as_ref().and_then(|(_, _, t)| *t) else {
        return;
    };
    let _ = state;
    if t.archived.0 == 0 && t.activating.0 == 0 && view.filter.hidden.is_empty() {
        return;
    }
    ui.separator();
    for s in ImageStatus::LISTED {
        let on = !view.filter.hidden.contains(&s);
        let text = format!("{} {}", s.label(), t.of(s).0);
        let r = ui
            .selectable_label(on, text)
            .on_hover_text(format!("Show or hide {} images", s.label().to_lowercase()));
        if r.clicked() {
            view.filter.toggle(s);
        }
    }
}

/// Archive and restore for the selection, each shown only when some of the
/// selected images can take it.
pub(super) fn storage_buttons(
    ui: &mut Ui,
    state: &AppState,
    target: &RepoRef,
    selected: &[Digest],
    actions: &mut Vec<UiAction>,
) {
    if let Some(a) = archive_confirm(state, target, selected)
        && widgets::icon_button(ui, icon::ARCHIVE, "Archive")
            .on_hover_text("Move to the archive storage class: cheaper, but not pullable or scannable until restored")
            .clicked()
    {
        actions.push(a);
    }
    if let Some(a) = restore_confirm(state, target, selected, widgets::now_ms())
        && widgets::icon_button(ui, icon::RESTORE, "Restore")
            .on_hover_text("Restore archived images to standard storage")
            .clicked()
    {
        actions.push(a);
    }
}

/// Search and toggles, and what to do with the selection. Wraps rather than
/// running under the details pane when space is short.
pub(super) fn toolbar_ui(
    ui: &mut Ui,
    state: &AppState,
    target: &RepoRef,
    view: &mut ImagesView,
    actions: &mut Vec<UiAction>,
) {
    ui.horizontal_wrapped(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut view.filter.text)
                .id_salt("image_search")
                .hint_text(format!("{} Tag or digest prefix  ( / )", icon::SEARCH))
                .desired_width(260.0),
        );
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Search images"));
        if view.focus_search {
            r.request_focus();
            view.focus_search = false;
        }
        if r.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            view.filter.text.clear();
        }
        ui.checkbox(&mut view.filter.show_untagged, "Show untagged");
        // The audit question: which images carry no signature here.
        ui.checkbox(&mut view.filter.unsigned_only, "Unsigned only")
            .on_hover_text("Images with no signature in this repository: OCI 1.1 referrers (ListImageReferrers) and cosign's sha256-….sig tags");
        if view.filter.unsigned_only
            && let Some(ri) = state.open_images()
        {
            let checking = ri.referrers.values().filter(|r| r.is_loading()).count();
            if checking > 0 {
                ui.spinner();
                ui.label(format!("checking signatures ({checking} images)…"));
            }
        }
        status_chips(ui, state, view);
        // From the totals computed with the rows, not a walk of every
        // image each frame.
        let ungrouped = match (
            state.open_images(),
            view.cache.as_ref().and_then(|(_, _, t)| *t),
        ) {
            (Some(ri), Some(t)) => ri.ungrouped_estimate(&t),
            _ => 0,
        };
        if ungrouped > 0
            && ui
                .button(format!("{} Group platforms", icon::STACK))
                .on_hover_text(format!(
                    "Reads the manifests of {ungrouped} multi-arch indexes (BatchGetImage) so their platform images nest under them instead of showing as untagged rows. ECR may count each read as a pull of the index, so ecrscope does not do it on its own."
                ))
                .clicked()
        {
            actions.push(UiAction::Browse(BrowseAction::GroupPlatforms(target.clone())));
        }
        if view.selection.is_empty() {
            return;
        }
        ui.separator();
        ui.label(format!("{} selected", view.selection.len()));
        if ui.small_button("Clear").clicked() {
            view.selection.clear();
        }
        let n = view.selection.len();
        let selected: Vec<Digest> = view.selection.iter().copied().collect();
        ui.menu_button(format!("{} Export findings of {n}", icon::EXPORT), |ui| {
            for f in crate::scanning::export::Format::ALL {
                if ui.button(f.label()).clicked() {
                    actions.push(UiAction::Scanning(ScanningAction::Export(target.clone(), selected.clone(), f)));
                    ui.close();
                }
            }
        });
        if ui
            .button(format!("{} Scan {n}", icon::SHIELD_CHECK))
            .clicked()
        {
            actions.push(UiAction::Scanning(ScanningAction::StartScan(target.clone(), selected.clone())));
        }
        if let Some(a) = crate::manage::image_actions::copy_selected(state, target, &selected)
            && widgets::icon_button(ui, icon::COPY, &format!("Copy {n} to…"))
                .on_hover_text("Copy to another repository, region or account (archived images stay behind)")
                .clicked()
        {
            actions.push(a);
        }
        storage_buttons(ui, state, target, &selected, actions);
        if widgets::icon_button(ui, icon::TRASH, &format!("Delete {n} selected")).clicked() {
            actions.push(delete_images_confirm(
                state,
                target,
                selected,
                widgets::now_ms(),
            ));
        }
    });
}
