//! `TICKET.md`: written from a record exactly as aticket-cli renders it, and read back into a
//! record when only it is there (in git, `state/` is ignored), as aticket-cli's own reverse
//! parser reads it: marker and footer stripped, sections split on `## ` lines.

use ticket_format::json::{self, Json};

use crate::record::{Record, Row, Source, Sql, col, set};

/// The first line of every `TICKET.md`.
pub const MARKER: &str = "<!-- managed-by: sqlite -->";
/// The heading the archived messages follow under `## Messages`.
const ARCHIVED_MESSAGES: &str = "Archived / no delivery guarantee:";

fn text(row: &Row, name: &str) -> String {
    col(row, name).display()
}

/// `# Ticket: <date> <topic>` from a directory name `<date>-<topic>-<HHMMSS>`.
pub fn title_from_dir(dir: &str) -> String {
    match split_dir(dir) {
        Some((date, topic, _)) => format!("# Ticket: {date} {topic}"),
        None => format!("# Ticket: {dir}"),
    }
}

/// `(date, topic, HHMMSS)` of a directory name, when it has that shape.
pub fn split_dir(dir: &str) -> Option<(&str, &str, &str)> {
    let date = dir.get(..10)?;
    let ok_date = date.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    });
    let rest = dir.get(11..)?;
    let (topic, hms) = rest.rsplit_once('-')?;
    let ok = ok_date
        && dir.as_bytes().get(10) == Some(&b'-')
        && !topic.is_empty()
        && hms.len() == 6
        && hms.bytes().all(|b| b.is_ascii_digit());
    ok.then_some((date, topic, hms))
}

fn section(name: &str, body: &str) -> String {
    let b = body.trim();
    if b.is_empty() {
        format!("## {name}\n\n")
    } else {
        format!("## {name}\n{b}\n")
    }
}

/// The strings of a JSON list held as text (`None` when it is not one).
pub fn json_list(raw: &str) -> Option<Vec<String>> {
    match json::parse(raw).ok()? {
        Json::Array(items) => Some(
            items
                .iter()
                .map(|i| match i {
                    Json::String(s) => s.clone(),
                    other => json::compact(other),
                })
                .collect(),
        ),
        _ => None,
    }
}

fn message_line(n: &Row) -> String {
    let mut meta = Vec::new();
    let from = text(n, "from_ticket");
    if !from.trim().is_empty() {
        meta.push(format!("from={}", from.trim()));
    }
    let with = json_list(&text(n, "with_items_json")).unwrap_or_default();
    meta.extend(
        with.iter()
            .filter(|w| !w.trim().is_empty())
            .map(|w| format!("with={}", w.trim())),
    );
    let sender = text(n, "sender");
    if !sender.trim().is_empty() {
        meta.push(format!("by={}", sender.trim()));
    }
    let suffix = if meta.is_empty() {
        String::new()
    } else {
        format!(" {}", meta.join(" "))
    };
    format!(
        "- [message #{}] {} {}{suffix}",
        text(n, "id"),
        text(n, "created_at"),
        text(n, "message")
    )
}

fn archived(n: &Row) -> bool {
    matches!(col(n, "archived_delivery"), Sql::Int(x) if *x != 0)
}

/// The notices `TICKET.md` shows: unread ones and archived ones (checked ones are not).
pub fn shown_notices(notices: &[Row]) -> Vec<&Row> {
    notices
        .iter()
        .filter(|n| archived(n) || matches!(col(n, "checked_at"), Sql::Null))
        .collect()
}

fn messages(notices: &[Row]) -> String {
    let shown = shown_notices(notices);
    let unread: Vec<&&Row> = shown.iter().filter(|n| !archived(n)).collect();
    let old: Vec<&&Row> = shown.iter().filter(|n| archived(n)).collect();
    let mut lines = Vec::new();
    if !unread.is_empty() {
        lines.push(format!("Unread: {}", unread.len()));
        lines.push(String::new());
        lines.extend(unread.iter().map(|n| message_line(n)));
    }
    if !old.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(ARCHIVED_MESSAGES.into());
        lines.push(String::new());
        lines.extend(old.iter().map(|n| message_line(n)));
    }
    lines.join("\n").trim_end().to_owned()
}

/// The keys of `state/fork.json` the `## Fork` section shows, with their labels, in order; then
/// one `- Copied path:` line per entry of `copied_paths`.
const FORK_LINES: [(&str, &str); 5] = [
    ("forked_from", "Forked from"),
    ("snapshot_taken_at", "Snapshot taken at"),
    ("source_ticket_snapshot_path", "Source snapshot"),
    ("canonical_source_after_fork", "Canonical source after fork"),
    (
        "source_ticket_owner_at_fork_time",
        "Source ticket owner at fork time",
    ),
];

/// `fork_metadata_json` as far as a `## Fork` section shows it (the reverse of
/// [`fork_section`]; keys sorted and compact, as the tool writes it): what a ticket read from
/// `TICKET.md` alone knows of its fork. `None` for an empty section.
fn fork_json_from_section(section: &str) -> Option<String> {
    let mut fields: Vec<(String, Json)> = Vec::new();
    let mut copied = Vec::new();
    for line in section.lines() {
        let Some(line) = line.strip_prefix("- ") else {
            continue;
        };
        if let Some(path) = line.strip_prefix("Copied path: ") {
            copied.push(Json::String(path.to_owned()));
            continue;
        }
        for (key, label) in FORK_LINES {
            if let Some(value) = line.strip_prefix(label).and_then(|r| r.strip_prefix(": ")) {
                let value = if key == "forked_from" {
                    value.strip_suffix('/').unwrap_or(value)
                } else {
                    value
                };
                fields.push((key.to_owned(), Json::String(value.to_owned())));
            }
        }
    }
    if !copied.is_empty() {
        fields.push(("copied_paths".to_owned(), Json::Array(copied)));
    }
    if fields.is_empty() {
        return None;
    }
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Some(compact_utf8(&Json::Object(fields)))
}

fn fork_section(raw: &str) -> String {
    let Ok(data) = json::parse(raw) else {
        return String::new();
    };
    let mut lines = Vec::new();
    for (key, label) in FORK_LINES {
        let mut value = data
            .get(key)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned();
        if key == "forked_from" && !value.is_empty() && !value.ends_with('/') {
            value.push('/');
        }
        if !value.is_empty() {
            lines.push(format!("- {label}: {value}"));
        }
    }
    if let Some(Json::Array(paths)) = data.get("copied_paths") {
        for p in paths {
            let v = p.as_str().map_or_else(|| json::compact(p), str::to_owned);
            if !v.trim().is_empty() {
                lines.push(format!("- Copied path: {}", v.trim()));
            }
        }
    }
    lines.join("\n").trim().to_owned()
}

/// `TICKET.md` for a record, byte for byte as aticket-cli renders it; `rendered_at` is the
/// `Rendered at:` time.
pub fn render(r: &Record, rendered_at: &str) -> String {
    let (m, v) = (&r.meta, &r.view);
    let title = match col(m, "title") {
        Sql::Text(t) if !t.is_empty() => t.clone(),
        _ => title_from_dir(&r.dir),
    };
    let lifecycle = match text(m, "lifecycle_state") {
        s if s.is_empty() => "ACTIVE".to_owned(),
        s => s,
    };
    let archived_at = text(m, "archived_at");
    let (action, actor, at) = (
        text(m, "owner_last_action"),
        text(m, "owner_last_actor_label"),
        text(m, "owner_last_action_at"),
    );
    let owner = if [&action, &actor, &at].iter().all(|s| !s.trim().is_empty()) {
        format!(
            "Owner: {} by {} at {}",
            action.trim(),
            actor.trim(),
            at.trim()
        )
    } else {
        String::new()
    };
    let squashed = text(m, "squashed_into_ticket_uri");
    let must = {
        let raw = text(v, "must_remember");
        if raw.is_empty() {
            "## Must remember\n\n".to_owned()
        } else {
            let items = json_list(&raw).unwrap_or_else(|| vec![raw.clone()]);
            let body: Vec<String> = items
                .iter()
                .filter(|i| !i.trim().is_empty())
                .enumerate()
                .map(|(n, i)| format!("{}. {}", n + 1, i.trim()))
                .collect();
            if body.is_empty() {
                "## Must remember\n\n".to_owned()
            } else {
                format!("## Must remember\n{}\n", body.join("\n"))
            }
        }
    };
    let items = json_list(&text(v, "items")).unwrap_or_default();
    let mut links: Vec<String> = items
        .iter()
        .filter(|u| !u.trim().is_empty())
        .map(|u| format!("- {u}"))
        .collect();
    links.extend(
        text(v, "links_extra_md")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned),
    );
    let fork = fork_section(&text(m, "fork_metadata_json"));
    let parts = [
        MARKER.to_owned(),
        title,
        String::new(),
        format!("Lifecycle: {lifecycle}"),
        if archived_at.is_empty() {
            String::new()
        } else {
            format!("Archived at: {archived_at}")
        },
        owner,
        if squashed.trim().is_empty() {
            String::new()
        } else {
            format!("Squashed into: {}", squashed.trim())
        },
        String::new(),
        section("Goal", &text(v, "goal")),
        section("Short context", &text(v, "short_context")),
        must,
        section("Messages", &messages(&r.notices)),
        section("Scope / Non-goals", &text(v, "scope_non_goals")),
        if fork.is_empty() {
            String::new()
        } else {
            section("Fork", &fork)
        },
        format!("## Items\n{}\n", links.join("\n")),
        section("Environment", &text(v, "env_md")),
        section("Work log", &text(v, "work_log_md")),
        section("Decisions", &text(v, "decisions_md")),
        section("Artifacts", &text(v, "artifacts_md")),
        "---".into(),
        format!(
            "Rendered from DB revision: {}",
            col(m, "render_revision").display_num()
        ),
        format!("Rendered at: {rendered_at}"),
    ];
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Sql {
    fn display_num(&self) -> String {
        match self {
            Sql::Null => "None".into(),
            other => other.display(),
        }
    }
}

/// Reads a `TICKET.md` into a record, as far as it says: the title, lifecycle, archive time,
/// owner line, squash target, the sections (must-remember items, unread and archived messages,
/// items and extra links) and the footer's revision and time. Creation time, owner ids,
/// checked messages and fork details are not in it.
pub fn parse(text: &str, dir: &str) -> Record {
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim()) == Some(MARKER) {
        lines.remove(0);
    }
    let mut meta: Row = Vec::new();
    let mut view: Row = Vec::new();
    while let Some(last) = lines.last() {
        if let Some(n) = last.strip_prefix("Rendered from DB revision: ") {
            set(
                &mut meta,
                "render_revision",
                n.trim().parse().map_or(Sql::Null, Sql::Int),
            );
        } else if let Some(t) = last.strip_prefix("Rendered at: ") {
            set(&mut meta, "last_rendered_at", Sql::Text(t.to_owned()));
        } else if !(last.trim() == "---" || last.trim().is_empty()) {
            break;
        }
        lines.pop();
    }
    let title = lines.first().copied().unwrap_or("# Ticket");
    set(&mut meta, "title", Sql::Text(title.to_owned()));
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    for line in lines.iter().skip(1) {
        if let Some(name) = line.strip_prefix("## ") {
            sections.push((name.trim().to_owned(), Vec::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push(line);
        } else if let Some(v) = line.strip_prefix("Lifecycle: ") {
            set(&mut meta, "lifecycle_state", Sql::Text(v.to_owned()));
        } else if let Some(v) = line.strip_prefix("Archived at: ") {
            set(&mut meta, "archived_at", Sql::Text(v.to_owned()));
        } else if let Some(v) = line.strip_prefix("Squashed into: ") {
            set(
                &mut meta,
                "squashed_into_ticket_uri",
                Sql::Text(v.to_owned()),
            );
        } else if let Some(v) = line.strip_prefix("Owner: ")
            && let Some((action, rest)) = v.split_once(" by ")
            && let Some((label, at)) = rest.rsplit_once(" at ")
        {
            set(&mut meta, "owner_last_action", Sql::Text(action.to_owned()));
            set(
                &mut meta,
                "owner_last_actor_label",
                Sql::Text(label.to_owned()),
            );
            set(&mut meta, "owner_last_action_at", Sql::Text(at.to_owned()));
        }
    }
    let body = |name: &str| -> Option<String> {
        sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.join("\n").trim_matches('\n').to_owned())
    };
    let field = |v: Option<String>| v.filter(|s| !s.is_empty()).map_or(Sql::Null, Sql::Text);
    set(&mut view, "singleton", Sql::Int(1));
    set(&mut view, "goal", field(body("Goal")));
    set(&mut view, "short_context", field(body("Short context")));
    let must: Vec<String> = body("Must remember")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (n, item) = l.split_once(". ")?;
            n.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| item.to_owned())
        })
        .collect();
    set(
        &mut view,
        "must_remember",
        if must.is_empty() {
            Sql::Null
        } else {
            Sql::Text(compact_utf8(&Json::strings(&must)))
        },
    );
    set(
        &mut view,
        "scope_non_goals",
        field(body("Scope / Non-goals")),
    );
    let mut items = Vec::new();
    let mut extra = Vec::new();
    for l in body("Items").unwrap_or_default().lines() {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        let candidate = l.strip_prefix("- ").unwrap_or(l);
        if is_uri(candidate) {
            items.push(candidate.to_owned());
        } else {
            extra.push(if l.starts_with("- ") {
                l.to_owned()
            } else {
                format!("- {l}")
            });
        }
    }
    set(
        &mut view,
        "items",
        Sql::Text(compact_utf8(&Json::strings(&items))),
    );
    set(&mut view, "links_extra_md", field(Some(extra.join("\n"))));
    set(&mut view, "decisions_md", field(body("Decisions")));
    set(&mut view, "artifacts_md", field(body("Artifacts")));
    set(&mut view, "work_log_md", field(body("Work log")));
    set(&mut view, "env_md", field(body("Environment")));
    let rendered_at = col(&meta, "last_rendered_at").clone();
    set(&mut view, "updated_at", rendered_at);
    if let Some(fork) = body("Fork").and_then(|section| fork_json_from_section(&section)) {
        if let Some(from) = json::parse(&fork).ok().and_then(|j| {
            j.get("forked_from")
                .and_then(Json::as_str)
                .map(str::to_owned)
        }) {
            set(&mut meta, "source_ticket_dir", Sql::Text(from));
        }
        set(&mut meta, "fork_metadata_json", Sql::Text(fork));
    }
    let mut notices = Vec::new();
    let mut archived_part = false;
    for l in body("Messages").unwrap_or_default().lines() {
        if l == ARCHIVED_MESSAGES {
            archived_part = true;
        }
        if let Some(n) = parse_message(l, archived_part) {
            notices.push(n);
        }
    }
    Record {
        dir: dir.to_owned(),
        meta,
        view,
        notices,
        fork_json: None,
        squash_json: None,
        source: Source::Rendered,
    }
}

/// `["a", "b"]`, as Python's `json.dumps(items, ensure_ascii=False)`.
pub fn compact_utf8(v: &Json) -> String {
    json::write(
        v,
        json::Style {
            indent: None,
            ascii: false,
        },
    )
}

/// Whether text starts with a URI scheme (`file://`, `https://`, `agents://`).
pub fn is_uri(s: &str) -> bool {
    let Some((scheme, _)) = s.trim().split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-'))
}

/// `- [message #N] <created_at> <message> [from=..] [with=..].. [by=..]`, read from the right.
fn parse_message(line: &str, archived: bool) -> Option<Row> {
    let rest = line.strip_prefix("- [message #")?;
    let (id, rest) = rest.split_once("] ")?;
    let id: i64 = id.parse().ok()?;
    let (created, mut msg) = rest.split_once(' ').unwrap_or((rest, ""));
    let mut sender = String::new();
    let mut with = Vec::new();
    let mut from = None;
    loop {
        let (head, last) = msg.rsplit_once(' ').unwrap_or(("", msg));
        if let Some(s) = last
            .strip_prefix("by=")
            .filter(|_| sender.is_empty() && with.is_empty() && from.is_none())
        {
            sender = s.to_owned();
        } else if let Some(w) = last.strip_prefix("with=").filter(|_| from.is_none()) {
            with.insert(0, w.to_owned());
        } else if let Some(f) = last.strip_prefix("from=").filter(|_| from.is_none()) {
            from = Some(f.to_owned());
        } else {
            break;
        }
        msg = head;
    }
    Some(vec![
        ("id".into(), Sql::Int(id)),
        ("created_at".into(), Sql::Text(created.to_owned())),
        ("message".into(), Sql::Text(msg.to_owned())),
        ("from_ticket".into(), from.map_or(Sql::Null, Sql::Text)),
        (
            "with_items_json".into(),
            Sql::Text(compact_utf8(&Json::strings(&with))),
        ),
        ("sender".into(), Sql::Text(sender)),
        ("archived_delivery".into(), Sql::Int(i64::from(archived))),
    ])
}
