//! The command line (the window is `app`): `check`, and the app's engines
//! for scripts and CI (`copy`, `export`, `search`, `findings`), following
//! the aws CLI's conventions (`--profile`, `--region`, `--endpoint-url`,
//! `--output`), with the app's validation and error words.

pub mod args;
pub mod check;
pub mod copy;
pub mod exit;
pub mod export;
pub mod findings;
pub mod login;
pub mod man;
pub mod output;
pub mod progress;
pub mod reference;
pub mod resolve;
pub mod run;
pub mod search;
pub mod target;
pub mod verify;
