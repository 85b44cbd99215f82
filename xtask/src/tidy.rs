//! Tidy checks: the invariants of docs/architecture.md, checked by a program rather than by hope.

use std::fs;
use std::path::{Path, PathBuf};

/// The crates that do no I/O (docs/architecture.md): their manifests name no crate of
/// [`FILE_TOUCHING`] among their dependencies, and their sources (tests and benches included) use
/// nothing of [`PURE_BANNED`]; what they need comes in as values or through a port.
const PURE_CRATES: &[&str] = &["ticket-domain", "ticket-format"];

/// Crates that touch files, the clock or the environment; no pure crate may depend on them.
const FILE_TOUCHING: &[&str] = &[
    "ticket-store-local",
    "ticket-doctor",
    "ticket-cli",
    "fd-lock",
    "atomicwrites",
    "tempfile",
    "camino",
    "gray_matter",
    "walkdir",
];

/// What the pure crates' sources may not mention: the file system, the environment, the clock,
/// other processes.
const PURE_BANNED: &[&str] = &[
    "std::fs",
    "std::env",
    "SystemTime",
    "now_utc",
    "std::process",
];

/// What library crates may not do: print or exit (ticket-cli is the only crate that does).
const LIBRARY_BANNED: &[&str] = &[
    concat!("println", "!("),
    concat!("eprintln", "!("),
    concat!("print", "!("),
    concat!("process::", "exit"),
];

pub fn check(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    for name in PURE_CRATES {
        manifest_is_pure(root, name, &mut problems);
    }
    test_support_stays_dev_only(root, &mut problems);
    for file in rust_files(root) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        let rel = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let is_crate_root = file.ends_with("src/lib.rs") || file.ends_with("src/main.rs");
        if is_crate_root && !text.starts_with("//!") {
            problems.push(format!(
                "{rel}: a crate root must start with a `//!` doc saying what the crate is for"
            ));
        }
        let pure = PURE_CRATES
            .iter()
            .find(|name| rel.starts_with(&format!("crates/{name}/")));
        // ticket-cli prints by design; ticket-test-support is dev-only and prints skip notices.
        let in_library = rel.starts_with("crates/")
            && !rel.starts_with("crates/ticket-cli/")
            && !rel.starts_with("crates/ticket-test-support/")
            && rel.contains("/src/");
        for (n, line) in text.lines().enumerate() {
            let at = || format!("{rel}:{}", n + 1);
            if line.contains(concat!("dbg", "!(")) {
                problems.push(format!("{}: remove the stray dbg! call", at()));
            }
            if let Some(name) = pure {
                let grouped_io =
                    line.contains("std::{") && (line.contains("fs") || line.contains("env"));
                if grouped_io {
                    problems.push(format!("{}: {name} does no I/O, but this line imports fs or env; pass in what it needs (the text, or a port)", at()));
                }
                for banned in PURE_BANNED {
                    if line.contains(banned) {
                        problems.push(format!("{}: {name} does no I/O, but this line uses `{banned}`; pass in what it needs (the text, or a port)", at()));
                    }
                }
            }
            if in_library {
                for banned in LIBRARY_BANNED {
                    if line.contains(banned) {
                        problems.push(format!("{}: only ticket-cli prints or exits, but this line uses `{banned}`; return the value or an error instead", at()));
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        println!("== tidy: ok");
        Ok(())
    } else {
        for p in &problems {
            eprintln!("tidy: {p}");
        }
        Err(format!("tidy: {} problem(s)", problems.len()))
    }
}

/// No crate under crates/ may list ticket-test-support outside `[dev-dependencies]`.
fn test_support_stays_dev_only(root: &Path, problems: &mut Vec<String>) {
    let Ok(crates) = fs::read_dir(root.join("crates")) else {
        return;
    };
    for entry in crates.flatten() {
        let manifest = entry.path().join("Cargo.toml");
        let text = fs::read_to_string(&manifest).unwrap_or_default();
        let mut section = String::new();
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.to_owned();
            } else if line.starts_with("ticket-test-support") && section != "[dev-dependencies]" {
                problems.push(format!(
                    "{}: ticket-test-support is for tests only; list it under [dev-dependencies]",
                    manifest.strip_prefix(root).unwrap_or(&manifest).display()
                ));
            }
        }
    }
}

/// A pure crate's manifest may not name a crate that touches files among its dependencies.
fn manifest_is_pure(root: &Path, name: &str, problems: &mut Vec<String>) {
    let rel = format!("crates/{name}/Cargo.toml");
    let manifest = root.join(&rel);
    let Ok(text) = fs::read_to_string(&manifest) else {
        problems.push(format!(
            "{rel}: cannot read it, so cannot check that {name} stays pure"
        ));
        return;
    };
    let mut in_deps = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(table) = trimmed.strip_prefix("[dependencies.") {
            let dep = table.trim_end_matches(']');
            if FILE_TOUCHING.contains(&dep) {
                problems.push(format!(
                    "{rel}: `{dep}` touches files; {name} must stay pure (docs/architecture.md)"
                ));
            }
            in_deps = false;
            continue;
        }
        if trimmed.starts_with('[') {
            in_deps = trimmed == "[dependencies]";
            continue;
        }
        if !in_deps {
            continue;
        }
        let dep = trimmed.split(['=', '.', ' ']).next().unwrap_or("");
        if FILE_TOUCHING.contains(&dep) {
            problems.push(format!(
                "{rel}: `{dep}` touches files; {name} must stay pure (docs/architecture.md)"
            ));
        }
    }
}

fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("crates"), root.join("xtask")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
