//! Registry-level and per-repository documents beyond the image list:
//! pull-through cache rules, the docker login token, lifecycle policies and
//! their previews, repository policies. Their events land here.

use std::collections::HashMap;

use crate::model::{
    AuthToken, EpochMillis, LifecyclePolicy, LifecyclePreview, PullThroughRule,
    PullThroughValidation,
};

use super::{RegistryState, Requested};

/// A docker login token while it is wanted: the expiry stays for the
/// countdown, the token itself is dropped (and zeroed) once it has been
/// copied.
#[derive(Clone, Debug)]
pub struct Login {
    pub proxy_endpoint: String,
    pub expires_at: Option<EpochMillis>,
    pub token: Option<AuthToken>,
}

/// What the registry's extra views have loaded.
#[derive(Debug, Default)]
pub struct RegistryDocs {
    pub pull_through: Requested<Vec<PullThroughRule>>,
    /// The last failed rule change, shown in the rules view.
    pub pull_through_error: Option<String>,
    /// ValidatePullThroughCacheRule answers, by prefix.
    pub validations: HashMap<String, Result<PullThroughValidation, String>>,
    pub login: Requested<Login>,
    /// By repository: `Ready(None)` means it has none.
    pub lifecycle: HashMap<String, Requested<Option<LifecyclePolicy>>>,
    pub lifecycle_error: HashMap<String, String>,
    pub preview: HashMap<String, Requested<LifecyclePreview>>,
    pub repo_policy: HashMap<String, Requested<Option<String>>>,
    /// Secrets Manager secrets a pull-through rule may use.
    pub secrets: Requested<Vec<crate::model::SecretRef>>,
    /// The secret the rule form just created (it fills the form's field).
    pub secret_made: Option<crate::model::SecretRef>,
    /// Why the last CreateSecret was refused.
    pub secret_error: Option<String>,
}

impl RegistryState {
    /// Takes the login token out for one copy; it is dropped (zeroed) by
    /// the caller right after.
    pub fn take_login_token(&mut self) -> Option<AuthToken> {
        self.docs.login.shown_mut().and_then(|l| l.token.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{LifecyclePayload, LoginPayload};
    use crate::model::EcrError;
    use crate::state::NoticeLevel;
    use crate::state::demo_spec;

    #[test]
    fn change_then_reread_lands_and_errors_stay_until_success() {
        let mut reg = RegistryState::new(demo_spec());
        reg.docs.lifecycle.entry("web".into()).or_default().start(7);
        let n = reg.apply_lifecycle(
            7,
            LifecyclePayload::Changed {
                repo: crate::model::RepoRef::new(&demo_spec(), "web"),
                deleted: false,
                result: Err(EcrError::Other {
                    operation: "PutLifecyclePolicy".into(),
                    detail: "bad".into(),
                }),
            },
        );
        assert_eq!(n.map(|n| n.level), Some(NoticeLevel::Error));
        assert!(reg.docs.lifecycle_error.contains_key("web"));
        // The re-read that follows shows what the server holds.
        reg.apply_lifecycle(
            7,
            LifecyclePayload::Policy {
                repo: crate::model::RepoRef::new(&demo_spec(), "web"),
                result: Ok(None),
            },
        );
        assert_eq!(reg.docs.lifecycle["web"].shown(), Some(&None));
        // A stale answer is ignored.
        reg.apply_lifecycle(
            3,
            LifecyclePayload::Policy {
                repo: crate::model::RepoRef::new(&demo_spec(), "web"),
                result: Ok(Some(LifecyclePolicy::default())),
            },
        );
        assert_eq!(reg.docs.lifecycle["web"].shown(), Some(&None));
    }

    #[test]
    fn login_token_is_taken_once() {
        use base64::Engine as _;
        let mut reg = RegistryState::new(demo_spec());
        reg.docs.login.start(1);
        let enc = base64::engine::general_purpose::STANDARD.encode("AWS:pw");
        let t = AuthToken::from_encoded(&enc, "https://r".into(), Some(5)).expect("token");
        reg.apply_login(1, LoginPayload::Token(Ok(t)));
        assert_eq!(
            reg.take_login_token().map(|t| t.password().to_owned()),
            Some("pw".into())
        );
        assert!(reg.take_login_token().is_none(), "gone after one use");
        assert_eq!(reg.docs.login.shown().and_then(|l| l.expires_at), Some(5));
    }
}
