//! Every ticket of a root as the graph knows it, compactly, and what one ticket's neighbourhood
//! says about it (`--json show`: who points at it, and why it is not ready).
//!
//! The answer for one ticket depends on few others: the tickets pointing at it (its inverses),
//! the tickets its `depends_on` and `parent` edges reach (its dependencies, ancestors and any
//! cycle through it), and, for each closed one among those, where its work went (its
//! `duplicate_of` targets and the tickets that supersede it). [`Catalog::derive`] builds a
//! [`Graph`] of those only, in the catalog's order, so that it says of the ticket exactly what
//! a graph of every ticket would, without the readiness of every ticket being computed. A
//! ticket without edges costs its status and its id's entry in the index; only tickets with
//! edges keep their relations.

use std::collections::{HashMap, HashSet};

use super::{Graph, GraphNode, Inverses, Reason};
use crate::ids::TicketId;
use crate::relation::Relations;
use crate::status::TicketStatus;

/// What the catalog keeps of a ticket.
#[derive(Clone, Debug)]
enum Entry {
    /// A ticket without edges: what a ticket pointing at it needs to know.
    Bare {
        status: TicketStatus,
        readiness_blocked: bool,
    },
    Linked(Box<GraphNode>),
}

/// Every ticket inserted, by id, in insertion order; the first inserted under an id wins, as in
/// a [`Graph`].
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    index: HashMap<TicketId, usize>,
    entries: Vec<Entry>,
}

impl Catalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty catalog with room for `n` tickets.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            index: HashMap::with_capacity(n),
            entries: Vec::with_capacity(n),
        }
    }

    /// Adds a ticket; one whose id is already there is ignored (the first wins).
    pub fn insert(&mut self, node: GraphNode) {
        let at = self.entries.len();
        if node.relations.is_empty() {
            // One hash of the id, which the index keeps.
            if let std::collections::hash_map::Entry::Vacant(v) = self.index.entry(node.id) {
                v.insert(at);
                self.entries.push(Entry::Bare {
                    status: node.status,
                    readiness_blocked: node.readiness_blocked,
                });
            }
            return;
        }
        if let std::collections::hash_map::Entry::Vacant(v) = self.index.entry(node.id.clone()) {
            v.insert(at);
            self.entries.push(Entry::Linked(Box::new(node)));
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The graph node of entry `at`, known by `id`.
    fn node(&self, at: usize, id: &TicketId) -> GraphNode {
        match &self.entries[at] {
            Entry::Bare {
                status,
                readiness_blocked,
            } => GraphNode {
                id: id.clone(),
                status: status.clone(),
                readiness_blocked: *readiness_blocked,
                relations: Relations::default(),
            },
            Entry::Linked(node) => (**node).clone(),
        }
    }

    fn linked(&self) -> impl Iterator<Item = (usize, &GraphNode)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Entry::Linked(node) => Some((i, &**node)),
                Entry::Bare { .. } => None,
            })
    }

    /// The graph around `id`, in catalog order: `id`, every ticket with an edge to it, and
    /// every ticket its readiness depends on (reached through `depends_on` and `parent`, and
    /// from each closed ticket reached, through `duplicate_of` and the tickets superseding
    /// it). Each ticket's own answer in it is the one a graph of the whole catalog gives,
    /// except the number of a cycle ([`Reason::InCycle`]'s `cycle`), which counts the cycles
    /// of the smaller graph; [`derive`](Self::derive) corrects it.
    pub fn around(&self, id: &str) -> Graph {
        let Some((start_id, &start)) = self.index.get_key_value(id) else {
            return Graph::new();
        };
        // Who supersedes each ticket, in catalog order; and what is kept, by entry.
        let mut superseders: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut kept: HashMap<usize, TicketId> = HashMap::new();
        for (i, node) in self.linked() {
            for t in &node.relations.supersedes {
                superseders.entry(t.as_str()).or_default().push(i);
            }
            if node.relations.edges().any(|(_, t)| t.as_str() == id) {
                kept.insert(i, node.id.clone());
            }
        }
        kept.insert(start, start_id.clone());
        let mut expanded: HashSet<usize> = HashSet::from([start]);
        let mut stack = vec![start];
        let none = Relations::default();
        while let Some(v) = stack.pop() {
            let (status, r) = match &self.entries[v] {
                Entry::Bare { status, .. } => (status, &none),
                Entry::Linked(node) => (&node.status, &node.relations),
            };
            let closed = *status == TicketStatus::Closed;
            let mut next: Vec<(usize, TicketId)> = r
                .depends_on
                .iter()
                .chain(&r.parent)
                .chain(r.duplicate_of.iter().filter(|_| closed))
                .filter_map(|t| self.index.get(t).map(|&w| (w, t.clone())))
                .collect();
            if closed && let Some(by) = kept.get(&v).and_then(|t| superseders.get(t.as_str())) {
                next.extend(by.iter().filter_map(|&w| match &self.entries[w] {
                    Entry::Linked(s) => Some((w, s.id.clone())),
                    Entry::Bare { .. } => None,
                }));
            }
            for (w, t) in next {
                kept.entry(w).or_insert(t);
                if expanded.insert(w) {
                    stack.push(w);
                }
            }
        }
        let mut order: Vec<(usize, TicketId)> = kept.into_iter().collect();
        order.sort_unstable_by_key(|(i, _)| *i);
        let mut graph = Graph::with_capacity(order.len());
        for (i, t) in order {
            graph.insert(self.node(i, &t));
        }
        graph
    }

    /// Every cycle through `depends_on` and `parent` in the catalog, as [`Graph::cycles`]
    /// gives them (only tickets with edges can be on one).
    pub fn cycles(&self) -> Vec<Vec<TicketId>> {
        let mut graph = Graph::new();
        for (_, node) in self.linked() {
            let r = &node.relations;
            if r.depends_on.is_empty() && r.parent.is_empty() {
                continue;
            }
            graph.insert(GraphNode {
                id: node.id.clone(),
                status: node.status.clone(),
                readiness_blocked: node.readiness_blocked,
                relations: Relations {
                    depends_on: r.depends_on.clone(),
                    parent: r.parent.clone(),
                    ..Relations::default()
                },
            });
        }
        graph.cycles()
    }

    /// What the other tickets say about `id`: who points at it, and why it is not ready
    /// (`None` when the catalog does not hold it), as a graph of every ticket would say.
    pub fn derive(&self, id: &str) -> (Inverses, Option<Vec<Reason>>) {
        let graph = self.around(id);
        let report = graph.readiness();
        let mut reasons = report.reasons(id).map(<[Reason]>::to_vec);
        if let Some(reasons) = &mut reasons
            && reasons.iter().any(|r| matches!(r, Reason::InCycle { .. }))
        {
            let all = self.cycles();
            let at = all.iter().position(|c| c.iter().any(|t| t.as_str() == id));
            for r in reasons.iter_mut() {
                if let (Reason::InCycle { cycle, .. }, Some(at)) = (r, at) {
                    *cycle = at;
                }
            }
        }
        (graph.inverses(id), reasons)
    }
}
