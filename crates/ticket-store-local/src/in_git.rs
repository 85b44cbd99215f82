//! What a root needs to live in git (docs/sync.md): the files `init` writes (a `.gitkeep` in each
//! status directory, `.gitignore`, `.gitattributes`), and the repair a merge calls for: one
//! ticket left in two status directories merged back into one. (Two tickets created with one id
//! on two clones are renamed apart by a `Change::Rename`, through the one mutation path.) Every
//! write goes through `fsio`, under the root's lock.

use std::fs;
use std::path::{Path, PathBuf};

use ticket_domain::BackendError;
use ticket_format::merge::{CopiesPlan, Copy, Lost, MergedCopies, plan_copies};

use crate::backend::LocalTicketBackend;
use crate::fsio::{self, storage};
use crate::layout::{self, STATUS_DIRS};

/// One ticket the repair merged from several status directories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repaired {
    pub id: String,
    /// The status directories it was in.
    pub from: Vec<String>,
    /// Where it is now.
    pub to: String,
    /// Values a conflict between the copies did not keep (the caller records them).
    pub lost: Vec<Lost>,
}

/// A ticket whose copies were not merged because they are two tickets (two `create` events).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collision {
    pub id: String,
    pub statuses: Vec<String>,
}

/// What a repair did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Repair {
    pub repaired: Vec<Repaired>,
    pub collisions: Vec<Collision>,
}

/// One thing `init_files` did; clients word it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InitFile {
    /// A directory or an empty file created (the root, a status directory, a `.gitkeep`).
    Created(PathBuf),
    /// A file that was not there (or was empty) written with these lines.
    Wrote { path: PathBuf, lines: Vec<String> },
    /// These lines appended to a file that lacked them.
    AddedTo { path: PathBuf, lines: Vec<String> },
}

/// Whether `root`'s `.gitattributes` routes the ticket files to the merge drivers.
pub fn routes_to_drivers(root: &Path) -> bool {
    let Ok(text) = fs::read_to_string(root.join(layout::GITATTRIBUTES)) else {
        return false;
    };
    layout::gitattributes_lines()
        .iter()
        .all(|want| text.lines().any(|l| l.trim() == want))
}

/// Ensures `path` holds every line of `lines` (appending the missing ones); says what it added.
fn ensure_lines(
    root: &Path,
    path: &Path,
    lines: &[String],
) -> Result<Option<InitFile>, BackendError> {
    let text = fsio::read_string_optional(path)?.unwrap_or_default();
    let missing: Vec<&String> = lines
        .iter()
        .filter(|want| !text.lines().any(|l| l.trim() == want.as_str()))
        .collect();
    if missing.is_empty() {
        return Ok(None);
    }
    let mut out = text.clone();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for line in &missing {
        out.push_str(line);
        out.push('\n');
    }
    fsio::write_atomic(root, path, out.as_bytes())?;
    let path = path.to_path_buf();
    let lines: Vec<String> = missing.into_iter().cloned().collect();
    Ok(Some(if text.is_empty() {
        InitFile::Wrote { path, lines }
    } else {
        InitFile::AddedTo { path, lines }
    }))
}

impl LocalTicketBackend {
    /// Makes the root ready for git, idempotently: the root and its status directories, an
    /// empty `.gitkeep` in each, `.gitignore` and `.gitattributes` with their lines. Returns
    /// each thing done (none when everything was there).
    pub fn init_files(&self) -> Result<Vec<InitFile>, BackendError> {
        let root = self.root().to_path_buf();
        let mut done = Vec::new();
        if !root.is_dir() {
            fs::create_dir_all(&root).map_err(|e| storage(&root, e))?;
            done.push(InitFile::Created(root.clone()));
        }
        fsio::with_lock(&root, self.lock_timeout(), || {
            for status in STATUS_DIRS {
                let dir = root.join(status);
                if fsio::create_dir_new(&root, &dir)? {
                    done.push(InitFile::Created(dir.clone()));
                }
                let keep = dir.join(layout::GITKEEP);
                if fsio::create_empty(&root, &keep)? {
                    done.push(InitFile::Created(keep));
                }
            }
            let ignore = root.join(layout::GITIGNORE);
            done.extend(ensure_lines(&root, &ignore, &layout::gitignore_lines())?);
            let attributes = root.join(layout::GITATTRIBUTES);
            done.extend(ensure_lines(
                &root,
                &attributes,
                &layout::gitattributes_lines(),
            )?);
            Ok(())
        })?;
        Ok(done)
    }

    /// The ids that are in more than one status directory, each with its statuses.
    pub fn ids_in_several_statuses(&self) -> Vec<(String, Vec<String>)> {
        let mut seen: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for status in STATUS_DIRS {
            let Ok(entries) = fs::read_dir(self.root().join(status)) else {
                continue;
            };
            for entry in entries.flatten() {
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                    continue;
                };
                if name.starts_with('.') || !entry.path().is_dir() {
                    continue;
                }
                seen.entry(name).or_default().push(status.to_owned());
            }
        }
        seen.into_iter().filter(|(_, s)| s.len() > 1).collect()
    }

    /// Merges every ticket found in several status directories into one (docs/sync.md,
    /// "Repair"), as `ticket_format::merge::plan_copies` plans it: the union of the threads,
    /// the items merged field by field, the status the merged thread says last, the resolution
    /// and artifacts of every copy. Copies whose threads hold two different `create` events are
    /// two tickets: reported, never merged.
    pub fn repair_copies(&self) -> Result<Repair, BackendError> {
        self.repair_copies_against(&|_| None)
    }

    /// [`repair_copies`](Self::repair_copies), with the version of each ticket the copies share
    /// (`base(id)`: its thread.md and item.md, from a merge base) when there is one, so the items
    /// merge three-way: only fields both copies changed differently are conflicts.
    pub fn repair_copies_against(
        &self,
        base: &dyn Fn(&str) -> Option<(String, String)>,
    ) -> Result<Repair, BackendError> {
        let root = self.root().to_path_buf();
        let mut repair = Repair::default();
        if self.ids_in_several_statuses().is_empty() {
            return Ok(repair);
        }
        fsio::with_lock(&root, self.lock_timeout(), || {
            for (id, statuses) in self.ids_in_several_statuses() {
                let dirs: Vec<PathBuf> = statuses
                    .iter()
                    .map(|s| layout::ticket_dir(&root, s, &id))
                    .collect();
                for dir in &dirs {
                    for name in [layout::ITEM, layout::THREAD, layout::RESOLUTION] {
                        fsio::refuse_symlink(&root, &dir.join(name))?;
                    }
                }
                let read = |dir: &Path, name: &str| fsio::read_string_optional(&dir.join(name));
                let mut texts = Vec::with_capacity(dirs.len());
                for dir in &dirs {
                    texts.push([
                        read(dir, layout::ITEM)?,
                        read(dir, layout::THREAD)?,
                        read(dir, layout::RESOLUTION)?,
                    ]);
                }
                let copies: Vec<Copy<'_>> = statuses
                    .iter()
                    .zip(&texts)
                    .map(|(status, [item, thread, resolution])| Copy {
                        status,
                        item: item.as_deref(),
                        thread: thread.as_deref(),
                        resolution: resolution.as_deref(),
                    })
                    .collect();
                let shared = base(&id);
                let shared = shared.as_ref().map(|(t, i)| (t.as_str(), i.as_str()));
                let merged = match plan_copies(&copies, shared, &STATUS_DIRS) {
                    CopiesPlan::TwoTickets => {
                        repair.collisions.push(Collision { id, statuses });
                        continue;
                    }
                    CopiesPlan::Incomplete => continue,
                    CopiesPlan::Merge(merged) => merged,
                };
                let MergedCopies {
                    status,
                    keep: keep_index,
                    item,
                    thread,
                    resolution,
                    lost,
                } = merged;
                let target = layout::ticket_dir(&root, &status, &id);
                if statuses[keep_index] != status {
                    fsio::move_dir(&dirs[keep_index], &target)?;
                }
                for (n, dir) in dirs.iter().enumerate() {
                    if n == keep_index {
                        continue;
                    }
                    copy_artifacts(
                        &root,
                        &layout::artifacts(dir),
                        &layout::artifacts(&target),
                        &statuses[n],
                    )?;
                }
                fs::create_dir_all(layout::artifacts(&target)).map_err(|e| storage(&target, e))?;
                fsio::create_empty(&root, &layout::gitkeep(&target))?;
                fsio::write_atomic(&root, &layout::thread(&target), thread.as_bytes())?;
                fsio::write_atomic(&root, &layout::item(&target), item.as_bytes())?;
                if let Some(r) = resolution {
                    fsio::write_atomic(&root, &layout::resolution(&target), r.as_bytes())?;
                }
                for (n, dir) in dirs.iter().enumerate() {
                    if n != keep_index {
                        fsio::remove_inside(&root, dir)?;
                    }
                }
                repair.repaired.push(Repaired {
                    id,
                    from: statuses,
                    to: status,
                    lost,
                });
            }
            Ok(())
        })?;
        Ok(repair)
    }
}

/// Copies the files of `from` that `to` lacks into `to`; a name both hold with other bytes is
/// copied as `<name>.<status>`, so nothing is lost.
fn copy_artifacts(root: &Path, from: &Path, to: &Path, status: &str) -> Result<(), BackendError> {
    let Ok(entries) = fs::read_dir(from) else {
        return Ok(());
    };
    fs::create_dir_all(to).map_err(|e| storage(to, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| storage(&path, e))?;
        let name = entry.file_name();
        let mut target = to.join(&name);
        match fs::read(&target) {
            Ok(existing) if existing == bytes => continue,
            Ok(_) => {
                let mut n = name.clone();
                n.push(format!(".{status}"));
                target = to.join(n);
            }
            Err(_) => {}
        }
        fsio::write_atomic(root, &target, &bytes)?;
    }
    Ok(())
}
