//! Ushabti's ticket files (`.ushabti/tickets/TNNNN-<slug>.yaml`, archived under `.archived/`)
//! to and from tickets, losslessly (docs/formats.md has the mapping table).
//!
//! Pure: callers hand in the files' bytes ([`read`]) and write the files [`write`] returns. A
//! file comes back byte for byte: one written as Ushabti writes it needs nothing kept; any other
//! (comments, other quoting, `|-` blocks, unknown keys, no final newline) keeps its layout in
//! `x_ushabti_layout`, and each entry's text is written back while its value is unchanged.
//!
//! Bugs of the source fixed on the way: a number used by an active and an archived ticket (it
//! comes back when the highest is archived) is qualified by its path; new numbers are the
//! maximum over active *and* archived tickets plus one; an export never overwrites a file.

pub mod yaml;

mod tracker;
pub use tracker::Ushabti;

use snafu::Snafu;
use ticket_domain::{Ticket, TicketStatus, TicketSummary, Timestamp, WorkMeta};
use ticket_format::foreign::{self, ExportedFile, Extras, ForeignFile, Imported, Kept, attr};
use ticket_format::json::Json;

use crate::yaml::Chunk;

/// The tracker's namespace in keys and attributes: `x_ushabti_<field>`.
pub const TRACKER: &str = "ushabti";
/// Its name in messages.
pub const NAME: &str = "Ushabti";
/// Where archived tickets are moved.
pub const ARCHIVED: &str = ".archived/";
/// The six keys, in the order Ushabti writes them.
pub const KEYS: [&str; 6] = [
    "id",
    "title",
    "created",
    "priority",
    "context",
    "proposed_work",
];
/// The title of a ticket whose Ushabti title is empty (the empty title is kept).
pub const UNTITLED: &str = "(untitled)";
/// The heading of the `plan` event that holds `proposed_work`.
const PROPOSED_WORK: &str = "Proposed work";

/// A file that is not a Ushabti ticket, or a ticket that cannot be written as one.
#[derive(Debug, Snafu)]
pub enum Error {
    #[snafu(display("{path}:{line}: not a Ushabti ticket: {message}"))]
    NotTicket {
        path: String,
        line: usize,
        message: String,
    },
    #[snafu(display("{path}: {message}"))]
    Unwritable { path: String, message: String },
}

/// One file read: its chunks and the values of the six keys.
struct Parsed {
    chunks: Vec<Chunk>,
    id: String,
}

fn value<'a>(chunks: &'a [Chunk], key: &str) -> Option<&'a str> {
    chunks.iter().find_map(|c| match c {
        Chunk::Entry { key: k, value, .. } if k == key => value.as_deref(),
        _ => None,
    })
}

fn parse(file: &ForeignFile) -> Result<Parsed, Error> {
    let not = |line: usize, message: &str| Error::NotTicket {
        path: file.path.clone(),
        line,
        message: message.to_owned(),
    };
    let text = std::str::from_utf8(&file.bytes).map_err(|e| {
        not(
            1 + file.bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
            "not UTF-8",
        )
    })?;
    let chunks = yaml::parse(text).map_err(|e| not(e.line, &e.message))?;
    for key in ["id", "title"] {
        if value(&chunks, key).is_none() {
            return Err(not(1, &format!("the key `{key}` is missing")));
        }
    }
    let id = value(&chunks, "id").unwrap_or_default().to_owned();
    Ok(Parsed { chunks, id })
}

/// The number of a `TNNNN` id.
pub fn number(id: &str) -> Option<u32> {
    id.strip_prefix('T')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
}

/// The slug part of a file name `T0042-improve-error-messages.yaml`.
fn file_slug(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_suffix(".yaml").unwrap_or(name);
    stem.split_once('-').map_or("", |(_, s)| s)
}

fn priority_of(word: &str) -> String {
    match word {
        "high" => "P1".into(),
        "medium" | "" => "P2".into(),
        "low" => "P3".into(),
        other => other.to_owned(),
    }
}

fn priority_word(ours: &str) -> String {
    match ours {
        "P0" | "P1" => "high".into(),
        "P2" => "medium".into(),
        "P3" | "P4" => "low".into(),
        other => other.to_owned(),
    }
}

/// Reads ticket files (paths relative to the tickets directory: `TNNNN-slug.yaml`,
/// `.archived/TNNNN-slug.yaml`). `now` stands in for a creation date a file lacks.
pub fn read(files: &[ForeignFile], now: Timestamp) -> Vec<Result<Imported, Error>> {
    let parsed: Vec<Result<Parsed, Error>> = files.iter().map(parse).collect();
    let ids: Vec<Option<String>> = parsed
        .iter()
        .map(|p| p.as_ref().ok().map(|p| p.id.clone()))
        .collect();
    parsed
        .into_iter()
        .zip(files)
        .map(|(p, file)| {
            let p = p?;
            let repeats = ids.iter().filter(|i| i.as_deref() == Some(&p.id)).count() > 1;
            Ok(import(file, &p, repeats, now))
        })
        .collect()
}

fn import(file: &ForeignFile, p: &Parsed, repeats: bool, now: Timestamp) -> Imported {
    let path = &file.path;
    let get = |key: &str| value(&p.chunks, key).unwrap_or_default();
    let archived = path.starts_with(ARCHIVED);
    let mut x = Extras::new(TRACKER);
    let mut notices = Vec::new();
    x.text("id", &p.id);
    x.text("path", path);
    let created_raw = value(&p.chunks, "created");
    if let Some(raw) = created_raw {
        x.text("created", raw);
    }
    x.text("priority", get("priority"));
    if get("title").is_empty() {
        x.text("title", "");
    }
    let created_at = created_raw.and_then(foreign::naive_as_utc).unwrap_or(now);
    x.list("inferred", &["created_at".into(), "updated_at".into()]);
    // The layout, when the file is not what Ushabti writes: every chunk, entries with their
    // text where writing their value would not give it back.
    let canonical: String = canonical_text(|k| value(&p.chunks, k).map(str::to_owned));
    let text = String::from_utf8_lossy(&file.bytes);
    if canonical != text {
        let chunks = p
            .chunks
            .iter()
            .map(|c| match c {
                Chunk::Trivia(t) => Json::strings(&["#".into(), t.clone()]),
                Chunk::Entry {
                    key, value, text, ..
                } => {
                    let plain = value
                        .as_ref()
                        .is_some_and(|v| KEYS.contains(&key.as_str()) && entry(key, v) == *text);
                    if plain {
                        Json::strings(std::slice::from_ref(key))
                    } else {
                        Json::strings(&[key.clone(), text.clone()])
                    }
                }
            })
            .collect();
        x.json(
            "layout",
            &Json::Object(vec![
                ("chunks".into(), Json::Array(chunks)),
                ("final_newline".into(), Json::Bool(text.ends_with('\n'))),
            ]),
        );
    }
    let legacy = if repeats {
        notices.push(format!(
            "the number {} is used by more than one file (Ushabti gives the highest number again once it is archived): its legacy id is qualified by the path",
            p.id
        ));
        format!("{TRACKER}:{path}")
    } else {
        format!("{TRACKER}:{}", p.id)
    };
    let slug_text = match file_slug(path) {
        "" => get("title"),
        s => s,
    };
    let slug = foreign::slug_from(slug_text);
    let status = if archived {
        TicketStatus::Closed
    } else {
        TicketStatus::Open
    };
    let mut events = vec![foreign::import_event(created_at, NAME, path)];
    if let Some(work) = value(&p.chunks, "proposed_work") {
        events.push(foreign::event(
            "plan",
            NAME.to_owned(),
            created_at,
            PROPOSED_WORK,
            work.to_owned(),
            vec![attr(TRACKER, "field", "proposed_work")],
        ));
    }
    let resolution = archived
        .then(|| format!("Imported from {NAME}: archived (the file is under `{ARCHIVED}`).\n"));
    let title = get("title");
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
        priority: priority_of(get("priority")),
        labels: Vec::new(),
        created_at,
        updated_at: created_at,
        assignee: None,
        legacy_ticket: Some(legacy),
        meta: WorkMeta::default(),
        extra: x.entries,
        relations: Default::default(),
    };
    let ticket = foreign::ticket(summary, get("context").to_owned(), events, resolution);
    match write_one(&ticket) {
        Ok(out) if out.bytes == file.bytes => {}
        Ok(_) => notices.push("an export will not give back this file's bytes".into()),
        Err(e) => notices.push(format!("it cannot be exported back: {e}")),
    }
    Imported {
        path: path.clone(),
        ticket,
        artifacts: Vec::new(),
        notices,
        links: Vec::new(),
    }
}

/// One entry as Ushabti writes it: the two texts as literal blocks, the rest as scalars.
fn entry(key: &str, value: &str) -> String {
    match key {
        "context" | "proposed_work" => yaml::block(key, value),
        _ => yaml::scalar(key, value),
    }
}

fn canonical_text(get: impl Fn(&str) -> Option<String>) -> String {
    KEYS.iter()
        .filter_map(|k| get(k).map(|v| entry(k, &v)))
        .collect()
}

/// The values of the six keys a ticket holds now, by key.
fn values(t: &Ticket, id: &str) -> Vec<(&'static str, String)> {
    let kept = Kept::new(TRACKER, &t.summary);
    let title = match kept.text("title") {
        Some(raw) if t.title == UNTITLED => raw,
        _ => t.title.clone(),
    };
    let created = match kept.text("created") {
        Some(raw) if foreign::naive_as_utc(&raw) == Some(t.created_at) => raw,
        Some(raw) if foreign::naive_as_utc(&raw).is_none() => raw,
        _ => t.created_at.to_string()[..10].to_owned(),
    };
    let priority = match kept.text("priority") {
        Some(raw) if priority_of(&raw) == t.priority => raw,
        _ => priority_word(&t.priority),
    };
    let proposed = t
        .events
        .iter()
        .rev()
        .find(|e| e.kind.as_str() == "plan")
        .map(|e| e.body.as_str().to_owned())
        .unwrap_or_default();
    vec![
        ("id", id.to_owned()),
        ("title", title),
        ("created", created),
        ("priority", priority),
        ("context", t.body.as_str().to_owned()),
        ("proposed_work", proposed),
    ]
}

/// The file of one ticket under the number it had in Ushabti (or `T0001`).
pub fn write_one(t: &Ticket) -> Result<ExportedFile, Error> {
    let kept = Kept::new(TRACKER, &t.summary);
    let id = kept.text("id").unwrap_or_else(|| "T0001".into());
    write_as(t, &id, None)
}

fn write_as(t: &Ticket, id: &str, name: Option<String>) -> Result<ExportedFile, Error> {
    let kept = Kept::new(TRACKER, &t.summary);
    let values = values(t, id);
    let get = |key: &str| {
        values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    };
    let text = match kept.json("layout") {
        None => canonical_text(get),
        Some(layout) => {
            let mut out = String::new();
            let chunks = match layout.get("chunks") {
                Some(Json::Array(c)) => c.clone(),
                _ => Vec::new(),
            };
            for c in chunks {
                let parts = c.as_strings().unwrap_or_default();
                match parts.as_slice() {
                    [hash, text] if hash == "#" => out.push_str(text),
                    [key] => out.push_str(&get(key).map(|v| entry(key, &v)).unwrap_or_default()),
                    [key, text] => {
                        let still = yaml::parse(text).ok().and_then(|c| match c.first() {
                            Some(Chunk::Entry { value, .. }) => Some(value.clone()),
                            _ => None,
                        });
                        match get(key) {
                            Some(v) if still != Some(Some(v.clone())) => {
                                out.push_str(&entry(key, &v))
                            }
                            _ => out.push_str(text),
                        }
                    }
                    _ => {}
                }
            }
            let newline = layout.get("final_newline") != Some(&Json::Bool(false));
            if !newline && out.ends_with('\n') {
                out.pop();
            } else if newline && !out.ends_with('\n') {
                out.push('\n');
            }
            out
        }
    };
    let dir = if t.status == TicketStatus::Closed {
        ARCHIVED
    } else {
        ""
    };
    let name = name.unwrap_or_else(|| {
        let source = kept.text("path").unwrap_or_default();
        let file = source.rsplit('/').next().unwrap_or_default();
        if file.is_empty() {
            format!("{id}-{}.yaml", t.slug)
        } else {
            file.to_owned()
        }
    });
    let path = format!("{dir}{name}");
    if name.starts_with('.') || name.contains(['/', '\\', '\0']) || !name.ends_with(".yaml") {
        return UnwritableSnafu {
            path,
            message: "its file name cannot be one here",
        }
        .fail();
    }
    Ok(ExportedFile {
        path,
        bytes: text.into_bytes(),
    })
}

/// Writes tickets as Ushabti files. `existing` lists the file names already in the directory
/// (active and archived): a path there is refused, never overwritten; a ticket without a
/// number, or whose number a file there uses, gets the next one, the maximum over active and
/// archived files (and those written now) plus one.
pub fn write(tickets: &[Ticket], existing: &[String]) -> Vec<Result<ExportedFile, Error>> {
    let mut writer = Writer::new(
        existing,
        tickets.iter().filter_map(|t| kept_number(&t.summary)),
    );
    tickets.iter().map(|t| writer.write(t)).collect()
}

/// The Ushabti number a ticket keeps from its last import (`T0042` gives 42), if any.
pub fn kept_number(summary: &TicketSummary) -> Option<u32> {
    Kept::new(TRACKER, summary)
        .text("id")
        .as_deref()
        .and_then(number)
}

/// The number at the start of a file name (`T0042-x.yaml`, under any directory).
fn number_of_path(p: &str) -> Option<u32> {
    let name = p.rsplit('/').next()?;
    number(name.split('-').next()?)
}

/// [`write`] one ticket at a time, so an export of many holds one ticket, not all of them. It
/// is told up front the numbers every ticket to come keeps ([`kept_number`]), so a new number
/// is never one of them, and remembers the paths it gave.
#[derive(Debug)]
pub struct Writer {
    /// Numbers of the files in the directory before the export.
    existing: std::collections::HashSet<u32>,
    /// Paths in the directory before and given since.
    used: std::collections::HashSet<String>,
    /// The highest number in `used` or kept by a ticket to come: a new one is the next.
    highest: u32,
}

impl Writer {
    /// A writer into a directory holding `existing` (paths relative to it), for tickets that
    /// keep the numbers `kept`.
    pub fn new(existing: &[String], kept: impl IntoIterator<Item = u32>) -> Self {
        let numbers: std::collections::HashSet<u32> =
            existing.iter().filter_map(|p| number_of_path(p)).collect();
        let highest = numbers.iter().copied().chain(kept).max().unwrap_or(0);
        Writer {
            existing: numbers,
            used: existing.iter().cloned().collect(),
            highest,
        }
    }

    /// The next ticket's file: under the number it keeps unless the directory has that number
    /// already, else under the next free one.
    pub fn write(&mut self, t: &Ticket) -> Result<ExportedFile, Error> {
        let own = write_one(t).and_then(|file| {
            if self.used.contains(&file.path) {
                return UnwritableSnafu {
                    path: file.path.clone(),
                    message: "exists already; an export never overwrites a ticket",
                }
                .fail();
            }
            Ok(file)
        });
        let result = match (own, kept_number(&t.summary)) {
            (Ok(file), Some(n)) if !self.existing.contains(&n) => Ok(file),
            (Err(e), _) => Err(e),
            (Ok(_), _) => {
                let next = self.highest + 1;
                if next > 9999 {
                    Err(Error::Unwritable {
                        path: t.id.to_string(),
                        message: "Ushabti numbers stop at T9999 (its four-digit pattern would not see T10000)".into(),
                    })
                } else {
                    let id = format!("T{next:04}");
                    write_as(t, &id, Some(format!("{id}-{}.yaml", t.slug)))
                }
            }
        };
        if let Ok(file) = &result {
            if let Some(n) = number_of_path(&file.path) {
                self.highest = self.highest.max(n);
            }
            self.used.insert(file.path.clone());
        }
        result
    }
}
