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
    let mut out = Vec::new();
    for spec in specs {
        let start = Instant::now();
        if spec.region.is_empty() {
            out.push(CheckLine {
                endpoint: String::new(),
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
            result,
            millis: start.elapsed().as_millis(),
            spec,
        });
    }
    out
}

/// Prints the lines; returns the process exit code (0 when all answered).
pub fn report(lines: &[CheckLine], list_names: bool, warnings: &[String]) -> i32 {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
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
                if list_names {
                    for n in names {
                        let _ = writeln!(out, "     {n}");
                    }
                }
            }
            Err(e) => {
                code = 1;
                let _ = writeln!(out, "FAIL {who} {}: {e} [{} ms]", l.endpoint, l.millis);
            }
        }
    }
    code
}
