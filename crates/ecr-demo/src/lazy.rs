//! The demo endpoint, started on first use, as the worker asks for it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

use super::{DemoServer, SeedConfig};

/// Starts the demo endpoint the first time its URL is asked for (so an app
/// with real registries never builds the sample data).
#[derive(Debug)]
pub struct LazyDemo {
    seed: SeedConfig,
    latency: Duration,
    /// Faults set as soon as the server starts (the hidden `--demo-fault`).
    #[cfg(feature = "faults")]
    faults: Vec<super::Fault>,
    #[cfg(feature = "faults")]
    blob_fault: Option<super::BlobFault>,
    server: OnceCell<Result<Arc<DemoServer>, String>>,
}

impl LazyDemo {
    pub fn new(seed: SeedConfig, latency: Duration) -> Arc<Self> {
        Arc::new(Self {
            seed,
            latency,
            #[cfg(feature = "faults")]
            faults: Vec::new(),
            #[cfg(feature = "faults")]
            blob_fault: None,
            server: OnceCell::new(),
        })
    }

    /// The same, with faults set from the start.
    #[cfg(feature = "faults")]
    pub fn with_faults(
        self: Arc<Self>,
        faults: Vec<super::Fault>,
        blob_fault: Option<super::BlobFault>,
    ) -> Arc<Self> {
        Arc::new(Self {
            seed: self.seed.clone(),
            latency: self.latency,
            faults,
            blob_fault,
            server: OnceCell::new(),
        })
    }

    /// The running server, once something has started it (tests reach its
    /// knobs and store through this).
    pub fn server(&self) -> Option<Arc<DemoServer>> {
        self.server.get().and_then(|r| r.as_ref().ok()).cloned()
    }

    /// Starts it now if it is not running, and returns it.
    pub async fn start(&self) -> Result<Arc<DemoServer>, String> {
        self.server
            .get_or_init(|| async {
                let server = DemoServer::start(&self.seed)
                    .await
                    .map_err(|e| e.to_string())?;
                server.knobs.set_latency(self.latency);
                #[cfg(feature = "faults")]
                {
                    for f in &self.faults {
                        server.knobs.inject(f.clone());
                    }
                    server.knobs.set_blob_fault(self.blob_fault);
                }
                Ok(Arc::new(server))
            })
            .await
            .clone()
    }
}
