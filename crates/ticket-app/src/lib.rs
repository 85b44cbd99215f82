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
use ticket_domain::{BackendError, TicketIdOrSlug};
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
pub use relations::{Derived, LinkRequest, NotReady, Queued, ReadyQueue, UnlinkRequest};
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
pub use ticket_store_local::gitroot::InitFile;
pub use view::{ReadyView, ShowView};

/// The use cases over one ticket root.
#[derive(Clone, Debug)]
pub struct App {
    root: PathBuf,
    settings: Settings,
    /// Set when the root is a view of another tracker's tickets ([`App::view`]): writers refuse.
    view: Option<Arc<foreign::View>>,
}

impl App {
    /// The use cases over `root`, with `settings` (checked by writers only, when they write).
    pub fn new(root: impl Into<PathBuf>, settings: Settings) -> Self {
        Self {
            root: root.into(),
            settings,
            view: None,
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

    /// The root as given or found (relative when it was found relative).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A backend for reads: neither the clock nor the lock settings are needed, or checked.
    fn reader(&self) -> LocalTicketBackend {
        LocalTicketBackend::new(&self.root, Arc::new(SystemClock))
    }

    /// A backend for writes, with the clock and lock timeout the settings give; refused over a
    /// view of another tracker's tickets.
    fn writer(&self) -> Result<LocalTicketBackend, AppError> {
        if let Some(view) = &self.view {
            return Err(view.refusal());
        }
        Ok(LocalTicketBackend::new(&self.root, self.settings.clock()?)
            .with_lock_timeout(self.settings.lock_timeout()?))
    }

    /// How a located ticket directory is shown: as it is, or, in a view of another tracker's
    /// tickets, the file it was read from.
    fn shown(&self, dir: &Path) -> String {
        let shown = display(dir);
        match &self.view {
            Some(view) => view.source_of(&shown).unwrap_or(shown),
            None => shown,
        }
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
