//! A local ECR endpoint: ECR's JSON protocol (`X-Amz-Target:
//! AmazonEC2ContainerRegistry_V20150921.<Operation>`) served on 127.0.0.1,
//! so ecrscope's demo registry, its UI tests and its benchmarks all run the
//! real SDK path (signing, JSON, paging, error parsing, retries), and any
//! project can run it as a local ECR for its own tests (`ecr-demo --port
//! 5000`, then `aws --endpoint-url http://127.0.0.1:5000 ecr …`).
//!
//! It holds deterministic seed data ([`seed`]), pages as ECR does, answers
//! with ECR-shaped errors, serves blobs for GetDownloadUrlForLayer, accepts
//! pushes (layer uploads, PutImage), and has [`Knobs`]: latency and request
//! counts always; a request-rate cap, a slow link and injected faults with
//! the `faults` feature, which the shipped app does not enable.

mod http;
mod layer_upload;
pub mod layers;
mod lazy;
pub mod registries;
pub mod seed;
pub mod sso;
mod store;
pub mod sts;
pub mod supply_chain;

pub use http::{BlobFault, DemoServer, Fault, FaultKind, Knobs};
pub use lazy::LazyDemo;
pub use seed::SeedConfig;
pub use store::{Admin, DemoArchive, DemoImage, ScanState, Store, now};

/// The home registry's account and region (the SigV4 scope picks the
/// registry: see `registries`).
pub const DEMO_ACCOUNT: &str = "123456789012";
pub const DEMO_REGION: &str = "us-east-1";
/// The second account (cross-account registries, copies).
pub const DEMO_SECOND_ACCOUNT: &str = "210987654321";
