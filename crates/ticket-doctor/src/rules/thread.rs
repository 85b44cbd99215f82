//! thread.md as our reader sees it (`format::thread::parse`, `codec::event`): headers that do not
//! parse, times that are not RFC 3339, text outside events, a last event with no `---` trailer
//! (a file cut short), and reviews without a verdict.

use std::path::Path;

use ticket_domain::Timestamp;
use ticket_store_local::codec;
use ticket_store_local::format::thread;

use crate::code::Code;
use crate::report::Sink;

fn at(path: &Path, line: usize) -> String {
    format!("{}:{line}", path.display())
}

/// Checks one thread; returns the newest valid event time and its header's line.
pub(super) fn check(text: &str, path: &Path, sink: &mut Sink) -> Option<(Timestamp, usize)> {
    let parsed = thread::parse(text);
    if parsed.events.is_empty() && text.trim().is_empty() {
        sink.push(
            Code::ThreadEmpty,
            path,
            None,
            format!("thread.md has no events: {}", path.display()),
        );
        return None;
    }
    if !parsed.preamble.trim().is_empty() {
        let line = 1 + parsed
            .preamble
            .lines()
            .take_while(|l| l.trim().is_empty())
            .count();
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
    if let Some(last) = parsed.events.last()
        && !last.terminated
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
    for raw in parsed.events {
        let line = raw.line;
        let header = match &raw.header {
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
            && let Err(e) = codec::event(raw)
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
