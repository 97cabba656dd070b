//! The demo registry as the worker sees it: the `ecr-demo` crate's endpoint
//! behind the worker's [`DemoEndpoint`] (the worker never names the crate).

use std::sync::Arc;

pub use ecr_demo::*;

use crate::worker::DemoEndpoint;

impl DemoEndpoint for LazyDemo {
    fn url(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, String>> + Send + '_>>
    {
        Box::pin(async move { self.start().await.map(|s| s.url()) })
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The demo server behind a worker's demo endpoint, if it is a [`LazyDemo`]
/// that has started.
pub fn server_of(endpoint: &dyn DemoEndpoint) -> Option<Arc<DemoServer>> {
    endpoint
        .as_any()
        .downcast_ref::<LazyDemo>()
        .and_then(LazyDemo::server)
}
