//! The real `App` under egui_kittest, with the demo endpoint behind it,
//! driven by accessible names.

use crate::common;

use common::ui::{demo_app, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The app with no AWS profiles: it opens the demo registry.
fn app_harness(rt: &tokio::runtime::Runtime) -> Harness<'static, EcrscopeApp> {
    demo_app(rt, |b| b.with_size(egui::vec2(1280.0, 800.0)))
}

#[test]
fn opens_the_demo_registry_and_finds_a_repository() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "repository platform/api-gateway", |h| {
        h.query_by_label("platform/api-gateway").is_some()
    });
    // The UI says plainly that this is the demo.
    assert!(h.query_by_label_contains("Demo registry").is_some());
    // The sidebar shows the demo registry as connected.
    step_until(&mut h, 10, "connected status", |h| {
        h.query_by_label_contains("Registry demo us-east-1 (connected)")
            .is_some()
    });
    assert!(h.query_by_label("docker-hub/library/nginx").is_some());
    // All 25 repositories arrived; the count is shown.
    assert!(h.query_by_label_contains("25 repositories").is_some());
}

#[test]
fn search_filters_the_repository_table() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label("payments/ledger").is_some()
    });
    h.get_by_label("Search repositories").click();
    h.step();
    h.get_by_label("Search repositories").type_text("payments");
    step_until(&mut h, 5, "filtered table", |h| {
        h.query_by_label("platform/api-gateway").is_none()
    });
    assert!(h.query_by_label("payments/ledger").is_some());
    assert!(h.query_by_label("payments/checkout").is_some());
    assert!(h.query_by_label_contains("2 of 25 repositories").is_some());
}

#[test]
fn add_registry_refuses_bad_input_next_to_the_field() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "sidebar", |h| {
        h.query_by_label_contains("Registry demo").is_some()
    });
    h.get_by_label("Add registry").click();
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_role_and_label(Role::TextInput, "Region")
            .is_some()
    });
    // The region comes prefilled from the selected registry; replace it.
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Region")
            .value()
            .as_deref(),
        Some("us-east-1")
    );
    h.get_by_role_and_label(Role::TextInput, "Region").focus();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Region")
        .type_text("us-easst-1");
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Endpoint URL")
        .click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Endpoint URL")
        .type_text("localhost:5000");
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Registry id")
        .click();
    h.step();
    h.get_by_role_and_label(Role::TextInput, "Registry id")
        .type_text("12345");
    step_until(&mut h, 5, "a message next to each bad field", |h| {
        h.query_by_label_contains("Did you mean us-east-1?")
            .is_some()
            && h.query_by_label_contains("An endpoint starts with http:// or https://.")
                .is_some()
            && h.query_by_label_contains("is the 12-digit AWS account id")
                .is_some()
    });
    assert!(
        h.get_by_label("Add").accesskit_node().is_disabled(),
        "the add button stays disabled while input is invalid"
    );
}

/// Opens a repository by clicking its name and waits for its images.
/// Searches for it first, as a person would (the table is virtualised: rows
/// off screen are not drawn).
fn open_repo(h: &mut Harness<'_, EcrscopeApp>, name: &str, images: &str) {
    common::ui::open_repository(h, name);
    step_until(h, 30, "the image count", |h| {
        h.query_all_by_label_contains(images).next().is_some()
    });
}

#[test]
fn open_an_image_and_see_its_layers_and_config() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    open_repo(&mut h, "platform/api-gateway", "42 images");
    assert_eq!(
        h.state().state.location.repository.as_deref(),
        Some("platform/api-gateway")
    );
    // Newest first: the first row carries "latest".
    h.get_by_label("latest").click();
    step_until(&mut h, 30, "layers and config", |h| {
        h.query_by_label_contains("Layers (").is_some()
            && h.query_by_label("docker-entrypoint.sh").is_some()
    });
    assert!(
        h.query_by_label("node server.js").is_some(),
        "the config's Cmd, read from the config blob"
    );
    assert!(h.query_by_label_contains("History (").is_some());
    assert!(h.query_by_label("Copy pull URI latest").is_some());
    // Severity counts arrive for the rows on screen.
    step_until(&mut h, 30, "scan counts", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.scans.values().any(|s| s.shown().is_some()))
    });
}

#[test]
fn a_multi_arch_index_nests_its_platforms() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    open_repo(&mut h, "base/python", "images");
    // Grouping is the user's act (it reads manifests, which ECR may count
    // as pulls).
    h.get_by_label_contains("Group platforms").click();
    step_until(&mut h, 30, "platforms of the indexes", |h| {
        h.query_by_label_contains("Group platforms").is_none()
            && h.query_all_by_label_contains(" platforms").next().is_some()
    });
    // Children are not loose untagged rows.
    assert!(
        h.query_by_label("untagged").is_none(),
        "index children must not show as untagged rows"
    );
    h.get_all_by_label("Expand platforms")
        .next()
        .expect("an index row")
        .click();
    step_until(&mut h, 10, "child rows", |h| {
        h.query_by_label_contains("linux/amd64").is_some()
    });
    assert!(h.query_by_label_contains("linux/arm64/v8").is_some());
}

/// ECR may record BatchGetImage as a pull (lastRecordedPullTime, which
/// pull-age lifecycle rules read): opening a repository of 50 multi-arch
/// indexes must not send one. Expanding one index reads that index only.
#[test]
fn opening_a_repository_of_fifty_indexes_pulls_nothing() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    let demo = common::ui::demo_of(&h);
    let added = demo
        .with_store(|s| {
            let repo = s.repos.get_mut("search/indexer").expect("seeded repository");
            let index = repo
                .images
                .iter()
                .find(|i| i.media_type.contains("index"))
                .or_else(|| repo.images.first())
                .cloned()
                .expect("an image");
            repo.images.retain(|i| !i.media_type.contains("index"));
            for n in 0..50 {
                let mut img = index.clone();
                img.media_type = "application/vnd.oci.image.index.v1+json".into();
                img.manifest = format!(
                    r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{{"n":"{n}"}}}}"#
                );
                img.digest = ecrscope::model::Digest::of_bytes(img.manifest.as_bytes());
                img.tags = vec![format!("multi-{n}")];
                repo.images.push(img);
            }
            repo.images.len()
        })
        .expect("demo store");
    assert!(added >= 50);
    let before = demo.knobs.count("BatchGetImage");
    open_repo(&mut h, "search/indexer", "images");
    for _ in 0..20 {
        h.step();
    }
    let indexes = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .map_or(0, |l| l.iter().filter(|i| i.manifest.is_index()).count());
    assert_eq!(indexes, 50, "every index listed");
    assert_eq!(
        demo.knobs.count("BatchGetImage") - before,
        0,
        "no manifest read (no pull) without a user act"
    );
    h.get_all_by_label("Expand platforms")
        .next()
        .expect("an index row")
        .click();
    step_until(&mut h, 10, "one index read", |_| {
        demo.knobs.count("BatchGetImage") - before == 1
    });
}

#[test]
fn push_commands_carry_the_account_and_region() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    open_repo(&mut h, "payments/ledger", "36 images");
    h.get_by_label("Push commands").click();
    step_until(&mut h, 5, "dialog", |h| {
        h.query_by_label_contains("Push commands for payments/ledger")
            .is_some()
    });
    let login = "aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com";
    assert!(h.query_by_label(login).is_some());
    assert!(
        h.query_by_label(
            "docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/ledger:latest"
        )
        .is_some()
    );
    h.get_by_label("podman").click();
    step_until(&mut h, 5, "podman variant", |h| {
        h.query_by_label(
            "podman push 123456789012.dkr.ecr.us-east-1.amazonaws.com/payments/ledger:latest",
        )
        .is_some()
    });
    assert!(h.query_by_label("Copy all").is_some());
}

#[test]
fn keyboard_moves_in_the_table_and_back_returns() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    open_repo(&mut h, "web/frontend", "55 images");
    h.key_press(egui::Key::ArrowDown);
    step_until(&mut h, 5, "first image selected", |h| {
        h.state().state.location.image.is_some()
    });
    let first = h.state().state.location.image;
    h.key_press(egui::Key::ArrowDown);
    step_until(&mut h, 5, "second image", |h| {
        h.state().state.location.image != first
    });
    let second = h.state().state.location.image;
    h.key_press(egui::Key::End);
    step_until(&mut h, 5, "last image", |h| {
        h.state().state.location.image != second
    });
    // Newest first, so End is the oldest image.
    {
        let st = &h.state().state;
        let list = st
            .open_images()
            .and_then(|ri| ri.list.shown())
            .expect("images");
        let oldest = list.iter().min_by_key(|i| i.pushed_at).expect("some");
        let selected = list
            .iter()
            .find(|i| Some(i.digest) == st.location.image)
            .expect("selected");
        assert_eq!(selected.pushed_at, oldest.pushed_at);
    }
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    h.step();
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    h.step();
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    h.step();
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    step_until(&mut h, 5, "back at the repository list", |h| {
        h.state().state.location.repository.is_none()
    });
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowRight);
    step_until(&mut h, 5, "forward into the repository", |h| {
        h.state().state.location.repository.as_deref() == Some("web/frontend")
    });
}

#[test]
fn refresh_keeps_the_selection_and_the_rows() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    open_repo(&mut h, "ml/training", "images");
    h.key_press(egui::Key::ArrowDown);
    step_until(&mut h, 5, "selected", |h| {
        h.state().state.location.image.is_some()
    });
    let selected = h.state().state.location.image;
    let requests_before = Some(common::ui::demo_of(&h))
        .map(|d| d.knobs.count("DescribeImages"))
        .unwrap_or(0);
    h.key_press(egui::Key::F5);
    h.step();
    // While reloading, the rows stay.
    assert!(
        h.state()
            .state
            .open_images()
            .and_then(|ri| ri.list.shown())
            .is_some_and(|l| !l.is_empty())
    );
    step_until(&mut h, 30, "reloaded", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| !ri.list.is_loading())
    });
    let requests_after = Some(common::ui::demo_of(&h))
        .map(|d| d.knobs.count("DescribeImages"))
        .unwrap_or(0);
    assert!(
        requests_after > requests_before,
        "F5 asked the server again"
    );
    assert_eq!(h.state().state.location.image, selected);
    assert_eq!(
        h.state().state.location.repository.as_deref(),
        Some("ml/training")
    );
}

#[test]
fn sorting_by_size_puts_the_largest_first() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    open_repo(&mut h, "data/etl-runner", "images");
    h.get_by_label("Sort by Size").click();
    step_until(&mut h, 5, "sorted", |h| {
        h.state().state.settings.image_sort.column == ecrscope::settings::ImageColumn::Size
    });
    h.key_press(egui::Key::Home);
    step_until(&mut h, 5, "first row selected", |h| {
        h.state().state.location.image.is_some()
    });
    let st = &h.state().state;
    let list = st
        .open_images()
        .and_then(|ri| ri.list.shown())
        .expect("images");
    let max = list.iter().map(|i| i.size_bytes).max().expect("some");
    let first = list
        .iter()
        .find(|i| Some(i.digest) == st.location.image)
        .expect("selected");
    assert_eq!(first.size_bytes, max);
}

#[test]
fn command_palette_jumps_to_a_repository() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    step_until(&mut h, 5, "palette", |h| {
        h.query_by_label("Command palette").is_some()
    });
    h.get_by_label("Command palette").type_text("ledger");
    h.step();
    h.step();
    h.key_press(egui::Key::Enter);
    step_until(&mut h, 10, "jumped", |h| {
        h.state().state.location.repository.as_deref() == Some("payments/ledger")
    });
    step_until(&mut h, 30, "its images", |h| {
        h.query_all_by_label_contains("36 images").next().is_some()
    });
}

#[test]
fn keyboard_opens_a_repository_from_the_list() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.key_press(egui::Key::ArrowDown);
    h.step();
    h.key_press(egui::Key::ArrowDown);
    h.step();
    h.key_press(egui::Key::Enter);
    // Sorted by name: analytics/dashboard, then base/distroless.
    step_until(&mut h, 10, "second repository open", |h| {
        h.state().state.location.repository.as_deref() == Some("base/distroless")
    });
}

#[test]
fn auto_refresh_reloads_the_registry_on_its_own() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    let key = h
        .state()
        .state
        .location
        .registry
        .clone()
        .expect("the demo registry is selected");
    let before = Some(common::ui::demo_of(&h))
        .map(|d| d.knobs.count("DescribeRepositories"))
        .unwrap_or(0);
    // The menu offers minutes; the action takes any interval, so the test
    // uses one second instead of waiting a minute.
    h.state_mut().handle(ecrscope::ui::UiAction::Preferences(
        ecrscope::ui::PreferencesAction::SetAutoRefresh(key, 1),
    ));
    step_until(&mut h, 10, "a refresh nobody asked for by hand", |h| {
        Some(common::ui::demo_of(h))
            .map(|d| d.knobs.count("DescribeRepositories"))
            .unwrap_or(0)
            > before
    });
    assert!(
        h.query_by_label_contains("25 repositories").is_some(),
        "the table stayed"
    );
}

/// Table rows have accessible names (a screen reader hears the repository,
/// or the image's tags and digest), and nothing behind a dialog answers an
/// assistive technology's click.
#[test]
fn rows_are_named_and_nothing_behind_a_dialog_answers() {
    let rt = runtime();
    let mut h = app_harness(&rt);
    step_until(&mut h, 30, "the named row", |h| {
        h.query_by_role_and_label(Role::Row, "Repository payments/ledger")
            .is_some()
    });
    let row = h.get_by_role_and_label(Role::Row, "Repository payments/ledger");
    assert!(!row.accesskit_node().is_disabled());
    h.get_by_label("Add registry").click();
    step_until(&mut h, 5, "the dialog", |h| {
        h.query_by_role_and_label(Role::TextInput, "Region")
            .is_some()
    });
    h.step();
    assert!(
        h.get_by_role_and_label(Role::Row, "Repository payments/ledger")
            .accesskit_node()
            .is_disabled(),
        "rows behind the dialog are disabled"
    );
    // An assistive technology's click (the pointer is stopped by the
    // backdrop anyway).
    h.get_by_role_and_label(Role::Row, "Repository payments/ledger")
        .click_accesskit();
    for _ in 0..3 {
        h.step();
    }
    assert_eq!(
        h.state().state.location.repository,
        None,
        "a click behind the dialog did nothing"
    );
    h.key_press(egui::Key::Escape);
    step_until(&mut h, 5, "the dialog closed", |h| {
        h.query_by_role_and_label(Role::TextInput, "Region")
            .is_none()
    });
    open_repo(&mut h, "web/frontend", "images");
    assert!(
        h.query_all(
            egui_kittest::kittest::by()
                .label_contains("Image ")
                .role(Role::Row)
        )
        .next()
        .is_some(),
        "image rows are named after their tags and digest"
    );
}
