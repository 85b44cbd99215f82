//! What a derived index needs from a root: every ticket's stamp, taken with `stat` and no read,
//! and a ticket's texts without its artifacts or version.
//!
//! A stamp changes whenever `item.md`, `thread.md` or (in `closed/`) `resolution.md` is
//! written, replaced, created or removed, by any tool: it hashes each file's presence, inode,
//! size and modification and change times. A file edited in place keeps its inode and its
//! directory's time but not its own times, so every file is looked at; directory times alone
//! would miss it. A resolution is a closed ticket's: the texts of a ticket elsewhere leave it
//! out (a reopened ticket's old resolution is still in its thread, as the `close` event's body),
//! which spares a `stat` per open or pending ticket.

use std::fs;
use std::os::fd::OwnedFd;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rustix::fs::{AtFlags, Mode, OFlags};
use ticket_domain::{BackendError, TicketIdOrSlug, TicketTexts};
use ticket_format::codec;
use xxhash_rust::xxh3::Xxh3;

use crate::backend::LocalTicketBackend;
use crate::fsio;
use crate::index;
use crate::layout::{self, STATUS_DIRS};
use crate::parallel;
use crate::read::{corrupt, events, split};

/// One ticket directory's stamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketStamp {
    pub status_dir: &'static str,
    /// The ticket directory's name.
    pub name: String,
    /// Changes whenever one of the ticket's files does.
    pub stamp: u64,
    /// The latest modification or change time of its files, in nanoseconds since the epoch.
    pub changed_at_ns: i64,
    /// What `stat` said of each file: `item.md`, `thread.md`, `resolution.md` (never looked at
    /// outside `closed/`, so [`FileStamp::ABSENT`] there). The change feed compares them file by
    /// file; `stamp` is what a search compares.
    pub files: [FileStamp; 3],
}

/// What `stat` said of one file of a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileStamp {
    /// A hash of its device, inode, size and modification and change times;
    /// [`FileStamp::ABSENT`] or [`FileStamp::FAILED`] when it has none.
    pub stat: u64,
    /// Its size in bytes.
    pub len: u64,
}

impl FileStamp {
    /// The file is not there.
    pub const ABSENT: FileStamp = FileStamp { stat: 0, len: 0 };
    /// `stat` failed otherwise (no permission, say).
    pub const FAILED: FileStamp = FileStamp { stat: 1, len: 0 };

    pub fn is_present(self) -> bool {
        self.stat > 1
    }
}

/// Every ticket directory of a root (status directories in list order, names in byte order),
/// stamped, and when the stamps were taken.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stamps {
    /// Read from the clock before the first directory was listed, in nanoseconds since the epoch.
    pub taken_at_ns: i64,
    pub tickets: Vec<TicketStamp>,
}

fn nanos(secs: i64, nsecs: i64) -> i64 {
    secs.saturating_mul(1_000_000_000).saturating_add(nsecs)
}

/// The stamp of ticket directory `name` under the status directory open as `status`: a hash of
/// what `stat` says of each file, the latest time among them, and each file's own stamp. Paths
/// are resolved from the status directory, so the root's own path is not walked again for every
/// file.
fn stamp_of(
    status: Option<&OwnedFd>,
    status_path: &Path,
    name: &str,
    closed: bool,
) -> (u64, i64, [FileStamp; 3]) {
    let mut h = Xxh3::new();
    let mut latest = i64::MIN;
    let mut each = [FileStamp::ABSENT; 3];
    let mut path = String::with_capacity(name.len() + 16);
    let files: &[&str] = if closed {
        &[layout::ITEM, layout::THREAD, layout::RESOLUTION]
    } else {
        &[layout::ITEM, layout::THREAD]
    };
    for (file, own) in files.iter().zip(each.iter_mut()) {
        path.clear();
        path.push_str(name);
        path.push('/');
        path.push_str(file);
        match stat_at(status, status_path, &path) {
            Ok(f) => {
                latest = latest.max(f.modified).max(f.changed);
                for v in [1, f.dev, f.ino, f.size] {
                    h.update(&v.to_le_bytes());
                }
                for v in [f.modified, f.changed] {
                    h.update(&v.to_le_bytes());
                }
                *own = FileStamp {
                    // 0 and 1 say absent and failed.
                    stat: f.hash().max(2),
                    len: f.size,
                };
            }
            Err(e) => {
                h.update(&[0]);
                // Not found is a state of its own; any other failure changes every time, so the
                // ticket is read (and its own error reported) rather than trusted.
                if e.kind() != std::io::ErrorKind::NotFound {
                    h.update(&now_ns().to_le_bytes());
                    latest = i64::MAX;
                    *own = FileStamp::FAILED;
                }
            }
        }
    }
    (h.digest(), latest, each)
}

/// What `stat` says of `rel` under the status directory open as `status` (or at
/// `status_path`, when it could not be opened), links followed.
pub(crate) fn stat_at(
    status: Option<&OwnedFd>,
    status_path: &Path,
    rel: &str,
) -> std::io::Result<Facts> {
    match status {
        Some(fd) => rustix::fs::statat(fd, rel, AtFlags::empty())
            .map(Facts::from)
            .map_err(std::io::Error::from),
        None => fs::metadata(status_path.join(rel)).map(|m| Facts::from(&m)),
    }
}

/// A status directory open for [`stat_at`] (`None` when it cannot be opened).
pub(crate) fn open_status(path: &Path) -> Option<OwnedFd> {
    rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()
}

/// What a stamp takes from `stat`.
pub(crate) struct Facts {
    dev: u64,
    ino: u64,
    size: u64,
    pub(crate) modified: i64,
    pub(crate) changed: i64,
}

impl Facts {
    /// The file's own stamp (see [`FileStamp::stat`]).
    pub(crate) fn hash(&self) -> u64 {
        let mut h = Xxh3::new();
        for v in [self.dev, self.ino, self.size] {
            h.update(&v.to_le_bytes());
        }
        for v in [self.modified, self.changed] {
            h.update(&v.to_le_bytes());
        }
        h.digest()
    }
}

impl From<&fs::Metadata> for Facts {
    fn from(m: &fs::Metadata) -> Self {
        Facts {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            modified: nanos(m.mtime(), m.mtime_nsec()),
            changed: nanos(m.ctime(), m.ctime_nsec()),
        }
    }
}

impl From<rustix::fs::Stat> for Facts {
    // The field types of `stat` differ from one platform to another.
    #[allow(
        clippy::unnecessary_cast,
        clippy::cast_possible_wrap,
        clippy::useless_conversion
    )]
    fn from(st: rustix::fs::Stat) -> Self {
        Facts {
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            size: st.st_size as u64,
            modified: nanos(st.st_mtime as i64, st.st_mtime_nsec as i64),
            changed: nanos(st.st_ctime as i64, st.st_ctime_nsec as i64),
        }
    }
}

pub(crate) fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

impl LocalTicketBackend {
    /// Every ticket's stamp (see the module's documentation). Costs one `stat` per file, on a
    /// few threads, and no file is opened; the status directories are read only when they
    /// changed (`names`).
    pub fn stamps(&self) -> Result<Stamps, BackendError> {
        let taken_at_ns = now_ns();
        let dirs = self.all_ticket_names(taken_at_ns)?;
        let mut opened: Vec<(PathBuf, Option<OwnedFd>)> = Vec::new();
        for status_dir in STATUS_DIRS {
            let path = self.root().join(status_dir);
            let fd = open_status(&path);
            opened.push((path, fd));
        }
        let tickets = parallel::map_ordered(dirs, |(k, name)| {
            let (path, fd) = &opened[k];
            let closed = STATUS_DIRS[k] == layout::CLOSED;
            let (stamp, changed_at_ns, files) = stamp_of(fd.as_ref(), path, &name, closed);
            TicketStamp {
                status_dir: STATUS_DIRS[k],
                name,
                stamp,
                changed_at_ns,
                files,
            }
        });
        Ok(Stamps {
            taken_at_ns,
            tickets,
        })
    }

    /// The texts of the ticket in directory `name` of `status_dir`; `None` when it is not there
    /// (or the names could not be a ticket's).
    pub(crate) fn read_texts(
        &self,
        status_dir: &str,
        name: &str,
    ) -> Result<Option<TicketTexts>, BackendError> {
        if !STATUS_DIRS.contains(&status_dir) || TicketIdOrSlug::new(name).is_err() {
            return Ok(None);
        }
        let dir = layout::ticket_dir(self.root(), status_dir, name);
        let item_path = layout::item(&dir);
        let Some(text) = fsio::read_string_optional(&item_path)? else {
            return Ok(None);
        };
        let fm = split(&item_path, &text)?;
        let summary = codec::summary(&fm).map_err(|e| corrupt(&item_path, e))?;
        let thread_path = layout::thread(&dir);
        let events = match fsio::read_string_optional(&thread_path)? {
            Some(thread) => events(&thread_path, &thread)?,
            None => Vec::new(),
        };
        let resolution = if status_dir == layout::CLOSED {
            fsio::read_string_optional(&layout::resolution(&dir))?
        } else {
            None
        };
        Ok(Some(TicketTexts {
            summary,
            body: text[fm.body_start..].to_owned(),
            events,
            resolution,
        }))
    }

    /// The directory a full-text index may live in (`.index/search`), with `.index/` made and
    /// git-ignored; `None` when it cannot be made (a read-only root, a link in the way).
    pub(crate) fn search_dir(&self) -> Option<PathBuf> {
        index::index_dir(self.root()).map(|_| layout::search_dir(self.root()))
    }
}
