//! Fuzzing of what reads untrusted text: the frontmatter parser, the thread parser, and id/slug
//! parsing and resolution. No input panics, outputs stay within a small multiple of the input
//! (bounded memory), and no accepted name resolves outside the root.
//!
//! `PROPTEST_CASES` sets the cases per target (proptest's default, 256, in a plain `cargo test`;
//! `cargo xtask stress` runs 100,000). Each target prints `fuzz: <target>: N cases, ...`.

use std::fs;

use proptest::prelude::*;
use ticket_domain::{
    EventKind, NewEvent, NewTicket, Slug, TicketBackend, TicketId, TicketIdOrSlug, slugify,
};
use ticket_format::codec;
use ticket_format::{frontmatter, thread};
use ticket_test_support::fuzz;

use crate::support::{backend, clock};

/// Text that looks a little like the format, so parsers get past their first line, mixed with
/// arbitrary characters (control characters, CR, non-ASCII).
fn formatish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_owned()),
        Just("---\r\n".to_owned()),
        Just("id: 20260101-000000-x\n".to_owned()),
        Just("title: \"a \\u00e9 \\x41 \\\"q\\\"\"\n".to_owned()),
        Just("title: 'it''s'\n".to_owned()),
        Just("labels: [a, \"b, c\", ]\n".to_owned()),
        Just("labels:\n  - a\n  - 'b'\n".to_owned()),
        Just("created_at: 2026-01-01T00:00:00Z\n".to_owned()),
        Just("status: open\n".to_owned()),
        Just("<!-- event: comment author: a b at: 2026-01-01T00:00:00Z -->\n".to_owned()),
        Just("<!-- event: review author: x at: 2026-01-01T00:00:00Z status: approve refs: url=a%2Cb -->\n".to_owned()),
        Just("\\\\<!-- event: quoted\n".to_owned()),
        Just("\n## Comment\n\n".to_owned()),
        Just("\n\n---\n\n".to_owned()),
        Just("<!-- event:".to_owned()),
        "[ -~]{0,40}\n?",
        any::<String>().prop_map(|s| s.chars().take(40).collect()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

#[test]
fn frontmatter_parser() {
    fuzz("frontmatter parser", formatish(), |text| {
        let Ok(fm) = frontmatter::parse(&text) else {
            return Ok(());
        };
        prop_assert!(fm.body_start <= text.len());
        let held: usize = fm
            .entries
            .iter()
            .map(|e| {
                e.key.len() + e.raw.len() + e.continuation.iter().map(String::len).sum::<usize>()
            })
            .sum();
        prop_assert!(
            held <= text.len(),
            "entries hold {held} bytes of {}",
            text.len()
        );
        for e in &fm.entries {
            let _ = (e.scalar(), e.list(), e.text(), e.shell_misread());
            prop_assert!(e.span.end <= text.len());
        }
        let _ = codec::summary(&fm);
        let rewritten = frontmatter::set_field(&text, &fm, "updated_at", "2026-01-01T00:00:00Z");
        prop_assert!(rewritten.len() <= text.len() + 64);
        prop_assert!(
            rewritten.ends_with(&text[fm.body_start..]),
            "the body is kept byte for byte"
        );
        Ok(())
    });
}

#[test]
fn thread_parser() {
    fuzz("thread parser", formatish(), |text| {
        let parsed = thread::parse(&text);
        let held = parsed.preamble.len()
            + parsed
                .events
                .iter()
                .map(|e| e.body.len() + e.heading.as_ref().map_or(0, String::len))
                .sum::<usize>();
        prop_assert!(
            held <= text.len(),
            "events hold {held} bytes of {}",
            text.len()
        );
        for raw in parsed.events {
            let _ = codec::event(raw);
        }
        Ok(())
    });
}

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
