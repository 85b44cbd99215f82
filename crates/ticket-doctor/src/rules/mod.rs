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

use std::collections::HashSet;

use crate::report::Sink;
use crate::scan::{Content, Kept, TicketDir, Tree};

/// What the rules found in one ticket while its files were in memory: at 100,000 tickets these
/// are all kept at once, so a ticket without findings costs a few words, and an id or slug that
/// its directory name already spells costs no copy.
pub(crate) struct TicketFindings {
    /// The shell mirrors' findings and ours, when there is any.
    sinks: Option<Box<[Sink; 2]>>,
    /// The id and slug the shell would collect, for its duplicate checks.
    id: Option<Named>,
    slug: Option<Named>,
    /// The id our reader accepts, and the ticket's edges when it has any, for the relation
    /// rules between tickets.
    our_id: Option<Named>,
    edges: Option<relations::Edges>,
}

/// A value read from a ticket, stored only when its directory name does not already say it.
enum Named {
    /// The directory name.
    Dir,
    /// The directory name after its `YYYYMMDD-HHMMSS-` prefix.
    DirSlug,
    Own(Box<[u8]>),
}

/// The length of `YYYYMMDD-HHMMSS-`.
const ID_PREFIX: usize = 16;

impl Named {
    fn new(value: &[u8], dir: &[u8]) -> Named {
        if value == dir {
            Named::Dir
        } else if dir.get(ID_PREFIX..) == Some(value) {
            Named::DirSlug
        } else {
            Named::Own(value.into())
        }
    }
}

/// One value per ticket (or none), for every ticket: a byte each, plus a copy of the values
/// that their directory names do not spell.
#[derive(Default)]
struct Spelled {
    /// Per ticket: [`NONE`], [`DIR`], [`DIR_SLUG`] or [`OWN`].
    how: Vec<u8>,
    own: Vec<(Box<[u8]>, usize)>,
}

const NONE: u8 = 0;
const DIR: u8 = 1;
const DIR_SLUG: u8 = 2;
const OWN: u8 = 3;

impl Spelled {
    fn push(&mut self, value: Option<Named>) {
        let at = self.how.len();
        self.how.push(match value {
            None => NONE,
            Some(Named::Dir) => DIR,
            Some(Named::DirSlug) => DIR_SLUG,
            Some(Named::Own(v)) => {
                self.own.push((v, at));
                OWN
            }
        });
    }

    /// Each value as its ticket spells it, with the ticket's place, in ticket order.
    fn each<'a>(&'a self, dir: &impl Fn(usize) -> &'a [u8]) -> Vec<(&'a [u8], usize)> {
        let mut own = self.own.iter().peekable();
        let mut out = Vec::with_capacity(self.how.len());
        for (at, how) in self.how.iter().enumerate() {
            match *how {
                DIR => out.push((dir(at), at)),
                DIR_SLUG => out.push((dir(at).get(ID_PREFIX..).unwrap_or_default(), at)),
                OWN => {
                    if let Some((v, _)) = own.next_if(|(_, i)| *i == at) {
                        out.push((&v[..], at));
                    }
                }
                _ => {}
            }
        }
        out
    }
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
    let quiet = shell_sink.is_empty() && ours.is_empty();
    let dir = t.name.as_encoded_bytes();
    TicketFindings {
        sinks: (!quiet).then(|| Box::new([shell_sink, ours])),
        id: id.map(|v| Named::new(&v, dir)),
        slug: slug.map(|v| Named::new(&v, dir)),
        our_id: edges
            .as_ref()
            .map(|e| Named::new(e.id.as_str().as_bytes(), dir)),
        edges: edges.filter(|e| !e.edges.is_empty()),
    }
}

/// The per-ticket findings, gathered in ticket order as the scan hands them over: the buffers
/// that hold something, and what the rules between tickets need.
#[derive(Default)]
pub(crate) struct Found {
    shell: Vec<Sink>,
    ours: Vec<Sink>,
    ids: Spelled,
    slugs: Spelled,
    /// Every id our reader accepts, and the tickets that have edges.
    our_ids: Spelled,
    edges: Vec<relations::Edges>,
}

impl crate::scan::Collect<TicketFindings> for Found {
    fn expect(&mut self, n: usize) {
        for spelled in [&mut self.ids, &mut self.slugs, &mut self.our_ids] {
            spelled.how.reserve_exact(n);
        }
    }

    fn take(&mut self, t: TicketFindings) {
        if let Some(sinks) = t.sinks {
            let [shell, ours] = *sinks;
            self.shell.push(shell);
            self.ours.push(ours);
        }
        self.ids.push(t.id);
        self.slugs.push(t.slug);
        self.our_ids.push(t.our_id);
        self.edges.extend(t.edges);
    }
}

/// Puts the per-ticket findings together with the rules over the whole tree; returns the shell
/// mirrors' sink and ours.
pub(crate) fn check(tree: &Tree, found: Found, max_per_code: usize) -> [Sink; 2] {
    let mut shell_sink = Sink::new(max_per_code);
    shell::missing_directories(tree, &mut shell_sink);
    for buffer in found.shell {
        shell_sink.append(buffer);
    }
    let kept: Vec<&Kept> = tree.statuses.iter().flat_map(|s| &s.tickets).collect();
    let dir = |at: usize| {
        kept.get(at)
            .map_or(&[][..], |t| t.name().as_encoded_bytes())
    };
    let item_path = |at: usize| kept.get(at).map(|t| t.item_path()).unwrap_or_default();
    shell::duplicates(
        found.ids.each(&dir),
        &item_path,
        crate::code::Code::DuplicateId,
        "id",
        &mut shell_sink,
    );
    shell::duplicates(
        found.slugs.each(&dir),
        &item_path,
        crate::code::Code::DuplicateSlug,
        "slug",
        &mut shell_sink,
    );

    let mut ours = Sink::new(max_per_code);
    layout::root(tree, &mut ours);
    for buffer in found.ours {
        ours.append(buffer);
    }
    layout::across(tree, &mut ours);
    let ids: HashSet<&str> = found
        .our_ids
        .each(&dir)
        .into_iter()
        .filter_map(|(id, _)| std::str::from_utf8(id).ok())
        .collect();
    relations::across(&ids, &found.edges, &mut ours);
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
