//! thread.md merged as a union of events (docs/format.md, "Merging thread.md").
//!
//! An event's identity is its header's `id` when it has one, else its bytes. The merge keeps the
//! events both sides share at their start as they are, then every other event of either side,
//! each once (or, for events without id, as many times as the sides added it), ordered by time,
//! then id (an event without id sorts by a hash of its bytes), `create` events first. Each
//! event's bytes are kept exactly as written.

use std::collections::HashMap;

use ticket_domain::{EventKind, TicketStatus};

use crate::thread::{header_lines, parse_header};

/// What makes two events the same event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identity {
    /// The header's `id`.
    Id(String),
    /// An event without id: its bytes.
    Bytes(String),
}

/// One event of a thread, as its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventChunk<'a> {
    /// From the header line to the end of the event, without the line break that separates it
    /// from the next event.
    pub bytes: &'a str,
    pub identity: Identity,
    pub kind: String,
    pub at: String,
    /// The header's `status:`.
    pub status: Option<String>,
    /// The id, or 16 hex digits of an FNV-1a hash of the bytes.
    pub order_id: String,
}

/// A merged thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadMerge {
    pub text: String,
    /// The identities of its distinct `create` events: more than one means two tickets were
    /// created with one id on two clones (the caller renames one apart).
    pub creates: Vec<Identity>,
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The text before the first event, and the events.
pub fn split_events(text: &str) -> (&str, Vec<EventChunk<'_>>) {
    let starts: Vec<(usize, &str)> = header_lines(text).map(|h| (h.start, h.text)).collect();
    let preamble = &text[..starts.first().map_or(text.len(), |s| s.0)];
    let mut events = Vec::with_capacity(starts.len());
    for (n, &(start, line)) in starts.iter().enumerate() {
        let end = match starts.get(n + 1) {
            // The line break before the next header separates; a `\r` before it too.
            Some(&(next, _)) => {
                let end = next - 1;
                if text[start..end].ends_with("\r\n\r") {
                    end - 1
                } else {
                    end
                }
            }
            None => text.len(),
        };
        let bytes = &text[start..end.max(start)];
        let header = parse_header(line).ok();
        let id = header.as_ref().and_then(|h| h.id.clone());
        let (kind, at, status) = match &header {
            Some(h) => (h.kind.clone(), h.at.clone(), h.status.clone()),
            None => (String::new(), String::new(), None),
        };
        let order_id = id
            .clone()
            .unwrap_or_else(|| format!("{:016x}", fnv(bytes.as_bytes())));
        let identity = match id {
            Some(id) => Identity::Id(id),
            None => Identity::Bytes(bytes.to_owned()),
        };
        events.push(EventChunk {
            bytes,
            identity,
            kind,
            at,
            status,
            order_id,
        });
    }
    (preamble, events)
}

fn counts<'a>(events: &'a [EventChunk<'a>]) -> HashMap<&'a Identity, usize> {
    let mut out = HashMap::new();
    for e in events {
        *out.entry(&e.identity).or_insert(0) += 1;
    }
    out
}

/// How many times an event is in the merge: once for an event with id; for one without, as
/// many times as the side that has it most often. Bytes are its identity, so the same bytes
/// added on both sides are one event, as git takes the same change made on both sides once;
/// counting them twice would make a merge of a result with itself grow.
fn wanted(identity: &Identity, ours: usize, theirs: usize) -> usize {
    match identity {
        Identity::Id(_) => 1,
        Identity::Bytes(_) => ours.max(theirs),
    }
}

/// Joins event bytes: a CRLF event is followed by `\r\n`, any other by `\n`.
fn join(preamble: &str, events: &[&str]) -> String {
    let mut out =
        String::with_capacity(preamble.len() + events.iter().map(|e| e.len() + 2).sum::<usize>());
    out.push_str(preamble);
    for (n, e) in events.iter().enumerate() {
        if n > 0 {
            out.push_str(if events[n - 1].ends_with("\r\n") {
                "\r\n"
            } else {
                "\n"
            });
        }
        out.push_str(e);
    }
    out
}

/// Merges two sides of a thread against their base (`None`: no common version, as for the two
/// copies a status move on each side leaves). Never fails, never writes a conflict marker. The
/// base only decides the preamble: an append-only log is the union of its two sides.
pub fn merge_threads(base: Option<&str>, ours: &str, theirs: &str) -> ThreadMerge {
    let (pre_o, o) = split_events(ours);
    let (pre_t, t) = split_events(theirs);
    let base_pre = base.map(|b| split_events(b).0);
    let preamble = if pre_o.is_empty() || Some(pre_o) == base_pre && !pre_t.is_empty() {
        pre_t
    } else {
        pre_o
    };
    let (co, ct) = (counts(&o), counts(&t));
    // The events both sides share at their start stay as they are.
    let prefix = o
        .iter()
        .zip(&t)
        .take_while(|(x, y)| x.identity == y.identity)
        .count();
    let mut emitted: HashMap<&Identity, usize> = HashMap::new();
    let mut out: Vec<&str> = Vec::with_capacity(o.len().max(t.len()));
    for e in &o[..prefix] {
        *emitted.entry(&e.identity).or_insert(0) += 1;
        out.push(e.bytes);
    }
    let mut rest: Vec<&EventChunk> = Vec::new();
    for e in o[prefix..].iter().chain(&t[prefix..]) {
        let id = &e.identity;
        let want = wanted(
            id,
            co.get(id).copied().unwrap_or(0),
            ct.get(id).copied().unwrap_or(0),
        );
        let done = emitted.entry(id).or_insert(0);
        if *done < want {
            *done += 1;
            rest.push(e);
        }
    }
    rest.sort_by(|x, y| {
        (
            x.kind != EventKind::Create.as_str(),
            &x.at,
            &x.order_id,
            x.bytes,
        )
            .cmp(&(
                y.kind != EventKind::Create.as_str(),
                &y.at,
                &y.order_id,
                y.bytes,
            ))
    });
    out.extend(rest.iter().map(|e| e.bytes));
    let text = join(preamble, &out);
    let mut creates: Vec<Identity> = split_events(&text)
        .1
        .into_iter()
        .filter(|e| e.kind == EventKind::Create.as_str())
        .map(|e| e.identity)
        .collect();
    creates.dedup();
    ThreadMerge { text, creates }
}

/// The status a thread's events say a ticket has last: the `to` of the last `status` event, or
/// `closed` after a `close`, or `open` after a `create`; `None` when no event says.
pub fn last_status(thread: &str) -> Option<String> {
    split_events(thread)
        .1
        .iter()
        .rev()
        .find_map(|e| match EventKind::parse(&e.kind) {
            EventKind::Status => e.status.clone(),
            EventKind::Close => Some(TicketStatus::Closed.as_str().to_owned()),
            EventKind::Create => Some(TicketStatus::Open.as_str().to_owned()),
            _ => None,
        })
}
