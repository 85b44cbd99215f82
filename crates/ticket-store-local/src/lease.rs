//! The lease store: one record per claimed ticket (`ticket_domain::claim::LeaseRecord`), kept
//! where every worktree of a clone sees it and git does not (docs/claims.md).
//!
//! Inside a git repository the records live in `<common dir>/tickets/leases/<key>/`, `key`
//! naming the root by its path inside the worktree, so the `work-items/` of every worktree of a
//! clone maps to one store; outside git, in `<root>/.leases/`. Updates hold the store's own lock
//! (`.lock` in that directory: a `flock`, with the writers' bounded wait) and replace a record
//! through a temporary file, fsync and rename, so a `kill -9` leaves a record as it was before
//! or after, never half. Reads take no lock.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use ticket_domain::BackendError;
use ticket_domain::claim::LeaseRecord;

use crate::fsio::{self, storage};
use crate::layout;

/// Where a root's leases are kept, and how long an update waits for the store's lock.
#[derive(Clone, Debug)]
pub struct LeaseStore {
    dir: PathBuf,
    timeout: Duration,
}

/// Where a root sits in a git repository: the worktree's top and the clone's common directory
/// (as `ticket_git::Repo::discover` finds them).
#[derive(Clone, Debug)]
pub struct GitPlace {
    pub worktree: PathBuf,
    pub common_dir: PathBuf,
}

impl LeaseStore {
    /// The store of `root`: in the common directory of `git` when the root is in a repository,
    /// else in the root itself.
    pub fn for_root(
        root: &Path,
        git: Option<&GitPlace>,
        timeout: Duration,
    ) -> Result<Self, BackendError> {
        let dir = match git {
            Some(place) => {
                let real_root = fs::canonicalize(root).map_err(|e| storage(root, e))?;
                let real_top =
                    fs::canonicalize(&place.worktree).map_err(|e| storage(&place.worktree, e))?;
                let key = root_key(real_root.strip_prefix(&real_top).unwrap_or(&real_root));
                layout::leases_in_git(&place.common_dir, &key)
            }
            None => layout::leases_in_root(root),
        };
        Ok(Self { dir, timeout })
    }

    /// A store in `dir` (tests and tools).
    pub fn at(dir: impl Into<PathBuf>, timeout: Duration) -> Self {
        Self {
            dir: dir.into(),
            timeout,
        }
    }

    /// The directory holding the records.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The record of ticket `id` (the default, never claimed, when there is none). Takes no
    /// lock: records are replaced by rename, so a read sees one whole.
    pub fn read(&self, id: &str) -> Result<LeaseRecord, BackendError> {
        let path = self.record_path(id)?;
        read_record(&path)
    }

    /// Every record of the store, by ticket id.
    pub fn all(&self) -> Result<HashMap<String, LeaseRecord>, BackendError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(HashMap::new()),
            Err(e) => return Err(storage(&self.dir, e)),
        };
        let mut out = HashMap::new();
        for entry in entries {
            let entry = entry.map_err(|e| storage(&self.dir, e))?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            out.insert(name, read_record(&entry.path())?);
        }
        Ok(out)
    }

    /// Runs `f` holding the store's lock (waiting at most the store's timeout): every read and
    /// write `f` makes through [`Locked`] sees no other update in between.
    pub fn with_lock<T, E: From<BackendError>>(
        &self,
        f: impl FnOnce(&Locked<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        fs::create_dir_all(&self.dir).map_err(|e| storage(&self.dir, e))?;
        let lock = self.dir.join(layout::LEASE_LOCK);
        fsio::with_lock_at(&lock, self.timeout, || f(&Locked { store: self }))
    }

    fn record_path(&self, id: &str) -> Result<PathBuf, BackendError> {
        // Ids are checked names already; a record name is never a path nor hidden.
        if id.is_empty() || id.starts_with('.') || id.contains(['/', '\\', '\0']) {
            return Err(ticket_domain::InvalidInput::LeaseKey { id: id.to_owned() }.into());
        }
        Ok(self.dir.join(id))
    }
}

/// The store while its lock is held.
pub struct Locked<'a> {
    store: &'a LeaseStore,
}

impl Locked<'_> {
    pub fn read(&self, id: &str) -> Result<LeaseRecord, BackendError> {
        self.store.read(id)
    }

    /// Replaces the record of `id`: temporary file, fsync, rename, fsync of the directory.
    pub fn write(&self, id: &str, record: &LeaseRecord) -> Result<(), BackendError> {
        let path = self.store.record_path(id)?;
        fsio::replace_beside(&path, layout::LEASE_TMP_PREFIX, record.render().as_bytes())
    }
}

fn read_record(path: &Path) -> Result<LeaseRecord, BackendError> {
    match fsio::read_string_optional(path)? {
        None => Ok(LeaseRecord::default()),
        Some(text) => LeaseRecord::parse(&text).map_err(|message| BackendError::Corrupt {
            ticket: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            location: path.display().to_string(),
            line: None,
            message: format!(
                "{message}; this lease record was not written by a ticket writer: remove it to free the ticket"
            ),
        }),
    }
}

/// A root's path inside its worktree as one file name: components joined by `%2F` (`%` itself
/// written `%25`); the worktree's top itself is `%2E`.
pub fn root_key(relative: &Path) -> String {
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().replace('%', "%25")),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        "%2E".into()
    } else {
        parts.join("%2F")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_domain::Timestamp;
    use ticket_domain::claim::Lease;

    #[test]
    fn keys_name_roots_by_their_place() {
        for (rel, key) in [
            ("work-items", "work-items"),
            ("docs/work-items", "docs%2Fwork-items"),
            ("a%b", "a%25b"),
            ("", "%2E"),
        ] {
            assert_eq!(root_key(Path::new(rel)), key, "{rel}");
        }
    }

    #[test]
    fn records_are_replaced_whole_and_listed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let store = LeaseStore::at(tmp.path().join("leases"), Duration::from_secs(1));
        assert_eq!(store.read("t1").expect("read"), LeaseRecord::default());
        let at = Timestamp::from_unix(1_800_000_000).expect("time");
        let record = LeaseRecord {
            token: 2,
            lease: Some(Lease {
                holder: "a".into(),
                token: 2,
                acquired: at,
                expires: at,
            }),
        };
        store
            .with_lock(|l| l.write("t1", &record))
            .expect("written");
        assert_eq!(store.read("t1").expect("read"), record);
        let all = store.all().expect("all");
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(store.read("../x").is_err());
        fs::write(store.dir().join("bad"), "junk\n").expect("write");
        assert!(matches!(
            store.read("bad"),
            Err(BackendError::Corrupt { .. })
        ));
    }
}
