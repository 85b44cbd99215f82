//! One walk over the root: every directory listed once, every ticket file read once.
//!
//! The rules never touch the file system; they look at the [`Tree`] this module builds. Files are
//! only read when they are regular files (a FIFO named `item.md` would block forever) and never
//! beyond [`MAX_FILE`] bytes.
//!
//! Tickets are read on a few worker threads, a batch of [`BATCH`] directory entries at a time,
//! and each ticket's contents are handed to the caller's check and dropped as soon as it
//! returns: memory holds one batch's results and one ticket's files per thread, not the root's.
//! What the tree keeps of a ticket afterwards is a [`Kept`]: its path and what `--fix` may
//! repair, nothing the size of its text.

use std::ffi::OsString;
use std::fs::{self, File, FileType};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ticket_domain::Progress;
use ticket_store_local::layout::{self, STATUS_DIRS, is_leftover_name};
use ticket_store_local::parallel;

/// Files larger than this are reported, not read.
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

/// What a ticket file turned out to be.
#[derive(Debug)]
pub enum Content {
    /// Nothing by that name (or a link to nothing).
    Absent,
    /// Something that is not a regular file (a directory, a FIFO, ...).
    NotFile,
    Unreadable(String),
    Bytes(Vec<u8>),
}

impl Content {
    /// Whether the shell's `[ -f ]` holds.
    pub fn is_file(&self) -> bool {
        matches!(self, Content::Bytes(_) | Content::Unreadable(_))
    }

    /// The bytes the shell's `sed`/`awk` would see: none when unreadable.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Content::Bytes(b) => b,
            _ => &[],
        }
    }
}

/// What `artifacts/` turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Artifacts {
    Absent,
    /// Exists but is not a directory (the shell's `[ -d ]` fails).
    NotDir,
    Empty,
    Filled,
    Unreadable(String),
}

/// One `<status>/<name>/` directory the shell would visit.
#[derive(Debug)]
pub struct TicketDir {
    pub status: &'static str,
    pub name: OsString,
    pub path: PathBuf,
    /// The directory and its status directory are real directories (no link), so fixes may write.
    pub real: bool,
    pub listing_error: Option<String>,
    pub item: Content,
    pub thread: Content,
    pub resolution: Content,
    pub artifacts: Artifacts,
}

impl TicketDir {
    pub fn item_path(&self) -> PathBuf {
        layout::item(&self.path)
    }
    pub fn thread_path(&self) -> PathBuf {
        layout::thread(&self.path)
    }
    pub fn resolution_path(&self) -> PathBuf {
        layout::resolution(&self.path)
    }
    pub fn artifacts_path(&self) -> PathBuf {
        layout::artifacts(&self.path)
    }
}

/// What the tree keeps of a ticket once its rules have run.
#[derive(Debug)]
pub struct Kept {
    pub path: Box<Path>,
    /// What `artifacts/` needs, when `--fix` may repair it: a real directory whose `item.md` is
    /// a file and whose `artifacts/` is missing or empty.
    pub artifacts_fix: Option<ArtifactsFix>,
}

/// What `--fix` does to a ticket's `artifacts/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArtifactsFix {
    /// Creates `artifacts/` and its `.gitkeep`.
    Create,
    /// Adds the `.gitkeep` to an empty `artifacts/`.
    Keep,
}

impl Kept {
    fn of(t: &TicketDir) -> Kept {
        let fixable = t.real && t.listing_error.is_none() && t.item.is_file();
        Kept {
            path: t.path.clone().into_boxed_path(),
            artifacts_fix: match t.artifacts {
                Artifacts::Absent if fixable => Some(ArtifactsFix::Create),
                Artifacts::Empty if fixable => Some(ArtifactsFix::Keep),
                _ => None,
            },
        }
    }

    /// The directory's name.
    pub fn name(&self) -> &std::ffi::OsStr {
        self.path.file_name().unwrap_or_default()
    }
    pub fn item_path(&self) -> PathBuf {
        layout::item(&self.path)
    }
    pub fn artifacts_path(&self) -> PathBuf {
        layout::artifacts(&self.path)
    }
    pub fn gitkeep_path(&self) -> PathBuf {
        layout::gitkeep(&self.path)
    }
}

#[derive(Debug)]
pub struct StatusDir {
    pub path: PathBuf,
    /// The shell's `[ -d ]`.
    pub present: bool,
    pub listing_error: Option<String>,
    pub tickets: Vec<Kept>,
}

/// A symbolic link inside the root whose target is outside it.
#[derive(Debug)]
pub struct Escape {
    pub link: PathBuf,
    pub target: PathBuf,
}

/// Everything the rules look at.
#[derive(Debug)]
pub struct Tree {
    pub statuses: Vec<StatusDir>,
    /// Leftover temporary files or directories, in walk order.
    pub leftovers: Vec<PathBuf>,
    pub escapes: Vec<Escape>,
}

struct Walker<'r> {
    real_root: Option<&'r Path>,
    leftovers: Vec<PathBuf>,
    escapes: Vec<Escape>,
}

/// An entry of a status directory, in walk order: what the entry itself reports, and the
/// ticket directory it is, if it is one (read later, on a worker thread).
struct Found<'r> {
    before: Walker<'r>,
    ticket: Option<Job>,
}

struct Job {
    /// Index into `STATUS_DIRS`.
    status: usize,
    name: OsString,
    path: PathBuf,
    real: bool,
}

/// How many status-directory entries are read and checked between two merges of their results.
pub const BATCH: usize = 4096;

/// What receives the checks' results, in ticket order.
pub trait Collect<T> {
    /// At most `n` results will come (the status directories' entries): room can be made once.
    fn expect(&mut self, n: usize);
    fn take(&mut self, result: T);
}

/// Walks `root`, calling `check` on each ticket while its files are in memory (on a worker
/// thread) and handing each result to `into`, in ticket order (on this one); returns the tree
/// (what it keeps of each ticket: [`Kept`]). Never fails: what cannot be read is recorded for
/// the rules to report.
pub fn scan<T: Send>(
    root: &Path,
    check: impl Fn(&TicketDir) -> T + Sync,
    into: &mut impl Collect<T>,
    progress: &dyn Progress,
) -> Tree {
    let real_root = fs::canonicalize(root).ok();
    let mut w = Walker::new(real_root.as_deref());
    w.root_entries(root);
    let total: usize = STATUS_DIRS.iter().map(|s| subdirs(&root.join(s))).sum();
    progress.start("checking tickets", total as u64);
    into.expect(total);
    let mut statuses = Vec::with_capacity(STATUS_DIRS.len());
    for (k, &name) in STATUS_DIRS.iter().enumerate() {
        let (mut status, entries) = w.status_dir(root, name);
        status.tickets.reserve_exact(entries.len());
        let mut entries = entries.into_iter();
        loop {
            let batch: Vec<Found> = entries
                .by_ref()
                .take(BATCH)
                .map(|(entry, kind, real)| w.found(&status.path, k, entry, kind, real))
                .collect();
            if batch.is_empty() {
                break;
            }
            let read = read_tickets(batch, real_root.as_deref(), &|t: &TicketDir| check(t));
            for (before, ticket) in read {
                w.absorb(before);
                progress.advance(1);
                if let Some((ticket, inside, result)) = ticket {
                    w.absorb(inside);
                    status.tickets.push(ticket);
                    into.take(result);
                }
            }
        }
        statuses.push(status);
    }
    progress.finish();
    Tree {
        statuses,
        leftovers: w.leftovers,
        escapes: w.escapes,
    }
}

/// A status-directory entry after reading: what it reported and, for a ticket, what is kept of
/// it, what the ticket's walk reported, and the check's result.
type Outcome<'r, T> = (Walker<'r>, Option<(Kept, Walker<'r>, T)>);

/// Reads and checks the found tickets on a few threads; returns them in the order found.
fn read_tickets<'r, T: Send>(
    found: Vec<Found<'r>>,
    real_root: Option<&'r Path>,
    check: &(impl Fn(&TicketDir) -> T + Sync),
) -> Vec<Outcome<'r, T>> {
    parallel::map_ordered(found, |f| {
        let read = f.ticket.map(|job| {
            let mut inside = Walker::new(real_root);
            let ticket = inside.ticket_dir(STATUS_DIRS[job.status], job.name, job.path, job.real);
            let result = check(&ticket);
            (Kept::of(&ticket), inside, result)
        });
        (f.before, read)
    })
}

/// About how many ticket directories `dir` holds, for the progress bar and the room made for
/// results: its link count less two (each subdirectory's `..` links to it) where the file system
/// keeps that count, else a count of its entries.
fn subdirs(dir: &Path) -> usize {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = fs::metadata(dir)
            && meta.nlink() >= 2
        {
            return usize::try_from(meta.nlink() - 2).unwrap_or(0);
        }
    }
    fs::read_dir(dir).map_or(0, Iterator::count)
}

fn sorted_entries(dir: &Path) -> io::Result<Vec<(OsString, FileType)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        out.push((entry.file_name(), entry.file_type()?));
    }
    // The shell's glob order (C locale): bytes.
    out.sort_by(|a, b| a.0.as_encoded_bytes().cmp(b.0.as_encoded_bytes()));
    Ok(out)
}

impl<'r> Walker<'r> {
    fn new(real_root: Option<&'r Path>) -> Self {
        Walker {
            real_root,
            leftovers: Vec::new(),
            escapes: Vec::new(),
        }
    }

    fn absorb(&mut self, other: Walker<'_>) {
        self.leftovers.extend(other.leftovers);
        self.escapes.extend(other.escapes);
    }

    fn root_entries(&mut self, root: &Path) {
        let Ok(entries) = sorted_entries(root) else {
            return;
        };
        for (name, kind) in entries {
            let path = root.join(&name);
            if name == layout::TMP_DIR {
                if kind.is_dir() {
                    if let Ok(inside) = sorted_entries(&path) {
                        self.leftovers
                            .extend(inside.into_iter().map(|(n, _)| path.join(n)));
                    }
                } else {
                    self.leftovers.push(path);
                }
            } else if is_leftover_name(&name) {
                self.leftovers.push(path);
            }
        }
    }

    /// Records `path` when it is a link leading out of the root; returns whether it is a link.
    fn check_link(&mut self, path: &Path, kind: FileType) -> bool {
        if !kind.is_symlink() {
            return false;
        }
        if let (Some(root), Ok(target)) = (self.real_root, fs::canonicalize(path))
            && !target.starts_with(root)
        {
            self.escapes.push(Escape {
                link: path.to_path_buf(),
                target,
            });
        }
        true
    }

    /// Lists one status directory: the directory, and its entries in the shell's order, each
    /// with whether a ticket in it may be written to (no link on the way).
    fn status_dir(
        &mut self,
        root: &Path,
        name: &'static str,
    ) -> (StatusDir, Vec<(OsString, FileType, bool)>) {
        let path = root.join(name);
        let mut status = StatusDir {
            present: path.is_dir(),
            path,
            listing_error: None,
            tickets: Vec::new(),
        };
        if !status.present {
            return (status, Vec::new());
        }
        let status_real = match fs::symlink_metadata(&status.path) {
            Ok(meta) => !self.check_link(&status.path, meta.file_type()),
            Err(_) => false,
        };
        match sorted_entries(&status.path) {
            Ok(entries) => {
                let entries = entries
                    .into_iter()
                    .map(|(entry, kind)| (entry, kind, status_real))
                    .collect();
                (status, entries)
            }
            Err(e) => {
                status.listing_error = Some(e.to_string());
                (status, Vec::new())
            }
        }
    }

    /// One entry of the status directory `status_path` (index `k`): what the entry itself
    /// reports, kept apart to be merged back in walk order, and the ticket to read, if it is one.
    fn found(
        &self,
        status_path: &Path,
        k: usize,
        entry: OsString,
        kind: FileType,
        status_real: bool,
    ) -> Found<'r> {
        let dir = status_path.join(&entry);
        let mut before = Walker::new(self.real_root);
        if is_leftover_name(&entry) {
            before.leftovers.push(dir.clone());
        }
        // The shell's `*` skips hidden names.
        let visible = !entry.as_encoded_bytes().starts_with(b".");
        let link = visible && before.check_link(&dir, kind);
        let is_dir = visible && (kind.is_dir() || (link && dir.is_dir()));
        Found {
            before,
            ticket: is_dir.then_some(Job {
                status: k,
                name: entry,
                path: dir,
                real: status_real && !link,
            }),
        }
    }

    fn ticket_dir(
        &mut self,
        status: &'static str,
        name: OsString,
        path: PathBuf,
        real: bool,
    ) -> TicketDir {
        let mut t = TicketDir {
            status,
            name,
            path,
            real,
            listing_error: None,
            item: Content::Absent,
            thread: Content::Absent,
            resolution: Content::Absent,
            artifacts: Artifacts::Absent,
        };
        let entries = match sorted_entries(&t.path) {
            Ok(entries) => entries,
            Err(e) => {
                t.listing_error = Some(e.to_string());
                return t;
            }
        };
        for (entry, kind) in entries {
            let path = t.path.join(&entry);
            let slot = if entry == layout::ITEM {
                &mut t.item
            } else if entry == layout::THREAD {
                &mut t.thread
            } else if entry == layout::RESOLUTION {
                &mut t.resolution
            } else if entry == layout::ARTIFACTS {
                t.artifacts = self.artifacts(&path, kind);
                continue;
            } else {
                if is_leftover_name(&entry) {
                    self.leftovers.push(path);
                }
                continue;
            };
            *slot = self.file(&path, kind);
        }
        t
    }

    fn file(&mut self, path: &Path, kind: FileType) -> Content {
        let is_file = if self.check_link(path, kind) {
            match fs::metadata(path) {
                Ok(meta) => meta.is_file(),
                Err(_) => return Content::Absent, // a dangling link: `[ -f ]` fails
            }
        } else {
            kind.is_file()
        };
        if !is_file {
            return Content::NotFile;
        }
        match read_bounded(path) {
            Ok(bytes) => Content::Bytes(bytes),
            Err(e) => Content::Unreadable(e),
        }
    }

    fn artifacts(&mut self, path: &Path, kind: FileType) -> Artifacts {
        let is_dir = if self.check_link(path, kind) {
            match fs::metadata(path) {
                Ok(meta) => meta.is_dir(),
                Err(_) => return Artifacts::Absent,
            }
        } else {
            kind.is_dir()
        };
        if !is_dir {
            return Artifacts::NotDir;
        }
        let entries = match sorted_entries(path) {
            Ok(entries) => entries,
            Err(e) => return Artifacts::Unreadable(e.to_string()),
        };
        if entries.is_empty() {
            return Artifacts::Empty;
        }
        for (name, kind) in entries {
            self.check_link(&path.join(name), kind);
        }
        Artifacts::Filled
    }
}

/// The whole file, or why not: unreadable, or larger than [`MAX_FILE`].
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    if len > MAX_FILE {
        return Err(format!(
            "{len} bytes, larger than the {MAX_FILE} bytes the doctor reads"
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(format!("larger than the {MAX_FILE} bytes the doctor reads"));
    }
    Ok(bytes)
}
