//! The service tests: the ECR layer against moto and the demo endpoint, the copy engine, the command line, sign-in, properties and the architecture rules.
//!
//! One test binary per group, each file a module: every test binary links
//! the whole app (eframe, wgpu, the AWS SDK), and thirty of them took
//! 2.3 GB of disk and a link each (a clean CI machine ran out of space
//! linking them). Run one file's tests with `cargo test --test service copy::`.

mod common;

mod architecture;
mod cli_check;
mod cli_commands;
mod conformance;
mod copy;
mod cosign_verify;
mod credential_sources;
mod ecr_demo;
mod ecr_moto;
mod logging;
mod properties;
mod sso;
mod supply_chain;
mod trust;
mod worker;
