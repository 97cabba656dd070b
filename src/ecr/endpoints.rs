//! Which endpoint a registry's calls really go to, and the host docker
//! talks to, for every partition (`aws`, `aws-cn`, `aws-us-gov`, the ISO
//! partitions) and endpoint kind (FIPS, dual-stack), taken from the
//! endpoint rules shipped with aws-sdk-ecr rather than a format string.
//!
//! The SDK's rules resolve the API host; the docker host follows from it
//! as ECR's endpoint table lists them
//! (<https://docs.aws.amazon.com/general/latest/gr/ecr.html>):
//! `api.ecr.<region>.<suffix>` ↔ `<account>.dkr.ecr.<region>.<suffix>`,
//! `api.ecr-fips.…` ↔ `<account>.dkr.ecr-fips.…`, and for dual-stack
//! `ecr[-fips].<region>.api.aws` ↔ `<account>.dkr-ecr[-fips].<region>.on.aws`
//! (the user guide's "Making requests over IPv6":
//! <https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html>).
//! A dual-stack API host with no documented docker host (the China
//! partition's `api.amazonwebservices.com.cn`) falls back to the
//! partition's IPv4 docker host, and says so.

use aws_sdk_ecr::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};

/// Where a registry's calls go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointUse {
    /// The API endpoint URL.
    pub api: String,
    /// Where it came from, in words ("AWS's endpoint rules, FIPS",
    /// "AWS_ENDPOINT_URL", "the profile's endpoint_url", …).
    pub source: String,
    pub fips: bool,
    pub dual_stack: bool,
}

/// The endpoint this SDK configuration sends ECR calls to, found the way
/// aws-sdk-ecr finds it: an endpoint given to the client (a registry added
/// with one), else ECR's own (`AWS_ENDPOINT_URL_ECR`, or the profile's
/// `services` section), else the general one (`AWS_ENDPOINT_URL`, or the
/// profile's `endpoint_url`), else the endpoint rules for the region.
pub async fn in_use(sdk: &aws_types::SdkConfig, added: Option<&str>, region: &str) -> EndpointUse {
    let fips = sdk.use_fips().unwrap_or(false);
    let dual_stack = sdk.use_dual_stack().unwrap_or(false);
    let service = sdk.service_config().and_then(|c| {
        let key = aws_types::service_config::ServiceConfigKey::builder()
            .service_id("ECR")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .ok()?;
        c.load_config(key)
    });
    // aws-config's service lookup also answers with the general
    // AWS_ENDPOINT_URL: say where the value really came from by what holds it.
    let env_is = |name: &str, value: &str| std::env::var(name).is_ok_and(|v| v == value);
    let from = |value: &str| -> String {
        if env_is("AWS_ENDPOINT_URL_ECR", value) {
            "AWS_ENDPOINT_URL_ECR".into()
        } else if env_is("AWS_ENDPOINT_URL", value) {
            "AWS_ENDPOINT_URL".into()
        } else if sdk.endpoint_url() == Some(value) {
            "the profile's endpoint_url".into()
        } else {
            "the profile's services section".into()
        }
    };
    let (api, source) = match (added, service, sdk.endpoint_url()) {
        (Some(e), _, _) => (e.to_owned(), "set on this registry in ecrscope".to_owned()),
        (None, Some(e), _) => {
            let source = from(&e);
            (e, source)
        }
        (None, None, Some(e)) => (e.to_owned(), from(e)),
        (None, None, None) => {
            let kind = match (fips, dual_stack) {
                (true, true) => ", FIPS, dual-stack",
                (true, false) => ", FIPS",
                (false, true) => ", dual-stack",
                (false, false) => "",
            };
            let api = resolved_api(region, fips, dual_stack)
                .await
                .unwrap_or_else(|| format!("https://api.ecr.{region}.amazonaws.com"));
            (api, format!("AWS's endpoint rules{kind}"))
        }
    };
    EndpointUse {
        api,
        source,
        fips,
        dual_stack,
    }
}

/// The API endpoint the SDK's rules give for a region and endpoint kind.
pub async fn resolved_api(region: &str, fips: bool, dual_stack: bool) -> Option<String> {
    let params = Params::builder()
        .region(region)
        .use_fips(fips)
        .use_dual_stack(dual_stack)
        .build()
        .ok()?;
    let resolver = DefaultResolver::new();
    let endpoint = resolver.resolve_endpoint(&params).await.ok()?;
    Some(endpoint.url().to_owned())
}

/// The host docker logs in to and pulls from, for `account`, given the API
/// endpoint URL the SDK's rules resolved (see the module comment). `None`
/// when the API host has no known docker counterpart.
pub fn docker_host_for(account: &str, api_url: &str) -> Option<String> {
    let host = api_url
        .split("://")
        .nth(1)
        .unwrap_or(api_url)
        .split(['/', ':'])
        .next()?;
    if let Some(rest) = host.strip_prefix("api.ecr-fips.") {
        return Some(format!("{account}.dkr.ecr-fips.{rest}"));
    }
    if let Some(rest) = host.strip_prefix("api.ecr.") {
        return Some(format!("{account}.dkr.ecr.{rest}"));
    }
    for (api, docker) in [("ecr-fips.", "dkr-ecr-fips."), ("ecr.", "dkr-ecr.")] {
        if let Some(region) = host
            .strip_prefix(api)
            .and_then(|r| r.strip_suffix(".api.aws"))
        {
            return Some(format!("{account}.{docker}{region}.on.aws"));
        }
    }
    // The table's other FIPS API name, `ecr-fips.<region>.amazonaws.com`
    // (listed beside `dkr.ecr-fips.…`), for an endpoint_url set to it.
    if let Some(rest) = host
        .strip_prefix("ecr-fips.")
        .filter(|r| r.ends_with(".amazonaws.com") || r.ends_with(".amazonaws.com.cn"))
    {
        return Some(format!("{account}.dkr.ecr-fips.{rest}"));
    }
    None
}

/// The docker host for a registry: from the endpoint kind asked for, else
/// (no documented dual-stack docker host in this partition) the IPv4 one.
pub async fn docker_host(account: &str, region: &str, fips: bool, dual_stack: bool) -> String {
    for dual in [dual_stack, false] {
        if let Some(h) = resolved_api(region, fips, dual)
            .await
            .and_then(|api| docker_host_for(account, &api))
        {
            return h;
        }
    }
    // No rule matched (an unknown region shape): the commercial form.
    format!("{account}.dkr.ecr.{region}.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SDK's rules give the API hosts ECR's endpoint table lists, and
    /// the docker hosts follow. Expected values: the endpoint table
    /// (us-east-1 rows), the China and GovCloud forms from the SDK's own
    /// endpoint tests (aws-sdk-ecr `config/endpoint.rs`).
    #[allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread
    #[tokio::test]
    async fn hosts_for_every_partition_and_kind() {
        let cases = [
            // (region, fips, dual-stack, API endpoint, docker host)
            (
                "us-east-1",
                false,
                false,
                "https://api.ecr.us-east-1.amazonaws.com",
                "1.dkr.ecr.us-east-1.amazonaws.com",
            ),
            (
                "us-east-1",
                true,
                false,
                "https://api.ecr-fips.us-east-1.amazonaws.com",
                "1.dkr.ecr-fips.us-east-1.amazonaws.com",
            ),
            (
                "us-east-1",
                false,
                true,
                "https://ecr.us-east-1.api.aws",
                "1.dkr-ecr.us-east-1.on.aws",
            ),
            (
                "us-east-1",
                true,
                true,
                "https://ecr-fips.us-east-1.api.aws",
                "1.dkr-ecr-fips.us-east-1.on.aws",
            ),
            (
                "cn-north-1",
                false,
                false,
                "https://api.ecr.cn-north-1.amazonaws.com.cn",
                "1.dkr.ecr.cn-north-1.amazonaws.com.cn",
            ),
            (
                "cn-northwest-1",
                true,
                false,
                "https://api.ecr-fips.cn-northwest-1.amazonaws.com.cn",
                "1.dkr.ecr-fips.cn-northwest-1.amazonaws.com.cn",
            ),
            // No documented dual-stack docker host in China: the IPv4 one.
            (
                "cn-north-1",
                false,
                true,
                "https://ecr.cn-north-1.api.amazonwebservices.com.cn",
                "1.dkr.ecr.cn-north-1.amazonaws.com.cn",
            ),
            (
                "us-gov-west-1",
                false,
                false,
                "https://api.ecr.us-gov-west-1.amazonaws.com",
                "1.dkr.ecr.us-gov-west-1.amazonaws.com",
            ),
            (
                "us-gov-west-1",
                true,
                false,
                "https://api.ecr-fips.us-gov-west-1.amazonaws.com",
                "1.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            ),
            (
                "us-iso-east-1",
                false,
                false,
                "https://api.ecr.us-iso-east-1.c2s.ic.gov",
                "1.dkr.ecr.us-iso-east-1.c2s.ic.gov",
            ),
        ];
        for (region, fips, dual, api, docker) in cases {
            let got = resolved_api(region, fips, dual).await;
            assert_eq!(
                got.as_deref(),
                Some(api),
                "API endpoint of {region} fips={fips} dual={dual}"
            );
            assert_eq!(
                docker_host("1", region, fips, dual).await,
                docker,
                "docker host of {region} fips={fips} dual={dual}"
            );
        }
    }

    /// Which endpoint is said to be used, and why, in the order aws-sdk-ecr
    /// takes them.
    #[allow(clippy::disallowed_methods)] // a test's own runtime, no UI thread
    #[tokio::test]
    async fn the_endpoint_in_use_and_where_it_came_from() {
        #[derive(Debug)]
        struct EcrSection;
        impl aws_types::service_config::LoadServiceConfig for EcrSection {
            fn load_config(
                &self,
                key: aws_types::service_config::ServiceConfigKey<'_>,
            ) -> Option<String> {
                (key.service_id() == "ECR").then(|| "https://ecr.proxy.example".to_owned())
            }
        }
        let plain = aws_types::SdkConfig::builder().use_fips(true).build();
        let used = in_use(&plain, None, "cn-north-1").await;
        assert_eq!(used.api, "https://api.ecr-fips.cn-north-1.amazonaws.com.cn");
        assert_eq!(used.source, "AWS's endpoint rules, FIPS");
        let added = in_use(&plain, Some("http://127.0.0.1:5000"), "us-east-1").await;
        assert_eq!(added.api, "http://127.0.0.1:5000");
        assert!(added.source.contains("ecrscope"), "{}", added.source);
        let general = aws_types::SdkConfig::builder()
            .endpoint_url("https://everything.example")
            .build();
        let g = in_use(&general, None, "us-east-1").await;
        assert_eq!(g.api, "https://everything.example");
        assert!(g.source.contains("endpoint_url") || g.source == "AWS_ENDPOINT_URL");
        let ecr_only = aws_types::SdkConfig::builder()
            .endpoint_url("https://everything.example")
            .service_config(EcrSection)
            .build();
        let e = in_use(&ecr_only, None, "us-east-1").await;
        assert_eq!(
            e.api, "https://ecr.proxy.example",
            "ECR's own wins over the general one"
        );
        assert!(e.source.contains("services") || e.source == "AWS_ENDPOINT_URL_ECR");
    }

    #[test]
    fn docker_hosts_from_api_hosts() {
        assert_eq!(
            docker_host_for("123", "https://api.ecr.eu-west-1.amazonaws.com/").as_deref(),
            Some("123.dkr.ecr.eu-west-1.amazonaws.com")
        );
        // The endpoint table's other FIPS API name maps the same way.
        assert_eq!(
            docker_host_for("123", "https://ecr-fips.us-east-1.amazonaws.com").as_deref(),
            Some("123.dkr.ecr-fips.us-east-1.amazonaws.com")
        );
        assert_eq!(docker_host_for("123", "http://127.0.0.1:5000"), None);
        assert_eq!(
            docker_host_for("123", "https://ecr.example.api.aws.evil"),
            None
        );
    }
}
