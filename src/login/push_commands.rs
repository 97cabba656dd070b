//! "View push commands" for a repository, as the console shows them, for
//! docker, podman and finch, filled with the real account, region, profile
//! and repository.

use egui::RichText;

use crate::platform::shell::quote;
use crate::ui::modal::{self, Footer, Frame, Outcome};
use crate::ui::style::{self, icon};
use crate::ui::widgets;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tool {
    #[default]
    Docker,
    Podman,
    Finch,
}

impl Tool {
    pub const ALL: [Self; 3] = [Self::Docker, Self::Podman, Self::Finch];
    pub fn cli(self) -> &'static str {
        match self {
            Self::Docker => "docker",
            Self::Podman => "podman",
            Self::Finch => "finch",
        }
    }
}

/// What the commands are filled with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushTarget {
    /// `<account>.dkr.ecr.<region>.amazonaws.com`.
    pub registry_host: String,
    pub region: String,
    pub profile: Option<String>,
    pub repository: String,
}

/// The four steps, each as (what it does, the command).
pub fn push_commands(tool: Tool, t: &PushTarget) -> Vec<(&'static str, String)> {
    let cli = tool.cli();
    let profile = t
        .profile
        .as_deref()
        .map(|p| format!(" --profile {}", quote(p)))
        .unwrap_or_default();
    let local = t.repository.rsplit('/').next().unwrap_or(&t.repository);
    let uri = format!("{}/{}", t.registry_host, t.repository);
    vec![
        (
            "Log in to the registry (the token is valid for 12 hours)",
            format!(
                "aws ecr get-login-password --region {}{profile} | {cli} login --username AWS --password-stdin {}",
                quote(&t.region),
                quote(&t.registry_host)
            ),
        ),
        (
            "Build the image",
            format!("{cli} build -t {} .", quote(local)),
        ),
        (
            "Tag it for this repository",
            format!(
                "{cli} tag {} {}",
                quote(&format!("{local}:latest")),
                quote(&format!("{uri}:latest"))
            ),
        ),
        (
            "Push it",
            format!("{cli} push {}", quote(&format!("{uri}:latest"))),
        ),
    ]
}

/// The dialog. Returns false when it should close.
pub fn push_commands_ui(
    ctx: &egui::Context,
    first_frame: bool,
    tool: &mut Tool,
    target: &PushTarget,
) -> bool {
    let title = format!("Push commands for {}", target.repository);
    let outcome = modal::modal_ui(
        ctx,
        first_frame,
        Frame {
            id: "push_commands",
            title: &title,
            target: None,
            width: 720.0,
            top: None,
        },
        Footer {
            confirm: None,
            dismiss: "Close",
        },
        |ui| {
            ui.label(
                RichText::new(
                    "Run these where the image is built. The repository must exist first (it does).",
                )
                .weak(),
            );
            ui.horizontal(|ui| {
                for t in Tool::ALL {
                    ui.selectable_value(tool, t, t.cli());
                }
            });
            ui.add_space(style::GAP);
            let cmds = push_commands(*tool, target);
            for (i, (what, cmd)) in cmds.iter().enumerate() {
                ui.label(RichText::new(format!("{}. {what}", i + 1)).strong());
                ui.horizontal(|ui| {
                    widgets::copy_button(ui, &format!("step {}", i + 1), cmd);
                    ui.add(egui::Label::new(RichText::new(cmd).monospace()).wrap());
                });
                ui.add_space(4.0);
            }
            ui.separator();
            if widgets::icon_button(ui, icon::COPY, "Copy all").clicked() {
                let all: Vec<String> = cmds.iter().map(|(_, c)| c.clone()).collect();
                ui.ctx().copy_text(all.join("\n"));
            }
        },
    );
    outcome == Outcome::Open
}

/// The build, tag, log in and push commands for one repository.
#[derive(Debug)]
pub struct PushCommandsDialog {
    pub tool: Tool,
    pub target: PushTarget,
}

impl crate::ui::modal::Dialog for PushCommandsDialog {
    fn show(&mut self, cx: &mut crate::ui::modal::DialogCx<'_>) -> bool {
        push_commands_ui(cx.ctx, cx.first, &mut self.tool, &self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_with_account_region_profile_and_repository() {
        let t = PushTarget {
            registry_host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com".into(),
            region: "eu-west-1".into(),
            profile: Some("dev".into()),
            repository: "team/api".into(),
        };
        let c = push_commands(Tool::Docker, &t);
        assert_eq!(
            c[0].1,
            "aws ecr get-login-password --region eu-west-1 --profile dev | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com"
        );
        assert_eq!(c[1].1, "docker build -t api .");
        assert_eq!(
            c[2].1,
            "docker tag api:latest 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:latest"
        );
        assert_eq!(
            c[3].1,
            "docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:latest"
        );
        let p = push_commands(
            Tool::Podman,
            &PushTarget {
                profile: None,
                ..t.clone()
            },
        );
        assert!(p[0].1.contains("| podman login") && !p[0].1.contains("--profile"));
        assert!(
            push_commands(Tool::Finch, &t)[3]
                .1
                .starts_with("finch push")
        );
    }
}
