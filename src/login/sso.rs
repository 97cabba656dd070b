//! Signing in to IAM Identity Center (SSO) from ecrscope, as `aws sso login`
//! does, with the SDK's SSO OIDC client: register a public client, start a
//! device authorization, show the code and open the verification page, poll
//! CreateToken at the interval the service gives until the person allows
//! it (or the code expires, or they cancel), then write the token where the
//! aws CLI and aws-config read it: `~/.aws/sso/cache/<sha1>.json`, the SHA-1
//! of the `sso_session` name (or, for a legacy profile, of its
//! `sso_start_url`), mode 0600. Both `sso_session` and legacy profiles.
//!
//! What it guarantees (tests: `tests/sso.rs`, `tests/ui_sso.rs`):
//! - **The token goes only to the cache file**: never logged, shown or kept
//!   in the app's state; secrets are wiped from memory when dropped.
//! - **Nothing is written unless the sign-in succeeded**, and the file
//!   appears whole (written beside, then renamed).
//! - **It ends**: approved, denied, expired (the code's own lifetime, from
//!   the service) or cancelled, each said in words; polling never outlives
//!   the code.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::region::Region;
use sha1::Digest as _;
use zeroize::Zeroizing;

/// Where the AWS files are: the real home, or a test's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoPlace {
    pub home: PathBuf,
    /// `None`: `AWS_CONFIG_FILE`, else `~/.aws/config`, as aws-config reads it.
    pub config_file: Option<PathBuf>,
}

impl SsoPlace {
    /// This user's: `HOME`, as aws-config reads it.
    pub fn real() -> Option<Self> {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_owned()))?;
        Some(Self {
            home,
            config_file: None,
        })
    }
}

/// What a profile says about its sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoProfile {
    pub profile: String,
    /// The `[sso-session NAME]` it uses; `None` for a legacy profile.
    pub session: Option<String>,
    pub start_url: String,
    pub sso_region: String,
    pub scopes: Vec<String>,
}

impl SsoProfile {
    /// What the cache file is named after.
    pub fn cache_key(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.start_url)
    }
}

/// `~/.aws/sso/cache/<sha1 of key>.json`, as aws-config and the aws CLI
/// name it.
pub fn cache_file(home: &Path, key: &str) -> PathBuf {
    let hash = sha1::Sha1::digest(key.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    home.join(".aws/sso/cache").join(format!("{hex}.json"))
}

/// Reads the profile's sign-in settings.
pub async fn read_profile(profile: &str, place: &SsoPlace) -> Result<SsoProfile, String> {
    let files = match &place.config_file {
        Some(f) => EnvConfigFiles::builder()
            .with_file(EnvConfigFileKind::Config, f)
            .build(),
        None => EnvConfigFiles::default(),
    };
    // An explicit file needs nothing from the environment; otherwise
    // AWS_CONFIG_FILE and HOME are read as aws-config reads them.
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None)
        .await
        .map_err(|e| format!("Could not read the AWS config files: {e}"))?;
    let p = set
        .get_profile(profile)
        .ok_or_else(|| format!("There is no profile '{profile}' in ~/.aws/config."))?;
    if let Some(name) = p.get("sso_session") {
        let s = set.sso_session(name).ok_or_else(|| {
            format!("Profile '{profile}' names sso_session '{name}', but ~/.aws/config has no [sso-session {name}] section.")
        })?;
        let start_url = s
            .get("sso_start_url")
            .ok_or_else(|| format!("[sso-session {name}] has no sso_start_url."))?;
        let sso_region = s
            .get("sso_region")
            .ok_or_else(|| format!("[sso-session {name}] has no sso_region."))?;
        let scopes = s
            .get("sso_registration_scopes")
            .unwrap_or("sso:account:access")
            .split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect();
        return Ok(SsoProfile {
            profile: profile.to_owned(),
            session: Some(name.to_owned()),
            start_url: start_url.to_owned(),
            sso_region: sso_region.to_owned(),
            scopes,
        });
    }
    match (p.get("sso_start_url"), p.get("sso_region")) {
        (Some(url), Some(region)) => Ok(SsoProfile {
            profile: profile.to_owned(),
            session: None,
            start_url: url.to_owned(),
            sso_region: region.to_owned(),
            scopes: Vec::new(),
        }),
        (Some(_), None) => Err(format!(
            "Profile '{profile}' has sso_start_url but no sso_region."
        )),
        _ => Err(format!(
            "Profile '{profile}' does not sign in through IAM Identity Center (it has no sso_session or sso_start_url)."
        )),
    }
}

/// What the person is asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub user_code: String,
    pub verification_uri: String,
    /// The page with the code filled in (opened in the browser).
    pub verification_uri_complete: String,
    pub expires_in: Duration,
    pub start_url: String,
}

/// A sign-in waiting for the person.
pub struct Pending {
    client: aws_sdk_ssooidc::Client,
    profile: SsoProfile,
    home: PathBuf,
    client_id: String,
    client_secret: Zeroizing<String>,
    client_secret_expires_at: i64,
    device_code: Zeroizing<String>,
    interval: Duration,
    deadline: Instant,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("profile", &self.profile.profile)
            .finish_non_exhaustive()
    }
}

/// How a sign-in ended without a token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SsoFailure {
    #[error("Sign-in cancelled. Nothing was written.")]
    Cancelled,
    #[error(
        "The sign-in code expired before it was allowed in the browser. Press Sign in to get a new code."
    )]
    Expired,
    #[error("The sign-in was denied in the browser. Nothing was written.")]
    Denied,
    #[error("{0}")]
    Failed(String),
}

/// Signed in: where the token went and until when it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub profile: String,
    pub expires_at: String,
    pub cache_file: PathBuf,
}

fn sdk_error(what: &str, e: &impl std::error::Error) -> String {
    format!(
        "{what} failed: {}",
        aws_smithy_types::error::display::DisplayErrorContext(e)
    )
}

/// Registers the client and starts the device authorization.
pub async fn start(profile: &str, place: &SsoPlace) -> Result<(Prompt, Pending), SsoFailure> {
    let p = read_profile(profile, place)
        .await
        .map_err(SsoFailure::Failed)?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(p.sso_region.clone()))
        .profile_name(profile)
        // These calls are not signed: no credentials needed (or wanted).
        .no_credentials();
    if let Some(f) = &place.config_file {
        loader = loader.profile_files(
            EnvConfigFiles::builder()
                .with_file(EnvConfigFileKind::Config, f)
                .build(),
        );
    }
    let trust = crate::ecr::trust::for_profile(Some(profile)).await;
    if let Some(http) = crate::ecr::trust::sdk_http_client(&trust) {
        loader = loader.http_client(http);
    }
    let conf = loader.load().await;
    let client = aws_sdk_ssooidc::Client::new(&conf);
    let reg = client
        .register_client()
        .client_name("ecrscope")
        .client_type("public")
        .set_scopes((!p.scopes.is_empty()).then(|| p.scopes.clone()))
        .send()
        .await
        .map_err(|e| SsoFailure::Failed(sdk_error("Registering with IAM Identity Center", &e)))?;
    let (Some(id), Some(secret)) = (reg.client_id(), reg.client_secret()) else {
        return Err(SsoFailure::Failed(
            "IAM Identity Center registered no client (its answer had no clientId).".into(),
        ));
    };
    let auth = client
        .start_device_authorization()
        .client_id(id)
        .client_secret(secret)
        .start_url(&p.start_url)
        .send()
        .await
        .map_err(|e| SsoFailure::Failed(sdk_error("Starting the sign-in", &e)))?;
    let (Some(device), Some(code), Some(uri)) = (
        auth.device_code(),
        auth.user_code(),
        auth.verification_uri(),
    ) else {
        return Err(SsoFailure::Failed(
            "IAM Identity Center's answer had no device code, user code or verification page."
                .into(),
        ));
    };
    let expires_in = Duration::from_secs(u64::try_from(auth.expires_in().max(1)).unwrap_or(1));
    let prompt = Prompt {
        user_code: code.to_owned(),
        verification_uri: uri.to_owned(),
        verification_uri_complete: auth.verification_uri_complete().unwrap_or(uri).to_owned(),
        expires_in,
        start_url: p.start_url.clone(),
    };
    let pending = Pending {
        client,
        home: place.home.clone(),
        client_id: id.to_owned(),
        client_secret: Zeroizing::new(secret.to_owned()),
        client_secret_expires_at: reg.client_secret_expires_at(),
        device_code: Zeroizing::new(device.to_owned()),
        interval: Duration::from_secs(u64::try_from(auth.interval().max(1)).unwrap_or(1)),
        deadline: Instant::now() + expires_in,
        profile: p,
    };
    Ok((prompt, pending))
}

/// Waits `d`, waking early when cancelled.
async fn nap(d: Duration, cancel: &AtomicBool) {
    let end = Instant::now() + d;
    while Instant::now() < end && !cancel.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(100).min(end - Instant::now())).await;
    }
}

/// Polls for the token, then writes the cache file.
pub async fn finish(p: Pending, cancel: &AtomicBool) -> Result<SignedIn, SsoFailure> {
    let mut interval = p.interval;
    loop {
        nap(interval, cancel).await;
        if cancel.load(Ordering::Relaxed) {
            return Err(SsoFailure::Cancelled);
        }
        if Instant::now() >= p.deadline {
            return Err(SsoFailure::Expired);
        }
        let answer = p
            .client
            .create_token()
            .client_id(&p.client_id)
            .client_secret(p.client_secret.as_str())
            .grant_type("urn:ietf:params:oauth:grant-type:device_code")
            .device_code(p.device_code.as_str())
            .send()
            .await;
        match answer {
            Ok(token) => {
                if cancel.load(Ordering::Relaxed) {
                    return Err(SsoFailure::Cancelled);
                }
                let Some(access) = token.access_token() else {
                    return Err(SsoFailure::Failed(
                        "IAM Identity Center answered without an access token.".into(),
                    ));
                };
                let now = now_secs();
                let expires_at =
                    crate::model::time::rfc3339((now + i64::from(token.expires_in())) as f64);
                let doc = CacheDoc {
                    access_token: Zeroizing::new(access.to_owned()),
                    expires_at: expires_at.clone(),
                    region: p.profile.sso_region.clone(),
                    start_url: p.profile.start_url.clone(),
                    refresh: p.profile.session.is_some().then(|| Refresh {
                        refresh_token: token.refresh_token().map(|t| Zeroizing::new(t.to_owned())),
                        client_id: p.client_id.clone(),
                        client_secret: p.client_secret.clone(),
                        registration_expires_at: crate::model::time::rfc3339(
                            p.client_secret_expires_at as f64,
                        ),
                    }),
                };
                let file = cache_file(&p.home, p.profile.cache_key());
                write_cache(&file, &doc).map_err(|e| {
                    SsoFailure::Failed(format!(
                        "Signed in, but the token could not be saved to {}: {e}",
                        file.display()
                    ))
                })?;
                return Ok(SignedIn {
                    profile: p.profile.profile.clone(),
                    expires_at,
                    cache_file: file,
                });
            }
            Err(e) => {
                let Some(se) = e.as_service_error() else {
                    return Err(SsoFailure::Failed(sdk_error("Waiting for the sign-in", &e)));
                };
                if se.is_authorization_pending_exception() {
                    continue;
                }
                if se.is_slow_down_exception() {
                    // RFC 8628 §3.5: add 5 seconds to the interval.
                    interval += Duration::from_secs(5);
                    continue;
                }
                if se.is_expired_token_exception() {
                    return Err(SsoFailure::Expired);
                }
                if se.is_access_denied_exception() {
                    return Err(SsoFailure::Denied);
                }
                return Err(SsoFailure::Failed(sdk_error("Waiting for the sign-in", &e)));
            }
        }
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The cache file's content, as the aws CLI v2 writes it.
struct CacheDoc {
    access_token: Zeroizing<String>,
    expires_at: String,
    region: String,
    start_url: String,
    /// What aws-config needs to refresh an `sso_session` token.
    refresh: Option<Refresh>,
}

struct Refresh {
    refresh_token: Option<Zeroizing<String>>,
    client_id: String,
    client_secret: Zeroizing<String>,
    registration_expires_at: String,
}

impl CacheDoc {
    fn to_json(&self) -> Zeroizing<String> {
        let mut m = serde_json::Map::new();
        m.insert("startUrl".into(), self.start_url.clone().into());
        m.insert("region".into(), self.region.clone().into());
        m.insert("accessToken".into(), self.access_token.as_str().into());
        m.insert("expiresAt".into(), self.expires_at.clone().into());
        if let Some(r) = &self.refresh {
            m.insert("clientId".into(), r.client_id.clone().into());
            m.insert("clientSecret".into(), r.client_secret.as_str().into());
            m.insert(
                "registrationExpiresAt".into(),
                r.registration_expires_at.clone().into(),
            );
            if let Some(t) = &r.refresh_token {
                m.insert("refreshToken".into(), t.as_str().into());
            }
        }
        Zeroizing::new(serde_json::Value::Object(m).to_string())
    }
}

/// Written beside, readable by this user only, then renamed over the old
/// file: a reader never sees half a token.
fn write_cache(file: &Path, doc: &CacheDoc) -> std::io::Result<()> {
    let dir = file
        .parent()
        .ok_or_else(|| std::io::Error::other("the cache path has no folder"))?;
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let (tmp, mut f) = crate::platform::files::create_temp_beside(file)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    let text = doc.to_json();
    let written = std::io::Write::write_all(&mut f, text.as_bytes()).and_then(|()| f.sync_all());
    drop(f);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_file_is_named_as_the_aws_cli_names_it() {
        // aws-config's own test vectors (sso/cache.rs,
        // determine_correct_cache_filenames): a session name, a start URL.
        assert_eq!(
            cache_file(Path::new("/home/someuser"), "admin"),
            Path::new(
                "/home/someuser/.aws/sso/cache/d033e22ae348aeb5660fc2140aec35850c4da997.json"
            )
        );
        assert_eq!(
            cache_file(
                Path::new("/home/me"),
                "https://d-92671207e4.awsapps.com/start"
            ),
            Path::new("/home/me/.aws/sso/cache/13f9d35043871d073ab260e020f0ffde092cb14b.json")
        );
    }

    fn write(dir: &Path, config: &str) -> SsoPlace {
        std::fs::create_dir_all(dir.join(".aws")).unwrap();
        std::fs::write(dir.join(".aws/config"), config).unwrap();
        SsoPlace {
            home: dir.to_owned(),
            config_file: Some(dir.join(".aws/config")),
        }
    }

    #[test]
    fn both_kinds_of_profile_are_read_and_others_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let place = write(
            dir.path(),
            "[profile new]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Dev\n\n\
             [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n\
             [profile old]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\n\n\
             [profile keys]\nregion = us-east-1\n\n\
             [profile broken]\nsso_session = gone\n",
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        #[allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread
        let read = |name: &str| rt.block_on(read_profile(name, &place));
        let new = read("new").unwrap();
        assert_eq!(new.session.as_deref(), Some("corp"));
        assert_eq!(new.cache_key(), "corp");
        assert_eq!(new.sso_region, "eu-west-1");
        assert_eq!(new.scopes, ["sso:account:access"]);
        let old = read("old").unwrap();
        assert_eq!(
            (old.session.as_deref(), old.cache_key()),
            (None, "https://old.awsapps.com/start")
        );
        assert!(
            read("keys")
                .unwrap_err()
                .contains("does not sign in through IAM Identity Center")
        );
        assert!(
            read("broken")
                .unwrap_err()
                .contains("no [sso-session gone] section")
        );
        assert!(read("nope").unwrap_err().contains("no profile 'nope'"));
    }
}
