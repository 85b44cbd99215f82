//! The graph of relations between tickets, and what it says about readiness.
//!
//! A [`Graph`] is built from what readers know of each ticket (id, status, `readiness` and
//! stored [`Relations`]). It derives the inverse kinds, finds cycles through `depends_on` and
//! `parent` (Tarjan's strongly connected components, iterative: a cycle of any length is walked
//! with heap memory, never the call stack), and gives each ticket the [`Reason`]s it is not
//! ready, if any (docs/format.md, "Relations and readiness").
//!
//! Files edited by hand or merged from elsewhere can hold cycles, dangling ids, self links and
//! duplicate edges: none of them makes anything here fail, loop or overflow.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use serde::Serialize;

use crate::ids::TicketId;
use crate::meta::Readiness;
use crate::relation::{RelationKind, Relations};
use crate::status::TicketStatus;
use crate::ticket::TicketSummary;

pub mod catalog;

pub use catalog::Catalog;

/// What the graph needs of one ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphNode {
    pub id: TicketId,
    pub status: TicketStatus,
    /// Whether its `readiness` is `blocked`.
    pub readiness_blocked: bool,
    pub relations: Relations,
}

impl GraphNode {
    pub fn of(summary: &TicketSummary) -> Self {
        Self {
            id: summary.id.clone(),
            status: summary.status.clone(),
            readiness_blocked: summary.meta.readiness == Readiness::Blocked,
            relations: summary.relations.clone(),
        }
    }
}

/// Why a ticket is not ready. Each names the ticket that blocks in `id` when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// Only open tickets can be ready.
    NotOpen { status: TicketStatus },
    /// Its `readiness` says `blocked`.
    ReadinessBlocked,
    /// A `depends_on` target is not resolved: `id` is not closed. With `via`, the dependency is
    /// on `via`, which is closed but redirects to `id` (a duplicate of it, or superseded by it).
    DependsOnOpen {
        id: TicketId,
        status: TicketStatus,
        #[serde(skip_serializing_if = "Option::is_none")]
        via: Option<TicketId>,
    },
    /// A `depends_on` target (or, with `via`, the ticket a closed target redirects to) does not
    /// exist.
    DependsOnMissing {
        id: TicketId,
        #[serde(skip_serializing_if = "Option::is_none")]
        via: Option<TicketId>,
    },
    /// A `parent` does not exist, so no one can say whether it is blocked.
    ParentMissing { id: TicketId },
    /// An ancestor (`id`, the nearest one blocked for reasons of its own) is blocked.
    AncestorBlocked { id: TicketId },
    /// The ticket is on a cycle through `depends_on` and `parent`: `cycle` indexes
    /// [`ReadyReport::cycles`] (`len` tickets), and `id` is the ticket of the cycle it waits for.
    InCycle {
        cycle: usize,
        len: usize,
        id: TicketId,
    },
    /// Someone holds a live lease on it (docs/claims.md); added by readers that know the
    /// leases, never by the graph.
    Claimed {
        holder: String,
        token: u64,
        expires: crate::timestamp::Timestamp,
    },
}

impl Reason {
    /// The reason's stable name in JSON (`depends_on_open`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NotOpen { .. } => "not_open",
            Reason::ReadinessBlocked => "readiness_blocked",
            Reason::DependsOnOpen { .. } => "depends_on_open",
            Reason::DependsOnMissing { .. } => "depends_on_missing",
            Reason::ParentMissing { .. } => "parent_missing",
            Reason::AncestorBlocked { .. } => "ancestor_blocked",
            Reason::InCycle { .. } => "in_cycle",
            Reason::Claimed { .. } => "claimed",
        }
    }

    /// The blocking ticket, when there is one.
    pub fn blocker(&self) -> Option<&TicketId> {
        match self {
            Reason::NotOpen { .. } | Reason::ReadinessBlocked | Reason::Claimed { .. } => None,
            Reason::DependsOnOpen { id, .. }
            | Reason::DependsOnMissing { id, .. }
            | Reason::ParentMissing { id }
            | Reason::AncestorBlocked { id }
            | Reason::InCycle { id, .. } => Some(id),
        }
    }

    /// Whether the reason blocks the ticket's descendants too (every reason but its status).
    fn blocks_children(&self) -> bool {
        !matches!(
            self,
            Reason::NotOpen { .. } | Reason::AncestorBlocked { .. } | Reason::Claimed { .. }
        )
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotOpen { status } => write!(f, "it is {status}, not open"),
            Reason::ReadinessBlocked => f.write_str("its readiness is blocked"),
            Reason::DependsOnOpen {
                id,
                status,
                via: None,
            } => write!(f, "depends on {id}, which is {status}"),
            Reason::DependsOnOpen {
                id,
                status,
                via: Some(via),
            } => write!(
                f,
                "depends on {via}, closed in favour of {id}, which is {status}"
            ),
            Reason::DependsOnMissing { id, via: None } => {
                write!(f, "depends on {id}, which does not exist")
            }
            Reason::DependsOnMissing { id, via: Some(via) } => write!(
                f,
                "depends on {via}, closed in favour of {id}, which does not exist"
            ),
            Reason::ParentMissing { id } => write!(f, "its parent {id} does not exist"),
            Reason::AncestorBlocked { id } => write!(f, "its ancestor {id} is blocked"),
            Reason::Claimed {
                holder, expires, ..
            } => write!(f, "it is claimed by {holder} until {expires}"),
            Reason::InCycle { len, id, .. } => write!(
                f,
                "it is on a cycle of {len} tickets through depends_on and parent (it waits for {id})"
            ),
        }
    }
}

/// The derived inverses of one ticket: who points at it, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Inverses {
    /// Tickets that depend on it.
    pub blocks: Vec<TicketId>,
    /// Tickets whose parent it is.
    pub children: Vec<TicketId>,
    /// Tickets that list it as related.
    pub related_by: Vec<TicketId>,
    /// Tickets that are duplicates of it.
    pub duplicated_by: Vec<TicketId>,
    /// Tickets that supersede it.
    pub superseded_by: Vec<TicketId>,
}

impl Inverses {
    fn get_mut(&mut self, kind: RelationKind) -> &mut Vec<TicketId> {
        match kind {
            RelationKind::DependsOn => &mut self.blocks,
            RelationKind::Parent => &mut self.children,
            RelationKind::Related => &mut self.related_by,
            RelationKind::DuplicateOf => &mut self.duplicated_by,
            RelationKind::Supersedes => &mut self.superseded_by,
        }
    }
}

/// Tickets and their edges. Ids are unique: the first node inserted under an id wins (readers
/// insert in status order, so a ticket a merge left under two statuses counts as the first).
#[derive(Clone, Debug, Default)]
pub struct Graph {
    index: HashMap<TicketId, usize>,
    nodes: Vec<GraphNode>,
}

/// Where a `depends_on` resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resolution {
    Resolved,
    /// The first ticket on the way that is not closed.
    Open(usize),
    /// The first id on the way that names no ticket (an index into the redirect lists).
    Missing(usize, usize),
}

impl Graph {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty graph with room for `n` tickets, for a caller that knows how many it inserts.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            index: HashMap::with_capacity(n),
            nodes: Vec::with_capacity(n),
        }
    }

    /// A graph of these tickets.
    pub fn from_summaries<'a>(summaries: impl IntoIterator<Item = &'a TicketSummary>) -> Self {
        let mut g = Self::new();
        for s in summaries {
            g.insert(GraphNode::of(s));
        }
        g
    }

    /// Adds a ticket; one whose id is already there is ignored (the first wins).
    pub fn insert(&mut self, node: GraphNode) {
        if self.index.contains_key(&node.id) {
            return;
        }
        self.index.insert(node.id.clone(), self.nodes.len());
        self.nodes.push(node);
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    pub fn node(&self, id: &str) -> Option<&GraphNode> {
        self.index.get(id).map(|&i| &self.nodes[i])
    }

    pub fn nodes(&self) -> &[GraphNode] {
        &self.nodes
    }

    /// Every id an edge points at that names no ticket of the graph, sorted, once each: what a
    /// reader that loads tickets on demand reads next (or, when it finds none, what dangles).
    pub fn unknown_targets(&self) -> Vec<TicketId> {
        let mut out: Vec<TicketId> = self
            .nodes
            .iter()
            .flat_map(|n| n.relations.edges())
            .filter(|(_, t)| !self.index.contains_key(*t))
            .map(|(_, t)| t.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Who points at `id`, by kind, each id once, in the order of the graph's nodes.
    pub fn inverses(&self, id: &str) -> Inverses {
        let mut out = Inverses::default();
        for n in &self.nodes {
            for (kind, target) in n.relations.edges() {
                let list = out.get_mut(kind);
                if target.as_str() == id && list.last() != Some(&n.id) {
                    list.push(n.id.clone());
                }
            }
        }
        out
    }

    /// The targets of `depends_on` and `parent` that are in the graph, each once: the edges
    /// cycles are made of.
    fn structural(&self) -> Vec<Vec<usize>> {
        self.nodes
            .iter()
            .map(|n| {
                let mut out: Vec<usize> = n
                    .relations
                    .depends_on
                    .iter()
                    .chain(&n.relations.parent)
                    .filter_map(|t| self.index.get(t).copied())
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            })
            .collect()
    }

    /// A shortest path from `from` to `to` through `depends_on` and `parent` (both ends
    /// included), if there is one. Adding the edge `to -> from` would close exactly this cycle.
    pub fn path(&self, from: &str, to: &str) -> Option<Vec<TicketId>> {
        let (&start, &goal) = (self.index.get(from)?, self.index.get(to)?);
        let adj = self.structural();
        let mut came_from: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut seen = vec![false; self.nodes.len()];
        let mut queue = VecDeque::from([start]);
        seen[start] = true;
        while let Some(v) = queue.pop_front() {
            if v == goal {
                let mut path = vec![self.nodes[v].id.clone()];
                let mut at = v;
                while let Some(prev) = came_from[at] {
                    path.push(self.nodes[prev].id.clone());
                    at = prev;
                }
                path.reverse();
                return Some(path);
            }
            for &w in &adj[v] {
                if !seen[w] {
                    seen[w] = true;
                    came_from[w] = Some(v);
                    queue.push_back(w);
                }
            }
        }
        None
    }

    /// The strongly connected components of `adj`, each emitted after every component it
    /// reaches (so ancestors before their descendants). Iterative Tarjan: the explicit stack
    /// lives on the heap, so a cycle of 10,000 or 1,000,000 tickets cannot overflow.
    fn components(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
        const UNSEEN: usize = usize::MAX;
        let n = adj.len();
        let (mut index, mut low) = (vec![UNSEEN; n], vec![0; n]);
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut out = Vec::new();
        let mut next = 0;
        let mut calls: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if index[root] != UNSEEN {
                continue;
            }
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            calls.push((root, 0));
            while let Some(&mut (v, ref mut edge)) = calls.last_mut() {
                if let Some(&w) = adj[v].get(*edge) {
                    *edge += 1;
                    if index[w] == UNSEEN {
                        index[w] = next;
                        low[w] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(u, _)) = calls.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(component);
                }
            }
        }
        out
    }

    /// Every cycle through `depends_on` and `parent`: the tickets of each strongly connected
    /// component of more than one ticket (or of one that points at itself), sorted by id, the
    /// components sorted by their first id.
    pub fn cycles(&self) -> Vec<Vec<TicketId>> {
        let adj = self.structural();
        self.cycle_components(&adj)
            .into_iter()
            .map(|c| c.into_iter().map(|i| self.nodes[i].id.clone()).collect())
            .collect()
    }

    /// The cyclic components, each sorted by id, sorted by first id, as node indices.
    fn cycle_components(&self, adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
        let mut cycles: Vec<Vec<usize>> = Self::components(adj)
            .into_iter()
            .filter(|c| c.len() > 1 || adj[c[0]].contains(&c[0]))
            .map(|mut c| {
                c.sort_by(|&a, &b| self.nodes[a].id.cmp(&self.nodes[b].id));
                c
            })
            .collect();
        cycles.sort_by(|a, b| self.nodes[a[0]].id.cmp(&self.nodes[b[0]].id));
        cycles
    }

    /// Where each closed ticket's work went: its `duplicate_of` targets (an id each, found or
    /// not) and the tickets that supersede it.
    fn redirects(&self) -> Vec<Vec<Result<usize, TicketId>>> {
        let mut out: Vec<Vec<Result<usize, TicketId>>> = self
            .nodes
            .iter()
            .map(|n| {
                n.relations
                    .duplicate_of
                    .iter()
                    .map(|t| self.index.get(t).copied().ok_or_else(|| t.clone()))
                    .collect()
            })
            .collect();
        for (i, n) in self.nodes.iter().enumerate() {
            for t in &n.relations.supersedes {
                if let Some(&target) = self.index.get(t)
                    && target != i
                {
                    out[target].push(Ok(i));
                }
            }
        }
        out
    }

    /// Whether the dependency on ticket `t` is resolved: `t` is closed, and every ticket its work
    /// went to is resolved in turn; else the first ticket on the way (depth first, in redirect
    /// order) that is not closed or names nothing. Iterative; a cycle of redirects among closed
    /// tickets counts as resolved. Memoised in `memo`, but only answers that did not meet a
    /// ticket still on the way: those depend on where the walk began, so they are worked out
    /// again from each start (else the answer for a ticket would depend on which was asked
    /// first, and a graph of a few tickets would answer otherwise than the whole one).
    fn resolve(
        &self,
        t: usize,
        redirects: &[Vec<Result<usize, TicketId>>],
        memo: &mut [Option<Resolution>],
        on_way: &mut [Option<usize>],
    ) -> Resolution {
        if let Some(r) = memo[t] {
            return r;
        }
        // (node, next redirect to look at, the shallowest depth on the way it met). `on_way`
        // holds each walked ticket's depth while it is walked.
        let mut calls: Vec<(usize, usize, usize)> = vec![(t, 0, usize::MAX)];
        on_way[t] = Some(0);
        // What the last walk to finish answered, and the shallowest depth on the way it met.
        let mut returned: Option<(Resolution, usize)> = None;
        let mut answer = Resolution::Resolved;
        while let Some(&(v, first, low)) = calls.last() {
            let depth = calls.len() - 1;
            let (mut k, mut low) = (first, low);
            // Some(result) when `v` is decided; None when a redirect target was pushed.
            let mut decided = None;
            if let Some((r, child_low)) = returned.take() {
                low = low.min(child_low);
                match r {
                    Resolution::Resolved => k += 1,
                    other => decided = Some(other),
                }
            }
            if decided.is_none() && self.nodes[v].status != TicketStatus::Closed {
                decided = Some(Resolution::Open(v));
            }
            let mut pushed = None;
            while decided.is_none() && pushed.is_none() && k < redirects[v].len() {
                match &redirects[v][k] {
                    Err(_) => decided = Some(Resolution::Missing(v, k)),
                    Ok(w) => match (memo[*w], on_way[*w]) {
                        (Some(Resolution::Resolved), _) => k += 1,
                        (Some(other), _) => decided = Some(other),
                        // A redirect back onto the way here: a cycle among closed tickets.
                        (None, Some(at)) => {
                            low = low.min(at);
                            k += 1;
                        }
                        (None, None) => pushed = Some(*w),
                    },
                }
            }
            if let Some(w) = pushed {
                if let Some(top) = calls.last_mut() {
                    *top = (v, k, low);
                }
                on_way[w] = Some(depth + 1);
                calls.push((w, 0, usize::MAX));
                continue;
            }
            let r = decided.unwrap_or(Resolution::Resolved);
            // An answer that met only tickets walked from `v` is `v`'s from any start.
            if low >= depth {
                memo[v] = Some(r);
            }
            on_way[v] = None;
            calls.pop();
            returned = Some((r, low));
            answer = r;
        }
        answer
    }

    /// Why each ticket is not ready (docs/format.md, "Relations and readiness").
    pub fn readiness(&self) -> ReadyReport<'_> {
        let n = self.nodes.len();
        let adj = self.structural();
        let cycles = self.cycle_components(&adj);
        let mut cycle_of: Vec<Option<usize>> = vec![None; n];
        for (c, members) in cycles.iter().enumerate() {
            for &m in members {
                cycle_of[m] = Some(c);
            }
        }
        let redirects = self.redirects();
        let mut memo: Vec<Option<Resolution>> = vec![None; n];
        let mut on_way = vec![None; n];
        let mut reasons: Vec<Vec<Reason>> = vec![Vec::new(); n];
        // The nearest blocked ancestor-or-self each ticket passes on to its children.
        let mut passes: Vec<Option<usize>> = vec![None; n];
        for component in Self::components(&adj) {
            for &v in &component {
                let node = &self.nodes[v];
                let mut out = Vec::new();
                if node.status != TicketStatus::Open {
                    out.push(Reason::NotOpen {
                        status: node.status.clone(),
                    });
                }
                if node.readiness_blocked {
                    out.push(Reason::ReadinessBlocked);
                }
                if let Some(c) = cycle_of[v] {
                    let next = adj[v]
                        .iter()
                        .copied()
                        .find(|w| cycle_of[*w] == Some(c))
                        .unwrap_or(v);
                    out.push(Reason::InCycle {
                        cycle: c,
                        len: cycles[c].len(),
                        id: self.nodes[next].id.clone(),
                    });
                }
                let mut seen_deps: Vec<&TicketId> = Vec::new();
                for t in &node.relations.depends_on {
                    if seen_deps.contains(&t) {
                        continue;
                    }
                    seen_deps.push(t);
                    let Some(&target) = self.index.get(t) else {
                        out.push(Reason::DependsOnMissing {
                            id: t.clone(),
                            via: None,
                        });
                        continue;
                    };
                    let via = |at: usize| (at != target).then(|| t.clone());
                    match self.resolve(target, &redirects, &mut memo, &mut on_way) {
                        Resolution::Resolved => {}
                        Resolution::Open(at) => out.push(Reason::DependsOnOpen {
                            id: self.nodes[at].id.clone(),
                            status: self.nodes[at].status.clone(),
                            via: via(at),
                        }),
                        Resolution::Missing(at, step) => {
                            let id = match &redirects[at][step] {
                                Err(id) => id.clone(),
                                Ok(w) => self.nodes[*w].id.clone(),
                            };
                            out.push(Reason::DependsOnMissing {
                                id,
                                via: Some(t.clone()),
                            });
                        }
                    }
                }
                let mut ancestors: Vec<usize> = Vec::new();
                for p in &node.relations.parent {
                    match self.index.get(p) {
                        None => {
                            let reason = Reason::ParentMissing { id: p.clone() };
                            if !out.contains(&reason) {
                                out.push(reason);
                            }
                        }
                        // A parent on the same cycle is reported as the cycle.
                        Some(&q) if cycle_of[q].is_some() && cycle_of[q] == cycle_of[v] => {}
                        Some(&q) => {
                            if let Some(b) = passes[q]
                                && !ancestors.contains(&b)
                            {
                                ancestors.push(b);
                            }
                        }
                    }
                }
                out.extend(ancestors.iter().map(|&b| Reason::AncestorBlocked {
                    id: self.nodes[b].id.clone(),
                }));
                let own =
                    node.status != TicketStatus::Closed && out.iter().any(Reason::blocks_children);
                passes[v] = if own {
                    Some(v)
                } else {
                    ancestors.first().copied()
                };
                reasons[v] = out;
            }
        }
        ReadyReport {
            graph: self,
            reasons,
            cycles: cycles
                .into_iter()
                .map(|c| c.into_iter().map(|i| self.nodes[i].id.clone()).collect())
                .collect(),
        }
    }
}

/// What [`Graph::readiness`] found: the reasons of each ticket, and the cycles.
#[derive(Clone, Debug)]
pub struct ReadyReport<'g> {
    graph: &'g Graph,
    reasons: Vec<Vec<Reason>>,
    /// Every cycle through `depends_on` and `parent`, as [`Graph::cycles`] gives them.
    pub cycles: Vec<Vec<TicketId>>,
}

impl ReadyReport<'_> {
    /// Why the ticket `id` is not ready: empty when it is ready; `None` when the graph does not
    /// hold it.
    pub fn reasons(&self, id: &str) -> Option<&[Reason]> {
        self.graph
            .index
            .get(id)
            .map(|&i| self.reasons[i].as_slice())
    }

    /// Whether `id` is in the graph and ready.
    pub fn is_ready(&self, id: &str) -> bool {
        self.reasons(id).is_some_and(<[Reason]>::is_empty)
    }
}

#[cfg(test)]
mod tests;
