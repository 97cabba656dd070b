//! The registry's replication rules: destinations (region, or
//! region:account) and repository name prefixes per rule, checked as ECR's
//! API reference writes them before any call, with the existing
//! repositories each rule matches; saved with PutReplicationConfiguration
//! and shown as DescribeRegistry reads it back.

use ecr_core::replication::{self, Rule};
use egui::RichText;

use super::actions::AdminAction;
use crate::model::{RegistryInfo, RegistrySpec, ReplicationRule};
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};
use crate::ui::{ShellAction, UiAction};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicationForm {
    /// Pinned when the dialog opened.
    pub registry: RegistrySpec,
    pub target: String,
    /// This registry: (region, account).
    pub source: (String, String),
    /// (destinations, filters) as typed, comma-separated.
    pub rules: Vec<(String, String)>,
    pub server: Vec<ReplicationRule>,
    sent: crate::ui::modal::SaveSent,
}

impl ReplicationForm {
    pub fn new(spec: &RegistrySpec, target: String, info: &RegistryInfo) -> Self {
        let account = spec
            .registry_id
            .clone()
            .unwrap_or_else(|| info.registry_id.clone());
        Self {
            registry: spec.clone(),
            target,
            source: (spec.region.clone(), account.clone()),
            rules: info
                .replication_rules
                .iter()
                .map(|r| {
                    let dests: Vec<String> = r
                        .destinations
                        .iter()
                        .map(|(region, acct)| {
                            if *acct == account {
                                region.clone()
                            } else {
                                format!("{region}:{acct}")
                            }
                        })
                        .collect();
                    (dests.join(", "), r.filters.join(", "))
                })
                .collect(),
            server: info.replication_rules.clone(),
            sent: crate::ui::modal::SaveSent::default(),
        }
    }

    /// The rules as typed.
    pub fn parsed(&self) -> Vec<Rule> {
        let list = |t: &str| -> Vec<String> {
            t.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        };
        self.rules
            .iter()
            .map(|(d, f)| Rule {
                destinations: list(d)
                    .iter()
                    .map(|x| replication::parse_destination(x, &self.source.1))
                    .collect(),
                filters: list(f),
            })
            .collect()
    }

    /// What to send, or a message per rule (the first entry also carries a
    /// whole-configuration problem).
    pub fn check(&self) -> Result<Vec<ReplicationRule>, Vec<Option<String>>> {
        let rules = self.parsed();
        let source = (self.source.0.as_str(), self.source.1.as_str());
        match replication::check(&rules, source) {
            Err(e) => {
                let mut v = vec![None; rules.len().max(1)];
                v[0] = Some(e);
                Err(v)
            }
            Ok(per) if per.iter().any(Option::is_some) => Err(per),
            Ok(_) => Ok(rules
                .into_iter()
                .map(|r| ReplicationRule {
                    destinations: r.destinations,
                    filters: r.filters,
                })
                .collect()),
        }
    }

    /// Per rule: how many of `repos` it matches and the first few names.
    pub fn preview(&self, repos: &[&str]) -> Vec<(usize, Vec<String>)> {
        self.parsed()
            .iter()
            .map(|r| {
                let m: Vec<&str> = repos.iter().copied().filter(|n| r.matches(n)).collect();
                (m.len(), m.iter().take(5).map(|s| (*s).to_owned()).collect())
            })
            .collect()
    }
}

fn body_ui(
    ui: &mut egui::Ui,
    form: &mut ReplicationForm,
    repos: &[&str],
    pending: bool,
    error: Option<&str>,
) {
    let palette = style::palette(ui.visuals());
    ui.label(
        RichText::new(
            "Each rule copies images pushed to matching repositories (name prefixes; none: every repository) to its destinations: a region of this account, or region:account for another account (that registry's policy must allow ecr:ReplicateImage).",
        )
        .weak(),
    );
    ui.colored_label(
        palette.warning,
        format!(
            "{} ECR replicates only images pushed after a rule exists. To carry the images already there, select them and use Copy to… (same digests, no docker).",
            icon::INFO
        ),
    );
    ui.add_space(4.0);
    let errors = form.check().err().unwrap_or_default();
    let preview = form.preview(repos);
    let mut remove = None;
    for (i, (dests, filters)) in form.rules.iter_mut().enumerate() {
        let n = i + 1;
        ui.horizontal(|ui| {
            ui.strong(format!("Rule {n}"));
            let name = format!("Destinations of rule {n}");
            let r = ui.add(
                egui::TextEdit::singleline(dests)
                    .id_salt(("repl_dest", i))
                    .hint_text("eu-west-1, us-east-1:111122223333")
                    .desired_width(250.0),
            );
            r.widget_info(move || egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
            let name = format!("Repository prefixes of rule {n}");
            let r = ui.add(
                egui::TextEdit::singleline(filters)
                    .id_salt(("repl_filter", i))
                    .hint_text("every repository, or prod/, team-a")
                    .desired_width(200.0),
            );
            r.widget_info(move || egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
            if crate::ui::widgets::icon_only_button(ui, icon::X, &format!("Remove rule {n}"))
                .clicked()
            {
                remove = Some(i);
            }
        });
        if let Some((count, names)) = preview.get(i) {
            let more = if *count > names.len() { ", …" } else { "" };
            ui.label(
                RichText::new(format!(
                    "matches {count} of {} repositories{}{}{more}",
                    repos.len(),
                    if names.is_empty() { "" } else { ": " },
                    names.join(", ")
                ))
                .weak(),
            );
        }
        if let Some(Some(e)) = errors.get(i) {
            ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
        }
    }
    if let Some(i) = remove {
        form.rules.remove(i);
    }
    if form.rules.len() < 10
        && crate::ui::widgets::icon_button(ui, icon::PLUS, "Add rule").clicked()
    {
        form.rules.push((String::new(), String::new()));
    }
    if form.rules.is_empty() {
        ui.label(RichText::new("No rules: this registry does not replicate.").weak());
    }
    crate::ui::modal::save_state_ui(ui, pending, error);
}

/// Draws the dialog; returns false when it should close.
pub fn replication_ui(
    ctx: &egui::Context,
    first_frame: bool,
    form: &mut ReplicationForm,
    repos: &[&str],
    pending: bool,
    error: Option<&str>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let checked = form.check();
    let removing = matches!(&checked, Ok(r) if r.is_empty());
    let unchanged = matches!(&checked, Ok(r) if *r == form.server);
    let enabled = checked.is_ok() && !pending && !unchanged;
    let label = if removing {
        "Remove replication"
    } else {
        "Save replication rules"
    };
    let target = form.target.clone();
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "replication_rules",
            title: "Replication",
            target: Some(&target),
            width: 640.0,
            top: Some(70.0),
        },
        Footer {
            confirm: Some(("", label, enabled)),
            dismiss: "Close",
        },
        |ui| body_ui(ui, form, repos, pending, error),
    );
    match outcome {
        Outcome::Confirmed => {
            match checked {
                Ok(rules) if rules.is_empty() => actions.push(UiAction::Shell(ShellAction::Confirm {
                    title: "Remove replication?".into(),
                    body: "Images pushed from now on stay in this registry only. Images already replicated stay where they are.".into(),
                    confirm: "Remove replication".into(),
                    target: form.target.clone(),
                    action: Box::new(UiAction::Admin(AdminAction::SaveReplication(
                        form.registry.clone(),
                        Vec::new(),
                    ))),
                })),
                Ok(rules) => {
                    form.sent.sent();
                    actions.push(UiAction::Admin(AdminAction::SaveReplication(
                        form.registry.clone(),
                        rules,
                    )));
                }
                Err(_) => {}
            }
            true
        }
        Outcome::Dismissed => false,
        Outcome::Open => true,
    }
}

impl crate::ui::modal::Dialog for ReplicationForm {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        let Some(reg) = cx.state.registry(&self.registry.key()) else {
            return false;
        };
        let pending = reg.admin.replication_saving.is_some();
        let error = reg.admin.replication_error.clone();
        if self.sent.answered(pending, error.is_some()) {
            return false;
        }
        let names: Vec<&str> = reg
            .repositories
            .shown()
            .map(|rs| rs.iter().map(|r| r.name.as_str()).collect())
            .unwrap_or_default();
        replication_ui(
            cx.ctx,
            cx.first,
            self,
            &names,
            pending,
            error.as_deref(),
            cx.actions,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(rules: &[(&str, &str)]) -> ReplicationForm {
        let info = RegistryInfo {
            registry_id: "123456789012".into(),
            region: "us-east-1".into(),
            ..RegistryInfo::default()
        };
        let spec = RegistrySpec {
            region: "us-east-1".into(),
            ..crate::state::demo_spec()
        };
        let mut f = ReplicationForm::new(&spec, String::new(), &info);
        f.source = ("us-east-1".into(), "123456789012".into());
        f.rules = rules
            .iter()
            .map(|(d, p)| ((*d).to_owned(), (*p).to_owned()))
            .collect();
        f
    }

    #[test]
    fn rules_are_checked_and_previewed_before_any_call() {
        let f = form(&[("eu-west-1, us-east-1:111122223333", "platform, web/")]);
        let rules = f.check().expect("valid");
        assert_eq!(
            rules[0].destinations,
            [
                ("eu-west-1".to_owned(), "123456789012".to_owned()),
                ("us-east-1".to_owned(), "111122223333".to_owned())
            ]
        );
        let repos = ["platform-api", "web/app", "payments/checkout"];
        assert_eq!(f.preview(&repos)[0].0, 2);
        let e = form(&[("us-east-1", "")]).check().expect_err("to itself");
        assert!(
            e[0].as_deref()
                .is_some_and(|m| m.contains("is this registry"))
        );
        let e = form(&[("eu-west-1", "Platform")])
            .check()
            .expect_err("uppercase");
        assert!(e[0].is_some());
        assert_eq!(form(&[]).check(), Ok(Vec::new()));
    }
}
