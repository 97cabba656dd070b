//! What a feature's worker operation works with: the request it answers,
//! its registry's client, and the way back to the app. Features see only
//! these methods, never the worker's insides.

use std::sync::Arc;

use super::Inner;
use crate::ecr::EcrClient;
use crate::message::{Event, Payload, RequestId};
use crate::model::{EcrError, RegistryKey, RegistrySpec, transfer::CopyProgress};

pub struct Cx<'a> {
    pub(super) inner: &'a Arc<Inner>,
    pub(super) id: RequestId,
    pub(super) key: Option<RegistryKey>,
    pub(super) client: EcrClient,
}

impl Cx<'_> {
    /// Sends one answer (waits while the app's queue is full).
    pub async fn emit(&self, payload: impl Into<Payload>) {
        self.inner
            .emit(self.id, self.key.clone(), payload.into())
            .await;
    }

    /// Sends a progress snapshot without waiting: dropped when the queue is
    /// full, since a later one supersedes it.
    pub fn progress(&self, payload: impl Into<Payload>) {
        let _ = self.inner.events.try_send(Event {
            request: self.id,
            registry: self.key.clone(),
            payload: payload.into(),
        });
        (self.inner.notify)();
    }

    /// The client of the command's registry.
    pub fn c(&self) -> &EcrClient {
        &self.client
    }

    /// The registry the command goes to.
    pub fn key(&self) -> Option<&RegistryKey> {
        self.key.as_ref()
    }

    /// Another registry's client (a copy's target: its own profile, region
    /// and rate budget).
    pub async fn client_of(&self, spec: &RegistrySpec) -> Result<EcrClient, EcrError> {
        self.inner.clients.get(spec).await
    }

    /// The options every client is made with: their MFA sessions (where a
    /// sign-in with a code puts its session) and the config file.
    pub fn client_options(&self) -> crate::ecr::ClientOptions {
        self.inner.clients.options()
    }

    /// Every cached client is made again on its next call (new credentials:
    /// an MFA session; a client made meanwhile without it must not stay).
    pub async fn forget_clients(&self) {
        self.inner.clients.forget_all_now().await;
    }

    /// The registry's account is known now: its profiles share one rate
    /// budget.
    pub fn share_gate(&self, account: &str) {
        if let Some(k) = &self.key {
            self.inner.clients.share_gate(k, &self.client, account);
        }
    }
}

/// A progress sink for the copy engine that reports through `cx`.
pub fn copy_progress<'a>(cx: &'a Cx<'_>) -> impl Fn(CopyProgress) + 'a {
    move |p| cx.progress(crate::message::TransferPayload::Progress(p))
}
