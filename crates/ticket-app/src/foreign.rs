//! `import` and `export`: other trackers' tickets in and out (docs/formats.md). The format
//! adapters are pure; this module reads their files, writes the imported tickets through the
//! local backend (`put_whole`, under the lock, through `fsio`) and writes exported files without
//! ever replacing one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use ticket_domain::{
    BackendError, ListFilter, Slug, Ticket, TicketBackend, TicketId, TicketIdOrSlug, Timestamp,
};
use ticket_format::foreign::{ExportedFile, ForeignFile, Imported};
use ticket_store_local::Written;

use crate::error::AppError;
use crate::{App, query};

/// The trackers whose files can be imported and exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Orchestr8's `.orchestr8/tickets/*.json`.
    Orchestr8,
    /// Ushabti's `.ushabti/tickets/TNNNN-slug.yaml`.
    Ushabti,
    /// aticket-cli's ticket directories (`state/ticket.sqlite3`, `TICKET.md`).
    Aticket,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Orchestr8, Format::Ushabti, Format::Aticket];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Orchestr8 => "orchestr8",
            Format::Ushabti => "ushabti",
            Format::Aticket => "aticket",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a format: orchestr8, ushabti or aticket"))
    }
}

/// An import: every ticket of a tracker's directory into the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRequest {
    pub format: Format,
    /// The project (holding `.orchestr8/`, `.ushabti/`, or aticket's `tickets/`) or the tickets
    /// directory itself.
    pub path: PathBuf,
}

/// What became of one imported file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
        }
    }
}

/// One imported ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedEntry {
    /// Its file (or directory) in the source, relative to the directory read.
    pub source: String,
    pub id: String,
    pub legacy: String,
    pub outcome: Outcome,
    /// Where it lives in the root.
    pub path: String,
    /// What was decided on the way (bugs of the source fixed, values inferred, which file read).
    pub notices: Vec<String>,
}

/// A file that was not imported or exported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub message: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The tickets directory read.
    pub source: String,
    pub imported: Vec<ImportedEntry>,
    pub skipped: Vec<Skipped>,
}

/// An export: tickets of the root (all, or those named) into a tracker's directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRequest {
    pub format: Format,
    pub path: PathBuf,
    /// Ids or slugs; empty means every ticket.
    pub queries: Vec<String>,
}

/// One exported ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedEntry {
    pub id: String,
    /// The files written, relative to the directory written.
    pub files: Vec<String>,
}

/// What an export did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// The tickets directory written.
    pub target: String,
    pub exported: Vec<ExportedEntry>,
    /// Tickets not exported (an existing file in the way, a name that cannot be a file).
    pub refused: Vec<Skipped>,
}

/// The most bytes of one foreign file read: tickets are small; anything larger is refused.
const MAX_FILE: u64 = 16 << 20;

/// Times a source file lacks entirely are read as this (and marked inferred), so that importing
/// twice gives the same bytes.
fn unknown_time() -> Timestamp {
    Timestamp::from_unix(0).unwrap_or_else(|| "1970-01-01T00:00:00Z".parse().expect("valid"))
}

impl App {
    /// Imports every ticket of a tracker's directory. A ticket imported before (same
    /// `legacy_ticket`) is brought up to date rather than duplicated; a file that does not
    /// read is reported and skipped, and the others still import.
    pub fn import(&self, request: &ImportRequest) -> Result<ImportReport, AppError> {
        let dir = source_dir(request.format, &request.path)?;
        let mut report = ImportReport {
            source: dir.display().to_string(),
            ..ImportReport::default()
        };
        let read = self.read_source(request.format, &dir, &mut report.skipped)?;
        let backend = self.writer()?;
        // What is in the root already: legacy ids, ids and slugs.
        let mut by_legacy: BTreeMap<String, (TicketId, Slug)> = BTreeMap::new();
        let mut slugs = BTreeSet::new();
        let mut ids = BTreeSet::new();
        if self.root.is_dir() {
            let listing = backend.list(&ListFilter::default())?;
            for t in listing.tickets {
                if let Some(legacy) = &t.legacy_ticket {
                    by_legacy.insert(legacy.clone(), (t.id.clone(), t.slug.clone()));
                }
                slugs.insert(t.slug.to_string());
                ids.insert(t.id.to_string());
            }
        }
        for imported in read {
            let Imported {
                path,
                mut ticket,
                artifacts,
                notices,
            } = imported;
            let legacy = ticket.legacy_ticket.clone().unwrap_or_default();
            match by_legacy.get(&legacy) {
                Some((id, slug)) => {
                    ticket.summary.id = id.clone();
                    ticket.summary.slug = slug.clone();
                }
                None => {
                    let slug = free_slug(&ticket.slug, &slugs);
                    let id = free_id(ticket.created_at, &slug, &ids);
                    slugs.insert(slug.to_string());
                    ids.insert(id.to_string());
                    by_legacy.insert(legacy.clone(), (id.clone(), slug.clone()));
                    ticket.summary.slug = slug;
                    ticket.summary.id = id;
                }
            }
            match backend.put_whole(&ticket, &artifacts) {
                Ok((written, at)) => report.imported.push(ImportedEntry {
                    source: path,
                    id: ticket.id.to_string(),
                    legacy,
                    outcome: match written {
                        Written::Created => Outcome::Created,
                        Written::Updated => Outcome::Updated,
                        Written::Unchanged => Outcome::Unchanged,
                    },
                    path: at.display().to_string(),
                    notices,
                }),
                Err(e @ BackendError::Locked { .. }) => return Err(e.into()),
                Err(e) => report.skipped.push(Skipped {
                    path,
                    message: e.to_string(),
                }),
            }
        }
        Ok(report)
    }

    /// Reads the tickets of a tracker's directory, adding the files that do not read to `skipped`.
    fn read_source(
        &self,
        format: Format,
        dir: &Path,
        skipped: &mut Vec<Skipped>,
    ) -> Result<Vec<Imported>, AppError> {
        let mut out = Vec::new();
        let keep = |results: Vec<Result<Imported, String>>,
                    paths: &[String],
                    out: &mut Vec<Imported>,
                    skipped: &mut Vec<Skipped>| {
            for (r, p) in results.into_iter().zip(paths) {
                match r {
                    Ok(i) => out.push(i),
                    Err(message) => skipped.push(Skipped {
                        path: p.clone(),
                        message,
                    }),
                }
            }
        };
        match format {
            Format::Orchestr8 => {
                let files = read_files(dir, &["", ticket_fmt_orchestr8::ARCHIVE], ".json", skipped);
                let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
                let results = ticket_fmt_orchestr8::read(&files, unknown_time())
                    .into_iter()
                    .map(|r| r.map_err(|e| e.to_string()))
                    .collect();
                keep(results, &paths, &mut out, skipped);
            }
            Format::Ushabti => {
                let files = read_files(dir, &["", ticket_fmt_ushabti::ARCHIVED], ".yaml", skipped);
                let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
                let results = ticket_fmt_ushabti::read(&files, unknown_time())
                    .into_iter()
                    .map(|r| r.map_err(|e| e.to_string()))
                    .collect();
                keep(results, &paths, &mut out, skipped);
            }
            Format::Aticket => {
                return Err(AppError::Foreign {
                    path: dir.to_path_buf(),
                    message: format!("{format} is not supported yet"),
                });
            }
        }
        Ok(out)
    }

    /// Exports tickets of the root into a tracker's directory, never replacing a file there.
    pub fn export(&self, request: &ExportRequest) -> Result<ExportReport, AppError> {
        let backend = self.reader();
        let tickets: Vec<Ticket> = if request.queries.is_empty() {
            let listing = backend.list(&ListFilter::default())?;
            listing
                .tickets
                .iter()
                .map(|s| backend.show(&TicketIdOrSlug::from(&s.id)))
                .collect::<Result<_, _>>()?
        } else {
            request
                .queries
                .iter()
                .map(|q| backend.show(&query(q)?).map_err(AppError::from))
                .collect::<Result<_, _>>()?
        };
        let dir = target_dir(request.format, &request.path);
        fs::create_dir_all(&dir).map_err(|e| foreign_io(&dir, &e))?;
        let taken = |rel: &str| fs::symlink_metadata(dir.join(rel)).is_ok();
        let rendered: Vec<Result<Vec<ExportedFile>, String>> = match request.format {
            Format::Orchestr8 => ticket_fmt_orchestr8::write(&tickets, &taken)
                .into_iter()
                .map(|r| r.map(|f| vec![f]).map_err(|e| e.to_string()))
                .collect(),
            Format::Ushabti => {
                let existing = names_in(&dir, &["", ticket_fmt_ushabti::ARCHIVED]);
                ticket_fmt_ushabti::write(&tickets, &existing)
                    .into_iter()
                    .map(|r| r.map(|f| vec![f]).map_err(|e| e.to_string()))
                    .collect()
            }
            Format::Aticket => {
                return Err(AppError::Foreign {
                    path: dir,
                    message: format!("{} is not supported yet", request.format),
                });
            }
        };
        let mut report = ExportReport {
            target: dir.display().to_string(),
            ..ExportReport::default()
        };
        for (t, files) in tickets.iter().zip(rendered) {
            let refuse = |message: String| Skipped {
                path: t.id.to_string(),
                message,
            };
            match files.and_then(|files| write_new_files(&dir, &files)) {
                Ok(files) => report.exported.push(ExportedEntry {
                    id: t.id.to_string(),
                    files,
                }),
                Err(message) => report.refused.push(refuse(message)),
            }
        }
        Ok(report)
    }
}

fn foreign_io(path: &Path, e: &std::io::Error) -> AppError {
    AppError::Foreign {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The tickets directory of a tracker under `path`, or `path` itself.
fn tickets_dir(format: Format, path: &Path) -> PathBuf {
    let inner = match format {
        Format::Orchestr8 => path.join(".orchestr8").join("tickets"),
        Format::Ushabti => path.join(".ushabti").join("tickets"),
        Format::Aticket => path.join("tickets"),
    };
    if inner.is_dir() {
        inner
    } else {
        path.to_path_buf()
    }
}

fn source_dir(format: Format, path: &Path) -> Result<PathBuf, AppError> {
    if !path.is_dir() {
        return Err(AppError::Foreign {
            path: path.to_path_buf(),
            message: format!("there is no {format} directory to import from here"),
        });
    }
    Ok(tickets_dir(format, path))
}

fn target_dir(format: Format, path: &Path) -> PathBuf {
    tickets_dir(format, path)
}

/// The regular files named `*<ext>` directly in each of `subdirs` of `dir` (`""` is `dir`
/// itself), sorted, with paths relative to `dir`. Links and larger files are skipped, and said.
fn read_files(
    dir: &Path,
    subdirs: &[&str],
    ext: &str,
    skipped: &mut Vec<Skipped>,
) -> Vec<ForeignFile> {
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
            let rel = format!("{sub}{name}");
            match read_file(&d.join(&name)) {
                Ok(bytes) => out.push(ForeignFile { path: rel, bytes }),
                Err(message) => skipped.push(Skipped { path: rel, message }),
            }
        }
    }
    out
}

/// The names in each of `subdirs` of `dir` (`""` is `dir` itself), relative to `dir`.
fn names_in(dir: &Path, subdirs: &[&str]) -> Vec<String> {
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

/// A regular file's bytes (never through a link), at most [`MAX_FILE`].
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, String> {
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

/// `slug`, or the first of `slug-2`, `slug-3`, ... nobody has.
fn free_slug(slug: &Slug, taken: &BTreeSet<String>) -> Slug {
    if !taken.contains(slug.as_str()) {
        return slug.clone();
    }
    (2..)
        .map(|n| format!("{slug}-{n}"))
        .find(|s| !taken.contains(s))
        .and_then(|s| Slug::new(s).ok())
        .unwrap_or_else(|| slug.clone())
}

fn free_id(at: Timestamp, slug: &Slug, taken: &BTreeSet<String>) -> TicketId {
    let base = ticket_format::foreign::proposed_id(at, slug);
    if !taken.contains(base.as_str()) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken.contains(s))
        .and_then(|s| TicketId::new(s).ok())
        .unwrap_or(base)
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
fn write_new_files(dir: &Path, files: &[ExportedFile]) -> Result<Vec<String>, String> {
    for f in files {
        let rel = f.path.trim_end_matches('/');
        if !inside(rel) {
            return Err(format!(
                "{}: the name would leave the directory written",
                f.path
            ));
        }
        if fs::symlink_metadata(dir.join(rel)).is_ok() {
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
            let mut tmp = tempfile::Builder::new()
                .prefix(".ticket-export-")
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
