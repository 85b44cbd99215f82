//! `changes`: what changed in the root since a cursor, whichever tool changed it (docs/feed.md).
//! The store finds the changes from its stamps; this names them in plain, serialisable types,
//! the wire contract of every client that watches a root.

use serde::{Deserialize, Serialize};
use ticket_store_local::feed::{self, FeedError};
pub use ticket_store_local::feed::{ChangeKind, CursorProblem};

use crate::App;
use crate::error::AppError;

/// What changed since a cursor, and the cursor to ask with next.
///
/// JSON: `{"cursor": "...", "since": "..." | null, "changes": [ChangeEntry, ...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Changes {
    /// Opaque: give it back as `since` to learn what changed after this answer. It stays good
    /// across processes and restarts, for the next 1,024 answers that saw a change.
    pub cursor: String,
    /// The cursor asked with; `None`: the first call, which reports nothing.
    pub since: Option<String>,
    /// One entry per ticket directory that changed, in status order (open, pending, closed),
    /// then by directory name.
    pub changes: Vec<ChangeEntry>,
}

/// How one ticket changed since the cursor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChangeEntry {
    /// The ticket's id: what its item.md says, else its directory's name.
    pub id: String,
    /// What its item.md says; `None` when it was not read (a removed ticket the feed never
    /// saw change) or does not read.
    pub slug: Option<String>,
    /// The status directory it is in now (was in, when removed): `open`, `pending`, `closed`.
    pub status: String,
    /// The status directory it moved from, when `kinds` holds `moved`.
    pub from_status: Option<String>,
    /// Its directory (where it was, when removed), as the root was given.
    pub path: String,
    /// What happened, in this order: `created`, `moved`, `edited`, `events_appended`,
    /// `thread_rewritten`, `resolution_written`, `removed`.
    pub kinds: Vec<ChangeKind>,
    /// The events appended, in order, when `kinds` holds `events_appended`; else empty.
    pub events: Vec<AppendedEvent>,
}

/// An event appended to a thread, as its header gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppendedEvent {
    /// `comment`, `status`, `close`, ... (docs/format.md, "thread.md").
    pub kind: String,
    pub author: String,
    /// RFC 3339, as written.
    pub at: String,
}

impl App {
    /// What changed since `since` (a cursor an earlier answer gave, in this process or
    /// another); without one, nothing and the current cursor. A client takes a cursor first,
    /// then reads what it shows (a list, say): what changes after the cursor is in the next
    /// answer. A cursor that cannot be answered is refused (`AppError::Cursor`); the client
    /// then starts again without one.
    pub fn changes(&self, since: Option<&str>) -> Result<Changes, AppError> {
        let wait = self
            .settings
            .lock_timeout()
            .unwrap_or(crate::settings::DEFAULT_LOCK_TIMEOUT);
        let found = self.reader().changes(since, wait).map_err(|e| match e {
            FeedError::Backend { source } => AppError::Backend { source },
            FeedError::Cursor { cursor, problem } => AppError::Cursor { cursor, problem },
        })?;
        Ok(Changes {
            cursor: found.cursor,
            since: since.map(str::to_owned),
            changes: found.changes.into_iter().map(entry).collect(),
        })
    }
}

fn entry(c: feed::TicketChange) -> ChangeEntry {
    ChangeEntry {
        id: c.id.unwrap_or_else(|| c.name.clone()),
        slug: c.slug,
        status: c.status_dir.to_owned(),
        from_status: c.from_status.map(str::to_owned),
        path: crate::display(&c.path),
        kinds: c.kinds,
        events: c
            .events
            .into_iter()
            .map(|e| AppendedEvent {
                kind: e.kind,
                author: e.author,
                at: e.at,
            })
            .collect(),
    }
}
