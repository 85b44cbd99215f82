//! The documented vocabularies of the values people type: kinds, priorities, comment roles,
//! readiness and who acts next. A value outside them is more often a typo than a new word, so
//! writers refuse it with a did-you-mean unless the caller says the new word is meant.
//!
//! Reading never refuses: files that hold other values (written by hand, by another tool or
//! before a vocabulary existed) read as they always did. Only the values a caller gives to a
//! writer are checked, and only by the use cases that choose to ([`check`]).

use crate::action::ActionRequired;
use crate::meta::Readiness;
use crate::port::BackendError;

/// Kinds of ticket: the default `task` and every kind the real backlogs hold.
pub const KINDS: &[&str] = &["task", "feature", "bug", "audit"];

/// Priorities: `P0` (most urgent) to `P4`; `P2` is the default.
pub const PRIORITIES: &[&str] = &["P0", "P1", "P2", "P3", "P4"];

/// Roles of `comment` (event kinds people append): the four documented ones and the two the
/// real threads also hold. The kinds other writers append (`create`, `review`, `close`,
/// `status`, `edit`) are not roles: an event of theirs written as a comment would claim a change
/// that never happened.
pub const ROLES: &[&str] = &[
    "comment",
    "plan",
    "decision",
    "implementation_report",
    "migration",
    "fix",
];

/// A vocabulary a value can be checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocabulary {
    Kind,
    Priority,
    Role,
    Readiness,
    ActionRequired,
}

impl Vocabulary {
    /// What a value of it is called in messages: `kind`, `priority`, `role`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::Kind => "kind",
            Self::Priority => "priority",
            Self::Role => "role",
            Self::Readiness => "readiness",
            Self::ActionRequired => "action_required",
        }
    }

    /// The values it holds, in the order messages list them.
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Self::Kind => KINDS,
            Self::Priority => PRIORITIES,
            Self::Role => ROLES,
            Self::Readiness => Readiness::VALUES,
            Self::ActionRequired => ActionRequired::VALUES,
        }
    }
}

/// The known value closest to `value`, when one is close enough to be what was meant: the same
/// word in another case, one edit away (two for words of five letters or more; a swap of two
/// neighbours is one edit: `plna` for `plan`, `bgu` for `bug`), or one whose Jaro-Winkler
/// similarity is at least 0.85 (`implementation-report`).
pub fn suggest(vocabulary: Vocabulary, value: &str) -> Option<&'static str> {
    let lower = value.to_lowercase();
    let values = vocabulary.values();
    if let Some(same) = values.iter().find(|v| v.to_lowercase() == lower) {
        return Some(same);
    }
    let allowed = if lower.chars().count() >= 5 { 2 } else { 1 };
    values
        .iter()
        .map(|v| {
            let v_lower = v.to_lowercase();
            let edits = strsim::damerau_levenshtein(&lower, &v_lower);
            let similar = strsim::jaro_winkler(&lower, &v_lower);
            (v, edits, similar)
        })
        .filter(|(_, edits, similar)| *edits <= allowed || *similar >= 0.85)
        .min_by(|a, b| a.1.cmp(&b.1).then(b.2.total_cmp(&a.2)))
        .map(|(v, _, _)| *v)
}

/// Refuses `value` unless it is in `vocabulary` or `allow_new` says a new word is meant; the
/// error names the known values and the closest one.
pub fn check(vocabulary: Vocabulary, value: &str, allow_new: bool) -> Result<(), BackendError> {
    if allow_new || vocabulary.values().contains(&value) {
        return Ok(());
    }
    Err(BackendError::UnknownValue {
        what: vocabulary.name().to_owned(),
        value: value.to_owned(),
        known: vocabulary.values().join(", "),
        suggestion: suggest(vocabulary, value).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_a_suggestion() {
        let cases = [
            (Vocabulary::Role, "plna", Some("plan")),
            (
                Vocabulary::Role,
                "implementation-report",
                Some("implementation_report"),
            ),
            (Vocabulary::Kind, "featrue", Some("feature")),
            (Vocabulary::Kind, "bgu", Some("bug")),
            (Vocabulary::Kind, "Bug", Some("bug")),
            (Vocabulary::Priority, "p1", Some("P1")),
            (Vocabulary::Readiness, "blokced", Some("blocked")),
            (Vocabulary::Kind, "xylophone", None),
        ];
        for (vocabulary, value, want) in cases {
            assert_eq!(suggest(vocabulary, value), want, "{value}");
            let e = check(vocabulary, value, false).expect_err("refused");
            let text = e.to_string();
            assert!(text.contains(value), "{text}");
            if let Some(want) = want {
                assert!(text.contains(&format!("did you mean `{want}`")), "{text}");
            }
            assert!(check(vocabulary, value, true).is_ok(), "allowed when meant");
        }
    }

    #[test]
    fn known_values_pass() {
        for vocabulary in [
            Vocabulary::Kind,
            Vocabulary::Priority,
            Vocabulary::Role,
            Vocabulary::Readiness,
            Vocabulary::ActionRequired,
        ] {
            for value in vocabulary.values() {
                assert!(check(vocabulary, value, false).is_ok(), "{value}");
            }
        }
    }
}
