//! Image references on the command line: `[profile@][region/]repository`
//! followed by `:tag` or `@sha256:<64 hex>`. Read by the same rules the
//! app's forms use (`validate::repository_name`, `validate::image_tag`), so
//! a name the app refuses is refused here in the same words.
//!
//! Two readings need a rule:
//! - `@` also introduces a digest, so a profile is the text before the first
//!   `@` only when what follows it is not `sha256:…`;
//! - repository names have `/` too (`team/api`), so the first path segment is
//!   a region only when it has a region's shape (`us-east-1`,
//!   `cn-north-1`, `us-gov-west-1`). A repository namespace shaped like a
//!   region must then be written with the region in front.

use crate::model::Digest;
use crate::validate;

/// Which image of the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pick {
    Tag(String),
    Digest(Digest),
}

/// One side of a command: where, which repository, which image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub repository: String,
    /// `None` only where the command allows it (a copy's target).
    pub pick: Option<Pick>,
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = &self.profile {
            write!(f, "{p}@")?;
        }
        if let Some(r) = &self.region {
            write!(f, "{r}/")?;
        }
        write!(f, "{}", self.repository)?;
        match &self.pick {
            Some(Pick::Tag(t)) => write!(f, ":{t}"),
            Some(Pick::Digest(d)) => write!(f, "@{d}"),
            None => Ok(()),
        }
    }
}

/// Reads `text`; `image_required` says whether a tag or digest must be
/// given. The error says what is wrong in the app's words.
pub fn parse(text: &str, image_required: bool) -> Result<ImageRef, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "Give an image: [profile@][region/]repository:tag or …@sha256:<digest>.".into(),
        );
    }
    let (profile, rest) = match text.split_once('@') {
        Some((p, r)) if !r.starts_with("sha256:") => {
            if p.is_empty() {
                return Err(format!(
                    "'{text}': the profile before '@' is empty (leave out the '@' to use the default)."
                ));
            }
            (Some(p.to_owned()), r)
        }
        _ => (None, text),
    };
    let (region, rest) = match rest.split_once('/') {
        Some((first, r))
            if !first.is_empty() && validate::region(first).is_ok() && !r.is_empty() =>
        {
            (Some(first.to_owned()), r)
        }
        _ => (None, rest),
    };
    let (repository, pick) = if let Some((repo, digest)) = rest.split_once('@') {
        let d = Digest::parse(digest).ok_or_else(|| {
            format!("'{digest}' is not a digest: it is sha256: followed by 64 hex digits.")
        })?;
        (repo, Some(Pick::Digest(d)))
    } else {
        // A tag follows the last ':' after the last '/' (a ':' elsewhere is
        // not part of a repository name, which the name check then says).
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        match rest[slash..].rfind(':') {
            Some(i) => {
                let tag = &rest[slash + i + 1..];
                validate::image_tag(tag).map_err(|e| format!("Tag '{tag}': {e}"))?;
                (&rest[..slash + i], Some(Pick::Tag(tag.to_owned())))
            }
            None => (rest, None),
        }
    };
    validate::repository_name(repository).map_err(|e| format!("Repository '{repository}': {e}"))?;
    if image_required && pick.is_none() {
        return Err(format!(
            "'{text}' names a repository, not an image: add :tag or @sha256:<digest>."
        ));
    }
    Ok(ImageRef {
        profile,
        region,
        repository: repository.to_owned(),
        pick,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn r(text: &str) -> ImageRef {
        parse(text, false).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn every_part_is_optional_but_the_repository() {
        assert_eq!(
            r("prod@eu-west-1/team/api:v1.2"),
            ImageRef {
                profile: Some("prod".into()),
                region: Some("eu-west-1".into()),
                repository: "team/api".into(),
                pick: Some(Pick::Tag("v1.2".into())),
            }
        );
        let bare = r("team/api");
        assert_eq!((bare.profile, bare.region, bare.pick), (None, None, None));
        assert_eq!(bare.repository, "team/api");
        let by_digest = r(&format!("team/api@{D}"));
        assert_eq!(by_digest.profile, None);
        assert_eq!(
            by_digest.pick,
            Some(Pick::Digest(Digest::parse(D).unwrap()))
        );
        let both = r(&format!("dev@cn-north-1/api@{D}"));
        assert_eq!(both.profile.as_deref(), Some("dev"));
        assert_eq!(both.region.as_deref(), Some("cn-north-1"));
        assert_eq!(
            r("us-gov-west-1/api:1").region.as_deref(),
            Some("us-gov-west-1")
        );
    }

    #[test]
    fn a_namespace_is_a_region_only_when_shaped_like_one() {
        assert_eq!(r("team/api:1").region, None);
        assert_eq!(r("team/api:1").repository, "team/api");
        assert_eq!(r("eu-west-1/team/api:1").repository, "team/api");
    }

    #[test]
    fn a_git_commit_is_a_tag_and_round_trips() {
        for text in [
            "prod@us-east-1/a/b:3f9e1c2",
            &format!("p@a@{D}")[..],
            "x:latest",
        ] {
            if let Ok(parsed) = parse(text, true) {
                assert_eq!(parsed.to_string(), text);
            }
        }
        assert_eq!(r("api:3f9e1c2").pick, Some(Pick::Tag("3f9e1c2".into())));
    }

    #[test]
    fn bad_input_is_refused_in_the_forms_words() {
        let e = parse("api", true).unwrap_err();
        assert!(e.contains("add :tag or @sha256:"), "{e}");
        let e = parse("api@sha256:12", false).unwrap_err();
        assert!(e.contains("64 hex digits"), "{e}");
        let e = parse("API:1", false).unwrap_err();
        assert!(e.starts_with("Repository 'API':"), "{e}");
        let e = parse("api:-x", false).unwrap_err();
        assert!(e.starts_with("Tag '-x':"), "{e}");
        assert!(parse("@api:1", false).unwrap_err().contains("profile"));
        assert!(parse("  ", false).is_err());
        // Multi-byte text is refused, not cut in the middle of a character.
        assert!(parse("läger:1", false).is_err());
        assert!(parse("api:läger", false).is_err());
    }
}
