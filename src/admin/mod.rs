//! Registry administration (a feature slice): the registry policy and the
//! repository policy editor with "who may pull and push", replication
//! rules and each image's replication status, account settings, and
//! pull-time update exclusions.

pub mod access_view;
pub mod actions;
pub mod ops;
pub mod policy_dialog;
pub mod policy_form;
pub mod replication_dialog;
pub mod replication_status_view;
pub mod settings_view;
pub mod state;
pub mod template_dialog;
pub mod template_form;
pub mod templates_view;
pub mod view;
