//! Helpers shared by the tests: scratch roots, fixed clocks, the real corpus, tree snapshots.

use std::path::Path;
use std::sync::Arc;

use ticket_domain::{FixedClock, TicketIdOrSlug, Timestamp};
use ticket_store_local::LocalTicketBackend;
pub use ticket_test_support::{copy_tree, corpus, snapshot_without_scratch as snapshot};

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("test timestamps are valid")
}

pub fn q(s: &str) -> TicketIdOrSlug {
    TicketIdOrSlug::new(s).expect("valid query")
}

pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(ts("2026-11-24T10:00:00Z"), "777"))
}

pub fn backend(root: &Path, clock: Arc<FixedClock>) -> LocalTicketBackend {
    LocalTicketBackend::new(root, clock)
}

/// Lines that differ between two texts of the same line count, as (old, new) pairs.
pub fn changed_lines(a: &str, b: &str) -> Vec<(String, String)> {
    assert_eq!(
        a.lines().count(),
        b.lines().count(),
        "line count changed:\n{a}\n---\n{b}"
    );
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_owned(), y.to_owned()))
        .collect()
}
