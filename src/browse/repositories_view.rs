//! The selected registry's repositories: search, filter chips, sortable
//! virtualised table.

use crate::ui::{BrowseAction, ManageAction, PreferencesAction};
use egui::{RichText, Ui};

use super::repositories_cells::cell_ui;
use crate::ui::columns::{self, ColumnSpec};

use crate::model::{RepoRef, Repository};
use crate::settings::RepoColumn;
use crate::state::{AppState, RegistryState, RepoFilter, Requested, repo_rows};
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};

/// What the table needs between frames (not persisted).
#[derive(Debug, Default)]
pub struct RepoTableView {
    /// Search text and filter chips.
    pub filter: RepoFilter,
    pub focus_search: bool,
    /// Ctrl/Shift-click selection, for bulk settings.
    pub selection: std::collections::BTreeSet<String>,
    /// Where a Shift-click range starts: a repository name, looked up again
    /// in the rows of the moment (rows change under it: search, refresh).
    anchor: Option<String>,
    /// Keyboard cursor (row position); Enter opens it.
    pub cursor: Option<usize>,
    scroll_to: Option<usize>,
    /// Table keys act (no dialog open, no text field focused); set by the
    /// window each frame.
    pub keys_free: bool,
}

pub fn repositories_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut RepoTableView,
    actions: &mut Vec<UiAction>,
) {
    let Some(key) = state.location.registry.clone() else {
        ui.centered_and_justified(|ui| ui.label("Select a registry on the left."));
        return;
    };
    let palette = style::palette(ui.visuals());
    toolbar_ui(ui, &key, view, actions);
    ui.add_space(4.0);
    let Some(reg) = state.registry(&key) else {
        return;
    };
    if let Some(e) = reg.repositories.error() {
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
            if e.is_transient() && widgets::icon_button(ui, icon::REFRESH, "Retry").clicked() {
                actions.push(UiAction::Browse(BrowseAction::RefreshRegistry(key.clone())));
            }
            // An SSO session that expired or never began: sign in here
            // (IAM Identity Center's device sign-in), no terminal needed.
            if matches!(e, crate::model::EcrError::SsoExpired { .. })
                && widgets::icon_button(ui, icon::LOGIN, "Sign in").clicked()
            {
                actions.push(UiAction::Login(
                    crate::login::actions::LoginAction::SsoSignIn(reg.spec.clone()),
                ));
            }
            // A role that needs an MFA code: ask for it here.
            if matches!(e, crate::model::EcrError::MfaRequired { .. })
                && widgets::icon_button(ui, icon::KEY, "Enter MFA code").clicked()
            {
                actions.push(UiAction::Login(
                    crate::login::actions::LoginAction::MfaOpen(reg.spec.clone()),
                ));
            }
        });
    }
    let Some(repos) = reg.repositories.shown() else {
        if reg.repositories.is_loading() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading repositories…");
            });
        }
        return;
    };
    let mut rows = repo_rows(repos, &view.filter, state.settings.repo_sort, |name| {
        reg.images
            .get(name)
            .and_then(crate::state::RepoImages::totals)
            .map(|t| t.images())
    });
    // `key=value`: by resource tag. Tags not read yet are asked for (a
    // frame's worth at a time); those rows show once their tags say so.
    let mut tags_pending = 0;
    if let Some(q) = view.filter.tag_query() {
        let unknown: Vec<String> = rows
            .iter()
            .map(|&i| &repos[i].name)
            .filter(|n| {
                reg.resource_tags
                    .get(*n)
                    .and_then(Requested::shown)
                    .is_none()
            })
            .cloned()
            .collect();
        tags_pending = unknown.len();
        if !unknown.is_empty() {
            actions.push(UiAction::Browse(BrowseAction::NeedRepoTags(
                reg.spec.key(),
                unknown,
            )));
        }
        rows.retain(|&i| {
            reg.resource_tags
                .get(&repos[i].name)
                .and_then(Requested::shown)
                .is_some_and(|t| crate::state::tags_match(&q, t))
        });
    }
    ui.horizontal(|ui| {
        let loading = if reg.repositories.is_loading() {
            " · refreshing…"
        } else {
            ""
        };
        let shown = if view.filter.is_active() {
            format!("{} of {} repositories", rows.len(), repos.len())
        } else {
            format!("{} repositories", repos.len())
        };
        ui.label(RichText::new(format!("{shown}{loading}")).color(palette.muted));
        if tags_pending > 0 {
            ui.spinner();
            ui.label(
                RichText::new(format!("reading the tags of {tags_pending} repositories…"))
                    .color(palette.muted),
            );
        }
    });
    if repos.is_empty() && !reg.repositories.is_loading() {
        ui.add_space(style::GAP * 2.0);
        ui.horizontal_wrapped(|ui| {
            ui.label("This registry has no repositories yet: create one, then push to it.");
            if widgets::icon_button(ui, icon::PLUS, "Create a repository").clicked() {
                actions.push(UiAction::Manage(ManageAction::OpenCreateRepository(
                    reg.spec.key(),
                    None,
                )));
            }
        });
        return;
    }
    keyboard_ui(ui, view, repos, &rows, actions);
    table_ui(ui, state, reg, repos, &rows, view, actions);
}

/// Search, filter chips, New repository, and the selection's actions.
fn toolbar_ui(
    ui: &mut Ui,
    key: &crate::model::RegistryKey,
    view: &mut RepoTableView,
    actions: &mut Vec<UiAction>,
) {
    // Wraps onto a second line rather than hiding a control; the primary
    // action comes right after the search, so it is never the one cut.
    ui.horizontal_wrapped(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut view.filter.text)
                .hint_text(format!("{} Search repositories  ( / )", icon::SEARCH))
                .desired_width(ui.available_width().clamp(160.0, 280.0)),
        );
        r.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Search repositories")
        });
        if view.focus_search {
            r.request_focus();
            view.focus_search = false;
        }
        if r.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            view.filter.text.clear();
        }
        if widgets::icon_button(ui, icon::PLUS, "New repository").clicked() {
            actions.push(UiAction::Manage(ManageAction::OpenCreateRepository(
                key.clone(),
                None,
            )));
        }
        ui.add_space(style::GAP);
        let f = &mut view.filter;
        ui.toggle_value(&mut f.mutable, format!("{} Mutable", icon::LOCK_OPEN));
        ui.toggle_value(&mut f.immutable, format!("{} Immutable", icon::LOCK));
        ui.toggle_value(&mut f.kms, format!("{} KMS", icon::KEY));
        ui.toggle_value(
            &mut f.scan_on_push,
            format!("{} Scan on push", icon::SHIELD_CHECK),
        );
        if !view.selection.is_empty() {
            ui.separator();
            let n = view.selection.len();
            if widgets::icon_button(ui, icon::GEAR, &format!("Bulk settings for {n}")).clicked() {
                actions.push(UiAction::Manage(ManageAction::OpenBulk(
                    key.clone(),
                    view.selection.iter().cloned().collect(),
                )));
            }
            if ui.small_button("Clear selection").clicked() {
                view.selection.clear();
            }
        }
    });
}

/// Arrows, PageUp/PageDown and Home/End move the cursor; Enter opens.
fn keyboard_ui(
    ui: &Ui,
    view: &mut RepoTableView,
    repos: &[Repository],
    rows: &[usize],
    actions: &mut Vec<UiAction>,
) {
    if rows.is_empty() || !view.keys_free {
        return;
    }
    let last = rows.len() - 1;
    if let Some(m) = widgets::table_nav_target(ui, view.cursor, last) {
        view.cursor = Some(m);
        view.scroll_to = Some(m);
    }
    if ui.input(|i| i.key_pressed(egui::Key::Enter))
        && let Some(r) = view
            .cursor
            .and_then(|c| rows.get(c))
            .and_then(|&i| repos.get(i))
    {
        actions.push(UiAction::Browse(BrowseAction::SelectRepository(Some(
            r.name.clone(),
        ))));
    }
}

fn table_ui(
    ui: &mut Ui,
    state: &AppState,
    reg: &RegistryState,
    repos: &[Repository],
    rows: &[usize],
    view: &mut RepoTableView,
    actions: &mut Vec<UiAction>,
) {
    let sort = state.settings.repo_sort;
    let selected_repo = state.location.repository.clone();
    let header = |ui: &mut Ui, label: &str, col: RepoColumn, actions: &mut Vec<UiAction>| {
        let sorted = (sort.column == col).then_some(sort.ascending);
        if widgets::sort_header(ui, label, sorted, &format!("Sort repositories by {label}")) {
            actions.push(UiAction::Preferences(PreferencesAction::SortRepositories(
                col,
            )));
        }
    };
    let cursor = view.cursor;
    // Labels in rows must not take the click (text selection) from the row.
    ui.style_mut().interaction.selectable_labels = false;
    let hidden = columns::hidden(
        &COLUMNS,
        state.settings.hidden_columns.get(&TABLE),
        ui.available_width(),
    );
    let shown = columns::visible(&COLUMNS, &hidden);
    let tags_shown = shown.iter().any(|c| c.id == RepoCol::Tags);
    let mut need_tags: Vec<String> = Vec::new();
    // Columns that do not fit scroll sideways; none is cut off unreachable.
    egui::ScrollArea::horizontal()
        .id_salt(("repos_h", &reg.spec.key().0))
        .show(ui, |ui| {
            let mut table = columns::table(ui, ("repos", &reg.spec.key().0), &shown);
            if let Some(pos) = view.scroll_to.take() {
                table = table.scroll_to_row(pos, None);
            }
            table
                .header(style::ROW_HEIGHT, |mut h| {
                    for c in &shown {
                        let (_, resp) = h.col(|ui| match sort_column(c.id) {
                            Some(col) => header(ui, c.label, col, actions),
                            None => {
                                ui.label(RichText::new(c.label).strong());
                            }
                        });
                        resp.context_menu(|ui| {
                            columns::menu_ui(ui, TABLE, &COLUMNS, &hidden, actions);
                        });
                    }
                })
                .body(|body| {
                    body.rows(style::ROW_HEIGHT, rows.len(), |mut row| {
                        let Some(r) = rows.get(row.index()).and_then(|&i| repos.get(i)) else {
                            return;
                        };
                        row.set_selected(
                            selected_repo.as_deref() == Some(r.name.as_str())
                                || cursor == Some(row.index())
                                || view.selection.contains(&r.name),
                        );
                        for c in &shown {
                            row.col(|ui| cell_ui(ui, c.id, reg, r, actions));
                        }
                        if tags_shown && !reg.resource_tags.contains_key(&r.name) {
                            need_tags.push(r.name.clone());
                        }
                        // A screen reader (and the end-to-end run) hears the
                        // row as its repository.
                        let selected = view.selection.contains(&r.name);
                        row.response().widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::Role::Row,
                                true,
                                selected,
                                format!("Repository {}", r.name),
                            )
                        });
                        if row.response().clicked() {
                            let mods = row.response().ctx.input(|i| i.modifiers);
                            clicked_ui(view, repos, rows, r, row.index(), mods, actions);
                        }
                        row.response()
                            .context_menu(|ui| row_menu_ui(ui, reg, r, actions));
                    });
                });
        });
    // Resource tags of the rows on screen, read once each.
    if !need_tags.is_empty() {
        actions.push(UiAction::Browse(BrowseAction::NeedRepoTags(
            reg.spec.key(),
            need_tags,
        )));
    }
}

/// The repositories table's name in the settings, and its columns.
const TABLE: crate::settings::Table = crate::settings::Table::Repositories;

/// The repositories table's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RepoCol {
    Name,
    Created,
    Mutability,
    Encryption,
    Scanning,
    Images,
    Uri,
    Tags,
}

const COLUMNS: [ColumnSpec<RepoCol>; 8] = [
    ColumnSpec::new(RepoCol::Name, "name", "Repository", 260.0, 120.0).required(),
    ColumnSpec::new(RepoCol::Created, "created", "Created", 110.0, 60.0).hide_below(820.0),
    ColumnSpec::new(
        RepoCol::Mutability,
        "mutability",
        "Tag mutability",
        160.0,
        90.0,
    ),
    ColumnSpec::new(RepoCol::Encryption, "encryption", "Encryption", 150.0, 80.0),
    ColumnSpec::new(RepoCol::Scanning, "scanning", "Scanning", 90.0, 70.0).hide_below(700.0),
    ColumnSpec::new(RepoCol::Images, "images", "Images", 120.0, 80.0),
    ColumnSpec::new(RepoCol::Uri, "uri", "URI", 320.0, 120.0).hide_below(1100.0),
    ColumnSpec::new(RepoCol::Tags, "tags", "Resource tags", 200.0, 100.0).hide_below(1500.0),
];

/// What a column sorts by (the URI and resource tags do not sort).
fn sort_column(col: RepoCol) -> Option<RepoColumn> {
    match col {
        RepoCol::Name => Some(RepoColumn::Name),
        RepoCol::Created => Some(RepoColumn::Created),
        RepoCol::Mutability => Some(RepoColumn::Mutability),
        RepoCol::Encryption => Some(RepoColumn::Encryption),
        RepoCol::Scanning => Some(RepoColumn::ScanOnPush),
        RepoCol::Images => Some(RepoColumn::Images),
        RepoCol::Uri | RepoCol::Tags => None,
    }
}

/// Plain click opens; Ctrl toggles in the selection; Shift selects a range
/// from the anchor (a name, found again in the rows of now).
fn clicked_ui(
    view: &mut RepoTableView,
    repos: &[Repository],
    rows: &[usize],
    r: &Repository,
    pos: usize,
    mods: egui::Modifiers,
    actions: &mut Vec<UiAction>,
) {
    if mods.command {
        if !view.selection.remove(&r.name) {
            view.selection.insert(r.name.clone());
        }
        view.anchor = Some(r.name.clone());
    } else if mods.shift {
        let names: Vec<&str> = rows
            .iter()
            .filter_map(|&i| repos.get(i).map(|r| r.name.as_str()))
            .collect();
        view.selection = shift_range(&names, view.anchor.as_deref(), pos)
            .into_iter()
            .map(str::to_owned)
            .collect();
    } else {
        view.anchor = Some(r.name.clone());
        actions.push(UiAction::Browse(BrowseAction::SelectRepository(Some(
            r.name.clone(),
        ))));
    }
}

fn row_menu_ui(ui: &mut Ui, reg: &RegistryState, r: &Repository, actions: &mut Vec<UiAction>) {
    let target = RepoRef::new(&reg.spec, &r.name);
    if ui.button(format!("{} Open", icon::PACKAGE)).clicked() {
        actions.push(UiAction::Browse(BrowseAction::SelectRepository(Some(
            r.name.clone(),
        ))));
    }
    if ui.button(format!("{} Settings…", icon::GEAR)).clicked() {
        actions.push(UiAction::Manage(ManageAction::OpenRepoSettings(
            target.clone(),
        )));
    }
    if ui
        .button(format!("{} Create one like it…", icon::PLUS))
        .clicked()
    {
        actions.push(UiAction::Manage(ManageAction::OpenCreateRepository(
            reg.spec.key(),
            Some(r.name.clone()),
        )));
    }
    if ui.button(format!("{} Delete…", icon::TRASH)).clicked() {
        actions.push(UiAction::Manage(ManageAction::OpenDeleteRepository(target)));
    }
}

/// The rows a Shift-click selects: from the anchor (an identity, looked up
/// in the rows of now) to the clicked row. An anchor that is gone (filtered
/// out, deleted) gives just the clicked row.
pub fn shift_range<'a>(names: &[&'a str], anchor: Option<&str>, clicked: usize) -> Vec<&'a str> {
    let Some(clicked_name) = names.get(clicked) else {
        return Vec::new();
    };
    let from = anchor
        .and_then(|a| names.iter().position(|n| *n == a))
        .unwrap_or(clicked);
    let (a, b) = (from.min(clicked), from.max(clicked));
    match names.get(a..=b) {
        Some(range) => range.to_vec(),
        None => vec![*clicked_name],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_ranges_use_the_anchor_found_now() {
        let names = ["a", "b", "c", "d"];
        assert_eq!(shift_range(&names, Some("b"), 3), ["b", "c", "d"]);
        assert_eq!(shift_range(&names, Some("d"), 0), ["a", "b", "c", "d"]);
        // The anchor row was filtered away: only the clicked row.
        assert_eq!(shift_range(&names[..2], Some("d"), 1), ["b"]);
        assert_eq!(shift_range(&names, None, 2), ["c"]);
        assert!(shift_range(&names[..1], Some("a"), 5).is_empty());
    }
}
