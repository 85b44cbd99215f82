//! How long whole-root work (the doctor, index builds, imports, syncs) reports how far it got,
//! without knowing who listens: clients draw a bar, or ignore it (`()`).

/// Receives progress from work that may take a while. Called from several threads.
pub trait Progress: Sync {
    /// The work has `total` steps (tickets, files, ...), named by `what`.
    fn start(&self, what: &str, total: u64);
    /// `n` more steps are done.
    fn advance(&self, n: u64);
    /// The work is over (done or failed).
    fn finish(&self);
}

/// No one listens.
impl Progress for () {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}
