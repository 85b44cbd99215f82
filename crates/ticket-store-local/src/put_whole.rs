//! Writing a whole prepared ticket (what an import makes from another tracker's file): its
//! item.md, thread.md, resolution.md and artifacts, created or brought up to date in one go,
//! under the root's lock and through `fsio` like every other write.

use std::fs;
use std::path::{Component, Path, PathBuf};

use ticket_domain::{BackendError, InvalidInput, Ticket};
use ticket_format::{codec, foreign};

use crate::backend::LocalTicketBackend;
use crate::fsio::{self, storage};
use crate::index;
use crate::layout::{self, ITEM, RESOLUTION, STATUS_DIRS, THREAD};

/// What [`LocalTicketBackend::put_whole`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A new ticket.
    Created,
    /// A ticket with this id existed and now holds the new bytes.
    Updated,
    /// A ticket with this id held these bytes already: nothing was written.
    Unchanged,
}

impl LocalTicketBackend {
    /// Writes `ticket` whole: a new ticket directory under its status (assembled in a scratch
    /// directory and renamed into place), or, when a ticket with its id exists, that ticket's
    /// files replaced (and moved when its status changed). `artifacts` are files to put under the
    /// ticket's `artifacts/` (relative names; none may leave it). Returns what was done and where
    /// the ticket now is.
    pub fn put_whole(
        &self,
        ticket: &Ticket,
        artifacts: &[(String, Vec<u8>)],
    ) -> Result<(Written, PathBuf), BackendError> {
        let status = layout::status_dir(ticket.status.as_str()).ok_or_else(|| {
            InvalidInput::NoStatusDirectory {
                status: ticket.status.to_string(),
            }
        })?;
        for (name, _) in artifacts {
            check_artifact_name(name)?;
        }
        let item = codec::item_text(&ticket.summary, ticket.body.as_str());
        let thread = foreign::thread_text(&ticket.events);
        let resolution = ticket.resolution.as_ref().map(|r| r.as_str().as_bytes());
        fs::create_dir_all(self.root()).map_err(|e| storage(self.root(), e))?;
        fsio::with_lock(self.root(), self.lock_timeout(), || {
            for s in STATUS_DIRS {
                let dir = self.root().join(s);
                fs::create_dir_all(&dir).map_err(|e| storage(&dir, e))?;
            }
            let target = layout::ticket_dir(self.root(), status, ticket.id.as_str());
            let mut files: Vec<(&str, &[u8])> = vec![(THREAD, thread.as_bytes())];
            if let Some(r) = resolution {
                files.push((RESOLUTION, r));
            }
            files.push((ITEM, item.as_bytes()));
            match self.dirs_of(ticket.id.as_str()).into_iter().next() {
                Some(dir) => self.replace(&dir, &target, status, ticket, &files, artifacts),
                None => self.create_whole(&target, status, ticket, &files, artifacts),
            }
        })
    }

    fn create_whole(
        &self,
        target: &Path,
        status: &'static str,
        ticket: &Ticket,
        files: &[(&str, &[u8])],
        artifacts: &[(String, Vec<u8>)],
    ) -> Result<(Written, PathBuf), BackendError> {
        fsio::refuse_symlink(self.root(), target)?;
        let scratch = fsio::scratch_dir(self.root())?;
        let dir = scratch.path();
        fs::create_dir_all(layout::artifacts(dir)).map_err(|e| storage(dir, e))?;
        fsio::write_new(&layout::gitkeep(dir), b"")?;
        for (name, bytes) in artifacts {
            let path = layout::artifacts(dir).join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| storage(parent, e))?;
            }
            fsio::write_new(&path, bytes)?;
        }
        for (name, bytes) in files {
            fsio::write_new(&dir.join(name), bytes)?;
        }
        let index_before = index::fresh(self.root());
        fsio::move_dir(dir, target)?;
        index::moved(self.root(), index_before, status, ticket.id.as_str());
        Ok((Written::Created, target.to_path_buf()))
    }

    fn replace(
        &self,
        dir: &Path,
        target: &Path,
        status: &'static str,
        ticket: &Ticket,
        files: &[(&str, &[u8])],
        artifacts: &[(String, Vec<u8>)],
    ) -> Result<(Written, PathBuf), BackendError> {
        fsio::refuse_symlink(self.root(), dir)?;
        for (name, _) in files {
            fsio::refuse_symlink(self.root(), &dir.join(name))?;
        }
        let mut same = dir == target;
        for (name, bytes) in files {
            same &= fsio::read_bytes_optional(&dir.join(name))?.as_deref() == Some(*bytes);
        }
        for (name, bytes) in artifacts {
            same &= fsio::read_bytes_optional(&layout::artifacts(dir).join(name))?.as_deref()
                == Some(bytes.as_slice());
        }
        if same {
            return Ok((Written::Unchanged, dir.to_path_buf()));
        }
        let staged = files
            .iter()
            .map(|(name, bytes)| fsio::stage(self.root(), bytes).map(|s| (*name, s)))
            .collect::<Result<Vec<_>, _>>()?;
        let index_before = index::fresh(self.root());
        if dir != target {
            fsio::refuse_symlink(self.root(), target)?;
            fsio::rename_dir(dir, target)?;
        }
        for (name, file) in staged {
            file.install(&target.join(name))?;
        }
        for (name, bytes) in artifacts {
            let path = layout::artifacts(target).join(name);
            if let Some(parent) = path.parent() {
                fsio::refuse_symlink(self.root(), parent)?;
                fs::create_dir_all(parent).map_err(|e| storage(parent, e))?;
            }
            fsio::write_atomic(self.root(), &path, bytes)?;
        }
        fsio::sync_parent(&layout::item(target))?;
        if dir != target {
            fsio::sync_parent(target)?;
            fsio::sync_parent(dir)?;
            index::moved(self.root(), index_before, status, ticket.id.as_str());
        }
        Ok((Written::Updated, target.to_path_buf()))
    }
}

/// An artifact's name: relative, made of ordinary components, none of them hidden.
fn check_artifact_name(name: &str) -> Result<(), BackendError> {
    let path = Path::new(name);
    let ok = !name.is_empty()
        && !name.contains('\0')
        && path.components().all(|c| match c {
            Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
            _ => false,
        });
    if ok {
        Ok(())
    } else {
        Err(InvalidInput::ArtifactName {
            name: name.to_owned(),
        }
        .into())
    }
}
