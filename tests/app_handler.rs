//! The app's handler and glue under egui_kittest: a full worker queue loses
//! nothing, settings survive a restart (and --reset-settings writes none),
//! an unreadable settings file is kept, the login password is copied once,
//! another account's registry is not confused with the caller's.

use crate::common;

use ecrscope::ui::{
    BrowseAction, LoginAction, ManageAction, PreferencesAction, RegistriesAction, ScanningAction,
};
use std::path::Path;

use common::ui::{demo_app_with, demo_of, demo_options, runtime, step_until};
use ecrscope::app::{AppOptions, EcrscopeApp};
use ecrscope::demo::SeedConfig;
use ecrscope::model::{DEMO_SECOND_ACCOUNT, RegistrySource, RegistrySpec};
use ecrscope::ui::UiAction;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn app(rt: &tokio::runtime::Runtime, opts: AppOptions) -> Harness<'static, EcrscopeApp> {
    let mut h = demo_app_with(rt, opts, |b| b.with_size(egui::vec2(1280.0, 800.0)));
    step_until(&mut h, 30, "listed", |h| {
        h.state()
            .state
            .selected_registry()
            .and_then(|r| r.repositories.shown())
            .is_some_and(|l| l.len() == 25)
    });
    h
}

/// eframe's storage is not where ecrscope keeps its settings; saving only
/// needs something to hand over.
struct NoStorage;

impl eframe::Storage for NoStorage {
    fn get_string(&self, _key: &str) -> Option<String> {
        None
    }
    fn set_string(&mut self, _key: &str, _value: String) {}
    fn remove_string(&mut self, _key: &str) {}
    fn flush(&mut self) {}
}

fn save(h: &mut Harness<'static, EcrscopeApp>) {
    eframe::App::save(h.state_mut(), &mut NoStorage);
}

fn with_settings(path: &Path) -> AppOptions {
    AppOptions {
        settings_path: Some(path.to_owned()),
        reset_settings: false,
        ..demo_options(SeedConfig::small())
    }
}

#[test]
fn a_full_worker_queue_loses_no_command() {
    let rt = runtime();
    let mut opts = demo_options(SeedConfig::small());
    opts.worker.queue = 1;
    let mut h = app(&rt, opts);
    let names: Vec<String> = h
        .state()
        .state
        .selected_registry()
        .and_then(|r| r.repositories.shown())
        .expect("listed")
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let spec = ecrscope::state::demo_spec();
    h.state_mut()
        .handle(UiAction::Manage(ManageAction::ApplyBulk(
            spec,
            names.clone(),
            ecrscope::message::RepoChange::ScanOnPush(true),
        )));
    step_until(&mut h, 30, "every repository changed", |h| {
        demo_of(h)
            .with_store(|s| s.repos.values().all(|r| r.scan_on_push))
            .unwrap_or(false)
    });
    step_until(&mut h, 10, "every change confirmed", |h| {
        h.state()
            .state
            .selected_registry()
            .is_some_and(|r| r.pending.is_empty() && r.change_ok.len() == names.len())
    });
}

#[test]
fn settings_survive_a_restart_and_reset_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("settings.ron");
    let rt = runtime();
    {
        let mut h = app(&rt, with_settings(&path));
        h.state_mut()
            .handle(UiAction::Preferences(PreferencesAction::SetTheme(
                ecrscope::settings::ThemePref::Dark,
            )));
        h.state_mut()
            .handle(UiAction::Preferences(PreferencesAction::SortRepositories(
                ecrscope::settings::RepoColumn::Created,
            )));
        h.state_mut()
            .handle(UiAction::Browse(BrowseAction::SelectRepository(Some(
                "web/frontend".into(),
            ))));
        h.step();
        save(&mut h);
    }
    let written = std::fs::read_to_string(&path).expect("written");
    assert!(written.contains("Dark") && written.contains("web/frontend"));
    assert!(!written.to_ascii_lowercase().contains("secret"));
    {
        let h = app(&rt, with_settings(&path));
        let st = &h.state().state;
        assert_eq!(st.settings.theme, ecrscope::settings::ThemePref::Dark);
        assert_eq!(
            st.settings.repo_sort.column,
            ecrscope::settings::RepoColumn::Created
        );
        assert_eq!(st.location.repository.as_deref(), Some("web/frontend"));
    }
    // --reset-settings: defaults, and the saved file is left as it was.
    {
        let mut h = app(
            &rt,
            AppOptions {
                reset_settings: true,
                ..with_settings(&path)
            },
        );
        assert_eq!(
            h.state().state.settings.theme,
            ecrscope::settings::ThemePref::System
        );
        h.state_mut()
            .handle(UiAction::Preferences(PreferencesAction::SetTheme(
                ecrscope::settings::ThemePref::Light,
            )));
        save(&mut h);
    }
    assert_eq!(std::fs::read_to_string(&path).expect("read"), written);
}

#[test]
fn an_unreadable_settings_file_is_kept_and_said() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("settings.ron");
    std::fs::write(&path, "(theme: Dark, added_registries: [ broken").expect("seed");
    let rt = runtime();
    let mut h = app(&rt, with_settings(&path));
    let kept: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter()
            .any(|n| n.starts_with("settings.ron.unreadable-")),
        "{kept:?}"
    );
    step_until(&mut h, 5, "said where it went, in the status bar", |h| {
        h.query_all_by_label_contains("settings.ron.unreadable-")
            .next()
            .is_some()
    });
}

#[test]
fn the_login_password_is_copied_once_then_forgotten() {
    let rt = runtime();
    let mut h = app(&rt, demo_options(SeedConfig::small()));
    let spec = ecrscope::state::demo_spec();
    h.state_mut()
        .handle(UiAction::Login(LoginAction::GetToken(spec.clone())));
    step_until(&mut h, 10, "token", |h| {
        h.state()
            .state
            .selected_registry()
            .and_then(|r| r.docs.login.shown())
            .is_some_and(|l| l.token.is_some())
    });
    h.state_mut()
        .handle(UiAction::Login(LoginAction::CopyPassword(spec.key())));
    let copied = h.state_mut().view.clipboard.take();
    assert!(copied.is_some_and(|p| p.len() >= 16));
    let left = h
        .state()
        .state
        .selected_registry()
        .and_then(|r| r.docs.login.shown())
        .map(|l| (l.token.is_some(), l.expires_at.is_some()));
    assert_eq!(left, Some((false, true)), "forgotten; the expiry stays");
    h.state_mut()
        .handle(UiAction::Login(LoginAction::CopyPassword(spec.key())));
    assert!(h.state_mut().view.clipboard.take().is_none(), "only once");
}

#[test]
fn another_accounts_registry_is_not_the_callers() {
    let rt = runtime();
    let mut h = app(&rt, demo_options(SeedConfig::small()));
    let other = RegistrySpec {
        profile: None,
        region: "us-east-1".into(),
        endpoint: None,
        registry_id: Some(DEMO_SECOND_ACCOUNT.into()),
        source: RegistrySource::Demo,
    };
    h.state_mut()
        .handle(UiAction::Registries(RegistriesAction::Add(other.clone())));
    step_until(&mut h, 30, "the other account listed", |h| {
        h.state()
            .state
            .registry(&other.key())
            .and_then(|r| r.repositories.shown())
            .is_some_and(|l| !l.is_empty())
            && h.state()
                .state
                .registry(&other.key())
                .is_some_and(|r| r.info.shown().is_some())
    });
    let reg = h.state().state.registry(&other.key()).expect("registry");
    assert!(reg.is_cross_account());
    assert_eq!(reg.account(), Some(DEMO_SECOND_ACCOUNT));
    assert!(
        reg.repositories
            .shown()
            .is_some_and(|l| l.iter().all(|r| r.registry_id == DEMO_SECOND_ACCOUNT)),
        "its repositories are the other account's"
    );
    // The scanning configuration takes no registry id: not read, not offered.
    assert!(matches!(reg.scanning, ecrscope::state::Requested::Idle));
    h.state_mut()
        .handle(UiAction::Scanning(ScanningAction::OpenConfiguration(
            other.key(),
        )));
    assert!(h.state().view.modal.is_none());
    // The overview says why instead of showing the caller's own.
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectRegistry(other.key())));
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            ecrscope::state::RegistryTab::Overview,
        )));
    step_until(&mut h, 10, "overview", |h| {
        h.query_all_by_label_contains("only for the account you sign in with")
            .next()
            .is_some()
    });
    assert!(
        h.query_all_by_label_contains(&format!("{DEMO_SECOND_ACCOUNT}.dkr.ecr"))
            .next()
            .is_some(),
        "the docker host is the other account's"
    );
}
