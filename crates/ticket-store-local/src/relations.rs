//! Reading the relation graph: the tickets a read asks for, and every ticket their relations
//! reach, frontmatter only.
//!
//! `ready` needs the open and pending tickets whole (their frontmatter) and, of the closed ones,
//! only those an edge points at: a ticket's directory is named by its id, so each target is
//! found with a `stat` per status directory and read on demand, and the targets' own targets
//! after them, until nothing new is named. Only when an id is not found that way (a dangling
//! edge, or a directory renamed by hand) does the read fall back to every ticket's frontmatter,
//! once, so an answer never depends on directory names being right.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use ticket_domain::{
    BackendError, Diagnostic, Graph, GraphNode, ListFilter, TicketId, TicketStatus, TicketSummary,
};
use ticket_format::codec;

use crate::backend::{LocalTicketBackend, Located};
use crate::layout::{self, STATUS_DIRS};
use crate::lookup::read_head;
use crate::parallel;
use crate::read::{corrupt, diagnostic};

/// What [`LocalTicketBackend::relation_graph`] read.
#[derive(Clone, Debug, Default)]
pub struct GraphRead {
    /// Every ticket read: those asked for, and every ticket their edges reach, transitively.
    pub graph: Graph,
    /// The tickets of the statuses asked for, in list order, with where they live.
    pub tickets: Vec<(Located, TicketSummary)>,
    /// Tickets that did not read (they are left out, or, when an edge names one, counted as
    /// existing with no edges of their own).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether an id was not found by directory name, so every ticket's frontmatter was read.
    pub scanned_all: bool,
}

impl LocalTicketBackend {
    /// The relation graph of the tickets under `statuses` (all of them when `all`), plus the
    /// tickets `seeds` name, plus every ticket their edges reach, transitively. Ids that name no
    /// ticket stay out of the graph (they are what dangles).
    pub fn relation_graph(
        &self,
        statuses: &[TicketStatus],
        seeds: &[TicketId],
    ) -> Result<GraphRead, BackendError> {
        let mut read = GraphRead::default();
        if !statuses.is_empty() {
            let filter = ListFilter {
                statuses: statuses.to_vec(),
                ..ListFilter::default()
            };
            self.list_each(&filter, |found| match found {
                Ok((at, summary)) => {
                    read.graph.insert(GraphNode::of(&summary));
                    read.tickets.push((at, summary));
                }
                Err(d) => read.diagnostics.push(d),
            })?;
        }
        let mut tried: HashSet<TicketId> = HashSet::new();
        let mut everything: Option<HashMap<TicketId, GraphNode>> = None;
        // Ids to look for next: the seeds, the edges of what was read so far, then the edges of
        // each ticket read on demand (never the whole graph again: a chain of 10,000 tickets
        // is read in 10,000 small steps, not 10,000 passes over the graph).
        let mut frontier: Vec<TicketId> = seeds.to_vec();
        frontier.extend(read.graph.unknown_targets());
        loop {
            let mut wanted: Vec<TicketId> = frontier
                .drain(..)
                .filter(|id| !read.graph.contains(id.as_str()) && !tried.contains(id))
                .collect();
            wanted.sort();
            wanted.dedup();
            if wanted.is_empty() {
                break;
            }
            tried.extend(wanted.iter().cloned());
            let mut insert = |read: &mut GraphRead, node: GraphNode| {
                frontier.extend(node.relations.edges().map(|(_, t)| t.clone()));
                read.graph.insert(node);
            };
            if let Some(all) = &everything {
                for id in &wanted {
                    if let Some(node) = all.get(id) {
                        insert(&mut read, node.clone());
                    }
                }
                continue;
            }
            let found = self.read_by_name(&wanted);
            let mut lost = Vec::new();
            for (id, outcome) in wanted.into_iter().zip(found) {
                match outcome {
                    Some(Ok(node)) => insert(&mut read, node),
                    Some(Err((node, d))) => {
                        insert(&mut read, node);
                        read.diagnostics.push(d);
                    }
                    None => lost.push(id),
                }
            }
            if !lost.is_empty() {
                let all = self.every_node()?;
                for id in &lost {
                    if let Some(node) = all.get(id) {
                        insert(&mut read, node.clone());
                    }
                }
                everything = Some(all);
                read.scanned_all = true;
            }
        }
        Ok(read)
    }

    /// Each id's ticket found by its directory name (the first status directory holding
    /// `<id>/item.md` whose frontmatter says that id), read on a few threads. `None` when no
    /// directory is named so; `Err` with a bare node when the directory is there but its
    /// frontmatter does not read.
    #[allow(clippy::type_complexity)]
    fn read_by_name(
        &self,
        ids: &[TicketId],
    ) -> Vec<Option<Result<GraphNode, (GraphNode, Diagnostic)>>> {
        parallel::map_ordered(ids.to_vec(), |id| {
            for status_dir in STATUS_DIRS {
                let dir: PathBuf = layout::ticket_dir(self.root(), status_dir, id.as_str());
                let item = layout::item(&dir);
                if !item.is_file() {
                    continue;
                }
                let summary = read_head(&item)
                    .and_then(|fm| codec::summary(&fm).map_err(|e| corrupt(&item, e)));
                return match summary {
                    Ok(s) if s.id == id => Some(Ok(GraphNode::of(&s))),
                    Ok(_) => continue,
                    Err(e) => Some(Err((
                        GraphNode {
                            id,
                            status: TicketStatus::parse(status_dir),
                            readiness_blocked: false,
                            relations: Default::default(),
                        },
                        diagnostic(&e),
                    ))),
                };
            }
            None
        })
    }

    /// Every readable ticket as a graph node, by id (the first in list order wins).
    fn every_node(&self) -> Result<HashMap<TicketId, GraphNode>, BackendError> {
        let mut all = HashMap::new();
        self.list_each(&ListFilter::default(), |found| {
            if let Ok((_, s)) = found {
                all.entry(s.id.clone()).or_insert_with(|| GraphNode::of(&s));
            }
        })?;
        Ok(all)
    }
}
