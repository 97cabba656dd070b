//! Supply chain: signatures, SBOMs and attestations told apart and shown
//! under the image they describe (issue 25).
//!
//! - `artifacts.rs`: what an artifact is (by OCI `artifactType` / media
//!   type, or by cosign's tag scheme `sha256-<hex>.sig|.att|.sbom`), and
//!   which image each artifact of a repository's list belongs to (the tag
//!   scheme, and the referrers ListImageReferrers gave); pure functions,
//!   read by the images table's rows.
//! - `state.rs`: which images' referrers to ask for (none where a list
//!   holds no artifact), answers, and the fallback to the tag scheme where
//!   the registry has no ListImageReferrers (moto) or refuses it.
//! - `actions.rs`, `ops.rs`: the feature's action and worker operation.
//! - `cosign.rs`, `signatures.rs`: verifying a cosign key-pair signature.

pub mod actions;
pub mod artifact_view;
pub mod artifacts;
pub mod certificates;
pub mod cosign;
pub mod documents;
pub mod ops;
pub mod signature_view;
pub mod signatures;
pub mod signing_dialog;
pub mod state;
