//! What a root needs to live in git (docs/sync.md): the files `init` writes (a `.gitkeep` in each
//! status directory, `.gitignore`, `.gitattributes`), and the repairs a merge calls for: one
//! ticket left in two status directories merged back into one, and a ticket renamed apart from
//! another created with the same id on another clone. Every write goes through `fsio`, under the
//! root's lock.

use std::fs;
use std::path::{Path, PathBuf};

use ticket_domain::{BackendError, EventKind, MarkdownText, TicketEvent};
use ticket_format::merge::{Lost, last_status, merge_item, merge_threads};
use ticket_format::{codec, frontmatter, keys};

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
    /// "Repair"): the union of the threads, the items merged field by field, the status the
    /// merged thread says last, the resolution and artifacts of every copy. Copies whose threads
    /// hold two different `create` events are two tickets: reported, never merged.
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
                let mut thread: Option<String> = None;
                let mut item: Option<String> = None;
                let mut resolution: Option<String> = None;
                let mut lost = Vec::new();
                let mut two_tickets = false;
                let shared = base(&id);
                let (base_thread, base_item) = match &shared {
                    Some((t, i)) => (Some(t.as_str()), Some(i.as_str())),
                    None => (None, None),
                };
                for dir in &dirs {
                    if let Some(t) = read(dir, layout::THREAD)? {
                        thread = Some(match thread {
                            None => t,
                            Some(acc) => {
                                let m = merge_threads(base_thread, &acc, &t);
                                two_tickets |= m.creates.len() > 1;
                                m.text
                            }
                        });
                    }
                    if let Some(i) = read(dir, layout::ITEM)? {
                        item = Some(match item {
                            None => i,
                            Some(acc) => {
                                let m = merge_item(base_item, &acc, &i);
                                lost.extend(m.lost);
                                m.text
                            }
                        });
                    }
                    if let Some(r) = read(dir, layout::RESOLUTION)? {
                        resolution = Some(r);
                    }
                }
                if two_tickets {
                    repair.collisions.push(Collision { id, statuses });
                    continue;
                }
                let (Some(thread), Some(mut item)) = (thread, item) else {
                    continue;
                };
                let current = frontmatter::parse(&item)
                    .ok()
                    .map(|fm| fm.value(keys::STATUS))
                    .unwrap_or_default();
                let status = last_status(&thread)
                    .filter(|s| STATUS_DIRS.contains(&s.as_str()))
                    .or_else(|| {
                        STATUS_DIRS
                            .contains(&current.as_str())
                            .then(|| current.clone())
                    })
                    .unwrap_or_else(|| layout::OPEN.to_owned());
                if current != status
                    && let Ok(fm) = frontmatter::parse(&item)
                {
                    item = frontmatter::set_field(&item, &fm, keys::STATUS, &status);
                }
                // The copy already in the right status keeps its directory; else the first moves.
                let keep_index = statuses.iter().position(|s| *s == status).unwrap_or(0);
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

    /// Renames the ticket `<status>/<id>` to `new_id`, apart from another ticket created with the
    /// same id elsewhere: its directory moves, its `id:` line changes, and a `rename` event (from,
    /// to) records it, by `author` at the clock's time.
    pub fn rename_apart(
        &self,
        status: &str,
        id: &str,
        new_id: &str,
        author: &str,
    ) -> Result<(), BackendError> {
        let root = self.root().to_path_buf();
        fsio::with_lock(&root, self.lock_timeout(), || {
            let from = layout::ticket_dir(&root, status, id);
            let to = layout::ticket_dir(&root, status, new_id);
            for name in [layout::ITEM, layout::THREAD] {
                fsio::refuse_symlink(&root, &from.join(name))?;
            }
            fsio::refuse_symlink(&root, &to)?;
            let item = fsio::read_to_string(&layout::item(&from))?;
            let thread = fsio::read_to_string(&layout::thread(&from))?;
            let now = self.clock_ref().now();
            let fm = frontmatter::parse(&item).map_err(|_| BackendError::Corrupt {
                ticket: id.to_owned(),
                location: layout::item(&from).display().to_string(),
                line: Some(1),
                message: "no frontmatter; repair it before renaming".into(),
            })?;
            let item = frontmatter::set_field(&item, &fm, keys::ID, new_id);
            let fm = frontmatter::parse(&item).map_err(|_| BackendError::Corrupt {
                ticket: id.to_owned(),
                location: layout::item(&from).display().to_string(),
                line: Some(1),
                message: "no frontmatter".into(),
            })?;
            let mut item = frontmatter::set_field(&item, &fm, keys::UPDATED_AT, &now.to_string());
            // The slug goes apart too (slugs name one ticket), by the same suffix as the id.
            if let (Some(suffix), Ok(fm)) = (new_id.strip_prefix(id), frontmatter::parse(&item)) {
                let slug = format!("{}{suffix}", fm.value(keys::SLUG));
                item = frontmatter::set_field(&item, &fm, keys::SLUG, &slug);
            }
            let event = TicketEvent {
                kind: EventKind::parse(RENAME_EVENT),
                author: author.to_owned(),
                at: now,
                status: None,
                heading: Some("Renamed".into()),
                body: MarkdownText::new(format!(
                    "from: {id}\nto: {new_id}\n\nAnother ticket was created with the id {id} on another clone; this one was renamed apart.\n"
                )),
                refs: Vec::new(),
            };
            let thread =
                codec::thread_with_id(&thread, &event, self.clock_ref().event_id().as_deref());
            fsio::write_atomic(&root, &layout::thread(&from), thread.as_bytes())?;
            fsio::write_atomic(&root, &layout::item(&from), item.as_bytes())?;
            fsio::move_dir(&from, &to)
        })
    }
}

/// The kind of the event a rename apart appends.
pub const RENAME_EVENT: &str = "rename";

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
