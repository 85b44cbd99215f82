//! The use cases over a real root: compare-and-swap, the decisions made here (defaults, list
//! filters and orders), and errors with stable codes.

use std::path::Path;

use ticket_app::{
    App, CloseRequest, CloseText, CommentRequest, CreateRequest, ErrorCode, Guard, ListRequest,
    Listed, Settings, Sort, StatusRequest, TicketStatus, Version,
};
use ticket_test_support::snapshot_without_scratch;

fn app(dir: &Path, now: &str) -> App {
    let settings = Settings {
        now: Some(now.into()),
        user: Some("tester".into()),
        ..Settings::default()
    };
    App::new(dir.join("work-items"), settings)
}

fn create(app: &App, title: &str, priority: &str) -> String {
    app.create(CreateRequest {
        title: title.into(),
        priority: Some(priority.into()),
        // P10 is outside the documented priorities: it tests the order by number.
        allow_new: true,
        ..CreateRequest::default()
    })
    .expect("create")
    .ticket
    .id
    .to_string()
}

fn comment(query: &str, if_version: Option<Version>) -> CommentRequest {
    CommentRequest {
        query: query.into(),
        role: "comment".into(),
        body: Some("hello\n".into()),
        guard: Guard {
            if_version,
            token: None,
        },
        ..CommentRequest::default()
    }
}

#[test]
fn a_stale_version_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    let id = create(&a, "Swap", "P2");
    let read = a.show(&id).expect("show").ticket.version;
    let changed = a
        .comment(comment(&id, Some(read.clone())))
        .expect("the version read is current");
    assert_ne!(changed.ticket.version, read);
    let before = snapshot_without_scratch(&dir.path().join("work-items"));
    for request in [
        Box::new(|| a.comment(comment(&id, Some(read.clone())))) as Box<dyn Fn() -> _>,
        Box::new(|| {
            a.set_status(StatusRequest {
                guard: Guard::at(read.clone()),
                ..StatusRequest::new(id.clone(), TicketStatus::Pending)
            })
        }),
        Box::new(|| {
            a.close(CloseRequest {
                query: id.clone(),
                guard: Guard::at(read.clone()),
                ..CloseRequest::default()
            })
        }),
    ] {
        let e = request().expect_err("stale");
        assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
        assert!(
            e.to_string().contains(&id),
            "the error names the ticket: {e}"
        );
    }
    assert_eq!(
        snapshot_without_scratch(&dir.path().join("work-items")),
        before,
        "refused changes write nothing"
    );
}

#[test]
fn defaults_are_decided_here() {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    let id = create(&a, "Defaults", "P2");
    let t = a
        .comment(CommentRequest {
            query: id.clone(),
            role: "plan".into(),
            ..CommentRequest::default()
        })
        .expect("comment")
        .ticket;
    let last = t.events.last().expect("event");
    assert_eq!(
        (last.author.as_str(), last.body.as_str()),
        ("tester", "No body provided.\n")
    );
    for (text, want) in [
        (CloseText::Default, "Closed.\n"),
        (CloseText::Line(String::new()), "Closed.\n"),
        (CloseText::Line("Done".into()), "Done\n"),
        (CloseText::Verbatim("as is".into()), "as is"),
    ] {
        let closed = a
            .close(CloseRequest {
                query: id.clone(),
                text,
                ..CloseRequest::default()
            })
            .expect("close")
            .ticket;
        assert_eq!(closed.resolution.as_ref().map(|r| r.as_str()), Some(want));
        assert_eq!(closed.status, TicketStatus::Closed);
        a.set_status(StatusRequest::new(id.clone(), TicketStatus::Open))
            .expect("reopen");
    }
}

fn listed(a: &App, request: &ListRequest) -> Vec<String> {
    let mut out = Vec::new();
    a.list(request, |item| {
        if let Listed::Ticket(entry) = item {
            out.push(entry.summary.title.clone());
        }
        true
    })
    .expect("list");
    out
}

#[test]
fn list_orders_and_action_filter() {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    create(&a, "b low", "P10");
    create(&a, "a high", "P1");
    let waiting = create(&a, "c waiting", "P2");
    a.set_status(StatusRequest::new(waiting.clone(), TicketStatus::Pending))
        .expect("pending");
    a.comment(CommentRequest {
        role: "implementation_report".into(),
        ..comment(&waiting, None)
    })
    .expect("report");
    let all = ListRequest::default();
    assert_eq!(listed(&a, &all), ["a high", "b low", "c waiting"]);
    let by_priority = ListRequest {
        sort: Sort::Priority,
        ..ListRequest::default()
    };
    assert_eq!(
        listed(&a, &by_priority),
        ["a high", "c waiting", "b low"],
        "P10 sorts after P2, by number"
    );
    let reviewer = ListRequest {
        action_required: Some("reviewer".into()),
        ..ListRequest::default()
    };
    assert_eq!(listed(&a, &reviewer), ["c waiting"]);
    let none = ListRequest {
        action_required: Some("none".into()),
        ..ListRequest::default()
    };
    assert_eq!(listed(&a, &none), ["a high", "b low"]);
    let mut seen = 0;
    a.list(&all, |_| {
        seen += 1;
        false
    })
    .expect("list");
    assert_eq!(seen, 1, "returning false stops the listing");
}

/// Sorted lists of more tickets than they hold in memory keep only keys and read the tickets
/// again in order: the order is the one the keys give, whichever way the list was read. The
/// tickets are written by hand with priorities and update times that repeat, some outside the
/// `P<n>` form, one in a directory not named after its id.
#[test]
fn sorted_lists_past_what_they_hold_read_again_in_the_same_order() {
    let dir = tempfile::tempdir().expect("scratch");
    let root = dir.path().join("work-items");
    let priorities = ["P2", "P10", "high", "P0", "", "P1"];
    let n = 4200;
    let mut expected: Vec<(String, String, String)> = Vec::new();
    for i in 0..n {
        let id = format!("20260101-000000-s{:05}", (i * 7919) % n);
        let priority = priorities[i % priorities.len()];
        let updated = format!("2026-01-{:02}T00:00:00Z", 1 + (i * 31) % 28);
        let name = if i == 17 {
            format!("{id}-moved")
        } else {
            id.clone()
        };
        let ticket = root
            .join(if i % 3 == 0 { "closed" } else { "open" })
            .join(name);
        std::fs::create_dir_all(&ticket).expect("mkdir");
        std::fs::write(
            ticket.join("item.md"),
            format!(
                "---\nid: {id}\nslug: s{i:05}\ntitle: T{i}\nstatus: open\nkind: task\npriority: {priority}\nlabels: []\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: {updated}\nassignee: null\nlegacy_ticket: null\n---\n"
            ),
        )
        .expect("item");
        expected.push((id, priority.to_owned(), updated));
    }
    let a = app(dir.path(), "2026-02-01T00:00:00Z");
    let ids = |sort: Sort| {
        let mut out = Vec::new();
        a.list(
            &ListRequest {
                sort,
                ..ListRequest::default()
            },
            |item| {
                if let Listed::Ticket(entry) = item {
                    out.push(entry.summary.id.to_string());
                }
                true
            },
        )
        .expect("list");
        out
    };
    type Row = (String, String, String);
    let by = |key: &dyn Fn(&Row, &Row) -> std::cmp::Ordering| {
        let mut e = expected.clone();
        e.sort_by(|x, y| key(x, y).then_with(|| x.0.cmp(&y.0)));
        e.into_iter().map(|(id, _, _)| id).collect::<Vec<_>>()
    };
    let number = |p: &str| -> (bool, u64, String) {
        match p.strip_prefix('P').and_then(|n| n.parse().ok()) {
            Some(n) => (false, n, String::new()),
            None => (true, 0, p.to_owned()),
        }
    };
    assert_eq!(ids(Sort::Updated), by(&|x, y| y.2.cmp(&x.2)));
    assert_eq!(
        ids(Sort::Priority),
        by(&|x, y| number(&x.1).cmp(&number(&y.1)))
    );
}

#[test]
fn errors_have_stable_codes() {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    create(&a, "Dup", "P2");
    // A second ticket with the same slug, as another tool or a hand edit could write it (our
    // create gives it another slug: see titles_that_repeat_get_numbered_slugs).
    let port = ticket_store_local::LocalTicketBackend::new(
        dir.path().join("work-items"),
        std::sync::Arc::new(ticket_domain::FixedClock::new(
            "2026-01-02T03:04:06Z".parse().expect("valid"),
            "1",
        )),
    );
    ticket_domain::TicketBackend::create(&port, ticket_domain::NewTicket::new("Dup"))
        .expect("the port allows it");
    let code = |q: &str| a.show(q).map(drop).expect_err("fails").code();
    assert_eq!(code("nope"), ErrorCode::NotFound);
    assert_eq!(code("../etc"), ErrorCode::NotFound);
    assert_eq!(code("dup"), ErrorCode::Ambiguous);
    match a.show("dup") {
        Err(e) => {
            let text = e.to_string();
            assert!(
                text.contains("20260102-030405-dup") && !text.contains("work-items"),
                "ambiguity names ids, never paths: {text}"
            );
        }
        Ok(_) => panic!("two tickets share the slug"),
    }
    let bad_clock = App::new(
        dir.path().join("work-items"),
        Settings {
            now: Some("yesterday".into()),
            ..Settings::default()
        },
    );
    assert!(
        bad_clock.show("20260102-030405-dup").is_ok(),
        "readers ignore the clock"
    );
    let e = bad_clock
        .comment(comment("20260102-030405-dup", None))
        .expect_err("writers check it");
    assert_eq!(e.code(), ErrorCode::Env);
    let missing = App::discover(None, Settings::default(), dir.path(), false);
    assert!(
        missing.is_ok(),
        "the root is found from the directory above it"
    );
    let elsewhere = tempfile::tempdir().expect("scratch");
    std::fs::create_dir(elsewhere.path().join(".git")).expect("mkdir");
    let e = App::discover(None, Settings::default(), elsewhere.path(), false).expect_err("no root");
    assert_eq!(e.code(), ErrorCode::NoRoot);
}

#[test]
fn titles_that_repeat_get_numbered_slugs_and_a_taken_slug_is_refused() {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    let first = a
        .create(CreateRequest {
            title: "Fix tests".into(),
            ..CreateRequest::default()
        })
        .expect("create");
    assert_eq!(
        (first.ticket.slug.as_str(), first.slug_taken.clone()),
        ("fix-tests", None)
    );
    for n in 2..=3 {
        let again = a
            .create(CreateRequest {
                title: "Fix tests".into(),
                ..CreateRequest::default()
            })
            .expect("create");
        assert_eq!(again.ticket.slug.as_str(), format!("fix-tests-{n}"));
        assert_eq!(
            again.slug_taken,
            Some(("fix-tests".into(), first.ticket.id.to_string()))
        );
    }
    let e = a
        .create(CreateRequest {
            title: "Other".into(),
            slug: Some("Fix Tests".into()),
            ..CreateRequest::default()
        })
        .expect_err("an asked-for slug that is taken is refused");
    assert_eq!(e.code(), ErrorCode::Conflict);
    assert!(e.to_string().contains(first.ticket.id.as_str()), "{e}");
    assert_eq!(
        a.show("fix-tests").expect("unambiguous").ticket.id,
        first.ticket.id
    );
}

#[test]
fn unassigned_tickets_and_filters_with_the_wrong_case() {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    create(&a, "Nobody's", "P1");
    let request = |assignee: Option<&str>, priority: Option<&str>| ListRequest {
        assignee: assignee.map(Into::into),
        priority: priority.map(Into::into),
        ..ListRequest::default()
    };
    assert_eq!(listed(&a, &request(Some("none"), None)), ["Nobody's"]);
    assert!(listed(&a, &request(Some("ada"), None)).is_empty());
    // (priority asked, hints expected)
    for (priority, hint) in [("p1", Some("P1")), ("P1", None), ("p9", None)] {
        let outcome = a
            .list(&request(None, Some(priority)), |_| true)
            .expect("list");
        let found: Vec<&str> = outcome.hints.iter().map(|h| h.found.as_str()).collect();
        assert_eq!(found, hint.into_iter().collect::<Vec<_>>(), "{priority}");
        if let Some(h) = outcome.hints.first() {
            assert_eq!((h.field, h.given.as_str()), ("priority", priority));
        }
    }
}

/// Writes `n` open tickets by hand, each depending on the next, the last on the first: one
/// cycle of `n` tickets, as a merge or a hand edit could leave.
fn write_cycle(root: &Path, n: usize) {
    let id = |i: usize| format!("20260101-000000-c{i:05}");
    for i in 0..n {
        let dir = root.join("open").join(id(i));
        std::fs::create_dir_all(dir.join("artifacts")).expect("mkdir");
        std::fs::write(dir.join("artifacts/.gitkeep"), "").expect("gitkeep");
        std::fs::write(
            dir.join("item.md"),
            format!(
                "---\nid: {}\nslug: c{i:05}\ntitle: Cycle {i}\nstatus: open\nkind: task\npriority: P2\nlabels: []\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nassignee: null\nlegacy_ticket: null\ndepends_on: [{}]\n---\n",
                id(i),
                id((i + 1) % n)
            ),
        )
        .expect("item");
        std::fs::write(dir.join("thread.md"), "<!-- event: create author: tickets.sh at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n").expect("thread");
    }
}

/// A cycle of 10,000 tickets written by hand: `ready` answers (none ready, one cycle, each
/// ticket saying which one it waits for), `link` refuses to close another, and the doctor
/// reports it once; nothing hangs or overflows the stack.
#[test]
fn a_cycle_of_ten_thousand_tickets_is_found_not_followed() {
    let dir = tempfile::tempdir().expect("scratch");
    let n = 10_000;
    write_cycle(&dir.path().join("work-items"), n);
    let app = app(dir.path(), "2026-11-24T10:00:00Z");
    let queue = app.ready().expect("ready");
    assert!(queue.ready.is_empty());
    assert_eq!(queue.not_ready.len(), n);
    assert_eq!(queue.cycles.len(), 1);
    assert_eq!(queue.cycles[0].len(), n);
    let first = &queue.not_ready[0];
    assert_eq!(first.entry.id.as_str(), "20260101-000000-c00000");
    assert!(
        matches!(&first.reasons[0], ticket_app::Reason::InCycle { len, id, .. } if *len == n && id.as_str() == "20260101-000000-c00001"),
        "{:?}",
        first.reasons
    );
    // A new parent link from the middle to the start closes another cycle: refused, shown.
    let e = app
        .link(ticket_app::LinkRequest {
            query: "c00000".into(),
            kind: ticket_app::RelationKind::Parent,
            target: "c05000".into(),
            allow_missing: false,
            author: None,
            guard: Guard::none(),
        })
        .expect_err("a cycle");
    assert_eq!(e.code(), ErrorCode::Invalid);
    let text = e.to_string();
    assert!(text.contains("would close the cycle 20260101-000000-c00000 -> 20260101-000000-c05000 -> 20260101-000000-c05001"), "{text}");
    assert!(text.len() < 400, "{text}");
    let report = app
        .doctor(ticket_app::DoctorRequest::default())
        .expect("doctor");
    let cycles: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "relation-cycle")
        .collect();
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0]
            .message
            .starts_with("10000 tickets depend on each other"),
        "{}",
        cycles[0].message
    );
}

/// `ready` orders by priority, then age; `create` takes relations by slug or prefix and
/// refuses a missing target unless asked; `unlink` of an edge that is not there is an error.
#[test]
fn ready_queue_and_relations_through_the_use_cases() {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-11-24T10:00:00Z");
    let old = create(&a, "Old", "P2");
    let b = app(dir.path(), "2026-11-24T10:00:01Z");
    let urgent = create(&b, "Urgent", "P1");
    let c = app(dir.path(), "2026-11-24T10:00:02Z");
    let young = create(&c, "Young", "P2");
    let made = c
        .create(CreateRequest {
            title: "Waits".into(),
            relations: vec![
                (ticket_app::RelationKind::DependsOn, "urg".into()),
                (ticket_app::RelationKind::Parent, old.clone()),
            ],
            ..CreateRequest::default()
        })
        .expect("create with relations");
    assert_eq!(made.ticket.relations.depends_on[0].as_str(), urgent);
    let e = c
        .create(CreateRequest {
            title: "Dangles".into(),
            relations: vec![(ticket_app::RelationKind::DependsOn, "nowhere".into())],
            ..CreateRequest::default()
        })
        .expect_err("missing target");
    assert_eq!(e.code(), ErrorCode::NotFound);
    assert!(e.to_string().contains("no ticket is named nowhere"), "{e}");
    let queue = c.ready().expect("ready");
    let ids: Vec<&str> = queue.ready.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [urgent.as_str(), old.as_str(), young.as_str()]);
    assert_eq!(queue.not_ready.len(), 1);
    let e = c
        .unlink(ticket_app::UnlinkRequest {
            query: "waits".into(),
            kind: ticket_app::RelationKind::Related,
            target: old.clone(),
            author: None,
            guard: Guard::none(),
        })
        .expect_err("no such edge");
    assert_eq!(e.code(), ErrorCode::Invalid);
    assert!(e.to_string().contains("has no related link to"), "{e}");
}

/// Edits by name: what `set` and `unset` may reach, and the vocabularies, each refused with a
/// stable code before anything is written.
#[test]
fn edit_requests_table() {
    use ticket_app::{EditRequest, KeyRule, ReopenRequest};
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    let id = create(&a, "Edit", "P2");
    let set = |k: &str| EditRequest {
        query: id.clone(),
        set: vec![(k.to_owned(), "x".to_owned())],
        ..EditRequest::default()
    };
    let unset = |k: &str| EditRequest {
        query: id.clone(),
        unset: vec![k.to_owned()],
        ..EditRequest::default()
    };
    let before = snapshot_without_scratch(&dir.path().join("work-items"));
    let refused = [
        (set("id"), Some(KeyRule::Never)),
        (set("slug"), Some(KeyRule::Never)),
        (set("status"), Some(KeyRule::Status)),
        (set("created_at"), Some(KeyRule::Writers)),
        (set("updated_at"), Some(KeyRule::Writers)),
        (set("kind"), Some(KeyRule::Typed)),
        (set("readiness"), Some(KeyRule::Typed)),
        (set("refs_urls"), Some(KeyRule::Typed)),
        (unset("title"), Some(KeyRule::Typed)),
        (unset("status"), Some(KeyRule::Status)),
        (
            EditRequest {
                query: id.clone(),
                kind: Some("bgu".into()),
                ..EditRequest::default()
            },
            None,
        ),
        (
            EditRequest {
                query: id.clone(),
                ..EditRequest::default()
            },
            None,
        ),
    ];
    for (request, rule) in refused {
        let e = a.edit(request.clone()).expect_err("refused");
        assert_eq!(e.code(), ErrorCode::Invalid, "{request:?}: {e}");
        match (&e, rule) {
            (ticket_app::AppError::ReservedKey { rule: got, .. }, Some(want)) => {
                assert_eq!(*got, want, "{request:?}")
            }
            (_, None) => {}
            (other, Some(want)) => panic!("{request:?}: expected {want:?}, got {other}"),
        }
    }
    assert_eq!(
        snapshot_without_scratch(&dir.path().join("work-items")),
        before,
        "refused edits write nothing"
    );
    let edited = a
        .edit(EditRequest {
            kind: Some("epic".into()),
            allow_new: true,
            set: vec![
                ("owner_team".into(), "platform".into()),
                ("legacy_note".into(), "T-1: moved".into()),
            ],
            ..EditRequest {
                query: id.clone(),
                ..EditRequest::default()
            }
        })
        .expect("a new kind, meant")
        .ticket;
    assert_eq!(edited.kind, "epic");
    assert_eq!(edited.extra.len(), 2);
    let e = a
        .reopen(ReopenRequest {
            query: id.clone(),
            ..ReopenRequest::default()
        })
        .expect_err("open tickets do not reopen");
    assert_eq!(e.code(), ErrorCode::Transition);
}

/// What a merge can leave, repaired: the copies of one ticket in two status directories are
/// merged into the status its thread says last; two tickets that share an id (two `create`
/// events) stay two, the second renamed apart through the one mutation path.
#[test]
fn repair_merges_copies_and_renames_two_tickets_apart() {
    let dir = tempfile::tempdir().expect("scratch");
    let root = dir.path().join("work-items");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    let copied = create(&a, "Copied", "P2");
    let twin = create(&a, "Twin", "P2");
    let copy = |id: &str, edit: &dyn Fn(&str, &str) -> String| {
        let (from, to) = (root.join("open").join(id), root.join("pending").join(id));
        std::fs::create_dir_all(&to).expect("dir");
        for name in ["item.md", "thread.md"] {
            let text = std::fs::read_to_string(from.join(name)).expect("read");
            std::fs::write(to.join(name), edit(name, &text)).expect("write");
        }
    };
    // The same ticket, moved to pending on one side and left open on the other.
    copy(&copied, &|name, text| match name {
        "item.md" => text.replace("status: open", "status: pending"),
        _ => format!(
            "{text}\n<!-- event: status author: other at: 2026-01-02T03:05:00Z status: pending -->\n\n## Status\n\nfrom: open\nto: pending\n\n---\n"
        ),
    });
    // Another ticket created with the same id elsewhere: its own create event.
    copy(&twin, &|name, text| match name {
        "item.md" => text.replace("status: open", "status: pending"),
        _ => text.replace("author: tester", "author: elsewhere"),
    });
    let repaired = a.repair().expect("repaired");
    let merged: Vec<&str> = repaired
        .merged
        .iter()
        .map(|(id, _, _)| id.as_str())
        .collect();
    assert_eq!(merged, [copied.as_str()], "{repaired:?}");
    assert_eq!(
        repaired.merged[0].2, "pending",
        "the status its thread says last"
    );
    assert_eq!(repaired.renamed.len(), 1, "{repaired:?}");
    let (old, new) = &repaired.renamed[0];
    assert_eq!(old, &twin);
    assert!(new.starts_with(&format!("{twin}-")), "{new}");
    assert!(!root.join("open").join(&copied).exists());
    let renamed = a.show(new).expect("the renamed twin reads").ticket;
    assert_eq!(renamed.status, TicketStatus::Pending);
    assert_eq!(
        renamed.events.last().map(|e| e.kind.as_str()),
        Some("rename")
    );
    assert_eq!(
        a.show(&twin)
            .expect("the first keeps its id")
            .ticket
            .events
            .len(),
        1
    );
    assert!(
        a.repair().expect("again").is_empty(),
        "nothing left to repair"
    );
}
