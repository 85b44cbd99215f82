//! Helpers for this workspace's tests: where the shared real corpus is (and its texts), writable
//! copies of trees, snapshots of a root's bytes, and the fuzzing runner with its memory figure.
//!
//! Dev-only: no shipped crate depends on it. It panics with a message on any I/O failure, as a
//! test should. Tests and benches of the pure crates (ticket-domain, ticket-format) get their I/O
//! here, so their own sources name none.

pub mod conformance;
pub mod roles;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

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

/// Every real ticket's item.md and thread.md texts (statuses in list order), when both read;
/// empty, after the skip notice, when the corpus is absent.
pub fn corpus_texts() -> Vec<(String, String)> {
    let Some(root) = corpus() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for status in ["open", "pending", "closed"] {
        let Ok(entries) = fs::read_dir(root.join(status)) else {
            continue;
        };
        for e in entries.flatten() {
            if let (Ok(item), Ok(thread)) = (
                fs::read_to_string(e.path().join("item.md")),
                fs::read_to_string(e.path().join("thread.md")),
            ) {
                out.push((item, thread));
            }
        }
    }
    out
}

/// Runs `test` over `strategy` for the configured number of cases (`PROPTEST_CASES`, proptest's
/// default 256 otherwise) and prints `fuzz: <target>: N cases, ...`, the line `cargo xtask stress`
/// collects. Panics on a failing case or when the process's peak RSS passes 1 GiB.
pub fn fuzz<S: Strategy>(
    target: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    let cases = Cell::new(0u64);
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |value| {
        cases.set(cases.get() + 1);
        test(value)
    });
    if let Err(e) = result {
        panic!("fuzz {target}: {e}");
    }
    let peak = peak_rss_kib();
    println!(
        "fuzz: {target}: {} cases, 0 panics, peak RSS of the test process {} MiB, {:.1} s",
        cases.get(),
        peak / 1024,
        started.elapsed().as_secs_f64()
    );
    assert!(
        peak < 1024 * 1024,
        "{target}: peak RSS {peak} KiB is over 1 GiB"
    );
}

/// The process's peak resident set (`VmHWM`), 0 where /proc is absent.
pub fn peak_rss_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        })
        .unwrap_or(0)
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
