//! Reading whole tickets: frontmatter, body, thread events, resolution and artifacts, and the
//! raw bytes `show` prints.

use std::fs;
use std::path::{Path, PathBuf};

use ticket_domain::{
    BackendError, Diagnostic, MarkdownText, Severity, Ticket, TicketEvent, TicketSummary,
    derive_action_required,
};
use ticket_format::codec::{self, FieldError};
use ticket_format::frontmatter::{self, Frontmatter, SplitError};
use ticket_format::thread;

use crate::backend::{LocalTicketBackend, Located, RawTicket};
use crate::fsio::{self, storage};
use crate::layout;
use crate::version;

impl LocalTicketBackend {
    /// The `thread.md` of ticket `id` under `status`, as text, when it reads (what renames a
    /// ticket apart by its own `create` event).
    pub fn thread_text(&self, status: &str, id: &str) -> Option<String> {
        let dir = layout::ticket_dir(self.root(), status, id);
        std::fs::read_to_string(layout::thread(&dir)).ok()
    }

    /// The files of a located ticket, unparsed, so a corrupt ticket still shows. Without a
    /// closing `---`, the fields are read to the end of the file, as `tickets.sh` reads them.
    pub fn read_raw(&self, found: &Located) -> Result<RawTicket, BackendError> {
        let item_path = layout::item(&found.dir);
        let item = fs::read(&item_path).map_err(|e| storage(&item_path, e))?;
        let thread = fsio::read_bytes_optional(&layout::thread(&found.dir))?;
        let text = String::from_utf8_lossy(&item);
        let fields = match frontmatter::parse(&text) {
            Err(SplitError::NoClosing { .. }) => frontmatter::parse(&format!("{text}\n---\n")).ok(),
            parsed => parsed.ok(),
        };
        Ok(RawTicket {
            item,
            thread,
            fields,
        })
    }

    /// Reads a whole ticket from its directory; `action_required` is derived when not set.
    pub fn read_ticket(&self, dir: &Path) -> Result<Ticket, BackendError> {
        let mut ticket = self.load(dir)?.ticket;
        let derived = derive_action_required(
            &ticket.status,
            &ticket.events,
            ticket.meta.action_required.as_ref(),
        );
        ticket.summary.meta.action_required = Some(derived);
        Ok(ticket)
    }

    /// Reads a whole ticket and keeps the texts of item.md and thread.md it was read from, so a
    /// mutation rewrites them without reading them again. `action_required` is what the file
    /// says (a change plans from the file, not from what a reader derives).
    pub(crate) fn load(&self, dir: &Path) -> Result<Loaded, BackendError> {
        let item_path = layout::item(dir);
        let text = fsio::read_to_string(&item_path)?;
        let fm = split(&item_path, &text)?;
        let summary = codec::summary(&fm).map_err(|e| corrupt(&item_path, e))?;
        let thread_path = layout::thread(dir);
        let thread = fsio::read_string_optional(&thread_path)?;
        let events = match &thread {
            Some(thread) => events(&thread_path, thread)?,
            None => Vec::new(),
        };
        let resolution = fsio::read_string_optional(&layout::resolution(dir))?;
        let status_dir = dir
            .parent()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let version = version::of(
            &status_dir,
            text.as_bytes(),
            thread.as_deref().map(str::as_bytes),
            resolution.as_deref().map(str::as_bytes),
        );
        let ticket = Ticket {
            summary,
            body: MarkdownText::new(&text[fm.body_start..]),
            events,
            resolution: resolution.map(MarkdownText::new),
            artifacts: artifacts(&layout::artifacts(dir)),
            version,
        };
        Ok(Loaded {
            ticket,
            item: text,
            thread: thread.unwrap_or_default(),
        })
    }

    /// The frontmatter of a located ticket, as a summary (its thread is not read).
    pub fn summary_at(&self, found: &Located) -> Result<TicketSummary, BackendError> {
        let item = layout::item(&found.dir);
        let fm = crate::lookup::read_head(&item)?;
        codec::summary(&fm).map_err(|e| corrupt(&item, e))
    }

    /// Where a ticket lives: `<root>/<status>/<id>`.
    pub fn path_of(&self, ticket: &TicketSummary) -> PathBuf {
        layout::ticket_dir(self.root(), ticket.status.as_str(), ticket.id.as_str())
    }
}

/// A ticket as read, with the texts it was read from.
pub(crate) struct Loaded {
    pub ticket: Ticket,
    pub item: String,
    pub thread: String,
}

pub(crate) fn split(path: &Path, text: &str) -> Result<Frontmatter, BackendError> {
    frontmatter::parse(text).map_err(|e| split_error(path, e))
}

/// Why the item.md at `path` has no usable frontmatter, as an error.
pub(crate) fn split_error(path: &Path, e: SplitError) -> BackendError {
    let (line, message) = match e {
        SplitError::NoOpener => (
            1,
            "item.md does not start with a `---` line; add one above the first key".to_owned(),
        ),
        SplitError::NoClosing { opener_line } => (
            opener_line,
            "the frontmatter has no closing `---` line; add one after the last key".to_owned(),
        ),
    };
    corrupt(path, FieldError { line, message })
}

pub(crate) fn corrupt(path: &Path, e: FieldError) -> BackendError {
    BackendError::Corrupt {
        ticket: path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        location: path.display().to_string(),
        line: Some(e.line),
        message: e.message,
    }
}

pub(crate) fn diagnostic(e: &BackendError) -> Diagnostic {
    let (path, line) = match e {
        BackendError::Corrupt { location, line, .. } => (Some(location.clone()), *line),
        BackendError::Storage { location, .. } => (Some(location.clone()), None),
        _ => (None, None),
    };
    Diagnostic {
        code: "unreadable-ticket".into(),
        severity: Severity::Error,
        path,
        line,
        message: e.to_string(),
        hint: "fix the file by hand (see docs/format.md), then run the doctor".into(),
    }
}

pub(crate) fn events(path: &Path, text: &str) -> Result<Vec<TicketEvent>, BackendError> {
    thread::parse(text)
        .events
        .into_iter()
        .map(|raw| codec::event(raw).map_err(|e| corrupt(path, e)))
        .collect()
}

/// Files under `artifacts/`, relative names, sorted, `.gitkeep` left out.
fn artifacts(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                let rel = rel.to_string_lossy().into_owned();
                if rel != layout::GITKEEP {
                    out.push(rel);
                }
            }
        }
    }
    out.sort();
    out
}
