//! Tidy checks: the invariants of docs/architecture.md, checked by a program rather than by hope.

use std::fs;
use std::path::{Path, PathBuf};

/// Crates that touch files, the clock or the environment; ticket-domain must depend on none of them.
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

/// What ticket-domain's sources may not mention: the file system, the environment, the clock.
const DOMAIN_BANNED: &[&str] = &[
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
    domain_is_pure(root, &mut problems);
    test_support_stays_dev_only(root, &mut problems);
    store_named_by_app_and_wiring_only(root, &mut problems);
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
        let in_domain = rel.starts_with("crates/ticket-domain/");
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
            if in_domain {
                let grouped_io =
                    line.contains("std::{") && (line.contains("fs") || line.contains("env"));
                if grouped_io {
                    problems.push(format!("{}: ticket-domain does no I/O, but this line imports fs or env; pass it in through a port", at()));
                }
                for banned in DOMAIN_BANNED {
                    if line.contains(banned) {
                        problems.push(format!("{}: ticket-domain does no I/O, but this line uses `{banned}`; pass it in through a port", at()));
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

/// ticket-domain's manifest may not name a crate that touches files.
fn domain_is_pure(root: &Path, problems: &mut Vec<String>) {
    let manifest = root.join("crates/ticket-domain/Cargo.toml");
    let text = fs::read_to_string(&manifest).unwrap_or_default();
    let mut in_deps = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(table) = trimmed.strip_prefix("[dependencies.") {
            let name = table.trim_end_matches(']');
            if FILE_TOUCHING.contains(&name) {
                problems.push(format!(
                    "crates/ticket-domain/Cargo.toml: `{name}` touches files; ticket-domain must stay pure (docs/architecture.md)"
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
        let name = trimmed.split(['=', '.', ' ']).next().unwrap_or("");
        if FILE_TOUCHING.contains(&name) {
            problems.push(format!(
                "crates/ticket-domain/Cargo.toml: `{name}` touches files; ticket-domain must stay pure (docs/architecture.md)"
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

/// Crates that may depend on the local adapter: the app layer (the use cases), the doctor (it
/// checks the layout the adapter owns) and the binaries' wiring. Everything else goes through
/// ticket-app or the port.
const STORE_USERS: &[&str] = &["ticket-app", "ticket-doctor", "ticket-cli"];

/// Only the app layer and main wiring name `ticket-store-local`: no other crate's manifest lists
/// it, and in ticket-cli only `src/main.rs` (its wiring) may name `ticket_store_local`.
fn store_named_by_app_and_wiring_only(root: &Path, problems: &mut Vec<String>) {
    let Ok(crates) = fs::read_dir(root.join("crates")) else {
        return;
    };
    for entry in crates.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "ticket-store-local" || STORE_USERS.contains(&name.as_str()) {
            continue;
        }
        let manifest = entry.path().join("Cargo.toml");
        let text = fs::read_to_string(&manifest).unwrap_or_default();
        let mut section = String::new();
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.to_owned();
            } else if line.starts_with("ticket-store-local") && section == "[dependencies]" {
                problems.push(format!(
                    "crates/{name}/Cargo.toml: only {} may depend on ticket-store-local; drive ticket-app (or the port) instead",
                    STORE_USERS.join(", ")
                ));
            }
        }
    }
    for file in rust_files(root) {
        let rel = file.strip_prefix(root).unwrap_or(&file);
        let in_cli = rel.starts_with("crates/ticket-cli/src");
        if !in_cli || rel == Path::new("crates/ticket-cli/src/main.rs") {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap_or_default();
        if let Some(n) = text.lines().position(|l| l.contains("ticket_store_local")) {
            problems.push(format!(
                "{}:{}: only the CLI's wiring (src/main.rs) may name ticket_store_local; call ticket-app's use cases",
                rel.display(),
                n + 1
            ));
        }
    }
}
