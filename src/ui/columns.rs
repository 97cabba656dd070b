//! Table columns the user can show and hide: a menu on every header cell
//! (right click), the choice remembered per table, and defaults that fit the
//! window (a column with `hide_below` starts hidden when the table is
//! narrower than that, until the user chooses). Whatever is shown scrolls
//! horizontally rather than being cut.

use crate::ui::PreferencesAction;
use std::collections::BTreeSet;

use egui::Ui;

use super::UiAction;

/// One column of a table: `id` is the table's own column type (matched
/// exhaustively where cells are drawn), `key` its stable name in the
/// settings file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnSpec<C> {
    pub id: C,
    /// Stable name, persisted in the settings.
    pub key: &'static str,
    pub label: &'static str,
    pub width: f32,
    pub min: f32,
    /// Hidden by default when the table is narrower than this.
    pub hide_below: Option<f32>,
    /// Cannot be hidden (what names the row).
    pub required: bool,
    /// Shown only when the person asks for it (the header's menu): a
    /// column that costs a call per row.
    pub optional: bool,
}

impl<C: Copy> ColumnSpec<C> {
    pub const fn new(id: C, key: &'static str, label: &'static str, width: f32, min: f32) -> Self {
        Self {
            id,
            key,
            label,
            width,
            min,
            hide_below: None,
            required: false,
            optional: false,
        }
    }

    pub const fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    pub const fn hide_below(mut self, width: f32) -> Self {
        self.hide_below = Some(width);
        self
    }

    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// The hidden columns: the user's choice when there is one, else those the
/// width leaves out.
pub fn hidden<C>(
    specs: &[ColumnSpec<C>],
    chosen: Option<&BTreeSet<String>>,
    width: f32,
) -> BTreeSet<String> {
    match chosen {
        Some(c) => c.clone(),
        None => specs
            .iter()
            .filter(|s| s.optional || s.hide_below.is_some_and(|w| width < w))
            .map(|s| s.key.to_owned())
            .collect(),
    }
}

/// The columns to draw, in order.
pub fn visible<'a, C>(
    specs: &'a [ColumnSpec<C>],
    hidden: &BTreeSet<String>,
) -> Vec<&'a ColumnSpec<C>> {
    specs
        .iter()
        .filter(|s| s.required || !hidden.contains(s.key))
        .collect()
}

/// The header's right-click menu: a checkbox per column, and Reset.
/// A clickable, striped, resizable table of the shown columns: each starts
/// at its width and never goes below its minimum; the last takes the rest.
pub fn table<'a, C>(
    ui: &'a mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    shown: &[&ColumnSpec<C>],
) -> egui_extras::TableBuilder<'a> {
    use egui_extras::Column;
    let mut table = egui_extras::TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for (i, c) in shown.iter().enumerate() {
        table = table.column(if i + 1 == shown.len() {
            Column::remainder().at_least(c.min).clip(true)
        } else {
            Column::initial(c.width).at_least(c.min).clip(true)
        });
    }
    table
}

pub fn menu_ui<C>(
    ui: &mut Ui,
    table: crate::settings::Table,
    specs: &[ColumnSpec<C>],
    hidden: &BTreeSet<String>,
    actions: &mut Vec<UiAction>,
) {
    ui.label(egui::RichText::new("Columns").strong());
    for s in specs {
        let mut shown = s.required || !hidden.contains(s.key);
        let r = ui.add_enabled(!s.required, egui::Checkbox::new(&mut shown, s.label));
        if r.changed() {
            let mut next = hidden.clone();
            if shown {
                next.remove(s.key);
            } else {
                next.insert(s.key.to_owned());
            }
            actions.push(UiAction::Preferences(PreferencesAction::SetHiddenColumns(
                table, next,
            )));
        }
    }
    ui.separator();
    if ui.button("Reset columns").clicked() {
        actions.push(UiAction::Preferences(PreferencesAction::ResetColumns(
            table,
        )));
        ui.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: [ColumnSpec<u8>; 3] = [
        ColumnSpec::new(0, "name", "Name", 200.0, 100.0).required(),
        ColumnSpec::new(1, "created", "Created", 100.0, 60.0).hide_below(900.0),
        ColumnSpec::new(2, "uri", "URI", 300.0, 120.0).hide_below(1200.0),
    ];

    #[test]
    fn narrow_tables_start_with_fewer_columns_until_the_user_chooses() {
        let keys =
            |h: &BTreeSet<String>| visible(&SPECS, h).iter().map(|s| s.key).collect::<Vec<_>>();
        assert_eq!(
            keys(&hidden(&SPECS, None, 1400.0)),
            ["name", "created", "uri"]
        );
        assert_eq!(keys(&hidden(&SPECS, None, 1000.0)), ["name", "created"]);
        assert_eq!(keys(&hidden(&SPECS, None, 500.0)), ["name"]);
        let chosen: BTreeSet<String> = ["created".to_owned()].into();
        assert_eq!(keys(&hidden(&SPECS, Some(&chosen), 500.0)), ["name", "uri"]);
        let everything: BTreeSet<String> = SPECS.iter().map(|s| s.key.to_owned()).collect();
        assert_eq!(keys(&everything), ["name"], "a required column stays");
    }
}
