//! The one mutation path: a [`Change`] to a ticket, planned here and carried out by a backend.
//!
//! A backend reads the ticket (under its own exclusion), checks the caller's expected
//! [`Version`], asks [`plan`] what the change does, and carries the [`Plan`] out in its own way
//! (the local backend as minimal byte-span rewrites). Planning is pure: the same ticket, change
//! and time always give the same plan, whatever stores it.

use serde::Serialize;

use crate::event::{NewEvent, TicketEvent};
use crate::ids::TicketId;
use crate::ops;
use crate::port::{BackendError, NewReview, Resolution};
use crate::relation::RelationKind;
use crate::status::TicketStatus;
use crate::ticket::{MarkdownText, Ticket, TicketSummary};
use crate::timestamp::Timestamp;
use crate::transition::plan_set_status;

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

/// A change to one existing ticket. Later kinds of change (edits, relations, claims) are added
/// here, so every client and every backend gets them through the same path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Append an event (comment, plan, decision, implementation_report, or another kind).
    AppendEvent(NewEvent),
    /// Append a review with a verdict.
    Review(NewReview),
    /// Move to open, pending or closed (closing this way writes no resolution).
    SetStatus(TicketStatus),
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
}

impl Change {
    /// A short name for messages and tables: `append_event`, `review`, `set_status`, `close`.
    pub fn name(&self) -> &'static str {
        match self {
            Change::AppendEvent(_) => "append_event",
            Change::Review(_) => "review",
            Change::SetStatus(_) => "set_status",
            Change::Close(_) => "close",
            Change::Link { .. } => "link",
            Change::Unlink { .. } => "unlink",
        }
    }
}

/// What a change does to a ticket: its frontmatter after the change, the events to append, the
/// resolution to write and the status directory to move to. Backends carry it out; they decide
/// nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The frontmatter after the change; a backend rewrites only the fields that differ from
    /// the ticket's.
    pub summary: TicketSummary,
    /// Appended to the thread, in order.
    pub events: Vec<TicketEvent>,
    /// Written as the ticket's resolution.
    pub resolution: Option<MarkdownText>,
    /// Where the ticket must end up, for a status change (even to the status it says it has:
    /// that is how a move cut short is completed). `None` leaves the ticket where it is.
    pub move_to: Option<TicketStatus>,
}

/// Plans `change` to `ticket` at `now`, checking the input and the transition rules.
pub fn plan(ticket: &Ticket, change: Change, now: Timestamp) -> Result<Plan, BackendError> {
    let mut plan = Plan {
        summary: ticket.summary.clone(),
        events: Vec::new(),
        resolution: None,
        move_to: None,
    };
    plan.summary.updated_at = now;
    match change {
        Change::AppendEvent(event) => plan.events.push(ops::event_to_append(event, now)?),
        Change::Review(review) => plan.events.push(ops::review_event(review, now)?),
        Change::SetStatus(to) => {
            plan_set_status(&ticket.status, &to)?;
            plan.summary.status = to.clone();
            plan.move_to = Some(to);
        }
        Change::Close(resolution) => {
            let text = resolution.text.clone();
            plan.events
                .push(ops::close_event(&ticket.status, resolution, now)?);
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
                .push(ops::link_event(true, kind, &target, author, now)?);
            plan.summary.relations.add(&ticket.id, kind, target)?;
        }
        Change::Unlink {
            kind,
            target,
            author,
        } => {
            plan.events
                .push(ops::link_event(false, kind, &target, author, now)?);
            plan.summary.relations.remove(&ticket.id, kind, &target)?;
        }
    }
    Ok(plan)
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
    ticket.events.extend(plan.events);
    if let Some(resolution) = plan.resolution {
        ticket.resolution = Some(resolution);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, ReviewVerdict};
    use crate::ops;
    use crate::{Slug, TicketId};

    fn ticket(status: TicketStatus) -> Ticket {
        let at: Timestamp = "2026-01-02T03:04:05Z".parse().expect("valid");
        let mut new = crate::NewTicket::new("Plan me");
        new.kind = "task".into();
        let summary = ops::new_summary(
            TicketId::new("20260102-030405-plan-me").expect("valid"),
            Slug::new("plan-me").expect("valid"),
            new,
            at,
        );
        let mut t = ops::new_ticket(summary);
        t.summary.status = status;
        t
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
        // (from, change, status after, events appended, resolution written, moves to)
        let cases: Vec<(
            TicketStatus,
            Change,
            TicketStatus,
            usize,
            bool,
            Option<TicketStatus>,
        )> = vec![
            (
                TicketStatus::Open,
                comment.clone(),
                TicketStatus::Open,
                1,
                false,
                None,
            ),
            (wip.clone(), comment, wip.clone(), 1, false, None),
            (
                TicketStatus::Pending,
                review,
                TicketStatus::Pending,
                1,
                false,
                None,
            ),
            (
                TicketStatus::Open,
                Change::SetStatus(TicketStatus::Pending),
                TicketStatus::Pending,
                0,
                false,
                Some(TicketStatus::Pending),
            ),
            (
                TicketStatus::Open,
                Change::SetStatus(TicketStatus::Open),
                TicketStatus::Open,
                0,
                false,
                Some(TicketStatus::Open),
            ),
            (
                wip,
                close,
                TicketStatus::Closed,
                1,
                true,
                Some(TicketStatus::Closed),
            ),
        ];
        for (from, change, status, events, resolution, move_to) in cases {
            let name = change.name();
            let p = plan(&ticket(from.clone()), change, now).expect("plans");
            assert_eq!(p.summary.status, status, "{name} from {from}");
            assert_eq!(p.summary.updated_at, now, "{name} from {from}");
            assert_eq!(p.events.len(), events, "{name} from {from}");
            assert_eq!(p.resolution.is_some(), resolution, "{name} from {from}");
            assert_eq!(p.move_to, move_to, "{name} from {from}");
        }
    }

    #[test]
    fn refused_changes_plan_nothing() {
        let now: Timestamp = "2026-01-02T04:00:00Z".parse().expect("valid");
        let t = ticket(TicketStatus::Open);
        for change in [
            Change::SetStatus(TicketStatus::Other("wip".into())),
            Change::Close(Resolution {
                text: " \n".into(),
                author: "me".into(),
            }),
            Change::AppendEvent(NewEvent::new(EventKind::Comment, "a\nb", "x")),
            Change::Review(NewReview {
                verdict: ReviewVerdict::None,
                author: "r".into(),
                body: "x".into(),
            }),
        ] {
            let name = change.name();
            assert!(plan(&t, change, now).is_err(), "{name} must be refused");
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
    fn versions_compare() {
        let v1 = Version::new("a");
        assert!(check_version("x", None, &v1).is_ok());
        assert!(check_version("x", Some(&Version::new("a")), &v1).is_ok());
        let e = check_version("x", Some(&Version::new("b")), &v1).expect_err("stale");
        assert!(matches!(e, BackendError::VersionConflict { .. }));
        assert!(e.to_string().contains("x"), "{e}");
    }
}
