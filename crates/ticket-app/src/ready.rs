//! The ready queue and what `show` derives from the others: `ready` (with why each other open
//! ticket is not), `queued` (its tickets read again for printing) and `derived` (inverse
//! kinds, readiness, a live claim).

use std::cmp::Ordering;

use ticket_domain::{
    Inverses, Place, Reason, Store, TicketId, TicketStatus, TicketSummary, Timestamp,
    derive_action_required,
};

use crate::App;
use crate::error::AppError;
use crate::read::{ListEntry, priority_key};

/// An open ticket of the ready queue as the queue keeps it: its id, what orders it, and where
/// it lives. [`App::queued`] reads the rest again when it is printed, so the queue of a large
/// root holds a few small fields per ticket, not every open ticket's summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub id: TicketId,
    pub priority: String,
    pub created_at: Timestamp,
    at: Place,
}

/// An open ticket that is not ready, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotReady {
    pub entry: Queued,
    pub reasons: Vec<Reason>,
}

/// The ready queue: what can be started now, best first, and why each other open ticket cannot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadyQueue {
    /// Open tickets that are ready: priority (`P0` first), then oldest, then id.
    pub ready: Vec<Queued>,
    /// Open tickets that are not, in the same order, each with its reasons.
    pub not_ready: Vec<NotReady>,
    /// Every cycle through `depends_on` and `parent` among the tickets read (the open ones and
    /// every ticket they reach), each sorted by id.
    pub cycles: Vec<Vec<TicketId>>,
    /// Tickets skipped because they do not read.
    pub skipped: Vec<ticket_domain::Diagnostic>,
}

/// What `show` derives about a ticket from the others.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Derived {
    /// Who points at the ticket, by kind.
    pub inverses: Inverses,
    /// Why it is not ready; empty when it is.
    pub reasons: Vec<Reason>,
}

impl<S: Store> App<S> {
    /// The ready queue (docs/format.md, "Relations and readiness"). It reads the frontmatter of
    /// the open tickets and of the tickets their edges reach, never a thread, and keeps of each
    /// open ticket what orders it ([`Queued`]).
    pub fn ready(&self) -> Result<ReadyQueue, AppError> {
        let mut open: Vec<Queued> = Vec::new();
        let read = self
            .reader()
            .graph(&[TicketStatus::Open], &[], &mut |at, s| {
                if s.status == TicketStatus::Open {
                    open.push(Queued {
                        id: s.id.clone(),
                        priority: s.priority.clone(),
                        created_at: s.created_at,
                        at,
                    });
                }
            })?;
        let report = read.graph.readiness();
        let mut queue = ReadyQueue {
            skipped: read.diagnostics,
            ..ReadyQueue::default()
        };
        open.sort_by(best_first);
        let reasons = |q: &Queued| report.reasons(q.id.as_str()).unwrap_or_default();
        // The ready ones stay where they are: no second list of every open ticket.
        queue.not_ready = open
            .extract_if(.., |q| !reasons(q).is_empty())
            .map(|entry| NotReady {
                reasons: reasons(&entry).to_vec(),
                entry,
            })
            .collect();
        queue.ready = open;
        queue.cycles = report.cycles;
        self.without_claimed(queue)
    }

    /// The tickets of a ready queue as `list` gives them, read again, in the order given, a
    /// few thousand at a time on a few threads, each handed to `each` (which returns whether
    /// to go on). A ticket that no longer reads is handed over as its error; one that changed
    /// since the queue was read is given as it is now.
    pub fn queued<'q>(
        &self,
        queued: impl IntoIterator<Item = &'q Queued>,
        mut each: impl FnMut(Result<ListEntry, AppError>) -> bool,
    ) {
        /// Tickets read per batch, as `list` reads them.
        const BATCH: usize = 4096;
        let reader = self.reader();
        let mut queued = queued.into_iter().peekable();
        while queued.peek().is_some() {
            let batch: Vec<&Queued> = queued.by_ref().take(BATCH).collect();
            let read = reader.summaries_at(batch.into_iter().map(|q| &q.at).collect());
            for found in read {
                let entry = found.map_err(AppError::from).map(|(mut summary, path)| {
                    with_action(&mut summary);
                    ListEntry {
                        summary,
                        path: self.shown(&path),
                    }
                });
                if !each(entry) {
                    return;
                }
            }
        }
    }

    /// What the other tickets say about the ticket `id`: who points at it, and why it is not
    /// ready. Reads every ticket's frontmatter (the inverses can be anywhere), keeping of each
    /// only what the graph needs, and works out the readiness of the tickets around `id` only
    /// (ticket_domain's `Catalog`).
    pub fn derived(&self, id: &TicketId) -> Result<Derived, AppError> {
        let (catalog, _) = self.reader().catalog()?;
        let (inverses, reasons) = catalog.derive(id.as_str());
        let mut derived = Derived {
            inverses,
            reasons: reasons.unwrap_or_default(),
        };
        if let Some(lease) = self.claim_of(id.as_str())? {
            derived.reasons.push(crate::claim::claimed_reason(&lease));
        }
        Ok(derived)
    }
}

/// Sets `action_required` to the value an open ticket has or derives (no thread needed: only
/// pending tickets derive from theirs).
fn with_action(s: &mut TicketSummary) {
    if s.meta.action_required.is_none() && s.status != TicketStatus::Pending {
        s.meta.action_required = Some(derive_action_required(&s.status, &[], None));
    }
}

/// The ready queue's order: priority (`P<n>` by number first), then oldest, then id.
pub(crate) fn best_first(a: &Queued, b: &Queued) -> Ordering {
    priority_key(&a.priority)
        .cmp(&priority_key(&b.priority))
        .then_with(|| a.created_at.cmp(&b.created_at))
        .then_with(|| a.id.cmp(&b.id))
}
