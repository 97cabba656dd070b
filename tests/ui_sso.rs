//! Signing in to IAM Identity Center from the window (the real app under
//! egui_kittest), against the demo endpoint's SSO OIDC: a registry whose
//! SSO session expired offers "Sign in"; the dialog shows the code and
//! opens the page; allowed on the page (its form's POST, as a person would
//! press Allow), the token lands in the cache file named as the aws CLI
//! names it, the dialog says so and the registry is asked again. An expired
//! code and Cancel end in words, with nothing written. (The registry then
//! answering through aws-config's SSO provider is held by `tests/sso.rs`
//! and the end-to-end run, which control HOME; this process cannot.)
#![allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread

use crate::common;

use std::time::Duration;

use common::ui::*;
use ecrscope::demo::{DemoServer, SeedConfig};
use ecrscope::login::actions::LoginAction;
use ecrscope::login::sso::SsoPlace;
use ecrscope::login::state::SsoPhase;
use ecrscope::model::{EcrError, RegistrySource, RegistrySpec};
use ecrscope::state::RegistryState;
use ecrscope::ui::UiAction;
use egui_kittest::kittest::Queryable as _;

struct World {
    rt: tokio::runtime::Runtime,
    sso: DemoServer,
    home: tempfile::TempDir,
}

fn world() -> World {
    let rt = runtime();
    let sso = rt
        .block_on(DemoServer::start(&SeedConfig::small()))
        .expect("demo");
    let home = tempfile::tempdir().expect("home");
    std::fs::create_dir_all(home.path().join(".aws")).expect("mkdir");
    std::fs::write(
        home.path().join(".aws/config"),
        format!(
            "[profile corp]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\nregion = us-east-1\nendpoint_url = {}\n\n\
             [sso-session corp]\nsso_start_url = https://d-demo.awsapps.com/start\nsso_region = us-east-1\n",
            sso.url()
        ),
    )
    .expect("config");
    World { rt, sso, home }
}

fn corp() -> RegistrySpec {
    RegistrySpec {
        profile: Some("corp".into()),
        region: "us-east-1".into(),
        endpoint: None,
        registry_id: None,
        source: RegistrySource::Profile,
    }
}

/// The app with the `corp` registry shown as its SSO session expired.
fn app(w: &World) -> egui_kittest::Harness<'static, ecrscope::app::EcrscopeApp> {
    let mut opts = demo_options(SeedConfig::small());
    opts.sso_place = Some(SsoPlace {
        home: w.home.path().to_owned(),
        config_file: Some(w.home.path().join(".aws/config")),
    });
    let mut h = demo_app_with(&w.rt, opts, |b| b.with_size(egui::vec2(1280.0, 800.0)));
    step_until(&mut h, 20, "the demo registry", |h| {
        h.state().state.registries.iter().any(|r| r.spec.is_demo())
    });
    let state = &mut h.state_mut().state;
    let mut reg = RegistryState::new(corp());
    reg.repositories.start(u64::MAX);
    reg.repositories.fail(
        u64::MAX,
        EcrError::SsoExpired {
            profile: "corp".into(),
        },
    );
    state.registries.push(reg);
    state.location.registry = Some(corp().key());
    h.run_steps(3);
    h
}

fn phase(h: &egui_kittest::Harness<'_, ecrscope::app::EcrscopeApp>) -> Option<SsoPhase> {
    h.state().state.sso.as_ref().map(|s| s.phase.clone())
}

fn waiting_code(h: &mut egui_kittest::Harness<'_, ecrscope::app::EcrscopeApp>) -> (String, String) {
    step_until(h, 20, "the sign-in code", |h| {
        matches!(phase(h), Some(SsoPhase::Waiting { .. }))
    });
    match phase(h) {
        Some(SsoPhase::Waiting { prompt, .. }) => {
            (prompt.user_code, prompt.verification_uri_complete)
        }
        other => panic!("not waiting: {other:?}"),
    }
}

fn allow(w: &World, code: &str) -> u16 {
    w.rt.block_on(common::post_form(
        &w.sso.url(),
        "/device/approve",
        &format!("user_code={code}"),
    ))
}

#[test]
fn sign_in_from_the_registry_writes_the_token_and_asks_the_registry_again() {
    let w = world();
    let mut h = app(&w);
    h.get_by_label_contains("ecrscope login --profile corp");
    h.get_by_label("Sign in").click();
    h.run_steps(2);
    let (code, page) = waiting_code(&mut h);
    // The dialog shows the code and where to allow it, and opened the page.
    h.run_steps(2);
    h.get_by_label(&code);
    h.get_by_label_contains("Waiting for you to allow it");
    assert!(page.contains(&format!("user_code={code}")), "{page}");
    assert_eq!(allow(&w, &code), 200);
    step_until(&mut h, 20, "signed in", |h| {
        matches!(phase(h), Some(SsoPhase::SignedIn(_)))
    });
    h.run_steps(2);
    h.get_by_label_contains("Signed in.");
    let file = ecrscope::login::sso::cache_file(w.home.path(), "corp");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("the cache file")).expect("json");
    assert_eq!(doc["startUrl"], "https://d-demo.awsapps.com/start");
    assert!(doc["accessToken"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(doc["refreshToken"].as_str().is_some());
    // The token is in the file only: not in the app's state or notices.
    let token = doc["accessToken"].as_str().unwrap_or_default().to_owned();
    let said = format!("{:?}", h.state().state.sso);
    assert!(!said.contains(&token), "the state holds no token");
    // The registry whose session had expired is asked again (here its
    // answer comes from this process's own HOME, so only the asking shows).
    step_until(&mut h, 20, "the registry asked again", |h| {
        h.state().state.registry(&corp().key()).is_some_and(|r| {
            r.repositories.is_loading()
                || !matches!(r.repositories.error(), Some(EcrError::SsoExpired { .. }))
        })
    });
    h.get_by_label("Close").click();
    h.run_steps(2);
    assert!(h.state().state.sso.is_none());
}

#[test]
fn an_expired_code_says_so_and_offers_another_try() {
    let w = world();
    if let Ok(mut st) = w.sso.sso.lock() {
        st.device_lifetime = Duration::from_secs(1);
    }
    let mut h = app(&w);
    h.state_mut()
        .handle(UiAction::Login(LoginAction::SsoSignIn(corp())));
    step_until(&mut h, 20, "the code to expire", |h| {
        matches!(phase(h), Some(SsoPhase::Failed(_)))
    });
    h.run_steps(2);
    h.get_by_label_contains("The sign-in code expired before it was allowed");
    h.get_by_label("Try again");
    assert!(!ecrscope::login::sso::cache_file(w.home.path(), "corp").exists());
    // Try again starts a fresh sign-in with a new code.
    if let Ok(mut st) = w.sso.sso.lock() {
        st.device_lifetime = Duration::from_secs(600);
    }
    h.get_by_label("Try again").click();
    h.run_steps(2);
    let (code, _) = waiting_code(&mut h);
    assert_eq!(allow(&w, &code), 200);
    step_until(&mut h, 20, "signed in", |h| {
        matches!(phase(h), Some(SsoPhase::SignedIn(_)))
    });
}

#[test]
fn cancel_stops_the_sign_in_and_writes_nothing() {
    let w = world();
    let mut h = app(&w);
    h.state_mut()
        .handle(UiAction::Login(LoginAction::SsoSignIn(corp())));
    let (code, _) = waiting_code(&mut h);
    h.run_steps(6);
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().state.sso.is_none(), "the dialog closed");
    // Allowed too late: the app no longer polls, so nothing is written.
    assert_eq!(allow(&w, &code), 200);
    std::thread::sleep(Duration::from_millis(2500));
    h.run_steps(3);
    assert!(!ecrscope::login::sso::cache_file(w.home.path(), "corp").exists());
}
