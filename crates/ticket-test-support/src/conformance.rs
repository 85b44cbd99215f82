//! The conformance suite every backend must pass: the in-memory one and the local one run these
//! same checks from their tests. A check panics with a message naming what the backend got wrong;
//! [`run_all`] runs every check and reports every one that failed, not only the first.
//!
//! Usage from a backend's tests:
//! `ticket_test_support::conformance::run_all(&|clock| Box::new(MyBackend::new(clock)))`.

use std::sync::Arc;

use ticket_domain::ops;
use ticket_domain::{
    ActionRequired, BackendError, Change, EventKind, EventRef, FixedClock, Label, ListFilter,
    MarkdownText, NewEvent, NewReview, NewTicket, RefKind, RelationKind, Resolution, ReviewVerdict,
    Ticket, TicketBackend, TicketBackendExt, TicketId, TicketIdOrSlug, TicketStatus, Timestamp,
};

/// Makes a fresh, empty backend that takes its time from `clock`.
pub type Factory<'a> = &'a dyn Fn(Arc<FixedClock>) -> Box<dyn TicketBackend>;

/// A named check.
pub type Check = (&'static str, fn(&dyn TicketBackend, &FixedClock));

/// Every check, by name.
pub const CHECKS: &[Check] = &[
    ("create_then_show", create_then_show),
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
];

/// Runs every check, each on a fresh backend; panics at the end naming every check that failed
/// and why.
pub fn run_all(make: Factory<'_>) {
    let mut failed = Vec::new();
    for (name, check) in CHECKS {
        let clock = Arc::new(start_clock());
        let backend = make(clock.clone());
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(backend.as_ref(), &clock)
        }));
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
        "{} of {} conformance checks failed:\n{}",
        failed.len(),
        CHECKS.len(),
        failed.join("\n")
    );
}

fn start_clock() -> FixedClock {
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

fn create_then_show(b: &dyn TicketBackend, _: &FixedClock) {
    let mut new = NewTicket::new("Pod: scope \"persistence\" 永続化");
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
    assert_eq!(shown.body.as_str(), ops::NEW_TICKET_BODY);
    assert_eq!(shown.events.len(), 1, "a new thread holds the create event");
    let e = &shown.events[0];
    assert_eq!(
        (&e.kind, e.author.as_str()),
        (&EventKind::Create, "tickets.sh")
    );
    assert_eq!(e.body.as_str(), ops::CREATE_EVENT_BODY);
    assert_eq!(shown.resolution, None);
}

fn odd_titles_round_trip(b: &dyn TicketBackend, clock: &FixedClock) {
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

fn create_collision_gets_suffix(b: &dyn TicketBackend, _: &FixedClock) {
    let first = create(b, "Same title");
    let second = create(b, "Same title");
    assert_eq!(first.id.as_str(), "20260102-030405-same-title");
    assert_eq!(second.id.as_str(), "20260102-030405-same-title-4242");
}

fn lookup_by_slug_not_found_ambiguous(b: &dyn TicketBackend, clock: &FixedClock) {
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
    // No exact match: a unique prefix of an id or a slug names its ticket; a shared one is
    // ambiguous and names every candidate.
    clock.advance(1);
    let beta = create(b, "Beta particle");
    assert_eq!(b.show(&q("beta-p")).expect("slug prefix").id, beta.id);
    assert_eq!(
        b.show(&q("20260102-030407")).expect("id prefix").id,
        beta.id
    );
    match b.show(&q("20260102-03040")) {
        Err(BackendError::Ambiguous { matches, .. }) => assert_eq!(matches.len(), 3),
        other => panic!("a shared prefix: expected Ambiguous, got {other:?}"),
    }
}

fn events_append_in_order(b: &dyn TicketBackend, clock: &FixedClock) {
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

fn reviews_carry_verdicts(b: &dyn TicketBackend, _: &FixedClock) {
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

fn status_moves_and_list_order(b: &dyn TicketBackend, clock: &FixedClock) {
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
    let back = b
        .set_status(&q(a.id.as_str()), TicketStatus::Open)
        .expect("back");
    assert_eq!(back.status, TicketStatus::Open);
    assert_eq!(back.events.len(), 1, "status moves append no event");
}

fn close_and_reopen(b: &dyn TicketBackend, clock: &FixedClock) {
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
        .set_status(&q(t.id.as_str()), TicketStatus::Open)
        .expect("reopen");
    assert_eq!(
        reopened.resolution.as_ref().map(MarkdownText::as_str),
        Some("Done.\n")
    );
    let listed = b
        .list(&ListFilter::status(TicketStatus::Closed))
        .expect("list");
    assert!(listed.tickets.is_empty());
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

fn hostile_bodies_round_trip(b: &dyn TicketBackend, _: &FixedClock) {
    let t = create(b, "Hostile");
    for body in HOSTILE_BODIES {
        let event = NewEvent::new(EventKind::Comment, "a b", *body);
        b.add_event(&q(t.id.as_str()), event).expect("append");
    }
    let shown = b.show(&q(t.id.as_str())).expect("show");
    let bodies: Vec<_> = shown.events[1..].iter().map(|e| e.body.as_str()).collect();
    assert_eq!(bodies, HOSTILE_BODIES, "bodies come back byte for byte");
}

fn invalid_input_is_refused(b: &dyn TicketBackend, _: &FixedClock) {
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

fn list_filters(b: &dyn TicketBackend, _: &FixedClock) {
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

fn action_required_is_derived(b: &dyn TicketBackend, _: &FixedClock) {
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
fn versions_name_states(b: &dyn TicketBackend, clock: &FixedClock) {
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
/// changes nothing; applied with no expected version, it succeeds.
fn versioned(b: &dyn TicketBackend, clock: &FixedClock, change: impl Fn() -> Change) {
    versioned_after(b, clock, |_| {}, change);
}

/// [`versioned`], on a ticket `prepare` has changed first.
fn versioned_after(
    b: &dyn TicketBackend,
    clock: &FixedClock,
    prepare: impl Fn(&TicketIdOrSlug),
    change: impl Fn() -> Change,
) {
    let t = create(b, "Compare and swap");
    let id = q(t.id.as_str());
    prepare(&id);
    let read = b.show(&id).expect("show");
    clock.advance(1);
    let name = change().name();
    let after = b
        .apply(&id, Some(&read.version), change())
        .unwrap_or_else(|e| panic!("{name} at the current version is refused: {e}"));
    assert_ne!(after.version, read.version, "{name} makes a new version");
    let now = b.show(&id).expect("show");
    clock.advance(1);
    match b.apply(&id, Some(&read.version), change()) {
        Err(BackendError::VersionConflict { .. }) => {}
        other => panic!("{name} at a stale version: expected VersionConflict, got {other:?}"),
    }
    assert_eq!(
        b.show(&id).expect("show"),
        now,
        "{name} refused for a stale version changed nothing"
    );
    b.apply(&id, None, change())
        .unwrap_or_else(|e| panic!("{name} with no expected version is refused: {e}"));
}

fn change_append_event_versioned(b: &dyn TicketBackend, clock: &FixedClock) {
    versioned(b, clock, || {
        Change::AppendEvent(NewEvent::new(EventKind::Plan, "planner", "step 1\n"))
    });
}

fn change_review_versioned(b: &dyn TicketBackend, clock: &FixedClock) {
    versioned(b, clock, || {
        Change::Review(NewReview {
            verdict: ReviewVerdict::Approve,
            author: "reviewer".into(),
            body: "fine\n".into(),
        })
    });
}

fn change_set_status_versioned(b: &dyn TicketBackend, clock: &FixedClock) {
    versioned(b, clock, || Change::SetStatus(TicketStatus::Pending));
}

fn change_close_versioned(b: &dyn TicketBackend, clock: &FixedClock) {
    versioned(b, clock, || {
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
fn change_link_versioned(b: &dyn TicketBackend, clock: &FixedClock) {
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

/// Unlink changes, each of the next stored edge (the helper asks for four changes).
fn change_unlink_versioned(b: &dyn TicketBackend, clock: &FixedClock) {
    let target = |n: usize| tid(&format!("20260101-000000-related-{n}"));
    let n = std::cell::Cell::new(0);
    versioned_after(
        b,
        clock,
        |id| {
            for k in 1..=4 {
                let link = Change::Link {
                    kind: RelationKind::Related,
                    target: target(k),
                    author: "me".into(),
                };
                b.apply(id, None, link).expect("link");
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
fn relations_round_trip(b: &dyn TicketBackend, clock: &FixedClock) {
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
            None,
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
            None,
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
            None,
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
        match b.apply(&id, None, refused) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_domain::{Diagnostic, InMemoryBackend, Listing, Version};

    /// A backend that ignores the expected version: every compare-and-swap check must fail,
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
            _expected: Option<&Version>,
            change: Change,
        ) -> Result<Ticket, BackendError> {
            self.0.apply(query, None, change)
        }
        fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError> {
            self.0.doctor()
        }
    }

    #[test]
    fn every_failing_check_is_reported() {
        let outcome = std::panic::catch_unwind(|| {
            run_all(&|clock| Box::new(IgnoresVersions(InMemoryBackend::new(clock))))
        });
        let panic = outcome.expect_err("a backend that ignores versions must fail");
        let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.starts_with("6 of "), "{msg}");
        for name in [
            "change_append_event_versioned",
            "change_review_versioned",
            "change_set_status_versioned",
            "change_close_versioned",
            "change_link_versioned",
            "change_unlink_versioned",
        ] {
            assert!(msg.contains(name), "{name} missing from: {msg}");
        }
    }
}
