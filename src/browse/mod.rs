//! Browsing: the registry, its repositories, their images and an image's
//! documents.
//!
//! `actions.rs`: what the user can ask for and how the app carries it out;
//! `ops.rs`: the worker operations; `state.rs`: the state transitions
//! (which slot waits for a request, what each answer changes). Both match
//! the feature's messages exhaustively.
//!
//! Views: `repositories_view.rs` and `repositories_cells.rs` (the
//! repositories table), `images/` (the images table, its toolbar, menus and
//! keys), `image_detail.rs` (the details pane), `overview.rs` (the registry
//! overview).

pub mod actions;
pub mod image_detail;
pub mod images;
pub mod ops;
pub mod overview;
pub mod repositories_cells;
pub mod repositories_view;
pub mod state;
