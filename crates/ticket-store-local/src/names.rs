//! Every ticket directory's name without reading the status directories when they have not
//! changed: a derived, disposable list in `<root>/.index/names`, with the state (inode,
//! modification and change times) of each status directory it was read from.
//!
//! Creating, removing or renaming an entry of a directory changes its modification time, so
//! while a status directory's state equals the one recorded, its entries are the ones listed.
//! Two changes within one tick of the clock can share a time, so a state recorded moments after
//! a change is not trusted ([`racy_window_ns`]): the directory is read again. Reading a status
//! directory of 100,000 entries costs tens of milliseconds; the list costs one small read.
//! Like the slug index, it is written by temporary file and rename, never through a link, and a
//! failure to write it only costs the next read.

use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use ticket_domain::BackendError;

use crate::backend::LocalTicketBackend;
use crate::index;
use crate::layout::{self, INDEX_NAMES, INDEX_TMP_PREFIX, STATUS_DIRS};

const FORMAT: &str = "ticket names 1";

/// Nanoseconds within which a change may share its timestamp with a later one: on file systems
/// with timestamps of a second or two (nanoseconds all zero), 2 s; elsewhere 100 ms, well above
/// a kernel tick.
pub fn racy_window_ns(changed_at_ns: i64) -> i64 {
    if changed_at_ns % 1_000_000_000 == 0 {
        2_000_000_000
    } else {
        100_000_000
    }
}

/// A status directory's state: inode, modification and change times (all 0 when absent).
type DirState = (u64, i64, i64);

fn nanos(secs: i64, nsecs: i64) -> i64 {
    secs.saturating_mul(1_000_000_000).saturating_add(nsecs)
}

fn dir_state(path: &Path) -> DirState {
    fs::metadata(path).map_or((0, 0, 0), |m| {
        (
            m.ino(),
            nanos(m.mtime(), m.mtime_nsec()),
            nanos(m.ctime(), m.ctime_nsec()),
        )
    })
}

impl LocalTicketBackend {
    /// Every ticket directory's name, by status directory (index into [`STATUS_DIRS`]), names in
    /// byte order: from `.index/names` when no status directory changed since it was written,
    /// else read from the directories (and the list rewritten). `now_ns` is the clock, read
    /// before this call.
    pub(crate) fn all_ticket_names(
        &self,
        now_ns: i64,
    ) -> Result<Vec<(usize, String)>, BackendError> {
        let states: Vec<DirState> = STATUS_DIRS
            .iter()
            .map(|s| dir_state(&self.root().join(s)))
            .collect();
        if let Some(names) = read_list(self.root(), &states) {
            return Ok(names);
        }
        let mut names = Vec::new();
        for (k, status_dir) in STATUS_DIRS.into_iter().enumerate() {
            names.extend(
                self.ticket_dirs(status_dir)?
                    .into_iter()
                    .filter_map(|d| Some((k, d.file_name()?.to_str()?.to_owned()))),
            );
        }
        write_list(self.root(), now_ns, &states, &names);
        Ok(names)
    }
}

/// The list, when it describes `states` and each was recorded long enough after its last change.
fn read_list(root: &Path, states: &[DirState]) -> Option<Vec<(usize, String)>> {
    let path = layout::index_dir(root).join(INDEX_NAMES);
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let text = fs::read_to_string(&path).ok()?;
    let mut lines = text.split('\n');
    if lines.next()? != FORMAT {
        return None;
    }
    let taken: i64 = lines.next()?.strip_prefix("taken ")?.parse().ok()?;
    for (status, now) in STATUS_DIRS.iter().zip(states) {
        let mut parts = lines.next()?.split(' ');
        if parts.next()? != *status {
            return None;
        }
        let recorded: DirState = (
            parts.next()?.parse().ok()?,
            parts.next()?.parse().ok()?,
            parts.next()?.parse().ok()?,
        );
        let latest = recorded.1.max(recorded.2);
        if recorded != *now || latest >= taken.saturating_sub(racy_window_ns(latest)) {
            return None;
        }
    }
    let mut names = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let (k, name) = line.split_once('\t')?;
        let k: usize = k.parse().ok()?;
        if k >= STATUS_DIRS.len() {
            return None;
        }
        names.push((k, name.to_owned()));
    }
    Some(names)
}

/// Writes the list (best effort): `states` were taken at `taken_ns`, before `names` were read.
fn write_list(root: &Path, taken_ns: i64, states: &[DirState], names: &[(usize, String)]) {
    if names.iter().any(|(_, n)| n.contains(['\n', '\t'])) {
        return;
    }
    let Some(dir) = index::index_dir(root) else {
        return;
    };
    let mut text = format!("{FORMAT}\ntaken {taken_ns}\n");
    for (status, (ino, m, c)) in STATUS_DIRS.iter().zip(states) {
        text.push_str(&format!("{status} {ino} {m} {c}\n"));
    }
    for (k, name) in names {
        text.push_str(&format!("{k}\t{name}\n"));
    }
    let Ok(mut tmp) = crate::fsio::new_file(INDEX_TMP_PREFIX).tempfile_in(&dir) else {
        return;
    };
    if tmp.write_all(text.as_bytes()).is_ok() {
        let _ = tmp.persist(dir.join(INDEX_NAMES));
    }
}
