//! Browsing: discovery, the registry, its repositories, their images and an
//! image's documents. Reads only; none records a pull except
//! [`BrowseCommand::Platforms`] and [`BrowseCommand::ImageDetail`], sent only
//! for an image the user expands or opens.

use crate::model::{
    Digest, Discovery, EcrError, Image, ImageDetailDoc, RegistryInfo, RegistrySpec, RepoRef,
    Repository, manifest::Platform,
};

#[derive(Clone, Debug)]
pub enum BrowseCommand {
    /// Read AWS profiles and the environment.
    Discover,
    /// DescribeRegistry.
    RegistryInfo(RegistrySpec),
    /// DescribeRepositories, all pages, streamed.
    Repositories(RegistrySpec),
    /// DescribeImages, all pages, streamed.
    Images(RepoRef),
    /// The platforms of image indexes (BatchGetImage, 100 a call). Sent only
    /// for indexes the user expands or opens: ECR counts BatchGetImage as a
    /// pull.
    Platforms { repo: RepoRef, indexes: Vec<Digest> },
    /// ListTagsForResource for each repository (name, ARN).
    RepoTags {
        registry: RegistrySpec,
        repos: Vec<(String, String)>,
    },
    /// DescribeImages by digest (any status): the rows of images whose
    /// state the app follows (a restore in progress), re-read.
    RefreshImages { repo: RepoRef, digests: Vec<Digest> },
    /// Manifest, then the config blob through GetDownloadUrlForLayer.
    ImageDetail { repo: RepoRef, digest: Digest },
}

impl BrowseCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Discover => None,
            Self::RegistryInfo(r) | Self::Repositories(r) | Self::RepoTags { registry: r, .. } => {
                Some(r)
            }
            Self::Images(repo)
            | Self::Platforms { repo, .. }
            | Self::RefreshImages { repo, .. }
            | Self::ImageDetail { repo, .. } => Some(&repo.registry),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<BrowsePayload> {
        match self {
            Self::Discover => Vec::new(),
            Self::RegistryInfo(_) => vec![BrowsePayload::RegistryInfo(Err(e.clone()))],
            Self::Repositories(_) => vec![BrowsePayload::RepositoriesDone(Err(e.clone()))],
            Self::Images(repo) => vec![BrowsePayload::ImagesDone {
                repo,
                result: Err(e.clone()),
            }],
            Self::Platforms { repo, .. } => vec![BrowsePayload::Platforms {
                repo,
                result: Err(e.clone()),
            }],
            Self::RepoTags { registry, repos } => repos
                .into_iter()
                .map(|(name, _)| BrowsePayload::RepoTags {
                    repo: RepoRef::new(&registry, &name),
                    result: Err(e.clone()),
                })
                .collect(),
            Self::RefreshImages { repo, digests } => vec![BrowsePayload::ImagesRefreshed {
                repo,
                digests,
                result: Err(e.clone()),
            }],
            Self::ImageDetail { repo, digest } => vec![BrowsePayload::ImageDetail {
                repo,
                digest,
                result: Err(e.clone()),
            }],
        }
    }
}

/// The platforms an image index lists.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexPlatforms {
    pub index: Digest,
    pub children: Vec<(Digest, Platform)>,
}

#[derive(Debug)]
pub enum BrowsePayload {
    Discovered(Discovery),
    RegistryInfo(Result<RegistryInfo, EcrError>),
    /// One page of repositories; more may follow.
    RepositoriesPage(Vec<Repository>),
    /// Listing finished (with the total) or failed.
    RepositoriesDone(Result<usize, EcrError>),
    ImagesPage {
        repo: RepoRef,
        images: Vec<Image>,
    },
    ImagesDone {
        repo: RepoRef,
        result: Result<usize, EcrError>,
    },
    Platforms {
        repo: RepoRef,
        result: Result<Vec<IndexPlatforms>, EcrError>,
    },
    ImageDetail {
        repo: RepoRef,
        digest: Digest,
        result: Result<ImageDetailDoc, EcrError>,
    },
    /// A repository's resource tags.
    RepoTags {
        repo: RepoRef,
        result: Result<Vec<(String, String)>, EcrError>,
    },
    /// Rows re-read by digest; a digest asked for and missing from the
    /// result is gone from the server.
    ImagesRefreshed {
        repo: RepoRef,
        digests: Vec<Digest>,
        result: Result<Vec<Image>, EcrError>,
    },
}
