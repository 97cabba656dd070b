//! The confirmations for image changes (delete, archive, restore), each with
//! its target pinned when the user asked: the registry, the repository and
//! each image by digest. What an archived image cannot do, and ECR's 90-day
//! minimum archive billing, are said before the change, not after.

use crate::message::ImageChange;
use crate::model::{ARCHIVE_MINIMUM_DAYS, Digest, EpochMillis, Image, ImageStatus, RepoRef};
use crate::state::AppState;
use crate::ui::UiAction;
use crate::ui::{ManageAction, ShellAction, TransferAction};

const DAY_MS: i64 = 86_400_000;

/// The images of `digests` as listed now (in list order).
fn listed<'a>(state: &'a AppState, repo: &RepoRef, digests: &[Digest]) -> Vec<&'a Image> {
    state
        .repo_images(&repo.key(), &repo.name)
        .and_then(|ri| ri.list.shown())
        .map(|l| l.iter().filter(|i| digests.contains(&i.digest)).collect())
        .unwrap_or_default()
}

/// "v1, v2 and 3 more": the first tag (or short digest) of up to five.
/// "Copy to…" for the selection: each active image with its tags (archived
/// ones cannot be pulled, so cannot be copied). `None` when none can go.
pub fn copy_selected(state: &AppState, repo: &RepoRef, digests: &[Digest]) -> Option<UiAction> {
    let images: Vec<(Digest, Vec<String>)> = listed(state, repo, digests)
        .into_iter()
        .filter(|i| i.status == crate::model::ImageStatus::Active)
        .map(|i| (i.digest, i.tags.clone()))
        .collect();
    (!images.is_empty()).then(|| UiAction::Transfer(TransferAction::OpenCopy(repo.clone(), images)))
}

fn names(images: &[&Image], n: usize) -> String {
    let shown: Vec<String> = images
        .iter()
        .take(5)
        .map(|i| i.tags.first().cloned().unwrap_or_else(|| i.digest.short()))
        .collect();
    if n > shown.len() {
        format!("{} and {} more", shown.join(", "), n - shown.len())
    } else {
        shown.join(", ")
    }
}

fn target_line(state: &AppState, repo: &RepoRef) -> String {
    state
        .registry(&repo.key())
        .map(crate::state::RegistryState::target_line)
        .unwrap_or_default()
}

/// Images archived less than ECR's minimum ago (billed for the rest).
fn archived_recently(images: &[&Image], now: EpochMillis) -> usize {
    images
        .iter()
        .filter(|i| i.status != ImageStatus::Active)
        .filter(|i| {
            i.archived_at()
                .is_some_and(|t| now.saturating_sub(t) < ARCHIVE_MINIMUM_DAYS * DAY_MS)
        })
        .count()
}

fn images_word(n: usize) -> String {
    crate::state::wording::count(n, "image")
}

pub fn delete_images_confirm(
    state: &AppState,
    repo: &RepoRef,
    digests: Vec<Digest>,
    now: EpochMillis,
) -> UiAction {
    let n = digests.len();
    let images = listed(state, repo, &digests);
    let recent = archived_recently(&images, now);
    let billing = if recent > 0 {
        format!(
            " {} archived less than {ARCHIVE_MINIMUM_DAYS} days ago: ECR still bills the rest of the {ARCHIVE_MINIMUM_DAYS} days of archive storage.",
            if recent == 1 {
                "1 of them was".to_owned()
            } else {
                format!("{recent} of them were")
            }
        )
    } else {
        String::new()
    };
    UiAction::Shell(ShellAction::Confirm {
        title: if n > 1 {
            format!("Delete {n} images?")
        } else {
            "Delete this image?".to_owned()
        },
        confirm: format!("Delete {}", images_word(n)),
        body: format!(
            "From {}: {}. {} deleted with all {} tags (in batches of 100). This cannot be undone.{billing}",
            repo.name,
            names(&images, n),
            if n > 1 {
                "The images are"
            } else {
                "The image is"
            },
            if n > 1 { "their" } else { "its" }
        ),
        target: target_line(state, repo),
        action: Box::new(UiAction::Manage(ManageAction::ChangeImages(
            repo.clone(),
            ImageChange::Delete(digests),
        ))),
    })
}

/// Archive the active ones of `digests`; `None` when none is active.
pub fn archive_confirm(state: &AppState, repo: &RepoRef, digests: &[Digest]) -> Option<UiAction> {
    let images: Vec<&Image> = listed(state, repo, digests)
        .into_iter()
        .filter(|i| i.status == ImageStatus::Active)
        .collect();
    if images.is_empty() {
        return None;
    }
    let n = images.len();
    let skipped = digests.len().saturating_sub(n);
    let skipped = if skipped > 0 {
        format!(
            " ({} already archived or restoring left as {})",
            images_word(skipped),
            if skipped == 1 { "it is" } else { "they are" }
        )
    } else {
        String::new()
    };
    Some(UiAction::Shell(ShellAction::Confirm {
        title: format!("Archive {}?", images_word(n)),
        confirm: format!("Archive {}", images_word(n)),
        body: format!(
            "From {}: {}{skipped}. Archived images cannot be pulled (a pull fails with 404) or scanned until they are restored, and a restore takes a while. ECR bills archive storage for at least {ARCHIVE_MINIMUM_DAYS} days, even if the image is restored or deleted sooner.",
            repo.name,
            names(&images, n),
        ),
        target: target_line(state, repo),
        action: Box::new(UiAction::Manage(ManageAction::ChangeImages(
            repo.clone(),
            ImageChange::Archive(images.iter().map(|i| i.digest).collect()),
        ))),
    }))
}

/// Restore the archived ones of `digests`; `None` when none is archived.
pub fn restore_confirm(
    state: &AppState,
    repo: &RepoRef,
    digests: &[Digest],
    now: EpochMillis,
) -> Option<UiAction> {
    let images: Vec<&Image> = listed(state, repo, digests)
        .into_iter()
        .filter(|i| i.status == ImageStatus::Archived)
        .collect();
    if images.is_empty() {
        return None;
    }
    let n = images.len();
    let recent = archived_recently(&images, now);
    let billing = if recent > 0 {
        format!(
            " {} archived less than {ARCHIVE_MINIMUM_DAYS} days ago: the rest of the {ARCHIVE_MINIMUM_DAYS} days is billed anyway.",
            if recent == 1 {
                "1 was".to_owned()
            } else {
                format!("{recent} were")
            }
        )
    } else {
        String::new()
    };
    Some(UiAction::Shell(ShellAction::Confirm {
        title: format!("Restore {}?", images_word(n)),
        confirm: format!("Restore {}", images_word(n)),
        body: format!(
            "From {}: {}. Each is restoring (ACTIVATING) for a while, then active: pullable and scannable again. ecrscope follows the restore and says when it is done.{billing}",
            repo.name,
            names(&images, n),
        ),
        target: target_line(state, repo),
        action: Box::new(UiAction::Manage(ManageAction::ChangeImages(
            repo.clone(),
            ImageChange::Restore(images.iter().map(|i| i.digest).collect()),
        ))),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{BrowsePayload, Event, Payload, RequestId};
    use crate::model::{ArchiveTimes, ManifestKind};

    fn image(n: u8, status: ImageStatus, archived_days_ago: Option<i64>, now: i64) -> Image {
        Image {
            digest: Digest([n; 32]),
            tags: vec![format!("v{n}")],
            size_bytes: 1,
            pushed_at: None,
            last_pull: None,
            manifest: ManifestKind::OciManifest,
            artifact_media_type: None,
            status,
            scan_status: None,
            severity_counts: None,
            archive: archived_days_ago.map(|d| {
                Box::new(ArchiveTimes {
                    archived_at: Some(now - d * DAY_MS),
                    activated_at: None,
                })
            }),
        }
    }

    fn setup(images: Vec<Image>) -> (AppState, RepoRef) {
        let spec = crate::state::test_support::spec("p");
        let mut st = AppState::default();
        st.set_registries(vec![spec.clone()]);
        let repo = RepoRef::new(&spec, "app");
        st.location.registry = Some(spec.key());
        st.location.repository = Some("app".into());
        let id: RequestId = 7;
        st.started(
            id,
            &crate::message::Command::Browse(crate::message::BrowseCommand::Images(repo.clone())),
        );
        for payload in [
            Payload::Browse(BrowsePayload::ImagesPage {
                repo: crate::model::RepoRef::new(&spec, "app"),
                images,
            }),
            Payload::Browse(BrowsePayload::ImagesDone {
                repo: crate::model::RepoRef::new(&spec, "app"),
                result: Ok(0),
            }),
        ] {
            st.apply(Event {
                request: id,
                registry: Some(spec.key()),
                payload,
            });
        }
        (st, repo)
    }

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn archive_takes_only_active_images_and_says_what_it_costs() {
        let (st, repo) = setup(vec![
            image(1, ImageStatus::Active, None, NOW),
            image(2, ImageStatus::Archived, Some(10), NOW),
        ]);
        let both = [Digest([1; 32]), Digest([2; 32])];
        let Some(UiAction::Shell(ShellAction::Confirm { body, action, .. })) =
            archive_confirm(&st, &repo, &both)
        else {
            panic!("a confirmation");
        };
        assert!(
            body.contains("cannot be pulled") && body.contains("90 days"),
            "{body}"
        );
        assert!(body.contains("1 image already archived"), "{body}");
        assert_eq!(
            *action,
            UiAction::Manage(ManageAction::ChangeImages(
                repo.clone(),
                ImageChange::Archive(vec![Digest([1; 32])])
            ))
        );
        assert!(archive_confirm(&st, &repo, &[Digest([2; 32])]).is_none());
    }

    #[test]
    fn restore_and_delete_warn_about_the_minimum_archive_time() {
        let (st, repo) = setup(vec![
            image(1, ImageStatus::Archived, Some(10), NOW),
            image(2, ImageStatus::Archived, Some(200), NOW),
            image(3, ImageStatus::Active, None, NOW),
        ]);
        let Some(UiAction::Shell(ShellAction::Confirm { body, action, .. })) =
            restore_confirm(&st, &repo, &[Digest([1; 32]), Digest([3; 32])], NOW)
        else {
            panic!("a confirmation");
        };
        assert!(
            body.contains("1 was archived less than 90 days ago"),
            "{body}"
        );
        assert_eq!(
            *action,
            UiAction::Manage(ManageAction::ChangeImages(
                repo.clone(),
                ImageChange::Restore(vec![Digest([1; 32])])
            ))
        );
        let UiAction::Shell(ShellAction::Confirm { body, .. }) =
            delete_images_confirm(&st, &repo, vec![Digest([1; 32]), Digest([2; 32])], NOW)
        else {
            panic!("a confirmation");
        };
        assert!(
            body.contains("1 of them was archived less than 90 days"),
            "{body}"
        );
        let UiAction::Shell(ShellAction::Confirm { body, .. }) =
            delete_images_confirm(&st, &repo, vec![Digest([2; 32]), Digest([3; 32])], NOW)
        else {
            panic!("a confirmation");
        };
        assert!(!body.contains("90 days"), "{body}");
    }
}
