//! One small async function per command. Each gets the registry's client
//! (found once by the dispatcher) and returns or streams its payloads; the
//! wording of what happened is the state's business, not the worker's.

use crate::message::{
    BrowseCommand, BrowsePayload, LifecycleCommand, LifecyclePayload, LoginCommand, LoginPayload,
    ManageCommand, ManagePayload, PullThroughCommand, PullThroughPayload, ScanningCommand,
    ScanningPayload, SearchCommand, SearchPayload, TransferCommand, TransferPayload,
};
use std::sync::Arc;

use super::Inner;
use crate::ecr::{self, EcrClient, Paging};
use crate::message::{
    Command, ExportFailure, ExportRequest, Exported, ImageChange, IndexPlatforms, Payload,
    PullThroughChange, RepoChange, RequestId, ScanningConfigs,
};
use crate::model::manifest::{self, Manifest};
use crate::model::{
    BatchResult, BlobProblem, ConfigDoc, Digest, EcrError, ImageDetailDoc, ImageId, PreviewStatus,
    RegistryKey, RepoRef, ScanReport, ScanSummary, StorageClass,
};

/// What an operation works with: the request it answers and its client.
pub(super) struct Cx<'a> {
    pub(super) inner: &'a Arc<Inner>,
    pub(super) id: RequestId,
    pub(super) key: Option<RegistryKey>,
    pub(super) client: EcrClient,
}

impl Cx<'_> {
    pub(super) async fn emit(&self, payload: Payload) {
        self.inner.emit(self.id, self.key.clone(), payload).await;
    }

    fn c(&self) -> &EcrClient {
        &self.client
    }
}

/// Runs one command on its registry's client.
pub(super) async fn run(cx: &Cx<'_>, cmd: Command) {
    match cmd {
        // Answered by the dispatcher (no registry).
        Command::Browse(BrowseCommand::Discover) => {}
        Command::Browse(BrowseCommand::RegistryInfo(_)) => {
            let info = ecr::describe_registry(cx.c()).await;
            // Now the account is known: share its rate budget.
            if let Ok(i) = &info
                && let Some(k) = &cx.key
            {
                cx.inner.clients.share_gate(k, cx.c(), &i.registry_id);
            }
            cx.emit(Payload::Browse(BrowsePayload::RegistryInfo(info)))
                .await;
        }
        Command::Browse(BrowseCommand::Repositories(_)) => load_repositories(cx).await,
        Command::Scanning(ScanningCommand::Configuration { repositories, .. }) => {
            let result = scanning(cx.c(), &repositories).await;
            cx.emit(Payload::Scanning(ScanningPayload::Configuration(result)))
                .await;
        }
        Command::Scanning(ScanningCommand::PutConfiguration {
            config,
            repositories,
            ..
        }) => {
            let result = async {
                ecr::put_registry_scanning_configuration(cx.c(), &config).await?;
                scanning(cx.c(), &repositories).await
            }
            .await;
            cx.emit(Payload::Scanning(ScanningPayload::ConfigurationSaved(
                result,
            )))
            .await;
        }
        Command::Browse(BrowseCommand::Images(repo)) => load_images(cx, repo).await,
        Command::Browse(BrowseCommand::Platforms { repo, indexes }) => {
            let result = platforms(cx.c(), &repo.name, &indexes).await;
            cx.emit(Payload::Browse(BrowsePayload::Platforms {
                repository: repo.name,
                result,
            }))
            .await;
        }
        Command::Scanning(ScanningCommand::Summaries { repo, digests }) => {
            scan_summaries(cx, repo, digests).await
        }
        Command::Browse(BrowseCommand::RepoTags { repos, .. }) => {
            for (name, arn) in repos {
                let result = ecr::list_tags_for_resource(cx.c(), &arn).await;
                cx.emit(Payload::Browse(BrowsePayload::RepoTags {
                    repository: name,
                    result,
                }))
                .await;
            }
        }
        Command::Search(SearchCommand::Find { repo, ids, search }) => {
            let result = ecr::find_images(cx.c(), &repo.name, &ids).await;
            cx.emit(Payload::Search(SearchPayload::Found {
                repository: repo.name,
                search,
                result,
            }))
            .await;
        }
        Command::Browse(BrowseCommand::RefreshImages { repo, digests }) => {
            let ids: Vec<ImageId> = digests.iter().map(|d| ImageId::Digest(*d)).collect();
            // One image gone makes ECR refuse the whole call: find_images
            // asks again without it, so the others are still refreshed.
            let result = ecr::find_images(cx.c(), &repo.name, &ids).await;
            cx.emit(Payload::Browse(BrowsePayload::ImagesRefreshed {
                repository: repo.name,
                digests,
                result,
            }))
            .await;
        }
        Command::Browse(BrowseCommand::ImageDetail { repo, digest }) => {
            let result = image_detail(cx.c(), &repo.name, &digest).await;
            cx.emit(Payload::Browse(BrowsePayload::ImageDetail {
                repository: repo.name,
                digest,
                result,
            }))
            .await;
        }
        other => beyond_browsing(cx, other).await,
    }
}

/// A repository settings change, then the repository (and, for resource
/// tags, its tags) as the server holds them, whatever happened.
async fn change_repository(cx: &Cx<'_>, repo: RepoRef, change: RepoChange) {
    let result = match &change {
        RepoChange::TagMutability(s) => ecr::put_image_tag_mutability(cx.c(), &repo.name, s)
            .await
            .map(|_| ()),
        RepoChange::ScanOnPush(on) => {
            ecr::put_image_scanning_configuration(cx.c(), &repo.name, *on)
                .await
                .map(|_| ())
        }
        RepoChange::ResourceTags { arn, set, remove } => {
            let result = async {
                if !set.is_empty() {
                    ecr::tag_resource(cx.c(), arn, set).await?;
                }
                if !remove.is_empty() {
                    ecr::untag_resource(cx.c(), arn, remove).await?;
                }
                Ok(())
            }
            .await;
            // What the server holds now, whatever happened.
            let tags = ecr::list_tags_for_resource(cx.c(), arn).await;
            cx.emit(Payload::Browse(BrowsePayload::RepoTags {
                repository: repo.name.clone(),
                result: tags,
            }))
            .await;
            result
        }
    };
    // Whatever happened, read back what the server holds.
    let reread = Some(ecr::describe_repository(cx.c(), &repo.name).await);
    cx.emit(Payload::Manage(ManagePayload::RepositoryChanged {
        repository: repo.name,
        result,
        reread,
    }))
    .await;
}

/// Commands beyond browsing: changes (each then reads back what the server
/// holds), scans and findings, exports, pull-through rules, the login
/// token, lifecycle policies and repository policies.
async fn beyond_browsing(cx: &Cx<'_>, cmd: Command) {
    match cmd {
        Command::Manage(ManageCommand::ChangeRepository { repo, change }) => {
            change_repository(cx, repo, change).await
        }
        Command::Scanning(ScanningCommand::Start { repo, digests }) => {
            for digest in digests {
                let result = ecr::start_image_scan(cx.c(), &repo.name, &digest).await;
                cx.emit(Payload::Scanning(ScanningPayload::Started {
                    repository: repo.name.clone(),
                    digest,
                    result,
                }))
                .await;
            }
        }
        Command::Scanning(ScanningCommand::Findings { repo, digest }) => {
            let result = ecr::describe_image_scan_findings(cx.c(), &repo.name, &digest).await;
            cx.emit(Payload::Scanning(ScanningPayload::Findings {
                repository: repo.name,
                digest,
                result,
            }))
            .await;
        }
        Command::Scanning(ScanningCommand::Export(x)) => {
            let result = export(cx, x).await;
            cx.emit(Payload::Scanning(ScanningPayload::Exported(result)))
                .await;
        }
        Command::Transfer(TransferCommand::Copy(job)) => {
            super::transfer::copy_images(cx, job).await
        }
        Command::Transfer(TransferCommand::ExportImage(job)) => {
            super::transfer::export_image(cx, job).await
        }
        Command::Transfer(TransferCommand::Reencrypt(job)) => {
            super::transfer::reencrypt(cx, job).await
        }
        Command::Transfer(TransferCommand::CheckTarget { target, items }) => {
            // This command's registry is the target's: its own client.
            let result = crate::copy::check_target(cx.c(), &target.name, &items).await;
            cx.emit(Payload::Transfer(TransferPayload::TargetChecked(result)))
                .await;
        }
        Command::Transfer(TransferCommand::CompareReencrypted { repo, new_name }) => {
            let result = crate::copy::reencrypt::compare(cx.c(), &repo.name, &new_name).await;
            cx.emit(Payload::Transfer(TransferPayload::ReencryptCompared(
                result,
            )))
            .await;
        }
        Command::Manage(ManageCommand::ChangeImages { repo, change }) => {
            let result = change_images(cx.c(), &repo.name, &change).await;
            cx.emit(Payload::Manage(ManagePayload::ImagesChanged {
                repository: repo.name,
                change,
                result,
            }))
            .await;
        }
        Command::Manage(ManageCommand::CreateRepository { new, .. }) => {
            let result = async {
                ecr::create_repository(cx.c(), &new).await?;
                // Re-read rather than trust the create answer's echo.
                ecr::describe_repository(cx.c(), &new.name).await
            }
            .await;
            cx.emit(Payload::Manage(ManagePayload::RepositoryCreated(result)))
                .await;
        }
        Command::Manage(ManageCommand::DeleteRepository { repo, force }) => {
            let result = ecr::delete_repository(cx.c(), &repo.name, force).await;
            cx.emit(Payload::Manage(ManagePayload::RepositoryDeleted {
                repository: repo.name,
                result,
            }))
            .await;
        }
        Command::PullThrough(PullThroughCommand::Load(_)) => {
            let rules = ecr::describe_pull_through_cache_rules(cx.c()).await;
            cx.emit(Payload::PullThrough(PullThroughPayload::Rules(rules)))
                .await;
        }
        Command::PullThrough(PullThroughCommand::Change { change, .. }) => {
            let result = change_pull_through(cx.c(), &change).await;
            cx.emit(Payload::PullThrough(PullThroughPayload::Changed {
                change,
                result,
            }))
            .await;
            // Re-read, so the list shows what the server holds.
            let rules = ecr::describe_pull_through_cache_rules(cx.c()).await;
            cx.emit(Payload::PullThrough(PullThroughPayload::Rules(rules)))
                .await;
        }
        Command::PullThrough(PullThroughCommand::Validate { prefix, .. }) => {
            let result = ecr::validate_pull_through_cache_rule(cx.c(), &prefix).await;
            cx.emit(Payload::PullThrough(PullThroughPayload::Validated {
                prefix,
                result,
            }))
            .await;
        }
        Command::Login(LoginCommand::Token(_)) => {
            let token = ecr::get_authorization_token(cx.c()).await;
            cx.emit(Payload::Login(LoginPayload::Token(token))).await;
        }
        Command::Lifecycle(LifecycleCommand::Load(repo)) => {
            let result = ecr::get_lifecycle_policy(cx.c(), &repo.name).await;
            cx.emit(Payload::Lifecycle(LifecyclePayload::Policy {
                repository: repo.name,
                result,
            }))
            .await;
        }
        Command::Lifecycle(LifecycleCommand::Change { repo, text }) => {
            let result = match &text {
                Some(t) => ecr::put_lifecycle_policy(cx.c(), &repo.name, t).await,
                None => ecr::delete_lifecycle_policy(cx.c(), &repo.name).await,
            };
            cx.emit(Payload::Lifecycle(LifecyclePayload::Changed {
                repository: repo.name.clone(),
                deleted: text.is_none(),
                result,
            }))
            .await;
            let reread = ecr::get_lifecycle_policy(cx.c(), &repo.name).await;
            cx.emit(Payload::Lifecycle(LifecyclePayload::Policy {
                repository: repo.name,
                result: reread,
            }))
            .await;
        }
        Command::Lifecycle(LifecycleCommand::Preview { repo, text }) => {
            let result = preview_lifecycle(cx.c(), &repo.name, &text).await;
            cx.emit(Payload::Lifecycle(LifecyclePayload::Preview {
                repository: repo.name,
                result,
            }))
            .await;
        }
        Command::Manage(ManageCommand::RepoPolicy(repo)) => {
            let result = ecr::get_repository_policy(cx.c(), &repo.name).await;
            cx.emit(Payload::Manage(ManagePayload::RepoPolicy {
                repository: repo.name,
                result,
            }))
            .await;
        }
        // Browsing is answered by `run`.
        _ => {}
    }
}

/// Every page of repositories, each sent as it arrives.
async fn load_repositories(cx: &Cx<'_>) {
    let mut paging = Paging::new("DescribeRepositories");
    let (mut token, mut total) = (None, 0);
    let result = loop {
        match ecr::describe_repositories_page(cx.c(), token.take()).await {
            Err(e) => break Err(e),
            Ok((page, next)) => {
                total += page.len();
                cx.emit(Payload::Browse(BrowsePayload::RepositoriesPage(page)))
                    .await;
                match paging.next(next.as_deref()) {
                    Ok(Some(t)) => token = Some(t),
                    Ok(None) => break Ok(total),
                    Err(e) => break Err(e),
                }
            }
        }
    };
    cx.emit(Payload::Browse(BrowsePayload::RepositoriesDone(result)))
        .await;
}

/// Every page of a repository's images, each sent as it arrives: pages of
/// one repository are sequential, so the table is usable after one round
/// trip.
async fn load_images(cx: &Cx<'_>, repo: RepoRef) {
    let mut paging = Paging::new("DescribeImages");
    let (mut token, mut total) = (None, 0);
    let result = loop {
        match ecr::describe_images_page(cx.c(), &repo.name, token.take()).await {
            Err(e) => break Err(e),
            Ok((images, next)) => {
                total += images.len();
                cx.emit(Payload::Browse(BrowsePayload::ImagesPage {
                    repository: repo.name.clone(),
                    images,
                }))
                .await;
                match paging.next(next.as_deref()) {
                    Ok(Some(t)) => token = Some(t),
                    Ok(None) => break Ok(total),
                    Err(e) => break Err(e),
                }
            }
        }
    };
    cx.emit(Payload::Browse(BrowsePayload::ImagesDone {
        repository: repo.name,
        result,
    }))
    .await;
}

/// The registry scanning configuration and each repository's frequency.
async fn scanning(c: &EcrClient, repositories: &[String]) -> Result<ScanningConfigs, EcrError> {
    let registry = ecr::get_registry_scanning_configuration(c).await?;
    let repositories = if repositories.is_empty() {
        Vec::new()
    } else {
        ecr::batch_get_repository_scanning_configuration(c, repositories).await?
    };
    Ok(ScanningConfigs {
        registry,
        repositories,
    })
}

/// The platforms each index lists, from its manifest.
async fn platforms(
    c: &EcrClient,
    repo: &str,
    indexes: &[Digest],
) -> Result<Vec<IndexPlatforms>, EcrError> {
    let ids: Vec<ImageId> = indexes.iter().map(|d| ImageId::Digest(*d)).collect();
    let (docs, _) = ecr::batch_get_manifests(c, repo, &ids).await?;
    Ok(docs
        .iter()
        .filter_map(|doc| {
            let Ok(Manifest::Index { manifests }) = manifest::parse_manifest(&doc.manifest) else {
                return None;
            };
            let index = doc.digest?;
            let children = manifests
                .into_iter()
                .filter_map(|(d, p)| Some((d.digest?, p.unwrap_or_default())))
                // An index that lists itself would nest forever.
                .filter(|(d, _)| *d != index)
                .collect();
            Some(IndexPlatforms { index, children })
        })
        .collect())
}

/// One DescribeImageScanFindings summary per image, concurrently within the
/// client's in-flight limit.
async fn scan_summaries(cx: &Cx<'_>, repo: RepoRef, digests: Vec<Digest>) {
    let mut tasks = tokio::task::JoinSet::new();
    for digest in digests.iter().copied() {
        let (c, name) = (cx.client.clone(), repo.name.clone());
        tasks.spawn(async move { (digest, scan_summary(&c, &name, &digest).await) });
    }
    let mut answered = std::collections::HashSet::new();
    while let Some(joined) = tasks.join_next().await {
        let Ok((digest, result)) = joined else {
            continue;
        };
        answered.insert(digest);
        cx.emit(Payload::Scanning(ScanningPayload::Summary {
            repository: repo.name.clone(),
            digest,
            result,
        }))
        .await;
    }
    // A task that died still ends its row's request.
    for digest in digests.into_iter().filter(|d| !answered.contains(d)) {
        cx.emit(Payload::Scanning(ScanningPayload::Summary {
            repository: repo.name.clone(),
            digest,
            result: Err(EcrError::Other {
                operation: "DescribeImageScanFindings".into(),
                detail: "the request failed unexpectedly".into(),
            }),
        }))
        .await;
    }
}

/// Status and severity counts of one image. "No scan yet" is an answer, not
/// an error.
async fn scan_summary(c: &EcrClient, repo: &str, digest: &Digest) -> Result<ScanSummary, EcrError> {
    match ecr::describe_image_scan_findings_summary(c, repo, digest).await {
        Ok((status, counts)) => Ok(ScanSummary {
            status,
            counts,
            never_scanned: false,
        }),
        Err(e) if e.is_scan_not_found() => Ok(ScanSummary {
            never_scanned: true,
            ..ScanSummary::default()
        }),
        Err(e) => Err(e),
    }
}

/// The manifest, and for a single image its config blob. A blob the endpoint
/// cannot serve is reported in place, not as a failure of the whole detail.
async fn image_detail(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
) -> Result<ImageDetailDoc, EcrError> {
    let (docs, failures) = ecr::batch_get_manifests(c, repo, &[ImageId::Digest(*digest)]).await?;
    let Some(doc) = docs.into_iter().next() else {
        let why = failures
            .first()
            .map_or_else(|| "no manifest returned".to_owned(), |f| f.1.clone());
        return Err(EcrError::NotFound {
            what: format!("The image {} ({why})", digest.short()),
        });
    };
    let parsed = manifest::parse_manifest(&doc.manifest);
    let config = match &parsed {
        Ok(Manifest::Image {
            config: Some(cfg), ..
        }) => match cfg.digest {
            Some(cd) => Some(fetch_config(c, repo, &cd).await),
            None => Some(Err(BlobProblem::NoConfig)),
        },
        Ok(Manifest::Image { config: None, .. }) => Some(Err(BlobProblem::NoConfig)),
        Ok(Manifest::Index { .. }) | Err(_) => None,
    };
    Ok(ImageDetailDoc {
        media_type: doc.media_type,
        manifest_text: doc.manifest,
        manifest: parsed,
        config,
    })
}

async fn fetch_config(
    c: &EcrClient,
    repo: &str,
    config: &Digest,
) -> Result<ConfigDoc, BlobProblem> {
    let url = ecr::get_download_url_for_layer(c, repo, config)
        .await
        .map_err(BlobProblem::Url)?;
    let bytes = ecr::download_blob(&url, c.blob_timeout())
        .await
        .map_err(BlobProblem::Download)?;
    // What arrived must be what the manifest names: a proxy's page, a cache
    // gone wrong or a swapped blob is refused, not shown as the config.
    let got = Digest::of_bytes(&bytes);
    if got != *config {
        return Err(BlobProblem::Download(EcrError::Unreadable {
            operation: "Downloading the config blob".into(),
            detail: format!(
                "its content hashes to {}, not to the {} the manifest names",
                got.short(),
                config.short()
            ),
        }));
    }
    let raw = String::from_utf8_lossy(&bytes).into_owned();
    Ok(ConfigDoc {
        parsed: manifest::parse_config(&bytes),
        raw,
    })
}

async fn change_images(
    c: &EcrClient,
    repo: &str,
    change: &ImageChange,
) -> Result<BatchResult, EcrError> {
    match change {
        ImageChange::Retag { digest, tag } => {
            ecr::retag_image(c, repo, digest, tag).await?;
            Ok(BatchResult {
                done: vec![tag.clone()],
                failures: Vec::new(),
            })
        }
        ImageChange::RemoveTag { digest, tag } => remove_tag(c, repo, digest, tag).await,
        ImageChange::Delete(digests) => {
            let ids: Vec<ImageId> = digests.iter().map(|d| ImageId::Digest(*d)).collect();
            ecr::batch_delete_images(c, repo, &ids).await
        }
        ImageChange::Archive(digests) => {
            storage_class(c, repo, digests, StorageClass::Archive).await
        }
        ImageChange::Restore(digests) => {
            storage_class(c, repo, digests, StorageClass::Standard).await
        }
    }
}

/// UpdateImageStorageClass for each image (ECR has no batch form). One
/// refusal does not stop the rest; a failure of the call itself (throttled
/// past retries, credentials) does, with what was done so far kept.
async fn storage_class(
    c: &EcrClient,
    repo: &str,
    digests: &[Digest],
    target: StorageClass,
) -> Result<BatchResult, EcrError> {
    let mut out = BatchResult::default();
    for d in digests {
        match ecr::update_image_storage_class(c, repo, d, target).await {
            Ok(_) => out.done.push(d.to_string()),
            Err(e) if e.is_refusal() => out.failures.push((d.to_string(), e.to_string())),
            Err(e) if out.done.is_empty() && out.failures.is_empty() => return Err(e),
            Err(e) => {
                out.failures.push((d.to_string(), e.to_string()));
                break;
            }
        }
    }
    Ok(out)
}

/// Removes `tag` only while it still names `digest`: a tag moved meanwhile
/// (CI pushed again) is left alone and said so. The tag is checked first
/// with DescribeImages, then removed by tag alone (BatchDeleteImage with a
/// digest deletes the whole image, on moto with a tag too).
async fn remove_tag(
    c: &EcrClient,
    repo: &str,
    digest: &Digest,
    tag: &str,
) -> Result<BatchResult, EcrError> {
    let now = ecr::find_images(c, repo, &[ImageId::Tag(tag.to_owned())])
        .await?
        .into_iter()
        .next()
        .map(|i| i.digest);
    match now {
        Some(d) if d == *digest => {
            ecr::batch_delete_images(c, repo, &[ImageId::Tag(tag.to_owned())]).await
        }
        Some(_) => Ok(BatchResult {
            done: Vec::new(),
            failures: vec![(tag.to_owned(), "ImageTagDoesNotMatchDigest".to_owned())],
        }),
        None => Ok(BatchResult {
            done: Vec::new(),
            failures: vec![(tag.to_owned(), "the tag no longer exists".to_owned())],
        }),
    }
}

async fn change_pull_through(c: &EcrClient, change: &PullThroughChange) -> Result<(), EcrError> {
    match change {
        PullThroughChange::Create(new) => ecr::create_pull_through_cache_rule(c, new)
            .await
            .map(|_| ()),
        PullThroughChange::Update {
            prefix,
            credential_arn,
            custom_role_arn,
        } => {
            ecr::update_pull_through_cache_rule(
                c,
                prefix,
                credential_arn.as_deref(),
                custom_role_arn.as_deref(),
            )
            .await
        }
        PullThroughChange::Delete(prefix) => ecr::delete_pull_through_cache_rule(c, prefix).await,
    }
}

/// StartLifecyclePolicyPreview, then GetLifecyclePolicyPreview with backoff
/// (250 ms, x1.5, at most 5 s) for up to two minutes: ECR evaluates in the
/// background.
async fn preview_lifecycle(
    c: &EcrClient,
    repo: &str,
    text: &str,
) -> Result<crate::model::LifecyclePreview, EcrError> {
    ecr::start_lifecycle_policy_preview(c, repo, Some(text)).await?;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut wait = std::time::Duration::from_millis(250);
    loop {
        let p = ecr::get_lifecycle_policy_preview(c, repo).await?;
        if p.status != PreviewStatus::InProgress || tokio::time::Instant::now() > deadline {
            return Ok(p);
        }
        tokio::time::sleep(wait).await;
        wait = (wait.mul_f64(1.5)).min(std::time::Duration::from_secs(5));
    }
}

/// Fetches every image's report (concurrently, within the in-flight limit,
/// with progress), then writes the file: to a temporary file in the same
/// folder, renamed into place, so a failed write leaves an existing file as
/// it was.
async fn export(cx: &Cx<'_>, x: ExportRequest) -> Result<Exported, ExportFailure> {
    let total = x.images.len();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (digest, tags)) in x.images.iter().cloned().enumerate() {
        let (c, repo) = (cx.client.clone(), x.repo.name.clone());
        tasks.spawn(async move {
            let report = match ecr::describe_image_scan_findings(&c, &repo, &digest).await {
                Ok(r) => Ok(r),
                // Never scanned: an empty report, said as such in the file.
                Err(e) if e.is_scan_not_found() => Ok(ScanReport::default()),
                // Gone (or any other failure): the export stops and says so;
                // an image that no longer exists is never written as clean.
                Err(error) => Err(ExportFailure::Read { digest, error }),
            };
            (i, digest, tags, report)
        });
    }
    let mut slots: Vec<Option<crate::export::ImageReport>> = vec![None; total];
    let (mut done, mut findings) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        let (i, digest, tags, report) = joined.map_err(|e| ExportFailure::Write {
            path: x.path.clone(),
            detail: format!("reading the reports failed: {e}"),
        })?;
        let report = report?;
        done += 1;
        findings += report.findings.len();
        if let Some(slot) = slots.get_mut(i) {
            *slot = Some(crate::export::ImageReport {
                repository: x.repo.name.clone(),
                digest,
                tags,
                report,
            });
        }
        cx.emit(Payload::Scanning(ScanningPayload::ExportProgress {
            done,
            total,
            findings,
        }))
        .await;
    }
    let reports: Vec<crate::export::ImageReport> = slots.into_iter().flatten().collect();
    let count = reports.iter().map(|r| r.report.findings.len()).sum();
    let text = crate::export::render(x.format, &reports);
    let path = x.path.clone();
    // File writing is blocking I/O: off the async threads too.
    let written =
        tokio::task::spawn_blocking(move || crate::export::write_replacing(&path, text.as_bytes()))
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map_err(|e| e.to_string()));
    match written {
        Ok(()) => Ok(Exported {
            path: x.path,
            findings: count,
            images: reports.len(),
        }),
        Err(detail) => Err(ExportFailure::Write {
            path: x.path,
            detail,
        }),
    }
}
