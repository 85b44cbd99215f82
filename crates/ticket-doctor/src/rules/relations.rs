//! Relations: per ticket, a link to itself, an id listed twice, an inverse kind stored; between
//! tickets, ids that name no ticket and cycles through `depends_on` and `parent`.
//!
//! Per ticket only the id and the edges (with their lines) are kept for the rules between
//! tickets, and the item.md path only for tickets that have edges: memory grows with the number
//! of tickets and edges, never with their text.

use std::path::{Path, PathBuf};

use ticket_domain::{Graph, GraphNode, RelationKind, Relations, TicketId, TicketStatus};
use ticket_format::codec;
use ticket_format::frontmatter::Frontmatter;
use ticket_format::keys;

use crate::code::Code;
use crate::report::Sink;

/// What the rules between tickets need of one ticket.
#[derive(Debug)]
pub(super) struct Edges {
    pub id: TicketId,
    /// (kind, target, line of the kind's key), and where the ticket's item.md is; empty and
    /// `None` for a ticket without edges.
    pub edges: Vec<(RelationKind, TicketId, usize)>,
    pub item: Option<PathBuf>,
}

fn at(path: &Path, line: usize) -> String {
    format!("{}:{line}", path.display())
}

/// The per-ticket rules; returns what the rules between tickets need, when the ticket has an id
/// our reader accepts.
pub(super) fn check(fm: &Frontmatter, path: &Path, sink: &mut Sink) -> Option<Edges> {
    for (key, kind) in keys::INVERSE_KEYS {
        if let Some(e) = fm.entry(key) {
            sink.push(
                Code::RelationInverseStored,
                path,
                Some(e.line),
                format!(
                    "'{key}' is derived from the other tickets' '{}', never stored; readers ignore it: {}",
                    kind.as_str(),
                    at(path, e.line)
                ),
            );
        }
    }
    let id = TicketId::new(fm.value(keys::ID)).ok()?;
    // Lists our reader refuses are reported as `field-invalid`.
    let relations = codec::relations(fm).unwrap_or_default();
    let mut edges = Vec::new();
    for (key, kind) in keys::RELATIONS {
        let line = fm.entry(key).map_or(0, |e| e.line);
        let targets = relations.get(kind);
        for (i, t) in targets.iter().enumerate() {
            if *t == id {
                sink.push(
                    Code::RelationSelf,
                    path,
                    Some(line),
                    format!("{key} names the ticket itself ({t}): {}", at(path, line)),
                );
            } else if targets[..i].contains(t) {
                sink.push(
                    Code::RelationDuplicate,
                    path,
                    Some(line),
                    format!("{key} names {t} more than once: {}", at(path, line)),
                );
            } else {
                edges.push((kind, t.clone(), line));
            }
        }
    }
    let item = (!edges.is_empty()).then(|| path.to_path_buf());
    // Kept for every ticket until the end: no spare capacity.
    edges.shrink_to_fit();
    Some(Edges { id, edges, item })
}

/// The rules between tickets: every edge's target is one of `ids` (every ticket's); no cycle
/// through `depends_on` and `parent`. `tickets` holds the tickets that have edges.
pub(super) fn across(ids: &std::collections::HashSet<&str>, tickets: &[Edges], sink: &mut Sink) {
    // Only a ticket with a `depends_on` or `parent` edge can be on a cycle, so only those are
    // nodes of the graph (a target that is not a node ends a path).
    let structural = |t: &&Edges| t.edges.iter().any(|(kind, _, _)| kind.is_structural());
    let mut graph = Graph::with_capacity(tickets.iter().filter(structural).count());
    for t in tickets.iter().filter(structural) {
        let mut relations = Relations::default();
        for (kind, target, _) in &t.edges {
            relations.get_mut(*kind).push(target.clone());
        }
        graph.insert(GraphNode {
            id: t.id.clone(),
            // Cycles do not depend on status or readiness.
            status: TicketStatus::Open,
            readiness_blocked: false,
            relations,
        });
    }
    for t in tickets {
        let Some(item) = &t.item else { continue };
        for (kind, target, line) in &t.edges {
            if !ids.contains(target.as_str()) {
                sink.push(
                    Code::RelationDangling,
                    item,
                    Some(*line),
                    format!(
                        "{kind} names {target}, which is no ticket: {}",
                        at(item, *line)
                    ),
                );
            }
        }
    }
    let by_id: std::collections::HashMap<&str, &Edges> = tickets
        .iter()
        .rev()
        .filter(structural)
        .map(|t| (t.id.as_str(), t))
        .collect();
    for cycle in graph.cycles() {
        let Some(first) = by_id.get(cycle[0].as_str()) else {
            continue;
        };
        let Some(item) = &first.item else { continue };
        let line = first
            .edges
            .iter()
            .find(|(kind, _, _)| kind.is_structural())
            .map(|(_, _, line)| *line);
        let names: Vec<&str> = cycle.iter().take(10).map(TicketId::as_str).collect();
        let more = cycle.len().saturating_sub(names.len());
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        sink.push(
            Code::RelationCycle,
            item,
            line,
            format!(
                "{} tickets depend on each other through depends_on and parent, so none can be ready: {}{tail}: {}",
                cycle.len(),
                names.join(", "),
                item.display()
            ),
        );
    }
}
