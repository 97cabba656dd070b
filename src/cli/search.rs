//! `ecrscope search QUERY`: the app's global search without a window. The
//! query is read as the search box reads it (`search::state::classify`): an
//! exact tag, a digest, a digest prefix, hex digits that may be either (a
//! git commit used as a tag), or part of a repository name.
//!
//! What it guarantees, as the app's search does:
//! - **It ends**, and says what it could not search: every registry and
//!   repository ends searched or named on stderr with its reason.
//! - **Each repository is asked at most once**, and a registry whose
//!   credentials fail (or whose network is gone) stops being asked.
//! - **It is complete when it exits 0 or 3**: an incomplete search exits
//!   with the failure's code even when it found something.
//!
//! Exact tags and digests are asked with DescribeImages by id (never a
//! pull); prefixes list the repository's images.

use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt as _;
use serde_json::json;

use crate::ecr::{self, EcrClient};
use crate::model::{Discovery, EcrError, Image, ImageId, RegistrySpec, registries};
use crate::search::state::{HitMatch, SearchKind, classify, image_match, name_matches};

use super::exit::{Exit, Failure};
use super::output::Rows;
use super::target::{self, Globals};

/// Repositories asked at once per registry (the client's rate gate paces them further).
const PARALLEL: usize = 4;

/// The answer: hits, what could not be searched, and the exit code.
pub struct SearchOut {
    pub rows: Rows,
    pub problems: Vec<String>,
    pub exit: Exit,
}

/// The registries to search: `--registries` (`PROFILE` or
/// `PROFILE@REGION`), else the one the global options name, else every
/// registry the app would show.
pub fn scope(wanted: &[String], g: &Globals, d: &Discovery) -> Result<Vec<RegistrySpec>, String> {
    if !wanted.is_empty() {
        return wanted
            .iter()
            .flat_map(|w| w.split(','))
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(|w| {
                let (p, r) = match w.split_once('@') {
                    Some((p, r)) => (p, Some(r)),
                    None => (w, None),
                };
                target::spec_for(Some(p), r, g, d)
            })
            .collect();
    }
    if g.profile.is_some() || g.region.is_some() || g.endpoint_url.is_some() {
        return Ok(vec![target::spec_for(None, None, g, d)?]);
    }
    let all = registries(d);
    if all.is_empty() {
        return Err("No AWS profile or environment credentials found: give --profile, or set AWS_PROFILE or AWS_ACCESS_KEY_ID.".into());
    }
    Ok(all)
}

pub async fn run(
    query: &str,
    wanted: &[String],
    g: &Globals,
    d: &Discovery,
) -> Result<SearchOut, Failure> {
    let kind = classify(query).ok_or_else(|| {
        Failure::usage(
            "Give something to search for: a tag, a digest or part of a repository name.",
        )
    })?;
    // `sha256:` with too few digits would be read as a name fragment and
    // find nothing: say what a digest prefix needs instead.
    if let (SearchKind::Name(_), Some(hex)) = (&kind, query.trim().strip_prefix("sha256:"))
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return Err(Failure::usage(format!(
            "'{}' is too short a digest prefix: give at least 6 hex digits after sha256: (it has {}).",
            query.trim(),
            hex.len()
        )));
    }
    let specs = scope(wanted, g, d).map_err(Failure::usage)?;
    let mut rows = Rows::new(&[
        "registry",
        "repository",
        "digest",
        "tags",
        "match",
        "pushedAt",
    ]);
    let mut problems = Vec::new();
    let mut worst: Option<Exit> = None;
    for spec in specs {
        let label = format!("{} ({})", spec.profile_label(), spec.region);
        let c = EcrClient::connect(&spec, &g.client).await;
        let repos = match ecr::describe_repositories(&c).await {
            Ok(r) => r,
            Err(e) => {
                worst.get_or_insert(Exit::of(&e));
                problems.push(format!("{label}: could not be searched: {e}"));
                continue;
            }
        };
        let dead = AtomicBool::new(false);
        let asks = futures_util::stream::iter(repos.iter().map(|r| r.name.as_str()))
            .map(|name| {
                let (c, kind, dead) = (&c, &kind, &dead);
                async move { (name, search_one(c, kind, name, dead).await) }
            })
            .buffered(PARALLEL)
            .collect::<Vec<_>>()
            .await;
        for (name, answer) in asks {
            if name_matches(&kind, name) {
                rows.push(vec![
                    json!(label),
                    json!(name),
                    json!(null),
                    json!([]),
                    json!(HitMatch::Name.label()),
                    json!(null),
                ]);
            }
            match answer {
                Ok(hits) => {
                    for (img, m) in hits {
                        rows.push(vec![
                            json!(label),
                            json!(name),
                            json!(img.digest.to_string()),
                            json!(img.tags),
                            json!(m.label()),
                            json!(img.pushed_at.map(crate::model::time::rfc3339_ms)),
                        ]);
                    }
                }
                Err(Some(e)) => {
                    worst.get_or_insert(Exit::of(&e));
                    problems.push(format!("{label} {name}: could not be searched: {e}"));
                }
                Err(None) => problems.push(format!(
                    "{label} {name}: not asked (the registry's credentials or network failed)"
                )),
            }
        }
    }
    let exit = match worst {
        Some(e) => e,
        None if rows.rows.is_empty() => Exit::NotFound,
        None => Exit::Ok,
    };
    Ok(SearchOut {
        rows,
        problems,
        exit,
    })
}

/// One repository's hits. `Err(None)`: not asked, the registry is gone.
async fn search_one(
    c: &EcrClient,
    kind: &SearchKind,
    name: &str,
    dead: &AtomicBool,
) -> Result<Vec<(Image, HitMatch)>, Option<EcrError>> {
    let ids = match kind {
        SearchKind::Name(_) => return Ok(Vec::new()),
        SearchKind::Tag(t) => Some(vec![ImageId::Tag(t.clone())]),
        SearchKind::Digest(d) => Some(vec![ImageId::Digest(*d)]),
        SearchKind::DigestPrefix(_) | SearchKind::TagOrDigestPrefix(_) => None,
    };
    if dead.load(Ordering::Relaxed) {
        return Err(None);
    }
    let answer = match ids {
        Some(ids) => ecr::find_images(c, name, &ids).await,
        None => ecr::describe_images(c, name).await,
    };
    match answer {
        Ok(images) => Ok(images
            .into_iter()
            .filter_map(|i| image_match(kind, &i).map(|m| (i, m)))
            .collect()),
        Err(e) => {
            if e.is_credentials() || matches!(e, EcrError::Network { .. }) {
                dead.store(true, Ordering::Relaxed);
            }
            Err(Some(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DiscoveredProfile;

    #[test]
    fn the_scope_is_the_named_registries_else_the_flags_else_every_profile() {
        let d = Discovery {
            profiles: ["dev", "prod"]
                .map(|n| DiscoveredProfile {
                    name: n.into(),
                    region: Some("eu-west-1".into()),
                    sso: false,
                })
                .to_vec(),
            ..Discovery::default()
        };
        let g = Globals::default();
        let all = scope(&[], &g, &d).unwrap();
        assert_eq!(all.len(), 2);
        let named = scope(&["prod@us-east-1,dev".into()], &g, &d).unwrap();
        assert_eq!(
            named
                .iter()
                .map(|s| (s.profile.clone().unwrap(), s.region.clone()))
                .collect::<Vec<_>>(),
            [
                ("prod".into(), "us-east-1".into()),
                ("dev".into(), "eu-west-1".into())
            ]
        );
        let flagged = Globals {
            profile: Some("dev".into()),
            ..Globals::default()
        };
        assert_eq!(scope(&[], &flagged, &d).unwrap().len(), 1);
        assert!(
            scope(&["nope".into()], &g, &d)
                .unwrap_err()
                .contains("'nope'")
        );
        assert!(
            scope(&[], &g, &Discovery::default())
                .unwrap_err()
                .contains("No AWS profile")
        );
    }
}
