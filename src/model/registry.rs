use serde::{Deserialize, Serialize};

/// The demo registry's accounts and region (the endpoint is the `ecr-demo`
/// crate; the rest of the app names them through here).
pub use ecr_demo::{DEMO_ACCOUNT, DEMO_REGION, DEMO_SECOND_ACCOUNT};

/// What the user chose to look at: a profile in a region, optionally at another
/// endpoint or for another account's registry. Persisted (never credentials).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegistrySpec {
    /// AWS profile name as in `~/.aws/config`; `None` means the default chain
    /// (environment variables first, as the aws CLI does).
    pub profile: Option<String>,
    pub region: String,
    /// Custom endpoint (moto, LocalStack, a proxy). `None` uses the standard
    /// resolution, which honours `AWS_ENDPOINT_URL[_ECR]` and the profile's
    /// `endpoint_url`.
    pub endpoint: Option<String>,
    /// 12-digit account id of another account's registry.
    pub registry_id: Option<String>,
    pub source: RegistrySource,
}

/// Where a registry entry came from; decides whether it can be removed and how
/// it is labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum RegistrySource {
    /// Found in the AWS shared config/credentials files.
    #[default]
    Profile,
    /// Credentials from environment variables only, no profile file.
    Environment,
    /// Added by the user in the app.
    Added,
    /// The embedded demo endpoint.
    Demo,
}

impl RegistrySpec {
    /// A stable key for maps and persisted selection.
    pub fn key(&self) -> RegistryKey {
        RegistryKey(format!(
            "{}|{}|{}|{}|{:?}",
            self.profile.as_deref().unwrap_or("(env)"),
            self.region,
            self.endpoint.as_deref().unwrap_or(""),
            self.registry_id.as_deref().unwrap_or(""),
            self.source
        ))
    }

    /// Label for the sidebar: profile name, or what stands in for it.
    pub fn profile_label(&self) -> &str {
        match self.source {
            RegistrySource::Demo => "demo",
            _ => self.profile.as_deref().unwrap_or("environment"),
        }
    }

    pub fn is_demo(&self) -> bool {
        self.source == RegistrySource::Demo
    }
}

/// A repository of a registry: the whole target a request that names a
/// repository carries, captured when the user asked (never read back from
/// the selection later).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RepoRef {
    pub registry: RegistrySpec,
    pub name: String,
}

impl RepoRef {
    pub fn new(registry: &RegistrySpec, name: &str) -> Self {
        Self {
            registry: registry.clone(),
            name: name.to_owned(),
        }
    }

    pub fn key(&self) -> RegistryKey {
        self.registry.key()
    }
}

/// Identifies a registry entry in maps, events and persisted selection.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RegistryKey(pub String);

/// What DescribeRegistry answers, plus where it lives.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RegistryInfo {
    pub registry_id: String,
    pub region: String,
    pub replication_rules: Vec<ReplicationRule>,
    /// The docker host after the account (`dkr.ecr.<region>.amazonaws.com`
    /// in the commercial partition), from the partition and endpoint kind;
    /// empty: not known, the commercial form is assumed.
    pub docker_suffix: String,
    /// The API endpoint the calls went to, and why that one.
    pub endpoint: String,
    pub endpoint_source: String,
}

impl RegistryInfo {
    /// The host docker talks to (`<account>.dkr.ecr.<region>.amazonaws.com`
    /// in the commercial partition; see `ecr::endpoints`).
    pub fn host(&self) -> String {
        self.host_of(&self.registry_id)
    }

    /// The docker host of `account` in this registry's partition and
    /// endpoint kind (another account's registry in the same region).
    pub fn host_of(&self, account: &str) -> String {
        if self.docker_suffix.is_empty() {
            format!("{account}.dkr.ecr.{}.amazonaws.com", self.region)
        } else {
            format!("{account}.{}", self.docker_suffix)
        }
    }

    /// The calls go to AWS itself (not moto, LocalStack or a proxy of
    /// one): only then does an AWS console link show what ecrscope shows.
    pub fn on_aws(&self) -> bool {
        let host = self
            .endpoint
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split(['/', ':'])
            .next()
            .unwrap_or("");
        [".amazonaws.com", ".amazonaws.com.cn", ".api.aws"]
            .iter()
            .any(|s| host.ends_with(s))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ReplicationRule {
    /// `region/registry` pairs the rule replicates to.
    pub destinations: Vec<(String, String)>,
    /// Repository name prefix filters.
    pub filters: Vec<String>,
}

/// A docker login token. Debug is written by hand so the password can never
/// reach a log line.
#[derive(Clone)]
pub struct AuthToken {
    pub proxy_endpoint: String,
    pub expires_at: Option<super::EpochMillis>,
    password: String,
}

impl AuthToken {
    /// Decodes ECR's base64 `AWS:<password>` token; `None` if it is malformed.
    pub fn from_encoded(
        encoded: &str,
        proxy_endpoint: String,
        expires_at: Option<super::EpochMillis>,
    ) -> Option<Self> {
        use base64::Engine as _;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let password = text.strip_prefix("AWS:")?.to_owned();
        Some(Self {
            proxy_endpoint,
            expires_at,
            password,
        })
    }

    /// The password, for the one place that puts it on the clipboard.
    pub fn password(&self) -> &str {
        &self.password
    }
}

impl std::fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthToken")
            .field("proxy_endpoint", &self.proxy_endpoint)
            .field("expires_at", &self.expires_at)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Drop for AuthToken {
    // Overwrite the secret before the allocation is freed.
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.password).into_bytes();
        bytes.iter_mut().for_each(|b| *b = 0);
        std::hint::black_box(&bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_aws_endpoints_get_console_links() {
        let at = |endpoint: &str| RegistryInfo {
            endpoint: endpoint.into(),
            ..RegistryInfo::default()
        };
        for aws in [
            "https://api.ecr.eu-west-1.amazonaws.com",
            "https://api.ecr.cn-north-1.amazonaws.com.cn",
            "https://ecr-fips.us-gov-west-1.api.aws",
            "https://api.ecr.us-east-1.amazonaws.com:443/",
        ] {
            assert!(at(aws).on_aws(), "{aws}");
        }
        for other in [
            "http://127.0.0.1:5000",
            "https://ecr.corp.example",
            "",
            "https://amazonaws.com.evil.example",
        ] {
            assert!(!at(other).on_aws(), "{other}");
        }
    }

    #[test]
    fn auth_token_decodes_and_redacts() {
        use base64::Engine as _;
        let enc = base64::engine::general_purpose::STANDARD.encode("AWS:s3cret");
        let t = AuthToken::from_encoded(&enc, "https://x".into(), None).expect("valid token");
        assert_eq!(t.password(), "s3cret");
        assert!(!format!("{t:?}").contains("s3cret"));
        assert!(AuthToken::from_encoded("bm9wZQ==", String::new(), None).is_none());
    }

    #[test]
    fn keys_differ_by_every_field() {
        let a = RegistrySpec {
            profile: Some("p".into()),
            region: "us-east-1".into(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Profile,
        };
        let mut b = a.clone();
        b.registry_id = Some("123456789012".into());
        assert_ne!(a.key(), b.key());
        let mut c = a.clone();
        c.region = "eu-west-1".into();
        assert_ne!(a.key(), c.key());
    }
}
