//! The seven checks of `tickets.sh doctor`, message for message and in its order.
//!
//! Fields are read the way our `tickets.sh` reads them (awk over bytes, a trailing `\r` dropped
//! from every line): only when line 1 is `---`; up to the next line that is `---` or, without one,
//! to the end of the file; the first line starting with `key:`; the rest with leading whitespace
//! removed, and unquoted when wholly quoted (docs/format.md). The replaced tool kept the `\r` and
//! the quotes; what it would misread is a warning of the frontmatter rules, not an error here.

use std::path::PathBuf;

use ticket_format::keys::REQUIRED_KEYS;

use crate::code::Code;
use crate::report::Sink;
use crate::scan::{TicketDir, Tree};

/// What the shell's awk reads from an item.md.
struct ShellFields<'a> {
    opener: bool,
    /// First value per required key (in [`REQUIRED_KEYS`] order); empty when absent.
    values: [std::borrow::Cow<'a, [u8]>; REQUIRED_KEYS.len()],
}

fn read_fields(bytes: &[u8]) -> ShellFields<'_> {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let opener = lines.next() == Some(b"---".as_slice());
    let mut values: [std::borrow::Cow<'_, [u8]>; REQUIRED_KEYS.len()] =
        std::array::from_fn(|_| std::borrow::Cow::Borrowed(&[][..]));
    let mut found = [false; REQUIRED_KEYS.len()];
    if opener {
        for line in lines {
            if line == b"---" {
                break;
            }
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            // `index($0, key ":") == 1`: the key is exactly what precedes the first `:`.
            let key = &line[..colon];
            if let Some(k) = REQUIRED_KEYS.iter().position(|r| r.as_bytes() == key)
                && !found[k]
            {
                found[k] = true;
                values[k] = unquote(trim_space_start(&line[colon + 1..]));
            }
        }
    }
    ShellFields { opener, values }
}

/// awk's `sub(/^[[:space:]]*/, "")`: space, `\t`, `\n`, `\v`, `\f`, `\r`.
fn trim_space_start(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r', rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

/// A wholly quoted value, decoded as docs/format.md says; anything else as it is.
fn unquote(value: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let quoted =
        value.len() >= 2 && matches!(value[0], b'"' | b'\'') && value.last() == Some(&value[0]);
    match std::str::from_utf8(value) {
        Ok(text) if quoted => match ticket_format::scalar::decode_scalar(text) {
            Ok(decoded) => std::borrow::Cow::Owned(decoded.into_bytes()),
            Err(_) => std::borrow::Cow::Borrowed(value),
        },
        _ => std::borrow::Cow::Borrowed(value),
    }
}

fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// `cut -f1 value`: what the shell appends to its ids and slugs lists (with the ticket's item
/// path, which the caller knows by the ticket's place in the tree).
type Seen = Box<[u8]>;

/// The shell's first check: the three status directories.
pub(super) fn missing_directories(tree: &Tree, sink: &mut Sink) {
    for status in &tree.statuses {
        if !status.present {
            sink.push(
                Code::MissingDirectory,
                &status.path,
                None,
                format!("missing directory: {}", status.path.display()),
            );
        }
    }
}

/// The shell's per-ticket checks; returns the id and slug it would collect.
pub(super) fn check_ticket(t: &TicketDir, sink: &mut Sink) -> (Option<Seen>, Option<Seen>) {
    let dir = t.path.display();
    if !t.item.is_file() {
        sink.push(
            Code::MissingItem,
            &t.path,
            None,
            format!("missing item.md: {dir}"),
        );
        return (None, None);
    }
    if !t.thread.is_file() {
        sink.push(
            Code::MissingThread,
            &t.path,
            None,
            format!("missing thread.md: {dir}"),
        );
    }
    if !matches!(
        t.artifacts,
        crate::scan::Artifacts::Empty
            | crate::scan::Artifacts::Filled
            | crate::scan::Artifacts::Unreadable(_)
    ) {
        sink.push(
            Code::MissingArtifacts,
            &t.artifacts_path(),
            None,
            format!("missing artifacts/: {dir}"),
        );
    }
    let item_path = t.item_path();
    let item = item_path.display();
    let fields = read_fields(t.item.bytes());
    if !fields.opener {
        sink.push(
            Code::MissingFrontmatterOpener,
            &item_path,
            Some(1),
            format!("item.md missing frontmatter opener: {item}"),
        );
    }
    for (key, value) in REQUIRED_KEYS.iter().zip(&fields.values) {
        if value.is_empty() {
            sink.push(
                Code::MissingRequiredField,
                &item_path,
                None,
                format!("missing required field '{key}': {item}"),
            );
        }
    }
    let [id, slug, _, status, ..] = &fields.values;
    let (id, slug, status): (&[u8], &[u8], &[u8]) = (id, slug, status);
    let mut seen_id = None;
    if !id.is_empty() {
        seen_id = Some(cut_f1(id));
        if t.name.as_encoded_bytes() != id {
            sink.push(
                Code::DirectoryIdMismatch,
                &t.path,
                None,
                format!("directory id mismatch: {dir} has id {}", lossy(id)),
            );
        }
    }
    let seen_slug = (!slug.is_empty()).then(|| cut_f1(slug));
    if status != t.status.as_bytes() {
        sink.push(
            Code::StatusMismatch,
            &item_path,
            None,
            format!(
                "status mismatch: {item} has '{}' under '{}'",
                lossy(status),
                t.status
            ),
        );
    }
    (seen_id, seen_slug)
}

/// `cut -f1`: up to the first tab.
fn cut_f1(value: &[u8]) -> Box<[u8]> {
    value.split(|&b| b == b'\t').next().unwrap_or(value).into()
}

/// `cut -f1 | sort | uniq -d`: each duplicated value once, in byte order. `seen` pairs each
/// value with the place of its ticket, and `item_path` gives that ticket's item path (only the
/// duplicates' paths are ever built).
pub(super) fn duplicates(
    mut seen: Vec<(&[u8], usize)>,
    item_path: &dyn Fn(usize) -> PathBuf,
    code: Code,
    what: &str,
    sink: &mut Sink,
) {
    seen.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for group in seen.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 {
            continue;
        }
        let value = lossy(group[0].0);
        let mut paths: Vec<PathBuf> = group.iter().map(|(_, at)| item_path(*at)).collect();
        paths.sort();
        let listed: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        sink.push_hinted(
            code,
            &paths[0],
            None,
            format!("duplicate {what}: {value}"),
            format!("{}: {}; {}", what, listed.join(", "), code.hint()),
        );
    }
}
