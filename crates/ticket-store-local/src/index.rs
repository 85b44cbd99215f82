//! The slug index: a derived, disposable cache under `<root>/.index/` that lets a lookup by
//! slug read one small file instead of every status directory (docs/format.md, "Slug index").
//!
//! It is never the truth. Every hit is checked against the ticket's own `item.md`, and a miss
//! or a failed check falls back to the full lookup, which then rebuilds the index; so a stale,
//! torn, missing or hand-edited index can cost time but never change an answer. It is keyed by
//! what ticket directory names say (as the full lookup's first pass is), and it is valid while
//! the three status directories keep the modification times and inodes written in its stamp:
//! any create or move, by any tool, changes them. Our own writers update it in place when it
//! was valid before their change. Failures to write it are ignored: a read-only root just goes
//! without.

use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::layout::{self, INDEX_GITIGNORE, INDEX_STAMP, INDEX_TMP_PREFIX, STATUS_DIRS};

const FORMAT: &str = "ticket slug index 1";
const BUCKETS: u64 = 64;

/// The state of the three status directories the index describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stamp(String);

impl Stamp {
    /// The status directories as they are now; `None` when one cannot be examined.
    pub(crate) fn now(root: &Path) -> Option<Stamp> {
        let mut s = format!("{FORMAT}\n");
        for status in STATUS_DIRS {
            let m = fs::metadata(root.join(status)).ok()?;
            s.push_str(&format!(
                "{status} {}.{:09} {}\n",
                m.mtime(),
                m.mtime_nsec(),
                m.ino()
            ));
        }
        Some(Stamp(s))
    }
}

/// Whether the index describes the status directories as they are now; returns their stamp.
/// The stamp is read first: on a root without an index (every write by a tool that never looked
/// up a slug) this costs one failed `open`, not three `stat`s.
pub(crate) fn fresh(root: &Path) -> Option<Stamp> {
    let written = fs::read_to_string(layout::index_dir(root).join(INDEX_STAMP)).ok()?;
    let now = Stamp::now(root)?;
    (written == now.0).then_some(now)
}

/// Where the index says tickets named for `key` live, as `(status, directory name)`; `None`
/// when the index is not fresh.
/// Names that are not a single plain path component are ignored, so a hand-edited index cannot
/// send a lookup outside its status directory.
pub(crate) fn lookup(root: &Path, key: &str) -> Option<Vec<(&'static str, String)>> {
    if !fs::symlink_metadata(layout::index_dir(root)).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    fresh(root)?;
    let bucket = fs::read(bucket_path(root, key)).unwrap_or_default();
    Some(
        lines_with_key(&bucket, key)
            .filter_map(parse_line)
            .filter(|(k, _, name)| *k == key && is_plain_name(name))
            .map(|(_, status, name)| (status, name.to_owned()))
            .collect(),
    )
}

/// The lines of `bucket` that start with `<key>\t` (without their line ending), found with
/// memchr's `memmem` rather than by reading every line: a bucket holds about 2 x N / 64 lines
/// (3,000 at 100,000 tickets). A line that is not UTF-8 is skipped.
fn lines_with_key<'a>(bucket: &'a [u8], key: &str) -> impl Iterator<Item = &'a str> {
    let head = format!("\n{key}\t");
    let first = bucket.starts_with(&head.as_bytes()[1..]).then_some(0);
    let rest: Vec<usize> = memchr::memmem::find_iter(bucket, head.as_bytes())
        .map(|at| at + 1)
        .collect();
    first.into_iter().chain(rest).filter_map(move |start| {
        let end = memchr::memchr(b'\n', &bucket[start..]).map_or(bucket.len(), |n| start + n);
        let line = std::str::from_utf8(&bucket[start..end]).ok()?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}

/// Rewrites the whole index from a listing of every status directory taken after `stamp` was.
pub(crate) fn rebuild(root: &Path, stamp: &Stamp, names: &[(&'static str, Vec<String>)]) {
    let Some(dir) = index_dir(root) else { return };
    let _ = fs::remove_file(dir.join(INDEX_STAMP));
    let mut buckets = vec![String::new(); BUCKETS as usize];
    for (status, list) in names {
        for name in list {
            for key in keys(name) {
                buckets[bucket_of(key)].push_str(&line(key, status, name));
            }
        }
    }
    for (k, text) in buckets.iter().enumerate() {
        if !replace(&dir, &format!("{k:02}"), text) {
            return;
        }
    }
    replace(&dir, INDEX_STAMP, &stamp.0);
}

/// Records that the ticket directory `name` now lives under `status` (created or moved), when
/// the index was fresh (`before`) up to this change; otherwise leaves it to be rebuilt.
pub(crate) fn moved(root: &Path, before: Option<Stamp>, status: &'static str, name: &str) {
    if before.is_none() {
        return;
    }
    let Some(dir) = index_dir(root) else { return };
    let _ = fs::remove_file(dir.join(INDEX_STAMP));
    let Some(after) = Stamp::now(root) else {
        return;
    };
    for key in keys(name) {
        let path = bucket_path(root, key);
        let old = fs::read_to_string(&path).unwrap_or_default();
        let mut text = without_name(&old, name);
        text.push_str(&line(key, status, name));
        if !replace(&dir, &format!("{:02}", bucket_of(key)), &text) {
            return;
        }
    }
    replace(&dir, INDEX_STAMP, &after.0);
}

/// `bucket` without its lines for the directory `name`. A bucket holds about 2 x N / 64 lines
/// (200 KB at 100,000 tickets), so the lines are found by searching for their ending
/// (`\t<name>\n`, with memchr's `memmem`) and the text between them is copied whole, not line
/// by line.
fn without_name(bucket: &str, name: &str) -> String {
    let ending = format!("\t{name}\n");
    let mut out = String::with_capacity(bucket.len() + 64);
    let mut from = 0;
    for at in memchr::memmem::find_iter(bucket.as_bytes(), ending.as_bytes()) {
        let start = bucket[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = at + ending.len();
        if start < from || parse_line(&bucket[start..end - 1]).is_none_or(|(_, _, n)| n != name) {
            continue;
        }
        out.push_str(&bucket[from..start]);
        from = end;
    }
    out.push_str(&bucket[from..]);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The keys a directory name is found by: what follows a `YYYYMMDD-HHMMSS-` prefix, and that
/// without a last `-part` (a collision suffix); a name without the prefix is its own key.
pub(crate) fn keys(name: &str) -> Vec<&str> {
    let b = name.as_bytes();
    let prefixed = b.len() > 16
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9..15].iter().all(u8::is_ascii_digit)
        && b[15] == b'-';
    if !prefixed {
        return vec![name];
    }
    let rest = &name[16..];
    match rest.rsplit_once('-') {
        Some((head, _)) if !head.is_empty() => vec![rest, head],
        _ => vec![rest],
    }
}

fn line(key: &str, status: &str, name: &str) -> String {
    format!("{key}\t{status}\t{name}\n")
}

fn parse_line(l: &str) -> Option<(&str, &'static str, &str)> {
    let mut parts = l.splitn(3, '\t');
    let key = parts.next()?;
    let status = parts.next()?;
    let status = layout::status_dir(status)?;
    Some((key, status, parts.next()?))
}

/// FNV-1a: stable across builds and platforms, unlike std's hasher.
fn bucket_of(key: &str) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (h % BUCKETS) as usize
}

fn bucket_path(root: &Path, key: &str) -> PathBuf {
    layout::index_dir(root).join(format!("{:02}", bucket_of(key)))
}

/// The index directory, created with its `.gitignore` if needed; `None` when it cannot be, or
/// when something other than a real directory holds its name (never written through a link).
pub(crate) fn index_dir(root: &Path) -> Option<PathBuf> {
    let dir = layout::index_dir(root);
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => Some(dir),
        Ok(_) => None,
        Err(_) => {
            fs::create_dir(&dir).ok()?;
            replace(
                &dir,
                INDEX_GITIGNORE,
                "# A derived cache of ticket lookups; safe to delete.\n*\n",
            )
            .then_some(dir)
        }
    }
}

/// Replaces `dir/name` atomically (temp file and rename, no fsync: it is a cache).
fn replace(dir: &Path, name: &str, text: &str) -> bool {
    let Ok(mut tmp) = crate::fsio::new_file(INDEX_TMP_PREFIX).tempfile_in(dir) else {
        return false;
    };
    tmp.write_all(text.as_bytes()).is_ok() && tmp.persist(dir.join(name)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::{keys, lines_with_key, without_name};

    #[test]
    fn a_bucket_loses_exactly_the_lines_of_a_name() {
        let bucket = "fix\topen\t20260101-120000-fix\n\
                      a\tclosed\t20260101-120000-fix-a\n\
                      fix\tclosed\t20260101-120000-fix\n\
                      x\topen\tx-20260101-120000-fix\n\
                      torn";
        assert_eq!(
            without_name(bucket, "20260101-120000-fix"),
            "a\tclosed\t20260101-120000-fix-a\nx\topen\tx-20260101-120000-fix\ntorn\n"
        );
        assert_eq!(without_name("", "x"), "");
        assert_eq!(without_name("k\topen\tx\n", "x"), "");
    }

    #[test]
    fn lines_are_found_by_their_key() {
        let bucket = b"fix\topen\ta-fix\nfix-b\topen\tb\nx\tfix\tc\nfix\tclosed\td\r\nfix\topen\te";
        let found: Vec<&str> = lines_with_key(bucket, "fix").collect();
        assert_eq!(
            found,
            ["fix\topen\ta-fix", "fix\tclosed\td", "fix\topen\te"]
        );
        assert_eq!(lines_with_key(b"", "fix").count(), 0);
        assert_eq!(lines_with_key(b"\xff\tfix\nfix\t\xff\n", "fix").count(), 0);
    }

    #[test]
    fn keys_of_directory_names() {
        assert_eq!(keys("20260101-120000-fix-parser"), ["fix-parser", "fix"]);
        assert_eq!(keys("20260101-120000-solo"), ["solo"]);
        assert_eq!(
            keys("20260101-120000-fix-parser-4242"),
            ["fix-parser-4242", "fix-parser"]
        );
        assert_eq!(keys("hand-made"), ["hand-made"]);
        assert_eq!(keys("2026-not-a-stamp-x"), ["2026-not-a-stamp-x"]);
    }
}
