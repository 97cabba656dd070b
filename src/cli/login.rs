//! `ecrscope login --profile NAME`: signs in to IAM Identity Center for an
//! SSO profile, as `aws sso login` does and with the same token cache, so
//! the aws CLI, aws-config and ecrscope's window all use the result. The
//! code and the page are printed on stderr (the page is opened in the
//! browser unless `--no-browser`); stdout gets the result in `--output`'s
//! format. Ctrl-C cancels (nothing written).

use std::io::Write as _;
use std::sync::atomic::AtomicBool;

use serde_json::json;

use crate::login::sso::{self, SsoFailure, SsoPlace};

use super::exit::{Exit, Failure};
use super::output::Rows;

pub async fn run(
    profile: Option<&str>,
    no_browser: bool,
    cancel: &AtomicBool,
) -> Result<Rows, Failure> {
    let profile = profile
        .map(str::to_owned)
        .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()))
        .ok_or_else(|| Failure::usage("Give the SSO profile to sign in with: --profile NAME."))?;
    let place = SsoPlace::real().ok_or_else(|| {
        Failure::new(
            Exit::Failed,
            "No home folder (HOME is not set): the token cache lives in ~/.aws/sso/cache.",
        )
    })?;
    let (prompt, pending) = sso::start(&profile, &place).await.map_err(failure)?;
    let _ = writeln!(
        std::io::stderr().lock(),
        "Sign in to IAM Identity Center ({}) for profile '{profile}':\n  open {}\n  and check that it shows the code {}\n(the code expires in {} minutes)",
        prompt.start_url,
        prompt.verification_uri_complete,
        prompt.user_code,
        prompt.expires_in.as_secs().div_ceil(60),
    );
    if !no_browser && webbrowser::open(&prompt.verification_uri_complete).is_err() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "(no browser could be opened: open the page yourself)"
        );
    }
    let done = sso::finish(pending, cancel).await.map_err(failure)?;
    let mut rows = Rows::new(&["profile", "expiresAt", "cacheFile"]);
    rows.single = true;
    rows.push(vec![
        json!(done.profile),
        json!(done.expires_at),
        json!(done.cache_file.display().to_string()),
    ]);
    Ok(rows)
}

fn failure(f: SsoFailure) -> Failure {
    let exit = match &f {
        SsoFailure::Cancelled => Exit::Interrupted,
        SsoFailure::Denied => Exit::Denied,
        SsoFailure::Expired | SsoFailure::Failed(_) => Exit::Failed,
    };
    Failure::new(exit, f.to_string())
}
