//! The registry tabs (overview, pull-through cache) and the repository tabs
//! (lifecycle, permissions) under egui_kittest, against the demo endpoint.

use crate::common;

use common::ui::{demo_app, retype, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

fn app(rt: &tokio::runtime::Runtime) -> Harness<'static, EcrscopeApp> {
    // Tall enough for five rule cards: clicks land only on what is on screen.
    let mut h = demo_app(rt, |b| b.with_size(egui::vec2(1400.0, 1600.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h
}

/// What the app asked the platform to copy in the last frame.
fn copied(h: &Harness<'_, EcrscopeApp>) -> Vec<String> {
    h.output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn docker_hub_rule_refused_without_credential_then_created_validated_and_copied() {
    let rt = runtime();
    let mut h = app(&rt);
    let demo = common::ui::demo_of(&h);
    h.get_by_label_contains("Pull-through cache").click();
    step_until(&mut h, 10, "rules", |h| {
        h.query_by_label("Validate rule docker-hub").is_some()
    });
    h.get_by_label_contains("New rule").click();
    step_until(&mut h, 5, "form", |h| {
        h.query_by_role_and_label(Role::TextInput, "Repository prefix")
            .is_some()
    });
    h.get_by_label("Docker Hub").click();
    h.step();
    retype(&mut h, "Repository prefix", "hub2");
    h.get_by_label("Create").click();
    step_until(&mut h, 5, "refusal", |h| {
        h.query_by_label_contains("Docker Hub needs a credential")
            .is_some()
    });
    assert_eq!(
        demo.knobs.count("CreatePullThroughCacheRule"),
        0,
        "refused before any call"
    );
    // A secret in another region: refused next to the field too.
    retype(
        &mut h,
        "Credential ARN (required)",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/hub2",
    );
    step_until(&mut h, 5, "region refusal", |h| {
        h.query_by_label_contains("it must be in the same region")
            .is_some()
    });
    retype(
        &mut h,
        "Credential ARN (required)",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/hub2",
    );
    h.get_by_label("Create").click();
    step_until(&mut h, 10, "created and listed", |h| {
        h.query_by_label("Validate rule hub2").is_some()
    });
    let server = demo
        .with_store(|s| {
            s.rules
                .iter()
                .find(|r| r.prefix == "hub2")
                .map(|r| (r.upstream.clone(), r.credential_arn.is_some()))
        })
        .flatten();
    assert_eq!(server, Some(("docker-hub".to_owned(), true)));
    for _ in 0..40 {
        h.step();
    }
    h.get_by_label("Validate rule hub2").click();
    step_until(&mut h, 10, "validated", |h| {
        h.query_by_label_contains("Valid: ECR reached the upstream")
            .is_some()
    });
    assert_eq!(demo.knobs.count("ValidatePullThroughCacheRule"), 1);
    h.get_by_label("Copy pull URI of hub2").click();
    h.step();
    assert_eq!(
        copied(&h),
        ["123456789012.dkr.ecr.us-east-1.amazonaws.com/hub2/<upstream repository>:<tag>"]
    );
}

#[test]
fn editing_a_rule_changes_only_its_credential() {
    let rt = runtime();
    let mut h = app(&rt);
    let demo = common::ui::demo_of(&h);
    h.get_by_label_contains("Pull-through cache").click();
    step_until(&mut h, 10, "rules", |h| {
        h.query_by_label("Edit rule docker-hub").is_some()
    });
    h.get_by_label("Edit rule docker-hub").click();
    step_until(&mut h, 5, "form", |h| {
        h.query_by_label_contains("delete the rule and create a new one")
            .is_some()
    });
    retype(
        &mut h,
        "Credential ARN (required)",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/rotated",
    );
    h.get_by_label("Save").click();
    step_until(&mut h, 10, "saved", |h| {
        h.query_by_label_contains("ecr-pullthroughcache/rotated")
            .is_some()
            && h.query_by_label("Save").is_none()
    });
    assert_eq!(demo.knobs.count("UpdatePullThroughCacheRule"), 1);
    assert_eq!(demo.knobs.count("DeletePullThroughCacheRule"), 0);
}

#[test]
fn lifecycle_form_edits_the_json_preview_lists_images_and_apply_saves() {
    let rt = runtime();
    let mut h = app(&rt);
    let demo = common::ui::demo_of(&h);
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::SelectRepository(Some("analytics/dashboard".into())),
    ));
    step_until(&mut h, 10, "tabs", |h| {
        h.query_by_label_contains("Lifecycle policy").is_some()
    });
    h.get_by_label_contains("Lifecycle policy").click();
    step_until(&mut h, 10, "editor", |h| {
        h.query_by_label_contains("Valid for ECR").is_some()
    });
    // The form's count drives the JSON.
    h.get_by_label("Count of rule 1").click();
    h.step();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Count of rule 1").type_text("3");
    h.key_press(egui::Key::Enter);
    step_until(&mut h, 5, "json follows", |h| {
        h.state().view.lifecycle.raw.contains("\"countNumber\": 3")
    });
    h.get_by_label_contains("Preview").click();
    step_until(&mut h, 20, "preview", |h| {
        h.query_by_label_contains("images would expire").is_some()
            || h.query_by_label_contains("image would expire").is_some()
    });
    let expected = demo
        .with_store(|s| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs_f64();
            s.repos["analytics/dashboard"]
                .images
                .iter()
                .filter(|i| i.tags.is_empty() && now - i.pushed_at > 3.0 * 86_400.0)
                .count()
        })
        .unwrap();
    assert!(expected > 0, "the seed has old untagged images");
    let shown = format!(
        "Preview complete: {expected} image{} would expire (be deleted), 0 images would be archived.",
        if expected == 1 { "" } else { "s" }
    );
    assert!(h.query_by_label_contains(&shown).is_some(), "{shown}");
    // What it saves: the expired images' sizes at the table's price.
    let bytes: u64 = demo
        .with_store(|s| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs_f64();
            s.repos["analytics/dashboard"]
                .images
                .iter()
                .filter(|i| i.tags.is_empty() && now - i.pushed_at > 3.0 * 86_400.0)
                .map(|i| i.size as u64)
                .sum()
        })
        .unwrap();
    let saving = ecr_core::cost::dollars(bytes as f64 / 1_073_741_824.0 * 0.10);
    step_until(&mut h, 10, "the saving", |h| {
        h.query_by_label_contains(&format!("Saves about {saving} a month"))
            .is_some()
    });
    // Invalid JSON: refused next to the editor, and Apply is off.
    h.state_mut().view.lifecycle.raw = "{\"rules\": []}".into();
    step_until(&mut h, 5, "refusal", |h| {
        h.query_by_label_contains("at least one rule").is_some()
    });
    assert!(
        h.get_by_label_contains("Apply")
            .accesskit_node()
            .is_disabled()
    );
    h.state_mut().view.lifecycle.form_edited();
    h.step();
    h.get_by_label_contains("Apply").click();
    step_until(&mut h, 5, "confirm", |h| {
        h.query_by_label("Apply policy").is_some()
    });
    h.get_by_label("Apply policy").click();
    step_until(&mut h, 10, "saved", |h| {
        h.query_by_label_contains("Last evaluated").is_some()
            || h.query_by_label_contains("has not evaluated").is_some()
    });
    assert_eq!(demo.knobs.count("PutLifecyclePolicy"), 1);
    let stored = demo
        .with_store(|s| s.repos["analytics/dashboard"].lifecycle.clone())
        .flatten()
        .expect("stored policy");
    assert!(stored.contains("\"countNumber\":3") || stored.contains("\"countNumber\": 3"));
}

#[test]
fn overview_sweep_lists_critical_images_and_login_copies_once() {
    let rt = runtime();
    let mut h = app(&rt);
    let demo = common::ui::demo_of(&h);
    h.get_by_label_contains("Overview").click();
    step_until(&mut h, 10, "overview", |h| {
        h.query_by_label("Check every tagged image").is_some()
            && h.query_all_by_label_contains("dkr.ecr.us-east-1.amazonaws.com")
                .next()
                .is_some()
    });
    h.get_by_label("Check every tagged image").click();
    step_until(&mut h, 60, "sweep done", |h| {
        h.state().state.sweeping.is_none()
            && h.query_by_label_contains("tagged images known").is_some()
    });
    // Every tagged image was asked about once, never more.
    let tagged = demo
        .with_store(|s| {
            s.repos
                .values()
                .flat_map(|r| r.images.iter())
                .filter(|i| {
                    !i.tags.is_empty()
                        && !ecrscope::model::ManifestKind::from_media_type(&i.media_type).is_index()
                })
                .count() as u64
        })
        .unwrap();
    assert_eq!(demo.knobs.count("DescribeImageScanFindings"), tagged);
    let shown = format!("{tagged} of {tagged} tagged images known");
    assert!(h.query_by_label_contains(&shown).is_some(), "{shown}");
    assert!(
        h.query_by_label("sandbox/experiments").is_some(),
        "worst repository listed"
    );
    // The repositories table now carries web/frontend's worst severity,
    // counted here from the store.
    let worst = demo
        .with_store(|s| {
            let order = [
                "CRITICAL",
                "HIGH",
                "MEDIUM",
                "LOW",
                "INFORMATIONAL",
                "UNDEFINED",
            ];
            s.repos["web/frontend"]
                .images
                .iter()
                .filter(|i| !i.tags.is_empty() && i.scan.is_some())
                .flat_map(|i| i.basic_findings.iter())
                .filter_map(|f| f["severity"].as_str())
                .filter_map(|sev| order.iter().position(|o| *o == sev))
                .min()
                .map(|p| order[p])
        })
        .flatten()
        .expect("findings in web/frontend");
    h.get_by_label("\u{E390} Repositories").click();
    step_until(&mut h, 10, "worst column", |h| {
        h.query_all_by_label(worst).next().is_some()
    });
    h.get_by_label("\u{E150} Overview").click();
    step_until(&mut h, 10, "overview again", |h| {
        h.query_by_label("Get a login token").is_some()
    });
    // Login: the password is copied once, never shown.
    h.get_by_label("Get a login token").click();
    step_until(&mut h, 10, "token", |h| {
        h.query_by_label("Copy password").is_some()
    });
    assert!(h.query_by_label_contains("expires in 11h").is_some());
    h.get_by_label("Copy password").click();
    h.step();
    let copied = copied(&h);
    assert_eq!(copied.len(), 1);
    assert!(!copied[0].is_empty());
    assert!(
        h.query_by_label_contains(&copied[0]).is_none(),
        "the password is never on screen"
    );
    step_until(&mut h, 5, "forgotten", |h| {
        h.query_by_label_contains("password copied and forgotten")
            .is_some()
    });
}

#[test]
fn a_refused_token_says_why() {
    let rt = runtime();
    let mut h = app(&rt);
    let demo = common::ui::demo_of(&h);
    demo.knobs.inject(ecrscope::demo::Fault {
        operation: Some("GetAuthorizationToken".into()),
        kind: ecrscope::demo::FaultKind::AccessDenied,
        count: 1,
        after: 0,
    });
    h.get_by_label_contains("Overview").click();
    step_until(&mut h, 10, "overview", |h| {
        h.query_by_label("Get a login token").is_some()
    });
    h.get_by_label("Get a login token").click();
    step_until(&mut h, 10, "error in words", |h| {
        h.query_by_label_contains("Access denied").is_some()
            && h.query_by_label_contains("IAM policy").is_some()
    });
    assert!(h.query_by_label("Copy password").is_none());
}

#[test]
fn permissions_tab_shows_the_policy_or_says_there_is_none() {
    let rt = runtime();
    let mut h = app(&rt);
    h.state_mut().handle(ecrscope::ui::UiAction::Browse(
        ecrscope::ui::BrowseAction::SelectRepository(Some("analytics/dashboard".into())),
    ));
    step_until(&mut h, 10, "tabs", |h| {
        h.query_by_label_contains("Permissions").is_some()
    });
    h.get_by_label_contains("Permissions").click();
    step_until(&mut h, 10, "policy", |h| {
        h.query_by_label_contains("has no policy").is_some()
            || h.query_by_label_contains("characters").is_some()
    });
}

/// The rule form's credential from Secrets Manager: the region's
/// `ecr-pullthroughcache/…` secrets listed and picked with a click; a new
/// one created in the form (its name checked first), which the field then
/// holds; the token is in the demo's secret, not in the app's state.
#[test]
fn a_credential_is_picked_or_created_in_the_rule_form() {
    let rt = runtime();
    let mut h = app(&rt);
    let demo = common::ui::demo_of(&h);
    h.get_by_label_contains("Pull-through cache").click();
    step_until(&mut h, 10, "rules", |h| {
        h.query_by_label("Validate rule docker-hub").is_some()
    });
    h.get_by_label_contains("New rule").click();
    step_until(&mut h, 10, "the region's secrets", |h| {
        h.query_by_label("Use secret docker-hub").is_some()
    });
    h.get_by_label("Docker Hub").click();
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Use secret docker-hub").click();
    for _ in 0..3 {
        h.step();
    }
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Credential ARN (required)")
            .value()
            .as_deref(),
        Some(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-Xy12Ab"
        )
    );
    h.get_by_label_contains("Create a secret").click();
    for _ in 0..3 {
        h.step();
    }
    retype(&mut h, "Secret name", "hub two");
    step_until(&mut h, 5, "the name refused", |h| {
        h.query_by_label_contains("' ' cannot be in a secret name")
            .is_some()
    });
    retype(&mut h, "Secret name", "hub-two");
    retype(&mut h, "Upstream user name", "octocat");
    let token = "dckr_pat_S3cretDemoToken";
    retype(&mut h, "Upstream access token", token);
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label_contains("Create secret").click();
    step_until(&mut h, 10, "created and taken", |h| {
        h.query_by_role_and_label(Role::TextInput, "Credential ARN (required)")
            .and_then(|n| n.value())
            .is_some_and(|v| v.contains("secret:ecr-pullthroughcache/hub-two-"))
    });
    let stored = demo
        .with_store(|s| {
            s.secrets
                .iter()
                .find(|x| x.name == "ecr-pullthroughcache/hub-two")
                .map(|x| x.value.clone())
        })
        .flatten()
        .expect("the secret");
    assert!(
        stored.contains(token) && stored.contains("octocat"),
        "{stored}"
    );
    let state = format!("{:?}", h.state().state);
    assert!(
        !state.contains(token),
        "the token is not kept in the app's state"
    );
    assert_eq!(demo.knobs.count("CreateSecret"), 1);
}
