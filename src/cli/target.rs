//! Where a command's image lives: the registry a reference's profile and
//! region (or the global `--profile`, `--region`, `--endpoint-url`, or the
//! environment, in the aws CLI's order) name, and a client for it.

use crate::ecr::{ClientOptions, EcrClient};
use crate::model::{Discovery, RegistrySource, RegistrySpec};
use crate::validate;

use super::reference::ImageRef;

/// The options every subcommand takes, as the aws CLI names them.
#[derive(Clone, Debug, Default)]
pub struct Globals {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// The app's client settings (retries, timeouts, rate gate), with the
    /// MFA session `--mfa-code` got, if any.
    pub client: ClientOptions,
}

/// The registry for a reference's profile and region. The reference wins
/// over the global options, which win over the environment
/// (`AWS_REGION`), which wins over the profile's `region`.
pub fn spec_for(
    profile: Option<&str>,
    region: Option<&str>,
    g: &Globals,
    d: &Discovery,
) -> Result<RegistrySpec, String> {
    let profile = profile.or(g.profile.as_deref());
    if let Some(p) = profile
        && !d.profiles.iter().any(|dp| dp.name == p)
    {
        return Err(format!(
            "The profile '{p}' is not in ~/.aws/config or ~/.aws/credentials (profiles there: {}).",
            names(d)
        ));
    }
    // The profile whose region applies when none is given: the named one,
    // else AWS_PROFILE's, else `default`, as aws-config reads it.
    let region_profile = profile
        .or(d.selected_profile.as_deref())
        .unwrap_or("default");
    let region = region
        .or(g.region.as_deref())
        .map(str::to_owned)
        .or_else(|| d.env_region.clone())
        .or_else(|| {
            d.profiles
                .iter()
                .find(|p| p.name == region_profile)
                .and_then(|p| p.region.clone())
        })
        .ok_or_else(|| {
            format!(
                "No region for {}: give --region, write the region in the reference (region/repository), or add 'region = …' to its profile in ~/.aws/config.",
                profile.map_or("the default credentials".to_owned(), |p| format!("profile '{p}'"))
            )
        })?;
    validate::region(&region)?;
    if let Some(u) = &g.endpoint_url {
        validate::endpoint_url(u).map_err(|e| format!("--endpoint-url: {e}"))?;
    }
    Ok(RegistrySpec {
        profile: profile.map(str::to_owned),
        region,
        endpoint: g.endpoint_url.clone(),
        registry_id: None,
        source: if profile.is_some() {
            RegistrySource::Profile
        } else {
            RegistrySource::Environment
        },
    })
}

fn names(d: &Discovery) -> String {
    if d.profiles.is_empty() {
        return "none".into();
    }
    d.profiles
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The registry of `r`, connected.
pub async fn connect(
    r: &ImageRef,
    g: &Globals,
    d: &Discovery,
) -> Result<(RegistrySpec, EcrClient), String> {
    let spec = spec_for(r.profile.as_deref(), r.region.as_deref(), g, d)?;
    let client = EcrClient::connect(&spec, &g.client).await;
    Ok((spec, client))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DiscoveredProfile;

    fn disc() -> Discovery {
        Discovery {
            profiles: vec![
                DiscoveredProfile {
                    name: "default".into(),
                    region: Some("us-east-1".into()),
                    sso: false,
                },
                DiscoveredProfile {
                    name: "prod".into(),
                    region: Some("eu-west-1".into()),
                    sso: true,
                },
                DiscoveredProfile {
                    name: "bare".into(),
                    region: None,
                    sso: false,
                },
            ],
            ..Discovery::default()
        }
    }

    #[test]
    fn the_reference_beats_the_flags_which_beat_the_environment_and_the_profile() {
        let d = disc();
        let g = Globals::default();
        let s = spec_for(Some("prod"), None, &g, &d).unwrap();
        assert_eq!(
            (s.profile.as_deref(), s.region.as_str()),
            (Some("prod"), "eu-west-1")
        );
        let g = Globals {
            profile: Some("prod".into()),
            region: Some("ap-south-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            ..Globals::default()
        };
        let s = spec_for(None, None, &g, &d).unwrap();
        assert_eq!(s.region, "ap-south-1");
        assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:9"));
        let s = spec_for(Some("default"), Some("us-west-2"), &g, &d).unwrap();
        assert_eq!(
            (s.profile.as_deref(), s.region.as_str()),
            (Some("default"), "us-west-2")
        );
        let env = Discovery {
            env_region: Some("ca-central-1".into()),
            ..disc()
        };
        assert_eq!(
            spec_for(Some("prod"), None, &Globals::default(), &env)
                .unwrap()
                .region,
            "ca-central-1"
        );
        // No profile named: the default profile's region, credentials from the default chain.
        let s = spec_for(None, None, &Globals::default(), &d).unwrap();
        assert_eq!((s.profile, s.region.as_str()), (None, "us-east-1"));
    }

    #[test]
    fn a_missing_profile_or_region_says_what_to_do() {
        let d = disc();
        let e = spec_for(Some("prdo"), None, &Globals::default(), &d).unwrap_err();
        assert!(
            e.contains("'prdo' is not in ~/.aws/config") && e.contains("prod"),
            "{e}"
        );
        let e = spec_for(Some("bare"), None, &Globals::default(), &d).unwrap_err();
        assert!(
            e.contains("No region for profile 'bare'") && e.contains("--region"),
            "{e}"
        );
        let g = Globals {
            endpoint_url: Some("ftp://x".into()),
            ..Globals::default()
        };
        assert!(
            spec_for(None, None, &g, &d)
                .unwrap_err()
                .starts_with("--endpoint-url:")
        );
    }
}
