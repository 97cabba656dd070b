//! The pure half of a copy: which blobs an image needs, what the target's
//! tag rules say about each tag, how fast it goes. No I/O, unit-tested.

use std::time::Duration;

use crate::lifecycle_policy::wildcard_match;
use crate::model::manifest::{Manifest, parse_manifest};
use crate::model::{Digest, TagMutability, TagMutabilitySetting};

/// A blob an image manifest references: its digest and declared size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlobRef {
    pub digest: Digest,
    pub size: u64,
}

/// What a manifest needs copied first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Needs {
    /// An image: its config and layers (each once, in manifest order).
    Blobs(Vec<BlobRef>),
    /// An index: the digests of its platform manifests.
    Children(Vec<Digest>),
}

/// Reads what `manifest` references. A descriptor without a digest makes the
/// manifest uncopyable (the target could not verify it either).
pub fn needs(manifest: &str) -> Result<Needs, String> {
    match parse_manifest(manifest)? {
        Manifest::Index { manifests } => manifests
            .iter()
            .map(|(d, _)| {
                d.digest
                    .ok_or_else(|| "an index entry has no valid digest".to_owned())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Needs::Children),
        Manifest::Image { config, layers, .. } => {
            let mut out: Vec<BlobRef> = Vec::new();
            for d in config.iter().chain(layers.iter()) {
                let digest = d
                    .digest
                    .ok_or_else(|| "a layer or config has no valid digest".to_owned())?;
                if !out.iter().any(|b| b.digest == digest) {
                    out.push(BlobRef {
                        digest,
                        size: u64::try_from(d.size).unwrap_or(0),
                    });
                }
            }
            Ok(Needs::Blobs(out))
        }
    }
}

/// Whether a tag is immutable in a repository with `setting`.
pub fn tag_is_immutable(setting: &TagMutabilitySetting, tag: &str) -> bool {
    let excluded = setting
        .exclusion_filters
        .iter()
        .any(|f| wildcard_match(f, tag));
    match setting.mode {
        TagMutability::Mutable => false,
        TagMutability::Immutable => true,
        TagMutability::ImmutableWithExclusion => !excluded,
        TagMutability::MutableWithExclusion => excluded,
    }
}

pub use crate::model::transfer::TagVerdict;

/// The verdict for one tag, given the image the target's tag names now.
pub fn tag_verdict(
    setting: &TagMutabilitySetting,
    tag: &str,
    copying: &Digest,
    current: Option<&Digest>,
) -> TagVerdict {
    match current {
        None => TagVerdict::New,
        Some(d) if d == copying => TagVerdict::AlreadyThere,
        Some(d) if tag_is_immutable(setting, tag) => TagVerdict::Refused { held_by: *d },
        Some(d) => TagVerdict::Moves { from: *d },
    }
}

/// Bytes a second and the time left, from what is done so far.
pub fn rate_and_eta(done: u64, total: u64, elapsed: Duration) -> (f64, Option<Duration>) {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 || done == 0 {
        return (0.0, None);
    }
    let rate = done as f64 / secs;
    let left = total.saturating_sub(done) as f64 / rate;
    (
        rate,
        left.is_finite().then(|| Duration::from_secs_f64(left)),
    )
}

/// Parses the tags field of the copy dialog: comma or space separated, each
/// checked as ECR checks a tag, duplicates dropped.
pub fn parse_tags(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for t in text
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        crate::validate::image_tag(t).map_err(|e| format!("'{t}': {e}"))?;
        if !out.iter().any(|x| x == t) {
            out.push(t.to_owned());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Digest {
        Digest::of_bytes(s.as_bytes())
    }

    #[test]
    fn an_image_needs_its_config_and_layers_once() {
        let (c, l) = (d("c"), d("l"));
        let m = format!(
            r#"{{"schemaVersion":2,"config":{{"digest":"{c}","size":5}},"layers":[{{"digest":"{l}","size":7}},{{"digest":"{l}","size":7}}]}}"#
        );
        assert_eq!(
            needs(&m),
            Ok(Needs::Blobs(vec![
                BlobRef { digest: c, size: 5 },
                BlobRef { digest: l, size: 7 }
            ]))
        );
    }

    #[test]
    fn an_index_needs_its_children_and_a_bad_digest_is_an_error() {
        let a = d("a");
        let m = format!(r#"{{"manifests":[{{"digest":"{a}","size":1}}]}}"#);
        assert_eq!(needs(&m), Ok(Needs::Children(vec![a])));
        assert!(needs(r#"{"manifests":[{"digest":"sha256:zz"}]}"#).is_err());
        assert!(needs("not json").is_err());
    }

    #[test]
    fn immutability_follows_mode_and_filters() {
        let s = |mode, f: &[&str]| TagMutabilitySetting {
            mode,
            exclusion_filters: f.iter().map(|x| (*x).to_owned()).collect(),
        };
        assert!(!tag_is_immutable(&s(TagMutability::Mutable, &[]), "v1"));
        assert!(tag_is_immutable(&s(TagMutability::Immutable, &[]), "v1"));
        let ie = s(TagMutability::ImmutableWithExclusion, &["latest", "dev-*"]);
        assert!(!tag_is_immutable(&ie, "dev-42"));
        assert!(tag_is_immutable(&ie, "v1"));
        let me = s(TagMutability::MutableWithExclusion, &["v*"]);
        assert!(tag_is_immutable(&me, "v1"));
        assert!(!tag_is_immutable(&me, "latest"));
    }

    #[test]
    fn verdicts() {
        let imm = TagMutabilitySetting {
            mode: TagMutability::Immutable,
            exclusion_filters: vec![],
        };
        let (a, b) = (d("a"), d("b"));
        assert_eq!(tag_verdict(&imm, "v1", &a, None), TagVerdict::New);
        assert_eq!(
            tag_verdict(&imm, "v1", &a, Some(&a)),
            TagVerdict::AlreadyThere
        );
        assert!(tag_verdict(&imm, "v1", &a, Some(&b)).refuses());
        let m = TagMutabilitySetting::default();
        assert_eq!(
            tag_verdict(&m, "v1", &a, Some(&b)),
            TagVerdict::Moves { from: b }
        );
    }

    #[test]
    fn rate_and_time_left() {
        let (r, eta) = rate_and_eta(50, 150, Duration::from_secs(5));
        assert!((r - 10.0).abs() < 1e-9);
        assert_eq!(eta, Some(Duration::from_secs(10)));
        assert_eq!(rate_and_eta(0, 10, Duration::from_secs(1)), (0.0, None));
        assert_eq!(
            rate_and_eta(u64::MAX, u64::MAX, Duration::ZERO),
            (0.0, None)
        );
    }

    #[test]
    fn tags_are_parsed_and_checked() {
        assert_eq!(
            parse_tags("v1, latest v1\n"),
            Ok(vec!["v1".to_owned(), "latest".to_owned()])
        );
        assert_eq!(parse_tags("  "), Ok(vec![]));
        assert!(parse_tags("ok, bad/tag").is_err());
        assert!(parse_tags("ünïcode").is_err());
    }
}
