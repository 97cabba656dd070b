//! The inventory ecrscope has loaded, as a snapshot (crates/ecr-snapshot).
//!
//! Two steps, so the UI thread never copies millions of images: [`input`]
//! takes what a snapshot needs from the state (the shared image lists,
//! not copies of them), and [`snapshot_of`] makes the snapshot from that
//! on a thread of its own. No credentials are in either: a registry is
//! its key (profile name, region, endpoint, account), label, account and
//! region.

use std::sync::Arc;

use ecr_snapshot::{
    ImageSnap, RegistryMeta, RegistrySnap, RepoSettings, RepoSnap, Snapshot, Status, Tags,
};

use std::collections::HashMap;

use crate::model::{Digest, FindingSeverityCounts, Image, ImageStatus, Repository};
use crate::state::AppState;

/// One registry's part of a snapshot, as the state holds it.
#[derive(Clone, Debug)]
pub struct RegistryInput {
    pub key: String,
    pub meta: RegistryMeta,
    pub repositories: Vec<RepoInput>,
}

/// A repository, its images where they were read, and the scan counts
/// read one image at a time (DescribeImageScanFindings: ECR's newer basic
/// scanning puts none in DescribeImages).
#[derive(Clone, Debug)]
pub struct RepoInput {
    pub repo: Repository,
    pub images: Option<Arc<Vec<Image>>>,
    pub scans: HashMap<Digest, FindingSeverityCounts>,
}

/// The counts known for an image: its own scan's (read one by one), else
/// the summary DescribeImages carried. `None`: not known.
pub fn counts_of(
    scans: &HashMap<Digest, FindingSeverityCounts>,
    img: &Image,
) -> Option<FindingSeverityCounts> {
    scans.get(&img.digest).copied().or(img.severity_counts)
}

/// The scan counts read for a repository's images (scans that exist).
pub fn scan_counts(ri: &crate::state::RepoImages) -> HashMap<Digest, FindingSeverityCounts> {
    ri.scans
        .iter()
        .filter_map(|(d, s)| {
            let s = s.shown()?;
            (!s.never_scanned).then_some((*d, s.counts))
        })
        .collect()
}

/// What the state holds of every registry whose repositories are listed.
pub fn input(state: &AppState) -> Vec<RegistryInput> {
    state
        .registries
        .iter()
        .filter_map(|reg| {
            let repos = reg.repositories.shown()?;
            Some(RegistryInput {
                key: reg.spec.key().0,
                meta: RegistryMeta {
                    label: format!("{} · {}", reg.spec.profile_label(), reg.spec.region),
                    account: reg.account().unwrap_or_default().to_owned(),
                    region: reg.spec.region.clone(),
                },
                repositories: repos
                    .iter()
                    .map(|r| {
                        let ri = reg.images.get(&r.name);
                        RepoInput {
                            repo: r.clone(),
                            images: ri.and_then(|ri| ri.list.shown()).cloned(),
                            scans: ri.map(scan_counts).unwrap_or_default(),
                        }
                    })
                    .collect(),
            })
        })
        .collect()
}

/// How many repositories of the listed registries have their images
/// read, of all: counted in place, every frame, with nothing copied.
pub fn read_counts(state: &AppState) -> (usize, usize) {
    let mut read = 0;
    let mut all = 0;
    for reg in &state.registries {
        for r in reg.repositories.shown().into_iter().flatten() {
            all += 1;
            if reg
                .images
                .get(&r.name)
                .is_some_and(|ri| ri.list.shown().is_some())
            {
                read += 1;
            }
        }
    }
    (read, all)
}

fn image_snap(i: &Image, scans: &HashMap<Digest, FindingSeverityCounts>) -> ImageSnap {
    ImageSnap {
        digest: i.digest.0,
        tags: Tags::new(&i.tags),
        size: u64::try_from(i.size_bytes).unwrap_or(0),
        pushed_at: i.pushed_at,
        last_pull: i.last_pull,
        index: i.manifest.is_index(),
        status: match i.status {
            // A status ECR may add later is billed as stored: active.
            ImageStatus::Active | ImageStatus::Other => Status::Active,
            ImageStatus::Archived => Status::Archived,
            ImageStatus::Activating => Status::Activating,
        },
        severities: counts_of(scans, i).map(|c| c.0),
    }
}

fn settings(r: &Repository) -> RepoSettings {
    RepoSettings {
        created_at: r.created_at,
        tag_mutability: r.tag_mutability.mode.as_api().to_owned(),
        exclusion_filters: r.tag_mutability.exclusion_filters.clone(),
        encryption: r.encryption.kind.as_api().to_owned(),
        kms_key: r.encryption.kms_key.clone(),
        scan_on_push: r.scan_on_push,
    }
}

/// The snapshot of `input`, taken at `taken_at` (normal form).
pub fn snapshot_of(input: &[RegistryInput], taken_at: i64) -> Snapshot {
    let mut s = Snapshot {
        taken_at,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        registries: input
            .iter()
            .map(|reg| RegistrySnap {
                key: reg.key.clone(),
                meta: reg.meta.clone(),
                repositories: reg
                    .repositories
                    .iter()
                    .map(|r| RepoSnap {
                        name: r.repo.name.clone(),
                        settings: settings(&r.repo),
                        images_read: r.images.is_some(),
                        images: r
                            .images
                            .as_deref()
                            .map(|l| l.iter().map(|i| image_snap(i, &r.scans)).collect())
                            .unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
    };
    s.normalize();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Digest, FindingSeverityCounts, ManifestKind};
    use crate::state::Requested;

    fn repo(n: &str) -> Repository {
        Repository {
            name: n.to_owned(),
            arn: String::new(),
            registry_id: String::new(),
            uri: String::new(),
            created_at: None,
            tag_mutability: crate::model::TagMutabilitySetting::default(),
            encryption: crate::model::Encryption::default(),
            scan_on_push: true,
        }
    }

    #[test]
    fn what_is_loaded_becomes_a_snapshot_and_what_is_not_is_marked_unread() {
        let spec = crate::state::demo_spec();
        let key = spec.key();
        let mut st = AppState::default();
        st.set_registries(vec![spec]);
        let reg = st.registry_mut(&key).expect("registry");
        reg.repositories = Requested::Ready(vec![repo("web"), repo("api")]);
        let img = Image {
            digest: Digest::of_bytes(b"x"),
            tags: vec!["v2".into(), "latest".into()],
            size_bytes: -5,
            pushed_at: Some(1_000),
            last_pull: None,
            manifest: ManifestKind::OciManifest,
            artifact_media_type: None,
            status: ImageStatus::Archived,
            scan_status: None,
            severity_counts: Some(FindingSeverityCounts([1, 2, 3, 0, 0, 0])),
            archive: None,
        };
        reg.images.entry("web".into()).or_default().list = Requested::Ready(Arc::new(vec![img]));
        let inp = input(&st);
        assert_eq!(read_counts(&st), (1, 2));
        let s = snapshot_of(&inp, 42);
        assert!(s.is_normal());
        let r = &s.registries[0];
        assert_eq!(r.key, key.0);
        assert_eq!(r.meta.label, "demo · us-east-1");
        let api = r.repository("api").expect("api");
        assert!(!api.images_read);
        assert!(api.settings.scan_on_push);
        let web = r.repository("web").expect("web");
        assert!(web.images_read);
        let i = &web.images[0];
        assert_eq!(i.tags.iter().collect::<Vec<_>>(), ["latest", "v2"]);
        assert_eq!(i.size, 0, "a negative size from a server is no size");
        assert_eq!(i.status, Status::Archived);
        assert_eq!(i.severities, Some([1, 2, 3, 0, 0, 0]));
    }
}
