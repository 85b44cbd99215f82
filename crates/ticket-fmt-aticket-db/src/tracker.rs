//! aticket-cli as a [`Tracker`]: one directory a ticket, its truth in SQLite (read here), else
//! its `TICKET.md`, with its `notes/` and `artifacts/` carried as artifacts of ours.

use ticket_domain::{Ticket, TicketSummary, Timestamp};
use ticket_fmt_aticket::{DB_PATH, Record, TICKET_MD};
use ticket_format::foreign::{ExportedFile, Exporter, ForeignDir, Imported, Tracker, Unread, join};

/// Where an aticket-cli ticket's `notes/` and `artifacts/` go among ours: `aticket/<dir>/...`.
const ARTIFACTS: &str = "aticket";

/// aticket-cli's ticket directories (`state/ticket.sqlite3`, `TICKET.md`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Aticket;

impl Tracker for Aticket {
    fn name(&self) -> &'static str {
        ticket_fmt_aticket::TRACKER
    }

    fn tickets_dir(&self) -> &'static str {
        "tickets"
    }

    fn read(&self, dir: &dyn ForeignDir, unknown: Timestamp) -> Vec<Result<Imported, Unread>> {
        let mut out = Vec::new();
        for (name, rel) in ticket_dirs(dir) {
            match read_one(dir, &rel, &name) {
                Ok((record, why)) => {
                    let mut imported = ticket_fmt_aticket::import(&record, unknown);
                    imported.notices.extend(why);
                    imported.artifacts = files(dir, &rel, &name, &mut out);
                    out.push(Ok(imported));
                }
                Err(message) => out.push(Err(Unread {
                    path: name,
                    message,
                })),
            }
        }
        out
    }

    fn exporter<'a>(
        &self,
        dir: &'a dyn ForeignDir,
        _exporting: &[TicketSummary],
    ) -> Box<dyn Exporter + 'a> {
        Box::new(Export(dir))
    }
}

/// The ticket directories of the tickets directory `dir` (name, path relative to `dir`),
/// sorted; `dir` itself when it is one ticket's directory.
fn ticket_dirs(dir: &dyn ForeignDir) -> Vec<(String, String)> {
    let is_ticket = |rel: &str| dir.taken(&join(rel, TICKET_MD)) || dir.is_dir(&join(rel, "state"));
    if is_ticket("") {
        let name = dir
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return vec![(name, String::new())];
    }
    dir.subdirs("")
        .into_iter()
        .map(|n| (n.clone(), n))
        .collect()
}

/// One ticket: its SQLite truth when it reads, else its `TICKET.md`, and what was said about
/// the choice.
fn read_one(dir: &dyn ForeignDir, rel: &str, name: &str) -> Result<(Record, Vec<String>), String> {
    let md = join(rel, TICKET_MD);
    let mut why = Vec::new();
    if dir.is_file(&join(rel, DB_PATH)) {
        match crate::read(&dir.path().join(rel), name) {
            Ok(record) => return Ok((record, why)),
            Err(e) if dir.taken(&md) => why.push(format!(
                "{DB_PATH} does not read ({e}): read {TICKET_MD} instead"
            )),
            Err(e) => return Err(e.to_string()),
        }
    }
    let bytes = dir
        .read(&md)
        .map_err(|e| format!("neither {DB_PATH} nor {TICKET_MD} reads: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{TICKET_MD}: not UTF-8"))?;
    Ok((ticket_fmt_aticket::render::parse(&text, name), why))
}

/// The regular files under a ticket's `notes/` and `artifacts/` as artifacts of ours; what
/// did not read goes into `out` as an error.
fn files(
    dir: &dyn ForeignDir,
    rel: &str,
    name: &str,
    out: &mut Vec<Result<Imported, Unread>>,
) -> Vec<(String, Vec<u8>)> {
    let mut artifacts = Vec::new();
    for (path, read) in dir.files_under(rel, &["notes", "artifacts"]) {
        match read {
            Ok(bytes) => artifacts.push((format!("{ARTIFACTS}/{path}"), bytes)),
            Err(message) => out.push(Err(Unread {
                path: format!("{name}/{path}"),
                message,
            })),
        }
    }
    artifacts
}

/// An export into a tickets directory: one ticket directory each, never into an existing one.
struct Export<'a>(&'a dyn ForeignDir);

impl Exporter for Export<'_> {
    /// One ticket as an aticket-cli directory: its files, its SQLite truth, and its artifacts
    /// from aticket-cli back under `notes/` and `artifacts/`.
    fn export(
        &mut self,
        t: &Ticket,
        artifact: &dyn Fn(&str) -> Result<Vec<u8>, String>,
    ) -> Result<Vec<ExportedFile>, String> {
        let record = ticket_fmt_aticket::export(t, &self.0.path().display().to_string());
        if !ticket_fmt_aticket::valid_dir(&record.dir) {
            return Err(format!("{}: not a directory name", record.dir));
        }
        if self.0.taken(&record.dir) {
            return Err(format!(
                "{}: exists already; an export never writes into an existing ticket directory",
                record.dir
            ));
        }
        let mut files = ticket_fmt_aticket::files(&record);
        let db = crate::bytes(&record).map_err(|e| e.to_string())?;
        files.push(ExportedFile {
            path: format!("{}/{DB_PATH}", record.dir),
            bytes: db,
        });
        let prefix = format!("{ARTIFACTS}/");
        for name in &t.artifacts {
            if let Some(rel) = name.strip_prefix(&prefix)
                && (rel.starts_with("notes/") || rel.starts_with("artifacts/"))
            {
                files.push(ExportedFile {
                    path: format!("{}/{rel}", record.dir),
                    bytes: artifact(name)?,
                });
            }
        }
        Ok(files)
    }
}
