//! The JSON shapes of docs/cli.md. Field names here are a contract: add, never rename.

use serde::Serialize;
use ticket_app::Derived;
use ticket_domain::{
    ActionRequired, EventRef, Inverses, Label, Readiness, Reason, Refs, Relations, Ticket,
    TicketEvent, TicketId, TicketSummary, Timestamp,
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

/// A ticket's relations: the kinds it stores, and (from `show`) the inverses derived from the
/// other tickets.
#[derive(Serialize)]
pub struct RelationsJson<'a> {
    pub depends_on: &'a [TicketId],
    pub parent: &'a [TicketId],
    pub related: &'a [TicketId],
    pub duplicate_of: &'a [TicketId],
    pub supersedes: &'a [TicketId],
    #[serde(flatten)]
    pub derived: Option<&'a Inverses>,
}

impl<'a> RelationsJson<'a> {
    pub fn new(r: &'a Relations, derived: Option<&'a Inverses>) -> Self {
        Self {
            depends_on: &r.depends_on,
            parent: &r.parent,
            related: &r.related,
            duplicate_of: &r.duplicate_of,
            supersedes: &r.supersedes,
            derived,
        }
    }
}

/// One reason a ticket is not ready: its fields (`reason`, `id` of the blocking ticket, ...) and
/// the sentence people read.
#[derive(Serialize)]
pub struct ReasonJson<'a> {
    #[serde(flatten)]
    pub reason: &'a Reason,
    pub message: String,
}

impl<'a> From<&'a Reason> for ReasonJson<'a> {
    fn from(reason: &'a Reason) -> Self {
        Self {
            reason,
            message: reason.to_string(),
        }
    }
}

/// `--json list` and the ready tickets of `ready`: the list fields, plus relations (stored
/// kinds), readiness and action_required (set or derived).
#[derive(Serialize)]
pub struct ListEntry<'a> {
    #[serde(flatten)]
    pub item: ListItem<'a>,
    pub relations: RelationsJson<'a>,
    pub readiness: &'a Readiness,
    pub action_required: Option<&'a ActionRequired>,
    /// The live lease, when someone holds one (docs/claims.md).
    pub claim: Option<crate::claim::LeaseJson<'a>>,
}

impl<'a> ListEntry<'a> {
    pub fn new(s: &'a TicketSummary, path: String) -> Self {
        Self {
            item: ListItem::new(s, path),
            relations: RelationsJson::new(&s.relations, None),
            readiness: &s.meta.readiness,
            action_required: s.meta.action_required.as_ref(),
            claim: None,
        }
    }

    pub fn with_claim(mut self, lease: Option<&'a ticket_app::Lease>) -> Self {
        self.claim = lease.map(crate::claim::LeaseJson::from);
        self
    }
}

/// An open ticket that is not ready.
#[derive(Serialize)]
pub struct NotReadyJson<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub priority: &'a str,
    pub path: &'a str,
    pub reasons: Vec<ReasonJson<'a>>,
}

impl<'a> NotReadyJson<'a> {
    /// A not-ready ticket as read again for printing, with the reasons the queue gave.
    pub fn new(e: &'a ticket_app::ListEntry, reasons: &'a [Reason]) -> Self {
        let s = &e.summary;
        Self {
            id: s.id.as_str(),
            slug: s.slug.as_str(),
            title: &s.title,
            priority: &s.priority,
            path: &e.path,
            reasons: reasons.iter().map(ReasonJson::from).collect(),
        }
    }
}

/// `show`'s readiness: whether the ticket is ready, and why not.
#[derive(Serialize)]
pub struct ReadyJson<'a> {
    pub ok: bool,
    pub reasons: Vec<ReasonJson<'a>>,
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
    /// Stored kinds always; the derived inverses from `show` only (they read every ticket).
    pub relations: RelationsJson<'a>,
    /// From `show` only: whether the ticket is ready, and why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<ReadyJson<'a>>,
    /// From `show` only: the live lease, or null (docs/claims.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<Option<crate::claim::LeaseJson<'a>>>,
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
            relations: RelationsJson::new(&t.relations, None),
            ready: None,
            claim: None,
        }
    }

    /// With the live lease (`show`): `claim` is then present, null when nobody holds it.
    pub fn with_claim(mut self, lease: Option<&'a ticket_app::Lease>) -> Self {
        self.claim = Some(lease.map(crate::claim::LeaseJson::from));
        self
    }

    /// With what the other tickets say: the derived inverses and readiness.
    pub fn with_derived(mut self, t: &'a Ticket, derived: &'a Derived) -> Self {
        self.relations = RelationsJson::new(&t.relations, Some(&derived.inverses));
        self.ready = Some(ReadyJson {
            ok: derived.reasons.is_empty(),
            reasons: derived.reasons.iter().map(ReasonJson::from).collect(),
        });
        self
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
    /// How deep the array is nested (0: the whole output).
    depth: usize,
}

impl ArrayWriter {
    /// An array that is the value of a field `depth` levels deep.
    pub fn nested(depth: usize) -> Self {
        Self { items: 0, depth }
    }

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
            text.push_str(&"  ".repeat(self.depth + 1));
            text.push_str(line);
        }
        self.items += 1;
        Ok(text)
    }

    /// What closes the array (with the final newline `Out::json` writes).
    pub fn end(&self) -> String {
        self.close() + "\n"
    }

    /// What closes the array, nothing after it.
    pub fn close(&self) -> String {
        match self.items {
            0 => "[]".into(),
            _ => format!("\n{}]", "  ".repeat(self.depth)),
        }
    }
}

/// `value` as `serde_json::to_string_pretty` writes it as a field `depth` levels deep.
pub fn pretty_at<T: Serialize>(value: &T, depth: usize) -> Result<String, crate::error::CliError> {
    let pretty = serde_json::to_string_pretty(value).map_err(|e| crate::error::CliError::Io {
        what: "cannot encode JSON".into(),
        source: std::io::Error::other(e),
    })?;
    Ok(pretty.replace('\n', &format!("\n{}", "  ".repeat(depth))))
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
            text.push_str(&w.end());
            let whole = serde_json::to_string_pretty(&items).expect("encodes") + "\n";
            assert_eq!(text, whole);
            // The same array as a field of an object.
            let mut w = ArrayWriter::nested(1);
            let mut text = String::from("{\n  \"a\": ");
            for item in &items {
                text.push_str(&w.item(item).expect("encodes"));
            }
            text.push_str(&w.close());
            text.push_str(",\n  \"b\": ");
            text.push_str(&super::pretty_at(&items, 1).expect("encodes"));
            text.push_str("\n}");
            let whole = serde_json::json!({"a": items, "b": items});
            assert_eq!(text, serde_json::to_string_pretty(&whole).expect("encodes"));
        }
    }
}
