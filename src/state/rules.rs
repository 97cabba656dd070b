//! Domain rules for what the user asks: one settings change per repository
//! at a time, scanning changes only on the caller's own account, findings
//! and comparisons loaded once, platforms read on demand.

use crate::message::{BrowseCommand, ManageCommand, ScanningCommand};
use crate::message::{Command, RepoChange};
use crate::model::{Digest, RegistryScanningConfig, RegistrySpec, RepoRef};

use super::{AppState, FollowUp, NoticeLevel, Requested};

impl AppState {
    /// A settings change of one repository; `None` while another change of
    /// it is pending (a double click sends one request).
    pub fn change_request(&self, repo: RepoRef, change: RepoChange) -> Option<FollowUp> {
        let busy = self
            .registry(&repo.key())
            .is_none_or(|r| r.pending.contains_key(&repo.name));
        (!busy).then_some(FollowUp::Request(Command::Manage(
            ManageCommand::ChangeRepository { repo, change },
        )))
    }

    /// PutRegistryScanningConfiguration, unless a change is running or the
    /// registry is another account's (the call takes no registry id: it
    /// would change the caller's own account).
    pub fn apply_scanning_request(
        &mut self,
        registry: RegistrySpec,
        config: RegistryScanningConfig,
    ) -> Vec<FollowUp> {
        let Some(reg) = self.registry(&registry.key()) else {
            return Vec::new();
        };
        if reg.is_cross_account() {
            self.notify(
                NoticeLevel::Warning,
                "Not changed: the scanning configuration of another account's registry cannot be set from here (ECR would change the account you sign in with).",
            );
            return Vec::new();
        }
        if reg.scanning.is_loading() {
            return Vec::new();
        }
        let repositories = reg
            .repositories
            .shown()
            .map(|l| l.iter().map(|r| r.name.clone()).collect())
            .unwrap_or_default();
        vec![FollowUp::Request(Command::Scanning(
            ScanningCommand::PutConfiguration {
                registry,
                config,
                repositories,
            },
        ))]
    }

    /// Opens the findings of the open image (loading them once).
    pub fn open_findings(&mut self) -> Vec<FollowUp> {
        self.findings_open = true;
        match self.location.image {
            Some(d) => self.findings_once(d),
            None => Vec::new(),
        }
    }

    /// Compares the open image's findings with another's (None: stop).
    pub fn compare_with(&mut self, other: Option<Digest>) -> Vec<FollowUp> {
        self.compare = self.location.image.zip(other);
        match other {
            Some(o) => self.findings_once(o),
            None => Vec::new(),
        }
    }

    fn findings_once(&self, digest: Digest) -> Vec<FollowUp> {
        let Some(repo) = self.open_repo() else {
            return Vec::new();
        };
        let loaded = self.open_images().is_some_and(|ri| {
            ri.findings
                .get(&digest)
                .is_some_and(|f| f.shown().is_some() || f.is_loading())
        });
        if loaded {
            Vec::new()
        } else {
            vec![FollowUp::Request(Command::Scanning(
                ScanningCommand::Findings { repo, digest },
            ))]
        }
    }

    /// The platforms of an index, read once when the user expands it.
    pub fn platforms_for(&self, repo: &RepoRef, index: Digest) -> Vec<FollowUp> {
        // Only an index has platforms: expanding an image to see its
        // signatures and SBOMs must not read its manifest (BatchGetImage
        // records a pull, which lifecycle rules read).
        let known = self.repo_images(&repo.key(), &repo.name).is_some_and(|ri| {
            ri.platforms.contains_key(&index)
                || ri.platforms_asked.contains(&index)
                || ri.list.shown().is_some_and(|l| {
                    l.iter()
                        .any(|i| i.digest == index && !i.manifest.is_index())
                })
        });
        if known {
            Vec::new()
        } else {
            vec![FollowUp::Request(Command::Browse(
                BrowseCommand::Platforms {
                    repo: repo.clone(),
                    indexes: vec![index],
                },
            ))]
        }
    }

    /// The indexes of the list whose platforms are not known or asked for.
    pub fn ungrouped_indexes(&self, repo: &RepoRef) -> Vec<Digest> {
        let Some(ri) = self.repo_images(&repo.key(), &repo.name) else {
            return Vec::new();
        };
        ri.list
            .shown()
            .map(|l| {
                l.iter()
                    .filter(|i| i.manifest.is_index())
                    .filter(|i| i.status == crate::model::ImageStatus::Active)
                    .map(|i| i.digest)
                    .filter(|d| !ri.platforms.contains_key(d) && !ri.platforms_asked.contains(d))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The platforms of every index of the list, when the user asks
    /// (BatchGetImage, 100 a call: each may count as a pull of the index).
    pub fn group_platforms(&self, repo: &RepoRef) -> Vec<FollowUp> {
        let indexes = self.ungrouped_indexes(repo);
        if indexes.is_empty() {
            return Vec::new();
        }
        vec![FollowUp::Request(Command::Browse(
            BrowseCommand::Platforms {
                repo: repo.clone(),
                indexes,
            },
        ))]
    }

    /// The images of an export with the tags they show now (pinned: a tag
    /// moved later does not change what the file says).
    pub fn export_images(&self, repo: &RepoRef, digests: &[Digest]) -> Vec<(Digest, Vec<String>)> {
        let list = self
            .repo_images(&repo.key(), &repo.name)
            .and_then(|ri| ri.list.shown());
        digests
            .iter()
            .map(|d| {
                let tags = list
                    .and_then(|l| l.iter().find(|i| i.digest == *d))
                    .map(|i| i.tags.clone())
                    .unwrap_or_default();
                (*d, tags)
            })
            .collect()
    }

    /// Whether the open image's findings are loaded or loading (tests).
    pub fn findings_requested(&self, digest: Digest) -> bool {
        self.open_images()
            .and_then(|ri| ri.findings.get(&digest))
            .is_some_and(|f| !matches!(f, Requested::Idle))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn one_change_per_repository_at_a_time() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let repo = RepoRef::new(&spec("a"), "r");
        let f = st
            .change_request(repo.clone(), RepoChange::ScanOnPush(true))
            .expect("first");
        let FollowUp::Request(cmd) = f else {
            panic!("a request")
        };
        st.started(1, &cmd);
        assert!(
            st.change_request(repo, RepoChange::ScanOnPush(false))
                .is_none()
        );
    }

    #[test]
    fn scanning_is_not_changed_on_another_accounts_registry() {
        let mut st = AppState::default();
        let mut other = spec("a");
        other.registry_id = Some("210987654321".into());
        st.set_registries(vec![other.clone()]);
        assert!(
            st.apply_scanning_request(other, RegistryScanningConfig::default())
                .is_empty()
        );
        assert!(st.notices[0].text.contains("another account"));
    }
}
