//! The changes to an existing ticket: an event (comment, plan, ...), a review, a status move, a
//! close and a reopen (edits are in `edit`). Each goes through the port's one mutation path,
//! with the [`Guard`] its request carries (an expected version, a lease's token), which the
//! backend checks under the lock of its write.

use ticket_domain::vocabulary::{self, Vocabulary};
use ticket_domain::{
    BackendError, Change, EventKind, Guard, NewEvent, NewReview, Reopen, Resolution, ReviewVerdict,
    StatusMove, Store, Ticket, TicketId, TicketIdOrSlug, TicketStatus,
};

use crate::error::AppError;
use crate::{App, display, query};

/// The body of an event when none is given.
pub const NO_BODY: &str = "No body provided.\n";
/// The resolution of a close when none is given.
pub const DEFAULT_RESOLUTION: &str = "Closed.\n";

/// An event to append (`comment --role`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommentRequest {
    pub query: String,
    /// The event kind: `comment`, `plan`, `decision`, `implementation_report`, or another word.
    pub role: String,
    /// The settings' user when unset.
    pub author: Option<String>,
    /// [`NO_BODY`] when unset.
    pub body: Option<String>,
    /// What the ticket must still be when the change is made: at a version, held by a token.
    pub guard: Guard,
    /// Accept a role outside the documented ones (`vocabulary::ROLES`): a new role is meant.
    pub allow_new: bool,
}

/// A review to append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRequest {
    pub query: String,
    pub verdict: ReviewVerdict,
    pub author: Option<String>,
    pub body: Option<String>,
    /// What the ticket must still be when the change is made: at a version, held by a token.
    pub guard: Guard,
}

/// A status move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusRequest {
    pub query: String,
    pub to: TicketStatus,
    /// What the ticket must still be when the change is made: at a version, held by a token.
    pub guard: Guard,
    /// Who moves it, for its `status` event; the settings' user when unset.
    pub author: Option<String>,
    /// Why, recorded in its `status` event; none when unset or empty.
    pub reason: Option<String>,
}

impl StatusRequest {
    /// A move of `query` to `to`, with no author, reason or guard given.
    pub fn new(query: impl Into<String>, to: TicketStatus) -> Self {
        Self {
            query: query.into(),
            to,
            guard: Guard::none(),
            author: None,
            reason: None,
        }
    }
}

/// Moving a closed ticket back to open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReopenRequest {
    pub query: String,
    pub author: Option<String>,
    pub reason: Option<String>,
    /// What the ticket must still be when the change is made: at a version, held by a token.
    pub guard: Guard,
}

/// The resolution text of a close.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CloseText {
    /// [`DEFAULT_RESOLUTION`].
    #[default]
    Default,
    /// One line typed by someone: a newline is added (an empty line counts as no text).
    Line(String),
    /// A whole text (a file), kept byte for byte.
    Verbatim(String),
}

/// A close.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloseRequest {
    pub query: String,
    pub text: CloseText,
    pub author: Option<String>,
    /// What the ticket must still be when the change is made: at a version, held by a token.
    pub guard: Guard,
}

/// A ticket after a change, and where it now lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub ticket: Ticket,
    pub path: String,
}

impl<S: Store> App<S> {
    /// Appends an event of any kind; a role outside the documented ones only when `allow_new`.
    pub fn comment(&self, request: CommentRequest) -> Result<Changed, AppError> {
        let kind = EventKind::parse(&request.role);
        kind.validate()?;
        vocabulary::check(Vocabulary::Role, &request.role, request.allow_new)?;
        let event = NewEvent::new(
            kind,
            self.settings.author(request.author),
            request.body.unwrap_or_else(|| NO_BODY.into()),
        );
        self.change(&request.query, request.guard, Change::AppendEvent(event))
    }

    /// Appends a review with its verdict.
    pub fn review(&self, request: ReviewRequest) -> Result<Changed, AppError> {
        let review = NewReview {
            verdict: request.verdict,
            author: self.settings.author(request.author),
            body: request.body.unwrap_or_else(|| NO_BODY.into()).into(),
        };
        self.change(&request.query, request.guard, Change::Review(review))
    }

    /// Moves a ticket to another status directory, recorded as a `status` event.
    pub fn set_status(&self, request: StatusRequest) -> Result<Changed, AppError> {
        let to = StatusMove {
            to: request.to,
            author: self.settings.author(request.author),
            reason: request.reason,
        };
        self.change(&request.query, request.guard, Change::SetStatus(to))
    }

    /// Moves a closed ticket back to open (its resolution stays, as the record of the close).
    pub fn reopen(&self, request: ReopenRequest) -> Result<Changed, AppError> {
        let reopen = Reopen {
            author: self.settings.author(request.author),
            reason: request.reason,
        };
        self.change(&request.query, request.guard, Change::Reopen(reopen))
    }

    /// Closes a ticket with a resolution.
    pub fn close(&self, request: CloseRequest) -> Result<Changed, AppError> {
        let text = match request.text {
            CloseText::Verbatim(text) => text,
            CloseText::Line(line) if !line.is_empty() => format!("{line}\n"),
            CloseText::Line(_) | CloseText::Default => DEFAULT_RESOLUTION.to_owned(),
        };
        let resolution = Resolution {
            text: text.into(),
            author: self.settings.author(request.author),
        };
        self.change(&request.query, request.guard, Change::Close(resolution))
    }

    /// The one path of every change to an existing ticket: `change` applied under `guard`.
    /// A guard with a token is checked by the store against its leases, whose lock it takes
    /// before its own.
    pub(crate) fn change(
        &self,
        q: &str,
        guard: Guard,
        change: Change,
    ) -> Result<Changed, AppError> {
        self.change_at(&query(q)?, guard, change)
    }

    /// [`App::change`] of the ticket `q` names as the port takes it.
    pub(crate) fn change_at(
        &self,
        q: &TicketIdOrSlug,
        guard: Guard,
        change: Change,
    ) -> Result<Changed, AppError> {
        let backend = self.writer()?;
        let ticket = backend.apply(q, &guard, change).map_err(lease_lost)?;
        let path = display(&backend.path_of(&ticket));
        Ok(Changed { ticket, path })
    }
}

/// A lost lease as the use cases report it everywhere ([`AppError::LeaseLost`], as `renew` and
/// `release` do); any other refusal as it is.
fn lease_lost(e: BackendError) -> AppError {
    match e {
        BackendError::LeaseLost { id, token, current } => match TicketId::new(id.as_str()) {
            Ok(id) => AppError::LeaseLost { id, token, current },
            Err(_) => BackendError::LeaseLost { id, token, current }.into(),
        },
        other => other.into(),
    }
}
