//! Every frontmatter key name of the format, and which field each typed key holds. The rest of
//! the workspace names keys through these constants, never by spelling them.

use ticket_domain::{RefList, RelationKind};

pub const ID: &str = "id";
pub const SLUG: &str = "slug";
pub const TITLE: &str = "title";
pub const STATUS: &str = "status";
pub const KIND: &str = "kind";
pub const PRIORITY: &str = "priority";
pub const LABELS: &str = "labels";
pub const CREATED_AT: &str = "created_at";
pub const UPDATED_AT: &str = "updated_at";
pub const ASSIGNEE: &str = "assignee";
pub const LEGACY_TICKET: &str = "legacy_ticket";

/// The format's eleven keys, in the order writers emit them.
pub const REQUIRED_KEYS: [&str; 11] = [
    ID,
    SLUG,
    TITLE,
    STATUS,
    KIND,
    PRIORITY,
    LABELS,
    CREATED_AT,
    UPDATED_AT,
    ASSIGNEE,
    LEGACY_TICKET,
];

// The typed optional keys of docs/format.md, "Typed optional keys" (`WorkMeta`).
pub const READINESS: &str = "readiness";
pub const NEEDS_PREFLIGHT: &str = "needs_preflight";
pub const RISK_FLAGS: &str = "risk_flags";
pub const ACTION_REQUIRED: &str = "action_required";
pub const REFS_FILES: &str = "refs_files";
pub const REFS_BRANCHES: &str = "refs_branches";
pub const REFS_COMMITS: &str = "refs_commits";
pub const REFS_PODS: &str = "refs_pods";
pub const REFS_ARTIFACTS: &str = "refs_artifacts";
pub const REFS_URLS: &str = "refs_urls";

/// The key of each list of `Refs`, in the order writers emit them.
pub const REFS: [(&str, RefList); 6] = [
    (REFS_FILES, RefList::Files),
    (REFS_BRANCHES, RefList::Branches),
    (REFS_COMMITS, RefList::Commits),
    (REFS_PODS, RefList::Pods),
    (REFS_ARTIFACTS, RefList::Artifacts),
    (REFS_URLS, RefList::Urls),
];

/// The keys of the typed fields (`WorkMeta`), in the order writers emit them; writers never emit
/// one at its default.
pub const TYPED_KEYS: [&str; 10] = [
    READINESS,
    NEEDS_PREFLIGHT,
    RISK_FLAGS,
    ACTION_REQUIRED,
    REFS_FILES,
    REFS_BRANCHES,
    REFS_COMMITS,
    REFS_PODS,
    REFS_ARTIFACTS,
    REFS_URLS,
];

// The relation keys of docs/format.md, "Relations": each a flow list of ticket ids, stored on
// the edge's source ticket.
pub const DEPENDS_ON: &str = "depends_on";
pub const PARENT: &str = "parent";
pub const RELATED: &str = "related";
pub const DUPLICATE_OF: &str = "duplicate_of";
pub const SUPERSEDES: &str = "supersedes";

/// The key of each relation kind, in the order writers emit them (after the typed keys); writers
/// never emit an empty one.
pub const RELATIONS: [(&str, RelationKind); 5] = [
    (DEPENDS_ON, RelationKind::DependsOn),
    (PARENT, RelationKind::Parent),
    (RELATED, RelationKind::Related),
    (DUPLICATE_OF, RelationKind::DuplicateOf),
    (SUPERSEDES, RelationKind::Supersedes),
];

/// The key of a relation kind.
pub fn relation(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::DependsOn => DEPENDS_ON,
        RelationKind::Parent => PARENT,
        RelationKind::Related => RELATED,
        RelationKind::DuplicateOf => DUPLICATE_OF,
        RelationKind::Supersedes => SUPERSEDES,
    }
}

/// Names of the derived inverse kinds (`blocks`, `children`, ...), with the kind each inverts.
/// They are never stored: a file holding one is kept as it is (an unknown key) and reported by
/// the doctor, since readers derive them and ignore what a file says.
pub const INVERSE_KEYS: [(&str, RelationKind); 5] = [
    ("blocks", RelationKind::DependsOn),
    ("children", RelationKind::Parent),
    ("related_by", RelationKind::Related),
    ("duplicated_by", RelationKind::DuplicateOf),
    ("superseded_by", RelationKind::Supersedes),
];

/// What begins every namespaced key: frontmatter keys that keep another tracker's fields, which
/// have no home among ours (docs/formats.md). Unknown to every reader, they survive every write.
pub const FOREIGN_PREFIX: &str = "x_";

/// The namespaced key of another tracker's field: `x_<tracker>_<field>` (`x_orchestr8_status`).
/// Thread events carry such fields as references of the same kind (`refs: x_orchestr8_time=...`).
pub fn foreign(tracker: &str, field: &str) -> String {
    format!("{FOREIGN_PREFIX}{tracker}_{field}")
}

/// Whether the format gives `key` a meaning (a required, typed or relation key). Other keys are
/// kept, with their bytes and position, on every rewrite.
pub fn is_known(key: &str) -> bool {
    REQUIRED_KEYS.contains(&key)
        || TYPED_KEYS.contains(&key)
        || RELATIONS.iter().any(|&(k, _)| k == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ref_list_has_one_key_in_typed_order() {
        let lists: Vec<RefList> = REFS.iter().map(|&(_, list)| list).collect();
        assert_eq!(lists, RefList::ALL);
        let keys: Vec<&str> = REFS.iter().map(|&(key, _)| key).collect();
        assert_eq!(keys, TYPED_KEYS[4..]);
    }

    #[test]
    fn every_relation_kind_has_one_key_and_one_inverse() {
        let kinds: Vec<RelationKind> = RELATIONS.iter().map(|&(_, k)| k).collect();
        assert_eq!(kinds, RelationKind::ALL);
        for (key, kind) in RELATIONS {
            assert_eq!(key, kind.as_str());
            assert_eq!(relation(kind), key);
            assert!(is_known(key));
        }
        for (key, kind) in INVERSE_KEYS {
            assert_eq!(key, kind.inverse_name());
            assert!(!is_known(key), "{key} is derived, never stored");
        }
    }
}
