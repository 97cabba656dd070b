//! Snapshots of an ECR inventory: registries, repositories with their
//! settings, images with tags, digests, sizes, times and scan counts, as
//! ecrscope had them loaded at one moment.
//!
//! `file.rs` writes and reads the file (a versioned header, a small
//! summary for trends, then the inventory, each part compressed);
//! `diff.rs` makes the difference of two snapshots, applies it, and
//! reports it per repository (images added and removed, tags that moved,
//! settings that changed, findings new and fixed, bytes).
//!
//! What this crate guarantees, each tried by `tests/properties.rs`:
//! - a snapshot written and read back equals the one written;
//! - `diff(a, a)` is empty;
//! - `apply(&diff(a, b), a) == b`: the difference holds every change;
//! - a file from a newer ecrscope (a higher format version) is refused
//!   with a message that says so, and a damaged or truncated file is
//!   refused, never half read.
//!
//! Snapshots are compared in their normal form ([`Snapshot::normalize`]):
//! registries, repositories and images sorted by their keys, each key once.

pub mod diff;
pub mod file;

use serde::{Deserialize, Serialize};

/// A SHA-256 digest's 32 bytes (ECR names images by sha256 digests).
pub type DigestBytes = [u8; 32];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When it was taken, milliseconds since the Unix epoch.
    pub taken_at: i64,
    /// The ecrscope that took it ("0.1.0").
    pub app_version: String,
    /// Sorted by key.
    pub registries: Vec<RegistrySnap>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrySnap {
    /// The app's registry key (profile, region, endpoint, account): the
    /// same registry in two snapshots has the same key. No credentials.
    pub key: String,
    pub meta: RegistryMeta,
    /// Sorted by name.
    pub repositories: Vec<RepoSnap>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryMeta {
    /// What the app shows for it ("prod · eu-west-1").
    pub label: String,
    pub account: String,
    pub region: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoSnap {
    pub name: String,
    pub settings: RepoSettings,
    /// Whether its images were read when the snapshot was taken: a
    /// repository not read has no images here, which says nothing about
    /// what it holds (a comparison does not call them removed).
    pub images_read: bool,
    /// Sorted by digest.
    pub images: Vec<ImageSnap>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoSettings {
    pub created_at: Option<i64>,
    /// ECR's names: "MUTABLE", "IMMUTABLE_WITH_EXCLUSION", …
    pub tag_mutability: String,
    pub exclusion_filters: Vec<String>,
    /// "AES256", "KMS", "KMS_DSSE".
    pub encryption: String,
    pub kms_key: Option<String>,
    pub scan_on_push: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    #[default]
    Active,
    Archived,
    Activating,
}

/// An image's tags, sorted and each once, held as one string (NUL
/// between tags): two million images' tags take one allocation each
/// rather than three, which keeps two such snapshots under 1 GiB. A tag
/// with a NUL in it (ECR allows none) is not kept.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tags(Box<str>);

impl Tags {
    pub fn new<S: AsRef<str>>(tags: impl IntoIterator<Item = S>) -> Self {
        let mut v: Vec<&str> = Vec::new();
        let owned: Vec<S> = tags.into_iter().collect();
        for t in &owned {
            let t = t.as_ref();
            if !t.is_empty() && !t.contains('\0') {
                v.push(t);
            }
        }
        v.sort_unstable();
        v.dedup();
        Self(v.join("\0").into_boxed_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split('\0').filter(|_| !self.0.is_empty())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn contains(&self, tag: &str) -> bool {
        self.iter().any(|t| t == tag)
    }

    /// Whether it is as `new` makes it (a file could hold anything).
    fn is_normal(&self) -> bool {
        let v: Vec<&str> = self.iter().collect();
        v.windows(2).all(|w| w[0] < w[1]) && !v.contains(&"")
    }
}

impl std::fmt::Debug for Tags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Findings per severity: critical, high, medium, low, informational,
/// undefined (the app's `Severity` order).
pub type Severities = [u32; 6];

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageSnap {
    pub digest: DigestBytes,
    pub tags: Tags,
    pub size: u64,
    pub pushed_at: Option<i64>,
    pub last_pull: Option<i64>,
    /// An image index (its children are listed too; it stores nothing of
    /// its own).
    pub index: bool,
    pub status: Status,
    /// `None`: never scanned, or the scan had not finished.
    pub severities: Option<Severities>,
}

impl ImageSnap {
    /// Bytes it stores (an index counts nothing of its own).
    pub fn stored(&self) -> u64 {
        if self.index { 0 } else { self.size }
    }
}

impl RepoSnap {
    /// (active, archived) bytes.
    pub fn bytes(&self) -> (u64, u64) {
        let mut active = 0u64;
        let mut archived = 0u64;
        for i in &self.images {
            if i.status == Status::Archived {
                archived = archived.saturating_add(i.stored());
            } else {
                active = active.saturating_add(i.stored());
            }
        }
        (active, archived)
    }

    /// The image with `digest`, by binary search (images are sorted).
    pub fn image(&self, digest: &DigestBytes) -> Option<&ImageSnap> {
        self.images
            .binary_search_by(|i| i.digest.cmp(digest))
            .ok()
            .map(|at| &self.images[at])
    }
}

impl Snapshot {
    /// The normal form: every list sorted by its key, each key once (the
    /// first kept), tags sorted and unique.
    pub fn normalize(&mut self) {
        self.registries.sort_by(|a, b| a.key.cmp(&b.key));
        self.registries.dedup_by(|b, a| a.key == b.key);
        for r in &mut self.registries {
            r.repositories.sort_by(|a, b| a.name.cmp(&b.name));
            r.repositories.dedup_by(|b, a| a.name == b.name);
            for repo in &mut r.repositories {
                repo.images.sort_by_key(|i| i.digest);
                repo.images.dedup_by(|b, a| a.digest == b.digest);
                for i in &mut repo.images {
                    if !i.tags.is_normal() {
                        let t = Tags::new(i.tags.iter());
                        i.tags = t;
                    }
                }
            }
        }
    }

    /// Whether it is in normal form.
    pub fn is_normal(&self) -> bool {
        let mut n = self.clone();
        n.normalize();
        &n == self
    }

    pub fn registry(&self, key: &str) -> Option<&RegistrySnap> {
        self.registries
            .binary_search_by(|r| r.key.as_str().cmp(key))
            .ok()
            .map(|at| &self.registries[at])
    }

    /// Images in every repository.
    pub fn image_count(&self) -> usize {
        self.registries
            .iter()
            .flat_map(|r| &r.repositories)
            .map(|r| r.images.len())
            .sum()
    }
}

impl RegistrySnap {
    pub fn repository(&self, name: &str) -> Option<&RepoSnap> {
        self.repositories
            .binary_search_by(|r| r.name.as_str().cmp(name))
            .ok()
            .map(|at| &self.repositories[at])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_form_sorts_and_keeps_each_key_once() {
        let img = |d: u8, tags: &[&str]| ImageSnap {
            digest: [d; 32],
            tags: Tags::new(tags),
            ..ImageSnap::default()
        };
        let mut s = Snapshot {
            registries: vec![
                RegistrySnap {
                    key: "b".into(),
                    ..RegistrySnap::default()
                },
                RegistrySnap {
                    key: "a".into(),
                    repositories: vec![RepoSnap {
                        name: "x".into(),
                        images: vec![img(2, &["v2", "latest", "v2"]), img(1, &[]), img(2, &[])],
                        ..RepoSnap::default()
                    }],
                    ..RegistrySnap::default()
                },
                RegistrySnap {
                    key: "a".into(),
                    ..RegistrySnap::default()
                },
            ],
            ..Snapshot::default()
        };
        assert!(!s.is_normal());
        s.normalize();
        assert!(s.is_normal());
        assert_eq!(s.registries.len(), 2);
        let x = s.registry("a").and_then(|r| r.repository("x")).expect("x");
        assert_eq!(x.images.len(), 2);
        let tags: Vec<&str> = x.image(&[2; 32]).expect("image").tags.iter().collect();
        assert_eq!(tags, ["latest", "v2"]);
    }

    #[test]
    fn tags_are_sorted_once_each_and_never_hold_a_nul() {
        let t = Tags::new(["v2", "latest", "v2", "bad\0tag", "é"]);
        assert_eq!(t.iter().collect::<Vec<_>>(), ["latest", "v2", "é"]);
        assert_eq!(t.len(), 3);
        assert!(t.contains("v2"));
        assert!(Tags::new(Vec::<String>::new()).is_empty());
        assert_eq!(Tags::new([""; 0]).iter().count(), 0);
    }

    #[test]
    fn an_index_stores_nothing_of_its_own() {
        let repo = RepoSnap {
            images: vec![
                ImageSnap {
                    digest: [1; 32],
                    size: 100,
                    ..ImageSnap::default()
                },
                ImageSnap {
                    digest: [2; 32],
                    size: 50,
                    index: true,
                    ..ImageSnap::default()
                },
                ImageSnap {
                    digest: [3; 32],
                    size: 7,
                    status: Status::Archived,
                    ..ImageSnap::default()
                },
            ],
            ..RepoSnap::default()
        };
        assert_eq!(repo.bytes(), (100, 7));
    }
}
