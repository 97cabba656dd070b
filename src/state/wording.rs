//! What happened, in words: the messages of toasts, the status bar and the
//! places in views that explain a problem. Kept apart from the data so each
//! message is written once and tested.

use crate::message::{ExportFailure, ImageChange, PullThroughChange};
use crate::model::{BatchResult, BlobProblem, EcrError, RegistrySpec};

/// "profile dev · account 123456789012 · us-east-1 · http://127.0.0.1:5000";
/// "environment credentials · …" and "demo registry · …" for the others.
pub fn target_line(spec: &RegistrySpec, account: Option<&str>) -> String {
    let who = match (&spec.profile, spec.is_demo()) {
        (_, true) => "demo registry".to_owned(),
        (Some(p), false) => format!("profile {p}"),
        (None, false) => "environment credentials".to_owned(),
    };
    let mut parts = vec![who];
    parts.push(match account {
        Some(a) => format!("account {a}"),
        None => "account not known yet".to_owned(),
    });
    parts.push(if spec.region.is_empty() {
        "no region".to_owned()
    } else {
        spec.region.clone()
    });
    if let Some(e) = &spec.endpoint {
        parts.push(e.clone());
    }
    parts.join(" · ")
}

/// The outcome of an image operation.
pub fn images_changed(
    repository: &str,
    change: &ImageChange,
    result: &BatchResult,
) -> (bool, String) {
    if !result.failures.is_empty() {
        // One reason for all (a call that failed part-way): said once.
        let one_reason = result
            .failures
            .iter()
            .all(|(_, why)| *why == result.failures[0].1);
        let first: Vec<String> = if one_reason && result.failures.len() > 1 {
            vec![image_failure_reason(&result.failures[0].1)]
        } else {
            result
                .failures
                .iter()
                .take(5)
                .map(|(id, why)| format!("{id}: {}", image_failure_reason(why)))
                .collect()
        };
        let more = if one_reason {
            0
        } else {
            result.failures.len().saturating_sub(5)
        };
        let more = if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        };
        let verb = match change {
            ImageChange::RemoveTag { .. } => "removed",
            ImageChange::Archive(_) => "archived",
            ImageChange::Restore(_) => "being restored",
            _ => "deleted",
        };
        return (
            false,
            format!(
                "{repository}: {} {verb}, {} not ({}{more}). The list shows what the repository holds now.",
                result.done.len(),
                result.failures.len(),
                first.join("; ")
            ),
        );
    }
    let text = match change {
        ImageChange::Retag { digest, tag } => {
            format!("{repository}: tagged {} as {tag}.", digest.short())
        }
        ImageChange::RemoveTag { digest, tag } => {
            format!(
                "{repository}: removed the tag {tag} from {}.",
                digest.short()
            )
        }
        ImageChange::Delete(d) if d.len() == 1 => format!("{repository}: deleted 1 image."),
        ImageChange::Delete(_) => format!("{repository}: deleted {} images.", result.done.len()),
        ImageChange::Archive(_) => format!(
            "{repository}: archived {}. Archived images cannot be pulled or scanned until restored; ECR bills at least 90 days of archive.",
            count(result.done.len(), "image")
        ),
        ImageChange::Restore(_) => format!(
            "{repository}: restoring {}. ecrscope follows the restore and says when it is done.",
            count(result.done.len(), "image")
        ),
    };
    (true, text)
}

/// "1 image", "3 images".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Why a removed tag did nothing: ECR's "tag does not match the digest" is
/// the case where CI moved the tag meanwhile.
pub fn image_failure_reason(code_or_reason: &str) -> String {
    if code_or_reason.contains("ImageTagDoesNotMatchDigest")
        || code_or_reason
            .to_ascii_lowercase()
            .contains("does not match")
    {
        "the tag now names another image (it was moved meanwhile); nothing was removed".into()
    } else {
        code_or_reason.to_owned()
    }
}

pub fn pull_through_changed(change: &PullThroughChange) -> String {
    match change {
        PullThroughChange::Create(new) => {
            format!("Created the rule {}.", new.ecr_repository_prefix)
        }
        PullThroughChange::Update { prefix, .. } => format!("Updated the rule {prefix}."),
        PullThroughChange::Delete(prefix) => format!("Deleted the rule {prefix}."),
    }
}

pub fn lifecycle_changed(repository: &str, deleted: bool) -> String {
    if deleted {
        format!("Deleted the lifecycle policy of {repository}.")
    } else {
        format!("Saved the lifecycle policy of {repository}.")
    }
}

/// Why a scan could not start, in words: the quota says when, archives and
/// enhanced scanning say why not.
pub fn scan_refusal(e: &EcrError) -> String {
    match e {
        EcrError::ScanQuota { .. } => format!(
            "{e} The next scan is possible 24 hours after the last one (including a scan on push)."
        ),
        EcrError::InvalidInput { detail } if detail.contains("archived") => {
            "Archived images cannot be scanned; restore the image first.".to_owned()
        }
        EcrError::InvalidInput { detail }
            if detail.contains("enhanced") || detail.contains("manually") =>
        {
            ENHANCED_NO_MANUAL.to_owned()
        }
        other => other.to_string(),
    }
}

pub const ENHANCED_NO_MANUAL: &str = "This registry uses enhanced scanning: Amazon Inspector scans images continuously or on push, so scans cannot be started by hand.";

/// Why the config of an image is not shown.
pub fn blob_problem(p: &BlobProblem) -> String {
    match p {
        BlobProblem::NoConfig => "The manifest names no config.".to_owned(),
        BlobProblem::Url(EcrError::NotSupported { .. }) => "This endpoint cannot serve image blobs (GetDownloadUrlForLayer is not implemented), so the config, environment and history are not available here.".to_owned(),
        BlobProblem::Url(e) => format!("The config blob could not be fetched: {e}"),
        BlobProblem::Download(e) => format!("The config blob could not be downloaded: {e}"),
    }
}

pub fn export_failed(f: &ExportFailure) -> String {
    match f {
        ExportFailure::Read { digest, error } if error.is_image_gone() => format!(
            "Export stopped: the image {} no longer exists (it may have been deleted), so its findings cannot be exported. Nothing was written.",
            digest.short()
        ),
        ExportFailure::Read { digest, error } => format!(
            "Export stopped: the findings of {} could not be read ({error}). Nothing was written.",
            digest.short()
        ),
        ExportFailure::Write { path, detail } => format!(
            "Could not write {}: {detail}. Choose another location; an existing file there was left as it was.",
            path.display()
        ),
    }
}

/// A repository that vanished while it was open.
pub fn repository_gone(name: &str) -> String {
    format!("Repository '{name}' no longer exists; it may have been deleted.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Digest, RegistrySource};

    #[test]
    fn target_lines_name_profile_account_region() {
        let spec = RegistrySpec {
            profile: Some("east".into()),
            region: "us-east-1".into(),
            endpoint: Some("http://127.0.0.1:5000".into()),
            registry_id: None,
            source: RegistrySource::Profile,
        };
        assert_eq!(
            target_line(&spec, Some("123456789012")),
            "profile east · account 123456789012 · us-east-1 · http://127.0.0.1:5000"
        );
        assert!(target_line(&spec, None).contains("account not known yet"));
        let env = RegistrySpec {
            profile: None,
            endpoint: None,
            source: RegistrySource::Environment,
            ..spec.clone()
        };
        assert_eq!(
            target_line(&env, None),
            "environment credentials · account not known yet · us-east-1"
        );
        let demo = RegistrySpec {
            source: RegistrySource::Demo,
            ..env
        };
        assert!(target_line(&demo, None).starts_with("demo registry · "));
    }

    #[test]
    fn partial_deletes_say_how_many_and_why() {
        let r = BatchResult {
            done: vec!["a".into(), "b".into()],
            failures: (0..7)
                .map(|i| (format!("x{i}"), format!("denied {i}")))
                .collect(),
        };
        let (ok, text) = images_changed("web", &ImageChange::Delete(vec![]), &r);
        assert!(!ok);
        assert!(text.contains("2 deleted, 7 not"), "{text}");
        assert!(text.contains("and 2 more"), "{text}");
        // One reason for all (a call that failed part-way): said once.
        let same = BatchResult {
            done: vec!["a".into()],
            failures: (0..50)
                .map(|i| (format!("x{i}"), "throttled".into()))
                .collect(),
        };
        let (_, text) = images_changed("web", &ImageChange::Delete(vec![]), &same);
        assert!(text.contains("1 deleted, 50 not (throttled)"), "{text}");
        let (ok, text) = images_changed(
            "web",
            &ImageChange::RemoveTag {
                digest: Digest([0; 32]),
                tag: "latest".into(),
            },
            &BatchResult {
                done: vec!["latest".into()],
                failures: vec![],
            },
        );
        assert!(ok && text.contains("removed the tag latest"));
    }

    #[test]
    fn a_gone_image_is_never_a_clean_export() {
        let text = export_failed(&ExportFailure::Read {
            digest: Digest([0; 32]),
            error: EcrError::NotFound {
                what: "The image".into(),
            },
        });
        assert!(text.contains("no longer exists") && text.contains("Nothing was written"));
    }
}
