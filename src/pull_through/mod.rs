//! Pull-through cache rules.
//!
//! `actions.rs`: what the user can ask for and how the app carries it out;
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.
//!
//! Views: `view.rs` (the rules), `rule_form.rs` (create or edit one).

pub mod actions;
pub mod ops;
pub mod rule_form;
pub mod secret_picker;
pub mod state;
pub mod view;
