//! The rules, run over a scanned [`Tree`] in a fixed order.
//!
//! The mirrors of `tickets.sh doctor` come first, in the shell's own order, so a caller printing
//! `doctor: <message>` prints the shell's lines first and identically. Ours follow: the root's
//! layout, then each ticket (status order open, pending, closed; names in byte order), then the
//! problems between tickets.

mod conflict;
mod frontmatter;
mod layout;
mod shell;
mod thread;

use crate::report::Sink;
use crate::scan::{Content, Tree};

/// Runs every rule; returns the shell mirrors' sink and ours.
pub(crate) fn check(tree: &Tree, max_per_code: usize) -> [Sink; 2] {
    let mut shell_sink = Sink::new(max_per_code);
    shell::check(tree, &mut shell_sink);

    let mut ours = Sink::new(max_per_code);
    layout::root(tree, &mut ours);
    for status in &tree.statuses {
        for ticket in &status.tickets {
            layout::ticket(ticket, &mut ours);
            let item = text(&ticket.item, &ticket.item_path(), &mut ours);
            let fields = item
                .map(|text| frontmatter::check(text, &ticket.item_path(), &mut ours))
                .unwrap_or_default();
            let newest = text(&ticket.thread, &ticket.thread_path(), &mut ours)
                .and_then(|text| thread::check(text, &ticket.thread_path(), &mut ours));
            text(&ticket.resolution, &ticket.resolution_path(), &mut ours);
            frontmatter::check_times(&fields, newest, &ticket.item_path(), &mut ours);
        }
    }
    layout::across(tree, &mut ours);
    [shell_sink, ours]
}

/// The file as text, after the checks every text file gets (readable, UTF-8, no conflict
/// markers); `None` when it cannot be read as text.
fn text<'a>(content: &'a Content, path: &std::path::Path, sink: &mut Sink) -> Option<&'a str> {
    match content {
        Content::Absent | Content::NotFile => None,
        Content::Unreadable(why) => {
            sink.push(
                crate::code::Code::Unreadable,
                path,
                None,
                format!("cannot read: {} ({why})", path.display()),
            );
            None
        }
        Content::Bytes(bytes) => {
            conflict::check(bytes, path, sink);
            match std::str::from_utf8(bytes) {
                Ok(text) => Some(text),
                Err(e) => {
                    let at = e.valid_up_to();
                    let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
                    sink.push(
                        crate::code::Code::NotUtf8,
                        path,
                        Some(line),
                        format!("not UTF-8 (byte {at}): {}:{line}", path.display()),
                    );
                    None
                }
            }
        }
    }
}
