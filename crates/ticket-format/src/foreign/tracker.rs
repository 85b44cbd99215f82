//! The one seam every tracker adapter implements ([`Tracker`]), and the read access to a
//! tracker's directory it is given ([`ForeignDir`]). ticket-app drives import and export
//! through these alone, so a new tracker is a new implementation, not a new `match` arm.

use std::path::Path;

use ticket_domain::{Ticket, TicketSummary, Timestamp};

use super::{ExportedFile, ForeignFile, Imported};

/// Something of a tracker's directory that was not read, its path relative to the directory
/// read (`/`-separated), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    pub path: String,
    pub message: String,
}

/// Read access to a tracker's tickets directory, given by a store adapter: regular files only,
/// never through a link, each bounded. `rel` paths are relative to the directory and
/// `/`-separated; `""` is the directory itself, a subdirectory in a list ends in `/`.
pub trait ForeignDir {
    /// The directory, as messages name it and as a database file inside it is opened.
    fn path(&self) -> &Path;
    /// The regular files named `*<ext>` directly in each of `subdirs`, sorted, hidden names
    /// left out; those that did not read are the errors, in their place.
    fn files(&self, subdirs: &[&str], ext: &str) -> Vec<Result<ForeignFile, Unread>>;
    /// Every name directly in each of `subdirs`, relative to the directory, sorted.
    fn names(&self, subdirs: &[&str]) -> Vec<String>;
    /// The directories directly in `rel`, by name, sorted, hidden names left out.
    fn subdirs(&self, rel: &str) -> Vec<String>;
    /// Whether `rel` is a directory (through links, as a person means a path given).
    fn is_dir(&self, rel: &str) -> bool;
    /// Whether `rel` is a regular file, itself.
    fn is_file(&self, rel: &str) -> bool;
    /// Whether anything is at `rel`, itself (a dangling link counts).
    fn taken(&self, rel: &str) -> bool;
    /// A regular file's bytes.
    fn read(&self, rel: &str) -> Result<Vec<u8>, String>;
    /// Every regular file under each of `subs` of `rel`, at any depth, as (`<sub>/<path>`
    /// relative to `rel`, its bytes or why not).
    fn files_under(&self, rel: &str, subs: &[&str]) -> Vec<(String, Result<Vec<u8>, String>)>;
}

/// A tracker whose tickets import and export (docs/formats.md): where a project keeps them,
/// how they read, and how ours are written as its files.
pub trait Tracker: Sync {
    /// Its name in commands and documents (`orchestr8`).
    fn name(&self) -> &'static str;
    /// Where a project holding it keeps its tickets (`.orchestr8/tickets`): a path given that
    /// has no such directory is taken for the tickets directory itself.
    fn tickets_dir(&self) -> &'static str;
    /// Every ticket of its tickets directory `dir`, in a stable order, with a time the source
    /// lacks read as `unknown` (so that importing twice gives the same bytes); what did not read
    /// is an error in its place, and the rest still read.
    fn read(&self, dir: &dyn ForeignDir, unknown: Timestamp) -> Vec<Result<Imported, Unread>>;
    /// An exporter into its tickets directory `dir` of the tickets `exporting` (all known
    /// before the first is written, so numbers they keep are not handed out again).
    fn exporter<'a>(
        &self,
        dir: &'a dyn ForeignDir,
        exporting: &[TicketSummary],
    ) -> Box<dyn Exporter + 'a>;
}

/// One export under way: each ticket in turn becomes its files.
pub trait Exporter {
    /// The files of `t`, named relative to the tickets directory; `artifact` reads one of its
    /// artifacts by name. An error refuses this ticket, not the export.
    fn export(
        &mut self,
        t: &Ticket,
        artifact: &dyn Fn(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Vec<ExportedFile>, String>;
}

/// `rel` joined with `name` the way [`ForeignDir`] takes paths (`""` is the directory).
pub fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_owned()
    } else {
        format!("{}/{name}", rel.trim_end_matches('/'))
    }
}

/// The files `*<ext>` of `subdirs` of `dir` ([`ForeignDir::files`]) read by `read`, which
/// gives one result a file, in order; what did not read is an error in its place.
pub fn import_files<E: std::fmt::Display>(
    dir: &dyn ForeignDir,
    subdirs: &[&str],
    ext: &str,
    read: impl FnOnce(&[ForeignFile]) -> Vec<Result<Imported, E>>,
) -> Vec<Result<Imported, Unread>> {
    let mut out = Vec::new();
    let mut files = Vec::new();
    for f in dir.files(subdirs, ext) {
        match f {
            Ok(f) => files.push(f),
            Err(u) => out.push(Err(u)),
        }
    }
    let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    out.extend(read(&files).into_iter().zip(paths).map(|(r, path)| {
        r.map_err(|e| Unread {
            path,
            message: e.to_string(),
        })
    }));
    out
}
