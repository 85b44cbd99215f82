//! `fix`: missing or empty artifacts/ and leftover temporary files are repaired; nothing else in
//! the tree changes.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use ticket_doctor::{Fix, Options, Report};

use crate::support::{CLOSED, OPEN, PENDING, check, copy_tree, corpus, fixture, show, snapshot};

const FIX: Options = Options {
    fix: true,
    max_per_code: 20,
    lock_timeout: Duration::from_secs(10),
};

fn fix(root: &Path) -> Report {
    ticket_doctor::run(root, &FIX).expect("the lock is free")
}

fn fixable_codes() -> [&'static str; 3] {
    ["missing-artifacts", "artifacts-empty", "leftover-temp"]
}

/// Breaks `root` in every fixable way plus one unfixable way; returns the snapshot the fix must
/// produce.
fn break_and_expect(root: &Path, open: &str, pending: Option<&str>) -> BTreeMap<String, Vec<u8>> {
    fs::remove_dir_all(root.join(open).join("artifacts")).expect("rm artifacts");
    if let Some(pending) = pending {
        fs::remove_file(root.join(pending).join("artifacts/.gitkeep")).expect("rm gitkeep");
    }
    // Unfixable: must stay exactly as it is.
    let item = root.join(open).join("item.md");
    let text = fs::read_to_string(&item).expect("read");
    fs::write(&item, text.replacen("status: open", "status: pending", 1)).expect("write");
    let mut expected = snapshot(root);
    expected.insert(format!("{open}/artifacts/"), Vec::new());
    expected.insert(format!("{open}/artifacts/.gitkeep"), Vec::new());
    if let Some(pending) = pending {
        expected.insert(format!("{pending}/artifacts/.gitkeep"), Vec::new());
    }
    fs::create_dir_all(root.join(".tmp/ticket-new-x")).expect("mkdir tmp");
    fs::write(root.join(".tmp/ticket-abc"), "half").expect("tmp file");
    fs::write(root.join(".tmp/ticket-new-x/item.md"), "half").expect("tmp file");
    fs::create_dir(root.join(open).join(".atomicwrite1")).expect("mkdir");
    fs::write(root.join(open).join(".atomicwrite1/thread.md"), "half").expect("write");
    fs::write(root.join("tickets-sh.ids.99"), "x").expect("write");
    expected
}

#[test]
fn fix_repairs_exactly_the_fixable_and_nothing_else() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    let expected = break_and_expect(&root, OPEN, Some(PENDING));

    let before = check(&root);
    for code in fixable_codes() {
        assert!(before.diagnostics.iter().any(|d| d.code == code), "{code}");
    }
    assert!(!before.ok());

    let report = fix(&root);
    let mut fixed = report.fixed.clone();
    fixed.sort();
    let r = |rel: String| root.join(rel);
    let mut want = vec![
        Fix::Artifacts(r(format!("{OPEN}/artifacts/.gitkeep"))),
        Fix::Gitkeep(r(format!("{PENDING}/artifacts/.gitkeep"))),
        Fix::Leftover(r(".tmp/ticket-abc".into())),
        Fix::Leftover(r(".tmp/ticket-new-x".into())),
        Fix::Leftover(r(format!("{OPEN}/.atomicwrite1"))),
        Fix::Leftover(r("tickets-sh.ids.99".into())),
    ];
    want.sort();
    assert_eq!(fixed, want);
    // Re-checked after fixing: the fixed problems are gone, the unfixable one stays.
    for code in fixable_codes() {
        assert!(
            !report.diagnostics.iter().any(|d| d.code == code),
            "{}",
            show(&report)
        );
    }
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "status-mismatch")
    );
    assert!(!report.ok());
    assert_eq!(snapshot(&root), expected);

    // A second fix has nothing left to do.
    assert!(fix(&root).fixed.is_empty());
}

#[test]
fn fix_on_a_clean_tree_touches_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    let before = snapshot(&root);
    let report = fix(&root);
    assert!(report.fixed.is_empty() && report.diagnostics.is_empty());
    assert_eq!(snapshot(&root), before);
    assert!(
        !root.join(".lock").exists(),
        "no lock taken when nothing needs fixing"
    );
}

#[test]
fn fix_never_writes_through_a_link() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    let outside = tmp.path().join("outside-ticket");
    copy_tree(&root.join(CLOSED), &outside);
    fs::remove_dir_all(outside.join("artifacts")).expect("rm");
    fs::remove_dir_all(root.join(CLOSED)).expect("rm");
    std::os::unix::fs::symlink(&outside, root.join(CLOSED)).expect("symlink");
    let report = fix(&root);
    assert!(report.fixed.is_empty(), "{:?}", report.fixed);
    assert!(!outside.join("artifacts").exists());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "symlink-outside-root")
    );
}

#[test]
fn fix_in_the_corpus() {
    let Some(source) = corpus() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("work-items");
    copy_tree(&source, &root);
    let open = fs::read_dir(root.join("open"))
        .expect("open dir")
        .filter_map(Result::ok)
        .map(|e| format!("open/{}", e.file_name().to_string_lossy()))
        .min()
        .expect("an open ticket");
    let expected = break_and_expect(&root, &open, None);
    let report = fix(&root);
    assert_eq!(report.fixed.len(), 5, "{:?}", report.fixed);
    assert_eq!(snapshot(&root), expected);
    assert_eq!(report.errors(), 1, "{}", show(&report)); // the status mismatch
}

#[test]
fn fix_leaves_directories_without_item_md_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    let junk = root.join("open/not-a-ticket");
    fs::create_dir(&junk).expect("mkdir");
    fs::write(junk.join("notes.txt"), "x").expect("write");
    let report = fix(&root);
    assert!(report.fixed.is_empty(), "{:?}", report.fixed);
    assert!(!junk.join("artifacts").exists());
    assert!(report.diagnostics.iter().any(|d| d.code == "missing-item"));
}

#[test]
fn fix_fails_with_the_lock_error_when_a_writer_holds_the_lock() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = fixture(tmp.path());
    fs::remove_file(root.join(PENDING).join("artifacts/.gitkeep")).expect("rm gitkeep");
    let before = snapshot(&root);
    let (held, release) = (
        std::sync::mpsc::channel::<()>(),
        std::sync::mpsc::channel::<()>(),
    );
    let writer = {
        let root = root.clone();
        let (held, release) = (held.0, release.1);
        std::thread::spawn(move || {
            ticket_store_local::fsio::with_lock(&root, Duration::from_secs(5), || {
                held.send(()).expect("signal");
                release.recv().expect("wait");
                Ok(())
            })
        })
    };
    held.1.recv().expect("the writer holds the lock");
    let options = Options {
        lock_timeout: Duration::from_millis(200),
        ..FIX
    };
    let started = std::time::Instant::now();
    let result = ticket_doctor::run(&root, &options);
    let waited = started.elapsed();
    // A check without fix takes no lock, so it runs while the writer holds it.
    let checked = ticket_doctor::run(&root, &Options::default()).expect("check");
    release.0.send(()).expect("release");
    writer.join().expect("writer").expect("writer's lock");
    assert!(
        matches!(result, Err(ticket_domain::BackendError::Locked { .. })),
        "{result:?}"
    );
    assert!(waited < Duration::from_secs(2), "waited {waited:?}");
    assert_eq!(snapshot(&root), before, "nothing fixed");
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code == "artifacts-empty")
    );
    assert_eq!(fix(&root).fixed.len(), 1, "fixed once the lock is free");
}
