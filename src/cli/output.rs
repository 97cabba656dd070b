//! `--output json|table|text`, as the aws CLI has them: JSON for programs,
//! an aligned table for people, tab-separated text for `cut` and `awk`.
//! Every command builds one [`Rows`] and each format is read from it, so
//! the three never disagree. No colour anywhere (so none when piped).

use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// One JSON document (an object, or an array of objects).
    #[default]
    Json,
    /// Columns aligned under a header, for reading.
    Table,
    /// Tab-separated values, no header, for scripts.
    Text,
}

/// What a command answers: named columns and their values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    pub columns: Vec<&'static str>,
    /// Each row's values, JSON-typed (numbers stay numbers in JSON).
    pub rows: Vec<Vec<Value>>,
    /// JSON as one object rather than an array (a command with one answer).
    pub single: bool,
}

impl Rows {
    pub fn new(columns: &[&'static str]) -> Self {
        Self {
            columns: columns.to_vec(),
            ..Self::default()
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub fn render(&self, format: Output) -> String {
        match format {
            Output::Json => {
                let objects: Vec<Value> = self
                    .rows
                    .iter()
                    .map(|r| {
                        let m: Map<String, Value> = self
                            .columns
                            .iter()
                            .map(|c| (*c).to_owned())
                            .zip(r.iter().cloned())
                            .collect();
                        Value::Object(m)
                    })
                    .collect();
                let doc = match (self.single, objects.len()) {
                    (true, 1) => objects.into_iter().next().unwrap_or(Value::Null),
                    _ => Value::Array(objects),
                };
                let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
                s.push('\n');
                s
            }
            Output::Text => {
                let mut s = String::new();
                for r in &self.rows {
                    let cells: Vec<String> = r
                        .iter()
                        .map(|v| cell(v).replace(['\t', '\n'], " "))
                        .collect();
                    s.push_str(&cells.join("\t"));
                    s.push('\n');
                }
                s
            }
            Output::Table => {
                let cells: Vec<Vec<String>> = self
                    .rows
                    .iter()
                    .map(|r| r.iter().map(cell).collect())
                    .collect();
                let width = |i: usize| {
                    cells
                        .iter()
                        .map(|r| r[i].chars().count())
                        .chain([self.columns[i].len()])
                        .max()
                        .unwrap_or(0)
                };
                let widths: Vec<usize> = (0..self.columns.len()).map(width).collect();
                let line = |values: Vec<&str>| {
                    let padded: Vec<String> = values
                        .iter()
                        .zip(&widths)
                        .map(|(v, w)| format!("{v}{}", " ".repeat(w - v.chars().count())))
                        .collect();
                    format!("{}\n", padded.join("  ").trim_end())
                };
                let mut s = line(self.columns.to_vec());
                s.push_str(&line(
                    widths
                        .iter()
                        .map(|w| "-".repeat(*w))
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str)
                        .collect(),
                ));
                for r in &cells {
                    s.push_str(&line(r.iter().map(String::as_str).collect()));
                }
                s
            }
        }
    }
}

/// A value as text: strings bare, arrays joined by spaces, null empty.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows() -> Rows {
        let mut r = Rows::new(&["repository", "tags", "bytes"]);
        r.push(vec![
            json!("team/api"),
            json!(["v1", "latest"]),
            json!(1234),
        ]);
        r.push(vec![json!("läger"), json!([]), Value::Null]);
        r
    }

    #[test]
    fn the_three_formats_say_the_same() {
        let j: Value = serde_json::from_str(&rows().render(Output::Json)).unwrap();
        assert_eq!(j[0]["tags"], json!(["v1", "latest"]));
        assert_eq!(j[0]["bytes"], 1234);
        assert_eq!(j[1]["bytes"], Value::Null);
        assert_eq!(
            rows().render(Output::Text),
            "team/api\tv1 latest\t1234\nläger\t\t\n"
        );
        let t = rows().render(Output::Table);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "repository  tags       bytes");
        assert_eq!(lines[2], "team/api    v1 latest  1234");
        // Multi-byte names are padded by characters, not bytes.
        assert_eq!(lines[3], "läger");
        let mut one = Rows::new(&["a"]);
        one.single = true;
        one.push(vec![json!(1)]);
        assert_eq!(one.render(Output::Json), "{\n  \"a\": 1\n}\n");
    }
}
