//! `LocalTicketBackend`: the port over a `work-items/` root, as docs/format.md lays it out.
//! Lookups live in `lookup`, reads in `read`; this module holds the mutations.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ticket_domain::change;
use ticket_domain::construct;
use ticket_domain::{
    BackendError, Change, Clock, Diagnostic, Guard, LeaseRecord, ListFilter, Listing, NewTicket,
    Plan, Ticket, TicketBackend, TicketId, TicketIdOrSlug, TicketStatus, TicketSummary, Timestamp,
    new_ticket_id,
};
use ticket_format::codec;
use ticket_format::frontmatter::{self, Frontmatter};

use crate::fsio::{self, storage};
use crate::index;
use crate::layout::{self, ITEM, RESOLUTION, STATUS_DIRS, THREAD};
use crate::lease::{GitPlace, LeaseStore, Locked};
use crate::read::{Loaded, diagnostic, split_error};
use crate::version;

/// A ticket found on disk: its directory and the status directory it sits in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub dir: PathBuf,
    pub status_dir: &'static str,
}

impl Located {
    /// The ticket directory's name (empty if it is not UTF-8, which no ticket's is).
    pub fn name(&self) -> &str {
        self.dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
    }
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

/// Finds where a root sits in git, for the lease store (docs/claims.md): given by whoever
/// builds the backend, since finding a repository is `ticket-git`'s business.
pub type FindGit = Arc<dyn Fn(&Path) -> Result<Option<GitPlace>, BackendError> + Send + Sync>;

/// The local-files backend. Cheap to construct; holds no open files between calls.
pub struct LocalTicketBackend {
    root: PathBuf,
    clock: Arc<dyn Clock>,
    lock_timeout: Duration,
    /// Where the root's leases are: claims keep them there, and the writes whose guard
    /// carries a token are checked against them. Found on first use.
    leases: OnceLock<LeaseStore>,
    /// How the lease store is found: in the git common directory when the root is in a
    /// repository ([`LocalTicketBackend::with_git`]), else in the root.
    find_git: Option<FindGit>,
}

impl LocalTicketBackend {
    pub fn new(root: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        Self {
            root: root.into(),
            clock,
            lock_timeout: Duration::from_secs(10),
            leases: OnceLock::new(),
            find_git: None,
        }
    }

    /// The lease store claims keep and a write's token is checked against, given (tests and
    /// tools); else it is found on first use.
    pub fn with_leases(self, leases: LeaseStore) -> Self {
        let _ = self.leases.set(leases);
        self
    }

    /// How to find the repository the root is in, so the lease store is the one every
    /// worktree of the clone shares. Without it the store is in the root.
    pub fn with_git(mut self, find: FindGit) -> Self {
        self.find_git = Some(find);
        self
    }

    /// The root's lease store, found once: from the root's real path and its git place.
    pub fn lease_store(&self) -> Result<&LeaseStore, BackendError> {
        if let Some(store) = self.leases.get() {
            return Ok(store);
        }
        let store = match &self.find_git {
            Some(find) => {
                let root = fsio::canonical(&self.root)?;
                let place = find(&root)?;
                LeaseStore::for_root(&root, place.as_ref(), self.lock_timeout)?
            }
            None => LeaseStore::for_root(&self.root, None, self.lock_timeout)?,
        };
        Ok(self.leases.get_or_init(|| store))
    }

    /// How long a writer waits for the root's lock before failing with `Locked`.
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How long a writer waits for the root's lock (for other writers of the same root: the doctor).
    /// The clock writes are stamped with.
    pub(crate) fn clock_ref(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub fn lock_timeout(&self) -> Duration {
        self.lock_timeout
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the ticket directory `name` under `status_dir` is: what [`Located::name`] gives
    /// back, for callers that keep names rather than paths.
    pub fn located(&self, status_dir: &'static str, name: &str) -> Located {
        Located {
            dir: layout::ticket_dir(&self.root, status_dir, name),
            status_dir,
        }
    }

    /// Runs a change to the ticket `locate` finds (`named` is how the caller named it, for a
    /// root that is not there), holding the lock from lookup to last write: finds it, reads it
    /// whole (a ticket that does not read is refused before anything is written; the texts
    /// read are handed to `change`, so nothing is read twice), checks
    /// `guard` against what it read, reads the clock, applies `change` (which returns where the
    /// ticket now is), and returns the ticket as it now reads. A guard with a token holds the
    /// lease store's lock too, taken before the root's (docs/claims.md), so no claim takes the
    /// lease between the check and the write. Only `create` ever makes a root.
    fn mutate(
        &self,
        named: &str,
        locate: impl FnOnce() -> Result<Located, BackendError>,
        guard: &Guard,
        change: impl FnOnce(&Located, &Loaded, Timestamp) -> Result<PathBuf, BackendError>,
    ) -> Result<Ticket, BackendError> {
        if !self.root.is_dir() {
            return Err(BackendError::NotFound {
                query: named.to_owned(),
            });
        }
        let locked = |leases: Option<&Locked<'_>>| {
            fsio::with_lock(&self.root, self.lock_timeout, || {
                let found = locate()?;
                // Every file a mutation may write is checked before any is written, so a link
                // leading out of the root refuses the whole change, not its second half.
                for name in [ITEM, THREAD, RESOLUTION] {
                    fsio::refuse_symlink(&self.root, &found.dir.join(name))?;
                }
                let before = self.load(&found.dir)?;
                let t = &before.ticket;
                guard.check(t.id.as_str(), &t.version, || match leases {
                    Some(leases) => leases.read(t.id.as_str()),
                    None => Ok(LeaseRecord::default()),
                })?;
                let now = self.clock.now();
                let dir = change(&found, &before, now)?;
                self.read_ticket(&dir)
            })
        };
        match guard.token {
            Some(_) => self.lease_store()?.with_lock(|leases| locked(Some(leases))),
            None => locked(None),
        }
    }

    /// [`TicketBackend::apply`] to the ticket `locate` finds: planned by the domain, carried
    /// out by [`carry_out`](Self::carry_out), under [`mutate`](Self::mutate)'s lock and guard.
    pub(crate) fn apply_found(
        &self,
        named: &str,
        locate: impl FnOnce() -> Result<Located, BackendError>,
        guard: &Guard,
        change: Change,
    ) -> Result<Ticket, BackendError> {
        self.mutate(named, locate, guard, |found, before, now| {
            let t = &before.ticket;
            let plan = change::plan_spelled(t, change, now, &codec::FrontmatterSpelling)?;
            self.carry_out(found, before, plan)
        })
    }

    /// Carries out `plan` on the ticket found at `found` (read as `before`): only the
    /// frontmatter lines whose value changes are rewritten, events are appended, and a status
    /// change or a rename moves the directory with every file staged first. Returns where the
    /// ticket is.
    fn carry_out(
        &self,
        found: &Located,
        before: &Loaded,
        plan: Plan,
    ) -> Result<PathBuf, BackendError> {
        let item_path = layout::item(&found.dir);
        let fields = changed_fields(&before.ticket.summary, &plan.summary);
        let body = plan.body.as_ref().map(|b| b.as_str());
        let item = item_with(&item_path, &before.item, &fields, body)?;
        let thread = (!plan.events.is_empty()).then(|| {
            plan.events
                .iter()
                .fold(before.thread.clone(), |text, event| {
                    codec::thread_with_id(&text, event, self.clock.event_id().as_deref())
                })
        });
        let mut files: Vec<(&str, &[u8])> = Vec::with_capacity(3);
        if let Some(resolution) = &plan.resolution {
            files.push((RESOLUTION, resolution.as_str().as_bytes()));
        }
        if let Some(thread) = &thread {
            files.push((THREAD, thread.as_bytes()));
        }
        // An item.md whose bytes stay (a comment under a fixed clock) is not rewritten: every
        // write is one a watcher sees (the change feed would call it an edit).
        if item != before.item {
            files.push((ITEM, item.as_bytes()));
        }
        let renamed = plan.summary.id != before.ticket.id;
        match (&plan.move_to, renamed) {
            (Some(to), _) => self.move_with(found, &plan.summary.id, to, &files),
            (None, true) => self.move_with(found, &plan.summary.id, &before.ticket.status, &files),
            (None, false) => {
                // Every file staged and flushed, then renamed into place and the directory
                // flushed once (as a move does): a crash leaves each file old or new, whole.
                // `mutate` checked every target for links.
                let contents: Vec<&[u8]> = files.iter().map(|(_, bytes)| *bytes).collect();
                let staged = fsio::stage_all(&self.root, &contents)?;
                for ((name, _), file) in files.iter().zip(staged) {
                    file.install(&found.dir.join(name))?;
                }
                fsio::sync_parent(&layout::item(&found.dir))?;
                Ok(found.dir.clone())
            }
        }
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
        let target = layout::ticket_dir(&self.root, to.as_str(), id.as_str());
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
        let contents: Vec<&[u8]> = files.iter().map(|(_, bytes)| *bytes).collect();
        let staged = fsio::stage_all(&self.root, &contents)?;
        let index_before = index::fresh(&self.root);
        if moving {
            fsio::rename_dir(&found.dir, &target)?;
        }
        for ((name, _), file) in files.iter().zip(staged) {
            file.install(&target.join(name))?;
        }
        fsio::sync_parent(&layout::item(&target))?;
        if moving {
            fsio::sync_parent(&target)?;
            fsio::sync_parent(&found.dir)?;
        }
        // A rename leaves the old name's entries: the index is then stale by its stamps, and
        // rebuilt by its next reader.
        let renamed = found.name() != id.as_str();
        if moving
            && !renamed
            && let Some(status) = layout::status_dir(to.as_str())
        {
            index::moved(&self.root, index_before, status, id.as_str());
        }
        Ok(target)
    }
}

/// What a change rewrites in the frontmatter: the lines (key, encoded value) of `after` that
/// differ from `before`'s, in the format's key order, and the keys `before` has and `after` no
/// longer has (a typed field back at its default, an unknown key unset). Nothing else.
struct FieldChanges {
    set: Vec<(String, String)>,
    removed: Vec<String>,
}

fn changed_fields(before: &TicketSummary, after: &TicketSummary) -> FieldChanges {
    let old = codec::frontmatter_lines(before);
    let new = codec::frontmatter_lines(after);
    let removed = old
        .iter()
        .filter(|(k, _)| !new.iter().any(|(n, _)| n == k))
        .map(|(k, _)| k.clone())
        .collect();
    let set = new
        .into_iter()
        .filter(|(key, value)| !old.iter().any(|(k, v)| k == key && v == value))
        .collect();
    FieldChanges { set, removed }
}

/// `item` (read from `path`) with only the named frontmatter lines changed and removed, and its
/// body replaced when `body` is given.
fn item_with(
    path: &Path,
    item: &str,
    fields: &FieldChanges,
    body: Option<&str>,
) -> Result<String, BackendError> {
    let removed: Vec<&str> = fields.removed.iter().map(String::as_str).collect();
    let set: Vec<(&str, &str)> = fields
        .set
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let text = frontmatter::remove_fields(item, &removed)
        .and_then(|text| frontmatter::set_fields(&text, &set))
        .and_then(|text| match body {
            Some(body) => frontmatter::with_body(&text, body),
            None => Ok(text),
        });
    text.map_err(|e| split_error(path, e))
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
        let slug = construct::prepare_new(&new)?;
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
            let target = layout::ticket_dir(&self.root, layout::OPEN, id.as_str());
            fsio::refuse_symlink(&self.root, &target)?;
            let mut ticket = construct::new_ticket(id, slug, new, now);
            let scratch = fsio::scratch_dir(&self.root)?;
            let dir = scratch.path();
            fs::create_dir_all(layout::artifacts(dir)).map_err(|e| storage(dir, e))?;
            let item = codec::item_text(&ticket.summary, ticket.body.as_str());
            let create = &ticket.events[0];
            let first = codec::first_thread_with_id(create, self.clock.event_id().as_deref());
            fsio::write_new_all(&[
                (&layout::gitkeep(dir), b""),
                (&layout::item(dir), item.as_bytes()),
                (&layout::thread(dir), first.as_bytes()),
            ])?;
            ticket.version =
                version::of(layout::OPEN, item.as_bytes(), Some(first.as_bytes()), None);
            let index_before = index::fresh(&self.root);
            fsio::move_dir(dir, &target)?;
            index::moved(&self.root, index_before, layout::OPEN, ticket.id.as_str());
            Ok(ticket)
        })
    }

    fn apply(
        &self,
        query: &TicketIdOrSlug,
        guard: &Guard,
        change: Change,
    ) -> Result<Ticket, BackendError> {
        self.apply_found(query.as_str(), || self.locate(query), guard, change)
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
