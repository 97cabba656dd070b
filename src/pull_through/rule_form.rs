//! The pull-through cache rule form: create a rule (upstream presets,
//! credential, custom role, validated before any call) or edit the two
//! things ECR lets change in place.

use egui::{RichText, Ui};

use crate::message::PullThroughChange;
use crate::model::{NewPullThroughRule, PullThroughRule, RegistrySpec};
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self};
use crate::ui::{PullThroughAction, UiAction};
use crate::validate::{self, UpstreamKind};

/// The create / edit dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleForm {
    /// The registry, pinned when the dialog opened.
    pub registry: RegistrySpec,
    /// Profile · account · region.
    pub target: String,
    /// The prefix of the rule being edited; `None` when creating.
    pub editing: Option<String>,
    pub kind: UpstreamKind,
    pub prefix: String,
    pub url: String,
    pub credential: String,
    pub role: String,
    pub upstream_prefix: String,
    /// The registry's region and account, which a credential must match.
    pub region: String,
    pub account: String,
    /// Create was pressed: show every error, empty fields included.
    pub attempted: bool,
    /// The credential from Secrets Manager: pick one, or create one.
    pub picker: super::secret_picker::SecretPicker,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleErrors {
    pub prefix: Option<String>,
    pub url: Option<String>,
    pub credential: Option<String>,
    pub role: Option<String>,
    pub upstream_prefix: Option<String>,
}

impl RuleErrors {
    fn any(&self) -> bool {
        self.prefix.is_some()
            || self.url.is_some()
            || self.credential.is_some()
            || self.role.is_some()
            || self.upstream_prefix.is_some()
    }
}

pub(crate) fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// `arn:aws:iam::<account>:role/<name>` (any partition).
pub(crate) fn role_arn(arn: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5]
            .strip_prefix("role/")
            .is_some_and(|n| !n.is_empty());
    if ok {
        Ok(())
    } else {
        Err("A role ARN looks like arn:aws:iam::123456789012:role/name.".into())
    }
}

impl RuleForm {
    pub fn new(
        registry: &RegistrySpec,
        target: String,
        existing: Option<&PullThroughRule>,
        account: String,
    ) -> Self {
        let region = registry.region.clone();
        let registry = registry.clone();
        match existing {
            Some(r) => Self {
                registry,
                target,
                editing: Some(r.ecr_repository_prefix.clone()),
                kind: r
                    .upstream_registry
                    .as_deref()
                    .and_then(validate::upstream_kind)
                    .or_else(|| validate::upstream_kind_for_url(&r.upstream_registry_url))
                    .unwrap_or(UpstreamKind::EcrPublic),
                prefix: r.ecr_repository_prefix.clone(),
                url: r.upstream_registry_url.clone(),
                credential: r.credential_arn.clone().unwrap_or_default(),
                role: r.custom_role_arn.clone().unwrap_or_default(),
                upstream_prefix: r.upstream_repository_prefix.clone().unwrap_or_default(),
                region,
                account,
                attempted: false,
                picker: super::secret_picker::SecretPicker::default(),
            },
            None => {
                let mut f = Self {
                    registry,
                    target,
                    editing: None,
                    kind: UpstreamKind::EcrPublic,
                    prefix: String::new(),
                    url: String::new(),
                    credential: String::new(),
                    role: String::new(),
                    upstream_prefix: String::new(),
                    region,
                    account,
                    attempted: false,
                    picker: super::secret_picker::SecretPicker::default(),
                };
                f.preset(UpstreamKind::EcrPublic);
                f
            }
        }
    }

    /// Picks an upstream: fills in its URL and a prefix named after it.
    pub fn preset(&mut self, kind: UpstreamKind) {
        self.kind = kind;
        self.url = kind.default_url().unwrap_or_default().to_owned();
        let suggested = match kind {
            UpstreamKind::EcrPublic => "ecr-public",
            UpstreamKind::Ecr => "ecr",
            UpstreamKind::DockerHub => "docker-hub",
            UpstreamKind::Quay => "quay",
            UpstreamKind::K8s => "k8s",
            UpstreamKind::GitHub => "ghcr",
            UpstreamKind::GitLab => "gitlab",
            UpstreamKind::Azure => "azure",
            UpstreamKind::Chainguard => "chainguard",
        };
        self.prefix = suggested.to_owned();
    }

    /// Checks every field as ECR would; on success, the change to send.
    pub fn check(&self) -> Result<PullThroughChange, RuleErrors> {
        let mut e = RuleErrors::default();
        let credential = opt(&self.credential);
        let role = opt(&self.role);
        if let Some(c) = &credential {
            // The account is known once DescribeRegistry has answered.
            let account = if self.account.is_empty() {
                c.split(':').nth(4).unwrap_or_default()
            } else {
                &self.account
            };
            e.credential = validate::credential_arn(c, &self.region, account).err();
        }
        if let Some(r) = &role {
            e.role = role_arn(r).err();
        }
        if let Some(prefix) = &self.editing {
            return if e.any() {
                Err(e)
            } else {
                Ok(PullThroughChange::Update {
                    prefix: prefix.clone(),
                    credential_arn: credential,
                    custom_role_arn: role,
                })
            };
        }
        e.prefix = validate::pull_through_prefix(self.prefix.trim()).err();
        let url = self.url.trim();
        if !self.kind.url_matches(url) {
            e.url = Some(match self.kind.default_url() {
                Some(u) => format!("{} rules use the URL {u}.", self.kind.label()),
                None if self.kind == UpstreamKind::Azure => {
                    "Azure rules use <registry>.azurecr.io.".into()
                }
                None => "ECR rules use <account>.dkr.ecr.<region>.amazonaws.com.".into(),
            });
        }
        if credential.is_none() && self.kind.needs_credential() {
            e.credential = Some(format!(
                "{} needs a credential: the ARN of a Secrets Manager secret named \
                 ecr-pullthroughcache/… holding the upstream user name and access token.",
                self.kind.label()
            ));
        }
        let upstream_prefix = opt(&self.upstream_prefix);
        if let Some(p) = &upstream_prefix {
            if !matches!(self.kind, UpstreamKind::Ecr | UpstreamKind::EcrPublic) {
                e.upstream_prefix =
                    Some("Only ECR and ECR Public upstreams take an upstream prefix.".into());
            } else if let Err(m) = validate::pull_through_prefix(p) {
                e.upstream_prefix = Some(m.replace("A prefix", "An upstream prefix"));
            }
        }
        if e.any() {
            return Err(e);
        }
        Ok(PullThroughChange::Create(NewPullThroughRule {
            ecr_repository_prefix: self.prefix.trim().to_owned(),
            upstream_registry_url: url.to_owned(),
            upstream_registry: Some(self.kind.api_name().to_owned()),
            credential_arn: credential,
            custom_role_arn: role,
            upstream_repository_prefix: upstream_prefix,
        }))
    }
}

/// The create / edit dialog; returns false when it should close.
pub fn rule_form_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut RuleForm,
    pending: bool,
    secrets: &super::secret_picker::SecretsSeen<'_>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let checked = form.check();
    let errors = checked.as_ref().err().cloned().unwrap_or_default();
    let editing = form.editing.is_some();
    let target = form.target.clone();
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "pull_through_form",
            title: if editing {
                "Edit pull-through cache rule"
            } else {
                "New pull-through cache rule"
            },
            target: Some(&target),
            width: 600.0,
            top: Some(60.0),
        },
        Footer {
            confirm: Some(("", if editing { "Save" } else { "Create" }, !pending)),
            dismiss: "Cancel",
        },
        |ui| rule_form_body_ui(ui, form, &errors, pending, secrets, actions),
    );
    match outcome {
        Outcome::Confirmed => match checked {
            Ok(change) => {
                actions.push(UiAction::PullThrough(PullThroughAction::Change(
                    form.registry.clone(),
                    change,
                )));
                false
            }
            // Refused here, with the reasons next to the fields; no call.
            Err(_) => {
                form.attempted = true;
                true
            }
        },
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

pub(crate) fn rule_form_body_ui(
    ui: &mut Ui,
    form: &mut RuleForm,
    errors: &RuleErrors,
    pending: bool,
    secrets: &super::secret_picker::SecretsSeen<'_>,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let show_all = form.attempted;
    let err = |ui: &mut Ui, e: &Option<String>, filled: bool, help: &str| {
        let shown = e.as_deref().filter(|_| filled || show_all);
        crate::ui::widgets::field_note(ui, shown, help);
    };
    let editing = form.editing.is_some();
    if editing {
        ui.label(
            RichText::new(
                "ECR changes only the credential and the custom role of a rule. To change \
                 the prefix or the upstream, delete the rule and create a new one.",
            )
            .color(palette.muted),
        );
    }
    ui.add_enabled_ui(!editing, |ui| {
        ui.label(RichText::new("Upstream").strong());
        ui.horizontal_wrapped(|ui| {
            for k in UpstreamKind::ALL {
                let r = ui.selectable_label(form.kind == k, k.label());
                let r = r.on_hover_text(if k.needs_credential() {
                    "Needs a Secrets Manager credential"
                } else {
                    "No credential needed"
                });
                if r.clicked() && form.kind != k {
                    form.preset(k);
                }
            }
        });
        let l = ui.label("Upstream URL");
        ui.add(
            egui::TextEdit::singleline(&mut form.url)
                .id_salt("ptc_url")
                .desired_width(420.0),
        )
        .labelled_by(l.id);
        err(
            ui,
            &errors.url,
            !form.url.is_empty(),
            "Filled in by the preset.",
        );
        let l = ui.label("Repository prefix");
        ui.add(
            egui::TextEdit::singleline(&mut form.prefix)
                .id_salt("ptc_prefix")
                .desired_width(240.0),
        )
        .labelled_by(l.id);
        err(
            ui,
            &errors.prefix,
            !form.prefix.is_empty(),
            "2 to 30 characters: a-z, 0-9, . _ - /; or ROOT.",
        );
    });
    let needs = form.kind.needs_credential();
    let l = ui.label(if needs {
        "Credential ARN (required)"
    } else {
        "Credential ARN (optional)"
    });
    ui.add(
        egui::TextEdit::singleline(&mut form.credential)
            .id_salt("ptc_credential")
            .hint_text(format!(
                "arn:{}:secretsmanager:{}:{}:secret:ecr-pullthroughcache/…",
                crate::model::partition::of_region(&form.region),
                form.region,
                if form.account.is_empty() {
                    "<account>"
                } else {
                    &form.account
                }
            ))
            .desired_width(560.0),
    )
    .labelled_by(l.id);
    err(
        ui,
        &errors.credential,
        !form.credential.is_empty(),
        "A Secrets Manager secret in this region named ecr-pullthroughcache/….",
    );
    super::secret_picker::picker_ui(
        ui,
        &mut form.credential,
        &mut form.picker,
        secrets,
        &form.registry,
        actions,
    );
    let l = ui.label("Custom role ARN (optional)");
    ui.add(
        egui::TextEdit::singleline(&mut form.role)
            .id_salt("ptc_role")
            .hint_text(format!(
                "arn:{}:iam::123456789012:role/name",
                crate::model::partition::of_region(&form.region)
            ))
            .desired_width(560.0),
    )
    .labelled_by(l.id);
    err(
        ui,
        &errors.role,
        !form.role.is_empty(),
        "For ECR upstreams in another account.",
    );
    if matches!(form.kind, UpstreamKind::Ecr | UpstreamKind::EcrPublic) {
        ui.add_enabled_ui(!editing, |ui| {
            let l = ui.label("Upstream repository prefix (optional)");
            ui.add(
                egui::TextEdit::singleline(&mut form.upstream_prefix)
                    .id_salt("ptc_upstream_prefix")
                    .desired_width(240.0),
            )
            .labelled_by(l.id);
            err(
                ui,
                &errors.upstream_prefix,
                !form.upstream_prefix.is_empty(),
                "Maps this prefix to another one upstream.",
            );
        });
    }
    if pending {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Saving…");
        });
    }
}

impl crate::ui::modal::Dialog for RuleForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        let Some(reg) = cx.state.registry(&self.registry.key()) else {
            return false;
        };
        let pending = reg.docs.pull_through.is_loading();
        // The region's secrets, asked for once when the form opens.
        if !self.picker.asked && !reg.is_cross_account() {
            self.picker.asked = true;
            cx.actions
                .push(UiAction::PullThrough(PullThroughAction::Secrets(
                    self.registry.clone(),
                )));
        }
        let docs = &reg.docs;
        let seen = super::secret_picker::SecretsSeen {
            list: docs.secrets.shown().map(Vec::as_slice),
            loading: docs.secrets.is_loading(),
            list_error: docs.secrets.error().map(ToString::to_string),
            create_error: docs.secret_error.as_deref(),
            made: docs.secret_made.as_ref(),
        };
        rule_form_ui(cx.ctx, cx.first, self, pending, &seen, cx.actions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: UpstreamKind) -> RuleForm {
        let mut f = RuleForm::new(
            &crate::state::demo_spec(),
            String::new(),
            None,
            "123456789012".into(),
        );
        f.preset(kind);
        f
    }

    #[test]
    fn presets_fill_url_and_prefix() {
        let f = form(UpstreamKind::Quay);
        assert_eq!((f.url.as_str(), f.prefix.as_str()), ("quay.io", "quay"));
        assert!(matches!(f.check(), Ok(PullThroughChange::Create(_))));
    }

    #[test]
    fn docker_hub_needs_a_credential_in_this_region_and_account() {
        let mut f = form(UpstreamKind::DockerHub);
        let e = f.check().expect_err("no credential");
        assert!(
            e.credential
                .as_deref()
                .is_some_and(|m| m.contains("needs a credential"))
        );
        f.credential =
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/hub".into();
        let e = f.check().expect_err("other region");
        assert!(
            e.credential
                .as_deref()
                .is_some_and(|m| m.contains("same region"))
        );
        f.credential =
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/hub".into();
        let Ok(PullThroughChange::Create(new)) = f.check() else {
            panic!("valid rule refused");
        };
        assert_eq!(new.upstream_registry.as_deref(), Some("docker-hub"));
        assert_eq!(new.upstream_registry_url, "registry-1.docker.io");
    }

    #[test]
    fn bad_prefix_url_and_role_are_refused() {
        let mut f = form(UpstreamKind::EcrPublic);
        f.prefix = "A".into();
        f.url = "docker.io".into();
        f.role = "role/x".into();
        let e = f.check().expect_err("bad");
        assert!(e.prefix.is_some() && e.url.is_some() && e.role.is_some());
        f.prefix = "x".repeat(31);
        assert!(f.check().expect_err("long").prefix.is_some());
        f.prefix = "ROOT".into();
        f.url = "public.ecr.aws".into();
        f.role = "arn:aws:iam::123456789012:role/puller".into();
        assert!(f.check().is_ok());
    }

    #[test]
    fn editing_changes_only_credential_and_role() {
        let rule = PullThroughRule {
            ecr_repository_prefix: "hub".into(),
            upstream_registry_url: "registry-1.docker.io".into(),
            upstream_registry: Some("docker-hub".into()),
            credential_arn: Some(
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/a"
                    .into(),
            ),
            ..PullThroughRule::default()
        };
        let mut f = RuleForm::new(
            &crate::state::demo_spec(),
            String::new(),
            Some(&rule),
            "123456789012".into(),
        );
        assert_eq!(f.kind, UpstreamKind::DockerHub);
        f.credential =
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/b".into();
        assert_eq!(
            f.check(),
            Ok(PullThroughChange::Update {
                prefix: "hub".into(),
                credential_arn: Some(f.credential.clone()),
                custom_role_arn: None,
            })
        );
    }

    #[test]
    fn pull_uri_base() {
        assert_eq!(crate::pull_through::view::pull_base("h", "ROOT"), "h/");
        assert_eq!(crate::pull_through::view::pull_base("h", "hub"), "h/hub/");
    }
}
