//! `InMemoryBackend`: the port over a vector, for tests of code built on the port and as the
//! reference every other backend is held to by the conformance suite.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::action::ActionRequired;
use crate::change::{self, Change, Version};
use crate::ids::TicketIdOrSlug;
use crate::ops;
use crate::port::{
    BackendError, Clock, Diagnostic, ListFilter, Listing, NewTicket, TicketBackend, new_ticket_id,
};
use crate::status::TicketStatus;
use crate::ticket::Ticket;

pub struct InMemoryBackend {
    clock: Arc<dyn Clock>,
    tickets: Mutex<Vec<Ticket>>,
    revisions: AtomicU64,
}

impl InMemoryBackend {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            tickets: Mutex::new(Vec::new()),
            revisions: AtomicU64::new(1),
        }
    }

    fn tickets(&self) -> MutexGuard<'_, Vec<Ticket>> {
        self.tickets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A version no ticket of this backend had before: a counter is all memory needs.
    fn next_version(&self) -> Version {
        let n = self.revisions.fetch_add(1, Ordering::Relaxed);
        Version::new(format!("m{n}"))
    }
}

/// The ticket named exactly by id or slug; else the one whose id or slug starts with the query.
fn find(tickets: &[Ticket], query: &TicketIdOrSlug) -> Result<usize, BackendError> {
    let q = query.as_str();
    let named = |exact: bool| -> Vec<usize> {
        tickets
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                let (id, slug) = (t.id.as_str(), t.slug.as_str());
                if exact {
                    id == q || slug == q
                } else {
                    id.starts_with(q) || slug.starts_with(q)
                }
            })
            .map(|(i, _)| i)
            .collect()
    };
    let mut matches = named(true);
    if matches.is_empty() {
        matches = named(false);
    }
    match matches.as_slice() {
        [] => Err(BackendError::NotFound { query: q.into() }),
        [one] => Ok(*one),
        many => Err(BackendError::Ambiguous {
            query: q.into(),
            matches: many.iter().map(|&i| tickets[i].id.to_string()).collect(),
        }),
    }
}

/// Position of a status in list order: open, pending, closed, then the rest.
fn status_rank(status: &TicketStatus) -> usize {
    TicketStatus::KNOWN
        .iter()
        .position(|s| s == status)
        .unwrap_or(TicketStatus::KNOWN.len())
}

impl TicketBackend for InMemoryBackend {
    fn list(&self, filter: &ListFilter) -> Result<Listing, BackendError> {
        let mut tickets: Vec<_> = self
            .tickets()
            .iter()
            .filter(|t| filter.matches(t) && filter.wants_action(t, || Some(t.events.clone())))
            .map(|t| t.summary.clone())
            .collect();
        tickets
            .sort_by(|a, b| (status_rank(&a.status), &a.id).cmp(&(status_rank(&b.status), &b.id)));
        Ok(Listing {
            tickets,
            diagnostics: Vec::new(),
        })
    }

    fn show(&self, query: &TicketIdOrSlug) -> Result<Ticket, BackendError> {
        let tickets = self.tickets();
        let mut ticket = tickets[find(&tickets, query)?].clone();
        let derived: ActionRequired = crate::derive_action_required(
            &ticket.status,
            &ticket.events,
            ticket.meta.action_required.as_ref(),
        );
        ticket.summary.meta.action_required = Some(derived);
        Ok(ticket)
    }

    fn create(&self, new: NewTicket) -> Result<Ticket, BackendError> {
        let slug = ops::prepare_new(&new)?;
        let now = self.clock.now();
        let mut tickets = self.tickets();
        let id = new_ticket_id(
            now,
            slug.as_str(),
            |id| tickets.iter().any(|t| t.id.as_str() == id),
            &self.clock.collision_suffix(),
        )?;
        if tickets.iter().any(|t| t.id == id) {
            return Err(BackendError::Conflict {
                what: id.to_string(),
            });
        }
        let mut ticket = ops::new_ticket(id, slug, new, now);
        ticket.version = self.next_version();
        tickets.push(ticket.clone());
        Ok(ticket)
    }

    fn apply(
        &self,
        query: &TicketIdOrSlug,
        expected: Option<&Version>,
        change: Change,
    ) -> Result<Ticket, BackendError> {
        let now = self.clock.now();
        let mut tickets = self.tickets();
        let index = find(&tickets, query)?;
        let ticket = &mut tickets[index];
        change::check_version(ticket.id.as_str(), expected, &ticket.version)?;
        let plan = change::plan(ticket, change, now)?;
        change::apply_in_memory(ticket, plan);
        ticket.version = self.next_version();
        Ok(ticket.clone())
    }

    fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError> {
        Ok(Vec::new())
    }
}
