//! The files of a merge (docs/sync.md): the three git hands a merge driver (read, and the
//! result written into ours), the notes an item merge leaves in a worktree's git directory for
//! what it did not keep, and a merged file written into the root under the lock.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ticket_domain::BackendError;

use crate::{fsio, layout};

/// A file git hands a merge driver, as text; `None` when it is not UTF-8.
pub fn read_text(path: &Path) -> Result<Option<String>, BackendError> {
    let bytes = fs::read(path).map_err(|e| fsio::storage(path, e))?;
    Ok(String::from_utf8(bytes).ok())
}

/// The merge's result, into the file git named (`%A`): git reads it back when the driver ends.
pub fn write_result(path: &Path, text: &str) -> Result<(), BackendError> {
    fs::write(path, text).map_err(|e| fsio::storage(path, e))
}

/// Writes `text` into `target`, a file of a ticket under `root`, under the root's lock (waiting
/// at most `timeout`), through `fsio`: what a sync settles when git left a conflict it did not
/// merge.
pub fn write_in_root(
    root: &Path,
    target: &Path,
    text: &str,
    timeout: Duration,
) -> Result<(), BackendError> {
    fsio::with_lock(root, timeout, || {
        fsio::write_atomic(root, target, text.as_bytes())
    })
}

/// A note of what an item merge of ticket `id` did not keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub id: String,
    pub path: PathBuf,
    pub body: String,
}

/// Writes a note for ticket `id` in the notes of the git directory `git_dir`, named so that
/// notes sort in the order they were written: `<id>.<nanoseconds>.<pid>`.
pub fn write_note(git_dir: &Path, id: &str, body: &str) -> Result<PathBuf, BackendError> {
    let dir = git_dir.join(layout::MERGE_NOTES_DIR);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let path = dir.join(format!("{id}.{nanos}.{}", std::process::id()));
    fs::create_dir_all(&dir)
        .and_then(|()| fs::write(&path, body))
        .map_err(|e| fsio::storage(&path, e))?;
    Ok(path)
}

/// The notes in `git_dir`, oldest first.
pub fn notes(git_dir: &Path) -> Vec<Note> {
    let dir = git_dir.join(layout::MERGE_NOTES_DIR);
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let id = path.file_name()?.to_str()?.split('.').next()?.to_owned();
            let body = fs::read_to_string(&path).unwrap_or_default();
            Some(Note { id, path, body })
        })
        .collect()
}

/// Removes a note once it is recorded (best effort: one left behind is recorded again).
pub fn remove_note(note: &Note) {
    let _ = fs::remove_file(&note.path);
}

/// Whether a merge is in progress in the worktree whose git directory is `git_dir`.
pub fn merge_in_progress(git_dir: &Path) -> bool {
    git_dir.join("MERGE_HEAD").exists()
}
