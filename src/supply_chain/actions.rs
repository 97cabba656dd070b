//! The supply chain's actions: referrers for the rows on screen.

use crate::app::EcrscopeApp;
use crate::model::{Digest, RepoRef};
use crate::state::FollowUp;

use super::artifacts::ArtifactKind;

#[derive(Clone, Debug, PartialEq)]
pub enum SupplyChainAction {
    /// Images on screen (or, under "Unsigned only", every image) whose
    /// referrers are not known yet.
    NeedReferrers(RepoRef, Vec<Digest>),
    /// Read what an artifact says (its manifest and payload); `true`: a
    /// failed read again.
    Read(RepoRef, Digest, ArtifactKind, bool),
}

impl EcrscopeApp {
    pub(crate) fn on_supply_chain(&mut self, action: SupplyChainAction) -> Vec<FollowUp> {
        match action {
            SupplyChainAction::NeedReferrers(repo, digests) => {
                self.state.referrers_for(&repo, &digests)
            }
            SupplyChainAction::Read(repo, artifact, kind, again) => {
                self.state.read_artifact(&repo, artifact, kind, again)
            }
        }
    }
}
