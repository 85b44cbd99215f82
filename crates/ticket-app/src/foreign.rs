//! `import` and `export`: other trackers' tickets in and out (docs/formats.md). The format
//! adapters are pure; this module reads their files, writes the imported tickets through the
//! local backend (`put_whole`, under the lock, through `fsio`) and writes exported files without
//! ever replacing one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ticket_domain::{
    BackendError, ListFilter, Slug, Ticket, TicketBackend, TicketId, TicketIdOrSlug, Timestamp,
};
use ticket_format::foreign::{self, ExportedFile, ForeignFile, Imported};
use ticket_store_local::{Written, tree};

use crate::error::AppError;
use crate::{App, Settings, query};

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

/// Times a source file lacks entirely are read as this (and marked inferred), so that importing
/// twice gives the same bytes.
/// Another tracker's tickets read in place: imported, on every run, into a private scratch root
/// that lives as long as the [`App`] over it and is then removed. Nothing is written where the
/// tickets are, and the view is never stale.
pub(crate) struct View {
    /// Holds the scratch root; removed when the last `App` over it goes.
    _scratch: tempfile::TempDir,
    format: Format,
    source: PathBuf,
    /// Each ticket directory of the scratch root, as shown, with the file it was read from.
    sources: BTreeMap<String, String>,
}

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("View")
            .field("format", &self.format)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl View {
    pub(crate) fn source_of(&self, shown: &str) -> Option<String> {
        self.sources.get(shown).cloned()
    }

    pub(crate) fn refusal(&self) -> AppError {
        AppError::ReadOnly {
            path: self.source.clone(),
            format: self.format.as_str().to_owned(),
        }
    }
}

/// An [`App`] over another tracker's tickets, and how reading them went (the files that did not
/// read are in `report.skipped`).
#[derive(Debug)]
pub struct Viewed {
    pub app: App,
    pub report: ImportReport,
}

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
        if tree::is_dir(&self.root) {
            let listing = backend.list(&ListFilter::default())?;
            for t in listing.tickets {
                if let Some(legacy) = &t.legacy_ticket {
                    by_legacy.insert(legacy.clone(), (t.id.clone(), t.slug.clone()));
                }
                slugs.insert(t.slug.to_string());
                ids.insert(t.id.to_string());
            }
        }
        // First every ticket gets its id, so that links between them can name it.
        let mut prepared = Vec::with_capacity(read.len());
        let mut links = Vec::new();
        for imported in read {
            let Imported {
                path,
                mut ticket,
                artifacts,
                notices,
                links: its_links,
            } = imported;
            links.extend(its_links);
            let legacy = ticket.legacy_ticket.clone().unwrap_or_default();
            let count = ticket.events.len();
            if let Some(first) = ticket.events.first_mut() {
                first.refs.push(foreign::imported_events_attr(count));
            }
            match by_legacy.get(&legacy) {
                Some((id, slug)) => {
                    ticket.summary.id = id.clone();
                    ticket.summary.slug = slug.clone();
                    if let Ok(before) = backend.show(&TicketIdOrSlug::from(id)) {
                        // Events added here since the last import stay, after the source's.
                        let local = &before.events[foreign::imported_events(&before.events)..];
                        if !local.is_empty() {
                            ticket.events.extend(local.iter().cloned());
                            ticket.summary.updated_at =
                                ticket.summary.updated_at.max(before.updated_at);
                        }
                        // So do the links made here.
                        for (kind, target) in before.relations.edges() {
                            let _ = ticket.summary.relations.add(id, kind, target.clone());
                        }
                    }
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
            prepared.push((path, ticket, artifacts, notices, legacy));
        }
        // Links become relations of the imported ticket at their source, once both ends are
        // tickets of the root (imported now or before); an edge already there is kept once.
        // Each source's first prepared ticket, by legacy id: one lookup per link, not a scan.
        let mut at_legacy: std::collections::HashMap<String, usize> =
            std::collections::HashMap::with_capacity(prepared.len());
        for (k, p) in prepared.iter().enumerate() {
            at_legacy.entry(p.4.clone()).or_insert(k);
        }
        for link in links {
            let Some((to, _)) = by_legacy.get(&link.to) else {
                continue;
            };
            let found = at_legacy.get(&link.from).and_then(|&k| prepared.get_mut(k));
            if let Some((_, ticket, ..)) = found {
                let from = ticket.summary.id.clone();
                let _ = ticket.summary.relations.add(&from, link.kind, to.clone());
            }
        }
        for (path, ticket, artifacts, notices, legacy) in prepared {
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

    /// Reads another tracker's tickets where they are (`path`, as [`App::import`] takes it), for
    /// the use cases that only read: every writer of the `App` returned refuses with
    /// [`AppError::ReadOnly`]. The tickets are imported into a scratch root, which the `App`
    /// removes when it goes; `settings` are those of the reading commands.
    pub fn view(format: Format, path: &Path, settings: Settings) -> Result<Viewed, AppError> {
        let scratch = tree::scratch("ticket-view-").map_err(|e| AppError::Foreign {
            path: e.path.into(),
            message: e.message,
        })?;
        let root = scratch.path().join(crate::DEFAULT_DIR);
        let importer = App::new(&root, settings.clone());
        let report = importer.import(&ImportRequest {
            format,
            path: path.to_path_buf(),
        })?;
        let read_from = Path::new(&report.source);
        let sources = report
            .imported
            .iter()
            .map(|e| {
                (
                    e.path.clone(),
                    read_from.join(&e.source).display().to_string(),
                )
            })
            .collect();
        let mut app = App::new(root, settings);
        app.view = Some(std::sync::Arc::new(View {
            _scratch: scratch,
            format,
            source: path.to_path_buf(),
            sources,
        }));
        Ok(Viewed { app, report })
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
                for (name, ticket_dir) in aticket_dirs(dir) {
                    match read_aticket(&ticket_dir, &name) {
                        Ok((record, why)) => {
                            let mut imported = ticket_fmt_aticket::import(&record, unknown_time());
                            imported.notices.extend(why);
                            imported.artifacts = aticket_files(&ticket_dir, skipped, &name);
                            out.push(imported);
                        }
                        Err(message) => skipped.push(Skipped {
                            path: name,
                            message,
                        }),
                    }
                }
            }
        }
        Ok(out)
    }

    /// Exports tickets of the root into a tracker's directory, never replacing a file there.
    /// Tickets are read, rendered and written one at a time, so memory stays small however
    /// many there are; the names asked for are all checked before anything is written.
    pub fn export(&self, request: &ExportRequest) -> Result<ExportReport, AppError> {
        let backend = self.reader();
        // What to export, in the listing's order (or the order asked), and the Ushabti numbers
        // those tickets keep, which a new number must not take.
        let mut ids: Vec<TicketId> = Vec::new();
        let mut kept_numbers: Vec<u32> = Vec::new();
        let mut take = |s: &ticket_domain::TicketSummary| {
            kept_numbers.extend(ticket_fmt_ushabti::kept_number(s));
            ids.push(s.id.clone());
        };
        if request.queries.is_empty() {
            backend.list_each(&ListFilter::default(), |found| {
                if let Ok((_, s)) = found {
                    take(&s);
                }
            })?;
        } else {
            for q in &request.queries {
                take(&backend.show(&query(q)?)?.summary);
            }
        }
        let dir = target_dir(request.format, &request.path);
        let real_dir = tree::make_dir(&dir).map_err(|e| foreign_io(&dir, &e))?;
        let taken = |rel: &str| tree::taken(&dir.join(rel));
        enum Writer {
            Orchestr8(ticket_fmt_orchestr8::Writer),
            Ushabti(ticket_fmt_ushabti::Writer),
            Aticket(PathBuf),
        }
        let mut writer = match request.format {
            Format::Orchestr8 => Writer::Orchestr8(ticket_fmt_orchestr8::Writer::default()),
            Format::Ushabti => {
                let existing = tree::names_in(&dir, &["", ticket_fmt_ushabti::ARCHIVED]);
                Writer::Ushabti(ticket_fmt_ushabti::Writer::new(&existing, kept_numbers))
            }
            Format::Aticket => Writer::Aticket(real_dir),
        };
        let mut report = ExportReport {
            target: dir.display().to_string(),
            ..ExportReport::default()
        };
        for id in &ids {
            let refuse = |message: String| Skipped {
                path: id.to_string(),
                message,
            };
            // A ticket removed or broken since it was listed is refused, not the export.
            let t = match backend.show(&TicketIdOrSlug::from(id)) {
                Ok(t) => t,
                Err(e) => {
                    report.refused.push(refuse(e.to_string()));
                    continue;
                }
            };
            let files = match &mut writer {
                Writer::Orchestr8(w) => w
                    .write(&t, &taken)
                    .map(|f| vec![f])
                    .map_err(|e| e.to_string()),
                Writer::Ushabti(w) => w.write(&t).map(|f| vec![f]).map_err(|e| e.to_string()),
                Writer::Aticket(abs) => aticket_export(&t, abs, &backend.path_of(&t)),
            };
            match files.and_then(|files| tree::write_new_files(&dir, &files)) {
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
    if tree::is_dir(&inner) {
        inner
    } else {
        path.to_path_buf()
    }
}

fn source_dir(format: Format, path: &Path) -> Result<PathBuf, AppError> {
    if !tree::is_dir(path) {
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

/// [`tree::read_files`], what did not read added to `skipped`.
fn read_files(
    dir: &Path,
    subdirs: &[&str],
    ext: &str,
    skipped: &mut Vec<Skipped>,
) -> Vec<ForeignFile> {
    let mut unread = Vec::new();
    let files = tree::read_files(dir, subdirs, ext, &mut unread);
    skipped.extend(unread.into_iter().map(|u| Skipped {
        path: u.path,
        message: u.message,
    }));
    files
}

/// The ticket directories of aticket-cli's tickets directory `dir` (name, path), sorted; `dir`
/// itself when it is one ticket's directory.
fn aticket_dirs(dir: &Path) -> Vec<(String, PathBuf)> {
    let is_ticket = |d: &Path| {
        tree::taken(&d.join(ticket_fmt_aticket::TICKET_MD)) || tree::is_dir(&d.join("state"))
    };
    if is_ticket(dir) {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return vec![(name, dir.to_path_buf())];
    }
    tree::subdirs(dir)
}

/// One aticket-cli ticket: its SQLite truth when it reads, else its `TICKET.md`, and what was
/// said about the choice.
fn read_aticket(
    dir: &Path,
    name: &str,
) -> Result<(ticket_fmt_aticket::Record, Vec<String>), String> {
    let db = dir.join(ticket_fmt_aticket::DB_PATH);
    let md = dir.join(ticket_fmt_aticket::TICKET_MD);
    let mut why = Vec::new();
    if tree::is_file(&db) {
        match ticket_fmt_aticket_db::read(dir, name) {
            Ok(record) => return Ok((record, why)),
            Err(e) if tree::taken(&md) => why.push(format!(
                "{} does not read ({e}): read {} instead",
                ticket_fmt_aticket::DB_PATH,
                ticket_fmt_aticket::TICKET_MD
            )),
            Err(e) => return Err(e.to_string()),
        }
    }
    let bytes = tree::read_file(&md).map_err(|e| {
        format!(
            "neither {} nor {} reads: {e}",
            ticket_fmt_aticket::DB_PATH,
            ticket_fmt_aticket::TICKET_MD
        )
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{}: not UTF-8", ticket_fmt_aticket::TICKET_MD))?;
    Ok((ticket_fmt_aticket::render::parse(&text, name), why))
}

/// Where an aticket-cli ticket's `notes/` and `artifacts/` go among ours: `aticket/<dir>/...`.
const ATICKET_ARTIFACTS: &str = "aticket";

/// The regular files under a ticket's `notes/` and `artifacts/` (links, hidden names and
/// larger files left out and said), as artifacts of ours.
fn aticket_files(dir: &Path, skipped: &mut Vec<Skipped>, name: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (rel, read) in tree::files_under(dir, &["notes", "artifacts"]) {
        match read {
            Ok(bytes) => out.push((format!("{ATICKET_ARTIFACTS}/{rel}"), bytes)),
            Err(message) => skipped.push(Skipped {
                path: format!("{name}/{rel}"),
                message,
            }),
        }
    }
    out
}

/// One ticket as an aticket-cli directory: its files, its SQLite truth, and its artifacts from
/// aticket-cli back under `notes/` and `artifacts/`.
fn aticket_export(t: &Ticket, abs: &Path, ours: &Path) -> Result<Vec<ExportedFile>, String> {
    let record = ticket_fmt_aticket::export(t, &abs.display().to_string());
    if !ticket_fmt_aticket::valid_dir(&record.dir) {
        return Err(format!("{}: not a directory name", record.dir));
    }
    if tree::taken(&abs.join(&record.dir)) {
        return Err(format!(
            "{}: exists already; an export never writes into an existing ticket directory",
            record.dir
        ));
    }
    let mut files = ticket_fmt_aticket::files(&record);
    let db = ticket_fmt_aticket_db::bytes(&record).map_err(|e| e.to_string())?;
    files.push(ExportedFile {
        path: format!("{}/{}", record.dir, ticket_fmt_aticket::DB_PATH),
        bytes: db,
    });
    let prefix = format!("{ATICKET_ARTIFACTS}/");
    for name in &t.artifacts {
        if let Some(rel) = name.strip_prefix(&prefix)
            && (rel.starts_with("notes/") || rel.starts_with("artifacts/"))
        {
            let bytes = tree::read_file(&ticket_store_local::layout::artifacts(ours).join(name))?;
            files.push(ExportedFile {
                path: format!("{}/{rel}", record.dir),
                bytes,
            });
        }
    }
    Ok(files)
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
