//! Corrupt input gives a diagnostic with path and line, never a panic, and never hides the others.

use std::fs;

use proptest::prelude::*;
use ticket_domain::{BackendError, ListFilter, NewTicket, TicketBackend};

use crate::support::{backend, clock, q};

const GOOD_THREAD: &str = "<!-- event: create author: tickets.sh at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nx\n\n---\n";

fn item(fields: &str) -> String {
    format!("---\n{fields}---\nbody\n")
}

const FIELDS: &str = "id: 20260101-000000-bad\nslug: bad\ntitle: Bad\nstatus: open\nkind: task\npriority: P2\nlabels: []\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nassignee: null\nlegacy_ticket: null\n";

/// (what, item.md, thread.md, expected line of the diagnostic)
fn cases() -> Vec<(&'static str, String, String, usize)> {
    vec![
        ("no opener", FIELDS.to_owned(), GOOD_THREAD.into(), 1),
        (
            "no closing",
            format!("---\n{FIELDS}"),
            GOOD_THREAD.into(),
            1,
        ),
        (
            "bad timestamp",
            item(&FIELDS.replace("created_at: 2026-01-01T00:00:00Z", "created_at: yesterday")),
            GOOD_THREAD.into(),
            9,
        ),
        (
            "missing id",
            item(&FIELDS.replace("id: 20260101-000000-bad\n", "")),
            GOOD_THREAD.into(),
            12,
        ),
        (
            "id with a slash",
            item(&FIELDS.replace("id: 20260101-000000-bad", "id: ../../etc")),
            GOOD_THREAD.into(),
            2,
        ),
        (
            "unclosed list",
            item(&FIELDS.replace("labels: []", "labels: [a, b")),
            GOOD_THREAD.into(),
            8,
        ),
        (
            "header without -->",
            item(FIELDS),
            format!("{GOOD_THREAD}\n<!-- event: comment author: a at: 2026-01-01T00:00:00Z\n\nx\n"),
            9,
        ),
        (
            "header without at",
            item(FIELDS),
            format!("{GOOD_THREAD}\n<!-- event: comment author: a -->\n"),
            9,
        ),
        (
            "bad event time",
            item(FIELDS),
            format!("{GOOD_THREAD}\n<!-- event: comment author: a at: soon -->\n"),
            9,
        ),
    ]
}

#[test]
fn each_corruption_is_located() {
    for (what, item_md, thread_md, line) in cases() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("work-items");
        let b = backend(&root, clock());
        b.create(NewTicket::new("Healthy")).expect("create");
        let bad = root.join("open/20260101-000000-bad");
        fs::create_dir_all(&bad).expect("mkdir");
        fs::write(bad.join("item.md"), &item_md).expect("item");
        fs::write(bad.join("thread.md"), &thread_md).expect("thread");
        let diags = b.doctor().expect("doctor runs");
        assert_eq!(diags.len(), 1, "{what}: {diags:#?}");
        let d = &diags[0];
        assert!(
            d.path
                .as_deref()
                .is_some_and(|p| p.contains("20260101-000000-bad")),
            "{what}: {d:?}"
        );
        assert_eq!(d.line, Some(line), "{what}: {}", d.message);
        let listing = b.list(&ListFilter::default()).expect("list");
        assert!(
            listing.tickets.iter().any(|t| t.slug.as_str() == "healthy"),
            "{what}: others still list"
        );
        match b.show(&q("20260101-000000-bad")) {
            Err(BackendError::Corrupt { line: Some(l), .. }) => assert_eq!(l, line, "{what}"),
            Err(BackendError::NotFound { .. }) => {}
            other => panic!("{what}: expected a located error, got {other:?}"),
        }
    }
}

/// Quotes that do not decode are read as raw text, as tickets.sh reads them: the ticket lists.
#[test]
fn undecodable_quotes_read_raw() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    let bad = root.join("open/20260101-000000-bad");
    fs::create_dir_all(&bad).expect("mkdir");
    let fields = FIELDS
        .replace("title: Bad", "title: \"Foo\" vs \"Bar\"")
        .replace("kind: task", "kind: 'tis");
    fs::write(bad.join("item.md"), item(&fields)).expect("item");
    fs::write(bad.join("thread.md"), GOOD_THREAD).expect("thread");
    let t = backend(&root, clock()).show(&q("bad")).expect("reads");
    assert_eq!(
        (t.title.as_str(), t.kind.as_str()),
        ("\"Foo\" vs \"Bar\"", "'tis")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Arbitrary bytes, or a valid ticket cut anywhere, never panic a reader.
    #[test]
    fn arbitrary_files_never_panic(junk in prop::collection::vec(any::<u8>(), 0..400), cut in 0usize..600) {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("work-items");
        let b = backend(&root, clock());
        let t = b.create(NewTicket::new("Victim")).expect("create");
        let ticket_dir = root.join("open").join(t.id.as_str());
        let item = fs::read(ticket_dir.join("item.md")).expect("item");
        fs::write(ticket_dir.join("item.md"), &item[..cut.min(item.len())]).expect("cut");
        fs::write(ticket_dir.join("thread.md"), &junk).expect("junk");
        let _ = b.show(&q(t.id.as_str()));
        let _ = b.list(&ListFilter::default()).expect("list never fails on a bad ticket");
        let _ = b.doctor().expect("doctor never fails on a bad ticket");
    }
}
