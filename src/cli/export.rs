//! `ecrscope export REF FILE.tar`: the image (an index with every
//! platform) as an OCI image layout in a tar, by the app's exporter: every
//! blob verified by digest and length, the file written under a temporary
//! name and renamed only when whole (an interrupted export leaves no
//! FILE.tar, and never touches one already there until it succeeds).

use std::path::Path;
use std::sync::atomic::AtomicBool;

use serde_json::json;

use crate::model::Discovery;
use crate::transfer::oci;

use super::exit::Failure;
use super::output::Rows;
use super::progress::Progress;
use super::reference::{self, Pick};
use super::target::{self, Globals};

pub async fn run(
    image_ref: &str,
    file: &Path,
    with_referrers: bool,
    g: &Globals,
    d: &Discovery,
    cancel: &AtomicBool,
) -> Result<Rows, Failure> {
    let r = reference::parse(image_ref, true).map_err(Failure::usage)?;
    check_path(file).map_err(Failure::usage)?;
    target::spec_for(r.profile.as_deref(), r.region.as_deref(), g, d).map_err(Failure::usage)?;
    let (_, c) = target::connect(&r, g, d).await.map_err(Failure::usage)?;
    let image = super::resolve::image(&c, &r).await?;
    let tag = match &r.pick {
        Some(Pick::Tag(t)) => Some(t.as_str()),
        _ => None,
    };
    let progress = Progress::to_terminal();
    let report = oci::export_oci_with(
        &c,
        &r.repository,
        image.digest,
        tag,
        None,
        file,
        cancel,
        &|p| progress.copy("exporting", &p),
        with_referrers,
    )
    .await;
    progress.done();
    let report = report?;
    let mut rows = Rows::new(&[
        "image",
        "digest",
        "file",
        "bytes",
        "manifests",
        "blobs",
        "artifacts",
    ]);
    rows.single = true;
    rows.push(vec![
        json!(r.to_string()),
        json!(image.digest.to_string()),
        json!(report.path.display().to_string()),
        json!(report.bytes),
        json!(report.manifests),
        json!(report.blobs),
        json!(report.artifacts),
    ]);
    Ok(rows)
}

/// The file's folder must exist and the path must not be a folder: said
/// before anything is read from the registry.
pub(super) fn check_path(file: &std::path::Path) -> Result<(), String> {
    if file.as_os_str().is_empty() {
        return Err("Give the file to write, e.g. image.tar.".into());
    }
    if file.is_dir() {
        return Err(format!(
            "'{}' is a folder: give a file name in it, e.g. image.tar.",
            file.display()
        ));
    }
    let parent = file.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(p) = parent
        && !p.is_dir()
    {
        return Err(format!("The folder '{}' does not exist.", p.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_or_a_missing_folder_is_refused_before_any_call() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_path(dir.path()).unwrap_err().contains("is a folder"));
        let missing = dir.path().join("nope/image.tar");
        assert!(check_path(&missing).unwrap_err().contains("does not exist"));
        assert!(check_path(&dir.path().join("image.tar")).is_ok());
        assert!(check_path(std::path::Path::new("image.tar")).is_ok());
        assert!(check_path(std::path::Path::new("")).is_err());
    }
}
