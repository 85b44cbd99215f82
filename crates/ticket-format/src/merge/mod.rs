//! Three-way merges of a ticket's files, as git's merge drivers and `sync` need them
//! (docs/format.md, "Merging"): pure functions over text, no I/O, never a conflict marker.
//!
//! - [`thread`]: thread.md is the union of both sides' events, each once, by identity (its `id`
//!   when it has one, else its bytes), in a deterministic order.
//! - [`item`]: item.md field by field against the base; lists as sets; the body by lines. What a
//!   conflict does not keep is returned as [`Lost`] values for the caller to record as an event.
//! - [`lines`]: the three-way merge of lines the body uses.
//! - [`copies`]: the plan that merges the copies of one ticket a merge left in several status
//!   directories.

pub mod copies;
pub mod item;
pub mod lines;
pub mod thread;

pub use copies::{CopiesPlan, Copy, MergedCopies, plan_copies};
pub use item::{ItemMerge, Lost, merge_item};
pub use thread::{Identity, ThreadMerge, last_status, merge_threads, split_events};
