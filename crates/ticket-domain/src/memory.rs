//! `InMemoryBackend`: the port over a vector, for tests of code built on the port and as the
//! reference every other backend is held to by the conformance suite.
//!
//! It keeps lease records too ([`MemoryLeases`]), as a claim would leave them, so a write's
//! token is checked as the local backend checks it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::action::ActionRequired;
use crate::change::{self, Change, Version};
use crate::claim::LeaseRecord;
use crate::construct;
use crate::graph::{Catalog, GraphNode};
use crate::guard::Guard;
use crate::ids::{Naming, TicketId, TicketIdOrSlug};
use crate::port::{
    BackendError, Clock, Diagnostic, ListFilter, Listing, NewTicket, TicketBackend, new_ticket_id,
};
use crate::roles::{
    GraphRead, LeaseTxn, Leases, Place, SearchSource, SourceListing, SourceStamp, TicketTexts,
    Tickets,
};
use crate::status::TicketStatus;
use crate::ticket::{Ticket, TicketSummary};
use crate::timestamp::Timestamp;

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

    /// Every ticket, in list order (status, then id), copied out of the lock.
    fn in_list_order(&self) -> Vec<Ticket> {
        let mut all = self.tickets().clone();
        all.sort_by(|a, b| list_order(&a.summary, &b.summary));
        all
    }

    /// The ticket at `at`: kept by its id, so found by it, and only under the status given.
    fn at(&self, at: &Place) -> Result<Ticket, BackendError> {
        let tickets = self.tickets();
        Ok(tickets[position_at(&tickets, at)?].clone())
    }

    /// Applies `change` to the ticket `locate` finds, checking `guard` first.
    fn apply_found(
        &self,
        locate: impl FnOnce(&[Ticket]) -> Result<usize, BackendError>,
        guard: &Guard,
        change: Change,
    ) -> Result<Ticket, BackendError> {
        let now = self.clock.now();
        // The leases' lock, then the tickets', as the local backend takes its store's lock
        // before the root's: a token is checked with both held, so nothing moves in between.
        let leases = guard.token.map(|_| self.leases.records());
        let mut tickets = self.tickets();
        let index = locate(&tickets)?;
        let ticket = &tickets[index];
        guard.check(ticket.id.as_str(), &ticket.version, || {
            Ok(leases
                .as_ref()
                .and_then(|l| l.get(ticket.id.as_str()).cloned())
                .unwrap_or_default())
        })?;
        let plan = change::plan(ticket, change, now)?;
        let renamed = plan.summary.id != ticket.id;
        if renamed && tickets.iter().any(|t| t.id == plan.summary.id) {
            return Err(BackendError::Conflict {
                what: plan.summary.id.to_string(),
            });
        }
        let ticket = &mut tickets[index];
        change::apply_in_memory(ticket, plan);
        ticket.version = self.next_version();
        Ok(ticket.clone())
    }

    /// A version no ticket of this backend had before: a counter is all memory needs.
    fn next_version(&self) -> Version {
        let n = self.revisions.fetch_add(1, Ordering::Relaxed);
        Version::new(format!("m{n}"))
    }
}

/// The ticket `query` names the best way any ticket is named ([`Naming`]): exactly, else but
/// for case, else by a prefix; several named equally well are ambiguous.
fn find(tickets: &[Ticket], query: &TicketIdOrSlug) -> Result<usize, BackendError> {
    let q = query.as_str();
    let namings: Vec<Naming> = tickets
        .iter()
        .map(|t| Naming::of(q, t.id.as_str(), t.slug.as_str()))
        .collect();
    let best = namings.iter().copied().min().unwrap_or(Naming::No);
    let matches: Vec<usize> = match best {
        Naming::No => Vec::new(),
        best => (0..tickets.len()).filter(|&i| namings[i] == best).collect(),
    };
    match matches.as_slice() {
        [] => Err(BackendError::NotFound { query: q.into() }),
        [one] => Ok(*one),
        many => Err(BackendError::Ambiguous {
            query: q.into(),
            matches: many.iter().map(|&i| tickets[i].id.to_string()).collect(),
        }),
    }
}

/// Where the ticket at `at` is in `tickets`.
fn position_at(tickets: &[Ticket], at: &Place) -> Result<usize, BackendError> {
    tickets
        .iter()
        .position(|t| t.id.as_str() == at.name && t.status == at.status)
        .ok_or_else(|| BackendError::NotFound {
            query: at.name.clone(),
        })
}

/// A ticket as `show` gives it: its `action_required` set or derived.
fn with_action(mut ticket: Ticket) -> Ticket {
    let derived: ActionRequired = crate::derive_action_required(
        &ticket.status,
        &ticket.events,
        ticket.meta.action_required.as_ref(),
    );
    ticket.summary.meta.action_required = Some(derived);
    ticket
}

/// Where memory keeps a ticket: under its status, by its id.
fn place_of(summary: &TicketSummary) -> Place {
    Place {
        status: summary.status.clone(),
        name: summary.id.to_string(),
    }
}

/// List order: status (open, pending, closed, then the rest), then id.
fn list_order(a: &TicketSummary, b: &TicketSummary) -> std::cmp::Ordering {
    (status_rank(&a.status), &a.id).cmp(&(status_rank(&b.status), &b.id))
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
        tickets.sort_by(list_order);
        Ok(Listing {
            tickets,
            diagnostics: Vec::new(),
        })
    }

    fn show(&self, query: &TicketIdOrSlug) -> Result<Ticket, BackendError> {
        let ticket = {
            let tickets = self.tickets();
            tickets[find(&tickets, query)?].clone()
        };
        Ok(with_action(ticket))
    }

    fn create(&self, new: NewTicket) -> Result<Ticket, BackendError> {
        let slug = construct::prepare_new(&new)?;
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
        let mut ticket = construct::new_ticket(id, slug, new, now);
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
        self.apply_found(|tickets| find(tickets, query), guard, change)
    }

    fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError> {
        Ok(Vec::new())
    }
}

impl Tickets for InMemoryBackend {
    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn find(&self, query: &TicketIdOrSlug) -> Result<Place, BackendError> {
        let tickets = self.tickets();
        Ok(place_of(&tickets[find(&tickets, query)?].summary))
    }

    fn ticket_at(&self, at: &Place) -> Result<Ticket, BackendError> {
        self.at(at).map(with_action)
    }

    fn summary_at(&self, at: &Place) -> Result<TicketSummary, BackendError> {
        self.at(at).map(|t| t.summary)
    }

    fn apply_at(&self, at: &Place, guard: &Guard, change: Change) -> Result<Ticket, BackendError> {
        self.apply_found(|tickets| position_at(tickets, at), guard, change)
    }

    fn path_at(&self, at: &Place) -> PathBuf {
        PathBuf::from(at.status.as_str()).join(&at.name)
    }

    fn path_of(&self, ticket: &TicketSummary) -> PathBuf {
        self.path_at(&place_of(ticket))
    }

    fn slug_holders(&self, slug: &str) -> Result<Vec<String>, BackendError> {
        Ok(self
            .in_list_order()
            .into_iter()
            .filter(|t| t.slug.as_str() == slug)
            .map(|t| t.id.to_string())
            .collect())
    }

    fn graph(
        &self,
        whole: &[TicketStatus],
        seeds: &[TicketId],
        each: &mut dyn FnMut(Place, &TicketSummary),
    ) -> Result<GraphRead, BackendError> {
        let all = self.in_list_order();
        let mut read = GraphRead::default();
        for ticket in all.iter().filter(|t| whole.contains(&t.status)) {
            read.graph.insert(GraphNode::of(&ticket.summary));
            each(place_of(&ticket.summary), &ticket.summary);
        }
        let mut frontier: Vec<TicketId> = seeds.to_vec();
        frontier.extend(read.graph.unknown_targets());
        while let Some(id) = frontier.pop() {
            if read.graph.contains(id.as_str()) {
                continue;
            }
            if let Some(ticket) = all.iter().find(|t| t.id == id) {
                let node = GraphNode::of(&ticket.summary);
                frontier.extend(node.relations.edges().map(|(_, t)| t.clone()));
                read.graph.insert(node);
            }
        }
        Ok(read)
    }

    fn catalog(&self) -> Result<(Catalog, Vec<Diagnostic>), BackendError> {
        let mut catalog = Catalog::new();
        for ticket in self.in_list_order() {
            catalog.insert(GraphNode::of(&ticket.summary));
        }
        Ok((catalog, Vec::new()))
    }
}

/// A search over memory reads every ticket (there is no index to keep): a ticket is listed as
/// `<status>/<id>`, stamped by its version.
impl SearchSource for InMemoryBackend {
    fn listing(&self) -> Result<SourceListing, BackendError> {
        let nanos = |t: Timestamp| t.unix().saturating_mul(1_000_000_000);
        let taken_at_ns = nanos(self.clock.now());
        let tickets = self
            .in_list_order()
            .into_iter()
            .map(|t| SourceStamp {
                key: format!("{}/{}", t.status, t.id),
                stamp: stamp_of(&t.version),
                changed_at_ns: nanos(t.updated_at),
            })
            .collect();
        Ok(SourceListing {
            taken_at_ns,
            tickets,
        })
    }

    fn texts(&self, key: &str) -> Result<Option<TicketTexts>, BackendError> {
        let Some((status, id)) = key.split_once('/') else {
            return Ok(None);
        };
        let tickets = self.tickets();
        let Some(t) = tickets
            .iter()
            .find(|t| t.id.as_str() == id && t.status.as_str() == status)
        else {
            return Ok(None);
        };
        Ok(Some(TicketTexts {
            summary: t.summary.clone(),
            body: t.body.as_str().to_owned(),
            events: t.events.clone(),
            resolution: (t.status == TicketStatus::Closed)
                .then(|| t.resolution.as_ref().map(|r| r.as_str().to_owned()))
                .flatten(),
        }))
    }

    fn index_dir(&self) -> Option<PathBuf> {
        None
    }
}

/// A stamp that moves whenever the version does (every write gives a new one).
fn stamp_of(version: &Version) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    version.as_str().hash(&mut h);
    h.finish()
}

/// The lease records while [`Leases::with_lease_lock`] holds their mutex.
struct MemoryTxn<'a>(RefCell<MutexGuard<'a, HashMap<String, LeaseRecord>>>);

impl LeaseTxn for MemoryTxn<'_> {
    fn read(&self, id: &str) -> Result<LeaseRecord, BackendError> {
        Ok(self.0.borrow().get(id).cloned().unwrap_or_default())
    }

    fn write(&self, id: &str, record: &LeaseRecord) -> Result<(), BackendError> {
        self.0.borrow_mut().insert(id.to_owned(), record.clone());
        Ok(())
    }
}

impl Leases for InMemoryBackend {
    fn lease(&self, id: &str) -> Result<LeaseRecord, BackendError> {
        Ok(self.leases.get(id))
    }

    fn all_leases(&self) -> Result<HashMap<String, LeaseRecord>, BackendError> {
        Ok(self.leases.records().clone())
    }

    /// Holds the records' mutex while `f` runs: a write with a token inside `f` would wait
    /// for it forever, so `f` writes tickets unguarded (as claims append their events).
    fn with_lease_lock<T, E: From<BackendError>>(
        &self,
        f: impl FnOnce(&dyn LeaseTxn) -> Result<T, E>,
    ) -> Result<T, E> {
        f(&MemoryTxn(RefCell::new(self.leases.records())))
    }
}
