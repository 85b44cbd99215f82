//! `search`: ranked full text over every ticket, through the derived index in `.index/search/`
//! (kept fresh before every query) or, when asked or when the index cannot be kept, a scan that
//! gives the same hits in the same order (docs/search.md).
//!
//! The index is left to the next search: writers do not update it. A search after a change
//! stamps every ticket anyway and reads only the tickets whose stamps moved.

use snafu::ResultExt;
use ticket_domain::{SearchSource, SourceListing, Store, TicketStatus, TicketTexts};
use ticket_search::{
    EventText, Filters, Listing, Loaded, Loader, Query, Request, SearchIndex, Stamped, TicketDoc,
};

use crate::App;
use crate::error::AppError;

pub use ticket_search::{Field as HitField, Hit, How as SearchHow};

/// How many hits a search gives when no limit is asked for.
pub const DEFAULT_LIMIT: usize = 20;

/// A search: the query (words, `"phrases"`, `prefix*`) and what to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    /// Empty: every status.
    pub statuses: Vec<TicketStatus>,
    pub label: Option<String>,
    pub kind: Option<String>,
    pub assignee: Option<String>,
    /// Search only the events of this kind.
    pub event_kind: Option<String>,
    pub limit: usize,
    /// Scan every ticket instead of using the index (same hits, same order).
    pub scan: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            query: String::new(),
            statuses: Vec::new(),
            label: None,
            kind: None,
            assignee: None,
            event_kind: None,
            limit: DEFAULT_LIMIT,
            scan: false,
        }
    }
}

/// A search's answer: the hits, best first, and the tickets left out because they do not read.
#[derive(Clone, Debug, PartialEq)]
pub struct Searched {
    pub hits: Vec<Hit>,
    pub skipped: Vec<String>,
    pub how: SearchHow,
}

impl<S: Store + SearchSource> App<S> {
    /// Searches the store's tickets: through its index when it keeps one (brought up to date
    /// first, from the stamps), else by reading them all (also when `scan` asks).
    pub fn search(&self, request: SearchRequest) -> Result<Searched, AppError> {
        let query = Query::parse(&request.query).context(crate::error::QuerySnafu)?;
        let search = Request {
            query,
            filters: Filters {
                statuses: request
                    .statuses
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
                label: request.label,
                kind: request.kind,
                assignee: request.assignee,
                event_kind: request.event_kind,
            },
            limit: request.limit,
        };
        let backend = self.reader();
        let listing = listing(backend.listing()?);
        let tickets = Texts { backend };
        let found = match backend.index_dir().filter(|_| !request.scan) {
            Some(dir) => {
                let wait = self
                    .settings
                    .lock_timeout()
                    .unwrap_or(crate::settings::DEFAULT_LOCK_TIMEOUT);
                SearchIndex::new(dir)
                    .with_lock_wait(wait)
                    .search(&listing, &tickets, &search)
            }
            None => ticket_search::scan(&listing, &tickets, &search),
        }
        .map_err(|source| AppError::Search { source })?;
        Ok(Searched {
            hits: found.hits,
            skipped: found.unreadable.into_iter().map(|u| u.message).collect(),
            how: found.how,
        })
    }
}

fn listing(source: SourceListing) -> Listing {
    Listing {
        taken_at_ns: source.taken_at_ns,
        tickets: source
            .tickets
            .into_iter()
            .map(|t| Stamped {
                key: t.key,
                stamp: t.stamp,
                changed_at_ns: t.changed_at_ns,
            })
            .collect(),
    }
}

/// The store's tickets, read by key on a few threads.
struct Texts<'a, S> {
    backend: &'a S,
}

impl<S: SearchSource + Sync> Loader for Texts<'_, S> {
    fn load(&self, keys: &[String]) -> Vec<Loaded> {
        ticket_store_local::parallel::map_ordered(keys.to_vec(), |key| {
            match self.backend.texts(&key) {
                Ok(Some(texts)) => Loaded::Doc(doc(key, texts)),
                Ok(None) => Loaded::Gone,
                Err(e) => Loaded::Unreadable(e.to_string()),
            }
        })
    }
}

fn doc(key: String, t: TicketTexts) -> TicketDoc {
    let s = t.summary;
    TicketDoc {
        key,
        id: s.id.to_string(),
        slug: s.slug.to_string(),
        title: s.title,
        status: s.status.as_str().to_owned(),
        kind: s.kind,
        labels: s.labels.iter().map(|l| l.as_str().to_owned()).collect(),
        assignee: s.assignee,
        body: t.body,
        events: t
            .events
            .into_iter()
            .map(|e| EventText {
                kind: e.kind.as_str().to_owned(),
                body: e.body.0,
            })
            .collect(),
        resolution: t.resolution,
    }
}
