//! The app's own "save as" for desktops that show no save dialog (no XDG
//! desktop portal with a file chooser, no zenity): a path field, checked
//! next to the field before anything is written, prefilled with the
//! Downloads folder and the file name the desktop dialog would have offered.

use std::path::{Path, PathBuf};

use super::modal::{self, Dialog, DialogCx, Footer, Frame, Outcome};
use super::style::icon;
use super::{ShellAction, widgets};

#[derive(Debug)]
pub struct SavePathDialog {
    title: String,
    pub path: String,
    home: Option<PathBuf>,
    /// The check of `path` (and whether that file exists), redone only when
    /// the text changes: it reads the file system, not a thing to do every
    /// frame on the UI thread.
    checked: Option<(String, Result<PathBuf, String>, bool)>,
}

impl SavePathDialog {
    pub fn new(title: &str, file_name: &str, folder: Option<PathBuf>) -> Self {
        let path = folder.map_or_else(
            || file_name.to_owned(),
            |f| f.join(file_name).display().to_string(),
        );
        Self {
            title: title.to_owned(),
            path,
            home: directories::UserDirs::new().map(|d| d.home_dir().to_path_buf()),
            checked: None,
        }
    }
}

/// The file `text` names, or why it cannot be written there. `~/` is the
/// home folder; anything else must be a full path (a relative one would
/// land wherever the app happened to start).
pub fn check_save_path(text: &str, home: Option<&Path>) -> Result<PathBuf, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Type where to save the file.".into());
    }
    if text.contains('\0') {
        return Err("A path cannot contain a NUL character.".into());
    }
    let path = match (text.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        (Some(_), None) => return Err("There is no home folder to start ~/ from.".into()),
        (None, _) => PathBuf::from(text),
    };
    if !path.is_absolute() {
        return Err("Give a full path, starting with / or ~/.".into());
    }
    if text.ends_with('/') || path.is_dir() {
        return Err("That is a folder: add a file name.".into());
    }
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Err("Give a file name inside a folder.".into());
    };
    if !parent.is_dir() {
        return Err(format!("The folder {} does not exist.", parent.display()));
    }
    Ok(path)
}

impl Dialog for SavePathDialog {
    fn show(&mut self, cx: &mut DialogCx<'_>) -> bool {
        if self
            .checked
            .as_ref()
            .is_none_or(|(text, ..)| *text != self.path)
        {
            let checked = check_save_path(&self.path, self.home.as_deref());
            let replaces = checked.as_ref().is_ok_and(|p| p.exists());
            self.checked = Some((self.path.clone(), checked, replaces));
        }
        let (checked, replaces) = self
            .checked
            .as_ref()
            .map_or((Err(String::new()), false), |(_, c, r)| (c.clone(), *r));
        let outcome = modal::modal_ui(
            cx.ctx,
            cx.first,
            Frame {
                id: "save_path",
                title: &self.title,
                target: None,
                width: 560.0,
                top: None,
            },
            Footer {
                confirm: Some((icon::EXPORT, "Save", checked.is_ok())),
                dismiss: "Cancel",
            },
            |ui| {
                ui.label(
                    "This desktop shows no save dialog (no XDG desktop portal with a file \
                     chooser, and no zenity). Type where to save the file.",
                );
                ui.add_space(super::style::GAP);
                let r =
                    widgets::labelled_text(ui, "Save to", &mut self.path, "/path/to/file", 520.0);
                if cx.first {
                    r.request_focus();
                }
                let note = if replaces {
                    "A file of that name exists: saving replaces it."
                } else {
                    "The file is written beside its final name, then renamed into place."
                };
                widgets::field_note(ui, checked.as_ref().err().map(String::as_str), note);
            },
        );
        match (outcome, checked) {
            (Outcome::Confirmed, Ok(path)) => {
                cx.actions.push(ShellAction::SaveTo(path).into());
                false
            }
            (Outcome::Confirmed, Err(_)) | (Outcome::Open, _) => true,
            (Outcome::Dismissed, _) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_before_anything_is_written() {
        let dir = tempfile::tempdir().expect("dir");
        let home = dir.path();
        std::fs::create_dir(home.join("out")).expect("mkdir");
        let ok = |t: &str| check_save_path(t, Some(home));
        assert_eq!(ok("~/out/a.csv"), Ok(home.join("out/a.csv")));
        let full = home.join("out/b.sarif");
        assert_eq!(ok(&format!("  {}  ", full.display())), Ok(full));
        // Multi-byte names are names.
        assert!(ok("~/out/läger-報告.json").is_ok());
        for (bad, says) in [
            ("", "Type where"),
            ("   ", "Type where"),
            ("out/a.csv", "full path"),
            ("~/out", "folder"),
            ("~/out/", "folder"),
            ("~/missing/a.csv", "does not exist"),
            ("~/out/a\0.csv", "NUL"),
        ] {
            let e = ok(bad).expect_err(bad);
            assert!(e.contains(says), "{bad:?}: {e}");
        }
        assert!(
            check_save_path("~/a.csv", None)
                .expect_err("no home")
                .contains("home")
        );
    }
}
