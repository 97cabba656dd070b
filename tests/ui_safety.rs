//! Safe on a production registry: every destructive or changing dialog acts
//! on the registry and repository it was opened for, even after the user
//! (or anything else) navigated to another registry holding a repository of
//! the same name; shortcuts are inert under a dialog and while typing.
//!
//! Two registries: the demo endpoint's home registry (us-east-1) and the same
//! account's us-west-2 registry, seeded with the same repository names and
//! digests. The demo store is checked directly after each confirmation.

use crate::common;

use common::ui::{demo_app, demo_of, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use ecrscope::model::{DEMO_ACCOUNT, RegistrySpec, RepoRef};
use ecrscope::state::Location;
use ecrscope::ui::UiAction;
use ecrscope::ui::{BrowseAction, ManageAction, RegistriesAction, ScanningAction, ShellAction};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

fn spec(region: &str) -> RegistrySpec {
    common::ui::demo_spec(region)
}

/// The app with both registries loaded, at east's repository list.
fn two_registries(rt: &tokio::runtime::Runtime) -> Harness<'static, EcrscopeApp> {
    let mut h = demo_app(rt, |b| b.with_size(egui::vec2(1400.0, 900.0)));
    step_until(&mut h, 30, "east listed", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.state_mut()
        .handle(UiAction::Registries(RegistriesAction::Add(spec(WEST))));
    step_until(&mut h, 30, "west listed", |h| {
        h.state()
            .state
            .registry(&spec(WEST).key())
            .and_then(|r| r.repositories.shown())
            .is_some_and(|l| l.len() == 25)
    });
    go(&mut h, EAST, None);
    h
}

fn go(h: &mut Harness<'static, EcrscopeApp>, region: &str, repo: Option<&str>) {
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::GoTo(Location {
            registry: Some(spec(region).key()),
            repository: repo.map(str::to_owned),
            image: None,
        })));
    if repo.is_some() {
        step_until(h, 30, "images", |h| {
            h.state()
                .state
                .open_images()
                .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
        });
    } else {
        for _ in 0..3 {
            h.step();
        }
    }
}

/// Navigation while a dialog is open: Back (the key that moved the delete
/// before), then straight to the other registry's repository of the same
/// name, as the palette would.
fn navigate_away(h: &mut Harness<'static, EcrscopeApp>, repo: Option<&str>) {
    let before = h.state().state.location.clone();
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    h.step();
    assert_eq!(
        h.state().state.location,
        before,
        "Alt+Left under a dialog does not navigate"
    );
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::GoTo(Location {
            registry: Some(spec(WEST).key()),
            repository: repo.map(str::to_owned),
            image: None,
        })));
    for _ in 0..3 {
        h.step();
    }
    assert_eq!(h.state().state.location.registry, Some(spec(WEST).key()));
}

fn store<R>(
    h: &Harness<'_, EcrscopeApp>,
    region: &str,
    f: impl FnOnce(&mut ecrscope::demo::Store) -> R,
) -> R {
    demo_of(h)
        .with_store_at(DEMO_ACCOUNT, region, f)
        .expect("store")
}

fn confirm(h: &mut Harness<'static, EcrscopeApp>, title: &str, button: &str) {
    step_until(h, 5, "confirmation", |h| {
        h.query_by_label_contains(title).is_some()
    });
    navigate_away(h, Some("hello-world"));
    assert!(
        h.query_by_label_contains(title).is_some(),
        "the dialog stays open, pinned to its target"
    );
    assert!(
        h.query_by_label_contains(&format!("account {DEMO_ACCOUNT} · {EAST}"))
            .is_some(),
        "the dialog names profile, account and region"
    );
    h.get_by_label(button).click();
    for _ in 0..3 {
        h.step();
    }
}

#[test]
fn delete_repository_lands_in_the_registry_it_was_opened_for() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    h.state_mut()
        .handle(UiAction::Manage(ManageAction::OpenDeleteRepository(
            RepoRef::new(&spec(EAST), "hello-world"),
        )));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label_contains("Delete hello-world?").is_some()
    });
    let field = "Type hello-world to confirm";
    h.get_by_role_and_label(Role::TextInput, field).click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, field)
        .type_text("hello-world");
    h.step();
    // The field has focus: Alt+Left is "word left" there, never Back.
    navigate_away(&mut h, Some("hello-world"));
    h.get_by_label("Delete repository").click();
    step_until(&mut h, 10, "east's deleted", |h| {
        !store(h, EAST, |s| s.repos.contains_key("hello-world"))
    });
    assert!(
        store(&h, WEST, |s| s.repos.contains_key("hello-world")),
        "west's repository of the same name is untouched"
    );
}

/// Opens east's hello-world, selects its newest image; returns its digest.
fn open_image(h: &mut Harness<'static, EcrscopeApp>) -> ecrscope::model::Digest {
    go(h, EAST, Some("hello-world"));
    h.key_press(egui::Key::Home);
    step_until(h, 10, "details", |h| {
        h.query_by_role_and_label(Role::TextInput, "New tag")
            .is_some()
    });
    h.state().state.location.image.expect("an image")
}

fn has_image(h: &Harness<'_, EcrscopeApp>, region: &str, d: ecrscope::model::Digest) -> bool {
    store(h, region, |s| {
        s.repos["hello-world"].images.iter().any(|i| i.digest == d)
    })
}

#[test]
fn delete_image_lands_where_it_was_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let d = open_image(&mut h);
    assert!(has_image(&h, WEST, d), "the same digest lives in both");
    h.get_by_label("Delete image").click();
    confirm(&mut h, "Delete this image?", "Delete 1 image");
    step_until(&mut h, 10, "east's image deleted", |h| {
        !has_image(h, EAST, d)
    });
    assert!(has_image(&h, WEST, d));
}

fn status_in(h: &Harness<'_, EcrscopeApp>, region: &str, d: ecrscope::model::Digest) -> String {
    store(h, region, |s| {
        s.repos["hello-world"]
            .images
            .iter()
            .find(|i| i.digest == d)
            .map(|i| i.archive.status(ecrscope::demo::now()).to_owned())
            .unwrap_or_default()
    })
}

/// Archive, then restore, both pinned to east; the restore is followed
/// until the image is active, and the user is told.
#[test]
fn archive_and_restore_land_where_they_were_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    store(&h, EAST, |s| s.restore_seconds = 1.0);
    h.state_mut().state.follow_policy.restores.first = std::time::Duration::from_millis(300);
    let d = open_image(&mut h);
    h.get_by_label("Archive").click();
    confirm(&mut h, "Archive 1 image?", "Archive 1 image");
    step_until(&mut h, 10, "east's image archived", |h| {
        status_in(h, EAST, d) == "ARCHIVED"
    });
    assert_eq!(status_in(&h, WEST, d), "ACTIVE", "west untouched");
    // Back to east's image: it shows archived, and offers a restore.
    go(&mut h, EAST, Some("hello-world"));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectImage(Some(d))));
    step_until(&mut h, 10, "restore offered", |h| {
        h.query_by_label("Restore").is_some()
    });
    assert!(
        h.query_by_label_contains("cannot be pulled or scanned")
            .is_some(),
        "the details say what an archived image cannot do"
    );
    h.get_by_label("Restore").click();
    confirm(&mut h, "Restore 1 image?", "Restore 1 image");
    step_until(&mut h, 10, "east's image restoring", |h| {
        status_in(h, EAST, d) != "ARCHIVED"
    });
    assert_eq!(status_in(&h, WEST, d), "ACTIVE");
    step_until(&mut h, 30, "the restore followed to its end", |h| {
        h.state()
            .state
            .last_notice
            .as_ref()
            .is_some_and(|t| t.contains("is restored"))
    });
    assert_eq!(h.state().state.restores_followed(), 0);
}

#[test]
fn remove_tag_lands_where_it_was_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let d = open_image(&mut h);
    let tags = |h: &Harness<'_, EcrscopeApp>, region: &str| {
        store(h, region, |s| {
            s.repos["hello-world"]
                .images
                .iter()
                .find(|i| i.digest == d)
                .map(|i| i.tags.clone())
                .unwrap_or_default()
        })
    };
    assert!(tags(&h, EAST).contains(&"latest".to_owned()));
    h.get_by_label("Remove tag latest").click();
    confirm(&mut h, "Remove tag latest?", "Remove tag");
    step_until(&mut h, 10, "east's tag removed", |h| {
        !tags(h, EAST).contains(&"latest".to_owned())
    });
    assert!(tags(&h, WEST).contains(&"latest".to_owned()));
}

#[test]
fn a_tag_moved_meanwhile_is_not_removed_from_the_other_image() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let d = open_image(&mut h);
    h.get_by_label("Remove tag latest").click();
    step_until(&mut h, 5, "confirmation", |h| {
        h.query_by_label_contains("Remove tag latest?").is_some()
    });
    // CI moves `latest` to another image while the dialog is open.
    let other = store(&h, EAST, |s| {
        let imgs = &mut s.repos.get_mut("hello-world").expect("repo").images;
        imgs.iter_mut()
            .for_each(|i| i.tags.retain(|t| t != "latest"));
        let other = imgs.iter_mut().find(|i| i.digest != d).expect("another");
        other.tags.push("latest".into());
        other.digest
    });
    h.get_by_label("Remove tag").click();
    step_until(&mut h, 10, "refusal in words", |h| {
        h.state()
            .state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("moved meanwhile") && e.contains("0 removed, 1 not"))
    });
    let still = store(&h, EAST, |s| {
        s.repos["hello-world"]
            .images
            .iter()
            .find(|i| i.digest == other)
            .is_some_and(|i| i.tags.contains(&"latest".to_owned()))
    });
    assert!(still, "the image that holds the tag now keeps it");
}

#[test]
fn lifecycle_delete_lands_where_it_was_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let repo = "platform/api-gateway";
    let has = |h: &Harness<'_, EcrscopeApp>, region: &str| {
        store(h, region, |s| s.repos[repo].lifecycle.is_some())
    };
    assert!(has(&h, EAST) && has(&h, WEST));
    go(&mut h, EAST, Some(repo));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRepoTab(
            ecrscope::state::RepoTab::Lifecycle,
        )));
    step_until(&mut h, 10, "policy", |h| {
        h.query_by_label("Delete policy").is_some()
    });
    h.get_by_label("Delete policy").click();
    confirm(
        &mut h,
        "Delete the lifecycle policy of platform/api-gateway?",
        "Delete policy",
    );
    step_until(&mut h, 10, "east's policy deleted", |h| !has(h, EAST));
    assert!(has(&h, WEST));
}

/// The repository policy's delete, asked in one registry, lands there even
/// when the same repository name is opened in the other while the
/// confirmation is up.
#[test]
fn repository_policy_delete_lands_where_it_was_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let repo = "base/python";
    let has = |h: &Harness<'_, EcrscopeApp>, region: &str| {
        store(h, region, |s| s.repos[repo].policy.is_some())
    };
    assert!(has(&h, EAST) && has(&h, WEST));
    go(&mut h, EAST, Some(repo));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRepoTab(
            ecrscope::state::RepoTab::Policy,
        )));
    step_until(&mut h, 10, "policy", |h| {
        h.query_by_label_contains("Delete policy…").is_some()
    });
    h.get_by_label_contains("Delete policy…").click();
    confirm(&mut h, "Delete the policy of base/python?", "Delete policy");
    step_until(&mut h, 10, "east's policy deleted", |h| !has(h, EAST));
    assert!(has(&h, WEST), "the other registry's policy is untouched");
}

#[test]
fn pull_through_delete_lands_where_it_was_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let count = |h: &Harness<'_, EcrscopeApp>, region: &str| store(h, region, |s| s.rules.len());
    let (east, west) = (count(&h, EAST), count(&h, WEST));
    assert!(east > 0 && west == east);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            ecrscope::state::RegistryTab::PullThrough,
        )));
    step_until(&mut h, 10, "rules", |h| {
        h.query_all_by_label_contains("Delete rule ")
            .next()
            .is_some()
    });
    h.get_all_by_label_contains("Delete rule ")
        .next()
        .expect("a rule")
        .click();
    h.step();
    // The confirmation's title starts "Delete the rule".
    step_until(&mut h, 5, "confirmation", |h| {
        h.query_by_label_contains("Delete the rule").is_some()
    });
    navigate_away(&mut h, None);
    h.get_by_label("Delete rule").click();
    step_until(&mut h, 10, "east's rule deleted", |h| {
        count(h, EAST) == east - 1
    });
    assert_eq!(count(&h, WEST), west);
}

#[test]
fn scanning_configuration_lands_where_it_was_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    step_until(&mut h, 10, "scanning loaded", |h| {
        h.state()
            .state
            .selected_registry()
            .is_some_and(|r| r.scanning.shown().is_some())
    });
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::OpenConfiguration(
            spec(EAST).key(),
        )));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label("Registry scanning").is_some()
    });
    h.get_by_label("Remove rule 1").click();
    h.step();
    navigate_away(&mut h, None);
    h.get_by_label("Apply scanning configuration").click();
    step_until(&mut h, 10, "east's rules cleared", |h| {
        store(h, EAST, |s| s.scan_rules.is_empty())
    });
    assert!(store(&h, WEST, |s| !s.scan_rules.is_empty()));
}

#[test]
fn repository_settings_land_where_they_were_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    h.state_mut()
        .handle(UiAction::Manage(ManageAction::OpenRepoSettings(
            RepoRef::new(&spec(EAST), "hello-world"),
        )));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label_contains("Settings of hello-world")
            .is_some()
    });
    h.get_by_role_and_label(Role::RadioButton, "Immutable")
        .click();
    h.step();
    navigate_away(&mut h, Some("hello-world"));
    h.get_by_label("Apply tag immutability").click();
    let mode = |h: &Harness<'_, EcrscopeApp>, region: &str| {
        store(h, region, |s| s.repos["hello-world"].mutability.clone())
    };
    step_until(&mut h, 10, "east immutable", |h| {
        mode(h, EAST) == "IMMUTABLE"
    });
    assert_eq!(mode(&h, WEST), "MUTABLE");
}

#[test]
fn bulk_settings_land_where_they_were_asked() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    h.state_mut()
        .handle(UiAction::Manage(ManageAction::OpenBulk(
            spec(EAST).key(),
            vec!["hello-world".into(), "web/frontend".into()],
        )));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label_contains("Bulk settings for 2 repositories")
            .is_some()
    });
    navigate_away(&mut h, None);
    h.get_by_label("Apply to 2 repositories").click();
    let mode = |h: &Harness<'_, EcrscopeApp>, region: &str, r: &str| {
        store(h, region, |s| s.repos[r].mutability.clone())
    };
    step_until(&mut h, 10, "east immutable", |h| {
        mode(h, EAST, "hello-world") == "IMMUTABLE" && mode(h, EAST, "web/frontend") == "IMMUTABLE"
    });
    assert_eq!(mode(&h, WEST, "hello-world"), "MUTABLE");
    // "done" only for what the server confirmed.
    step_until(&mut h, 10, "results", |h| {
        h.query_all_by_label_contains("done").count() == 2
    });
}

#[test]
fn shortcuts_are_inert_under_a_dialog_and_while_typing() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    go(&mut h, WEST, None);
    go(&mut h, EAST, Some("hello-world"));
    let at = h.state().state.location.clone();
    // What the keys would send: a refresh (F5) lists again, S starts a scan.
    // (Rows on screen may still ask for their scan summaries meanwhile.)
    let requests = |h: &Harness<'_, EcrscopeApp>| {
        let k = &demo_of(h).knobs;
        (
            k.count("DescribeImages"),
            k.count("DescribeRepositories"),
            k.count("StartImageScan"),
        )
    };
    // A dialog: F5, Alt+Left, Ctrl+K, S and / do nothing behind it.
    h.state_mut()
        .handle(UiAction::Shell(ShellAction::OpenPalette));
    h.step();
    let before = requests(&h);
    for (m, k) in [
        (egui::Modifiers::NONE, egui::Key::F5),
        (egui::Modifiers::ALT, egui::Key::ArrowLeft),
        (egui::Modifiers::NONE, egui::Key::S),
        (egui::Modifiers::COMMAND, egui::Key::K),
    ] {
        h.key_press_modifiers(m, k);
        h.step();
    }
    assert_eq!(h.state().state.location, at);
    assert_eq!(requests(&h), before, "no request went out");
    // Esc still leaves the dialog.
    h.key_press(egui::Key::Escape);
    for _ in 0..3 {
        h.step();
    }
    assert!(h.state().view.modal.is_none(), "Esc closes the dialog");
    // Typing in the search field: the keys belong to the field.
    h.get_by_label("Search images").click();
    h.step();
    h.get_by_label("Search images").type_text("s");
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    h.key_press(egui::Key::F5);
    h.step();
    assert_eq!(h.state().state.location, at);
    assert!(
        h.state().state.scans_followed() == 0,
        "typing 's' started no scan"
    );
}

#[test]
fn end_search_and_shift_click_never_panic() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    // Images: the last row, then a search that leaves few rows, then a
    // Shift-click (the anchor was a row position; now it is a digest).
    go(&mut h, EAST, Some("platform/api-gateway"));
    h.key_press(egui::Key::End);
    h.step();
    h.step();
    h.get_by_label("Search images").click();
    h.step();
    h.get_by_label("Search images").type_text("v1.1");
    for _ in 0..3 {
        h.step();
    }
    assert!(
        h.query_all_by_label_contains("v1.1").next().is_some(),
        "a row is left"
    );
    // The tag's label inside the row (the row itself is also named
    // after its tags).
    h.get_all(
        egui_kittest::kittest::by()
            .label_contains("v1.1")
            .role(Role::Label),
    )
    .next()
    .expect("row")
    .click_modifiers(egui::Modifiers::SHIFT);
    for _ in 0..3 {
        h.step();
    }
    assert!(!h.state().view.images.selection.is_empty());
    // Repositories: the same with the table of repositories.
    go(&mut h, EAST, None);
    h.key_press(egui::Key::End);
    h.step();
    h.get_by_label("ml/training")
        .click_modifiers(egui::Modifiers::COMMAND);
    h.step();
    h.get_by_label("Search repositories").click();
    h.step();
    h.get_by_label("Search repositories").type_text("web");
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("web/frontend")
        .click_modifiers(egui::Modifiers::SHIFT);
    for _ in 0..3 {
        h.step();
    }
    let sel = &h.state().view.repo_table.selection;
    assert!(sel.contains("web/frontend"), "{sel:?}");
    assert!(
        !sel.contains("ml/training"),
        "the anchor row was filtered away: only the clicked row"
    );
}

/// Records no sane server sends, and the app in its debug build (overflow
/// checks on): multi-byte KMS key ids and tags, 300-character tags,
/// `i64::MAX` sizes, `i32::MAX` counts, timestamps far in the past and the
/// future, an index that lists itself. Nothing panics; each draws as
/// something a person can read.
#[test]
fn hostile_records_draw_without_panicking() {
    let rt = runtime();
    // Emoji in server text have no glyph in the bundled fonts: the app draws
    // a box (egui's default policy, which the app keeps), kittest would panic.
    let mut h = demo_app(&rt, |b| {
        b.with_size(egui::vec2(1400.0, 900.0))
            .allow_missing_glyphs()
    });
    step_until(&mut h, 30, "listed", |h| {
        h.query_all_by_label_contains("25 repositories")
            .next()
            .is_some()
    });
    let index_digest = demo_of(&h)
        .with_store(|s| {
            let mut repo = s.repos["hello-world"].clone();
            repo.name = "hostile/records".into();
            repo.encryption = "KMS".into();
            repo.kms_key = Some("arn:aws:kms:us-east-1:123456789012:key/ééééééééé-ü-🙂".into());
            let mut big = repo.images[0].clone();
            big.tags = vec!["t".repeat(300), "tág-ü🙂".into()];
            big.size = i64::MAX;
            big.pushed_at = 1e15;
            big.last_pull = Some(-1e12);
            big.scan = Some(ecrscope::demo::ScanState {
                started: 0.0,
                duration: 0.0,
                fail: false,
            });
            big.summary_override = Some(serde_json::json!({
                "CRITICAL": i32::MAX, "HIGH": i32::MAX, "MEDIUM": -5, "LOW": i32::MAX
            }));
            // An index whose manifest lists its own digest.
            let mut idx = repo.images[0].clone();
            idx.tags = vec!["loop".into()];
            idx.media_type = "application/vnd.oci.image.index.v1+json".into();
            let self_digest = ecrscope::model::Digest([7; 32]);
            idx.digest = self_digest;
            idx.manifest = serde_json::json!({
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.index.v1+json",
                "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
                    "digest": self_digest.to_string(), "size": i64::MAX,
                    "platform": {"os": "lïnux", "architecture": "ärm64"}}]
            })
            .to_string();
            repo.images = vec![big, idx];
            s.repos.insert(repo.name.clone(), repo);
            self_digest
        })
        .expect("store");
    h.key_press(egui::Key::F5);
    step_until(&mut h, 10, "the hostile repository row", |h| {
        h.query_by_label("hostile/records").is_some()
    });
    for _ in 0..5 {
        h.step();
    }
    assert!(
        h.query_all_by_label_contains("KMS key/éééééééé…")
            .next()
            .is_some()
    );
    go(&mut h, EAST, Some("hostile/records"));
    for _ in 0..10 {
        h.step();
    }
    assert!(
        h.query_all_by_label_contains("8.0 EiB").next().is_some(),
        "i64::MAX bytes"
    );
    step_until(&mut h, 10, "saturated counts", |h| {
        h.query_all_by_label_contains(&format!("C {}", i32::MAX))
            .next()
            .is_some()
    });
    // Open the big image, its findings, then the index and its platforms.
    h.key_press(egui::Key::Home);
    for _ in 0..10 {
        h.step();
    }
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::OpenFindings));
    for _ in 0..20 {
        h.step();
    }
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::CloseFindings));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectImage(Some(
            index_digest,
        ))));
    let repo = RepoRef::new(&spec(EAST), "hostile/records");
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::ToggleExpand(
            repo,
            index_digest,
        )));
    step_until(&mut h, 10, "the index read", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.platforms.contains_key(&index_digest))
    });
    for _ in 0..10 {
        h.step();
    }
    // The index does not become its own child (which would hide it).
    assert!(h.query_all_by_label("loop").next().is_some());
}
