//! The `TicketBackend` port and the small `Clock` port that feeds it time and unique suffixes.
//!
//! The port is backend-shaped: it names tickets by id or slug and never by path, so a tracker
//! that keeps tickets elsewhere can implement it as well as the local `work-items/` adapter.

use std::sync::Mutex;

use serde::Serialize;
use snafu::Snafu;

use crate::action::{ActionRequired, derive_action_required};
use crate::change::{Change, Reopen, StatusMove};
use crate::claim::Lease;
use crate::edit::Edit;
use crate::event::{NewEvent, ReviewVerdict, TicketEvent};
use crate::guard::Guard;
use crate::ids::{IdError, TicketId, TicketIdOrSlug};
use crate::invalid::InvalidInput;
use crate::meta::WorkMeta;
use crate::relation::Relations;
use crate::status::TicketStatus;
use crate::ticket::{Label, MarkdownText, Ticket, TicketSummary};
use crate::timestamp::Timestamp;
use crate::transition::TransitionError;

/// Where time and collision suffixes come from. Real backends use the system clock and the
/// process id; tests use [`FixedClock`].
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
    /// Appended as `-<suffix>` to a new id whose directory already exists (the format uses the pid).
    fn collision_suffix(&self) -> String;
    /// A new event's identity, unique across clones (docs/format.md, "Event ids"), or `None`
    /// for events identified by their bytes: a fixed clock writes none, so its trees compare
    /// byte for byte.
    fn event_id(&self) -> Option<String> {
        None
    }
}

/// A clock that says what it is told: deterministic ids and timestamps for tests.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<Timestamp>,
    suffix: String,
}

impl FixedClock {
    pub fn new(now: Timestamp, suffix: impl Into<String>) -> Self {
        Self {
            now: Mutex::new(now),
            suffix: suffix.into(),
        }
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&self, seconds: i64) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now = Timestamp::from_unix(now.unix() + seconds).unwrap_or(*now);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn collision_suffix(&self) -> String {
        self.suffix.clone()
    }
}

/// Everything that can go wrong behind the port. Each variant says what to do next.
#[derive(Debug, Snafu)]
#[snafu(visibility(pub))]
pub enum BackendError {
    #[snafu(display("work item not found: {query}"))]
    NotFound { query: String },
    #[snafu(display(
        "ambiguous work item: {query} (matches {}); use the full id",
        bounded(matches)
    ))]
    Ambiguous { query: String, matches: Vec<String> },
    #[snafu(display(
        "{what} is locked by another writer (waited {waited_ms} ms); try again, or raise the lock timeout"
    ))]
    Locked { what: String, waited_ms: u64 },
    #[snafu(display("target already exists: {what}; resolve the duplicate by hand, then retry"))]
    Conflict { what: String },
    #[snafu(display(
        "{id} changed since it was read (expected version {expected}, it is now {actual}); read it again, then retry"
    ))]
    VersionConflict {
        id: String,
        expected: String,
        actual: String,
    },
    /// A write whose guard names a token that does not hold the ticket's lease (released, or
    /// lost to a later claim); nothing was written.
    #[snafu(display("{}", crate::claim::lost_text(*token, id, current.as_deref())))]
    LeaseLost {
        id: String,
        token: u64,
        current: Option<Box<Lease>>,
    },
    /// What the writer was given does not hold; the variant says what failed.
    #[snafu(display("{source}"), context(false))]
    Invalid { source: InvalidInput },
    /// A value outside a documented vocabulary (`crate::vocabulary`): more often a typo than a
    /// new word.
    #[snafu(display(
        "unknown {what} `{value}`{}: the known ones are {known}; a new {what} is accepted only when it is meant",
        suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
    ))]
    UnknownValue {
        what: String,
        value: String,
        known: String,
        suggestion: Option<String>,
    },
    /// An exact replacement in a body whose text to replace does not occur exactly once.
    #[snafu(display("{}", body_match(*occurrences)))]
    BodyMatch { occurrences: usize },
    #[snafu(display("{source}"))]
    BadName { source: IdError },
    #[snafu(display("{source}"))]
    Transition { source: TransitionError },
    #[snafu(display("{location}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default()))]
    Corrupt {
        ticket: String,
        location: String,
        line: Option<usize>,
        message: String,
    },
    #[snafu(display("{location}: {message}"))]
    Storage { location: String, message: String },
}

fn body_match(occurrences: usize) -> String {
    if occurrences == 0 {
        "the text to replace does not occur in the body; copy it exactly, line breaks and spaces included".into()
    } else {
        format!(
            "the text to replace occurs {occurrences} times in the body; give a longer text that occurs once, or replace every occurrence"
        )
    }
}

/// At most five items, then a count: error messages stay bounded whatever the input.
fn bounded(items: &[String]) -> String {
    let mut shown = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        shown.push_str(&format!(" and {} more", items.len() - 5));
    }
    shown
}

impl From<IdError> for BackendError {
    fn from(source: IdError) -> Self {
        Self::BadName { source }
    }
}

impl From<TransitionError> for BackendError {
    fn from(source: TransitionError) -> Self {
        Self::Transition { source }
    }
}

/// How bad a diagnostic is: errors fail a doctor run, warnings never do.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding about the stored tickets: stable code, where, what, and what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Diagnostic {
    pub code: String,
    pub severity: Severity,
    /// Backend-specific place (a path for the local backend), when there is one.
    pub path: Option<String>,
    pub line: Option<usize>,
    pub message: String,
    pub hint: String,
}

/// Which tickets `list` returns. Empty `statuses` means all; other fields must all match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub statuses: Vec<TicketStatus>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub label: Option<String>,
    pub assignee: Option<String>,
    /// Only tickets whose next move is this one's ([`derive_action_required`]). It depends on
    /// the thread, so [`matches`](Self::matches) cannot check it: backends check it with
    /// [`wants_action`](Self::wants_action), reading a thread only when it decides.
    pub action_required: Option<ActionRequired>,
}

impl ListFilter {
    /// Whether a ticket passes the `action_required` filter. `events` is asked for only when
    /// the thread decides (a pending ticket with no `action_required` key); `None` from it (a
    /// thread that does not read) leaves the ticket out.
    pub fn wants_action(
        &self,
        summary: &TicketSummary,
        events: impl FnOnce() -> Option<Vec<TicketEvent>>,
    ) -> bool {
        let Some(want) = &self.action_required else {
            return true;
        };
        let explicit = summary.meta.action_required.as_ref();
        let got = if explicit.is_none() && summary.status == TicketStatus::Pending {
            match events() {
                Some(events) => derive_action_required(&summary.status, &events, None),
                None => return false,
            }
        } else {
            derive_action_required(&summary.status, &[], explicit)
        };
        got == *want
    }

    pub fn status(status: TicketStatus) -> Self {
        Self {
            statuses: vec![status],
            ..Self::default()
        }
    }

    pub fn matches(&self, t: &TicketSummary) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&t.status))
            && self.kind.as_ref().is_none_or(|k| *k == t.kind)
            && self.priority.as_ref().is_none_or(|p| *p == t.priority)
            && self
                .label
                .as_ref()
                .is_none_or(|l| t.labels.iter().any(|x| x.as_str() == l))
            && self
                .assignee
                .as_ref()
                .is_none_or(|a| t.assignee.as_deref() == Some(a.as_str()))
    }
}

/// What `list` returns: the tickets that read, and a diagnostic for each one that did not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Status order open, pending, closed (then unknown statuses), ids ascending within each.
    pub tickets: Vec<TicketSummary>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A ticket to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTicket {
    pub title: String,
    /// `--slug`; slugified like the title. The title's slug when absent.
    pub slug: Option<String>,
    pub kind: String,
    pub priority: String,
    pub labels: Vec<Label>,
    pub meta: WorkMeta,
    /// Edges the new ticket stores from the start (checked against the other tickets by the
    /// caller: the port only refuses what one ticket can tell, such as a repeated edge).
    pub relations: Relations,
    /// Who creates it: the author of its `create` event.
    pub author: String,
    /// Who it is assigned to; nobody when absent.
    pub assignee: Option<String>,
    /// Its body; the template [`crate::construct::NEW_TICKET_BODY`] when absent.
    pub body: Option<MarkdownText>,
}

impl NewTicket {
    /// A ticket with the format's defaults: kind `task`, priority `P2`, no labels, nobody
    /// assigned, the template body, created by [`crate::construct::UNKNOWN_AUTHOR`] (what writers
    /// say when they know no user).
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            slug: None,
            kind: "task".into(),
            priority: "P2".into(),
            labels: Vec::new(),
            meta: WorkMeta::default(),
            relations: Relations::default(),
            author: crate::construct::UNKNOWN_AUTHOR.into(),
            assignee: None,
            body: None,
        }
    }
}

/// A review to append: verdict, author, body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReview {
    pub verdict: ReviewVerdict,
    pub author: String,
    pub body: MarkdownText,
}

/// A close: the resolution text (non-empty) and who closes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub text: MarkdownText,
    pub author: String,
}

/// The port every ticket backend implements. Tickets are named by id or slug, never by path.
///
/// There is one way to change an existing ticket: [`apply`](TicketBackend::apply) a
/// [`Change`] under a [`Guard`]: only if the ticket is still at the
/// [`Version`](crate::Version) the caller read, and only while the caller's token holds its
/// lease, so any client can do compare-and-swap and fencing without knowing how the backend
/// excludes other writers. [`TicketBackendExt`] spells the common changes as methods.
pub trait TicketBackend {
    fn list(&self, filter: &ListFilter) -> Result<Listing, BackendError>;
    /// The whole ticket, with its current [`Version`].
    fn show(&self, query: &TicketIdOrSlug) -> Result<Ticket, BackendError>;
    fn create(&self, new: NewTicket) -> Result<Ticket, BackendError>;
    /// Applies `change` to the ticket `query` names, and returns the ticket after it. The
    /// `guard` is checked ([`Guard::check`]) against the ticket as read under the write's lock:
    /// a ticket no longer at `guard.if_version` is refused with
    /// [`BackendError::VersionConflict`], a `guard.token` that does not hold the ticket's lease
    /// with [`BackendError::LeaseLost`], and nothing is written. A backend that keeps no
    /// leases knows no token that holds one.
    fn apply(
        &self,
        query: &TicketIdOrSlug,
        guard: &Guard,
        change: Change,
    ) -> Result<Ticket, BackendError>;
    /// What the backend itself finds wrong with what it stores.
    fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError>;
}

/// The common changes as methods, each one [`TicketBackend::apply`] with no guard.
pub trait TicketBackendExt: TicketBackend {
    /// Appends any event (comment, plan, decision, implementation_report, or another kind).
    fn add_event(&self, query: &TicketIdOrSlug, event: NewEvent) -> Result<Ticket, BackendError> {
        self.apply(query, &Guard::none(), Change::AppendEvent(event))
    }
    fn review(&self, query: &TicketIdOrSlug, review: NewReview) -> Result<Ticket, BackendError> {
        self.apply(query, &Guard::none(), Change::Review(review))
    }
    /// Moves the ticket to `to`, recorded as by [`crate::construct::UNKNOWN_AUTHOR`]; apply a
    /// [`Change::SetStatus`] to name the author or give a reason.
    fn set_status(&self, query: &TicketIdOrSlug, to: TicketStatus) -> Result<Ticket, BackendError> {
        self.apply(
            query,
            &Guard::none(),
            Change::SetStatus(StatusMove::new(to, crate::construct::UNKNOWN_AUTHOR)),
        )
    }
    /// Moves a closed ticket back to open.
    fn reopen(&self, query: &TicketIdOrSlug, reopen: Reopen) -> Result<Ticket, BackendError> {
        self.apply(query, &Guard::none(), Change::Reopen(reopen))
    }
    /// Edits fields and body, recorded as one `edit` event.
    fn edit(&self, query: &TicketIdOrSlug, edit: Edit) -> Result<Ticket, BackendError> {
        self.apply(query, &Guard::none(), Change::Edit(edit))
    }
    fn close(
        &self,
        query: &TicketIdOrSlug,
        resolution: Resolution,
    ) -> Result<Ticket, BackendError> {
        self.apply(query, &Guard::none(), Change::Close(resolution))
    }
}

impl<B: TicketBackend + ?Sized> TicketBackendExt for B {}

/// A ticket id a new ticket gets: `<compact now>-<slug>`, or with `-<suffix>` when taken.
pub fn new_ticket_id(
    now: Timestamp,
    slug: &str,
    taken: impl Fn(&str) -> bool,
    suffix: &str,
) -> Result<TicketId, BackendError> {
    let id = format!("{}-{slug}", now.compact());
    if taken(&id) {
        return Ok(TicketId::new(format!("{id}-{suffix}"))?);
    }
    Ok(TicketId::new(id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguity_messages_are_bounded() {
        let matches: Vec<String> = (0..1000).map(|n| format!("ticket-{n}")).collect();
        let e = BackendError::Ambiguous {
            query: "x".into(),
            matches,
        };
        let text = e.to_string();
        assert!(
            text.contains("ticket-4, and 995 more") || text.contains("ticket-4 and 995 more"),
            "{text}"
        );
        assert!(text.len() < 200);
    }
}
