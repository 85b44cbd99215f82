//! The checker every scenario ends with: it reads a root with the library's own parsers and says,
//! naming the ticket and the event, what was lost, duplicated, torn or misplaced.
//!
//! Every mutation a scenario makes carries a unique marker `w<writer>-m<n>` (in an event's body,
//! or in a new ticket's title), so each one can be found again exactly.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use ticket_format::codec;
use ticket_format::{frontmatter, thread};
use ticket_store_local::STATUS_DIRS;

/// What the writer said about a mutation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It reported success: the mutation must be there exactly once.
    Acked,
    /// It reported failure: nothing of it may be there.
    Failed,
    /// The rules refused it (a close of a closed ticket): nothing of it may be there, and its
    /// failure is no problem.
    Refused,
    /// It was killed before it said: there at most once.
    InFlight,
}

/// One mutation a writer made.
#[derive(Clone, Debug)]
pub struct Expected {
    pub marker: String,
    /// The ticket id its event belongs to; for a create, the id the writer printed (if it did).
    pub ticket: Option<String>,
    /// `comment by writer 3`, for the messages.
    pub what: String,
    pub create: bool,
    pub fate: Fate,
}

/// What a root holds, as the library reads it.
#[derive(Debug, Default)]
pub struct Seen {
    /// marker -> ticket ids whose thread holds it (once per event).
    pub events: BTreeMap<String, Vec<String>>,
    /// marker -> ticket ids whose title holds it.
    pub titles: BTreeMap<String, Vec<String>>,
    /// ticket id -> status directories holding it.
    pub statuses: BTreeMap<String, Vec<&'static str>>,
    /// Files that do not read (torn or corrupt), with why.
    pub torn: Vec<String>,
    pub event_count: usize,
}

/// The tally a scenario reports.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub checked: usize,
    pub lost: usize,
    pub duplicated: usize,
    pub torn: usize,
    pub misplaced: usize,
}

fn markers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|t| is_marker(t))
}

fn is_marker(t: &str) -> bool {
    let Some((w, m)) = t.strip_prefix('w').and_then(|r| r.split_once("-m")) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(w) && digits(m)
}

/// Reads every ticket of `root`: each item.md must parse whole, each thread.md must be whole
/// events from its first byte to its last.
pub fn scan(root: &Path) -> Seen {
    let mut seen = Seen::default();
    for status in STATUS_DIRS {
        let Ok(entries) = fs::read_dir(root.join(status)) else {
            continue;
        };
        let mut dirs: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        dirs.sort();
        for dir in dirs {
            let id = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if id.starts_with('.') || !dir.is_dir() {
                continue;
            }
            seen.statuses.entry(id.clone()).or_default().push(status);
            read_item(&dir, &id, &mut seen);
            read_thread(&dir, &id, &mut seen);
        }
    }
    seen
}

fn read_item(dir: &Path, id: &str, seen: &mut Seen) {
    let path = dir.join("item.md");
    let text = match fs::read(&path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => return seen.torn.push(format!("ticket {id}: item.md is not UTF-8")),
        Err(e) => return seen.torn.push(format!("ticket {id}: item.md: {e}")),
    };
    let summary = frontmatter::parse(&text)
        .map_err(|e| format!("{e:?}"))
        .and_then(|fm| codec::summary(&fm).map_err(|e| format!("line {}: {}", e.line, e.message)));
    match summary {
        Ok(s) => {
            if s.id.as_str() != id {
                seen.torn
                    .push(format!("ticket {id}: item.md has id {}", s.id.as_str()));
            }
            for m in markers(&s.title) {
                seen.titles
                    .entry(m.to_owned())
                    .or_default()
                    .push(id.to_owned());
            }
        }
        Err(why) => seen
            .torn
            .push(format!("ticket {id}: item.md does not read (torn?): {why}")),
    }
}

fn read_thread(dir: &Path, id: &str, seen: &mut Seen) {
    let path = dir.join("thread.md");
    let text = match fs::read(&path).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => {
            return seen
                .torn
                .push(format!("ticket {id}: thread.md is not UTF-8"));
        }
        Err(e) => return seen.torn.push(format!("ticket {id}: thread.md: {e}")),
    };
    let parsed = thread::parse(&text);
    if !parsed.preamble.is_empty() {
        seen.torn.push(format!(
            "ticket {id}: thread.md has text before its first event"
        ));
    }
    let last = parsed.events.len().saturating_sub(1);
    for (n, raw) in parsed.events.into_iter().enumerate() {
        let line = raw.line;
        if n == last && !raw.terminated {
            seen.torn.push(format!(
                "ticket {id}: thread.md does not end on a whole event (the event at line {line} has no `---` trailer)"
            ));
        }
        match codec::event(raw) {
            Ok(event) => {
                seen.event_count += 1;
                let mut once: Vec<&str> = markers(event.body.as_str()).collect();
                once.dedup();
                for m in once {
                    seen.events
                        .entry(m.to_owned())
                        .or_default()
                        .push(id.to_owned());
                }
            }
            Err(e) => seen.torn.push(format!(
                "ticket {id}: thread.md:{} does not read: {}",
                e.line, e.message
            )),
        }
    }
}

/// Entries of `scratch` (the directory holding the root) other than the root and the scenario's
/// own files (`keep` prefixes): anything there was written outside the root.
pub fn outside_writes(scratch: &Path, keep: &[&str]) -> Vec<String> {
    let Ok(entries) = fs::read_dir(scratch) else {
        return vec![format!("cannot list {}", scratch.display())];
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "work-items" && !keep.iter().any(|k| n.starts_with(k)))
        .map(|n| format!("written outside the root: {}", scratch.join(n).display()))
        .collect()
}

/// Compares what writers did with what `seen` holds; returns the tally and one line per problem,
/// each naming the ticket and the event.
pub fn compare(expected: &[Expected], seen: &Seen) -> (Tally, Vec<String>) {
    let mut tally = Tally {
        torn: seen.torn.len(),
        ..Tally::default()
    };
    let mut problems = seen.torn.clone();
    for (id, statuses) in &seen.statuses {
        if statuses.len() > 1 {
            tally.misplaced += 1;
            problems.push(format!(
                "ticket {id}: in {} status directories ({})",
                statuses.len(),
                statuses.join(", ")
            ));
        }
    }
    let none = Vec::new();
    for e in expected {
        tally.checked += 1;
        let found = if e.create {
            seen.titles.get(&e.marker).unwrap_or(&none)
        } else {
            seen.events.get(&e.marker).unwrap_or(&none)
        };
        let kind = if e.create { "ticket" } else { "event" };
        let ticket = e.ticket.as_deref().unwrap_or("(unknown id)");
        let allowed = match e.fate {
            Fate::Acked => 1..=1,
            Fate::Failed | Fate::Refused => 0..=0,
            Fate::InFlight => 0..=1,
        };
        if !allowed.contains(&found.len()) {
            if found.is_empty() {
                tally.lost += 1;
                problems.push(format!(
                    "ticket {ticket}: {kind} {} ({}) missing",
                    e.marker, e.what
                ));
            } else {
                tally.duplicated += 1;
                let fate = if matches!(e.fate, Fate::Failed | Fate::Refused) {
                    ", though its writer reported failure"
                } else {
                    ""
                };
                problems.push(format!(
                    "ticket {ticket}: {kind} {} ({}) present {} times{fate} (in {})",
                    e.marker,
                    e.what,
                    found.len(),
                    found.join(", ")
                ));
            }
            continue;
        }
        if let Some(want) = &e.ticket
            && found.iter().any(|id| id != want)
        {
            tally.misplaced += 1;
            problems.push(format!(
                "ticket {want}: {kind} {} ({}) found in another ticket: {}",
                e.marker,
                e.what,
                found.join(", ")
            ));
        }
    }
    (tally, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_whole_tokens() {
        let found: Vec<&str> = markers("Comment w3-m57, and xw1-m2 w12-m0\n").collect();
        assert_eq!(found, ["w3-m57", "w12-m0"]);
    }

    #[test]
    fn a_missing_event_names_ticket_and_event() {
        let expected = [Expected {
            marker: "w3-m57".into(),
            ticket: Some("20260101-000000-a".into()),
            what: "comment by writer 3".into(),
            create: false,
            fate: Fate::Acked,
        }];
        let (tally, problems) = compare(&expected, &Seen::default());
        assert_eq!(tally.lost, 1);
        assert_eq!(
            problems,
            ["ticket 20260101-000000-a: event w3-m57 (comment by writer 3) missing"]
        );
    }
}
