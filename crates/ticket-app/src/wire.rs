//! The wire contract: every JSON document a client prints or sends, as serde types, and their
//! JSON Schemas (draft 2020-12) generated from the same types by schemars.
//!
//! The CLI's `--json` output is these types serialised; the MCP server and the boards answer
//! with them too, so every client shows the same typed data. Field names and order are a
//! contract (docs/cli.md): add, never rename. [`DOCUMENTS`] names each document; `ticket schema
//! NAME` prints its schema.

use schemars::JsonSchema;
use serde::Serialize;
use ticket_domain::{
    ActionRequired, Diagnostic, EventRef, Inverses, Label, Readiness, Reason, Refs, Relations,
    Ticket, TicketEvent, TicketId, TicketSummary, Timestamp,
};

use crate::{ClaimOutcome, Derived, ImportReport, Lease};

/// The fields every list row and `show` start with.
#[derive(Serialize, JsonSchema)]
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
    /// The ticket's directory (in a view of another tracker's tickets, the file it was read from).
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
#[derive(Serialize, JsonSchema)]
pub struct RelationsJson<'a> {
    pub depends_on: &'a [TicketId],
    pub parent: &'a [TicketId],
    pub related: &'a [TicketId],
    pub duplicate_of: &'a [TicketId],
    pub supersedes: &'a [TicketId],
    /// From `show` only: `blocks`, `children`, `related_by`, `duplicated_by`, `superseded_by`.
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
#[derive(Serialize, JsonSchema)]
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

/// A lease: who holds the ticket, the fencing token, and until when (docs/claims.md).
#[derive(Serialize, JsonSchema)]
pub struct LeaseJson<'a> {
    pub holder: &'a str,
    pub token: u64,
    pub acquired: Timestamp,
    pub expires: Timestamp,
}

impl<'a> From<&'a Lease> for LeaseJson<'a> {
    fn from(l: &'a Lease) -> Self {
        Self {
            holder: &l.holder,
            token: l.token,
            acquired: l.acquired,
            expires: l.expires,
        }
    }
}

/// A row of `list`, and a ready ticket of `ready`: the list fields, plus relations (stored
/// kinds), readiness, action_required (set or derived) and the live lease.
#[derive(Serialize, JsonSchema)]
pub struct ListEntry<'a> {
    #[serde(flatten)]
    pub item: ListItem<'a>,
    pub relations: RelationsJson<'a>,
    pub readiness: &'a Readiness,
    pub action_required: Option<&'a ActionRequired>,
    /// The live lease, when someone holds one (docs/claims.md).
    pub claim: Option<LeaseJson<'a>>,
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

    pub fn with_claim(mut self, lease: Option<&'a Lease>) -> Self {
        self.claim = lease.map(LeaseJson::from);
        self
    }
}

/// An open ticket that is not ready, and why.
#[derive(Serialize, JsonSchema)]
pub struct NotReady<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub priority: &'a str,
    pub path: &'a str,
    pub reasons: Vec<ReasonJson<'a>>,
}

impl<'a> NotReady<'a> {
    /// A not-ready ticket as read again for printing, with the reasons the queue gave.
    pub fn new(e: &'a crate::ListEntry, reasons: &'a [Reason]) -> Self {
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

/// `ready`: the ready tickets best first, the open ones that are not with their reasons, and
/// the cycles through `depends_on` and `parent` (each sorted by id).
#[derive(Serialize, JsonSchema)]
pub struct Ready<'a> {
    pub ready: Vec<ListEntry<'a>>,
    pub not_ready: Vec<NotReady<'a>>,
    pub cycles: &'a [Vec<TicketId>],
}

impl<'a> From<&'a crate::ReadyView> for Ready<'a> {
    fn from(v: &'a crate::ReadyView) -> Self {
        Self {
            ready: v
                .ready
                .iter()
                .map(|e| ListEntry::new(&e.summary, e.path.clone()))
                .collect(),
            not_ready: v
                .not_ready
                .iter()
                .map(|(e, why)| NotReady::new(e, why))
                .collect(),
            cycles: &v.cycles,
        }
    }
}

/// `show`'s readiness: whether the ticket is ready, and why not.
#[derive(Serialize, JsonSchema)]
pub struct ReadyJson<'a> {
    pub ok: bool,
    pub reasons: Vec<ReasonJson<'a>>,
}

/// One event of a thread.
#[derive(Serialize, JsonSchema)]
pub struct Event<'a> {
    pub kind: &'a str,
    pub author: &'a str,
    pub at: Timestamp,
    /// The header's `status:`: a review's verdict, `closed` for a close.
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

/// A whole ticket: `show`, and what every write prints (without `ready` and `claim`, which
/// read the other tickets and the leases).
#[derive(Serialize, JsonSchema)]
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
    pub claim: Option<Option<LeaseJson<'a>>>,
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

    /// `show`: the ticket with its derived relations, readiness and lease.
    pub fn viewed(view: &'a crate::ShowView) -> Self {
        let t = &view.shown.ticket;
        Self::new(t, view.shown.path.clone())
            .with_derived(t, &view.derived)
            .with_claim(view.claim.as_ref())
    }

    /// With the live lease (`show`): `claim` is then present, null when nobody holds it.
    pub fn with_claim(mut self, lease: Option<&'a Lease>) -> Self {
        self.claim = Some(lease.map(LeaseJson::from));
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

/// `create`: the new ticket's id, slug and directory.
#[derive(Serialize, JsonSchema)]
pub struct Created<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub path: String,
}

/// `claim`, `renew`, `release` and `ready --claim`: the ticket and its lease.
#[derive(Serialize, JsonSchema)]
pub struct Claimed<'a> {
    pub id: &'a str,
    pub path: &'a str,
    #[serde(flatten)]
    pub lease: LeaseJson<'a>,
    /// The holder held it already (a claim by the same holder), or a renewal.
    pub renewed: bool,
    /// The git remote that holds the lease too, when one was named.
    pub remote: Option<&'a str>,
}

impl<'a> From<&'a ClaimOutcome> for Claimed<'a> {
    fn from(done: &'a ClaimOutcome) -> Self {
        Self {
            id: done.id.as_str(),
            path: &done.path,
            lease: LeaseJson::from(&done.lease),
            renewed: done.renewed,
            remote: done.remote.as_deref(),
        }
    }
}

/// One hit of `search`, best first.
#[derive(Serialize, JsonSchema)]
pub struct Hit<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub status: &'a str,
    /// The BM25 score, rounded to four decimals.
    pub score: f64,
    /// The field that matched best (`title`, `body`, `resolution`, `event:<kind>`).
    pub field: String,
    /// About 120 characters of that field around the matches, on one line.
    pub snippet: &'a str,
}

impl<'a> From<&'a crate::Hit> for Hit<'a> {
    fn from(h: &'a crate::Hit) -> Self {
        Self {
            id: &h.id,
            slug: &h.slug,
            title: &h.title,
            status: &h.status,
            score: rounded(h.score),
            field: h.field.name(),
            snippet: &h.snippet,
        }
    }
}

/// A score with four decimals: enough to tell hits apart, without float noise.
pub fn rounded(score: f32) -> f64 {
    (f64::from(score) * 10_000.0).round() / 10_000.0
}

/// `doctor`: whether the root passed, its findings, and what `--fix` repaired.
#[derive(Serialize, JsonSchema)]
pub struct Doctor<'a> {
    pub ok: bool,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: &'a [Diagnostic],
    /// What `--fix` repaired, a line each (worded by the client).
    pub fixed: Vec<String>,
}

/// `init`: the root, one line per thing done, and the repository's common directory.
#[derive(Serialize, JsonSchema)]
pub struct Init<'a> {
    pub root: &'a str,
    /// One line per thing done (worded by the client).
    pub done: Vec<String>,
    pub repository: Option<&'a str>,
}

/// `sync`: what was committed, merged, repaired and pushed.
#[derive(Serialize, JsonSchema)]
pub struct Sync<'a> {
    pub branch: &'a str,
    pub committed: Option<&'a str>,
    pub merged: bool,
    pub pushed: bool,
    pub rounds: usize,
    /// Tickets a merge left in several status directories: `<id>: <statuses> -> <status>`.
    pub repaired: Vec<String>,
    /// Tickets renamed apart: `[old id, new id]`.
    pub renamed: Vec<[&'a str; 2]>,
    /// Tickets whose merge notes became `merge` events.
    pub recorded: &'a [String],
}

/// `import`: the tickets read from the source, and the files that did not read.
#[derive(Serialize, JsonSchema)]
pub struct Import<'a> {
    pub source: &'a str,
    pub imported: Vec<Imported<'a>>,
    pub skipped: Vec<Skipped<'a>>,
}

/// One imported ticket.
#[derive(Serialize, JsonSchema)]
pub struct Imported<'a> {
    pub source: &'a str,
    pub id: &'a str,
    pub legacy_ticket: &'a str,
    /// `created`, `updated` or `unchanged`.
    pub outcome: &'static str,
    pub path: &'a str,
    pub notices: &'a [String],
}

/// A file or ticket left out, and why.
#[derive(Serialize, JsonSchema)]
pub struct Skipped<'a> {
    pub path: &'a str,
    pub message: &'a str,
}

impl<'a> From<&'a crate::Skipped> for Skipped<'a> {
    fn from(s: &'a crate::Skipped) -> Self {
        Self {
            path: &s.path,
            message: &s.message,
        }
    }
}

impl<'a> From<&'a ImportReport> for Import<'a> {
    fn from(r: &'a ImportReport) -> Self {
        Self {
            source: &r.source,
            imported: r
                .imported
                .iter()
                .map(|e| Imported {
                    source: &e.source,
                    id: &e.id,
                    legacy_ticket: &e.legacy,
                    outcome: e.outcome.as_str(),
                    path: &e.path,
                    notices: &e.notices,
                })
                .collect(),
            skipped: r.skipped.iter().map(Skipped::from).collect(),
        }
    }
}

/// `export`: the files written per ticket, and the tickets refused.
#[derive(Serialize, JsonSchema)]
pub struct Export<'a> {
    pub target: &'a str,
    pub exported: Vec<Exported<'a>>,
    pub refused: Vec<Skipped<'a>>,
}

/// One exported ticket: its files, relative to the directory written.
#[derive(Serialize, JsonSchema)]
pub struct Exported<'a> {
    pub id: &'a str,
    pub files: &'a [String],
}

impl<'a> From<&'a crate::ExportReport> for Export<'a> {
    fn from(r: &'a crate::ExportReport) -> Self {
        Self {
            target: &r.target,
            exported: r
                .exported
                .iter()
                .map(|e| Exported {
                    id: &e.id,
                    files: &e.files,
                })
                .collect(),
            refused: r.refused.iter().map(Skipped::from).collect(),
        }
    }
}

/// Every failure: `{"error": {...}}`, with the exit code of the code's table (docs/cli.md).
#[derive(Serialize, JsonSchema)]
pub struct Failure<'a> {
    pub error: FailureBody<'a>,
}

/// What failed. Keys are in the order clients have always seen them (`candidates` first).
#[derive(Serialize, JsonSchema)]
pub struct FailureBody<'a> {
    /// For an ambiguous query: the ids it matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<&'a [String]>,
    /// A stable code (docs/cli.md, "Error codes"): what a client matches on.
    #[schemars(schema_with = "error_code")]
    pub code: &'a str,
    /// What went wrong and what to do, for people.
    pub message: &'a str,
}

/// An error's code: one of the table's ([`crate::ErrorCode::ALL`]).
fn error_code(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let codes: Vec<&str> = crate::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    schemars::json_schema!({
        "type": "string",
        "enum": codes,
    })
}

/// A document of [`DOCUMENTS`]: `ticket --json schema` lists them.
#[derive(Serialize, JsonSchema)]
pub struct Listed<'a> {
    pub name: &'a str,
    pub about: &'a str,
}

/// One document of the contract: its name, what prints it, and how to make its schema.
pub struct Document {
    pub name: &'static str,
    pub about: &'static str,
    schema: fn() -> schemars::Schema,
}

impl Document {
    /// The document's JSON Schema (draft 2020-12). Objects admit no field the types do not
    /// declare (`unevaluatedProperties: false`), so a field added without its type fails
    /// validation instead of slipping into the contract undocumented.
    pub fn schema(&self) -> serde_json::Value {
        let mut value = (self.schema)().to_value();
        closed(&mut value, false);
        value
    }
}

/// Marks every object schema closed, except the branches of a `oneOf`/`anyOf`/`allOf`: a
/// flattened enum's branch sees only its own fields, so closing it would refuse the fields of
/// the struct it is flattened into; the schema holding the branches is closed instead, and
/// `unevaluatedProperties` sees through them.
fn closed(schema: &mut serde_json::Value, branch: bool) {
    let serde_json::Value::Object(map) = schema else {
        return;
    };
    if !branch && map.contains_key("properties") {
        map.insert("unevaluatedProperties".into(), false.into());
    }
    for (key, child) in map.iter_mut() {
        match (key.as_str(), child) {
            ("oneOf" | "anyOf" | "allOf", serde_json::Value::Array(branches)) => {
                for b in branches {
                    closed(b, true);
                }
            }
            ("properties" | "$defs", serde_json::Value::Object(children)) => {
                for c in children.values_mut() {
                    closed(c, false);
                }
            }
            ("items" | "additionalProperties", c) => closed(c, false),
            _ => {}
        }
    }
}

fn schema_of<T: JsonSchema>() -> schemars::Schema {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// Every document of the contract, by name.
pub const DOCUMENTS: &[Document] = &[
    Document {
        name: "show",
        about: "show: a whole ticket with derived relations, readiness and claim; every write prints it without the last two",
        schema: schema_of::<Show<'static>>,
    },
    Document {
        name: "list",
        about: "list: the tickets, one row each",
        schema: schema_of::<Vec<ListEntry<'static>>>,
    },
    Document {
        name: "ready",
        about: "ready: the ready tickets, the others with their reasons, the cycles",
        schema: schema_of::<Ready<'static>>,
    },
    Document {
        name: "blocked",
        about: "blocked: the open tickets that are not ready, with their reasons",
        schema: schema_of::<Vec<NotReady<'static>>>,
    },
    Document {
        name: "create",
        about: "create: the new ticket's id, slug and path",
        schema: schema_of::<Created<'static>>,
    },
    Document {
        name: "claim",
        about: "claim, renew, release, ready --claim: the ticket and its lease",
        schema: schema_of::<Claimed<'static>>,
    },
    Document {
        name: "search",
        about: "search: the hits, best first",
        schema: schema_of::<Vec<Hit<'static>>>,
    },
    Document {
        name: "doctor",
        about: "doctor: the findings and the repairs",
        schema: schema_of::<Doctor<'static>>,
    },
    Document {
        name: "sync",
        about: "sync: what was committed, merged, repaired and pushed",
        schema: schema_of::<Sync<'static>>,
    },
    Document {
        name: "init",
        about: "init: what was set up for git",
        schema: schema_of::<Init<'static>>,
    },
    Document {
        name: "import",
        about: "import: the tickets read from another tracker, and the files skipped",
        schema: schema_of::<Import<'static>>,
    },
    Document {
        name: "export",
        about: "export: the files written for another tracker, and the tickets refused",
        schema: schema_of::<Export<'static>>,
    },
    Document {
        name: "changes",
        about: "changes: what changed since a cursor, whichever tool changed it, and the next cursor",
        schema: schema_of::<crate::Changes>,
    },
    Document {
        name: "error",
        about: "every failure, on standard error: its code and message",
        schema: schema_of::<Failure<'static>>,
    },
    Document {
        name: "schema",
        about: "schema: the documents of the contract",
        schema: schema_of::<Vec<Listed<'static>>>,
    },
];

/// The document called `name`.
pub fn document(name: &str) -> Option<&'static Document> {
    DOCUMENTS.iter().find(|d| d.name == name)
}
