//! The one persisted settings struct, held once (in the state) and written
//! to a file of its own: registries the user added, the last place, sort
//! orders, theme, preferences. Never credentials, tokens or secrets (profile
//! names only).
//!
//! `actions.rs`: the preferences the user changes; `preferences_dialog.rs`:
//! the window they are changed in.

pub mod actions;
pub mod preferences_dialog;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{RegistryKey, RegistrySpec};

/// The key under which earlier versions kept the settings in eframe's
/// storage (read once, when no settings file exists yet).
pub const LEGACY_KEY: &str = "ecrscope.settings";

/// How times are shown: "3 days ago", or the date and time.
/// The tables whose columns the user can hide; the persisted key of each
/// table's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Repositories,
    Images,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TimeStyle {
    #[default]
    Relative,
    Absolute,
}

/// Which clock dates and times are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Clock {
    #[default]
    Utc,
    Local,
}

/// Zoom limits (Ctrl+= / Ctrl+- / Ctrl+0, and the preference).
pub const ZOOM_MIN: f32 = 0.7;
pub const ZOOM_MAX: f32 = 2.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemePref {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum RepoColumn {
    #[default]
    Name,
    Created,
    Mutability,
    Encryption,
    ScanOnPush,
    /// Image count, known for repositories opened so far.
    Images,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RepoSort {
    pub column: RepoColumn,
    pub ascending: bool,
}

impl Default for RepoSort {
    fn default() -> Self {
        Self {
            column: RepoColumn::Name,
            ascending: true,
        }
    }
}

impl RepoSort {
    /// Clicking a header: same column flips the order, another column sorts
    /// ascending by it.
    pub fn clicked(self, column: RepoColumn) -> Self {
        if self.column == column {
            Self {
                column,
                ascending: !self.ascending,
            }
        } else {
            Self {
                column,
                ascending: true,
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ImageColumn {
    Tags,
    Digest,
    Size,
    #[default]
    Pushed,
    LastPull,
    Type,
    Status,
    Critical,
    High,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageSort {
    pub column: ImageColumn,
    pub ascending: bool,
}

impl Default for ImageSort {
    /// Newest first, as people look for the latest push.
    fn default() -> Self {
        Self {
            column: ImageColumn::Pushed,
            ascending: false,
        }
    }
}

impl ImageSort {
    pub fn clicked(self, column: ImageColumn) -> Self {
        if self.column == column {
            Self {
                column,
                ascending: !self.ascending,
            }
        } else {
            // Numbers and dates read best largest/newest first.
            let ascending = matches!(
                column,
                ImageColumn::Tags | ImageColumn::Digest | ImageColumn::Type | ImageColumn::Status
            );
            Self { column, ascending }
        }
    }
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
    #[serde(with = "text_keys")]
    pub auto_refresh: std::collections::BTreeMap<RegistryKey, u64>,
    pub theme: ThemePref,
    /// Requests in flight per registry.
    pub max_in_flight: usize,
    /// Columns the user hid, by table (absent: the defaults for the width).
    #[serde(with = "text_keys")]
    pub hidden_columns: std::collections::BTreeMap<Table, std::collections::BTreeSet<String>>,
    /// Interface zoom (1.0 = 100 %).
    pub zoom: f32,
    pub time_style: TimeStyle,
    pub clock: Clock,
    /// The standard storage price per GB-month a person entered (`None`:
    /// the table's, see `ecr_core::cost`).
    pub storage_price: Option<f64>,
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
            hidden_columns: std::collections::BTreeMap::new(),
            zoom: 1.0,
            time_style: TimeStyle::Relative,
            clock: Clock::Utc,
            storage_price: None,
        }
    }
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Self::Repositories => "repositories",
            Self::Images => "images",
        }
    }
}

/// Typed map keys stored as the plain text they were before they had types,
/// so settings files written by earlier versions still load, and a key
/// this version does not know (a table of a later version) is skipped, not
/// a reason to throw the whole file away.
mod text_keys {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{RegistryKey, Table};

    pub trait TextKey: Sized + Ord {
        fn text(&self) -> String;
        fn from_text(text: String) -> Option<Self>;
    }

    impl TextKey for RegistryKey {
        fn text(&self) -> String {
            self.0.clone()
        }
        fn from_text(text: String) -> Option<Self> {
            Some(Self(text))
        }
    }

    impl TextKey for Table {
        fn text(&self) -> String {
            self.name().to_owned()
        }
        fn from_text(text: String) -> Option<Self> {
            [Self::Repositories, Self::Images]
                .into_iter()
                .find(|t| t.name() == text)
        }
    }

    pub fn serialize<K: TextKey, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let texts: BTreeMap<String, &V> = map.iter().map(|(k, v)| (k.text(), v)).collect();
        texts.serialize(s)
    }

    pub fn deserialize<'de, K: TextKey, V: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<K, V>, D::Error> {
        let texts = BTreeMap::<String, V>::deserialize(d)?;
        Ok(texts
            .into_iter()
            .filter_map(|(k, v)| Some((K::from_text(k)?, v)))
            .collect())
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
    /// Parses stored settings text (RON). A file that does not parse gives
    /// defaults and a message, never a failed start.
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
        ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).unwrap_or_default()
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

/// Where the settings live on disk, and what was last written there.
#[derive(Debug)]
pub struct SettingsFile {
    path: PathBuf,
    /// The text last read or written: unchanged settings are not written
    /// again (eframe asks to save every 30 s).
    last: Option<String>,
}

/// The settings file of this user: `~/.config/ecrscope/settings.ron` on
/// Linux (`XDG_CONFIG_HOME` honoured), the platform's config folder
/// elsewhere.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "ecrscope").map(|d| d.config_dir().join("settings.ron"))
}

impl SettingsFile {
    pub fn new(path: PathBuf) -> Self {
        Self { path, last: None }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file. One that cannot be parsed is kept: renamed with a
    /// suffix beside the original (never overwritten), and the message says
    /// where it went.
    pub fn load(&mut self) -> Loaded {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Loaded::Fresh(Settings::default());
            }
            Err(e) => {
                return Loaded::Corrupt(
                    Settings::default(),
                    format!(
                        "The settings file {} could not be read ({e}); ecrscope started with defaults and will not change it.",
                        self.path.display()
                    ),
                );
            }
        };
        match Settings::from_stored(Some(&text)) {
            Loaded::Corrupt(defaults, why) => {
                let kept = self.keep_unreadable();
                let msg = match kept {
                    Ok(to) => format!("{why} The unreadable file was kept as {}.", to.display()),
                    Err(e) => format!("{why} (It could not be set aside: {e}.)"),
                };
                Loaded::Corrupt(defaults, msg)
            }
            other => {
                self.last = Some(text);
                other
            }
        }
    }

    /// Renames the unreadable file to `settings.ron.unreadable-<secs>`.
    fn keep_unreadable(&self) -> std::io::Result<PathBuf> {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let name = self.path.file_name().map_or_else(
            || "settings.ron".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        let to = self
            .path
            .with_file_name(format!("{name}.unreadable-{secs}"));
        std::fs::rename(&self.path, &to)?;
        Ok(to)
    }

    /// Writes the settings if they changed since the last read or write,
    /// replacing the file (a failed write leaves the old one intact).
    pub fn save(&mut self, settings: &Settings) -> std::io::Result<()> {
        let text = settings.to_stored();
        if self.last.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        crate::platform::files::write_replacing(&self.path, text.as_bytes())?;
        self.last = Some(text);
        Ok(())
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

    /// Files written before the keys had types still load, and say the
    /// same when written again; a table this version does not know is
    /// skipped.
    #[test]
    fn typed_keys_read_and_write_the_old_text() {
        let old = r#"(auto_refresh: {"profile:dev/eu-west-1": 60}, hidden_columns: {"repositories": ["created"], "later": ["x"]})"#;
        let Loaded::Restored(s) = Settings::from_stored(Some(old)) else {
            panic!("an old file loads");
        };
        assert_eq!(
            s.auto_refresh
                .get(&RegistryKey("profile:dev/eu-west-1".into())),
            Some(&60)
        );
        assert_eq!(
            s.hidden_columns.get(&Table::Repositories).map(|c| c.len()),
            Some(1)
        );
        assert_eq!(s.hidden_columns.len(), 1, "the unknown table is skipped");
        let text = s.to_stored();
        assert!(text.contains(r#""profile:dev/eu-west-1": 60"#), "{text}");
        assert!(text.contains(r#""repositories""#), "{text}");
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
    fn an_unreadable_file_is_kept_and_never_overwritten_by_defaults() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("settings.ron");
        std::fs::write(&p, "{{{ not ron").expect("seed");
        let mut f = SettingsFile::new(p.clone());
        let Loaded::Corrupt(_, msg) = f.load() else {
            panic!("corrupt")
        };
        assert!(msg.contains("unreadable-"), "{msg}");
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(kept.len(), 1);
        assert!(kept[0].starts_with("settings.ron.unreadable-"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(&kept[0])).expect("read"),
            "{{{ not ron"
        );
        // Saving now writes a fresh file beside the kept one.
        f.save(&Settings::default()).expect("save");
        assert!(matches!(SettingsFile::new(p).load(), Loaded::Restored(_)));
    }

    #[test]
    fn settings_hold_no_secret_fields() {
        let text = Settings::default().to_stored().to_ascii_lowercase();
        for word in ["secret", "password", "token", "access_key"] {
            assert!(!text.contains(word), "{word}");
        }
    }
}
