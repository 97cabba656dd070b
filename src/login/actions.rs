//! Login's actions: the push commands dialog, the login token, its
//! password to the clipboard once.

use crate::app::EcrscopeApp;
use crate::login::mfa_dialog::MfaDialog;
use crate::login::push_commands::{PushCommandsDialog, PushTarget};
use crate::login::sso_dialog::SsoDialog;
use crate::login::state::{MfaEntry, SsoSignIn};
use crate::message::{Command, LoginCommand, MfaJob, SsoJob};
use crate::model::{RegistryKey, RegistrySpec, RepoRef};
use crate::state::{FollowUp, NoticeLevel};

#[derive(Clone, Debug, PartialEq)]
pub enum LoginAction {
    /// How to build, tag, log in and push to this repository.
    OpenPushCommands(RepoRef),
    /// GetAuthorizationToken for a registry.
    GetToken(RegistrySpec),
    /// Put the token's password on the clipboard, then forget it.
    CopyPassword(RegistryKey),
    /// Sign in to IAM Identity Center for this registry's profile.
    SsoSignIn(RegistrySpec),
    /// Stop the sign-in under way (nothing is written).
    SsoCancel,
    /// The sign-in dialog closed.
    SsoClose,
    /// Ask for the MFA code of this registry's profile.
    MfaOpen(RegistrySpec),
    /// Try this code (checked before any call).
    MfaSubmit(String),
    /// The MFA dialog closed.
    MfaClose,
}

impl EcrscopeApp {
    pub(crate) fn on_login(&mut self, action: LoginAction) -> Vec<FollowUp> {
        match action {
            LoginAction::OpenPushCommands(repo) => {
                if let Some(target) = self.push_target(&repo) {
                    self.view.open(PushCommandsDialog {
                        tool: Default::default(),
                        target,
                    });
                }
                Vec::new()
            }
            LoginAction::GetToken(spec) => {
                vec![FollowUp::Request(Command::Login(LoginCommand::Token(spec)))]
            }
            LoginAction::CopyPassword(key) => {
                self.copy_login_password(&key);
                Vec::new()
            }
            LoginAction::SsoSignIn(spec) => self.start_sso(spec),
            LoginAction::SsoCancel => {
                if let Some(s) = self.state.sso.as_mut() {
                    s.cancel();
                }
                Vec::new()
            }
            LoginAction::SsoClose => {
                if let Some(mut s) = self.state.sso.take() {
                    s.cancel();
                }
                Vec::new()
            }
            LoginAction::MfaOpen(spec) => {
                if let Some(profile) = spec.profile.clone() {
                    self.state.mfa = Some(MfaEntry {
                        profile,
                        registry: spec.key(),
                        request: None,
                        error: None,
                    });
                    self.view.open(MfaDialog::default());
                }
                Vec::new()
            }
            LoginAction::MfaSubmit(code) => self.submit_mfa(&code),
            LoginAction::MfaClose => {
                self.state.mfa = None;
                Vec::new()
            }
        }
    }

    /// A code that is not one is said next to the field; nothing is sent.
    fn submit_mfa(&mut self, code: &str) -> Vec<FollowUp> {
        let Some(m) = self.state.mfa.as_mut().filter(|m| m.request.is_none()) else {
            return Vec::new();
        };
        let code = match crate::login::mfa::check_code(code) {
            Ok(c) => c,
            Err(e) => {
                m.error = Some(e);
                return Vec::new();
            }
        };
        let (key, profile) = (m.registry.clone(), m.profile.clone());
        let Some(registry) = self.state.registry(&key).map(|r| r.spec.clone()) else {
            return Vec::new();
        };
        let job = MfaJob {
            registry,
            profile,
            code,
        };
        vec![FollowUp::Request(Command::Login(LoginCommand::Mfa(job)))]
    }

    /// Opens the sign-in dialog and starts the device sign-in (one at a
    /// time: a new one cancels the old).
    fn start_sso(&mut self, spec: RegistrySpec) -> Vec<FollowUp> {
        let Some(profile) = spec.profile.clone() else {
            self.state.notify(
                NoticeLevel::Warning,
                "This registry uses environment credentials, not an SSO profile: there is nothing to sign in to.",
            );
            return Vec::new();
        };
        if let Some(mut old) = self.state.sso.take() {
            old.cancel();
        }
        let sign_in = SsoSignIn::new(profile.clone(), spec.key());
        let job = SsoJob {
            registry: spec,
            profile,
            place: self.state.sso_place.clone(),
            cancel: sign_in.cancel.clone(),
        };
        self.state.sso = Some(sign_in);
        self.view.open(SsoDialog::default());
        vec![FollowUp::Request(Command::Login(LoginCommand::SsoSignIn(
            job,
        )))]
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
