//! The only repairs the doctor makes, and only when asked: the unambiguous ones.
//!
//! - `artifacts/` missing (nothing at all by that name) or empty in a ticket directory that has
//!   an item.md: create it with an empty `.gitkeep`, as `tickets.sh create` does.
//! - Leftover temporary files (`.tmp/*`, `.atomicwrite*`, `tickets-sh.*`): remove them.
//!
//! Nothing else is ever changed. Every write goes through `ticket_store_local::fsio`, under the
//! writers' lock (`<root>/.lock`, created if absent, as every writer does) with the caller's lock
//! timeout, so no write in progress loses its temporary file; and never through a link: only
//! ticket directories that are real directories inside the root are touched.

use std::path::Path;
use std::time::Duration;

use ticket_domain::BackendError;
use ticket_store_local::{fsio, layout};

use crate::code::Code;
use crate::report::{Fix, Sink};
use crate::scan::{ArtifactsFix, Kept, Tree};

/// Applies the repairs `tree` calls for; returns each repair made, and a `fix-failed` warning
/// for each one that could not be made. Fails, having changed nothing, when the lock cannot be
/// taken within `lock_timeout` (or at all); takes no lock when there is nothing to repair.
pub(crate) fn apply(
    root: &Path,
    tree: &Tree,
    lock_timeout: Duration,
    sink: &mut Sink,
) -> Result<Vec<Fix>, BackendError> {
    let wanted = tree
        .statuses
        .iter()
        .flat_map(|s| &s.tickets)
        .any(|t| t.artifacts_fix.is_some())
        || !tree.leftovers.is_empty()
        || tree.statuses.iter().any(|s| !s.present);
    if !wanted {
        return Ok(Vec::new());
    }
    let mut fixed = Vec::new();
    fsio::with_lock(root, lock_timeout, || {
        for status in tree.statuses.iter().filter(|s| !s.present) {
            let keep = status.path.join(layout::GITKEEP);
            let made = fsio::create_dir_new(root, &status.path)
                .and_then(|_| fsio::create_empty(root, &keep));
            match made {
                Ok(_) => fixed.push(Fix::StatusDirectory(status.path.clone())),
                Err(e) => failed(sink, &status.path, "create", &e),
            }
        }
        for leftover in &tree.leftovers {
            match fsio::remove_inside(root, leftover) {
                Ok(true) => fixed.push(Fix::Leftover(leftover.clone())),
                Ok(false) => {}
                Err(e) => failed(sink, leftover, "remove", &e),
            }
        }
        for t in tree.statuses.iter().flat_map(|s| &s.tickets) {
            let Some(fix) = t.artifacts_fix else {
                continue;
            };
            let keep = t.gitkeep_path();
            let result = match fix {
                ArtifactsFix::Create => {
                    create_artifacts(root, t).map(|made| made.then(|| Fix::Artifacts(keep.clone())))
                }
                ArtifactsFix::Keep => fsio::create_empty(root, &keep)
                    .map(|made| made.then(|| Fix::Gitkeep(keep.clone()))),
            };
            match result {
                Ok(Some(done)) => fixed.push(done),
                Ok(None) => {}
                Err(e) => failed(sink, &keep, "create", &e),
            }
        }
        Ok(())
    })?;
    Ok(fixed)
}

/// A ticket (a real directory with an item.md, listed whole) whose artifacts/ is missing or empty.
/// `could not <what> <path>: <why>`.
fn failed(sink: &mut Sink, path: &Path, what: &str, e: &BackendError) {
    let shown = path.display().to_string();
    let why = match e {
        BackendError::Storage { location, message } if *location == shown => message.clone(),
        _ => e.to_string(),
    };
    sink.push(
        Code::FixFailed,
        path,
        None,
        format!("could not {what} {shown}: {why}"),
    );
}

/// `mkdir artifacts && : > artifacts/.gitkeep`, unless something appeared meanwhile.
fn create_artifacts(root: &Path, t: &Kept) -> Result<bool, BackendError> {
    if !fsio::create_dir_new(root, &t.artifacts_path())? {
        return Ok(false);
    }
    fsio::create_empty(root, &t.gitkeep_path())
}
