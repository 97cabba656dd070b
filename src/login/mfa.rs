//! MFA-protected roles: a profile with `role_arn`, `mfa_serial` and a
//! `source_profile`. aws-config assumes such a role without the code (it
//! cannot prompt), and STS refuses; the aws CLI asks on the terminal.
//! ecrscope asks in a dialog instead: the code goes to STS AssumeRole
//! (SerialNumber, TokenCode) signed with the source profile's credentials,
//! and the session's credentials are kept **in memory only**, for that
//! profile, until they expire (never written, logged or shown).
//!
//! What it guarantees (tests: `tests/ui_mfa.rs`, `tests/credential_sources.rs`):
//! - a code that is not 6 digits is refused next to the field, before any call;
//! - a code STS refuses is said in the dialog, and nothing is kept;
//! - once accepted, every client of that profile uses the session, and a
//!   registry of it loads without a restart.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;

/// What a profile says about its MFA role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaRole {
    pub profile: String,
    pub role_arn: String,
    pub mfa_serial: String,
    pub source_profile: Option<String>,
    pub session_name: Option<String>,
    pub duration_seconds: Option<i32>,
    pub external_id: Option<String>,
    pub region: Option<String>,
}

fn files(config_file: Option<&PathBuf>) -> EnvConfigFiles {
    match config_file {
        Some(f) => EnvConfigFiles::builder()
            .with_file(EnvConfigFileKind::Config, f)
            .build(),
        None => EnvConfigFiles::default(),
    }
}

/// The profile's MFA role, if it has one (`role_arn` and `mfa_serial`).
/// `config_file`: a test's config instead of `AWS_CONFIG_FILE` / `~/.aws/config`.
pub async fn role_of(profile: &str, config_file: Option<&PathBuf>) -> Option<MfaRole> {
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files(config_file), None)
        .await
        .ok()?;
    let p = set.get_profile(profile)?;
    let role_arn = p.get("role_arn")?;
    let mfa_serial = p.get("mfa_serial")?;
    Some(MfaRole {
        profile: profile.to_owned(),
        role_arn: role_arn.to_owned(),
        mfa_serial: mfa_serial.to_owned(),
        source_profile: p.get("source_profile").map(str::to_owned),
        session_name: p.get("role_session_name").map(str::to_owned),
        duration_seconds: p.get("duration_seconds").and_then(|d| d.parse().ok()),
        external_id: p.get("external_id").map(str::to_owned),
        region: p.get("region").map(str::to_owned),
    })
}

/// A code as MFA devices show it: six digits (spaces around it ignored).
pub fn check_code(code: &str) -> Result<String, String> {
    let c = code.trim();
    if c.len() == 6 && c.chars().all(|ch| ch.is_ascii_digit()) {
        Ok(c.to_owned())
    } else {
        Err("The code is the 6 digits your MFA device shows now.".into())
    }
}

/// Sessions got with a code, per profile. Shared by every client the app
/// makes (the worker's client options carry it).
#[derive(Clone, Default)]
pub struct MfaSessions(Arc<Mutex<HashMap<String, Credentials>>>);

impl std::fmt::Debug for MfaSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .0
            .lock()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        f.debug_tuple("MfaSessions").field(&names).finish()
    }
}

impl MfaSessions {
    /// The profile's session, unless it has expired (then it is dropped).
    pub fn get(&self, profile: &str) -> Option<Credentials> {
        let mut m = self.0.lock().ok()?;
        let live = m
            .get(profile)
            .is_some_and(|c| c.expiry().is_none_or(|e| e > SystemTime::now()));
        if !live {
            m.remove(profile);
            return None;
        }
        m.get(profile).cloned()
    }

    pub fn insert(&self, profile: &str, creds: Credentials) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(profile.to_owned(), creds);
        }
    }
}

/// Credentials that are not there yet: the profile needs its MFA code.
/// The words are read by `ecr::error` as `EcrError::MfaRequired`.
#[derive(Debug)]
pub struct NeedsCode {
    pub profile: String,
}

impl aws_credential_types::provider::ProvideCredentials for NeedsCode {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::not_loaded(format!(
                "profile '{}' needs an MFA code",
                self.profile
            )),
        ))
    }
}

/// AssumeRole with the code; the session's expiry on success.
pub async fn assume(
    role: &MfaRole,
    code: &str,
    config_file: Option<&PathBuf>,
) -> Result<Credentials, String> {
    let code = check_code(code)?;
    let region = role.region.clone().unwrap_or_else(|| "us-east-1".into());
    // The source profile's credentials, resolved as aws-config resolves
    // any profile's.
    let mut source =
        aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.clone()));
    if let Some(f) = config_file {
        source = source.profile_files(files(Some(f)));
    }
    if let Some(p) = &role.source_profile {
        source = source.profile_name(p);
    }
    let source = source
        .load()
        .await
        .credentials_provider()
        .ok_or("The source profile has no credentials.")?;
    // The role profile's settings (its endpoint_url, a CA bundle), the
    // source profile's credentials.
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region))
        .profile_name(&role.profile)
        .credentials_provider(source);
    if let Some(f) = config_file {
        loader = loader.profile_files(files(Some(f)));
    }
    let trust = crate::ecr::trust::for_profile(Some(&role.profile)).await;
    if let Some(http) = crate::ecr::trust::sdk_http_client(&trust) {
        loader = loader.http_client(http);
    }
    let conf = loader.load().await;
    let sts = aws_sdk_sts::Client::new(&conf);
    let session = role.session_name.clone().unwrap_or_else(|| {
        format!(
            "ecrscope-{}",
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        )
    });
    let out = sts
        .assume_role()
        .role_arn(&role.role_arn)
        .role_session_name(session)
        .serial_number(&role.mfa_serial)
        .token_code(code)
        .set_duration_seconds(role.duration_seconds)
        .set_external_id(role.external_id.clone())
        .send()
        .await
        .map_err(|e| {
            let said = aws_sdk_sts::error::ProvideErrorMetadata::message(&e)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    aws_smithy_types::error::display::DisplayErrorContext(&e).to_string()
                });
            format!("STS did not accept the code: {said}")
        })?;
    let c = out
        .credentials()
        .ok_or("STS answered without credentials.")?;
    let expiry = SystemTime::try_from(*c.expiration()).ok();
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        expiry,
        "ecrscope-mfa",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_six_digits() {
        assert_eq!(check_code(" 123456 ").as_deref(), Ok("123456"));
        for bad in ["12345", "1234567", "12a456", "", "１２３４５６"] {
            assert!(check_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_expired_session_is_forgotten() {
        let s = MfaSessions::default();
        let past = SystemTime::now() - std::time::Duration::from_secs(5);
        s.insert("old", Credentials::new("a", "b", None, Some(past), "t"));
        s.insert("live", Credentials::new("a", "b", None, None, "t"));
        assert!(s.get("old").is_none());
        assert!(s.get("live").is_some());
        assert!(
            !format!("{s:?}").contains("\"a\""),
            "no key material in Debug"
        );
    }
}
