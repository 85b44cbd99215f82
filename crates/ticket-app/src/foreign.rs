//! `import` and `export`: other trackers' tickets in and out (docs/formats.md). Each tracker
//! is a `ticket_format::foreign::Tracker` its format crate implements, reading through the
//! store's `tree::Dir`; this module writes the imported tickets through the local backend
//! (`put_whole`, under the lock, through `fsio`) and the exported files without ever replacing
//! one. [`Format::tracker`] is the one place a format is matched.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ticket_domain::{
    BackendError, ListFilter, Progress, Slug, TicketBackend, TicketId, TicketIdOrSlug, Timestamp,
};
use ticket_format::foreign::{self, Imported, Tracker};
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

    /// The adapter that reads and writes its files: the one place a format is matched.
    pub fn tracker(self) -> &'static dyn Tracker {
        match self {
            Format::Orchestr8 => &ticket_fmt_orchestr8::Orchestr8,
            Format::Ushabti => &ticket_fmt_ushabti::Ushabti,
            Format::Aticket => &ticket_fmt_aticket_db::Aticket,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.tracker().name()
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
        self.import_with_progress(request, &())
    }

    /// [`App::import`], telling `progress` of each ticket written.
    pub fn import_with_progress(
        &self,
        request: &ImportRequest,
        progress: &dyn Progress,
    ) -> Result<ImportReport, AppError> {
        let tracker = request.format.tracker();
        let dir = source_dir(tracker, &request.path)?;
        let mut report = ImportReport {
            source: dir.display().to_string(),
            ..ImportReport::default()
        };
        let mut read = Vec::new();
        for r in tracker.read(&tree::Dir::new(&dir), unknown_time()) {
            match r {
                Ok(imported) => read.push(imported),
                Err(u) => report.skipped.push(Skipped {
                    path: u.path,
                    message: u.message,
                }),
            }
        }
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
        progress.start("importing tickets", prepared.len() as u64);
        let _done = Finish(progress);
        for (path, ticket, artifacts, notices, legacy) in prepared {
            progress.advance(1);
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

    /// Exports tickets of the root into a tracker's directory, never replacing a file there.
    /// Tickets are read, rendered and written one at a time, so memory stays small however
    /// many there are; the names asked for are all checked before anything is written.
    pub fn export(&self, request: &ExportRequest) -> Result<ExportReport, AppError> {
        self.export_with_progress(request, &())
    }

    /// [`App::export`], telling `progress` of each ticket exported.
    pub fn export_with_progress(
        &self,
        request: &ExportRequest,
        progress: &dyn Progress,
    ) -> Result<ExportReport, AppError> {
        let backend = self.reader();
        // What to export, in the listing's order (or the order asked): the exporter is told
        // of them all first (Ushabti's numbers they keep are not handed out again).
        let mut exporting: Vec<ticket_domain::TicketSummary> = Vec::new();
        if request.queries.is_empty() {
            backend.list_each(&ListFilter::default(), |found| {
                if let Ok((_, s)) = found {
                    exporting.push(s);
                }
            })?;
        } else {
            for q in &request.queries {
                exporting.push(backend.show(&query(q)?)?.summary);
            }
        }
        let tracker = request.format.tracker();
        let dir = tickets_dir(tracker, &request.path);
        let real_dir = tree::make_dir(&dir).map_err(|e| foreign_io(&dir, &e))?;
        let target = tree::Dir::new(real_dir);
        let mut exporter = tracker.exporter(&target, &exporting);
        let mut report = ExportReport {
            target: dir.display().to_string(),
            ..ExportReport::default()
        };
        progress.start("exporting tickets", exporting.len() as u64);
        let _done = Finish(progress);
        for summary in &exporting {
            progress.advance(1);
            let refuse = |message: String| Skipped {
                path: summary.id.to_string(),
                message,
            };
            // A ticket removed or broken since it was listed is refused, not the export.
            let t = match backend.show(&TicketIdOrSlug::from(&summary.id)) {
                Ok(t) => t,
                Err(e) => {
                    report.refused.push(refuse(e.to_string()));
                    continue;
                }
            };
            let artifacts = ticket_store_local::layout::artifacts(&backend.path_of(&t));
            let artifact = |name: &str| tree::read_file(&artifacts.join(name));
            match exporter
                .export(&t, &artifact)
                .and_then(|files| tree::write_new_files(&dir, &files))
            {
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

/// Ends the progress when the work ends, however it ends.
struct Finish<'a>(&'a dyn Progress);

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

fn foreign_io(path: &Path, e: &std::io::Error) -> AppError {
    AppError::Foreign {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The tickets directory of a tracker under `path`, or `path` itself.
fn tickets_dir(tracker: &dyn Tracker, path: &Path) -> PathBuf {
    let inner = path.join(tracker.tickets_dir());
    if tree::is_dir(&inner) {
        inner
    } else {
        path.to_path_buf()
    }
}

fn source_dir(tracker: &dyn Tracker, path: &Path) -> Result<PathBuf, AppError> {
    if !tree::is_dir(path) {
        return Err(AppError::Foreign {
            path: path.to_path_buf(),
            message: format!(
                "there is no {} directory to import from here",
                tracker.name()
            ),
        });
    }
    Ok(tickets_dir(tracker, path))
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
