//! The index's fields: a ticket is one document.
//!
//! Text fields (analysed, with positions, not stored): `title`, `body`, `resolution`, and one
//! field per common event kind (`ev_comment`, `ev_plan`, ...; every other kind shares
//! `ev_other`), so a search can keep to one kind and BM25 weighs a word by how rare it is in that
//! kind of text. Filters (exact values): `status`, `kind`, `labels`, `assignee`, `event_kinds`.
//! Bookkeeping (fast fields): `key`, `id`, `key_hash` (also indexed, to delete by), `stamp`,
//! `content`. Nothing is stored: hits are shown from the tickets themselves.

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::ANALYZER;
use crate::doc::{TicketDoc, key_hash};

/// Event kinds with a text field of their own; other kinds share [`OTHER_EVENTS`].
pub const EVENT_KINDS: [&str; 7] = [
    "create",
    "comment",
    "plan",
    "decision",
    "implementation_report",
    "review",
    "close",
];
const OTHER_EVENTS: &str = "ev_other";

/// The field handles of the schema.
#[derive(Clone, Debug)]
pub(crate) struct Fields {
    pub key: Field,
    pub id: Field,
    pub key_hash: Field,
    pub stamp: Field,
    pub content: Field,
    pub status: Field,
    pub kind: Field,
    pub labels: Field,
    pub assignee: Field,
    pub event_kinds: Field,
    pub title: Field,
    pub body: Field,
    pub resolution: Field,
    /// One per [`EVENT_KINDS`], then the field of every other kind.
    pub events: Vec<Field>,
}

fn text_options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

fn event_field_name(kind: &str) -> String {
    format!("ev_{kind}")
}

pub(crate) fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("key", FAST);
    b.add_text_field("id", FAST);
    b.add_u64_field("key_hash", INDEXED | FAST);
    b.add_u64_field("stamp", FAST);
    b.add_u64_field("content", FAST);
    for name in ["status", "kind", "labels", "assignee", "event_kinds"] {
        b.add_text_field(name, STRING);
    }
    for name in ["title", "body", "resolution"] {
        b.add_text_field(name, text_options());
    }
    for kind in EVENT_KINDS {
        b.add_text_field(&event_field_name(kind), text_options());
    }
    b.add_text_field(OTHER_EVENTS, text_options());
    b.build()
}

impl Fields {
    /// The handles of `schema`; an error when a field is missing (an index of another version).
    pub fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        let mut events = Vec::with_capacity(EVENT_KINDS.len() + 1);
        for kind in EVENT_KINDS {
            events.push(f(&event_field_name(kind))?);
        }
        events.push(f(OTHER_EVENTS)?);
        Ok(Fields {
            key: f("key")?,
            id: f("id")?,
            key_hash: f("key_hash")?,
            stamp: f("stamp")?,
            content: f("content")?,
            status: f("status")?,
            kind: f("kind")?,
            labels: f("labels")?,
            assignee: f("assignee")?,
            event_kinds: f("event_kinds")?,
            title: f("title")?,
            body: f("body")?,
            resolution: f("resolution")?,
            events,
        })
    }

    /// The text field of events of `kind`.
    pub fn event_field(&self, kind: &str) -> Field {
        let at = EVENT_KINDS
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(EVENT_KINDS.len());
        self.events[at]
    }

    /// Whether events of `kind` share a field with other kinds.
    pub fn shares_event_field(kind: &str) -> bool {
        !EVENT_KINDS.contains(&kind)
    }

    /// Every text field, in a fixed order.
    pub fn text(&self) -> Vec<Field> {
        let mut out = vec![self.title, self.body, self.resolution];
        out.extend(&self.events);
        out
    }

    /// The document of `doc`, with the stamp to keep for it.
    pub fn document(&self, doc: &TicketDoc, stamp: u64) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_text(self.key, &doc.key);
        d.add_text(self.id, &doc.id);
        d.add_u64(self.key_hash, key_hash(&doc.key));
        d.add_u64(self.stamp, stamp);
        d.add_u64(self.content, doc.content_hash());
        d.add_text(self.status, &doc.status);
        d.add_text(self.kind, &doc.kind);
        for l in &doc.labels {
            d.add_text(self.labels, l);
        }
        if let Some(a) = &doc.assignee {
            d.add_text(self.assignee, a);
        }
        d.add_text(self.title, &doc.title);
        d.add_text(self.body, &doc.body);
        if let Some(r) = &doc.resolution {
            d.add_text(self.resolution, r);
        }
        let mut kinds: Vec<&str> = Vec::new();
        for e in &doc.events {
            d.add_text(self.event_field(&e.kind), &e.body);
            if !kinds.contains(&e.kind.as_str()) {
                kinds.push(&e.kind);
            }
        }
        for k in kinds {
            d.add_text(self.event_kinds, k);
        }
        d
    }
}
