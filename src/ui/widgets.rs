//! Small shared widgets: icon buttons with accessible names, copy buttons,
//! time and size formatting.

use egui::{Response, RichText, Role, Ui, WidgetInfo};

use super::style::icon;
use crate::model::EpochMillis;
use crate::settings::{Clock, TimeStyle};

/// A button showing an icon and a label; its accessible name is the label
/// alone, so screen readers and tests find it by words.
/// The line under a form field: its error in the error colour, else its
/// help in a weak one.
pub fn field_note(ui: &mut Ui, error: Option<&str>, help: &str) {
    match error {
        Some(m) => {
            let palette = super::style::palette(ui.visuals());
            ui.colored_label(
                palette.error,
                format!("{} {m}", super::style::icon::WARNING),
            );
        }
        None => {
            ui.label(RichText::new(help).weak());
        }
    }
}

pub fn icon_button(ui: &mut Ui, glyph: &str, label: &str) -> Response {
    let r = ui.button(format!("{glyph} {label}"));
    let name = label.to_owned();
    r.widget_info(move || WidgetInfo::labeled(Role::Button, true, &name));
    r
}

/// A button showing an icon and short text, with a longer accessible name
/// (e.g. "Validate" named "Validate rule docker-hub").
pub fn named_button(ui: &mut Ui, glyph: &str, text: &str, name: &str) -> Response {
    let r = ui.button(format!("{glyph} {text}"));
    let name = name.to_owned();
    r.widget_info(move || WidgetInfo::labeled(Role::Button, true, &name));
    r
}

/// An icon-only button with a tooltip; the tooltip text is its accessible name.
pub fn icon_only_button(ui: &mut Ui, glyph: &str, label: &str) -> Response {
    let r = ui
        .add(egui::Button::new(glyph).frame(false))
        .on_hover_text(label);
    let name = label.to_owned();
    r.widget_info(move || WidgetInfo::labeled(Role::Button, true, &name));
    r
}

/// A copy-to-clipboard button for `text`, named "Copy <what>".
pub fn copy_button(ui: &mut Ui, what: &str, text: &str) -> bool {
    let clicked = icon_only_button(ui, icon::COPY, &format!("Copy {what}")).clicked();
    if clicked {
        ui.ctx().copy_text(text.to_owned());
    }
    clicked
}

/// `text` in one line, cut in the middle (`1234…/web/frontend`) when it does
/// not fit the width left, the whole of it on hover: the start and the end
/// of a URI, digest or ARN are what tell two apart.
pub fn middle_truncated(ui: &mut Ui, text: &str, rich: impl Fn(String) -> RichText) -> Response {
    let width = ui.available_width().max(24.0);
    let fits = |s: &str| {
        let galley = egui::WidgetText::from(rich(s.to_owned())).into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        );
        galley.size().x <= width
    };
    let chars: Vec<char> = text.chars().collect();
    let shown = if fits(text) {
        text.to_owned()
    } else {
        // The longest cut that fits: binary search on the characters kept.
        let cut = |keep: usize| -> String {
            let head = keep.div_ceil(2);
            let tail = keep / 2;
            let start: String = chars[..head].iter().collect();
            let end: String = chars[chars.len() - tail..].iter().collect();
            format!("{start}…{end}")
        };
        let (mut lo, mut hi) = (0usize, chars.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if fits(&cut(mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        cut(lo)
    };
    let cut = shown != text;
    let r = ui.add(egui::Label::new(rich(shown)).wrap_mode(egui::TextWrapMode::Extend));
    if cut { r.on_hover_text(text) } else { r }
}

/// The time preferences of this frame: put in the egui context once a
/// frame by the app (from the settings), read where a time is drawn. Not a
/// process-wide global: two apps in one process (the tests run several)
/// each keep their own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeDisplay {
    pub style: TimeStyle,
    pub clock: Clock,
}

impl TimeDisplay {
    fn id() -> egui::Id {
        egui::Id::unique("ecrscope-time-display")
    }

    pub fn set(ctx: &egui::Context, display: Self) {
        ctx.data_mut(|d| d.insert_temp(Self::id(), display));
    }

    pub fn of(ctx: &egui::Context) -> Self {
        ctx.data(|d| d.get_temp(Self::id())).unwrap_or_default()
    }
}

/// A time as the frame's preference says (see [`exact_time_in`]).
pub fn exact_time(ui: &Ui, ms: EpochMillis) -> String {
    exact_time_in(ms, TimeDisplay::of(ui.ctx()).clock)
}

/// `2026-11-27 09:04 UTC`, or in local time `2026-11-27 10:04 +01:00`.
pub fn exact_time_in(ms: EpochMillis, clock: Clock) -> String {
    if clock == Clock::Local {
        use chrono::TimeZone;
        if let chrono::LocalResult::Single(t) = chrono::Local.timestamp_millis_opt(ms) {
            return t.format("%Y-%m-%d %H:%M %:z").to_string();
        }
    }
    // Always `YYYY-MM-DDTHH:MM:SSZ` (clamped to years 1970..=9999), so the
    // byte ranges below are in bounds and on ASCII boundaries.
    let s = crate::model::time::rfc3339_ms(ms);
    format!("{} {} UTC", &s[..10], &s[11..16])
}

/// `5 min ago`, `3 days ago`, `in 2 h`.
pub fn relative_time(ms: EpochMillis, now_ms: EpochMillis) -> String {
    // Any two i64 values: the difference saturates, the magnitude is unsigned.
    let delta = now_ms.saturating_sub(ms) / 1000;
    let (future, d) = (delta < 0, delta.unsigned_abs());
    let (n, unit) = match d {
        0..=59 => return "just now".to_owned(),
        60..=3599 => (d / 60, "min"),
        3600..=86_399 => (d / 3600, "h"),
        86_400..=2_591_999 => (d / 86_400, "day"),
        2_592_000..=31_535_999 => (d / 2_592_000, "month"),
        _ => (d / 31_536_000, "year"),
    };
    let plural = if n != 1 && matches!(unit, "day" | "month" | "year") {
        "s"
    } else {
        ""
    };
    let text = format!("{n} {unit}{plural}");
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

pub fn now_ms() -> EpochMillis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

pub use crate::model::transfer::human_size;

/// A time cell: relative, exact on hover; "—" when unknown.
pub fn time_cell(ui: &mut Ui, ms: Option<EpochMillis>, now: EpochMillis) {
    match ms {
        Some(t) => {
            // The preference picks what the cell says; the other form is on
            // hover.
            let display = TimeDisplay::of(ui.ctx());
            let exact = exact_time_in(t, display.clock);
            let (shown, hover) = match display.style {
                TimeStyle::Relative => (relative_time(t, now), exact),
                TimeStyle::Absolute => (exact, relative_time(t, now)),
            };
            ui.label(shown).on_hover_text(hover);
        }
        None => {
            ui.label(RichText::new("—").weak());
        }
    }
}

/// A labelled single-line text field; the label is its accessible name.
pub fn labelled_text(
    ui: &mut Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    width: f32,
) -> Response {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(width),
    )
    .labelled_by(l.id)
}

/// A filled status dot with an accessible description.
pub fn status_dot(ui: &mut Ui, color: egui::Color32) {
    let size = ui.spacing().interact_size.y;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size * 0.6, size), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.0, color);
}

/// A thin horizontal bar showing `share` (0..1) in `color` over a faint track.
pub fn share_bar(ui: &mut Ui, share: f32, color: egui::Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(56.0, 8.0), egui::Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, ui.visuals().faint_bg_color);
    let mut filled = rect;
    filled.set_width(rect.width() * share.clamp(0.0, 1.0));
    painter.rect_filled(filled, 2.0, color);
}

/// A table header that sorts: the label, a caret when this column is the
/// sort column (`Some(ascending)`), and the accessible name `name`.
/// Returns whether it was clicked.
pub fn sort_header(ui: &mut Ui, label: &str, sorted: Option<bool>, name: &str) -> bool {
    let arrow = match sorted {
        Some(true) => icon::CARET_UP,
        Some(false) => icon::CARET_DOWN,
        None => "",
    };
    let r =
        ui.add(egui::Button::new(RichText::new(format!("{label} {arrow}")).strong()).frame(false));
    let name = name.to_owned();
    r.widget_info(move || WidgetInfo::labeled(Role::Button, true, &name));
    r.clicked()
}

/// Where arrows, PageUp/PageDown and Home/End move a table cursor at
/// `current` (None: nothing selected yet) in rows `0..=last`.
pub fn table_nav_target(ui: &Ui, current: Option<usize>, last: usize) -> Option<usize> {
    const PAGE: usize = 20;
    let c = current.unwrap_or(0).min(last);
    ui.input(|i| {
        if i.key_pressed(egui::Key::ArrowDown) {
            Some(current.map_or(0, |c| (c + 1).min(last)))
        } else if i.key_pressed(egui::Key::ArrowUp) {
            Some(c.saturating_sub(1))
        } else if i.key_pressed(egui::Key::PageDown) {
            Some((c + PAGE).min(last))
        } else if i.key_pressed(egui::Key::PageUp) {
            Some(c.saturating_sub(PAGE))
        } else if i.key_pressed(egui::Key::Home) {
            Some(0)
        } else if i.key_pressed(egui::Key::End) {
            Some(last)
        } else {
            None
        }
    })
}

/// An editable list of rules, as the registry dialogs draw them (scanning,
/// managed signing, and the rule editors to come): each rule's fields on
/// one line (`row` draws them) with "Remove {noun} N" after them, its
/// message under it, then "Add {noun}" while there are fewer than `max`.
pub fn rule_rows<T>(
    ui: &mut Ui,
    rules: &mut Vec<T>,
    errors: &[Option<String>],
    noun: &str,
    max: usize,
    new: impl FnOnce() -> T,
    mut row: impl FnMut(&mut Ui, usize, &mut T),
) {
    let palette = crate::ui::style::palette(ui.visuals());
    let mut remove = None;
    for (i, rule) in rules.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            row(ui, i, rule);
            if icon_only_button(ui, icon::X, &format!("Remove {noun} {}", i + 1)).clicked() {
                remove = Some(i);
            }
        });
        if let Some(Some(e)) = errors.get(i) {
            ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
        }
    }
    if let Some(i) = remove {
        rules.remove(i);
    }
    if rules.len() < max && icon_button(ui, icon::PLUS, &format!("Add {noun}")).clicked() {
        rules.push(new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GiB");
        let now = 1_000_000_000_000;
        assert_eq!(relative_time(now - 30_000, now), "just now");
        assert_eq!(relative_time(now - 3 * 86_400_000, now), "3 days ago");
        assert_eq!(relative_time(now + 2 * 3_600_000, now), "in 2 h");
        assert_eq!(relative_time(now - 400 * 86_400_000, now), "1 year ago");
        assert_eq!(relative_time(now - 86_400_000, now), "1 day ago");
        assert_eq!(
            exact_time_in(1_700_000_000_000, Clock::Utc),
            "2023-11-14 22:13 UTC"
        );
        // Whatever a server says.
        assert!(relative_time(i64::MIN, now).ends_with("years ago"));
        assert!(relative_time(i64::MAX, now).starts_with("in "));
        assert_eq!(exact_time_in(i64::MAX, Clock::Utc), "9999-12-31 23:59 UTC");
        assert_eq!(exact_time_in(i64::MIN, Clock::Utc), "1970-01-01 00:00 UTC");
        assert_eq!(human_size(i64::MAX), "8.0 EiB");
        assert_eq!(human_size(-1), "—", "a negative size is not a size");
    }
}
