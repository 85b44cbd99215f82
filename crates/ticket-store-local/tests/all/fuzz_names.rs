//! Fuzzing of id and slug parsing and resolution: no input panics, and no accepted name resolves
//! (or writes) outside the root. ticket-format's `tests/all/fuzz.rs` fuzzes the parsers.
//!
//! `PROPTEST_CASES` sets the cases (proptest's default, 256, in a plain `cargo test`;
//! `cargo xtask stress` runs 100,000). The target prints `fuzz: <target>: N cases, ...`.

use std::fs;

use proptest::prelude::*;
use ticket_domain::{
    EventKind, NewEvent, NewTicket, Slug, TicketBackend, TicketBackendExt, TicketId,
    TicketIdOrSlug, slugify,
};
use ticket_test_support::fuzz;

use crate::support::{backend, clock};

/// Names a hostile caller would try, mixed with arbitrary ones.
fn hostile_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just("../open".to_owned()),
        Just("../../etc/passwd".to_owned()),
        Just("/etc/passwd".to_owned()),
        Just("open/../..".to_owned()),
        Just("a\0b".to_owned()),
        Just(".tmp".to_owned()),
        Just(".lock".to_owned()),
        Just("shared-one".to_owned()),
        Just("escape".to_owned()),
        Just("bait".to_owned()),
        (1usize..12_000).prop_map(|n| "a".repeat(n)),
        "[a-z0-9./\\\\\0-]{0,300}",
        any::<String>(),
    ]
}

#[test]
fn id_and_slug_resolution() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    let b = backend(&root, clock());
    let t = b.create(NewTicket::new("Shared one")).expect("create");
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).expect("outside");
    let bait = "---\nid: escape\nslug: bait\ntitle: t\nstatus: pending\nkind: task\npriority: P2\nlabels: []\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nassignee: null\nlegacy_ticket: null\n---\n";
    fs::write(outside.join("item.md"), bait).expect("bait");
    std::os::unix::fs::symlink(&outside, root.join("pending/escape")).expect("link");
    let before = ticket_test_support::snapshot(&outside);
    let real_root = fs::canonicalize(&root).expect("root");
    fuzz("id and slug resolution", hostile_name(), |name| {
        let _ = slugify(&name);
        let _ = (TicketId::new(name.clone()), Slug::new(name.clone()));
        let Ok(q) = TicketIdOrSlug::new(name.clone()) else {
            return Ok(());
        };
        let s = q.as_str();
        prop_assert!(
            !s.contains('/') && !s.contains('\0') && !s.starts_with('.') && s.len() < 256,
            "accepted {s:?}"
        );
        let Ok(found) = b.locate(&q) else {
            return Ok(());
        };
        let real = fs::canonicalize(&found.dir).expect("found dir exists");
        if real.starts_with(&real_root) {
            prop_assert_eq!(
                found.dir.file_name().and_then(|n| n.to_str()),
                Some(t.id.as_str())
            );
        } else {
            // Reading through the link is allowed (the doctor reports it); writing never is.
            let event = NewEvent::new(EventKind::Comment, "fuzz", "through the link?");
            prop_assert!(
                b.add_event(&q, event).is_err(),
                "wrote through {}",
                found.dir.display()
            );
        }
        Ok(())
    });
    assert_eq!(
        ticket_test_support::snapshot(&outside),
        before,
        "nothing written outside"
    );
}
