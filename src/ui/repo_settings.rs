//! Repository settings: tag immutability (four modes, 1..5 exclusion filters),
//! the older per-repository scan-on-push switch, encryption (read only: ECR
//! fixes it at creation) and deletion. Every change is pending until the
//! server answers; the row then shows the value re-read from the server.

use egui::{RichText, Ui};

use super::style::{self, icon};
use super::{UiAction, widgets};
use crate::model::{Repository, TagMutability, TagMutabilitySetting};
use crate::validate;

/// The dialog's editable copy of the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoSettingsForm {
    pub repository: String,
    pub mode: TagMutability,
    pub filters: Vec<String>,
}

impl RepoSettingsForm {
    pub fn from_repo(r: &Repository) -> Self {
        let mut filters = r.tag_mutability.exclusion_filters.clone();
        if filters.is_empty() {
            filters.push(String::new());
        }
        Self {
            repository: r.name.clone(),
            mode: r.tag_mutability.mode,
            filters,
        }
    }

    /// The setting to send, or the message per filter (and overall).
    pub fn check(&self) -> Result<TagMutabilitySetting, (Vec<Option<String>>, Option<String>)> {
        if !self.mode.needs_filters() {
            return Ok(TagMutabilitySetting {
                mode: self.mode,
                exclusion_filters: Vec::new(),
            });
        }
        let filled: Vec<&String> = self
            .filters
            .iter()
            .filter(|f| !f.trim().is_empty())
            .collect();
        let per: Vec<Option<String>> = self
            .filters
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    None
                } else {
                    validate::exclusion_filter(f.trim()).err()
                }
            })
            .collect();
        let overall = if filled.is_empty() {
            Some(format!(
                "{} needs at least one exclusion filter.",
                self.mode.label()
            ))
        } else if filled.len() > 5 {
            Some("At most 5 exclusion filters.".to_owned())
        } else {
            None
        };
        if overall.is_some() || per.iter().any(Option::is_some) {
            return Err((per, overall));
        }
        Ok(TagMutabilitySetting {
            mode: self.mode,
            exclusion_filters: filled.into_iter().map(|f| f.trim().to_owned()).collect(),
        })
    }
}

/// One line per mode, as the dialog explains them.
pub fn explain(mode: TagMutability) -> &'static str {
    match mode {
        TagMutability::Mutable => "Tags can be pushed again and move to the new image.",
        TagMutability::Immutable => "A tag, once pushed, always names the same image.",
        TagMutability::ImmutableWithExclusion => {
            "Tags are immutable, except those matching a filter (e.g. latest, dev-*)."
        }
        TagMutability::MutableWithExclusion => {
            "Tags can move, except those matching a filter (e.g. release-*), which are immutable."
        }
    }
}

/// What the dialog needs from the app besides the form.
pub struct SettingsContext<'a> {
    pub repo: &'a Repository,
    pub pending: bool,
    pub error: Option<&'a str>,
    pub effective_scan: Option<crate::model::ScanFrequency>,
    pub image_count: Option<usize>,
}

/// Draws the dialog. Returns false when it should close.
pub fn repo_settings_ui(
    ctx: &egui::Context,
    form: &mut RepoSettingsForm,
    cx: &SettingsContext<'_>,
    actions: &mut Vec<UiAction>,
) -> bool {
    let mut open = true;
    let id = egui::Id::unique("repo_settings");
    let area =
        egui::Modal::default_area(id).anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0));
    let modal = egui::Modal::new(id).area(area).show(ctx, |ui: &mut Ui| {
        ui.set_width(600.0);
        let palette = style::palette(ui.visuals());
        ui.heading(format!("Settings of {}", cx.repo.name));
        ui.add_space(style::GAP);

        ui.label(RichText::new(format!("{} Tag immutability", icon::LOCK)).strong());
        for mode in TagMutability::ALL {
            ui.radio_value(&mut form.mode, mode, mode.label());
            ui.label(RichText::new(explain(mode)).small().weak());
        }
        let checked = form.check();
        if form.mode.needs_filters() {
            ui.add_space(4.0);
            ui.label("Exclusion filters (wildcard *, at most two; letters, digits, . _ -):");
            let per = checked.as_ref().err().map(|(p, _)| p.clone()).unwrap_or_default();
            let mut remove = None;
            for (i, f) in form.filters.iter_mut().enumerate() {
                ui.horizontal(|ui| {
                    let name = format!("Exclusion filter {}", i + 1);
                    let r = ui.add(egui::TextEdit::singleline(f).id_salt(("filter", i)).hint_text("e.g. release-*").desired_width(240.0));
                    r.widget_info(move || egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
                    if widgets::icon_only_button(ui, icon::X, &format!("Remove filter {}", i + 1)).clicked() {
                        remove = Some(i);
                    }
                    if let Some(Some(e)) = per.get(i) {
                        ui.colored_label(palette.error, format!("{} {e}", icon::WARNING));
                    }
                });
            }
            if let Some(i) = remove {
                form.filters.remove(i);
            }
            if form.filters.len() < 5 && widgets::icon_button(ui, icon::PLUS, "Add filter").clicked() {
                form.filters.push(String::new());
            }
            if let Err((_, Some(overall))) = &checked {
                ui.colored_label(palette.error, format!("{} {overall}", icon::WARNING));
            }
        }
        ui.horizontal(|ui| {
            let unchanged = checked.as_ref().is_ok_and(|s| *s == cx.repo.tag_mutability);
            let can_apply = checked.is_ok() && !unchanged && !cx.pending;
            if ui.add_enabled(can_apply, egui::Button::new("Apply tag immutability")).clicked()
                && let Ok(s) = &checked {
                    actions.push(UiAction::ApplyTagMutability(cx.repo.name.clone(), s.clone()));
                }
            if cx.pending {
                ui.spinner();
                ui.label("Saving…");
            }
            if let Some(e) = cx.error {
                ui.colored_label(palette.error, format!("{} {e}", icon::ERROR));
            }
        });
        ui.label(RichText::new(format!("On the server now: {}{}", cx.repo.tag_mutability.mode.label(), filters_note(&cx.repo.tag_mutability))).small().color(palette.muted));

        ui.separator();
        ui.label(RichText::new(format!("{} Scanning", icon::SHIELD_CHECK)).strong());
        if let Some(f) = cx.effective_scan {
            ui.label(format!("Effective scan frequency (registry scanning rules): {}", f.label()));
        }
        let mut on = cx.repo.scan_on_push;
        let r = ui.add_enabled(!cx.pending, egui::Checkbox::new(&mut on, "Scan on push (older per-repository switch; registry rules take precedence)"));
        if r.changed() {
            actions.push(UiAction::SetScanOnPush(cx.repo.name.clone(), on));
        }

        ui.separator();
        ui.label(RichText::new(format!("{} Encryption", icon::KEY)).strong());
        ui.label(cx.repo.encryption.label());
        if let Some(k) = &cx.repo.encryption.kms_key {
            ui.label(RichText::new(k).monospace().small());
        }
        ui.label(RichText::new("ECR fixes encryption when a repository is created; it cannot be changed afterwards.").small().color(palette.muted));
        if ui.button("Create a new repository with these settings…").clicked() {
            actions.push(UiAction::OpenCreateRepository(Some(cx.repo.name.clone())));
            open = false;
        }

        ui.separator();
        ui.horizontal(|ui| {
            let images = cx.image_count.map_or_else(String::new, |n| format!(" ({n} images go with it)"));
            if widgets::icon_button(ui, icon::TRASH, &format!("Delete repository…{images}")).clicked() {
                actions.push(UiAction::OpenDeleteRepository(cx.repo.name.clone()));
                open = false;
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Close").clicked() {
                    open = false;
                }
            });
        });
    });
    if modal.should_close() {
        open = false;
    }
    open
}

fn filters_note(s: &TagMutabilitySetting) -> String {
    if s.exclusion_filters.is_empty() {
        String::new()
    } else {
        format!(" (except {})", s.exclusion_filters.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(mode: TagMutability, filters: &[&str]) -> RepoSettingsForm {
        RepoSettingsForm {
            repository: "r".into(),
            mode,
            filters: filters.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    #[test]
    fn modes_without_filters_drop_them() {
        let s = form(TagMutability::Immutable, &["x"])
            .check()
            .expect("valid");
        assert!(s.exclusion_filters.is_empty());
    }

    #[test]
    fn exclusion_modes_need_valid_filters() {
        let (_, overall) = form(TagMutability::ImmutableWithExclusion, &["", " "])
            .check()
            .expect_err("none");
        assert!(overall.is_some_and(|m| m.contains("at least one")));
        let (per, _) = form(
            TagMutability::MutableWithExclusion,
            &["ok-*", "a*b*c*", "bad/char"],
        )
        .check()
        .expect_err("bad");
        assert_eq!(per[0], None);
        assert!(per[1].as_deref().is_some_and(|m| m.contains("two '*'")));
        assert!(
            per[2]
                .as_deref()
                .is_some_and(|m| m.contains("only letters"))
        );
        let (_, overall) = form(
            TagMutability::MutableWithExclusion,
            &["a", "b", "c", "d", "e", "f"],
        )
        .check()
        .expect_err("six");
        assert!(overall.is_some_and(|m| m.contains("At most 5")));
        let ok = form(
            TagMutability::ImmutableWithExclusion,
            &[" latest ", "", "dev-*"],
        )
        .check()
        .expect("valid");
        assert_eq!(ok.exclusion_filters, ["latest", "dev-*"]);
    }
}
