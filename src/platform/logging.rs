//! Logging: tracing to stderr, filtered by `ECRSCOPE_LOG` (EnvFilter
//! syntax). No level, for any target, writes a secret: the SDK's wire-level
//! TRACE events (request and response bodies, deserialised outputs, which
//! include GetAuthorizationToken's password) are dropped whatever the filter
//! says, and every line is scrubbed of authorization tokens and signatures
//! before it is written.

use std::io::Write;

use tracing::Level;
use tracing_subscriber::Layer;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;

/// The filter when `ECRSCOPE_LOG` is not set.
pub const DEFAULT_FILTER: &str = "ecrscope=info,aws_config=error,aws_smithy_runtime=error,warn";

/// Targets whose TRACE events carry wire data (bodies, headers, outputs).
fn is_wire(target: &str) -> bool {
    ["aws_", "hyper", "h2", "rustls", "reqwest", "tower", "axum"]
        .iter()
        .any(|p| target.starts_with(p))
}

/// The subscriber the app logs through: `filter` (EnvFilter syntax) for what
/// a person asked to see, then the wire-data rule, then the scrubbing writer.
pub fn subscriber<W>(filter: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let env = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_FILTER));
    let no_wire = tracing_subscriber::filter::filter_fn(|meta| {
        !(*meta.level() == Level::TRACE && is_wire(meta.target()))
    });
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(Scrubbing(writer))
        .with_filter(no_wire);
    tracing_subscriber::registry().with(env).with(fmt)
}

/// Installs the app's subscriber (stderr, `ECRSCOPE_LOG`).
pub fn init() {
    let filter = std::env::var("ECRSCOPE_LOG").unwrap_or_else(|_| DEFAULT_FILTER.to_owned());
    // A second init (tests) keeps the first; nothing to report.
    let _ = tracing::subscriber::set_global_default(subscriber(&filter, std::io::stderr));
}

/// A writer that masks secrets in each formatted line.
#[derive(Clone, Debug)]
pub struct Scrubbing<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Scrubbing<M> {
    type Writer = ScrubbingWriter<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        ScrubbingWriter(self.0.make_writer())
    }
}

pub struct ScrubbingWriter<W>(W);

impl<W: Write> Write for ScrubbingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(scrub(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Masks the values that follow the names secrets travel under.
pub fn scrub(text: &str) -> String {
    const NAMES: [&str; 6] = [
        "authorizationToken",
        "authorization_token",
        "password",
        "Signature=",
        "x-amz-security-token",
        "aws_secret_access_key",
    ];
    const MASK: &str = "<redacted>";
    let is_sep = |c: char| matches!(c, '"' | ':' | ' ' | '=' | '\\');
    let is_end = |c: char| matches!(c, '"' | ',' | ' ' | ')' | '}' | '\\' | '\n');
    let mut out = text.to_owned();
    for name in NAMES {
        let mut from = 0;
        while let Some(pos) = out.get(from..).and_then(|s| s.find(name)) {
            // After the name: separators (`":"`, `: `, `=`), maybe `Some(`
            // and its quote, then the value up to its delimiter.
            let mut at = from + pos + name.len();
            let skip = |s: &str, at: usize| {
                at + s
                    .get(at..)
                    .map_or(0, |r| r.len() - r.trim_start_matches(is_sep).len())
            };
            at = skip(&out, at);
            if out.get(at..).is_some_and(|r| r.starts_with("Some(")) {
                at = skip(&out, at + "Some(".len());
            }
            let len = out
                .get(at..)
                .map_or(0, |r| r.find(is_end).unwrap_or(r.len()));
            if len > 0 && out.get(at..at + len) != Some(MASK) {
                out.replace_range(at..at + len, MASK);
            }
            from = at + MASK.len().min(len.max(1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_wherever_they_appear() {
        let cases = [
            (
                r#"{"authorizationData":[{"authorizationToken":"QVdTOnNlY3JldA==","expiresAt":1}]}"#,
                "QVdTOnNlY3JldA==",
            ),
            (
                r#"AuthorizationData { authorization_token: Some("QVdTOnNlY3JldA=="), expires_at"#,
                "QVdTOnNlY3JldA==",
            ),
            (
                r#"Credential=AKID/x, SignedHeaders=host, Signature=0123abcd"#,
                "0123abcd",
            ),
            (r#"\"authorizationToken\":\"QVdTOnh5eg==\""#, "QVdTOnh5eg=="),
        ];
        for (line, secret) in cases {
            let s = scrub(line);
            assert!(!s.contains(secret), "{s}");
            assert!(s.contains("<redacted>"), "{s}");
        }
        assert_eq!(scrub("nothing secret here"), "nothing secret here");
        // Multi-byte text around a name does not break the scrubber.
        assert!(!scrub("é password: hünter2 ü").contains("hünter2"));
    }
}
