//! The Orchestr8 ticket manager's files (`.orchestr8/tickets/<id>.json`, archived under
//! `archive/`) to and from tickets, losslessly (docs/formats.md has the mapping table).
//!
//! Pure: callers hand in the files' bytes ([`read`]) and write the files [`write`] returns.
//! A file as Orchestr8 writes it (`json.dump(..., indent=2)`, no final newline) comes back byte
//! for byte; so does one in another `json.dump` layout, which is remembered.
//!
//! Bugs of the source fixed on the way: a file under `archive/` is archived whatever its stale
//! `status` says; an id that repeats (an archived ticket changed again writes a second copy) is
//! qualified by its path; an export never reuses an id whose file exists.

mod tracker;
pub use tracker::Orchestr8;

use snafu::Snafu;
use ticket_domain::{Label, Ticket, TicketStatus, TicketSummary, Timestamp, WorkMeta};
use ticket_format::foreign::{
    self, ExportedFile, Extras, ForeignFile, Imported, Kept, attr, get_attr,
};
use ticket_format::json::{self, Json, Style};

/// The tracker's namespace in keys and attributes: `x_orchestr8_<field>`.
pub const TRACKER: &str = "orchestr8";
/// Its name in messages.
pub const NAME: &str = "Orchestr8";
/// The directory archived tickets move to.
pub const ARCHIVE: &str = "archive/";
/// The keys Orchestr8 writes, in its order.
pub const KEYS: [&str; 11] = [
    "id",
    "fiefdom",
    "status",
    "title",
    "description",
    "errors",
    "warnings",
    "context",
    "created_at",
    "updated_at",
    "notes",
];
/// What its loader needs (a file without one of them never lists in Orchestr8).
const REQUIRED: [&str; 5] = ["id", "fiefdom", "status", "title", "description"];
/// The title of a ticket whose Orchestr8 title is empty (the empty title is kept).
pub const UNTITLED: &str = "(untitled)";

/// A file that is not an Orchestr8 ticket, or a ticket that cannot be written as one.
#[derive(Debug, Snafu)]
pub enum Error {
    #[snafu(display("{path}:{line}: not JSON: {message}"))]
    NotJson {
        path: String,
        line: usize,
        message: String,
    },
    #[snafu(display("{path}: not an Orchestr8 ticket: {message}"))]
    NotTicket { path: String, message: String },
    #[snafu(display("{path}: {message}"))]
    Unwritable { path: String, message: String },
}

/// Reads ticket files (paths relative to the tickets directory: `<id>.json`,
/// `archive/<id>.json`). `now` stands in for times a file lacks (marked inferred).
pub fn read(files: &[ForeignFile], now: Timestamp) -> Vec<Result<Imported, Error>> {
    let parsed: Vec<Result<(String, Json, Style, bool), Error>> = files.iter().map(parse).collect();
    let ids: Vec<Option<String>> = parsed
        .iter()
        .map(|p| p.as_ref().ok().map(|(id, _, _, _)| id.clone()))
        .collect();
    parsed
        .into_iter()
        .zip(files)
        .map(|(p, file)| {
            let (id, doc, style, newline) = p?;
            let repeats = ids
                .iter()
                .filter(|i| i.as_deref() == Some(id.as_str()))
                .count()
                > 1;
            import(file, &id, &doc, style, newline, repeats, now)
        })
        .collect()
}

/// The layouts `json.dump` gives, tried in turn: the one whose bytes are the file's is kept.
fn layouts() -> Vec<(Style, bool)> {
    let mut out = Vec::new();
    for newline in [false, true] {
        for indent in [Some(2), Some(4), None, Some(1), Some(3), Some(8), Some(0)] {
            for ascii in [true, false] {
                out.push((Style { indent, ascii }, newline));
            }
        }
    }
    out
}

fn parse(file: &ForeignFile) -> Result<(String, Json, Style, bool), Error> {
    let path = file.path.clone();
    let text = std::str::from_utf8(&file.bytes).map_err(|e| Error::NotJson {
        path: path.clone(),
        line: 1 + file.bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
        message: "not UTF-8".into(),
    })?;
    let doc = json::parse(text).map_err(|e| Error::NotJson {
        path: path.clone(),
        line: e.line,
        message: e.message,
    })?;
    if !matches!(doc, Json::Object(_)) {
        return NotTicketSnafu {
            path,
            message: "the file holds no JSON object",
        }
        .fail();
    }
    for key in REQUIRED {
        if doc.get(key).and_then(Json::as_str).is_none() {
            return NotTicketSnafu {
                path,
                message: format!("the key `{key}` is missing or not a string"),
            }
            .fail();
        }
    }
    let (style, newline) = layouts()
        .into_iter()
        .find(|(style, newline)| {
            let mut out = json::write(&doc, *style);
            if *newline {
                out.push('\n');
            }
            out == text
        })
        .unwrap_or((json::PYTHON_INDENT_2, text.ends_with('\n')));
    let id = doc
        .get("id")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok((id, doc, style, newline))
}

/// Orchestr8's priority words (kept in `context.priority`) and ours.
fn priority_of(word: Option<&str>) -> String {
    match word {
        None => "P2".into(),
        Some("critical" | "urgent") => "P0".into(),
        Some("high") => "P1".into(),
        Some("medium" | "normal") => "P2".into(),
        Some("low") => "P3".into(),
        Some(other) if other.trim().is_empty() => "P2".into(),
        Some(other) => other.to_owned(),
    }
}

fn priority_word(ours: &str) -> String {
    match ours {
        "P0" => "critical".into(),
        "P1" => "high".into(),
        "P2" => "medium".into(),
        "P3" => "low".into(),
        other => other.to_owned(),
    }
}

/// The status a ticket has here, from Orchestr8's status and where its file is.
pub fn status_of(raw: &str, archived: bool) -> TicketStatus {
    if archived {
        return TicketStatus::Closed;
    }
    match raw {
        "in_progress" => TicketStatus::Pending,
        "resolved" | "archived" | "closed" | "done" => TicketStatus::Closed,
        _ => TicketStatus::Open,
    }
}

fn import(
    file: &ForeignFile,
    id: &str,
    doc: &Json,
    style: Style,
    newline: bool,
    repeats: bool,
    now: Timestamp,
) -> Result<Imported, Error> {
    let path = &file.path;
    let text = |key: &str| doc.get(key).and_then(Json::as_str).unwrap_or_default();
    let archived = path.starts_with(ARCHIVE);
    let raw_status = text("status");
    let status = status_of(raw_status, archived);
    let mut x = Extras::new(TRACKER);
    let mut notices = Vec::new();
    let mut inferred = Vec::new();
    x.text("id", id);
    x.text("path", path);
    x.text("fiefdom", text("fiefdom"));
    x.text("status", raw_status);
    // Times: naive local time, no zone; read as UTC and marked inferred. A time that does not
    // read is the other one, else `now`.
    let parsed = |key: &str| {
        doc.get(key)
            .and_then(Json::as_str)
            .and_then(foreign::naive_as_utc)
    };
    for key in ["created_at", "updated_at"] {
        if let Some(raw) = doc.get(key) {
            x.json(key, raw);
        }
        inferred.push(key.to_owned());
    }
    let created_at = parsed("created_at").or(parsed("updated_at")).unwrap_or(now);
    let updated_at = parsed("updated_at").unwrap_or(created_at);
    for key in ["errors", "warnings", "context"] {
        if let Some(v) = doc.get(key) {
            x.json(key, v);
        }
    }
    let title = text("title");
    if title.is_empty() {
        x.text("title", title);
    }
    let keys: Vec<String> = match doc {
        Json::Object(entries) => entries.iter().map(|(k, _)| k.clone()).collect(),
        _ => Vec::new(),
    };
    if keys != KEYS {
        x.json("keys", &Json::strings(&keys));
    }
    let mut seen = Vec::new();
    let unknown: Vec<(String, Json)> = match doc {
        Json::Object(entries) => entries
            .iter()
            .filter(|(k, _)| {
                let dup = seen.contains(k);
                seen.push(k.clone());
                dup || !KEYS.contains(&k.as_str())
            })
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    if !unknown.is_empty() {
        x.json("unknown", &Json::Object(unknown));
    }
    if (style, newline) != (json::PYTHON_INDENT_2, false) {
        x.json(
            "layout",
            &Json::Object(vec![
                (
                    "indent".into(),
                    style
                        .indent
                        .map_or(Json::Null, |n| Json::Number(n.to_string())),
                ),
                ("ensure_ascii".into(), Json::Bool(style.ascii)),
                ("final_newline".into(), Json::Bool(newline)),
            ]),
        );
    }
    let fiefdom = text("fiefdom");
    let context = doc.get("context");
    let priority = priority_of(
        context
            .and_then(|c| c.get("priority"))
            .and_then(Json::as_str),
    );
    let legacy = if repeats {
        notices.push(format!(
            "the id {id} is in more than one file (Orchestr8 writes a second copy when an archived ticket changes): its legacy id is qualified by the path"
        ));
        format!("{TRACKER}:{path}")
    } else {
        format!("{TRACKER}:{id}")
    };
    let slug = foreign::slug_from(&format!(
        "{} {id}",
        if title.is_empty() { "untitled" } else { title }
    ));
    // Notes: events; their times have no date (placed after the event before, marked).
    let mut events = vec![foreign::import_event(created_at, NAME, path)];
    let mut last = created_at;
    match doc.get("notes") {
        None => {}
        Some(Json::Array(notes)) => {
            for note in notes {
                let event = note_event(note, &mut last);
                events.push(event);
            }
            if !notes.is_empty() {
                inferred.push("notes.date".into());
            }
        }
        Some(other) => x.json("notes", other),
    }
    x.list("inferred", &inferred);
    let resolution = (status == TicketStatus::Closed).then(|| {
        if archived && raw_status != "archived" {
            notices.push(format!(
                "archived: the file is under archive/, though its status still says `{raw_status}` (Orchestr8 moves a file to archive/ without saving its new status)"
            ));
            format!(
                "Imported from {NAME}: archived. The file is under `archive/`; its status field still says `{raw_status}`, which {NAME} never updates when it archives.\n"
            )
        } else {
            format!("Imported from {NAME} with status `{raw_status}`.\n")
        }
    });
    let labels = Label::new(fiefdom).map(|l| vec![l]).unwrap_or_default();
    let summary = TicketSummary {
        id: foreign::proposed_id(created_at, &slug),
        slug,
        title: if title.is_empty() {
            UNTITLED.into()
        } else {
            title.into()
        },
        status,
        kind: "task".into(),
        priority,
        labels,
        created_at,
        updated_at,
        assignee: None,
        legacy_ticket: Some(legacy),
        meta: WorkMeta::default(),
        extra: x.entries,
        relations: Default::default(),
    };
    let ticket = foreign::ticket(summary, text("description").to_owned(), events, resolution);
    match write_one(&ticket) {
        Ok(out) if out.bytes == file.bytes => {}
        Ok(_) => notices.push(
            "an export will not give back this file's bytes: its layout is not one json.dump writes"
                .into(),
        ),
        Err(e) => notices.push(format!("it cannot be exported back: {e}")),
    }
    Ok(Imported {
        path: path.clone(),
        ticket,
        artifacts: Vec::new(),
        notices,
        links: Vec::new(),
    })
}

/// A note as an event: `{time, author, text}`, the time of day kept (its date is inferred).
/// A note of another shape is kept whole as an attribute.
fn note_event(note: &Json, last: &mut Timestamp) -> ticket_domain::TicketEvent {
    let field = |k: &str| note.get(k).and_then(Json::as_str);
    let keys: Vec<&str> = match note {
        Json::Object(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
        _ => Vec::new(),
    };
    let hms = field("time").unwrap_or_default();
    let at = foreign::time_after(*last, hms).unwrap_or(*last);
    *last = at;
    let raw_author = field("author").unwrap_or_default();
    let (author, changed) = foreign::safe_author(raw_author);
    let clean = keys == ["time", "author", "text"]
        && field("text").is_some()
        && field("author").is_some()
        && foreign::time_after(at, hms).is_some();
    let mut refs = Vec::new();
    if clean {
        refs.push(attr(TRACKER, "time", hms));
        if changed {
            refs.push(attr(TRACKER, "author", raw_author));
        }
    } else {
        refs.push(attr(TRACKER, "note", &json::compact(note)));
    }
    refs.push(attr(TRACKER, "inferred", "date"));
    foreign::event(
        "note",
        author,
        at,
        "Note",
        field("text").unwrap_or_default().to_owned(),
        refs,
    )
}

/// Writes tickets as Orchestr8 files (paths relative to the tickets directory). `taken` says
/// whether a path already exists there: such a ticket is refused, never overwritten, and a new
/// id is never one whose file exists.
pub fn write(tickets: &[Ticket], taken: &dyn Fn(&str) -> bool) -> Vec<Result<ExportedFile, Error>> {
    let mut writer = Writer::default();
    tickets.iter().map(|t| writer.write(t, taken)).collect()
}

/// [`write`] one ticket at a time, so an export of many holds one ticket, not all of them:
/// it remembers the paths it gave, which no later ticket gets.
#[derive(Debug, Default)]
pub struct Writer {
    used: std::collections::HashSet<String>,
}

impl Writer {
    /// The next ticket's file; `taken` as for [`write`].
    pub fn write(
        &mut self,
        t: &Ticket,
        taken: &dyn Fn(&str) -> bool,
    ) -> Result<ExportedFile, Error> {
        let used = &mut self.used;
        let mut file = write_one(t)?;
        let kept = Kept::new(TRACKER, &t.summary);
        if kept.text("id").is_none() {
            // A ticket of ours: a fresh id, never one in use.
            let mut n = 0u32;
            loop {
                let id = new_id(t.id.as_str(), n);
                let clash = [format!("{id}.json"), format!("{ARCHIVE}{id}.json")]
                    .iter()
                    .any(|p| taken(p) || used.contains(p));
                if !clash {
                    file = write_with_id(t, &id)?;
                    break;
                }
                n += 1;
            }
        }
        if taken(&file.path) || used.contains(&file.path) {
            return UnwritableSnafu {
                path: file.path.clone(),
                message: "exists already; an export never overwrites a ticket",
            }
            .fail();
        }
        used.insert(file.path.clone());
        Ok(file)
    }
}

/// Eight hex digits from a ticket id (FNV-1a), as Orchestr8's ids look.
fn new_id(ours: &str, n: u32) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in ours.bytes().chain(n.to_le_bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// The file of one ticket, under the id it had in Orchestr8 (or a fresh one).
pub fn write_one(t: &Ticket) -> Result<ExportedFile, Error> {
    let kept = Kept::new(TRACKER, &t.summary);
    let id = kept.text("id").unwrap_or_else(|| new_id(t.id.as_str(), 0));
    write_with_id(t, &id)
}

fn write_with_id(t: &Ticket, id: &str) -> Result<ExportedFile, Error> {
    let kept = Kept::new(TRACKER, &t.summary);
    let source_path = kept.text("path").unwrap_or_default();
    let in_archive = source_path.starts_with(ARCHIVE) && t.status == TicketStatus::Closed;
    let raw_status = kept.text("status");
    let status = match raw_status {
        Some(raw) if status_of(&raw, source_path.starts_with(ARCHIVE)) == t.status => raw,
        _ if in_archive => "archived".into(),
        _ => match t.status {
            TicketStatus::Pending => "in_progress".into(),
            TicketStatus::Closed => "resolved".into(),
            _ => "open".into(),
        },
    };
    let time = |key: &str, ours: Timestamp| -> Json {
        match kept.json(key) {
            Some(Json::String(raw)) if foreign::naive_as_utc(&raw) == Some(ours) => {
                Json::String(raw)
            }
            Some(Json::String(raw)) if foreign::naive_as_utc(&raw).is_none() => Json::String(raw),
            Some(
                other @ (Json::Null
                | Json::Bool(_)
                | Json::Number(_)
                | Json::Array(_)
                | Json::Object(_)),
            ) => other,
            _ => Json::String(foreign::naive_micros(ours)),
        }
    };
    let mut context = kept.json("context").unwrap_or(Json::Object(Vec::new()));
    let context_priority = priority_of(context.get("priority").and_then(Json::as_str));
    if context_priority != t.priority
        && let Json::Object(entries) = &mut context
    {
        let word = Json::String(priority_word(&t.priority));
        match entries.iter_mut().find(|(k, _)| k == "priority") {
            Some((_, v)) => *v = word,
            None => entries.push(("priority".into(), word)),
        }
    }
    let title = match kept.text("title") {
        Some(raw) if t.title == UNTITLED => raw,
        _ => t.title.clone(),
    };
    let fiefdom = kept.text("fiefdom").unwrap_or_else(|| {
        t.labels
            .first()
            .map_or_else(|| "general".to_owned(), |l| l.as_str().to_owned())
    });
    let notes = match kept.json("notes") {
        Some(raw) => raw,
        None => Json::Array(
            t.events
                .iter()
                .filter(|e| !matches!(e.kind.as_str(), "import" | "create"))
                .map(event_note)
                .collect(),
        ),
    };
    let home = |key: &str| -> Option<Json> {
        Some(match key {
            "id" => Json::String(id.to_owned()),
            "fiefdom" => Json::String(fiefdom.clone()),
            "status" => Json::String(status.clone()),
            "title" => Json::String(title.clone()),
            "description" => Json::String(t.body.as_str().to_owned()),
            "errors" | "warnings" => kept.json(key).unwrap_or(Json::Array(Vec::new())),
            "context" => context.clone(),
            "created_at" => time(key, t.created_at),
            "updated_at" => time(key, t.updated_at),
            "notes" => notes.clone(),
            _ => return None,
        })
    };
    let order: Vec<String> = match kept.json("keys") {
        Some(keys) => keys.as_strings().unwrap_or_default(),
        None => KEYS.iter().map(|k| (*k).to_owned()).collect(),
    };
    let mut unknown = match kept.json("unknown") {
        Some(Json::Object(entries)) => entries,
        _ => Vec::new(),
    };
    let mut entries: Vec<(String, Json)> = Vec::new();
    for key in order {
        let first = !entries.iter().any(|(k, _)| *k == key);
        let value = if first && KEYS.contains(&key.as_str()) {
            home(&key)
        } else {
            unknown
                .iter()
                .position(|(k, _)| *k == key)
                .map(|i| unknown.remove(i).1)
        };
        if let Some(value) = value {
            entries.push((key, value));
        }
    }
    entries.extend(unknown);
    let (style, newline) = match kept.json("layout") {
        Some(layout) => (
            Style {
                indent: match layout.get("indent") {
                    Some(Json::Number(n)) => n.parse().ok(),
                    _ => None,
                },
                ascii: layout.get("ensure_ascii") != Some(&Json::Bool(false)),
            },
            layout.get("final_newline") == Some(&Json::Bool(true)),
        ),
        None => (json::PYTHON_INDENT_2, false),
    };
    let mut text = json::write(&Json::Object(entries), style);
    if newline {
        text.push('\n');
    }
    let dir = if in_archive { ARCHIVE } else { "" };
    let name = format!("{dir}{id}.json");
    if id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.') || id.contains('\0') {
        return UnwritableSnafu {
            path: name,
            message: "its Orchestr8 id cannot be a file name",
        }
        .fail();
    }
    Ok(ExportedFile {
        path: name,
        bytes: text.into_bytes(),
    })
}

/// An event as a note: the raw note when it was one, else `{time, author, text}`.
fn event_note(e: &ticket_domain::TicketEvent) -> Json {
    if let Some(raw) = get_attr(e, TRACKER, "note").and_then(|r| json::parse(r).ok()) {
        return raw;
    }
    let time = get_attr(e, TRACKER, "time")
        .map(str::to_owned)
        .unwrap_or_else(|| foreign::time_of_day(e.at));
    let author = get_attr(e, TRACKER, "author").unwrap_or(&e.author);
    Json::Object(vec![
        ("time".into(), Json::String(time)),
        ("author".into(), Json::String(author.to_owned())),
        ("text".into(), Json::String(e.body.as_str().to_owned())),
    ])
}
