//! Finding tickets on disk: lookups by id or slug, and listing, reading frontmatter only.

use std::fs;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};

use ticket_domain::{BackendError, Diagnostic, ListFilter, Naming, TicketIdOrSlug, TicketSummary};
use ticket_format::codec;
use ticket_format::frontmatter::{self, Frontmatter, SplitError};
use ticket_format::keys;

use crate::backend::{LocalTicketBackend, Located, LocatedListing};
use crate::fsio::{self, storage};
use crate::index;
use crate::layout::{self, STATUS_DIRS};
use crate::parallel;
use crate::read::{corrupt, diagnostic, events, split_error};

impl LocalTicketBackend {
    /// Finds the one ticket `query` names (docs/format.md, "Lookup"): by path for an id; by
    /// directory name, then by every ticket's frontmatter, for a slug; when nothing is named
    /// exactly so, the one ticket whose id or slug starts with the query (as git takes a unique
    /// prefix of a hash). Several such tickets are ambiguous, and named.
    pub fn locate(&self, query: &TicketIdOrSlug) -> Result<Located, BackendError> {
        let q = query.as_str();
        let by_path: Vec<Located> = STATUS_DIRS
            .iter()
            .map(|s| Located {
                dir: layout::ticket_dir(self.root(), s, q),
                status_dir: s,
            })
            .filter(|l| layout::item(&l.dir).is_file())
            .collect();
        if let [one] = by_path.as_slice() {
            match read_head(&layout::item(&one.dir)) {
                Ok(fm) if fm.value(keys::ID) == q => return Ok(one.clone()),
                // The directory is named by the query but its frontmatter cannot be delimited:
                // that is the ticket (show prints it; writers refuse it until it is repaired).
                Err(BackendError::Corrupt { .. }) => return Ok(one.clone()),
                _ => {}
            }
        }
        if let Some(found) = self.via_index(q) {
            return found;
        }
        let stamp = index::Stamp::now(self.root());
        let names = self.all_names()?;
        if let Some(stamp) = &stamp {
            index::rebuild(self.root(), stamp, &names);
        }
        let (suffix, infix) = (format!("-{q}"), format!("-{q}-"));
        let named_like = |name: &str| name == q || name.ends_with(&suffix) || name.contains(&infix);
        let found = self.verified(q, &names, named_like);
        if found.0 == Naming::Exact {
            return one_of(q, found.1);
        }
        // Every ticket, then: named exactly, else but for case, else by a prefix.
        let (best, found) = self.verified(q, &names, |_| true);
        match best {
            Naming::No => one_of(q, Vec::new()),
            _ => one_of(q, found),
        }
    }

    /// The ids of the tickets whose slug is exactly `slug` (none, one, or several when a
    /// duplicate was written by hand or by another tool), for `create`'s check that a slug is
    /// free. Only the tickets whose directory name carries the slug are read (the keys of the
    /// slug index: the name after its `YYYYMMDD-HHMMSS-` prefix, that without a last `-part`, or
    /// the whole name), each checked against its own frontmatter; the index answers when it is
    /// fresh, else the status directories are listed and the index rebuilt. A ticket whose
    /// directory name does not carry its slug (named by hand or by another tracker's id) is not
    /// seen: finding it would mean reading every ticket's frontmatter on every miss, which is
    /// every create (docs/format.md, "Ids and slugs").
    pub fn ids_with_slug(&self, slug: &str) -> Result<Vec<String>, BackendError> {
        let query = TicketIdOrSlug::new(slug)?;
        let q = query.as_str();
        let named: Vec<(&'static str, String)> = match index::lookup(self.root(), q) {
            Some(listed) => listed,
            None => {
                let stamp = index::Stamp::now(self.root());
                let names = self.all_names()?;
                if let Some(stamp) = &stamp {
                    index::rebuild(self.root(), stamp, &names);
                }
                names
                    .into_iter()
                    .flat_map(|(status, list)| list.into_iter().map(move |n| (status, n)))
                    .filter(|(_, name)| index::keys(name).contains(&q))
                    .collect()
            }
        };
        let mut ids = Vec::new();
        for (status_dir, name) in named {
            let dir = layout::ticket_dir(self.root(), status_dir, &name);
            if let Ok(fm) = read_head(&layout::item(&dir))
                && fm.value(keys::SLUG) == slug
            {
                let id = fm.value(keys::ID);
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        Ok(ids)
    }

    /// The directories of the tickets named exactly `id`, in status order: one, or several
    /// when a merge left the same ticket in two status directories.
    pub fn dirs_of(&self, id: &str) -> Vec<PathBuf> {
        if TicketIdOrSlug::new(id).is_err() {
            return Vec::new();
        }
        STATUS_DIRS
            .iter()
            .map(|s| self.root().join(s).join(id))
            .filter(|dir| layout::item(dir).is_file())
            .collect()
    }

    /// The lookup by slug through the index, when the index is fresh and every ticket it names
    /// is still there under that slug or id; `None` sends the caller to the full lookup.
    fn via_index(&self, q: &str) -> Option<Result<Located, BackendError>> {
        let listed = index::lookup(self.root(), q)?;
        if listed.is_empty() {
            return None;
        }
        let found: Vec<Located> = listed
            .iter()
            .filter_map(|(status_dir, name)| {
                let dir = layout::ticket_dir(self.root(), status_dir, name);
                let fm = read_head(&layout::item(&dir)).ok()?;
                (fm.value(keys::ID) == q || fm.value(keys::SLUG) == q)
                    .then_some(Located { dir, status_dir })
            })
            .collect();
        (found.len() == listed.len()).then(|| one_of(q, found))
    }

    /// Every ticket directory's name, per status directory. On a large root, reading directory
    /// entries is most of a full lookup's time, so the three are read on three threads.
    fn all_names(&self) -> Result<Vec<(&'static str, Vec<String>)>, BackendError> {
        let listed: Vec<Result<Vec<PathBuf>, BackendError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = STATUS_DIRS
                .iter()
                .map(|s| scope.spawn(|| self.ticket_dirs(s)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(BackendError::Storage {
                            location: self.root().display().to_string(),
                            message: "a directory reader panicked; run the lookup again".into(),
                        })
                    })
                })
                .collect()
        });
        let mut names = Vec::with_capacity(STATUS_DIRS.len());
        for (status_dir, dirs) in STATUS_DIRS.into_iter().zip(listed) {
            let dirs = dirs?;
            let plain = dirs
                .iter()
                .filter_map(|d| d.file_name()?.to_str().map(str::to_owned))
                .collect();
            names.push((status_dir, plain));
        }
        Ok(names)
    }

    /// Of the tickets whose directory name passes `name_filter`, those `q` names best
    /// ([`Naming`]), and how.
    fn verified(
        &self,
        q: &str,
        names: &[(&'static str, Vec<String>)],
        name_filter: impl Fn(&str) -> bool,
    ) -> (Naming, Vec<Located>) {
        let (mut best, mut found) = (Naming::No, Vec::new());
        for (status_dir, list) in names {
            for name in list.iter().filter(|n| name_filter(n)) {
                let dir = layout::ticket_dir(self.root(), status_dir, name);
                let Ok(fm) = read_head(&layout::item(&dir)) else {
                    continue;
                };
                let naming = Naming::of(q, &fm.value(keys::ID), &fm.value(keys::SLUG));
                if naming == Naming::No || naming > best {
                    continue;
                }
                if naming < best {
                    best = naming;
                    found.clear();
                }
                found.push(Located { dir, status_dir });
            }
        }
        (best, found)
    }

    /// Ticket directories under one status directory, in byte order of their names. Entry
    /// types come from the directory read itself; only links are followed with a `stat`.
    pub fn ticket_dirs(&self, status_dir: &str) -> Result<Vec<PathBuf>, BackendError> {
        let dir = self.root().join(status_dir);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(storage(&dir, e)),
        };
        let mut names: Vec<std::ffi::OsString> = entries
            .filter_map(Result::ok)
            .filter(|e| match e.file_type() {
                Ok(t) if t.is_dir() => true,
                Ok(t) if t.is_symlink() => e.path().is_dir(),
                _ => false,
            })
            .map(|e| e.file_name())
            .collect();
        // Byte order of the names; sorting the names rather than the paths skips a
        // component-by-component walk of each path per comparison (it was 12% of
        // `list --status all`'s instructions at 10,000 tickets).
        names.sort_unstable();
        let dirs: Vec<PathBuf> = names.into_iter().map(|n| dir.join(n)).collect();
        Ok(dirs)
    }

    /// `list`, with where each ticket lives: tickets in status-directory order (open, pending,
    /// closed), byte order of directory names within each, and a diagnostic per unreadable one.
    pub fn list_located(&self, filter: &ListFilter) -> Result<LocatedListing, BackendError> {
        let mut listing = LocatedListing::default();
        self.list_each(filter, |found| match found {
            Ok(ticket) => listing.tickets.push(ticket),
            Err(d) => listing.diagnostics.push(d),
        })?;
        Ok(listing)
    }

    /// [`list_located`](Self::list_located) handed over one ticket (or diagnostic) at a time, in
    /// the same order, so a caller that prints as it goes holds a few thousand tickets in memory,
    /// never the whole root. Frontmatter is read on a few threads.
    pub fn list_each(
        &self,
        filter: &ListFilter,
        each: impl FnMut(Result<(Located, TicketSummary), Diagnostic>),
    ) -> Result<(), BackendError> {
        self.list_each_with(filter, false, each)
    }

    /// [`list_each`](Self::list_each); with `derive_action`, each summary's `action_required`
    /// is set to the value it has or derives (docs/format.md), reading a thread only for a
    /// pending ticket without the key, on the same threads as the frontmatter.
    pub fn list_each_with(
        &self,
        filter: &ListFilter,
        derive_action: bool,
        each: impl FnMut(Result<(Located, TicketSummary), Diagnostic>),
    ) -> Result<(), BackendError> {
        let mut dirs: Vec<Located> = Vec::new();
        for status_dir in STATUS_DIRS {
            let wanted = filter.statuses.is_empty()
                || filter.statuses.iter().any(|s| s.as_str() == status_dir);
            if wanted {
                let found = self.ticket_dirs(status_dir)?;
                dirs.extend(found.into_iter().map(|dir| Located { dir, status_dir }));
            }
        }
        self.read_each(dirs, filter, derive_action, each);
        Ok(())
    }

    /// The tickets at `located` that pass `filter` (its statuses aside), read again and handed
    /// to `each` in the order given: how a sorted list that kept only its sort keys prints. A
    /// ticket gone since it was located is left out; one that no longer reads is a diagnostic.
    pub fn list_again(
        &self,
        located: Vec<Located>,
        filter: &ListFilter,
        derive_action: bool,
        each: impl FnMut(Result<(Located, TicketSummary), Diagnostic>),
    ) {
        self.read_each(located, filter, derive_action, each);
    }

    /// Reads the tickets at `located` on worker threads, handing them over here in order as
    /// they come, so printing the first tickets overlaps reading the next ones.
    fn read_each(
        &self,
        located: Vec<Located>,
        filter: &ListFilter,
        derive_action: bool,
        mut each: impl FnMut(Result<(Located, TicketSummary), Diagnostic>),
    ) {
        let rest = ListFilter {
            statuses: Vec::new(),
            ..filter.clone()
        };
        let opened: Vec<(&'static str, Option<OwnedFd>)> = STATUS_DIRS
            .into_iter()
            .map(|d| (d, open_dir(&self.root().join(d))))
            .collect();
        parallel::for_each_ordered(
            located,
            |at| {
                let fd = opened
                    .iter()
                    .find(|(d, _)| *d == at.status_dir)
                    .and_then(|(_, fd)| fd.as_ref());
                let item = || layout::item(&at.dir);
                let summary = match read_item_head(fd, &at.dir) {
                    Err(BackendError::Storage { .. }) if !item().exists() => return None,
                    head => {
                        head.and_then(|fm| codec::summary(&fm).map_err(|e| corrupt(&item(), e)))
                    }
                };
                match summary {
                    Ok(mut s)
                        if rest.matches(&s) && rest.wants_action(&s, || thread_events(&at.dir)) =>
                    {
                        if derive_action {
                            derive_action_required(&mut s, &at.dir);
                        }
                        Some(Ok((at, s)))
                    }
                    Ok(_) => None,
                    Err(e) => Some(Err(diagnostic(&e))),
                }
            },
            |found| {
                if let Some(found) = found {
                    each(found);
                }
            },
        );
    }
}

/// Sets `action_required` to what the ticket says or its thread derives; a thread that does not
/// read derives nothing (the key stays unset).
fn derive_action_required(s: &mut TicketSummary, dir: &Path) {
    if s.meta.action_required.is_some() {
        return;
    }
    let events = if s.status == ticket_domain::TicketStatus::Pending {
        match thread_events(dir) {
            Some(events) => events,
            None => return,
        }
    } else {
        Vec::new()
    };
    s.meta.action_required = Some(ticket_domain::derive_action_required(
        &s.status, &events, None,
    ));
}

/// The events of a ticket's thread, for the filters that need them; `None` when it does not read.
fn thread_events(dir: &Path) -> Option<Vec<ticket_domain::TicketEvent>> {
    let path = layout::thread(dir);
    match fsio::read_string_optional(&path) {
        Ok(Some(text)) => events(&path, &text).ok(),
        Ok(None) => Some(Vec::new()),
        Err(_) => None,
    }
}

/// The directory at `path`, open for lookups relative to it; `None` when it does not open
/// (paths are then resolved from the root, as the error they meet says).
fn open_dir(path: &Path) -> Option<OwnedFd> {
    rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()
}

/// [`read_head`] of the item.md in ticket directory `dir`, opened relative to its status
/// directory when that is open (`status`): the kernel then walks two names, not the root's
/// whole path, for each ticket.
fn read_item_head(status: Option<&OwnedFd>, dir: &Path) -> Result<Frontmatter, BackendError> {
    let opened = match (status, dir.file_name()) {
        (Some(fd), Some(name)) => rustix::fs::openat(
            fd,
            Path::new(name).join(layout::ITEM),
            OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map(fs::File::from)
        .map_err(std::io::Error::from),
        _ => fs::File::open(layout::item(dir)),
    };
    opened
        .map_err(HeadError::Io)
        .and_then(head_of)
        .map_err(|e| e.at(&layout::item(dir)))
}

thread_local! {
    /// The buffer each thread reads heads into.
    static HEAD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Reads item.md up to its closing `---` only: what `list` and lookups need. The head is read
/// in a small first chunk (most frontmatters are a few hundred bytes), growing only when the
/// closing line is not in it, so a ticket's body is mostly never copied out of the page cache.
pub(crate) fn read_head(path: &Path) -> Result<Frontmatter, BackendError> {
    fs::File::open(path)
        .map_err(HeadError::Io)
        .and_then(head_of)
        .map_err(|e| e.at(path))
}

/// Why a head did not read; the caller names the file.
enum HeadError {
    Io(std::io::Error),
    Split(SplitError),
}

impl HeadError {
    fn at(self, path: &Path) -> BackendError {
        match self {
            HeadError::Io(e) => storage(path, e),
            HeadError::Split(e) => split_error(path, e),
        }
    }
}

/// The head of the open item.md `file`, read into the buffer this thread keeps (the entries
/// parsed from it own their text).
fn head_of(mut file: fs::File) -> Result<Frontmatter, HeadError> {
    HEAD.with(|head| {
        // A reentrant call (none today) would find the buffer taken: it gets its own.
        let mut own = Vec::new();
        let mut taken = head.try_borrow_mut();
        let buf = match taken.as_deref_mut() {
            Ok(buf) => buf,
            Err(_) => &mut own,
        };
        let (end, filled) = fill_head(&mut file, buf).map_err(HeadError::Io)?;
        let text = std::str::from_utf8(&buf[..end.unwrap_or(filled)])
            .map_err(|e| HeadError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        frontmatter::parse(text).map_err(HeadError::Split)
    })
}

/// Reads `file` into `buf` until the head's end is in it or the file ends: where the head ends
/// (if it does) and how many bytes were read. `buf` only grows, and is zeroed once when it does.
fn fill_head(file: &mut fs::File, buf: &mut Vec<u8>) -> std::io::Result<(Option<usize>, usize)> {
    const FIRST: usize = 1024;
    if buf.len() < FIRST {
        buf.resize(FIRST, 0);
    }
    let mut filled = 0;
    let mut looked = false;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = match file.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok((head_end(&buf[..filled]), filled));
        }
        filled += n;
        // Look after the first read (most heads are in it, and no second read is needed to
        // see the end of the file), then only once the space is full or the file has ended.
        if !looked || filled == buf.len() {
            if let Some(end) = head_end(&buf[..filled]) {
                return Ok((Some(end), filled));
            }
            looked = true;
        }
    }
}

/// Where the head of an item.md ends in `bytes`: after its first line when that is not `---`,
/// else after the next line that is `---` (a `\r` before the `\n` allowed); `None` when that
/// line is not (yet) in `bytes`.
fn head_end(bytes: &[u8]) -> Option<usize> {
    let is_delimiter = |line: &[u8]| line == b"---" || line == b"---\r";
    let mut start = 0;
    let mut first = true;
    while let Some(n) = memchr::memchr(b'\n', &bytes[start..]) {
        let line = &bytes[start..start + n];
        let end = start + n + 1;
        if first {
            if !is_delimiter(line) {
                return Some(end);
            }
            first = false;
        } else if is_delimiter(line) {
            return Some(end);
        }
        start = end;
    }
    None
}

/// The one ticket found, or why there is not exactly one.
fn one_of(q: &str, mut found: Vec<Located>) -> Result<Located, BackendError> {
    match found.len() {
        0 => Err(BackendError::NotFound { query: q.into() }),
        1 => Ok(found.remove(0)),
        _ => Err(BackendError::Ambiguous {
            query: q.into(),
            // Ids (the directory names), never paths: the port knows no paths.
            matches: found
                .iter()
                .map(|l| {
                    l.dir
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                })
                .collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::read_head;
    use ticket_format::frontmatter;

    proptest::proptest! {
        /// Reading only the head, in growing chunks into a reused buffer, gives what parsing
        /// the whole file gives: the same entries and offsets, or a refusal for both. Keys and
        /// values long enough to cross the first chunk (1,024 bytes) and its doublings.
        #[test]
        fn the_head_reads_as_the_whole_file_parses(
            lines in proptest::collection::vec(
                "---|[a-z]{1,6}: [a-zé ]{0,12}|x{1000,2100}: y|  - [a-z]{0,3}|[a-z ]{0,5}",
                0..8,
            ),
            opener in proptest::bool::ANY,
            body in "[a-z\\n-]{0,40}",
        ) {
            let mut text = String::new();
            if opener {
                text.push_str("---\n");
            }
            for line in &lines {
                text.push_str(line);
                text.push('\n');
            }
            text.push_str(&body);
            let dir = tempfile::tempdir().map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let path = dir.path().join("item.md");
            std::fs::write(&path, &text).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            // Twice: the second read reuses the buffer the first one grew.
            for _ in 0..2 {
                let head = read_head(&path).ok();
                let whole = frontmatter::parse(&text).ok();
                proptest::prop_assert_eq!(head, whole);
            }
        }
    }
}
