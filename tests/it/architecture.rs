//! Which way the modules' arrows run: plumbing (the gate, page plumbing, mail and the leaf
//! modules) never names a feature, and no feature names the assembly (`router`,
//! `startup`). Features register what plumbing needs instead (`csrf::Routes`, say).
use std::path::PathBuf;

use crate::harness::{rust_files, source_dir};

const FEATURES: &[&str] = &[
    "tickets",
    "chat",
    "live",
    "kb",
    "reports",
    "agents",
    "departments",
    "profile",
    "notifications",
    "settings",
    "signup",
    "billing",
];
const ASSEMBLY: &[&str] = &["router", "startup"];
const PLUMBING_DIRS: &[&str] = &["web", "mail", "auth"];
const LEAVES: &[&str] = &[
    "config",
    "error",
    "format",
    "i18n",
    "input",
    "crypto",
    "clock",
    "workspace",
];

/// The top-level modules of the crate that `code` names: `crate::x`, and the `x` of each
/// item of a `use crate::{x, y::z}` group. Comments are left out.
fn named_modules(code: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut names = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items of the group, nested groups skipped by depth.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.push(std::mem::take(&mut item));
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 && c != '}' {
                    item.push(c);
                }
            }
            names.push(item);
        } else {
            names.push(rest.to_owned());
        }
    }
    names
        .iter()
        .map(|name| {
            name.trim()
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// `file` paired with each module of `forbidden` it names.
fn offences(files: Vec<PathBuf>, forbidden: &[&str]) -> Vec<String> {
    files
        .into_iter()
        .flat_map(|file| {
            let code = std::fs::read_to_string(&file).unwrap();
            let file = file
                .strip_prefix(source_dir())
                .unwrap()
                .display()
                .to_string();
            named_modules(&code)
                .into_iter()
                .filter(|name| forbidden.contains(&name.as_str()))
                .map(move |name| format!("{file} names {name}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn plumbing_never_names_a_feature() {
    let mut files: Vec<PathBuf> = PLUMBING_DIRS
        .iter()
        .flat_map(|dir| rust_files(&source_dir().join(dir)))
        .collect();
    for leaf in LEAVES {
        files.push(source_dir().join(format!("{leaf}.rs")));
        let dir = source_dir().join(leaf);
        if dir.is_dir() {
            files.extend(rust_files(&dir));
        }
    }
    assert_eq!(offences(files, FEATURES), Vec::<String>::new());
}

#[test]
fn no_feature_names_the_assembly() {
    let files = FEATURES
        .iter()
        .flat_map(|feature| rust_files(&source_dir().join(feature)))
        .collect();
    assert_eq!(offences(files, ASSEMBLY), Vec::<String>::new());
}

#[test]
fn the_check_sees_every_way_of_naming_a_module() {
    let code = "use crate::{\n    AppError, billing::{self, Plan},\n    chat,\n};\n\
                let x = crate::profile::Theme::Dark; // crate::kb in a comment\n";
    assert_eq!(
        named_modules(code),
        ["AppError", "billing", "chat", "profile"]
    );
}
