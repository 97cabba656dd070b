//! An MFA-protected role from the window (the real app under egui_kittest),
//! against the demo endpoint's STS (whose roles named `…mfa…` take the
//! code 123456, see `ecr-demo::sts`): the registry says it needs the code
//! and offers "Enter MFA code"; a code that is not 6 digits is refused next
//! to the field before any call; a wrong code is refused by STS in words;
//! the right one closes the dialog and the registry loads, without a
//! restart. The app reads a test config file (client option `config_file`).
#![allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread

use crate::common;

use common::ui::*;
use ecrscope::demo::{DemoServer, SeedConfig};
use ecrscope::model::{EcrError, RegistrySource, RegistrySpec};
use ecrscope::state::RegistryState;
use ecrscope::ui::{BrowseAction, UiAction};
use egui_kittest::kittest::Queryable as _;

fn mfa_spec() -> RegistrySpec {
    RegistrySpec {
        profile: Some("admin".into()),
        region: "us-east-1".into(),
        endpoint: None,
        registry_id: None,
        source: RegistrySource::Profile,
    }
}

#[test]
fn the_code_is_asked_for_checked_and_the_registry_loads_with_it() {
    let rt = runtime();
    let demo = rt
        .block_on(DemoServer::start(&SeedConfig::small()))
        .expect("demo");
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile base]\naws_access_key_id = AKIDEMO\naws_secret_access_key = demo\nregion = us-east-1\nendpoint_url = {url}\n\n\
             [profile admin]\nrole_arn = arn:aws:iam::123456789012:role/mfa-admin\nsource_profile = base\n\
             mfa_serial = arn:aws:iam::123456789012:mfa/alice\nregion = us-east-1\nendpoint_url = {url}\n",
            url = demo.url()
        ),
    )
    .expect("config");
    let mut opts = demo_options(SeedConfig::small());
    opts.worker.client.config_file = Some(config);
    let mut h = demo_app_with(&rt, opts, |b| b.with_size(egui::vec2(1280.0, 800.0)));
    step_until(&mut h, 20, "the demo registry", |h| {
        h.state().state.registries.iter().any(|r| r.spec.is_demo())
    });
    let key = mfa_spec().key();
    h.state_mut()
        .state
        .registries
        .push(RegistryState::new(mfa_spec()));
    h.state_mut().state.location.registry = Some(key.clone());
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::RefreshRegistry(key.clone())));
    step_until(&mut h, 20, "the registry to ask for the code", |h| {
        matches!(
            h.state()
                .state
                .registry(&key)
                .and_then(|r| r.repositories.error()),
            Some(EcrError::MfaRequired { .. })
        )
    });
    h.run_steps(2);
    assert!(
        h.query_all_by_label_contains("assumes its role with MFA")
            .next()
            .is_some()
    );
    h.get_by_label("Enter MFA code").click();
    h.run_steps(4);

    // Not a code: said next to the field, nothing sent.
    h.get_by_label("Code").focus();
    h.run_steps(1);
    h.get_by_label("Code").type_text("12");
    h.run_steps(1);
    h.get_by_label("Use code").click();
    h.run_steps(3);
    h.get_by_label_contains("the 6 digits your MFA device shows");
    let entry = h.state().state.mfa.clone().expect("the dialog's state");
    assert_eq!(entry.request, None, "nothing was sent");

    // A wrong code: STS's refusal, in the dialog.
    h.get_by_label("Code").focus();
    h.run_steps(1);
    h.get_by_label("Code").type_text("654321");
    h.run_steps(1);
    h.get_by_label("Use code").click();
    step_until(&mut h, 20, "STS to refuse", |h| {
        h.state().state.mfa.as_ref().is_some_and(|m| {
            m.request.is_none() && m.error.as_deref().is_some_and(|e| e.contains("STS"))
        })
    });
    h.run_steps(2);
    h.get_by_label_contains("invalid MFA one time pass code");

    // The right code: the dialog closes and the registry loads.
    h.get_by_label("Code").focus();
    h.run_steps(1);
    h.get_by_label("Code").type_text("123456");
    h.run_steps(1);
    h.get_by_label("Use code").click();
    step_until(&mut h, 30, "the registry to load with the session", |h| {
        h.state().state.mfa.is_none()
            && h.state()
                .state
                .registry(&key)
                .and_then(|r| r.repositories.shown())
                .is_some_and(|repos| !repos.is_empty())
    });
    // The code is not kept anywhere in the app's state (as text).
    let said = format!("{:?}", h.state().state);
    assert!(!said.contains("\"123456\""), "the code is not kept");
}
