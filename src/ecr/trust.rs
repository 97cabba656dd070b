//! A custom CA bundle, as the aws CLI takes it: `AWS_CA_BUNDLE`, else the
//! profile's `ca_bundle` (a PEM file; `~` is the home folder). Corporate
//! proxies that inspect TLS sign with their own CA: without it every call
//! fails with "unknown issuer".
//!
//! The bundle's certificates are trusted **in addition to** the system's
//! roots (the aws CLI trusts only the bundle): whatever works with the aws
//! CLI works here, and a bundle holding only the proxy's CA does not cut
//! off the hosts the proxy lets through untouched. It applies to every
//! request: the SDK's (API calls, and the SSO and STS calls of credential
//! providers) through its own HTTPS client given this trust store, and the
//! blob downloads through the same roots.
//!
//! A bundle that cannot be read or parsed is said (in `ecrscope check` and
//! in the error of the first call that fails on TLS), never a crash: the
//! SDK's TLS layer panics on a certificate it cannot parse, so each one is
//! parsed here first.

use std::path::PathBuf;
use std::sync::Arc;

use aws_config::profile::ProfileSet;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

/// Where the bundle was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleSetting {
    pub path: PathBuf,
    /// `AWS_CA_BUNDLE`, or `ca_bundle of profile 'x'`.
    pub from: String,
}

/// A bundle read and parsed: its certificates, and the file's bytes for
/// the SDK's trust store.
#[derive(Clone, Debug)]
pub struct Bundle {
    pub setting: BundleSetting,
    pub pem: Vec<u8>,
    pub certs: Vec<CertificateDer<'static>>,
}

/// What a client trusts beyond the system's roots.
#[derive(Clone, Debug, Default)]
pub enum Trust {
    /// No bundle asked for.
    #[default]
    System,
    /// The bundle and the system's roots.
    Bundle(Arc<Bundle>),
    /// A bundle was asked for but is unusable: the system's roots only, and
    /// this said wherever TLS then fails.
    Unusable { setting: BundleSetting, why: String },
}

impl Trust {
    /// For `ecrscope check`.
    pub fn describe(&self) -> String {
        match self {
            Self::System => "CA the system's trusted roots".into(),
            Self::Bundle(b) => format!(
                "CA {} ({}, {} certificate{}) and the system's roots",
                b.setting.path.display(),
                b.setting.from,
                b.certs.len(),
                if b.certs.len() == 1 { "" } else { "s" }
            ),
            Self::Unusable { setting, why } => format!(
                "CA {} ({}) NOT USED: {why}; the system's roots only",
                setting.path.display(),
                setting.from
            ),
        }
    }

    /// A word for an error that happened on TLS with this trust.
    pub fn hint(&self) -> Option<String> {
        match self {
            Self::System => None,
            Self::Bundle(b) => Some(format!(
                "the CA bundle {} ({}) was trusted too",
                b.setting.path.display(),
                b.setting.from
            )),
            Self::Unusable { setting, why } => Some(format!(
                "the CA bundle {} ({}) could not be used: {why}",
                setting.path.display(),
                setting.from
            )),
        }
    }

    pub fn bundle(&self) -> Option<&Bundle> {
        match self {
            Self::Bundle(b) => Some(b),
            Self::System | Self::Unusable { .. } => None,
        }
    }
}

/// A network error's detail, with what the trust has to do with it when
/// the error is about a certificate.
pub fn with_hint(detail: String, trust: &Trust) -> String {
    let lower = detail.to_ascii_lowercase();
    if !["certificate", "issuer", "tls", "handshake"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return detail;
    }
    match trust.hint() {
        Some(h) => format!("{detail} ({h})"),
        None => format!(
            "{detail} (if a proxy inspects TLS, point AWS_CA_BUNDLE or the profile's ca_bundle at its CA certificate)"
        ),
    }
}

/// Which bundle applies: `AWS_CA_BUNDLE` wins over the profile's
/// `ca_bundle` (as in the aws CLI). Pure, for tests.
pub fn setting(
    env: impl Fn(&str) -> Option<String>,
    profile_name: &str,
    profile_ca_bundle: Option<&str>,
) -> Option<BundleSetting> {
    let home = env("HOME");
    let expand = |p: &str| match (p.strip_prefix("~/"), &home) {
        (Some(rest), Some(h)) => PathBuf::from(h).join(rest),
        _ => PathBuf::from(p),
    };
    if let Some(p) = env("AWS_CA_BUNDLE").filter(|p| !p.trim().is_empty()) {
        return Some(BundleSetting {
            path: expand(p.trim()),
            from: "AWS_CA_BUNDLE".into(),
        });
    }
    profile_ca_bundle
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| BundleSetting {
            path: expand(p),
            from: format!("ca_bundle of profile '{profile_name}'"),
        })
}

/// Reads and parses a bundle: every PEM certificate in it must parse, and
/// there must be at least one.
pub fn read(setting: BundleSetting) -> Trust {
    let pem = match std::fs::read(&setting.path) {
        Ok(b) => b,
        Err(e) => {
            return Trust::Unusable {
                setting,
                why: format!("cannot read it ({e})"),
            };
        }
    };
    match parse(&pem) {
        Ok(certs) => Trust::Bundle(Arc::new(Bundle {
            setting,
            pem,
            certs,
        })),
        Err(why) => Trust::Unusable { setting, why },
    }
}

/// The certificates of a PEM bundle, each checked as rustls will load it.
pub fn parse(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("it is not a PEM certificate bundle ({e})"))?;
    if certs.is_empty() {
        return Err("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
    }
    let mut roots = rustls::RootCertStore::empty();
    for (i, c) in certs.iter().enumerate() {
        roots.add(c.clone()).map_err(|e| {
            format!(
                "certificate {} of {} is not valid ({e})",
                i + 1,
                certs.len()
            )
        })?;
    }
    Ok(certs)
}

/// The trust for `profile` (else `AWS_PROFILE`'s, else `default`), from the
/// real environment and files.
pub async fn for_profile(profile: Option<&str>) -> Trust {
    let env = aws_types::os_shim_internal::Env::real();
    let fs = aws_types::os_shim_internal::Fs::real();
    let var = |k: &str| env.get(k).ok();
    let name = profile
        .map(str::to_owned)
        .or_else(|| var("AWS_PROFILE").filter(|p| !p.is_empty()))
        .unwrap_or_else(|| "default".into());
    let set: Option<ProfileSet> = aws_config::profile::load(
        &fs,
        &env,
        &aws_runtime::env_config::file::EnvConfigFiles::default(),
        None,
    )
    .await
    .ok();
    let from_profile = set
        .as_ref()
        .and_then(|s| s.get_profile(&name))
        .and_then(|p| p.get("ca_bundle"));
    match setting(var, &name, from_profile) {
        Some(s) => read(s),
        None => Trust::System,
    }
}

/// The SDK's HTTPS client (rustls with aws-lc, proxies from the
/// environment, as the SDK's default client is built) trusting the bundle
/// too. `None`: the SDK's default client.
pub fn sdk_http_client(
    trust: &Trust,
) -> Option<aws_smithy_runtime_api::client::http::SharedHttpClient> {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};
    let bundle = trust.bundle()?;
    let store = TrustStore::default().with_pem_certificate(bundle.pem.clone());
    let context = TlsContext::builder().with_trust_store(store).build().ok()?;
    Some(
        Builder::new().build_with_connector_fn(move |settings, components| {
            let mut b = ConnectorBuilder::default()
                .tls_provider(tls::Provider::Rustls(
                    tls::rustls_provider::CryptoMode::AwsLc,
                ))
                .tls_context(context.clone());
            b.set_connector_settings(settings.cloned());
            if let Some(c) = components {
                b.set_sleep_impl(c.sleep_impl());
            }
            b.set_proxy_config(Some(ProxyConfig::from_env()));
            b.build()
        }),
    )
}

/// A rustls client configuration for blob downloads: the system's roots
/// and the bundle's.
pub fn rustls_config(trust: &Trust) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(b) = trust.bundle() {
        roots.add_parsable_certificates(b.certs.iter().cloned());
    }
    if roots.is_empty() {
        return Err(
            "no trusted root certificates (install ca-certificates, or set AWS_CA_BUNDLE)".into(),
        );
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_environment_wins_over_the_profile_and_home_is_expanded() {
        let s = setting(env(&[("HOME", "/home/u")]), "prod", Some("~/corp.pem")).unwrap();
        assert_eq!(s.path, PathBuf::from("/home/u/corp.pem"));
        assert_eq!(s.from, "ca_bundle of profile 'prod'");
        let s = setting(
            env(&[("AWS_CA_BUNDLE", "/etc/ssl/corp.pem")]),
            "prod",
            Some("~/corp.pem"),
        )
        .unwrap();
        assert_eq!(
            (s.path, s.from.as_str()),
            (PathBuf::from("/etc/ssl/corp.pem"), "AWS_CA_BUNDLE")
        );
        assert_eq!(setting(env(&[("AWS_CA_BUNDLE", " ")]), "p", None), None);
        assert_eq!(setting(env(&[]), "p", Some("")), None);
    }

    #[test]
    fn an_unusable_bundle_is_said_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read(BundleSetting {
            path: dir.path().join("nope.pem"),
            from: "AWS_CA_BUNDLE".into(),
        });
        assert!(
            missing.describe().contains("NOT USED: cannot read it"),
            "{}",
            missing.describe()
        );
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        let t = read(BundleSetting {
            path: junk.clone(),
            from: "AWS_CA_BUNDLE".into(),
        });
        assert!(
            t.describe().contains("holds no PEM certificate"),
            "{}",
            t.describe()
        );
        // A PEM block whose content is not a certificate: rustls would
        // panic in the SDK; here it is refused with a reason.
        std::fs::write(
            &junk,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let t = read(BundleSetting {
            path: junk,
            from: "AWS_CA_BUNDLE".into(),
        });
        assert!(t.describe().contains("NOT USED"), "{}", t.describe());
        assert!(t.hint().is_some_and(|h| h.contains("could not be used")));
        assert!(sdk_http_client(&t).is_none());
    }
}
