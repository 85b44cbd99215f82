//! The ticket itself: frontmatter fields, body, thread, resolution and artifacts.

use serde::Serialize;

use crate::change::Version;
use crate::event::TicketEvent;
use crate::ids::{Slug, TicketId};
use crate::meta::WorkMeta;
use crate::port::BackendError;
use crate::relation::Relations;
use crate::status::TicketStatus;
use crate::timestamp::Timestamp;

/// Markdown text kept byte for byte: bodies are never reflowed or normalised.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct MarkdownText(pub String);

impl MarkdownText {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for MarkdownText {
    fn from(text: &str) -> Self {
        Self(text.to_owned())
    }
}

/// One label: no commas, brackets, quotes or control characters, no surrounding spaces.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Label(String);

impl Label {
    pub fn new(label: impl Into<String>) -> Result<Self, BackendError> {
        let label = label.into();
        let bad = label.is_empty()
            || label.trim() != label
            || label
                .chars()
                .any(|c| c.is_control() || matches!(c, ',' | '[' | ']' | '"' | '\''));
        if bad {
            return Err(crate::invalid::InvalidInput::Label { label }.into());
        }
        Ok(Self(label))
    }

    /// Splits `a, b,,c` the way `--label` does: on commas, trimmed, empty parts dropped.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, BackendError> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Self::new)
            .collect()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Everything a ticket's frontmatter says: what `list` returns, read without the thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketSummary {
    pub id: TicketId,
    pub slug: Slug,
    pub title: String,
    pub status: TicketStatus,
    pub kind: String,
    pub priority: String,
    pub labels: Vec<Label>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub assignee: Option<String>,
    pub legacy_ticket: Option<String>,
    #[serde(flatten)]
    pub meta: WorkMeta,
    /// The edges this ticket stores (its inverses are derived: [`crate::graph`]).
    pub relations: Relations,
    /// Frontmatter keys this version does not know, with their raw values, in file order.
    #[serde(skip)]
    pub extra: Vec<(String, String)>,
}

/// A whole ticket: its frontmatter, body, every event of its thread, resolution and artifacts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ticket {
    #[serde(flatten)]
    pub summary: TicketSummary,
    pub body: MarkdownText,
    pub events: Vec<TicketEvent>,
    pub resolution: Option<MarkdownText>,
    /// Names of the files under the ticket's artifacts, relative to it, sorted; `.gitkeep` omitted.
    pub artifacts: Vec<String>,
    /// Which state of the ticket this is (see [`Version`]): what a compare-and-swap expects.
    pub version: Version,
}

impl std::ops::Deref for Ticket {
    type Target = TicketSummary;
    fn deref(&self) -> &TicketSummary {
        &self.summary
    }
}
