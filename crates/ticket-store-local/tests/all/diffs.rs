//! Minimal diffs: a status change touches the directory, the `status` line and the `updated_at`
//! line; an event appends to thread.md and touches only `updated_at`; unknown keys survive.

use std::fs;
use std::path::Path;

use ticket_domain::{
    Edit, EventKind, FieldEdit, NewEvent, TicketBackend, TicketBackendExt, TicketStatus,
};

use crate::support::{backend, changed_lines, clock, copy_tree, corpus, q};

/// A hand-edited ticket: unknown keys, a quoted value, a comment line, a block list.
const HAND_EDITED: &str = "---\nid: 20260101-000000-hand\nslug: hand\ntitle: \"Hand: edited\"\nstatus: open\nkind: task\npriority: P2\nlabels:\n  - one\n  - two\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nassignee: null\nlegacy_ticket: null\n# a comment someone left\nowner_team: 'platform'\nx-custom: [a, b]\n---\nBody with\n---\na rule.\n";

fn write_hand_edited(root: &Path) {
    let dir = root.join("open/20260101-000000-hand");
    fs::create_dir_all(dir.join("artifacts")).expect("mkdir");
    fs::write(dir.join("item.md"), HAND_EDITED).expect("item");
    fs::write(dir.join("thread.md"), "<!-- event: create author: tickets.sh at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n").expect("thread");
}

fn check_minimal_diffs(root: &Path, id: &str) {
    let b = backend(root, clock());
    let before_dir = b.locate(&q(id)).expect("locate").dir;
    let item_before = fs::read_to_string(before_dir.join("item.md")).expect("item");
    let thread_before = fs::read_to_string(before_dir.join("thread.md")).expect("thread");
    let others: Vec<_> = fs::read_dir(&before_dir)
        .expect("ls")
        .map(|e| e.expect("e").file_name())
        .collect();

    b.add_event(
        &q(id),
        NewEvent::new(EventKind::Comment, "yoi ticket", "a comment\n---\n"),
    )
    .expect("comment");
    let item_after = fs::read_to_string(before_dir.join("item.md")).expect("item");
    let diff = changed_lines(&item_before, &item_after);
    assert_eq!(diff.len(), 1, "{id}: only updated_at changes: {diff:?}");
    assert!(diff[0].1 == "updated_at: 2026-11-24T10:00:00Z", "{diff:?}");
    let thread_after = fs::read_to_string(before_dir.join("thread.md")).expect("thread");
    assert!(
        thread_after.starts_with(&thread_before),
        "{id}: the thread is only appended to"
    );

    let to = if before_dir
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "pending")
    {
        TicketStatus::Open
    } else {
        TicketStatus::Pending
    };
    let moved = b.set_status(&q(id), to.clone()).expect("status");
    let after_dir = b.locate(&q(id)).expect("locate").dir;
    assert!(!before_dir.exists(), "the old directory is gone");
    assert_eq!(
        after_dir
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str()),
        Some(to.as_str())
    );
    let moved_item = fs::read_to_string(after_dir.join("item.md")).expect("item");
    let diff = changed_lines(&item_after, &moved_item);
    let keys: Vec<_> = diff
        .iter()
        .map(|(_, new)| new.split(':').next().unwrap_or("").to_owned())
        .collect();
    assert!(
        keys == ["status"] || keys == ["status", "updated_at"],
        "{id}: {diff:?}"
    );
    let moved_thread = fs::read_to_string(after_dir.join("thread.md")).expect("thread");
    let appended = moved_thread
        .strip_prefix(&thread_after)
        .expect("a move only appends to the thread");
    assert!(
        appended
            .starts_with("\n<!-- event: status author: unknown at: 2026-11-24T10:00:00Z status: "),
        "{id}: a move appends its status event: {appended:?}"
    );
    // An edit rewrites the lines it changes and `updated_at`, nothing else; its event only
    // appends to the thread.
    let thread_moved = fs::read_to_string(after_dir.join("thread.md")).expect("thread");
    b.edit(
        &q(id),
        Edit::new("editor")
            .field(FieldEdit::Kind("bug".into()))
            .field(FieldEdit::Priority("P0".into())),
    )
    .expect("edit");
    let edited_item = fs::read_to_string(after_dir.join("item.md")).expect("item");
    let diff = changed_lines(&moved_item, &edited_item);
    let keys: Vec<_> = diff
        .iter()
        .map(|(_, new)| new.split(':').next().unwrap_or("").to_owned())
        .collect();
    assert!(
        keys == ["kind", "priority"] || keys == ["kind", "priority", "updated_at"],
        "{id}: {diff:?}"
    );
    let edited_thread = fs::read_to_string(after_dir.join("thread.md")).expect("thread");
    assert!(
        edited_thread.starts_with(&thread_moved),
        "{id}: an edit only appends to the thread"
    );
    let others_after: Vec<_> = fs::read_dir(&after_dir)
        .expect("ls")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert_eq!(
        others.len(),
        others_after.len(),
        "no file appears or vanishes"
    );
    assert_eq!(moved.status, to);
}

#[test]
fn hand_edited_ticket_keeps_every_other_byte() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    write_hand_edited(&root);
    check_minimal_diffs(&root, "hand");
    let b = backend(&root, clock());
    let t = b.show(&q("hand")).expect("show");
    assert_eq!(t.title, "Hand: edited");
    let labels: Vec<_> = t.labels.iter().map(|l| l.as_str()).collect();
    assert_eq!(labels, ["one", "two"]);
    assert_eq!(
        t.extra,
        [
            ("owner_team".to_owned(), "'platform'".to_owned()),
            ("x-custom".to_owned(), "[a, b]".to_owned())
        ]
    );
    let item = fs::read_to_string(root.join("pending/20260101-000000-hand/item.md")).expect("item");
    for kept in [
        "title: \"Hand: edited\"",
        "  - two\n",
        "# a comment someone left",
        "owner_team: 'platform'",
        "x-custom: [a, b]",
        "Body with\n---\na rule.\n",
    ] {
        assert!(item.contains(kept), "{kept:?} survives");
    }
}

#[test]
fn real_tickets_get_minimal_diffs() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    copy_tree(&corpus, &root);
    let firsts: Vec<String> = ["open", "pending", "closed"]
        .iter()
        .map(|status| {
            fs::read_dir(root.join(status))
                .expect("ls")
                .filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .min()
                .expect("a ticket in every status")
        })
        .collect();
    for id in firsts {
        check_minimal_diffs(&root, &id);
    }
}
