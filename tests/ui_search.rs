//! The global search under kittest, against two demo registries: 175
//! generated repositories in us-east-1 and the 25-repository showcase in
//! us-west-2. A tag put in 3 repositories (2 + 1) is found in those 3 and
//! nowhere else; a digest prefix; a repository-name fragment; Cancel; and no
//! BatchGetImage (a pull) at any point.

use crate::common;

use ecrscope::ui::{BrowseAction, RegistriesAction, SearchAction};
use std::time::Duration;

use common::ui::{demo_app_with, demo_of, demo_options, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use ecrscope::demo::SeedConfig;
use ecrscope::model::{DEMO_ACCOUNT, RegistrySpec};
use ecrscope::state::SearchKind;
use ecrscope::ui::UiAction;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

type H = Harness<'static, EcrscopeApp>;

fn west() -> RegistrySpec {
    common::ui::demo_spec("us-west-2")
}

fn two_registries(rt: &tokio::runtime::Runtime) -> H {
    let mut h = demo_app_with(rt, demo_options(SeedConfig::bulk(175, 3)), |b| {
        b.with_size(egui::vec2(1280.0, 800.0))
    });
    step_until(&mut h, 30, "east listed", |h| {
        h.query_by_label_contains("175 repositories").is_some()
    });
    h.state_mut()
        .handle(UiAction::Registries(RegistriesAction::Add(west())));
    step_until(&mut h, 30, "west listed", |h| {
        h.state()
            .state
            .registry(&west().key())
            .and_then(|r| r.repositories.shown())
            .is_some_and(|l| l.len() == 25)
    });
    h
}

fn search(h: &mut H, query: &str) {
    let scope = h
        .state()
        .state
        .registries
        .iter()
        .map(|r| r.spec.key())
        .collect();
    h.state_mut().handle(UiAction::Search(SearchAction::Start {
        query: query.into(),
        scope,
        repo_filter: String::new(),
    }));
    step_until(h, 60, "the search to end", |h| {
        h.state()
            .state
            .search
            .as_ref()
            .is_some_and(|s| !s.is_running())
    });
}

/// Opens the search view (its shortcut), so what it draws can be read.
fn open_view(h: &mut H) {
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::F,
    );
    step_until(h, 5, "the search view", |h| {
        h.query_by_role_and_label(Role::SearchInput, "Search everywhere")
            .is_some()
    });
}

fn hits(h: &H) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = h
        .state()
        .state
        .search
        .as_ref()
        .map(|s| {
            s.hits
                .iter()
                .filter(|x| x.image.is_some())
                .map(|x| (x.registry.0.clone(), x.repository.clone()))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_tag_in_three_repositories_of_two_registries_is_found_there_only() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let demo = demo_of(&h);
    let put = |region: &str, repo: &str| {
        demo.with_store_at(DEMO_ACCOUNT, region, |s| {
            s.materialize_all();
            let r = s.repos.get_mut(repo).expect("repository");
            r.images
                .iter_mut()
                .find(|i| !i.media_type.contains("index"))
                .expect("an image")
                .tags
                .push("needle-1.0".into());
        })
        .expect("store");
    };
    put("us-east-1", "bulk/repo-0007");
    put("us-east-1", "bulk/repo-0142");
    put("us-west-2", "web/frontend");
    let pulls = demo.knobs.count("BatchGetImage");
    // The view, opened with its shortcut, searches what is typed.
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::F,
    );
    step_until(&mut h, 5, "the search view", |h| {
        h.query_by_role_and_label(Role::SearchInput, "Search everywhere")
            .is_some()
    });
    h.get_by_role_and_label(Role::SearchInput, "Search everywhere")
        .type_text("needle-1.0");
    h.get_by_label("Search").click();
    step_until(&mut h, 60, "the search to end", |h| {
        h.state()
            .state
            .search
            .as_ref()
            .is_some_and(|s| !s.is_running() && s.done == 200)
    });
    let east = RegistrySpec {
        region: "us-east-1".into(),
        ..west()
    }
    .key();
    assert_eq!(
        hits(&h),
        [
            (east.0.clone(), "bulk/repo-0007".to_owned()),
            (east.0.clone(), "bulk/repo-0142".to_owned()),
            (west().key().0, "web/frontend".to_owned()),
        ]
    );
    let s = h.state().state.search.clone().expect("a search");
    assert_eq!((s.done, s.total), (200, 200), "every repository of both");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert!(
        h.query_all_by_label_contains("Open bulk/repo-0007 ")
            .next()
            .is_some(),
        "a result row"
    );
    // The search read no manifest (counted before a result is opened: the
    // opened image's details may read its manifest, and under load that
    // answer could land before a count taken after the open).
    assert_eq!(
        demo.knobs.count("BatchGetImage"),
        pulls,
        "no pull by the search"
    );
    // A result opens its image.
    h.get_all_by_label_contains("Open web/frontend ")
        .next()
        .expect("the west result")
        .click();
    step_until(&mut h, 20, "the image open", |h| {
        h.state().state.location.repository.as_deref() == Some("web/frontend")
            && h.state().state.location.image.is_some()
    });
    assert_eq!(h.state().state.location.registry, Some(west().key()));
}

#[test]
fn a_digest_prefix_and_a_name_fragment() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let digest = demo_of(&h)
        .with_store_at(DEMO_ACCOUNT, "us-west-2", |s| {
            s.repos["hello-world"].images[0].digest
        })
        .expect("store");
    let prefix = digest.hex()[..12].to_owned();
    search(&mut h, &format!("sha256:{prefix}"));
    let s = h.state().state.search.clone().expect("a search");
    assert_eq!(s.kind, SearchKind::DigestPrefix(prefix.clone()));
    assert!(!s.hits.is_empty());
    assert!(
        s.hits.iter().all(|x| x
            .image
            .as_ref()
            .is_some_and(|i| i.digest.hex().starts_with(&prefix))),
        "only that digest"
    );
    assert!(s.hits.iter().any(|x| x.repository == "hello-world"));
    search(&mut h, "repo-004");
    let s = h.state().state.search.clone().expect("a search");
    let names: Vec<&str> = s.hits.iter().map(|x| x.repository.as_str()).collect();
    assert_eq!(names.len(), 10, "bulk/repo-0040 to -0049: {names:?}");
    assert!(names.iter().all(|n| n.starts_with("bulk/repo-004")));
}

#[test]
fn cancel_stops_a_search_and_its_late_answers_are_dropped() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    demo_of(&h).knobs.set_latency(Duration::from_millis(300));
    let scope = h
        .state()
        .state
        .registries
        .iter()
        .map(|r| r.spec.key())
        .collect();
    h.state_mut().handle(UiAction::Search(SearchAction::Start {
        query: "v1.0.0".into(),
        scope,
        repo_filter: String::new(),
    }));
    h.step();
    h.state_mut().handle(UiAction::Search(SearchAction::Cancel));
    let done_at_cancel = h.state().state.search.as_ref().map_or(0, |s| s.done);
    for _ in 0..40 {
        h.step();
        std::thread::sleep(Duration::from_millis(25));
    }
    let s = h.state().state.search.clone().expect("a search");
    assert!(s.cancelled && !s.is_running());
    assert_eq!(s.done, done_at_cancel, "answers after Cancel are dropped");
    assert!(s.done < s.total);
}

/// "repositories tagged team=web": the repository filter takes `key=value`;
/// tags are read for the scope, and only matching repositories are searched.
#[test]
fn a_resource_tag_narrows_the_search() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let pulls = demo_of(&h).knobs.count("BatchGetImage");
    h.state_mut().handle(UiAction::Search(SearchAction::Start {
        query: "latest".into(),
        scope: vec![west().key()],
        repo_filter: "team=web".into(),
    }));
    step_until(&mut h, 30, "the search to end", |h| {
        h.state()
            .state
            .search
            .as_ref()
            .is_some_and(|s| !s.is_running())
    });
    let s = h.state().state.search.clone().expect("a search");
    let repos: std::collections::BTreeSet<&str> = s
        .hits
        .iter()
        .filter(|x| x.image.is_some())
        .map(|x| x.repository.as_str())
        .collect();
    assert!(!repos.is_empty(), "web repositories hold 'latest'");
    assert!(repos.iter().all(|r| r.starts_with("web/")), "{repos:?}");
    assert_eq!(s.total, 2, "web/frontend and web/admin-console only");
    assert_eq!(demo_of(&h).knobs.count("BatchGetImage"), pulls);
}

/// Issue 22, item 6: CI tags images with commit ids. A 40-hex query is a tag
/// and a digest prefix at once; the tag is found and the hit says so.
#[test]
fn a_git_commit_tag_is_found_as_a_tag() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let commit = "3f9c2b1e8d7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e";
    demo_of(&h)
        .with_store_at(DEMO_ACCOUNT, "us-west-2", |s| {
            s.materialize_all();
            s.repos
                .get_mut("web/frontend")
                .expect("repository")
                .images
                .iter_mut()
                .find(|i| !i.media_type.contains("index"))
                .expect("an image")
                .tags
                .push(commit.into());
        })
        .expect("store");
    open_view(&mut h);
    search(&mut h, commit);
    h.run_steps(2);
    let s = h.state().state.search.clone().expect("a search");
    assert_eq!(s.kind, SearchKind::TagOrDigestPrefix(commit.into()));
    assert_eq!(hits(&h), [(west().key().0, "web/frontend".to_owned())]);
    assert_eq!(s.hits[0].matched, ecrscope::state::HitMatch::Tag);
    assert!(
        h.query_by_label_contains("matched by tag").is_some(),
        "the row says which matched"
    );
    // Its first hex digits as a digest prefix still find digests.
    let digest = demo_of(&h)
        .with_store_at(DEMO_ACCOUNT, "us-west-2", |s| {
            s.repos["hello-world"].images[0].digest
        })
        .expect("store");
    let prefix = digest.hex()[..12].to_owned();
    search(&mut h, &prefix);
    let s = h.state().state.search.clone().expect("a search");
    assert!(
        s.hits.iter().any(
            |x| x.repository == "hello-world" && x.matched == ecrscope::state::HitMatch::Digest
        ),
        "{:?}",
        s.hits
            .iter()
            .map(|x| (&x.repository, x.matched))
            .collect::<Vec<_>>()
    );
}

/// Issue 22, item 5: a registry that always answers AccessDenied beside two
/// that work. The search ends, says which registry could not be searched
/// and why, and sends the denied registry no request at all (its listing
/// had failed already: F5 on it is the user's retry, not the search's).
#[test]
fn a_registry_that_always_fails_is_reported_once_and_the_search_ends() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let demo = demo_of(&h);
    demo.knobs.set_denied_region(Some("eu-west-1"));
    let denied = common::ui::demo_spec("eu-west-1");
    h.state_mut()
        .handle(UiAction::Registries(RegistriesAction::Add(denied.clone())));
    step_until(&mut h, 30, "the denied registry failed", |h| {
        h.state()
            .state
            .registry(&denied.key())
            .is_some_and(|r| r.repositories.error().is_some() && !r.repositories.is_loading())
    });
    // Whatever else the app asks of it on its own (registry info) first.
    h.run_steps(10);
    let before = demo.knobs.count("denied");
    open_view(&mut h);
    search(&mut h, "v1.0");
    h.run_steps(2);
    let s = h.state().state.search.clone().expect("a search");
    assert!(!s.is_running());
    assert_eq!(
        demo.knobs.count("denied"),
        before,
        "no request to the denied registry"
    );
    let failed: Vec<_> = s
        .errors
        .iter()
        .filter(|e| e.registry == denied.key())
        .collect();
    assert_eq!(failed.len(), 1, "counted once: {:?}", s.errors);
    assert!(failed[0].repository.is_none(), "the whole registry");
    assert!(
        failed[0].reason.contains("not authorized") || failed[0].reason.contains("denied"),
        "{}",
        failed[0].reason
    );
    assert_eq!(s.done, s.total, "every other repository searched");
    assert_eq!(s.total, 200);
    assert!(
        h.query_by_label_contains("could not be searched").is_some(),
        "said on screen"
    );
    // A second search: still no request, still one line.
    search(&mut h, "latest");
    assert_eq!(demo.knobs.count("denied"), before);
    let s = h.state().state.search.clone().expect("a search");
    assert_eq!(s.errors.len(), 1, "{:?}", s.errors);
}

/// Issue 22, item 5: a registry still listing when the search starts is
/// waited for, not searched on the pages that have arrived.
#[test]
fn a_search_waits_for_a_listing_in_progress() {
    let rt = runtime();
    let mut h = two_registries(&rt);
    let demo = demo_of(&h);
    demo.knobs.set_latency(Duration::from_millis(300));
    // F5: the selected registry's list is being read again (slowly) when
    // the search starts.
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::Refresh));
    h.step();
    assert!(
        h.state()
            .state
            .registries
            .iter()
            .any(|r| r.repositories.is_loading()),
        "a registry is listing"
    );
    // Only the listing already on its way is slow.
    demo.knobs.set_latency(Duration::ZERO);
    search(&mut h, "nothing-has-this-tag");
    let s = h.state().state.search.clone().expect("a search");
    assert_eq!((s.done, s.total), (200, 200), "both registries, whole");
    assert!(s.errors.is_empty(), "{:?}", s.errors);
}
