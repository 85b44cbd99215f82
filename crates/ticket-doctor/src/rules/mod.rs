//! The rules, run over a scanned [`Tree`] in a fixed order.
//!
//! The mirrors of `tickets.sh doctor` come first, in the shell's own order, so a caller printing
//! `doctor: <message>` prints the shell's lines first and identically. Ours follow: the root's
//! layout, then each ticket (status order open, pending, closed; names in byte order), then the
//! problems between tickets.

mod conflict;
mod frontmatter;
mod layout;
mod relations;
mod shell;
mod thread;

use std::path::PathBuf;

use crate::report::Sink;
use crate::scan::{Content, TicketDir, Tree};

/// What the rules found in one ticket while its files were in memory.
pub(crate) struct TicketFindings {
    shell: Sink,
    ours: Sink,
    /// The id and slug the shell would collect, for its duplicate checks.
    id: Option<(Vec<u8>, PathBuf)>,
    slug: Option<(Vec<u8>, PathBuf)>,
    /// The id and edges, for the relation rules between tickets.
    edges: Option<relations::Edges>,
}

/// Runs every per-ticket rule on one ticket.
pub(crate) fn ticket(t: &TicketDir) -> TicketFindings {
    let mut shell_sink = Sink::buffer();
    let (id, slug) = shell::check_ticket(t, &mut shell_sink);
    let mut ours = Sink::buffer();
    layout::ticket(t, &mut ours);
    let item = text(&t.item, &t.item_path(), &mut ours);
    let mut fields = item
        .map(|text| frontmatter::check(text, &t.item_path(), &mut ours))
        .unwrap_or_default();
    let edges = fields.edges.take();
    let newest = text(&t.thread, &t.thread_path(), &mut ours)
        .and_then(|text| thread::check(text, &t.thread_path(), &mut ours));
    text(&t.resolution, &t.resolution_path(), &mut ours);
    frontmatter::check_times(&fields, newest, &t.item_path(), &mut ours);
    TicketFindings {
        shell: shell_sink,
        ours,
        id,
        slug,
        edges,
    }
}

/// Puts the per-ticket findings (in ticket order) together with the rules over the whole
/// tree; returns the shell mirrors' sink and ours.
pub(crate) fn check(tree: &Tree, tickets: Vec<TicketFindings>, max_per_code: usize) -> [Sink; 2] {
    let mut shell_sink = Sink::new(max_per_code);
    shell::missing_directories(tree, &mut shell_sink);
    let (mut ids, mut slugs) = (Vec::new(), Vec::new());
    let mut per_ticket = Vec::with_capacity(tickets.len());
    let mut edges = Vec::with_capacity(tickets.len());
    for found in tickets {
        shell_sink.append(found.shell);
        ids.extend(found.id);
        slugs.extend(found.slug);
        edges.extend(found.edges);
        per_ticket.push(found.ours);
    }
    shell::duplicates(ids, crate::code::Code::DuplicateId, "id", &mut shell_sink);
    shell::duplicates(
        slugs,
        crate::code::Code::DuplicateSlug,
        "slug",
        &mut shell_sink,
    );

    let mut ours = Sink::new(max_per_code);
    layout::root(tree, &mut ours);
    for found in per_ticket {
        ours.append(found);
    }
    layout::across(tree, &mut ours);
    relations::across(&edges, &mut ours);
    [shell_sink, ours]
}

/// The file as text, after the checks every text file gets (readable, UTF-8, no conflict
/// markers); `None` when it cannot be read as text.
fn text<'a>(content: &'a Content, path: &std::path::Path, sink: &mut Sink) -> Option<&'a str> {
    match content {
        Content::Absent | Content::NotFile | Content::Checked => None,
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
            // simdutf8 validates several times faster than std on non-ASCII text (the real corpus
            // is mostly Japanese); std is asked again only to locate an error.
            if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
                return Some(text);
            }
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
