//! Signatures, SBOMs and provenance under the image they describe, from
//! ListImageReferrers on the demo endpoint (whose `payments/checkout`
//! carries OCI 1.1 referrers on its two newest images: a signature, an
//! SBOM that is itself signed, and a provenance statement each); a
//! repository without artifacts costs no call; "Unsigned only" asks about
//! every image; a registry that refuses the call falls back to cosign's
//! tag scheme and is not asked again. No manifest is read (BatchGetImage
//! may count as a pull) at any point.

use crate::common;

use common::ui::{demo_app, demo_of, open_repository as open_repo, retype, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use ecrscope::demo::{Fault, FaultKind};
use ecrscope::model::Digest;
use ecrscope::settings::ImageSort;
use ecrscope::state::{ImageFilter, image_rows};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::collections::HashSet;

fn app(rt: &tokio::runtime::Runtime) -> Harness<'static, EcrscopeApp> {
    demo_app(rt, |b| b.with_size(egui::vec2(1280.0, 800.0)))
}

fn loading_referrers(h: &Harness<'_, EcrscopeApp>) -> usize {
    h.state().state.open_images().map_or(0, |ri| {
        ri.referrers.values().filter(|r| r.is_loading()).count()
    })
}

#[test]
fn signed_images_say_what_they_carry_and_nest_their_artifacts() {
    let rt = runtime();
    let mut h = app(&rt);
    open_repo(&mut h, "payments/checkout");
    step_until(&mut h, 60, "what the two signed images carry", |h| {
        h.query_all_by_label_contains("signed · SBOM · attested")
            .count()
            == 2
    });
    let demo = demo_of(&h);
    assert!(demo.knobs.count("ListImageReferrers") >= 2);
    // The eight artifacts are not loose untagged rows.
    let referrers = referrer_digests(&h);
    assert_eq!(referrers.len(), 8);
    let top = top_level(&h, false);
    assert!(
        top.iter().all(|d| !referrers.contains(d)),
        "artifacts must nest under their subject"
    );
    h.get_all_by_label("Show signatures and SBOMs")
        .next()
        .expect("an expander on a signed image")
        .click();
    step_until(&mut h, 20, "the artifact rows", |h| {
        h.query_all_by_label_contains("signature").count() >= 2
            && h.query_by_label("\u{E914} attestation").is_some()
    });
    // The SBOM's own signature, one step in.
    let ri = h.state().state.open_images().expect("images");
    assert!(
        ri.referrers.keys().any(|k| referrers.contains(k)),
        "the SBOM's referrers were asked for too"
    );
    assert_eq!(demo.knobs.count("BatchGetImage"), 0, "no manifest read");
}

#[test]
fn a_repository_without_artifacts_costs_no_referrers_call() {
    let rt = runtime();
    let mut h = app(&rt);
    open_repo(&mut h, "platform/api-gateway");
    for _ in 0..10 {
        h.step();
    }
    assert_eq!(demo_of(&h).knobs.count("ListImageReferrers"), 0);
}

#[test]
fn unsigned_only_asks_about_every_image_and_keeps_the_unsigned() {
    let rt = runtime();
    let mut h = app(&rt);
    open_repo(&mut h, "payments/checkout");
    h.get_by_label("Unsigned only").click();
    step_until(&mut h, 120, "every image's referrers", |h| {
        let ri = h.state().state.open_images();
        loading_referrers(h) == 0 && ri.is_some_and(|ri| ri.referrers.len() >= 24)
    });
    // Every plain image but the two signed ones; none says "signed".
    let referrers = referrer_digests(&h);
    let signed = signed_subjects(&h);
    assert_eq!(signed.len(), 2);
    let all = top_level(&h, false);
    let unsigned = top_level(&h, true);
    let expected: Vec<Digest> = all.into_iter().filter(|d| !signed.contains(d)).collect();
    assert_eq!(unsigned, expected);
    assert!(unsigned.iter().all(|d| !referrers.contains(d)));
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(h.query_all_by_label_contains("signed · SBOM").count(), 0);
}

/// The digests of every referrer manifest in the demo's payments/checkout.
fn referrer_digests(h: &Harness<'_, EcrscopeApp>) -> HashSet<Digest> {
    demo_of(h)
        .with_store(|s| {
            s.repos["payments/checkout"]
                .images
                .iter()
                .filter(|i| i.manifest.contains("\"subject\""))
                .map(|i| i.digest)
                .collect()
        })
        .expect("demo store")
}

/// The images the demo signed (the subjects of its signature manifests
/// whose subject is a plain image).
fn signed_subjects(h: &Harness<'_, EcrscopeApp>) -> HashSet<Digest> {
    let referrers = referrer_digests(h);
    demo_of(h)
        .with_store(|s| {
            s.repos["payments/checkout"]
                .images
                .iter()
                .filter(|i| i.manifest.contains("cosign.artifact.sig"))
                .filter_map(|i| {
                    let v: serde_json::Value = serde_json::from_str(&i.manifest).ok()?;
                    Digest::parse(v["subject"]["digest"].as_str()?)
                })
                .filter(|d| !referrers.contains(d))
                .collect()
        })
        .expect("demo store")
}

/// The top-level rows of the open list as the app's own state builds them.
fn top_level(h: &Harness<'_, EcrscopeApp>, unsigned_only: bool) -> Vec<Digest> {
    let ri = h.state().state.open_images().expect("images");
    let list = ri.list.shown().expect("list");
    let filter = ImageFilter {
        unsigned_only,
        ..ImageFilter::default()
    };
    image_rows(list, ri, &filter, ImageSort::default(), &HashSet::new())
        .into_iter()
        .filter(|r| r.depth == 0)
        .map(|r| list[r.index].digest)
        .collect()
}

#[test]
fn a_registry_without_the_call_falls_back_to_the_tag_scheme_once() {
    let rt = runtime();
    let mut h = app(&rt);
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    // As moto answers an operation it lacks: an HTML 500.
    demo_of(&h).knobs.inject(Fault {
        operation: Some("ListImageReferrers".into()),
        kind: FaultKind::Html(500),
        count: u32::MAX,
        after: 0,
    });
    open_repo(&mut h, "payments/checkout");
    step_until(&mut h, 60, "the fallback", |h| {
        h.state()
            .state
            .selected_registry()
            .is_some_and(|r| r.referrers_api.is_some())
    });
    // Calls already sent end (with the SDK's retries) before counting.
    step_until(&mut h, 60, "calls in flight to end", |h| {
        loading_referrers(h) == 0
    });
    let asked = demo_of(&h).knobs.count("ListImageReferrers");
    for _ in 0..20 {
        h.step();
    }
    h.get_by_label("Unsigned only").click();
    for _ in 0..20 {
        h.step();
    }
    assert_eq!(
        demo_of(&h).knobs.count("ListImageReferrers"),
        asked,
        "not asked again once the registry said it has no such call"
    );
    // The referrers stay rows of their own: nothing is hidden.
    assert!(h.query_all_by_label("untagged").count() >= 1);
}

/// The newest signed image's artifacts, expanded.
fn expand_newest_signed(h: &mut Harness<'_, EcrscopeApp>) {
    open_repo(h, "payments/checkout");
    step_until(h, 60, "the signed images", |h| {
        h.query_all_by_label_contains("signed · SBOM · attested")
            .count()
            == 2
    });
    h.get_all_by_label("Show signatures and SBOMs")
        .next()
        .expect("an expander")
        .click();
    step_until(h, 20, "the artifact rows", |h| {
        h.query_by_label("\u{E914} attestation").is_some()
    });
}

const SHIELD: &str = "\u{E40C}";
const KEY: &str = "\u{E2D6}";

#[test]
fn a_signature_shows_its_claims_and_verifies_with_the_demo_key() {
    let rt = runtime();
    let mut h = app(&rt);
    expand_newest_signed(&mut h);
    // The image's own signature is the first signature row.
    h.get_all_by_label(&format!("{SHIELD} signature"))
        .next()
        .expect("a signature row")
        .click();
    step_until(&mut h, 40, "the signature's claims", |h| {
        h.query_by_label_contains("(the image above)").is_some()
    });
    assert!(
        h.query_by_label_contains("cosign container image signature")
            .is_some()
    );
    // A file that is no key: said, not verified.
    let dir = tempfile::tempdir().expect("temp dir");
    let junk = dir.path().join("junk.pub");
    std::fs::write(&junk, "not a key").expect("write");
    h.get_by_label("Public key file").click();
    h.get_by_label("Public key file")
        .type_text(&junk.display().to_string());
    h.step();
    h.get_by_label(&format!("{KEY} Verify")).click();
    step_until(&mut h, 10, "the refusal", |h| {
        h.query_by_label_contains("not a PEM public key").is_some()
    });
    // Another P-256 key (made by the openssl CLI): the signature does not
    // match it.
    common::openssl(
        dir.path(),
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "other.key",
        ],
    );
    common::openssl(
        dir.path(),
        &["ec", "-in", "other.key", "-pubout", "-out", "other.pub"],
    );
    h.get_by_label("Public key file").click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Public key file")
        .type_text(&dir.path().join("other.pub").display().to_string());
    h.step();
    h.get_by_label(&format!("{KEY} Verify")).click();
    step_until(&mut h, 10, "another key refused", |h| {
        h.query_by_label_contains("does not match the payload with this key")
            .is_some()
    });
    // The demo's public key, as shipped.
    let key = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-cosign.pub");
    h.get_by_label("Public key file").click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Public key file")
        .type_text(&key.display().to_string());
    h.step();
    h.get_by_label(&format!("{KEY} Verify")).click();
    step_until(&mut h, 10, "the verdict", |h| {
        h.query_by_label_contains("Verified with").is_some()
    });
    assert!(
        h.query_by_label_contains("Not checked: a Sigstore")
            .is_some()
    );
}

#[test]
fn an_sbom_lists_its_packages_marked_by_the_images_findings() {
    let rt = runtime();
    let mut h = app(&rt);
    expand_newest_signed(&mut h);
    h.get_all_by_label("\u{E390} SBOM")
        .next()
        .expect("an SBOM row")
        .click();
    step_until(&mut h, 40, "the packages", |h| {
        h.query_by_label_contains("13 packages").is_some()
    });
    h.get_by_label("Search packages").click();
    h.get_by_label("Search packages").type_text("npm");
    step_until(&mut h, 10, "only npm packages", |h| {
        h.query_by_label("lodash").is_some() && h.query_by_label("openssl").is_none()
    });
    h.get_by_label_contains("Mark the packages").click();
    step_until(&mut h, 40, "the findings joined", |h| {
        h.query_by_label_contains("packages have findings in the image's scan")
            .is_some()
    });
}

#[test]
fn provenance_names_its_builder_and_commit() {
    let rt = runtime();
    let mut h = app(&rt);
    expand_newest_signed(&mut h);
    h.get_all_by_label("\u{E914} attestation")
        .next()
        .expect("an attestation row")
        .click();
    step_until(&mut h, 40, "the provenance", |h| {
        h.query_by_label("https://github.com/actions/runner/github-hosted")
            .is_some()
    });
    assert!(
        h.query_by_label("https://github.com/example-corp/checkout")
            .is_some()
    );
    assert!(h.query_by_label_contains("Materials (2)").is_some());
}

fn signing_rules(h: &Harness<'_, EcrscopeApp>) -> Option<Vec<(String, Vec<String>)>> {
    demo_of(h)
        .with_store(|s| s.signing.as_ref().map(|s| s.rules.clone()))
        .flatten()
}

/// ECR managed signing from the overview: the seeded rule shown; a bad
/// profile ARN and filter refused next to their fields with nothing sent;
/// a second rule saved and read back from the server; removing every rule
/// asks first, then the registry holds no configuration and says so.
#[test]
fn managed_signing_rules_are_edited_checked_saved_and_removed() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 1200.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.get_by_label_contains("Overview").click();
    step_until(&mut h, 30, "the seeded rule", |h| {
        h.query_by_label_contains("Signed on push with ecrscope_demo_release (payments/*)")
            .is_some()
    });
    h.get_by_label_contains("Edit signing rules").click();
    for _ in 0..6 {
        h.step();
    }
    h.get_by_label_contains("Add signing rule").click();
    for _ in 0..3 {
        h.step();
    }
    retype(
        &mut h,
        "Signing profile ARN of rule 2",
        "arn:aws:kms:us-east-1:123456789012:key/x",
    );
    step_until(&mut h, 5, "the ARN refused", |h| {
        h.query_by_label_contains("A signing profile ARN looks like")
            .is_some()
    });
    retype(
        &mut h,
        "Signing profile ARN of rule 2",
        "arn:aws:signer:us-east-1:123456789012:/signing-profiles/nightly_builds",
    );
    retype(&mut h, "Repository filters of rule 2", "Web/*");
    step_until(&mut h, 5, "the filter refused", |h| {
        h.query_by_label_contains("'Web/*' is not a repository name pattern")
            .is_some()
    });
    // Refused input: the button does nothing, nothing is sent.
    h.get_by_label("Save signing rules").click();
    for _ in 0..3 {
        h.step();
    }
    assert_eq!(demo_of(&h).knobs.count("PutSigningConfiguration"), 0);
    retype(&mut h, "Repository filters of rule 2", "web/*, *-nightly");
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Save signing rules").click();
    step_until(&mut h, 30, "saved on the server", |h| {
        signing_rules(h).is_some_and(|r| r.len() == 2)
            && !h
                .state()
                .state
                .selected_registry()
                .is_some_and(|r| r.signing.is_loading())
    });
    assert_eq!(
        signing_rules(&h).expect("rules")[1],
        (
            "arn:aws:signer:us-east-1:123456789012:/signing-profiles/nightly_builds".to_owned(),
            vec!["web/*".to_owned(), "*-nightly".to_owned()]
        )
    );
    // Remove both rules: saving now removes the configuration, asked first.
    h.get_by_label("Remove signing rule 2").click();
    h.step();
    h.get_by_label("Remove signing rule 1").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Remove the signing configuration").click();
    step_until(&mut h, 10, "the confirmation", |h| {
        h.query_by_label("Remove the signing configuration?")
            .is_some()
    });
    assert!(
        signing_rules(&h).is_some(),
        "nothing removed before the confirmation"
    );
    for _ in 0..6 {
        h.step();
    }
    h.get_by_label("Remove signing configuration").click();
    step_until(&mut h, 30, "removed on the server and said", |h| {
        signing_rules(h).is_none() && h.query_by_label_contains("No managed signing").is_some()
    });
}

/// An image of a repository a signing rule covers says ECR signed it; an
/// image elsewhere says nothing and costs no call.
#[test]
fn an_image_says_whether_ecr_signed_it() {
    use ecrscope::state::RegistryTab;
    use ecrscope::ui::{BrowseAction, UiAction};
    let rt = runtime();
    let mut h = app(&rt);
    // The overview reads the signing configuration.
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.get_by_label_contains("Overview").click();
    step_until(&mut h, 30, "the signing configuration", |h| {
        h.query_by_label_contains("Signed on push with").is_some()
    });
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            RegistryTab::Repositories,
        )));
    for _ in 0..3 {
        h.step();
    }
    let newest_tagged = |h: &Harness<'_, EcrscopeApp>| {
        h.state().state.open_images().and_then(|ri| {
            ri.list.shown().and_then(|l| {
                l.iter()
                    .filter(|i| !i.tags.is_empty())
                    .max_by_key(|i| i.pushed_at)
                    .map(|i| i.digest)
            })
        })
    };
    open_repo(&mut h, "platform/api-gateway");
    let d = newest_tagged(&h);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectImage(d)));
    for _ in 0..10 {
        h.step();
    }
    assert_eq!(demo_of(&h).knobs.count("DescribeImageSigningStatus"), 0);
    assert!(h.query_by_label_contains("ECR managed signing").is_none());
    // payments/checkout is covered by the rule: its newest image is signed.
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectRepository(Some(
            "payments/checkout".into(),
        ))));
    step_until(&mut h, 30, "images", |h| {
        h.state()
            .state
            .open_repo()
            .is_some_and(|r| r.name == "payments/checkout")
            && h.state()
                .state
                .open_images()
                .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
    let d = newest_tagged(&h);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectImage(d)));
    step_until(&mut h, 30, "ECR's signing status", |h| {
        h.query_by_label_contains("ECR managed signing: COMPLETE (ecrscope_demo_release)")
            .is_some()
    });
    assert_eq!(demo_of(&h).knobs.count("DescribeImageSigningStatus"), 1);
}
