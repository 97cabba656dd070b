//! Login's worker operations: the docker login token, and the IAM Identity
//! Center sign-in (its prompt first, then how it ended).

use crate::ecr;
use crate::login::sso::{self, SsoFailure, SsoPlace};
use crate::message::{LoginCommand, LoginPayload, SsoJob};
use crate::worker::Cx;

pub async fn run(cx: &Cx<'_>, cmd: LoginCommand) {
    match cmd {
        LoginCommand::Token(_) => {
            let token = ecr::get_authorization_token(cx.c()).await;
            cx.emit(LoginPayload::Token(token)).await;
        }
        LoginCommand::SsoSignIn(job) => sign_in(cx, job).await,
    }
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
