//! The global search's actions.

use crate::app::EcrscopeApp;
use crate::model::RegistryKey;
use crate::state::FollowUp;

#[derive(Clone, Debug, PartialEq)]
pub enum SearchAction {
    /// Search every registry in `scope`.
    Start {
        query: String,
        scope: Vec<RegistryKey>,
        repo_filter: String,
    },
    Cancel,
    /// Show the global search view.
    Open,
}

impl EcrscopeApp {
    pub(crate) fn on_search(&mut self, action: SearchAction) -> Vec<FollowUp> {
        match action {
            SearchAction::Start {
                query,
                scope,
                repo_filter,
            } => self.state.start_search(&query, scope, &repo_filter),
            SearchAction::Open => {
                self.view.search.open = true;
                self.view.search.focus = true;
                Vec::new()
            }
            SearchAction::Cancel => {
                self.state.cancel_search();
                Vec::new()
            }
        }
    }
}
