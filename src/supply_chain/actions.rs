//! The supply chain's actions: referrers for the rows on screen.

use crate::app::EcrscopeApp;
use crate::model::{Digest, RegistryKey, RegistrySpec, RepoRef, SigningConfig};
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
    /// The registry's managed-signing dialog.
    OpenSigning(RegistryKey),
    /// Put (`Some`) or delete (`None`) the signing configuration.
    ApplySigning(RegistrySpec, Option<SigningConfig>),
    /// The signing status of the image opened.
    NeedSigningStatus(RepoRef, Digest),
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
            SupplyChainAction::OpenSigning(key) => {
                self.open_signing(&key);
                Vec::new()
            }
            SupplyChainAction::ApplySigning(spec, config) => self.state.apply_signing(spec, config),
            SupplyChainAction::NeedSigningStatus(repo, digest) => {
                self.state.signing_status_for(&repo, digest)
            }
        }
    }
}

impl EcrscopeApp {
    fn open_signing(&mut self, key: &RegistryKey) {
        let Some(reg) = self.state.registry(key) else {
            return;
        };
        if reg.is_cross_account() {
            self.state.notify(
                crate::state::NoticeLevel::Warning,
                "Managed signing belongs to the account you sign in with: ECR has no call to read or change another account's. Open a registry of your own account to change it.",
            );
            return;
        }
        let Some(config) = reg.signing.shown() else {
            self.state.notify(
                crate::state::NoticeLevel::Info,
                "The signing configuration is still loading (or could not be read); try again in a moment.",
            );
            return;
        };
        let form = super::signing_dialog::SigningForm::from_config(
            &reg.spec,
            reg.target_line(),
            config.as_ref(),
        );
        self.view.open(form);
    }
}
