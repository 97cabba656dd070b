//! The global search's worker operation: what one repository holds of a
//! query.

use crate::ecr;
use crate::message::{SearchCommand, SearchPayload};
use crate::worker::Cx;

pub async fn run(cx: &Cx<'_>, cmd: SearchCommand) {
    match cmd {
        SearchCommand::Find { repo, ids, search } => {
            let result = ecr::find_images(cx.c(), &repo.name, &ids).await;
            cx.emit(SearchPayload::Found {
                repo,
                search,
                result,
            })
            .await;
        }
    }
}
