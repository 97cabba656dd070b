//! The UI tests: the real `App` under egui_kittest (and its fault suite, handler and snapshots).
//!
//! One test binary per group, each file a module: every test binary links
//! the whole app (eframe, wgpu, the AWS SDK), and thirty of them took
//! 2.3 GB of disk and a link each (a clean CI machine ran out of space
//! linking them). Run one file's tests with `cargo test --test ui ui_app::`.

mod common;

mod app_handler;
mod faults;
mod snapshots;
mod ui_admin;
mod ui_app;
mod ui_big_list;
mod ui_copy;
mod ui_findings;
mod ui_help;
mod ui_history;
mod ui_layout;
mod ui_mfa;
mod ui_registry;
mod ui_safety;
mod ui_search;
mod ui_settings;
mod ui_sso;
mod ui_supply_chain;
