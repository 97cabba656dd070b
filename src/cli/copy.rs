//! `ecrscope copy SRC DST`: the app's copy engine without a window. Each
//! side is `[profile@][region/]repository`, the source with `:tag` or
//! `@sha256:…`, the target with an optional `:tag`.
//!
//! What it guarantees is the engine's (see `transfer::engine`): nothing is
//! sent when a tag would be refused; a tag moves only with `--force` and
//! only from the image it named when checked; digests are unchanged; a
//! rerun skips what arrived. On top of that, the command line refuses
//! before any call what the copy dialog refuses (the same words).

use std::sync::atomic::AtomicBool;

use serde_json::json;

use crate::model::transfer::{CopyItem, TagVerdict};
use crate::model::{
    Discovery, Encryption, EncryptionType, NewRepository, TagMutability, TagMutabilitySetting,
};
use crate::transfer::{self, CopyEnds, TagMoves};

use super::exit::{Exit, Failure};
use super::output::Rows;
use super::progress::Progress;
use super::reference::{self, Pick};
use super::target::{self, Globals};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CopyArgs {
    pub source: String,
    pub target: String,
    pub all_tags: bool,
    pub create: bool,
    pub force: bool,
    pub with_referrers: bool,
}

pub async fn run(
    a: &CopyArgs,
    g: &Globals,
    d: &Discovery,
    cancel: &AtomicBool,
) -> Result<Rows, Failure> {
    let src = reference::parse(&a.source, true).map_err(Failure::usage)?;
    let dst = reference::parse(&a.target, false).map_err(Failure::usage)?;
    let dst_tag = match &dst.pick {
        Some(Pick::Digest(_)) => {
            return Err(Failure::usage(
                "The target is a repository with an optional :tag: a copy keeps the source's digest.",
            ));
        }
        Some(Pick::Tag(t)) => Some(t.clone()),
        None => None,
    };
    if a.all_tags && dst_tag.is_some() {
        return Err(Failure::usage(
            "--all-tags copies the source's tags: leave the target's :tag out.",
        ));
    }
    let src_spec = target::spec_for(src.profile.as_deref(), src.region.as_deref(), g, d)
        .map_err(Failure::usage)?;
    let dst_spec = target::spec_for(dst.profile.as_deref(), dst.region.as_deref(), g, d)
        .map_err(Failure::usage)?;
    if src_spec.key() == dst_spec.key() && src.repository == dst.repository {
        return Err(Failure::usage(
            "That is the source repository: pick another one.",
        ));
    }
    let (_, source) = target::connect(&src, g, d).await.map_err(Failure::usage)?;
    let image = super::resolve::image(&source, &src).await?;
    let tags = match (&dst_tag, &src.pick) {
        (Some(t), _) => vec![t.clone()],
        (None, _) if a.all_tags => image.tags.clone(),
        (None, Some(Pick::Tag(t))) => vec![t.clone()],
        (None, _) => Vec::new(),
    };
    let items = vec![CopyItem {
        digest: image.digest,
        tags,
    }];
    let (_, target_client) = target::connect(&dst, g, d).await.map_err(Failure::usage)?;
    // The dialog's check, then its question: a tag that would move needs
    // --force, and is allowed to move only from the image it names now.
    let check = transfer::check_target(&target_client, &dst.repository, &items).await?;
    let refusals = check.refusals();
    if !refusals.is_empty() {
        return Err(Failure::new(
            Exit::Failed,
            format!(
                "The target refuses the copy: {} Nothing was sent.",
                refusals.join(" ")
            ),
        ));
    }
    let moves: Vec<(String, crate::model::Digest)> = check
        .verdicts
        .iter()
        .filter_map(|(_, t, v)| match v {
            TagVerdict::Moves { from } => Some((t.clone(), *from)),
            _ => None,
        })
        .collect();
    if !moves.is_empty() && !a.force {
        let said: Vec<String> = moves
            .iter()
            .map(|(t, from)| TagVerdict::Moves { from: *from }.describe(t))
            .collect();
        return Err(Failure::new(
            Exit::Failed,
            format!(
                "{}. Pass --force to move it. Nothing was sent.",
                said.join("; ")
            ),
        ));
    }
    if check.repository.is_none() && !a.create {
        return Err(Failure::new(
            Exit::NotFound,
            format!(
                "The repository '{}' is not in the target registry: pass --create to make it (tag-mutable, AES256), or create it first. Nothing was sent.",
                dst.repository
            ),
        ));
    }
    let create = a.create.then(|| NewRepository {
        name: dst.repository.clone(),
        tag_mutability: TagMutabilitySetting {
            mode: TagMutability::Mutable,
            exclusion_filters: Vec::new(),
        },
        encryption: Encryption {
            kind: EncryptionType::Aes256,
            kms_key: None,
        },
        scan_on_push: false,
        tags: Vec::new(),
    });
    let progress = Progress::to_terminal();
    let ends = CopyEnds {
        source: &source,
        source_repo: &src.repository,
        target: &target_client,
        target_repo: &dst.repository,
    };
    let report = transfer::copy_images_with(
        ends,
        &items,
        create.as_ref(),
        TagMoves::Allowed(&moves),
        cancel,
        &|p| progress.copy("copying", &p),
        a.with_referrers,
    )
    .await;
    progress.done();
    let report = report?;
    for (which, why) in &report.artifacts_refused {
        let which = which.map_or_else(String::new, |d| format!("{d}: "));
        tracing::warn!("artifact not copied: {which}{why}");
        #[allow(clippy::print_stderr)]
        {
            eprintln!("ecrscope: not copied with the image: {which}{why}");
        }
    }
    let mut rows = Rows::new(&[
        "source",
        "target",
        "digest",
        "tags",
        "layersUploaded",
        "layersSkipped",
        "bytesUploaded",
        "manifestsPut",
        "artifactsCopied",
        "artifactsRefused",
    ]);
    rows.single = true;
    let copied_tags: Vec<String> = report.images.iter().flat_map(|i| i.tags.clone()).collect();
    rows.push(vec![
        json!(src.to_string()),
        json!(dst.to_string()),
        json!(image.digest.to_string()),
        json!(copied_tags),
        json!(report.blobs_uploaded),
        json!(report.blobs_skipped),
        json!(report.bytes_uploaded),
        json!(report.manifests_put),
        json!(report.artifacts_copied),
        json!(report.artifacts_refused.len()),
    ]);
    Ok(rows)
}
