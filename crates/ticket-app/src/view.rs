//! The read models every client shows: a ticket with what the other tickets and the leases say
//! of it, list rows with their claims. Clients render them (`wire` makes their JSON); none
//! composes them from the use cases itself, so the CLI, the MCP server and the boards agree.

use ticket_domain::{Diagnostic, Reason, TicketId};

use crate::read::{ListEntry, ListOutcome, ListRequest, Listed};
use crate::{App, AppError, Derived, Lease, Shown};

/// A ticket as `show` gives it: the ticket, its derived relations and readiness, its lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShowView {
    pub shown: Shown,
    pub derived: Derived,
    /// The live lease, when someone holds one.
    pub claim: Option<Lease>,
}

/// The ready queue whole, each ticket read again: what a client that answers in one document
/// (the MCP server, a board) shows. The CLI streams the same rows (`App::ready`, then
/// `App::queued`), so its `--json ready` is this view serialised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadyView {
    /// The ready tickets, best first.
    pub ready: Vec<ListEntry>,
    /// Every other open ticket, in the same order, with why it is not ready.
    pub not_ready: Vec<(ListEntry, Vec<Reason>)>,
    /// The cycles through `depends_on` and `parent`, each sorted by id.
    pub cycles: Vec<Vec<TicketId>>,
    /// Tickets that did not read, when the queue was made or read again (`message`s).
    pub skipped: Vec<String>,
}

impl<S: ticket_domain::Store> App<S> {
    /// The ready queue, its tickets read again: [`ReadyView`].
    pub fn ready_view(&self) -> Result<ReadyView, AppError> {
        let queue = self.ready()?;
        let mut skipped: Vec<String> = queue
            .skipped
            .iter()
            .map(|d: &Diagnostic| d.message.clone())
            .collect();
        let mut ready = Vec::with_capacity(queue.ready.len());
        self.queued(&queue.ready, |entry| {
            match entry {
                Ok(e) => ready.push(e),
                Err(e) => skipped.push(e.to_string()),
            }
            true
        });
        let mut not_ready = Vec::with_capacity(queue.not_ready.len());
        let mut reasons = queue.not_ready.iter().map(|n| &n.reasons);
        self.queued(queue.not_ready.iter().map(|n| &n.entry), |entry| {
            let why = reasons.next().cloned().unwrap_or_default();
            match entry {
                Ok(e) => not_ready.push((e, why)),
                Err(e) => skipped.push(e.to_string()),
            }
            true
        });
        Ok(ReadyView {
            ready,
            not_ready,
            cycles: queue.cycles,
            skipped,
        })
    }

    /// `q`'s ticket with what the other tickets say of it (the inverses of their relations, its
    /// readiness) and its live lease.
    pub fn show_view(&self, q: &str) -> Result<ShowView, AppError> {
        let shown = self.show(q)?;
        let derived = self.derived(&shown.ticket.id)?;
        let claim = self.claim_of(shown.ticket.id.as_str())?;
        Ok(ShowView {
            shown,
            derived,
            claim,
        })
    }
}

impl App {
    /// [`App::list`], each ticket handed over with its live lease (the leases are read once,
    /// before the first ticket).
    pub fn list_claimed(
        &self,
        request: &ListRequest,
        mut each: impl FnMut(Listed, Option<&Lease>) -> bool,
    ) -> Result<ListOutcome, AppError> {
        let claims = self.live_claims()?;
        self.list(request, |item| {
            let claim = match &item {
                Listed::Ticket(entry) => claims.get(entry.summary.id.as_str()),
                Listed::Skipped(_) => None,
            };
            each(item, claim)
        })
    }
}
