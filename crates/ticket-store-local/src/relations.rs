//! Reading the relation graph: the tickets a read asks for, and every ticket their relations
//! reach, frontmatter only.
//!
//! `ready` needs the open tickets whole (their frontmatter, handed over one at a time) and, of
//! the others, only those an edge points at: a ticket's directory is named by its id, so each
//! target is looked for under that name in the other status directories, in order, and read
//! on demand (as a graph node only), and the targets' own targets after them, until nothing
//! new is named. Only when an id is not found that way (a dangling edge, or a directory
//! renamed by hand) does the read fall back to every ticket's frontmatter, once, so an answer
//! never depends on directory names being right.
//!
//! `--json show` needs every ticket (an inverse can be stored anywhere):
//! `LocalTicketBackend::catalog` (module `catalog`) keeps each ticket in ticket-domain's compact
//! `Catalog`, from a cache checked against every `item.md`'s stamp.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use ticket_domain::{
    BackendError, Diagnostic, GraphNode, GraphRead, ListFilter, TicketId, TicketStatus,
    TicketSummary,
};
use ticket_format::codec;

use crate::backend::{LocalTicketBackend, Located};
use crate::layout::{self, STATUS_DIRS};
use crate::lookup::read_head;
use crate::parallel;
use crate::read::{corrupt, diagnostic};

impl LocalTicketBackend {
    /// The relation graph of the tickets under `whole` (each handed to `each` whole, in list
    /// order, with where it lives, and not kept) and under `nodes` (only what the graph needs
    /// is decoded), plus the tickets `seeds` name, plus every ticket their edges reach,
    /// transitively. Ids that name no ticket stay out of the graph (they are what dangles).
    pub fn relation_graph(
        &self,
        whole: &[TicketStatus],
        nodes: &[TicketStatus],
        seeds: &[TicketId],
        mut each: impl FnMut(Located, &TicketSummary),
    ) -> Result<GraphRead, BackendError> {
        let mut read = GraphRead::default();
        if !whole.is_empty() {
            let filter = ListFilter {
                statuses: whole.to_vec(),
                ..ListFilter::default()
            };
            self.list_each(&filter, |found| match found {
                Ok((at, summary)) => {
                    read.graph.insert(GraphNode::of(&summary));
                    each(at, &summary);
                }
                Err(d) => read.diagnostics.push(d),
            })?;
        }
        for status_dir in STATUS_DIRS {
            if !nodes.iter().any(|s| s.as_str() == status_dir)
                || whole.iter().any(|s| s.as_str() == status_dir)
            {
                continue;
            }
            for found in self.read_nodes(status_dir)? {
                match found {
                    Ok(node) => read.graph.insert(node),
                    Err(d) => read.diagnostics.push(d),
                }
            }
        }
        // Status directories read whole need no probing: what is under them is in the graph.
        // In the others, a target is looked for by its directory name, one status directory
        // after the other (a failed open costs less than holding a listing of every name).
        let probe: Vec<&'static str> = STATUS_DIRS
            .into_iter()
            .filter(|d| !whole.iter().chain(nodes).any(|s| s.as_str() == *d))
            .collect();
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
            let found = self.read_by_name(&probe, &wanted);
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

    /// Each id's ticket found by its directory name in the first of `status_dirs` that has
    /// one, when its frontmatter says that id, read on a few threads. `None` when no directory
    /// is named so (or it names another id); `Err` with a bare node when the directory is there
    /// but its frontmatter does not read.
    #[allow(clippy::type_complexity)]
    fn read_by_name(
        &self,
        status_dirs: &[&'static str],
        ids: &[TicketId],
    ) -> Vec<Option<Result<GraphNode, (GraphNode, Diagnostic)>>> {
        parallel::map_ordered(ids.to_vec(), |id| {
            let (status_dir, item, node) = status_dirs.iter().find_map(|&status_dir| {
                let dir: PathBuf = layout::ticket_dir(self.root(), status_dir, id.as_str());
                let item = layout::item(&dir);
                let node = read_head(&item)
                    .and_then(|fm| codec::graph_node(&fm).map_err(|e| corrupt(&item, e)));
                match node {
                    Err(BackendError::Storage { .. }) if !dir.is_dir() => None,
                    node => Some((status_dir, item, node)),
                }
            })?;
            match node {
                Ok(n) if n.id == id => Some(Ok(n)),
                Ok(_) => None,
                Err(BackendError::Storage { .. }) if !item.exists() => None,
                Err(e) => Some(Err((
                    GraphNode {
                        id,
                        status: TicketStatus::parse(status_dir),
                        readiness_blocked: false,
                        relations: Default::default(),
                    },
                    diagnostic(&e),
                ))),
            }
        })
    }

    /// Every readable ticket as a graph node, by id (the first in list order wins).
    fn every_node(&self) -> Result<HashMap<TicketId, GraphNode>, BackendError> {
        let mut all = HashMap::new();
        for status_dir in STATUS_DIRS {
            for node in self.read_nodes(status_dir)?.into_iter().flatten() {
                all.entry(node.id.clone()).or_insert(node);
            }
        }
        Ok(all)
    }

    /// The graph node of every ticket under one status directory, in list order, read on a few
    /// threads; a diagnostic for each that does not read.
    fn read_nodes(
        &self,
        status_dir: &str,
    ) -> Result<Vec<Result<GraphNode, Diagnostic>>, BackendError> {
        let dirs = self.ticket_dirs(status_dir)?;
        let read = parallel::map_ordered(dirs, |dir| node_at(&dir));
        Ok(read.into_iter().flatten().collect())
    }
}

/// The graph node of the ticket in `dir`, a diagnostic when it does not read, `None` when
/// there is no item.md.
pub(crate) fn node_at(dir: &std::path::Path) -> Option<Result<GraphNode, Diagnostic>> {
    let item = layout::item(dir);
    match read_head(&item) {
        Err(BackendError::Storage { .. }) if !item.exists() => None,
        head => Some(
            head.and_then(|fm| codec::graph_node(&fm).map_err(|e| corrupt(&item, e)))
                .map_err(|e| diagnostic(&e)),
        ),
    }
}
