//! What a writer refuses in what it is given, one variant per check, so that a client matches on
//! what failed (`EmptyField { field: Field::Title }`, `NothingToEdit`) and never on the words.
//! Each message reads `invalid <what>: <why>` and says what to do; none names a client's flag.

use std::fmt;

use snafu::Snafu;

use crate::ids::TicketId;
use crate::relation::RelationKind;

/// A value a writer is given by name: the fields of a ticket and the items of its lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Title,
    Kind,
    Priority,
    Assignee,
    LegacyTicket,
    Readiness,
    RiskFlag,
    ActionRequired,
    Reference,
}

impl Field {
    /// How a message names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Kind => "kind",
            Field::Priority => "priority",
            Field::Assignee => "assignee",
            Field::LegacyTicket => "legacy ticket",
            Field::Readiness => "readiness",
            Field::RiskFlag => "risk flag",
            Field::ActionRequired => "action required",
            Field::Reference => "reference",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an empty value is refused: the three a new ticket needs say so in their own words.
fn empty_reason(field: Field) -> String {
    match field {
        Field::Title => "a ticket needs a non-empty title".into(),
        Field::Kind => "the kind must not be empty".into(),
        Field::Priority => "the priority must not be empty".into(),
        other => format!("an empty {other} means nothing"),
    }
}

/// A value or a request a writer refuses before it writes anything (`BackendError::Invalid`).
#[derive(Debug, Snafu)]
#[snafu(visibility(pub))]
pub enum InvalidInput {
    /// A field given empty.
    #[snafu(display("invalid {field}: {}", empty_reason(*field)))]
    EmptyField { field: Field },
    /// A one-line field given a line break or another control character.
    #[snafu(display("invalid {field}: {value:?} holds a line break or another control character"))]
    ControlCharacter { field: Field, value: String },
    /// A key an edit sets or removes by name that would not read back as the same key.
    #[snafu(display(
        "invalid key: `{key}` is not a key: use letters, digits, `_`, `.` and `-`, starting with a letter, digit or `_`"
    ))]
    BadKey { key: String },
    /// A typed field named as a key by name: it has its own edit.
    #[snafu(display(
        "invalid key: `{key}` is a typed field: change it through its own edit, which checks its value"
    ))]
    TypedKey { key: String },
    /// An edit that names no field and no body.
    #[snafu(display("invalid edit: it names no field and no body to change"))]
    NothingToEdit,
    /// An edit whose every value is already the ticket's (never a silent no-op).
    #[snafu(display(
        "invalid edit: it changes nothing: every value given is already the ticket's"
    ))]
    ChangesNothing,
    /// An edit that gives the whole body and a replacement in it.
    #[snafu(display("invalid edit: give the whole body or a replacement in it, not both"))]
    BodyTwice,
    /// A replacement of the empty text.
    #[snafu(display(
        "invalid replacement: the text to replace is empty; give the exact text to replace"
    ))]
    EmptyReplacement,
    /// An event body or a resolution larger than `max` bytes.
    #[snafu(display(
        "invalid body: it is larger than the {max} bytes (1 MiB) an event body or resolution may hold; put large files in the ticket's artifacts/ and refer to them"
    ))]
    BodyTooLarge { max: usize },
    /// A review without approve or request changes.
    #[snafu(display("invalid review: a review needs a verdict: approve or request changes"))]
    NoVerdict,
    /// An event kind that is not one word.
    #[snafu(display(
        "invalid event kind: `{raw}` is not an event kind: use one word of letters, digits, `_`, `.` or `-`"
    ))]
    EventKind { raw: String },
    /// An author that would break an event header.
    #[snafu(display(
        "invalid author: author {author:?} may not contain line breaks, control characters or `-->`"
    ))]
    Author { author: String },
    /// An event reference whose value is empty or holds spaces.
    #[snafu(display(
        "invalid reference: {kind} reference {value:?} must be non-empty and without spaces"
    ))]
    Reference { kind: String, value: String },
    /// The reference kind that carries an event's own identity.
    #[snafu(display(
        "invalid reference kind: `{raw}` is reserved: it carries the event's own identity; use another kind"
    ))]
    ReservedRefKind { raw: String },
    /// A reference kind that is not one word.
    #[snafu(display("invalid reference kind: `{raw}` is not a reference kind: use one word"))]
    RefKind { raw: String },
    /// A label that would not read back as one label.
    #[snafu(display(
        "invalid label: `{label}` is not a label: use a non-empty word without commas, brackets, quotes or control characters"
    ))]
    Label { label: String },
    /// A new ticket whose relations name one target twice under one kind.
    #[snafu(display("invalid relation: {kind} names {target} twice"))]
    RelationTwice {
        kind: RelationKind,
        target: TicketId,
    },
    /// A link from a ticket to itself.
    #[snafu(display("invalid relation: {source_id} cannot have a {kind} link to itself"))]
    SelfRelation {
        source_id: TicketId,
        kind: RelationKind,
    },
    /// A rename to the id the ticket has.
    #[snafu(display("invalid rename: {id} already has that id; give another"))]
    RenameToItself { id: TicketId },
    /// A link that is stored already.
    #[snafu(display("invalid relation: {source_id} already has a {kind} link to {target}"))]
    RelationExists {
        source_id: TicketId,
        kind: RelationKind,
        target: TicketId,
    },
    /// An unlink of a link that is not stored.
    #[snafu(display("invalid relation: {source_id} has no {kind} link to {target}"))]
    NoRelation {
        source_id: TicketId,
        kind: RelationKind,
        target: TicketId,
    },
    /// A lease length that does not read, or is out of bounds (`why` says which).
    #[snafu(display("invalid lease length: `{text}` {why}; write it like 90s, 30m, 2h or 1d"))]
    LeaseLength { text: String, why: &'static str },
    /// A holder's name that is not one short line (`why` says how).
    #[snafu(display(
        "invalid holder: the holder name {holder:?} {why}; name the holder on one short line"
    ))]
    Holder { holder: String, why: &'static str },
    /// A ticket to write whole under a status that has no directory.
    #[snafu(display(
        "invalid status: `{status}` is not open, pending or closed; a ticket is written under one of them"
    ))]
    NoStatusDirectory { status: String },
    /// An artifact name that is not a relative path inside `artifacts/`.
    #[snafu(display(
        "invalid artifact name: `{name}` is not a relative path of ordinary names inside artifacts/"
    ))]
    ArtifactName { name: String },
    /// A ticket id that cannot name a lease record.
    #[snafu(display("invalid ticket id: `{id}` cannot name a lease record"))]
    LeaseKey { id: String },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::port::BackendError;

    fn id(s: &str) -> TicketId {
        TicketId::new(s).expect("an id")
    }

    /// Every variant's message, word for word: clients show them as they are, so a change
    /// here is a change users see.
    #[test]
    fn each_message_reads_as_before() {
        let (a, b) = (id("20260101-000000-a"), id("20260101-000000-b"));
        let cases: Vec<(InvalidInput, &str)> = vec![
            (
                InvalidInput::EmptyField {
                    field: Field::Title,
                },
                "invalid title: a ticket needs a non-empty title",
            ),
            (
                InvalidInput::EmptyField { field: Field::Kind },
                "invalid kind: the kind must not be empty",
            ),
            (
                InvalidInput::EmptyField {
                    field: Field::Priority,
                },
                "invalid priority: the priority must not be empty",
            ),
            (
                InvalidInput::EmptyField {
                    field: Field::LegacyTicket,
                },
                "invalid legacy ticket: an empty legacy ticket means nothing",
            ),
            (
                InvalidInput::ControlCharacter {
                    field: Field::RiskFlag,
                    value: "a\nb".into(),
                },
                "invalid risk flag: \"a\\nb\" holds a line break or another control character",
            ),
            (
                InvalidInput::NothingToEdit,
                "invalid edit: it names no field and no body to change",
            ),
            (
                InvalidInput::ChangesNothing,
                "invalid edit: it changes nothing: every value given is already the ticket's",
            ),
            (
                InvalidInput::RelationTwice {
                    kind: RelationKind::DependsOn,
                    target: b.clone(),
                },
                "invalid relation: depends_on names 20260101-000000-b twice",
            ),
            (
                InvalidInput::SelfRelation {
                    source_id: a.clone(),
                    kind: RelationKind::Parent,
                },
                "invalid relation: 20260101-000000-a cannot have a parent link to itself",
            ),
            (
                InvalidInput::NoRelation {
                    source_id: a,
                    kind: RelationKind::Related,
                    target: b,
                },
                "invalid relation: 20260101-000000-a has no related link to 20260101-000000-b",
            ),
            (
                InvalidInput::LeaseLength {
                    text: "5x".into(),
                    why: "has a unit other than s, m, h or d",
                },
                "invalid lease length: `5x` has a unit other than s, m, h or d; write it like 90s, 30m, 2h or 1d",
            ),
            (
                InvalidInput::BodyTooLarge { max: 1 << 20 },
                "invalid body: it is larger than the 1048576 bytes (1 MiB) an event body or resolution may hold; put large files in the ticket's artifacts/ and refer to them",
            ),
        ];
        for (invalid, want) in cases {
            let shown = BackendError::from(invalid).to_string();
            assert_eq!(shown, want);
            assert!(!shown.contains("--"), "names no flag: {shown}");
        }
    }
}
