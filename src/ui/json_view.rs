//! JSON with its tokens coloured, for policy documents (read-only view and
//! the lifecycle editor's raw side). Invalid JSON still renders: whatever the
//! scanner does not recognise keeps the text colour.

use std::ops::Range;

use egui::text::{LayoutJob, TextFormat};
use egui::{FontId, TextStyle, Ui};

use super::style;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    Key,
    Str,
    Number,
    Literal,
    Other,
}

/// Splits `text` into coloured spans covering every byte.
pub fn tokens(text: &str) -> Vec<(Range<usize>, Token)> {
    let b = text.as_bytes();
    let mut out: Vec<(Range<usize>, Token)> = Vec::new();
    let mut push = |r: Range<usize>, t: Token| match out.last_mut() {
        Some((last, lt)) if *lt == t && last.end == r.start => last.end = r.end,
        _ => out.push((r, t)),
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            // A string followed by ':' is a key.
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let t = if b.get(j) == Some(&b':') {
                Token::Key
            } else {
                Token::Str
            };
            push(start..i, t);
        } else if c == b'-' || c.is_ascii_digit() {
            let start = i;
            while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                i += 1;
            }
            push(start..i, Token::Number);
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            let t = if matches!(&text[start..i], "true" | "false" | "null") {
                Token::Literal
            } else {
                Token::Other
            };
            push(start..i, t);
        } else {
            // Whole UTF-8 characters, so spans stay on char boundaries.
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            push(i..i + len, Token::Other);
            i += len;
        }
    }
    out
}

/// The layout of `text` with JSON colours, in the monospace font.
pub fn json_job(ui: &Ui, text: &str) -> LayoutJob {
    let colors = style::json_colors(ui.visuals().dark_mode);
    let font: FontId = TextStyle::Monospace.resolve(ui.style());
    let plain = ui.visuals().text_color();
    let mut job = LayoutJob::default();
    for (r, t) in tokens(text) {
        let color = match t {
            Token::Key => colors.key,
            Token::Str => colors.string,
            Token::Number => colors.number,
            Token::Literal => colors.literal,
            Token::Other => plain,
        };
        job.append(&text[r], 0.0, TextFormat::simple(font.clone(), color));
    }
    job
}

/// A read-only, selectable, coloured JSON document.
pub fn json_view_ui(ui: &mut Ui, text: &str) {
    let job = json_job(ui, text);
    ui.add(egui::Label::new(job).selectable(true));
}

/// Pretty-prints JSON (two spaces), or returns the text as it is if it does
/// not parse.
pub fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_strings_numbers_literals() {
        let text = r#"{"a": "x\"y", "n": -1.5e3, "t": true, "é": null}"#;
        let kinds: Vec<(&str, Token)> = tokens(text)
            .into_iter()
            .filter(|(_, t)| *t != Token::Other)
            .map(|(r, t)| (&text[r], t))
            .collect();
        assert_eq!(
            kinds,
            [
                ("\"a\"", Token::Key),
                ("\"x\\\"y\"", Token::Str),
                ("\"n\"", Token::Key),
                ("-1.5e3", Token::Number),
                ("\"t\"", Token::Key),
                ("true", Token::Literal),
                ("\"é\"", Token::Key),
                ("null", Token::Literal),
            ]
        );
        // Every byte is covered, in order.
        let spans = tokens(text);
        assert_eq!(spans.first().map(|s| s.0.start), Some(0));
        assert_eq!(spans.last().map(|s| s.0.end), Some(text.len()));
        assert!(spans.windows(2).all(|w| w[0].0.end == w[1].0.start));
    }

    #[test]
    fn broken_json_still_covers_the_text() {
        let text = "{\"open: 1, ü";
        let spans = tokens(text);
        assert_eq!(spans.last().map(|s| s.0.end), Some(text.len()));
        assert_eq!(pretty(text), text);
        assert_eq!(pretty("{\"a\":1}"), "{\n  \"a\": 1\n}");
    }
}
