//! The one place that sets the look: spacing, typography, the icon font,
//! status and severity colours (chosen to keep 4.5:1 contrast on both the
//! light and the dark panel backgrounds).
// The one module allowed to name colours (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use egui::{Color32, FontData, FontDefinitions, FontFamily, Visuals};

use crate::model::Severity;
use crate::settings::ThemePref;

/// Phosphor icon codepoints used by the app (regular weight).
pub mod icon {
    pub const REFRESH: &str = "\u{E036}";
    pub const ARCHIVE: &str = "\u{E00C}";
    pub const RESTORE: &str = "\u{E038}";
    pub const ARROWS_LEFT_RIGHT: &str = "\u{E0A0}";
    pub const CHART_BAR: &str = "\u{E150}";
    pub const CHECKS: &str = "\u{E53A}";
    pub const CLIPBOARD_TEXT: &str = "\u{E198}";
    pub const CLOUD_ARROW_DOWN: &str = "\u{E1AC}";
    pub const EYE: &str = "\u{E220}";
    pub const FILE_CODE: &str = "\u{E914}";
    pub const HOURGLASS: &str = "\u{E2B2}";
    pub const LINK: &str = "\u{E2E2}";
    pub const PENCIL: &str = "\u{E3B4}";
    pub const PLAY: &str = "\u{E3D0}";
    pub const BACK: &str = "\u{E058}";
    pub const FORWARD: &str = "\u{E06C}";
    pub const CARET_RIGHT: &str = "\u{E13A}";
    pub const CARET_UP: &str = "\u{E13C}";
    pub const CARET_DOWN: &str = "\u{E136}";
    pub const OK: &str = "\u{E184}";
    pub const DOT: &str = "\u{E18A}";
    pub const SPINNER: &str = "\u{EB44}";
    pub const CLOCK: &str = "\u{E19A}";
    pub const CLOUD: &str = "\u{E1AA}";
    pub const COPY: &str = "\u{E1CA}";
    pub const CUBE: &str = "\u{E1DA}";
    pub const DATABASE: &str = "\u{E1DE}";
    pub const EXPORT: &str = "\u{E232}";
    pub const FLASK: &str = "\u{E79E}";
    pub const FOLDER: &str = "\u{E24A}";
    pub const FILTER: &str = "\u{E266}";
    pub const GEAR: &str = "\u{E270}";
    pub const GLOBE: &str = "\u{E288}";
    pub const INFO: &str = "\u{E2CE}";
    pub const KEY: &str = "\u{E2D6}";
    pub const LOCK: &str = "\u{E2FA}";
    pub const LOCK_OPEN: &str = "\u{E306}";
    pub const SEARCH: &str = "\u{E30C}";
    pub const MONITOR: &str = "\u{E32E}";
    pub const MOON: &str = "\u{E330}";
    pub const PACKAGE: &str = "\u{E390}";
    pub const PLUG: &str = "\u{E946}";
    pub const PLUS: &str = "\u{E3D4}";
    pub const SHIELD_CHECK: &str = "\u{E40C}";
    pub const SHIELD_WARNING: &str = "\u{E412}";
    pub const LOGIN: &str = "\u{E428}";
    pub const STACK: &str = "\u{E466}";
    pub const SUN: &str = "\u{E472}";
    pub const TAG: &str = "\u{E478}";
    pub const TERMINAL: &str = "\u{E47E}";
    pub const TRASH: &str = "\u{E4A6}";
    pub const USER: &str = "\u{E4C2}";
    pub const WARNING: &str = "\u{E4E0}";
    pub const X: &str = "\u{E4F6}";
    pub const ERROR: &str = "\u{E4F8}";
}

/// Spacing tokens, in points.
pub const GAP: f32 = 8.0;
pub const ROW_HEIGHT: f32 = 24.0;
pub const SIDEBAR_WIDTH: f32 = 250.0;

const PHOSPHOR: &[u8] = include_bytes!("../../assets/fonts/Phosphor.ttf");

/// Installs fonts and the base style once, at start-up.
pub fn install(ctx: &egui::Context, theme: ThemePref) {
    let mut fonts = FontDefinitions::default();
    fonts
        .font_data
        .insert("phosphor".into(), FontData::from_static(PHOSPHOR).into());
    if let Some(list) = fonts.families.get_mut(&FontFamily::Proportional) {
        // After the text font, so it only supplies the icon codepoints.
        let at = list.len().min(1);
        list.insert(at, "phosphor".into());
    }
    if let Some(list) = fonts.families.get_mut(&FontFamily::Monospace) {
        list.push("phosphor".into());
    }
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(GAP, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 22.0;
        readable_text(style);
        readable_colors(&mut style.visuals);
    });
    apply_theme(ctx, theme);
}

/// No text below [`MIN_TEXT`] logical pixels at zoom 1.0: egui's "small"
/// style (help lines, chips, badges) is 9 by default.
pub const MIN_TEXT: f32 = 12.0;

pub fn readable_text(style: &mut egui::Style) {
    for font in style.text_styles.values_mut() {
        font.size = font.size.max(MIN_TEXT);
    }
}

/// Weak (hint, help) text at 4.5:1 on the panels: egui's default weak text
/// colour is fainter than that.
pub fn readable_colors(v: &mut Visuals) {
    if v.dark_mode {
        // egui's dark body text (grey 140) is 5:1 on the panel but falls
        // under 4.5:1 on any selection; a brighter grey and a deep blue
        // selection keep every text colour readable on a selected row.
        v.widgets.noninteractive.fg_stroke.color = Color32::from_gray(190);
        v.selection.bg_fill = Color32::from_rgb(0x17, 0x25, 0x54);
    } else {
        // egui's light link blue is 2.8:1 on the light panel.
        v.hyperlink_color = Color32::from_rgb(0x1d, 0x4e, 0xd8);
        // A paler selection, so coloured text on a selected row stays
        // readable.
        v.selection.bg_fill = Color32::from_rgb(0xdb, 0xea, 0xfe);
    }
    v.weak_text_color = Some(if v.dark_mode {
        Color32::from_rgb(0xa1, 0xa1, 0xaa)
    } else {
        Color32::from_rgb(0x46, 0x46, 0x4e)
    });
}

pub fn apply_theme(ctx: &egui::Context, theme: ThemePref) {
    ctx.set_theme(match theme {
        ThemePref::System => egui::ThemePreference::System,
        ThemePref::Light => egui::ThemePreference::Light,
        ThemePref::Dark => egui::ThemePreference::Dark,
    });
}

/// Semantic colours, resolved for the current theme.
#[derive(Clone, Copy, Debug)]
pub struct Palette {
    pub ok: Color32,
    pub loading: Color32,
    pub error: Color32,
    pub warning: Color32,
    pub idle: Color32,
    pub muted: Color32,
    pub accent: Color32,
    pub banner_bg: Color32,
}

pub fn palette(visuals: &Visuals) -> Palette {
    if visuals.dark_mode {
        Palette {
            ok: Color32::from_rgb(0x4a, 0xde, 0x80),
            loading: Color32::from_rgb(0x60, 0xa5, 0xfa),
            error: Color32::from_rgb(0xf8, 0x71, 0x71),
            warning: Color32::from_rgb(0xfb, 0xbf, 0x24),
            idle: Color32::from_rgb(0x9c, 0xa3, 0xaf),
            muted: Color32::from_rgb(0xa1, 0xa1, 0xaa),
            accent: Color32::from_rgb(0xf5, 0x9e, 0x0b),
            banner_bg: Color32::from_rgb(0x3b, 0x2f, 0x0c),
        }
    } else {
        Palette {
            ok: Color32::from_rgb(0x16, 0x65, 0x34),
            loading: Color32::from_rgb(0x1d, 0x4e, 0xd8),
            error: Color32::from_rgb(0xb9, 0x1c, 0x1c),
            warning: Color32::from_rgb(0x92, 0x40, 0x0e),
            idle: Color32::from_rgb(0x6b, 0x72, 0x80),
            muted: Color32::from_rgb(0x52, 0x52, 0x5b),
            accent: Color32::from_rgb(0xb4, 0x53, 0x09),
            banner_bg: Color32::from_rgb(0xfe, 0xf3, 0xc7),
        }
    }
}

/// Severity colours; each passes 4.5:1 against its theme's panel background.
/// Colours of JSON tokens (keys, strings, numbers, true/false/null).
#[derive(Clone, Copy, Debug)]
pub struct JsonColors {
    pub key: Color32,
    pub string: Color32,
    pub number: Color32,
    pub literal: Color32,
}

pub fn json_colors(dark: bool) -> JsonColors {
    if dark {
        JsonColors {
            key: Color32::from_rgb(0x93, 0xc5, 0xfd),
            string: Color32::from_rgb(0x86, 0xef, 0xac),
            number: Color32::from_rgb(0xfd, 0xba, 0x74),
            literal: Color32::from_rgb(0xc4, 0xb5, 0xfd),
        }
    } else {
        JsonColors {
            key: Color32::from_rgb(0x1e, 0x40, 0xaf),
            string: Color32::from_rgb(0x16, 0x65, 0x34),
            number: Color32::from_rgb(0x9a, 0x34, 0x12),
            literal: Color32::from_rgb(0x6b, 0x21, 0xa8),
        }
    }
}

pub fn severity_color(sev: Severity, dark: bool) -> Color32 {
    match (sev, dark) {
        (Severity::Critical, true) => Color32::from_rgb(0xff, 0x6b, 0x81),
        (Severity::Critical, false) => Color32::from_rgb(0x9f, 0x12, 0x39),
        (Severity::High, true) => Color32::from_rgb(0xfb, 0x92, 0x3c),
        (Severity::High, false) => Color32::from_rgb(0xb4, 0x3c, 0x08),
        (Severity::Medium, true) => Color32::from_rgb(0xfa, 0xcc, 0x15),
        (Severity::Medium, false) => Color32::from_rgb(0x85, 0x4d, 0x0e),
        (Severity::Low, true) => Color32::from_rgb(0x60, 0xa5, 0xfa),
        (Severity::Low, false) => Color32::from_rgb(0x1d, 0x4e, 0xd8),
        (Severity::Informational | Severity::Undefined, true) => {
            Color32::from_rgb(0xa1, 0xa1, 0xaa)
        }
        (Severity::Informational | Severity::Undefined, false) => {
            Color32::from_rgb(0x52, 0x52, 0x5b)
        }
    }
}

/// WCAG relative-luminance contrast ratio.
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn lum(c: Color32) -> f32 {
        let ch = |v: u8| {
            let s = f32::from(v) / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.r()) + 0.7152 * ch(c.g()) + 0.0722 * ch(c.b())
    }
    let (la, lb) = (lum(a), lum(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_and_status_colours_pass_contrast_in_both_themes() {
        for dark in [false, true] {
            let v = if dark {
                Visuals::dark()
            } else {
                Visuals::light()
            };
            let bg = v.panel_fill;
            for s in Severity::ALL {
                let c = severity_color(s, dark);
                assert!(
                    contrast(c, bg) >= 4.5,
                    "{s:?} dark={dark}: {}",
                    contrast(c, bg)
                );
            }
            let p = palette(&v);
            for (name, c) in [
                ("ok", p.ok),
                ("error", p.error),
                ("warning", p.warning),
                ("loading", p.loading),
                ("muted", p.muted),
            ] {
                assert!(
                    contrast(c, bg) >= 4.5,
                    "{name} dark={dark}: {}",
                    contrast(c, bg)
                );
            }
        }
    }

    /// Every text colour the app draws with, on every background it draws
    /// text on (panels, striped and selected rows, text fields, the demo
    /// banner), at 4.5:1 or more in both themes.
    #[test]
    fn every_text_token_passes_contrast_in_both_themes() {
        for dark in [false, true] {
            let mut v = if dark {
                Visuals::dark()
            } else {
                Visuals::light()
            };
            readable_colors(&mut v);
            let p = palette(&v);
            let j = json_colors(dark);
            let texts = [
                ("text", v.text_color()),
                ("strong", v.strong_text_color()),
                ("weak", v.weak_text_color()),
                ("hyperlink", v.hyperlink_color),
                ("ok", p.ok),
                ("error", p.error),
                ("warning", p.warning),
                ("loading", p.loading),
                ("muted", p.muted),
                ("json key", j.key),
                ("json string", j.string),
                ("json number", j.number),
                ("json literal", j.literal),
            ];
            // Translucent (premultiplied, possibly additive) fills as they
            // are seen: over the panel.
            let over_panel = |c: Color32| {
                let keep = 1.0 - f32::from(c.a()) / 255.0;
                let mix = |top: u8, under: u8| {
                    (f32::from(top) + f32::from(under) * keep).min(255.0) as u8
                };
                let p = v.panel_fill;
                Color32::from_rgb(mix(c.r(), p.r()), mix(c.g(), p.g()), mix(c.b(), p.b()))
            };
            let backgrounds = [
                ("panel", v.panel_fill),
                ("window", v.window_fill),
                ("striped row", over_panel(v.faint_bg_color)),
                ("selected row", over_panel(v.selection.bg_fill)),
                ("text field", over_panel(v.text_edit_bg_color())),
            ];
            for (t, c) in texts {
                for (b, bg) in backgrounds {
                    assert!(
                        contrast(c, bg) >= 4.5,
                        "{t} on {b}, dark={dark}: {:.2}",
                        contrast(c, bg)
                    );
                }
            }
            assert!(
                contrast(p.warning, p.banner_bg) >= 4.5,
                "banner, dark={dark}"
            );
        }
    }

    #[test]
    fn no_text_style_is_below_the_minimum() {
        let mut style = egui::Style::default();
        readable_text(&mut style);
        for (name, font) in &style.text_styles {
            assert!(font.size >= MIN_TEXT, "{name:?} is {}", font.size);
        }
    }

    #[test]
    fn characters_without_a_glyph_draw_as_boxes() {
        // Server text (tags, descriptions, key ids) may hold any character:
        // the app relies on egui drawing tofu for it rather than panicking.
        let ctx = egui::Context::default();
        assert_eq!(ctx.missing_glyph_policy(), egui::MissingGlyphPolicy::Tofu);
    }
}
