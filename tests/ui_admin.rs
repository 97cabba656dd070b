//! Registry administration in the real app against the demo endpoint: the
//! registry policy editor (ready-made statements, rows and JSON in step,
//! refusals in words before any call, pinned to the registry it was opened
//! for while the user navigates to another), who may pull and push a
//! repository, replication rules with their preview and each image's
//! status, account settings, and "exclude the principal I browse as".

use crate::common;

use common::ui::{demo_app, demo_of, open_repository, retype, runtime, step_until};
use ecrscope::app::EcrscopeApp;
use ecrscope::model::{DEMO_ACCOUNT, RegistrySpec};
use ecrscope::state::Location;
use ecrscope::ui::{BrowseAction, RegistriesAction, UiAction};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

fn spec(region: &str) -> RegistrySpec {
    common::ui::demo_spec(region)
}

fn steps(h: &mut Harness<'static, EcrscopeApp>, n: usize) {
    for _ in 0..n {
        h.step();
    }
}

fn go(h: &mut Harness<'static, EcrscopeApp>, region: &str) {
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::GoTo(Location {
            registry: Some(spec(region).key()),
            repository: None,
            image: None,
        })));
    steps(h, 3);
}

fn admin_tab(h: &mut Harness<'static, EcrscopeApp>) {
    step_until(h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.get_by_label_contains("Administration").click();
    step_until(h, 30, "the seeded registry policy", |h| {
        h.query_by_label_contains("Allow account 210987654321")
            .is_some()
    });
}

fn registry_policy(h: &Harness<'_, EcrscopeApp>, region: &str) -> Option<String> {
    demo_of(h)
        .with_store_at(DEMO_ACCOUNT, region, |s| s.admin.registry_policy.clone())
        .flatten()
}

/// Edit the registry policy: an account id that is not one is refused
/// next to the preset; broken JSON is refused with nothing sent; the
/// statement added by clicks lands in the registry the dialog was opened
/// for although the user went to another registry meanwhile, and the
/// dialog closes once the registry took it.
#[test]
fn the_registry_policy_is_edited_checked_and_saved_where_it_was_opened() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 1000.0)));
    h.state_mut()
        .handle(UiAction::Registries(RegistriesAction::Add(spec(WEST))));
    go(&mut h, EAST);
    admin_tab(&mut h);
    h.get_by_label_contains("Edit registry policy").click();
    steps(&mut h, 6);
    retype(&mut h, "Preset account id (12 digits)", "12");
    h.get_by_label("Add statement").click();
    step_until(&mut h, 5, "the id refused", |h| {
        h.query_by_label_contains("'12' is not an account id: 12 digits.")
            .is_some()
    });
    retype(&mut h, "Preset account id (12 digits)", "111122223333");
    h.get_by_label("Add statement").click();
    step_until(&mut h, 5, "the change listed", |h| {
        h.query_by_label_contains("+ AllowPull111122223333: Allow account 111122223333 3 action(s)")
            .is_some()
    });
    // The JSON follows the rows; broken JSON is said and nothing is sent.
    h.get_by_label("JSON").click();
    steps(&mut h, 2);
    let json = h
        .get_by_role_and_label(egui::accesskit::Role::TextInput, "Policy JSON")
        .value()
        .expect("the JSON's text");
    assert!(json.contains("arn:aws:iam::111122223333:root"), "{json}");
    assert!(
        json.contains("arn:aws:ecr:us-east-1:123456789012:repository/*"),
        "{json}"
    );
    retype(&mut h, "Policy JSON", "{\"Statement\": [");
    step_until(&mut h, 5, "the JSON refused", |h| {
        h.query_by_label_contains("Not JSON").is_some()
    });
    h.get_by_label("Save policy").click();
    steps(&mut h, 3);
    assert_eq!(demo_of(&h).knobs.count("PutRegistryPolicy"), 0);
    // A row edit writes the JSON again from the rows (the error goes).
    h.get_by_label("Statements").click();
    steps(&mut h, 2);
    retype(&mut h, "Sid of statement 2", "AllowPullPartner");
    steps(&mut h, 3);
    assert!(h.query_by_label_contains("Not JSON").is_none());
    // Navigate to the other registry while the dialog is open.
    go(&mut h, WEST);
    assert!(h.query_by_label("Registry policy").is_some(), "still open");
    h.get_by_label("Save policy").click();
    step_until(&mut h, 30, "saved and closed", |h| {
        registry_policy(h, EAST).is_some_and(|p| p.contains("AllowPullPartner"))
            && h.query_by_label("Save policy").is_none()
    });
    assert!(
        registry_policy(&h, WEST).is_none_or(|p| !p.contains("AllowPullPartner")),
        "the other registry is untouched"
    );
    assert_eq!(demo_of(&h).knobs.count("PutRegistryPolicy"), 1);
    // Back at east, the tab shows what the registry holds now.
    go(&mut h, EAST);
    step_until(&mut h, 30, "read back", |h| {
        h.query_by_label_contains("Allow account 111122223333: ecr:BatchGetImage")
            .is_some()
    });
}

/// A V1 registry policy scope refuses a pull grant in the registry policy
/// before any call, saying why.
#[test]
fn scope_v1_refuses_a_pull_grant_in_words() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 1000.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    demo_of(&h).with_store(|s| {
        s.admin
            .settings
            .insert("REGISTRY_POLICY_SCOPE".into(), "V1".into());
    });
    admin_tab(&mut h);
    step_until(&mut h, 30, "the scope read", |h| {
        h.query_by_label_contains(
            "only ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository count",
        )
        .is_some()
    });
    h.get_by_label_contains("Edit registry policy").click();
    steps(&mut h, 6);
    retype(&mut h, "Preset account id (12 digits)", "111122223333");
    h.get_by_label("Add statement").click();
    step_until(&mut h, 5, "refused for the scope", |h| {
        h.query_by_label_contains("is not enforced in a registry policy of scope V1")
            .is_some()
    });
    h.get_by_label("Save policy").click();
    steps(&mut h, 3);
    assert_eq!(demo_of(&h).knobs.count("PutRegistryPolicy"), 0);
}

/// Who may pull and push a repository, from both policies: the registry
/// policy's replication grant is not a pull; a repository policy added by
/// clicks ("let Lambda pull") shows as the service pulling.
#[test]
fn a_repository_says_who_may_pull_and_push() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 1000.0)));
    open_repository(&mut h, "hello-world");
    h.get_by_label_contains("Permissions").click();
    step_until(&mut h, 30, "the summary", |h| {
        h.query_by_label_contains("No resource policy lets anyone pull or push here")
            .is_some()
    });
    h.get_by_label("Edit policy…").click();
    steps(&mut h, 6);
    h.get_by_label("Let Lambda pull").click();
    steps(&mut h, 2);
    h.get_by_label("Add statement").click();
    steps(&mut h, 3);
    h.get_by_label("Save policy").click();
    step_until(&mut h, 30, "saved and read back", |h| {
        h.query_by_label("Save policy").is_none()
            && h.query_by_label_contains("the service lambda.amazonaws.com")
                .is_some()
    });
    let policy = demo_of(&h)
        .with_store(|s| s.repos["hello-world"].policy.clone())
        .flatten()
        .expect("a policy");
    assert!(policy.contains("lambda.amazonaws.com"), "{policy}");
}

/// Replication rules: a destination that is this registry is refused next
/// to its rule; each rule says which repositories it matches; the rules
/// saved are what DescribeRegistry reads back. An image of a covered
/// repository says where it went (the other account refuses: FAILED with
/// its code), and the repository's summary counts each destination; an
/// uncovered repository costs no call.
#[test]
fn replication_rules_and_statuses() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 1000.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    // Every image counts as pushed after the rule.
    demo_of(&h).with_store(|s| s.admin.replication_put_at = 0.0);
    admin_tab(&mut h);
    step_until(&mut h, 30, "the seeded rule", |h| {
        h.query_by_label_contains("Rule 1: names starting platform to us-west-2, eu-west-1 (210987654321) · matches 3 of 25")
            .is_some()
    });
    h.get_by_label_contains("Edit replication rules").click();
    steps(&mut h, 6);
    h.get_by_label("Add rule").click();
    steps(&mut h, 3);
    retype(&mut h, "Destinations of rule 2", "us-east-1");
    step_until(&mut h, 5, "refused", |h| {
        h.query_by_label_contains("is this registry").is_some()
    });
    retype(&mut h, "Destinations of rule 2", "eu-central-1");
    retype(&mut h, "Repository prefixes of rule 2", "payments/");
    step_until(&mut h, 5, "the preview", |h| {
        h.query_by_label_contains(
            "matches 2 of 25 repositories: payments/checkout, payments/ledger",
        )
        .is_some()
    });
    steps(&mut h, 2);
    h.get_by_label("Save replication rules").click();
    step_until(&mut h, 30, "saved and closed", |h| {
        h.query_by_label("Save replication rules").is_none()
            && demo_of(h)
                .with_store(|s| s.admin.replication.len())
                .is_some_and(|n| n == 2)
    });
    step_until(&mut h, 30, "read back", |h| {
        h.query_by_label_contains("Rule 2: names starting payments/ to eu-central-1")
            .is_some()
    });
    // The put moved the rules' time: make every image count again.
    demo_of(&h).with_store(|s| s.admin.replication_put_at = 0.0);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            ecrscope::state::RegistryTab::Repositories,
        )));
    steps(&mut h, 3);
    open_repository(&mut h, "hello-world");
    let newest = |h: &Harness<'_, EcrscopeApp>| {
        h.state().state.open_images().and_then(|ri| {
            ri.list
                .shown()
                .and_then(|l| l.iter().max_by_key(|i| i.pushed_at).map(|i| i.digest))
        })
    };
    let d = newest(&h);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectImage(d)));
    steps(&mut h, 10);
    assert_eq!(demo_of(&h).knobs.count("DescribeImageReplicationStatus"), 0);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectRepository(Some(
            "platform/api-gateway".into(),
        ))));
    step_until(&mut h, 30, "images", |h| {
        h.state()
            .state
            .open_images()
            .is_some_and(|ri| ri.list.shown().is_some() && !ri.list.is_loading())
    });
    let d = newest(&h);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectImage(d)));
    step_until(&mut h, 30, "the statuses", |h| {
        h.query_by_label_contains("Replicated to us-west-2 (123456789012): COMPLETE")
            .is_some()
            && h.query_by_label_contains(
                "Replicated to eu-west-1 (210987654321): FAILED · REPLICATION_PERMISSION_DENIED",
            )
            .is_some()
    });
    let total = h
        .state()
        .state
        .open_images()
        .and_then(|ri| ri.list.shown().map(|l| l.len()))
        .expect("images")
        .min(200);
    h.get_by_label_contains("Check the").click();
    step_until(&mut h, 60, "the summary", |h| {
        h.query_by_label_contains(&format!(
            "{total} of {total} complete in us-west-2 (123456789012)"
        ))
        .is_some()
            && h.query_by_label_contains(&format!(
                "0 of {total} complete in eu-west-1 (210987654321), {total} failed: REPLICATION_PERMISSION_DENIED"
            ))
            .is_some()
    });
    assert_eq!(
        demo_of(&h).knobs.count("DescribeImageReplicationStatus") as usize,
        total,
        "one call per image, none twice"
    );
    // The Replication column, on demand: hidden until asked for, then each
    // row on screen says where it went (already read: no call again).
    assert!(
        h.query_by_label("Replication").is_none(),
        "hidden by default"
    );
    h.state_mut().handle(UiAction::Preferences(
        ecrscope::ui::PreferencesAction::SetHiddenColumns(
            ecrscope::settings::Table::Images,
            std::collections::BTreeSet::new(),
        ),
    ));
    step_until(&mut h, 10, "the column's cells", |h| {
        h.query_by_label("Replication").is_some()
            && h.query_all_by_label("1 failed").next().is_some()
    });
    assert_eq!(
        demo_of(&h).knobs.count("DescribeImageReplicationStatus") as usize,
        total,
        "rows already read cost no call"
    );
}

/// Account settings are shown with their meaning and changed after a
/// confirmation; "exclude the principal I browse as" asks STS who that is
/// and registers its role; a user ARN typed is refused next to the field.
#[test]
fn account_settings_and_exclusions() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 1000.0)));
    admin_tab(&mut h);
    step_until(&mut h, 30, "settings", |h| {
        h.query_by_label_contains("every repository receives its own upload of each layer")
            .is_some()
    });
    h.state_mut().handle(UiAction::Admin(
        ecrscope::ui::AdminAction::SetAccountSetting(
            spec(EAST),
            ecrscope::model::AccountSetting::BlobMounting,
            "ENABLED".into(),
        ),
    ));
    step_until(&mut h, 30, "set and read back", |h| {
        h.query_by_label_contains("a push may mount a layer another repository")
            .is_some()
    });
    let exclusions = |h: &Harness<'_, EcrscopeApp>| {
        demo_of(h)
            .with_store(|s| {
                s.admin
                    .exclusions
                    .iter()
                    .map(|(a, _)| a.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    retype(
        &mut h,
        "Principal to exclude",
        "arn:aws:iam::123456789012:user/alice",
    );
    step_until(&mut h, 5, "refused", |h| {
        h.query_by_label_contains("ECR excludes roles only")
            .is_some()
    });
    h.get_by_label_contains("Exclude the principal I browse as")
        .click();
    step_until(&mut h, 30, "who I am", |h| {
        h.query_by_label_contains(
            "You browse as arn:aws:iam::123456789012:role/ecrscope-demo-reader",
        )
        .is_some()
    });
    h.get_by_label_contains("Exclude it").click();
    step_until(&mut h, 30, "excluded and read back", |h| {
        h.query_by_label_contains("already excluded").is_some()
    });
    assert!(
        exclusions(&h).contains(&"arn:aws:iam::123456789012:role/ecrscope-demo-reader".to_owned())
    );
    assert_eq!(
        demo_of(&h).knobs.count("RegisterPullTimeUpdateExclusion"),
        1
    );
}

/// The app's registry slot answered by moto instead of the demo endpoint:
/// the same client (fixed credentials, the demo's account and region), a
/// third-party ECR behind it.
#[derive(Debug)]
struct Moto(String);

impl ecrscope::worker::DemoEndpoint for Moto {
    fn url(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + '_>>
    {
        Box::pin(async move { Ok(self.0.clone()) })
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Against moto, read back with the aws CLI: a registry policy statement
/// added by clicks ("let an account replicate here": moto enforces the V1
/// scope's actions), a replication rule, and a repository policy ("let an
/// account pull"). moto lacks account settings and exclusions: their
/// sections say the endpoint has no such call.
#[test]
fn policies_and_replication_round_trip_through_moto() {
    let _g = common::moto_lock();
    let url = common::moto_url();
    let rt = runtime();
    // The test's own thread, before the app exists: no UI frame waits.
    #[allow(clippy::disallowed_methods)]
    rt.block_on(common::moto_reset(&url));
    common::aws_json(
        &url,
        &["ecr", "create-repository", "--repository-name", "team/api"],
    );
    let mut opts = common::ui::demo_options(ecrscope::demo::SeedConfig::small());
    opts.worker.demo = Some(std::sync::Arc::new(Moto(url.clone())));
    let mut h = common::ui::demo_app_with(&rt, opts, |b| b.with_size(egui::vec2(1400.0, 1000.0)));
    step_until(&mut h, 60, "moto's repository", |h| {
        h.query_by_label_contains("1 repositor").is_some()
    });
    h.get_by_label_contains("Administration").click();
    step_until(&mut h, 60, "no registry policy", |h| {
        h.query_by_label_contains("No registry policy").is_some()
    });
    h.get_by_label_contains("Edit registry policy").click();
    steps(&mut h, 6);
    h.get_by_label("Let an account replicate here").click();
    steps(&mut h, 2);
    retype(&mut h, "Preset account id (12 digits)", "111122223333");
    h.get_by_label("Add statement").click();
    steps(&mut h, 3);
    // The footer lags a frame behind the form: let it settle.
    steps(&mut h, 5);
    h.get_by_label("Save policy").click();
    step_until(&mut h, 60, "saved and closed", |h| {
        h.query_by_label("Save policy").is_none()
            && h.query_by_label_contains(
                "Allow account 111122223333: ecr:CreateRepository, ecr:ReplicateImage",
            )
            .is_some()
    });
    let p = common::aws_json(&url, &["ecr", "get-registry-policy"]);
    let text: serde_json::Value =
        serde_json::from_str(p["policyText"].as_str().expect("text")).expect("JSON");
    assert_eq!(
        text["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::111122223333:root"
    );
    assert_eq!(
        text["Statement"][0]["Resource"],
        "arn:aws:ecr:us-east-1:123456789012:repository/*"
    );
    // Replication: one rule (moto's limit), read back by the aws CLI.
    h.get_by_label_contains("Edit replication rules").click();
    steps(&mut h, 6);
    h.get_by_label("Add rule").click();
    steps(&mut h, 3);
    retype(
        &mut h,
        "Destinations of rule 1",
        "eu-west-1, us-east-1:111122223333",
    );
    retype(&mut h, "Repository prefixes of rule 1", "team/");
    steps(&mut h, 5);
    h.get_by_label("Save replication rules").click();
    step_until(&mut h, 60, "saved and closed", |h| {
        h.query_by_label("Save replication rules").is_none()
    });
    let r = common::aws_json(&url, &["ecr", "describe-registry"]);
    let rule = &r["replicationConfiguration"]["rules"][0];
    assert_eq!(rule["destinations"][0]["region"], "eu-west-1");
    assert_eq!(rule["destinations"][1]["registryId"], "111122223333");
    assert_eq!(rule["repositoryFilters"][0]["filter"], "team/");
    step_until(&mut h, 60, "moto lacks settings", |h| {
        h.query_by_label_contains("Account settings: this endpoint has no such call")
            .is_some()
    });
    // The repository policy, from the Permissions tab.
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            ecrscope::state::RegistryTab::Repositories,
        )));
    steps(&mut h, 3);
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SelectRepository(Some(
            "team/api".into(),
        ))));
    steps(&mut h, 5);
    h.get_by_label_contains("Permissions").click();
    step_until(&mut h, 60, "the summary", |h| {
        h.query_by_label_contains("No resource policy lets anyone pull or push here")
            .is_some()
    });
    h.get_by_label("Edit policy…").click();
    steps(&mut h, 6);
    retype(&mut h, "Preset account id (12 digits)", "111122223333");
    h.get_by_label("Add statement").click();
    steps(&mut h, 5);
    h.get_by_label("Save policy").click();
    step_until(&mut h, 60, "saved and summarised", |h| {
        h.query_by_label("Save policy").is_none()
            && h.query_by_label_contains("account 111122223333").is_some()
    });
    let p = common::aws_json(
        &url,
        &[
            "ecr",
            "get-repository-policy",
            "--repository-name",
            "team/api",
        ],
    );
    let text: serde_json::Value =
        serde_json::from_str(p["policyText"].as_str().expect("text")).expect("JSON");
    assert_eq!(
        text["Statement"][0]["Action"],
        serde_json::json!([
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchCheckLayerAvailability"
        ])
    );
}

fn templates(h: &Harness<'_, EcrscopeApp>) -> Vec<serde_json::Value> {
    demo_of(h)
        .with_store(|s| s.admin.templates.clone())
        .unwrap_or_default()
}

/// Creation templates: the two seeded ones listed; "which template
/// applies" answered for a typed name per way ECR creates a repository; a
/// new template with every field, each bad field refused next to itself
/// with nothing sent, then created and read back; edited; deleted after a
/// confirmation. The pull-through rule names the template it applies.
#[test]
fn creation_templates_are_listed_created_edited_and_deleted() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 1400.0)));
    admin_tab(&mut h);
    step_until(&mut h, 30, "the seeded templates", |h| {
        h.query_by_label_contains("Immutable, with exclusions · AES256 · lifecycle policy")
            .is_some()
    });
    retype(&mut h, "Repository name to try", "docker-hub/library/nginx");
    step_until(&mut h, 5, "which applies", |h| {
        h.query_by_label_contains(
            "docker-hub/library/nginx created for a pull-through cache: template docker-hub",
        )
        .is_some()
            && h.query_by_label_contains(
                "docker-hub/library/nginx created by replication: template ROOT",
            )
            .is_some()
            && h.query_by_label_contains(
                "docker-hub/library/nginx created on push: no template, so ECR does not create it",
            )
            .is_some()
    });
    h.get_by_label("New template…").click();
    steps(&mut h, 6);
    retype(&mut h, "Template prefix", "Prod");
    steps(&mut h, 3);
    h.get_by_label("Immutable, with exclusions").click();
    steps(&mut h, 2);
    h.get_by_label("KMS").click();
    steps(&mut h, 2);
    retype(
        &mut h,
        "Template KMS key",
        "arn:aws:kms:eu-west-1:123456789012:key/abc",
    );
    retype(&mut h, "Template resource tags", "team payments");
    retype(&mut h, "Template lifecycle policy", "{\"rules\": 5}");
    retype(
        &mut h,
        "Template custom role ARN",
        "arn:aws:iam::123456789012:user/x",
    );
    step_until(&mut h, 5, "every field refused next to itself", |h| {
        h.query_by_label_contains("'Prod' is not a repository name prefix")
            .is_some()
            && h.query_by_label_contains("This mode needs 1 to 5 exclusion filters")
                .is_some()
            && h.query_by_label_contains("same region").is_some()
            && h.query_by_label_contains("'team payments' is not key=value")
                .is_some()
            && h.query_by_label_contains("is not an IAM role ARN")
                .is_some()
    });
    h.get_by_label("Create template").click();
    steps(&mut h, 3);
    assert_eq!(
        demo_of(&h).knobs.count("CreateRepositoryCreationTemplate"),
        0
    );
    retype(&mut h, "Template prefix", "prod/payments");
    retype(&mut h, "Template exclusion filters", "latest, dev-*");
    retype(&mut h, "Template KMS key", "alias/payments-ecr");
    retype(
        &mut h,
        "Template resource tags",
        "team=payments\ncost-centre=42",
    );
    retype(
        &mut h,
        "Template lifecycle policy",
        r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#,
    );
    retype(
        &mut h,
        "Template custom role ARN",
        "arn:aws:iam::123456789012:role/ecr-templates",
    );
    steps(&mut h, 5);
    h.get_by_label("Create template").click();
    step_until(&mut h, 30, "created and closed", |h| {
        h.query_by_label("Create template").is_none()
            && templates(h).iter().any(|t| t["prefix"] == "prod/payments")
    });
    let t = templates(&h)
        .into_iter()
        .find(|t| t["prefix"] == "prod/payments")
        .expect("created");
    assert_eq!(t["imageTagMutability"], "IMMUTABLE_WITH_EXCLUSION");
    assert_eq!(t["encryptionConfiguration"]["kmsKey"], "alias/payments-ecr");
    assert_eq!(t["resourceTags"][1]["Key"], "cost-centre");
    assert_eq!(
        t["customRoleArn"],
        "arn:aws:iam::123456789012:role/ecr-templates"
    );
    assert_eq!(t["appliedFor"], serde_json::json!(["CREATE_ON_PUSH"]));
    step_until(&mut h, 30, "listed", |h| {
        h.query_by_label("prod/payments").is_some()
    });
    // Edit: also for replication.
    h.get_by_label("Edit the template prod/payments").click();
    steps(&mut h, 6);
    h.get_by_label("for replication").click();
    steps(&mut h, 2);
    steps(&mut h, 5);
    h.get_by_label("Save template").click();
    step_until(&mut h, 30, "updated", |h| {
        templates(h).iter().any(|t| {
            t["prefix"] == "prod/payments"
                && t["appliedFor"] == serde_json::json!(["CREATE_ON_PUSH", "REPLICATION"])
        }) && h.query_by_label("Save template").is_none()
    });
    // Delete, asked first.
    steps(&mut h, 3);
    h.get_by_label("Delete the template prod/payments").click();
    step_until(&mut h, 5, "asked", |h| {
        h.query_by_label("Delete the creation template prod/payments?")
            .is_some()
    });
    assert_eq!(templates(&h).len(), 3, "nothing deleted before the answer");
    steps(&mut h, 6);
    h.get_by_label("Delete template").click();
    step_until(&mut h, 30, "deleted", |h| templates(h).len() == 2);
    // The pull-through rule names its template.
    h.state_mut()
        .handle(UiAction::Browse(BrowseAction::SetRegistryTab(
            ecrscope::state::RegistryTab::PullThrough,
        )));
    step_until(&mut h, 30, "the rule's template", |h| {
        h.query_by_label_contains(
            "docker-hub (Immutable, with exclusions · AES256 · lifecycle policy)",
        )
        .is_some()
    });
}

/// The Storage tab (issue 27's first slice) on the demo: "Read every
/// repository" reads them a few at a time with progress, then the totals
/// are the exact sums of the demo store's image sizes (indexes counting
/// nothing, archived apart) at the table's price; a price entered in
/// Preferences changes the figure at once.
#[test]
fn storage_and_cost_are_the_sums_of_the_stores_sizes() {
    let rt = runtime();
    let mut h = demo_app(&rt, |b| b.with_size(egui::vec2(1400.0, 1000.0)));
    step_until(&mut h, 30, "repositories", |h| {
        h.query_by_label_contains("25 repositories").is_some()
    });
    h.get_by_label_contains("Storage & cost").click();
    step_until(&mut h, 10, "the tab", |h| {
        h.query_by_label("Read every repository").is_some()
    });
    h.get_by_label("Read every repository").click();
    step_until(&mut h, 120, "every repository read", |h| {
        h.state()
            .state
            .selected_registry()
            .is_some_and(|r| !r.storage_reading)
            && h.query_by_label_contains("in 25 of 25 repositories")
                .is_some()
    });
    let (active, archived) = demo_of(&h)
        .with_store(|s| {
            s.materialize_all();
            let mut a = 0u64;
            let mut z = 0u64;
            for r in s.repos.values() {
                for i in &r.images {
                    if i.media_type.contains("index") || i.media_type.contains("manifest.list") {
                        continue;
                    }
                    if i.archive.archived {
                        z += i.size as u64;
                    } else {
                        a += i.size as u64;
                    }
                }
            }
            (a, z)
        })
        .expect("store");
    let gib = 1_073_741_824.0;
    let expected = (active as f64 + archived as f64) / gib * 0.10;
    let reg_report = ecrscope::insight::storage::report(
        h.state().state.selected_registry().expect("registry"),
        ecr_core::cost::prices_for("us-east-1"),
    );
    assert_eq!(reg_report.active_bytes, active);
    assert_eq!(reg_report.archived_bytes, archived);
    assert!(
        (reg_report.monthly - expected).abs() < 1e-6,
        "{} vs {expected}",
        reg_report.monthly
    );
    let shown = ecr_core::cost::dollars(expected);
    assert!(
        h.query_by_label_contains(&format!("{shown} a month"))
            .is_some(),
        "the heading says {shown}"
    );
    // Clean-up candidates: the groups' counts are the store's.
    let (stale, old_archived) = demo_of(&h)
        .with_store(|s| {
            let now = ecrscope::demo::now();
            let day = 86_400.0;
            let mut stale = 0usize;
            let mut old = 0usize;
            for r in s.repos.values() {
                for i in &r.images {
                    if i.media_type.contains("index") || i.media_type.contains("manifest.list") {
                        continue;
                    }
                    if i.archive.archived {
                        if i.archive.archived_at.is_some_and(|t| now - t > 90.0 * day) {
                            old += 1;
                        }
                    } else if now - i.last_pull.unwrap_or(i.pushed_at) > 90.0 * day {
                        stale += 1;
                    }
                }
            }
            (stale, old)
        })
        .expect("store");
    assert!(stale > 0, "the seed has images not pulled for 90 days");
    step_until(&mut h, 5, "the groups", |h| {
        h.query_by_label_contains(&format!(
            "Not pulled for 90 days (never pulled: pushed before): {stale} images"
        ))
        .is_some()
            && h.query_by_label_contains(&format!(
                "Archived more than 90 days ago (past the minimum): {old_archived} images"
            ))
            .is_some()
    });
    // Twice the price: twice the figure, at once.
    h.state_mut().handle(UiAction::Preferences(
        ecrscope::ui::PreferencesAction::SetStoragePrice(Some(0.20)),
    ));
    let doubled = ecr_core::cost::dollars(expected * 2.0);
    step_until(&mut h, 5, "the new price", |h| {
        h.query_by_label_contains(&format!("{doubled} a month"))
            .is_some()
    });
}

/// The Storage tab against moto: repositories and images put with the aws
/// CLI (sizes as moto's describe-images reports them); the tab's totals
/// are the sums of those sizes, read back with the aws CLI.
#[test]
fn storage_over_moto_is_the_sum_of_describe_images() {
    let _g = common::moto_lock();
    let url = common::moto_url();
    let rt = runtime();
    #[allow(clippy::disallowed_methods)]
    rt.block_on(common::moto_reset(&url));
    for (repo, seeds) in [("team/api", 3), ("team/web", 2)] {
        common::aws_json(
            &url,
            &["ecr", "create-repository", "--repository-name", repo],
        );
        for i in 0..seeds {
            let m = common::manifest(&format!("{repo}-{i}"));
            common::aws_json(
                &url,
                &[
                    "ecr",
                    "put-image",
                    "--repository-name",
                    repo,
                    "--image-tag",
                    &format!("v{i}"),
                    "--image-manifest",
                    &m,
                ],
            );
        }
    }
    let mut expected = 0u64;
    for repo in ["team/api", "team/web"] {
        let d = common::aws_json(&url, &["ecr", "describe-images", "--repository-name", repo]);
        for i in d["imageDetails"].as_array().expect("images") {
            expected += i["imageSizeInBytes"].as_u64().unwrap_or(0);
        }
    }
    assert!(expected > 0, "moto reports sizes");
    let mut opts = common::ui::demo_options(ecrscope::demo::SeedConfig::small());
    opts.worker.demo = Some(std::sync::Arc::new(Moto(url.clone())));
    let mut h = common::ui::demo_app_with(&rt, opts, |b| b.with_size(egui::vec2(1400.0, 1000.0)));
    step_until(&mut h, 60, "moto's repositories", |h| {
        h.query_by_label_contains("2 repositories").is_some()
    });
    h.get_by_label_contains("Storage & cost").click();
    step_until(&mut h, 10, "the tab", |h| {
        h.query_by_label("Read every repository").is_some()
    });
    h.get_by_label("Read every repository").click();
    step_until(&mut h, 60, "both read", |h| {
        h.query_by_label_contains("in 2 of 2 repositories")
            .is_some()
            && h.state()
                .state
                .selected_registry()
                .is_some_and(|r| !r.storage_reading)
    });
    let r = ecrscope::insight::storage::report(
        h.state().state.selected_registry().expect("registry"),
        ecr_core::cost::prices_for("us-east-1"),
    );
    assert_eq!(r.active_bytes, expected);
    assert_eq!(r.rows.iter().map(|x| x.images).sum::<usize>(), 5);
}
