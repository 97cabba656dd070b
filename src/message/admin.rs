//! Registry administration: the registry and repository policies,
//! replication, account settings and pull-time update exclusions.

use crate::model::{
    AccountSetting, CreationTemplate, Digest, EcrError, RegistryInfo, RegistrySpec,
    ReplicationRule, ReplicationStatus, RepoRef,
};

#[derive(Clone, Debug)]
pub enum AdminCommand {
    /// GetRegistryPolicy.
    RegistryPolicy(RegistrySpec),
    /// PutRegistryPolicy (`Some`) or DeleteRegistryPolicy (`None`), then
    /// the policy read back.
    PutRegistryPolicy(RegistrySpec, Option<String>),
    /// SetRepositoryPolicy, then the policy read back.
    SetRepoPolicy(RepoRef, String),
    /// PutReplicationConfiguration, then DescribeRegistry.
    PutReplication(RegistrySpec, Vec<ReplicationRule>),
    /// DescribeImageReplicationStatus of one image.
    ReplicationStatus { repo: RepoRef, digest: Digest },
    /// GetAccountSetting for each setting ECR documents.
    AccountSettings(RegistrySpec),
    /// PutAccountSetting, then every setting read back.
    PutAccountSetting(RegistrySpec, AccountSetting, String),
    /// ListPullTimeUpdateExclusions.
    Exclusions(RegistrySpec),
    /// Register (`true`) or deregister (`false`) one principal, then the
    /// list read back.
    Exclude(RegistrySpec, String, bool),
    /// STS GetCallerIdentity with the registry's credentials.
    Caller(RegistrySpec),
    /// DescribeRepositoryCreationTemplates.
    Templates(RegistrySpec),
    /// Create (`true`) or update a template, then every template read back.
    SaveTemplate(RegistrySpec, Box<CreationTemplate>, bool),
    /// DeleteRepositoryCreationTemplate of a prefix, then the list read back.
    DeleteTemplate(RegistrySpec, String),
}

impl AdminCommand {
    pub fn registry(&self) -> Option<&RegistrySpec> {
        match self {
            Self::SetRepoPolicy(repo, _) | Self::ReplicationStatus { repo, .. } => {
                Some(&repo.registry)
            }
            Self::RegistryPolicy(s)
            | Self::PutRegistryPolicy(s, _)
            | Self::PutReplication(s, _)
            | Self::AccountSettings(s)
            | Self::PutAccountSetting(s, ..)
            | Self::Exclusions(s)
            | Self::Exclude(s, ..)
            | Self::Caller(s)
            | Self::Templates(s)
            | Self::SaveTemplate(s, ..)
            | Self::DeleteTemplate(s, _) => Some(s),
        }
    }

    /// What ends each slot waiting for this command when it fails before
    /// any call.
    pub fn failed(self, e: &EcrError) -> Vec<AdminPayload> {
        let e = e.clone();
        vec![match self {
            Self::RegistryPolicy(_) => AdminPayload::RegistryPolicy(Err(e)),
            Self::PutRegistryPolicy(..) => {
                AdminPayload::RegistryPolicySaved(Err(e.clone()), Some(e))
            }
            Self::SetRepoPolicy(repo, _) => {
                AdminPayload::RepoPolicySaved(repo, Err(e.clone()), Some(e))
            }
            Self::PutReplication(..) => AdminPayload::ReplicationSaved(Err(e.clone()), Some(e)),
            Self::ReplicationStatus { repo, digest } => AdminPayload::ReplicationStatus {
                repo,
                digest,
                result: Err(e),
            },
            Self::AccountSettings(_) => AdminPayload::AccountSettings(Err(e)),
            Self::PutAccountSetting(..) => {
                AdminPayload::AccountSettingSaved(Err(e.clone()), Some(e))
            }
            Self::Exclusions(_) => AdminPayload::Exclusions(Err(e)),
            Self::Exclude(..) => AdminPayload::ExclusionsSaved(Err(e.clone()), Some(e)),
            Self::Caller(_) => AdminPayload::Caller(Err(e)),
            Self::Templates(_) => AdminPayload::Templates(Err(e)),
            Self::SaveTemplate(..) | Self::DeleteTemplate(..) => {
                AdminPayload::TemplatesSaved(Err(e.clone()), Some(e))
            }
        }]
    }
}

/// Each account setting's value, or why it could not be read.
pub type AccountSettings = Vec<(AccountSetting, Result<Option<String>, EcrError>)>;

/// After a change (`…Saved`): what the registry holds now, read back, and
/// the change's refusal if it was refused (the screen shows both).
#[derive(Debug)]
pub enum AdminPayload {
    /// The registry policy (`None`: the registry has none).
    RegistryPolicy(Result<Option<String>, EcrError>),
    /// After a put or delete: what the registry holds now.
    RegistryPolicySaved(Result<Option<String>, EcrError>, Option<EcrError>),
    /// After SetRepositoryPolicy: the repository's policy read back.
    RepoPolicySaved(RepoRef, Result<Option<String>, EcrError>, Option<EcrError>),
    /// After PutReplicationConfiguration: DescribeRegistry read back.
    ReplicationSaved(Result<RegistryInfo, EcrError>, Option<EcrError>),
    ReplicationStatus {
        repo: RepoRef,
        digest: Digest,
        result: Result<Vec<ReplicationStatus>, EcrError>,
    },
    AccountSettings(Result<AccountSettings, EcrError>),
    AccountSettingSaved(Result<AccountSettings, EcrError>, Option<EcrError>),
    Exclusions(Result<Vec<String>, EcrError>),
    ExclusionsSaved(Result<Vec<String>, EcrError>, Option<EcrError>),
    Caller(Result<String, EcrError>),
    Templates(Result<Vec<CreationTemplate>, EcrError>),
    TemplatesSaved(Result<Vec<CreationTemplate>, EcrError>, Option<EcrError>),
}
