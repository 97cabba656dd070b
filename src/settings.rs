//! The one persisted settings struct. Registries the user added, layout and
//! preferences; never credentials, tokens or secrets (profile names only).

use serde::{Deserialize, Serialize};

use crate::model::{RegistryKey, RegistrySpec};
use crate::state::{ImageSort, RepoSort};

/// eframe storage key.
pub const KEY: &str = "ecrscope.settings";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemePref {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Registries added in the app (profile + region + endpoint + id).
    pub added_registries: Vec<RegistrySpec>,
    pub selected_registry: Option<RegistryKey>,
    pub selected_repository: Option<String>,
    pub repo_sort: RepoSort,
    pub image_sort: ImageSort,
    /// Auto-refresh interval in seconds, by registry key (absent = off).
    pub auto_refresh: std::collections::BTreeMap<String, u64>,
    pub theme: ThemePref,
    /// Requests in flight per registry.
    pub max_in_flight: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            added_registries: Vec::new(),
            selected_registry: None,
            selected_repository: None,
            repo_sort: RepoSort::default(),
            image_sort: ImageSort::default(),
            auto_refresh: std::collections::BTreeMap::new(),
            theme: ThemePref::System,
            max_in_flight: 8,
        }
    }
}

/// What loading found.
#[derive(Debug, PartialEq)]
pub enum Loaded {
    Fresh(Settings),
    Restored(Settings),
    /// The stored text did not parse: defaults, and the reason to tell the user.
    Corrupt(Settings, String),
}

impl Settings {
    /// Parses stored settings text (RON, as eframe stores it). A file that
    /// does not parse gives defaults and a message, never a failed start.
    pub fn from_stored(text: Option<&str>) -> Loaded {
        match text {
            None => Loaded::Fresh(Self::default()),
            Some(t) => match ron::from_str::<Self>(t) {
                Ok(s) => Loaded::Restored(s.sanitized()),
                Err(e) => Loaded::Corrupt(
                    Self::default(),
                    format!(
                        "The saved settings could not be read ({e}); ecrscope started with defaults."
                    ),
                ),
            },
        }
    }

    pub fn to_stored(&self) -> String {
        ron::to_string(self).unwrap_or_default()
    }

    /// Drops entries that would break the next start.
    fn sanitized(mut self) -> Self {
        self.added_registries.retain(|r| {
            crate::validate::region(&r.region).is_ok()
                && r.endpoint
                    .as_deref()
                    .is_none_or(|e| crate::validate::endpoint_url(e).is_ok())
                && r.registry_id
                    .as_deref()
                    .is_none_or(|i| crate::validate::registry_id(i).is_ok())
        });
        self.max_in_flight = self.max_in_flight.clamp(1, 64);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RegistrySource;

    #[test]
    fn round_trip_and_corruption() {
        let mut s = Settings::default();
        s.added_registries.push(RegistrySpec {
            profile: Some("dev".into()),
            region: "eu-west-1".into(),
            endpoint: Some("http://127.0.0.1:5000".into()),
            registry_id: Some("123456789012".into()),
            source: RegistrySource::Added,
        });
        let text = s.to_stored();
        assert_eq!(Settings::from_stored(Some(&text)), Loaded::Restored(s));
        assert!(
            matches!(Settings::from_stored(Some("{{{not ron")), Loaded::Corrupt(_, m) if m.contains("defaults"))
        );
        assert!(matches!(Settings::from_stored(None), Loaded::Fresh(_)));
    }

    #[test]
    fn invalid_entries_are_dropped_on_load() {
        let mut s = Settings::default();
        s.added_registries.push(RegistrySpec {
            profile: None,
            region: "nowhere".into(),
            endpoint: None,
            registry_id: None,
            source: RegistrySource::Added,
        });
        s.max_in_flight = 0;
        let Loaded::Restored(back) = Settings::from_stored(Some(&s.to_stored())) else {
            panic!("should parse")
        };
        assert!(back.added_registries.is_empty());
        assert_eq!(back.max_in_flight, 1);
    }

    #[test]
    fn settings_hold_no_secret_fields() {
        let text = Settings::default().to_stored().to_ascii_lowercase();
        for word in ["secret", "password", "token", "access_key"] {
            assert!(!text.contains(word), "{word}");
        }
    }
}
