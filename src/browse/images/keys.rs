//! Clicks with modifiers (range and toggle selection) and the table's keyboard.

use super::*;
use crate::ui::BrowseAction;

pub(super) fn ui_modifiers(r: &egui::Response) -> egui::Modifiers {
    r.ctx.input(|i| i.modifiers)
}

/// Plain click: select and open; Ctrl: toggle in the selection; Shift: range
/// from the anchor (a digest found again in the rows of now).
pub(super) fn click_row(
    state: &AppState,
    view: &mut ImagesView,
    rows: &[ImageRow],
    images: &[Image],
    pos: usize,
    mods: egui::Modifiers,
    actions: &mut Vec<UiAction>,
) {
    let Some(d) = rows
        .get(pos)
        .and_then(|r| images.get(r.index))
        .map(|i| i.digest)
    else {
        return;
    };
    if mods.shift {
        let digests: Vec<Digest> = rows
            .iter()
            .filter_map(|r| images.get(r.index).map(|i| i.digest))
            .collect();
        view.selection = shift_range(&digests, view.anchor, pos)
            .into_iter()
            .collect();
    } else if mods.command {
        if !view.selection.insert(d) {
            view.selection.remove(&d);
        }
        view.anchor = Some(d);
    } else {
        view.selection.clear();
        view.anchor = Some(d);
        if state.location.image != Some(d) {
            actions.push(UiAction::Browse(BrowseAction::SelectImage(Some(d))));
        }
    }
}

/// The rows a Shift-click selects: from the anchor (looked up in the rows
/// of now) to the clicked row; an anchor that is gone gives the clicked row.
pub fn shift_range(rows: &[Digest], anchor: Option<Digest>, clicked: usize) -> Vec<Digest> {
    let Some(&clicked_digest) = rows.get(clicked) else {
        return Vec::new();
    };
    let from = anchor
        .and_then(|a| rows.iter().position(|d| *d == a))
        .unwrap_or(clicked);
    let (a, b) = (from.min(clicked), from.max(clicked));
    rows.get(a..=b)
        .map_or_else(|| vec![clicked_digest], <[Digest]>::to_vec)
}

pub(super) fn keyboard_ui(
    ui: &Ui,
    state: &AppState,
    target: &RepoRef,
    view: &mut ImagesView,
    rows: &[ImageRow],
    images: &[Image],
    actions: &mut Vec<UiAction>,
) {
    if rows.is_empty() || !view.keys_free {
        return;
    }
    // Finding the current row walks the rows: only when a key asks for it.
    let nav_keys = [
        egui::Key::ArrowDown,
        egui::Key::ArrowUp,
        egui::Key::PageDown,
        egui::Key::PageUp,
        egui::Key::Home,
        egui::Key::End,
        egui::Key::Enter,
    ];
    if !ui.input(|i| nav_keys.iter().any(|k| i.key_pressed(*k))) {
        return;
    }
    let digest_at = |pos: usize| rows.get(pos).and_then(|r| images.get(r.index));
    let current = state.location.image.and_then(|d| {
        rows.iter()
            .position(|r| images.get(r.index).is_some_and(|i| i.digest == d))
    });
    let to = widgets::table_nav_target(ui, current, rows.len() - 1);
    if let Some(img) = to.and_then(digest_at) {
        view.anchor = Some(img.digest);
        view.scroll_to = to;
        actions.push(UiAction::Browse(BrowseAction::SelectImage(Some(
            img.digest,
        ))));
    }
    if ui.input(|i| i.key_pressed(egui::Key::Enter))
        && let Some(img) = current.and_then(digest_at)
        && img.manifest.is_index()
    {
        actions.push(UiAction::Browse(BrowseAction::ToggleExpand(
            target.clone(),
            img.digest,
        )));
    }
}
