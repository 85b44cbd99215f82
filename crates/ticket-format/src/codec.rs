//! Between the text formats and the domain's types: a summary from frontmatter, item.md for a
//! new ticket, events from thread.md and back.

use ticket_domain::{
    ActionRequired, EventKind, EventRef, FieldSpelling, GraphNode, Label, MarkdownText, Readiness,
    RefKind, Relations, Slug, TicketEvent, TicketId, TicketStatus, TicketSummary, Timestamp,
    WorkMeta,
};

use crate::frontmatter::{Entry, Frontmatter};
use crate::keys;
use crate::scalar::{encode_flow_list, encode_scalar};
use crate::thread::{self, Header, RawEvent};

/// A field that could not be read: the key's line (or the closing line when missing) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub line: usize,
    pub message: String,
}

fn required<'a>(fm: &'a Frontmatter, key: &str) -> Result<&'a Entry, FieldError> {
    fm.entry(key).ok_or_else(|| FieldError {
        line: fm.closing_line,
        message: format!("missing required field '{key}': add `{key}: <value>` to the frontmatter"),
    })
}

fn parsed<T, E: std::fmt::Display>(entry: &Entry, r: Result<T, E>) -> Result<T, FieldError> {
    r.map_err(|e| FieldError {
        line: entry.line,
        message: format!("{}: {e}", entry.key),
    })
}

fn optional(fm: &Frontmatter, key: &str) -> Result<Option<String>, FieldError> {
    match fm.entry(key) {
        None => Ok(None),
        Some(e) if matches!(e.raw.as_str(), "" | "null" | "~") && e.continuation.is_empty() => {
            Ok(None)
        }
        Some(e) => Ok(Some(e.text())),
    }
}

fn list(fm: &Frontmatter, key: &str) -> Result<Vec<String>, FieldError> {
    match fm.entry(key) {
        None => Ok(Vec::new()),
        Some(e) => e.list().map_err(|message| FieldError {
            line: e.line,
            message: format!("{key}: {message}"),
        }),
    }
}

/// Reads a ticket's frontmatter into a summary. Values whose quotes do not decode are taken as
/// their raw text, as `tickets.sh` takes them (the doctor reports them; `list` keeps the ticket).
pub fn summary(fm: &Frontmatter) -> Result<TicketSummary, FieldError> {
    let text = |key| required(fm, key).map(Entry::text);
    let id_entry = required(fm, keys::ID)?;
    let id = parsed(id_entry, TicketId::new(id_entry.text()))?;
    let slug_entry = required(fm, keys::SLUG)?;
    let slug = parsed(slug_entry, Slug::new(slug_entry.text()))?;
    let time = |key| -> Result<Timestamp, FieldError> {
        let entry = required(fm, key)?;
        parsed(entry, entry.text().parse::<Timestamp>())
    };
    let labels_line = fm.entry(keys::LABELS).map_or(fm.closing_line, |e| e.line);
    let labels = list(fm, keys::LABELS)?
        .into_iter()
        .map(|l| {
            Label::new(l).map_err(|e| FieldError {
                line: labels_line,
                message: format!("{}: {e}", keys::LABELS),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(TicketSummary {
        id,
        slug,
        title: text(keys::TITLE)?,
        status: TicketStatus::parse(&text(keys::STATUS)?),
        kind: fm.value(keys::KIND),
        priority: fm.value(keys::PRIORITY),
        labels,
        created_at: time(keys::CREATED_AT)?,
        updated_at: time(keys::UPDATED_AT)?,
        assignee: optional(fm, keys::ASSIGNEE)?,
        legacy_ticket: optional(fm, keys::LEGACY_TICKET)?,
        meta: meta(fm)?,
        relations: relations(fm)?,
        extra: fm
            .entries
            .iter()
            .filter(|e| !keys::is_known(&e.key))
            .map(|e| (e.key.clone(), e.raw.clone()))
            .collect(),
    })
}

fn meta(fm: &Frontmatter) -> Result<WorkMeta, FieldError> {
    let mut meta = WorkMeta {
        readiness: optional(fm, keys::READINESS)?
            .map(|r| Readiness::parse(&r))
            .unwrap_or_default(),
        needs_preflight: match fm.entry(keys::NEEDS_PREFLIGHT) {
            None => false,
            Some(e) => match e.text().as_str() {
                "true" | "yes" => true,
                "false" | "no" | "" | "null" => false,
                other => {
                    return Err(FieldError {
                        line: e.line,
                        message: format!(
                            "{}: `{other}` is not true or false",
                            keys::NEEDS_PREFLIGHT
                        ),
                    });
                }
            },
        },
        risk_flags: list(fm, keys::RISK_FLAGS)?,
        action_required: optional(fm, keys::ACTION_REQUIRED)?.map(|a| ActionRequired::parse(&a)),
        refs: Default::default(),
    };
    for (key, which) in keys::REFS {
        *meta.refs.get_mut(which) = list(fm, key)?;
    }
    Ok(meta)
}

/// What the relation graph needs of a ticket (id, status, readiness, relations), decoding
/// nothing else: the cheap read of the tickets `ready` only has to know about.
pub fn graph_node(fm: &Frontmatter) -> Result<GraphNode, FieldError> {
    let id_entry = required(fm, keys::ID)?;
    let id = parsed(id_entry, TicketId::new(id_entry.text()))?;
    let status = TicketStatus::parse(&required(fm, keys::STATUS)?.text());
    let readiness = optional(fm, keys::READINESS)?
        .map(|r| Readiness::parse(&r))
        .unwrap_or_default();
    Ok(GraphNode {
        id,
        status,
        readiness_blocked: readiness == Readiness::Blocked,
        relations: relations(fm)?,
    })
}

/// The relation lists, each a flow list of ticket ids (docs/format.md, "Relations").
pub fn relations(fm: &Frontmatter) -> Result<Relations, FieldError> {
    let mut out = Relations::default();
    for (key, kind) in keys::RELATIONS {
        let line = fm.entry(key).map_or(fm.closing_line, |e| e.line);
        *out.get_mut(kind) = list(fm, key)?
            .into_iter()
            .map(|id| {
                TicketId::new(id).map_err(|e| FieldError {
                    line,
                    message: format!("{key}: {e}"),
                })
            })
            .collect::<Result<_, _>>()?;
    }
    Ok(out)
}

/// The frontmatter lines of a summary, in the format's order, then the typed keys that differ
/// from their defaults, then the relation lists that are not empty, then unknown keys as they
/// were.
pub fn frontmatter_lines(s: &TicketSummary) -> Vec<(String, String)> {
    let mut lines = vec![
        (keys::ID.into(), s.id.to_string()),
        (keys::SLUG.into(), s.slug.to_string()),
        (keys::TITLE.into(), encode_scalar(&s.title, false)),
        (keys::STATUS.into(), encode_scalar(s.status.as_str(), false)),
        (keys::KIND.into(), encode_scalar(&s.kind, false)),
        (keys::PRIORITY.into(), encode_scalar(&s.priority, false)),
        (
            keys::LABELS.into(),
            encode_flow_list(&s.labels.iter().map(Label::as_str).collect::<Vec<_>>()),
        ),
        (keys::CREATED_AT.into(), s.created_at.to_string()),
        (keys::UPDATED_AT.into(), s.updated_at.to_string()),
        (keys::ASSIGNEE.into(), nullable(s.assignee.as_deref())),
        (
            keys::LEGACY_TICKET.into(),
            nullable(s.legacy_ticket.as_deref()),
        ),
    ];
    let m = &s.meta;
    if m.readiness != Readiness::default() {
        lines.push((
            keys::READINESS.into(),
            encode_scalar(m.readiness.as_str(), true),
        ));
    }
    if m.needs_preflight {
        lines.push((keys::NEEDS_PREFLIGHT.into(), "true".into()));
    }
    if !m.risk_flags.is_empty() {
        lines.push((keys::RISK_FLAGS.into(), encode_flow_list(&m.risk_flags)));
    }
    if let Some(a) = &m.action_required {
        lines.push((
            keys::ACTION_REQUIRED.into(),
            encode_scalar(a.as_str(), true),
        ));
    }
    for (key, which) in keys::REFS {
        let values = m.refs.get(which);
        if !values.is_empty() {
            lines.push((key.into(), encode_flow_list(values)));
        }
    }
    for (key, kind) in keys::RELATIONS {
        let ids = s.relations.get(kind);
        if !ids.is_empty() {
            lines.push((key.into(), encode_flow_list(ids)));
        }
    }
    // An unknown key is never one the format knows (reads keep only those); an extra that
    // claims one is left out rather than written twice.
    lines.extend(s.extra.iter().filter(|(k, _)| !keys::is_known(k)).cloned());
    lines
}

/// How the frontmatter spells fields, for the records of `status` and `edit` events: its keys
/// and its encoded values, exactly the lines writers write.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrontmatterSpelling;

impl FieldSpelling for FrontmatterSpelling {
    fn field_lines(&self, summary: &TicketSummary) -> Vec<(String, String)> {
        frontmatter_lines(summary)
    }

    fn scalar(&self, value: &str) -> String {
        encode_scalar(value, false)
    }

    fn is_typed(&self, name: &str) -> bool {
        keys::is_known(name)
    }
}

fn nullable(value: Option<&str>) -> String {
    value.map_or_else(|| "null".into(), |v| encode_scalar(v, true))
}

/// A whole item.md: frontmatter then body.
pub fn item_text(s: &TicketSummary, body: &str) -> String {
    let mut out = String::from("---\n");
    for (key, value) in frontmatter_lines(s) {
        out.push_str(&key);
        out.push_str(": ");
        out.push_str(&value);
        out.push('\n');
    }
    out.push_str("---\n");
    out.push_str(body);
    out
}

/// A new ticket's whole thread.md: its `create` event, headed `Created`.
pub fn first_thread(create: &TicketEvent) -> String {
    thread::first_event(&header(create), "Created", create.body.as_str())
}

/// `thread` with `event` appended, as writers write it: under its heading, or under its kind when
/// it has none.
pub fn thread_with(thread: &str, event: &TicketEvent) -> String {
    let mut text = thread.to_owned();
    let heading = event
        .heading
        .clone()
        .unwrap_or_else(|| event.kind.to_string());
    text.push_str(&thread::appended_event(
        &header(event),
        &heading,
        event.body.as_str(),
    ));
    text
}

/// A header for an event about to be written.
pub fn header(e: &TicketEvent) -> Header {
    let refs = (!e.refs.is_empty()).then(|| {
        e.refs
            .iter()
            .map(|r| format!("{}={}", r.kind, thread::encode_ref_value(&r.value)))
            .collect::<Vec<_>>()
            .join(",")
    });
    Header {
        kind: e.kind.to_string(),
        author: e.author.clone(),
        at: e.at.to_string(),
        status: e.status.clone(),
        refs,
        id: None,
    }
}

/// A new ticket's thread.md whose `create` event carries `id` (docs/format.md, "Event ids").
pub fn first_thread_with_id(create: &TicketEvent, id: Option<&str>) -> String {
    let mut h = header(create);
    h.id = id.map(str::to_owned);
    thread::first_event(&h, "Created", create.body.as_str())
}

/// [`thread_with`], the appended event carrying `id`.
pub fn thread_with_id(thread: &str, event: &TicketEvent, id: Option<&str>) -> String {
    let mut text = thread.to_owned();
    let heading = event
        .heading
        .clone()
        .unwrap_or_else(|| event.kind.to_string());
    let mut h = header(event);
    h.id = id.map(str::to_owned);
    text.push_str(&thread::appended_event(&h, &heading, event.body.as_str()));
    text
}

/// An event read from a thread; `Err` with the header's line and why.
pub fn event(raw: RawEvent) -> Result<TicketEvent, FieldError> {
    let err = |message: String| FieldError {
        line: raw.line,
        message,
    };
    let h = raw.header.clone().map_err(err)?;
    let at = h.at.parse::<Timestamp>().map_err(|e| err(e.to_string()))?;
    let refs = match &h.refs {
        None => Vec::new(),
        Some(token) => token
            .split(',')
            .map(|pair| {
                let (kind, value) = pair
                    .split_once('=')
                    .ok_or_else(|| err(format!("reference `{pair}` is not kind=value")))?;
                let value = thread::decode_ref_value(value).map_err(err)?;
                Ok(EventRef {
                    kind: RefKind::parse(kind),
                    value,
                })
            })
            .collect::<Result<_, FieldError>>()?,
    };
    Ok(TicketEvent {
        kind: EventKind::parse(&h.kind),
        author: h.author,
        at,
        status: h.status,
        heading: raw.heading,
        body: MarkdownText::new(raw.body),
        refs,
    })
}
