//! Every user action, in one match. Actions that change something carry
//! their target; this handler never reads the current selection to find
//! out what an action was about. Most arms ask the state what follows and
//! carry it out; the rest open dialogs or touch the clipboard.

use crate::message::{Command, ExportRequest, RepoChange};
use crate::message::{
    LifecycleCommand, LoginCommand, ManageCommand, PullThroughCommand, TransferCommand,
};
use crate::model::{RegistryKey, RepoRef};
use crate::state::{FollowUp, NoticeLevel};
use crate::ui::UiAction;
use crate::ui::add_registry::AddRegistryForm;
use crate::ui::bulk::BulkForm;
use crate::ui::create_repository::{CreateRepoForm, DeleteRepoForm};
use crate::ui::modal::{ConfirmForm, Modal};
use crate::ui::palette::PaletteView;
use crate::ui::pull_through::RuleForm;
use crate::ui::push_commands::{PushTarget, Tool as PushTool};
use crate::ui::repo_settings::RepoSettingsForm;
use crate::ui::scanning_config::ScanningForm;

use super::EcrscopeApp;

impl EcrscopeApp {
    /// A preference or view setting: it lives in the settings (saved with
    /// them) and applies at once.
    fn preference(&mut self, action: UiAction) {
        match action {
            UiAction::SortRepositories(col) => {
                self.state.settings.repo_sort = self.state.settings.repo_sort.clicked(col);
            }
            UiAction::SetHiddenColumns(table, hidden) => {
                self.state
                    .settings
                    .hidden_columns
                    .insert(table.to_owned(), hidden);
            }
            UiAction::ResetColumns(table) => {
                self.state.settings.hidden_columns.remove(table);
            }
            UiAction::SortImages(col) => {
                self.state.settings.image_sort = self.state.settings.image_sort.clicked(col);
            }
            UiAction::SetTheme(t) => {
                self.state.settings.theme = t;
            }
            UiAction::SetZoom(z) => {
                self.state.settings.zoom =
                    z.clamp(crate::settings::ZOOM_MIN, crate::settings::ZOOM_MAX);
            }
            UiAction::SetTimeDisplay(style, clock) => {
                self.state.settings.time_style = style;
                self.state.settings.clock = clock;
            }
            UiAction::SetMaxInFlight(n) => {
                self.state.settings.max_in_flight = n.clamp(1, 32);
                self.worker
                    .set_max_in_flight(self.state.settings.max_in_flight);
            }
            UiAction::SetAutoRefresh(key, secs) => {
                if secs == 0 {
                    self.state.settings.auto_refresh.remove(&key.0);
                } else {
                    self.state.settings.auto_refresh.insert(key.0.clone(), secs);
                }
            }
            _ => {}
        }
    }

    /// Carries out one user action.
    pub fn handle(&mut self, action: UiAction) {
        let follow = match action {
            UiAction::SelectRegistry(key) => self.state.select_registry(key),
            UiAction::SelectRepository(repo) => self.state.select_repository(repo),
            UiAction::SelectImage(d) => self.state.select_image(d),
            UiAction::GoTo(loc) => {
                self.view.repo_table.cursor = None;
                self.state.visit(loc)
            }
            UiAction::Back => self.state.back(),
            UiAction::Forward => self.state.forward(),
            UiAction::SetRegistryTab(t) => self.state.set_registry_tab(t),
            UiAction::SetRepoTab(t) => self.state.set_repo_tab(t),
            UiAction::OpenFindings => self.state.open_findings(),
            UiAction::CloseFindings => {
                self.state.findings_open = false;
                Vec::new()
            }
            UiAction::CompareWith(other) => self.state.compare_with(other),
            UiAction::Refresh => self.state.refresh(),
            UiAction::RefreshRegistry(k) => self.state.load_registry(&k),
            UiAction::NeedScanSummaries(repo, digests) => {
                self.state.scan_summaries_for(&repo, &digests)
            }
            UiAction::ToggleExpand(repo, d) => {
                if !self.view.images.expanded.remove(&d) {
                    self.view.images.expanded.insert(d);
                }
                self.state.platforms_for(&repo, d)
            }
            UiAction::GroupPlatforms(repo) => self.state.group_platforms(&repo),
            UiAction::NeedRepoTags(key, names) => self.state.repo_tags_for(&key, &names),
            UiAction::CheckAllFindings => self.state.start_sweep(),
            UiAction::StartSearch {
                query,
                scope,
                repo_filter,
            } => self.state.start_search(&query, scope, &repo_filter),
            UiAction::OpenSearch => {
                self.view.search.open = true;
                self.view.search.focus = true;
                Vec::new()
            }
            UiAction::CancelSearch => {
                self.state.cancel_search();
                Vec::new()
            }
            pref @ (UiAction::SortRepositories(_)
            | UiAction::SortImages(_)
            | UiAction::SetHiddenColumns(..)
            | UiAction::ResetColumns(_)
            | UiAction::SetTheme(_)
            | UiAction::SetZoom(_)
            | UiAction::SetTimeDisplay(..)
            | UiAction::SetMaxInFlight(_)
            | UiAction::SetAutoRefresh(..)) => {
                self.preference(pref);
                Vec::new()
            }
            UiAction::AddRegistry(spec) => {
                let key = spec.key();
                self.state.settings.added_registries.push(spec);
                let saved = None;
                let mut follow = self.state.rebuild_registries(saved);
                follow.extend(self.state.select_registry(key));
                follow
            }
            UiAction::RemoveRegistry(key) => {
                let label = self.registry_label(&key);
                self.state
                    .settings
                    .added_registries
                    .retain(|r| r.key() != key);
                let follow = self.state.rebuild_registries(None);
                self.state
                    .notify(NoticeLevel::Info, format!("Removed {label}."));
                follow
            }
            UiAction::CloseModal => {
                self.view.modal = None;
                Vec::new()
            }
            UiAction::Confirm {
                title,
                body,
                target,
                action,
            } => {
                self.view.open(Modal::Confirm(ConfirmForm {
                    title,
                    body,
                    target,
                    action: *action,
                }));
                Vec::new()
            }
            change @ (UiAction::ChangeImages(..)
            | UiAction::ApplyScanning(..)
            | UiAction::ApplyBulk(..)
            | UiAction::ApplyTagMutability(..)
            | UiAction::SetScanOnPush(..)
            | UiAction::ChangeRepository(..)
            | UiAction::CreateRepository(..)
            | UiAction::DeleteRepository(_)
            | UiAction::StartScan(..)
            | UiAction::Export(..)
            | UiAction::StartCopy { .. }
            | UiAction::StartReencrypt { .. }
            | UiAction::ExportImage { .. }
            | UiAction::CancelTransfer(_)
            | UiAction::CheckCopyTarget { .. }
            | UiAction::ClearFinishedTransfers
            | UiAction::CheckThenDeleteReencrypted { .. }
            | UiAction::ChangePullThrough(..)
            | UiAction::ValidatePullThrough(..)
            | UiAction::SaveLifecycle(..)
            | UiAction::DeleteLifecycle(_)
            | UiAction::PreviewLifecycle(..)
            | UiAction::GetLoginToken(_)
            | UiAction::CopyLoginPassword(_)) => self.change(change),
            open @ (UiAction::OpenAddRegistry
            | UiAction::AskRemoveRegistry(_)
            | UiAction::OpenPushCommands(_)
            | UiAction::OpenScanning(_)
            | UiAction::OpenBulk(..)
            | UiAction::OpenCopy(..)
            | UiAction::OpenReencrypt(_)
            | UiAction::OpenRepoSettings(_)
            | UiAction::OpenCreateRepository(..)
            | UiAction::OpenDeleteRepository(_)
            | UiAction::OpenPullThroughForm(..)
            | UiAction::OpenPalette
            | UiAction::OpenHelp
            | UiAction::OpenPreferences) => {
                self.open_dialog(open);
                Vec::new()
            }
        };
        self.carry_out(follow);
    }

    /// Copies, re-encryptions and image exports (and their Cancel).
    fn transfer(&mut self, action: UiAction) -> Vec<FollowUp> {
        match action {
            UiAction::StartCopy {
                source,
                target,
                items,
                create,
                allowed_moves,
            } => vec![FollowUp::Request(Command::Transfer(TransferCommand::Copy(
                crate::message::CopyJob {
                    source,
                    target,
                    items,
                    create,
                    allowed_moves,
                    cancel: std::sync::Arc::default(),
                },
            )))],
            UiAction::ExportImage { repo, digest, tag } => {
                self.pick_image_export_path(crate::message::ImageExportJob {
                    repo,
                    digest,
                    tag,
                    platform: None,
                    path: Default::default(),
                    cancel: std::sync::Arc::default(),
                });
                Vec::new()
            }
            UiAction::StartReencrypt {
                repo,
                new_name,
                encryption,
            } => vec![FollowUp::Request(Command::Transfer(
                TransferCommand::Reencrypt(crate::message::ReencryptJob {
                    repo,
                    new_name,
                    encryption,
                    cancel: std::sync::Arc::default(),
                }),
            ))],
            UiAction::CancelTransfer(request) => {
                self.state.cancel_transfer(request);
                Vec::new()
            }
            UiAction::CheckCopyTarget { target, items } => {
                vec![FollowUp::Request(Command::Transfer(
                    TransferCommand::CheckTarget { target, items },
                ))]
            }
            UiAction::ClearFinishedTransfers => {
                self.state.clear_finished_transfers();
                Vec::new()
            }
            UiAction::CheckThenDeleteReencrypted { repo, new_name } => {
                if self.state.reencrypt_checking.is_some() {
                    Vec::new()
                } else {
                    vec![FollowUp::Request(Command::Transfer(
                        TransferCommand::CompareReencrypted { repo, new_name },
                    ))]
                }
            }
            _ => Vec::new(),
        }
    }

    /// Actions that change something or ask the registry for more; each
    /// carries its target.
    fn change(&mut self, action: UiAction) -> Vec<FollowUp> {
        match action {
            UiAction::ChangeImages(repo, change) => {
                if matches!(change, crate::message::ImageChange::Delete(_)) {
                    self.view.images.selection.clear();
                }
                vec![FollowUp::Request(Command::Manage(
                    ManageCommand::ChangeImages { repo, change },
                ))]
            }
            UiAction::ApplyScanning(registry, config) => {
                self.state.apply_scanning_request(registry, config)
            }
            UiAction::ApplyBulk(registry, names, change) => names
                .into_iter()
                .filter_map(|n| {
                    // Resource tags go by each repository's own ARN.
                    let change = match &change {
                        RepoChange::ResourceTags { set, remove, .. } => {
                            let arn = self
                                .state
                                .registry(&registry.key())
                                .and_then(|r| r.repository(&n))
                                .map(|r| r.arn.clone())?;
                            RepoChange::ResourceTags {
                                arn,
                                set: set.clone(),
                                remove: remove.clone(),
                            }
                        }
                        other => other.clone(),
                    };
                    self.state
                        .change_request(RepoRef::new(&registry, &n), change)
                })
                .collect(),
            UiAction::ApplyTagMutability(repo, setting) => self
                .state
                .change_request(repo, crate::message::RepoChange::TagMutability(setting))
                .into_iter()
                .collect(),
            UiAction::SetScanOnPush(repo, on) => self
                .state
                .change_request(repo, crate::message::RepoChange::ScanOnPush(on))
                .into_iter()
                .collect(),
            UiAction::ChangeRepository(repo, change) => self
                .state
                .change_request(repo, change)
                .into_iter()
                .collect(),
            UiAction::CreateRepository(registry, new) => {
                if self.state.creating.is_some() {
                    Vec::new()
                } else {
                    vec![FollowUp::Request(Command::Manage(
                        ManageCommand::CreateRepository { registry, new },
                    ))]
                }
            }
            // The confirmation named the images that go with it: force.
            UiAction::DeleteRepository(repo) => {
                vec![FollowUp::Request(Command::Manage(
                    ManageCommand::DeleteRepository { repo, force: true },
                ))]
            }
            UiAction::StartScan(repo, digests) => self.state.scan_request(repo, digests),
            t @ (UiAction::StartCopy { .. }
            | UiAction::StartReencrypt { .. }
            | UiAction::ExportImage { .. }
            | UiAction::CancelTransfer(_)
            | UiAction::CheckCopyTarget { .. }
            | UiAction::ClearFinishedTransfers
            | UiAction::CheckThenDeleteReencrypted { .. }) => self.transfer(t),
            UiAction::Export(repo, digests, format) => {
                let images = self.state.export_images(&repo, &digests);
                self.pick_export_path(ExportRequest {
                    repo,
                    images,
                    format,
                    path: Default::default(),
                });
                Vec::new()
            }
            UiAction::ChangePullThrough(registry, change) => {
                vec![FollowUp::Request(Command::PullThrough(
                    PullThroughCommand::Change { registry, change },
                ))]
            }
            UiAction::ValidatePullThrough(registry, prefix) => {
                vec![FollowUp::Request(Command::PullThrough(
                    PullThroughCommand::Validate { registry, prefix },
                ))]
            }
            UiAction::SaveLifecycle(repo, text) => {
                vec![FollowUp::Request(Command::Lifecycle(
                    LifecycleCommand::Change {
                        repo,
                        text: Some(text),
                    },
                ))]
            }
            UiAction::DeleteLifecycle(repo) => {
                vec![FollowUp::Request(Command::Lifecycle(
                    LifecycleCommand::Change { repo, text: None },
                ))]
            }
            UiAction::PreviewLifecycle(repo, text) => {
                vec![FollowUp::Request(Command::Lifecycle(
                    LifecycleCommand::Preview { repo, text },
                ))]
            }
            UiAction::GetLoginToken(spec) => {
                vec![FollowUp::Request(Command::Login(LoginCommand::Token(spec)))]
            }
            UiAction::CopyLoginPassword(key) => {
                self.copy_login_password(&key);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Opens a dialog, its target captured now.
    pub(crate) fn open_dialog(&mut self, action: UiAction) {
        let modal = match action {
            UiAction::OpenAddRegistry => {
                let region = self
                    .state
                    .selected_registry()
                    .map(|r| r.spec.region.clone())
                    .unwrap_or_default();
                Modal::AddRegistry(AddRegistryForm {
                    region,
                    ..AddRegistryForm::default()
                })
            }
            UiAction::AskRemoveRegistry(key) => Modal::RemoveRegistry {
                label: self.registry_label(&key),
                key,
            },
            UiAction::OpenPushCommands(repo) => {
                let Some(t) = self.push_target(&repo) else {
                    return;
                };
                Modal::PushCommands(PushTool::default(), t)
            }
            UiAction::OpenScanning(key) => {
                let Some(reg) = self.state.registry(&key) else {
                    return;
                };
                if reg.is_cross_account() {
                    self.state.notify(
                        NoticeLevel::Warning,
                        "The scanning configuration belongs to the account you sign in with: ECR has no call to read or change another account's. Open a registry of your own account to change it.",
                    );
                    return;
                }
                let Some(s) = reg.scanning.shown() else {
                    self.state.notify(
                        NoticeLevel::Info,
                        "The scanning configuration is still loading (or could not be read); try again in a moment.",
                    );
                    return;
                };
                Modal::Scanning(ScanningForm::from_config(
                    &reg.spec,
                    reg.target_line(),
                    &s.registry,
                ))
            }
            UiAction::OpenReencrypt(repo) => {
                let kms = self
                    .state
                    .registry(&repo.key())
                    .and_then(|r| r.repository(&repo.name))
                    .is_some_and(|r| r.encryption.kind != crate::model::EncryptionType::Aes256);
                Modal::Reencrypt(crate::ui::reencrypt::ReencryptForm::new(repo, kms))
            }
            UiAction::OpenCopy(repo, images) => {
                // A fresh look at the target: an earlier answer may be stale.
                self.state.copy_check = None;
                Modal::CopyImages(crate::ui::copy_images::CopyForm::new(repo, images))
            }
            UiAction::OpenBulk(key, names) => {
                let Some(reg) = self.state.registry(&key) else {
                    return;
                };
                Modal::Bulk(BulkForm::new(&reg.spec, reg.target_line(), names))
            }
            UiAction::OpenRepoSettings(repo) => {
                let Some(reg) = self.state.registry(&repo.key()) else {
                    return;
                };
                let Some(r) = reg.repository(&repo.name) else {
                    return;
                };
                Modal::RepoSettings(RepoSettingsForm::new(repo.clone(), reg.target_line(), r))
            }
            UiAction::OpenCreateRepository(key, like) => {
                self.state.create_error = None;
                let Some(reg) = self.state.registry(&key) else {
                    return;
                };
                match like.and_then(|n| reg.repository(&n)) {
                    Some(r) => Modal::CreateRepository(CreateRepoForm::like(
                        r,
                        &reg.spec,
                        reg.target_line(),
                    )),
                    None => {
                        Modal::CreateRepository(CreateRepoForm::new(&reg.spec, reg.target_line()))
                    }
                }
            }
            UiAction::OpenDeleteRepository(repo) => {
                let Some(reg) = self.state.registry(&repo.key()) else {
                    return;
                };
                let images = reg
                    .images
                    .get(&repo.name)
                    .and_then(crate::state::RepoImages::totals)
                    .map(|t| t.images());
                Modal::DeleteRepository(DeleteRepoForm {
                    target: reg.target_line(),
                    repo,
                    typed: String::new(),
                    images,
                })
            }
            UiAction::OpenPullThroughForm(key, prefix) => {
                let Some(reg) = self.state.registry(&key) else {
                    return;
                };
                let existing = prefix.and_then(|p| {
                    reg.docs
                        .pull_through
                        .shown()
                        .and_then(|l| l.iter().find(|x| x.ecr_repository_prefix == p))
                });
                let account = reg.account().unwrap_or_default().to_owned();
                Modal::PullThroughRule(RuleForm::new(
                    &reg.spec,
                    reg.target_line(),
                    existing,
                    account,
                ))
            }
            UiAction::OpenPalette => Modal::Palette(PaletteView::default()),
            UiAction::OpenHelp => Modal::Help,
            UiAction::OpenPreferences => Modal::Preferences,
            _ => return,
        };
        self.view.open(modal);
    }

    fn registry_label(&self, key: &RegistryKey) -> String {
        self.state.registry(key).map_or_else(String::new, |r| {
            format!("{} ({})", r.spec.profile_label(), r.spec.region)
        })
    }

    fn push_target(&self, repo: &RepoRef) -> Option<PushTarget> {
        let reg = self.state.registry(&repo.key())?;
        let uri = reg.repository(&repo.name)?.uri.clone();
        let host = uri.split('/').next().unwrap_or_default().to_owned();
        Some(PushTarget {
            registry_host: host,
            region: reg.spec.region.clone(),
            profile: reg.spec.profile.clone(),
            repository: repo.name.clone(),
        })
    }

    /// The login token's password goes to the clipboard once; the token is
    /// then dropped (its bytes overwritten).
    fn copy_login_password(&mut self, key: &RegistryKey) {
        let token = self
            .state
            .registry_mut(key)
            .and_then(crate::state::RegistryState::take_login_token);
        if let Some(t) = token {
            // egui keeps its own copy only until the platform has it.
            self.view.clipboard = Some(t.password().to_owned());
            self.state.notify(
                NoticeLevel::Success,
                "Password copied. Paste it into docker login's prompt; ecrscope has forgotten it.",
            );
        }
    }
}
