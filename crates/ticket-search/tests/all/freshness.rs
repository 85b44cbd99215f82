//! The index sees every change before it answers, and a broken index is rebuilt.

use std::sync::atomic::Ordering;

use ticket_search::{How, SearchIndex};

use crate::fake::{Fake, backlog, doc, request, summary};

fn ids(found: &ticket_search::Found) -> Vec<String> {
    found.hits.iter().map(|h| h.id[16..].to_string()).collect()
}

#[test]
fn built_on_first_use_then_fresh_without_reading() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    backlog(&fake);
    let first = fake.search(&index, &request("parser"));
    assert_eq!(
        first.how,
        How::Index {
            built: true,
            added: 6,
            removed: 0,
            overlaid: 0
        }
    );
    let before = fake.loads.load(Ordering::Relaxed);
    let again = fake.search(&index, &request("parser"));
    assert_eq!(
        again.how,
        How::Index {
            built: false,
            added: 0,
            removed: 0,
            overlaid: 0
        }
    );
    // Only the hits were read, for their snippets.
    assert_eq!(fake.loads.load(Ordering::Relaxed) - before, 2);
}

#[test]
fn changes_behind_its_back_are_folded_in() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    backlog(&fake);
    assert!(ids(&fake.search(&index, &request("zeppelin"))).is_empty());

    // A new word in a comment.
    let mut d = fake.get("open/20260101-000001-parser").expect("there");
    d.events.push(ticket_search::EventText {
        kind: "comment".into(),
        body: "A zeppelin appears.".into(),
    });
    fake.put(d);
    let found = fake.search(&index, &request("zeppelin"));
    assert_eq!(ids(&found), ["parser"]);
    assert_eq!(found.hits[0].field.name(), "event:comment");
    assert_eq!(
        found.how,
        How::Index {
            built: false,
            added: 0,
            removed: 0,
            overlaid: 1
        }
    );

    // A move to another status: the old key vanishes, a new one appears.
    let mut moved = fake.get("open/20260101-000001-parser").expect("there");
    fake.remove(&moved.key);
    moved.key = "closed/20260101-000001-parser".into();
    moved.status = "closed".into();
    fake.put(moved);
    let found = fake.search(&index, &request("zeppelin"));
    assert_eq!(found.hits[0].status, "closed");
    assert_eq!(found.hits[0].key, "closed/20260101-000001-parser");

    // A new ticket, and a deleted one.
    fake.put(doc(
        "open",
        "20260102-000001-new",
        "Zeppelin hangar",
        "",
        &[],
    ));
    fake.remove("closed/20260101-000001-parser");
    assert_eq!(ids(&fake.search(&index, &request("zeppelin"))), ["new"]);
    let r = request("zeppelin");
    assert_eq!(summary(&fake.search(&index, &r)), summary(&fake.scan(&r)));
}

#[test]
fn a_change_within_the_same_tick_is_seen() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    backlog(&fake);
    // The last change is a moment old when the stamps are taken: the stamp is not kept.
    let mut d = fake.get("open/20260101-000006-parsing").expect("there");
    d.body = "first edit".into();
    fake.put(d.clone());
    index
        .search(&fake.listing_at(true), &fake, &request("edit"))
        .expect("search");
    // Changed again within the same tick: the stamp is the same, the text is not.
    d.body = "second rewrite".into();
    fake.put_same_stamp(d);
    let found = fake.search(&index, &request("rewrite"));
    assert_eq!(ids(&found), ["parsing"]);
}

#[test]
fn a_broken_or_missing_index_is_rebuilt() {
    let dir = tempfile::tempdir().expect("dir");
    let search_dir = dir.path().join("search");
    let index = SearchIndex::new(&search_dir);
    let fake = Fake::default();
    backlog(&fake);
    let good = summary(&fake.search(&index, &request("parser")));
    let v1 = search_dir.join("v1");
    let breakages: Vec<Box<dyn Fn()>> = vec![
        Box::new(|| std::fs::remove_dir_all(&v1).expect("rm")),
        Box::new(|| std::fs::write(v1.join("meta.json"), "{ not json").expect("write")),
        Box::new(|| {
            for e in std::fs::read_dir(&v1).expect("ls").flatten() {
                if e.path()
                    .extension()
                    .is_some_and(|x| x != "json" && x != "lock")
                {
                    std::fs::write(e.path(), b"garbage").expect("write");
                }
            }
        }),
        Box::new(|| {
            for e in std::fs::read_dir(&v1).expect("ls").flatten() {
                if e.path()
                    .extension()
                    .is_some_and(|x| x == "idx" || x == "fast")
                {
                    std::fs::remove_file(e.path()).expect("rm");
                }
            }
        }),
        Box::new(|| {
            std::fs::remove_dir_all(&v1).expect("rm");
            std::fs::write(&v1, "a file where the index was").expect("write");
        }),
    ];
    for (n, breakage) in breakages.iter().enumerate() {
        breakage();
        // Damage found while reading the index's state rebuilds it at once; damage found
        // while answering makes a scan answer, and the next search rebuilds.
        for _ in 0..2 {
            let found = fake.search(&index, &request("parser"));
            assert_eq!(summary(&found), good, "breakage {n}: {:?}", found.how);
        }
        let again = fake.search(&index, &request("parser"));
        assert_eq!(summary(&again), good, "breakage {n}, later search");
        assert!(
            matches!(
                again.how,
                How::Index {
                    built: false,
                    added: 0,
                    ..
                }
            ),
            "breakage {n}: {:?}",
            again.how
        );
    }
}

#[test]
fn unreadable_tickets_are_reported_and_left_out() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    backlog(&fake);
    fake.search(&index, &request("parser"));
    fake.broken.lock().expect("lock").insert(
        "open/20260101-000001-parser".into(),
        "line 2: no closing ---".into(),
    );
    fake.put(fake.get("open/20260101-000001-parser").expect("there"));
    for _ in 0..2 {
        let found = fake.search(&index, &request("parser"));
        assert_eq!(ids(&found), ["parsing"]);
        assert_eq!(found.unreadable.len(), 1, "{:?}", found.unreadable);
        let scanned = fake.scan(&request("parser"));
        assert_eq!(summary(&found), summary(&scanned));
        assert_eq!(found.unreadable, scanned.unreadable);
    }
}

#[test]
fn a_directory_that_cannot_hold_an_index_falls_back_to_a_scan() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").expect("write");
    let index = SearchIndex::new(&file);
    let fake = Fake::default();
    backlog(&fake);
    let found = fake.search(&index, &request("parser"));
    assert!(
        matches!(found.how, How::Scan { why: Some(_) }),
        "{:?}",
        found.how
    );
    assert_eq!(ids(&found), ["parser", "parsing"]);
}

#[test]
fn searches_at_once_on_two_threads_agree() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    backlog(&fake);
    let expected = summary(&fake.scan(&request("parser")));
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..5 {
                    let found = fake.search(&index, &request("parser"));
                    assert_eq!(summary(&found), expected);
                }
            });
        }
    });
}

#[test]
fn many_changes_are_folded_into_the_index_and_few_are_not() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    for i in 0..100 {
        fake.put(doc(
            "open",
            &format!("20260101-{i:06}-t"),
            "Ticket",
            "plain words",
            &[],
        ));
    }
    fake.search(&index, &request("plain"));
    let keys = fake.keys();
    let change = |range: std::ops::Range<usize>, word: &str| {
        for k in &keys[range] {
            let mut d = fake.get(k).expect("there");
            d.body = format!("plain {word}");
            fake.put(d);
        }
    };
    change(0..ticket_search::FOLD_AT, "few");
    let found = fake.search(&index, &request("few"));
    assert_eq!(found.hits.len(), 20);
    assert_eq!(
        found.how,
        How::Index {
            built: false,
            added: 0,
            removed: 0,
            overlaid: ticket_search::FOLD_AT
        }
    );
    let r = request("few");
    assert_eq!(summary(&fake.search(&index, &r)), summary(&fake.scan(&r)));
    change(0..ticket_search::FOLD_AT + 1, "many");
    let found = fake.search(&index, &request("many"));
    assert_eq!(
        found.how,
        How::Index {
            built: false,
            added: ticket_search::FOLD_AT + 1,
            removed: ticket_search::FOLD_AT + 1,
            overlaid: 0
        }
    );
    let r = request("many");
    assert_eq!(summary(&fake.search(&index, &r)), summary(&fake.scan(&r)));
    let again = fake.search(&index, &request("many"));
    assert_eq!(
        again.how,
        How::Index {
            built: false,
            added: 0,
            removed: 0,
            overlaid: 0
        }
    );
}
