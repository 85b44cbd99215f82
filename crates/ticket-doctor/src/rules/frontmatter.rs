//! item.md's frontmatter as our reader sees it (`ticket_format::frontmatter::parse`, `codec::summary`):
//! what does not delimit, decode or parse, and what `tickets.sh` would read differently.
//!
//! Missing and empty required keys are the shell mirror's to report; nothing here repeats them.

use std::collections::HashMap;
use std::path::Path;

use ticket_domain::Timestamp;
use ticket_format::codec;
use ticket_format::frontmatter::{self, Entry, SplitError};
use ticket_format::keys::{self, REQUIRED_KEYS};

use crate::code::Code;
use crate::report::Sink;

/// The two timestamps of a ticket, with their lines, when they parse; and its edges, for the
/// rules between tickets.
#[derive(Debug, Default)]
pub(super) struct Times {
    created: Option<(Timestamp, usize)>,
    updated: Option<(Timestamp, usize)>,
    pub edges: Option<super::relations::Edges>,
}

fn at(path: &Path, line: usize) -> String {
    format!("{}:{line}", path.display())
}

pub(super) fn check(text: &str, path: &Path, sink: &mut Sink) -> Times {
    let mut times = Times::default();
    let fm = match frontmatter::parse(text) {
        // The shell mirror reports `item.md missing frontmatter opener`.
        Err(SplitError::NoOpener) => return times,
        Err(SplitError::NoClosing { opener_line }) => {
            sink.push(
                Code::FrontmatterUnclosed,
                path,
                Some(opener_line),
                format!(
                    "frontmatter opened at line {opener_line} has no closing `---`: {}",
                    at(path, opener_line)
                ),
            );
            return times;
        }
        Ok(fm) => fm,
    };
    for issue in &fm.issues {
        sink.push(
            Code::FrontmatterNotKeyValue,
            path,
            Some(issue.line),
            format!("frontmatter {}: {}", issue.message, at(path, issue.line)),
        );
    }
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(fm.entries.len());
    for e in &fm.entries {
        match first.get(e.key.as_str()) {
            Some(&line) => sink.push(
                Code::FrontmatterDuplicateKey,
                path,
                Some(e.line),
                format!(
                    "key '{}' repeats the one at line {line}, which wins: {}",
                    e.key,
                    at(path, e.line)
                ),
            ),
            None => {
                first.insert(&e.key, e.line);
            }
        }
    }

    let crlf_opener = text.starts_with("---\r\n");
    if crlf_opener {
        sink.push(
            Code::ShellMisread,
            path,
            Some(1),
            format!(
                "item.md has CRLF line endings; the replaced tickets.sh reads no frontmatter from it: {}",
                at(path, 1)
            ),
        );
    }
    // Lines with a problem already reported (here or, for empty values, by the shell mirror).
    let mut reported = Vec::new();
    for key in REQUIRED_KEYS {
        let Some(e) = fm.entry(key) else { continue };
        if e.raw.is_empty() && e.continuation.is_empty() {
            reported.push(e.line);
            continue;
        }
        if !crlf_opener && let Some(how) = shell_misread(e, text) {
            sink.push(
                Code::ShellMisread,
                path,
                Some(e.line),
                format!(
                    "the replaced tickets.sh reads '{key}' differently ({how}): {}",
                    at(path, e.line)
                ),
            );
        }
        let undecodable = |sink: &mut Sink, message: String| {
            sink.push(
                Code::FieldUndecodable,
                path,
                Some(e.line),
                format!("{key}: {message}: {}", at(path, e.line)),
            );
        };
        match key {
            keys::LABELS => {
                if let Err(message) = e.list() {
                    undecodable(sink, message);
                    reported.push(e.line);
                }
            }
            keys::CREATED_AT | keys::UPDATED_AT => match e.scalar() {
                Err(message) => {
                    undecodable(sink, message);
                    reported.push(e.line);
                }
                Ok(value) => match value.parse::<Timestamp>() {
                    Ok(ts) if key == keys::CREATED_AT => times.created = Some((ts, e.line)),
                    Ok(ts) => times.updated = Some((ts, e.line)),
                    Err(err) => {
                        sink.push(
                            Code::TimestampInvalid,
                            path,
                            Some(e.line),
                            format!("{key}: {err}: {}", at(path, e.line)),
                        );
                        reported.push(e.line);
                    }
                },
            },
            _ => {
                if let Err(message) = e.scalar() {
                    undecodable(sink, message);
                    reported.push(e.line);
                }
            }
        }
    }
    // Whatever else the backend's reader refuses (ids, slugs, labels, typed extra keys).
    if let Err(fe) = codec::summary(&fm)
        && !fe.message.starts_with("missing required field")
        && !reported.contains(&fe.line)
    {
        sink.push(
            Code::FieldInvalid,
            path,
            Some(fe.line),
            format!("{}: {}", fe.message, at(path, fe.line)),
        );
    }
    times.edges = super::relations::check(&fm, path, sink);
    times
}

/// How the replaced `tickets.sh` (one raw `key: value` line, `\r` kept) would misread `e`.
fn shell_misread(e: &Entry, text: &str) -> Option<&'static str> {
    let line = text
        .get(e.span.clone())
        .and_then(|s| s.split('\n').next())
        .unwrap_or("");
    e.shell_misread().or_else(|| {
        line.ends_with('\r')
            .then_some("a CRLF line: it keeps the `\\r`")
    })
}

/// `updated_at` should be the newest time the ticket knows.
pub(super) fn check_times(
    times: &Times,
    newest_event: Option<(Timestamp, usize)>,
    path: &Path,
    sink: &mut Sink,
) {
    let Some((updated, line)) = times.updated else {
        return;
    };
    if let Some((created, _)) = times.created
        && updated < created
    {
        sink.push(
            Code::UpdatedBeforeCreated,
            path,
            Some(line),
            format!(
                "updated_at {updated} is earlier than created_at {created}: {}",
                at(path, line)
            ),
        );
    }
    if let Some((event_at, event_line)) = newest_event
        && updated < event_at
    {
        sink.push(
            Code::UpdatedBeforeEvent,
            path,
            Some(line),
            format!(
                "updated_at {updated} is earlier than the newest event ({event_at}, thread.md line {event_line}): {}",
                at(path, line)
            ),
        );
    }
}
