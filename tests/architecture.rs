//! The house rules the compiler cannot check by itself, checked on the
//! source:
//!
//! - No catch-all arm (`_ =>`, or a bare binding such as `other =>`) in a
//!   match over the message enums: `UiAction`, `Command`, `Payload`,
//!   `Event` and every feature's part of them. A variant added to a feature
//!   must fail to compile until every router and the feature handle it; a
//!   catch-all would let it compile and silently do nothing (in the worker,
//!   a request that never answers).
//! - The routers only delegate: each top-level enum is matched in its
//!   router with one arm per feature.
//! - The modal scaffold names no dialog (each dialog registers itself by
//!   implementing `Dialog`).
//! - No file that draws (names `egui`) over 600 lines, wherever its
//!   feature keeps it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).expect("readable source");
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The message enums: the top-level ones and every enum their files and
/// the features' `actions.rs` define.
fn message_enums() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&src().join("message"), &mut files);
    files.push(src().join("ui/action.rs"));
    for entry in std::fs::read_dir(src()).expect("src") {
        let actions = entry.expect("entry").path().join("actions.rs");
        if actions.is_file() {
            files.push(actions);
        }
    }
    let mut names = BTreeSet::new();
    for f in files {
        for item in parse(&f).items {
            if let syn::Item::Enum(e) = item {
                let name = e.ident.to_string();
                // Payload-adjacent data enums (ImageChange, RepoChange, …)
                // are data, not messages: only the vocabulary's own enums.
                if ["Command", "Payload", "Action"]
                    .iter()
                    .any(|s| name.ends_with(s))
                {
                    names.insert(name);
                }
            }
        }
    }
    names.insert("Event".into());
    names
}

/// Whether a pattern names one of `enums` anywhere in it.
fn names_enum(pat: &syn::Pat, enums: &BTreeSet<String>) -> bool {
    struct Finder<'a> {
        enums: &'a BTreeSet<String>,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_path(&mut self, p: &'ast syn::Path) {
            if p.segments
                .iter()
                .any(|s| self.enums.contains(&s.ident.to_string()))
            {
                self.found = true;
            }
            syn::visit::visit_path(self, p);
        }
    }
    let mut f = Finder {
        enums,
        found: false,
    };
    f.visit_pat(pat);
    f.found
}

/// An arm that takes whatever the others did not.
fn is_catch_all(arm: &syn::Arm) -> bool {
    arm.guard.is_none()
        && match &arm.pat {
            syn::Pat::Wild(_) => true,
            syn::Pat::Ident(i) => i.subpat.is_none(),
            _ => false,
        }
}

struct Matches<'a> {
    enums: &'a BTreeSet<String>,
    file: String,
    func: String,
    found: Vec<String>,
}

impl<'ast> Visit<'ast> for Matches<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let outer = std::mem::replace(&mut self.func, f.sig.ident.to_string());
        syn::visit::visit_item_fn(self, f);
        self.func = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let outer = std::mem::replace(&mut self.func, f.sig.ident.to_string());
        syn::visit::visit_impl_item_fn(self, f);
        self.func = outer;
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        let over_messages = m.arms.iter().any(|a| names_enum(&a.pat, self.enums));
        if over_messages && m.arms.iter().any(is_catch_all) {
            self.found
                .push(format!("{} in fn {}", self.file, self.func));
        }
        syn::visit::visit_expr_match(self, m);
    }
}

#[test]
fn no_catch_all_arm_over_the_message_enums() {
    let enums = message_enums();
    // The vocabulary is what the check is about: make sure it was found.
    for expected in [
        "UiAction",
        "Command",
        "Payload",
        "BrowseCommand",
        "BrowsePayload",
        "BrowseAction",
        "ShellAction",
    ] {
        assert!(enums.contains(expected), "{expected} not found: {enums:?}");
    }
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut found = Vec::new();
    for f in &files {
        let mut v = Matches {
            enums: &enums,
            file: f.strip_prefix(src()).unwrap_or(f).display().to_string(),
            func: String::new(),
            found: Vec::new(),
        };
        v.visit_file(&parse(f));
        found.extend(v.found);
    }
    assert!(
        found.is_empty(),
        "a catch-all arm in a match over the message enums (match every variant, so a new one fails to compile until it is handled):\n{}",
        found.join("\n")
    );
}

/// The check above finds what it is meant to find.
#[test]
fn the_check_sees_a_catch_all() {
    let enums: BTreeSet<String> = ["BrowseCommand".to_owned()].into();
    let bad = syn::parse_file(
        "fn route(c: BrowseCommand) { match c { BrowseCommand::Discover => {} other => drop(other) } }",
    )
    .expect("parses");
    let good = syn::parse_file(
        "fn accessor(r: Requested) -> bool { match r { Requested::Ready(_) => true, _ => false } }",
    )
    .expect("parses");
    for (file, expect) in [(bad, 1), (good, 0)] {
        let mut v = Matches {
            enums: &enums,
            file: "test".into(),
            func: String::new(),
            found: Vec::new(),
        };
        v.visit_file(&file);
        assert_eq!(v.found.len(), expect, "{:?}", v.found);
    }
}

/// The routers hand every variant to its feature: one arm per variant of
/// the top-level enum, each a call.
#[test]
fn routers_only_delegate() {
    for (file, func, enum_name) in [
        ("app/handler.rs", "handle", "UiAction"),
        ("state/apply.rs", "apply", "Payload"),
        ("state/loads.rs", "started", "Command"),
        ("worker/mod.rs", "run", "Command"),
        ("message/mod.rs", "failed_payloads", "Command"),
    ] {
        let ast = parse(&src().join(file));
        struct Find<'a> {
            func: &'a str,
            enum_name: &'a str,
            current: String,
            arms: Vec<usize>,
        }
        impl<'ast> Visit<'ast> for Find<'_> {
            fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
                let outer = std::mem::replace(&mut self.current, f.sig.ident.to_string());
                syn::visit::visit_impl_item_fn(self, f);
                self.current = outer;
            }
            fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
                let outer = std::mem::replace(&mut self.current, f.sig.ident.to_string());
                syn::visit::visit_item_fn(self, f);
                self.current = outer;
            }
            fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
                let top = m.arms.iter().all(|a| match &a.pat {
                    syn::Pat::TupleStruct(t) => t
                        .path
                        .segments
                        .first()
                        .is_some_and(|s| s.ident == self.enum_name),
                    _ => false,
                });
                if self.current == self.func && top {
                    self.arms.push(m.arms.len());
                }
                syn::visit::visit_expr_match(self, m);
            }
        }
        let mut f = Find {
            func,
            enum_name,
            current: String::new(),
            arms: Vec::new(),
        };
        f.visit_file(&ast);
        assert_eq!(
            f.arms.len(),
            1,
            "{file}: fn {func} matches {enum_name} by feature once"
        );
        // Eight features for commands and payloads (plus Crashed), eleven
        // parts of UiAction.
        assert!(f.arms[0] >= 8, "{file}: {} arms", f.arms[0]);
    }
}

#[test]
fn the_modal_scaffold_names_no_dialog() {
    let text = std::fs::read_to_string(src().join("ui/modal.rs")).expect("modal.rs");
    for form in [
        "add_registry",
        "bulk",
        "copy_images",
        "create_repository",
        "palette",
        "pull_through",
        "push_commands",
        "reencrypt",
        "repo_settings",
        "scanning_config",
        "help",
        "preferences",
    ] {
        assert!(
            !text.contains(&format!("{form}::")),
            "ui/modal.rs names the {form} dialog: dialogs register by implementing Dialog"
        );
    }
}

#[test]
fn no_ui_file_over_600_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut drawing = 0;
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).expect("source");
            if !text.contains("egui::") && !text.contains("use egui") {
                return None;
            }
            drawing += 1;
            let n = text.lines().count();
            (n > 600).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(drawing > 30, "the views were found ({drawing})");
    assert!(long.is_empty(), "{}", long.join("\n"));
}
