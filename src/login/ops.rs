//! Login's worker operations: the docker login token, and the IAM Identity
//! Center sign-in (its prompt first, then how it ended).

use crate::ecr;
use crate::login::sso::{self, SsoFailure, SsoPlace};
use crate::message::{LoginCommand, LoginPayload, MfaJob, SsoJob};
use crate::worker::Cx;

pub async fn run(cx: &Cx<'_>, cmd: LoginCommand) {
    match cmd {
        LoginCommand::Token(_) => {
            let token = ecr::get_authorization_token(cx.c()).await;
            cx.emit(LoginPayload::Token(token)).await;
        }
        LoginCommand::SsoSignIn(job) => sign_in(cx, job).await,
        LoginCommand::Mfa(job) => mfa(cx, job).await,
    }
}

/// AssumeRole with the code; the session goes to every client of the
/// profile made from now on (this registry's is made again: its last call
/// failed on credentials).
async fn mfa(cx: &Cx<'_>, job: MfaJob) {
    let opts = cx.client_options();
    let result = async {
        let role = crate::login::mfa::role_of(&job.profile, opts.config_file.as_ref())
            .await
            .ok_or_else(|| format!("Profile '{}' has no role_arn with mfa_serial.", job.profile))?;
        let session =
            crate::login::mfa::assume(&role, &job.code, opts.config_file.as_ref()).await?;
        let until = session
            .expiry()
            .map(|t| {
                let secs = t
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_secs_f64());
                crate::model::time::rfc3339(secs)
            })
            .unwrap_or_else(|| "it is refreshed".into());
        opts.mfa.insert(&job.profile, session);
        cx.forget_clients().await;
        Ok(until)
    }
    .await;
    cx.emit(LoginPayload::MfaDone(result)).await;
}

async fn sign_in(cx: &Cx<'_>, job: SsoJob) {
    let Some(place) = job.place.clone().or_else(SsoPlace::real) else {
        let why = SsoFailure::Failed(
            "No home folder (HOME is not set): the token cache lives in ~/.aws/sso/cache.".into(),
        );
        return cx.emit(LoginPayload::SsoDone(Err(why))).await;
    };
    let (prompt, pending) = match sso::start(&job.profile, &place).await {
        Ok(started) => started,
        Err(e) => return cx.emit(LoginPayload::SsoDone(Err(e))).await,
    };
    cx.emit(LoginPayload::SsoPrompt(prompt)).await;
    let done = sso::finish(pending, &job.cancel).await;
    cx.emit(LoginPayload::SsoDone(done)).await;
}
