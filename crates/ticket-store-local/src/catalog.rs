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
    name: String,
    stamp: u64,
    node: GraphNode,
}

/// A ticket directory (status directory, name) and what the cache kept of it (stamp, node).
type Paired = (usize, String, Option<(u64, GraphNode)>);

/// What a read found of one ticket directory.
enum Found {
    /// Its node; the stamp to keep it under, when it is fit to keep; whether it came from the
    /// cache.
    Node(GraphNode, Option<u64>, bool),
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
        let cache = read_cache(self.root());
        let cached_count = cache.len();
        let mut cached = cache.into_iter().peekable();
        // The cache is in the order of the names: one merge pairs each name with its entry.
        let mut paired: Vec<Paired> = Vec::with_capacity(names.len());
        for (k, name) in names {
            while cached
                .peek()
                .is_some_and(|c| (c.k, c.name.as_str()) < (k, name.as_str()))
            {
                cached.next();
            }
            let hit = cached
                .next_if(|c| c.k == k && c.name == name)
                .map(|c| (c.stamp, c.node));
            paired.push((k, name, hit));
        }
        let opened: Vec<_> = STATUS_DIRS
            .iter()
            .map(|s| {
                let path = self.root().join(s);
                let fd = open_status(&path);
                (path, fd)
            })
            .collect();
        let found = parallel::map_ordered(paired, |(k, name, hit)| {
            let (path, fd) = &opened[k];
            let rel = format!("{name}/{}", layout::ITEM);
            let stamp = match stat_at(fd.as_ref(), path, &rel) {
                Ok(facts) => {
                    let latest = facts.modified.max(facts.changed);
                    let settled = latest < taken_ns.saturating_sub(racy_window_ns(latest));
                    settled.then(|| facts.hash())
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return (k, name, Found::Absent);
                }
                Err(_) => None,
            };
            if let (Some(stamp), Some((kept, node))) = (stamp, &hit)
                && stamp == *kept
            {
                return (k, name, Found::Node(node.clone(), Some(stamp), true));
            }
            let found = match node_at(&layout::ticket_dir(self.root(), STATUS_DIRS[k], &name)) {
                None => Found::Absent,
                Some(Ok(node)) => Found::Node(node, stamp, false),
                Some(Err(d)) => Found::Unreadable(d),
            };
            (k, name, found)
        });
        let mut catalog = Catalog::new();
        let mut diagnostics = Vec::new();
        let mut keep = Vec::with_capacity(found.len());
        let mut fresh = false;
        for (k, name, found) in found {
            match found {
                Found::Node(node, stamp, from_cache) => {
                    fresh |= !from_cache;
                    if let Some(stamp) = stamp {
                        keep.push(Kept {
                            k,
                            name,
                            stamp,
                            node: node.clone(),
                        });
                    }
                    catalog.insert(node);
                }
                Found::Unreadable(d) => diagnostics.push(d),
                Found::Absent => {}
            }
        }
        // Written when anything was read from the files or a kept entry is gone; a read that
        // found every entry as kept writes nothing.
        if fresh || keep.len() != cached_count {
            write_cache(self.root(), &keep);
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

fn parse(text: &str) -> Option<Vec<Kept>> {
    let mut lines = text.split('\n');
    if lines.next()? != FORMAT {
        return None;
    }
    let mut out = Vec::new();
    let mut last: Option<(usize, &str)> = None;
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let mut f = line.split('\t');
        let k: usize = f.next()?.parse().ok()?;
        if k >= STATUS_DIRS.len() {
            return None;
        }
        let name = f.next()?;
        // In the order of the names, each once: else the merge would pair them wrongly.
        if last.is_some_and(|l| l >= (k, name)) {
            return None;
        }
        last = Some((k, name));
        let stamp: u64 = f.next()?.parse().ok()?;
        let id = TicketId::new(f.next()?).ok()?;
        let status = TicketStatus::parse(f.next()?);
        let readiness_blocked = match f.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let mut relations = Relations::default();
        for kind in RelationKind::ALL {
            let list = f.next()?;
            if list.is_empty() {
                continue;
            }
            for target in list.split(',') {
                relations.get_mut(kind).push(TicketId::new(target).ok()?);
            }
        }
        if f.next().is_some() {
            return None;
        }
        out.push(Kept {
            k,
            name: name.to_owned(),
            stamp,
            node: GraphNode {
                id,
                status,
                readiness_blocked,
                relations,
            },
        });
    }
    Some(out)
}

/// Whether a value can stand in a field of a line.
fn plain(value: &str) -> bool {
    !value.is_empty() && !value.contains(['\t', '\n', ','])
}

fn encode(kept: &[Kept]) -> String {
    let mut text = String::with_capacity(64 + kept.len() * 96);
    text.push_str(FORMAT);
    text.push('\n');
    for e in kept {
        let n = &e.node;
        // A value that cannot stand in a field is not kept: that ticket is read each time.
        if !plain(&e.name) || !plain(n.status.as_str()) {
            continue;
        }
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            e.k,
            e.name,
            e.stamp,
            n.id,
            n.status.as_str(),
            u8::from(n.readiness_blocked)
        ));
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
fn write_cache(root: &std::path::Path, kept: &[Kept]) {
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

    #[test]
    fn the_cache_reads_back_what_it_wrote_and_refuses_anything_else() {
        let id = |s: &str| TicketId::new(s).expect("id");
        let mut relations = Relations::default();
        relations.get_mut(RelationKind::DependsOn).push(id("b"));
        relations.get_mut(RelationKind::DependsOn).push(id("c"));
        relations.get_mut(RelationKind::Supersedes).push(id("old"));
        let kept = vec![
            Kept {
                k: 0,
                name: "a".into(),
                stamp: 7,
                node: GraphNode {
                    id: id("a"),
                    status: TicketStatus::Open,
                    readiness_blocked: true,
                    relations,
                },
            },
            Kept {
                k: 2,
                name: "renamed-by-hand".into(),
                stamp: u64::MAX,
                node: GraphNode {
                    id: id("z"),
                    status: TicketStatus::parse("wip"),
                    readiness_blocked: false,
                    relations: Relations::default(),
                },
            },
        ];
        let text = encode(&kept);
        let back = parse(&text).expect("reads");
        assert_eq!(back.len(), 2);
        for (a, b) in kept.iter().zip(&back) {
            assert_eq!((a.k, &a.name, a.stamp), (b.k, &b.name, b.stamp));
            assert_eq!(a.node, b.node);
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
        let odd = Kept {
            k: 0,
            name: "a".into(),
            stamp: 1,
            node: GraphNode {
                id: id("a"),
                status: TicketStatus::parse("in\tprogress"),
                readiness_blocked: false,
                relations: Relations::default(),
            },
        };
        assert!(parse(&encode(&[odd])).expect("reads").is_empty());
    }
}
