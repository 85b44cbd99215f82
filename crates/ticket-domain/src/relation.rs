//! Relations between tickets: five kinds of edge, each stored once, on its source ticket.
//!
//! `depends_on` blocks (the source is not ready until the target is resolved), `parent` makes a
//! hierarchy (a ticket with a blocked ancestor is blocked), `related` only links, and
//! `duplicate_of` and `supersedes` say where the work went. The inverses (`blocks`, `children`,
//! `duplicated_by`, `superseded_by`) are derived by readers ([`crate::graph`]), never stored.

use serde::Serialize;

use crate::ids::TicketId;
use crate::invalid::InvalidInput;
use crate::port::BackendError;

/// The kind of a stored edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    DependsOn,
    Parent,
    Related,
    DuplicateOf,
    Supersedes,
}

impl RelationKind {
    /// Every kind, in the order writers emit them and [`Relations`] holds them.
    pub const ALL: [RelationKind; 5] = [
        Self::DependsOn,
        Self::Parent,
        Self::Related,
        Self::DuplicateOf,
        Self::Supersedes,
    ];

    /// The kind's name in messages, events and JSON (`depends_on`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DependsOn => "depends_on",
            Self::Parent => "parent",
            Self::Related => "related",
            Self::DuplicateOf => "duplicate_of",
            Self::Supersedes => "supersedes",
        }
    }

    /// The kind named `name`, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The name of the derived inverse, seen from the target (`blocks`, `children`, ...).
    pub fn inverse_name(self) -> &'static str {
        match self {
            Self::DependsOn => "blocks",
            Self::Parent => "children",
            Self::Related => "related_by",
            Self::DuplicateOf => "duplicated_by",
            Self::Supersedes => "superseded_by",
        }
    }

    /// Whether the kind orders work, so that a cycle through such edges can never be ready:
    /// `depends_on` and `parent`.
    pub fn is_structural(self) -> bool {
        matches!(self, Self::DependsOn | Self::Parent)
    }
}

impl std::fmt::Display for RelationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The edges a ticket stores, one list of target ids per kind, in the order written. Lists read
/// from hand-edited files may repeat an id (the doctor reports it; readers count it once).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub struct Relations {
    pub depends_on: Vec<TicketId>,
    pub parent: Vec<TicketId>,
    pub related: Vec<TicketId>,
    pub duplicate_of: Vec<TicketId>,
    pub supersedes: Vec<TicketId>,
}

impl Relations {
    /// The targets of one kind.
    pub fn get(&self, kind: RelationKind) -> &[TicketId] {
        match kind {
            RelationKind::DependsOn => &self.depends_on,
            RelationKind::Parent => &self.parent,
            RelationKind::Related => &self.related,
            RelationKind::DuplicateOf => &self.duplicate_of,
            RelationKind::Supersedes => &self.supersedes,
        }
    }

    /// The targets of one kind, to change.
    pub fn get_mut(&mut self, kind: RelationKind) -> &mut Vec<TicketId> {
        match kind {
            RelationKind::DependsOn => &mut self.depends_on,
            RelationKind::Parent => &mut self.parent,
            RelationKind::Related => &mut self.related,
            RelationKind::DuplicateOf => &mut self.duplicate_of,
            RelationKind::Supersedes => &mut self.supersedes,
        }
    }

    pub fn is_empty(&self) -> bool {
        RelationKind::ALL.iter().all(|&k| self.get(k).is_empty())
    }

    /// Every stored edge as (kind, target), kinds in [`RelationKind::ALL`] order.
    pub fn edges(&self) -> impl Iterator<Item = (RelationKind, &TicketId)> {
        RelationKind::ALL
            .into_iter()
            .flat_map(move |k| self.get(k).iter().map(move |t| (k, t)))
    }

    /// Whether the edge `kind` to `target` is stored.
    pub fn has(&self, kind: RelationKind, target: &TicketId) -> bool {
        self.get(kind).contains(target)
    }

    /// Adds an edge, refusing one that is already stored (what `link` would add twice).
    pub fn add(
        &mut self,
        source: &TicketId,
        kind: RelationKind,
        target: TicketId,
    ) -> Result<(), BackendError> {
        if &target == source {
            return Err(InvalidInput::SelfRelation {
                source_id: source.clone(),
                kind,
            }
            .into());
        }
        if self.has(kind, &target) {
            return Err(InvalidInput::RelationExists {
                source_id: source.clone(),
                kind,
                target,
            }
            .into());
        }
        self.get_mut(kind).push(target);
        Ok(())
    }

    /// Removes an edge (every copy of it); an edge that is not stored is an error, never a
    /// silent no-op.
    pub fn remove(
        &mut self,
        source: &TicketId,
        kind: RelationKind,
        target: &TicketId,
    ) -> Result<(), BackendError> {
        let list = self.get_mut(kind);
        let before = list.len();
        list.retain(|t| t != target);
        if list.len() == before {
            return Err(InvalidInput::NoRelation {
                source_id: source.clone(),
                kind,
                target: target.clone(),
            }
            .into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> TicketId {
        TicketId::new(s).expect("valid")
    }

    #[test]
    fn kinds_round_trip_their_names() {
        for k in RelationKind::ALL {
            assert_eq!(RelationKind::parse(k.as_str()), Some(k));
            assert_ne!(k.inverse_name(), k.as_str());
        }
        assert_eq!(RelationKind::parse("blocks"), None);
        let structural: Vec<_> = RelationKind::ALL
            .into_iter()
            .filter(|k| k.is_structural())
            .collect();
        assert_eq!(structural, [RelationKind::DependsOn, RelationKind::Parent]);
    }

    /// (stored before, change, Ok(after) or the words the refusal must hold)
    #[test]
    fn add_and_remove_table() {
        let a = id("a");
        type Case = (
            Vec<&'static str>,
            bool,
            &'static str,
            Result<Vec<&'static str>, &'static str>,
        );
        let cases: Vec<Case> = vec![
            (vec![], true, "b", Ok(vec!["b"])),
            (vec!["b"], true, "c", Ok(vec!["b", "c"])),
            (
                vec!["b"],
                true,
                "b",
                Err("already has a depends_on link to b"),
            ),
            (
                vec![],
                true,
                "a",
                Err("cannot have a depends_on link to itself"),
            ),
            (vec!["b", "c"], false, "b", Ok(vec!["c"])),
            (vec!["b", "b"], false, "b", Ok(vec![])),
            (vec!["c"], false, "b", Err("has no depends_on link to b")),
        ];
        for (before, adding, target, want) in cases {
            let mut r = Relations {
                depends_on: before.iter().map(|s| id(s)).collect(),
                ..Relations::default()
            };
            let got = if adding {
                r.add(&a, RelationKind::DependsOn, id(target))
            } else {
                r.remove(&a, RelationKind::DependsOn, &id(target))
            };
            match want {
                Ok(after) => {
                    assert!(got.is_ok(), "{before:?} {adding} {target}: {got:?}");
                    let after: Vec<TicketId> = after.iter().map(|s| id(s)).collect();
                    assert_eq!(r.depends_on, after);
                }
                Err(words) => {
                    let e = got.expect_err("refused").to_string();
                    assert!(e.contains(words), "{e}");
                }
            }
        }
    }
}
