//! The use cases of the ticket toolkit: create, show, list, search, comment (any event), review,
//! status, close, reopen, edit and doctor, taking typed requests and returning typed responses or an [`AppError`] with
//! a stable [`ErrorCode`].
//!
//! Every client drives this crate: the `ticket` CLI (argument parsing and rendering only),
//! `cargo xtask compat`, and later servers. Decisions that are not about the format nor about a
//! client live here: default texts and authors, which settings a writer checks, list order.
//!
//! Architecture invariants:
//! - It never prints and never exits; it returns values and errors.
//! - It is, with the binaries' wiring, the only code that names `ticket-store-local`: clients see
//!   tickets, paths as strings and errors, never the adapter.
//! - Its messages name no flag and no command of any client.

mod change;
mod claim;
mod claim_remote;
mod create;
mod doctor;
mod edit;
mod error;
mod feed;
mod foreign;
mod init;
mod read;
mod ready;
mod relations;
mod root;
mod search;
mod settings;
mod sync;
mod view;
pub mod wire;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ticket_domain::ids::shorten;
use ticket_domain::{BackendError, Store, TicketIdOrSlug};
use ticket_store_local::{LocalTicketBackend, SystemClock};

pub use change::{
    Changed, CloseRequest, CloseText, CommentRequest, ReopenRequest, ReviewRequest, StatusRequest,
};
pub use claim::{ClaimOutcome, ClaimRequest, ReadyClaimRequest, ReleaseRequest, RenewRequest};
pub use create::{BodyText, CreateRequest, Created};
pub use doctor::DoctorRequest;
pub use edit::{Assign, EditRequest, Replacement};
pub use error::{AppError, ErrorCode, KeyRule, LeaseStep, SyncStop};
pub use feed::{AppendedEvent, ChangeEntry, ChangeKind, Changes, CursorProblem};
pub use foreign::{
    ExportReport, ExportRequest, ExportedEntry, Format, ImportReport, ImportRequest, ImportedEntry,
    Outcome, Skipped, Viewed,
};
pub use init::{InitRequest, InitStep, Initialized};
pub use read::{
    FilterHint, ListEntry, ListOutcome, ListRequest, Listed, RawView, SHOWN_THREAD_LINES, Shown,
    Sort, ThreadShown, UNASSIGNED,
};
pub use ready::{Derived, NotReady, Queued, ReadyQueue};
pub use relations::{LinkRequest, UnlinkRequest};
pub use root::{DEFAULT_DIR, RootSource};
pub use search::{
    DEFAULT_LIMIT as DEFAULT_SEARCH_LIMIT, Hit, HitField, SearchHow, SearchRequest, Searched,
};
pub use settings::Settings;
pub use sync::{DriverKind, DriverOutcome, Repaired, SyncRequest, Synced, merge_driver};
pub use ticket_doctor::{Code as DoctorCode, Fix as DoctorFix, Report as DoctorReport};
pub use ticket_domain::claim::{Lease, Ttl};
pub use ticket_domain::vocabulary::{self, Vocabulary};
pub use ticket_domain::{
    ActionRequired, Diagnostic, Guard, Inverses, Progress, Reason, RefList, RelationKind,
    Relations, ReviewVerdict, Severity, Ticket, TicketId, TicketStatus, TicketSummary, Timestamp,
    Version,
};
pub use ticket_store_local::in_git::InitFile;
pub use view::{ReadyView, ShowView};

/// The use cases over one ticket root, on its store: the local one (`work-items/` on disk)
/// unless built [`App::on`] another ([`Store`]: the in-memory one, in tests). The store is
/// built once per root; use cases that only a store of files can answer (list with its
/// orders, sync, import and export, init, doctor, the change feed) are the local
/// store's alone.
pub struct App<S = LocalTicketBackend> {
    root: PathBuf,
    settings: Settings,
    /// Set when the root is a view of another tracker's tickets ([`App::view`]): writers refuse.
    view: Option<Arc<foreign::View>>,
    store: Arc<S>,
}

impl<S> Clone for App<S> {
    fn clone(&self) -> Self {
        Self {
            root: self.root.clone(),
            settings: self.settings.clone(),
            view: self.view.clone(),
            store: Arc::clone(&self.store),
        }
    }
}

impl<S> std::fmt::Debug for App<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("root", &self.root)
            .field("settings", &self.settings)
            .field("view", &self.view.is_some())
            .finish_non_exhaustive()
    }
}

impl App {
    /// The use cases over `root`, with `settings` (checked by writers only, when they write).
    pub fn new(root: impl Into<PathBuf>, settings: Settings) -> Self {
        let root = root.into();
        let store = local_store(&root, &settings);
        Self {
            root,
            settings,
            view: None,
            store: Arc::new(store),
        }
    }

    /// Finds the root as docs/cli.md says: `flag`, else the settings' `work_items_dir`, else the
    /// nearest `work-items/` walking up from `cwd` (stopping at the repository root). `creating`
    /// falls back to `./work-items`, so a first ticket can start a root.
    pub fn discover(
        flag: Option<PathBuf>,
        settings: Settings,
        cwd: &Path,
        creating: bool,
    ) -> Result<Self, AppError> {
        let root = root::resolve(flag, settings.work_items_dir.clone(), cwd, creating)?;
        Ok(Self::new(root, settings))
    }

    /// Where the tickets with this id are, one path each (several only when a merge left the
    /// same id in two status directories): what a client shows next to an ambiguity.
    pub fn locations(&self, id: &str) -> Vec<String> {
        self.reader()
            .dirs_of(id)
            .into_iter()
            .map(|p| p.display().to_string())
            .collect()
    }
}

impl<S: Store> App<S> {
    /// The use cases on `store`, with `settings`: an in-process store, which has no root on
    /// disk ([`App::root`] is empty).
    pub fn on(store: S, settings: Settings) -> Self {
        Self {
            root: PathBuf::new(),
            settings,
            view: None,
            store: Arc::new(store),
        }
    }

    /// The root as given or found (relative when it was found relative).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The store, for reads: neither the clock nor the lock settings are checked.
    fn reader(&self) -> &S {
        &self.store
    }

    /// The store, for writes: refused over a view of another tracker's tickets, and when the
    /// clock or the lock timeout the settings give does not read.
    fn writer(&self) -> Result<&S, AppError> {
        if let Some(view) = &self.view {
            return Err(view.refusal());
        }
        self.settings.clock()?;
        self.settings.lock_timeout()?;
        Ok(&self.store)
    }

    /// How a ticket's place is shown: as the store says it, or, in a view of another
    /// tracker's tickets, the file it was read from.
    fn shown(&self, dir: &Path) -> String {
        let shown = display(dir);
        match &self.view {
            Some(view) => view.source_of(&shown).unwrap_or(shown),
            None => shown,
        }
    }
}

/// The local store of `root` as `settings` set it up: their clock and lock timeout (a writer
/// refuses when they do not read, before it asks the store; a reader never does), and the
/// lease store found through git.
fn local_store(root: &Path, settings: &Settings) -> LocalTicketBackend {
    let clock = settings
        .clock()
        .unwrap_or_else(|_| Arc::new(SystemClock) as Arc<dyn ticket_domain::Clock>);
    let timeout = settings
        .lock_timeout()
        .unwrap_or(settings::DEFAULT_LOCK_TIMEOUT);
    LocalTicketBackend::new(root, clock)
        .with_lock_timeout(timeout)
        .with_git(Arc::new(claim::git_place))
}

/// A query as the port takes it. A name that could not be a ticket (`../x`, a path, thousands
/// of characters) is simply not found, as `tickets.sh` answers, shortened in the message.
fn query(q: &str) -> Result<TicketIdOrSlug, AppError> {
    TicketIdOrSlug::new(q).map_err(|_| BackendError::NotFound { query: shorten(q) }.into())
}

/// How a located ticket directory is shown to clients.
fn display(path: &Path) -> String {
    // A UTF-8 path (nearly all) is copied as it is, without the formatter's lossy walk.
    match path.to_str() {
        Some(text) => text.to_owned(),
        None => path.display().to_string(),
    }
}
