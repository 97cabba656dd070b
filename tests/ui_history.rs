//! Snapshots and trends in the real app against the demo endpoint: a
//! snapshot saved from the History tab, the estate changed behind it (an
//! image deleted, a tag moved, a rescan that finds a new critical), then
//! compared with now and opened read-only; a damaged file in the folder
//! named, not fatal; the repository's Trends tab drawn from what is read.

use std::time::Duration;

use crate::common;

use common::ui::{
    demo_app_with, demo_of, demo_options, open_repository, repo_ref, runtime, step_until,
};
use ecrscope::app::EcrscopeApp;
use ecrscope::demo::SeedConfig;
use ecrscope::insight::actions::InsightAction;
use ecrscope::model::{Digest, Image};
use ecrscope::state::{RegistryTab, RepoTab};
use ecrscope::ui::{BrowseAction, ScanningAction, UiAction};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

type H = Harness<'static, EcrscopeApp>;

const REPO: &str = "web/frontend";

fn app(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> H {
    let mut opts = demo_options(SeedConfig::small());
    opts.snapshots_dir = Some(dir.to_owned());
    opts.follow_policy.scans.first = Duration::from_millis(100);
    opts.follow_policy.scans.cap = Duration::from_millis(200);
    demo_app_with(rt, opts, |b| b.with_size(egui::vec2(1400.0, 900.0)))
}

fn steps(h: &mut H, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

fn images(h: &H) -> Vec<Image> {
    h.state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown())
        .map(|l| l.as_ref().clone())
        .unwrap_or_default()
}

/// The critical count read for `d` in web/frontend (open or not).
fn critical_read(h: &Harness<'_, EcrscopeApp>, d: &Digest) -> Option<u32> {
    let ri = h.state().state.selected_registry()?.images.get(REPO)?;
    let s = ri.scans.get(d)?.shown()?;
    Some(s.counts.0[0])
}

fn to_history(h: &mut H) {
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectRepository(None)));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            RegistryTab::History,
        )));
    steps(h, 4);
}

#[test]
#[allow(clippy::too_many_lines)]
fn a_snapshot_compared_with_now_names_the_deleted_image_the_moved_tag_and_the_new_critical() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("dir");
    let mut h = app(&rt, dir.path());
    open_repository(&mut h, REPO);
    let list = images(&h);
    let tagged: Vec<&Image> = list
        .iter()
        .filter(|i| !i.tags.is_empty() && !i.manifest.is_index())
        .collect();
    assert!(tagged.len() >= 4, "the seed has tagged images in {REPO}");
    let (rescanned, deleted, from, to) = (
        tagged[0].digest,
        tagged[1].digest,
        tagged[2].clone(),
        tagged[3].digest,
    );
    let moved = from.tags[0].clone();
    let repo = repo_ref(&h, REPO);
    // The counts of the image to rescan, as read before the snapshot.
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::NeedScanSummaries(
            repo.clone(),
            vec![rescanned],
        )));
    step_until(&mut h, 20, "the scan summary", |h| {
        critical_read(h, &rescanned).is_some()
    });
    let before = critical_read(&h, &rescanned).expect("read");

    to_history(&mut h);
    step_until(&mut h, 10, "the folder read", |h| {
        h.state().state.snapshots.library_read
    });
    assert!(h.query_by_label_contains("No snapshot saved yet").is_some());
    h.get_by_label_contains("Save a snapshot now").click();
    step_until(&mut h, 20, "the snapshot listed", |h| {
        h.state().state.snapshots.library.len() == 1
    });
    let path = h.state().state.snapshots.library[0].path.clone();
    assert!(path.starts_with(dir.path()));
    assert_eq!(path.extension().and_then(|e| e.to_str()), Some("ecrsnap"));

    // The estate changes behind the app.
    demo_of(&h).with_store(|s| {
        s.scan_seconds = 0.2;
        let r = s.repos.get_mut(REPO).expect("repo");
        r.images.retain(|i| i.digest != deleted);
        for i in &mut r.images {
            i.tags.retain(|t| *t != moved);
            if i.digest == to {
                i.tags.push(moved.clone());
            }
            if i.digest == rescanned {
                i.summary_override = Some(serde_json::json!({"CRITICAL": before + 3, "HIGH": 1}));
            }
        }
    });
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::StartScan(
            repo.clone(),
            vec![rescanned],
        )));
    step_until(&mut h, 30, "the rescan's counts", |h| {
        critical_read(h, &rescanned) == Some(before + 3)
    });
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectRepository(Some(
            REPO.into(),
        ))));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::Refresh));
    step_until(&mut h, 20, "the images read again", |h| {
        h.state().state.selected_registry().is_some_and(|r| {
            r.images
                .get(REPO)
                .and_then(|ri| ri.list.shown())
                .is_some_and(|l| l.iter().all(|i| i.digest != deleted))
        })
    });

    // Compared with now, from the list's button.
    to_history(&mut h);
    let when = ecrscope::insight::snapshot_jobs::when(
        h.state().state.snapshots.library[0].summary.taken_at,
    );
    h.get_by_label(&format!("Compare the snapshot of {when} with now"))
        .click();
    step_until(&mut h, 20, "the comparison", |h| {
        h.state().state.snapshots.comparison.is_some()
    });
    let c = h
        .state()
        .state
        .snapshots
        .comparison
        .clone()
        .expect("comparison");
    assert_eq!(c.newer, "now");
    let r = c
        .reports
        .iter()
        .find(|r| r.name == REPO)
        .expect("the repository changed");
    assert!(r.images_compared);
    assert_eq!(
        r.images_removed
            .iter()
            .map(|i| i.digest)
            .collect::<Vec<_>>(),
        [deleted.0]
    );
    assert!(r.images_added.is_empty());
    let m = r
        .tags_moved
        .iter()
        .find(|m| m.tag == moved)
        .expect("the moved tag");
    assert_eq!((m.from, m.to), (from.digest.0, to.0));
    assert_eq!(r.findings_new[0], 3, "three new critical findings");
    // Nothing else changed: the other repositories read are not reported.
    assert!(
        c.reports.iter().all(|x| x.name == REPO),
        "{:?}",
        c.reports.iter().map(|x| &x.name).collect::<Vec<_>>()
    );
    steps(&mut h, 3);
    assert!(
        h.query_by_label_contains("Comparing the snapshot of")
            .is_some()
    );
    h.get_by_label_contains(&format!("{REPO}: 1 removed"))
        .click();
    steps(&mut h, 4);
    assert!(
        h.query_by_label_contains(&format!("{moved} moved from"))
            .is_some(),
        "the moved tag is said"
    );
    assert!(
        h.query_by_label_contains("New findings: 3 critical")
            .is_some()
    );
    h.get_by_label("Close the comparison").click();
    steps(&mut h, 3);

    // Opened read-only: from the file, no call.
    let calls = demo_of(&h).knobs.total();
    h.get_by_label(&format!("Open the snapshot of {when}"))
        .click();
    step_until(&mut h, 20, "the snapshot open", |h| {
        h.state().state.snapshots.opened.is_some()
    });
    steps(&mut h, 3);
    assert!(h.query_by_label_contains("read-only").is_some());
    let o = h.state().state.snapshots.opened.clone().expect("opened");
    let web = o
        .snapshot
        .registries
        .iter()
        .find_map(|r| r.repository(REPO))
        .expect("the repository in the file");
    assert!(
        web.image(&deleted.0).is_some(),
        "the file has what was there then"
    );
    assert_eq!(
        demo_of(&h).knobs.total(),
        calls,
        "opening a snapshot calls nothing"
    );
    h.get_by_label("Close the snapshot").click();
    steps(&mut h, 3);
    assert!(h.state().state.snapshots.opened.is_none());
}

#[test]
fn a_damaged_file_in_the_folder_is_named_and_the_others_still_listed() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("junk.ecrsnap"), b"{not a snapshot}").expect("junk");
    let mut h = app(&rt, dir.path());
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    to_history(&mut h);
    step_until(&mut h, 10, "the folder read", |h| {
        h.state().state.snapshots.library_read
    });
    steps(&mut h, 2);
    assert!(
        h.query_by_label_contains("junk.ecrsnap: not an ecrscope snapshot")
            .is_some()
    );
    h.get_by_label_contains("Save a snapshot now").click();
    step_until(&mut h, 20, "the snapshot listed", |h| {
        h.state().state.snapshots.library.len() == 1
    });
    // A file the user names that is not there: said next to the field.
    h.state_mut()
        .handle(UiAction::Insight(InsightAction::OpenSnapshot(
            dir.path().join("missing.ecrsnap"),
        )));
    step_until(&mut h, 10, "the refusal", |h| {
        h.state().state.snapshots.error.is_some()
    });
    steps(&mut h, 2);
    assert!(
        h.query_by_label_contains("Opening missing.ecrsnap")
            .is_some()
    );
}

#[test]
fn the_trends_tab_draws_the_repositorys_pushes_and_findings() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("dir");
    let mut h = app(&rt, dir.path());
    open_repository(&mut h, "web/frontend");
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRepoTab(RepoTab::Trends)));
    steps(&mut h, 4);
    assert!(h.query_by_label("Pushes per week").is_some());
    assert!(
        h.query_by_label("Critical and high findings across versions")
            .is_some()
    );
    // No snapshot yet: the storage chart says how to get one.
    assert!(
        h.query_by_label_contains("No snapshot holds it yet")
            .is_some()
    );
}

#[test]
#[allow(clippy::too_many_lines)]
fn a_clean_up_group_made_a_lifecycle_rule_is_previewed_beside_the_group_before_it_is_put() {
    use ecrscope::insight::cleanup::{Group, candidates};
    let rt = runtime();
    let dir = tempfile::tempdir().expect("dir");
    let mut h = app(&rt, dir.path());
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    let key = h.state().state.location.registry.clone().expect("registry");
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            RegistryTab::Storage,
        )));
    h.state_mut()
        .handle(UiAction::Insight(InsightAction::ReadEvery(key.clone())));
    step_until(&mut h, 60, "every repository read", |h| {
        h.state()
            .state
            .registry(&key)
            .is_some_and(|r| !r.storage_reading)
    });
    let now = ecrscope::ui::widgets::now_ms();
    let groups = {
        let reg = h.state().state.registry(&key).expect("registry");
        candidates(
            reg,
            &[Group::Untagged],
            now,
            ecr_core::cost::prices_for("us-east-1"),
        )
    };
    let c = groups[0]
        .per_repo
        .first()
        .expect("the seed has untagged images")
        .clone();
    // A rule already there stays, before the new one.
    let existing = r#"{"rules":[{"rulePriority":3,"description":"keep 50","selection":{"tagStatus":"tagged","tagPatternList":["*"],"countType":"imageCountMoreThan","countNumber":50},"action":{"type":"expire"}}]}"#;
    demo_of(&h).with_store(|s| {
        s.repos.get_mut(&c.name).expect("repo").lifecycle = Some(existing.to_owned());
    });
    let puts = demo_of(&h).knobs.count("PutLifecyclePolicy");
    steps(&mut h, 4);
    let label = format!(
        "Make a lifecycle rule: {} in {}",
        Group::Untagged.label().to_lowercase(),
        c.name
    );
    h.get_by_label_contains(&Group::Untagged.label()).click();
    steps(&mut h, 4);
    h.get_by_label(&label).scroll_to_me();
    steps(&mut h, 2);
    h.get_by_label(&label).click();
    step_until(&mut h, 30, "the preview", |h| {
        h.query_by_label_contains("The preview selects").is_some()
            || h.query_by_label_contains("Not the same images").is_some()
    });
    let d = h.state().state.cleanup_rule.clone().expect("the rule");
    let (text, priority) = d.made.clone().expect("made").expect("valid");
    assert_eq!(priority, 4, "after the repository's own rule");
    assert!(text.contains("keep 50"), "the existing rule stays");
    // The group's images the preview leaves are exactly those pushed
    // within the day (the rule is "untagged, pushed over a day ago").
    let reg = h.state().state.registry(&key).expect("registry");
    let list = reg.images[&c.name].list.shown().expect("images").clone();
    let recent: Vec<Digest> = c
        .digests
        .iter()
        .filter(|d| {
            list.iter()
                .find(|i| i.digest == **d)
                .and_then(|i| i.pushed_at)
                .is_some_and(|t| now - t < 86_400_000)
        })
        .copied()
        .collect();
    let preview = reg.docs.preview[&c.name].shown().expect("preview").clone();
    let m = ecrscope::insight::cleanup_rule::match_preview(&c.digests, &preview, priority);
    assert_eq!(m.only_group, recent);
    assert!(
        m.only_rule.is_empty(),
        "the rule takes nothing outside the group"
    );
    assert_eq!(
        demo_of(&h).knobs.count("PutLifecyclePolicy"),
        puts,
        "nothing put before the confirmation"
    );
    h.get_by_label_contains("Put this policy").scroll_to_me();
    steps(&mut h, 4);
    h.get_by_label_contains("Put this policy").click();
    step_until(&mut h, 10, "the confirmation", |h| {
        h.query_by_label("Put policy").is_some()
    });
    h.get_by_label("Put policy").click();
    step_until(&mut h, 20, "the policy put", |h| {
        demo_of(h).knobs.count("PutLifecyclePolicy") == puts + 1
    });
    let stored = demo_of(&h)
        .with_store(|s| s.repos[&c.name].lifecycle.clone())
        .flatten()
        .expect("a policy");
    let v: serde_json::Value = serde_json::from_str(&stored).expect("json");
    let rules = v["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[1]["selection"]["tagStatus"], "untagged");
    assert!(h.state().state.cleanup_rule.is_none());
}
