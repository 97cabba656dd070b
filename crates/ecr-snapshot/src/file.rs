//! The snapshot file:
//!
//! ```text
//! "ECRSNAP\0"        8 bytes, the magic
//! version            u16, little-endian (FORMAT_VERSION)
//! summary length     u32, little-endian
//! summary            zlib(postcard(Summary)): per repository its images,
//!                    bytes and critical/high counts, for trends without
//!                    reading the inventory
//! inventory          zlib(postcard(Snapshot)), to the end of the file
//! ```
//!
//! postcard is a compact encoding (varints, no field names) and zlib
//! carries a checksum, so a damaged file is refused rather than misread.
//! A reader refuses a version newer than its own: formats change by
//! raising the version, and an older reader says which ecrscope to use.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use serde::{Deserialize, Serialize};

use crate::{Snapshot, Status};

pub const MAGIC: &[u8; 8] = b"ECRSNAP\0";
/// The format this build writes and the newest it reads.
pub const FORMAT_VERSION: u16 = 1;
/// The file name's extension.
pub const EXTENSION: &str = "ecrsnap";
/// A summary larger than this is a damaged file, not a summary (a
/// registry of 10,000 repositories takes well under 1 MiB).
const SUMMARY_MAX: u32 = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not an ecrscope snapshot (the file does not begin as one)")]
    NotASnapshot,
    #[error(
        "this snapshot is format {found}, newer than this ecrscope reads ({FORMAT_VERSION}): open it with a newer ecrscope"
    )]
    Newer { found: u16 },
    #[error("the snapshot is damaged or cut short ({0}); nothing of it was read")]
    Damaged(String),
    #[error("could not read or write the snapshot: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub taken_at: i64,
    pub app_version: String,
    pub registries: Vec<RegistrySummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrySummary {
    pub key: String,
    pub label: String,
    pub repositories: Vec<RepoSummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoSummary {
    pub name: String,
    pub images_read: bool,
    pub images: u64,
    pub active_bytes: u64,
    pub archived_bytes: u64,
    /// Critical and high findings over its images.
    pub critical: u64,
    pub high: u64,
}

/// The summary of a snapshot (what trends read).
pub fn summary(s: &Snapshot) -> Summary {
    Summary {
        taken_at: s.taken_at,
        app_version: s.app_version.clone(),
        registries: s
            .registries
            .iter()
            .map(|r| RegistrySummary {
                key: r.key.clone(),
                label: r.meta.label.clone(),
                repositories: r
                    .repositories
                    .iter()
                    .map(|repo| {
                        let (active, archived) = repo.bytes();
                        let sev = |k: usize| {
                            repo.images
                                .iter()
                                .filter(|i| i.status != Status::Archived)
                                .filter_map(|i| i.severities)
                                .map(|s| u64::from(s[k]))
                                .sum()
                        };
                        RepoSummary {
                            name: repo.name.clone(),
                            images_read: repo.images_read,
                            images: repo.images.len() as u64,
                            active_bytes: active,
                            archived_bytes: archived,
                            critical: sev(0),
                            high: sev(1),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn compressed<T: Serialize>(value: &T) -> Result<Vec<u8>, SnapshotError> {
    let raw = postcard::to_stdvec(value).map_err(|e| SnapshotError::Damaged(e.to_string()))?;
    // Level 1: digests do not compress, and the best level took four times
    // as long for 2% less (benches/snapshot.rs).
    let mut z = ZlibEncoder::new(Vec::with_capacity(raw.len() / 2), Compression::fast());
    z.write_all(&raw)?;
    Ok(z.finish()?)
}

fn decompressed<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, SnapshotError> {
    let mut raw = Vec::with_capacity(bytes.len().saturating_mul(2));
    ZlibDecoder::new(bytes)
        .read_to_end(&mut raw)
        .map_err(|e| SnapshotError::Damaged(e.to_string()))?;
    let (value, rest) =
        postcard::take_from_bytes::<T>(&raw).map_err(|e| SnapshotError::Damaged(e.to_string()))?;
    if !rest.is_empty() {
        return Err(SnapshotError::Damaged(format!(
            "{} bytes after the end",
            rest.len()
        )));
    }
    Ok(value)
}

/// The file's bytes.
pub fn to_bytes(s: &Snapshot) -> Result<Vec<u8>, SnapshotError> {
    let sum = compressed(&summary(s))?;
    let body = compressed(s)?;
    let sum_len = u32::try_from(sum.len())
        .ok()
        .filter(|n| *n <= SUMMARY_MAX)
        .ok_or_else(|| SnapshotError::Damaged("summary too large".into()))?;
    let mut out = Vec::with_capacity(14 + sum.len() + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&sum_len.to_le_bytes());
    out.extend_from_slice(&sum);
    out.extend_from_slice(&body);
    Ok(out)
}

/// The summary's length, the header (the file's first 14 bytes) checked.
fn header(bytes: &[u8]) -> Result<usize, SnapshotError> {
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(SnapshotError::NotASnapshot);
    }
    let head = bytes
        .get(8..14)
        .ok_or_else(|| SnapshotError::Damaged("the header is cut short".into()))?;
    let version = u16::from_le_bytes([head[0], head[1]]);
    if version > FORMAT_VERSION {
        return Err(SnapshotError::Newer { found: version });
    }
    if version == 0 {
        return Err(SnapshotError::Damaged("format 0".into()));
    }
    let sum_len = u32::from_le_bytes([head[2], head[3], head[4], head[5]]);
    if sum_len > SUMMARY_MAX {
        return Err(SnapshotError::Damaged("summary length".into()));
    }
    Ok(sum_len as usize)
}

/// (summary bytes, inventory bytes), the header checked.
fn parts(bytes: &[u8]) -> Result<(&[u8], &[u8]), SnapshotError> {
    let end = 14 + header(bytes)?;
    let sum = bytes
        .get(14..end)
        .ok_or_else(|| SnapshotError::Damaged("the summary is cut short".into()))?;
    Ok((sum, &bytes[end..]))
}

/// The whole snapshot.
pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
    let (sum, body) = parts(bytes)?;
    let s: Snapshot = decompressed(body)?;
    // The summary is checked too: a file whose two parts disagree was
    // not written by ecrscope and is not trusted.
    let read: Summary = decompressed(sum)?;
    if read != summary(&s) {
        return Err(SnapshotError::Damaged(
            "the summary does not match the inventory".into(),
        ));
    }
    Ok(s)
}

/// The summary alone (the inventory is not decompressed).
pub fn summary_from_bytes(bytes: &[u8]) -> Result<Summary, SnapshotError> {
    let (sum, _) = parts(bytes)?;
    decompressed(sum)
}

/// Reads a file.
pub fn read(path: &std::path::Path) -> Result<Snapshot, SnapshotError> {
    from_bytes(&std::fs::read(path)?)
}

/// Reads a file's summary: only its first part is read from disk.
pub fn read_summary(path: &std::path::Path) -> Result<Summary, SnapshotError> {
    let mut f = std::fs::File::open(path)?;
    let mut head = [0u8; 14];
    f.read_exact(&mut head)
        .map_err(|_| SnapshotError::NotASnapshot)?;
    let sum_len = header(&head)?;
    let mut sum = vec![0u8; sum_len];
    f.read_exact(&mut sum)
        .map_err(|_| SnapshotError::Damaged("the summary is cut short".into()))?;
    decompressed(&sum)
}

/// Writes a file: to a temporary file in the same folder, then renamed
/// over `path` (a crash leaves the old file or the new, never half of
/// one).
pub fn write(path: &std::path::Path, s: &Snapshot) -> Result<u64, SnapshotError> {
    let bytes = to_bytes(s)?;
    let dir = path.parent().unwrap_or_else(|| std::path::Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "snapshot".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    Ok(bytes.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ImageSnap, RegistrySnap, RepoSnap};

    fn sample() -> Snapshot {
        Snapshot {
            taken_at: 1_765_000_000_000,
            app_version: "0.1.0".into(),
            registries: vec![RegistrySnap {
                key: "demo".into(),
                repositories: vec![RepoSnap {
                    name: "app/web".into(),
                    images_read: true,
                    images: vec![ImageSnap {
                        digest: [7; 32],
                        tags: crate::Tags::new(["v1"]),
                        size: 1_000,
                        severities: Some([1, 2, 0, 0, 0, 0]),
                        ..ImageSnap::default()
                    }],
                    ..RepoSnap::default()
                }],
                ..RegistrySnap::default()
            }],
        }
    }

    #[test]
    fn reads_back_what_it_wrote_and_its_summary() {
        let s = sample();
        let bytes = to_bytes(&s).expect("bytes");
        assert_eq!(from_bytes(&bytes).expect("read"), s);
        let sum = summary_from_bytes(&bytes).expect("summary");
        assert_eq!(sum.registries[0].repositories[0].critical, 1);
        assert_eq!(sum.registries[0].repositories[0].high, 2);
        assert_eq!(sum.registries[0].repositories[0].active_bytes, 1_000);
    }

    #[test]
    fn refuses_newer_formats_other_files_and_damage() {
        let mut bytes = to_bytes(&sample()).expect("bytes");
        assert!(matches!(
            from_bytes(b"{\"json\": true}"),
            Err(SnapshotError::NotASnapshot)
        ));
        let mut newer = bytes.clone();
        newer[8] = 2;
        let e = from_bytes(&newer).expect_err("newer");
        assert!(e.to_string().contains("newer ecrscope"), "{e}");
        // Cut anywhere: refused, never a partial inventory.
        for cut in [9, 14, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        // One byte flipped in the inventory: the checksum refuses it.
        let last = bytes.len() - 6;
        bytes[last] ^= 0x55;
        assert!(from_bytes(&bytes).is_err());
    }

    #[test]
    fn files_are_replaced_and_the_summary_read_alone() {
        let dir = std::env::temp_dir().join(format!("ecr-snapshot-{}", std::process::id()));
        let path = dir.join("a.ecrsnap");
        write(&path, &Snapshot::default()).expect("first");
        write(&path, &sample()).expect("second");
        assert_eq!(read(&path).expect("read"), sample());
        assert_eq!(read_summary(&path).expect("summary"), summary(&sample()));
        let left: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
