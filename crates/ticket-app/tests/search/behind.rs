//! Changes made behind the index's back are found by the next search: a comment by tickets.sh,
//! an edit in place by hand, a move to another status directory by tickets.sh, and a damaged or
//! deleted index.

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::time::Duration;

use ticket_app::{Guard, SearchHow, SearchRequest, TicketStatus};

use crate::support::{Root, exactly, names, request, with_status};

/// Longer than the moment within which a fresh stamp is not trusted: the index then holds
/// real stamps, so these tests exercise the `stat` comparison, not the re-reading of recent
/// changes.
fn settle() {
    std::thread::sleep(Duration::from_millis(250));
}

fn agree(root: &Root, r: SearchRequest) {
    let indexed = root.search(r.clone());
    let scanned = root.search(SearchRequest { scan: true, ..r });
    assert_eq!(exactly(&indexed), exactly(&scanned));
}

#[test]
fn a_comment_by_tickets_sh_is_found_by_the_next_search() {
    let Some(root) = Root::corpus() else { return };
    settle();
    assert!(root.search(request("zanzibarquux")).hits.is_empty());
    assert!(root.search(request("新語てすと")).hits.is_empty());
    let body = root.dir.path().join("body.md");
    fs::write(&body, "Found a zanzibarquux. 新語てすとを追加した。\n").expect("write");
    root.shell(&[
        "comment",
        "pod-session-fork",
        "--role",
        "decision",
        "--file",
        body.to_str().expect("utf-8 path"),
    ]);
    for q in ["zanzibarquux", "新語てすと", "てすと"] {
        let found = root.search(request(q));
        assert_eq!(names(&found), ["pod-session-fork"], "{q}");
        assert_eq!(found.hits[0].field.name(), "event:decision", "{q}");
        assert_eq!(
            found.how,
            SearchHow::Index {
                built: false,
                added: 0,
                removed: 0,
                overlaid: 1
            },
            "{q}: read from its files beside the index, nothing written"
        );
    }
    agree(&root, request("zanzibarquux"));
}

#[test]
fn an_edit_in_place_by_hand_is_found_by_the_next_search() {
    let Some(root) = Root::corpus() else { return };
    settle();
    assert!(root.search(request("barcarolle")).hits.is_empty());
    settle();
    // Overwrite ten bytes of the body in place: same inode, same size, same directory times.
    let item = root
        .path()
        .join("open/20260527-000009-pod-session-fork/item.md");
    let before = fs::metadata(&item).expect("stat");
    let dir_before = fs::metadata(item.parent().expect("dir")).expect("stat");
    let text = fs::read_to_string(&item).expect("read");
    let at = text.len() - 11;
    assert!(text.is_char_boundary(at) && text.is_char_boundary(at + 10));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .open(&item)
        .expect("open");
    f.seek(SeekFrom::Start(at as u64)).expect("seek");
    f.write_all(b"barcarolle").expect("write");
    drop(f);
    let after = fs::metadata(&item).expect("stat");
    assert_eq!((after.ino(), after.len()), (before.ino(), before.len()));
    let dir_after = fs::metadata(item.parent().expect("dir")).expect("stat");
    assert_eq!(dir_after.mtime_nsec(), dir_before.mtime_nsec());

    let found = root.search(request("barcarolle"));
    assert_eq!(names(&found), ["pod-session-fork"]);
    assert_eq!(found.hits[0].field.name(), "body");
    agree(&root, request("barcarolle"));
}

#[test]
fn a_move_by_tickets_sh_is_found_under_the_new_status() {
    let Some(root) = Root::corpus() else { return };
    settle();
    let closed = with_status("巻き戻し", TicketStatus::Closed);
    assert!(root.search(closed.clone()).hits.is_empty());
    root.shell(&["status", "pod-session-fork", "closed"]);
    let found = root.search(closed);
    assert_eq!(names(&found), ["pod-session-fork"]);
    assert_eq!(found.hits[0].status, "closed");
    assert!(
        root.search(with_status("巻き戻し", TicketStatus::Open))
            .hits
            .is_empty()
    );
    // And back, by `ticket` itself this time.
    root.app()
        .set_status(ticket_app::StatusRequest {
            query: "pod-session-fork".into(),
            to: TicketStatus::Pending,
            guard: Guard::none(),
            author: None,
            reason: None,
        })
        .expect("move");
    let found = root.search(request("巻き戻し"));
    assert_eq!(found.hits[0].status, "pending");
    agree(&root, request("巻き戻し"));
}

#[test]
fn a_deleted_or_damaged_index_is_rebuilt_and_git_ignored() {
    let Some(root) = Root::corpus() else { return };
    let good = exactly(&root.search(request("handshake")));
    let index = root.path().join(".index");
    assert!(
        fs::read_to_string(index.join(".gitignore"))
            .expect("the index directory ignores itself")
            .lines()
            .any(|l| l == "*")
    );
    fs::remove_dir_all(index.join("search")).expect("rm");
    assert_eq!(exactly(&root.search(request("handshake"))), good);
    for e in fs::read_dir(index.join("search/v1")).expect("ls").flatten() {
        fs::write(e.path(), b"\0\0garbage").expect("write");
    }
    assert_eq!(exactly(&root.search(request("handshake"))), good);
    fs::remove_dir_all(&index).expect("rm");
    assert_eq!(exactly(&root.search(request("handshake"))), good);
    let again = root.search(request("handshake"));
    assert_eq!(
        again.how,
        SearchHow::Index {
            built: false,
            added: 0,
            removed: 0,
            overlaid: 0
        }
    );
}
