//! AWS profiles and regions, as the aws CLI sees them.
//!
//! Parsing is aws-config's own (`aws_config::profile::load`), so the files,
//! `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE` and `AWS_PROFILE` mean here
//! exactly what they mean to the SDK that later resolves the credentials.
//! Only names, regions and flags are read; key material is never copied out.

use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

pub use crate::model::{DiscoveredProfile, Discovery, registries};

/// Reads the real environment and files.
pub async fn discover() -> Discovery {
    discover_with(&Fs::real(), &Env::real()).await
}

/// Same, over given filesystem and environment (tests use fakes).
pub async fn discover_with(fs: &Fs, env: &Env) -> Discovery {
    let var = |k: &str| env.get(k).ok().filter(|v| !v.trim().is_empty());
    let mut d = Discovery {
        selected_profile: var("AWS_PROFILE"),
        env_region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
        env_credentials: var("AWS_ACCESS_KEY_ID").is_some(),
        env_endpoint: var("AWS_ENDPOINT_URL_ECR").or_else(|| var("AWS_ENDPOINT_URL")),
        ..Discovery::default()
    };
    match aws_config::profile::load(fs, env, &EnvConfigFiles::default(), None).await {
        Ok(set) => d.profiles = profiles_of(&set),
        Err(e) => d
            .warnings
            .push(format!("Could not read the AWS config files: {e}")),
    }
    if let Some(sel) = &d.selected_profile
        && !d.profiles.iter().any(|p| &p.name == sel)
    {
        d.warnings.push(format!(
            "AWS_PROFILE is '{sel}', but no such profile is in ~/.aws/config or ~/.aws/credentials."
        ));
    }
    d
}

fn profiles_of(set: &ProfileSet) -> Vec<DiscoveredProfile> {
    let mut names: Vec<&str> = set.profiles().collect();
    names.sort_unstable();
    names
        .into_iter()
        .filter_map(|name| {
            let p = set.get_profile(name)?;
            Some(DiscoveredProfile {
                name: name.to_owned(),
                region: p.get("region").map(str::to_owned),
                sso: p.get("sso_session").is_some() || p.get("sso_start_url").is_some(),
            })
        })
        .collect()
}

/// Whether a profile signs in through IAM Identity Center; decides whether an
/// expired-credentials error suggests `aws sso login`.
pub async fn profile_uses_sso(name: &str) -> bool {
    discover()
        .await
        .profiles
        .iter()
        .any(|p| p.name == name && p.sso)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegistrySource;

    fn fake(config: &str, creds: &str, env: &[(&str, &str)]) -> (Fs, Env) {
        let fs = Fs::from_map(
            [
                ("/home/u/.aws/config".to_owned(), config.as_bytes().to_vec()),
                (
                    "/home/u/.aws/credentials".to_owned(),
                    creds.as_bytes().to_vec(),
                ),
            ]
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>(),
        );
        let mut vars = vec![("HOME", "/home/u")];
        vars.extend_from_slice(env);
        (fs, Env::from_slice(&vars))
    }

    #[allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread
    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    const CONFIG: &str = "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = us-east-2\nsso_session = corp\n\n[profile noregion]\noutput = json\n";
    const CREDS: &str = "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n\n[ci]\naws_access_key_id = A\naws_secret_access_key = B\n";

    #[test]
    fn finds_profiles_from_both_files_with_regions() {
        let (fs, env) = fake(CONFIG, CREDS, &[]);
        let d = run(discover_with(&fs, &env));
        let names: Vec<_> = d.profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ci", "default", "dev", "noregion"]);
        let dev = &d.profiles[2];
        assert_eq!(dev.region.as_deref(), Some("us-east-2"));
        assert!(dev.sso);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn env_region_overrides_and_aws_profile_goes_first() {
        let (fs, env) = fake(
            CONFIG,
            CREDS,
            &[("AWS_REGION", "ap-south-1"), ("AWS_PROFILE", "dev")],
        );
        let d = run(discover_with(&fs, &env));
        let regs = registries(&d);
        assert_eq!(regs[0].profile.as_deref(), Some("dev"));
        assert!(regs.iter().all(|r| r.region == "ap-south-1"));
    }

    #[test]
    fn unknown_aws_profile_is_a_warning() {
        let (fs, env) = fake(CONFIG, CREDS, &[("AWS_PROFILE", "typo")]);
        let d = run(discover_with(&fs, &env));
        assert!(
            d.warnings.iter().any(|w| w.contains("'typo'")),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn honours_aws_config_file() {
        let fs = Fs::from_map(
            [(
                "/elsewhere/cfg".to_owned(),
                b"[profile moved]\nregion = sa-east-1\n".to_vec(),
            )]
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>(),
        );
        let env = Env::from_slice(&[("HOME", "/home/u"), ("AWS_CONFIG_FILE", "/elsewhere/cfg")]);
        let d = run(discover_with(&fs, &env));
        assert_eq!(d.profiles.len(), 1);
        assert_eq!(d.profiles[0].region.as_deref(), Some("sa-east-1"));
    }

    #[test]
    fn environment_only_credentials_give_one_registry() {
        let (fs, env) = fake(
            "",
            "",
            &[
                ("AWS_ACCESS_KEY_ID", "x"),
                ("AWS_DEFAULT_REGION", "us-west-2"),
            ],
        );
        let d = run(discover_with(&fs, &env));
        let regs = registries(&d);
        assert_eq!(regs.len(), 1);
        assert_eq!(regs[0].source, RegistrySource::Environment);
        assert_eq!(regs[0].region, "us-west-2");
    }

    #[test]
    fn nothing_at_all_gives_no_registry() {
        let (fs, env) = fake("", "", &[]);
        assert!(registries(&run(discover_with(&fs, &env))).is_empty());
    }
}
