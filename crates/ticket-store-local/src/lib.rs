//! The local-files adapter: implements the `TicketBackend` port over a `work-items/` root,
//! exactly as docs/format.md lays it out, so tickets move freely between it and `tickets.sh`.
//!
//! It is the only crate that knows the layout on disk. It never prints and never exits; every
//! write goes through [`fsio`] (the root's lock, temp files inside the root, fsync, rename) and
//! never lands outside the root.

pub mod backend;
mod catalog;
pub mod clock;
pub mod feed;
pub mod fsio;
pub mod in_git;
mod index;
pub mod layout;
pub mod lease;
mod lookup;
pub mod merging;
mod names;
pub mod parallel;
pub mod put_whole;
mod read;
mod relations;
mod roles;
mod stamps;
pub mod tree;
mod version;

pub use backend::{FindGit, LocalTicketBackend, Located, LocatedListing, RawTicket};
pub use clock::SystemClock;
pub use layout::STATUS_DIRS;
pub use lease::LeaseStore;
pub use put_whole::Written;
pub use stamps::{FileStamp, Stamps, TicketStamp};
