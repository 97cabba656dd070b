//! What the AWS shared files and the environment say (read by `profiles`),
//! and the registries that implies. Names, regions and flags only: key
//! material is never copied out.

use super::{RegistrySource, RegistrySpec};

/// One profile found in the shared files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveredProfile {
    pub name: String,
    pub region: Option<String>,
    /// IAM Identity Center (`sso_session` or `sso_start_url`).
    pub sso: bool,
}

/// What the environment and the shared files say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    pub profiles: Vec<DiscoveredProfile>,
    /// `AWS_PROFILE`, when set.
    pub selected_profile: Option<String>,
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`: overrides profile regions, as in the CLI.
    pub env_region: Option<String>,
    /// `AWS_ACCESS_KEY_ID` is set (only its presence is read).
    pub env_credentials: bool,
    /// `AWS_ENDPOINT_URL_ECR`, else `AWS_ENDPOINT_URL`.
    pub env_endpoint: Option<String>,
    /// Problems worth telling the user (unreadable file, unknown AWS_PROFILE).
    pub warnings: Vec<String>,
}

/// The registries the discovery implies, as the aws CLI would address them:
/// one per profile (in the profile's region, unless `AWS_REGION` overrides it),
/// or one for bare environment credentials when there are no profiles.
/// `AWS_PROFILE`'s profile comes first.
pub fn registries(d: &Discovery) -> Vec<RegistrySpec> {
    let mut out: Vec<RegistrySpec> = d
        .profiles
        .iter()
        .map(|p| RegistrySpec {
            profile: Some(p.name.clone()),
            region: d
                .env_region
                .clone()
                .or_else(|| p.region.clone())
                .unwrap_or_default(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Profile,
        })
        .collect();
    if let Some(sel) = &d.selected_profile
        && let Some(i) = out.iter().position(|r| r.profile.as_deref() == Some(sel))
    {
        let first = out.remove(i);
        out.insert(0, first);
    }
    if out.is_empty() && (d.env_credentials || d.env_endpoint.is_some()) {
        out.push(RegistrySpec {
            profile: None,
            region: d.env_region.clone().unwrap_or_default(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Environment,
        });
    }
    out
}
