//! Login's state transitions: the login token is kept only until it is
//! copied (see `RegistryState::take_login_token`); the IAM Identity Center
//! sign-in moves Starting -> Waiting (code shown) -> SignedIn / Failed /
//! Cancelled, and a sign-in reloads the registries that need it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::login::sso::{Prompt, SignedIn, SsoFailure};
use crate::message::{LoginCommand, LoginPayload, RequestId};
use crate::model::RegistryKey;
use crate::state::{AppState, FollowUp, Login, NoticeLevel, RegistryState, settle};

/// One sign-in, as its dialog shows it.
#[derive(Clone, Debug)]
pub struct SsoSignIn {
    pub profile: String,
    pub registry: RegistryKey,
    /// The worker's request (answers of an older sign-in are ignored).
    pub request: Option<RequestId>,
    pub cancel: Arc<AtomicBool>,
    pub phase: SsoPhase,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SsoPhase {
    /// Registering and asking for a code.
    Starting,
    /// The code is shown; the person allows it in the browser.
    Waiting {
        prompt: Prompt,
        until: Instant,
    },
    SignedIn(SignedIn),
    Failed(String),
    Cancelled,
}

/// The MFA code dialog's state: whose, and how the last try went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaEntry {
    pub profile: String,
    pub registry: RegistryKey,
    /// The code being tried (its request); `None`: waiting for a code.
    pub request: Option<RequestId>,
    /// Why the last code was refused (shown next to the field).
    pub error: Option<String>,
}

impl SsoSignIn {
    pub fn new(profile: String, registry: RegistryKey) -> Self {
        Self {
            profile,
            registry,
            request: None,
            cancel: Arc::new(AtomicBool::new(false)),
            phase: SsoPhase::Starting,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.phase, SsoPhase::Starting | SsoPhase::Waiting { .. })
    }

    /// Stops the polling (the worker sees the flag within 100 ms) and says
    /// so at once; a late answer is then ignored.
    pub fn cancel(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        if self.is_running() {
            self.phase = SsoPhase::Cancelled;
        }
    }

    /// The next phase for an answer; `None`: not this sign-in's, or it was
    /// cancelled.
    pub fn next(
        &self,
        request: RequestId,
        payload: &LoginPayload,
        now: Instant,
    ) -> Option<SsoPhase> {
        if self.request != Some(request) || !self.is_running() {
            return None;
        }
        match payload {
            LoginPayload::SsoPrompt(p) => Some(SsoPhase::Waiting {
                prompt: p.clone(),
                until: now + p.expires_in,
            }),
            LoginPayload::SsoDone(Ok(done)) => Some(SsoPhase::SignedIn(done.clone())),
            LoginPayload::SsoDone(Err(SsoFailure::Cancelled)) => Some(SsoPhase::Cancelled),
            LoginPayload::SsoDone(Err(e)) => Some(SsoPhase::Failed(e.to_string())),
            LoginPayload::Token(_) | LoginPayload::MfaDone(_) => None,
        }
    }
}

impl AppState {
    /// A token request was sent: mark what waits for it.
    pub(crate) fn login_started(
        &mut self,
        id: RequestId,
        key: Option<&RegistryKey>,
        cmd: &LoginCommand,
    ) {
        match cmd {
            LoginCommand::Token(_) => {
                if let Some(r) = key.and_then(|k| self.registry_mut(k)) {
                    r.docs.login.start(id);
                }
            }
            LoginCommand::Mfa(job) => {
                if let Some(m) = self.mfa.as_mut().filter(|m| m.profile == job.profile) {
                    m.request = Some(id);
                    m.error = None;
                }
            }
            LoginCommand::SsoSignIn(job) => {
                if let Some(s) = self
                    .sso
                    .as_mut()
                    .filter(|s| Arc::ptr_eq(&s.cancel, &job.cancel))
                {
                    s.request = Some(id);
                }
            }
        }
    }

    /// A token answer.
    pub(crate) fn apply_login(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: LoginPayload,
    ) -> Vec<FollowUp> {
        match payload {
            LoginPayload::Token(_) => {
                if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
                    reg.apply_login(request, payload);
                }
                Vec::new()
            }
            LoginPayload::SsoPrompt(_) | LoginPayload::SsoDone(_) => {
                self.apply_sso(request, &payload)
            }
            LoginPayload::MfaDone(result) => self.apply_mfa(request, result),
        }
    }

    /// The code was taken: the dialog closes and the profile's registries
    /// load again; refused: the words go next to the field.
    fn apply_mfa(&mut self, request: RequestId, result: Result<String, String>) -> Vec<FollowUp> {
        let Some(m) = self.mfa.as_mut().filter(|m| m.request == Some(request)) else {
            return Vec::new();
        };
        m.request = None;
        match result {
            Err(e) => {
                m.error = Some(e);
                Vec::new()
            }
            Ok(until) => {
                let profile = m.profile.clone();
                self.mfa = None;
                self.last_error = None;
                self.notify(
                    NoticeLevel::Success,
                    format!("MFA accepted: profile '{profile}' holds its role until {until} (in memory only)."),
                );
                let again: Vec<RegistryKey> = self
                    .registries
                    .iter()
                    .filter(|r| r.spec.profile.as_deref() == Some(profile.as_str()))
                    .map(|r| r.spec.key())
                    .collect();
                again.iter().flat_map(|k| self.load_registry(k)).collect()
            }
        }
    }

    /// A sign-in's prompt or end. Signed in: every registry of that
    /// profile, and every one whose listing failed on its credentials,
    /// loads again (their clients read the new token).
    fn apply_sso(&mut self, request: RequestId, payload: &LoginPayload) -> Vec<FollowUp> {
        let Some(s) = self.sso.as_mut() else {
            return Vec::new();
        };
        let Some(next) = s.next(request, payload, Instant::now()) else {
            return Vec::new();
        };
        s.phase = next;
        let SsoPhase::SignedIn(done) = &s.phase else {
            return Vec::new();
        };
        let profile = s.profile.clone();
        let until = done.expires_at.clone();
        // The "session expired" line in the status bar is no longer true.
        self.last_error = None;
        self.notify(
            NoticeLevel::Success,
            format!("Signed in to IAM Identity Center for profile '{profile}' (until {until}); the aws CLI can use it too."),
        );
        let again: Vec<RegistryKey> = self
            .registries
            .iter()
            .filter(|r| {
                r.spec.profile.as_deref() == Some(profile.as_str())
                    || r.repositories
                        .error()
                        .is_some_and(crate::model::EcrError::is_credentials)
            })
            .map(|r| r.spec.key())
            .collect();
        again.iter().flat_map(|k| self.load_registry(k)).collect()
    }
}

impl RegistryState {
    pub(crate) fn apply_login(&mut self, request: RequestId, payload: LoginPayload) {
        match payload {
            // A sign-in belongs to the app, not to one registry.
            LoginPayload::SsoPrompt(_) | LoginPayload::SsoDone(_) | LoginPayload::MfaDone(_) => {}
            LoginPayload::Token(result) => {
                let result = result.map(|t| Login {
                    proxy_endpoint: t.proxy_endpoint.clone(),
                    expires_at: t.expires_at,
                    token: Some(t),
                });
                settle(&mut self.docs.login, request, result);
            }
        }
    }
}
