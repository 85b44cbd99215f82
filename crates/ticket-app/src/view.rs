//! The read models every client shows: a ticket with what the other tickets and the leases say
//! of it, list rows with their claims. Clients render them (`wire` makes their JSON); none
//! composes them from the use cases itself, so the CLI, the MCP server and the boards agree.

use crate::read::{ListOutcome, ListRequest, Listed};
use crate::{App, AppError, Derived, Lease, Shown};

/// A ticket as `show` gives it: the ticket, its derived relations and readiness, its lease.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShowView {
    pub shown: Shown,
    pub derived: Derived,
    /// The live lease, when someone holds one.
    pub claim: Option<Lease>,
}

impl App {
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
