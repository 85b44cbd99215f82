//! thread.md as our reader sees it (`ticket_format::thread`, `codec::event`): headers that do not
//! parse, times that are not RFC 3339, text outside events, a last event with no `---` trailer
//! (a file cut short), and reviews without a verdict.
//!
//! Only header lines are looked at (`thread::header_lines`), and the last event alone is parsed
//! for its trailer: no other rule here needs a body, so none is copied or unquoted.

use std::path::Path;

use ticket_domain::Timestamp;
use ticket_format::codec;
use ticket_format::thread;

use crate::code::Code;
use crate::report::Sink;

fn at(path: &Path, line: usize) -> String {
    format!("{}:{line}", path.display())
}

/// Checks one thread; returns the newest valid event time and its header's line.
pub(super) fn check(text: &str, path: &Path, sink: &mut Sink) -> Option<(Timestamp, usize)> {
    let headers: Vec<thread::HeaderLine> = thread::header_lines(text).collect();
    if headers.is_empty() && text.trim().is_empty() {
        sink.push(
            Code::ThreadEmpty,
            path,
            None,
            format!("thread.md has no events: {}", path.display()),
        );
        return None;
    }
    let preamble = &text[..headers.first().map_or(text.len(), |h| h.start)];
    if !preamble.trim().is_empty() {
        let line = 1 + preamble.lines().take_while(|l| l.trim().is_empty()).count();
        sink.push(
            Code::ThreadPreamble,
            path,
            Some(line),
            format!(
                "text before the first event header (readers ignore it): {}",
                at(path, line)
            ),
        );
    }
    // Only the last event's own text is parsed, to see whether it ends with its trailer.
    if let Some(last) = headers.last()
        && thread::parse(&text[last.start..])
            .events
            .last()
            .is_some_and(|e| !e.terminated)
    {
        sink.push(
            Code::ThreadCutTail,
            path,
            Some(last.line),
            format!(
                "thread.md ends inside an event (no `---` after the last one; cut short?): {}",
                at(path, last.line)
            ),
        );
    }
    let mut newest: Option<(Timestamp, usize)> = None;
    let mut first_create: Option<String> = None;
    for found in headers {
        let line = found.line;
        let header = match thread::parse_header(found.text) {
            Ok(h) => h,
            Err(why) => {
                sink.push(
                    Code::EventHeaderMalformed,
                    path,
                    Some(line),
                    format!("malformed event header ({why}): {}", at(path, line)),
                );
                continue;
            }
        };
        match header.at.parse::<Timestamp>() {
            Ok(ts) => {
                if newest.is_none_or(|(n, _)| ts > n) {
                    newest = Some((ts, line));
                }
            }
            Err(err) => {
                sink.push(
                    Code::EventTimeInvalid,
                    path,
                    Some(line),
                    format!("event time: {err}: {}", at(path, line)),
                );
                continue;
            }
        }
        if header.kind == "create" {
            // The identity of a create: its id, else its header line (two creates of one ticket
            // written by the original script repeat no header).
            let identity = header.id.clone().unwrap_or_else(|| found.text.to_owned());
            match &first_create {
                None => first_create = Some(identity),
                Some(first) if *first != identity => {
                    sink.push(
                        Code::ThreadTwoCreates,
                        path,
                        Some(line),
                        format!(
                            "a second `create` event: two tickets created with one id were merged: {}",
                            at(path, line)
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        if header.kind == "review" && header.status.is_none() {
            sink.push(
                Code::ReviewWithoutVerdict,
                path,
                Some(line),
                format!(
                    "review event has no verdict (` status: approve|request_changes`): {}",
                    at(path, line)
                ),
            );
        }
        if header.refs.is_some()
            && let Err(e) = codec::event(thread::RawEvent {
                line,
                header: Ok(header),
                heading: None,
                body: String::new(),
                terminated: true,
            })
        {
            sink.push(
                Code::EventRefsInvalid,
                path,
                Some(line),
                format!("event refs: {}: {}", e.message, at(path, line)),
            );
        }
    }
    newest
}
