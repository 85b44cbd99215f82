//! The records `status` and `edit` events keep of a change, written as their bodies: enough to
//! replay the change on another copy of the ticket (a merge of two clones), line-oriented so
//! people read them and programs parse them (docs/format.md, "Status and edit records").
//!
//! The domain does not know how a backend spells fields: a [`FieldSpelling`] says it (the local
//! backend's is the frontmatter's, from ticket-format; [`PlainSpelling`] is the in-memory
//! backend's). Records hold values as the spelling writes them.
//!
//! An edit record:
//!
//! ```text
//! - title: Old title
//! + title: New title
//! + readiness: blocked
//! - owner: someone
//! --- body
//! +++ body
//! @@ -3,2 +3,2 @@
//!  context
//! -old line
//! +new line
//! ```
//!
//! A status record: `from: <old status>`, `to: <new status>`, then, when a reason was given, a
//! blank line and the reason.

use crate::meta::RefList;
use crate::status::TicketStatus;
use crate::ticket::{Label, TicketSummary};

/// How a backend writes a ticket's fields, for the records of changes.
pub trait FieldSpelling {
    /// Each field the backend writes for `summary`, as (name, value): in its order, one line
    /// each (values hold no line break), fields at their defaults left out as it leaves them out.
    fn field_lines(&self, summary: &TicketSummary) -> Vec<(String, String)>;
    /// A free-text value (an unknown key's, a status) as the backend writes it on one line.
    fn scalar(&self, value: &str) -> String;
    /// Whether `name` is a field the backend gives a meaning (a typed field), which an edit of
    /// an unknown key may therefore not set or remove.
    fn is_typed(&self, name: &str) -> bool;
}

/// The spelling of the in-memory backend: fields by their domain (and JSON) names, values raw
/// when they read back as themselves, Rust-quoted otherwise.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlainSpelling;

const PLAIN_NAMES: [&str; 15] = [
    "id",
    "slug",
    "title",
    "status",
    "kind",
    "priority",
    "labels",
    "created_at",
    "updated_at",
    "assignee",
    "legacy_ticket",
    "readiness",
    "needs_preflight",
    "risk_flags",
    "action_required",
];

fn plain_ref_name(list: RefList) -> &'static str {
    match list {
        RefList::Files => "refs.files",
        RefList::Branches => "refs.branches",
        RefList::Commits => "refs.commits",
        RefList::Pods => "refs.pods",
        RefList::Artifacts => "refs.artifacts",
        RefList::Urls => "refs.urls",
    }
}

fn plain(value: &str) -> String {
    let raw = !value.is_empty()
        && value.trim() == value
        && !value.starts_with(['"', '\''])
        && !value.contains(['[', ']', ','])
        && !value.chars().any(char::is_control);
    if raw {
        value.to_owned()
    } else {
        format!("{value:?}")
    }
}

fn plain_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(plain).collect();
    format!("[{}]", items.join(", "))
}

impl FieldSpelling for PlainSpelling {
    fn field_lines(&self, s: &TicketSummary) -> Vec<(String, String)> {
        let opt = |v: &Option<String>| v.as_deref().map_or_else(|| "null".into(), plain);
        let values = [
            s.id.to_string(),
            s.slug.to_string(),
            plain(&s.title),
            plain(s.status.as_str()),
            plain(&s.kind),
            plain(&s.priority),
            plain_list(s.labels.iter().map(Label::as_str)),
            s.created_at.to_string(),
            s.updated_at.to_string(),
            opt(&s.assignee),
            opt(&s.legacy_ticket),
        ];
        let mut lines: Vec<(String, String)> = PLAIN_NAMES
            .iter()
            .zip(values)
            .map(|(k, v)| ((*k).to_owned(), v))
            .collect();
        let m = &s.meta;
        if m.readiness != Default::default() {
            lines.push(("readiness".into(), plain(m.readiness.as_str())));
        }
        if m.needs_preflight {
            lines.push(("needs_preflight".into(), "true".into()));
        }
        if !m.risk_flags.is_empty() {
            lines.push((
                "risk_flags".into(),
                plain_list(m.risk_flags.iter().map(String::as_str)),
            ));
        }
        if let Some(a) = &m.action_required {
            lines.push(("action_required".into(), plain(a.as_str())));
        }
        for list in RefList::ALL {
            let values = m.refs.get(list);
            if !values.is_empty() {
                lines.push((
                    plain_ref_name(list).into(),
                    plain_list(values.iter().map(String::as_str)),
                ));
            }
        }
        lines.extend(s.extra.iter().cloned());
        lines
    }

    fn scalar(&self, value: &str) -> String {
        plain(value)
    }

    fn is_typed(&self, name: &str) -> bool {
        PLAIN_NAMES.contains(&name) || RefList::ALL.iter().any(|&l| plain_ref_name(l) == name)
    }
}

/// One field an edit changed: its name and its value before and after, as spelled; `None` when
/// the field was absent (added) or is absent after (removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What an `edit` event records: the fields it changed and, when the body changed, a diff of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditRecord {
    pub fields: Vec<FieldChange>,
    pub body: Option<BodyDiff>,
}

/// The line that starts the body's diff in an edit record.
pub const BODY_DIFF_OLD: &str = "--- body";
/// The line after it.
pub const BODY_DIFF_NEW: &str = "+++ body";
/// The line a diff puts after a last line that has no line break.
pub const NO_NEWLINE: &str = "\\ No newline at end of file";

impl EditRecord {
    /// The record of `before` becoming `after` (their bodies, when given, too): every line of
    /// `spelling` that differs, in `after`'s order, then those `after` no longer has.
    pub fn between(
        spelling: &dyn FieldSpelling,
        before: &TicketSummary,
        after: &TicketSummary,
        bodies: Option<(&str, &str)>,
    ) -> Self {
        let old = spelling.field_lines(before);
        let new = spelling.field_lines(after);
        let value_in = |lines: &[(String, String)], name: &str| {
            lines
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let mut names: Vec<&str> = Vec::new();
        for (name, _) in new.iter().chain(&old) {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        let fields = names
            .into_iter()
            .map(|name| FieldChange {
                name: name.to_owned(),
                old: value_in(&old, name),
                new: value_in(&new, name),
            })
            .filter(|f| f.old != f.new)
            .collect();
        let body = bodies.and_then(|(old, new)| BodyDiff::between(old, new));
        Self { fields, body }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.body.is_none()
    }

    /// The record as an event body: `- name: old` / `+ name: new` lines, then the body's diff.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.fields {
            if let Some(old) = &f.old {
                out.push_str(&format!("- {}: {old}\n", f.name));
            }
            if let Some(new) = &f.new {
                out.push_str(&format!("+ {}: {new}\n", f.name));
            }
        }
        if let Some(diff) = &self.body {
            out.push_str(BODY_DIFF_OLD);
            out.push('\n');
            out.push_str(BODY_DIFF_NEW);
            out.push('\n');
            out.push_str(&diff.render());
        }
        out
    }

    /// Reads a record back from an event body; `Err` says which line does not read.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut record = EditRecord::default();
        let mut lines = text.split_inclusive('\n').enumerate().peekable();
        while let Some((n, chunk)) = lines.next() {
            let line = chunk.strip_suffix('\n').unwrap_or(chunk);
            if line == BODY_DIFF_OLD {
                match lines.next() {
                    Some((_, l)) if l.strip_suffix('\n').unwrap_or(l) == BODY_DIFF_NEW => {}
                    _ => return Err(format!("line {}: `{BODY_DIFF_NEW}` expected", n + 2)),
                }
                let rest: String = lines.map(|(_, l)| l).collect();
                record.body = Some(BodyDiff::parse(&rest).map_err(|e| format!("body diff: {e}"))?);
                return Ok(record);
            }
            let (sign, field) = match (line.strip_prefix("- "), line.strip_prefix("+ ")) {
                (Some(f), _) => ('-', f),
                (_, Some(f)) => ('+', f),
                _ => {
                    return Err(format!(
                        "line {}: {line:?} is not `- name: value` or `+ name: value`",
                        n + 1
                    ));
                }
            };
            let (name, value) = field
                .split_once(": ")
                .or_else(|| field.strip_suffix(':').map(|n| (n, "")))
                .ok_or_else(|| format!("line {}: {line:?} has no `name: value`", n + 1))?;
            let value = Some(value.to_owned());
            match record.fields.iter_mut().rev().find(|f| f.name == name) {
                // The `+` line of a field whose `-` line came just before.
                Some(f) if sign == '+' && f.new.is_none() => f.new = value,
                _ => record.fields.push(FieldChange {
                    name: name.to_owned(),
                    old: if sign == '-' { value.clone() } else { None },
                    new: if sign == '+' { value } else { None },
                }),
            }
        }
        Ok(record)
    }
}

/// How a body changed, as one unified-diff hunk: the lines that differ with up to three lines of
/// context on each side (everything between the first and the last difference is in it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyDiff {
    /// 1-based first line of the hunk in the old body (the line before it when it is empty).
    pub old_start: usize,
    pub old_len: usize,
    pub new_start: usize,
    pub new_len: usize,
    /// Each line with its sign (` `, `-`, `+`), its line break kept (absent on a last line
    /// without one).
    pub lines: Vec<(char, String)>,
}

const CONTEXT: usize = 3;

impl BodyDiff {
    /// The diff of `old` to `new`; `None` when they are the same.
    pub fn between(old: &str, new: &str) -> Option<Self> {
        if old == new {
            return None;
        }
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        let b: Vec<&str> = new.split_inclusive('\n').collect();
        let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let suffix = a[prefix..]
            .iter()
            .rev()
            .zip(b[prefix..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        let before = prefix.min(CONTEXT);
        let after = suffix.min(CONTEXT);
        let start = prefix - before;
        let mut lines = Vec::new();
        lines.extend(a[start..prefix].iter().map(|l| (' ', (*l).to_owned())));
        lines.extend(
            a[prefix..a.len() - suffix]
                .iter()
                .map(|l| ('-', (*l).to_owned())),
        );
        lines.extend(
            b[prefix..b.len() - suffix]
                .iter()
                .map(|l| ('+', (*l).to_owned())),
        );
        lines.extend(
            a[a.len() - suffix..a.len() - suffix + after]
                .iter()
                .map(|l| (' ', (*l).to_owned())),
        );
        let old_len = a.len() - suffix + after - start;
        let new_len = b.len() - suffix + after - start;
        let first = |len: usize| if len == 0 { start } else { start + 1 };
        Some(Self {
            old_start: first(old_len),
            old_len,
            new_start: first(new_len),
            new_len,
            lines,
        })
    }

    /// The hunk as a unified diff writes it.
    pub fn render(&self) -> String {
        let mut out = format!(
            "@@ -{},{} +{},{} @@\n",
            self.old_start, self.old_len, self.new_start, self.new_len
        );
        for (sign, line) in &self.lines {
            out.push(*sign);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push('\n');
                out.push_str(NO_NEWLINE);
                out.push('\n');
            }
        }
        out
    }

    /// Reads a hunk back.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut chunks = text.split_inclusive('\n');
        let header = chunks.next().ok_or("no `@@` line")?;
        let header = header.strip_suffix('\n').unwrap_or(header);
        let ranges = header
            .strip_prefix("@@ -")
            .and_then(|h| h.strip_suffix(" @@"))
            .ok_or_else(|| format!("{header:?} is not `@@ -a,b +c,d @@`"))?;
        let (old, new) = ranges
            .split_once(" +")
            .ok_or_else(|| format!("{header:?} is not `@@ -a,b +c,d @@`"))?;
        let range = |r: &str| -> Result<(usize, usize), String> {
            let (s, l) = r.split_once(',').ok_or(format!("range {r:?}"))?;
            Ok((
                s.parse().map_err(|_| format!("range {r:?}"))?,
                l.parse().map_err(|_| format!("range {r:?}"))?,
            ))
        };
        let (old_start, old_len) = range(old)?;
        let (new_start, new_len) = range(new)?;
        let mut lines: Vec<(char, String)> = Vec::new();
        for chunk in chunks {
            if chunk.strip_suffix('\n').unwrap_or(chunk) == NO_NEWLINE {
                let last = lines
                    .last_mut()
                    .ok_or("a no-newline mark before any line")?;
                if last.1.pop() != Some('\n') {
                    return Err("a no-newline mark after a line without one".into());
                }
                continue;
            }
            let mut cs = chunk.chars();
            let sign = cs.next().ok_or("an empty diff line")?;
            if !matches!(sign, ' ' | '-' | '+') {
                return Err(format!("{chunk:?} does not start with ` `, `-` or `+`"));
            }
            lines.push((sign, cs.as_str().to_owned()));
        }
        let diff = Self {
            old_start,
            old_len,
            new_start,
            new_len,
            lines,
        };
        let count = |signs: [char; 2]| diff.lines.iter().filter(|l| signs.contains(&l.0)).count();
        if count([' ', '-']) != old_len || count([' ', '+']) != new_len {
            return Err("the line counts do not match the `@@` line".into());
        }
        Ok(diff)
    }

    /// `old` with the hunk applied: the new body. `Err` when `old` is not the body the hunk was
    /// made from, at the lines it names.
    pub fn apply(&self, old: &str) -> Result<String, String> {
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        let start = if self.old_len == 0 {
            self.old_start
        } else {
            self.old_start.saturating_sub(1)
        };
        let expected: Vec<&str> = self
            .lines
            .iter()
            .filter(|(s, _)| *s != '+')
            .map(|(_, l)| l.as_str())
            .collect();
        if a.get(start..start + expected.len()) != Some(&expected[..]) {
            return Err(format!(
                "the body does not hold the hunk's lines at line {}",
                self.old_start
            ));
        }
        let mut out: String = a[..start].concat();
        for (sign, line) in &self.lines {
            if *sign != '-' {
                out.push_str(line);
            }
        }
        out.push_str(&a[start + expected.len()..].concat());
        Ok(out)
    }
}

/// What a `status` event records: the status a ticket had and the one it got, as spelled, and
/// why, when someone said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusRecord {
    pub from: String,
    pub to: String,
    pub reason: Option<String>,
}

impl StatusRecord {
    /// The record of a move from `from` to `to`.
    pub fn new(
        spelling: &dyn FieldSpelling,
        from: &TicketStatus,
        to: &TicketStatus,
        reason: Option<&str>,
    ) -> Self {
        Self {
            from: spelling.scalar(from.as_str()),
            to: spelling.scalar(to.as_str()),
            reason: reason.filter(|r| !r.is_empty()).map(str::to_owned),
        }
    }

    /// `from: <from>\nto: <to>\n`, then `\n<reason>\n` when there is one.
    pub fn render(&self) -> String {
        let mut out = format!("from: {}\nto: {}\n", self.from, self.to);
        if let Some(reason) = &self.reason {
            out.push('\n');
            out.push_str(reason);
            out.push('\n');
        }
        out
    }

    /// Reads a record back from an event body.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (first, rest) = text.split_once('\n').ok_or("no `from:` line")?;
        let from = first.strip_prefix("from: ").ok_or("no `from:` line")?;
        let (second, rest) = rest.split_once('\n').ok_or("no `to:` line")?;
        let to = second.strip_prefix("to: ").ok_or("no `to:` line")?;
        let reason = match rest {
            "" => None,
            more => Some(
                more.strip_prefix('\n')
                    .and_then(|r| r.strip_suffix('\n'))
                    .ok_or("the reason is not `\\n<reason>\\n`")?
                    .to_owned(),
            ),
        };
        Ok(Self {
            from: from.to_owned(),
            to: to.to_owned(),
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_diffs_apply_and_round_trip() {
        let cases = [
            ("", "a\n"),
            ("a\n", ""),
            ("a\nb\nc\n", "a\nB\nc\n"),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
                "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
            ),
            ("x\ny", "x\ny\n"),
            ("x\ny\n", "x\ny"),
            ("same\nstart\n", "same\nstart\nmore\n"),
            ("\r\nwin\r\n", "\r\nwin!\r\n"),
            ("a\nb\na\nb\n", "a\nc\na\nc\n"),
            ("no newline", "other"),
        ];
        for (old, new) in cases {
            let diff = BodyDiff::between(old, new).expect("they differ");
            assert_eq!(diff.apply(old).as_deref(), Ok(new), "{old:?} -> {new:?}");
            let text = diff.render();
            assert_eq!(BodyDiff::parse(&text).as_ref(), Ok(&diff), "{text}");
        }
        assert_eq!(BodyDiff::between("x", "x"), None);
        let diff = BodyDiff::between("a\nb\n", "a\nc\n").expect("differs");
        assert!(
            diff.apply("a\nB\n").is_err(),
            "another body does not take the hunk"
        );
        let diff = BodyDiff::between(
            "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
            "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
        )
        .expect("differs");
        assert_eq!(
            diff.render(),
            "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
        assert_eq!(
            BodyDiff::between("", "a\n").map(|d| d.render()).as_deref(),
            Some("@@ -0,0 +1,1 @@\n+a\n")
        );
        assert_eq!(
            BodyDiff::between("x", "y").map(|d| d.render()).as_deref(),
            Some(
                "@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n"
            )
        );
    }

    #[test]
    fn edit_records_round_trip() {
        let record = EditRecord {
            fields: vec![
                FieldChange {
                    name: "title".into(),
                    old: Some("Old: x".into()),
                    new: Some("\"New\\n\"".into()),
                },
                FieldChange {
                    name: "readiness".into(),
                    old: None,
                    new: Some("blocked".into()),
                },
                FieldChange {
                    name: "owner".into(),
                    old: Some(String::new()),
                    new: None,
                },
            ],
            body: BodyDiff::between("a\n--- body\n", "a\n+++ body\n"),
        };
        let text = record.render();
        assert!(
            text.starts_with(
                "- title: Old: x\n+ title: \"New\\n\"\n+ readiness: blocked\n- owner: \n--- body\n+++ body\n@@"
            ),
            "{text}"
        );
        assert_eq!(EditRecord::parse(&text), Ok(record));
        assert!(EditRecord::parse("title: x\n").is_err());
    }

    #[test]
    fn status_records_round_trip() {
        for reason in [
            None,
            Some("It came back.".to_owned()),
            Some("two\n\nlines".into()),
        ] {
            let r = StatusRecord {
                from: "closed".into(),
                to: "open".into(),
                reason,
            };
            assert_eq!(StatusRecord::parse(&r.render()), Ok(r.clone()));
        }
        let r = StatusRecord::new(
            &PlainSpelling,
            &TicketStatus::parse(" odd"),
            &TicketStatus::Open,
            Some(""),
        );
        assert_eq!(r.render(), "from: \" odd\"\nto: open\n");
    }
}
