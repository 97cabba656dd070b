//! ecrscope: a native desktop app for Amazon ECR.
//!
//! The data path runs one way: `ui` draws [`state`] and emits
//! [`worker::Command`]s; the [`worker`] runs them on tokio through [`ecr`]
//! (the only module that names `aws_sdk_ecr`) and sends [`worker::Event`]s
//! back, which [`state`] applies as plain transitions.

pub mod app;
pub mod check;
pub mod demo;
pub mod ecr;
pub mod export;
pub mod lifecycle_policy;
pub mod model;
pub mod profiles;
pub mod save_dialog;
pub mod settings;
pub mod state;
pub mod ui;
pub mod validate;
pub mod worker;
