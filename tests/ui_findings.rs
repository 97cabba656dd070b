//! Scans and findings under egui_kittest, against the demo endpoint.

use crate::common;

use common::ui::{demo_app, runtime, step_until};
use ecrscope::model::{ScanStatus, Severity};
use egui_kittest::kittest::{NodeT, Queryable};

#[test]
fn launch_a_scan_follow_it_filter_and_open_a_finding() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 900.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    let demo = common::ui::demo_of(&h);
    // Scans take a second here, and no image of this repository was scanned
    // in the last 24 hours.
    demo.with_store(|s| {
        s.scan_seconds = 1.0;
        if let Some(r) = s.repos.get_mut("web/frontend") {
            r.images.iter_mut().for_each(|i| i.scan = None);
        }
    });
    let registry = h.state().state.location.registry.clone();
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::GoTo(ecrscope::state::Location {
            registry,
            repository: Some("web/frontend".into()),
            image: None,
        }),
    ));
    step_until(&mut h, 30, "images", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
    // The newest image with findings in the seed.
    let target = demo
        .with_store(|s| {
            s.repos["web/frontend"]
                .images
                .iter()
                .filter(|i| {
                    !i.tags.is_empty()
                        && i.basic_findings.iter().any(|f| f["severity"] == "CRITICAL")
                })
                .max_by(|a, b| a.pushed_at.total_cmp(&b.pushed_at))
                .map(|i| i.digest)
        })
        .flatten()
        .expect("an image with critical findings");
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::SelectImage(Some(target)),
    ));
    step_until(&mut h, 10, "details", |h| {
        h.query_by_label("Scan").is_some()
    });
    h.get_by_label("Scan").click();
    step_until(&mut h, 10, "scan started", |_h| {
        demo.knobs.count("StartImageScan") == 1
    });
    h.get_by_label("Findings").click();
    // No manual refresh: the poll brings the findings once the scan completes.
    step_until(&mut h, 20, "scan complete with findings", |h| {
        h.state()
            .state
            .open_images()
            .and_then(|ri| ri.findings.get(&target))
            .and_then(|r| r.shown())
            .is_some_and(|r| r.status == Some(ScanStatus::Complete) && !r.findings.is_empty())
    });
    step_until(&mut h, 5, "table", |h| {
        h.query_all_by_label_contains(" findings").next().is_some()
    });
    // Only CRITICAL: turn the other severities off.
    for s in ["HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"] {
        h.get_by_label(&format!("Show {s}")).click();
        h.step();
    }
    h.step();
    let report = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.findings.get(&target))
        .and_then(|r| r.shown())
        .cloned()
        .expect("report");
    let critical = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Critical)
        .count();
    step_until(&mut h, 5, "filtered", |h| {
        h.query_by_label_contains(&format!("{critical} of {} findings", report.findings.len()))
            .is_some()
    });
    // Open the first finding: its description and reference show.
    let first = report
        .findings
        .iter()
        .find(|f| f.severity == Severity::Critical)
        .expect("a critical finding");
    h.get_all_by_label(&first.id).next().expect("row").click();
    step_until(&mut h, 5, "detail", |h| {
        h.query_by_label(first.description.as_deref().unwrap_or("—"))
            .is_some()
    });
    // A second scan the same day: refused, and the message says when.
    for _ in 0..40 {
        h.step();
    }
    h.get_by_label("Scan now").click();
    step_until(&mut h, 10, "quota message", |h| {
        h.query_all_by_label_contains("24 hours").next().is_some()
    });
}

/// The app with a save dialog that always answers `target`, opened on the
/// findings zoo (300 findings here).
fn export_app(
    rt: &tokio::runtime::Runtime,
    target: std::path::PathBuf,
) -> (
    egui_kittest::Harness<'static, ecrscope::app::EcrscopeApp>,
    ecrscope::model::Digest,
) {
    export_app_with(
        rt,
        ecrscope::platform::save_dialog::Picker(std::sync::Arc::new(
            ecrscope::platform::save_dialog::FixedPath(target),
        )),
    )
}

/// The same, with any save dialog.
fn export_app_with(
    rt: &tokio::runtime::Runtime,
    picker: ecrscope::platform::save_dialog::Picker,
) -> (
    egui_kittest::Harness<'static, ecrscope::app::EcrscopeApp>,
    ecrscope::model::Digest,
) {
    let opts = ecrscope::app::AppOptions {
        picker,
        ..common::ui::demo_options(ecrscope::demo::SeedConfig {
            zoo_findings: 300,
            ..ecrscope::demo::SeedConfig::default()
        })
    };
    let mut h = common::ui::demo_app_with(rt, opts, |b| b.with_size(egui::vec2(1400.0, 900.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    let registry = h.state().state.location.registry.clone();
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::GoTo(ecrscope::state::Location {
            registry,
            repository: Some("sandbox/experiments".into()),
            image: None,
        }),
    ));
    step_until(&mut h, 30, "images", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
    let zoo = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .and_then(|l| {
            l.iter()
                .find(|i| i.tags.contains(&"cve-zoo".to_owned()))
                .map(|i| i.digest)
        })
        .expect("zoo");
    (h, zoo)
}

#[test]
fn export_sarif_with_every_finding() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("zoo.sarif");
    let (mut h, zoo) = export_app(&rt, target.clone());
    let zoo_repo = common::ui::repo_ref(&h, "sandbox/experiments");
    h.state_mut().handle(ecrscope::ui::UiAction::Scanning(
        ecrscope::ui::ScanningAction::Export(
            zoo_repo.clone(),
            vec![zoo],
            ecrscope::scanning::export::Format::Sarif,
        ),
    ));
    step_until(&mut h, 20, "file written", |_| target.exists());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).expect("read")).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(
        v["runs"][0]["results"].as_array().map(Vec::len),
        Some(300),
        "every finding, all pages"
    );
}

/// On a desktop with no save dialog (no XDG portal, no zenity: rfd then
/// answers "no file" at once, as a cancel would), the export asks in the
/// app: a path field prefilled with the file name; a folder, a relative
/// path and a missing folder refused next to the field with Save off and
/// nothing written; then the file written where typed.
#[test]
fn with_no_desktop_save_dialog_the_app_asks_where() {
    use egui::accesskit::Role;
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut h, zoo) = export_app_with(
        &rt,
        ecrscope::platform::save_dialog::Picker(std::sync::Arc::new(
            ecrscope::platform::save_dialog::NoDesktopDialog,
        )),
    );
    let zoo_repo = common::ui::repo_ref(&h, "sandbox/experiments");
    h.state_mut().handle(ecrscope::ui::UiAction::Scanning(
        ecrscope::ui::ScanningAction::Export(
            zoo_repo,
            vec![zoo],
            ecrscope::scanning::export::Format::Csv,
        ),
    ));
    step_until(&mut h, 10, "the app's own save dialog", |h| {
        h.query_by_label_contains("shows no save dialog").is_some()
    });
    let prefilled = h
        .get_by_role_and_label(Role::TextInput, "Save to")
        .value()
        .unwrap_or_default();
    assert!(
        prefilled.ends_with("sandbox_experiments-findings.csv"),
        "{prefilled}"
    );
    let retype = |h: &mut egui_kittest::Harness<'_, ecrscope::app::EcrscopeApp>, text: &str| {
        h.get_by_role_and_label(Role::TextInput, "Save to").focus();
        h.step();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.step();
        h.get_by_role_and_label(Role::TextInput, "Save to")
            .type_text(text);
        h.step();
        h.step();
    };
    let folder = dir.path().display().to_string();
    for (bad, says) in [
        (folder.clone(), "That is a folder"),
        ("zoo.csv".to_owned(), "full path"),
        (format!("{folder}/missing/zoo.csv"), "does not exist"),
    ] {
        retype(&mut h, &bad);
        assert!(h.query_by_label_contains(says).is_some(), "{bad}: {says}");
        assert!(
            h.get_by_label("Save").accesskit_node().is_disabled(),
            "{bad}: Save is off"
        );
    }
    let target = dir.path().join("zoo-läger.csv");
    retype(&mut h, &target.display().to_string());
    h.get_by_label("Save").click();
    step_until(&mut h, 20, "file written", |_| target.exists());
    let text = std::fs::read_to_string(&target).expect("read");
    assert!(text.lines().count() > 300, "a header and every finding");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        1,
        "nothing written for the refused paths"
    );
}

#[test]
fn an_unwritable_path_is_reported() {
    let rt = runtime();
    let target = std::path::PathBuf::from("/nonexistent-ecrscope-dir/out.csv");
    let (mut h, zoo) = export_app(&rt, target);
    let zoo_repo = common::ui::repo_ref(&h, "sandbox/experiments");
    h.state_mut().handle(ecrscope::ui::UiAction::Scanning(
        ecrscope::ui::ScanningAction::Export(
            zoo_repo.clone(),
            vec![zoo],
            ecrscope::scanning::export::Format::Csv,
        ),
    ));
    step_until(&mut h, 20, "error in words", |h| {
        h.state()
            .state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("Could not write /nonexistent-ecrscope-dir/out.csv"))
    });
}

/// Opens `web/frontend` and waits for its images.
fn open_frontend(h: &mut egui_kittest::Harness<'static, ecrscope::app::EcrscopeApp>) {
    step_until(h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    let registry = h.state().state.location.registry.clone();
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::GoTo(ecrscope::state::Location {
            registry,
            repository: Some("web/frontend".into()),
            image: None,
        }),
    ));
    step_until(h, 30, "images", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
}

#[test]
fn compare_two_tags_new_fixed_unchanged() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 900.0)));
    open_frontend(&mut h);
    let demo = common::ui::demo_of(&h);
    // The two newest scanned tagged images, and their findings keyed the way
    // a reviewer would: vulnerability id + package.
    let (newer, older, expect) = demo
        .with_store(|s| {
            let mut scanned: Vec<_> = s.repos["web/frontend"]
                .images
                .iter()
                .filter(|i| !i.tags.is_empty() && i.scan.is_some() && !i.basic_findings.is_empty())
                .collect();
            scanned.sort_by(|a, b| b.pushed_at.total_cmp(&a.pushed_at));
            let keys = |i: &&ecrscope::demo::DemoImage| {
                i.basic_findings
                    .iter()
                    .map(|f| {
                        let pkg = f["attributes"]
                            .as_array()
                            .and_then(|a| a.iter().find(|x| x["key"] == "package_name"))
                            .and_then(|x| x["value"].as_str())
                            .unwrap_or("")
                            .to_owned();
                        (f["name"].as_str().unwrap_or("").to_owned(), pkg)
                    })
                    .collect::<std::collections::HashSet<_>>()
            };
            let (a, b) = (keys(&scanned[0]), keys(&scanned[1]));
            let new = a.difference(&b).count();
            let fixed = b.difference(&a).count();
            let same = a.intersection(&b).count();
            (scanned[0].digest, scanned[1].digest, (new, fixed, same))
        })
        .expect("store");
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::SelectImage(Some(newer)),
    ));
    h.state_mut().handle(ecrscope::ui::UiAction::Scanning(
        ecrscope::ui::ScanningAction::OpenFindings,
    ));
    step_until(&mut h, 10, "findings", |h| {
        h.query_all_by_label_contains(" findings").next().is_some()
    });
    h.state_mut().handle(ecrscope::ui::UiAction::Scanning(
        ecrscope::ui::ScanningAction::CompareWith(Some(older)),
    ));
    let (new, fixed, same) = expect;
    step_until(&mut h, 10, "comparison chips", |h| {
        h.query_by_label_contains("Show new (").is_some()
    });
    for (n, what) in [(new, "new"), (fixed, "fixed"), (same, "unchanged")] {
        assert!(
            h.query_by_label(&format!("Show {what} ({n})")).is_some(),
            "{n} {what}"
        );
    }
    assert!(new + fixed > 0, "the two images differ");
    // Only the fixed ones: the table shows exactly those.
    h.get_by_label(&format!("Show new ({new})")).click();
    for _ in 0..40 {
        h.step();
    }
    h.get_by_label(&format!("Show unchanged ({same})")).click();
    step_until(&mut h, 5, "fixed only", |h| {
        h.query_by_label_contains(&format!("{fixed} of {} findings", new + fixed + same))
            .is_some()
    });
    // An image never scanned is not "clean": no comparison, and it says why.
    let unscanned = demo
        .with_store(|s| {
            s.repos["web/frontend"]
                .images
                .iter()
                .find(|i| {
                    !i.tags.is_empty() && i.scan.is_none() && i.media_type.contains("manifest.v1")
                })
                .map(|i| i.digest)
        })
        .flatten()
        .expect("an unscanned tagged image");
    h.state_mut().handle(ecrscope::ui::UiAction::Scanning(
        ecrscope::ui::ScanningAction::CompareWith(Some(unscanned)),
    ));
    step_until(&mut h, 10, "refusal", |h| {
        h.query_by_label_contains("has no finished scan (never scanned)")
            .is_some()
    });
    assert!(h.query_by_label_contains("Show new (").is_none());
}

#[test]
fn s_scans_the_open_image_and_the_context_menu_offers_the_actions() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 900.0)));
    open_frontend(&mut h);
    let demo = common::ui::demo_of(&h);
    demo.with_store(|s| {
        s.scan_seconds = 1.0;
        if let Some(r) = s.repos.get_mut("web/frontend") {
            r.images.iter_mut().for_each(|i| i.scan = None);
        }
    });
    let target = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .and_then(|l| {
            l.iter()
                .filter(|i| !i.tags.is_empty() && !i.manifest.is_index())
                .max_by_key(|i| i.pushed_at)
                .map(|i| (i.digest, i.tags[0].clone()))
        })
        .expect("a tagged image");
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::SelectImage(Some(target.0)),
    ));
    for _ in 0..5 {
        h.step();
    }
    h.key_press(egui::Key::S);
    step_until(&mut h, 10, "scan started by S", |_| {
        demo.knobs.count("StartImageScan") == 1
    });
    // Right click on the row: its menu holds the findings, scan, export and
    // compare actions.
    h.get_all_by_label(&target.1)
        .next()
        .expect("row")
        .click_secondary();
    step_until(&mut h, 5, "menu", |h| {
        h.query_by_label_contains("Scan  (S)").is_some()
    });
    assert!(
        h.query_all_by_label_contains("Export findings")
            .next()
            .is_some()
    );
    assert!(h.query_by_label_contains("Delete…").is_some());
}
