//! Files are replaced, never overwritten in place: the new content goes to a
//! temporary file in the same folder, which is then renamed over the target.
//! A failed write (full disk, a crash, a refused rename) leaves an existing
//! file byte for byte as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` by replacing it.
pub fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_replacing_with(path, |f| f.write_all(bytes))
}

/// Same, with a writer function (tests use one that fails half-way).
pub fn write_replacing_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let (tmp, mut f) = create_temp_beside(path)?;
    let result = (|| {
        write(&mut f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Best effort: a leftover temporary file is harmless but untidy.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Creates a new, empty temporary file beside `path` (same folder, so the
/// rename stays on one file system and is atomic), named
/// `.<name>.<pid>.<n>.part`. It is created exclusively: a file already there
/// under that name (someone else's, or a second export of the same file
/// running at once) is never truncated; the next number is tried instead.
pub fn create_temp_beside(path: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let mut last = None;
    for _ in 0..64 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = path.with_file_name(format!(".{name}.{}.{n}.part", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_never_truncate_a_file_already_there() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("image.tar");
        let (a, _fa) = create_temp_beside(&p).expect("first");
        std::fs::write(&a, b"another writer's bytes").expect("write");
        let (b, _fb) = create_temp_beside(&p).expect("second");
        assert_ne!(a, b, "each writer its own name");
        assert_eq!(std::fs::read(&a).expect("read"), b"another writer's bytes");
        // A file a user happens to have under the old fixed name stays.
        let old_style = p.with_extension("part");
        std::fs::write(&old_style, b"mine").expect("write");
        let (_c, _fc) = create_temp_beside(&p).expect("third");
        assert_eq!(std::fs::read(&old_style).expect("read"), b"mine");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("out.csv");
        std::fs::write(&p, b"old content").expect("seed");
        let failed = write_replacing_with(&p, |f| {
            f.write_all(b"half of the new")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&p).expect("read"), b"old content");
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("list").count(),
            1,
            "no temporary file left behind"
        );
        write_replacing(&p, b"new").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"new");
    }
}
