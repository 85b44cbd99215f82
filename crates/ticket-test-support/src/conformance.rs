//! The conformance suite every backend must pass: the in-memory one and the local one run these
//! same checks from their tests. A check panics with a message naming what the backend got wrong;
//! [`run_all`] runs every check and reports every one that failed, not only the first.
//!
//! Usage from a backend's tests:
//! `ticket_test_support::conformance::run_all(&|clock| Subject::new(MyBackend::new(clock), set))`,
//! `set` storing a lease record the way the backend's claims do, so that the guard of every
//! write (its version and its token) is checked against what the backend keeps.

use std::ops::Deref;
use std::sync::Arc;

use ticket_domain::construct;
use ticket_domain::{
    ActionRequired, BackendError, BodyEdit, Change, Clock, Edit, EditRecord, EventKind, EventRef,
    FieldEdit, FixedClock, Guard, Label, Lease, LeaseRecord, ListFilter, MarkdownText, NewEvent,
    NewReview, NewTicket, Readiness, RefKind, RefList, RelationKind, Reopen, Resolution,
    ReviewVerdict, StatusMove, StatusRecord, Ticket, TicketBackend, TicketBackendExt, TicketId,
    TicketIdOrSlug, TicketStatus, Timestamp,
};

/// Makes a fresh, empty backend that takes its time from `clock`.
pub type Factory<'a> = &'a dyn Fn(Arc<FixedClock>) -> Subject;

/// Stores a lease record for a ticket id, where the backend's writes read it.
pub type SetLease = Box<dyn Fn(&str, LeaseRecord)>;

/// A backend under test, and how to give one of its tickets a lease (what a claim stores).
pub struct Subject {
    pub backend: Box<dyn TicketBackend>,
    pub set_lease: SetLease,
}

impl Subject {
    pub fn new(
        backend: impl TicketBackend + 'static,
        set_lease: impl Fn(&str, LeaseRecord) + 'static,
    ) -> Self {
        Self {
            backend: Box::new(backend),
            set_lease: Box::new(set_lease),
        }
    }
}

/// What a check gets besides the backend: its clock (the `Deref`), and the lease setter.
pub struct Env {
    clock: Arc<FixedClock>,
    set_lease: SetLease,
}

impl Deref for Env {
    type Target = FixedClock;
    fn deref(&self) -> &FixedClock {
        &self.clock
    }
}

/// A named check.
pub type Check = (&'static str, fn(&dyn TicketBackend, &Env));

/// Every check, by name.
pub const CHECKS: &[Check] = &[
    ("create_then_show", create_then_show),
    (
        "create_with_body_and_assignee",
        create_with_body_and_assignee,
    ),
    ("create_collision_gets_suffix", create_collision_gets_suffix),
    ("odd_titles_round_trip", odd_titles_round_trip),
    (
        "lookup_by_slug_not_found_ambiguous",
        lookup_by_slug_not_found_ambiguous,
    ),
    ("events_append_in_order", events_append_in_order),
    ("reviews_carry_verdicts", reviews_carry_verdicts),
    ("status_moves_and_list_order", status_moves_and_list_order),
    ("close_and_reopen", close_and_reopen),
    ("closed_is_not_closed_again", closed_is_not_closed_again),
    (
        "edits_change_fields_and_record_them",
        edits_change_fields_and_record_them,
    ),
    ("edit_body_replacements", edit_body_replacements),
    ("refused_edits_change_nothing", refused_edits_change_nothing),
    ("hostile_bodies_round_trip", hostile_bodies_round_trip),
    ("invalid_input_is_refused", invalid_input_is_refused),
    ("list_filters", list_filters),
    ("action_required_is_derived", action_required_is_derived),
    ("versions_name_states", versions_name_states),
    (
        "change_append_event_versioned",
        change_append_event_versioned,
    ),
    ("change_review_versioned", change_review_versioned),
    ("change_set_status_versioned", change_set_status_versioned),
    ("change_close_versioned", change_close_versioned),
    ("change_link_versioned", change_link_versioned),
    ("change_unlink_versioned", change_unlink_versioned),
    ("relations_round_trip", relations_round_trip),
    ("change_reopen_versioned", change_reopen_versioned),
    ("change_edit_versioned", change_edit_versioned),
];

/// Runs every check, each on a fresh backend; panics at the end naming every check that failed
/// and why.
pub fn run_all(make: Factory<'_>) {
    run_checks("conformance", CHECKS, |check| {
        let clock = Arc::new(start_clock());
        let Subject { backend, set_lease } = make(clock.clone());
        let env = Env { clock, set_lease };
        check(backend.as_ref(), &env)
    });
}

/// Runs `run` on each named check, catching its panic; panics at the end naming every check
/// that failed and why (`what` names the suite).
pub(crate) fn run_checks<C>(what: &str, checks: &[(&'static str, C)], run: impl Fn(&C)) {
    let mut failed = Vec::new();
    for (name, check) in checks {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(check)));
        if let Err(panic) = outcome {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failed.push(format!("`{name}`: {msg}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {what} checks failed:\n{}",
        failed.len(),
        checks.len(),
        failed.join("\n")
    );
}

pub(crate) fn start_clock() -> FixedClock {
    FixedClock::new(ts("2026-01-02T03:04:05Z"), "4242")
}

fn ts(s: &str) -> Timestamp {
    s.parse().expect("test timestamps are valid")
}

fn q(s: &str) -> TicketIdOrSlug {
    TicketIdOrSlug::new(s).expect("test queries are valid")
}

fn create(b: &dyn TicketBackend, title: &str) -> Ticket {
    b.create(NewTicket::new(title)).expect("create succeeds")
}

fn create_then_show(b: &dyn TicketBackend, _: &Env) {
    let mut new = NewTicket::new("Pod: scope \"persistence\" 永続化");
    new.author = "yoi ticket".into();
    new.kind = "feature".into();
    new.priority = "P1".into();
    new.labels = Label::parse_list("tui, pod ,,ux").expect("valid labels");
    let made = b.create(new).expect("create succeeds");
    assert_eq!(made.id.as_str(), "20260102-030405-pod-scope-persistence");
    assert_eq!(made.slug.as_str(), "pod-scope-persistence");
    let shown = b.show(&q(made.id.as_str())).expect("show by id");
    assert_eq!(shown.title, "Pod: scope \"persistence\" 永続化");
    assert_eq!(shown.status, TicketStatus::Open);
    assert_eq!(
        (shown.kind.as_str(), shown.priority.as_str()),
        ("feature", "P1")
    );
    let labels: Vec<_> = shown.labels.iter().map(Label::as_str).collect();
    assert_eq!(labels, ["tui", "pod", "ux"]);
    assert_eq!(shown.created_at, ts("2026-01-02T03:04:05Z"));
    assert_eq!(shown.updated_at, shown.created_at);
    assert_eq!(
        (shown.assignee.as_deref(), shown.legacy_ticket.as_deref()),
        (None, None)
    );
    assert_eq!(shown.body.as_str(), construct::NEW_TICKET_BODY);
    assert_eq!(shown.events.len(), 1, "a new thread holds the create event");
    let e = &shown.events[0];
    assert_eq!(
        (&e.kind, e.author.as_str()),
        (&EventKind::Create, "yoi ticket"),
        "the create event names its creator"
    );
    assert_eq!(e.body.as_str(), construct::CREATE_EVENT_BODY);
    assert_eq!(shown.resolution, None);
}

fn create_with_body_and_assignee(b: &dyn TicketBackend, _: &Env) {
    for body in HOSTILE_BODIES {
        let mut new = NewTicket::new(format!("Body {body:?}"));
        new.body = Some(MarkdownText::from(*body));
        new.assignee = Some("null".into());
        let made = b.create(new).expect("create with a body");
        let shown = b.show(&q(made.id.as_str())).expect("show");
        assert_eq!(shown.body.as_str(), *body, "the body is kept byte for byte");
        assert_eq!(shown.assignee.as_deref(), Some("null"), "a name, not null");
    }
    let mut bad = NewTicket::new("Bad assignee");
    bad.assignee = Some("two\nlines".into());
    assert!(b.create(bad).is_err(), "an assignee is one line");
    let mut bad = NewTicket::new("Bad author");
    bad.author = "x --> y".into();
    assert!(
        b.create(bad).is_err(),
        "authors are checked as every event's"
    );
}

fn odd_titles_round_trip(b: &dyn TicketBackend, clock: &Env) {
    for title in [
        "two\nlines",
        " leading space",
        "\"quoted\"",
        "tab\there",
        "null",
        "  ",
    ] {
        clock.advance(1);
        let made = b
            .create(NewTicket::new(title))
            .expect("any non-empty title is accepted");
        let shown = b.show(&q(made.id.as_str())).expect("show");
        assert_eq!(shown.title, title);
    }
}

fn create_collision_gets_suffix(b: &dyn TicketBackend, _: &Env) {
    let first = create(b, "Same title");
    let second = create(b, "Same title");
    assert_eq!(first.id.as_str(), "20260102-030405-same-title");
    assert_eq!(second.id.as_str(), "20260102-030405-same-title-4242");
}

fn lookup_by_slug_not_found_ambiguous(b: &dyn TicketBackend, clock: &Env) {
    let one = create(b, "Alpha");
    assert_eq!(b.show(&q("alpha")).expect("by slug").id, one.id);
    assert!(matches!(
        b.show(&q("nope")),
        Err(BackendError::NotFound { .. })
    ));
    clock.advance(1);
    create(b, "Alpha");
    match b.show(&q("alpha")) {
        Err(BackendError::Ambiguous { matches, .. }) => assert_eq!(matches.len(), 2),
        other => panic!("two tickets share slug `alpha`: expected Ambiguous, got {other:?}"),
    }
    assert_eq!(
        b.show(&q(one.id.as_str())).expect("id stays exact").id,
        one.id
    );
    // Case is ignored, but an exact match wins over one but for case.
    assert_eq!(
        b.show(&q(&one.id.as_str().to_uppercase()))
            .expect("upper id")
            .id,
        one.id
    );
    match b.show(&q("ALPHA")) {
        Err(BackendError::Ambiguous { matches, .. }) => assert_eq!(matches.len(), 2),
        other => panic!("`ALPHA` names both `alpha` tickets: got {other:?}"),
    }
    // No exact match: a unique prefix of an id or a slug names its ticket (case ignored); a
    // shared one is ambiguous and names every candidate.
    clock.advance(1);
    let beta = create(b, "Beta particle");
    assert_eq!(b.show(&q("beta-p")).expect("slug prefix").id, beta.id);
    assert_eq!(
        b.show(&q("Beta-P")).expect("slug prefix, any case").id,
        beta.id
    );
    assert_eq!(
        b.show(&q("20260102-030407")).expect("id prefix").id,
        beta.id
    );
    match b.show(&q("20260102-03040")) {
        Err(BackendError::Ambiguous { matches, .. }) => assert_eq!(matches.len(), 3),
        other => panic!("a shared prefix: expected Ambiguous, got {other:?}"),
    }
}

fn events_append_in_order(b: &dyn TicketBackend, clock: &Env) {
    let t = create(b, "Thread");
    let kinds = [
        "comment",
        "plan",
        "decision",
        "implementation_report",
        "migration",
    ];
    let headings = [
        "Comment",
        "Plan",
        "Decision",
        "Implementation report",
        "migration",
    ];
    for kind in kinds {
        clock.advance(60);
        let mut event = NewEvent::new(EventKind::parse(kind), "yoi ticket", format!("{kind} body"));
        if kind == "implementation_report" {
            event.refs = vec![EventRef {
                kind: RefKind::Commit,
                value: "abc123".into(),
            }];
        }
        b.add_event(&q(t.slug.as_str()), event)
            .expect("append succeeds");
    }
    let shown = b.show(&q(t.id.as_str())).expect("show");
    assert_eq!(shown.events.len(), 6);
    for (i, e) in shown.events[1..].iter().enumerate() {
        assert_eq!(e.kind.as_str(), kinds[i]);
        assert_eq!(e.heading.as_deref(), Some(headings[i]));
        assert_eq!(e.author, "yoi ticket", "authors with spaces survive");
        assert_eq!(e.body.as_str(), format!("{} body", kinds[i]));
    }
    assert_eq!(
        shown.events[4].refs.len(),
        1,
        "event references are persisted"
    );
    assert_eq!(shown.updated_at, ts("2026-01-02T03:09:05Z"));
    assert_eq!(shown.created_at, ts("2026-01-02T03:04:05Z"));
}

fn reviews_carry_verdicts(b: &dyn TicketBackend, _: &Env) {
    let t = create(b, "Review me");
    for verdict in [ReviewVerdict::RequestChanges, ReviewVerdict::Approve] {
        let review = NewReview {
            verdict,
            author: "reviewer".into(),
            body: "notes".into(),
        };
        b.review(&q(t.id.as_str()), review)
            .expect("review succeeds");
    }
    let shown = b.show(&q(t.id.as_str())).expect("show");
    let verdicts: Vec<_> = shown.events.iter().filter_map(|e| e.verdict()).collect();
    assert_eq!(
        verdicts,
        [ReviewVerdict::RequestChanges, ReviewVerdict::Approve]
    );
    assert_eq!(
        shown.events[1].heading.as_deref(),
        Some("Review: request changes")
    );
    let none = NewReview {
        verdict: ReviewVerdict::None,
        author: "r".into(),
        body: "x".into(),
    };
    assert!(matches!(
        b.review(&q(t.id.as_str()), none),
        Err(BackendError::Invalid { .. })
    ));
}

fn status_moves_and_list_order(b: &dyn TicketBackend, clock: &Env) {
    let a = create(b, "b first");
    clock.advance(1);
    let c = create(b, "a second");
    clock.advance(1);
    let moved = b
        .set_status(&q(a.id.as_str()), TicketStatus::Pending)
        .expect("move");
    assert_eq!(moved.status, TicketStatus::Pending);
    assert_eq!(moved.updated_at, ts("2026-01-02T03:04:07Z"));
    let all = b.list(&ListFilter::default()).expect("list");
    let ids: Vec<_> = all.tickets.iter().map(|t| t.id.clone()).collect();
    assert_eq!(ids, [c.id.clone(), a.id.clone()], "open before pending");
    let open = b
        .list(&ListFilter::status(TicketStatus::Open))
        .expect("list open");
    assert_eq!(open.tickets.len(), 1);
    let unknown = b.set_status(&q(a.id.as_str()), TicketStatus::parse("wip"));
    assert!(matches!(unknown, Err(BackendError::Transition { .. })));
    let mut back = StatusMove::new(TicketStatus::Open, "mover");
    back.reason = Some("Not ready after all.".into());
    let back = b
        .apply(&q(a.id.as_str()), &Guard::none(), Change::SetStatus(back))
        .expect("back");
    assert_eq!(back.status, TicketStatus::Open);
    let kinds: Vec<_> = back.events.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds,
        [EventKind::Create, EventKind::Status, EventKind::Status],
        "every status move appends a status event"
    );
    let last = back.events.last().expect("an event");
    assert_eq!(
        (
            last.author.as_str(),
            last.status.as_deref(),
            last.heading.as_deref()
        ),
        ("mover", Some("open"), Some("Status"))
    );
    assert_eq!(
        StatusRecord::parse(last.body.as_str()),
        Ok(StatusRecord {
            from: "pending".into(),
            to: "open".into(),
            reason: Some("Not ready after all.".into()),
        })
    );
    assert_eq!(back.events[1].body.as_str(), "from: open\nto: pending\n");
}

fn close_and_reopen(b: &dyn TicketBackend, clock: &Env) {
    let t = create(b, "Closing");
    clock.advance(5);
    let empty = Resolution {
        text: " ".into(),
        author: "me".into(),
    };
    assert!(
        b.close(&q(t.id.as_str()), empty).is_err(),
        "closing needs a resolution"
    );
    let res = Resolution {
        text: "Done.\n".into(),
        author: "me".into(),
    };
    let closed = b.close(&q(t.id.as_str()), res).expect("close");
    assert_eq!(closed.status, TicketStatus::Closed);
    assert_eq!(
        closed.resolution.as_ref().map(MarkdownText::as_str),
        Some("Done.\n")
    );
    let last = closed.events.last().expect("close event");
    assert_eq!(
        (&last.kind, last.status.as_deref()),
        (&EventKind::Close, Some("closed"))
    );
    assert_eq!(last.body.as_str(), "Done.\n");
    let reopened = b
        .reopen(
            &q(t.id.as_str()),
            Reopen {
                author: "me".into(),
                reason: None,
            },
        )
        .expect("reopen");
    assert_eq!(reopened.status, TicketStatus::Open);
    assert_eq!(
        reopened.resolution.as_ref().map(MarkdownText::as_str),
        Some("Done.\n")
    );
    let last = reopened.events.last().expect("status event");
    assert_eq!(last.kind, EventKind::Status);
    assert_eq!(last.body.as_str(), "from: closed\nto: open\n");
    assert!(
        matches!(
            b.reopen(
                &q(t.id.as_str()),
                Reopen {
                    author: "me".into(),
                    reason: None,
                },
            ),
            Err(BackendError::Transition { .. })
        ),
        "only a closed ticket is reopened"
    );
    let listed = b
        .list(&ListFilter::status(TicketStatus::Closed))
        .expect("list");
    assert!(listed.tickets.is_empty());
}

/// A closed ticket is not closed again (by `close` or a move to closed): refused, nothing changed.
fn closed_is_not_closed_again(b: &dyn TicketBackend, clock: &Env) {
    let t = create(b, "Once");
    let id = q(t.id.as_str());
    let res = |text: &str| Resolution {
        text: text.into(),
        author: "me".into(),
    };
    b.close(&id, res("First.\n")).expect("close");
    let closed = b.show(&id).expect("show");
    clock.advance(1);
    for change in [
        Change::Close(res("Second.\n")),
        Change::SetStatus(StatusMove::new(TicketStatus::Closed, "me")),
    ] {
        let name = change.name();
        match b.apply(&id, &Guard::none(), change) {
            Err(BackendError::Transition { source }) => {
                assert!(source.to_string().contains("already closed"), "{source}")
            }
            other => panic!("{name} of a closed ticket: expected Transition, got {other:?}"),
        }
        assert_eq!(b.show(&id).expect("show"), closed, "{name} changed nothing");
    }
}

fn label(l: &str) -> Label {
    Label::new(l).expect("test labels are valid")
}

/// Every field operation, and the `edit` event that records them.
fn edits_change_fields_and_record_them(b: &dyn TicketBackend, clock: &Env) {
    let mut new = NewTicket::new("Edit me");
    new.labels = vec![label("a"), label("b")];
    let t = b.create(new).expect("create");
    let id = q(t.id.as_str());
    clock.advance(60);
    let edit = Edit::new("editor")
        .field(FieldEdit::Title("Edited: \"title\" 永続化".into()))
        .field(FieldEdit::Kind("bug".into()))
        .field(FieldEdit::Priority("P0".into()))
        .field(FieldEdit::RemoveLabels(vec![label("a")]))
        .field(FieldEdit::AddLabels(vec![label("c"), label("b")]))
        .field(FieldEdit::Assignee(Some("ada".into())))
        .field(FieldEdit::Readiness(Readiness::Blocked))
        .field(FieldEdit::NeedsPreflight(true))
        .field(FieldEdit::AddRiskFlags(vec!["data-loss".into()]))
        .field(FieldEdit::AddRefs(
            RefList::Urls,
            vec!["https://x/a,b".into()],
        ))
        .field(FieldEdit::ActionRequired(Some(ActionRequired::Human)))
        .field(FieldEdit::SetKey {
            key: "owner_team".into(),
            value: "platform".into(),
        })
        .body(BodyEdit::Whole("New body.\n".into()));
    let edited = b.edit(&id, edit).expect("edit");
    assert_eq!(
        (edited.id.clone(), edited.slug.clone()),
        (t.id.clone(), t.slug.clone())
    );
    assert_eq!(edited.title, "Edited: \"title\" 永続化");
    assert_eq!(
        (edited.kind.as_str(), edited.priority.as_str()),
        ("bug", "P0")
    );
    let labels: Vec<_> = edited.labels.iter().map(Label::as_str).collect();
    assert_eq!(labels, ["b", "c"]);
    assert_eq!(edited.assignee.as_deref(), Some("ada"));
    assert_eq!(edited.meta.readiness, Readiness::Blocked);
    assert!(edited.meta.needs_preflight);
    assert_eq!(edited.meta.risk_flags, ["data-loss"]);
    assert_eq!(edited.meta.refs.urls, ["https://x/a,b"]);
    assert_eq!(edited.meta.action_required, Some(ActionRequired::Human));
    assert_eq!(edited.body.as_str(), "New body.\n");
    assert_eq!(edited.updated_at, ts("2026-01-02T03:05:05Z"));
    assert_eq!(edited.created_at, t.created_at);
    let shown = b.show(&id).expect("show");
    assert_eq!(
        shown.summary, edited.summary,
        "what the edit returns is what reads back"
    );
    let e = shown.events.last().expect("edit event");
    assert_eq!(
        (&e.kind, e.author.as_str(), e.heading.as_deref()),
        (&EventKind::Edit, "editor", Some("Edited"))
    );
    let record = EditRecord::parse(e.body.as_str()).expect("the record parses");
    assert_eq!(record.fields.len(), 11, "one entry per field: {record:?}");
    let body = record.body.expect("the body changed");
    assert_eq!(body.apply(t.body.as_str()).as_deref(), Ok("New body.\n"));
    clock.advance(1);
    let undo = Edit::new("editor")
        .field(FieldEdit::Assignee(None))
        .field(FieldEdit::Readiness(Readiness::Unspecified))
        .field(FieldEdit::NeedsPreflight(false))
        .field(FieldEdit::ClearRiskFlags)
        .field(FieldEdit::ClearRefs(RefList::Urls))
        .field(FieldEdit::ActionRequired(None))
        .field(FieldEdit::UnsetKey("owner_team".into()));
    let undone = b.edit(&id, undo).expect("edit back");
    assert_eq!(undone.assignee, None);
    assert_eq!(undone.meta.readiness, Readiness::Unspecified);
    assert!(!undone.meta.needs_preflight && undone.meta.risk_flags.is_empty());
    assert!(undone.meta.refs.is_empty() && undone.extra.is_empty());
    let record =
        EditRecord::parse(undone.events.last().expect("edit").body.as_str()).expect("parses");
    let removed = record.fields.iter().filter(|f| f.new.is_none()).count();
    assert_eq!(
        removed, 6,
        "fields back at their defaults are removed: {record:?}"
    );
}

fn edit_body_replacements(b: &dyn TicketBackend, _: &Env) {
    let mut new = NewTicket::new("Replace");
    new.body = Some("one two one\nthree\n".into());
    let t = b.create(new).expect("create");
    let id = q(t.id.as_str());
    let replace = |old: &str, new: &str, all: bool| {
        Edit::new("e").body(BodyEdit::Replace {
            old: old.into(),
            new: new.into(),
            all,
        })
    };
    let cases = [
        ("one", "1", false, Err(2)),
        ("four", "4", false, Err(0)),
        ("two", "2", false, Ok("one 2 one\nthree\n")),
        ("one", "1", true, Ok("1 2 1\nthree\n")),
        ("\nthree", "", false, Ok("1 2 1\n")),
    ];
    for (old, new, all, want) in cases {
        match (b.edit(&id, replace(old, new, all)), want) {
            (Ok(t), Ok(body)) => assert_eq!(t.body.as_str(), body, "{old:?}"),
            (Err(BackendError::BodyMatch { occurrences }), Err(n)) => {
                assert_eq!(occurrences, n, "{old:?}")
            }
            (got, want) => panic!("replace {old:?}: got {got:?}, want {want:?}"),
        }
    }
}

fn refused_edits_change_nothing(b: &dyn TicketBackend, _: &Env) {
    let t = create(b, "Refuse");
    let id = q(t.id.as_str());
    let before = b.show(&id).expect("show");
    for edit in [
        Edit::new("e"),
        Edit::new("e").field(FieldEdit::Title("Refuse".into())),
        Edit::new("e").field(FieldEdit::Title(String::new())),
        Edit::new("e\n").field(FieldEdit::Title("x".into())),
        Edit::new("e")
            .field(FieldEdit::Title("ok".into()))
            .field(FieldEdit::SetKey {
                key: "status".into(),
                value: "closed".into(),
            }),
        Edit::new("e").field(FieldEdit::UnsetKey("id".into())),
    ] {
        assert!(
            b.edit(&id, edit.clone()).is_err(),
            "{edit:?} must be refused"
        );
        assert_eq!(
            b.show(&id).expect("show"),
            before,
            "{edit:?} changed nothing"
        );
    }
}

/// Bodies no format may corrupt.
pub const HOSTILE_BODIES: &[&str] = &[
    "",
    "---",
    "---\n",
    "a\n---\nb\n",
    "<!-- event: comment author: x at: 2026-01-01T00:00:00Z -->\n",
    "x\n<!-- event: close author: mallory at: 2026-01-01T00:00:00Z status: closed -->\n\n## Closed\n",
    "\\<!-- event: already quoted\n\\\\<!-- event: twice\n",
    "crlf\r\nlines\r\n---\r\n",
    "trailing spaces   \n\n\n",
    "## Heading\n\n---\n\n",
    "no newline at end",
    "\n\n---\n",
    "unicode: 永続化 ✓ \u{200b}",
];

fn hostile_bodies_round_trip(b: &dyn TicketBackend, _: &Env) {
    let t = create(b, "Hostile");
    for body in HOSTILE_BODIES {
        let event = NewEvent::new(EventKind::Comment, "a b", *body);
        b.add_event(&q(t.id.as_str()), event).expect("append");
    }
    let shown = b.show(&q(t.id.as_str())).expect("show");
    let bodies: Vec<_> = shown.events[1..].iter().map(|e| e.body.as_str()).collect();
    assert_eq!(bodies, HOSTILE_BODIES, "bodies come back byte for byte");
}

fn invalid_input_is_refused(b: &dyn TicketBackend, _: &Env) {
    let t = create(b, "Valid");
    let id = q(t.id.as_str());
    assert!(b.create(NewTicket::new("")).is_err(), "empty title");
    let mut no_kind = NewTicket::new("No kind");
    no_kind.kind = String::new();
    assert!(b.create(no_kind).is_err(), "empty kind");
    assert!(Label::new("a,b").is_err() && Label::new("").is_err() && Label::new("[x").is_err());
    for (kind, author) in [
        ("has space", "a"),
        ("comment", "line\nbreak"),
        ("comment", "x --> y"),
        ("comment", ""),
    ] {
        let event = NewEvent::new(EventKind::parse(kind), author, "body");
        assert!(
            b.add_event(&id, event).is_err(),
            "kind {kind:?} author {author:?}"
        );
    }
    assert_eq!(
        b.show(&id).expect("show").events.len(),
        1,
        "refused input changes nothing"
    );
}

fn list_filters(b: &dyn TicketBackend, _: &Env) {
    let mut new = NewTicket::new("Filtered");
    new.kind = "bug".into();
    new.priority = "P0".into();
    new.labels = Label::parse_list("x,y").expect("valid");
    b.create(new).expect("create");
    create(b, "Plain");
    let count = |f: ListFilter| b.list(&f).expect("list").tickets.len();
    assert_eq!(count(ListFilter::default()), 2);
    let kind = ListFilter {
        kind: Some("bug".into()),
        ..ListFilter::default()
    };
    assert_eq!(count(kind), 1);
    let label = ListFilter {
        label: Some("y".into()),
        priority: Some("P0".into()),
        ..ListFilter::default()
    };
    assert_eq!(count(label), 1);
    let assignee = ListFilter {
        assignee: Some("nobody".into()),
        ..ListFilter::default()
    };
    assert_eq!(count(assignee), 0);
}

fn action_required_is_derived(b: &dyn TicketBackend, _: &Env) {
    let t = create(b, "Act");
    let id = q(t.id.as_str());
    b.set_status(&id, TicketStatus::Pending).expect("pending");
    let report = NewEvent::new(EventKind::ImplementationReport, "dev", "done");
    b.add_event(&id, report).expect("report");
    let shown = b.show(&id).expect("show");
    assert_eq!(shown.meta.action_required, Some(ActionRequired::Reviewer));
    let review = NewReview {
        verdict: ReviewVerdict::RequestChanges,
        author: "rev".into(),
        body: "fix".into(),
    };
    b.review(&id, review).expect("review");
    assert_eq!(
        b.show(&id).expect("show").meta.action_required,
        Some(ActionRequired::Implementer)
    );
}

/// Every read of an unchanged ticket gives the same version; every change gives a new one.
fn versions_name_states(b: &dyn TicketBackend, clock: &Env) {
    let t = create(b, "Versioned");
    let id = q(t.id.as_str());
    let first = b.show(&id).expect("show");
    assert_eq!(
        first.version, t.version,
        "create returns the version a read gives"
    );
    assert!(!first.version.as_str().is_empty(), "a ticket has a version");
    assert_eq!(b.show(&id).expect("show").version, first.version);
    clock.advance(1);
    let other = create(b, "Other");
    assert_ne!(other.version, first.version, "tickets differ");
    let changed = b
        .add_event(&id, NewEvent::new(EventKind::Comment, "me", "x"))
        .expect("append");
    assert_ne!(
        changed.version, first.version,
        "a change makes a new version"
    );
    assert_eq!(b.show(&id).expect("show").version, changed.version);
}

/// The check every kind of change gets: applied at the version read, it succeeds and yields a
/// new version; applied again at the old version, it is refused with a version conflict and
/// changes nothing; applied with no guard, it succeeds. Then the ticket gets a live lease:
/// applied with a token that is not the lease's, it is refused as a lost lease and changes
/// nothing; applied with the lease's token (and the version read), it succeeds.
fn versioned(b: &dyn TicketBackend, clock: &Env, change: impl Fn() -> Change) {
    versioned_after(b, clock, |_| (), change)
}

/// [`versioned`] on a ticket `setup` prepared (closed, for a reopen); `setup` runs again before
/// the last application.
fn versioned_after(
    b: &dyn TicketBackend,
    clock: &Env,
    setup: impl Fn(&TicketIdOrSlug),
    change: impl Fn() -> Change,
) {
    let t = create(b, "Compare and swap");
    let id = q(t.id.as_str());
    setup(&id);
    let read = b.show(&id).expect("show");
    clock.advance(1);
    let name = change().name();
    let after = b
        .apply(&id, &Guard::at(read.version.clone()), change())
        .unwrap_or_else(|e| panic!("{name} at the current version is refused: {e}"));
    assert_ne!(after.version, read.version, "{name} makes a new version");
    let now = b.show(&id).expect("show");
    clock.advance(1);
    match b.apply(&id, &Guard::at(read.version.clone()), change()) {
        Err(BackendError::VersionConflict { .. }) => {}
        other => panic!("{name} at a stale version: expected VersionConflict, got {other:?}"),
    }
    assert_eq!(
        b.show(&id).expect("show"),
        now,
        "{name} refused for a stale version changed nothing"
    );
    setup(&id);
    b.apply(&id, &Guard::none(), change())
        .unwrap_or_else(|e| panic!("{name} with no expected version is refused: {e}"));
    setup(&id);
    let held = LeaseRecord {
        token: 2,
        lease: Some(Lease {
            holder: "holder".into(),
            token: 2,
            acquired: clock.now(),
            expires: ts("2026-01-03T00:00:00Z"),
        }),
    };
    (clock.set_lease)(t.id.as_str(), held);
    let now = b.show(&id).expect("show");
    clock.advance(1);
    match b.apply(&id, &Guard::holding(1), change()) {
        Err(BackendError::LeaseLost { token: 1, .. }) => {}
        other => panic!("{name} with a lost token: expected LeaseLost, got {other:?}"),
    }
    assert_eq!(
        b.show(&id).expect("show"),
        now,
        "{name} refused for a lost token changed nothing"
    );
    let guard = Guard {
        if_version: Some(now.version.clone()),
        token: Some(2),
    };
    b.apply(&id, &guard, change())
        .unwrap_or_else(|e| panic!("{name} with the lease's token is refused: {e}"));
}

fn change_append_event_versioned(b: &dyn TicketBackend, clock: &Env) {
    versioned(b, clock, || {
        Change::AppendEvent(NewEvent::new(EventKind::Plan, "planner", "step 1\n"))
    });
}

fn change_review_versioned(b: &dyn TicketBackend, clock: &Env) {
    versioned(b, clock, || {
        Change::Review(NewReview {
            verdict: ReviewVerdict::Approve,
            author: "reviewer".into(),
            body: "fine\n".into(),
        })
    });
}

fn change_set_status_versioned(b: &dyn TicketBackend, clock: &Env) {
    versioned(b, clock, || {
        Change::SetStatus(StatusMove::new(TicketStatus::Pending, "mover"))
    });
}

fn change_close_versioned(b: &dyn TicketBackend, clock: &Env) {
    let reopen = |id: &TicketIdOrSlug| {
        if b.show(id).expect("show").status == TicketStatus::Closed {
            let by = Reopen {
                author: "me".into(),
                reason: None,
            };
            b.reopen(id, by).expect("reopen");
        }
    };
    versioned_after(b, clock, reopen, || {
        Change::Close(Resolution {
            text: "Done.\n".into(),
            author: "me".into(),
        })
    });
}

fn tid(s: &str) -> TicketId {
    TicketId::new(s).expect("test ids are valid")
}

/// Link changes, each to a new target (a link is refused when already stored).
fn change_link_versioned(b: &dyn TicketBackend, clock: &Env) {
    let n = std::cell::Cell::new(0);
    versioned(b, clock, || {
        n.set(n.get() + 1);
        Change::Link {
            kind: RelationKind::DependsOn,
            target: tid(&format!("20260101-000000-target-{}", n.get())),
            author: "me".into(),
        }
    });
}

/// Unlink changes, each of the next stored edge (the helper asks for six changes).
fn change_unlink_versioned(b: &dyn TicketBackend, clock: &Env) {
    let target = |n: usize| tid(&format!("20260101-000000-related-{n}"));
    let n = std::cell::Cell::new(0);
    versioned_after(
        b,
        clock,
        |id| {
            // Runs again before the last application: links only what is not stored.
            let stored = b.show(id).expect("show").relations.related.clone();
            for k in 1..=6 {
                if stored.contains(&target(k)) {
                    continue;
                }
                let link = Change::Link {
                    kind: RelationKind::Related,
                    target: target(k),
                    author: "me".into(),
                };
                b.apply(id, &Guard::none(), link).expect("link");
            }
        },
        || {
            n.set(n.get() + 1);
            Change::Unlink {
                kind: RelationKind::Related,
                target: target(n.get()),
                author: "me".into(),
            }
        },
    );
}

/// Relations given at create, added and removed later, read back with their events; what one
/// ticket can tell is wrong (a link to itself, twice, or the removal of an edge it does not
/// store) is refused and changes nothing.
fn relations_round_trip(b: &dyn TicketBackend, clock: &Env) {
    let mut new = NewTicket::new("Has relations");
    new.relations.parent = vec![tid("20260101-000000-epic")];
    new.relations.depends_on = vec![tid("20260101-000000-a"), tid("20260101-000000-b")];
    let t = b.create(new).expect("create with relations");
    let id = q(t.id.as_str());
    let read = b.show(&id).expect("show");
    assert_eq!(
        read.relations, t.relations,
        "relations read back as created"
    );
    clock.advance(1);
    let link = |kind, target: &str| Change::Link {
        kind,
        target: tid(target),
        author: "linker".into(),
    };
    let unlink = |kind, target: &str| Change::Unlink {
        kind,
        target: tid(target),
        author: "linker".into(),
    };
    let after = b
        .apply(
            &id,
            &Guard::none(),
            link(RelationKind::Supersedes, "20260101-000000-old"),
        )
        .expect("link");
    assert_eq!(after.relations.supersedes, [tid("20260101-000000-old")]);
    let event = after.events.last().expect("an event");
    assert_eq!(event.kind, EventKind::Link);
    assert_eq!(event.status.as_deref(), Some("supersedes"));
    assert_eq!(event.author, "linker");
    assert_eq!(
        event.refs,
        [EventRef {
            kind: RefKind::Ticket,
            value: "20260101-000000-old".into()
        }]
    );
    let after = b
        .apply(
            &id,
            &Guard::none(),
            unlink(RelationKind::DependsOn, "20260101-000000-a"),
        )
        .expect("unlink");
    assert_eq!(after.relations.depends_on, [tid("20260101-000000-b")]);
    assert_eq!(
        after.events.last().map(|e| e.kind.clone()),
        Some(EventKind::Unlink)
    );
    let after = b
        .apply(
            &id,
            &Guard::none(),
            unlink(RelationKind::DependsOn, "20260101-000000-b"),
        )
        .expect("unlink the last one");
    assert!(after.relations.depends_on.is_empty());
    let settled = b.show(&id).expect("show");
    assert_eq!(settled.relations, after.relations);
    for refused in [
        link(RelationKind::Related, t.id.as_str()),
        link(RelationKind::Parent, "20260101-000000-epic"),
        unlink(RelationKind::DependsOn, "20260101-000000-a"),
        unlink(RelationKind::Related, "20260101-000000-epic"),
    ] {
        let name = format!("{refused:?}");
        match b.apply(&id, &Guard::none(), refused) {
            Err(BackendError::Invalid { .. }) => {}
            other => panic!("{name}: expected Invalid, got {other:?}"),
        }
        assert_eq!(
            b.show(&id).expect("show"),
            settled,
            "{name} changed nothing"
        );
    }
}

fn change_reopen_versioned(b: &dyn TicketBackend, clock: &Env) {
    let close = |id: &TicketIdOrSlug| {
        if b.show(id).expect("show").status != TicketStatus::Closed {
            b.close(
                id,
                Resolution {
                    text: "Done.\n".into(),
                    author: "me".into(),
                },
            )
            .expect("close");
        }
    };
    versioned_after(b, clock, close, || {
        Change::Reopen(Reopen {
            author: "me".into(),
            reason: Some("Again.".into()),
        })
    });
}

fn change_edit_versioned(b: &dyn TicketBackend, clock: &Env) {
    let n = std::cell::Cell::new(0);
    versioned(b, clock, || {
        n.set(n.get() + 1);
        Change::Edit(Edit::new("editor").field(FieldEdit::Title(format!("Title {}", n.get()))))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_domain::{Diagnostic, InMemoryBackend, Listing};

    /// A backend that ignores the guard: every compare-and-swap check must fail,
    /// and the suite must name each of them, not stop at the first.
    struct IgnoresVersions(InMemoryBackend);

    impl TicketBackend for IgnoresVersions {
        fn list(&self, filter: &ListFilter) -> Result<Listing, BackendError> {
            self.0.list(filter)
        }
        fn show(&self, query: &TicketIdOrSlug) -> Result<Ticket, BackendError> {
            self.0.show(query)
        }
        fn create(&self, new: NewTicket) -> Result<Ticket, BackendError> {
            self.0.create(new)
        }
        fn apply(
            &self,
            query: &TicketIdOrSlug,
            _guard: &Guard,
            change: Change,
        ) -> Result<Ticket, BackendError> {
            self.0.apply(query, &Guard::none(), change)
        }
        fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError> {
            self.0.doctor()
        }
    }

    #[test]
    fn every_failing_check_is_reported() {
        let outcome = std::panic::catch_unwind(|| {
            run_all(&|clock| {
                let backend = InMemoryBackend::new(clock);
                let leases = backend.leases();
                Subject::new(IgnoresVersions(backend), move |id, r| leases.set(id, r))
            })
        });
        let panic = outcome.expect_err("a backend that ignores versions must fail");
        let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.starts_with("8 of "), "{msg}");
        for name in [
            "change_append_event_versioned",
            "change_review_versioned",
            "change_set_status_versioned",
            "change_close_versioned",
            "change_link_versioned",
            "change_unlink_versioned",
            "change_reopen_versioned",
            "change_edit_versioned",
        ] {
            assert!(msg.contains(name), "{name} missing from: {msg}");
        }
    }
}
