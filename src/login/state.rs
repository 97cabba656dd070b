//! The login token's state transitions: the token is kept only until it is
//! copied (see `RegistryState::take_login_token`).

use crate::message::{LoginCommand, LoginPayload, RequestId};
use crate::model::RegistryKey;
use crate::state::{AppState, FollowUp, Login, RegistryState, settle};

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
        }
    }

    /// A token answer.
    pub(crate) fn apply_login(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: LoginPayload,
    ) -> Vec<FollowUp> {
        if let Some(reg) = key.and_then(|k| self.registry_mut(k)) {
            reg.apply_login(request, payload);
        }
        Vec::new()
    }
}

impl RegistryState {
    pub(crate) fn apply_login(&mut self, request: RequestId, payload: LoginPayload) {
        match payload {
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
