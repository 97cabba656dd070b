//! Signatures, SBOMs and attestations under the image they describe, from
//! cosign's tag scheme, on moto (which has no referrers API): artifacts put
//! with the aws CLI (`sha256-<hex>.sig` / `.sbom`) nest under their subject
//! in the images table's rows, the subject says what it carries, and "Unsigned
//! only" keeps exactly the images without a signature.
#![allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread
#![allow(clippy::await_holding_lock)]

use crate::common;

use std::collections::HashSet;

use common::*;
use ecrscope::ecr;
use ecrscope::model::Digest;
use ecrscope::settings::ImageSort;
use ecrscope::state::{ImageFilter, RepoImages, image_rows};
use ecrscope::supply_chain::artifacts::ArtifactKind;

/// A cosign signature manifest (simple-signing layer, its annotation).
fn signature_manifest(subject: &Digest) -> String {
    let payload = format!(
        r#"{{"critical":{{"identity":{{"docker-reference":"x"}},"image":{{"docker-manifest-digest":"{subject}"}},"type":"cosign container image signature"}},"optional":null}}"#
    );
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{}","size":233}},"layers":[{{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"sha256:{}","size":{},"annotations":{{"dev.cosignproject.cosign/signature":"MEUCIQ=="}}}}]}}"#,
        Digest::of_bytes(b"cosign-config").hex(),
        Digest::of_bytes(payload.as_bytes()).hex(),
        payload.len()
    )
}

#[tokio::test]
async fn moto_cosign_tag_scheme_artifacts_nest_under_their_subject() {
    let _g = moto_lock();
    let url = moto_url();
    moto_reset(&url).await;
    aws_json(
        &url,
        &["ecr", "create-repository", "--repository-name", "signed"],
    );
    let put = |tag: &str, manifest: &str| {
        let d = Digest::of_bytes(manifest.as_bytes()).to_string();
        aws_json(
            &url,
            &[
                "ecr",
                "put-image",
                "--repository-name",
                "signed",
                "--image-tag",
                tag,
                "--image-manifest",
                manifest,
                "--image-digest",
                &d,
            ],
        );
    };
    let subject = manifest("subject");
    let subject_digest = Digest::of_bytes(subject.as_bytes());
    put("v1", &subject);
    put("v2", &manifest("unsigned"));
    put(
        &format!("sha256-{}.sig", subject_digest.hex()),
        &signature_manifest(&subject_digest),
    );
    put(
        &format!("sha256-{}.sbom", subject_digest.hex()),
        &manifest("sbom"),
    );

    let c = moto_client(&url, "us-east-1");
    let images = ecr::describe_images(&c, "signed").await.expect("images");
    assert_eq!(images.len(), 4);
    let repo = RepoImages::default();
    let sort = ImageSort::default();
    let at = |tag: &str| {
        images
            .iter()
            .position(|i| i.tags.iter().any(|t| t == tag))
            .expect(tag)
    };

    let rows = image_rows(
        &images,
        &repo,
        &ImageFilter::default(),
        sort,
        &HashSet::new(),
    );
    assert_eq!(
        rows.len(),
        2,
        "two images; their artifacts are not loose rows"
    );
    let v1 = rows.iter().find(|r| r.index == at("v1")).expect("v1 row");
    assert_eq!(v1.carried.summary(), "signed · SBOM");
    assert!(
        rows.iter()
            .find(|r| r.index == at("v2"))
            .is_some_and(|r| r.carried.is_empty())
    );

    let open: HashSet<Digest> = [subject_digest].into();
    let rows = image_rows(&images, &repo, &ImageFilter::default(), sort, &open);
    let kinds: HashSet<_> = rows
        .iter()
        .filter_map(|r| r.artifact.map(|k| (r.depth, k)))
        .collect();
    assert_eq!(
        kinds,
        [(1, ArtifactKind::Signature), (1, ArtifactKind::Sbom)].into()
    );

    let unsigned = ImageFilter {
        unsigned_only: true,
        ..ImageFilter::default()
    };
    let rows = image_rows(&images, &repo, &unsigned, sort, &HashSet::new());
    assert_eq!(rows.iter().map(|r| r.index).collect::<Vec<_>>(), [at("v2")]);
}
