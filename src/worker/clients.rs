//! One ECR client per registry, made on first use and kept: its in-flight
//! limit and learned send rate belong to the registry, not to one request.
//! A client whose credentials failed is made again on the next call, so a
//! fixed credentials file (or a renewed SSO session) works without a restart.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::ecr::{ClientOptions, EcrClient, StaticCredentials};
use crate::model::{EcrError, RegistryKey, RegistrySpec};

/// The access key the app signs demo requests with: the demo endpoint's
/// second account for the profile `second`, its first otherwise. (Public,
/// fake keys: the demo endpoint reads only which account they stand for.)
fn demo_access_key(profile: Option<&str>) -> &'static str {
    match profile {
        Some("second") => "AKIDEMOSECOND",
        _ => "AKIDEMO",
    }
}

/// Serves the demo registry on demand. The `demo` module implements it; the
/// binary and the tests hand one to the worker, which never names `demo`.
pub trait DemoEndpoint: Send + Sync + std::fmt::Debug + std::any::Any {
    /// The endpoint's URL, starting the endpoint on first use.
    fn url(&self) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send + '_>>;
    /// For tests that reach the endpoint's knobs through the app.
    fn as_any(&self) -> &dyn std::any::Any;
}

pub(super) struct Clients {
    /// Options for clients made from now on (the in-flight limit is a
    /// preference that may change while the app runs).
    opts: std::sync::RwLock<ClientOptions>,
    demo: Option<Arc<dyn DemoEndpoint>>,
    map: Mutex<HashMap<RegistryKey, EcrClient>>,
    /// One budget (rate gates and requests in flight) per (endpoint,
    /// region, account): every client that calls as that account there
    /// sends through it.
    gates: std::sync::Mutex<HashMap<(String, String, String), Arc<crate::ecr::RateGates>>>,
    /// The gate each registry last sent through. A client made again
    /// (credentials renewed, the in-flight preference changed) takes it
    /// over, so it neither forgets what it learned nor leaves the account's
    /// shared budget for a private one.
    by_registry: std::sync::Mutex<HashMap<RegistryKey, Arc<crate::ecr::RateGates>>>,
}

impl Clients {
    pub(super) fn new(opts: ClientOptions, demo: Option<Arc<dyn DemoEndpoint>>) -> Self {
        Self {
            opts: std::sync::RwLock::new(opts),
            demo,
            map: Mutex::new(HashMap::new()),
            gates: std::sync::Mutex::new(HashMap::new()),
            by_registry: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// New requests in flight per registry: clients are made again with it.
    pub(super) fn set_max_in_flight(&self, n: usize) {
        if let Ok(mut o) = self.opts.write() {
            o.max_in_flight = n.max(1);
        }
        self.forget_all();
    }

    pub(super) fn options(&self) -> ClientOptions {
        self.opts()
    }

    fn opts(&self) -> ClientOptions {
        self.opts
            .read()
            .map_or_else(|_| ClientOptions::default(), |o| o.clone())
    }

    /// `client` calls as `account`: it shares the gate of every client that
    /// does so at the same endpoint and region (the first one's gate).
    pub(super) fn share_gate(&self, registry: &RegistryKey, client: &EcrClient, account: &str) {
        if account.is_empty() {
            return;
        }
        let key = (
            client.endpoint().to_owned(),
            client.region().to_owned(),
            account.to_owned(),
        );
        let Ok(mut gates) = self.gates.lock() else {
            return;
        };
        let gate = gates.entry(key).or_insert_with(|| client.gate()).clone();
        drop(gates);
        if let Ok(mut by) = self.by_registry.lock() {
            by.insert(registry.clone(), gate.clone());
        }
        client.share_gate(gate);
    }

    /// A new client for `registry` sends through the gate its registry
    /// already had, if any.
    fn adopt_gate(&self, registry: &RegistryKey, client: &EcrClient) {
        let Ok(mut by) = self.by_registry.lock() else {
            return;
        };
        let gate = by
            .entry(registry.clone())
            .or_insert_with(|| client.gate())
            .clone();
        // A changed in-flight preference applies to the kept budget too.
        gate.set_in_flight(client.limits().max_in_flight);
        client.share_gate(gate);
    }

    /// Forgets every client, waiting for the map if a client is being made
    /// (`forget_all` gives up then; new credentials must not be missed).
    pub(super) async fn forget_all_now(&self) {
        self.map.lock().await.clear();
    }

    pub(super) fn forget_all(&self) {
        if let Ok(mut m) = self.map.try_lock() {
            m.clear();
        }
    }

    /// The client for a registry, made on first use (and again after its
    /// credentials failed).
    pub(super) async fn get(&self, spec: &RegistrySpec) -> Result<EcrClient, EcrError> {
        if spec.region.is_empty() {
            let who = spec.profile.as_deref().unwrap_or("default");
            return Err(EcrError::InvalidInput {
                detail: format!(
                    "profile '{who}' has no region. Add 'region = us-east-1' (or yours) under [profile {who}] in ~/.aws/config, or set AWS_REGION."
                ),
            });
        }
        let key = spec.key();
        let mut map = self.map.lock().await;
        if let Some(c) = map.get(&key).filter(|c| !c.credentials_failed()) {
            return Ok(c.clone());
        }
        let client = if spec.is_demo() {
            let demo = self.demo.as_ref().ok_or_else(|| EcrError::Other {
                operation: "Starting the demo endpoint".into(),
                detail: "this build of the app was started without it".into(),
            })?;
            let url = demo.url().await.map_err(|e| EcrError::Other {
                operation: "Starting the demo endpoint".into(),
                detail: e,
            })?;
            // Fixed, public, fake credentials: the demo endpoint ignores them,
            // but the SDK signs every request as it would for AWS.
            // The demo's accounts are told apart by access key, its regions
            // by the signing region, as on AWS.
            let creds = StaticCredentials {
                access_key_id: demo_access_key(spec.profile.as_deref()).into(),
                secret_access_key: "demo".into(),
            };
            EcrClient::with_static(
                &url,
                &spec.region,
                &creds,
                spec.registry_id.clone(),
                &self.opts(),
            )
        } else {
            EcrClient::connect(spec, &self.opts()).await
        };
        self.adopt_gate(&key, &client);
        map.insert(key, client.clone());
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(key: &str) -> EcrClient {
        EcrClient::with_static(
            "http://127.0.0.1:9",
            "us-east-1",
            &StaticCredentials {
                access_key_id: key.into(),
                secret_access_key: "x".into(),
            },
            None,
            &ClientOptions::default(),
        )
    }

    #[test]
    fn clients_of_one_account_and_region_share_one_rate_gate() {
        let clients = Clients::new(ClientOptions::default(), None);
        let (a, b, c) = (client("A"), client("B"), client("C"));
        assert!(!Arc::ptr_eq(&a.gate(), &b.gate()), "each its own at first");
        let key = |n: &str| RegistryKey(n.into());
        clients.share_gate(&key("a"), &a, "111111111111");
        clients.share_gate(&key("b"), &b, "111111111111");
        clients.share_gate(&key("c"), &c, "222222222222");
        assert!(Arc::ptr_eq(&a.gate(), &b.gate()), "one account: one budget");
        assert!(
            Arc::ptr_eq(&a.gate().permits(), &b.gate().permits()),
            "and one in-flight limit"
        );
        assert_eq!(a.free_permits(), ClientOptions::default().max_in_flight);
        assert!(
            !Arc::ptr_eq(&a.gate(), &c.gate()),
            "another account: its own"
        );
    }

    #[allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread
    #[tokio::test]
    async fn a_client_made_again_keeps_the_shared_gate() {
        let clients = Clients::new(ClientOptions::default(), None);
        let spec = |p: &str| RegistrySpec {
            profile: Some(p.into()),
            region: "us-east-1".into(),
            registry_id: None,
            endpoint: Some("http://127.0.0.1:9".into()),
            source: Default::default(),
        };
        let (one, two) = (spec("one"), spec("two"));
        let a = clients.get(&one).await.expect("client");
        let b = clients.get(&two).await.expect("client");
        clients.share_gate(&one.key(), &a, "111111111111");
        clients.share_gate(&two.key(), &b, "111111111111");
        assert!(Arc::ptr_eq(&a.gate(), &b.gate()));
        // Credentials renewed or the in-flight preference changed: every
        // client is made again, before anyone has called DescribeRegistry.
        clients.forget_all();
        let a2 = clients.get(&one).await.expect("client");
        let b2 = clients.get(&two).await.expect("client");
        assert!(Arc::ptr_eq(&a2.gate(), &b2.gate()), "still one budget");
        assert!(Arc::ptr_eq(&a2.gate(), &a.gate()), "and the same one");
        // The in-flight preference changes: the kept budget takes it.
        clients.set_max_in_flight(3);
        let a3 = clients.get(&one).await.expect("client");
        assert!(Arc::ptr_eq(&a3.gate(), &a.gate()));
        assert_eq!(a3.free_permits(), 3);
    }
}
