//! Ranked full-text search over tickets: BM25 over titles, bodies, every event and resolutions,
//! Japanese and Chinese included, through a derived, disposable tantivy index that is never
//! stale, or through a scan that gives the same answer.
//!
//! This crate knows no file layout. Its caller (ticket-app) lists every ticket with a key and a
//! stamp of its files ([`Listing`]), loads tickets by key ([`Loader`]), and names the directory
//! the index lives in. docs/search.md describes the analysis, the ranking and the freshness
//! check.
//!
//! Architecture invariants:
//! - The index is never the truth and never stale: before a query is answered, every ticket's
//!   stamp is compared with the one indexed, and what changed, appeared or vanished is folded in
//!   (`disk`). A missing, corrupt or locked index costs time, never a wrong answer or an error:
//!   it is rebuilt, or the search falls back to [`scan`].
//! - The index and the scan give the same hits in the same order (`engine`: exact statistics
//!   and sums in a fixed order).
//! - It never prints, and its messages name no command or flag of any client.

mod analysis;
mod disk;
mod doc;
mod engine;
mod feed;
mod guard;
mod query;
mod schema;
mod snippet;

use std::collections::HashMap;

use snafu::{ResultExt, Snafu};
use tantivy::Index;

pub use analysis::{MAX_TERM_BYTES, is_cjk};
pub use disk::{FOLD_AT, SearchIndex};
pub use doc::{EventText, Listing, Loaded, Loader, Stamped, TicketDoc};
pub use engine::{MAX_EXPANSIONS, TITLE_BOOST};
pub use query::{Part, Query, QueryError};
pub use schema::EVENT_KINDS;
pub use snippet::{Field, WIDTH as SNIPPET_WIDTH};

use crate::engine::View;
use crate::schema::Fields;

/// Which tickets a search keeps. Empty or `None` keeps all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Tickets whose status is one of these.
    pub statuses: Vec<String>,
    pub label: Option<String>,
    pub kind: Option<String>,
    pub assignee: Option<String>,
    /// Search only the events of this kind (and only tickets that have one).
    pub event_kind: Option<String>,
}

/// A search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub query: Query,
    pub filters: Filters,
    /// At most this many hits.
    pub limit: usize,
}

/// One ticket found, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub key: String,
    pub id: String,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub score: f32,
    /// The field that matched best.
    pub field: Field,
    /// About [`SNIPPET_WIDTH`] characters of it around the matches, on one line.
    pub snippet: String,
}

/// A ticket that could not be searched because it does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub key: String,
    pub message: String,
}

/// How a search was answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum How {
    /// By the index, after it took in `added` tickets and dropped `removed` ones (`built`: it
    /// was made anew, being missing or unreadable), with `overlaid` tickets that changed since
    /// read from their files and searched beside it.
    Index {
        built: bool,
        added: usize,
        removed: usize,
        overlaid: usize,
    },
    /// By a scan of every ticket: asked for, or (`why`) the index could not be used.
    Scan { why: Option<String> },
}

/// A search's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub hits: Vec<Hit>,
    /// Tickets left out because they do not read, in listing order.
    pub unreadable: Vec<Unreadable>,
    pub how: How,
}

/// Why a search failed: the engine itself (the tickets are fine).
#[derive(Debug, Snafu)]
pub enum SearchError {
    #[snafu(display("cannot search the tickets in memory: {source}"))]
    Memory { source: tantivy::TantivyError },
}

/// Tickets loaded per call to the loader when many are needed: enough to keep its threads
/// busy, few enough to keep memory flat.
const LOAD_BATCH: usize = 256;

/// The index's writer threads when it takes in many tickets (a build). Each thread fills a
/// segment of its own in memory, so each costs its budget and more (docs/search.md, "Memory").
const BUILD_THREADS: usize = 1;

/// The index's writer memory when it takes in many tickets, per thread. It also sets the size
/// of a build's segments, which are never merged (10 segments at 100,000 generated tickets):
/// with half of it a build peaked 30 MB lower, but its 26 segments cost every later search
/// 6 MB more (docs/benchmarks.md, "Search").
const BUILD_BUDGET_PER_THREAD: usize = 80_000_000;

/// The memory of the writer of [`scan`]'s index in memory, per thread.
const SCAN_BUDGET_PER_THREAD: usize = 48_000_000;

/// Bytes of tickets' text waiting for the index's writer threads, at most (`feed`).
const BUILD_QUEUE: usize = 4_000_000;

/// Threads for indexing many tickets: the machine's, at most 4.
fn build_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
}

/// Answers `request` by reading every ticket of `listing` into an index in memory and searching
/// it exactly as [`SearchIndex::search`] searches the index on disk: same hits, same order.
pub fn scan(
    listing: &Listing,
    loader: &dyn Loader,
    request: &Request,
) -> Result<Found, SearchError> {
    scan_because(listing, loader, request, None)
}

pub(crate) fn scan_because(
    listing: &Listing,
    loader: &dyn Loader,
    request: &Request,
    why: Option<String>,
) -> Result<Found, SearchError> {
    let (index, fields, mut writer) = memory_index(build_threads()).context(MemorySnafu)?;
    let mut unreadable = Vec::new();
    let keys: Vec<String> = listing.tickets.iter().map(|t| t.key.clone()).collect();
    for chunk in keys.chunks(LOAD_BATCH) {
        for (key, loaded) in chunk.iter().zip(loader.load(chunk)) {
            match loaded {
                Loaded::Doc(doc) => {
                    writer
                        .add_document(fields.document(&doc, 0))
                        .context(MemorySnafu)?;
                }
                Loaded::Gone => {}
                Loaded::Unreadable(message) => unreadable.push(Unreadable {
                    key: key.clone(),
                    message,
                }),
            }
        }
    }
    writer.commit().context(MemorySnafu)?;
    drop(writer);
    let searcher = index.reader().context(MemorySnafu)?.searcher();
    let none = HashMap::new();
    let view = View::new(&[&searcher], &none);
    let hits = answer(&view, &fields, request, loader, HashMap::new()).context(MemorySnafu)?;
    Ok(Found {
        hits,
        unreadable,
        how: How::Scan { why },
    })
}

/// `items.iter().map(f)`, on up to [`build_threads`] threads, in order.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = build_threads().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|chunk| scope.spawn(|| chunk.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// An empty index in memory, its fields and a writer on `threads` threads.
pub(crate) fn memory_index(
    threads: usize,
) -> tantivy::Result<(Index, Fields, tantivy::IndexWriter)> {
    let schema = schema::schema();
    let index = Index::create_in_ram(schema.clone());
    index
        .tokenizers()
        .register(analysis::ANALYZER, analysis::analyzer());
    let fields = Fields::of(&schema)?;
    let budget = if threads > 1 {
        threads * SCAN_BUDGET_PER_THREAD
    } else {
        SMALL_BUDGET
    };
    let writer = index.writer_with_num_threads(threads, budget)?;
    Ok((index, fields, writer))
}

/// The writer's memory when it takes in a few tickets (tantivy's least).
pub(crate) const SMALL_BUDGET: usize = 15_000_000;

/// Ranks, then reads the hits' tickets (those not in `docs` already) for their field and
/// snippet. A hit whose ticket is gone by then is left out.
pub(crate) fn answer(
    view: &View<'_>,
    fields: &Fields,
    request: &Request,
    loader: &dyn Loader,
    mut docs: HashMap<String, TicketDoc>,
) -> tantivy::Result<Vec<Hit>> {
    let ranked = engine::rank(view, fields, request)?;
    let keys: Vec<String> = ranked
        .iter()
        .filter(|r| !docs.contains_key(&r.key))
        .map(|r| r.key.clone())
        .collect();
    for (key, loaded) in keys.iter().zip(loader.load(&keys)) {
        if let Loaded::Doc(doc) = loaded {
            docs.insert(key.clone(), doc);
        }
    }
    let found: Vec<(engine::Ranked, TicketDoc)> = ranked
        .into_iter()
        .filter_map(|r| {
            let doc = docs.remove(&r.key)?;
            Some((r, doc))
        })
        .collect();
    let event_kind = request.filters.event_kind.as_deref();
    let snippets = in_parallel(&found, |(_, doc)| {
        snippet::best(doc, &request.query, event_kind)
    });
    let hits: Vec<Hit> = found
        .into_iter()
        .zip(snippets)
        .map(|((r, doc), (field, snippet))| Hit {
            key: doc.key,
            id: doc.id,
            slug: doc.slug,
            title: doc.title,
            status: doc.status,
            score: r.score,
            field,
            snippet,
        })
        .collect();
    Ok(hits)
}
