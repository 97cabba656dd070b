//! Administration's state transitions: which slot waits for which
//! request, and what each answer changes. Every change is read back from
//! the registry after it is made, so the screen shows what the server
//! holds, also after a refusal.

use std::collections::HashMap;

use crate::message::{AccountSettings, AdminCommand, AdminPayload, Command, RequestId};
use crate::model::{Digest, EcrError, RegistryKey, ReplicationStatus, RepoRef};
use crate::state::{AppState, FollowUp, NoticeLevel, Requested, settle};

/// What the Administration tab has loaded for one registry.
#[derive(Debug, Default)]
pub struct RegistryAdmin {
    /// `Ready(None)`: the registry has no policy.
    pub registry_policy: Requested<Option<String>>,
    /// The last refused registry policy change (the dialog shows it).
    pub policy_error: Option<String>,
    pub settings: Requested<AccountSettings>,
    pub settings_error: Option<String>,
    pub exclusions: Requested<Vec<String>>,
    pub exclusions_error: Option<String>,
    /// Who the registry's calls are signed as.
    pub caller: Requested<String>,
    /// The last refused replication change.
    pub replication_error: Option<String>,
    /// A replication change sent and not answered yet.
    pub replication_saving: Option<RequestId>,
    /// A repository policy change refused, by repository.
    pub repo_policy_error: HashMap<String, String>,
    pub templates: Requested<Vec<crate::model::CreationTemplate>>,
    /// The last refused template change.
    pub templates_error: Option<String>,
}

impl RegistryAdmin {
    /// Whether the account's registry policy scope is V1 (`false` when it
    /// is V2 or not known: V2 is ECR's default).
    pub fn scope_v1(&self) -> bool {
        self.settings.shown().is_some_and(|s| {
            s.iter().any(|(k, v)| {
                *k == crate::model::AccountSetting::RegistryPolicyScope
                    && matches!(v, Ok(Some(x)) if x == "V1")
            })
        })
    }
}

impl AppState {
    /// What the Administration tab needs and has not asked for (or, with
    /// `refresh`, again).
    pub fn admin_loads(&self, refresh: bool) -> Vec<FollowUp> {
        let Some(reg) = self.selected_registry() else {
            return Vec::new();
        };
        // Registry-level settings belong to the account signed in with:
        // ECR has no call to read another account's.
        if reg.is_cross_account() {
            return Vec::new();
        }
        let spec = &reg.spec;
        let a = &reg.admin;
        let want = |r: bool| refresh || r;
        let mut out = Vec::new();
        let mut ask = |idle: bool, loading: bool, cmd: AdminCommand| {
            if want(idle) && !loading {
                out.push(FollowUp::Request(Command::Admin(cmd)));
            }
        };
        ask(
            matches!(a.registry_policy, Requested::Idle),
            a.registry_policy.is_loading(),
            AdminCommand::RegistryPolicy(spec.clone()),
        );
        ask(
            matches!(a.settings, Requested::Idle),
            a.settings.is_loading(),
            AdminCommand::AccountSettings(spec.clone()),
        );
        ask(
            matches!(a.exclusions, Requested::Idle),
            a.exclusions.is_loading(),
            AdminCommand::Exclusions(spec.clone()),
        );
        ask(
            matches!(a.templates, Requested::Idle),
            a.templates.is_loading(),
            AdminCommand::Templates(spec.clone()),
        );
        out
    }

    /// The replication status of an opened image, where a rule of the
    /// registry covers its repository (elsewhere no call is sent).
    pub fn replication_status_for(&self, repo: &RepoRef, digest: Digest) -> Vec<FollowUp> {
        let Some(reg) = self.registry(&repo.registry.key()) else {
            return Vec::new();
        };
        let covered = reg.info.shown().is_some_and(|i| {
            i.replication_rules
                .iter()
                .any(|r| rule_of(r).matches(&repo.name))
        });
        let asked = reg
            .images
            .get(&repo.name)
            .is_some_and(|ri| ri.replication.contains_key(&digest));
        if !covered || asked {
            return Vec::new();
        }
        vec![FollowUp::Request(Command::Admin(
            AdminCommand::ReplicationStatus {
                repo: repo.clone(),
                digest,
            },
        ))]
    }

    /// A status that failed is asked again (Try again); one that answered
    /// or is on its way is kept.
    pub fn forget_failed_replication_status(&mut self, repo: &RepoRef, digest: Digest) {
        let key = repo.registry.key();
        if let Some(ri) = self
            .registry_mut(&key)
            .and_then(|r| r.images.get_mut(&repo.name))
            && ri
                .replication
                .get(&digest)
                .is_some_and(|r| r.error().is_some() && r.shown().is_none())
        {
            ri.replication.remove(&digest);
        }
    }

    pub(crate) fn admin_started(
        &mut self,
        id: RequestId,
        key: Option<&RegistryKey>,
        cmd: &AdminCommand,
    ) {
        if let AdminCommand::ReplicationStatus { repo, digest } = cmd {
            if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                ri.replication.entry(*digest).or_default().start(id);
            }
            return;
        }
        let Some(reg) = key.and_then(|k| self.registry_mut(k)) else {
            return;
        };
        let a = &mut reg.admin;
        match cmd {
            AdminCommand::RegistryPolicy(_) | AdminCommand::PutRegistryPolicy(..) => {
                a.registry_policy.start(id);
            }
            AdminCommand::SetRepoPolicy(repo, _) => {
                reg.docs
                    .repo_policy
                    .entry(repo.name.clone())
                    .or_default()
                    .start(id);
            }
            AdminCommand::PutReplication(..) => {
                a.replication_saving = Some(id);
                reg.info.start(id);
            }
            AdminCommand::AccountSettings(_) | AdminCommand::PutAccountSetting(..) => {
                a.settings.start(id);
            }
            AdminCommand::Exclusions(_) | AdminCommand::Exclude(..) => a.exclusions.start(id),
            AdminCommand::Caller(_) => a.caller.start(id),
            AdminCommand::Templates(_)
            | AdminCommand::SaveTemplate(..)
            | AdminCommand::DeleteTemplate(..) => a.templates.start(id),
            AdminCommand::ReplicationStatus { .. } => {}
        }
    }

    pub(crate) fn apply_admin(
        &mut self,
        request: RequestId,
        key: Option<&RegistryKey>,
        payload: AdminPayload,
    ) -> Vec<FollowUp> {
        if let AdminPayload::ReplicationStatus {
            repo,
            digest,
            result,
        } = payload
        {
            if let Some(ri) = self.repo_images_mut(key, &repo.name) {
                settle(ri.replication.entry(digest).or_default(), request, result);
            }
            return Vec::new();
        }
        let Some(reg) = key.and_then(|k| self.registry_mut(k)) else {
            return Vec::new();
        };
        let a = &mut reg.admin;
        let mut said: Option<&'static str> = None;
        match payload {
            AdminPayload::RegistryPolicy(r) => {
                settle(&mut a.registry_policy, request, r);
            }
            AdminPayload::RegistryPolicySaved(now, refused) => {
                if refused.is_none() && now.is_ok() {
                    said = Some("Registry policy saved; shown as the registry holds it now.");
                }
                a.policy_error = refused.map(|e| e.to_string());
                settle(&mut a.registry_policy, request, now);
            }
            AdminPayload::RepoPolicySaved(repo, now, refused) => {
                match refused {
                    None => {
                        a.repo_policy_error.remove(&repo.name);
                        said = Some("Repository policy saved; shown as the registry holds it now.");
                    }
                    Some(e) => {
                        a.repo_policy_error.insert(repo.name.clone(), e.to_string());
                    }
                }
                let slot = reg.docs.repo_policy.entry(repo.name).or_default();
                settle(slot, request, now);
            }
            AdminPayload::ReplicationSaved(now, refused) => {
                if a.replication_saving == Some(request) {
                    a.replication_saving = None;
                }
                if refused.is_none() {
                    said = Some("Replication rules saved; shown as the registry holds them now.");
                    // Statuses were read under the old rules.
                    for ri in reg.images.values_mut() {
                        ri.replication.clear();
                    }
                }
                a.replication_error = refused.map(|e| e.to_string());
                settle(&mut reg.info, request, now);
            }
            AdminPayload::AccountSettings(r) => {
                settle(&mut a.settings, request, r);
            }
            AdminPayload::AccountSettingSaved(now, refused) => {
                a.settings_error = refused.map(|e| e.to_string());
                settle(&mut a.settings, request, now);
            }
            AdminPayload::Exclusions(r) => {
                settle(&mut a.exclusions, request, r);
            }
            AdminPayload::ExclusionsSaved(now, refused) => {
                a.exclusions_error = refused.map(|e| e.to_string());
                settle(&mut a.exclusions, request, now);
            }
            AdminPayload::Caller(r) => {
                settle(&mut a.caller, request, r);
            }
            AdminPayload::Templates(r) => {
                settle(&mut a.templates, request, r);
            }
            AdminPayload::TemplatesSaved(now, refused) => {
                if refused.is_none() && now.is_ok() {
                    said = Some("Creation templates saved; shown as the registry holds them now.");
                }
                a.templates_error = refused.map(|e| e.to_string());
                settle(&mut a.templates, request, now);
            }
            AdminPayload::ReplicationStatus { .. } => {}
        }
        if let Some(text) = said {
            self.notify(NoticeLevel::Info, text);
        }
        Vec::new()
    }
}

/// The app's replication rule as ECR core's, for matching.
pub fn rule_of(r: &crate::model::ReplicationRule) -> ecr_core::replication::Rule {
    ecr_core::replication::Rule {
        destinations: r.destinations.clone(),
        filters: r.filters.clone(),
    }
}

/// "12 of 14 complete in eu-west-1, 2 failed: …" for the statuses read so
/// far, one line per destination.
pub fn replication_summary(
    statuses: &HashMap<Digest, Requested<Vec<ReplicationStatus>>>,
) -> Vec<String> {
    use std::collections::BTreeMap;
    /// Complete, failed, in progress, failure codes.
    type Counts = (usize, usize, usize, Vec<String>);
    let mut by_dest: BTreeMap<(String, String), Counts> = BTreeMap::new();
    for s in statuses.values().filter_map(Requested::shown).flatten() {
        let e = by_dest
            .entry((s.region.clone(), s.registry_id.clone()))
            .or_default();
        match s.status.as_str() {
            "COMPLETE" => e.0 += 1,
            "FAILED" => {
                e.1 += 1;
                if let Some(c) = &s.failure_code
                    && !e.3.contains(c)
                {
                    e.3.push(c.clone());
                }
            }
            _ => e.2 += 1,
        }
    }
    by_dest
        .into_iter()
        .map(|((region, account), (done, failed, going, codes))| {
            let total = done + failed + going;
            let mut line = format!("{done} of {total} complete in {region} ({account})");
            if going > 0 {
                line.push_str(&format!(", {going} in progress"));
            }
            if failed > 0 {
                line.push_str(&format!(", {failed} failed: {}", codes.join(", ")));
            }
            line
        })
        .collect()
}

/// An error worth its own words in the tab: the call is absent here.
pub fn absent(e: &EcrError) -> bool {
    matches!(e, EcrError::NotSupported { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(region: &str, status: &str, code: Option<&str>) -> ReplicationStatus {
        ReplicationStatus {
            region: region.into(),
            registry_id: "123456789012".into(),
            status: status.into(),
            failure_code: code.map(str::to_owned),
        }
    }

    #[test]
    fn the_summary_counts_each_destination() {
        let mut m = HashMap::new();
        let d = |n: u8| Digest::of_bytes(&[n]);
        m.insert(
            d(1),
            Requested::Ready(vec![
                st("eu-west-1", "COMPLETE", None),
                st("us-west-2", "FAILED", Some("KMS_ACCESS_DENIED")),
            ]),
        );
        m.insert(
            d(2),
            Requested::Ready(vec![
                st("eu-west-1", "COMPLETE", None),
                st("us-west-2", "IN_PROGRESS", None),
            ]),
        );
        m.insert(d(3), Requested::Idle);
        let lines = replication_summary(&m);
        assert_eq!(
            lines,
            [
                "2 of 2 complete in eu-west-1 (123456789012)",
                "0 of 2 complete in us-west-2 (123456789012), 1 in progress, 1 failed: KMS_ACCESS_DENIED"
            ]
        );
    }
}
