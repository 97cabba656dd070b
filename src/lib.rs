//! ecrscope: a native desktop app for Amazon ECR.
//!
//! The data path runs one way: `ui` draws the [`state`] and pushes
//! [`ui::UiAction`]s; the [`app`]'s handler hands each to its feature, which
//! turns it into state transitions and [`message::Command`]s; the [`worker`]
//! runs those on tokio through the feature's operations and [`ecr`] (the
//! only module that names `aws_sdk_ecr`) and sends [`message::Event`]s back,
//! which the feature's state transitions apply and say what should follow.
//!
//! One folder per feature ([`browse`], [`registries`], [`manage`],
//! [`scanning`], [`transfer`], [`search`], [`pull_through`], [`lifecycle`],
//! [`login`], [`settings`]), each with `actions.rs` (what the user asks
//! for), `ops.rs` (worker operations), `state.rs` (state transitions) and
//! its views and dialogs; shared layers below them: `model` (plain data),
//! `message` (the vocabulary, one file per feature), `ecr`, `state`,
//! `worker`, `ui` (the shell and the modal scaffold), `app`, `platform`.
//! The demo endpoint is a crate of its own (`crates/ecr-demo`); `demo` here
//! only hands it to the worker, from outside. ECR's rules (validation,
//! lifecycle evaluation, digests) are `crates/ecr-core`, which both use.

pub mod admin;
pub mod app;
pub mod browse;
pub mod cli;
pub mod demo;
pub mod ecr;
pub mod insight;
pub mod lifecycle;
pub mod login;
pub mod manage;
pub mod message;
pub mod model;
pub mod platform;
pub mod pull_through;
pub mod registries;
pub mod scanning;
pub mod search;
pub mod settings;
pub mod state;
pub mod supply_chain;
pub mod transfer;
pub mod ui;
pub mod worker;

pub use ecr_core::{lifecycle_policy, validate};
