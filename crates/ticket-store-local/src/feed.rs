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

use std::collections::BTreeMap;
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
use crate::stamps::{FileStamp, Stamps};

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

/// One kind of change of a ticket directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorProblem {
    /// It is not a cursor at all.
    Garbled,
    /// It is not one this root's feed gave (another root, or its derived files were deleted).
    Unknown,
    /// It is older than the changes the feed keeps.
    Expired,
}

impl CursorProblem {
    fn text(self) -> &'static str {
        match self {
            CursorProblem::Garbled => "is not a change cursor",
            CursorProblem::Unknown => {
                "was not given by this root's change feed (or its derived files were deleted since)"
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

/// The feed's state: what the last answer saw.
#[derive(Clone, Debug, PartialEq, Eq)]
struct State {
    epoch: u64,
    number: u64,
    /// The oldest number a cursor may carry: the deltas after it are all kept.
    oldest: u64,
    tickets: BTreeMap<Key, Seen>,
}

impl LocalTicketBackend {
    /// What changed since `since` (every ticket created, moved, edited, appended to, resolved
    /// or removed), with the cursor to ask with next; without a cursor, no changes and the
    /// current cursor. Holds the feed's lock, waiting at most `lock_wait`, while it stamps the
    /// root: answers are taken one after the other, each from the state the last one left.
    pub fn changes(&self, since: Option<&str>, lock_wait: Duration) -> Result<Feed, FeedError> {
        let since = since.map(|c| parse_cursor(c).map(|p| (c, p))).transpose()?;
        let dir = feed_dir(self.root())?;
        fsio::with_lock_at(&dir.join(FEED_LOCK), lock_wait, || {
            let state = self.advance(&dir)?;
            let cursor = cursor_text(state.epoch, state.number);
            let changes = match since {
                None => Vec::new(),
                Some((text, (epoch, number))) => {
                    let problem = if epoch != state.epoch || number > state.number {
                        Some(CursorProblem::Unknown)
                    } else if number < state.oldest {
                        Some(CursorProblem::Expired)
                    } else {
                        None
                    };
                    if let Some(problem) = problem {
                        return CursorSnafu {
                            cursor: text,
                            problem,
                        }
                        .fail();
                    }
                    let Some(before) = seen_since(&dir, state.epoch, number, state.number) else {
                        return CursorSnafu {
                            cursor: text,
                            problem: CursorProblem::Expired,
                        }
                        .fail();
                    };
                    self.describe(&before, &state.tickets)
                }
            };
            Ok(Feed { cursor, changes })
        })
    }

    /// Stamps the root, compares with the state, and moves the state on when something
    /// changed (writing the delta first); returns the state now.
    fn advance(&self, dir: &Path) -> Result<State, FeedError> {
        let stamps = self.stamps()?;
        let old = read_state(&dir.join(FEED_STATE));
        let fresh = old.is_none();
        let mut state = old.unwrap_or_else(|| State {
            epoch: new_epoch(),
            number: 0,
            oldest: 0,
            tickets: BTreeMap::new(),
        });
        let (now, changed) = self.look(&stamps, &state.tickets, fresh);
        let mut before: BTreeMap<Key, Option<Seen>> = changed
            .into_iter()
            .map(|k| {
                let was = state.tickets.get(&k).cloned();
                (k, was)
            })
            .collect();
        for (k, was) in &state.tickets {
            if !now.contains_key(k) {
                before.insert(k.clone(), Some(was.clone()));
            }
        }
        if !fresh && !before.is_empty() {
            let number = state.number + 1;
            fsio::replace_beside(
                &dir.join(number.to_string()),
                INDEX_TMP_PREFIX,
                delta_text(state.epoch, &before).as_bytes(),
            )?;
            state.number = number;
            let oldest = number.saturating_sub(KEPT_DELTAS);
            for gone in state.oldest + 1..=oldest {
                let _ = fs::remove_file(dir.join(gone.to_string()));
            }
            state.oldest = state.oldest.max(oldest);
        } else if !fresh && now == state.tickets {
            return Ok(state);
        }
        // Also written when only the contents' hashes kept for recent changes came and went.
        state.tickets = now;
        fsio::replace_beside(
            &dir.join(FEED_STATE),
            INDEX_TMP_PREFIX,
            state_text(&state).as_bytes(),
        )?;
        Ok(state)
    }

    /// Every ticket as it is now, and the keys of those that changed since `was` (none when the
    /// feed starts: there is no cursor to answer yet). Files are read only for tickets changed
    /// moments ago and for those whose hashes were kept; item.md of a changed ticket is read
    /// for its id and slug.
    fn look(
        &self,
        stamps: &Stamps,
        was: &BTreeMap<Key, Seen>,
        fresh: bool,
    ) -> (BTreeMap<Key, Seen>, Vec<Key>) {
        let taken = stamps.taken_at_ns;
        let tickets: Vec<_> = stamps
            .tickets
            .iter()
            .filter(|t| TicketIdOrSlug::new(&t.name).is_ok())
            .collect();
        let looked = parallel::map_ordered(tickets, |t| {
            let k = STATUS_DIRS
                .iter()
                .position(|s| *s == t.status_dir)
                .unwrap_or(0);
            let key = (k, t.name.clone());
            let dir = layout::ticket_dir(self.root(), t.status_dir, &t.name);
            let recent = t.changed_at_ns >= taken.saturating_sub(racy_window_ns(t.changed_at_ns));
            let prev = was.get(&key);
            let mut changed = prev.is_none() && !fresh;
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
                if let Some(f) = kept
                    && (!same_stamp || (f.content.is_some() && f.content != content))
                {
                    changed = true;
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
            (key, Seen { id, slug, files }, changed)
        });
        let mut now = BTreeMap::new();
        let mut changed = Vec::new();
        for (key, seen, c) in looked {
            if c {
                changed.push(key.clone());
            }
            now.insert(key, seen);
        }
        (now, changed)
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

fn state_text(state: &State) -> String {
    let mut text = format!(
        "{STATE_FORMAT}\nepoch {:016x}\nnumber {}\noldest {}\n",
        state.epoch, state.number, state.oldest
    );
    for (key, seen) in &state.tickets {
        push_line(&mut text, key, Some(seen));
    }
    text
}

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

fn parse_line(line: &str) -> Option<(Key, Option<Seen>)> {
    let mut parts = line.split('\t');
    let k: usize = parts.next()?.parse().ok()?;
    if k >= STATUS_DIRS.len() {
        return None;
    }
    let name = parts.next()?.to_owned();
    TicketIdOrSlug::new(&name).ok()?;
    let id = parts.next()?;
    if id == "-" && parts.clone().next().is_none() {
        return Some(((k, name), None));
    }
    let named = |v: &str, spelled: Option<&str>| match v {
        "-" => None,
        "=" => spelled.map(str::to_owned),
        v => Some(v.to_owned()),
    };
    let id = named(id, Some(&name));
    let slug = named(parts.next()?, spelled_slug(&name));
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
        *f = FileSeen {
            stamp: FileStamp { stat, len },
            content,
        };
    }
    if parts.next().is_some() {
        return None;
    }
    Some(((k, name), Some(Seen { id, slug, files })))
}

fn read_state(path: &Path) -> Option<State> {
    if !fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    let mut lines = text.split('\n');
    if lines.next()? != STATE_FORMAT {
        return None;
    }
    let mut field = |name: &str| lines.next()?.strip_prefix(name)?.strip_prefix(' ');
    let epoch = u64::from_str_radix(field("epoch")?, 16).ok()?;
    let number = field("number")?.parse().ok()?;
    let oldest = field("oldest")?.parse().ok()?;
    if oldest > number {
        return None;
    }
    let mut tickets = BTreeMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (key, seen) = parse_line(line)?;
        tickets.insert(key, seen?);
    }
    Some(State {
        epoch,
        number,
        oldest,
        tickets,
    })
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
        let mut tickets = BTreeMap::new();
        let name = "20260527-000001-example".to_owned();
        tickets.insert(
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
        );
        tickets.insert(
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
        );
        let state = State {
            epoch: 3,
            number: 9,
            oldest: 2,
            tickets,
        };
        let text = state_text(&state);
        assert!(text.contains("0\t20260527-000001-example\t=\t=\tabc,10\tdef,20,7\t-\n"));
        let dir = tempfile::tempdir().expect("scratch");
        let path = dir.path().join("state");
        fs::write(&path, &text).expect("write");
        assert_eq!(read_state(&path), Some(state));
        fs::write(&path, text.replace("number 9", "number x")).expect("write");
        assert_eq!(read_state(&path), None);
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
        let forged = |taken_at_ns: i64| Stamps {
            taken_at_ns,
            tickets: vec![crate::stamps::TicketStamp {
                status_dir: layout::OPEN,
                name: name.into(),
                stamp: 7,
                changed_at_ns: 1_000_000_000_000,
                files: [
                    FileStamp { stat: 42, len: 4 },
                    FileStamp::ABSENT,
                    FileStamp::ABSENT,
                ],
            }],
        };
        let key = (0, name.to_owned());
        let moments_later = forged(1_000_000_000_000 + 1_000);
        fs::write(&item, "aaaa").expect("write");
        let (first, _) = backend.look(&moments_later, &BTreeMap::new(), true);
        assert_eq!(first[&key].files[0].content, Some(xxh3_64(b"aaaa")));
        fs::write(&item, "bbbb").expect("write");
        let (second, changed) = backend.look(&moments_later, &first, false);
        assert_eq!(changed, std::slice::from_ref(&key), "same stamp, other bytes");
        let (third, changed) = backend.look(&moments_later, &second, false);
        assert!(changed.is_empty(), "same stamp, same bytes");
        let (settled, changed) = backend.look(&forged(1_010_000_000_000), &third, false);
        assert!(changed.is_empty());
        assert_eq!(
            settled[&key].files[0].content, None,
            "an old stamp vouches alone"
        );
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
