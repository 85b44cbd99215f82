//! `LocalTicketBackend`: the port over a `work-items/` root, as docs/format.md lays it out.
//! Lookups live in `lookup`, reads in `read`; this module holds the mutations.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ticket_domain::ops;
use ticket_domain::transition::plan_set_status;
use ticket_domain::{
    BackendError, Clock, Diagnostic, ListFilter, Listing, NewEvent, NewReview, NewTicket,
    Resolution, Ticket, TicketBackend, TicketId, TicketIdOrSlug, TicketStatus, TicketSummary,
    Timestamp, new_ticket_id,
};
use ticket_format::codec;
use ticket_format::frontmatter::{self, Frontmatter};
use ticket_format::keys;

use crate::fsio::{self, storage};
use crate::index;
use crate::read::{Loaded, diagnostic, split_error};

/// The status directories, in list order.
pub const STATUS_DIRS: [&str; 3] = ["open", "pending", "closed"];

/// A ticket found on disk: its directory and the status directory it sits in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub dir: PathBuf,
    pub status_dir: &'static str,
}

/// The bytes of a ticket's files as they are, for tools that print them (`show`), with the
/// frontmatter when it can be delimited.
#[derive(Clone, Debug)]
pub struct RawTicket {
    pub item: Vec<u8>,
    pub thread: Option<Vec<u8>>,
    pub fields: Option<Frontmatter>,
}

/// `list_located`'s answer: each readable ticket with where it lives, and the unreadable ones.
#[derive(Clone, Debug, Default)]
pub struct LocatedListing {
    pub tickets: Vec<(Located, TicketSummary)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The local-files backend. Cheap to construct; holds no open files between calls.
pub struct LocalTicketBackend {
    root: PathBuf,
    clock: Arc<dyn Clock>,
    lock_timeout: Duration,
}

impl LocalTicketBackend {
    pub fn new(root: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        Self {
            root: root.into(),
            clock,
            lock_timeout: Duration::from_secs(10),
        }
    }

    /// How long a writer waits for the root's lock before failing with `Locked`.
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Runs a change to the ticket `query` names, holding the lock from lookup to last write:
    /// finds it, reads it whole (a ticket that does not read is refused before anything is
    /// written; the texts read are handed to `change`, so nothing is read twice), reads the clock,
    /// applies `change` (which returns where the ticket now is), and returns the ticket as it now
    /// reads. Only `create` ever makes a root.
    fn mutate(
        &self,
        query: &TicketIdOrSlug,
        change: impl FnOnce(&Located, &Loaded, Timestamp) -> Result<PathBuf, BackendError>,
    ) -> Result<Ticket, BackendError> {
        if !self.root.is_dir() {
            return Err(BackendError::NotFound {
                query: query.to_string(),
            });
        }
        fsio::with_lock(&self.root, self.lock_timeout, || {
            let found = self.locate(query)?;
            // Every file a mutation may write is checked before any is written, so a link
            // leading out of the root refuses the whole change, not its second half.
            for name in ["item.md", "thread.md", "resolution.md"] {
                fsio::refuse_symlink(&self.root, &found.dir.join(name))?;
            }
            let before = self.load(&found.dir)?;
            let now = self.clock.now();
            let dir = change(&found, &before, now)?;
            self.read_ticket(&dir)
        })
    }

    /// Appends the event `make` builds at the locked moment, and moves `updated_at` to it.
    fn append_event(
        &self,
        query: &TicketIdOrSlug,
        make: impl FnOnce(Timestamp) -> Result<ticket_domain::TicketEvent, BackendError>,
    ) -> Result<Ticket, BackendError> {
        self.mutate(query, |found, before, now| {
            let event = make(now)?;
            self.append(&found.dir, &before.thread, &event)?;
            let now = now.to_string();
            self.rewrite_item(&found.dir, &before.item, &[(keys::UPDATED_AT, &now)])?;
            Ok(found.dir.clone())
        })
    }

    /// Writes the ticket's thread (in `dir`, read as `thread`) with `event` appended.
    fn append(
        &self,
        dir: &Path,
        thread: &str,
        event: &ticket_domain::TicketEvent,
    ) -> Result<(), BackendError> {
        let text = codec::thread_with(thread, event);
        fsio::write_atomic(&self.root, &dir.join("thread.md"), text.as_bytes())
    }

    /// Writes the ticket's item.md (in `dir`, read as `item`) with only the named frontmatter
    /// lines changed, in one atomic replacement.
    fn rewrite_item(
        &self,
        dir: &Path,
        item: &str,
        fields: &[(&str, &str)],
    ) -> Result<(), BackendError> {
        let path = dir.join("item.md");
        let text = item_with(&path, item, fields)?;
        fsio::write_atomic(&self.root, &path, text.as_bytes())
    }

    /// Moves a ticket under `to` with its files rewritten to `files` (name, bytes; item.md last):
    /// every file is staged and flushed first, then the directory is renamed (never over an
    /// existing one, never to or from outside the root) and the staged files renamed into it,
    /// so a crash between the move and its last write needs one to land between two renames.
    /// What such a crash leaves (the directory moved, `status:` not yet) is what the doctor
    /// reports as `status-mismatch`, and `ticket status <id> <status>` completes.
    fn move_with(
        &self,
        found: &Located,
        id: &TicketId,
        to: &TicketStatus,
        files: &[(&str, &[u8])],
    ) -> Result<PathBuf, BackendError> {
        let target = self.root.join(to.as_str()).join(id.as_str());
        for (name, _) in files {
            fsio::refuse_symlink(&self.root, &found.dir.join(name))?;
        }
        let moving = found.dir != target;
        if moving {
            let status_dir = self.root.join(to.as_str());
            fs::create_dir_all(&status_dir).map_err(|e| storage(&status_dir, e))?;
            fsio::refuse_symlink(&self.root, &found.dir)?;
            fsio::refuse_symlink(&self.root, &target)?;
        }
        let staged = files
            .iter()
            .map(|(name, bytes)| fsio::stage(&self.root, bytes).map(|s| (*name, s)))
            .collect::<Result<Vec<_>, _>>()?;
        let index_before = index::fresh(&self.root);
        if moving {
            fsio::rename_dir(&found.dir, &target)?;
        }
        for (name, file) in staged {
            file.install(&target.join(name))?;
        }
        fsio::sync_parent(&target.join("item.md"))?;
        if moving {
            fsio::sync_parent(&target)?;
            fsio::sync_parent(&found.dir)?;
        }
        if moving && let Some(status) = STATUS_DIRS.into_iter().find(|s| *s == to.as_str()) {
            index::moved(&self.root, index_before, status, id.as_str());
        }
        Ok(target)
    }
}

/// `item` (read from `path`) with only the named frontmatter lines changed.
fn item_with(path: &Path, item: &str, fields: &[(&str, &str)]) -> Result<String, BackendError> {
    frontmatter::set_fields(item, fields).map_err(|e| split_error(path, e))
}

impl TicketBackend for LocalTicketBackend {
    fn list(&self, filter: &ListFilter) -> Result<Listing, BackendError> {
        let located = self.list_located(filter)?;
        Ok(Listing {
            tickets: located.tickets.into_iter().map(|(_, s)| s).collect(),
            diagnostics: located.diagnostics,
        })
    }

    fn show(&self, query: &TicketIdOrSlug) -> Result<Ticket, BackendError> {
        let found = self.locate(query)?;
        self.read_ticket(&found.dir)
    }

    fn create(&self, new: NewTicket) -> Result<Ticket, BackendError> {
        let slug = ops::prepare_new(&new)?;
        fs::create_dir_all(&self.root).map_err(|e| storage(&self.root, e))?;
        fsio::with_lock(&self.root, self.lock_timeout, || {
            for s in STATUS_DIRS {
                let dir = self.root.join(s);
                fs::create_dir_all(&dir).map_err(|e| storage(&dir, e))?;
            }
            let now = self.clock.now();
            let taken = |id: &str| {
                STATUS_DIRS
                    .iter()
                    .any(|s| self.root.join(s).join(id).exists())
            };
            let id = new_ticket_id(now, slug.as_str(), taken, &self.clock.collision_suffix())?;
            let target = self.root.join("open").join(id.as_str());
            fsio::refuse_symlink(&self.root, &target)?;
            let ticket = ops::new_ticket(ops::new_summary(id, slug, new, now));
            let scratch = fsio::scratch_dir(&self.root)?;
            let dir = scratch.path();
            fs::create_dir_all(dir.join("artifacts")).map_err(|e| storage(dir, e))?;
            fsio::write_new(&dir.join("artifacts/.gitkeep"), b"")?;
            let item = codec::item_text(&ticket.summary, ticket.body.as_str());
            fsio::write_new(&dir.join("item.md"), item.as_bytes())?;
            let create = &ticket.events[0];
            let first = codec::first_thread(create);
            fsio::write_new(&dir.join("thread.md"), first.as_bytes())?;
            let index_before = index::fresh(&self.root);
            fsio::move_dir(dir, &target)?;
            index::moved(&self.root, index_before, "open", ticket.id.as_str());
            Ok(ticket)
        })
    }

    fn add_event(&self, query: &TicketIdOrSlug, event: NewEvent) -> Result<Ticket, BackendError> {
        self.append_event(query, |now| ops::event_to_append(event, now))
    }

    fn review(&self, query: &TicketIdOrSlug, review: NewReview) -> Result<Ticket, BackendError> {
        self.append_event(query, |now| ops::review_event(review, now))
    }

    fn set_status(&self, query: &TicketIdOrSlug, to: TicketStatus) -> Result<Ticket, BackendError> {
        self.mutate(query, |found, before, now| {
            let t = &before.ticket;
            plan_set_status(&t.status, &to)?;
            let now = now.to_string();
            let fields = [(keys::STATUS, to.as_str()), (keys::UPDATED_AT, &now)];
            let item = item_with(&found.dir.join("item.md"), &before.item, &fields)?;
            self.move_with(found, &t.id, &to, &[("item.md", item.as_bytes())])
        })
    }

    fn close(
        &self,
        query: &TicketIdOrSlug,
        resolution: Resolution,
    ) -> Result<Ticket, BackendError> {
        self.mutate(query, |found, before, now| {
            let text = resolution.text.clone();
            let t = &before.ticket;
            let event = ops::close_event(&t.status, resolution, now)?;
            let thread = codec::thread_with(&before.thread, &event);
            let now = now.to_string();
            let fields = [(keys::STATUS, "closed"), (keys::UPDATED_AT, &now)];
            let item = item_with(&found.dir.join("item.md"), &before.item, &fields)?;
            let files: [(&str, &[u8]); 3] = [
                ("resolution.md", text.as_str().as_bytes()),
                ("thread.md", thread.as_bytes()),
                ("item.md", item.as_bytes()),
            ];
            self.move_with(found, &t.id, &TicketStatus::Closed, &files)
        })
    }

    fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError> {
        let mut out = Vec::new();
        for status_dir in STATUS_DIRS {
            for dir in self.ticket_dirs(status_dir)? {
                if let Err(e) = self.read_ticket(&dir) {
                    out.push(diagnostic(&e));
                }
            }
        }
        Ok(out)
    }
}
