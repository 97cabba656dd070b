//! The command line's subcommands (the window is `app`).

pub mod check;
