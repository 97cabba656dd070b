//! Moving around: registry > repository > image, back/forward through the
//! history, the registry list rebuilt after discovery. Each move returns
//! the loads the new place needs.

use crate::model::{Digest, RegistryKey};

use super::{AppState, FollowUp, Location, RegistryTab, RepoTab, Requested, merge_registries};

impl AppState {
    /// Goes to a place (a click, the palette, the history, a saved place),
    /// loading what it needs. A place in a registry that is gone is ignored.
    pub fn go_to(&mut self, loc: Location) -> Vec<FollowUp> {
        if let Some(k) = &loc.registry
            && self.registry(k).is_none()
        {
            return Vec::new();
        }
        let mut out = Vec::new();
        let repo_changed =
            self.location.repository != loc.repository || self.location.registry != loc.registry;
        if repo_changed {
            out.push(FollowUp::ClearImageSelection);
            self.compare = None;
        }
        if self.location.image != loc.image {
            self.findings_open = false;
        }
        self.location = loc;
        out.extend(self.ensure_images(repo_changed));
        out.extend(self.ensure_detail());
        out.extend(self.tab_loads(false));
        out
    }

    /// Goes to a place as a new step in the history.
    pub fn visit(&mut self, loc: Location) -> Vec<FollowUp> {
        let out = self.go_to(loc);
        self.history.visit(self.location.clone());
        out
    }

    pub fn back(&mut self) -> Vec<FollowUp> {
        match self.history.back() {
            Some(loc) => self.go_to(loc),
            None => Vec::new(),
        }
    }

    pub fn forward(&mut self) -> Vec<FollowUp> {
        match self.history.forward() {
            Some(loc) => self.go_to(loc),
            None => Vec::new(),
        }
    }

    pub fn select_registry(&mut self, key: RegistryKey) -> Vec<FollowUp> {
        if self.location.registry.as_ref() == Some(&key) {
            return Vec::new();
        }
        let mut out = self.visit(Location {
            registry: Some(key.clone()),
            repository: None,
            image: None,
        });
        // A registry in error is tried again when the user comes back to it.
        let failed = self
            .registry(&key)
            .is_some_and(|r| r.repositories.error().is_some());
        if failed {
            out.extend(self.load_registry(&key));
        }
        out
    }

    pub fn select_repository(&mut self, repository: Option<String>) -> Vec<FollowUp> {
        self.visit(Location {
            registry: self.location.registry.clone(),
            repository,
            image: None,
        })
    }

    pub fn select_image(&mut self, image: Option<Digest>) -> Vec<FollowUp> {
        self.visit(Location {
            image,
            ..self.location.clone()
        })
    }

    pub fn set_registry_tab(&mut self, t: RegistryTab) -> Vec<FollowUp> {
        self.registry_tab = t;
        self.tab_loads(false)
    }

    pub fn set_repo_tab(&mut self, t: RepoTab) -> Vec<FollowUp> {
        self.repo_tab = t;
        self.tab_loads(false)
    }

    /// Registries changed (discovery, add, remove): rebuild the list, restore
    /// the saved place on the first build, load what is new.
    pub fn rebuild_registries(&mut self, saved: Option<Location>) -> Vec<FollowUp> {
        let Some(d) = &self.discovery else {
            return Vec::new();
        };
        let specs = merge_registries(d, &self.settings.added_registries, self.force_demo);
        let first = self.registries.is_empty();
        self.set_registries(specs);
        let mut out = Vec::new();
        if first {
            let saved = saved.filter(|l| {
                l.registry
                    .as_ref()
                    .is_some_and(|k| self.registry(k).is_some())
            });
            out.extend(self.visit(saved.unwrap_or_else(|| self.location.clone())));
        }
        let idle: Vec<RegistryKey> = self
            .registries
            .iter()
            .filter(|r| matches!(r.repositories, Requested::Idle))
            .map(|r| r.spec.key())
            .collect();
        for key in idle {
            out.extend(self.load_registry(&key));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::message::{BrowseCommand, Command};

    fn requests(f: &[FollowUp]) -> Vec<&Command> {
        f.iter()
            .filter_map(|x| match x {
                FollowUp::Request(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn opening_a_repository_loads_its_images_once() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let f = st.select_repository(Some("web".into()));
        assert!(
            matches!(requests(&f)[..], [Command::Browse(BrowseCommand::Images(r))] if r.name == "web")
        );
        st.started(1, requests(&f)[0]);
        assert!(requests(&st.select_repository(Some("web".into()))).is_empty());
    }

    #[test]
    fn back_and_forward_follow_the_history() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a"), spec("b")]);
        st.visit(st.location.clone());
        st.select_registry(spec("b").key());
        st.select_repository(Some("x".into()));
        st.back();
        assert_eq!(st.location.registry, Some(spec("b").key()));
        assert_eq!(st.location.repository, None);
        st.back();
        assert_eq!(st.location.registry, Some(spec("a").key()));
        st.forward();
        assert_eq!(st.location.registry, Some(spec("b").key()));
    }

    #[test]
    fn a_place_in_a_removed_registry_is_ignored() {
        let mut st = AppState::default();
        st.set_registries(vec![spec("a")]);
        let f = st.go_to(Location {
            registry: Some(spec("gone").key()),
            repository: Some("x".into()),
            image: None,
        });
        assert!(f.is_empty());
        assert_eq!(st.location.registry, Some(spec("a").key()));
    }

    #[test]
    fn rebuild_restores_the_saved_place_and_loads_every_registry() {
        let mut st = AppState {
            discovery: Some(crate::model::Discovery {
                profiles: vec![
                    crate::model::DiscoveredProfile {
                        name: "a".into(),
                        region: Some("us-east-1".into()),
                        sso: false,
                    },
                    crate::model::DiscoveredProfile {
                        name: "b".into(),
                        region: Some("us-east-1".into()),
                        sso: false,
                    },
                ],
                ..Default::default()
            }),
            ..AppState::default()
        };
        let saved = Location {
            registry: Some(spec("b").key()),
            repository: Some("web".into()),
            image: None,
        };
        let f = st.rebuild_registries(Some(saved.clone()));
        assert_eq!(st.location, saved);
        let loads = requests(&f)
            .iter()
            .filter(|c| matches!(c, Command::Browse(BrowseCommand::Repositories(_))))
            .count();
        assert_eq!(loads, 2);
        assert!(
            requests(&f)
                .iter()
                .any(|c| matches!(c, Command::Browse(BrowseCommand::Images(r)) if r.name == "web"))
        );
        let _ = repo("unused");
    }
}
