//! What the adapters of other trackers share (docs/formats.md): the files they read and write,
//! a ticket made from one, and how fields without a home are kept in namespaced frontmatter keys
//! (`x_<tracker>_<field>`) and event attributes (references of kind `x_<tracker>_<field>`).
//!
//! A namespaced value is one line: a string is a YAML double-quoted scalar (`"resolved"`), any
//! other JSON value is compact JSON (`["a", "b"]`, `{"k": 1}`, `null`). So every value reads back
//! as it was, passes both doctors, and survives `tickets.sh` writes (it keeps unknown keys).

use ticket_domain::{
    EventKind, EventRef, MarkdownText, RefKind, RelationKind, Slug, Ticket, TicketEvent, TicketId,
    TicketSummary, Timestamp, Version,
};

use crate::codec;
use crate::frontmatter;
use crate::json::{self, Json};
use crate::keys;
use crate::scalar::{decode_flow_list, decode_scalar, double_quoted, encode_flow_list};
use crate::thread;

mod tracker;
pub use tracker::{Exporter, ForeignDir, Tracker, Unread, import_files, join};

/// A file of another tracker: its path relative to the directory read (`/`-separated), and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A ticket made from another tracker's file. Its id and slug are proposals: the importer keeps
/// those of the ticket it imported before under the same `legacy_ticket`, and makes new ones
/// unique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// Where it came from, relative to the directory read.
    pub path: String,
    pub ticket: Ticket,
    /// Files to put under the ticket's artifacts (relative name, bytes).
    pub artifacts: Vec<(String, Vec<u8>)>,
    /// What was decided on the way, for the import report (bugs of the source fixed, ids
    /// qualified, values inferred).
    pub notices: Vec<String>,
    /// Links between tickets the source keeps (aticket-cli's forks and squashes), which the
    /// importer makes relations once it knows every end's id.
    pub links: Vec<ForeignLink>,
}

/// A link of the source tracker, between tickets named by their `legacy_ticket`: `from` stores
/// an edge of `kind` to `to` once both are tickets of the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignLink {
    pub from: String,
    pub kind: RelationKind,
    pub to: String,
}

/// A file an export writes, relative to the directory written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A namespaced value: a string double-quoted, anything else compact JSON.
pub fn encode_value(value: &Json) -> String {
    match value {
        Json::String(s) => double_quoted(s),
        other => json::compact(other),
    }
}

/// Reverses [`encode_value`]; `None` when the text is neither.
pub fn decode_value(raw: &str) -> Option<Json> {
    if raw.starts_with('"') {
        decode_scalar(raw).ok().map(Json::String)
    } else {
        json::parse(raw).ok()
    }
}

/// The namespaced keys of one tracker, being written: appended to a summary's unknown keys.
#[derive(Clone, Debug)]
pub struct Extras {
    tracker: &'static str,
    pub entries: Vec<(String, String)>,
}

impl Extras {
    pub fn new(tracker: &'static str) -> Self {
        Self {
            tracker,
            entries: Vec::new(),
        }
    }

    pub fn json(&mut self, field: &str, value: &Json) {
        self.entries
            .push((keys::foreign(self.tracker, field), encode_value(value)));
    }

    pub fn text(&mut self, field: &str, value: &str) {
        self.json(field, &Json::String(value.to_owned()));
    }

    /// A flow list of words (`[created_at, updated_at]`).
    pub fn list(&mut self, field: &str, items: &[String]) {
        self.entries
            .push((keys::foreign(self.tracker, field), encode_flow_list(items)));
    }
}

/// The namespaced keys of one tracker in a ticket, being read.
#[derive(Clone, Copy, Debug)]
pub struct Kept<'a> {
    tracker: &'static str,
    extra: &'a [(String, String)],
}

impl<'a> Kept<'a> {
    pub fn new(tracker: &'static str, summary: &'a TicketSummary) -> Self {
        Self {
            tracker,
            extra: &summary.extra,
        }
    }

    fn raw(&self, field: &str) -> Option<&'a str> {
        let key = keys::foreign(self.tracker, field);
        self.extra
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self, field: &str) -> Option<Json> {
        self.raw(field).and_then(decode_value)
    }

    pub fn text(&self, field: &str) -> Option<String> {
        match self.json(field)? {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn list(&self, field: &str) -> Vec<String> {
        self.raw(field)
            .and_then(|raw| decode_flow_list(raw).ok())
            .unwrap_or_default()
    }
}

/// An event attribute: a reference of kind `x_<tracker>_<field>`.
pub fn attr(tracker: &str, field: &str, value: &str) -> EventRef {
    EventRef {
        kind: RefKind::parse(&keys::foreign(tracker, field)),
        value: value.to_owned(),
    }
}

/// The value of an event attribute, when the event has it.
pub fn get_attr<'a>(event: &'a TicketEvent, tracker: &str, field: &str) -> Option<&'a str> {
    let kind = keys::foreign(tracker, field);
    event
        .refs
        .iter()
        .find(|r| r.kind.as_str() == kind)
        .map(|r| r.value.as_str())
}

/// The author an event header can hold: control characters and `-->` replaced, `unknown` when
/// empty. The second value says whether it differs from `raw` (then keep `raw` as an attribute).
pub fn safe_author(raw: &str) -> (String, bool) {
    let cleaned: String = raw
        .replace("-->", "--")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = if cleaned.trim().is_empty() {
        "unknown".to_owned()
    } else {
        cleaned
    };
    let changed = cleaned != raw;
    (cleaned, changed)
}

/// An event of an imported thread, with its heading written under the header.
pub fn event(
    kind: &str,
    author: String,
    at: Timestamp,
    heading: &str,
    body: String,
    refs: Vec<EventRef>,
) -> TicketEvent {
    TicketEvent {
        kind: EventKind::parse(kind),
        author,
        at,
        status: None,
        heading: Some(heading.to_owned()),
        body: MarkdownText::new(body),
        refs,
    }
}

/// The author of every imported thread's first event.
pub const IMPORT_AUTHOR: &str = "ticket import";
/// The kind of every imported thread's first event.
pub const IMPORT_KIND: &str = "import";

/// The attribute of an imported thread's first event: how many of its first events the import
/// wrote (it included). The events after them were added here, and a re-import keeps them.
pub fn imported_events_attr(count: usize) -> EventRef {
    attr("import", "events", &count.to_string())
}

/// How many of a thread's first events an import wrote: the attribute of its first event, or
/// all of them when it has none.
pub fn imported_events(events: &[TicketEvent]) -> usize {
    events
        .first()
        .and_then(|e| get_attr(e, "import", "events"))
        .and_then(|n| n.parse().ok())
        .map_or(events.len(), |n: usize| n.min(events.len()))
}

/// The first event of an imported thread: where the ticket came from.
pub fn import_event(at: Timestamp, tracker_name: &str, path: &str) -> TicketEvent {
    event(
        IMPORT_KIND,
        IMPORT_AUTHOR.into(),
        at,
        "Imported",
        format!("Imported from {tracker_name}: `{path}`."),
        Vec::new(),
    )
}

/// A slug for an imported ticket from any text: the format's slugify, at most 60 bytes.
pub fn slug_from(text: &str) -> Slug {
    let mut slug = ticket_domain::slugify(text);
    if slug.len() > 60 {
        slug.truncate(60);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    Slug::new(slug).unwrap_or_else(|_| Slug::from_title("item"))
}

/// The id a new ticket created at `at` with `slug` gets: `YYYYMMDD-HHMMSS-<slug>`.
pub fn proposed_id(at: Timestamp, slug: &Slug) -> TicketId {
    TicketId::new(format!("{}-{slug}", at.compact()))
        .unwrap_or_else(|_| TicketId::new("00000000-000000-item").expect("a valid id"))
}

/// A whole ticket from its parts, at no version yet.
pub fn ticket(
    summary: TicketSummary,
    body: String,
    events: Vec<TicketEvent>,
    resolution: Option<String>,
) -> Ticket {
    Ticket {
        summary,
        body: MarkdownText::new(body),
        events,
        resolution: resolution.map(MarkdownText::new),
        artifacts: Vec::new(),
        version: Version::default(),
    }
}

/// A naive local date-time (`2026-02-16T10:30:00.000000`, `2026-02-16 10:30:00`) or a date
/// (`2026-02-16`) read as if it were UTC, which it may not be: callers mark the value inferred.
pub fn naive_as_utc(raw: &str) -> Option<Timestamp> {
    let raw = raw.trim();
    let (date, time) = match raw.split_once(['T', ' ']) {
        Some((d, t)) => (d, t),
        None => (raw, "00:00:00"),
    };
    let time = time.split('.').next()?;
    if date.len() != 10 || time.len() != 8 || !time.bytes().all(|b| b.is_ascii_digit() || b == b':')
    {
        return None;
    }
    format!("{date}T{time}Z").parse().ok()
}

/// `at` as a naive date-time with microseconds (`2026-02-16T10:30:00.000000`), in UTC.
pub fn naive_micros(at: Timestamp) -> String {
    let s = at.to_string();
    format!("{}.000000", s.trim_end_matches('Z'))
}

/// The time of day `HH:MM:SS` of `at` (UTC).
pub fn time_of_day(at: Timestamp) -> String {
    at.to_string()[11..19].to_owned()
}

/// A time of day on the date of `day`, or of the next day when that would be before `day`:
/// how a time without a date (`10:35:00`) is placed after the event before it.
pub fn time_after(day: Timestamp, hms: &str) -> Option<Timestamp> {
    let date = &day.to_string()[..10];
    let t: Timestamp = format!("{date}T{hms}Z").parse().ok()?;
    if hms.len() != 8 {
        return None;
    }
    if t < day {
        Timestamp::from_unix(t.unix() + 86_400)
    } else {
        Some(t)
    }
}

/// A whole thread.md holding `events`, each under its heading (its kind when it has none).
pub fn thread_text(events: &[TicketEvent]) -> String {
    let mut text = String::new();
    for (n, e) in events.iter().enumerate() {
        if n == 0 {
            let heading = e.heading.clone().unwrap_or_else(|| e.kind.to_string());
            text = thread::first_event(&codec::header(e), &heading, e.body.as_str());
        } else {
            text = codec::thread_with(&text, e);
        }
    }
    text
}

/// `t` written as item.md and thread.md and read back, as the local backend stores and reads
/// it: what an import's round trip goes through. `Err` says what does not read back.
pub fn through_storage(t: &Ticket) -> Result<Ticket, String> {
    let item = codec::item_text(&t.summary, t.body.as_str());
    let fm = frontmatter::parse(&item).map_err(|e| format!("{e:?}"))?;
    let summary = codec::summary(&fm).map_err(|e| format!("item.md:{}: {}", e.line, e.message))?;
    let thread_text = thread_text(&t.events);
    let events = thread::parse(&thread_text)
        .events
        .into_iter()
        .map(|raw| codec::event(raw).map_err(|e| format!("thread.md:{}: {}", e.line, e.message)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Ticket {
        summary,
        body: MarkdownText::new(&item[fm.body_start..]),
        events,
        resolution: t.resolution.clone(),
        artifacts: t.artifacts.clone(),
        version: t.version.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        for v in [
            Json::String("resolved".into()),
            Json::String("[not a list".into()),
            Json::String("null".into()),
            Json::Null,
            Json::Array(vec![Json::String("a, b".into())]),
            Json::Object(vec![("k\n".into(), Json::Number("1".into()))]),
        ] {
            let raw = encode_value(&v);
            assert!(!raw.contains('\n'), "{raw}");
            assert_eq!(decode_value(&raw), Some(v), "{raw}");
        }
    }

    #[test]
    fn times() {
        let t = naive_as_utc("2026-02-16T10:30:00.000000").expect("naive");
        assert_eq!(t.to_string(), "2026-02-16T10:30:00Z");
        assert_eq!(naive_micros(t), "2026-02-16T10:30:00.000000");
        assert_eq!(
            naive_as_utc("2026-02-01").map(|t| t.to_string()),
            Some("2026-02-01T00:00:00Z".into())
        );
        assert!(naive_as_utc("yesterday").is_none());
        let late = time_after(t, "09:00:00").expect("next day");
        assert_eq!(late.to_string(), "2026-02-17T09:00:00Z");
        assert_eq!(time_of_day(late), "09:00:00");
        assert!(time_after(t, "9:00").is_none());
    }

    #[test]
    fn authors() {
        assert_eq!(safe_author("System"), ("System".into(), false));
        assert_eq!(safe_author("a-->b\n"), ("a--b ".into(), true));
        assert_eq!(safe_author(""), ("unknown".into(), true));
    }
}
