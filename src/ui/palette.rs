//! Ctrl+K: a command palette over registries, repositories and actions.

use crate::ui::{
    BrowseAction, LoginAction, ManageAction, PreferencesAction, RegistriesAction, ScanningAction,
    SearchAction, ShellAction,
};
use egui::{Key, RichText};

use super::UiAction;
use super::style::{self, icon};
use crate::settings::ThemePref;
use crate::state::{AppState, Location};

#[derive(Debug, Default)]
pub struct PaletteView {
    pub query: String,
    pub cursor: usize,
}

/// One thing the palette can do.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub label: String,
    pub kind: &'static str,
    pub action: UiAction,
}

/// Everything on offer, from what is loaded.
pub fn entries(state: &AppState) -> Vec<Entry> {
    let mut out = vec![
        Entry {
            label: "Refresh".into(),
            kind: "action",
            action: UiAction::Browse(BrowseAction::Refresh),
        },
        Entry {
            label: "Add registry".into(),
            kind: "action",
            action: UiAction::Registries(RegistriesAction::OpenAdd),
        },
        Entry {
            label: "Search everywhere (Ctrl+Shift+F)".into(),
            kind: "action",
            action: UiAction::Search(SearchAction::Open),
        },
        Entry {
            label: "Help (F1)".into(),
            kind: "action",
            action: UiAction::Shell(ShellAction::OpenHelp),
        },
        Entry {
            label: "Preferences".into(),
            kind: "action",
            action: UiAction::Preferences(PreferencesAction::Open),
        },
        Entry {
            label: "Theme: light".into(),
            kind: "action",
            action: UiAction::Preferences(PreferencesAction::SetTheme(ThemePref::Light)),
        },
        Entry {
            label: "Theme: dark".into(),
            kind: "action",
            action: UiAction::Preferences(PreferencesAction::SetTheme(ThemePref::Dark)),
        },
        Entry {
            label: "Theme: follow system".into(),
            kind: "action",
            action: UiAction::Preferences(PreferencesAction::SetTheme(ThemePref::System)),
        },
    ];
    if let Some(reg) = state.selected_registry() {
        out.push(Entry {
            label: "Scanning configuration".into(),
            kind: "action",
            action: UiAction::Scanning(ScanningAction::OpenConfiguration(reg.spec.key())),
        });
        out.push(Entry {
            label: "New repository".into(),
            kind: "action",
            action: UiAction::Manage(ManageAction::OpenCreateRepository(reg.spec.key(), None)),
        });
    }
    if let Some(repo) = state.open_repo() {
        out.push(Entry {
            label: "Push commands".into(),
            kind: "action",
            action: UiAction::Login(LoginAction::OpenPushCommands(repo)),
        });
    }
    for reg in &state.registries {
        let key = reg.spec.key();
        out.push(Entry {
            label: format!("{} ({})", reg.spec.profile_label(), reg.spec.region),
            kind: "registry",
            action: UiAction::Browse(BrowseAction::GoTo(Location {
                registry: Some(key.clone()),
                repository: None,
                image: None,
            })),
        });
        for r in reg
            .repositories
            .shown()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            out.push(Entry {
                label: r.name.clone(),
                kind: "repository",
                action: UiAction::Browse(BrowseAction::GoTo(Location {
                    registry: Some(key.clone()),
                    repository: Some(r.name.clone()),
                    image: None,
                })),
            });
        }
    }
    out
}

/// Subsequence match, case-insensitive. Higher is better: consecutive runs
/// and matches at word starts count more; shorter texts win ties.
pub fn fuzzy_score(query: &str, text: &str) -> Option<i32> {
    let q: Vec<char> = query
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if q.is_empty() {
        return Some(0);
    }
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut qi, mut score, mut prev) = (0usize, 0i32, None::<usize>);
    for (ti, c) in t.iter().enumerate() {
        if qi < q.len() && *c == q[qi] {
            score += 1;
            if prev.is_some_and(|p| p + 1 == ti) {
                score += 3;
            }
            if ti == 0 || matches!(t[ti - 1], '/' | '-' | '_' | '.' | ' ' | '(') {
                score += 2;
            }
            prev = Some(ti);
            qi += 1;
        }
    }
    (qi == q.len()).then(|| score * 100 - t.len() as i32)
}

/// The best matches, best first.
pub fn matches(entries: &[Entry], query: &str, limit: usize) -> Vec<Entry> {
    let mut scored: Vec<(i32, &Entry)> = entries
        .iter()
        .filter_map(|e| fuzzy_score(query, &e.label).map(|s| (s, e)))
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored
        .into_iter()
        .take(limit)
        .map(|(_, e)| e.clone())
        .collect()
}

/// Draws the palette; returns `Some(None)` to close, `Some(Some(action))` to run.
pub fn palette_ui(
    ctx: &egui::Context,
    first_frame: bool,
    view: &mut PaletteView,
    state: &AppState,
) -> Option<Option<UiAction>> {
    let found = matches(&entries(state), &view.query, 12);
    view.cursor = view.cursor.min(found.len().saturating_sub(1));
    let mut outcome = None;
    let (down, up, enter) = ctx.input(|i| {
        (
            i.key_pressed(Key::ArrowDown),
            i.key_pressed(Key::ArrowUp),
            i.key_pressed(Key::Enter),
        )
    });
    if down {
        view.cursor = (view.cursor + 1).min(found.len().saturating_sub(1));
    }
    if up {
        view.cursor = view.cursor.saturating_sub(1);
    }
    if enter {
        outcome = Some(found.get(view.cursor).map(|e| e.action.clone()));
    }
    let id = egui::Id::unique("command_palette");
    let area =
        egui::Modal::default_area(id).anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0));
    let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
        ui.set_width(520.0);
        let r = ui.add(
            egui::TextEdit::singleline(&mut view.query)
                .id_salt("palette_query")
                .hint_text(format!(
                    "{} Go to a registry, a repository, or run an action",
                    icon::SEARCH
                ))
                .desired_width(f32::INFINITY),
        );
        r.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Command palette")
        });
        r.request_focus();
        if r.changed() {
            view.cursor = 0;
        }
        ui.add_space(4.0);
        let muted = style::palette(ui.visuals()).muted;
        for (i, e) in found.iter().enumerate() {
            let resp = ui.horizontal(|ui| {
                let l = ui.selectable_label(i == view.cursor, &e.label);
                ui.label(RichText::new(e.kind).color(muted));
                l
            });
            if resp.inner.clicked() {
                outcome = Some(Some(e.action.clone()));
            }
        }
        if found.is_empty() {
            ui.label(RichText::new("Nothing matches.").color(muted));
        }
    });
    if !first_frame && modal.should_close() && outcome.is_none() {
        outcome = Some(None);
    }
    outcome
}

impl super::modal::Dialog for PaletteView {
    fn show(&mut self, cx: &mut super::modal::DialogCx<'_>) -> bool {
        match palette_ui(cx.ctx, cx.first, self, cx.state) {
            None => true,
            Some(outcome) => {
                cx.actions.extend(outcome);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_prefers_word_starts_and_runs() {
        assert!(fuzzy_score("pag", "platform/api-gateway").is_some());
        assert!(fuzzy_score("xyz", "platform/api-gateway").is_none());
        let a = fuzzy_score("api", "platform/api-gateway").expect("match");
        let b = fuzzy_score("api", "payments/ledger-impl").unwrap_or(i32::MIN);
        assert!(a > b);
        assert_eq!(fuzzy_score("", "anything"), Some(0));
    }

    #[test]
    fn best_match_first() {
        let e = |l: &str| Entry {
            label: l.into(),
            kind: "repository",
            action: UiAction::Browse(BrowseAction::Refresh),
        };
        let entries = vec![
            e("web/admin-console"),
            e("payments/checkout"),
            e("platform/config-server"),
        ];
        assert_eq!(
            matches(&entries, "checkout", 5)[0].label,
            "payments/checkout"
        );
        assert_eq!(
            matches(&entries, "conf", 5)[0].label,
            "platform/config-server"
        );
    }
}
