//! The reads: `show` (typed, or the raw bytes people read) and `list` with its filters and
//! orders.

use std::cmp::Ordering;

use ticket_domain::{ActionRequired, Diagnostic, ListFilter, Ticket, TicketStatus, TicketSummary};

use ticket_format::keys;

use crate::error::AppError;
use crate::{App, display, query};

/// A ticket and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub ticket: Ticket,
    pub path: String,
}

/// A ticket's files as they are, for people: a ticket whose frontmatter does not read still
/// shows. The four fields are what its frontmatter says (empty when it cannot say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawView {
    pub path: String,
    pub title: String,
    pub status: String,
    pub id: String,
    pub slug: String,
    /// item.md, byte for byte.
    pub item: Vec<u8>,
    /// thread.md, byte for byte; `None` when it does not exist.
    pub thread: Option<Vec<u8>>,
}

/// The order of `list`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Status (open, pending, closed), then id: the shell tool's order. Streams as it reads.
    #[default]
    Id,
    /// Most recently updated first, then id.
    Updated,
    /// Priority (`P0` first, by number; other values after, by text), then id.
    Priority,
}

/// Which tickets `list` gives, in which order. Empty `statuses` means every status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListRequest {
    pub statuses: Vec<TicketStatus>,
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub label: Option<String>,
    pub assignee: Option<String>,
    /// `implementer`, `reviewer`, `human`, `none` (or any other value someone wrote).
    pub action_required: Option<String>,
    pub sort: Sort,
    /// Give every listed ticket its `action_required`, set or derived (reading the thread of a
    /// pending ticket without the key, as the filter does).
    pub with_action_required: bool,
}

/// A listed ticket and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub summary: TicketSummary,
    pub path: String,
}

/// What `list` hands over: a ticket, or a ticket that was skipped because it does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // handed over one at a time, never stored in bulk
pub enum Listed {
    Ticket(ListEntry),
    Skipped(Diagnostic),
}

impl App {
    /// The whole ticket the query names, with its version.
    pub fn show(&self, q: &str) -> Result<Shown, AppError> {
        let backend = self.reader();
        let found = backend.locate(&query(q)?)?;
        let ticket = backend.read_ticket(&found.dir)?;
        Ok(Shown {
            ticket,
            path: display(&found.dir),
        })
    }

    /// The files of the ticket the query names, unparsed.
    pub fn show_raw(&self, q: &str) -> Result<RawView, AppError> {
        let backend = self.reader();
        let found = backend.locate(&query(q)?)?;
        let raw = backend.read_raw(&found)?;
        let field = |key: &str| {
            raw.fields
                .as_ref()
                .map(|f| f.value(key))
                .unwrap_or_default()
        };
        Ok(RawView {
            path: display(&found.dir),
            title: field(keys::TITLE),
            status: field(keys::STATUS),
            id: field(keys::ID),
            slug: field(keys::SLUG),
            item: raw.item,
            thread: raw.thread,
        })
    }

    /// Lists tickets, handing each to `each` as soon as the order allows: in the default order
    /// as they are read (memory stays flat however large the root), in another order once all
    /// are read (skipped tickets first). `each` returns `false` to stop.
    pub fn list(
        &self,
        request: &ListRequest,
        mut each: impl FnMut(Listed) -> bool,
    ) -> Result<(), AppError> {
        let filter = ListFilter {
            statuses: request.statuses.clone(),
            kind: request.kind.clone(),
            priority: request.priority.clone(),
            label: request.label.clone(),
            assignee: request.assignee.clone(),
            action_required: request
                .action_required
                .as_deref()
                .map(ActionRequired::parse),
        };
        let backend = self.reader();
        let mut going = true;
        if request.sort == Sort::Id {
            backend.list_each_with(&filter, request.with_action_required, |found| {
                if going {
                    going = each(match found {
                        Ok((at, summary)) => Listed::Ticket(ListEntry {
                            summary,
                            path: display(&at.dir),
                        }),
                        Err(d) => Listed::Skipped(d),
                    });
                }
            })?;
            return Ok(());
        }
        let mut listing = ticket_store_local::LocatedListing::default();
        backend.list_each_with(&filter, request.with_action_required, |found| match found {
            Ok(ticket) => listing.tickets.push(ticket),
            Err(d) => listing.diagnostics.push(d),
        })?;
        let mut entries: Vec<ListEntry> = listing
            .tickets
            .into_iter()
            .map(|(at, summary)| ListEntry {
                summary,
                path: display(&at.dir),
            })
            .collect();
        entries.sort_by(|a, b| order(request.sort, &a.summary, &b.summary));
        let skipped = listing.diagnostics.into_iter().map(Listed::Skipped);
        for item in skipped.chain(entries.into_iter().map(Listed::Ticket)) {
            if !each(item) {
                break;
            }
        }
        Ok(())
    }
}

/// How two tickets compare in a sorted list; ties go by id.
fn order(sort: Sort, a: &TicketSummary, b: &TicketSummary) -> Ordering {
    let first = match sort {
        Sort::Id => Ordering::Equal,
        Sort::Updated => b.updated_at.cmp(&a.updated_at),
        Sort::Priority => priority_key(&a.priority).cmp(&priority_key(&b.priority)),
    };
    first.then_with(|| a.id.cmp(&b.id))
}

/// `P<n>` by its number, before any other value, which go by text.
pub(crate) fn priority_key(priority: &str) -> (bool, u64, &str) {
    match priority
        .strip_prefix('P')
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
    {
        Some(n) => (false, n, ""),
        None => (true, 0, priority),
    }
}

#[cfg(test)]
mod tests {
    use super::priority_key;

    #[test]
    fn priorities_order_by_number_then_text() {
        let mut ps = ["P2", "high", "P10", "P0", "P1", "", "p1"];
        ps.sort_by_key(|p| priority_key(p));
        assert_eq!(ps, ["P0", "P1", "P2", "P10", "", "high", "p1"]);
    }
}
