//! The only repairs the doctor makes, and only when asked: the unambiguous ones.
//!
//! - `artifacts/` missing (nothing at all by that name) or empty in a ticket directory that has
//!   an item.md: create it with an empty `.gitkeep`, as `tickets.sh create` does.
//! - Leftover temporary files (`.tmp/*`, `.atomicwrite*`, `tickets-sh.*`): remove them.
//!
//! Nothing else is ever changed. Repairs run under the writers' lock (`<root>/.lock`, created
//! if absent, as every writer does), so no write in progress loses its temporary file, and never
//! through a link: only ticket directories that are real directories inside the root are touched.

use std::fs::{self, OpenOptions};
use std::io;
use std::path::Path;
use std::time::Duration;

use ticket_domain::BackendError;
use ticket_store_local::fsio;

use crate::code::Code;
use crate::report::Sink;
use crate::scan::{Artifacts, TicketDir, Tree};

/// How long a fix waits for a writer to finish.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Applies the repairs `tree` calls for; returns a line per repair, and a `fix-failed` warning
/// for each one that could not be made.
pub(crate) fn apply(root: &Path, tree: &Tree, sink: &mut Sink) -> Vec<String> {
    let wanted = tree
        .statuses
        .iter()
        .flat_map(|s| &s.tickets)
        .any(needs_artifacts)
        || !tree.leftovers.is_empty();
    if !wanted {
        return Vec::new();
    }
    let mut fixed = Vec::new();
    let locked = fsio::with_lock(root, LOCK_WAIT, || {
        for leftover in &tree.leftovers {
            match remove(root, leftover) {
                Ok(true) => fixed.push(format!(
                    "removed leftover temporary file: {}",
                    leftover.display()
                )),
                Ok(false) => {}
                Err(e) => failed(sink, leftover, "remove", &e),
            }
        }
        for t in tree.statuses.iter().flat_map(|s| &s.tickets) {
            if !needs_artifacts(t) {
                continue;
            }
            let dir = t.artifacts_path();
            let keep = t.gitkeep_path();
            let result = match t.artifacts {
                Artifacts::Absent => create_artifacts(root, &dir, &keep).map(|made| {
                    made.then(|| format!("created missing artifacts/.gitkeep: {}", keep.display()))
                }),
                Artifacts::Empty => create_keep(root, &keep).map(|made| {
                    made.then(|| {
                        format!(
                            "created artifacts/.gitkeep in empty artifacts/: {}",
                            keep.display()
                        )
                    })
                }),
                _ => continue,
            };
            match result {
                Ok(Some(line)) => fixed.push(line),
                Ok(None) => {}
                Err(e) => failed(sink, &keep, "create", &e),
            }
        }
        Ok::<(), BackendError>(())
    });
    if let Err(e) = locked {
        sink.push(Code::FixFailed, root, None, format!("nothing fixed: {e}"));
    }
    fixed
}

/// A ticket (a real directory with an item.md, listed whole) whose artifacts/ is missing or empty.
fn needs_artifacts(t: &TicketDir) -> bool {
    t.real
        && t.listing_error.is_none()
        && t.item.is_file()
        && matches!(t.artifacts, Artifacts::Absent | Artifacts::Empty)
}

fn failed(sink: &mut Sink, path: &Path, what: &str, e: &dyn std::fmt::Display) {
    sink.push(
        Code::FixFailed,
        path,
        None,
        format!("could not {what} {}: {e}", path.display()),
    );
}

/// Removes a leftover (a link itself, never what it points to); `false` when already gone.
/// Refuses one whose directory resolves outside the root (reached through a link).
fn remove(root: &Path, path: &Path) -> io::Result<bool> {
    let parent = path.parent().unwrap_or(path);
    if !fs::canonicalize(parent)?.starts_with(fs::canonicalize(root)?) {
        return Err(io::Error::other(
            "it is reached through a link leading outside the root",
        ));
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if meta.is_dir() {
        fs::remove_dir_all(path)?;
    } else {
        fs::remove_file(path)?;
    }
    Ok(true)
}

/// `mkdir artifacts && : > artifacts/.gitkeep`, unless something appeared meanwhile.
fn create_artifacts(root: &Path, dir: &Path, keep: &Path) -> Result<bool, String> {
    fsio::refuse_symlink(root, dir).map_err(|e| e.to_string())?;
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e.to_string()),
    }
    create_keep(root, keep)
}

/// Creates an empty `.gitkeep`; `false` when one exists already.
fn create_keep(root: &Path, keep: &Path) -> Result<bool, String> {
    fsio::refuse_symlink(root, keep).map_err(|e| e.to_string())?;
    match OpenOptions::new().write(true).create_new(true).open(keep) {
        Ok(file) => {
            file.sync_all().map_err(|e| e.to_string())?;
            fsio::sync_parent(keep).map_err(|e| e.to_string())?;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.to_string()),
    }
}
