//! Tidy checks: the invariants of docs/architecture.md, checked by a program rather than by hope.

use std::fs;
use std::path::{Path, PathBuf};

use ticket_store_local::layout;

/// The crates that do no I/O (docs/architecture.md): their manifests name no crate of
/// [`FILE_TOUCHING`] among their dependencies, and their sources (tests and benches included) use
/// nothing of [`PURE_BANNED`]; what they need comes in as values or through a port.
const PURE_CRATES: &[&str] = &[
    "ticket-domain",
    "ticket-format",
    "ticket-fmt-orchestr8",
    "ticket-fmt-ushabti",
    "ticket-fmt-aticket",
];

/// The other trackers' adapters are narrow (docs/architecture.md): each may depend on these
/// crates only. The pure ones see the domain and the format; the one that does I/O on SQLite
/// sees its pure sibling, the seam it implements, and SQLite, never the store.
const FORMAT_CRATES: &[(&str, &[&str])] = &[
    (
        "ticket-fmt-orchestr8",
        &["ticket-domain", "ticket-format", "snafu"],
    ),
    (
        "ticket-fmt-ushabti",
        &["ticket-domain", "ticket-format", "snafu"],
    ),
    ("ticket-fmt-aticket", &["ticket-domain", "ticket-format"]),
    (
        "ticket-fmt-aticket-db",
        &[
            "ticket-domain",
            "ticket-format",
            "ticket-fmt-aticket",
            "rusqlite",
            "snafu",
            "tempfile",
        ],
    ),
];

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
    "rusqlite",
    "ticket-fmt-aticket-db",
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

/// Every name `ticket_store_local::layout` owns: the doctor asks for them, never spells them.
fn layout_names() -> Vec<&'static str> {
    let mut names = layout::STATUS_DIRS.to_vec();
    names.extend([
        layout::ITEM,
        layout::THREAD,
        layout::RESOLUTION,
        layout::ARTIFACTS,
        layout::GITKEEP,
        layout::LOCK_FILE,
        layout::TMP_DIR,
        layout::INDEX_DIR,
        layout::INDEX_STAMP,
        layout::INDEX_GITIGNORE,
        layout::INDEX_TMP_PREFIX,
        layout::INDEX_NAMES,
        layout::SEARCH_DIR,
        layout::TMP_FILE_PREFIX,
        layout::SCRATCH_DIR_PREFIX,
        layout::LEASES_DIR,
    ]);
    names.extend(layout::LEFTOVER_PREFIXES);
    names
}

pub fn check(root: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    for name in PURE_CRATES {
        manifest_is_pure(root, name, &mut problems);
    }
    test_support_stays_dev_only(root, &mut problems);
    git_adapter_knows_no_tickets(root, &mut problems);
    for (name, allowed) in FORMAT_CRATES {
        format_crate_is_narrow(root, name, allowed, &mut problems);
    }
    store_named_by_app_and_wiring_only(root, &mut problems);
    crate::codes::check(root, &mut problems);
    let names = layout_names();
    for file in rust_files(root) {
        let text = fs::read_to_string(&file).unwrap_or_default();
        let rel = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        if rel.starts_with("crates/ticket-doctor/src/") {
            doctor_asks_layout(&rel, &text, &names, &mut problems);
        }
        if rel.starts_with("crates/ticket-search/src/") {
            search_knows_no_layout(&rel, &text, &names, &mut problems);
        }
        if rel.starts_with("crates/ticket-app/src/") {
            app_does_no_io(&rel, &text, &mut problems);
        }
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
            let writes_tickets = rel.starts_with("crates/ticket-store-local/src/")
                || rel.starts_with("crates/ticket-app/src/");
            if writes_tickets
                && rel != "crates/ticket-store-local/src/fsio.rs"
                && line.contains(concat!("Builder", "::new()"))
                && text.contains("tempfile")
                && !line.trim_start().starts_with("//")
            {
                let tempdir_follows = text.lines().skip(n).take(4).any(|l| l.contains("tempdir"));
                if !tempdir_follows {
                    problems.push(format!("{}: a file written here gets tempfile's 0600; create it through ticket_store_local::fsio::new_file (0666 less the umask, as tickets.sh leaves it)", at()));
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

/// What ticket-app's sources may not use: it is the use cases, and adapters do its I/O (the
/// store, ticket-git, the format adapters).
const APP_BANNED: &[&str] = &["std::fs", "std::process", "std::env", "SystemTime"];

/// The one place ticket-app reads the environment: its settings (the variables, the host's
/// name, the process id).
const APP_SETTINGS: &str = "crates/ticket-app/src/settings.rs";

/// ticket-app does no I/O of its own: no file system, process, environment or clock, but in
/// its settings (the environment, read once).
fn app_does_no_io(rel: &str, text: &str, problems: &mut Vec<String>) {
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let grouped = rel != APP_SETTINGS
            && line.contains("std::{")
            && ["fs", "env", "process"].iter().any(|m| line.contains(m));
        let banned = APP_BANNED
            .iter()
            .filter(|b| !(rel == APP_SETTINGS && **b != "SystemTime"))
            .find(|b| line.contains(**b));
        if let Some(banned) = banned
            .copied()
            .or(grouped.then_some("std::{fs, env, process}"))
        {
            problems.push(format!(
                "{rel}:{}: ticket-app does no I/O of its own, but this line uses `{banned}`; ask an adapter (ticket-store-local, ticket-git, a format crate) or take it from the settings",
                n + 1
            ));
        }
    }
}

/// The doctor spells no name of the layout: a string literal (plain, byte or raw) that is one of
/// `names`, or a path of them (`"artifacts/.gitkeep"`, `"artifacts/"`), is refused. Prose that
/// mentions a name (`"missing item.md: ..."`) and comments are fine.
fn doctor_asks_layout(rel: &str, text: &str, names: &[&str], problems: &mut Vec<String>) {
    for (at, literal) in string_literals(text) {
        let bare = literal.strip_suffix('/').unwrap_or(literal);
        if !bare.is_empty() && bare.split('/').all(|part| names.contains(&part)) {
            let line = 1 + text[..at].matches('\n').count();
            problems.push(format!(
                "{rel}:{line}: the doctor spells the layout name \"{literal}\"; use the constant or helper of ticket_store_local::layout"
            ));
        }
    }
}

/// ticket-search knows no layout: it gets keys, stamps and a directory from its caller. No
/// string literal of its sources is a file or directory name of the layout or a path of them
/// (the doctor's check, less the status names, which are also status values, and `stamp`,
/// which is also a field of its index), and it names neither `ticket_store_local` nor
/// `layout::`.
fn search_knows_no_layout(rel: &str, text: &str, names: &[&str], problems: &mut Vec<String>) {
    let files: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !layout::STATUS_DIRS.contains(n) && *n != layout::INDEX_STAMP)
        .collect();
    let mut found = Vec::new();
    doctor_asks_layout(rel, text, &files, &mut found);
    problems.extend(found.into_iter().map(|p| {
        p.replace(
            "the doctor spells the layout name",
            "ticket-search spells the layout name",
        )
        .replace(
            "; use the constant or helper of ticket_store_local::layout",
            "; the caller (ticket-app) passes keys, stamps and the index directory",
        )
    }));
    for (n, line) in text.lines().enumerate() {
        if line.contains("ticket_store_local") || line.contains("layout::") {
            problems.push(format!(
                "{rel}:{}: ticket-search knows no layout; take what it needs from the caller",
                n + 1
            ));
        }
    }
}

/// The string literals of Rust source (plain, byte and raw), each with the byte offset where it
/// starts; comments and character literals are skipped. Enough of a lexer for tidy.
fn string_literals(text: &str) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let is_ident = |k: usize| b[k].is_ascii_alphanumeric() || b[k] == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'\'' => {
                // A character literal (`'x'`, `'\''`, `'\u{1F600}'`), or a lifetime.
                if b.get(i + 1) == Some(&b'\\') {
                    i += 3;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    let len = text[i + 1..].chars().next().map_or(0, char::len_utf8);
                    i += if b.get(i + 1 + len) == Some(&b'\'') {
                        len + 2
                    } else {
                        1
                    };
                }
            }
            b'r' if (i == 0
                || !is_ident(i - 1)
                || (b[i - 1] == b'b' && (i < 2 || !is_ident(i - 2))))
                && matches!(b.get(i + 1), Some(b'"' | b'#')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let open = i + 1 + hashes;
                if b.get(open) != Some(&b'"') {
                    i += 1; // a raw identifier, `r#type`
                    continue;
                }
                let close: String = std::iter::once('"')
                    .chain("#".repeat(hashes).chars())
                    .collect();
                let start = open + 1;
                let end = text[start..].find(&close).map_or(b.len(), |k| start + k);
                out.push((i, &text[start..end]));
                i = end + close.len();
            }
            b'"' => {
                let start = i + 1;
                let mut k = start;
                while k < b.len() && b[k] != b'"' {
                    k += if b[k] == b'\\' { 2 } else { 1 };
                }
                let end = k.min(b.len());
                out.push((i, &text[start..end]));
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// No crate under crates/ may list ticket-test-support outside `[dev-dependencies]`.
fn test_support_stays_dev_only(root: &Path, problems: &mut Vec<String>) {
    for (name, deps) in crate_manifests(root) {
        if deps
            .iter()
            .any(|(table, dep)| dep == "ticket-test-support" && table != "dev-dependencies")
        {
            problems.push(format!(
                "crates/{name}/Cargo.toml: ticket-test-support is for tests only; list it under [dev-dependencies]"
            ));
        }
    }
}

/// ticket-git is an adapter over git alone: no ticket crate among its dependencies.
fn git_adapter_knows_no_tickets(root: &Path, problems: &mut Vec<String>) {
    for (name, deps) in crate_manifests(root) {
        if name != "ticket-git" {
            continue;
        }
        for (table, dep) in deps {
            if table == "dependencies" && dep.starts_with("ticket-") {
                problems.push(format!(
                    "crates/ticket-git/Cargo.toml: `{dep}` is a ticket crate; the git adapter knows nothing of tickets (docs/architecture.md)"
                ));
            }
        }
    }
}

/// Every crate under crates/ with the dependencies its manifest lists, as (table, crate):
/// `dependencies`, `dev-dependencies`, ... (`[dependencies.foo]` counts as `dependencies`).
fn crate_manifests(root: &Path) -> Vec<(String, Vec<(String, String)>)> {
    let Ok(crates) = fs::read_dir(root.join("crates")) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<(String, String)>)> = crates
        .flatten()
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = fs::read_to_string(entry.path().join("Cargo.toml")).unwrap_or_default();
            (name, dependencies(&text))
        })
        .collect();
    out.sort();
    out
}

/// The dependencies a manifest lists, as (table, crate).
fn dependencies(manifest: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut table = String::new();
    for line in manifest.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            match header.split_once('.') {
                // `[dependencies.foo]`: the crate is named by the header itself.
                Some((t, dep)) if t.ends_with("dependencies") => {
                    out.push((t.to_owned(), dep.to_owned()));
                    table.clear();
                }
                _ => table = header.to_owned(),
            }
            continue;
        }
        if table.ends_with("dependencies") && !line.is_empty() && !line.starts_with('#') {
            let dep = line.split(['=', '.', ' ']).next().unwrap_or("");
            out.push((table.clone(), dep.to_owned()));
        }
    }
    out
}
/// A pure crate's manifest may not name a crate that touches files among its dependencies.
fn manifest_is_pure(root: &Path, name: &str, problems: &mut Vec<String>) {
    let rel = format!("crates/{name}/Cargo.toml");
    let Ok(text) = fs::read_to_string(root.join(&rel)) else {
        problems.push(format!(
            "{rel}: cannot read it, so cannot check that {name} stays pure"
        ));
        return;
    };
    for (table, dep) in dependencies(&text) {
        if table == "dependencies" && FILE_TOUCHING.contains(&dep.as_str()) {
            problems.push(format!(
                "{rel}: `{dep}` touches files; {name} must stay pure (docs/architecture.md)"
            ));
        }
    }
}

/// A format adapter's `[dependencies]` name only the crates it is allowed.
fn format_crate_is_narrow(root: &Path, name: &str, allowed: &[&str], problems: &mut Vec<String>) {
    let rel = format!("crates/{name}/Cargo.toml");
    let Ok(text) = fs::read_to_string(root.join(&rel)) else {
        problems.push(format!(
            "{rel}: cannot read it, so cannot check that {name} stays narrow"
        ));
        return;
    };
    for (table, dep) in dependencies(&text) {
        if table == "dependencies" && !allowed.contains(&dep.as_str()) {
            problems.push(format!(
                "{rel}: `{dep}` is not among what {name} may use ({}); a format adapter stays narrow (docs/architecture.md)",
                allowed.join(", ")
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
    for (name, deps) in crate_manifests(root) {
        let uses_store = deps
            .iter()
            .any(|(table, dep)| dep == "ticket-store-local" && table == "dependencies");
        if uses_store && name != "ticket-store-local" && !STORE_USERS.contains(&name.as_str()) {
            problems.push(format!(
                "crates/{name}/Cargo.toml: only {} may depend on ticket-store-local; drive ticket-app (or the port) instead",
                STORE_USERS.join(", ")
            ));
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

#[cfg(test)]
mod tests {
    use super::{doctor_asks_layout, layout_names, string_literals};

    #[test]
    fn manifests_list_their_dependencies() {
        let manifest = "[package]\nname = \"x\"\n\n[dependencies]\na = \"1\"\nb.workspace = true\n# c\n\n[dependencies.d]\nversion = \"1\"\n\n[dev-dependencies]\ne = { version = \"1\" }\n[lints]\nworkspace = true\n";
        let deps = super::dependencies(manifest);
        let want = [
            ("dependencies", "a"),
            ("dependencies", "b"),
            ("dependencies", "d"),
            ("dev-dependencies", "e"),
        ];
        assert_eq!(
            deps,
            want.map(|(t, d)| (t.to_owned(), d.to_owned())).to_vec()
        );
    }

    #[test]
    fn literals_are_found_and_comments_and_chars_skipped() {
        let src = concat!(
            "let a = \"one\"; // \"not this\"\n",
            "/* \"nor this\" */ let q = b'\"'; let e = b'\\''; let l: &'static str = b\"two\\\"x\";\n",
            "let r = r#\"three \"quoted\"\"#; let i = r#type; let br = br\"four\";",
        );
        let found: Vec<&str> = string_literals(src).into_iter().map(|(_, s)| s).collect();
        assert_eq!(found, ["one", "two\\\"x", "three \"quoted\"", "four"]);
    }

    #[test]
    fn io_in_the_app_is_refused() {
        let mut problems = Vec::new();
        for (file, line) in [
            (
                "crates/ticket-app/src/edit.rs",
                "let t = std::fs::read(p)?;",
            ),
            ("crates/ticket-app/src/new.rs", "use std::fs;"),
            (
                "crates/ticket-app/src/new.rs",
                "use std::{env, path::Path};",
            ),
            (
                "crates/ticket-app/src/read.rs",
                "let n = std::process::id();",
            ),
            ("crates/ticket-app/src/settings.rs", "SystemTime::now()"),
            ("crates/ticket-app/src/view.rs", "SystemTime::now()"),
        ] {
            super::app_does_no_io(file, line, &mut problems);
        }
        assert_eq!(problems.len(), 6, "{problems:?}");
        problems.clear();
        for (file, line) in [
            ("crates/ticket-app/src/settings.rs", "std::env::var(name)"),
            (
                "crates/ticket-app/src/settings.rs",
                "std::fs::read_to_string(p)",
            ),
            (
                "crates/ticket-app/src/edit.rs",
                "// std::fs is not used here",
            ),
            (
                "crates/ticket-app/src/edit.rs",
                "use ticket_store_local::fsio;",
            ),
        ] {
            super::app_does_no_io(file, line, &mut problems);
        }
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn layout_names_are_refused_and_prose_is_not() {
        let names = layout_names();
        let mut problems = Vec::new();
        let planted = [
            "p.join(\"item.md\")",
            "b\"thread.md\" => x",
            "d.join(\"artifacts/.gitkeep\")",
            "s == \"closed\"",
            "n == \".tmp\"",
            "x(\"artifacts/\")",
        ];
        for line in planted {
            doctor_asks_layout("f.rs", line, &names, &mut problems);
        }
        assert_eq!(problems.len(), planted.len(), "{problems:?}");
        problems.clear();
        for line in [
            "format!(\"missing item.md: {dir}\")",
            "\"artifacts/ is empty, so git will not keep it: {}\"",
            "// p.join(\"item.md\")",
            "\"closed-without-resolution\"",
        ] {
            doctor_asks_layout("f.rs", line, &names, &mut problems);
        }
        assert!(problems.is_empty(), "{problems:?}");
    }
}
