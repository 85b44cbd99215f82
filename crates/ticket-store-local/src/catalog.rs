//! The relation catalog of every ticket (`--json show`'s derived relations and readiness),
//! kept in a derived, disposable cache, `<root>/.index/catalog`, checked against what `stat`
//! says of each `item.md`, so it is never stale.
//!
//! A ticket's relations, status and readiness live in its `item.md` alone. The cache keeps,
//! for each ticket directory, the stamp of its `item.md` (device, inode, size, modification
//! and change times) and the graph node read from it. A read stats every `item.md` (on a few
//! threads, relative to its status directory) and reads again only those whose stamp moved,
//! so any tool's write, a hand edit or a checkout is seen. A stamp taken moments after its
//! file changed is not kept (`names::racy_window_ns`: two writes within one tick can share a
//! time): that ticket is read each time until its last change is old enough. Like the other
//! indexes, the cache is written by temporary file and rename, never through a link, and a
//! failure to write it costs only the next read.

use std::io::Write;

use ticket_domain::{
    BackendError, Catalog, Diagnostic, GraphNode, RelationKind, Relations, TicketId, TicketStatus,
};

use crate::backend::LocalTicketBackend;
use crate::index;
use crate::layout::{self, INDEX_CATALOG, INDEX_TMP_PREFIX, STATUS_DIRS};
use crate::names::racy_window_ns;
use crate::parallel;
use crate::relations::node_at;
use crate::stamps::{now_ns, open_status, stat_at};

const FORMAT: &str = "ticket catalog 1";

/// One ticket directory as the cache keeps it: its status directory (index into
/// [`STATUS_DIRS`]), its name, its `item.md`'s stamp and its node.
struct Kept {
    k: usize,
    /// `None` when it is the id.
    name: Option<Box<str>>,
    stamp: u64,
    /// Taken out when a read uses it (after the names are paired).
    node: Option<Lean>,
}

/// A graph node as the cache holds it: small, since most tickets have no relation.
#[derive(Clone, Debug)]
struct Lean {
    id: TicketId,
    status: TicketStatus,
    readiness_blocked: bool,
    relations: Option<Box<Relations>>,
}

impl Lean {
    fn into_node(self) -> GraphNode {
        GraphNode {
            id: self.id,
            status: self.status,
            readiness_blocked: self.readiness_blocked,
            relations: self.relations.map(|r| *r).unwrap_or_default(),
        }
    }
}

impl Kept {
    /// The ticket directory's name.
    fn name(&self) -> &str {
        match (&self.name, &self.node) {
            (Some(name), _) => name,
            (None, Some(node)) => node.id.as_str(),
            (None, None) => "",
        }
    }
}

/// What `stat` said of a ticket's `item.md`: absent, or its stamp when it is settled enough
/// to keep (`None`: changed moments ago, or `stat` failed).
enum Stat {
    Absent,
    Stamp(Option<u64>),
}

/// What a read found of one ticket directory.
enum Found {
    /// Its node, and the stamp to keep it under when it is fit to keep.
    Node(GraphNode, Option<u64>),
    /// It does not read.
    Unreadable(Diagnostic),
    /// There is no `item.md`: not a ticket.
    Absent,
}

impl LocalTicketBackend {
    /// Every readable ticket as the graph knows it, in list order (the first under an id wins),
    /// kept compactly ([`Catalog`]); a diagnostic for each that does not read. Each `item.md` is
    /// stat'ed; only those that changed since the cache was written are read (frontmatter only).
    pub fn catalog(&self) -> Result<(Catalog, Vec<Diagnostic>), BackendError> {
        let taken_ns = now_ns();
        let names = self.all_ticket_names(taken_ns)?;
        let opened: Vec<_> = STATUS_DIRS
            .iter()
            .map(|s| {
                let path = self.root().join(s);
                let fd = open_status(&path);
                (path, fd)
            })
            .collect();
        // The cache is read on a thread of its own while the files are stat'ed: neither needs
        // the other until they are paired.
        let (mut cache, stamps) = std::thread::scope(|scope| {
            let cache = scope.spawn(|| read_cache(self.root()));
            // Only `stat` on the threads, each ticket by its index: nothing large moves.
            let stamps = parallel::map_ordered((0..names.len()).collect(), |i| {
                let (k, name) = &names[i];
                let (path, fd) = &opened[*k];
                let mut rel = String::with_capacity(name.len() + 8);
                rel.push_str(name);
                rel.push('/');
                rel.push_str(layout::ITEM);
                match stat_at(fd.as_ref(), path, &rel) {
                    Ok(facts) => {
                        let latest = facts.modified.max(facts.changed);
                        let settled = latest < taken_ns.saturating_sub(racy_window_ns(latest));
                        Stat::Stamp(settled.then(|| facts.hash()))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Stat::Absent,
                    Err(_) => Stat::Stamp(None),
                }
            });
            // A panic reading the cache costs only the cache.
            (cache.join().unwrap_or_default(), stamps)
        });
        let cached_count = cache.len();
        // The cache is in the order of the names: one merge pairs each name with its entry.
        let mut hits: Vec<Option<usize>> = Vec::with_capacity(names.len());
        let mut c = 0;
        for (k, name) in &names {
            while cache
                .get(c)
                .is_some_and(|e| (e.k, e.name()) < (*k, name.as_str()))
            {
                c += 1;
            }
            let hit = cache.get(c).filter(|e| e.k == *k && e.name() == name);
            hits.push(hit.map(|_| c));
        }
        let mut found: Vec<Found> = Vec::with_capacity(names.len());
        let mut misses = Vec::new();
        for (i, stat) in stamps.into_iter().enumerate() {
            let stamp = match stat {
                Stat::Absent => {
                    found.push(Found::Absent);
                    continue;
                }
                Stat::Stamp(stamp) => stamp,
            };
            match hits[i] {
                Some(c)
                    if stamp.is_some()
                        && stamp == Some(cache[c].stamp)
                        && let Some(node) = cache[c].node.take() =>
                {
                    found.push(Found::Node(node.into_node(), stamp));
                }
                _ => {
                    found.push(Found::Absent);
                    misses.push((i, stamp));
                }
            }
        }
        let read = parallel::map_ordered(misses, |(i, stamp)| {
            let (k, name) = &names[i];
            let found = match node_at(&layout::ticket_dir(self.root(), STATUS_DIRS[*k], name)) {
                None => Found::Absent,
                Some(Ok(node)) => Found::Node(node, stamp),
                Some(Err(d)) => Found::Unreadable(d),
            };
            (i, found)
        });
        // Only a node read and fit to keep changes the cache: a ticket that does not read, or
        // changed moments ago, is read again next time whatever the cache says.
        let fresh = read
            .iter()
            .any(|(_, f)| matches!(f, Found::Node(_, Some(_))));
        for (i, f) in read {
            found[i] = f;
        }
        let keep = || {
            names
                .iter()
                .zip(&found)
                .filter_map(|((k, name), f)| match f {
                    Found::Node(node, Some(stamp)) => Some((*k, name.as_str(), *stamp, node)),
                    _ => None,
                })
        };
        // Written when a node was read to keep or a kept entry is gone; a read that found every
        // entry as kept writes nothing.
        if fresh || keep().count() != cached_count {
            write_cache(self.root(), keep());
        }
        let mut catalog = Catalog::with_capacity(found.len());
        let mut diagnostics = Vec::new();
        for f in found {
            match f {
                Found::Node(node, ..) => catalog.insert(node),
                Found::Unreadable(d) => diagnostics.push(d),
                Found::Absent => {}
            }
        }
        Ok((catalog, diagnostics))
    }
}

fn cache_path(root: &std::path::Path) -> std::path::PathBuf {
    layout::index_dir(root).join(INDEX_CATALOG)
}

/// The cache's entries, in the order of the names; empty when it is absent, of another format
/// or garbled anywhere (a cache is all or nothing).
fn read_cache(root: &std::path::Path) -> Vec<Kept> {
    let path = cache_path(root);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return Vec::new();
    }
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    parse(&text).unwrap_or_default()
}

/// The entries of a cache's text, each line on its own; `None` when anything is wrong (a
/// cache is all or nothing).
fn parse(text: &str) -> Option<Vec<Kept>> {
    let body = text.strip_prefix(FORMAT)?.strip_prefix('\n')?;
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', body.as_bytes()).count());
    for line in body.split('\n').filter(|l| !l.is_empty()) {
        out.push(parse_line(line)?);
    }
    // In the order of the names, each once: else the merge would pair them wrongly.
    let ordered = out
        .windows(2)
        .all(|w| (w[0].k, w[0].name()) < (w[1].k, w[1].name()));
    ordered.then_some(out)
}

/// One line: status directory, name (`=` when it is the id), stamp, id, status, blocked, and
/// the targets of each relation kind.
fn parse_line(line: &str) -> Option<Kept> {
    let mut f = line.split('\t');
    let k: usize = f.next()?.parse().ok()?;
    if k >= STATUS_DIRS.len() {
        return None;
    }
    let name = match f.next()? {
        "=" => None,
        name => Some(name.into()),
    };
    let stamp: u64 = f.next()?.parse().ok()?;
    let id = TicketId::new(f.next()?).ok()?;
    let status = TicketStatus::parse(f.next()?);
    let readiness_blocked = match f.next()? {
        "0" => false,
        "1" => true,
        _ => return None,
    };
    let mut relations: Option<Box<Relations>> = None;
    for kind in RelationKind::ALL {
        let list = f.next()?;
        if list.is_empty() {
            continue;
        }
        let into = relations.get_or_insert_default().get_mut(kind);
        for target in list.split(',') {
            into.push(TicketId::new(target).ok()?);
        }
    }
    if f.next().is_some() {
        return None;
    }
    Some(Kept {
        k,
        name,
        stamp,
        node: Some(Lean {
            id,
            status,
            readiness_blocked,
            relations,
        }),
    })
}

/// Whether a value can stand in a field of a line.
fn plain(value: &str) -> bool {
    !value.is_empty() && !value.contains(['\t', '\n', ','])
}

/// The cache's text of the entries (status directory, name, stamp, node), in the order of
/// the names.
fn encode<'a>(kept: impl Iterator<Item = (usize, &'a str, u64, &'a GraphNode)>) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(1 << 16);
    text.push_str(FORMAT);
    text.push('\n');
    for (k, name, stamp, n) in kept {
        // A value that cannot stand in a field is not kept: that ticket is read each time.
        if !plain(name) || name == "=" || !plain(n.status.as_str()) {
            continue;
        }
        let shown = if name == n.id.as_str() { "=" } else { name };
        let _ = write!(
            text,
            "{k}\t{shown}\t{stamp}\t{}\t{}\t{}",
            n.id,
            n.status.as_str(),
            u8::from(n.readiness_blocked)
        );
        for kind in RelationKind::ALL {
            text.push('\t');
            let targets = n.relations.get(kind);
            for (i, t) in targets.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(t.as_str());
            }
        }
        text.push('\n');
    }
    text
}

/// Writes the cache (best effort).
fn write_cache<'a>(
    root: &std::path::Path,
    kept: impl Iterator<Item = (usize, &'a str, u64, &'a GraphNode)>,
) {
    let Some(dir) = index::index_dir(root) else {
        return;
    };
    let text = encode(kept);
    let Ok(mut tmp) = crate::fsio::new_file(INDEX_TMP_PREFIX).tempfile_in(&dir) else {
        return;
    };
    if tmp.write_all(text.as_bytes()).is_ok() {
        let _ = tmp.persist(dir.join(INDEX_CATALOG));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, status: &str, blocked: bool, relations: Relations) -> GraphNode {
        GraphNode {
            id: TicketId::new(id).expect("id"),
            status: TicketStatus::parse(status),
            readiness_blocked: blocked,
            relations,
        }
    }

    #[test]
    fn the_cache_reads_back_what_it_wrote_and_refuses_anything_else() {
        let id = |s: &str| TicketId::new(s).expect("id");
        let mut relations = Relations::default();
        relations.get_mut(RelationKind::DependsOn).push(id("b"));
        relations.get_mut(RelationKind::DependsOn).push(id("c"));
        relations.get_mut(RelationKind::Supersedes).push(id("old"));
        let entries = [
            (0, "a", 7, node("a", "open", true, relations)),
            (
                2,
                "renamed-by-hand",
                u64::MAX,
                node("z", "wip", false, Relations::default()),
            ),
        ];
        let text = encode(entries.iter().map(|(k, n, s, g)| (*k, *n, *s, g)));
        let back = parse(&text).expect("reads");
        assert_eq!(back.len(), 2);
        for ((k, name, stamp, node), b) in entries.iter().zip(&back) {
            assert_eq!((*k, *name, *stamp), (b.k, b.name(), b.stamp));
            assert_eq!(Some(node), b.node.clone().map(Lean::into_node).as_ref());
        }
        let garbled = [
            text.replacen(FORMAT, "ticket catalog 0", 1),
            text.replace("\t1\t", "\tyes\t"),
            format!("{text}0\ta\t1\ta\topen\t0\t\t\t\t\t\n"),
            format!("{text}9\tx\t1\tx\topen\t0\t\t\t\t\t\n"),
            format!("{text}2\tzz\t1\t../x\topen\t0\t\t\t\t\t\n"),
            format!("{text}2\tzz\t1\tzz\topen\t0\t\t\t\t\n"),
        ];
        for bad in garbled {
            assert!(parse(&bad).is_none(), "{bad}");
        }
        // A status that cannot stand in a field is not kept.
        let odd = node("a", "in\tprogress", false, Relations::default());
        let text = encode(std::iter::once((0, "a", 1, &odd)));
        assert!(parse(&text).expect("reads").is_empty());
    }
}
