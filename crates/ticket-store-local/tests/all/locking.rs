//! Writers exclude each other: threads and processes lose nothing, and the lock `tickets.sh`
//! takes (flock(1) on `<root>/.lock`) excludes the Rust backend too.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use ticket_domain::{
    BackendError, EventKind, NewEvent, NewTicket, TicketBackend, TicketBackendExt, TicketStatus,
};
use ticket_store_local::{LocalTicketBackend, SystemClock};

use crate::support::{clock, q};

#[test]
fn racing_threads_lose_no_event() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    let b = Arc::new(LocalTicketBackend::new(&root, Arc::new(SystemClock)));
    let id = b
        .create(NewTicket::new("Race"))
        .expect("create")
        .id
        .to_string();
    let mut handles = Vec::new();
    for writer in 0..4 {
        let (b, id) = (b.clone(), id.clone());
        handles.push(std::thread::spawn(move || {
            for n in 0..15 {
                let body = format!("writer {writer} comment {n}");
                b.add_event(&q(&id), NewEvent::new(EventKind::Comment, "w", body))
                    .expect("append");
            }
        }));
    }
    let (mover, mover_id) = (b.clone(), id.clone());
    handles.push(std::thread::spawn(move || {
        for n in 0..20 {
            let to = if n % 2 == 0 {
                TicketStatus::Pending
            } else {
                TicketStatus::Open
            };
            mover.set_status(&q(&mover_id), to).expect("move");
        }
    }));
    for h in handles {
        h.join().expect("writer thread");
    }
    let t = b.show(&q(&id)).expect("show");
    assert_eq!(
        t.events.len(),
        81,
        "the create, 60 comments and 20 status events"
    );
    assert_eq!(
        t.events
            .iter()
            .filter(|e| e.kind == EventKind::Status)
            .count(),
        20
    );
    for writer in 0..4 {
        for n in 0..15 {
            let body = format!("writer {writer} comment {n}");
            assert_eq!(
                t.events.iter().filter(|e| e.body.as_str() == body).count(),
                1,
                "{body}"
            );
        }
    }
    let homes = ["open", "pending", "closed"]
        .iter()
        .filter(|s| root.join(s).join(&id).exists())
        .count();
    assert_eq!(homes, 1, "the ticket is in exactly one status directory");
    assert!(
        !root.join(".tmp").exists(),
        "no temporary file is left behind"
    );
}

fn flock_available() -> bool {
    Command::new("flock")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_shell_flock_holder_excludes_rust_writers() {
    if !flock_available() {
        eprintln!("skip: flock(1) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    let b = LocalTicketBackend::new(&root, clock()).with_lock_timeout(Duration::from_millis(300));
    let id = b
        .create(NewTicket::new("Locked"))
        .expect("create")
        .id
        .to_string();
    let mut holder = Command::new("flock")
        .arg(root.join(".lock"))
        .args(["sleep", "1"])
        .spawn()
        .expect("start flock");
    wait_until_locked(&root);
    let err = b.add_event(&q(&id), NewEvent::new(EventKind::Comment, "me", "blocked"));
    assert!(matches!(err, Err(BackendError::Locked { .. })), "{err:?}");
    holder.wait().expect("the holder ends");
    assert_eq!(
        b.show(&q(&id)).expect("show").events.len(),
        1,
        "the locked-out write changed nothing"
    );
    b.add_event(&q(&id), NewEvent::new(EventKind::Comment, "me", "now"))
        .expect("lock released");
}

fn wait_until_locked(root: &Path) {
    for _ in 0..200 {
        let free = Command::new("flock")
            .args(["-n", "-E", "99"])
            .arg(root.join(".lock"))
            .arg("true")
            .status()
            .expect("probe lock");
        if free.code() == Some(99) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the flock(1) holder never took the lock");
}
