//! What the app needs from the machine it runs on: files replaced, never
//! overwritten; the native save dialog; logging that never writes a secret;
//! shell quoting for the commands it shows to copy.

pub mod files;
pub mod logging;
pub mod save_dialog;
pub mod shell;
