//! Tickets, events, state-transition rules and the `TicketBackend` port.
//!
//! This crate is pure: it never touches the file system, the clock or the environment, and it
//! knows nothing of how a backend stores tickets. Time and new ids come in through the [`Clock`]
//! port so that every backend, and every test, is deterministic when it needs to be.
//!
//! Extensible vocabularies (statuses, event kinds, readiness, ...) keep unknown raw values instead
//! of rejecting them, so tickets written by newer tools survive older readers.

pub mod action;
pub mod change;
pub mod claim;
pub mod construct;
pub mod edit;
pub mod event;
pub mod graph;
pub mod guard;
pub mod ids;
pub mod invalid;
pub mod memory;
pub mod meta;
pub mod port;
pub mod progress;
pub mod record;
pub mod relation;
pub mod roles;
pub mod status;
pub mod ticket;
pub mod timestamp;
pub mod transition;
mod vocab;
pub mod vocabulary;

pub use action::{ActionRequired, derive_action_required};
pub use change::{Change, Plan, Rename, Reopen, StatusMove, Version};
pub use claim::{ClaimRecord, Lease, LeaseRecord, Refusal, Ttl};
pub use edit::{BodyEdit, Edit, FieldEdit};
pub use event::{EventKind, EventRef, NewEvent, RefKind, ReviewVerdict, TicketEvent};
pub use graph::{Catalog, Graph, GraphNode, Inverses, ReadyReport, Reason};
pub use guard::Guard;
pub use ids::{IdError, Naming, Slug, TicketId, TicketIdOrSlug, slugify};
pub use invalid::{Field, InvalidInput};
pub use memory::{InMemoryBackend, MemoryLeases};
pub use meta::{Readiness, RefList, Refs, WorkMeta};
pub use port::{
    BackendError, Clock, Diagnostic, FixedClock, ListFilter, Listing, NewReview, NewTicket,
    Resolution, Severity, TicketBackend, TicketBackendExt, new_ticket_id,
};
pub use progress::Progress;
pub use record::{EditRecord, FieldSpelling, PlainSpelling, StatusRecord};
pub use relation::{RelationKind, Relations};
pub use roles::{
    GraphRead, LeaseTxn, Leases, Place, SearchSource, SourceListing, SourceStamp, Store,
    TicketTexts, Tickets,
};
pub use status::TicketStatus;
pub use ticket::{Label, MarkdownText, Ticket, TicketSummary};
pub use timestamp::Timestamp;
pub use vocabulary::Vocabulary;
