//! The use cases over a real root: compare-and-swap, the decisions made here (defaults, list
//! filters and orders), and errors with stable codes.

use std::path::Path;

use ticket_app::{
    App, CloseRequest, CloseText, CommentRequest, CreateRequest, ErrorCode, ListRequest, Listed,
    Settings, Sort, StatusRequest, TicketStatus, Version,
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
        if_version,
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
                if_version: Some(read.clone()),
                ..StatusRequest::new(id.clone(), TicketStatus::Pending)
            })
        }),
        Box::new(|| {
            a.close(CloseRequest {
                query: id.clone(),
                if_version: Some(read.clone()),
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

#[test]
fn errors_have_stable_codes() {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path(), "2026-01-02T03:04:05Z");
    create(&a, "Dup", "P2");
    let b = app(dir.path(), "2026-01-02T03:04:06Z");
    create(&b, "Dup", "P2");
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
