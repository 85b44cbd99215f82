//! The use cases' ports ([`Tickets`], [`Leases`], [`SearchSource`]) over the local store: each a method of the
//! store already, with its place on disk ([`Located`]) given as the domain's [`Place`].

use std::collections::HashMap;
use std::path::PathBuf;

use ticket_domain::claim::LeaseRecord;
use ticket_domain::{
    BackendError, Catalog, Change, Diagnostic, GraphRead, Guard, LeaseTxn, Leases, Place,
    SearchSource, SourceListing, SourceStamp, Ticket, TicketId, TicketIdOrSlug, TicketStatus,
    TicketSummary, TicketTexts, Tickets, Timestamp,
};

use crate::backend::{LocalTicketBackend, Located};
use crate::layout;
use crate::lease::Locked;

impl Located {
    /// Where this is, as the ports say it.
    pub fn place(&self) -> Place {
        Place {
            status: TicketStatus::parse(self.status_dir),
            name: self.name().to_owned(),
        }
    }
}

impl LocalTicketBackend {
    /// The directory `at` names. A status no status directory has names no ticket.
    pub fn located_at(&self, at: &Place) -> Result<Located, BackendError> {
        let status_dir =
            layout::status_dir(at.status.as_str()).ok_or_else(|| BackendError::NotFound {
                query: at.name.clone(),
            })?;
        Ok(self.located(status_dir, &at.name))
    }

    /// [`located_at`](Self::located_at), refusing a place that holds no ticket directory.
    fn ticket_dir_at(&self, at: &Place) -> Result<Located, BackendError> {
        let found = self.located_at(at)?;
        if !found.dir.is_dir() {
            return Err(BackendError::NotFound {
                query: at.name.clone(),
            });
        }
        Ok(found)
    }
}

impl Tickets for LocalTicketBackend {
    fn now(&self) -> Timestamp {
        self.clock_ref().now()
    }

    fn find(&self, query: &TicketIdOrSlug) -> Result<Place, BackendError> {
        Ok(self.locate(query)?.place())
    }

    fn ticket_at(&self, at: &Place) -> Result<Ticket, BackendError> {
        self.read_ticket(&self.ticket_dir_at(at)?.dir)
    }

    fn summary_at(&self, at: &Place) -> Result<TicketSummary, BackendError> {
        LocalTicketBackend::summary_at(self, &self.located_at(at)?)
    }

    fn apply_at(&self, at: &Place, guard: &Guard, change: Change) -> Result<Ticket, BackendError> {
        self.apply_found(&at.name, || self.ticket_dir_at(at), guard, change)
    }

    /// Read on a few threads, as `list` reads.
    fn summaries_at(&self, at: Vec<&Place>) -> Vec<Result<(TicketSummary, PathBuf), BackendError>> {
        crate::parallel::map_ordered(at, |p| {
            let found = self.located_at(p)?;
            Ok((LocalTicketBackend::summary_at(self, &found)?, found.dir))
        })
    }

    fn path_at(&self, at: &Place) -> PathBuf {
        layout::ticket_dir(self.root(), at.status.as_str(), &at.name)
    }

    fn path_of(&self, ticket: &TicketSummary) -> PathBuf {
        LocalTicketBackend::path_of(self, ticket)
    }

    fn slug_holders(&self, slug: &str) -> Result<Vec<String>, BackendError> {
        self.ids_with_slug(slug)
    }

    fn graph(
        &self,
        whole: &[TicketStatus],
        seeds: &[TicketId],
        each: &mut dyn FnMut(Place, &TicketSummary),
    ) -> Result<GraphRead, BackendError> {
        self.relation_graph(whole, &[], seeds, |at, s| each(at.place(), s))
    }

    fn catalog(&self) -> Result<(Catalog, Vec<Diagnostic>), BackendError> {
        LocalTicketBackend::catalog(self)
    }
}

impl LeaseTxn for Locked<'_> {
    fn read(&self, id: &str) -> Result<LeaseRecord, BackendError> {
        Locked::read(self, id)
    }

    fn write(&self, id: &str, record: &LeaseRecord) -> Result<(), BackendError> {
        Locked::write(self, id, record)
    }
}

impl Leases for LocalTicketBackend {
    fn lease(&self, id: &str) -> Result<LeaseRecord, BackendError> {
        self.lease_store()?.read(id)
    }

    fn all_leases(&self) -> Result<HashMap<String, LeaseRecord>, BackendError> {
        self.lease_store()?.all()
    }

    fn with_lease_lock<T, E: From<BackendError>>(
        &self,
        f: impl FnOnce(&dyn LeaseTxn) -> Result<T, E>,
    ) -> Result<T, E> {
        self.lease_store()?.with_lock(|locked| f(locked))
    }
}

/// A ticket is listed as `<status directory>/<ticket directory>`, stamped from what `stat` says
/// of its files (`stamps`); the index lives in `.index/search`.
impl SearchSource for LocalTicketBackend {
    fn listing(&self) -> Result<SourceListing, BackendError> {
        let stamps = self.stamps()?;
        Ok(SourceListing {
            taken_at_ns: stamps.taken_at_ns,
            tickets: stamps
                .tickets
                .into_iter()
                .map(|t| SourceStamp {
                    key: format!("{}/{}", t.status_dir, t.name),
                    stamp: t.stamp,
                    changed_at_ns: t.changed_at_ns,
                })
                .collect(),
        })
    }

    fn texts(&self, key: &str) -> Result<Option<TicketTexts>, BackendError> {
        match key.split_once('/') {
            Some((status_dir, name)) => self.read_texts(status_dir, name),
            None => Ok(None),
        }
    }

    fn index_dir(&self) -> Option<PathBuf> {
        self.search_dir()
    }
}
