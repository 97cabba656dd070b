//! What the app and the demo endpoint both hold to ECR's rules: digests,
//! the validation of names, tags and settings as ECR's API reference
//! writes them, the lifecycle policy's evaluation, and dates from ECR's
//! epoch values. No I/O.

pub mod cost;
mod digest;
pub mod lifecycle_policy;
pub mod partition;
pub mod policy;
pub mod replication;
pub mod templates;
pub mod time;
pub mod validate;

pub use digest::Digest;
