//! Safe file mutation, done once: the root's lock, atomic replacement through `<root>/.tmp/`, and
//! the checks that keep every write inside the root. Every write of this crate goes through here.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use ticket_domain::BackendError;

use crate::layout;

pub fn storage(path: &Path, e: io::Error) -> BackendError {
    BackendError::Storage {
        location: path.display().to_string(),
        message: format!("{e}; check that the path exists and is writable"),
    }
}

/// Where `root` really is: absolute, links resolved (what names a root's leases).
pub fn canonical(root: &Path) -> Result<std::path::PathBuf, BackendError> {
    fs::canonicalize(root).map_err(|e| storage(root, e))
}

/// Runs `f` holding the exclusive lock on `<root>/.lock`, waiting at most `timeout` for it.
pub fn with_lock<T>(
    root: &Path,
    timeout: Duration,
    f: impl FnOnce() -> Result<T, BackendError>,
) -> Result<T, BackendError> {
    let path = layout::lock_file(root);
    let result = with_lock_at(&path, timeout, f);
    // Best effort: an empty scratch directory is left to nobody.
    let _ = fs::remove_dir(layout::tmp_dir(root));
    result
}

/// Runs `f` holding the exclusive `flock` on the file `path` (created when missing), waiting at
/// most `timeout` for it: the root's lock, and the lease store's (`lease`). A lock dies with its
/// process, so a `kill -9` never leaves one held.
pub fn with_lock_at<T, E: From<BackendError>>(
    path: &Path,
    timeout: Duration,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| storage(path, e))?;
    let mut lock = fd_lock::RwLock::new(file);
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    let _guard = loop {
        match lock.try_write() {
            Ok(guard) => break guard,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if started.elapsed() >= timeout {
                    return Err(BackendError::Locked {
                        what: path.display().to_string(),
                        waited_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    }
                    .into());
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(storage(path, e).into()),
        }
    };
    f()
}

/// Replaces `target` with `bytes` through a temporary file beside it (named `prefix...`): write,
/// fsync, rename, fsync the directory. For files outside a root's layout (the lease store), whose
/// directory is not a root's.
pub fn replace_beside(target: &Path, prefix: &str, bytes: &[u8]) -> Result<(), BackendError> {
    let dir = target.parent().unwrap_or(Path::new("."));
    if let Ok(meta) = fs::symlink_metadata(target)
        && meta.file_type().is_symlink()
    {
        return Err(outside(
            target,
            "is a symbolic link; the backend never writes through links",
        ));
    }
    let mut tmp = new_file(prefix)
        .tempfile_in(dir)
        .map_err(|e| storage(dir, e))?;
    tmp.write_all(bytes).map_err(|e| storage(tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| storage(tmp.path(), e))?;
    tmp.persist(target).map_err(|e| storage(target, e.error))?;
    sync_parent(target)
}

/// Replaces `target` with `bytes`: temp file in `<root>/.tmp/`, fsync, rename, fsync the directory.
pub fn write_atomic(root: &Path, target: &Path, bytes: &[u8]) -> Result<(), BackendError> {
    refuse_symlink(root, target)?;
    stage(root, bytes)?.install(target)?;
    sync_parent(target)
}

/// A file's new bytes, written and flushed to a temporary file in `<root>/.tmp/`, waiting to be
/// renamed into place. Staging every file of a status move before the directory moves leaves
/// only renames between the move and its last write, so a crash there is as unlikely as it can
/// be. Dropped uninstalled, the temporary file is removed.
pub struct Staged(tempfile::NamedTempFile);

/// Writes `bytes` to a new temporary file in `<root>/.tmp/` and flushes it.
pub fn stage(root: &Path, bytes: &[u8]) -> Result<Staged, BackendError> {
    let tmp_dir = layout::tmp_dir(root);
    fs::create_dir_all(&tmp_dir).map_err(|e| storage(&tmp_dir, e))?;
    let mut tmp = new_file(layout::TMP_FILE_PREFIX)
        .tempfile_in(&tmp_dir)
        .map_err(|e| storage(&tmp_dir, e))?;
    tmp.write_all(bytes).map_err(|e| storage(tmp.path(), e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| storage(tmp.path(), e))?;
    Ok(Staged(tmp))
}

/// [`stage`] for several files at once: each is written to its temporary file, then all are
/// flushed. Every file is still flushed before its caller renames it; writing them all first
/// and starting each one's write-back (`posix_fadvise(DONTNEED)`, which on Linux starts
/// writing dirty pages out and keeps pages still being written) before the first `fsync` lets
/// one journal commit carry every file's blocks on ext4, so the later `fsync`s find theirs on
/// disk: about 0.25 ms less for three files on this machine (docs/benchmarks.md).
pub fn stage_all(root: &Path, contents: &[&[u8]]) -> Result<Vec<Staged>, BackendError> {
    let tmp_dir = layout::tmp_dir(root);
    fs::create_dir_all(&tmp_dir).map_err(|e| storage(&tmp_dir, e))?;
    let mut written = Vec::with_capacity(contents.len());
    for bytes in contents {
        let mut tmp = new_file(layout::TMP_FILE_PREFIX)
            .tempfile_in(&tmp_dir)
            .map_err(|e| storage(&tmp_dir, e))?;
        tmp.write_all(bytes).map_err(|e| storage(tmp.path(), e))?;
        written.push(tmp);
    }
    start_writeback(written.iter().map(|t| t.as_file()));
    for tmp in &written {
        tmp.as_file()
            .sync_all()
            .map_err(|e| storage(tmp.path(), e))?;
    }
    Ok(written.into_iter().map(Staged).collect())
}

/// Asks the kernel to start writing out each file's dirty pages now; a hint only (errors are
/// ignored: the `fsync` that follows is what makes the data durable), and nothing where
/// `posix_fadvise` is not Linux's.
pub fn start_writeback<'a>(files: impl IntoIterator<Item = &'a File>) {
    for file in files {
        #[cfg(target_os = "linux")]
        let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed);
        #[cfg(not(target_os = "linux"))]
        let _ = file;
    }
}

impl Staged {
    /// Renames the file over `target`. The caller has checked `target` with [`refuse_symlink`]
    /// and flushes its directory ([`sync_parent`]) once every file is in place.
    pub fn install(self, target: &Path) -> Result<(), BackendError> {
        self.0
            .persist(target)
            .map(drop)
            .map_err(|e| storage(target, e.error))
    }
}

/// Flushes a directory entry change (a rename) to disk.
pub fn sync_parent(path: &Path) -> Result<(), BackendError> {
    if let Some(parent) = path.parent() {
        File::open(parent)
            .and_then(|d| d.sync_all())
            .map_err(|e| storage(parent, e))?;
    }
    Ok(())
}

/// Refuses a path that is a symlink, or whose parent resolves outside the root.
pub fn refuse_symlink(root: &Path, target: &Path) -> Result<(), BackendError> {
    if let Ok(meta) = fs::symlink_metadata(target)
        && meta.file_type().is_symlink()
    {
        return Err(outside(
            target,
            "is a symbolic link; the backend never writes through links",
        ));
    }
    let parent = target.parent().unwrap_or(target);
    let real_root = fs::canonicalize(root).map_err(|e| storage(root, e))?;
    match fs::canonicalize(parent) {
        Ok(real) if real.starts_with(&real_root) => Ok(()),
        Ok(_) => Err(outside(target, "leads outside the ticket root")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(storage(parent, e)),
    }
}

fn outside(path: &Path, why: &str) -> BackendError {
    BackendError::Storage {
        location: path.display().to_string(),
        message: format!("{why}; replace it with a regular file or directory inside the root"),
    }
}

/// How every file the backend writes is created: `0666` less the umask, as a shell's `>`
/// creates one and `tickets.sh` leaves one (tempfile's own default is `0600`, which a rewrite
/// would otherwise leave on `item.md` and `thread.md`).
pub fn new_file(prefix: &str) -> tempfile::Builder<'_, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    builder
}

/// A fresh scratch directory under `<root>/.tmp/`, removed on drop unless kept.
pub fn scratch_dir(root: &Path) -> Result<tempfile::TempDir, BackendError> {
    let tmp_dir = layout::tmp_dir(root);
    fs::create_dir_all(&tmp_dir).map_err(|e| storage(&tmp_dir, e))?;
    tempfile::Builder::new()
        .prefix(layout::SCRATCH_DIR_PREFIX)
        .tempdir_in(&tmp_dir)
        .map_err(|e| storage(&tmp_dir, e))
}

/// Writes a new file (inside a scratch directory nobody else sees) and flushes it.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), BackendError> {
    let mut f = File::create(path).map_err(|e| storage(path, e))?;
    f.write_all(bytes).map_err(|e| storage(path, e))?;
    f.sync_all().map_err(|e| storage(path, e))
}

/// [`write_new`] for several files: all written, their write-back started, then each flushed
/// (as [`stage_all`] does).
pub fn write_new_all(files: &[(&Path, &[u8])]) -> Result<(), BackendError> {
    let mut written = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let mut f = File::create(path).map_err(|e| storage(path, e))?;
        f.write_all(bytes).map_err(|e| storage(path, e))?;
        written.push((path, f));
    }
    start_writeback(written.iter().map(|(_, f)| f));
    for (path, f) in &written {
        f.sync_all().map_err(|e| storage(path, e))?;
    }
    Ok(())
}

/// Creates the directory `dir` unless something exists by that name (then `false`, whatever it
/// is: a file, a link, a dangling link); never through a link nor under a directory that leads
/// outside the root. Flushes its parent.
pub fn create_dir_new(root: &Path, dir: &Path) -> Result<bool, BackendError> {
    refuse_symlink(root, dir)?;
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(storage(dir, e)),
    }
    sync_parent(dir)?;
    Ok(true)
}

/// Creates `path` as an empty file unless something exists by that name (then `false`; a link,
/// even a dangling one, counts: `O_EXCL` never follows it), never under a directory that leads
/// outside the root. Flushes the file and its directory.
pub fn create_empty(root: &Path, path: &Path) -> Result<bool, BackendError> {
    refuse_symlink(root, path)?;
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => {
            file.sync_all().map_err(|e| storage(path, e))?;
            sync_parent(path)?;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(storage(path, e)),
    }
}

/// Removes `path`, a file or a whole directory (a link itself, never what it points to); `false`
/// when nothing is there. Refuses a path whose directory resolves outside the root.
pub fn remove_inside(root: &Path, path: &Path) -> Result<bool, BackendError> {
    let parent = path.parent().unwrap_or(path);
    let real_root = fs::canonicalize(root).map_err(|e| storage(root, e))?;
    let real_parent = fs::canonicalize(parent).map_err(|e| storage(parent, e))?;
    if !real_parent.starts_with(&real_root) {
        return Err(BackendError::Storage {
            location: path.display().to_string(),
            message: "it is reached through a link leading outside the root".into(),
        });
    }
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(storage(path, e)),
    };
    let removed = if meta.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    };
    removed.map_err(|e| storage(path, e))?;
    sync_parent(path)?;
    Ok(true)
}

/// Renames a directory, refusing to replace one that exists, and flushes both parents.
pub fn move_dir(from: &Path, to: &Path) -> Result<(), BackendError> {
    rename_dir(from, to)?;
    sync_parent(to)?;
    sync_parent(from)
}

/// Renames a directory, refusing to replace one that exists; the caller flushes the parents.
pub fn rename_dir(from: &Path, to: &Path) -> Result<(), BackendError> {
    if fs::symlink_metadata(to).is_ok() {
        return Err(BackendError::Conflict {
            what: to.display().to_string(),
        });
    }
    fs::rename(from, to).map_err(|e| storage(from, e))
}

/// A file's bytes, or `None` when it does not exist.
pub fn read_bytes_optional(path: &Path) -> Result<Option<Vec<u8>>, BackendError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(storage(path, e)),
    }
}

/// A UTF-8 file's text, or `None` when it does not exist.
pub fn read_string_optional(path: &Path) -> Result<Option<String>, BackendError> {
    read_bytes_optional(path)?
        .map(|bytes| utf8(path, bytes))
        .transpose()
}

pub fn read_to_string(path: &Path) -> Result<String, BackendError> {
    let bytes = fs::read(path).map_err(|e| storage(path, e))?;
    utf8(path, bytes)
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, BackendError> {
    String::from_utf8(bytes).map_err(|e| BackendError::Corrupt {
        ticket: String::new(),
        location: path.display().to_string(),
        line: None,
        message: format!(
            "not UTF-8 (byte {}); re-save the file as UTF-8",
            e.utf8_error().valid_up_to()
        ),
    })
}
