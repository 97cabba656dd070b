//! `ecrscope check`: connects to every registry the app would show and says,
//! per registry, whether it answers and with what — or why not, in the same
//! words the app uses. A diagnostic for users, and the end-to-end probe of
//! discovery + credentials + endpoint handling without a window.

use std::time::Instant;

use crate::ecr::{self, ClientOptions, EcrClient};
use crate::model::RegistrySpec;
use crate::registries::profiles::{self, Discovery};

/// One registry's result.
#[derive(Debug)]
pub struct CheckLine {
    pub spec: RegistrySpec,
    pub endpoint: String,
    pub result: Result<Vec<String>, String>,
    pub millis: u128,
    /// The CA trust its calls used (`trust::Trust::describe`).
    pub trust: String,
}

/// Checks every registry discovery implies (or `only_profile`'s).
pub async fn check(
    discovery: &Discovery,
    only_profile: Option<&str>,
    opts: &ClientOptions,
) -> Vec<CheckLine> {
    let specs: Vec<RegistrySpec> = profiles::registries(discovery)
        .into_iter()
        .filter(|s| only_profile.is_none_or(|p| s.profile.as_deref() == Some(p)))
        .collect();
    check_specs(specs, opts).await
}

/// Checks these registries.
pub async fn check_specs(specs: Vec<RegistrySpec>, opts: &ClientOptions) -> Vec<CheckLine> {
    let mut out = Vec::new();
    for spec in specs {
        let start = Instant::now();
        if spec.region.is_empty() {
            out.push(CheckLine {
                endpoint: String::new(),
                trust: String::new(),
                result: Err(format!("profile '{}' has no region: add 'region = ...' to ~/.aws/config or set AWS_REGION.", spec.profile_label())),
                millis: 0,
                spec,
            });
            continue;
        }
        let client = EcrClient::connect(&spec, opts).await;
        let result = ecr::describe_repositories(&client)
            .await
            .map(|repos| repos.into_iter().map(|r| r.name).collect())
            .map_err(|e| e.to_string());
        out.push(CheckLine {
            endpoint: client.endpoint().to_owned(),
            trust: client.trust().describe(),
            result,
            millis: start.elapsed().as_millis(),
            spec,
        });
    }
    out
}

/// The proxy settings every request follows (API calls and blob
/// downloads), one line each, a proxy's user and password never shown.
pub fn proxy_lines(env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out = Vec::new();
    for name in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        if let Some(v) = env(name).filter(|v| !v.is_empty()) {
            out.push(format!("PROXY {name}={}", without_credentials(&v)));
        }
    }
    for name in ["NO_PROXY", "no_proxy"] {
        if let Some(v) = env(name).filter(|v| !v.is_empty()) {
            out.push(format!("PROXY {name}={v}"));
        }
    }
    out
}

/// A proxy URL with its `user:password@` replaced by `***@`.
fn without_credentials(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].rsplit_once('@') {
        Some((_, host)) => {
            let sep = if scheme.is_empty() { "" } else { "://" };
            format!("{scheme}{sep}***@{host}{}", &rest[host_end..])
        }
        None => url.to_owned(),
    }
}

/// Prints the lines; returns the process exit code (0 when all answered).
pub fn report(lines: &[CheckLine], list_names: bool, warnings: &[String]) -> i32 {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for p in proxy_lines(|n| std::env::var(n).ok()) {
        let _ = writeln!(out, "{p}");
    }
    for w in warnings {
        let _ = writeln!(out, "WARN {w}");
    }
    if lines.is_empty() {
        let _ = writeln!(
            out,
            "No AWS profile or environment credentials found; the app would open the demo registry."
        );
    }
    let mut code = 0;
    for l in lines {
        let who = format!("{} ({})", l.spec.profile_label(), l.spec.region);
        match &l.result {
            Ok(names) => {
                let _ = writeln!(
                    out,
                    "OK   {who} {}: {} repositories [{} ms]",
                    l.endpoint,
                    names.len(),
                    l.millis
                );
                if !l.trust.is_empty() {
                    let _ = writeln!(out, "     {}", l.trust);
                }
                if list_names {
                    for n in names {
                        let _ = writeln!(out, "     {n}");
                    }
                }
            }
            Err(e) => {
                code = 1;
                let _ = writeln!(out, "FAIL {who} {}: {e} [{} ms]", l.endpoint, l.millis);
                if !l.trust.is_empty() {
                    let _ = writeln!(out, "     {}", l.trust);
                }
            }
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_are_listed_without_their_credentials() {
        let env = |n: &str| match n {
            "HTTPS_PROXY" => Some("http://alice:s3cret@proxy.corp:8080/".to_owned()),
            "http_proxy" => Some("proxy.corp:3128".to_owned()),
            "NO_PROXY" => Some("127.0.0.1,.internal".to_owned()),
            _ => None,
        };
        let lines = proxy_lines(env);
        assert_eq!(
            lines,
            [
                "PROXY HTTPS_PROXY=http://***@proxy.corp:8080/",
                "PROXY http_proxy=proxy.corp:3128",
                "PROXY NO_PROXY=127.0.0.1,.internal",
            ]
        );
        assert!(
            lines
                .iter()
                .all(|l| !l.contains("s3cret") && !l.contains("alice"))
        );
        assert_eq!(without_credentials("u:p@h:1"), "***@h:1");
        assert!(proxy_lines(|_| None).is_empty());
    }
}
