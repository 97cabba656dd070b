//! The supply chain's worker operations.

use crate::ecr;
use crate::message::{SupplyChainCommand, SupplyChainPayload};
use crate::model::EcrError;
use crate::worker::Cx;

/// Runs one supply-chain command on its registry's client.
pub async fn run(cx: &Cx<'_>, cmd: SupplyChainCommand) {
    match cmd {
        SupplyChainCommand::Referrers { repo, subjects } => {
            // Concurrently within the client's in-flight limit and rate
            // gate; each answer ends its own row's request.
            let mut tasks = tokio::task::JoinSet::new();
            for subject in subjects.iter().copied() {
                let (c, name) = (cx.c().clone(), repo.name.clone());
                tasks.spawn(async move {
                    (
                        subject,
                        ecr::list_image_referrers(&c, &name, &subject).await,
                    )
                });
            }
            let mut answered = std::collections::HashSet::new();
            while let Some(joined) = tasks.join_next().await {
                let Ok((subject, result)) = joined else {
                    continue;
                };
                answered.insert(subject);
                cx.emit(SupplyChainPayload::Referrers {
                    repo: repo.clone(),
                    subject,
                    result,
                })
                .await;
            }
            // A task that died still ends its row's request.
            for subject in subjects.into_iter().filter(|d| !answered.contains(d)) {
                cx.emit(SupplyChainPayload::Referrers {
                    repo: repo.clone(),
                    subject,
                    result: Err(EcrError::Other {
                        operation: "ListImageReferrers".into(),
                        detail: "the request failed unexpectedly".into(),
                    }),
                })
                .await;
            }
        }
    }
}
