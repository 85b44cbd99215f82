//! One walk over the root: every directory listed once, every ticket file read once.
//!
//! The rules never touch the file system; they look at the [`Tree`] this module builds. Files are
//! only read when they are regular files (a FIFO named `item.md` would block forever) and never
//! beyond [`MAX_FILE`] bytes.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, FileType};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ticket_store_local::STATUS_DIRS;
use ticket_store_local::fsio::TMP_DIR;

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
        self.path.join("item.md")
    }
    pub fn thread_path(&self) -> PathBuf {
        self.path.join("thread.md")
    }
    pub fn resolution_path(&self) -> PathBuf {
        self.path.join("resolution.md")
    }
    pub fn artifacts_path(&self) -> PathBuf {
        self.path.join("artifacts")
    }
}

#[derive(Debug)]
pub struct StatusDir {
    pub path: PathBuf,
    /// The shell's `[ -d ]`.
    pub present: bool,
    pub listing_error: Option<String>,
    pub tickets: Vec<TicketDir>,
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

/// Names a crashed writer leaves beside its target: atomicwrites' directories and tickets.sh's
/// `${TMPDIR}/tickets-sh.*` files when TMPDIR points into the root.
pub fn is_leftover_name(name: &OsStr) -> bool {
    let bytes = name.as_encoded_bytes();
    bytes.starts_with(b".atomicwrite") || bytes.starts_with(b"tickets-sh.")
}

struct Walker {
    real_root: Option<PathBuf>,
    leftovers: Vec<PathBuf>,
    escapes: Vec<Escape>,
}

/// Walks `root`. Never fails: what cannot be read is recorded for the rules to report.
pub fn scan(root: &Path) -> Tree {
    let mut w = Walker {
        real_root: fs::canonicalize(root).ok(),
        leftovers: Vec::new(),
        escapes: Vec::new(),
    };
    w.root_entries(root);
    let statuses = STATUS_DIRS
        .iter()
        .map(|&status| w.status_dir(root, status))
        .collect();
    Tree {
        statuses,
        leftovers: w.leftovers,
        escapes: w.escapes,
    }
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

impl Walker {
    fn root_entries(&mut self, root: &Path) {
        let Ok(entries) = sorted_entries(root) else {
            return;
        };
        for (name, kind) in entries {
            let path = root.join(&name);
            if name == TMP_DIR {
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
        if let (Some(root), Ok(target)) = (&self.real_root, fs::canonicalize(path))
            && !target.starts_with(root)
        {
            self.escapes.push(Escape {
                link: path.to_path_buf(),
                target,
            });
        }
        true
    }

    fn status_dir(&mut self, root: &Path, name: &'static str) -> StatusDir {
        let path = root.join(name);
        let mut status = StatusDir {
            present: path.is_dir(),
            path,
            listing_error: None,
            tickets: Vec::new(),
        };
        if !status.present {
            return status;
        }
        let status_real = match fs::symlink_metadata(&status.path) {
            Ok(meta) => !self.check_link(&status.path, meta.file_type()),
            Err(_) => false,
        };
        let entries = match sorted_entries(&status.path) {
            Ok(entries) => entries,
            Err(e) => {
                status.listing_error = Some(e.to_string());
                return status;
            }
        };
        for (entry, kind) in entries {
            let dir = status.path.join(&entry);
            if is_leftover_name(&entry) {
                self.leftovers.push(dir.clone());
            }
            if entry.as_encoded_bytes().starts_with(b".") {
                continue; // the shell's `*` skips hidden names
            }
            let link = self.check_link(&dir, kind);
            let is_dir = kind.is_dir() || (link && dir.is_dir());
            if is_dir {
                let ticket = self.ticket_dir(name, entry, dir, status_real && !link);
                status.tickets.push(ticket);
            }
        }
        status
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
            let slot = match entry.as_encoded_bytes() {
                b"item.md" => &mut t.item,
                b"thread.md" => &mut t.thread,
                b"resolution.md" => &mut t.resolution,
                b"artifacts" => {
                    t.artifacts = self.artifacts(&path, kind);
                    continue;
                }
                _ => {
                    if is_leftover_name(&entry) {
                        self.leftovers.push(path);
                    }
                    continue;
                }
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
