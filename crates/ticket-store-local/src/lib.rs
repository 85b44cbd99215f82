//! The local-files adapter: implements the `TicketBackend` port over a `work-items/` root.
//!
//! It is the only crate that knows the layout on disk. It never prints and never exits.
