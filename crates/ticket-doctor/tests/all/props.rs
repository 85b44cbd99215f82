//! Never a panic, always a bounded report: random and truncated item.md and thread.md.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use ticket_doctor::{Code, Options};

use crate::support::{OPEN, fixture};

const MAX: usize = 2;

fn bound() -> usize {
    Code::ALL.len() * (MAX + 1)
}

fn run_with(root: &Path, item: &[u8], thread: &[u8]) -> ticket_doctor::Report {
    let dir = root.join(OPEN);
    fs::write(dir.join("item.md"), item).expect("write item");
    fs::write(dir.join("thread.md"), thread).expect("write thread");
    ticket_doctor::run(
        root,
        &Options {
            max_per_code: MAX,
            ..Options::default()
        },
    )
    .expect("a check without fix takes no lock")
}

fn check_bounded(report: &ticket_doctor::Report) -> Result<(), TestCaseError> {
    prop_assert!(report.diagnostics.len() <= bound());
    for code in Code::ALL {
        let n = report
            .diagnostics
            .iter()
            .filter(|d| d.code == code.as_str())
            .count();
        prop_assert!(n <= MAX + 1, "{code}: {n}");
    }
    prop_assert!(report.errors() + report.warnings() >= report.diagnostics.len());
    Ok(())
}

/// Bytes that look a little like the format, so parsers get past their first line.
fn formatish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"---\n".to_vec()),
        Just(b"id: x\n".to_vec()),
        Just(b"labels: [a, \"b\n".to_vec()),
        Just(b"labels:\n  - a\n".to_vec()),
        Just(b"created_at: 2026-13-01T00:00:00Z\n".to_vec()),
        Just(b"title: \"\\u12\"\n".to_vec()),
        Just(b"<!-- event: review author: a at: 2026-01-01T00:00:00Z -->\n".to_vec()),
        Just(b"<!-- event: x author: a at: T refs: a=%z -->\n".to_vec()),
        Just(b"<!-- event:\n".to_vec()),
        Just(b"<<<<<<< HEAD\n".to_vec()),
        Just(b"\r\n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec(piece, 0..30).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_bytes_never_panic(item in formatish(), thread in formatish()) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = fixture(tmp.path());
        check_bounded(&run_with(&root, &item, &thread))?;
    }

    #[test]
    fn truncated_files_never_panic(cut_item in 0usize..2000, cut_thread in 0usize..2000) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = fixture(tmp.path());
        let dir = root.join(OPEN);
        let item = fs::read(dir.join("item.md")).expect("item");
        let thread = fs::read(dir.join("thread.md")).expect("thread");
        let item = &item[..cut_item.min(item.len())];
        let thread = &thread[..cut_thread.min(thread.len())];
        check_bounded(&run_with(&root, item, thread))?;
    }
}

#[test]
fn a_flood_is_summarised_per_code() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("work-items");
    for n in 0..30 {
        let dir = root.join(format!("open/20260101-0000{n:02}-t"));
        fs::create_dir_all(dir.join("artifacts")).expect("mkdir");
        fs::write(dir.join("artifacts/.gitkeep"), "").expect("gitkeep");
        fs::write(dir.join("item.md"), "not frontmatter\n").expect("item");
    }
    fs::create_dir_all(root.join("pending")).expect("mkdir");
    fs::create_dir_all(root.join("closed")).expect("mkdir");
    let report = ticket_doctor::run(&root, &Options::default()).expect("check");
    let threads: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "missing-thread")
        .collect();
    assert_eq!(threads.len(), 21);
    assert_eq!(
        threads[20].message,
        "... and 10 more missing-thread problem(s)"
    );
    assert_eq!(threads[20].path, None);
    // 30 tickets x (thread + opener + 11 fields + status) = 420 errors, all counted.
    assert_eq!(report.errors(), 30 * 14);
    assert!(report.diagnostics.len() <= Code::ALL.len() * 21);
}
