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
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        write(&mut f)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        // Best effort: a leftover temporary file is harmless but untidy.
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `.<name>.<pid>.tmp` beside the target: same folder, so the rename stays
/// on one file system and is atomic.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
