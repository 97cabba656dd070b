//! The registry at a glance: where it is, how it scans and replicates, what
//! it holds, docker login, and the images with CRITICAL or HIGH findings.

use crate::ui::{BrowseAction, LoginAction, ScanningAction};
use egui::{Grid, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::model::Severity;
use crate::state::{AppState, Location, RegistryState, RegistryTab, registry_security};
use crate::ui::style::{self, icon};
use crate::ui::{UiAction, widgets};

/// The dashboard, rebuilt only when a repository's images or scan
/// summaries change (it walks every image of every loaded repository).
#[derive(Debug, Default)]
pub struct OverviewView {
    security: Option<(SecurityKey, std::sync::Arc<crate::state::RegistrySecurity>)>,
}

/// Registry, and per loaded repository its generation (bumped whenever its
/// rows or scan summaries change), image count and whether it is loading.
type SecurityKey = (String, Vec<(u64, usize, bool)>);

fn security_key(reg: &RegistryState) -> SecurityKey {
    let per_repo = reg
        .images
        .values()
        .map(|ri| {
            (
                ri.generation,
                ri.list.shown().map_or(0, |l| l.len()),
                ri.list.is_loading(),
            )
        })
        .collect();
    (reg.spec.key().0, per_repo)
}

pub fn overview_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut OverviewView,
    actions: &mut Vec<UiAction>,
) {
    let Some(reg) = state.selected_registry() else {
        return;
    };
    let key = security_key(reg);
    if view.security.as_ref().is_none_or(|(k, _)| *k != key) {
        view.security = Some((key, std::sync::Arc::new(registry_security(reg))));
    }
    let sec = view
        .security
        .as_ref()
        .map(|(_, s)| s.clone())
        .unwrap_or_default();
    egui::ScrollArea::vertical()
        .id_salt("overview")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            registry_section(ui, reg, actions);
            ui.add_space(style::GAP * 2.0);
            login_section(ui, reg, actions);
            ui.add_space(style::GAP * 2.0);
            section(ui, icon::SHIELD_CHECK, "Managed signing");
            crate::supply_chain::signing_dialog::overview_lines(ui, reg, actions);
            ui.add_space(style::GAP * 2.0);
            findings_section(ui, state, reg, &sec, actions);
        });
}

/// Said where a cross-account registry would otherwise show the caller's
/// own account: ECR's calls for these take no registry id.
const OWN_ACCOUNT_ONLY: &str = "not shown: ECR reads this only for the account you sign in with, not for another account's registry";

fn section(ui: &mut Ui, glyph: &str, title: &str) {
    ui.label(RichText::new(format!("{glyph} {title}")).heading().strong());
    ui.add_space(4.0);
}

fn registry_section(ui: &mut Ui, reg: &RegistryState, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    section(ui, icon::DATABASE, "Registry");
    if let Some(e) = reg.info.error() {
        ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
    }
    let info = reg.info.shown();
    let repos = reg.repositories.shown();
    // Totals over the repositories whose images are loaded.
    let (mut images, mut bytes, mut loaded) = (0usize, 0i64, 0usize);
    for ri in reg.images.values() {
        if let Some(t) = ri.totals() {
            images = images.saturating_add(t.images());
            bytes = bytes.saturating_add(t.bytes());
            loaded += 1;
        }
    }
    Grid::new("registry_facts")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            let mut row = |k: &str, v: String| {
                ui.label(RichText::new(k).color(palette.muted));
                ui.label(v);
                ui.end_row();
            };
            let cross = reg.is_cross_account();
            row(
                "Registry id",
                reg.account().map_or_else(|| "…".into(), str::to_owned),
            );
            row("Region", reg.spec.region.clone());
            if !reg.spec.is_demo() {
                // ARNs, hosts and console links differ per partition.
                row(
                    "Partition",
                    crate::model::partition::of_region(&reg.spec.region).to_owned(),
                );
            }
            row("Profile", reg.spec.profile_label().to_owned());
            // What the client really used (env, profile, the endpoint
            // rules), once the registry has answered.
            let answered = reg.info.shown().filter(|i| !i.endpoint.is_empty());
            let endpoint = match (reg.spec.is_demo(), answered) {
                (true, _) => "built into ecrscope, on 127.0.0.1 (sample data)".to_owned(),
                (false, Some(i)) => format!("{} ({})", i.endpoint, i.endpoint_source),
                (false, None) => reg.spec.endpoint.clone().unwrap_or_else(|| "…".into()),
            };
            row("Endpoint", endpoint);
            if let Some(host) = docker_host(reg) {
                row("Docker host", host);
            }
            row(
                "Repositories",
                repos.map_or_else(|| "…".into(), |r| r.len().to_string()),
            );
            let images_text = match (loaded, repos.map_or(0, Vec::len)) {
                (0, _) => "open repositories (or check findings below) to count".to_owned(),
                (l, n) if l >= n => format!("{images} · {}", widgets::human_size(bytes)),
                (l, n) => format!(
                    "{images} · {} in the {l} of {n} repositories loaded",
                    widgets::human_size(bytes)
                ),
            };
            row("Images", images_text);
            let scanning = match reg.scanning.shown() {
                None if cross => OWN_ACCOUNT_ONLY.to_owned(),
                None => "…".to_owned(),
                Some(s) => {
                    let cfg = &s.registry;
                    let rules: Vec<String> = cfg
                        .rules
                        .iter()
                        .map(|r| format!("{} for {}", r.frequency.label(), r.filters.join(", ")))
                        .collect();
                    if rules.is_empty() {
                        format!("{:?}, no rules", cfg.scan_type).to_uppercase()
                    } else {
                        format!(
                            "{} · {}",
                            format!("{:?}", cfg.scan_type).to_uppercase(),
                            rules.join("; ")
                        )
                    }
                }
            };
            row("Scanning", scanning);
            let replication = match info {
                _ if cross => OWN_ACCOUNT_ONLY.to_owned(),
                None => "…".to_owned(),
                Some(i) if i.replication_rules.is_empty() => "none".to_owned(),
                Some(i) => i
                    .replication_rules
                    .iter()
                    .map(|r| {
                        let to: Vec<String> = r
                            .destinations
                            .iter()
                            .map(|(region, id)| format!("{id} in {region}"))
                            .collect();
                        if r.filters.is_empty() {
                            format!("every repository to {}", to.join(", "))
                        } else {
                            format!("{} to {}", r.filters.join(", "), to.join(", "))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            };
            row("Replication", replication);
            ui.label(RichText::new("Pull-through rules").color(palette.muted));
            let n = reg
                .docs
                .pull_through
                .shown()
                .map_or_else(|| "…".to_owned(), |l| l.len().to_string());
            if ui
                .link(n)
                .on_hover_text("Open the pull-through cache tab")
                .clicked()
            {
                actions.push(UiAction::Browse(BrowseAction::SetRegistryTab(
                    RegistryTab::PullThrough,
                )));
            }
            ui.end_row();
        });
}

/// The host docker logs in to: from the registry's answer (its partition
/// and endpoint kind), else from the account id alone.
fn docker_host(reg: &RegistryState) -> Option<String> {
    // The account named on the registry (another account's) or the one
    // that answered; the partition's form from the answer.
    let account = reg.account()?;
    Some(match reg.info.shown() {
        Some(i) => i.host_of(account),
        None => crate::model::RegistryInfo {
            region: reg.spec.region.clone(),
            ..Default::default()
        }
        .host_of(account),
    })
}

fn login_section(ui: &mut Ui, reg: &RegistryState, actions: &mut Vec<UiAction>) {
    let palette = style::palette(ui.visuals());
    section(ui, icon::LOGIN, "Docker login");
    let host = docker_host(reg)
        .unwrap_or_else(|| format!("<account>.dkr.ecr.{}.amazonaws.com", reg.spec.region));
    let cmd = login_command(&reg.spec, &host);
    ui.label(
        RichText::new("Log docker in with a token valid for 12 hours. The pipeline asks AWS for the password itself:")
            .color(palette.muted),
    );
    ui.horizontal(|ui| {
        widgets::copy_button(ui, "login command", &cmd);
        ui.add(egui::Label::new(RichText::new(&cmd).monospace()).wrap());
    });
    ui.horizontal_wrapped(|ui| {
        let login = &reg.docs.login;
        if login.is_loading() {
            ui.spinner();
        }
        if widgets::icon_button(ui, icon::KEY, "Get a login token").clicked() {
            actions.push(UiAction::Login(LoginAction::GetToken(reg.spec.clone())));
        }
        if let Some(e) = login.error() {
            ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
        }
        if let Some(l) = login.shown() {
            let left = l
                .expires_at
                .map(|t| t.saturating_sub(widgets::now_ms()) / 1000)
                .unwrap_or(0);
            let countdown = if left > 0 {
                format!(
                    "expires in {}h {:02}m {:02}s",
                    left / 3600,
                    (left % 3600) / 60,
                    left % 60
                )
            } else {
                "expired: get a new one".to_owned()
            };
            ui.label(RichText::new(countdown).color(if left > 600 {
                palette.ok
            } else {
                palette.warning
            }));
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(1));
            if l.token.is_some() && left > 0 {
                if widgets::icon_button(ui, icon::COPY, "Copy password")
                    .on_hover_text(
                        "Puts the password on the clipboard once; ecrscope forgets it right after. \
                         Then: docker login --username AWS <host> and paste.",
                    )
                    .clicked()
                {
                    actions.push(UiAction::Login(LoginAction::CopyPassword(reg.spec.key())));
                }
            } else if left > 0 {
                ui.label(RichText::new("password copied and forgotten").color(palette.muted));
            }
        }
    });
}

/// The docker login pipeline, every value shell-quoted (profile names and
/// endpoints come from files the user may not have written).
pub fn login_command(spec: &crate::model::RegistrySpec, host: &str) -> String {
    use crate::platform::shell::quote;
    let mut cmd = format!(
        "aws ecr get-login-password --region {}",
        quote(&spec.region)
    );
    if let Some(p) = &spec.profile {
        cmd.push_str(&format!(" --profile {}", quote(p)));
    }
    if let Some(e) = &spec.endpoint {
        cmd.push_str(&format!(" --endpoint-url {}", quote(e)));
    }
    cmd.push_str(&format!(
        " | docker login --username AWS --password-stdin {}",
        quote(host)
    ));
    cmd
}

fn findings_section(
    ui: &mut Ui,
    state: &AppState,
    reg: &RegistryState,
    sec: &crate::state::RegistrySecurity,
    actions: &mut Vec<UiAction>,
) {
    let palette = style::palette(ui.visuals());
    let dark = ui.visuals().dark_mode;
    section(
        ui,
        icon::SHIELD_WARNING,
        "Images with CRITICAL or HIGH findings",
    );
    let sweeping = state.sweeping.as_ref() == Some(&reg.spec.key());
    ui.horizontal_wrapped(|ui| {
        if sweeping {
            ui.spinner();
            ui.label(format!(
                "Checking… {} of {} repositories listed, {} of {} tagged images known",
                sec.repositories_loaded, sec.repositories, sec.checked, sec.tagged
            ));
        } else {
            let button = widgets::icon_button(ui, icon::SHIELD_CHECK, "Check every tagged image")
                .on_hover_text(
                    "Lists the images of every repository, then reads the scan summary of each \
                     tagged image: one request per image, within the registry's request limit.",
                );
            if button.clicked() {
                actions.push(UiAction::Scanning(ScanningAction::CheckAllFindings));
            }
            if sec.tagged > 0 {
                ui.label(
                    RichText::new(format!(
                        "{} of {} tagged images known, in {} of {} repositories",
                        sec.checked, sec.tagged, sec.repositories_loaded, sec.repositories
                    ))
                    .color(palette.muted),
                );
            }
        }
    });
    if sec.tagged > 0 {
        ui.add(
            egui::ProgressBar::new(sec.checked as f32 / sec.tagged.max(1) as f32)
                .desired_width(320.0)
                .desired_height(6.0),
        );
    }
    if sec.flagged.is_empty() {
        if sec.checked > 0 {
            ui.label(
                RichText::new(format!("{} None among the images checked.", icon::OK))
                    .color(palette.ok),
            );
        }
        return;
    }
    let key = reg.spec.key();
    ui.push_id("flagged", |ui| {
        ui.style_mut().interaction.selectable_labels = false;
        TableBuilder::new(ui)
            .striped(true)
            .sense(egui::Sense::click())
            .max_scroll_height(360.0)
            .column(Column::initial(220.0).at_least(120.0).clip(true))
            .column(Column::initial(200.0).at_least(100.0).clip(true))
            .column(Column::initial(70.0))
            .column(Column::initial(70.0))
            .column(Column::remainder().at_least(100.0))
            .header(style::ROW_HEIGHT, |mut h| {
                for t in ["Repository", "Tags", "Critical", "High", "Pushed"] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                let now = widgets::now_ms();
                body.rows(style::ROW_HEIGHT, sec.flagged.len(), |mut row| {
                    let f = &sec.flagged[row.index()];
                    row.col(|ui| {
                        ui.label(&f.repository);
                    });
                    row.col(|ui| {
                        ui.label(f.tags.join(", "));
                    });
                    for (sev, n) in [(Severity::Critical, f.critical), (Severity::High, f.high)] {
                        row.col(|ui| {
                            let text = RichText::new(n.to_string()).strong();
                            ui.label(if n > 0 {
                                text.color(style::severity_color(sev, dark))
                            } else {
                                text.color(palette.muted)
                            });
                        });
                    }
                    row.col(|ui| widgets::time_cell(ui, f.pushed_at, now));
                    if row.response().on_hover_text("Open the findings").clicked() {
                        actions.push(UiAction::Browse(BrowseAction::GoTo(Location {
                            registry: Some(key.clone()),
                            repository: Some(f.repository.clone()),
                            image: Some(f.digest),
                        })));
                        actions.push(UiAction::Scanning(ScanningAction::OpenFindings));
                    }
                });
            });
    });
}

/// The worst severity of a repository's tagged images, for its row.
pub fn worst_label(ri: &crate::state::RepoImages) -> Option<(Option<Severity>, bool)> {
    ri.list.shown()?;
    let s = crate::state::repo_security(ri);
    (s.checked > 0).then_some((s.worst, s.complete()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_command_quotes_what_it_did_not_write() {
        let spec = crate::model::RegistrySpec {
            profile: Some("dev $(id)".into()),
            region: "us-east-1".into(),
            endpoint: Some("http://127.0.0.1:5000".into()),
            registry_id: None,
            source: crate::model::RegistrySource::Added,
        };
        assert_eq!(
            login_command(&spec, "1.dkr.ecr.us-east-1.amazonaws.com"),
            "aws ecr get-login-password --region us-east-1 --profile 'dev $(id)' --endpoint-url http://127.0.0.1:5000 | docker login --username AWS --password-stdin 1.dkr.ecr.us-east-1.amazonaws.com"
        );
    }
}
