//! Draws the open dialog (there is at most one), reading the state for what
//! it shows and pushing the actions it confirms. Each dialog carries its
//! target from when it opened; a dialog whose target is gone closes.

use super::modal::{Modal, Outcome};
use super::{UiAction, ViewState};
use super::{add_registry, bulk, create_repository, modal, palette, pull_through, push_commands};
use super::{repo_settings, scanning_config};
use crate::model::RegistryKey;
use crate::state::AppState;

pub fn dialogs_ui(
    ctx: &egui::Context,
    state: &AppState,
    view: &mut ViewState,
    actions: &mut Vec<UiAction>,
) {
    let view_path = view.settings_path.clone();
    let Some(open) = &mut view.modal else {
        return;
    };
    let first = open.frames == 0;
    open.frames = open.frames.saturating_add(1);
    let keep = match &mut open.modal {
        Modal::AddRegistry(form) => {
            let profiles: Vec<String> = state
                .discovery
                .as_ref()
                .map(|d| d.profiles.iter().map(|p| p.name.clone()).collect())
                .unwrap_or_default();
            let existing: Vec<RegistryKey> =
                state.registries.iter().map(|r| r.spec.key()).collect();
            add_registry::add_registry_ui(ctx, first, form, &profiles, &existing, actions)
        }
        Modal::RemoveRegistry { key, label } => {
            add_registry::confirm_remove_ui(ctx, first, key, label, actions)
        }
        Modal::RepoSettings(form) => {
            let reg = state.registry(&form.repo.key());
            match reg.and_then(|r| r.repository(&form.repo.name).map(|repo| (r, repo))) {
                Some((reg, repo)) => {
                    let cx = repo_settings::SettingsContext {
                        pending: reg.pending.contains_key(&repo.name),
                        error: reg.change_errors.get(&repo.name).map(String::as_str),
                        effective_scan: reg.scan_frequency(&repo.name),
                        image_count: reg
                            .images
                            .get(&repo.name)
                            .and_then(crate::state::RepoImages::totals)
                            .map(|t| t.images()),
                        tags: reg
                            .resource_tags
                            .get(&repo.name)
                            .and_then(crate::state::Requested::shown)
                            .map(Vec::as_slice),
                        repo,
                    };
                    repo_settings::repo_settings_ui(ctx, first, form, &cx, actions)
                }
                // The repository is gone (deleted here or elsewhere).
                None => false,
            }
        }
        Modal::CopyImages(form) => super::copy_images::copy_ui(ctx, first, form, state, actions),
        Modal::Reencrypt(form) => super::reencrypt::reencrypt_ui(ctx, first, form, state, actions),
        Modal::Bulk(form) => match state.registry(&form.registry.key()) {
            Some(reg) => bulk::bulk_ui(ctx, first, form, reg, actions),
            None => false,
        },
        Modal::Scanning(form) => {
            let reg = state.registry(&form.registry.key());
            let pending = reg.is_some_and(|r| r.scanning.is_loading());
            let error = reg
                .and_then(|r| r.scanning.error())
                .map(ToString::to_string);
            // After a save, the form follows what the server holds.
            if let Some(s) = reg.and_then(|r| r.scanning.shown()) {
                form.server_type = s.registry.scan_type;
            }
            reg.is_some()
                && scanning_config::scanning_ui(
                    ctx,
                    first,
                    form,
                    pending,
                    error.as_deref(),
                    actions,
                )
        }
        Modal::Confirm(form) => match modal::confirm_ui(ctx, first, form) {
            Outcome::Confirmed => {
                actions.push(form.action.clone());
                false
            }
            Outcome::Dismissed => false,
            Outcome::Open => true,
        },
        Modal::CreateRepository(form) => create_repository::create_repository_ui(
            ctx,
            first,
            form,
            state.creating.is_some(),
            state.create_error.as_deref(),
            actions,
        ),
        Modal::DeleteRepository(form) => {
            create_repository::delete_repository_ui(ctx, first, form, actions)
        }
        Modal::PullThroughRule(form) => {
            let pending = state
                .registry(&form.registry.key())
                .is_some_and(|r| r.docs.pull_through.is_loading());
            pull_through::rule_form_ui(ctx, first, form, pending, actions)
        }
        Modal::PushCommands(tool, target) => {
            push_commands::push_commands_ui(ctx, first, tool, target)
        }
        Modal::Help => super::help::help_ui(ctx, first, view_path.as_deref()),
        Modal::Preferences => {
            super::preferences::preferences_ui(ctx, first, state, view_path.as_deref(), actions)
        }
        Modal::Palette(p) => match palette::palette_ui(ctx, first, p, state) {
            None => true,
            Some(outcome) => {
                actions.extend(outcome);
                false
            }
        },
    };
    if !keep {
        view.modal = None;
    }
}
