//! The ports at the width the use cases use them: [`Tickets`] (the reads a use case needs
//! beyond [`TicketBackend`]'s, each as cheap as the store can make it) and [`Leases`] (the
//! lease records claims decide on and writes are fenced by). [`Store`] is both: what
//! `ticket-app`'s `App` is generic over; [`SearchSource`] is what a full-text search reads.
//! The in-memory backend and the local one implement them, and the conformance suite holds
//! both to every method.
//!
//! What only a store of files can do (repairs of what a merge left in its status directories,
//! the files git needs, the change feed from its stamps, writing an imported ticket whole with
//! its artifacts) stays on that store: a use case that needs it is written for it alone, since a
//! store that cannot hold two copies of a ticket has nothing of it to implement.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::change::Change;
use crate::claim::LeaseRecord;
use crate::event::TicketEvent;
use crate::graph::{Catalog, Graph};
use crate::guard::Guard;
use crate::ids::{TicketId, TicketIdOrSlug};
use crate::port::{BackendError, Diagnostic, TicketBackend};
use crate::status::TicketStatus;
use crate::ticket::{Ticket, TicketSummary};
use crate::timestamp::Timestamp;

/// Where a store keeps a ticket, as a lookup found it: the status it is filed under and the
/// name it is kept by (its id, unless someone renamed it by hand). Cheap to keep for many
/// tickets, and read again without a second lookup.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub status: TicketStatus,
    pub name: String,
}

/// What [`Tickets::graph`] read.
#[derive(Clone, Debug, Default)]
pub struct GraphRead {
    /// Every ticket read: those asked for, and every ticket their edges reach, transitively.
    pub graph: Graph,
    /// Tickets that did not read (they are left out, or, when an edge names one, counted as
    /// existing with no edges of their own).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether an id was not found where the store looks first, so every ticket was read.
    pub scanned_all: bool,
}

/// The reads of the use cases, beside the port's own.
pub trait Tickets: TicketBackend {
    /// The time writes are stamped with, for the decisions made beside them (a lease's expiry).
    fn now(&self) -> Timestamp;
    /// Where the ticket `query` names is (an id, a slug, or a unique prefix of either).
    fn find(&self, query: &TicketIdOrSlug) -> Result<Place, BackendError>;
    /// The ticket at `at` whole, with its version.
    fn ticket_at(&self, at: &Place) -> Result<Ticket, BackendError>;
    /// [`TicketBackend::apply`] to the ticket at `at`, not found by a query: the way to reach
    /// one of two tickets a merge left with one id (one of them is then renamed apart).
    fn apply_at(&self, at: &Place, guard: &Guard, change: Change) -> Result<Ticket, BackendError>;
    /// The ticket at `at` without its thread (its frontmatter, for the local store).
    fn summary_at(&self, at: &Place) -> Result<TicketSummary, BackendError>;
    /// [`Tickets::summary_at`] of each place, in order, with its [`Tickets::path_at`] (a store
    /// may read them in parallel, and finds each place once).
    fn summaries_at(&self, at: Vec<&Place>) -> Vec<Result<(TicketSummary, PathBuf), BackendError>> {
        at.into_iter()
            .map(|p| Ok((self.summary_at(p)?, self.path_at(p))))
            .collect()
    }
    /// Where `at` is, as a client shows it (a path, for the local store).
    fn path_at(&self, at: &Place) -> PathBuf;
    /// Where `ticket` is, as a client shows it, from its id and status alone.
    fn path_of(&self, ticket: &TicketSummary) -> PathBuf;
    /// The ids of the tickets whose slug is exactly `slug`.
    fn slug_holders(&self, slug: &str) -> Result<Vec<String>, BackendError>;
    /// The relation graph of the tickets with a status in `whole` (each handed to `each`,
    /// in list order, with its place, and not kept), of the tickets `seeds` name, and of
    /// every ticket their edges reach, transitively. Ids that name no ticket stay out of the
    /// graph (they are what dangles).
    fn graph(
        &self,
        whole: &[TicketStatus],
        seeds: &[TicketId],
        each: &mut dyn FnMut(Place, &TicketSummary),
    ) -> Result<GraphRead, BackendError>;
    /// Every readable ticket as the graph knows it (the first under an id wins), and a
    /// diagnostic for each that does not read.
    fn catalog(&self) -> Result<(Catalog, Vec<Diagnostic>), BackendError>;
}

/// The lease records while their lock is held ([`Leases::with_lease_lock`]).
pub trait LeaseTxn {
    /// The record of ticket `id` (the default, never claimed, when there is none).
    fn read(&self, id: &str) -> Result<LeaseRecord, BackendError>;
    /// Replaces the record of ticket `id`, whole.
    fn write(&self, id: &str, record: &LeaseRecord) -> Result<(), BackendError>;
}

/// The lease records of one root (docs/claims.md). Nothing here decides a claim: the use cases
/// decide (`crate::claim`) and store the records here. A write whose guard carries a token is
/// checked by the store against these same records, under their lock.
pub trait Leases {
    /// The record of ticket `id`, read without the lock (a record is replaced whole).
    fn lease(&self, id: &str) -> Result<LeaseRecord, BackendError>;
    /// Every record, by ticket id.
    fn all_leases(&self) -> Result<HashMap<String, LeaseRecord>, BackendError>;
    /// Runs `f` holding the records' lock: no other update comes between its reads and
    /// writes. Taken before a ticket write's own lock, never after.
    fn with_lease_lock<T, E: From<BackendError>>(
        &self,
        f: impl FnOnce(&dyn LeaseTxn) -> Result<T, E>,
    ) -> Result<T, E>;
}

/// One ticket as a search source lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceStamp {
    /// What the source reads it by again ([`SearchSource::texts`]); stable while it stays put.
    pub key: String,
    /// Changes whenever one of its texts does, by whatever tool.
    pub stamp: u64,
    /// When it last changed, in nanoseconds since the epoch.
    pub changed_at_ns: i64,
}

/// Every ticket of a search source, stamped, and when the stamps were taken.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceListing {
    /// Read from the clock before the first ticket was stamped, in nanoseconds since the epoch.
    pub taken_at_ns: i64,
    pub tickets: Vec<SourceStamp>,
}

/// The texts of a ticket, as a search indexes them (the resolution of a closed ticket only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketTexts {
    pub summary: TicketSummary,
    pub body: String,
    pub events: Vec<TicketEvent>,
    pub resolution: Option<String>,
}

/// What a full-text search reads of a store: every ticket's stamp, cheaply (so an index is
/// never stale: a ticket whose stamp moved is read again), a ticket's texts by key, and where
/// an index may be kept.
pub trait SearchSource {
    /// Every ticket, stamped, in a stable order.
    fn listing(&self) -> Result<SourceListing, BackendError>;
    /// The texts of the ticket listed under `key`; `None` when it is no longer there.
    fn texts(&self, key: &str) -> Result<Option<TicketTexts>, BackendError>;
    /// The directory an index of this store may live in; `None` when it keeps none (a search
    /// then reads every ticket).
    fn index_dir(&self) -> Option<PathBuf>;
}

/// What the use cases run on: tickets and their leases, shared across threads.
pub trait Store: Tickets + Leases + Send + Sync {}

impl<S: Tickets + Leases + Send + Sync> Store for S {}
