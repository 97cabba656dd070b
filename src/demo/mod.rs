//! The demo endpoint: an ECR endpoint served by ecrscope itself on 127.0.0.1,
//! speaking ECR's JSON protocol (`X-Amz-Target:
//! AmazonEC2ContainerRegistry_V20150921.<Operation>`), so the demo, the UI
//! tests and the benchmarks all run the real SDK path: signing, JSON, paging,
//! error parsing, retries.
//!
//! It holds deterministic seed data ([`seed`]), pages as ECR does, answers with
//! ECR-shaped errors, serves config blobs for GetDownloadUrlForLayer, and has
//! [`Knobs`] for latency, a request-rate cap (throttling) and injected faults.

mod http;
mod layer_upload;
pub mod layers;
mod lazy;
pub mod registries;
pub mod seed;
mod store;

pub use http::{BlobFault, DemoServer, Fault, FaultKind, Knobs};
pub use lazy::{LazyDemo, server_of};
pub use seed::SeedConfig;
pub use store::{DemoArchive, DemoImage, ScanState, Store, now};

pub use crate::model::{DEMO_ACCOUNT, DEMO_REGION};
