//! The JSON shapes of docs/cli.md. Field names here are a contract: add, never rename.

use serde::Serialize;
use ticket_domain::{
    ActionRequired, EventRef, Label, Readiness, Refs, Ticket, TicketEvent, TicketSummary, Timestamp,
};

#[derive(Serialize)]
pub struct ListItem<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub status: &'a str,
    pub kind: &'a str,
    pub priority: &'a str,
    pub labels: &'a [Label],
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub assignee: Option<&'a str>,
    pub path: String,
}

impl<'a> ListItem<'a> {
    pub fn new(s: &'a TicketSummary, path: String) -> Self {
        Self {
            id: s.id.as_str(),
            slug: s.slug.as_str(),
            title: &s.title,
            status: s.status.as_str(),
            kind: &s.kind,
            priority: &s.priority,
            labels: &s.labels,
            created_at: s.created_at,
            updated_at: s.updated_at,
            assignee: s.assignee.as_deref(),
            path,
        }
    }
}

#[derive(Serialize)]
pub struct Event<'a> {
    pub kind: &'a str,
    pub author: &'a str,
    pub at: Timestamp,
    pub status: Option<&'a str>,
    pub heading: Option<&'a str>,
    pub body: &'a str,
    pub refs: &'a [EventRef],
}

impl<'a> From<&'a TicketEvent> for Event<'a> {
    fn from(e: &'a TicketEvent) -> Self {
        Self {
            kind: e.kind.as_str(),
            author: &e.author,
            at: e.at,
            status: e.status.as_deref(),
            heading: e.heading.as_deref(),
            body: e.body.as_str(),
            refs: &e.refs,
        }
    }
}

#[derive(Serialize)]
pub struct Show<'a> {
    #[serde(flatten)]
    pub item: ListItem<'a>,
    pub legacy_ticket: Option<&'a str>,
    pub body: &'a str,
    pub readiness: &'a Readiness,
    pub needs_preflight: bool,
    pub risk_flags: &'a [String],
    pub action_required: Option<&'a ActionRequired>,
    pub refs: &'a Refs,
    pub events: Vec<Event<'a>>,
    pub resolution: Option<&'a str>,
    pub artifacts: &'a [String],
    /// Which state of the ticket this is: what a compare-and-swap expects.
    pub version: &'a str,
}

impl<'a> Show<'a> {
    pub fn new(t: &'a Ticket, path: String) -> Self {
        Self {
            item: ListItem::new(&t.summary, path),
            legacy_ticket: t.legacy_ticket.as_deref(),
            body: t.body.as_str(),
            readiness: &t.meta.readiness,
            needs_preflight: t.meta.needs_preflight,
            risk_flags: &t.meta.risk_flags,
            action_required: t.meta.action_required.as_ref(),
            refs: &t.meta.refs,
            events: t.events.iter().map(Event::from).collect(),
            resolution: t.resolution.as_ref().map(|r| r.as_str()),
            artifacts: &t.artifacts,
            version: t.version.as_str(),
        }
    }
}

#[derive(Serialize)]
pub struct Created<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub path: String,
}
