//! The login token's worker operation.

use crate::ecr;
use crate::message::{LoginCommand, LoginPayload};
use crate::worker::Cx;

pub async fn run(cx: &Cx<'_>, cmd: LoginCommand) {
    match cmd {
        LoginCommand::Token(_) => {
            let token = ecr::get_authorization_token(cx.c()).await;
            cx.emit(LoginPayload::Token(token)).await;
        }
    }
}
