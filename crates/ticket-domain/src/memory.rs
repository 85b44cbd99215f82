//! `InMemoryBackend`: the port over a vector, for tests of code built on the port and as the
//! reference every other backend is held to by the conformance suite.
//!
//! It keeps lease records too ([`MemoryLeases`]), as a claim would leave them, so a write's
//! token is checked as the local backend checks it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::action::ActionRequired;
use crate::change::{self, Change, Version};
use crate::claim::LeaseRecord;
use crate::guard::Guard;
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
    leases: MemoryLeases,
}

/// The lease records of an in-memory backend, by ticket id: what its writes' tokens are checked
/// against. A handle: clones share the records. Nothing here decides a claim; a test (or a
/// client) stores the records `crate::claim` decides.
#[derive(Clone, Debug, Default)]
pub struct MemoryLeases(Arc<Mutex<HashMap<String, LeaseRecord>>>);

impl MemoryLeases {
    fn records(&self) -> MutexGuard<'_, HashMap<String, LeaseRecord>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores `record` as the lease record of ticket `id`.
    pub fn set(&self, id: &str, record: LeaseRecord) {
        self.records().insert(id.to_owned(), record);
    }

    /// The record of ticket `id` (the default, never claimed, when there is none).
    pub fn get(&self, id: &str) -> LeaseRecord {
        self.records().get(id).cloned().unwrap_or_default()
    }
}

impl InMemoryBackend {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            tickets: Mutex::new(Vec::new()),
            revisions: AtomicU64::new(1),
            leases: MemoryLeases::default(),
        }
    }

    /// The lease records its writes are fenced by (a handle sharing them).
    pub fn leases(&self) -> MemoryLeases {
        self.leases.clone()
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
        guard: &Guard,
        change: Change,
    ) -> Result<Ticket, BackendError> {
        let now = self.clock.now();
        // The leases' lock, then the tickets', as the local backend takes its store's lock
        // before the root's: a token is checked with both held, so nothing moves in between.
        let leases = guard.token.map(|_| self.leases.records());
        let mut tickets = self.tickets();
        let index = find(&tickets, query)?;
        let ticket = &mut tickets[index];
        guard.check(ticket.id.as_str(), &ticket.version, || {
            Ok(leases
                .as_ref()
                .and_then(|l| l.get(ticket.id.as_str()).cloned())
                .unwrap_or_default())
        })?;
        let plan = change::plan(ticket, change, now)?;
        change::apply_in_memory(ticket, plan);
        ticket.version = self.next_version();
        Ok(ticket.clone())
    }

    fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError> {
        Ok(Vec::new())
    }
}
