//! aticket-cli tickets (a directory each: `state/ticket.sqlite3`, the truth, and a rendered
//! `TICKET.md`) to and from tickets, losslessly (docs/formats.md has the mapping table).
//!
//! Pure: a [`Record`] holds a ticket's rows; `ticket-fmt-aticket-db` reads and writes the SQLite
//! file, [`render`] reads and writes `TICKET.md`. [`import`] maps a record to a ticket,
//! [`export`] a ticket to a record and the files of its directory.
//!
//! Bugs of the source fixed on the way: an export never writes into an existing directory (the
//! tool, given a name taken in the same second, deletes the ticket there).

pub mod record;
pub mod render;

use ticket_domain::{
    Label, RelationKind, Ticket, TicketEvent, TicketStatus, TicketSummary, Timestamp, WorkMeta,
};
use ticket_format::foreign::{
    self, ExportedFile, Extras, ForeignLink, Imported, Kept, attr, get_attr,
};
use ticket_format::json::Json;

use record::{META_COLUMNS, NOTICE_COLUMNS, col, set};
pub use record::{Record, Row, Source, Sql};
use render::{compact_utf8, json_list};

/// The tracker's namespace in keys and attributes: `x_aticket_<field>`.
pub const TRACKER: &str = "aticket";
/// Its name in messages.
pub const NAME: &str = "aticket-cli";
/// A ticket directory's `.gitignore`.
pub const GITIGNORE: &str = "workspace/\nstate/\n";
/// A ticket's SQLite file, relative to its directory.
pub const DB_PATH: &str = "state/ticket.sqlite3";
/// The rendered view, relative to its directory.
pub const TICKET_MD: &str = "TICKET.md";
/// Side files of forks and squashes, relative to a ticket's directory.
pub const FORK_JSON: &str = "state/fork.json";
pub const SQUASH_JSON: &str = "state/squash.json";
/// The directories every ticket has.
pub const SUBDIRS: [&str; 4] = ["state/", "notes/", "artifacts/", "workspace/"];

/// The prose columns of `current_view`, with the headings the body gives them.
const PROSE: [(&str, &str); 7] = [
    ("goal", "Goal"),
    ("short_context", "Short context"),
    ("scope_non_goals", "Scope / Non-goals"),
    ("env_md", "Environment"),
    ("decisions_md", "Decisions"),
    ("artifacts_md", "Artifacts"),
    ("links_extra_md", "Links"),
];

/// The status a ticket has here, from its lifecycle.
pub fn status_of(lifecycle: &str) -> TicketStatus {
    match lifecycle {
        "ACTIVE" => TicketStatus::Pending,
        "ARCHIVED" => TicketStatus::Closed,
        _ => TicketStatus::Open,
    }
}

fn lifecycle_of(status: &TicketStatus) -> &'static str {
    match status {
        TicketStatus::Pending => "ACTIVE",
        TicketStatus::Closed => "ARCHIVED",
        _ => "BACKLOG",
    }
}

/// A time with its offset (`2026-11-24T11:17:10+08:00`): the local time read as UTC, and the
/// offset in seconds.
fn local_and_offset(raw: &str) -> Option<(Timestamp, i64)> {
    let at: Timestamp = raw.parse().ok()?;
    let local = foreign::naive_as_utc(raw.get(..19)?)?;
    Some((local, local.unix() - at.unix()))
}

/// The body: a `## Heading` section per prose column that is not NULL.
fn prose_body(view: &Row) -> String {
    PROSE
        .iter()
        .filter_map(|(c, h)| col(view, c).text().map(|v| format!("## {h}\n{v}\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The prose columns a body holds (reverses [`prose_body`] for bodies it wrote).
fn prose_of(body: &str) -> Vec<(&'static str, Option<String>)> {
    let mut found: Vec<(usize, usize, usize)> = Vec::new(); // (column, header start, value start)
    let mut offset = 0;
    let mut next = 0;
    for line in body.split_inclusive('\n') {
        let bare = line.strip_suffix('\n').unwrap_or(line);
        if let Some(i) = PROSE[next.min(PROSE.len())..]
            .iter()
            .position(|(_, h)| bare == format!("## {h}"))
        {
            let column = next + i;
            found.push((column, offset, offset + line.len()));
            next = column + 1;
        }
        offset += line.len();
    }
    PROSE
        .iter()
        .enumerate()
        .map(|(n, (c, _))| {
            let value = found.iter().position(|f| f.0 == n).map(|k| {
                let (_, _, start) = found[k];
                let end = found.get(k + 1).map_or(body.len(), |f| f.1);
                let v = &body[start.min(end)..end];
                let v = if k + 1 < found.len() {
                    v.strip_suffix("\n\n").unwrap_or(v)
                } else {
                    v.strip_suffix('\n').unwrap_or(v)
                };
                v.to_owned()
            });
            (*c, value)
        })
        .collect()
}

/// The work log's lines as events: `- HH:MM:SS: text` a `worklog` event at that time of day
/// (the date inferred, after the event before); any other line kept whole.
fn worklog_events(raw: &str, mut last_local: Timestamp, offset: i64) -> Vec<TicketEvent> {
    raw.split('\n')
        .map(|line| {
            let parsed = line.strip_prefix("- ").and_then(|l| {
                let (hms, text) = (l.get(..8)?, l.get(8..)?.strip_prefix(": ")?);
                let at = foreign::time_after(last_local, hms)?;
                Some((hms, text, at))
            });
            match parsed {
                Some((hms, text, at)) => {
                    last_local = at;
                    foreign::event(
                        "worklog",
                        NAME.into(),
                        Timestamp::from_unix(at.unix() - offset).unwrap_or(at),
                        "Work log",
                        text.to_owned(),
                        vec![
                            attr(TRACKER, "time", hms),
                            attr(TRACKER, "inferred", "date"),
                        ],
                    )
                }
                None => foreign::event(
                    "worklog",
                    NAME.into(),
                    Timestamp::from_unix(last_local.unix() - offset).unwrap_or(last_local),
                    "Work log",
                    line.to_owned(),
                    vec![attr(TRACKER, "line", "raw")],
                ),
            }
        })
        .collect()
}

/// The work log events give back: their lines joined, `None` when there are none.
fn worklog_text(events: &[&TicketEvent]) -> Option<String> {
    if events.is_empty() {
        return None;
    }
    let lines: Vec<String> = events
        .iter()
        .map(|e| {
            if get_attr(e, TRACKER, "line").is_some() {
                e.body.as_str().to_owned()
            } else {
                let hms = get_attr(e, TRACKER, "time")
                    .map_or_else(|| foreign::time_of_day(e.at), str::to_owned);
                let text = e.body.as_str();
                match e.kind.as_str() {
                    "worklog" => format!("- {hms}: {text}"),
                    kind => format!(
                        "- {hms}: {kind} by {}: {}",
                        e.author,
                        text.lines().next().unwrap_or_default()
                    ),
                }
            }
        })
        .collect();
    Some(lines.join("\n"))
}

/// Maps a record to a ticket. `now` stands in for a creation time it lacks (marked inferred).
pub fn import(r: &Record, now: Timestamp) -> Imported {
    let (m, v) = (&r.meta, &r.view);
    let mut x = Extras::new(TRACKER);
    let mut notices = Vec::new();
    let mut inferred = Vec::new();
    x.text("path", &r.dir);
    let source = match r.source {
        Source::Sqlite => "sqlite",
        Source::Rendered => "TICKET.md",
    };
    x.text("source", source);
    notices.push(match r.source {
        Source::Sqlite => format!("read from {DB_PATH}"),
        Source::Rendered => format!(
            "read from {TICKET_MD} ({DB_PATH} is not there: state/ is git-ignored); creation time, owner ids, checked messages and fork details are not in it"
        ),
    });
    // ticket_meta: every column kept as it is, the title only when ours does not give it.
    let title_raw = col(m, "title").text().unwrap_or_default().to_owned();
    let title = title_raw
        .strip_prefix("# Ticket: ")
        .unwrap_or(&title_raw)
        .trim()
        .to_owned();
    let title = if title.is_empty() {
        r.dir.clone()
    } else {
        title
    };
    let mut unknown = Vec::new();
    for (name, value) in m {
        if name == "title" && title_raw == format!("# Ticket: {title}") {
            continue;
        }
        if META_COLUMNS.iter().any(|(c, _)| c == name) {
            x.json(name, &value.to_json());
        } else {
            unknown.push((name.clone(), value.to_json()));
        }
    }
    if !unknown.is_empty() {
        x.json("meta_unknown", &Json::Object(unknown));
    }
    let dir_time = render::split_dir(&r.dir).and_then(|(date, _, hms)| {
        foreign::naive_as_utc(&format!(
            "{date}T{}:{}:{}",
            &hms[..2],
            &hms[2..4],
            &hms[4..]
        ))
    });
    let created = col(m, "created_at").text().and_then(local_and_offset);
    let (created_at, created_local, offset) = match (created, dir_time) {
        (Some((local, off)), _) => (
            Timestamp::from_unix(local.unix() - off).unwrap_or(local),
            local,
            off,
        ),
        (None, Some(t)) => {
            // The directory's local time, in the offset of any time the ticket shows.
            inferred.push("created_at".to_owned());
            let off = ["last_rendered_at", "owner_last_action_at", "archived_at"]
                .iter()
                .find_map(|c| col(m, c).text().and_then(local_and_offset))
                .map_or(0, |(_, off)| off);
            (Timestamp::from_unix(t.unix() - off).unwrap_or(t), t, off)
        }
        (None, None) => {
            inferred.push("created_at".to_owned());
            (now, now, 0)
        }
    };
    let updated_at = ["updated_at", "last_rendered_at"]
        .iter()
        .find_map(|c| col(m, c).text().and_then(|t| t.parse::<Timestamp>().ok()))
        .unwrap_or_else(|| {
            inferred.push("updated_at".to_owned());
            created_at
        });
    let lifecycle = col(m, "lifecycle_state").display();
    let status = status_of(&lifecycle);
    let assignee = (col(m, "owner_last_action").text() == Some("claim"))
        .then(|| col(m, "owner_label").display())
        .filter(|l| !l.trim().is_empty())
        .or_else(|| {
            (col(m, "owner_last_action").text() == Some("claim"))
                .then(|| col(m, "owner_last_actor_label").display())
                .filter(|l| !l.trim().is_empty())
        });
    // current_view: prose in the body, must-remember entries pinned, items as URL refs,
    // the work log as events.
    let body = prose_body(v);
    let prose_back = prose_of(&body);
    let exact_prose = PROSE
        .iter()
        .zip(&prose_back)
        .all(|((c, _), (_, got))| col(v, c).text().map(str::to_owned) == *got);
    if !exact_prose
        || PROSE
            .iter()
            .any(|(c, _)| !matches!(col(v, c), Sql::Null | Sql::Text(_)))
    {
        x.json(
            "view",
            &Json::Object(
                PROSE
                    .iter()
                    .map(|(c, _)| ((*c).to_owned(), col(v, c).to_json()))
                    .collect(),
            ),
        );
    }
    for name in ["singleton", "updated_at"] {
        x.json(&format!("view_{name}"), &col(v, name).to_json());
    }
    let unknown: Vec<(String, Json)> = v
        .iter()
        .filter(|(name, _)| !record::VIEW_COLUMNS.iter().any(|(c, _)| c == name))
        .map(|(name, value)| (name.clone(), value.to_json()))
        .collect();
    if !unknown.is_empty() {
        x.json("view_unknown", &Json::Object(unknown));
    }
    let must_raw = col(v, "must_remember");
    let must = must_raw.text().and_then(json_list).unwrap_or_default();
    let must_back = (!must.is_empty()).then(|| compact_utf8(&Json::strings(&must)));
    if must_raw.text().map(str::to_owned) != must_back {
        x.json("must_remember", &must_raw.to_json());
    }
    let items_raw = col(v, "items");
    let items = items_raw.text().and_then(json_list).unwrap_or_default();
    if items_raw.text().map(str::to_owned) != Some(compact_utf8(&Json::strings(&items))) {
        x.json("items", &items_raw.to_json());
    }
    let mut events = vec![foreign::import_event(created_at, NAME, &r.dir)];
    for item in &must {
        events.push(foreign::event(
            "pinned",
            NAME.into(),
            created_at,
            "Must remember",
            item.clone(),
            Vec::new(),
        ));
    }
    let log_raw = col(v, "work_log_md");
    let log = log_raw
        .text()
        .filter(|t| !t.is_empty())
        .map(|t| worklog_events(t, created_local, offset))
        .unwrap_or_default();
    if !log.is_empty() {
        inferred.push("work_log.date".into());
    }
    if worklog_text(&log.iter().collect::<Vec<_>>()) != log_raw.text().map(str::to_owned) {
        x.json("work_log_md", &log_raw.to_json());
    }
    events.extend(log);
    for n in &r.notices {
        events.push(message_event(n, created_at));
    }
    if let Some(f) = &r.fork_json {
        x.text("fork_json", f);
    }
    if let Some(s) = &r.squash_json {
        x.text("squash_json", s);
    }
    x.list("inferred", &inferred);
    let slug =
        foreign::slug_from(render::split_dir(&r.dir).map_or(r.dir.as_str(), |(_, topic, _)| topic));
    let mut meta = WorkMeta::default();
    meta.refs.urls = items;
    let resolution = (status == TicketStatus::Closed).then(|| {
        let at = col(m, "archived_at").display();
        if at.is_empty() {
            format!("Imported from {NAME}: archived.\n")
        } else {
            format!("Imported from {NAME}: archived at {at}.\n")
        }
    });
    let labels = Label::new(TRACKER).map(|l| vec![l]).unwrap_or_default();
    let summary = TicketSummary {
        id: foreign::proposed_id(created_at, &slug),
        slug,
        title,
        status,
        kind: "task".into(),
        priority: "P2".into(),
        labels,
        created_at,
        updated_at,
        assignee,
        legacy_ticket: Some(format!("{TRACKER}:{}", r.dir)),
        meta,
        extra: x.entries,
        relations: Default::default(),
    };
    Imported {
        path: r.dir.clone(),
        ticket: foreign::ticket(summary, body, events, resolution),
        artifacts: Vec::new(),
        notices,
        links: links(r),
    }
}

/// The fork and squash links of a ticket, as relations between legacy ids: a fork is `related`
/// to its source (the source lives on; the direction stays in `x_aticket_source_ticket_dir`),
/// and a squash target `supersedes` each source, so work that waited for a source now waits
/// for the ticket it went into. The tool records a squash on every source
/// (`squashed_into_ticket_dir`, or `Squashed into:` in `TICKET.md`), so the links are read
/// there; `state/squash.json` is kept verbatim. A fork's source is its `source_ticket_dir`, else
/// the `forked_from` of its fork metadata or `state/fork.json`.
pub fn links(r: &Record) -> Vec<ForeignLink> {
    let legacy = |dir: &str| format!("{TRACKER}:{dir}");
    let here = legacy(&r.dir);
    let forked_from_in = |raw: Option<&str>| {
        let fork = ticket_format::json::parse(raw?).ok()?;
        fork.get("forked_from")
            .and_then(Json::as_str)
            .map(str::to_owned)
    };
    let forked_from = col(&r.meta, "source_ticket_dir")
        .text()
        .map(str::to_owned)
        .or_else(|| forked_from_in(col(&r.meta, "fork_metadata_json").text()))
        .or_else(|| forked_from_in(r.fork_json.as_deref()));
    let squashed_into = col(&r.meta, "squashed_into_ticket_dir")
        .text()
        .or_else(|| col(&r.meta, "squashed_into_ticket_uri").text())
        .map(str::to_owned);
    let mut out = Vec::new();
    if let Some(dir) = forked_from.as_deref().and_then(dir_name) {
        out.push(ForeignLink {
            from: here.clone(),
            kind: RelationKind::Related,
            to: legacy(dir),
        });
    }
    if let Some(dir) = squashed_into.as_deref().and_then(dir_name) {
        out.push(ForeignLink {
            from: legacy(dir),
            kind: RelationKind::Supersedes,
            to: here,
        });
    }
    out.retain(|l| l.from != l.to);
    out
}

/// The name of the ticket directory a path or `file://` URI points at (`/code/tickets/<dir>/`
/// gives `<dir>`), when it looks like one.
fn dir_name(path: &str) -> Option<&str> {
    let path = path.trim();
    let path = path.strip_prefix("file://").unwrap_or(path);
    let path = path.strip_suffix("/TICKET.md").unwrap_or(path);
    let name = path.trim_end_matches('/').rsplit('/').next()?;
    (render::split_dir(name).is_some()).then_some(name)
}

/// A notice as a `message` event: its text the body, every other column an attribute.
fn message_event(n: &Row, fallback: Timestamp) -> TicketEvent {
    let at = col(n, "created_at")
        .text()
        .and_then(|t| t.parse().ok())
        .unwrap_or(fallback);
    let sender = col(n, "sender").display();
    let (author, _) = foreign::safe_author(&sender);
    let mut refs: Vec<_> = n
        .iter()
        .filter(|(c, v)| {
            c != "message" && !matches!(v, Sql::Null) && NOTICE_COLUMNS.iter().any(|(k, _)| k == c)
        })
        .map(|(c, v)| {
            let value = match v {
                Sql::Text(t) => t.clone(),
                other => ticket_format::json::compact(&other.to_json()),
            };
            attr(TRACKER, c, &value)
        })
        .collect();
    let unknown: Vec<(String, Json)> = n
        .iter()
        .filter(|(c, _)| !NOTICE_COLUMNS.iter().any(|(k, _)| k == c))
        .map(|(c, v)| (c.clone(), v.to_json()))
        .collect();
    if !unknown.is_empty() {
        refs.push(attr(
            TRACKER,
            "unknown",
            &ticket_format::json::compact(&Json::Object(unknown)),
        ));
    }
    let id = col(n, "id").display();
    foreign::event(
        "message",
        author,
        at,
        &format!("Message #{id}"),
        col(n, "message").display(),
        refs,
    )
}

/// A ticket as an aticket-cli record, for a directory under `tickets_dir` (absolute: the
/// record's `ticket_dir` names it, and the tool refuses a ticket whose path differs).
pub fn export(t: &Ticket, tickets_dir: &str) -> Record {
    let kept = Kept::new(TRACKER, &t.summary);
    let dir = kept.text("path").unwrap_or_else(|| {
        let s = t.created_at.to_string();
        format!(
            "{}-{}-{}{}{}",
            &s[..10],
            t.slug,
            &s[11..13],
            &s[14..16],
            &s[17..19]
        )
    });
    let time = |raw: Option<String>, ours: Timestamp| -> Sql {
        match raw {
            Some(raw) if raw.parse::<Timestamp>().ok() == Some(ours) => Sql::Text(raw),
            _ => Sql::Text(format!("{}+00:00", ours.to_string().trim_end_matches('Z'))),
        }
    };
    let mut meta: Row = Vec::new();
    for (name, _) in META_COLUMNS {
        let value = kept.json(name).map_or(Sql::Null, |j| Sql::from_json(&j));
        meta.push((name.to_owned(), value));
    }
    set(
        &mut meta,
        "ticket_dir",
        Sql::Text(format!("{}/{dir}", tickets_dir.trim_end_matches('/'))),
    );
    let title = match kept.json("title") {
        Some(Json::String(raw))
            if raw.strip_prefix("# Ticket: ").map(str::trim) == Some(t.title.as_str()) =>
        {
            raw
        }
        Some(Json::String(raw)) if raw == t.title => raw,
        _ => format!("# Ticket: {}", t.title),
    };
    set(&mut meta, "title", Sql::Text(title));
    set(
        &mut meta,
        "created_at",
        time(kept.text("created_at"), t.created_at),
    );
    set(
        &mut meta,
        "updated_at",
        time(kept.text("updated_at"), t.updated_at),
    );
    let lifecycle = match kept.text("lifecycle_state") {
        Some(raw) if status_of(&raw) == t.status => raw,
        _ => lifecycle_of(&t.status).to_owned(),
    };
    set(&mut meta, "lifecycle_state", Sql::Text(lifecycle));
    for (name, default) in [("render_revision", 1), ("rendered_revision", 1)] {
        if matches!(col(&meta, name), Sql::Null) {
            set(&mut meta, name, Sql::Int(default));
        }
    }
    set(
        &mut meta,
        "schema_version",
        Sql::Int(record::SCHEMA_VERSION),
    );
    // current_view.
    let mut view: Row = vec![("singleton".into(), Sql::Int(1))];
    let kept_view = kept.json("view");
    let prose: Vec<(&str, Option<String>)> = match &kept_view {
        Some(v) if prose_body(&view_row(v)) == t.body.as_str() => PROSE
            .iter()
            .map(|(c, _)| (*c, v.get(c).and_then(Json::as_str).map(str::to_owned)))
            .collect(),
        _ if kept.text("path").is_none() => {
            // A ticket of ours: its title is the goal, its body the context.
            vec![
                ("goal", Some(t.title.clone())),
                ("short_context", Some(t.body.as_str().to_owned())),
            ]
        }
        _ => prose_of(t.body.as_str()),
    };
    let pinned: Vec<String> = t
        .events
        .iter()
        .filter(|e| e.kind.as_str() == "pinned")
        .map(|e| e.body.as_str().to_owned())
        .collect();
    let must = match kept.json("must_remember") {
        Some(raw) => Sql::from_json(&raw),
        None if pinned.is_empty() => Sql::Null,
        None => Sql::Text(compact_utf8(&Json::strings(&pinned))),
    };
    let items = match kept.json("items") {
        Some(raw) => Sql::from_json(&raw),
        None => Sql::Text(compact_utf8(&Json::strings(&t.meta.refs.urls))),
    };
    let logged: Vec<&TicketEvent> = t
        .events
        .iter()
        .filter(|e| !matches!(e.kind.as_str(), "import" | "create" | "pinned" | "message"))
        .collect();
    let log = match kept.json("work_log_md") {
        Some(raw) => Sql::from_json(&raw),
        None => worklog_text(&logged).map_or(Sql::Null, Sql::Text),
    };
    let get = |c: &str| -> Sql {
        prose
            .iter()
            .find(|(k, _)| *k == c)
            .and_then(|(_, v)| v.clone())
            .map_or(Sql::Null, Sql::Text)
    };
    for (c, _) in record::VIEW_COLUMNS.iter().skip(1) {
        let value = match *c {
            "must_remember" => must.clone(),
            "items" => items.clone(),
            "work_log_md" => log.clone(),
            "updated_at" => match kept.json("view_updated_at").map(|j| Sql::from_json(&j)) {
                Some(Sql::Null) | None => time(None, t.updated_at),
                Some(v) => v,
            },
            c => get(c),
        };
        view.push(((*c).to_owned(), value));
    }
    // notices.
    let mut notices = Vec::new();
    for (n, e) in t
        .events
        .iter()
        .filter(|e| e.kind.as_str() == "message")
        .enumerate()
    {
        let mut row: Row = Vec::new();
        for (c, _) in NOTICE_COLUMNS {
            let raw = get_attr(e, TRACKER, c);
            let value = match (c, raw) {
                ("message", _) => Sql::Text(e.body.as_str().to_owned()),
                ("id", raw) => Sql::Int(raw.and_then(|r| r.parse().ok()).unwrap_or(n as i64 + 1)),
                ("archived_delivery", raw) => {
                    Sql::Int(raw.and_then(|r| r.parse().ok()).unwrap_or(0))
                }
                ("created_at", None) => time(None, e.at),
                ("with_items_json", None) => Sql::Text("[]".into()),
                ("sender", None) => Sql::Text(e.author.clone()),
                (_, Some(raw)) => Sql::Text(raw.to_owned()),
                (_, None) => Sql::Null,
            };
            row.push((c.to_owned(), value));
        }
        notices.push(row);
    }
    Record {
        dir,
        meta,
        view,
        notices,
        fork_json: kept.text("fork_json"),
        squash_json: kept.text("squash_json"),
        source: Source::Sqlite,
    }
}

fn view_row(v: &Json) -> Row {
    PROSE
        .iter()
        .map(|(c, _)| ((*c).to_owned(), v.get(c).map_or(Sql::Null, Sql::from_json)))
        .collect()
}

/// The files of a record's directory but its SQLite file (written by `ticket-fmt-aticket-db`):
/// `.gitignore`, `TICKET.md` rendered as the tool renders it, the side files, and the
/// directories every ticket has. Paths are relative to the tickets directory.
pub fn files(r: &Record) -> Vec<ExportedFile> {
    let rendered_at = col(&r.meta, "last_rendered_at")
        .text()
        .or(col(&r.meta, "updated_at").text())
        .unwrap_or_default()
        .to_owned();
    let d = &r.dir;
    let mut out = vec![ExportedFile {
        path: format!("{d}/"),
        bytes: Vec::new(),
    }];
    out.extend(SUBDIRS.iter().map(|s| ExportedFile {
        path: format!("{d}/{s}"),
        bytes: Vec::new(),
    }));
    out.push(ExportedFile {
        path: format!("{d}/.gitignore"),
        bytes: GITIGNORE.as_bytes().to_vec(),
    });
    out.push(ExportedFile {
        path: format!("{d}/{TICKET_MD}"),
        bytes: render::render(r, &rendered_at).into_bytes(),
    });
    for (name, text) in [(FORK_JSON, &r.fork_json), (SQUASH_JSON, &r.squash_json)] {
        if let Some(text) = text {
            out.push(ExportedFile {
                path: format!("{d}/{name}"),
                bytes: text.as_bytes().to_vec(),
            });
        }
    }
    out
}

/// Whether a directory name is one an export may create: one ordinary name.
pub fn valid_dir(dir: &str) -> bool {
    !dir.is_empty() && !dir.starts_with('.') && !dir.contains(['/', '\\', '\0'])
}
