//! `InMemoryBackend`: the port over a vector, for tests of code built on the port and as the
//! reference every other backend is held to by the conformance suite.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::action::ActionRequired;
use crate::event::NewEvent;
use crate::ids::TicketIdOrSlug;
use crate::ops;
use crate::port::{
    BackendError, Clock, Diagnostic, ListFilter, Listing, NewReview, NewTicket, Resolution,
    TicketBackend, new_ticket_id,
};
use crate::status::TicketStatus;
use crate::ticket::Ticket;
use crate::transition::plan_set_status;

pub struct InMemoryBackend {
    clock: Arc<dyn Clock>,
    tickets: Mutex<Vec<Ticket>>,
}

impl InMemoryBackend {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            tickets: Mutex::new(Vec::new()),
        }
    }

    fn tickets(&self) -> MutexGuard<'_, Vec<Ticket>> {
        self.tickets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends the event `make` builds now, and moves `updated_at` to it.
    fn append(
        &self,
        query: &TicketIdOrSlug,
        make: impl FnOnce(crate::Timestamp) -> Result<crate::TicketEvent, BackendError>,
    ) -> Result<Ticket, BackendError> {
        let now = self.clock.now();
        let event = make(now)?;
        self.mutate(query, |t| {
            t.events.push(event);
            t.summary.updated_at = now;
            Ok(())
        })
    }

    /// Applies `change` to the one ticket `query` names, then returns it.
    fn mutate(
        &self,
        query: &TicketIdOrSlug,
        change: impl FnOnce(&mut Ticket) -> Result<(), BackendError>,
    ) -> Result<Ticket, BackendError> {
        let mut tickets = self.tickets();
        let index = find(&tickets, query)?;
        let ticket = &mut tickets[index];
        change(ticket)?;
        Ok(ticket.clone())
    }
}

fn find(tickets: &[Ticket], query: &TicketIdOrSlug) -> Result<usize, BackendError> {
    let q = query.as_str();
    let matches: Vec<usize> = tickets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.id.as_str() == q || t.slug.as_str() == q)
        .map(|(i, _)| i)
        .collect();
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
            .map(|t| t.summary.clone())
            .filter(|s| filter.matches(s))
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
        let ticket = ops::new_ticket(ops::new_summary(id, slug, new, now));
        tickets.push(ticket.clone());
        Ok(ticket)
    }

    fn add_event(&self, query: &TicketIdOrSlug, event: NewEvent) -> Result<Ticket, BackendError> {
        self.append(query, |now| ops::event_to_append(event, now))
    }

    fn review(&self, query: &TicketIdOrSlug, review: NewReview) -> Result<Ticket, BackendError> {
        self.append(query, |now| ops::review_event(review, now))
    }

    fn set_status(&self, query: &TicketIdOrSlug, to: TicketStatus) -> Result<Ticket, BackendError> {
        let now = self.clock.now();
        self.mutate(query, |t| {
            plan_set_status(&t.status, &to)?;
            t.summary.status = to;
            t.summary.updated_at = now;
            Ok(())
        })
    }

    fn close(
        &self,
        query: &TicketIdOrSlug,
        resolution: Resolution,
    ) -> Result<Ticket, BackendError> {
        let now = self.clock.now();
        self.mutate(query, |t| {
            let text = resolution.text.clone();
            let event = ops::close_event(&t.status, resolution, now)?;
            t.summary.status = TicketStatus::Closed;
            t.summary.updated_at = now;
            t.resolution = Some(text);
            t.events.push(event);
            Ok(())
        })
    }

    fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError> {
        Ok(Vec::new())
    }
}
