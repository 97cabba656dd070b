//! Repository settings under egui_kittest, against the demo endpoint: what
//! the server holds is checked in the endpoint's own store.

use crate::common;

use common::ui::{demo_app, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use ecrscope::demo::{Fault, FaultKind};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

fn app(rt: &tokio::runtime::Runtime) -> Harness<'static, EcrscopeApp> {
    let mut h = demo_app(rt, |b| b.with_size(egui::vec2(1280.0, 900.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h
}

/// The demo server's mutability of a repository.
fn server_mutability(h: &Harness<'_, EcrscopeApp>, repo: &str) -> String {
    Some(common::ui::demo_of(h))
        .and_then(|d| d.with_store(|s| s.repos.get(repo).map(|r| r.mutability.clone())))
        .flatten()
        .unwrap_or_default()
}

fn open_settings(h: &mut Harness<'_, EcrscopeApp>, repo: &str, current: &str) {
    h.get_by_label(&format!("Tag mutability of {repo}: {current}"))
        .click();
    step_until(h, 5, "settings dialog", |h| {
        h.query_by_label_contains(&format!("Settings of {repo}"))
            .is_some()
    });
}

#[test]
fn make_a_repository_immutable() {
    let rt = runtime();
    let mut h = app(&rt);
    assert_eq!(server_mutability(&h, "hello-world"), "MUTABLE");
    open_settings(&mut h, "hello-world", "Mutable");
    h.get_by_role_and_label(Role::RadioButton, "Immutable")
        .click();
    h.step();
    h.get_by_label("Apply tag immutability").click();
    // Pending, then the value re-read from the server.
    step_until(&mut h, 10, "saved", |h| {
        h.query_by_label_contains("On the server now: Immutable")
            .is_some()
    });
    assert_eq!(server_mutability(&h, "hello-world"), "IMMUTABLE");
    let row = h
        .state()
        .state
        .selected_registry()
        .and_then(|r| r.repositories.shown())
        .and_then(|l| l.iter().find(|r| r.name == "hello-world").cloned())
        .expect("row");
    assert_eq!(
        row.tag_mutability.mode,
        ecrscope::model::TagMutability::Immutable
    );
}

#[test]
fn access_denied_keeps_the_server_value_and_says_why() {
    let rt = runtime();
    let mut h = app(&rt);
    let demo = common::ui::demo_of(&h);
    demo.knobs.inject(Fault {
        operation: Some("PutImageTagMutability".into()),
        kind: FaultKind::AccessDenied,
        count: 1,
        after: 0,
    });
    open_settings(&mut h, "hello-world", "Mutable");
    h.get_by_role_and_label(Role::RadioButton, "Immutable")
        .click();
    h.step();
    h.get_by_label("Apply tag immutability").click();
    step_until(&mut h, 10, "the error next to the control", |h| {
        h.query_all_by_label_contains("Access denied (PutImageTagMutability)")
            .next()
            .is_some()
    });
    assert_eq!(server_mutability(&h, "hello-world"), "MUTABLE");
    assert!(
        h.query_by_label_contains("On the server now: Mutable")
            .is_some(),
        "the screen shows what the server holds"
    );
}

#[test]
fn bad_exclusion_filters_are_refused_before_any_call() {
    let rt = runtime();
    let mut h = app(&rt);
    let demo = common::ui::demo_of(&h);
    let before = demo.knobs.count("PutImageTagMutability");
    open_settings(&mut h, "hello-world", "Mutable");
    h.get_by_role_and_label(Role::RadioButton, "Immutable, with exclusions")
        .click();
    step_until(&mut h, 5, "filter field", |h| {
        h.query_by_label("Exclusion filter 1").is_some()
    });
    assert!(
        h.query_by_label_contains("needs at least one exclusion filter")
            .is_some()
    );
    h.get_by_label("Exclusion filter 1").click();
    h.step();
    h.get_by_label("Exclusion filter 1").type_text("a*b*c*");
    step_until(&mut h, 5, "message", |h| {
        h.query_by_label_contains("at most two '*'").is_some()
    });
    assert!(
        h.get_by_label("Apply tag immutability")
            .accesskit_node()
            .is_disabled()
    );
    assert_eq!(
        demo.knobs.count("PutImageTagMutability"),
        before,
        "no API call"
    );
}

#[test]
fn create_a_repository_and_it_appears_selected() {
    let rt = runtime();
    let mut h = app(&rt);
    h.get_by_label("New repository").click();
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_role_and_label(Role::TextInput, "Name").is_some()
    });
    h.get_by_role_and_label(Role::TextInput, "Name").click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Name")
        .type_text("Team/New");
    step_until(&mut h, 5, "name rule", |h| {
        h.query_by_label_contains("Use lowercase letters only.")
            .is_some()
    });
    assert!(h.get_by_label("Create").accesskit_node().is_disabled());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Name")
        .type_text("team/created");
    h.step();
    h.get_by_role_and_label(Role::RadioButton, "KMS").click();
    h.step();
    h.step();
    h.get_by_label("Create").click();
    step_until(&mut h, 10, "created and selected", |h| {
        h.state().state.location.repository.as_deref() == Some("team/created")
    });
    let server = Some(common::ui::demo_of(&h))
        .and_then(|d| {
            d.with_store(|s| {
                s.repos
                    .get("team/created")
                    .map(|r| (r.mutability.clone(), r.encryption.clone(), r.scan_on_push))
            })
        })
        .flatten();
    assert_eq!(server, Some(("IMMUTABLE".into(), "KMS".into(), true)));
}

#[test]
fn delete_needs_the_typed_name() {
    let rt = runtime();
    let mut h = app(&rt);
    let repo = common::ui::repo_ref(&h, "ml/training");
    h.state_mut().handle(ecrscope::ui::UiAction::Manage(
        ecrscope::ui::ManageAction::OpenDeleteRepository(repo),
    ));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label_contains("Delete ml/training?").is_some()
    });
    assert!(
        h.get_by_label_contains("Delete repository")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_role_and_label(Role::TextInput, "Type ml/training to confirm")
        .click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Type ml/training to confirm")
        .type_text("ml/training");
    h.step();
    h.step();
    h.get_by_label_contains("Delete repository").click();
    step_until(&mut h, 10, "deleted", |h| {
        Some(common::ui::demo_of(h))
            .and_then(|d| d.with_store(|s| s.repos.contains_key("ml/training")))
            == Some(false)
    });
    step_until(&mut h, 5, "gone from the list", |h| {
        h.query_by_label_contains("24 repositories").is_some()
    });
}

/// The demo server's policy of a repository (`None`: it has none).
fn server_policy(h: &Harness<'_, EcrscopeApp>, repo: &str) -> Option<String> {
    Some(common::ui::demo_of(h))
        .and_then(|d| d.with_store(|s| s.repos.get(repo).map(|r| r.policy.clone())))
        .flatten()
        .flatten()
}

/// The repository policy is deleted only through a confirmation that names
/// the repository and its registry; Cancel sends nothing; after the delete
/// the view shows what the server holds (no policy).
#[test]
fn delete_a_repository_policy_after_confirming() {
    let rt = runtime();
    let mut h = app(&rt);
    assert!(
        server_policy(&h, "base/python").is_some(),
        "the seed has one"
    );
    h.state_mut()
        .handle(ecrscope::ui::BrowseAction::SelectRepository(Some("base/python".into())).into());
    h.state_mut()
        .handle(ecrscope::ui::BrowseAction::SetRepoTab(ecrscope::state::RepoTab::Policy).into());
    step_until(&mut h, 20, "the policy", |h| {
        h.query_by_label_contains("Delete policy").is_some()
    });
    // Cancel: nothing is sent.
    h.get_by_label_contains("Delete policy").click();
    step_until(&mut h, 5, "the confirmation", |h| {
        h.query_by_label_contains("Delete the policy of base/python?")
            .is_some()
    });
    let target = h
        .state()
        .state
        .selected_registry()
        .map(ecrscope::state::RegistryState::target_line)
        .expect("a registry");
    assert!(
        h.query_by_label_contains(&target).is_some(),
        "the confirmation names the registry: {target}"
    );
    h.get_by_label("Cancel").click();
    for _ in 0..5 {
        h.step();
    }
    assert!(h.query_by_label_contains("Delete the policy of").is_none());
    assert!(
        server_policy(&h, "base/python").is_some(),
        "Cancel sent nothing"
    );
    // Confirm: gone on the server, and the view says so.
    h.get_by_label_contains("Delete policy").click();
    step_until(&mut h, 5, "the confirmation", |h| {
        h.query_by_label_contains("Delete the policy of base/python?")
            .is_some()
    });
    h.get_by_label("Delete policy").click();
    step_until(&mut h, 20, "deleted on the server", |h| {
        server_policy(h, "base/python").is_none()
    });
    step_until(&mut h, 20, "the re-read shows none", |h| {
        h.query_by_label_contains("This repository has no policy")
            .is_some()
    });
    assert!(
        server_policy(&h, "base/node").is_some(),
        "only the named repository's policy went"
    );
}

/// Opens a repository through the palette-free path and selects its newest image.
fn open_newest_image(h: &mut Harness<'_, EcrscopeApp>, repo: &str) -> ecrscope::model::Digest {
    let registry = h.state().state.location.registry.clone();
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::GoTo(ecrscope::state::Location {
            registry,
            repository: Some(repo.into()),
            image: None,
        }),
    ));
    step_until(h, 30, "images", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
    h.key_press(egui::Key::Home);
    step_until(h, 5, "selected", |h| {
        h.state().state.location.image.is_some()
    });
    step_until(h, 30, "details", |h| {
        h.query_by_role_and_label(Role::TextInput, "New tag")
            .is_some()
    });
    h.state().state.location.image.expect("selected")
}

fn server_tags(
    h: &Harness<'_, EcrscopeApp>,
    repo: &str,
    digest: ecrscope::model::Digest,
) -> Option<Vec<String>> {
    Some(common::ui::demo_of(h))
        .and_then(|d| {
            d.with_store(|s| {
                s.repos
                    .get(repo)
                    .and_then(|r| r.images.iter().find(|i| i.digest == digest))
                    .map(|i| i.tags.clone())
            })
        })
        .flatten()
}

#[test]
fn retag_an_image_and_refuse_a_bad_tag() {
    let rt = runtime();
    let mut h = app(&rt);
    let d = open_newest_image(&mut h, "hello-world");
    let demo = common::ui::demo_of(&h);
    let puts = demo.knobs.count("PutImage");
    h.get_by_role_and_label(Role::TextInput, "New tag").click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "New tag")
        .type_text(".bad");
    step_until(&mut h, 5, "tag rule", |h| {
        h.query_by_label_contains("A tag starts with a letter, a digit or '_'.")
            .is_some()
    });
    assert!(
        h.get_by_label_contains("Add tag")
            .accesskit_node()
            .is_disabled()
    );
    assert_eq!(demo.knobs.count("PutImage"), puts, "no call for a bad tag");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, "New tag")
        .type_text("v9.9.9");
    h.step();
    h.step();
    h.get_by_label_contains("Add tag").click();
    step_until(&mut h, 10, "tag on the server", |h| {
        server_tags(h, "hello-world", d).is_some_and(|t| t.contains(&"v9.9.9".to_owned()))
    });
    // The table shows it after the re-read.
    step_until(&mut h, 10, "tag in the table", |h| {
        h.query_all_by_label("v9.9.9").next().is_some()
    });
}

#[test]
fn remove_one_tag_keeps_the_image() {
    let rt = runtime();
    let mut h = app(&rt);
    let d = open_newest_image(&mut h, "hello-world");
    let tags = server_tags(&h, "hello-world", d).expect("image");
    assert!(
        tags.contains(&"latest".to_owned()) && tags.len() >= 2,
        "{tags:?}"
    );
    h.get_by_label("Remove tag latest").click();
    step_until(&mut h, 5, "confirmation", |h| {
        h.query_by_label("Remove tag latest?").is_some()
    });
    h.get_by_label("Remove tag").click();
    step_until(&mut h, 10, "tag gone", |h| {
        server_tags(h, "hello-world", d).is_some_and(|t| !t.contains(&"latest".to_owned()))
    });
    assert!(
        server_tags(&h, "hello-world", d).is_some(),
        "the image stays"
    );
}

#[test]
fn delete_selected_images() {
    let rt = runtime();
    let mut h = app(&rt);
    open_newest_image(&mut h, "analytics/dashboard");
    let count = |h: &Harness<'_, EcrscopeApp>| {
        Some(common::ui::demo_of(h))
            .and_then(|d| d.with_store(|s| s.repos["analytics/dashboard"].images.len()))
            .unwrap_or(0)
    };
    let before = count(&h);
    // Ctrl-click two rows by their short digests.
    let digests: Vec<String> = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .expect("images")
        .iter()
        .take(2)
        .map(|i| i.digest.short())
        .collect();
    for d in &digests {
        h.get_by_label(d).click_modifiers(egui::Modifiers::COMMAND);
        h.step();
    }
    step_until(&mut h, 5, "selection", |h| {
        h.query_by_label("Delete 2 selected").is_some()
    });
    // Past the double-click window, as a person's next click would be.
    for _ in 0..40 {
        h.step();
    }
    h.get_by_label("Delete 2 selected").click();
    step_until(&mut h, 5, "confirmation", |h| {
        h.query_by_label("Delete 2 images?").is_some()
    });
    h.get_by_label("Delete 2 images").click();
    step_until(&mut h, 10, "deleted on the server", |h| {
        count(h) == before - 2
    });
}

#[test]
fn switching_scan_type_warns_then_applies() {
    let rt = runtime();
    let mut h = app(&rt);
    step_until(&mut h, 10, "scanning loaded", |h| {
        h.state()
            .state
            .selected_registry()
            .is_some_and(|r| r.scanning.shown().is_some())
    });
    let key = common::ui::selected_key(&h);
    h.state_mut().handle(ecrscope::ui::UiAction::Scanning(
        ecrscope::ui::ScanningAction::OpenConfiguration(key),
    ));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label("Registry scanning").is_some()
    });
    h.get_by_role_and_label(Role::RadioButton, "Enhanced (Amazon Inspector, continuous)")
        .click();
    step_until(&mut h, 5, "warning", |h| {
        h.query_by_label_contains("hides the earlier scan results until you switch back")
            .is_some()
    });
    h.get_by_label("Apply scanning configuration").click();
    step_until(&mut h, 10, "saved on the server", |h| {
        Some(common::ui::demo_of(h))
            .and_then(|d| d.with_store(|s| s.scan_type.clone()))
            .as_deref()
            == Some("ENHANCED")
    });
    step_until(&mut h, 10, "warning gone once the server agrees", |h| {
        h.query_by_label_contains("hides the earlier scan results")
            .is_none()
    });
}

#[test]
fn bulk_settings_preview_then_results_per_repository() {
    let rt = runtime();
    let mut h = app(&rt);
    for name in ["data/etl-runner", "data/spark-jobs"] {
        h.get_by_label(name)
            .click_modifiers(egui::Modifiers::COMMAND);
        for _ in 0..30 {
            h.step();
        }
    }
    step_until(&mut h, 5, "bulk button", |h| {
        h.query_by_label("Bulk settings for 2").is_some()
    });
    h.get_by_label("Bulk settings for 2").click();
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label("Bulk settings for 2 repositories")
            .is_some()
    });
    // The preview: both are mutable now, immutable after.
    assert!(h.query_all_by_label("Mutable").count() >= 2);
    let demo = common::ui::demo_of(&h);
    demo.knobs.inject(Fault {
        operation: Some("PutImageTagMutability".into()),
        kind: FaultKind::AccessDenied,
        count: 1,
        after: 0,
    });
    h.get_by_label("Apply to 2 repositories").click();
    step_until(&mut h, 10, "results", |h| {
        h.query_all_by_label_contains(" done").next().is_some()
            && h.query_all_by_label_contains(" failed").next().is_some()
    });
    let modes: Vec<String> = ["data/etl-runner", "data/spark-jobs"]
        .iter()
        .map(|r| server_mutability(&h, r))
        .collect();
    assert!(
        modes.contains(&"IMMUTABLE".to_owned()) && modes.contains(&"MUTABLE".to_owned()),
        "one applied, one refused: {modes:?}"
    );
}

fn server_resource_tags(h: &Harness<'_, EcrscopeApp>, repo: &str) -> Vec<(String, String)> {
    common::ui::demo_of(h)
        .with_store(|s| s.repos.get(repo).map(|r| r.tags.clone()))
        .flatten()
        .unwrap_or_default()
}

/// Resource tags: a bad key refused next to the field with no call; a tag
/// added and removed in the settings dialog lands in the server's store;
/// `key=value` in the repositories search filters by tag.
#[test]
fn resource_tags_are_added_filtered_by_and_removed() {
    let rt = runtime();
    let mut h = app(&rt);
    let before = server_resource_tags(&h, "hello-world");
    open_settings(&mut h, "hello-world", "Mutable");
    step_until(&mut h, 10, "the tags read", |h| {
        h.query_by_role_and_label(Role::TextInput, "Key").is_some()
    });
    h.get_by_role_and_label(Role::TextInput, "Key").click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Key")
        .type_text("aws:owner");
    for _ in 0..3 {
        h.step();
    }
    assert!(
        h.query_by_label_contains("reserved for AWS").is_some(),
        "refused next to the field"
    );
    assert!(
        h.get_by_label_contains("Add tag")
            .accesskit_node()
            .is_disabled()
    );
    // Fix the key: the tag is added.
    h.get_by_role_and_label(Role::TextInput, "Key").click();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "Key")
        .type_text("owner");
    h.get_by_role_and_label(Role::TextInput, "Value").click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Value")
        .type_text("release-team");
    h.step();
    h.get_by_label_contains("Add tag").click();
    step_until(&mut h, 10, "the tag on the server", |h| {
        server_resource_tags(h, "hello-world").contains(&("owner".into(), "release-team".into()))
    });
    step_until(&mut h, 10, "the tag in the dialog", |h| {
        h.query_by_label("owner=release-team").is_some()
    });
    h.key_press(egui::Key::Escape);
    step_until(&mut h, 5, "closed", |h| {
        h.query_by_label_contains("Settings of hello-world")
            .is_none()
    });
    // Filter by it.
    h.get_by_label("Search repositories").click();
    h.step();
    h.get_by_label("Search repositories")
        .type_text("owner=release-team");
    step_until(&mut h, 20, "every repository's tags read", |h| {
        h.query_by_label_contains("reading the tags").is_none()
            && h.query_by_label_contains("of 25 repositories").is_some()
    });
    assert!(
        h.query_by_label_contains("1 of 25 repositories").is_some(),
        "only the tagged repository"
    );
    assert!(h.query_by_label("hello-world").is_some());
    // Remove it again.
    h.get_by_label("Search repositories").click();
    h.key_press(egui::Key::Escape);
    h.step();
    open_settings(&mut h, "hello-world", "Mutable");
    step_until(&mut h, 10, "the remove button", |h| {
        h.query_by_label("Remove tag owner").is_some()
    });
    h.get_by_label("Remove tag owner").click();
    step_until(&mut h, 10, "removed on the server", |h| {
        server_resource_tags(h, "hello-world") == before
    });
}

/// A resource tag put on several repositories in bulk: each by its own ARN.
#[test]
fn a_resource_tag_in_bulk() {
    let rt = runtime();
    let mut h = app(&rt);
    let reg = h
        .state()
        .state
        .selected_registry()
        .map(|r| r.spec.clone())
        .expect("registry");
    let names = vec!["data/etl-runner".to_owned(), "data/spark-jobs".to_owned()];
    h.state_mut().handle(ecrscope::ui::UiAction::Manage(
        ecrscope::ui::ManageAction::OpenBulk(reg.key(), names.clone()),
    ));
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label("Bulk settings for 2 repositories")
            .is_some()
    });
    h.get_by_label("Resource tag").click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Key").click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Key")
        .type_text("owner");
    h.get_by_role_and_label(Role::TextInput, "Value").click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Value")
        .type_text("data-team");
    h.step();
    h.get_by_label("Apply to 2 repositories").click();
    step_until(&mut h, 10, "both tagged on the server", |h| {
        names
            .iter()
            .all(|n| server_resource_tags(h, n).contains(&("owner".into(), "data-team".into())))
    });
    assert!(
        !server_resource_tags(&h, "base/python").contains(&("owner".into(), "data-team".into())),
        "no other repository"
    );
}
