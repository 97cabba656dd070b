use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_types::region::Region;

use super::EcrError;
use super::error::{ErrorContext, HttpStatus, classify};
use super::rate_gate::{GateSlot, NoThrottleRetry, RateGates, ThrottleSignal};
use crate::model::RegistrySpec;

/// Limits and timeouts for one registry's client.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Requests in flight at once for this registry.
    pub max_in_flight: usize,
    /// Attempts per request (standard retry with backoff; the send rate is
    /// the rate gate's business, see `rate_gate`).
    pub max_attempts: u32,
    pub connect_timeout: Duration,
    /// One HTTP attempt.
    pub attempt_timeout: Duration,
    /// All attempts of one request.
    pub operation_timeout: Duration,
    /// A layer part's attempt fails when none of its bytes has moved for
    /// this long (its whole time grows with its size: see `part_progress`).
    pub stall_timeout: Duration,
    /// Sessions of MFA-protected roles, got with a code (in memory only).
    pub mfa: crate::login::mfa::MfaSessions,
    /// The AWS config file instead of `AWS_CONFIG_FILE` / `~/.aws/config`
    /// (tests; `None` in the app).
    pub config_file: Option<std::path::PathBuf>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            max_in_flight: 8,
            max_attempts: 5,
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(20),
            operation_timeout: Duration::from_secs(60),
            stall_timeout: Duration::from_secs(30),
            mfa: crate::login::mfa::MfaSessions::default(),
            config_file: None,
        }
    }
}

/// Fixed test/demo credentials (never real ones: real credentials are only
/// ever resolved by aws-config and never held by ecrscope).
#[derive(Clone)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticCredentials(<redacted>)")
    }
}

/// An ECR client for one registry: the SDK client, the registry id to pass on
/// every call, and the semaphore that bounds requests in flight.
#[derive(Clone, Debug)]
pub struct EcrClient {
    pub(crate) sdk: aws_sdk_ecr::Client,
    pub(crate) registry_id: Option<String>,
    pub(crate) cx: ErrorContext,
    /// The send rate learned from throttling and the requests in flight,
    /// shared per account and region (see `rate_gate`).
    gate: Arc<GateSlot>,
    region: String,
    /// A call failed on its credentials: the owner should make a new client
    /// (which reads the AWS files again) rather than reuse this one.
    credentials_failed: Arc<std::sync::atomic::AtomicBool>,
    /// Operations this endpoint has answered successfully: a later HTTP 500
    /// without an ECR error on one of them is a passing fault, not a call
    /// the endpoint lacks.
    answered: Arc<std::sync::Mutex<std::collections::HashSet<&'static str>>>,
    /// How long a blob download may take (one HTTP attempt's timeout).
    blob_timeout: Duration,
    /// The limits it was made with (a layer part's are derived from them).
    limits: ClientOptions,
    /// Where its calls go, and why (shown in the registry overview).
    endpoint_use: super::endpoints::EndpointUse,
    /// STS with the same credentials, region and endpoint: who the calls
    /// are signed as (pull-time update exclusions name that principal).
    sts: Option<aws_sdk_sts::Client>,
    /// Secrets Manager with the same credentials, region and endpoint
    /// (pull-through cache credentials).
    pub(super) secrets: Option<aws_sdk_secretsmanager::Client>,
}

impl EcrClient {
    /// Builds a client the way the aws CLI would for this profile and region:
    /// aws-config resolves credentials (env, profile, SSO, credential_process,
    /// web identity, container, instance metadata) lazily on the first call.
    pub async fn connect(spec: &RegistrySpec, opts: &ClientOptions) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(spec.region.clone()))
            .retry_config(RetryConfig::standard().with_max_attempts(opts.max_attempts))
            .timeout_config(timeouts(opts));
        if let Some(p) = &spec.profile {
            loader = loader.profile_name(p);
        }
        if let Some(e) = &spec.endpoint {
            loader = loader.endpoint_url(e);
        }
        // The default chain ends with the EC2 instance-metadata probe, which on
        // a laptop costs seconds per attempt. One quick attempt is enough to
        // find a real instance; anything else fails fast with a clear error.
        let mut chain =
            aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
                .region(Region::new(spec.region.clone()))
                .imds_client(
                    aws_config::imds::Client::builder()
                        .max_attempts(1)
                        .connect_timeout(Duration::from_millis(400))
                        .read_timeout(Duration::from_millis(600))
                        .build(),
                );
        if let Some(p) = &spec.profile {
            chain = chain.profile_name(p);
        }
        if let Some(f) = &opts.config_file {
            loader = loader.profile_files(
                aws_runtime::env_config::file::EnvConfigFiles::builder()
                    .with_file(aws_runtime::env_config::file::EnvConfigFileKind::Config, f)
                    .build(),
            );
        }
        // An MFA-protected role: aws-config would assume it without the
        // code and be refused; the session got with the code (see
        // `login::mfa`), or an error that asks for the code.
        let mfa_role = match &spec.profile {
            Some(p) => crate::login::mfa::role_of(p, opts.config_file.as_ref()).await,
            None => None,
        };
        loader = match mfa_role {
            Some(role) => match opts.mfa.get(&role.profile) {
                Some(session) => loader.credentials_provider(session),
                None => loader.credentials_provider(crate::login::mfa::NeedsCode {
                    profile: role.profile,
                }),
            },
            // A given config file: the loader's own default chain reads it
            // (the chain built here cannot be pointed at another file).
            None if opts.config_file.is_some() => loader,
            None => loader.credentials_provider(chain.build().await),
        };
        // A CA bundle (AWS_CA_BUNDLE, the profile's ca_bundle): the SDK's
        // client with that trust store, for every call (see `trust`).
        let trust = super::trust::for_profile(spec.profile.as_deref()).await;
        if let Some(http) = super::trust::sdk_http_client(&trust) {
            loader = loader.http_client(http);
        }
        let sdk_config = loader.load().await;
        let endpoint_use =
            super::endpoints::in_use(&sdk_config, spec.endpoint.as_deref(), &spec.region).await;
        let endpoint = endpoint_use.api.clone();
        let cx = ErrorContext {
            profile: spec.profile.clone(),
            sso: match &spec.profile {
                Some(p) => crate::registries::profiles::profile_uses_sso(p).await,
                None => false,
            },
            endpoint,
            trust,
        };
        let gate = Arc::new(GateSlot::new(RateGates::new(opts.max_in_flight)));
        let conf = aws_sdk_ecr::config::Builder::from(&sdk_config)
            .interceptor(ThrottleSignal(gate.clone()))
            .retry_classifier(NoThrottleRetry)
            .build();
        let sdk = aws_sdk_ecr::Client::from_conf(conf);
        let mut client = Self::from_parts(
            sdk,
            gate,
            spec.registry_id.clone(),
            cx,
            opts,
            spec.region.clone(),
        );
        client.endpoint_use = endpoint_use;
        client.sts = Some(aws_sdk_sts::Client::new(&sdk_config));
        client.secrets = Some(aws_sdk_secretsmanager::Client::new(&sdk_config));
        client
    }

    /// A client for a known endpoint with fixed credentials: the demo endpoint,
    /// moto in tests, benchmarks.
    pub fn with_static(
        endpoint: &str,
        region: &str,
        creds: &StaticCredentials,
        registry_id: Option<String>,
        opts: &ClientOptions,
    ) -> Self {
        let credentials = aws_sdk_ecr::config::Credentials::new(
            creds.access_key_id.clone(),
            creds.secret_access_key.clone(),
            None,
            None,
            "ecrscope-static",
        );
        let secrets = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .endpoint_url(endpoint)
            .credentials_provider(credentials.clone())
            .retry_config(RetryConfig::standard().with_max_attempts(opts.max_attempts))
            .timeout_config(timeouts(opts))
            .build();
        let sts = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .endpoint_url(endpoint)
            .credentials_provider(credentials.clone())
            .timeout_config(timeouts(opts))
            .build();
        let gate = Arc::new(GateSlot::new(RateGates::new(opts.max_in_flight)));
        let conf = aws_sdk_ecr::Config::builder()
            .interceptor(ThrottleSignal(gate.clone()))
            .retry_classifier(NoThrottleRetry)
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .endpoint_url(endpoint)
            .credentials_provider(credentials)
            .retry_config(RetryConfig::standard().with_max_attempts(opts.max_attempts))
            .timeout_config(timeouts(opts))
            .build();
        let cx = ErrorContext {
            profile: None,
            sso: false,
            endpoint: endpoint.to_owned(),
            trust: super::trust::Trust::System,
        };
        let mut client = Self::from_parts(
            aws_sdk_ecr::Client::from_conf(conf),
            gate,
            registry_id,
            cx,
            opts,
            region.to_owned(),
        );
        client.sts = Some(aws_sdk_sts::Client::from_conf(sts));
        client.secrets = Some(aws_sdk_secretsmanager::Client::from_conf(secrets));
        client
    }

    fn from_parts(
        sdk: aws_sdk_ecr::Client,
        gate: Arc<GateSlot>,
        registry_id: Option<String>,
        cx: ErrorContext,
        opts: &ClientOptions,
        region: String,
    ) -> Self {
        let cx_endpoint = cx.endpoint.clone();
        Self {
            sdk,
            registry_id,
            cx,
            gate,
            region,
            credentials_failed: Arc::default(),
            answered: Arc::default(),
            blob_timeout: opts.attempt_timeout,
            limits: opts.clone(),
            endpoint_use: super::endpoints::EndpointUse {
                api: cx_endpoint,
                source: "a fixed endpoint".into(),
                fips: false,
                dual_stack: false,
            },
            sts: None,
            secrets: None,
        }
    }

    /// The ARN of the principal this client signs as (STS
    /// GetCallerIdentity with the same credentials, region, HTTP client and,
    /// for an endpoint that is not AWS's own, the same endpoint: moto and
    /// the demo answer STS there too).
    pub async fn caller_arn(&self) -> Result<String, EcrError> {
        let Some(sts) = &self.sts else {
            return Err(EcrError::NotSupported {
                operation: "GetCallerIdentity".into(),
                status: 0,
            });
        };
        match sts.get_caller_identity().send().await {
            Ok(out) => out
                .arn()
                .map(str::to_owned)
                .ok_or_else(|| EcrError::InvalidInput {
                    detail: "STS named no caller".into(),
                }),
            Err(e) => {
                let said = aws_sdk_sts::error::ProvideErrorMetadata::message(&e)
                    .map_or_else(|| e.to_string(), str::to_owned);
                Err(EcrError::Other {
                    operation: "GetCallerIdentity".into(),
                    detail: said,
                })
            }
        }
    }

    /// Where this client's calls go, and why.
    pub fn endpoint_use(&self) -> &super::endpoints::EndpointUse {
        &self.endpoint_use
    }

    /// The limits this client was made with.
    pub fn limits(&self) -> &ClientOptions {
        &self.limits
    }

    /// How long a blob download may take.
    pub fn blob_timeout(&self) -> Duration {
        self.blob_timeout
    }

    /// What TLS trusts beyond the system's roots (a CA bundle), for blob
    /// downloads outside the SDK.
    pub fn trust(&self) -> &super::trust::Trust {
        &self.cx.trust
    }

    /// Whether a call of this client failed on its credentials.
    pub fn credentials_failed(&self) -> bool {
        self.credentials_failed
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn endpoint(&self) -> &str {
        &self.cx.endpoint
    }

    /// Requests currently waiting for or holding a permit is not observable
    /// from a semaphore; this reports the free permits, for tests.
    pub fn free_permits(&self) -> usize {
        self.gate.current().permits().available_permits()
    }

    /// The gates this client sends through now.
    pub fn gate(&self) -> Arc<RateGates> {
        self.gate.current()
    }

    /// Sends through `gates` from now on (shared with the other clients of
    /// the same account and region).
    pub fn share_gate(&self, gates: Arc<RateGates>) {
        self.gate.share(gates);
    }

    /// The send rate learned for `action` from throttling, if any (None:
    /// unlimited).
    pub fn learned_rate(&self, action: &str) -> Option<f64> {
        self.gate.current().rate(action)
    }

    /// Runs one SDK request under this registry's in-flight limit and turns
    /// its error into an `EcrError`. `request` makes the (lazy) SDK future,
    /// so nothing is sent before the permit is held and the action's rate
    /// gate gives a slot; a throttled request is made again and waits for
    /// its next slot (at most `max_attempts` tries in all).
    pub(crate) async fn run<T, E, R, F>(
        &self,
        operation: &'static str,
        request: impl Fn() -> F,
    ) -> Result<T, EcrError>
    where
        F: std::future::Future<Output = Result<T, aws_sdk_ecr::error::SdkError<E, R>>>,
        E: aws_sdk_ecr::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + HttpStatus,
    {
        let permits = self.gate.current().permits();
        let _permit = permits.acquire().await.map_err(|_| EcrError::Other {
            operation: operation.to_owned(),
            detail: "the client was shut down".into(),
        })?;
        let tries = self.limits.max_attempts.max(1);
        let mut tried = 0;
        loop {
            tried += 1;
            self.gate.current().action(operation).wait().await;
            // On the heap: an SDK call's future is tens of KiB, and a copy
            // nests several under one task (a debug build overflowed a
            // worker thread's 2 MiB stack re-encrypting a repository).
            match Box::pin(request()).await {
                Ok(v) => {
                    if let Ok(mut a) = self.answered.lock() {
                        a.insert(operation);
                    }
                    return Ok(v);
                }
                Err(e) => {
                    let e = classify(operation, e, &self.cx);
                    if matches!(e, EcrError::Throttled { .. }) && tried < tries {
                        continue;
                    }
                    if e.is_credentials() {
                        self.credentials_failed
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    let answered_before = self.answered.lock().is_ok_and(|a| a.contains(operation));
                    return Err(super::error::refine(e, &self.cx, answered_before));
                }
            }
        }
    }
}

/// Timeouts for one call whose attempt may take `attempt` (a layer part).
pub(crate) fn timeouts_with_attempt(opts: &ClientOptions, attempt: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(opts.connect_timeout)
        .operation_attempt_timeout(attempt)
        .operation_timeout(attempt.saturating_mul(opts.max_attempts.max(1)))
        .build()
}

fn timeouts(opts: &ClientOptions) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(opts.connect_timeout)
        .operation_attempt_timeout(opts.attempt_timeout)
        .operation_timeout(opts.operation_timeout)
        .build()
}
