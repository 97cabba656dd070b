//! What an artifact is, and whose.
//!
//! - cosign's tag scheme: a signature of image `sha256:<hex>` is pushed as the
//!   tag `sha256-<hex>.sig`, an attestation as `.att`, an SBOM as `.sbom`
//!   (cosign's documentation, "Signature, attestation and SBOM tags"; the
//!   OCI 1.1 referrers API replaces it where a registry supports it).
//! - OCI 1.1 `artifactType` values in use: cosign
//!   `application/vnd.dev.cosign.artifact.sig.v1+json`, Notation
//!   `application/vnd.cncf.notary.signature`, SPDX `application/spdx+json`,
//!   CycloneDX `application/vnd.cyclonedx+json`, in-toto
//!   `application/vnd.in-toto+json` (and its DSSE envelope), BuildKit's
//!   provenance `https://slsa.dev/provenance/v0.2` / `v1` predicate types.
//!
//! An artifact whose subject is not in the list stays a row of its own
//! (nothing is hidden that cannot be found under something else).

use std::collections::HashMap;

use crate::model::{Digest, Image};

/// What an artifact is, as a person asks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArtifactKind {
    Signature,
    Sbom,
    /// An attestation (in-toto); provenance when its predicate says SLSA.
    Attestation,
    Other,
}

impl ArtifactKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Signature => "signature",
            Self::Sbom => "SBOM",
            Self::Attestation => "attestation",
            Self::Other => "artifact",
        }
    }

    /// By an OCI `artifactType` (or a config / layer media type).
    pub fn of_type(media_type: &str) -> Self {
        let t = media_type.to_ascii_lowercase();
        if t.contains("cosign.artifact.sig")
            || t.contains("notary.signature")
            || t.contains("cosign.simplesigning")
        {
            Self::Signature
        } else if t.contains("spdx") || t.contains("cyclonedx") || t.contains("syft") {
            Self::Sbom
        } else if t.contains("in-toto") || t.contains("dsse") || t.contains("slsa.dev/provenance") {
            Self::Attestation
        } else {
            Self::Other
        }
    }
}

/// A tag of cosign's scheme: the image it is about, and the kind.
pub fn cosign_tag(tag: &str) -> Option<(Digest, ArtifactKind)> {
    let rest = tag.strip_prefix("sha256-")?;
    let (hex, suffix) = rest.split_once('.')?;
    let kind = match suffix {
        "sig" => ArtifactKind::Signature,
        "att" => ArtifactKind::Attestation,
        "sbom" => ArtifactKind::Sbom,
        _ => return None,
    };
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Digest::parse(&format!("sha256:{}", hex.to_ascii_lowercase())).map(|d| (d, kind))
}

/// The kinds an image carries, at a glance ("signed · SBOM").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Carried {
    pub signatures: u16,
    pub sboms: u16,
    pub attestations: u16,
    pub others: u16,
}

impl Carried {
    fn add(&mut self, k: ArtifactKind) {
        let n = match k {
            ArtifactKind::Signature => &mut self.signatures,
            ArtifactKind::Sbom => &mut self.sboms,
            ArtifactKind::Attestation => &mut self.attestations,
            ArtifactKind::Other => &mut self.others,
        };
        *n = n.saturating_add(1);
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub fn total(&self) -> u32 {
        u32::from(self.signatures)
            + u32::from(self.sboms)
            + u32::from(self.attestations)
            + u32::from(self.others)
    }

    /// `signed · SBOM · attested`, or empty.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.signatures > 0 {
            parts.push("signed");
        }
        if self.sboms > 0 {
            parts.push("SBOM");
        }
        if self.attestations > 0 {
            parts.push("attested");
        }
        if self.others > 0 {
            parts.push("artifacts");
        }
        parts.join(" · ")
    }
}

/// A repository's artifacts by their subject, from cosign's tag scheme.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Referrers {
    /// Subject -> its artifacts (list index, kind), in list order.
    pub by_subject: HashMap<Digest, Vec<(usize, ArtifactKind)>>,
    /// Artifact list index -> (subject, kind), for artifacts whose subject
    /// is in the list (those nest; the rest stay rows of their own).
    pub nested: HashMap<usize, (Digest, ArtifactKind)>,
}

impl Referrers {
    /// Whether list entry `i` is an artifact nested under its subject.
    pub fn is_nested(&self, i: usize) -> bool {
        !self.nested.is_empty() && self.nested.contains_key(&i)
    }
}

impl Referrers {
    pub fn carried(&self, subject: &Digest) -> Carried {
        let mut c = Carried::default();
        // Most repositories have no artifacts: no hashing per row then.
        if self.by_subject.is_empty() {
            return c;
        }
        for (_, k) in self
            .by_subject
            .get(subject)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            c.add(*k);
        }
        c
    }
}

/// Whether a config media type (DescribeImages' `artifactMediaType`) is an
/// artifact's rather than a container image's: OCI 1.1 artifacts carry
/// the empty config or one of their own type.
pub fn is_artifact_config(config: Option<&str>) -> bool {
    config.is_some_and(|t| {
        !matches!(
            t,
            "application/vnd.oci.image.config.v1+json"
                | "application/vnd.docker.container.image.v1+json"
        )
    })
}

/// Whether a repository's list may hold referrers at all: some manifest in
/// it has an artifact's config, or is untagged with no config type given
/// (servers that leave `artifactMediaType` out). Where not, no
/// ListImageReferrers is sent: most repositories cost no call.
pub fn may_hold_referrers(images: &[Image]) -> bool {
    images.iter().any(|i| {
        is_artifact_config(i.artifact_media_type.as_deref())
            || (i.artifact_media_type.is_none()
                && i.tags.is_empty()
                && !matches!(
                    i.manifest,
                    crate::model::ManifestKind::OciIndex | crate::model::ManifestKind::DockerList
                ))
    })
}

/// A repository's artifacts by subject: cosign's tag scheme, and the
/// referrers ListImageReferrers gave for the subjects asked about (`api`).
/// An artifact listed both ways counts once. Artifacts of artifacts (a
/// signature of an SBOM) are in `by_subject` under the artifact.
pub fn referrers(
    images: &[Image],
    api: &HashMap<Digest, crate::state::Requested<Vec<crate::model::Referrer>>>,
) -> Referrers {
    let mut r = tag_scheme_referrers(images);
    if api.is_empty() {
        return r;
    }
    let index: HashMap<Digest, usize> = images
        .iter()
        .enumerate()
        .map(|(i, img)| (img.digest, i))
        .collect();
    for (subject, listed) in api {
        let Some(listed) = listed.shown() else {
            continue;
        };
        if !index.contains_key(subject) {
            continue;
        }
        for referrer in listed {
            let Some(&ai) = index.get(&referrer.digest) else {
                continue;
            };
            if referrer.digest == *subject || r.nested.contains_key(&ai) {
                continue;
            }
            let kind = referrer
                .artifact_type
                .as_deref()
                .map_or(ArtifactKind::Other, ArtifactKind::of_type);
            r.by_subject.entry(*subject).or_default().push((ai, kind));
            r.nested.insert(ai, (*subject, kind));
        }
    }
    // A server that lists A under B and B under A would hide both: an
    // artifact whose chain of subjects never reaches a row of its own stays
    // a row.
    let looped: Vec<usize> = r
        .nested
        .keys()
        .copied()
        .filter(|&ai| {
            let mut at = ai;
            for _ in 0..8 {
                match r.nested.get(&at) {
                    None => return false,
                    Some((subject, _)) => match index.get(subject) {
                        Some(&si) if si != ai => at = si,
                        _ => return true,
                    },
                }
            }
            true
        })
        .collect();
    for ai in looped {
        if let Some((subject, _)) = r.nested.remove(&ai)
            && let Some(v) = r.by_subject.get_mut(&subject)
        {
            v.retain(|(i, _)| *i != ai);
        }
    }
    // Rows in list order under each subject, whichever way they were found.
    for v in r.by_subject.values_mut() {
        v.sort_unstable();
    }
    r
}

/// Artifacts known so far for `subjects`: referrers listed, and tag-scheme
/// artifacts in the list (the copy dialog's count).
pub fn known_artifacts(
    ri: &crate::state::RepoImages,
    subjects: impl Iterator<Item = Digest>,
) -> usize {
    let Some(list) = ri.list.shown() else {
        return 0;
    };
    let refs = referrers(list, &ri.referrers);
    subjects.map(|d| refs.carried(&d).total() as usize).sum()
}

/// The tag-scheme artifacts of `images`, by subject. An image tagged as an
/// artifact of itself (a loop) is not nested. Runs with every rows build
/// (each keystroke of the filter): a list without `sha256-…` tags costs one
/// prefix test per tag and no map of the list.
pub fn tag_scheme_referrers(images: &[Image]) -> Referrers {
    let artifacts: Vec<(usize, Digest, ArtifactKind)> = images
        .iter()
        .enumerate()
        .filter_map(|(i, img)| {
            img.tags
                .iter()
                .filter(|t| t.starts_with("sha256-"))
                .find_map(|t| cosign_tag(t))
                .filter(|(subject, _)| *subject != img.digest)
                .map(|(subject, kind)| (i, subject, kind))
        })
        .collect();
    let mut r = Referrers::default();
    if artifacts.is_empty() {
        return r;
    }
    let wanted: std::collections::HashSet<Digest> = artifacts.iter().map(|(_, s, _)| *s).collect();
    let present: std::collections::HashSet<Digest> = images
        .iter()
        .map(|i| i.digest)
        .filter(|d| wanted.contains(d))
        .collect();
    for (i, subject, kind) in artifacts {
        if present.contains(&subject) {
            r.by_subject.entry(subject).or_default().push((i, kind));
            r.nested.insert(i, (subject, kind));
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(c: char) -> Digest {
        Digest::parse(&format!("sha256:{}", c.to_string().repeat(64))).unwrap()
    }

    fn img(digest: Digest, tags: &[&str]) -> Image {
        Image {
            digest,
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            size_bytes: 1,
            pushed_at: None,
            last_pull: None,
            manifest: crate::model::ManifestKind::OciManifest,
            artifact_media_type: None,
            status: crate::model::ImageStatus::Active,
            scan_status: None,
            severity_counts: None,
            archive: None,
        }
    }

    #[test]
    fn cosign_tags_name_their_subject_and_kind() {
        let hex = "a".repeat(64);
        assert_eq!(
            cosign_tag(&format!("sha256-{hex}.sig")),
            Some((d('a'), ArtifactKind::Signature))
        );
        assert_eq!(
            cosign_tag(&format!("sha256-{hex}.att")),
            Some((d('a'), ArtifactKind::Attestation))
        );
        assert_eq!(
            cosign_tag(&format!("sha256-{hex}.sbom")),
            Some((d('a'), ArtifactKind::Sbom))
        );
        assert_eq!(cosign_tag(&format!("sha256-{hex}.tar")), None);
        assert_eq!(cosign_tag("sha256-abc.sig"), None);
        assert_eq!(cosign_tag("v1.0.sig"), None);
        assert_eq!(cosign_tag(&format!("sha256-{}.sig", "g".repeat(64))), None);
    }

    #[test]
    fn artifact_types_are_told_apart() {
        for (t, k) in [
            (
                "application/vnd.dev.cosign.artifact.sig.v1+json",
                ArtifactKind::Signature,
            ),
            (
                "application/vnd.cncf.notary.signature",
                ArtifactKind::Signature,
            ),
            ("application/spdx+json", ArtifactKind::Sbom),
            ("application/vnd.cyclonedx+json", ArtifactKind::Sbom),
            ("application/vnd.in-toto+json", ArtifactKind::Attestation),
            (
                "application/vnd.oci.image.config.v1+json",
                ArtifactKind::Other,
            ),
        ] {
            assert_eq!(ArtifactKind::of_type(t), k, "{t}");
        }
    }

    #[test]
    fn artifacts_nest_under_subjects_in_the_list_only() {
        let (a, b, s1, s2, orphan) = (d('a'), d('b'), d('1'), d('2'), d('3'));
        let hex = |x: &Digest| x.hex();
        let images = vec![
            img(a, &["v1"]),
            img(b, &[]),
            img(s1, &[&format!("sha256-{}.sig", hex(&a))]),
            img(s2, &[&format!("sha256-{}.sbom", hex(&a))]),
            img(orphan, &[&format!("sha256-{}.sig", "9".repeat(64))]),
        ];
        let r = tag_scheme_referrers(&images);
        assert_eq!(r.by_subject.get(&a).map(Vec::len), Some(2));
        assert_eq!(r.nested.get(&2), Some(&(a, ArtifactKind::Signature)));
        assert!(
            !r.nested.contains_key(&4),
            "a subject not in the list: the artifact stays a row"
        );
        let c = r.carried(&a);
        assert_eq!((c.signatures, c.sboms, c.total()), (1, 1, 2));
        assert_eq!(c.summary(), "signed · SBOM");
        assert!(r.carried(&b).is_empty());
        // An image tagged as its own signature is not hidden under itself.
        let me = img(a, &[&format!("sha256-{}.sig", hex(&a))]);
        assert!(tag_scheme_referrers(&[me]).nested.is_empty());
    }

    fn listed(refs: &[(Digest, &str)]) -> crate::state::Requested<Vec<crate::model::Referrer>> {
        crate::state::Requested::Ready(
            refs.iter()
                .map(|(digest, t)| crate::model::Referrer {
                    digest: *digest,
                    media_type: "application/vnd.oci.image.manifest.v1+json".into(),
                    artifact_type: Some((*t).into()),
                    size_bytes: 1,
                    status: crate::model::ImageStatus::Active,
                    annotations: Vec::new(),
                })
                .collect(),
        )
    }

    const SIG: &str = "application/vnd.dev.cosign.artifact.sig.v1+json";
    const SPDX: &str = "application/spdx+json";

    #[test]
    fn api_referrers_nest_with_artifacts_of_artifacts() {
        // a: the image; b: its SBOM; c: b's signature; e: a's signature.
        let images = vec![
            img(d('a'), &["v1"]),
            img(d('b'), &[]),
            img(d('c'), &[]),
            img(d('e'), &[]),
        ];
        let api: HashMap<_, _> = [
            (d('a'), listed(&[(d('b'), SPDX), (d('e'), SIG)])),
            (d('b'), listed(&[(d('c'), SIG)])),
        ]
        .into();
        let r = referrers(&images, &api);
        assert_eq!(
            r.by_subject[&d('a')],
            vec![(1, ArtifactKind::Sbom), (3, ArtifactKind::Signature)]
        );
        assert_eq!(r.by_subject[&d('b')], vec![(2, ArtifactKind::Signature)]);
        assert!(r.is_nested(1) && r.is_nested(2) && r.is_nested(3) && !r.is_nested(0));
        assert_eq!(r.carried(&d('a')).summary(), "signed · SBOM");
    }

    #[test]
    fn an_artifact_listed_both_ways_counts_once() {
        let hex = "a".repeat(64);
        let images = vec![
            img(d('a'), &["v1"]),
            img(d('b'), &[&format!("sha256-{hex}.sig")]),
        ];
        let api: HashMap<_, _> = [(d('a'), listed(&[(d('b'), SIG)]))].into();
        let r = referrers(&images, &api);
        assert_eq!(r.by_subject[&d('a')].len(), 1);
        assert_eq!(r.carried(&d('a')).signatures, 1);
    }

    #[test]
    fn a_server_listing_a_loop_hides_nothing() {
        // b under c and c under b: neither reaches a row of its own.
        let images = vec![img(d('a'), &["v1"]), img(d('b'), &[]), img(d('c'), &[])];
        let api: HashMap<_, _> = [
            (d('b'), listed(&[(d('c'), SIG)])),
            (d('c'), listed(&[(d('b'), SIG)])),
            // An image listed as its own referrer.
            (d('a'), listed(&[(d('a'), SIG)])),
        ]
        .into();
        let r = referrers(&images, &api);
        assert!(!r.is_nested(0) && !r.is_nested(1) && !r.is_nested(2));
        assert!(r.carried(&d('a')).is_empty());
    }

    #[test]
    fn referrers_of_unlisted_subjects_or_unlisted_artifacts_are_ignored() {
        let images = vec![img(d('a'), &["v1"])];
        let api: HashMap<_, _> = [
            (d('a'), listed(&[(d('f'), SIG)])),
            (d('e'), listed(&[(d('a'), SIG)])),
            (d('b'), crate::state::Requested::Idle),
        ]
        .into();
        let r = referrers(&images, &api);
        assert!(r.nested.is_empty() && r.by_subject.is_empty());
    }

    #[test]
    fn only_lists_with_an_artifact_manifest_may_hold_referrers() {
        let mut plain = img(d('a'), &["v1"]);
        plain.artifact_media_type = Some("application/vnd.oci.image.config.v1+json".into());
        let mut docker = img(d('b'), &[]);
        docker.artifact_media_type = Some("application/vnd.docker.container.image.v1+json".into());
        let mut index = img(d('c'), &[]);
        index.manifest = crate::model::ManifestKind::OciIndex;
        assert!(!may_hold_referrers(&[plain.clone(), docker.clone(), index]));
        let mut sbom = img(d('e'), &[]);
        sbom.artifact_media_type = Some("application/vnd.oci.empty.v1+json".into());
        assert!(may_hold_referrers(&[plain.clone(), sbom]));
        // A server that leaves the config type out: an untagged manifest may
        // be an artifact.
        assert!(may_hold_referrers(&[plain, img(d('f'), &[])]));
    }
}
