//! Scanning's actions: findings (open, close, compare), scan summaries of
//! the rows on screen, the registry's findings sweep, the scanning
//! configuration dialog, starting scans, exporting findings.

use crate::app::EcrscopeApp;
use crate::message::ExportRequest;
use crate::model::{
    Digest, ExportFormat, RegistryKey, RegistryScanningConfig, RegistrySpec, RepoRef,
};
use crate::scanning::config_dialog::ScanningForm;
use crate::state::{FollowUp, NoticeLevel};

#[derive(Clone, Debug, PartialEq)]
pub enum ScanningAction {
    OpenFindings,
    CloseFindings,
    /// Compare the open image's findings with another image's (None: stop).
    CompareWith(Option<Digest>),
    /// Rows on screen whose scan summary is not known yet.
    NeedScanSummaries(RepoRef, Vec<Digest>),
    /// An image's full findings, without opening the findings view (the
    /// SBOM view marks packages with them).
    LoadFindings(RepoRef, Digest),
    /// Load every repository's images and the scan summary of every tagged
    /// image, for the registry's findings dashboard.
    CheckAllFindings,
    /// The registry's scanning configuration dialog.
    OpenConfiguration(RegistryKey),
    ApplyConfiguration(RegistrySpec, RegistryScanningConfig),
    /// Start basic scans of these images.
    StartScan(RepoRef, Vec<Digest>),
    /// Export the findings of these images (asks where first).
    Export(RepoRef, Vec<Digest>, ExportFormat),
}

impl EcrscopeApp {
    pub(crate) fn on_scanning(&mut self, action: ScanningAction) -> Vec<FollowUp> {
        match action {
            ScanningAction::OpenFindings => self.state.open_findings(),
            ScanningAction::CloseFindings => {
                self.state.findings_open = false;
                Vec::new()
            }
            ScanningAction::CompareWith(other) => self.state.compare_with(other),
            ScanningAction::NeedScanSummaries(repo, digests) => {
                self.state.scan_summaries_for(&repo, &digests)
            }
            ScanningAction::LoadFindings(repo, digest) => self.state.load_findings(repo, digest),
            ScanningAction::CheckAllFindings => self.state.start_sweep(),
            ScanningAction::OpenConfiguration(key) => {
                self.open_scanning_configuration(&key);
                Vec::new()
            }
            ScanningAction::ApplyConfiguration(registry, config) => {
                self.state.apply_scanning_request(registry, config)
            }
            ScanningAction::StartScan(repo, digests) => self.state.scan_request(repo, digests),
            ScanningAction::Export(repo, digests, format) => {
                let images = self.state.export_images(&repo, &digests);
                self.pick_export_path(ExportRequest {
                    repo,
                    images,
                    format,
                    path: Default::default(),
                });
                Vec::new()
            }
        }
    }

    fn open_scanning_configuration(&mut self, key: &RegistryKey) {
        let Some(reg) = self.state.registry(key) else {
            return;
        };
        if reg.is_cross_account() {
            self.state.notify(
                NoticeLevel::Warning,
                "The scanning configuration belongs to the account you sign in with: ECR has no call to read or change another account's. Open a registry of your own account to change it.",
            );
            return;
        }
        let Some(s) = reg.scanning.shown() else {
            self.state.notify(
                NoticeLevel::Info,
                "The scanning configuration is still loading (or could not be read); try again in a moment.",
            );
            return;
        };
        let form = ScanningForm::from_config(&reg.spec, reg.target_line(), &s.registry);
        self.view.open(form);
    }
}
