//! The change feed: what changed in a root since a cursor (docs/feed.md), whichever tool made
//! the change (ours, `tickets.sh`, an editor, git), found from the stamps a search takes (one
//! `stat` per file, `stamps`).
//!
//! Every answer compares the stamps now with the ones the last answer saw, kept in
//! `.index/feed/state`. When some differ, the state moves to the next number and the stamps
//! they replaced are kept in a delta file of that number; a cursor is `<epoch>-<number>`, so
//! what changed since it is every ticket named in the deltas after its number, from its first
//! stamps there to the ones now. Nothing is kept per watcher: any number of them share the
//! state and the deltas, and an answer that saw nothing new writes nothing. The files are
//! derived and disposable like the rest of `.index/`: a state that is missing or does not read
//! starts a new epoch, and cursors of the old one are refused as unknown.
//!
//! Stamps taken within moments of a change cannot vouch for the next change of that tick (the
//! rule of `names::racy_window_ns`): such a ticket's files are read and their contents' hashes
//! kept beside the stamps, and compared by the next answer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use snafu::Snafu;
use ticket_domain::{BackendError, TicketIdOrSlug};
use ticket_format::{codec, thread};
use xxhash_rust::xxh3::xxh3_64;

use crate::backend::LocalTicketBackend;
use crate::fsio::{self, storage};
use crate::index;
use crate::layout::{self, CLOSED, FEED_LOCK, FEED_STATE, INDEX_TMP_PREFIX, STATUS_DIRS};
use crate::names::racy_window_ns;
use crate::parallel;
use crate::read::split;
use crate::stamps::{FileStamp, Stamps, TicketStamp};

const STATE_FORMAT: &str = "ticket feed 1";
const DELTA_FORMAT: &str = "ticket feed delta 1";

/// How many deltas are kept: a cursor stays good for this many answers that saw a change
/// (an answer that saw none makes no delta).
pub const KEPT_DELTAS: u64 = 1024;

/// What changed since a cursor, and the cursor to ask with next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed {
    pub cursor: String,
    /// Status directory order, then directory name.
    pub changes: Vec<TicketChange>,
}

/// What happened to one ticket directory since the cursor, as one change (several kinds at
/// once: a close moves the ticket, edits item.md, appends an event and writes its resolution).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketChange {
    /// Where it is now (where it was, for a removed ticket).
    pub status_dir: &'static str,
    /// The ticket directory's name.
    pub name: String,
    pub path: PathBuf,
    /// Where it was, when it moved.
    pub from_status: Option<&'static str>,
    /// The id and slug its item.md gives, when it was read since it last changed.
    pub id: Option<String>,
    pub slug: Option<String>,
    pub kinds: Vec<ChangeKind>,
    /// The events appended, in order, when the kinds say so.
    pub events: Vec<AppendedEvent>,
}

/// One kind of change of a ticket directory; the JSON of `changes` spells it in snake case.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// It appeared (in no status directory before).
    Created,
    /// It left one status directory for another.
    Moved,
    /// `item.md` changed.
    Edited,
    /// `thread.md` grew by whole events (listed).
    EventsAppended,
    /// `thread.md` changed otherwise (rewritten, cut, removed).
    ThreadRewritten,
    /// The resolution of a closed ticket was written (or rewritten).
    ResolutionWritten,
    /// It is in no status directory any more.
    Removed,
}

/// An event appended to a thread, from its header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendedEvent {
    pub kind: String,
    pub author: String,
    pub at: String,
}

/// Why a cursor cannot be answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CursorProblem {
    /// It is not a cursor at all.
    Garbled,
    /// It is not one this root's feed gave (another root, or its derived files were deleted).
    Unknown,
    /// It is older than the changes the feed keeps.
    Expired,
}

impl ChangeKind {
    /// The kind as the JSON of `changes` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Created => "created",
            ChangeKind::Moved => "moved",
            ChangeKind::Edited => "edited",
            ChangeKind::EventsAppended => "events_appended",
            ChangeKind::ThreadRewritten => "thread_rewritten",
            ChangeKind::ResolutionWritten => "resolution_written",
            ChangeKind::Removed => "removed",
        }
    }
}

impl CursorProblem {
    /// What is wrong with the cursor, as the refusal says it.
    pub fn text(self) -> &'static str {
        match self {
            CursorProblem::Garbled => "is not a change cursor",
            CursorProblem::Unknown => {
                "was not given by this root's change feed (or the root's derived files were deleted since)"
            }
            CursorProblem::Expired => "is older than the changes the feed keeps",
        }
    }
}

/// What the feed could not answer.
#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum FeedError {
    #[snafu(display("{source}"), context(false))]
    Backend { source: BackendError },
    #[snafu(display(
        "the change cursor `{cursor}` {}; ask again without a cursor to get the current one, and read again whatever was shown from the old one",
        problem.text()
    ))]
    Cursor {
        cursor: String,
        problem: CursorProblem,
    },
}

/// One file as an answer saw it: its stamp, and its contents' hash when the stamp was taken too
/// soon after a change to vouch for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileSeen {
    stamp: FileStamp,
    content: Option<u64>,
}

/// A ticket directory as an answer saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    id: Option<String>,
    slug: Option<String>,
    files: [FileSeen; 3],
}

/// Status directory (index into [`STATUS_DIRS`]) and directory name.
type Key = (usize, String);

/// The head of the feed's state file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Header {
    epoch: u64,
    number: u64,
    /// The oldest number a cursor may carry: the deltas after it are all kept.
    oldest: u64,
}

/// One ticket's line of the state file, read in place.
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    k: usize,
    name: &'a str,
    id: &'a str,
    slug: &'a str,
    files: [FileSeen; 3],
    raw: &'a str,
}

impl Line<'_> {
    fn key(&self) -> Key {
        (self.k, self.name.to_owned())
    }

    fn seen(&self) -> Seen {
        Seen {
            id: named(self.id, Some(self.name)),
            slug: named(self.slug, spelled_slug(self.name)),
            files: self.files,
        }
    }
}

/// What one pass over the stamps and the old state found.
struct Merged {
    /// The new state's lines.
    lines: String,
    /// Whether they differ from the old ones.
    dirty: bool,
    /// The tickets that changed, as the old state saw them (`None`: not there).
    changed: BTreeMap<Key, Option<Seen>>,
    /// How the changed tickets and the wanted ones are now (absent: not there).
    current: BTreeMap<Key, Seen>,
}

/// A ticket of the pass: its old line taken over as it is, or looked at again (with how the
/// old state saw it). Small, as there is one per ticket.
enum Plan<'s, 'a> {
    Keep(usize, &'a str, &'a str),
    Look(&'s TicketStamp, Option<Box<Seen>>),
}

impl LocalTicketBackend {
    /// What changed since `since` (every ticket created, moved, edited, appended to, resolved
    /// or removed), with the cursor to ask with next; without a cursor, no changes and the
    /// current cursor. Holds the feed's lock, waiting at most `lock_wait`, while it stamps the
    /// root: answers are taken one after the other, each from the state the last one left.
    pub fn changes(&self, since: Option<&str>, lock_wait: Duration) -> Result<Feed, FeedError> {
        let since = since.map(|c| parse_cursor(c).map(|p| (c, p))).transpose()?;
        let dir = feed_dir(self.root())?;
        fsio::with_lock_at(&dir.join(FEED_LOCK), lock_wait, || self.answer(&dir, since))
    }

    /// Stamps the root and compares it with the state in one pass over both (each in the same
    /// order), moves the state on when something changed (the delta written first), and
    /// answers from the deltas after the cursor.
    fn answer(&self, dir: &Path, since: Option<(&str, (u64, u64))>) -> Result<Feed, FeedError> {
        let stamps = self.stamps()?;
        let text = read_state_text(&dir.join(FEED_STATE));
        let old = text.as_deref().and_then(split_state);
        let refuse = |cursor: &str, problem| {
            CursorSnafu {
                cursor: ticket_domain::ids::shorten(cursor),
                problem,
            }
            .fail()
        };
        let mut wanted = BTreeMap::new();
        if let Some((cursor, (epoch, number))) = since {
            let Some((h, _)) = old.filter(|(h, _)| h.epoch == epoch && number <= h.number) else {
                return refuse(cursor, CursorProblem::Unknown);
            };
            if number < h.oldest {
                return refuse(cursor, CursorProblem::Expired);
            }
            match seen_since(dir, epoch, number, h.number) {
                Some(first) => wanted = first,
                None => return refuse(cursor, CursorProblem::Expired),
            }
        }
        let merged = old.and_then(|(h, body)| Some((h, self.merge(&stamps, Some(body), &wanted)?)));
        let (mut header, fresh, merged) = match merged {
            Some((h, m)) => (h, false, m),
            None => {
                let epoch = new_epoch();
                let h = Header {
                    epoch,
                    number: 0,
                    oldest: 0,
                };
                let Some(m) = self.merge(&stamps, None, &BTreeMap::new()) else {
                    return Err(BackendError::Storage {
                        location: dir.display().to_string(),
                        message: "the change feed could not start from the root's stamps".into(),
                    }
                    .into());
                };
                (h, true, m)
            }
        };
        if fresh && let Some((cursor, _)) = since {
            // The state did not read after all: its cursors mean nothing now.
            self.write_state(dir, header, &merged.lines)?;
            return refuse(cursor, CursorProblem::Unknown);
        }
        if !fresh && !merged.changed.is_empty() {
            let number = header.number + 1;
            fsio::replace_beside(
                &dir.join(number.to_string()),
                INDEX_TMP_PREFIX,
                delta_text(header.epoch, &merged.changed).as_bytes(),
            )?;
            header.number = number;
            let oldest = number.saturating_sub(KEPT_DELTAS);
            for gone in header.oldest + 1..=oldest {
                let _ = fs::remove_file(dir.join(gone.to_string()));
            }
            header.oldest = header.oldest.max(oldest);
            self.write_state(dir, header, &merged.lines)?;
        } else if merged.dirty {
            // A new state, or only the contents' hashes kept for recent changes came and went.
            self.write_state(dir, header, &merged.lines)?;
        }
        let cursor = cursor_text(header.epoch, header.number);
        if since.is_none() {
            return Ok(Feed {
                cursor,
                changes: Vec::new(),
            });
        }
        let mut before = wanted;
        for (key, was) in merged.changed {
            before.entry(key).or_insert(was);
        }
        Ok(Feed {
            cursor,
            changes: self.describe(&before, &merged.current),
        })
    }

    fn write_state(&self, dir: &Path, h: Header, lines: &str) -> Result<(), BackendError> {
        let mut text = String::with_capacity(lines.len() + 80);
        let _ = write!(
            text,
            "{STATE_FORMAT}\nepoch {:016x}\nnumber {}\noldest {}\n",
            h.epoch, h.number, h.oldest
        );
        text.push_str(lines);
        fsio::replace_beside(&dir.join(FEED_STATE), INDEX_TMP_PREFIX, text.as_bytes())
    }

    /// One pass over the stamps and the old state's lines (`None`: a new state, which reports
    /// no change: there is no cursor to answer yet). An old line is taken over as it is when
    /// the stamps equal it and no contents' hash is kept or due; otherwise the ticket is looked
    /// at again (`look`, on a few threads). `None` when the old lines do not read, or are out
    /// of order.
    fn merge(
        &self,
        stamps: &Stamps,
        body: Option<&str>,
        wanted: &BTreeMap<Key, Option<Seen>>,
    ) -> Option<Merged> {
        let fresh = body.is_none();
        let taken = stamps.taken_at_ns;
        let mut tickets: Vec<(usize, &TicketStamp)> = stamps
            .tickets
            .iter()
            .filter(|t| TicketIdOrSlug::new(&t.name).is_ok())
            .filter_map(|t| Some((STATUS_DIRS.iter().position(|s| *s == t.status_dir)?, t)))
            .collect();
        if !tickets.is_sorted_by(|a, b| (a.0, &a.1.name) < (b.0, &b.1.name)) {
            tickets.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
        }
        let mut old = body.unwrap_or("").split('\n').filter(|l| !l.is_empty());
        let mut next_old = || -> Result<Option<Line<'_>>, ()> {
            old.next()
                .map(|l| parse_state_line(l).ok_or(()))
                .transpose()
        };
        let mut pending = next_old().ok()?;
        let mut last: Option<(usize, &str)> = None;
        let mut changed = BTreeMap::new();
        let mut plans = Vec::with_capacity(tickets.len());
        for (k, t) in tickets {
            let key = (k, t.name.as_str());
            let mut prev = None;
            while let Some(line) = pending {
                let at = (line.k, line.name);
                if last.is_some_and(|l| l >= at) {
                    return None;
                }
                if at > key {
                    break;
                }
                last = Some(at);
                pending = next_old().ok()?;
                if at == key {
                    prev = Some(line);
                    break;
                }
                changed.insert(line.key(), Some(line.seen()));
            }
            let recent = t.changed_at_ns >= taken.saturating_sub(racy_window_ns(t.changed_at_ns));
            plans.push(match prev {
                Some(p)
                    if !recent
                        && (0..3).all(|i| {
                            p.files[i].stamp == t.files[i] && p.files[i].content.is_none()
                        }) =>
                {
                    Plan::Keep(p.k, p.name, p.raw)
                }
                p => Plan::Look(t, p.map(|p| Box::new(p.seen()))),
            });
        }
        while let Some(line) = pending {
            let at = (line.k, line.name);
            if last.is_some_and(|l| l >= at) {
                return None;
            }
            last = Some(at);
            changed.insert(line.key(), Some(line.seen()));
            pending = next_old().ok()?;
        }
        let looks: Vec<_> = plans
            .iter()
            .filter_map(|p| match p {
                Plan::Look(t, prev) => Some((*t, prev.as_deref())),
                Plan::Keep(..) => None,
            })
            .collect();
        let looked = parallel::map_ordered(looks, |(t, prev)| self.look(t, prev, taken, fresh));
        let mut looked = looked.into_iter();
        let mut dirty = fresh || !changed.is_empty();
        let mut lines = String::with_capacity(body.map_or(0, str::len) + 4096);
        let mut current = BTreeMap::new();
        let wanted_keys: BTreeSet<(usize, &str)> =
            wanted.keys().map(|(k, n)| (*k, n.as_str())).collect();
        for plan in plans {
            match plan {
                Plan::Keep(k, name, raw) => {
                    lines.push_str(raw);
                    lines.push('\n');
                    if wanted_keys.contains(&(k, name))
                        && let Some(line) = parse_state_line(raw)
                    {
                        current.insert(line.key(), line.seen());
                    }
                }
                Plan::Look(t, prev) => {
                    let (seen, is_changed, was) = looked.next()?;
                    let key = (
                        STATUS_DIRS.iter().position(|s| *s == t.status_dir)?,
                        t.name.clone(),
                    );
                    push_line(&mut lines, &key, Some(&seen));
                    dirty |= prev.as_deref() != Some(&seen);
                    if is_changed {
                        changed.insert(key.clone(), was);
                        current.insert(key, seen);
                    } else if wanted.contains_key(&key) {
                        current.insert(key, seen);
                    }
                }
            }
        }
        Some(Merged {
            lines,
            dirty,
            changed,
            current,
        })
    }

    /// A ticket as it is now, whether it changed since `prev` (a ticket not seen before has,
    /// unless the feed starts now), and what a delta keeps of `prev`. Files are read only for a ticket changed moments ago
    /// and for those whose hashes were kept; item.md of a changed ticket is read for its id and
    /// slug.
    fn look(
        &self,
        t: &TicketStamp,
        prev: Option<&Seen>,
        taken: i64,
        fresh: bool,
    ) -> (Seen, bool, Option<Seen>) {
        let dir = layout::ticket_dir(self.root(), t.status_dir, &t.name);
        let recent = t.changed_at_ns >= taken.saturating_sub(racy_window_ns(t.changed_at_ns));
        let mut changed = prev.is_none() && !fresh;
        // What a delta keeps of `prev`: a file whose bytes changed under the same stamp keeps a
        // stamp that matches no file, so the change still shows once its hash is dropped.
        let mut was = prev.cloned();
        let mut files = [FileSeen {
            stamp: FileStamp::ABSENT,
            content: None,
        }; 3];
        for (i, seen) in files.iter_mut().enumerate() {
            let stamp = t.files[i];
            let kept = prev.map(|p| p.files[i]);
            let same_stamp = kept.is_some_and(|f| f.stamp == stamp);
            let content = if stamp.is_present()
                && (recent || (same_stamp && kept.is_some_and(|f| f.content.is_some())))
            {
                content_hash(&file_path(&dir, i))
            } else {
                None
            };
            if let Some(f) = kept {
                if !same_stamp {
                    changed = true;
                } else if f.content.is_some() && f.content != content {
                    changed = true;
                    if let Some(w) = &mut was {
                        w.files[i].stamp.stat = FileStamp::FAILED.stat;
                    }
                }
            }
            *seen = FileSeen {
                stamp,
                content: if recent { content } else { None },
            };
        }
        let (id, slug) = match prev {
            Some(p) if !changed => (p.id.clone(), p.slug.clone()),
            _ if changed => names_of(&dir),
            _ => (None, None),
        };
        (Seen { id, slug, files }, changed, was)
    }

    /// The changes from `before` (the first stamps each changed ticket had after the cursor;
    /// `None`: not there) to `now`. A move is one name leaving one status directory and
    /// appearing in another, reported where it went.
    fn describe(
        &self,
        before: &BTreeMap<Key, Option<Seen>>,
        now: &BTreeMap<Key, Seen>,
    ) -> Vec<TicketChange> {
        let mut left: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut came: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for ((k, name), was) in before {
            match (was.is_some(), now.contains_key(&(*k, name.clone()))) {
                (true, false) => left.entry(name).or_default().push(*k),
                (false, true) => came.entry(name).or_default().push(*k),
                _ => {}
            }
        }
        // Where a name moved from, when it left exactly one status directory for exactly one.
        let moved_from = |name: &str| match (
            left.get(name).map(Vec::as_slice),
            came.get(name).map(Vec::as_slice),
        ) {
            (Some([from]), Some([_])) => Some(*from),
            _ => None,
        };
        let mut out = Vec::new();
        for ((k, name), was) in before {
            let is = now.get(&(*k, name.clone()));
            let change = match (was, is) {
                (None, None) => continue,
                (Some(_), None) if moved_from(name).is_some() => continue,
                (None, Some(_)) => match moved_from(name) {
                    Some(from) => {
                        let was = before.get(&(from, name.clone())).and_then(Option::as_ref);
                        self.change(*k, name, Some(from), was, is)
                    }
                    None => self.change(*k, name, None, None, is),
                },
                (Some(w), _) => self.change(*k, name, None, Some(w), is),
            };
            if !change.kinds.is_empty() {
                out.push(change);
            }
        }
        out
    }

    /// One ticket's change from `was` (in `from`, or in `k` itself when `from` is `None`) to
    /// `is` (in `k`); `is` `None`: removed.
    fn change(
        &self,
        k: usize,
        name: &str,
        from: Option<usize>,
        was: Option<&Seen>,
        is: Option<&Seen>,
    ) -> TicketChange {
        let status_dir = STATUS_DIRS[k];
        let path = layout::ticket_dir(self.root(), status_dir, name);
        let mut kinds = Vec::new();
        let mut events = Vec::new();
        let known = is.or(was);
        match (was, is) {
            (None, _) => kinds.push(ChangeKind::Created),
            (Some(_), None) => kinds.push(ChangeKind::Removed),
            (Some(w), Some(i)) => {
                let was_closed = STATUS_DIRS[from.unwrap_or(k)] == CLOSED;
                if from.is_some() {
                    kinds.push(ChangeKind::Moved);
                }
                if differs(w.files[0], i.files[0]) {
                    kinds.push(ChangeKind::Edited);
                }
                if differs(w.files[1], i.files[1]) {
                    match appended(&layout::thread(&path), w.files[1], i.files[1]) {
                        Some(found) => {
                            kinds.push(ChangeKind::EventsAppended);
                            events = found;
                        }
                        None => kinds.push(ChangeKind::ThreadRewritten),
                    }
                }
                if status_dir == CLOSED
                    && i.files[2].stamp.is_present()
                    && (!was_closed || differs(w.files[2], i.files[2]))
                {
                    kinds.push(ChangeKind::ResolutionWritten);
                }
            }
        }
        TicketChange {
            status_dir,
            name: name.to_owned(),
            path,
            from_status: from.map(|f| STATUS_DIRS[f]),
            id: known.and_then(|s| s.id.clone()),
            slug: known.and_then(|s| s.slug.clone()),
            kinds,
            events,
        }
    }
}

/// Whether a file changed between two looks: by content when both kept it, else by stamp.
fn differs(was: FileSeen, is: FileSeen) -> bool {
    match (was.content, is.content) {
        (Some(a), Some(b)) => a != b || was.stamp.is_present() != is.stamp.is_present(),
        _ => was.stamp != is.stamp,
    }
}

/// The events appended to the thread at `path` between the two looks, from the bytes past its
/// old length up to its length at the last look; `None` when it did not just grow by whole
/// events (a shorter file, a tail that does not start with an event header, or, when the old
/// contents' hash was kept, a changed beginning).
fn appended(path: &Path, was: FileSeen, is: FileSeen) -> Option<Vec<AppendedEvent>> {
    let (from, to) = (
        usize::try_from(was.stamp.len).ok()?,
        usize::try_from(is.stamp.len).ok()?,
    );
    if !is.stamp.is_present() || to <= from {
        return None;
    }
    let bytes = fs::read(path).ok()?;
    let whole = bytes.get(..to)?;
    if let Some(h) = was.content
        && xxh3_64(&whole[..from]) != h
    {
        return None;
    }
    let tail = std::str::from_utf8(&whole[from..]).ok()?;
    let at_line_start = from == 0 || whole[from - 1] == b'\n';
    let starts = tail.strip_prefix('\n').unwrap_or(tail);
    if !starts.starts_with(thread::HEADER_PREFIX) || !(at_line_start || tail.starts_with('\n')) {
        return None;
    }
    Some(
        thread::header_lines(tail)
            .filter_map(|line| thread::parse_header(line.text).ok())
            .map(|h| AppendedEvent {
                kind: h.kind,
                author: h.author,
                at: h.at,
            })
            .collect(),
    )
}

/// `item.md`, `thread.md` or `resolution.md` of a ticket directory, by index.
fn file_path(dir: &Path, i: usize) -> PathBuf {
    match i {
        0 => layout::item(dir),
        1 => layout::thread(dir),
        _ => layout::resolution(dir),
    }
}

fn content_hash(path: &Path) -> Option<u64> {
    fs::read(path).ok().map(|b| xxh3_64(&b))
}

/// The id and slug item.md gives; `None` for what does not read (the doctor reports it).
fn names_of(dir: &Path) -> (Option<String>, Option<String>) {
    let item = layout::item(dir);
    let Ok(Some(text)) = fsio::read_string_optional(&item) else {
        return (None, None);
    };
    let Ok(fm) = split(&item, &text) else {
        return (None, None);
    };
    match codec::summary(&fm) {
        Ok(s) => (Some(s.id.to_string()), Some(s.slug.to_string())),
        Err(_) => (None, None),
    }
}

/// The first stamps each ticket named in the deltas of `epoch` after `number` had, up to
/// `last`; `None` when a delta is missing or does not read.
fn seen_since(
    dir: &Path,
    epoch: u64,
    number: u64,
    last: u64,
) -> Option<BTreeMap<Key, Option<Seen>>> {
    let mut first = BTreeMap::new();
    let header = format!("epoch {epoch:016x}");
    for n in number + 1..=last {
        let text = fs::read_to_string(dir.join(n.to_string())).ok()?;
        let mut lines = text.split('\n');
        if lines.next()? != DELTA_FORMAT || lines.next()? != header {
            return None;
        }
        for line in lines.filter(|l| !l.is_empty()) {
            let (key, seen) = parse_line(line)?;
            first.entry(key).or_insert(seen);
        }
    }
    Some(first)
}

/// `<root>/.index/feed`, made when missing (never through a link).
fn feed_dir(root: &Path) -> Result<PathBuf, BackendError> {
    let refused = |why: &str| BackendError::Storage {
        location: layout::feed_dir(root).display().to_string(),
        message: format!("the change feed cannot keep its state here: {why}"),
    };
    let index = index::index_dir(root).ok_or_else(|| {
        refused("the derived-files directory cannot be made (a read-only root, or something else in its place)")
    })?;
    let dir = index.join(layout::FEED_DIR);
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(refused(
            "something other than a directory holds its name; remove it",
        )),
        Err(_) => match fs::create_dir(&dir) {
            Ok(()) => Ok(dir),
            Err(e) => Err(storage(&dir, e)),
        },
    }
}

fn new_epoch() -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut seed = now.to_le_bytes().to_vec();
    seed.extend_from_slice(&std::process::id().to_le_bytes());
    xxh3_64(&seed)
}

fn cursor_text(epoch: u64, number: u64) -> String {
    format!("{epoch:016x}-{number}")
}

fn parse_cursor(cursor: &str) -> Result<(u64, u64), FeedError> {
    let garbled = || FeedError::Cursor {
        cursor: ticket_domain::ids::shorten(cursor),
        problem: CursorProblem::Garbled,
    };
    let (epoch, number) = cursor.split_once('-').ok_or_else(garbled)?;
    if epoch.len() != 16 || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(garbled());
    }
    Ok((
        u64::from_str_radix(epoch, 16).map_err(|_| garbled())?,
        number.parse().map_err(|_| garbled())?,
    ))
}

// The files' lines: `<status index>\t<name>\t<id>\t<slug>\t<item>\t<thread>\t<resolution>`, an
// id or slug `-` when unknown and `=` when the name spells it; a file `-` when absent, else
// `<stamp hex>,<length>[,<contents' hash hex>]`. A delta's line is `<status index>\t<name>\t-`
// for a ticket that was not there.

fn delta_text(epoch: u64, before: &BTreeMap<Key, Option<Seen>>) -> String {
    let mut text = format!("{DELTA_FORMAT}\nepoch {epoch:016x}\n");
    for (key, seen) in before {
        push_line(&mut text, key, seen.as_ref());
    }
    text
}

/// The slug a name spells: `YYYYMMDD-HHMMSS-<slug>`.
fn spelled_slug(name: &str) -> Option<&str> {
    name.get(16..)
        .filter(|_| name.as_bytes().get(15) == Some(&b'-'))
}

fn push_line(text: &mut String, (k, name): &Key, seen: Option<&Seen>) {
    let _ = write!(text, "{k}\t{name}");
    let Some(seen) = seen else {
        text.push_str("\t-\n");
        return;
    };
    let name_or = |v: &Option<String>, spelled: Option<&str>| match v {
        None => "-".to_owned(),
        Some(v) if Some(v.as_str()) == spelled => "=".to_owned(),
        Some(v) => v.clone(),
    };
    let _ = write!(
        text,
        "\t{}\t{}",
        name_or(&seen.id, Some(name)),
        name_or(&seen.slug, spelled_slug(name))
    );
    for f in &seen.files {
        match (f.stamp.stat, f.content) {
            (0, _) => text.push_str("\t-"),
            (stat, None) => {
                let _ = write!(text, "\t{stat:x},{}", f.stamp.len);
            }
            (stat, Some(c)) => {
                let _ = write!(text, "\t{stat:x},{},{c:x}", f.stamp.len);
            }
        }
    }
    text.push('\n');
}

/// An id or slug as a line spells it.
fn named(v: &str, spelled: Option<&str>) -> Option<String> {
    match v {
        "-" => None,
        "=" => spelled.map(str::to_owned),
        v => Some(v.to_owned()),
    }
}

/// A delta's line: a ticket's key and how it was (`None`: not there).
fn parse_line(line: &str) -> Option<(Key, Option<Seen>)> {
    let mut parts = line.splitn(3, '\t');
    let (k, name, rest) = (parts.next()?, parts.next()?, parts.next()?);
    if rest == "-" {
        let k: usize = k.parse().ok().filter(|k| *k < STATUS_DIRS.len())?;
        TicketIdOrSlug::new(name).ok()?;
        return Some(((k, name.to_owned()), None));
    }
    let line = parse_state_line(line)?;
    Some((line.key(), Some(line.seen())))
}

/// A state line, read in place.
fn parse_state_line(raw: &str) -> Option<Line<'_>> {
    let mut parts = raw.split('\t');
    let k: usize = parts.next()?.parse().ok()?;
    if k >= STATUS_DIRS.len() {
        return None;
    }
    let name = parts.next()?;
    TicketIdOrSlug::new(name).ok()?;
    let (id, slug) = (parts.next()?, parts.next()?);
    let mut files = [FileSeen {
        stamp: FileStamp::ABSENT,
        content: None,
    }; 3];
    for f in &mut files {
        let field = parts.next()?;
        if field == "-" {
            continue;
        }
        let mut v = field.split(',');
        let stat = u64::from_str_radix(v.next()?, 16).ok()?;
        let len = v.next()?.parse().ok()?;
        let content = match v.next() {
            Some(c) => Some(u64::from_str_radix(c, 16).ok()?),
            None => None,
        };
        if v.next().is_some() {
            return None;
        }
        *f = FileSeen {
            stamp: FileStamp { stat, len },
            content,
        };
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Line {
        k,
        name,
        id,
        slug,
        files,
        raw,
    })
}

/// The state file's text; `None` when there is none (or something else holds its name).
fn read_state_text(path: &Path) -> Option<String> {
    if !fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    fs::read_to_string(path).ok()
}

/// The state's header and its lines; `None` when the header does not read.
fn split_state(text: &str) -> Option<(Header, &str)> {
    let mut rest = text;
    let mut next = || {
        let (line, tail) = rest.split_once('\n')?;
        rest = tail;
        Some(line)
    };
    if next()? != STATE_FORMAT {
        return None;
    }
    let mut field = |name: &str| next()?.strip_prefix(name)?.strip_prefix(' ');
    let epoch = u64::from_str_radix(field("epoch")?, 16).ok()?;
    let number = field("number")?.parse().ok()?;
    let oldest = field("oldest")?.parse().ok()?;
    if oldest > number {
        return None;
    }
    Some((
        Header {
            epoch,
            number,
            oldest,
        },
        rest,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(stat: u64, len: u64, content: Option<u64>) -> FileSeen {
        FileSeen {
            stamp: FileStamp { stat, len },
            content,
        }
    }

    #[test]
    fn cursors_read_back_and_junk_is_garbled() {
        let c = cursor_text(0xdead_beef, 42);
        assert_eq!(c, "00000000deadbeef-42");
        assert_eq!(parse_cursor(&c).ok(), Some((0xdead_beef, 42)));
        for junk in [
            "",
            "-",
            "42",
            "deadbeef-42",
            "00000000deadbeef-",
            "00000000deadbeef-+1",
            "00000000deadbeeg-1",
            "00000000deadbeef-99999999999999999999999",
            "00000000deadbeef-1-2",
        ] {
            assert!(
                matches!(
                    parse_cursor(junk),
                    Err(FeedError::Cursor {
                        problem: CursorProblem::Garbled,
                        ..
                    })
                ),
                "{junk:?}"
            );
        }
    }

    #[test]
    fn the_state_reads_back_as_written() {
        let name = "20260527-000001-example".to_owned();
        let tickets = [
            (
                (0, name.clone()),
                Seen {
                    id: Some(name.clone()),
                    slug: Some("example".into()),
                    files: [
                        seen(0xabc, 10, None),
                        seen(0xdef, 20, Some(7)),
                        seen(0, 0, None),
                    ],
                },
            ),
            (
                (2, "hand-named".into()),
                Seen {
                    id: Some("other-id".into()),
                    slug: None,
                    files: [
                        seen(5, 1, Some(u64::MAX)),
                        seen(1, 0, None),
                        seen(9, 3, None),
                    ],
                },
            ),
        ];
        let mut text = format!("{STATE_FORMAT}\nepoch 0000000000000003\nnumber 9\noldest 2\n");
        for (key, s) in &tickets {
            push_line(&mut text, key, Some(s));
        }
        assert!(text.contains("0\t20260527-000001-example\t=\t=\tabc,10\tdef,20,7\t-\n"));
        let (header, body) = split_state(&text).expect("header");
        assert_eq!(
            header,
            Header {
                epoch: 3,
                number: 9,
                oldest: 2
            }
        );
        let read: Vec<_> = body
            .lines()
            .map(|l| parse_state_line(l).map(|l| (l.key(), l.seen())))
            .collect();
        let expected: Vec<_> = tickets.iter().cloned().map(Some).collect();
        assert_eq!(read, expected);
        assert_eq!(split_state(&text.replace("number 9", "number x")), None);
        assert_eq!(split_state(&text.replace("oldest 2", "oldest 10")), None);
        let delta_absent = "1\t20260527-000001-example\t-";
        assert_eq!(parse_line(delta_absent), Some(((1, name.clone()), None)));
        for junk in ["3\tx\t-", "0\t../x\t-", "0\tx\t=\t=\t1,2,3,4\t-\t-"] {
            assert!(parse_line(junk).is_none(), "{junk:?}");
        }
    }

    /// Two edits within one tick of a coarse clock leave identical stamps (this machine's
    /// kernel gives a file that was looked at a finer time on its next change, so the stamps
    /// are forged here): the contents' hash kept for a recent stamp is what tells them apart,
    /// and once the stamp is old enough the hash is no longer kept.
    #[test]
    fn identical_stamps_moments_after_a_change_are_checked_by_content() {
        let dir = tempfile::tempdir().expect("scratch");
        let name = "20260102-030405-tick";
        let ticket = dir.path().join("open").join(name);
        fs::create_dir_all(&ticket).expect("mkdir");
        let item = layout::item(&ticket);
        let backend = LocalTicketBackend::new(dir.path(), std::sync::Arc::new(crate::SystemClock));
        let stamp = crate::stamps::TicketStamp {
            status_dir: layout::OPEN,
            name: name.into(),
            stamp: 7,
            changed_at_ns: 1_000_000_000_000,
            files: [
                FileStamp { stat: 42, len: 4 },
                FileStamp::ABSENT,
                FileStamp::ABSENT,
            ],
        };
        let moments_later = 1_000_000_000_000 + 1_000;
        fs::write(&item, "aaaa").expect("write");
        let (first, _, _) = backend.look(&stamp, None, moments_later, true);
        assert_eq!(first.files[0].content, Some(xxh3_64(b"aaaa")));
        fs::write(&item, "bbbb").expect("write");
        let (second, changed, was) = backend.look(&stamp, Some(&first), moments_later, false);
        assert!(changed, "same stamp, other bytes");
        let was = was.expect("seen before");
        // Kept in the delta with a stamp of no file: the change shows against any later look.
        assert_eq!(was.files[0].stamp.stat, FileStamp::FAILED.stat);
        let (third, changed, _) = backend.look(&stamp, Some(&second), moments_later, false);
        assert!(!changed, "same stamp, same bytes");
        let late = 1_010_000_000_000;
        let (settled, changed, _) = backend.look(&stamp, Some(&third), late, false);
        assert!(!changed);
        assert_eq!(settled.files[0].content, None, "an old stamp vouches alone");
        assert!(differs(was.files[0], settled.files[0]));
        assert!(differs(first.files[0], second.files[0]));
    }

    /// Only the last [`KEPT_DELTAS`] deltas are kept: a cursor older than them is expired, one
    /// just inside still answers, and the files of the others are gone.
    #[test]
    fn old_deltas_are_pruned_and_their_cursors_expire() {
        let dir = tempfile::tempdir().expect("scratch");
        let ticket = dir.path().join("open").join("20260102-030405-many");
        fs::create_dir_all(&ticket).expect("mkdir");
        let backend = LocalTicketBackend::new(dir.path(), std::sync::Arc::new(crate::SystemClock));
        let wait = Duration::from_secs(10);
        let first = backend.changes(None, wait).expect("first").cursor;
        let mut cursors = vec![first];
        for n in 0..KEPT_DELTAS + 2 {
            // A new file each time: a new inode, so every answer sees a change.
            let item = layout::item(&ticket);
            let _ = fs::remove_file(&item);
            fs::write(&item, n.to_string()).expect("write");
            let answer = backend.changes(cursors.last().map(String::as_str), wait);
            cursors.push(answer.expect("answer").cursor);
        }
        let expired = backend.changes(Some(&cursors[1]), wait);
        assert!(
            matches!(
                expired,
                Err(FeedError::Cursor {
                    problem: CursorProblem::Expired,
                    ..
                })
            ),
            "{expired:?}"
        );
        let kept = backend.changes(Some(&cursors[2]), wait).expect("kept");
        assert_eq!(kept.changes.len(), 1);
        let deltas = fs::read_dir(layout::feed_dir(dir.path()))
            .expect("feed dir")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().parse::<u64>().is_ok())
            })
            .count();
        assert_eq!(deltas as u64, KEPT_DELTAS);
    }

    #[test]
    fn files_differ_by_content_when_both_were_kept_else_by_stamp() {
        let table = [
            (seen(5, 1, None), seen(5, 1, None), false),
            (seen(5, 1, None), seen(6, 1, None), true),
            (seen(5, 1, Some(1)), seen(6, 1, Some(1)), false),
            (seen(5, 1, Some(1)), seen(5, 1, Some(2)), true),
            (seen(5, 1, Some(1)), seen(6, 1, None), true),
            (seen(0, 0, None), seen(6, 1, None), true),
        ];
        for (was, is, expected) in table {
            assert_eq!(differs(was, is), expected, "{was:?} {is:?}");
        }
    }
}
