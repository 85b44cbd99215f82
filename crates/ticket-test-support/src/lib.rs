//! Helpers for this workspace's tests: where the shared real corpus is, writable copies of trees,
//! and snapshots of a root's bytes.
//!
//! Dev-only: no shipped crate depends on it. It panics with a message on any I/O failure, as a
//! test should.

pub mod conformance;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The shared real corpus (`<repo>/../shared/corpus/yoi-749b3f3a/work-items`, read-only), or
/// `None` after printing `skip: ...` when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/yoi-749b3f3a/work-items");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skip: real corpus absent ({}); its tests do nothing",
            dir.display()
        );
        None
    }
}

/// A writable copy of a tree (the corpus is read-only).
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create copy root");
    for entry in fs::read_dir(from).expect("read source dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::write(&target, fs::read(entry.path()).expect("read file")).expect("write copy");
        }
    }
}

/// Every entry under `root` (relative path -> bytes; directories end with `/`), the lock file
/// and the derived slug index `.index/` left out: neither holds ticket data.
pub fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot_where(root, |rel| rel != ".lock" && !is_index(rel))
}

/// [`snapshot`] without the writers' scratch directory `.tmp/` either.
pub fn snapshot_without_scratch(root: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot_where(root, |rel| {
        rel != ".lock" && !rel.starts_with(".tmp") && !is_index(rel)
    })
}

fn is_index(rel: &str) -> bool {
    rel == ".index" || rel.starts_with(".index/")
}

fn snapshot_where(root: &Path, keep: impl Fn(&str) -> bool) -> BTreeMap<String, Vec<u8>> {
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
            if !keep(&rel) {
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
