//! The slug index (`<root>/.index/`) is a cache: whatever state it is in, a lookup by slug gives
//! the answer a full scan gives, and nothing is ever written outside the root through it.

use std::fs;
use std::path::Path;

use ticket_domain::{BackendError, NewTicket, TicketBackend, TicketBackendExt, TicketStatus};
use ticket_store_local::LocalTicketBackend;

use crate::support::{backend, clock, q};

fn create(b: &LocalTicketBackend, title: &str, slug: &str) -> String {
    let mut new = NewTicket::new(title);
    new.slug = Some(slug.parse().expect("valid slug"));
    b.create(new).expect("create").id.as_str().to_owned()
}

fn buckets(root: &Path) -> String {
    let mut all = String::new();
    for e in fs::read_dir(root.join(".index")).expect("index exists") {
        let e = e.expect("entry");
        let name = e.file_name().to_string_lossy().into_owned();
        if name.len() == 2 {
            all.push_str(&fs::read_to_string(e.path()).expect("bucket"));
        }
    }
    all
}

fn shown_dir(b: &LocalTicketBackend, slug: &str) -> String {
    b.locate(&q(slug))
        .expect("found")
        .dir
        .strip_prefix(b.root())
        .expect("inside the root")
        .display()
        .to_string()
}

#[test]
fn a_lookup_builds_it_and_writers_keep_it_current() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("work-items");
    let b = backend(&root, clock());
    let first = create(&b, "First", "first-one");
    assert!(!root.join(".index").exists(), "no lookup by slug yet");
    assert_eq!(shown_dir(&b, "first-one"), format!("open/{first}"));
    assert!(
        root.join(".index/stamp").is_file(),
        "a slug lookup builds it"
    );
    assert_eq!(
        fs::read_to_string(root.join(".index/.gitignore")).expect("gitignore"),
        "# A derived cache of ticket lookups; safe to delete.\n*\n"
    );

    // Our own writers update it in place: no lookup happens between these and the checks.
    let second = create(&b, "Second", "second-one");
    assert!(buckets(&root).contains(&format!("second-one\topen\t{second}\n")));
    b.set_status(&q(&second), TicketStatus::parse("pending"))
        .expect("move");
    let all = buckets(&root);
    assert!(
        all.contains(&format!("second-one\tpending\t{second}\n")),
        "{all}"
    );
    assert!(
        !all.contains(&format!("second-one\topen\t{second}\n")),
        "{all}"
    );
    assert_eq!(shown_dir(&b, "second-one"), format!("pending/{second}"));
}

#[test]
fn changes_made_behind_its_back_never_change_an_answer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("work-items");
    let b = backend(&root, clock());
    let id = create(&b, "Moved by hand", "moved-by-hand");
    shown_dir(&b, "moved-by-hand");

    // Another tool moves the ticket (as tickets.sh or git would): found where it is now.
    fs::rename(root.join("open").join(&id), root.join("closed").join(&id)).expect("mv");
    assert_eq!(shown_dir(&b, "moved-by-hand"), format!("closed/{id}"));

    // Another tool adds a second ticket with the same slug: the lookup says it is ambiguous.
    let copy = "20990101-000000-moved-by-hand".to_string();
    fs::create_dir(root.join("open").join(&copy)).expect("mkdir");
    let item = fs::read_to_string(root.join("closed").join(&id).join("item.md")).expect("item");
    fs::write(
        root.join("open").join(&copy).join("item.md"),
        item.replace(&id, &copy),
    )
    .expect("write copy");
    assert!(matches!(
        b.locate(&q("moved-by-hand")),
        Err(BackendError::Ambiguous { .. })
    ));

    // A slug edited by hand inside item.md is found by the full lookup behind the index.
    fs::remove_dir_all(root.join("open").join(&copy)).expect("rm copy");
    let path = root.join("closed").join(&id).join("item.md");
    let text = fs::read_to_string(&path).expect("item");
    fs::write(
        &path,
        text.replace("slug: moved-by-hand", "slug: renamed-by-hand"),
    )
    .expect("edit");
    assert_eq!(shown_dir(&b, "renamed-by-hand"), format!("closed/{id}"));
    assert!(matches!(
        b.locate(&q("moved-by-hand")),
        Err(BackendError::NotFound { .. })
    ));
}

#[test]
fn a_hostile_or_broken_index_is_only_a_cache() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("work-items");
    let b = backend(&root, clock());
    let id = create(&b, "Target", "target");
    shown_dir(&b, "target");

    // Every bucket names a directory outside the status directories, or nothing at all.
    for e in fs::read_dir(root.join(".index")).expect("index") {
        let e = e.expect("entry");
        if e.file_name().len() == 2 {
            fs::write(
                e.path(),
                "target\topen\t../../elsewhere\ntarget\tclosed\tnope\n",
            )
            .expect("poison");
        }
    }
    assert_eq!(shown_dir(&b, "target"), format!("open/{id}"));

    // An index directory that is a link out of the root is never written through.
    let outside = tempfile::tempdir().expect("outside");
    fs::remove_dir_all(root.join(".index")).expect("rm index");
    std::os::unix::fs::symlink(outside.path(), root.join(".index")).expect("symlink");
    create(&b, "Another", "another");
    assert_eq!(shown_dir(&b, "target"), format!("open/{id}"));
    assert_eq!(
        fs::read_dir(outside.path()).expect("outside").count(),
        0,
        "nothing was written outside the root"
    );
}

/// `create`'s check that a slug is free (`ids_with_slug`) reads the tickets whose directory name
/// carries the slug, through the index when it is current and through a listing when it is not
/// (a ticket made by another tool), never every frontmatter: a ticket whose directory name does
/// not carry its slug is not seen (docs/format.md, "Ids and slugs").
#[test]
fn the_create_check_reads_the_tickets_named_for_the_slug() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("work-items");
    let b = backend(&root, clock());
    let first = create(&b, "First", "taken");
    assert_eq!(b.ids_with_slug("taken").expect("check"), [first.as_str()]);
    assert!(root.join(".index/stamp").is_file(), "the check builds it");
    assert!(b.ids_with_slug("free").expect("check").is_empty());

    // Another tool's ticket makes the index stale; the check lists the directories instead.
    let by_hand = "20260101-000000-by-hand-77";
    let made = root.join("pending").join(by_hand);
    fs::create_dir_all(&made).expect("mkdir");
    fs::write(
        made.join("item.md"),
        format!(
            "---\nid: {by_hand}\nslug: by-hand\ntitle: x\nstatus: pending\nkind: task\npriority: P2\n\
             labels: []\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\n---\n"
        ),
    )
    .expect("write");
    assert_eq!(b.ids_with_slug("by-hand").expect("check"), [by_hand]);
    // Named by another tracker's id: its slug is not in its directory name, so not seen.
    let foreign = root.join("open").join("ABC-123");
    fs::create_dir_all(&foreign).expect("mkdir");
    fs::write(
        foreign.join("item.md"),
        "---\nid: ABC-123\nslug: imported\ntitle: x\nstatus: open\n---\n",
    )
    .expect("write");
    assert!(b.ids_with_slug("imported").expect("check").is_empty());
    assert_eq!(
        b.ids_with_slug("ABC-123").expect("check"),
        Vec::<String>::new()
    );
    assert_eq!(b.ids_with_slug("taken").expect("check"), [first]);
}
