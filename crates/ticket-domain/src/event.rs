//! Thread events: what happened to a ticket, by whom and when.

use serde::Serialize;

use crate::invalid::InvalidInput;
use crate::port::BackendError;
use crate::ticket::MarkdownText;
use crate::timestamp::Timestamp;
use crate::vocab::open_vocabulary;

open_vocabulary! {
    /// The kind of a thread event. Real threads also hold `migration` and `fix`: kept as `Other`.
    pub enum EventKind {
        Create = "create",
        Comment = "comment",
        Plan = "plan",
        Decision = "decision",
        ImplementationReport = "implementation_report",
        Review = "review",
        Close = "close",
        Link = "link",
        Unlink = "unlink",
        /// A move between statuses: from, to and why (`crate::record::StatusRecord`).
        Status = "status",
        /// Fields or the body changed: each one's old and new value (`crate::record::EditRecord`).
        Edit = "edit",
        /// A lease taken: holder, token, expiry (`crate::claim::ClaimRecord`).
        Claim = "claim",
        /// A lease given back: holder and token (`crate::claim::ClaimRecord`).
        Release = "release",
        /// The ticket's id changed (a merge renamed it apart from another with its id): from, to
        /// and why.
        Rename = "rename",
    }
}

impl EventKind {
    /// The heading writers put under the event header (reviews depend on their verdict).
    pub fn heading(&self, verdict: &ReviewVerdict) -> String {
        match self {
            Self::Create => "Created".into(),
            Self::Comment => "Comment".into(),
            Self::Plan => "Plan".into(),
            Self::Decision => "Decision".into(),
            Self::ImplementationReport => "Implementation report".into(),
            Self::Close => "Closed".into(),
            Self::Link => "Link".into(),
            Self::Unlink => "Unlink".into(),
            Self::Status => "Status".into(),
            Self::Edit => "Edited".into(),
            Self::Claim => "Claimed".into(),
            Self::Release => "Released".into(),
            Self::Rename => "Renamed".into(),
            Self::Review => match verdict {
                ReviewVerdict::Approve => "Review: approve".into(),
                ReviewVerdict::RequestChanges => "Review: request changes".into(),
                ReviewVerdict::None => "Review".into(),
                ReviewVerdict::Other(raw) => format!("Review: {raw}"),
            },
            Self::Other(raw) => raw.clone(),
        }
    }

    /// A kind writers accept: one word of `A-Za-z0-9_.-`.
    pub fn validate(&self) -> Result<(), BackendError> {
        let raw = self.as_str();
        let ok = !raw.is_empty()
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if ok {
            Ok(())
        } else {
            Err(InvalidInput::EventKind {
                raw: raw.to_owned(),
            }
            .into())
        }
    }
}

open_vocabulary! {
    /// A review's verdict, from the `status:` of its header. `none` is a review without one.
    pub enum ReviewVerdict {
        Approve = "approve",
        RequestChanges = "request_changes",
        None = "none",
    }
}

open_vocabulary! {
    /// What an event reference points at.
    pub enum RefKind {
        File = "file",
        Branch = "branch",
        Commit = "commit",
        Pod = "pod",
        Artifact = "artifact",
        Url = "url",
        Ticket = "ticket",
    }
}

/// A reference an event carries: `commit` `abc123`, `url` `https://...`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
pub struct EventRef {
    pub kind: RefKind,
    pub value: String,
}

/// One event of a ticket's thread, as read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketEvent {
    pub kind: EventKind,
    pub author: String,
    pub at: Timestamp,
    /// The raw `status:` of the header: a review verdict, `closed` for a close.
    pub status: Option<String>,
    /// The heading under the header (`Comment`, `Migrated`, ...), when there is one.
    pub heading: Option<String>,
    pub body: MarkdownText,
    pub refs: Vec<EventRef>,
}

impl TicketEvent {
    /// The verdict of a review; `None` for other kinds.
    pub fn verdict(&self) -> Option<ReviewVerdict> {
        (self.kind == EventKind::Review).then(|| match &self.status {
            Some(raw) => ReviewVerdict::parse(raw),
            None => ReviewVerdict::None,
        })
    }
}

/// An event to append: its kind, author, body and references. Time comes from the clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    pub kind: EventKind,
    pub author: String,
    pub body: MarkdownText,
    pub refs: Vec<EventRef>,
}

impl NewEvent {
    pub fn new(kind: EventKind, author: impl Into<String>, body: impl Into<MarkdownText>) -> Self {
        Self {
            kind,
            author: author.into(),
            body: body.into(),
            refs: Vec::new(),
        }
    }
}

impl From<String> for MarkdownText {
    fn from(text: String) -> Self {
        Self(text)
    }
}

/// Checks an author name: any non-empty text (spaces included) without control characters or `-->`.
pub fn check_author(author: &str) -> Result<(), BackendError> {
    if author.is_empty() || author.chars().any(char::is_control) || author.contains("-->") {
        return Err(InvalidInput::Author {
            author: author.to_owned(),
        }
        .into());
    }
    Ok(())
}

/// The reference kind an event's identity is written under (docs/format.md, "Event ids"): no
/// reference of the user's may take it.
pub const RESERVED_REF_KIND: &str = "id";

/// Checks a reference value: non-empty, no whitespace or control characters.
pub fn check_ref(r: &EventRef) -> Result<(), BackendError> {
    if r.value.is_empty() || r.value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(InvalidInput::Reference {
            kind: r.kind.to_string(),
            value: r.value.clone(),
        }
        .into());
    }
    RefKind::validate_raw(r.kind.as_str())
}

impl RefKind {
    fn validate_raw(raw: &str) -> Result<(), BackendError> {
        if raw == RESERVED_REF_KIND {
            return Err(InvalidInput::ReservedRefKind {
                raw: raw.to_owned(),
            }
            .into());
        }
        EventKind::parse(raw).validate().map_err(|_| {
            InvalidInput::RefKind {
                raw: raw.to_owned(),
            }
            .into()
        })
    }
}
