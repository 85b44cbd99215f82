//! Writes never land outside the root, and a ticket that does not read is refused before any
//! byte is written.

use std::fs;

use ticket_domain::{
    EventKind, NewEvent, NewTicket, Resolution, TicketBackend, TicketBackendExt, TicketStatus,
};

use crate::support::{backend, clock, q, snapshot};

#[test]
fn a_status_directory_linked_outside_the_root_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).expect("outside");
    let b = backend(&root, clock());
    let t = b.create(NewTicket::new("Escape")).expect("create");
    fs::remove_dir(root.join("closed")).expect("empty closed/");
    std::os::unix::fs::symlink(&outside, root.join("closed")).expect("link closed/ outside");
    let before = snapshot(&root);
    let res = Resolution {
        text: "x\n".into(),
        author: "me".into(),
    };
    assert!(
        b.close(&q(t.id.as_str()), res).is_err(),
        "the move is refused"
    );
    assert!(
        b.set_status(&q(t.id.as_str()), TicketStatus::Closed)
            .is_err()
    );
    assert_eq!(
        fs::read_dir(&outside).expect("ls").count(),
        0,
        "nothing lands outside"
    );
    assert_eq!(snapshot(&root), before, "nothing changed inside either");
}

#[test]
fn a_ticket_that_does_not_read_is_not_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    let b = backend(&root, clock());
    let t = b.create(NewTicket::new("Broken")).expect("create");
    let thread = root.join("open").join(t.id.as_str()).join("thread.md");
    let mut text = fs::read_to_string(&thread).expect("thread");
    text.push_str("\n<!-- event: comment author: x at: not-a-time -->\n");
    fs::write(&thread, text).expect("break it");
    let before = snapshot(&root);
    let event = NewEvent::new(EventKind::Comment, "me", "hello");
    let err = b.add_event(&q(t.id.as_str()), event).expect_err("refused");
    assert!(err.to_string().contains("thread.md:9"), "{err}");
    assert!(
        b.set_status(&q(t.id.as_str()), TicketStatus::Pending)
            .is_err()
    );
    assert_eq!(snapshot(&root), before, "no byte was written");
}
