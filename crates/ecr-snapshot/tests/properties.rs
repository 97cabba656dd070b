//! The snapshot crate's guarantees, tried on generated inventories: files
//! read back equal; diff(a, a) is empty; apply(diff(a, b), a) == b, where
//! b is a made from a by the changes an estate sees (pushes, deletions,
//! moved tags, rescans, archiving, settings, repositories and registries
//! coming and going) or an unrelated inventory.
#![allow(clippy::unwrap_used)]

use ecr_snapshot::diff::{apply, diff, report};
use ecr_snapshot::file::{from_bytes, to_bytes};
use ecr_snapshot::{
    ImageSnap, RegistryMeta, RegistrySnap, RepoSettings, RepoSnap, Snapshot, Status, Tags,
};
use proptest::prelude::*;

fn tag() -> impl Strategy<Value = String> {
    // Few names, so tags collide and move; one multi-byte.
    prop::sample::select(vec![
        "latest",
        "v1",
        "v2",
        "main",
        "3f2a9c1",
        "prod",
        "étiquette",
    ])
    .prop_map(str::to_owned)
}

fn image() -> impl Strategy<Value = ImageSnap> {
    (
        0u8..24,
        prop::collection::vec(tag(), 0..3),
        prop::num::u64::ANY,
        prop::option::of(prop::num::i64::ANY),
        prop::option::of(0i64..4_000_000_000_000),
        any::<bool>(),
        prop::sample::select(vec![Status::Active, Status::Archived, Status::Activating]),
        prop::option::of(prop::array::uniform6(0u32..5)),
    )
        .prop_map(
            |(d, tags, size, pushed_at, last_pull, index, status, severities)| ImageSnap {
                digest: [d; 32],
                tags: Tags::new(tags),
                size,
                pushed_at,
                last_pull,
                index,
                status,
                severities,
            },
        )
}

fn settings() -> impl Strategy<Value = RepoSettings> {
    (
        prop::sample::select(vec!["MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"]),
        prop::collection::vec("[a-z*]{1,4}", 0..2),
        prop::sample::select(vec!["AES256", "KMS"]),
        any::<bool>(),
    )
        .prop_map(|(m, filters, enc, scan)| RepoSettings {
            created_at: Some(1),
            tag_mutability: m.into(),
            exclusion_filters: filters,
            encryption: enc.into(),
            kms_key: (enc == "KMS").then(|| "arn:aws:kms:eu-west-1:1:key/k".into()),
            scan_on_push: scan,
        })
}

fn repo() -> impl Strategy<Value = RepoSnap> {
    (
        prop::sample::select(vec!["app/web", "app/api", "base", "库/镜像"]),
        settings(),
        any::<bool>(),
        prop::collection::vec(image(), 0..8),
    )
        .prop_map(|(name, settings, read, images)| RepoSnap {
            name: name.into(),
            settings,
            images_read: read,
            images: if read { images } else { Vec::new() },
        })
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    (
        0i64..10,
        prop::collection::vec(
            (
                prop::sample::select(vec!["prod|eu-west-1", "dev|us-east-1", "demo"]),
                "[A-Za-z ]{0,6}",
                prop::collection::vec(repo(), 0..4),
            ),
            0..3,
        ),
    )
        .prop_map(|(t, regs)| {
            let mut s = Snapshot {
                taken_at: t,
                app_version: "0.1.0".into(),
                registries: regs
                    .into_iter()
                    .map(|(key, label, repositories)| RegistrySnap {
                        key: key.into(),
                        meta: RegistryMeta {
                            label,
                            account: "123456789012".into(),
                            region: "eu-west-1".into(),
                        },
                        repositories,
                    })
                    .collect(),
            };
            s.normalize();
            s
        })
}

/// `a` changed as an estate changes.
fn evolved() -> impl Strategy<Value = (Snapshot, Snapshot)> {
    (
        snapshot(),
        snapshot(),
        prop::collection::vec((0usize..64, 0u8..8, image()), 0..12),
    )
        .prop_map(|(a, other, edits)| {
            let mut b = a.clone();
            for (at, what, img) in edits {
                let Some(reg) = (!b.registries.is_empty()).then(|| at % b.registries.len()) else {
                    break;
                };
                let reg = &mut b.registries[reg];
                match what {
                    // A registry from elsewhere appears.
                    7 => {
                        if let Some(r) = other.registries.first() {
                            b.registries.push(r.clone());
                        }
                        continue;
                    }
                    6 => reg.meta.label.push('x'),
                    _ => {}
                }
                if reg.repositories.is_empty() {
                    continue;
                }
                let n = reg.repositories.len();
                let repo = &mut reg.repositories[at % n];
                match what {
                    0 => repo.images.push(img),
                    1 if !repo.images.is_empty() => {
                        let k = at % repo.images.len();
                        repo.images.remove(k);
                    }
                    2 if !repo.images.is_empty() => {
                        // A tag moves: off every image, onto one.
                        for i in &mut repo.images {
                            i.tags = Tags::new(i.tags.iter().filter(|t| *t != "latest"));
                        }
                        let k = at % repo.images.len();
                        let t = &repo.images[k].tags;
                        repo.images[k].tags = Tags::new(t.iter().chain(["latest"]));
                    }
                    3 if !repo.images.is_empty() => {
                        let k = at % repo.images.len();
                        repo.images[k].severities = img.severities;
                        repo.images[k].status = img.status;
                    }
                    4 => repo.settings.scan_on_push = !repo.settings.scan_on_push,
                    5 => {
                        repo.images_read = !repo.images_read;
                        if !repo.images_read {
                            repo.images.clear();
                        }
                    }
                    _ => {}
                }
            }
            b.taken_at = a.taken_at + 1;
            b.normalize();
            (a, b)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn files_read_back_equal(s in snapshot()) {
        let bytes = to_bytes(&s).unwrap();
        prop_assert_eq!(from_bytes(&bytes).unwrap(), s);
    }

    #[test]
    fn a_snapshot_differs_from_itself_in_nothing(s in snapshot()) {
        prop_assert!(diff(&s, &s).is_empty());
        prop_assert!(report(&s, &s).is_empty());
    }

    #[test]
    fn the_difference_applied_gives_the_newer((a, b) in evolved()) {
        let d = diff(&a, &b);
        prop_assert_eq!(apply(&d, &a), b.clone());
        prop_assert_eq!(d.is_empty(), a == b);
    }

    #[test]
    fn unrelated_inventories_too(a in snapshot(), b in snapshot()) {
        prop_assert_eq!(apply(&diff(&a, &b), &a), b);
    }

    #[test]
    fn a_report_names_every_repository_whose_images_changed((a, b) in evolved()) {
        let r = report(&a, &b);
        for reg in &b.registries {
            for repo in &reg.repositories {
                let before = a.registry(&reg.key).and_then(|x| x.repository(&repo.name));
                let compared = before.is_some_and(|p| p.images_read) && repo.images_read;
                if compared && before.is_some_and(|p| {
                    p.images.iter().map(|i| i.digest).ne(repo.images.iter().map(|i| i.digest))
                }) {
                    prop_assert!(
                        r.iter().any(|x| x.registry == reg.key && x.name == repo.name && x.images_changed()),
                        "{} not reported", repo.name
                    );
                }
            }
        }
    }
}
