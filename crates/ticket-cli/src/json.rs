//! The JSON shapes of docs/cli.md. Field names here are a contract: add, never rename.

use serde::Serialize;
use ticket_domain::{
    ActionRequired, EventRef, Label, Readiness, Refs, Ticket, TicketEvent, TicketSummary, Timestamp,
};

#[derive(Serialize)]
pub struct ListItem<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub status: &'a str,
    pub kind: &'a str,
    pub priority: &'a str,
    pub labels: &'a [Label],
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub assignee: Option<&'a str>,
    pub path: String,
}

impl<'a> ListItem<'a> {
    pub fn new(s: &'a TicketSummary, path: String) -> Self {
        Self {
            id: s.id.as_str(),
            slug: s.slug.as_str(),
            title: &s.title,
            status: s.status.as_str(),
            kind: &s.kind,
            priority: &s.priority,
            labels: &s.labels,
            created_at: s.created_at,
            updated_at: s.updated_at,
            assignee: s.assignee.as_deref(),
            path,
        }
    }
}

#[derive(Serialize)]
pub struct Event<'a> {
    pub kind: &'a str,
    pub author: &'a str,
    pub at: Timestamp,
    pub status: Option<&'a str>,
    pub heading: Option<&'a str>,
    pub body: &'a str,
    pub refs: &'a [EventRef],
}

impl<'a> From<&'a TicketEvent> for Event<'a> {
    fn from(e: &'a TicketEvent) -> Self {
        Self {
            kind: e.kind.as_str(),
            author: &e.author,
            at: e.at,
            status: e.status.as_deref(),
            heading: e.heading.as_deref(),
            body: e.body.as_str(),
            refs: &e.refs,
        }
    }
}

#[derive(Serialize)]
pub struct Show<'a> {
    #[serde(flatten)]
    pub item: ListItem<'a>,
    pub legacy_ticket: Option<&'a str>,
    pub body: &'a str,
    pub readiness: &'a Readiness,
    pub needs_preflight: bool,
    pub risk_flags: &'a [String],
    pub action_required: Option<&'a ActionRequired>,
    pub refs: &'a Refs,
    pub events: Vec<Event<'a>>,
    pub resolution: Option<&'a str>,
    pub artifacts: &'a [String],
    /// Which state of the ticket this is: what a compare-and-swap expects.
    pub version: &'a str,
}

impl<'a> Show<'a> {
    pub fn new(t: &'a Ticket, path: String) -> Self {
        Self {
            item: ListItem::new(&t.summary, path),
            legacy_ticket: t.legacy_ticket.as_deref(),
            body: t.body.as_str(),
            readiness: &t.meta.readiness,
            needs_preflight: t.meta.needs_preflight,
            risk_flags: &t.meta.risk_flags,
            action_required: t.meta.action_required.as_ref(),
            refs: &t.meta.refs,
            events: t.events.iter().map(Event::from).collect(),
            resolution: t.resolution.as_ref().map(|r| r.as_str()),
            artifacts: &t.artifacts,
            version: t.version.as_str(),
        }
    }
}

#[derive(Serialize)]
pub struct Created<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub path: String,
}

/// A JSON array written one item at a time, byte for byte what `serde_json::to_string_pretty`
/// writes for the whole array (two-space indents, `[]` when empty), so a long list streams.
#[derive(Default)]
pub struct ArrayWriter {
    items: usize,
}

impl ArrayWriter {
    /// The text that puts `value` in the array: the opening bracket or a comma, then the item
    /// indented one level.
    pub fn item<T: Serialize>(&mut self, value: &T) -> Result<String, crate::error::CliError> {
        let pretty =
            serde_json::to_string_pretty(value).map_err(|e| crate::error::CliError::Io {
                what: "cannot encode JSON".into(),
                source: std::io::Error::other(e),
            })?;
        let mut text = String::with_capacity(pretty.len() + pretty.len() / 8 + 4);
        text.push_str(if self.items == 0 { "[\n" } else { ",\n" });
        for (i, line) in pretty.split('\n').enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str("  ");
            text.push_str(line);
        }
        self.items += 1;
        Ok(text)
    }

    /// What closes the array (with the final newline `Out::json` writes).
    pub fn end(&self) -> &'static str {
        if self.items == 0 { "[]\n" } else { "\n]\n" }
    }
}

#[cfg(test)]
mod tests {
    use super::ArrayWriter;

    #[test]
    fn streamed_arrays_match_serde_pretty() {
        let values = [
            vec![],
            vec![serde_json::json!({"a": 1, "b": ["x", "y\nz"], "c": {}})],
            vec![
                serde_json::json!({"a": []}),
                serde_json::json!("s"),
                serde_json::json!({"d": {"e": null}}),
            ],
        ];
        for items in values {
            let mut w = ArrayWriter::default();
            let mut text = String::new();
            for item in &items {
                text.push_str(&w.item(item).expect("encodes"));
            }
            text.push_str(w.end());
            let whole = serde_json::to_string_pretty(&items).expect("encodes") + "\n";
            assert_eq!(text, whole);
        }
    }
}
