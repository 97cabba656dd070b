//! Copy and export from the real app under egui_kittest, on the demo
//! endpoint: "Copy to…" from the details pane to another registry (chosen in
//! the dialog's list), pinned to its source while the user navigates; bad
//! input refused next to the field; "Export to file…" writes an OCI tar that
//! Python's tarfile reads back. The demo store is checked directly.

use crate::common;

use common::ui::{demo_app_with, demo_of, demo_options, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use ecrscope::model::{DEMO_ACCOUNT, Digest, RegistrySpec};
use ecrscope::state::Location;
use ecrscope::ui::UiAction;
use ecrscope::ui::{BrowseAction, ManageAction, RegistriesAction, TransferAction};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

fn spec(region: &str) -> RegistrySpec {
    common::ui::demo_spec(region)
}

fn app(
    rt: &tokio::runtime::Runtime,
    export_to: Option<std::path::PathBuf>,
) -> Harness<'static, EcrscopeApp> {
    let mut opts = demo_options(ecrscope::demo::SeedConfig::default());
    if let Some(p) = export_to {
        opts.picker = ecrscope::platform::save_dialog::Picker(std::sync::Arc::new(
            ecrscope::platform::save_dialog::FixedPath(p),
        ));
    }
    let mut h = demo_app_with(rt, opts, |b| b.with_size(egui::vec2(1400.0, 900.0)));
    step_until(&mut h, 30, "east listed", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h
}

/// Opens east's hello-world and its newest image; returns its digest.
fn open_image(h: &mut Harness<'static, EcrscopeApp>) -> Digest {
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::GoTo(Location {
            registry: Some(spec(EAST).key()),
            repository: Some("hello-world".into()),
            image: None,
        })));
    step_until(h, 30, "images", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
    h.key_press(egui::Key::Home);
    step_until(h, 10, "details", |h| h.query_by_label("Copy to…").is_some());
    h.state().state.location.image.expect("an image")
}

fn in_store(h: &Harness<'_, EcrscopeApp>, region: &str, repo: &str) -> Vec<(Digest, Vec<String>)> {
    demo_of(h)
        .with_store_at(DEMO_ACCOUNT, region, |s| {
            s.repos
                .get(repo)
                .map(|r| {
                    r.images
                        .iter()
                        .map(|i| (i.digest, i.tags.clone()))
                        .collect()
                })
                .unwrap_or_default()
        })
        .expect("store")
}

#[test]
fn copy_to_another_region_from_the_details_pane() {
    let rt = runtime();
    let mut h = app(&rt, None);
    h.state_mut()
        .handle(UiAction::Registries(RegistriesAction::Add(spec(WEST))));
    step_until(&mut h, 30, "west listed", |h| {
        h.state()
            .state
            .registry(&spec(WEST).key())
            .and_then(|r| r.repositories.shown())
            .is_some()
    });
    let d = open_image(&mut h);
    let tags = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .and_then(|l| l.iter().find(|i| i.digest == d).map(|i| i.tags.clone()))
        .expect("tags");
    h.get_by_label("Copy to…").click();
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label_contains("Copy 1 image to").is_some()
    });
    // Pick the other region in the list.
    h.get_by_label("Target registry").click();
    h.step();
    h.step();
    h.get_by_label(&format!("demo registry · account {DEMO_ACCOUNT} · {WEST}"))
        .click();
    h.step();
    // Bad input is refused next to the field, before any call.
    let field = "Target repository";
    h.get_by_role_and_label(Role::TextInput, field).click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, field)
        .type_text("Not Valid");
    h.step();
    h.step();
    assert!(
        h.query_by_label_contains("lowercase").is_some()
            || h.query_by_label_contains("Lowercase").is_some(),
        "the name's rule is said next to the field"
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, field)
        .type_text("promoted/hello");
    h.step();
    // The target is asked what each tag would do; Copy waits for it.
    step_until(&mut h, 60, "the target checked", |h| {
        h.query_by_label_contains("No tag in the target moves")
            .is_some()
    });
    // Navigating while the dialog is open changes nothing about the copy.
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::GoTo(Location {
            registry: Some(spec(WEST).key()),
            repository: Some("hello-world".into()),
            image: None,
        })));
    h.step();
    h.get_by_label("Copy").click_accesskit();
    step_until(&mut h, 30, "copied into west", |h| {
        !in_store(h, WEST, "promoted/hello").is_empty()
            && h.state().state.running_transfers().count() == 0
    });
    let there = in_store(&h, WEST, "promoted/hello");
    assert_eq!(there.len(), 1);
    assert_eq!(there[0].0, d, "same digest in the other region");
    assert_eq!(there[0].1, tags);
    assert!(
        in_store(&h, EAST, "promoted/hello").is_empty(),
        "nothing in the source region"
    );
    let notice = h.state().state.last_notice.clone().unwrap_or_default();
    assert!(
        notice.starts_with("Copied 1 image to promoted/hello"),
        "{notice}"
    );
}

#[test]
fn export_to_file_writes_a_tar_python_reads() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("hello.tar");
    let mut h = app(&rt, Some(path.clone()));
    let d = open_image(&mut h);
    h.get_by_label("Export to file…").click();
    step_until(&mut h, 30, "exported", |h| {
        h.state()
            .state
            .last_notice
            .as_deref()
            .is_some_and(|n| n.starts_with("Exported"))
    });
    let script = "import tarfile,json,sys; t=tarfile.open(sys.argv[1]); print(json.loads(t.extractfile('index.json').read())['manifests'][0]['digest'])";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), d.to_string());
}

#[test]
fn reencrypt_from_the_settings_compares_then_offers_the_typed_delete() {
    let rt = runtime();
    let mut h = app(&rt, None);
    let old = ecrscope::model::RepoRef::new(&spec(EAST), "hello-world");
    h.state_mut()
        .handle(UiAction::Manage(ManageAction::OpenRepoSettings(
            old.clone(),
        )));
    step_until(&mut h, 5, "settings", |h| {
        h.query_by_label_contains("Re-encrypt…").is_some()
    });
    h.get_by_label_contains("Re-encrypt…").click_accesskit();
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label("Create and copy").is_some()
    });
    h.get_by_label("Create and copy").click_accesskit();
    step_until(&mut h, 30, "comparison", |h| {
        h.query_by_label_contains("Every active image is in hello-world-kms")
            .is_some()
    });
    let (old_images, new_images, enc) = demo_of(&h)
        .with_store_at(DEMO_ACCOUNT, EAST, |s| {
            let digests = |r: &str| {
                let mut v: Vec<String> = s.repos[r]
                    .images
                    .iter()
                    .map(|i| i.digest.to_string())
                    .collect();
                v.sort();
                v
            };
            (
                digests("hello-world"),
                digests("hello-world-kms"),
                s.repos["hello-world-kms"].encryption.clone(),
            )
        })
        .expect("store");
    assert_eq!(old_images, new_images, "every image, same digests");
    assert_eq!(enc, "KMS");
    // Both are read again before the typed confirmation opens.
    h.get_by_label("Check again and delete the old repository…")
        .click_accesskit();
    step_until(&mut h, 30, "typed confirmation", |h| {
        h.query_by_label_contains("Delete hello-world?").is_some()
    });
    assert!(
        demo_of(&h)
            .with_store_at(DEMO_ACCOUNT, EAST, |s| s.repos.contains_key("hello-world"))
            .expect("store"),
        "nothing deleted without the typed confirmation"
    );
}

/// Two images of east's hello-world: (newest, an older one).
fn two_images(h: &Harness<'static, EcrscopeApp>) -> (Digest, Digest) {
    demo_of(h)
        .with_store_at(DEMO_ACCOUNT, EAST, |s| {
            let mut v: Vec<_> = s.repos["hello-world"]
                .images
                .iter()
                .filter(|i| {
                    !i.media_type.contains("index") && !i.tags.is_empty() && !i.archive.archived
                })
                .map(|i| (i.pushed_at, i.digest))
                .collect();
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            (v[v.len() - 1].1, v[0].1)
        })
        .expect("store")
}

/// Issue 22, item 3: a mutable tag in the target that names another image
/// is listed in the dialog (from which image to which) and moves only with
/// the tick.
#[test]
fn a_tag_that_would_move_is_shown_and_needs_the_tick() {
    let rt = runtime();
    let mut h = app(&rt, None);
    let (newest, older) = two_images(&h);
    let source = ecrscope::model::RepoRef::new(&spec(EAST), "hello-world");
    // The target's 'latest' names the older image.
    h.state_mut()
        .handle(UiAction::Transfer(TransferAction::StartCopy {
            source: source.clone(),
            target: ecrscope::model::RepoRef::new(&spec(EAST), "prod/hello"),
            items: vec![ecrscope::model::transfer::CopyItem {
                digest: older,
                tags: vec!["latest".into()],
            }],
            create: Some(ecrscope::model::NewRepository {
                name: "prod/hello".into(),
                ..Default::default()
            }),
            allowed_moves: vec![],
            with_referrers: false,
        }));
    step_until(&mut h, 60, "first copy", |h| {
        !in_store(h, EAST, "prod/hello").is_empty()
            && h.state().state.running_transfers().count() == 0
    });
    h.state_mut()
        .handle(UiAction::Transfer(TransferAction::OpenCopy(
            source,
            vec![(newest, vec!["latest".into(), "v9".into()])],
        )));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label_contains("Copy 1 image to").is_some()
    });
    let field = "Target repository";
    h.get_by_role_and_label(Role::TextInput, field).click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, field)
        .type_text("prod/hello");
    step_until(&mut h, 60, "the move listed", |h| {
        h.query_by_label_contains("would move to the copy")
            .is_some()
    });
    let line = format!("latest: {} → {} (the copy)", older.short(), newest.short());
    assert!(
        h.query_by_label_contains(&line).is_some(),
        "from which image to which: {line}"
    );
    let copies = demo_of(&h).knobs.count("PutImage");
    // Without the tick, Copy does nothing.
    h.get_by_label("Copy").click_accesskit();
    h.run_steps(5);
    assert_eq!(h.state().state.running_transfers().count(), 0);
    assert_eq!(demo_of(&h).knobs.count("PutImage"), copies, "nothing put");
    h.get_by_label("Move this tag to the copy").click();
    h.step();
    h.get_by_label("Copy").click_accesskit();
    step_until(&mut h, 60, "copied", |h| {
        h.state()
            .state
            .transfers
            .last()
            .is_some_and(|t| !t.is_running())
    });
    let there = in_store(&h, EAST, "prod/hello");
    let latest = there
        .iter()
        .find(|(_, t)| t.iter().any(|t| t == "latest"))
        .map(|(d, _)| *d);
    assert_eq!(latest, Some(newest), "latest moved, as allowed");
}

/// Issue 22, item 7: an export started while a copy runs; both finish, each
/// with its own result, and neither replaces the other.
#[test]
fn an_export_during_a_copy_both_finish() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("during.tar");
    let mut h = app(&rt, Some(path.clone()));
    let (newest, older) = two_images(&h);
    // Slow enough that the export starts while the copy runs.
    demo_of(&h)
        .knobs
        .set_latency(std::time::Duration::from_millis(120));
    let source = ecrscope::model::RepoRef::new(&spec(EAST), "hello-world");
    h.state_mut()
        .handle(UiAction::Transfer(TransferAction::StartCopy {
            source: source.clone(),
            target: ecrscope::model::RepoRef::new(&spec(WEST), "mirror/hello"),
            items: vec![ecrscope::model::transfer::CopyItem {
                digest: older,
                tags: vec!["old".into()],
            }],
            create: Some(ecrscope::model::NewRepository {
                name: "mirror/hello".into(),
                ..Default::default()
            }),
            allowed_moves: vec![],
            with_referrers: false,
        }));
    h.run_steps(2);
    assert_eq!(h.state().state.running_transfers().count(), 1);
    h.state_mut()
        .handle(UiAction::Transfer(TransferAction::ExportImage {
            repo: source,
            digest: newest,
            tag: None,
        }));
    step_until(&mut h, 10, "both running", |h| {
        h.state().state.running_transfers().count() == 2
    });
    step_until(&mut h, 200, "both finished", |h| {
        let t = &h.state().state.transfers;
        t.len() == 2 && t.iter().all(|t| !t.is_running())
    });
    for t in &h.state().state.transfers {
        assert!(
            matches!(t.outcome, Some(ecrscope::state::TransferOutcome::Done(_))),
            "{}: {:?}",
            t.what,
            t.outcome
        );
    }
    assert!(path.exists(), "the export wrote its file");
    assert_eq!(
        in_store(&h, WEST, "mirror/hello").len(),
        1,
        "the copy landed"
    );
}

/// Issue 22, item 4: an image pushed to the old repository after the
/// comparison: "Check again and delete…" reads both again, says what is
/// missing, and the typed confirmation does not open.
#[test]
fn an_image_pushed_after_a_reencrypt_keeps_the_old_repository() {
    let rt = runtime();
    let mut h = app(&rt, None);
    let old = ecrscope::model::RepoRef::new(&spec(EAST), "hello-world");
    h.state_mut()
        .handle(UiAction::Transfer(TransferAction::OpenReencrypt(
            old.clone(),
        )));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label("Create and copy").is_some()
    });
    h.get_by_label("Create and copy").click_accesskit();
    step_until(&mut h, 30, "comparison", |h| {
        h.query_by_label_contains("Every active image is in hello-world-kms")
            .is_some()
    });
    // Someone pushes to the old repository meanwhile.
    demo_of(&h)
        .with_store_at(DEMO_ACCOUNT, EAST, |s| {
            let have: Vec<Digest> = s.repos["hello-world"]
                .images
                .iter()
                .map(|i| i.digest)
                .collect();
            let img = s.repos["web/frontend"]
                .images
                .iter()
                .find(|i| !have.contains(&i.digest) && !i.media_type.contains("index"))
                .cloned()
                .expect("an image to push");
            s.repos
                .get_mut("hello-world")
                .expect("old")
                .images
                .push(img);
        })
        .expect("store");
    h.get_by_label("Check again and delete the old repository…")
        .click_accesskit();
    step_until(&mut h, 30, "the check said no", |h| {
        h.state()
            .state
            .last_notice
            .as_deref()
            .is_some_and(|n| n.contains("pushed meanwhile"))
    });
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("Delete hello-world?").is_none(),
        "no typed confirmation while an image would be lost"
    );
    assert!(
        h.query_by_label_contains("1 image is missing").is_some()
            || h.query_by_label_contains("Run again").is_some(),
        "the dialog says what is missing and offers the rerun"
    );
}
