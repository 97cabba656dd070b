//! Scans and restores being followed: the one place that decides whether
//! one is still worth polling, and what each poll's answer changes.

use crate::message::{BrowseCommand, ScanningCommand};
use std::time::Duration;

use crate::message::Command;
use crate::model::{Digest, EcrError, Image, ImageStatus, RegistryKey, RepoRef, ScanReport};

use super::{AppState, FollowKind, FollowUp, Following, NoticeLevel};

/// One image of one repository of one registry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageKey {
    pub registry: RegistryKey,
    pub repository: String,
    pub digest: Digest,
}

impl ImageKey {
    pub fn new(registry: &RegistryKey, repository: &str, digest: Digest) -> Self {
        Self {
            registry: registry.clone(),
            repository: repository.to_owned(),
            digest,
        }
    }
}

/// How a running scan is followed: polls with backoff up to a cap, then
/// given up with a message; a few failed polls in a row are retried.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScanFollowPolicy {
    pub first: Duration,
    pub factor: f64,
    pub cap: Duration,
    /// Polls before ecrscope stops following a scan that never settles.
    pub max_polls: u32,
    /// Failed polls in a row before it stops.
    pub max_failures: u32,
}

impl Default for ScanFollowPolicy {
    /// 2 s, x1.5, at most 30 s apart; about 30 minutes in all (ECR's basic
    /// scans take seconds to minutes).
    fn default() -> Self {
        Self {
            first: Duration::from_secs(2),
            factor: 1.5,
            cap: Duration::from_secs(30),
            max_polls: 65,
            max_failures: 3,
        }
    }
}

/// How scans and restores are followed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FollowPolicies {
    pub scans: ScanFollowPolicy,
    pub restores: ScanFollowPolicy,
}

impl Default for FollowPolicies {
    fn default() -> Self {
        Self {
            scans: ScanFollowPolicy::default(),
            restores: ScanFollowPolicy::restores(),
        }
    }
}

impl ScanFollowPolicy {
    /// Restores: 10 s, x1.5, at most a minute apart; about an hour in all
    /// (ECR restores from archive in minutes, with no promise).
    pub fn restores() -> Self {
        Self {
            first: Duration::from_secs(10),
            factor: 1.5,
            cap: Duration::from_secs(60),
            max_polls: 60,
            max_failures: 3,
        }
    }

    /// The wait before poll number `n` (0-based).
    pub fn delay(&self, n: u32) -> Duration {
        let secs = self.first.as_secs_f64() * self.factor.powi(n.min(64) as i32);
        Duration::from_secs_f64(secs.min(self.cap.as_secs_f64()))
    }

    /// The time from the first to the last poll, in words for the message.
    pub fn span(&self) -> Duration {
        (0..self.max_polls).map(|n| self.delay(n)).sum()
    }
}

impl AppState {
    /// A scan just started: follow it.
    pub(crate) fn follow_scan(&mut self, repo: &RepoRef, digest: Digest) -> Vec<FollowUp> {
        let image = ImageKey::new(&repo.key(), &repo.name, digest);
        self.following.insert(
            image.clone(),
            Following {
                repo: repo.clone(),
                kind: FollowKind::Scan,
                polls: 0,
                failures: 0,
            },
        );
        vec![FollowUp::Poll {
            image,
            after: self.follow_policy.scans.delay(0),
        }]
    }

    /// A restore just started: follow the image until it is ACTIVE.
    pub(crate) fn follow_restore(&mut self, repo: &RepoRef, digest: Digest) -> Vec<FollowUp> {
        let image = ImageKey::new(&repo.key(), &repo.name, digest);
        self.following.insert(
            image.clone(),
            Following {
                repo: repo.clone(),
                kind: FollowKind::Restore,
                polls: 0,
                failures: 0,
            },
        );
        vec![FollowUp::Poll {
            image,
            after: self.follow_policy.restores.delay(0),
        }]
    }

    /// A re-read of a restoring image answered (`Ok(None)`: it is gone).
    pub(crate) fn restore_polled(
        &mut self,
        image: &ImageKey,
        result: Result<Option<&Image>, &EcrError>,
    ) -> Vec<FollowUp> {
        let policy = self.follow_policy.restores;
        let Some(f) = self.following.get_mut(image) else {
            return Vec::new();
        };
        let name = image.digest.short();
        match result {
            Ok(Some(i)) if i.status == ImageStatus::Activating => {
                f.polls += 1;
                f.failures = 0;
                if f.polls >= policy.max_polls {
                    self.following.remove(image);
                    let mins = policy.span().as_secs() / 60;
                    self.notify(
                        NoticeLevel::Warning,
                        format!(
                            "{name} is still being restored after about {mins} minutes; ecrscope stopped following it. Press F5 to check again."
                        ),
                    );
                    return Vec::new();
                }
                vec![FollowUp::Poll {
                    image: image.clone(),
                    after: policy.delay(f.polls),
                }]
            }
            Ok(Some(i)) => {
                self.following.remove(image);
                let text = if i.status == ImageStatus::Active {
                    format!("{name} is restored: it can be pulled and scanned again.")
                } else {
                    format!("{name} was not restored: it is {}.", i.status.label())
                };
                self.notify(NoticeLevel::Info, text);
                Vec::new()
            }
            Ok(None) => {
                self.following.remove(image);
                self.notify(
                    NoticeLevel::Warning,
                    format!("{name} was deleted while it was being restored."),
                );
                Vec::new()
            }
            Err(e) => {
                f.failures += 1;
                if !e.is_transient() || f.failures >= policy.max_failures {
                    self.following.remove(image);
                    self.notify(
                        NoticeLevel::Warning,
                        format!("Stopped following the restore of {name}: {e}"),
                    );
                    return Vec::new();
                }
                vec![FollowUp::Poll {
                    image: image.clone(),
                    after: policy.delay(f.polls),
                }]
            }
        }
    }

    /// A poll of a followed scan answered: poll again, or stop (and say why
    /// when it did not end by itself).
    pub(crate) fn scan_polled(
        &mut self,
        image: &ImageKey,
        result: Result<&ScanReport, &EcrError>,
    ) -> Vec<FollowUp> {
        let policy = self.follow_policy.scans;
        let Some(f) = self.following.get_mut(image) else {
            return Vec::new();
        };
        let name = image.digest.short();
        match result {
            Ok(r) if r.status.as_ref().is_some_and(|s| s.is_running()) => {
                f.polls += 1;
                f.failures = 0;
                if f.polls >= policy.max_polls {
                    self.following.remove(image);
                    let mins = policy.span().as_secs() / 60;
                    self.notify(
                        NoticeLevel::Warning,
                        format!(
                            "The scan of {name} is still running after about {mins} minutes; ecrscope stopped following it. Press F5 on the image to check again."
                        ),
                    );
                    return Vec::new();
                }
                vec![FollowUp::Poll {
                    image: image.clone(),
                    after: policy.delay(f.polls),
                }]
            }
            Ok(r) => {
                self.following.remove(image);
                if let Some(s) = r.status.as_ref().filter(|s| !s.is_running())
                    && *s == crate::model::ScanStatus::Failed
                {
                    let why = r
                        .status_description
                        .clone()
                        .unwrap_or_else(|| "no reason given".into());
                    self.notify(
                        NoticeLevel::Error,
                        format!("The scan of {name} failed: {why}"),
                    );
                }
                Vec::new()
            }
            Err(e) => {
                f.failures += 1;
                // A poll that failed for good (the image is gone, access was
                // withdrawn) or too often ends the follow; a passing fault
                // (throttled, a gateway's 502) is retried.
                if !e.is_transient() || f.failures >= policy.max_failures {
                    self.following.remove(image);
                    self.notify(
                        NoticeLevel::Warning,
                        format!("Stopped following the scan of {name}: {e}"),
                    );
                    return Vec::new();
                }
                vec![FollowUp::Poll {
                    image: image.clone(),
                    after: policy.delay(f.polls),
                }]
            }
        }
    }

    /// A poll is due: the request that asks again.
    pub fn poll_request(&self, image: &ImageKey) -> Option<Command> {
        let f = self.following.get(image)?;
        Some(match f.kind {
            FollowKind::Scan => Command::Scanning(ScanningCommand::Findings {
                repo: f.repo.clone(),
                digest: image.digest,
            }),
            FollowKind::Restore => Command::Browse(BrowseCommand::RefreshImages {
                repo: f.repo.clone(),
                digests: vec![image.digest],
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::spec;
    use super::*;
    use crate::model::ScanStatus;

    fn report(status: ScanStatus) -> ScanReport {
        ScanReport {
            status: Some(status),
            ..ScanReport::default()
        }
    }

    fn setup() -> (AppState, ImageKey) {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let repo = RepoRef::new(&spec("a"), "r");
        let f = st.follow_scan(&repo, Digest([1; 32]));
        assert!(
            matches!(&f[..], [FollowUp::Poll { after, .. }] if *after == Duration::from_secs(2))
        );
        (st, ImageKey::new(&spec("a").key(), "r", Digest([1; 32])))
    }

    #[test]
    fn backoff_grows_to_the_cap() {
        let p = ScanFollowPolicy::default();
        assert_eq!(p.delay(0), Duration::from_secs(2));
        assert_eq!(p.delay(1), Duration::from_secs(3));
        assert_eq!(p.delay(20), Duration::from_secs(30));
        let mins = p.span().as_secs() / 60;
        assert!((25..=35).contains(&mins), "{mins}");
    }

    #[test]
    fn a_running_scan_is_polled_until_it_settles() {
        let (mut st, k) = setup();
        let f = st.scan_polled(&k, Ok(&report(ScanStatus::InProgress)));
        assert!(
            matches!(&f[..], [FollowUp::Poll { after, .. }] if *after == Duration::from_secs(3))
        );
        assert!(st.poll_request(&k).is_some());
        assert!(
            st.scan_polled(&k, Ok(&report(ScanStatus::Complete)))
                .is_empty()
        );
        assert_eq!(st.scans_followed(), 0);
        assert!(st.notices.is_empty(), "a finished scan needs no message");
    }

    #[test]
    fn a_scan_that_never_finishes_is_given_up_with_a_message() {
        let (mut st, k) = setup();
        st.follow_policy.scans.max_polls = 3;
        for _ in 0..2 {
            assert_eq!(
                st.scan_polled(&k, Ok(&report(ScanStatus::InProgress)))
                    .len(),
                1
            );
        }
        assert!(
            st.scan_polled(&k, Ok(&report(ScanStatus::InProgress)))
                .is_empty()
        );
        assert_eq!(st.scans_followed(), 0, "the status bar count returns to 0");
        assert!(st.notices[0].text.contains("stopped following"));
    }

    #[test]
    fn one_failed_poll_resumes_and_a_lasting_failure_ends() {
        let (mut st, k) = setup();
        let throttled = EcrError::Throttled {
            operation: "DescribeImageScanFindings".into(),
        };
        assert_eq!(st.scan_polled(&k, Err(&throttled)).len(), 1, "retried");
        assert_eq!(
            st.scan_polled(&k, Ok(&report(ScanStatus::InProgress)))
                .len(),
            1,
            "following resumes"
        );
        let gone = EcrError::NotFound {
            what: "The image".into(),
        };
        assert!(st.scan_polled(&k, Err(&gone)).is_empty());
        assert_eq!(st.scans_followed(), 0);
    }

    fn row(status: ImageStatus) -> Image {
        Image {
            digest: Digest([1; 32]),
            tags: Vec::new(),
            size_bytes: 0,
            pushed_at: None,
            last_pull: None,
            manifest: crate::model::ManifestKind::OciManifest,
            artifact_media_type: None,
            status,
            scan_status: None,
            severity_counts: None,
            archive: None,
        }
    }

    #[test]
    fn a_restore_is_followed_until_the_image_is_active() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let repo = RepoRef::new(&spec("a"), "r");
        let f = st.follow_restore(&repo, Digest([1; 32]));
        assert!(
            matches!(&f[..], [FollowUp::Poll { after, .. }] if *after == Duration::from_secs(10))
        );
        let k = ImageKey::new(&spec("a").key(), "r", Digest([1; 32]));
        assert!(matches!(
            st.poll_request(&k),
            Some(Command::Browse(BrowseCommand::RefreshImages { digests, .. })) if digests == [Digest([1; 32])]
        ));
        assert_eq!((st.restores_followed(), st.scans_followed()), (1, 0));
        let activating = row(ImageStatus::Activating);
        assert_eq!(st.restore_polled(&k, Ok(Some(&activating))).len(), 1);
        let active = row(ImageStatus::Active);
        assert!(st.restore_polled(&k, Ok(Some(&active))).is_empty());
        assert_eq!(st.restores_followed(), 0);
        assert!(st.notices[0].text.contains("is restored"));
    }

    #[test]
    fn a_restored_image_deleted_meanwhile_is_said_once() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let repo = RepoRef::new(&spec("a"), "r");
        st.follow_restore(&repo, Digest([1; 32]));
        let k = ImageKey::new(&spec("a").key(), "r", Digest([1; 32]));
        assert!(st.restore_polled(&k, Ok(None)).is_empty());
        assert!(st.notices[0].text.contains("deleted"));
        assert!(st.restore_polled(&k, Ok(None)).is_empty());
        assert_eq!(st.notices.len(), 1, "no longer followed, nothing more said");
    }

    #[test]
    fn a_failed_scan_says_why() {
        let (mut st, k) = setup();
        let mut r = report(ScanStatus::Failed);
        r.status_description = Some("layers could not be read".into());
        assert!(st.scan_polled(&k, Ok(&r)).is_empty());
        assert!(st.notices[0].text.contains("layers could not be read"));
    }
}
