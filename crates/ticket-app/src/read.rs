//! The reads: `show` (typed, or the raw bytes people read) and `list` with its filters and
//! orders.

use std::cmp::Ordering;

use ticket_domain::{
    ActionRequired, Diagnostic, ListFilter, Store, Ticket, TicketStatus, TicketSummary, Timestamp,
};
use ticket_store_local::Located;

use ticket_format::keys;

use crate::error::AppError;
use crate::{App, query};

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

/// How many lines of a thread `show` prints by default, as `tickets.sh` (`tail -n 80`).
pub const SHOWN_THREAD_LINES: usize = 80;

/// What of a thread `show` prints: the bytes, and what was left out before them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThreadShown<'a> {
    pub bytes: &'a [u8],
    pub lines_left_out: usize,
    pub events_left_out: usize,
}

impl RawView {
    /// The thread as `show` prints it: whole with `full`, else its last
    /// [`SHOWN_THREAD_LINES`] lines or so, cut at an event boundary (never in mid-event).
    /// `None` when the ticket has no thread.md.
    pub fn thread_shown(&self, full: bool) -> Option<ThreadShown<'_>> {
        let thread = self.thread.as_deref()?;
        let tail = if full {
            ticket_format::thread::tail_at_event(thread, usize::MAX)
        } else {
            ticket_format::thread::tail_at_event(thread, SHOWN_THREAD_LINES)
        };
        Some(ThreadShown {
            bytes: &thread[tail.start..],
            lines_left_out: tail.lines_left_out,
            events_left_out: tail.events_left_out,
        })
    }
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
    /// [`UNASSIGNED`] (`none`) asks for tickets nobody is assigned to.
    pub assignee: Option<String>,
    /// `implementer`, `reviewer`, `human`, `none` (or any other value someone wrote).
    pub action_required: Option<String>,
    pub sort: Sort,
    /// Give every listed ticket its `action_required`, set or derived (reading the thread of a
    /// pending ticket without the key, as the filter does).
    pub with_action_required: bool,
    /// `Some(true)`: only tickets someone holds a live lease on; `Some(false)`: only the others
    /// (docs/claims.md).
    pub claimed: Option<bool>,
}

/// A listed ticket and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    pub summary: TicketSummary,
    pub path: String,
}

/// The assignee filter value that asks for tickets nobody is assigned to.
pub const UNASSIGNED: &str = "none";

/// What a list found, besides the tickets it handed over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOutcome {
    /// Tickets handed over.
    pub listed: usize,
    /// When nothing matched: filter values that the tickets hold with another case.
    pub hints: Vec<FilterHint>,
}

/// A filter value that matched nothing, and a value tickets hold that differs only by case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterHint {
    /// `kind`, `priority`, `label` or `assignee`.
    pub field: &'static str,
    pub given: String,
    pub found: String,
}

/// What `list` hands over: a ticket, or a ticket that was skipped because it does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // handed over one at a time, never stored in bulk
pub enum Listed {
    Ticket(ListEntry),
    Skipped(Diagnostic),
}

impl ListRequest {
    /// The statuses a list looks at when none is asked for: open tickets, as `tickets.sh`
    /// lists them; but a filter on who must act looks at every unclosed ticket, since the
    /// tickets waiting on someone are mostly pending.
    pub fn default_statuses(filters_on_action: bool) -> Vec<TicketStatus> {
        if filters_on_action {
            vec![TicketStatus::Open, TicketStatus::Pending]
        } else {
            vec![TicketStatus::Open]
        }
    }
}

impl<S: Store> App<S> {
    /// The whole ticket the query names, with its version.
    pub fn show(&self, q: &str) -> Result<Shown, AppError> {
        let backend = self.reader();
        let found = backend.find(&query(q)?)?;
        let ticket = backend.ticket_at(&found)?;
        Ok(Shown {
            ticket,
            path: self.shown(&backend.path_at(&found)),
        })
    }
}

impl App {
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
            path: self.shown(&found.dir),
            title: field(keys::TITLE),
            status: field(keys::STATUS),
            id: field(keys::ID),
            slug: field(keys::SLUG),
            item: raw.item,
            thread: raw.thread,
        })
    }

    /// A ticket (or why one did not read) as `list` hands it over.
    fn listed(&self, found: Result<(Located, TicketSummary), Diagnostic>) -> Listed {
        match found {
            Ok((at, summary)) => Listed::Ticket(ListEntry {
                summary,
                path: self.shown(&at.dir),
            }),
            Err(d) => Listed::Skipped(d),
        }
    }

    /// Lists tickets, handing each to `each` as soon as the order allows: in the default order
    /// as they are read (memory stays flat however large the root), in another order once all
    /// are read (skipped tickets first). `each` returns `false` to stop.
    pub fn list(
        &self,
        request: &ListRequest,
        mut each: impl FnMut(Listed) -> bool,
    ) -> Result<ListOutcome, AppError> {
        let unassigned = request.assignee.as_deref() == Some(UNASSIGNED);
        let filter = ListFilter {
            statuses: request.statuses.clone(),
            kind: request.kind.clone(),
            priority: request.priority.clone(),
            label: request.label.clone(),
            assignee: request.assignee.clone().filter(|_| !unassigned),
            action_required: request
                .action_required
                .as_deref()
                .map(ActionRequired::parse),
        };
        let backend = self.reader();
        let claims = match request.claimed {
            Some(_) => self.live_claims()?,
            None => Default::default(),
        };
        let mut listed = 0;
        let mut going = true;
        let mut hand_over = |item: Listed| {
            if let Listed::Ticket(entry) = &item {
                if unassigned && entry.summary.assignee.is_some() {
                    return true;
                }
                if let Some(want) = request.claimed
                    && claims.contains_key(entry.summary.id.as_str()) != want
                {
                    return true;
                }
                listed += 1;
            }
            each(item)
        };
        if request.sort == Sort::Id {
            backend.list_each_with(&filter, request.with_action_required, |found| {
                if going {
                    going = hand_over(self.listed(found));
                }
            })?;
        } else {
            // Every ticket's sort key and location; its summary too while there are at most
            // `HOLD` of them. Past that the summaries are dropped and the tickets read again
            // in order, so memory stays small however many a sorted list prints.
            let mut keyed: Vec<SortKey> = Vec::new();
            let mut held: Option<Vec<Option<TicketSummary>>> = Some(Vec::new());
            let mut skipped = Vec::new();
            backend.list_each_with(&filter, request.with_action_required, |found| match found {
                Ok((at, summary)) => {
                    keyed.push(SortKey::of(&summary, &at, keyed.len()));
                    if let Some(summaries) = &mut held {
                        summaries.push(Some(summary));
                        if summaries.len() > HOLD {
                            held = None;
                        }
                    }
                }
                Err(d) => skipped.push(d),
            })?;
            keyed.sort_by(|a, b| a.cmp(request.sort, b));
            for d in skipped {
                going = going && hand_over(Listed::Skipped(d));
            }
            if let Some(mut summaries) = held {
                for key in keyed {
                    if !going {
                        break;
                    }
                    let Some(summary) = summaries.get_mut(key.read).and_then(Option::take) else {
                        continue;
                    };
                    let at = key.located(backend);
                    going = hand_over(Listed::Ticket(ListEntry {
                        summary,
                        path: self.shown(&at.dir),
                    }));
                }
            } else if going {
                let located = keyed.iter().map(|k| k.located(backend)).collect();
                backend.list_again(located, &filter, request.with_action_required, |found| {
                    if going {
                        going = hand_over(self.listed(found));
                    }
                });
            }
        }
        let hints = if listed == 0 {
            self.case_hints(request)?
        } else {
            Vec::new()
        };
        Ok(ListOutcome { listed, hints })
    }

    /// When a filter matched nothing: the values the tickets of those statuses hold that differ
    /// from a filter's value only by case (`p1` for `P1`). One more pass, only then.
    fn case_hints(&self, request: &ListRequest) -> Result<Vec<FilterHint>, AppError> {
        let asked = [
            ("kind", request.kind.as_deref()),
            ("priority", request.priority.as_deref()),
            ("label", request.label.as_deref()),
            (
                "assignee",
                request.assignee.as_deref().filter(|a| *a != UNASSIGNED),
            ),
        ];
        if asked.iter().all(|(_, v)| v.is_none()) {
            return Ok(Vec::new());
        }
        let mut hints: Vec<FilterHint> = Vec::new();
        let mut note = |field: &'static str, given: &str, held: &str| {
            if held != given
                && held.eq_ignore_ascii_case(given)
                && !hints.iter().any(|h| h.field == field && h.found == held)
            {
                hints.push(FilterHint {
                    field,
                    given: given.to_owned(),
                    found: held.to_owned(),
                });
            }
        };
        let everything = ListFilter {
            statuses: request.statuses.clone(),
            ..ListFilter::default()
        };
        self.reader().list_each(&everything, |found| {
            let Ok((_, t)) = found else { return };
            for (field, given) in asked {
                let Some(given) = given else { continue };
                match field {
                    "kind" => note(field, given, &t.kind),
                    "priority" => note(field, given, &t.priority),
                    "label" => t.labels.iter().for_each(|l| note(field, given, l.as_str())),
                    _ => {
                        if let Some(a) = &t.assignee {
                            note(field, given, a)
                        }
                    }
                }
            }
        })?;
        Ok(hints)
    }
}

/// Sorted lists hold every ticket they read while there are at most this many (about 6 MB
/// of summaries); past it, each ticket's [`SortKey`] and location only.
const HOLD: usize = 4096;

/// What a sorted list keeps of a ticket: what it orders by, where the ticket is, and where
/// it came in the reading order. About 100 bytes, with no allocation beyond the id for most.
#[derive(Clone, Debug)]
struct SortKey {
    updated_at: Timestamp,
    priority: Priority,
    id: Box<str>,
    status_dir: &'static str,
    /// The directory's name when it is not the id (hand-made roots).
    name: Option<Box<str>>,
    read: usize,
}

/// A priority as [`priority_key`] orders it: `P<n>` by number, then any other text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Priority {
    Number(u64),
    Text(Box<str>),
}

impl SortKey {
    fn of(s: &TicketSummary, at: &Located, read: usize) -> Self {
        let priority = match priority_key(&s.priority) {
            (false, n, _) => Priority::Number(n),
            (true, _, text) => Priority::Text(text.into()),
        };
        let name = at.name();
        SortKey {
            updated_at: s.updated_at,
            priority,
            id: s.id.as_str().into(),
            status_dir: at.status_dir,
            name: (name != s.id.as_str()).then(|| name.into()),
            read,
        }
    }

    fn located(&self, backend: &ticket_store_local::LocalTicketBackend) -> Located {
        backend.located(self.status_dir, self.name.as_deref().unwrap_or(&self.id))
    }

    /// How two tickets compare in a sorted list; ties go by id.
    fn cmp(&self, sort: Sort, other: &SortKey) -> Ordering {
        let first = match sort {
            Sort::Id => Ordering::Equal,
            Sort::Updated => other.updated_at.cmp(&self.updated_at),
            Sort::Priority => self.priority.cmp(&other.priority),
        };
        first.then_with(|| self.id.cmp(&other.id))
    }
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
