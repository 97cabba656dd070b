//! Supply chain: signatures, SBOMs and attestations told apart and shown
//! under the image they describe (issue 25, first slice).
//!
//! `artifacts.rs`: what an artifact is (by OCI `artifactType` / media type,
//! or by cosign's tag scheme `sha256-<hex>.sig|.att|.sbom`), and which image
//! each tag-scheme artifact of a repository's list belongs to; pure
//! functions, read by the images table's rows.

pub mod artifacts;
pub mod cosign;
pub mod signatures;
