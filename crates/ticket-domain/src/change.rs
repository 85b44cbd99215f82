//! The one mutation path: a [`Change`] to a ticket, planned here and carried out by a backend.
//!
//! A backend reads the ticket (under its own exclusion), checks the caller's expected
//! [`Version`], asks [`plan`] what the change does, and carries the [`Plan`] out in its own way
//! (the local backend as minimal byte-span rewrites). Planning is pure: the same ticket, change
//! and time always give the same plan, whatever stores it.

use serde::Serialize;

use crate::construct::{self, check_body_size};
use crate::edit::{self, Edit};
use crate::event::{EventKind, NewEvent, ReviewVerdict, TicketEvent, check_author};
use crate::ids::{Slug, TicketId};
use crate::invalid::InvalidInput;
use crate::port::{BackendError, NewReview, Resolution};
use crate::record::{EditRecord, FieldSpelling, PlainSpelling, StatusRecord};
use crate::relation::RelationKind;
use crate::status::TicketStatus;
use crate::ticket::{MarkdownText, Ticket, TicketSummary};
use crate::timestamp::Timestamp;
use crate::transition::{plan_reopen, plan_set_status};

/// An opaque token naming one state of a ticket. Two reads give the same version exactly when
/// nothing the ticket holds changed in between; a backend derives it as it likes (the local one
/// from the bytes of the ticket's files). Clients compare versions, never parse them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Version(String);

impl Version {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A change to one existing ticket. Later kinds of change (relations, claims) are added here, so
/// every client and every backend gets them through the same path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Append an event (comment, plan, decision, implementation_report, or another kind).
    AppendEvent(NewEvent),
    /// Append a review with a verdict.
    Review(NewReview),
    /// Move to open, pending or closed (closing this way writes no resolution), recorded as a
    /// `status` event.
    SetStatus(StatusMove),
    /// Close with a resolution: the resolution, a `close` event, the move to closed.
    Close(Resolution),
    /// Store the edge `kind` to `target` and append a `link` event. Refused: a link to the ticket
    /// itself, or one it already stores. What needs the other tickets (does the target exist,
    /// would the edge close a cycle) is the caller's to check before applying.
    Link {
        kind: RelationKind,
        target: TicketId,
        author: String,
    },
    /// Remove the stored edge `kind` to `target` and append an `unlink` event. An edge that is
    /// not stored is refused, never ignored.
    Unlink {
        kind: RelationKind,
        target: TicketId,
        author: String,
    },
    /// Move a closed ticket back to open, recorded as a `status` event.
    Reopen(Reopen),
    /// Change fields and the body, recorded as one `edit` event.
    Edit(Edit),
    /// Give the ticket another id, recorded as a `rename` event (from, to, why). What needs the
    /// other tickets (is the new id free) is the store's to check, under the write's lock.
    Rename(Rename),
}

impl Change {
    /// A short name for messages and tables: `append_event`, `review`, `set_status`, `close`,
    /// `link`, `unlink`, `reopen`, `edit`, `rename`.
    pub fn name(&self) -> &'static str {
        match self {
            Change::AppendEvent(_) => "append_event",
            Change::Review(_) => "review",
            Change::SetStatus(_) => "set_status",
            Change::Close(_) => "close",
            Change::Link { .. } => "link",
            Change::Unlink { .. } => "unlink",
            Change::Reopen(_) => "reopen",
            Change::Edit(_) => "edit",
            Change::Rename(_) => "rename",
        }
    }
}

/// A status move: where to, who moves it and, if they say, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMove {
    pub to: TicketStatus,
    pub author: String,
    /// Recorded after the move in the `status` event; an empty reason is none.
    pub reason: Option<String>,
}

impl StatusMove {
    pub fn new(to: TicketStatus, author: impl Into<String>) -> Self {
        Self {
            to,
            author: author.into(),
            reason: None,
        }
    }
}

/// Reopening a closed ticket: who reopens it and, if they say, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reopen {
    pub author: String,
    pub reason: Option<String>,
}

/// A new id for a ticket: the one merges give a ticket renamed apart from another created with
/// its id on another clone (docs/sync.md). Its slug goes apart by the same suffix when the new id
/// extends the old one, since a slug names one ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    pub to: TicketId,
    pub author: String,
    /// Recorded after the from and to lines of the `rename` event; an empty reason is none.
    pub reason: Option<String>,
}

/// What a change does to a ticket: its frontmatter and body after the change, the events to
/// append, the resolution to write and the status directory to move to. Backends carry it out;
/// they decide nothing. A summary whose id is not the ticket's renames it: the backend keeps it
/// under the new id, refusing one another ticket holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The frontmatter after the change; a backend rewrites only the fields that differ from
    /// the ticket's (removing those the ticket had and the summary no longer has).
    pub summary: TicketSummary,
    /// The body after the change, when it changes; `None` leaves it byte for byte.
    pub body: Option<MarkdownText>,
    /// Appended to the thread, in order.
    pub events: Vec<TicketEvent>,
    /// Written as the ticket's resolution.
    pub resolution: Option<MarkdownText>,
    /// Where the ticket must end up, for a status change (even to the status it says it has:
    /// that is how a move cut short is completed). `None` leaves the ticket where it is.
    pub move_to: Option<TicketStatus>,
}

/// Plans `change` to `ticket` at `now`, checking the input and the transition rules; records
/// are spelled as the in-memory backend spells fields ([`PlainSpelling`]).
pub fn plan(ticket: &Ticket, change: Change, now: Timestamp) -> Result<Plan, BackendError> {
    plan_spelled(ticket, change, now, &PlainSpelling)
}

/// [`plan`], with the records of `status` and `edit` events spelled by `spelling` (a backend's
/// own: the local one passes the frontmatter's).
pub fn plan_spelled(
    ticket: &Ticket,
    change: Change,
    now: Timestamp,
    spelling: &dyn FieldSpelling,
) -> Result<Plan, BackendError> {
    let mut plan = Plan {
        summary: ticket.summary.clone(),
        body: None,
        events: Vec::new(),
        resolution: None,
        move_to: None,
    };
    plan.summary.updated_at = now;
    let id = ticket.id.as_str();
    match change {
        Change::AppendEvent(event) => plan.events.push(construct::event_to_append(event, now)?),
        Change::Review(review) => plan.events.push(construct::review_event(review, now)?),
        Change::SetStatus(to) => {
            plan_set_status(id, &ticket.status, &to.to)?;
            move_with_event(&mut plan, ticket, to, now, spelling)?;
        }
        Change::Reopen(reopen) => {
            let to = plan_reopen(id, &ticket.status)?.to;
            let to = StatusMove {
                to,
                author: reopen.author,
                reason: reopen.reason,
            };
            move_with_event(&mut plan, ticket, to, now, spelling)?;
        }
        Change::Close(resolution) => {
            let text = resolution.text.clone();
            plan.events
                .push(construct::close_event(id, &ticket.status, resolution, now)?);
            plan.summary.status = TicketStatus::Closed;
            plan.resolution = Some(text);
            plan.move_to = Some(TicketStatus::Closed);
        }
        Change::Link {
            kind,
            target,
            author,
        } => {
            plan.events
                .push(construct::link_event(true, kind, &target, author, now)?);
            plan.summary.relations.add(&ticket.id, kind, target)?;
        }
        Change::Unlink {
            kind,
            target,
            author,
        } => {
            plan.events
                .push(construct::link_event(false, kind, &target, author, now)?);
            plan.summary.relations.remove(&ticket.id, kind, &target)?;
        }
        Change::Edit(edit) => {
            let (summary, body) = edit::apply(&ticket.summary, &ticket.body, &edit, spelling)?;
            let record = EditRecord::between(
                spelling,
                &ticket.summary,
                &summary,
                body.as_ref().map(|b| (ticket.body.as_str(), b.as_str())),
            );
            if record.is_empty() {
                return Err(InvalidInput::ChangesNothing.into());
            }
            plan.summary = TicketSummary {
                updated_at: now,
                ..summary
            };
            plan.body = body.filter(|b| *b != ticket.body);
            plan.events.push(TicketEvent {
                kind: EventKind::Edit,
                heading: Some(EventKind::Edit.heading(&ReviewVerdict::None)),
                author: edit.author,
                at: now,
                status: None,
                body: MarkdownText::new(record.render()),
                refs: Vec::new(),
            });
        }
        Change::Rename(rename) => plan_rename(&mut plan, ticket, rename, now)?,
    }
    Ok(plan)
}

/// The rename of `ticket` to `rename.to` in `plan`, with the `rename` event that records it.
fn plan_rename(
    plan: &mut Plan,
    ticket: &Ticket,
    rename: Rename,
    now: Timestamp,
) -> Result<(), BackendError> {
    check_author(&rename.author)?;
    let (from, to) = (&ticket.id, rename.to);
    if *from == to {
        return Err(InvalidInput::RenameToItself { id: to }.into());
    }
    if let Some(suffix) = to.as_str().strip_prefix(from.as_str()) {
        plan.summary.slug = Slug::new(format!("{}{suffix}", ticket.summary.slug))?;
    }
    let mut body = format!("from: {from}\nto: {to}\n");
    if let Some(reason) = rename.reason.filter(|r| !r.trim().is_empty()) {
        body.push_str(&format!("\n{}\n", reason.trim_end()));
    }
    check_body_size(body.len())?;
    plan.events.push(TicketEvent {
        kind: EventKind::Rename,
        heading: Some(EventKind::Rename.heading(&ReviewVerdict::None)),
        author: rename.author,
        at: now,
        status: None,
        body: MarkdownText::new(body),
        refs: Vec::new(),
    });
    plan.summary.id = to;
    Ok(())
}

/// The move of `ticket` to `to.to` in `plan`, with the `status` event that records it.
fn move_with_event(
    plan: &mut Plan,
    ticket: &Ticket,
    to: StatusMove,
    now: Timestamp,
    spelling: &dyn FieldSpelling,
) -> Result<(), BackendError> {
    check_author(&to.author)?;
    let record = StatusRecord::new(spelling, &ticket.status, &to.to, to.reason.as_deref());
    check_body_size(record.render().len())?;
    plan.events.push(TicketEvent {
        kind: EventKind::Status,
        heading: Some(EventKind::Status.heading(&ReviewVerdict::None)),
        author: to.author,
        at: now,
        status: Some(to.to.as_str().to_owned()),
        body: MarkdownText::new(record.render()),
        refs: Vec::new(),
    });
    plan.summary.status = to.to.clone();
    plan.move_to = Some(to.to);
    Ok(())
}

/// Refuses a change made against `expected` when the ticket is now at `actual`.
pub fn check_version(
    id: &str,
    expected: Option<&Version>,
    actual: &Version,
) -> Result<(), BackendError> {
    match expected {
        Some(expected) if expected != actual => Err(BackendError::VersionConflict {
            id: id.to_owned(),
            expected: expected.to_string(),
            actual: actual.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Applies a plan to a ticket held in memory (what a backend without files does).
pub fn apply_in_memory(ticket: &mut Ticket, plan: Plan) {
    ticket.summary = plan.summary;
    if let Some(body) = plan.body {
        ticket.body = body;
    }
    ticket.events.extend(plan.events);
    if let Some(resolution) = plan.resolution {
        ticket.resolution = Some(resolution);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::construct;
    use crate::edit::{BodyEdit, FieldEdit};
    use crate::event::{EventKind, ReviewVerdict};
    use crate::record::EditRecord;
    use crate::{Label, Readiness, Slug, TicketId};

    fn ticket(status: TicketStatus) -> Ticket {
        let at: Timestamp = "2026-01-02T03:04:05Z".parse().expect("valid");
        let mut new = crate::NewTicket::new("Plan me");
        new.kind = "task".into();
        let mut t = construct::new_ticket(
            TicketId::new("20260102-030405-plan-me").expect("valid"),
            Slug::new("plan-me").expect("valid"),
            new,
            at,
        );
        t.summary.status = status;
        t
    }

    fn to(status: TicketStatus) -> Change {
        Change::SetStatus(StatusMove::new(status, "mover"))
    }

    fn reopen() -> Change {
        Change::Reopen(Reopen {
            author: "me".into(),
            reason: Some("It came back.".into()),
        })
    }

    fn edit(op: FieldEdit) -> Change {
        Change::Edit(Edit::new("editor").field(op))
    }

    /// Each change, from each status: what moves, what is appended, what is written.
    #[test]
    fn plans_table() {
        let now: Timestamp = "2026-01-02T04:00:00Z".parse().expect("valid");
        let comment = Change::AppendEvent(NewEvent::new(EventKind::Comment, "me", "hi"));
        let review = Change::Review(NewReview {
            verdict: ReviewVerdict::Approve,
            author: "r".into(),
            body: "ok".into(),
        });
        let close = Change::Close(Resolution {
            text: "Done.\n".into(),
            author: "me".into(),
        });
        let wip = TicketStatus::Other("wip".into());
        use TicketStatus::{Closed, Open, Pending};
        // (from, change, status after, kinds appended, resolution written, moves to, body)
        #[allow(clippy::type_complexity)]
        let cases: Vec<(
            TicketStatus,
            Change,
            TicketStatus,
            &[EventKind],
            bool,
            Option<TicketStatus>,
            bool,
        )> = vec![
            (
                Open,
                comment.clone(),
                Open,
                &[EventKind::Comment],
                false,
                None,
                false,
            ),
            (
                wip.clone(),
                comment,
                wip.clone(),
                &[EventKind::Comment],
                false,
                None,
                false,
            ),
            (
                Pending,
                review,
                Pending,
                &[EventKind::Review],
                false,
                None,
                false,
            ),
            (
                Open,
                to(Pending),
                Pending,
                &[EventKind::Status],
                false,
                Some(Pending),
                false,
            ),
            (
                Open,
                to(Open),
                Open,
                &[EventKind::Status],
                false,
                Some(Open),
                false,
            ),
            (
                Closed,
                to(Open),
                Open,
                &[EventKind::Status],
                false,
                Some(Open),
                false,
            ),
            (
                Closed,
                reopen(),
                Open,
                &[EventKind::Status],
                false,
                Some(Open),
                false,
            ),
            (
                wip.clone(),
                close,
                Closed,
                &[EventKind::Close],
                true,
                Some(Closed),
                false,
            ),
            (
                Closed,
                edit(FieldEdit::Title("New".into())),
                Closed,
                &[EventKind::Edit],
                false,
                None,
                false,
            ),
            (
                Open,
                Change::Edit(Edit::new("e").body(BodyEdit::Whole("New body.\n".into()))),
                Open,
                &[EventKind::Edit],
                false,
                None,
                true,
            ),
        ];
        for (from, change, status, kinds, resolution, move_to, body) in cases {
            let name = change.name();
            let p = plan(&ticket(from.clone()), change, now).expect("plans");
            assert_eq!(p.summary.status, status, "{name} from {from}");
            assert_eq!(p.summary.updated_at, now, "{name} from {from}");
            let got: Vec<_> = p.events.iter().map(|e| e.kind.clone()).collect();
            assert_eq!(got, kinds, "{name} from {from}");
            assert_eq!(p.resolution.is_some(), resolution, "{name} from {from}");
            assert_eq!(p.move_to, move_to, "{name} from {from}");
            assert_eq!(p.body.is_some(), body, "{name} from {from}");
            assert_eq!(p.summary.id, ticket(from).id, "the id never changes");
        }
    }

    #[test]
    fn refused_changes_plan_nothing() {
        let now: Timestamp = "2026-01-02T04:00:00Z".parse().expect("valid");
        let open = ticket(TicketStatus::Open);
        let closed = ticket(TicketStatus::Closed);
        let label = |l: &str| Label::new(l).expect("valid");
        let cases: Vec<(&Ticket, Change, &str)> = vec![
            (
                &open,
                to(TicketStatus::Other("wip".into())),
                "use open, pending or closed",
            ),
            (
                &open,
                Change::Close(Resolution {
                    text: " \n".into(),
                    author: "me".into(),
                }),
                "non-empty",
            ),
            (
                &open,
                Change::AppendEvent(NewEvent::new(EventKind::Comment, "a\nb", "x")),
                "author",
            ),
            (
                &open,
                Change::Review(NewReview {
                    verdict: ReviewVerdict::None,
                    author: "r".into(),
                    body: "x".into(),
                }),
                "verdict",
            ),
            (
                &closed,
                Change::Close(Resolution {
                    text: "Again.\n".into(),
                    author: "me".into(),
                }),
                "already closed",
            ),
            (&closed, to(TicketStatus::Closed), "already closed"),
            (&open, reopen(), "only a closed ticket"),
            (
                &open,
                Change::SetStatus(StatusMove::new(TicketStatus::Pending, "")),
                "author",
            ),
            (&open, Change::Edit(Edit::new("e")), "no field"),
            (
                &open,
                edit(FieldEdit::Title("Plan me".into())),
                "changes nothing",
            ),
            (
                &open,
                edit(FieldEdit::RemoveLabels(vec![label("absent")])),
                "changes nothing",
            ),
            (
                &open,
                edit(FieldEdit::Title(String::new())),
                "non-empty title",
            ),
            (&open, edit(FieldEdit::Kind(String::new())), "kind"),
            (
                &open,
                edit(FieldEdit::Assignee(Some(String::new()))),
                "empty",
            ),
            (
                &open,
                edit(FieldEdit::Assignee(Some("a\nb".into()))),
                "line break",
            ),
            (
                &open,
                edit(FieldEdit::AddRiskFlags(vec![String::new()])),
                "empty",
            ),
            (
                &open,
                edit(FieldEdit::SetKey {
                    key: "title".into(),
                    value: "x".into(),
                }),
                "typed field",
            ),
            (
                &open,
                edit(FieldEdit::UnsetKey("status".into())),
                "typed field",
            ),
            (
                &open,
                edit(FieldEdit::SetKey {
                    key: "-x".into(),
                    value: "x".into(),
                }),
                "not a key",
            ),
            (
                &open,
                edit(FieldEdit::SetKey {
                    key: "a b".into(),
                    value: "x".into(),
                }),
                "not a key",
            ),
            (
                &open,
                Change::Edit(Edit::new("e").body(BodyEdit::Replace {
                    old: "absent".into(),
                    new: "x".into(),
                    all: false,
                })),
                "does not occur",
            ),
            (
                &open,
                Change::Edit(Edit::new("e").body(BodyEdit::Replace {
                    old: "\n".into(),
                    new: "x".into(),
                    all: false,
                })),
                "occurs 8 times",
            ),
            (
                &open,
                Change::Edit(Edit::new("e").body(BodyEdit::Replace {
                    old: String::new(),
                    new: "x".into(),
                    all: true,
                })),
                "empty",
            ),
        ];
        for (t, change, why) in cases {
            let name = change.name();
            let e = plan(t, change, now).expect_err(name);
            assert!(e.to_string().contains(why), "{name}: {e}");
        }
    }

    /// Link and unlink: the edge after the plan, the event recording kind and target, and the
    /// refusals (to itself, twice, an edge not stored).
    #[test]
    fn plans_links_table() {
        let now: Timestamp = "2026-01-02T04:00:00Z".parse().expect("valid");
        let mut t = ticket(TicketStatus::Open);
        let x = TicketId::new("x").expect("valid");
        t.summary.relations.related = vec![x.clone()];
        let me = t.id.clone();
        let link = |kind, target: &TicketId| Change::Link {
            kind,
            target: target.clone(),
            author: "me".into(),
        };
        let unlink = |kind, target: &TicketId| Change::Unlink {
            kind,
            target: target.clone(),
            author: "me".into(),
        };
        // (change, Ok((related after, depends_on after, event kind)) or Err(words))
        type Want = Result<(usize, usize, EventKind), &'static str>;
        let cases: Vec<(Change, Want)> = vec![
            (
                link(RelationKind::DependsOn, &x),
                Ok((1, 1, EventKind::Link)),
            ),
            (
                unlink(RelationKind::Related, &x),
                Ok((0, 0, EventKind::Unlink)),
            ),
            (
                link(RelationKind::Related, &x),
                Err("already has a related link to x"),
            ),
            (link(RelationKind::Parent, &me), Err("link to itself")),
            (
                unlink(RelationKind::DependsOn, &x),
                Err("has no depends_on link to x"),
            ),
        ];
        for (change, want) in cases {
            let name = format!("{change:?}");
            match (plan(&t, change, now), want) {
                (Ok(p), Ok((related, depends, kind))) => {
                    assert_eq!(p.summary.relations.related.len(), related, "{name}");
                    assert_eq!(p.summary.relations.depends_on.len(), depends, "{name}");
                    let e = &p.events[0];
                    assert_eq!(e.kind, kind, "{name}");
                    assert_eq!(e.refs[0].value, "x", "{name}");
                    assert!(e.body.as_str().ends_with(": x\n"), "{name}");
                }
                (Err(e), Err(words)) => assert!(e.to_string().contains(words), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn status_events_record_from_to_and_reason() {
        let now: Timestamp = "2026-01-02T04:00:00Z".parse().expect("valid");
        let p = plan(&ticket(TicketStatus::Closed), reopen(), now).expect("plans");
        let e = &p.events[0];
        assert_eq!(
            (e.author.as_str(), e.status.as_deref(), e.heading.as_deref()),
            ("me", Some("open"), Some("Status"))
        );
        assert_eq!(e.body.as_str(), "from: closed\nto: open\n\nIt came back.\n");
        let p = plan(&ticket(TicketStatus::Open), to(TicketStatus::Pending), now).expect("plans");
        assert_eq!(p.events[0].body.as_str(), "from: open\nto: pending\n");
    }

    #[test]
    fn edits_record_every_field_and_the_body() {
        let now: Timestamp = "2026-01-02T04:00:00Z".parse().expect("valid");
        let t = ticket(TicketStatus::Open);
        let change = Change::Edit(
            Edit::new("editor")
                .field(FieldEdit::Title("Plan: me again".into()))
                .field(FieldEdit::AddLabels(vec![Label::new("x").expect("valid")]))
                .field(FieldEdit::Readiness(Readiness::Blocked))
                .field(FieldEdit::SetKey {
                    key: "owner".into(),
                    value: "platform team".into(),
                })
                .body(BodyEdit::Replace {
                    old: "- TBD".into(),
                    new: "- it works".into(),
                    all: false,
                }),
        );
        let p = plan(&t, change, now).expect("plans");
        assert_eq!(p.summary.slug, t.slug, "a new title keeps the slug");
        assert_eq!(
            p.body.as_ref().map(MarkdownText::as_str),
            Some(
                construct::NEW_TICKET_BODY
                    .replace("- TBD", "- it works")
                    .as_str()
            )
        );
        let record = EditRecord::parse(p.events[0].body.as_str()).expect("parses");
        let names: Vec<_> = record.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["title", "labels", "readiness", "owner"]);
        let body = record.body.expect("a body diff");
        assert_eq!(
            body.apply(t.body.as_str()).as_deref().ok(),
            p.body.as_ref().map(MarkdownText::as_str)
        );
        assert_eq!(
            p.events[0]
                .body
                .as_str()
                .lines()
                .take(6)
                .collect::<Vec<_>>(),
            [
                "- title: Plan me",
                "+ title: Plan: me again",
                "- labels: []",
                "+ labels: [x]",
                "+ readiness: blocked",
                "+ owner: platform team",
            ]
        );
    }

    #[test]
    fn versions_compare() {
        let v1 = Version::new("a");
        assert!(check_version("x", None, &v1).is_ok());
        assert!(check_version("x", Some(&Version::new("a")), &v1).is_ok());
        let e = check_version("x", Some(&Version::new("b")), &v1).expect_err("stale");
        assert!(matches!(e, BackendError::VersionConflict { .. }));
        assert!(e.to_string().contains("x"), "{e}");
    }
}
