//! item.md split into frontmatter entries and body, with exact byte spans and 1-based lines.
//!
//! The frontmatter is YAML-like, not YAML (real titles such as `Pod: scope` are not valid plain
//! scalars), so it is read line by line as docs/format.md says. Every entry remembers its byte span
//! so a field can be rewritten without touching any other byte.

use std::ops::Range;

use crate::scalar::{decode_flow_list, decode_scalar};

/// One `key: value` entry, with the continuation lines (block-list items) that belong to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    /// The text after `key:`, leading spaces and tabs removed, trailing `\r` removed.
    pub raw: String,
    /// 1-based line of the key.
    pub line: usize,
    /// Bytes of the entry's lines, from the key to the end of its last continuation line.
    pub span: Range<usize>,
    /// Continuation lines (`  - a`), trailing `\r` removed.
    pub continuation: Vec<String>,
}

/// A problem in the frontmatter, at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub line: usize,
    pub message: String,
}

/// An item.md whose frontmatter could be delimited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frontmatter {
    pub entries: Vec<Entry>,
    /// Lines that are not entries (no `key:`): reported, kept on rewrite.
    pub issues: Vec<Issue>,
    /// Byte offset of the closing `---` line.
    pub closing: usize,
    /// 1-based line of the closing `---`.
    pub closing_line: usize,
    /// Byte offset where the body starts (after the closing line's newline).
    pub body_start: usize,
    /// Whether the opener line ends with `\r\n`: the line ending a key added to this file gets.
    pub crlf: bool,
}

/// Why an item.md has no usable frontmatter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    NoOpener,
    NoClosing { opener_line: usize },
}

fn is_delimiter(line: &str) -> bool {
    line == "---" || line == "---\r"
}

/// Lines of `text` with their byte offsets; each line excludes its `\n`.
pub fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    std::iter::from_fn(move || {
        let rest = text.get(offset..).filter(|r| !r.is_empty())?;
        let start = offset;
        // `\n` is one byte that never occurs inside a multi-byte character: slicing at it is
        // always on a character boundary.
        let line = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(n) => {
                offset += n + 1;
                &rest[..n]
            }
            None => {
                offset = text.len();
                rest
            }
        };
        Some((start, line))
    })
}

/// Splits item.md into frontmatter entries and body.
pub fn parse(text: &str) -> Result<Frontmatter, SplitError> {
    let mut lines = lines_with_offsets(text).enumerate();
    let crlf = match lines.next() {
        Some((_, (_, first))) if is_delimiter(first) => first.ends_with('\r'),
        _ => return Err(SplitError::NoOpener),
    };
    // Room for a usual frontmatter's keys (the format's own are 12 to 20): no regrowing.
    let mut entries: Vec<Entry> = Vec::with_capacity(24);
    let mut issues = Vec::new();
    // Continuation lines belong to the entry right above them, never across a blank or comment.
    let mut continuing = false;
    for (index, (start, line)) in lines {
        let number = index + 1;
        let end = start + line.len() + usize::from(text[start + line.len()..].starts_with('\n'));
        if is_delimiter(line) {
            return Ok(Frontmatter {
                entries,
                issues,
                closing: start,
                closing_line: number,
                body_start: end,
                crlf,
            });
        }
        let trimmed = line.strip_suffix('\r').unwrap_or(line);
        if trimmed.starts_with([' ', '\t', '-'])
            && continuing
            && let Some(last) = entries.last_mut()
        {
            last.continuation.push(trimmed.to_owned());
            last.span.end = end;
            continue;
        }
        continuing = false;
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match trimmed.split_once(':') {
            Some((key, rest)) if !key.is_empty() && !key.contains(char::is_whitespace) => {
                continuing = true;
                entries.push(Entry {
                    key: key.to_owned(),
                    raw: rest.trim_start_matches([' ', '\t']).to_owned(),
                    line: number,
                    span: start..end,
                    continuation: Vec::new(),
                });
            }
            _ => issues.push(Issue {
                line: number,
                message: format!("line {trimmed:?} is not `key: value`"),
            }),
        }
    }
    Err(SplitError::NoClosing { opener_line: 1 })
}

impl Frontmatter {
    /// The first entry for `key` (later duplicates are ignored, as `tickets.sh` ignores them).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The value of a key as readers show it: unquoted when it decodes, raw text otherwise,
    /// empty when the key is missing (what `tickets.sh` prints).
    pub fn value(&self, key: &str) -> String {
        self.entry(key).map(Entry::text).unwrap_or_default()
    }
}

impl Entry {
    /// The value as a scalar (unquoted); an error when quotes do not decode (the doctor's view).
    pub fn scalar(&self) -> Result<String, String> {
        decode_scalar(&self.raw)
    }

    /// The value as readers use it: unquoted when it decodes, else the raw text, as `tickets.sh`.
    pub fn text(&self) -> String {
        self.scalar().unwrap_or_else(|_| self.raw.clone())
    }

    /// The value as a list: a flow list, or a block list of `- item` lines under an empty value.
    pub fn list(&self) -> Result<Vec<String>, String> {
        if !self.raw.is_empty() {
            return decode_flow_list(&self.raw);
        }
        self.continuation
            .iter()
            .map(|line| {
                let item = line.trim_start().strip_prefix('-').ok_or_else(|| {
                    format!("line {line:?} under `{}` is not a `- item` line", self.key)
                })?;
                decode_scalar(item.trim())
            })
            .collect()
    }

    /// How the replaced `tickets.sh` (which read one `key: value` line, raw) would misread this
    /// entry, if it would: a block list, or a quoted value. (CRLF is a property of the file.)
    pub fn shell_misread(&self) -> Option<&'static str> {
        if self.raw.is_empty() && !self.continuation.is_empty() {
            Some("a block list: it sees an empty value")
        } else if self.raw.starts_with(['"', '\'']) {
            Some("a quoted value: it keeps the quotes")
        } else {
            None
        }
    }
}

/// `text` with the entry for `key` replaced by `key: value` (same line ending), or that line
/// added before the closing `---` when the key is missing. No other byte changes.
pub fn set_field(text: &str, fm: &Frontmatter, key: &str, value: &str) -> String {
    match fm.entry(key) {
        Some(entry) => {
            let old = &text[entry.span.clone()];
            let first_line = old.split_inclusive('\n').next().unwrap_or(old);
            let eol = if first_line.ends_with("\r\n") {
                "\r\n"
            } else if first_line.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            let mut out = String::with_capacity(text.len() + value.len());
            out.push_str(&text[..entry.span.start]);
            out.push_str(key);
            out.push_str(": ");
            out.push_str(value);
            out.push_str(eol);
            out.push_str(&text[entry.span.end..]);
            out
        }
        None => {
            let eol = if fm.crlf { "\r\n" } else { "\n" };
            let mut out = String::with_capacity(text.len() + key.len() + value.len() + 4);
            out.push_str(&text[..fm.closing]);
            out.push_str(&format!("{key}: {value}{eol}"));
            out.push_str(&text[fm.closing..]);
            out
        }
    }
}

/// `text` with each `(key, value)` set in turn as [`set_field`] sets it, the frontmatter read
/// again after each; `Err` when `text` has no frontmatter. No other byte changes.
pub fn set_fields(text: &str, fields: &[(&str, &str)]) -> Result<String, SplitError> {
    let mut out = text.to_owned();
    for (key, value) in fields {
        let fm = parse(&out)?;
        out = set_field(&out, &fm, key, value);
    }
    Ok(out)
}

/// `text` without any entry for `key` (each with its continuation lines). Every occurrence goes,
/// since readers take the first: removing only it would bring a later one to light. No other
/// byte changes; a missing key changes nothing.
pub fn remove_field(text: &str, fm: &Frontmatter, key: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for entry in fm.entries.iter().filter(|e| e.key == key) {
        out.push_str(&text[from..entry.span.start]);
        from = entry.span.end;
    }
    out.push_str(&text[from..]);
    out
}

/// `text` with every entry of each of `keys` removed, as [`remove_field`] removes one; `Err`
/// when `text` has no frontmatter.
pub fn remove_fields(text: &str, keys: &[&str]) -> Result<String, SplitError> {
    let mut out = text.to_owned();
    for key in keys {
        let fm = parse(&out)?;
        out = remove_field(&out, &fm, key);
    }
    Ok(out)
}

/// `text` with its body (everything after the closing `---` line) replaced by `body`. A closing
/// line that ends the file without a line break gets one (the file's own) before the body.
pub fn with_body(text: &str, body: &str) -> Result<String, SplitError> {
    let fm = parse(text)?;
    let mut out = String::with_capacity(fm.body_start + body.len() + 2);
    out.push_str(&text[..fm.body_start]);
    if !out.ends_with('\n') && !body.is_empty() {
        out.push_str(if fm.crlf { "\r\n" } else { "\n" });
    }
    out.push_str(body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: &str = "---\nid: x\ntitle: Pod: scope\nlabels:\n  - a\n  - \"b, c\"\nextra: 'kept'\n---\nbody\n---\n";

    #[test]
    fn splits_entries_and_body() {
        let fm = parse(ITEM).expect("valid");
        let keys: Vec<_> = fm.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["id", "title", "labels", "extra"]);
        assert_eq!(fm.value("title"), "Pod: scope");
        assert_eq!(
            fm.entry("labels").map(|e| e.list()),
            Some(Ok(vec!["a".into(), "b, c".into()]))
        );
        assert_eq!(
            fm.entry("extra").map(Entry::scalar),
            Some(Ok("kept".into()))
        );
        assert_eq!(&ITEM[fm.body_start..], "body\n---\n");
        assert_eq!(
            (fm.closing_line, fm.entry("labels").map(|e| e.line)),
            (8, Some(4))
        );
    }

    #[test]
    fn rewrites_exactly_one_field() {
        let fm = parse(ITEM).expect("valid");
        let out = set_field(ITEM, &fm, "labels", "[z]");
        assert_eq!(
            out,
            ITEM.replace("labels:\n  - a\n  - \"b, c\"\n", "labels: [z]\n")
        );
        let added = set_field(ITEM, &fm, "assignee", "me");
        assert_eq!(
            added,
            ITEM.replace("'kept'\n---\n", "'kept'\nassignee: me\n---\n")
        );
        let bare_end = "---\r\nid: x\r\n---";
        let fm = parse(bare_end).expect("valid");
        assert_eq!(
            set_field(bare_end, &fm, "kind", "task"),
            "---\r\nid: x\r\nkind: task\r\n---"
        );
        let crlf = "---\r\nid: x\r\nstatus: open\r\n---\r\nb\r\n";
        let fm = parse(crlf).expect("valid");
        assert_eq!(fm.value("status"), "open");
        assert_eq!(
            set_field(crlf, &fm, "status", "closed"),
            crlf.replace("open", "closed")
        );
    }

    #[test]
    fn removes_exactly_one_field() {
        let fm = parse(ITEM).expect("valid");
        assert_eq!(
            remove_field(ITEM, &fm, "labels"),
            ITEM.replace("labels:\n  - a\n  - \"b, c\"\n", "")
        );
        assert_eq!(
            remove_field(ITEM, &fm, "extra"),
            ITEM.replace("extra: 'kept'\n", "")
        );
        assert_eq!(remove_field(ITEM, &fm, "nope"), ITEM);
    }

    #[test]
    fn sets_fields_in_turn() {
        let out = set_fields(ITEM, &[("labels", "[z]"), ("assignee", "me")]).expect("valid");
        let fm = parse(ITEM).expect("valid");
        let once = set_field(ITEM, &fm, "labels", "[z]");
        let fm = parse(&once).expect("valid");
        assert_eq!(out, set_field(&once, &fm, "assignee", "me"));
        assert_eq!(
            set_fields("id: x\n", &[("id", "y")]),
            Err(SplitError::NoOpener)
        );
    }

    #[test]
    fn removes_every_entry_of_a_key_and_nothing_else() {
        let fm = parse(ITEM).expect("valid");
        assert_eq!(
            remove_field(ITEM, &fm, "labels"),
            ITEM.replace("labels:\n  - a\n  - \"b, c\"\n", "")
        );
        assert_eq!(remove_field(ITEM, &fm, "absent"), ITEM);
        let twice = "---\nx: 1\nid: a\nx: 2\n---\nx: body\n";
        assert_eq!(
            remove_fields(twice, &["x"]),
            Ok("---\nid: a\n---\nx: body\n".to_owned())
        );
        let crlf = "---\r\nid: a\r\nold: x\r\n---\r\n";
        assert_eq!(
            remove_fields(crlf, &["old"]),
            Ok("---\r\nid: a\r\n---\r\n".to_owned())
        );
    }

    #[test]
    fn replaces_the_body_only() {
        assert_eq!(
            with_body(ITEM, "new\n"),
            Ok(ITEM.replace("body\n---\n", "new\n"))
        );
        assert_eq!(
            with_body("---\nid: x\n---", "b"),
            Ok("---\nid: x\n---\nb".to_owned())
        );
        assert_eq!(
            with_body("---\r\nid: x\r\n---", "b"),
            Ok("---\r\nid: x\r\n---\r\nb".to_owned())
        );
        assert_eq!(
            with_body("---\nid: x\n---", ""),
            Ok("---\nid: x\n---".to_owned())
        );
        assert_eq!(with_body("no frontmatter", "b"), Err(SplitError::NoOpener));
    }

    #[test]
    fn continuation_stops_at_blank_and_comment_lines() {
        let text = "---\nupdated_at: 1\n\n# note\n  - stray\nid: x\n---\n";
        let fm = parse(text).expect("valid");
        let out = set_field(text, &fm, "updated_at", "2");
        assert_eq!(out, text.replace("updated_at: 1", "updated_at: 2"));
    }

    #[test]
    fn reports_what_it_cannot_read() {
        assert_eq!(parse("id: x\n"), Err(SplitError::NoOpener));
        assert_eq!(
            parse("---\nid: x\n"),
            Err(SplitError::NoClosing { opener_line: 1 })
        );
        let fm = parse("---\nid: x\nnot a key\n---\n").expect("delimited");
        assert_eq!(fm.issues.len(), 1);
        assert_eq!(fm.issues[0].line, 3);
    }

    proptest::proptest! {
        /// The memchr line splitter agrees with `split_inclusive` on any text.
        #[test]
        fn lines_are_the_split_inclusive_lines(text in "(\\PC|[\n\r]){0,40}") {
            let mut offset = 0;
            let expected: Vec<(usize, &str)> = text
                .split_inclusive('\n')
                .map(|chunk| {
                    let start = offset;
                    offset += chunk.len();
                    (start, chunk.strip_suffix('\n').unwrap_or(chunk))
                })
                .collect();
            let got: Vec<(usize, &str)> = lines_with_offsets(&text).collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }
}
