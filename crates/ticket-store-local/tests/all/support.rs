//! Helpers shared by the tests: scratch roots, fixed clocks, the real corpus, tree snapshots.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ticket_domain::{FixedClock, TicketIdOrSlug, Timestamp};
use ticket_store_local::LocalTicketBackend;

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("test timestamps are valid")
}

pub fn q(s: &str) -> TicketIdOrSlug {
    TicketIdOrSlug::new(s).expect("valid query")
}

pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(ts("2026-11-24T10:00:00Z"), "777"))
}

pub fn backend(root: &Path, clock: Arc<FixedClock>) -> LocalTicketBackend {
    LocalTicketBackend::new(root, clock)
}

/// The shared real corpus, or `None` with a printed notice when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/yoi-749b3f3a/work-items");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skip: real corpus absent ({}); corpus tests do nothing",
            dir.display()
        );
        None
    }
}

/// A writable copy of a directory tree.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create copy root");
    for entry in fs::read_dir(from).expect("read source dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
            let mut perms = fs::metadata(&target).expect("metadata").permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            fs::set_permissions(&target, perms).expect("make writable");
        }
    }
}

/// Every file under `root` (relative path -> bytes), lock and scratch left out.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            let rel = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            if rel == ".lock" || rel.starts_with(".tmp") {
                continue;
            }
            if path.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                stack.push(path);
            } else {
                out.insert(rel, fs::read(&path).expect("read file"));
            }
        }
    }
    out
}

/// Lines that differ between two texts of the same line count, as (old, new) pairs.
pub fn changed_lines(a: &str, b: &str) -> Vec<(String, String)> {
    assert_eq!(
        a.lines().count(),
        b.lines().count(),
        "line count changed:\n{a}\n---\n{b}"
    );
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_owned(), y.to_owned()))
        .collect()
}
