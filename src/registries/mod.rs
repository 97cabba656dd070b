//! The registry list: every AWS profile and region, plus the endpoints the
//! user adds.
//!
//! `actions.rs`: add and remove registries; `add_dialog.rs`: the add and
//! remove dialogs; `profiles.rs`: discovering AWS profiles and regions.

pub mod actions;
pub mod add_dialog;
pub mod profiles;
