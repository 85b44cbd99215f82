//! Other trackers' directories, read and written for `import` and `export` (docs/formats.md):
//! regular files only (links never followed), at most [`MAX_FILE`] bytes each, and files
//! written only where no name is taken, never replacing one. Nothing here knows a tracker's
//! layout: callers (ticket-app, with the format adapters' names) say which directories and
//! which files.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use ticket_format::foreign::{ExportedFile, ForeignDir, ForeignFile};

/// The most bytes of one foreign file read: tickets are small; anything larger is refused.
pub const MAX_FILE: u64 = 16 << 20;

pub use ticket_format::foreign::Unread;

/// A tracker's directory on disk, as the format adapters read it ([`ForeignDir`], each call
/// one of the functions below).
#[derive(Clone, Debug)]
pub struct Dir(PathBuf);

impl Dir {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Dir(path.into())
    }
}

impl ForeignDir for Dir {
    fn path(&self) -> &Path {
        &self.0
    }

    fn files(&self, subdirs: &[&str], ext: &str) -> Vec<Result<ForeignFile, Unread>> {
        read_files(&self.0, subdirs, ext)
    }

    fn names(&self, subdirs: &[&str]) -> Vec<String> {
        names_in(&self.0, subdirs)
    }

    fn subdirs(&self, rel: &str) -> Vec<String> {
        subdirs(&self.0.join(rel))
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }

    fn is_dir(&self, rel: &str) -> bool {
        is_dir(&self.0.join(rel))
    }

    fn is_file(&self, rel: &str) -> bool {
        is_file(&self.0.join(rel))
    }

    fn taken(&self, rel: &str) -> bool {
        taken(&self.0.join(rel))
    }

    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        read_file(&self.0.join(rel))
    }

    fn files_under(&self, rel: &str, subs: &[&str]) -> Vec<(String, Result<Vec<u8>, String>)> {
        files_under(&self.0.join(rel), subs)
    }
}

/// Whether `path` is a directory (through links, as a path given by a person is meant).
pub fn is_dir(path: &Path) -> bool {
    path.is_dir()
}

/// Whether anything is at `path`, itself (a dangling link counts).
pub fn taken(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Whether `path` is a regular file, itself.
pub fn is_file(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// Makes `dir` and its parents, and says where it really is (links resolved).
pub fn make_dir(dir: &Path) -> std::io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    fs::canonicalize(dir)
}

/// A scratch directory with `prefix`, in the system's temporary directory; removed on drop.
pub fn scratch(prefix: &str) -> Result<tempfile::TempDir, Unread> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map_err(|e| Unread {
            path: std::env::temp_dir().display().to_string(),
            message: e.to_string(),
        })
}

/// A regular file's bytes (never through a link), at most [`MAX_FILE`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file (links are not followed)".into());
    }
    if meta.len() > MAX_FILE {
        return Err(format!(
            "{} bytes: larger than the {MAX_FILE} bytes read",
            meta.len()
        ));
    }
    fs::read(path).map_err(|e| e.to_string())
}

/// The regular files named `*<ext>` directly in each of `subdirs` of `dir` (`""` is `dir`
/// itself; a subdirectory ends in `/`), sorted, with paths relative to `dir`. Hidden names
/// are left out; links and larger files are not read, and are errors in their place.
pub fn read_files(dir: &Path, subdirs: &[&str], ext: &str) -> Vec<Result<ForeignFile, Unread>> {
    let mut out = Vec::new();
    for sub in subdirs {
        let d = dir.join(sub);
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(ext) && !n.starts_with('.'))
            .collect();
        names.sort();
        for name in names {
            let path = format!("{sub}{name}");
            out.push(match read_file(&d.join(&name)) {
                Ok(bytes) => Ok(ForeignFile { path, bytes }),
                Err(message) => Err(Unread { path, message }),
            });
        }
    }
    out
}

/// The names in each of `subdirs` of `dir` (`""` is `dir` itself), relative to `dir`, sorted.
pub fn names_in(dir: &Path, subdirs: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for sub in subdirs {
        if let Ok(entries) = fs::read_dir(dir.join(sub)) {
            out.extend(
                entries
                    .filter_map(Result::ok)
                    .filter_map(|e| e.file_name().into_string().ok())
                    .map(|n| format!("{sub}{n}")),
            );
        }
    }
    out.sort();
    out
}

/// The directories directly in `dir` (name, path), sorted; hidden names left out.
pub fn subdirs(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .filter(|(n, _)| !n.starts_with('.'))
        .collect();
    out.sort();
    out
}

/// Every regular file under each of `subs` of `dir`, at any depth, in name order within a
/// directory, as (`<sub>/<path>`, its bytes or why it was not read). Hidden names are left out;
/// links are not followed.
pub fn files_under(dir: &Path, subs: &[&str]) -> Vec<(String, Result<Vec<u8>, String>)> {
    let mut out = Vec::new();
    for sub in subs {
        let mut stack = vec![(dir.join(sub), (*sub).to_owned())];
        while let Some((d, rel)) = stack.pop() {
            let Ok(entries) = fs::read_dir(&d) else {
                continue;
            };
            let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                let Ok(file) = e.file_name().into_string() else {
                    continue;
                };
                if file.starts_with('.') {
                    continue;
                }
                let rel = format!("{rel}/{file}");
                match e.file_type() {
                    Ok(t) if t.is_dir() => stack.push((e.path(), rel)),
                    _ => out.push((rel, read_file(&e.path()))),
                }
            }
        }
    }
    out
}

/// Whether a relative path stays inside the directory it is joined to.
fn inside(rel: &str) -> bool {
    !rel.is_empty()
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Writes each file (a path ending in `/` is a directory) under `dir`, never replacing
/// anything: every path is checked free first, then each file is written to a temporary file
/// beside it and linked into place only if nothing took the name meanwhile.
pub fn write_new_files(dir: &Path, files: &[ExportedFile]) -> Result<Vec<String>, String> {
    for f in files {
        let rel = f.path.trim_end_matches('/');
        if !inside(rel) {
            return Err(format!(
                "{}: the name would leave the directory written",
                f.path
            ));
        }
        if taken(&dir.join(rel)) {
            return Err(format!(
                "{}: exists already; an export never overwrites",
                f.path
            ));
        }
    }
    let real_dir = fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for f in files {
        let rel = f.path.trim_end_matches('/');
        let target = dir.join(rel);
        let parent = target.parent().unwrap_or(dir);
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        let real = fs::canonicalize(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        if !real.starts_with(&real_dir) {
            return Err(format!("{}: leads outside the directory written", f.path));
        }
        if f.path.ends_with('/') {
            fs::create_dir(&target).map_err(|e| format!("{}: {e}", f.path))?;
        } else {
            let mut tmp = crate::fsio::new_file(".ticket-export-")
                .tempfile_in(parent)
                .map_err(|e| format!("{}: {e}", parent.display()))?;
            tmp.write_all(&f.bytes)
                .and_then(|()| tmp.as_file().sync_all())
                .map_err(|e| format!("{}: {e}", f.path))?;
            tmp.persist_noclobber(&target)
                .map_err(|e| format!("{}: {}", f.path, e.error))?;
        }
        written.push(f.path.clone());
    }
    Ok(written)
}
