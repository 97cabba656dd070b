//! Browsing's actions: moving around (registry, repository, image, tabs,
//! back and forward) and loading what is on screen.

use crate::app::EcrscopeApp;
use crate::model::{Digest, RegistryKey, RepoRef};
use crate::state::{FollowUp, Location, RegistryTab, RepoTab};

#[derive(Clone, Debug, PartialEq)]
pub enum BrowseAction {
    SelectRegistry(RegistryKey),
    SelectRepository(Option<String>),
    SelectImage(Option<Digest>),
    /// Jump to a place (from the palette).
    GoTo(Location),
    /// Alt+Left / Alt+Right.
    Back,
    Forward,
    SetRegistryTab(RegistryTab),
    SetRepoTab(RepoTab),
    /// F5: refresh what is on screen.
    Refresh,
    RefreshRegistry(RegistryKey),
    /// Repositories whose resource tags are wanted (rows on screen, or a
    /// `key=value` filter).
    NeedRepoTags(RegistryKey, Vec<String>),
    /// Show or hide an index's platforms (read once, on the first expand).
    ToggleExpand(RepoRef, Digest),
    /// Read the platforms of every index, so children nest under them.
    GroupPlatforms(RepoRef),
}

impl EcrscopeApp {
    pub(crate) fn on_browse(&mut self, action: BrowseAction) -> Vec<FollowUp> {
        match action {
            BrowseAction::SelectRegistry(key) => self.state.select_registry(key),
            BrowseAction::SelectRepository(repo) => self.state.select_repository(repo),
            BrowseAction::SelectImage(d) => self.state.select_image(d),
            BrowseAction::GoTo(loc) => {
                self.view.repo_table.cursor = None;
                self.state.visit(loc)
            }
            BrowseAction::Back => self.state.back(),
            BrowseAction::Forward => self.state.forward(),
            BrowseAction::SetRegistryTab(t) => self.state.set_registry_tab(t),
            BrowseAction::SetRepoTab(t) => self.state.set_repo_tab(t),
            BrowseAction::Refresh => self.state.refresh(),
            BrowseAction::RefreshRegistry(k) => self.state.load_registry(&k),
            BrowseAction::NeedRepoTags(key, names) => self.state.repo_tags_for(&key, &names),
            BrowseAction::ToggleExpand(repo, d) => {
                if !self.view.images.expanded.remove(&d) {
                    self.view.images.expanded.insert(d);
                }
                self.state.platforms_for(&repo, d)
            }
            BrowseAction::GroupPlatforms(repo) => self.state.group_platforms(&repo),
        }
    }
}
