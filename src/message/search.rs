//! The global search: which images of a repository a query names.

use crate::model::{EcrError, Image, ImageId, RegistrySpec, RepoRef};

#[derive(Clone, Debug)]
pub enum SearchCommand {
    /// DescribeImages by id for the global search (ImageNotFound: absent).
    Find {
        repo: RepoRef,
        ids: Vec<ImageId>,
        search: u64,
    },
}

impl SearchCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::Find { repo, .. } => Some(&repo.registry),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<SearchPayload> {
        match self {
            Self::Find { repo, search, .. } => vec![SearchPayload::Found {
                repo,
                search,
                result: Err(e.clone()),
            }],
        }
    }
}

#[derive(Debug)]
pub enum SearchPayload {
    /// What one repository holds of a global search's query.
    Found {
        repo: RepoRef,
        search: u64,
        result: Result<Vec<Image>, EcrError>,
    },
}
