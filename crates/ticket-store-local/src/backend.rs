//! `LocalTicketBackend`: the port over a `work-items/` root, as docs/format.md lays it out.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ticket_domain::ops;
use ticket_domain::transition::plan_set_status;
use ticket_domain::{
    BackendError, Clock, Diagnostic, ListFilter, Listing, MarkdownText, NewEvent, NewReview,
    NewTicket, Resolution, Severity, Ticket, TicketBackend, TicketEvent, TicketIdOrSlug,
    TicketStatus, TicketSummary, derive_action_required, new_ticket_id,
};

use crate::codec::{self, FieldError};
use crate::format::frontmatter::{self, SplitError};
use crate::format::thread;
use crate::fsio::{self, storage};

/// The status directories, in list order.
pub const STATUS_DIRS: [&str; 3] = ["open", "pending", "closed"];

/// A ticket found on disk: its directory and the status directory it sits in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub dir: PathBuf,
    pub status_dir: &'static str,
}

/// The bytes of a ticket's files as they are, for tools that print them (`show`), with the
/// frontmatter when it can be delimited.
#[derive(Clone, Debug)]
pub struct RawTicket {
    pub item: Vec<u8>,
    pub thread: Option<Vec<u8>>,
    pub fields: Option<frontmatter::Frontmatter>,
}

/// `list_located`'s answer: each readable ticket with where it lives, and the unreadable ones.
#[derive(Clone, Debug, Default)]
pub struct LocatedListing {
    pub tickets: Vec<(Located, TicketSummary)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The local-files backend. Cheap to construct; holds no open files between calls.
pub struct LocalTicketBackend {
    root: PathBuf,
    clock: Arc<dyn Clock>,
    lock_timeout: Duration,
}

impl LocalTicketBackend {
    pub fn new(root: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        Self {
            root: root.into(),
            clock,
            lock_timeout: Duration::from_secs(10),
        }
    }

    /// How long a writer waits for the root's lock before failing with `Locked`.
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Finds the one ticket `query` names: by path for an id, by directory name then by
    /// frontmatter for a slug (docs/format.md, "Lookup").
    pub fn locate(&self, query: &TicketIdOrSlug) -> Result<Located, BackendError> {
        let q = query.as_str();
        let by_path: Vec<Located> = STATUS_DIRS
            .iter()
            .map(|s| Located {
                dir: self.root.join(s).join(q),
                status_dir: s,
            })
            .filter(|l| l.dir.join("item.md").is_file())
            .collect();
        if let [one] = by_path.as_slice()
            && read_head(&one.dir.join("item.md")).is_ok_and(|fm| fm.raw("id") == q)
        {
            return Ok(one.clone());
        }
        let (suffix, infix) = (format!("-{q}"), format!("-{q}-"));
        let named_like = |name: &str| name == q || name.ends_with(&suffix) || name.contains(&infix);
        let mut found = self.matching(q, named_like)?;
        if found.is_empty() {
            found = self.matching(q, |_| true)?;
        }
        match found.len() {
            0 => Err(BackendError::NotFound { query: q.into() }),
            1 => Ok(found.remove(0)),
            _ => Err(BackendError::Ambiguous {
                query: q.into(),
                matches: found.iter().map(|l| l.dir.display().to_string()).collect(),
            }),
        }
    }

    /// Tickets whose directory name passes `name_filter` and whose id or slug is `q`. The three
    /// status directories are read on three threads: on a large root, reading directory entries
    /// is most of a lookup's time.
    fn matching(
        &self,
        q: &str,
        name_filter: impl Fn(&str) -> bool + Sync,
    ) -> Result<Vec<Located>, BackendError> {
        let listed: Vec<Result<Vec<PathBuf>, BackendError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = STATUS_DIRS
                .iter()
                .map(|s| scope.spawn(|| self.ticket_dirs_named(s, &name_filter)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(BackendError::Storage {
                            location: self.root.display().to_string(),
                            message: "a directory reader panicked; run the lookup again".into(),
                        })
                    })
                })
                .collect()
        });
        let mut found = Vec::new();
        for (status_dir, dirs) in STATUS_DIRS.into_iter().zip(listed) {
            for dir in dirs? {
                if let Ok(fm) = read_head(&dir.join("item.md"))
                    && (fm.raw_value("id") == q || fm.raw_value("slug") == q)
                {
                    found.push(Located { dir, status_dir });
                }
            }
        }
        Ok(found)
    }

    /// Ticket directories under one status directory, in byte order of their names.
    pub fn ticket_dirs(&self, status_dir: &str) -> Result<Vec<PathBuf>, BackendError> {
        self.ticket_dirs_named(status_dir, |_| true)
    }

    /// Ticket directories whose name passes `keep`, sorted; names are filtered before any
    /// `stat`, so a lookup by slug on a large root costs one directory read per status.
    fn ticket_dirs_named(
        &self,
        status_dir: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<PathBuf>, BackendError> {
        let dir = self.root.join(status_dir);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(storage(&dir, e)),
        };
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_str().is_some_and(&keep))
            .filter(|e| match e.file_type() {
                Ok(t) if t.is_dir() => true,
                Ok(t) if t.is_symlink() => e.path().is_dir(),
                _ => false,
            })
            .map(|e| e.path())
            .collect();
        dirs.sort();
        Ok(dirs)
    }

    /// The files of a located ticket, unparsed (a corrupt ticket still shows).
    pub fn read_raw(&self, found: &Located) -> Result<RawTicket, BackendError> {
        let item_path = found.dir.join("item.md");
        let item = fs::read(&item_path).map_err(|e| storage(&item_path, e))?;
        let thread_path = found.dir.join("thread.md");
        let thread = match fs::read(&thread_path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(storage(&thread_path, e)),
        };
        let fields = frontmatter::parse(&String::from_utf8_lossy(&item)).ok();
        Ok(RawTicket {
            item,
            thread,
            fields,
        })
    }

    /// `list`, with where each ticket lives: tickets in status-directory order (open, pending,
    /// closed), byte order of directory names within each, and a diagnostic per unreadable one.
    pub fn list_located(&self, filter: &ListFilter) -> Result<LocatedListing, BackendError> {
        let rest = ListFilter {
            statuses: Vec::new(),
            ..filter.clone()
        };
        let mut tickets = Vec::new();
        let mut diagnostics = Vec::new();
        for status_dir in STATUS_DIRS {
            let wanted = filter.statuses.is_empty()
                || filter.statuses.iter().any(|s| s.as_str() == status_dir);
            if !wanted {
                continue;
            }
            for dir in self.ticket_dirs(status_dir)? {
                let item = dir.join("item.md");
                if !item.is_file() {
                    continue;
                }
                match read_head(&item)
                    .and_then(|fm| codec::summary(&fm).map_err(|e| corrupt(&item, e)))
                {
                    Ok(summary) if rest.matches(&summary) => {
                        tickets.push((Located { dir, status_dir }, summary))
                    }
                    Ok(_) => {}
                    Err(e) => diagnostics.push(diagnostic(&e)),
                }
            }
        }
        Ok(LocatedListing {
            tickets,
            diagnostics,
        })
    }

    /// Reads a whole ticket from its directory.
    pub fn read_ticket(&self, dir: &Path) -> Result<Ticket, BackendError> {
        let item_path = dir.join("item.md");
        let text = fsio::read_to_string(&item_path)?;
        let fm = split(&item_path, &text)?;
        let summary = codec::summary(&fm).map_err(|e| corrupt(&item_path, e))?;
        let thread_path = dir.join("thread.md");
        let events = match fs::read(&thread_path) {
            Ok(_) => read_events(&thread_path)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(storage(&thread_path, e)),
        };
        let resolution_path = dir.join("resolution.md");
        let resolution = resolution_path
            .is_file()
            .then(|| fsio::read_to_string(&resolution_path).map(MarkdownText::new))
            .transpose()?;
        let mut ticket = Ticket {
            summary,
            body: MarkdownText::new(&text[fm.body_start..]),
            events,
            resolution,
            artifacts: artifacts(&dir.join("artifacts")),
        };
        let derived = derive_action_required(
            &ticket.status,
            &ticket.events,
            ticket.meta.action_required.as_ref(),
        );
        ticket.summary.meta.action_required = Some(derived);
        Ok(ticket)
    }

    fn locked<T>(&self, f: impl FnOnce() -> Result<T, BackendError>) -> Result<T, BackendError> {
        fs::create_dir_all(&self.root).map_err(|e| storage(&self.root, e))?;
        fsio::with_lock(&self.root, self.lock_timeout, f)
    }

    /// Appends `event` to the ticket's thread and moves `updated_at` to its time.
    fn append(&self, query: &TicketIdOrSlug, event: TicketEvent) -> Result<Ticket, BackendError> {
        self.locked(|| {
            let found = self.locate(query)?;
            self.append_at(&found.dir, &event)?;
            self.rewrite_item(&found.dir, &[("updated_at", event.at.to_string())])?;
            self.read_ticket(&found.dir)
        })
    }

    fn append_at(&self, dir: &Path, event: &TicketEvent) -> Result<(), BackendError> {
        let path = dir.join("thread.md");
        let mut text = match fs::read(&path) {
            Ok(_) => fsio::read_to_string(&path)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(storage(&path, e)),
        };
        let heading = event
            .heading
            .clone()
            .unwrap_or_else(|| event.kind.to_string());
        text.push_str(&thread::appended_event(
            &codec::header(event),
            &heading,
            event.body.as_str(),
        ));
        fsio::write_atomic(&self.root, &path, text.as_bytes())
    }

    /// Rewrites only the named frontmatter lines of item.md, in one atomic replacement.
    fn rewrite_item(&self, dir: &Path, fields: &[(&str, String)]) -> Result<(), BackendError> {
        let path = dir.join("item.md");
        let mut text = fsio::read_to_string(&path)?;
        for (key, value) in fields {
            let fm = split(&path, &text)?;
            text = frontmatter::set_field(&text, &fm, key, value);
        }
        fsio::write_atomic(&self.root, &path, text.as_bytes())
    }

    /// Moves a ticket's directory to `to` and rewrites its status and `updated_at`.
    fn move_to(&self, found: &Located, to: &TicketStatus) -> Result<PathBuf, BackendError> {
        let item = fsio::read_to_string(&found.dir.join("item.md"))?;
        let fm = split(&found.dir.join("item.md"), &item)?;
        let from = TicketStatus::parse(fm.raw_value("status").as_str());
        plan_set_status(&from, to)?;
        let id = ticket_domain::TicketId::new(fm.raw_value("id"))?;
        let target = self.root.join(to.as_str()).join(id.as_str());
        let dir = if found.dir == target {
            target
        } else {
            fs::create_dir_all(self.root.join(to.as_str())).map_err(|e| storage(&self.root, e))?;
            fsio::refuse_symlink(&self.root, &found.dir)?;
            fsio::move_dir(&found.dir, &target)?;
            target
        };
        let now = self.clock.now().to_string();
        self.rewrite_item(
            &dir,
            &[("status", to.as_str().to_owned()), ("updated_at", now)],
        )?;
        Ok(dir)
    }
}

/// Reads item.md up to its closing `---` only: what `list` needs.
fn read_head(path: &Path) -> Result<frontmatter::Frontmatter, BackendError> {
    let file = fs::File::open(path).map_err(|e| storage(path, e))?;
    let mut reader = BufReader::new(file);
    let mut head = String::new();
    let mut line = String::new();
    let mut count = 0;
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| storage(path, e))?;
        if n == 0 {
            break;
        }
        head.push_str(&line);
        count += 1;
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" && count > 1 || (count == 1 && bare != "---") {
            break;
        }
    }
    split(path, &head)
}

fn split(path: &Path, text: &str) -> Result<frontmatter::Frontmatter, BackendError> {
    frontmatter::parse(text).map_err(|e| {
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
    })
}

fn corrupt(path: &Path, e: FieldError) -> BackendError {
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

fn read_events(path: &Path) -> Result<Vec<TicketEvent>, BackendError> {
    let text = fsio::read_to_string(path)?;
    thread::parse(&text)
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
                if rel != ".gitkeep" {
                    out.push(rel);
                }
            }
        }
    }
    out.sort();
    out
}

impl frontmatter::Frontmatter {
    /// The decoded value of a key, or its raw text when it does not decode; empty when missing.
    pub fn raw_value(&self, key: &str) -> String {
        self.entry(key)
            .map(|e| e.scalar().unwrap_or_else(|_| e.raw.clone()))
            .unwrap_or_default()
    }
}

fn diagnostic(e: &BackendError) -> Diagnostic {
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

impl TicketBackend for LocalTicketBackend {
    fn list(&self, filter: &ListFilter) -> Result<Listing, BackendError> {
        let located = self.list_located(filter)?;
        Ok(Listing {
            tickets: located.tickets.into_iter().map(|(_, s)| s).collect(),
            diagnostics: located.diagnostics,
        })
    }

    fn show(&self, query: &TicketIdOrSlug) -> Result<Ticket, BackendError> {
        let found = self.locate(query)?;
        self.read_ticket(&found.dir)
    }

    fn create(&self, new: NewTicket) -> Result<Ticket, BackendError> {
        let slug = ops::prepare_new(&new)?;
        self.locked(|| {
            for s in STATUS_DIRS {
                let dir = self.root.join(s);
                fs::create_dir_all(&dir).map_err(|e| storage(&dir, e))?;
            }
            let now = self.clock.now();
            let taken = |id: &str| {
                STATUS_DIRS
                    .iter()
                    .any(|s| self.root.join(s).join(id).exists())
            };
            let id = new_ticket_id(now, slug.as_str(), taken, &self.clock.collision_suffix())?;
            let target = self.root.join("open").join(id.as_str());
            let ticket = ops::new_ticket(ops::new_summary(id, slug, new, now));
            let scratch = fsio::scratch_dir(&self.root)?;
            let dir = scratch.path();
            fs::create_dir_all(dir.join("artifacts")).map_err(|e| storage(dir, e))?;
            fsio::write_new(&dir.join("artifacts/.gitkeep"), b"")?;
            fsio::write_new(
                &dir.join("item.md"),
                codec::item_text(&ticket.summary, ticket.body.as_str()).as_bytes(),
            )?;
            let create = &ticket.events[0];
            let thread_text =
                thread::first_event(&codec::header(create), "Created", create.body.as_str());
            fsio::write_new(&dir.join("thread.md"), thread_text.as_bytes())?;
            fsio::move_dir(dir, &target)?;
            self.read_ticket(&target)
        })
    }

    fn add_event(&self, query: &TicketIdOrSlug, event: NewEvent) -> Result<Ticket, BackendError> {
        let event = ops::event_to_append(event, self.clock.now())?;
        self.append(query, event)
    }

    fn review(&self, query: &TicketIdOrSlug, review: NewReview) -> Result<Ticket, BackendError> {
        let event = ops::review_event(review, self.clock.now())?;
        self.append(query, event)
    }

    fn set_status(&self, query: &TicketIdOrSlug, to: TicketStatus) -> Result<Ticket, BackendError> {
        self.locked(|| {
            let found = self.locate(query)?;
            let dir = self.move_to(&found, &to)?;
            self.read_ticket(&dir)
        })
    }

    fn close(
        &self,
        query: &TicketIdOrSlug,
        resolution: Resolution,
    ) -> Result<Ticket, BackendError> {
        self.locked(|| {
            let found = self.locate(query)?;
            let from = TicketStatus::parse(found.status_dir);
            let text = resolution.text.clone();
            let event = ops::close_event(&from, resolution, self.clock.now())?;
            let dir = self.move_to(&found, &TicketStatus::Closed)?;
            fsio::write_atomic(
                &self.root,
                &dir.join("resolution.md"),
                text.as_str().as_bytes(),
            )?;
            self.append_at(&dir, &event)?;
            self.rewrite_item(&dir, &[("updated_at", event.at.to_string())])?;
            self.read_ticket(&dir)
        })
    }

    fn doctor(&self) -> Result<Vec<Diagnostic>, BackendError> {
        let mut out = Vec::new();
        for status_dir in STATUS_DIRS {
            for dir in self.ticket_dirs(status_dir)? {
                if let Err(e) = self.read_ticket(&dir) {
                    out.push(diagnostic(&e));
                }
            }
        }
        Ok(out)
    }
}
