//! item.md merged field by field against the base (docs/format.md, "Merging item.md").
//!
//! - A field changed on one side takes that side's line, bytes and all.
//! - List fields (`labels`, `risk_flags`, the `refs_*` lists, the relation lists) merge as sets:
//!   every item either side added is in, every item either side removed is out.
//! - `updated_at` takes the later of the two.
//! - A field both sides changed differently takes the value of the side edited later (the later
//!   `updated_at`; on a tie the greater value, so every clone picks the same) and returns the
//!   other value as [`Lost`], for the caller to record as an event.
//! - The body merges by lines; a region both sides changed differently keeps the later side's
//!   lines and returns the other side's as [`Lost`] (key `body`).
//!
//! The merge starts from our file and rewrites only the lines whose value changes, so key order,
//! unknown keys and every other byte stay. A side whose frontmatter does not read is kept or
//! taken whole (the later one when both changed), the other recorded as lost.

use crate::frontmatter::{self, Entry, Frontmatter};
use crate::keys;
use crate::merge::lines::{Side, merge3};
use crate::scalar::encode_flow_list;

/// A value a conflict did not keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lost {
    /// The frontmatter key, or [`BODY`].
    pub key: String,
    /// The value kept, as written (`None`: the key is absent).
    pub kept: Option<String>,
    /// The value not kept, as written.
    pub lost: Option<String>,
}

/// The key a lost body region is reported under.
pub const BODY: &str = "body";
/// The key a whole file is reported under when a side's frontmatter does not read.
pub const WHOLE: &str = "item.md";

/// A merged item.md.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemMerge {
    pub text: String,
    pub lost: Vec<Lost>,
}

fn is_list_key(key: &str) -> bool {
    key == keys::LABELS
        || key == keys::RISK_FLAGS
        || keys::REFS.iter().any(|(k, _)| *k == key)
        || keys::RELATIONS.iter().any(|(k, _)| *k == key)
}

/// An entry's whole text as the file holds it (its line and continuation lines).
fn entry_text<'a>(text: &'a str, e: &Entry) -> &'a str {
    &text[e.span.clone()]
}

/// What a value is for comparison: the raw value and continuation lines, not the line ending.
fn value_of(e: Option<&Entry>) -> Option<(String, Vec<String>)> {
    e.map(|e| (e.raw.clone(), e.continuation.clone()))
}

fn spelled(e: Option<&Entry>) -> Option<String> {
    e.map(|e| {
        let mut s = e.raw.clone();
        for c in &e.continuation {
            s.push('\n');
            s.push_str(c);
        }
        s
    })
}

fn updated(fm: &Frontmatter) -> String {
    fm.entry(keys::UPDATED_AT)
        .map(|e| e.text())
        .unwrap_or_default()
}

/// Which side was edited later: the later `updated_at`; on a tie the greater bytes.
fn later(ours: &str, fo: &Frontmatter, theirs: &str, ft: &Frontmatter) -> Side {
    match updated(fo).cmp(&updated(ft)) {
        std::cmp::Ordering::Greater => Side::Ours,
        std::cmp::Ordering::Less => Side::Theirs,
        std::cmp::Ordering::Equal if ours >= theirs => Side::Ours,
        std::cmp::Ordering::Equal => Side::Theirs,
    }
}

/// A list merged as a set against the base: the items of ours in its order, then those theirs
/// added, less every item either side removed.
fn merge_list(base: &[String], ours: &[String], theirs: &[String]) -> Vec<String> {
    let removed = |side: &[String], item: &String| base.contains(item) && !side.contains(item);
    let mut out: Vec<String> = Vec::new();
    for item in ours.iter().chain(theirs) {
        if !out.contains(item) && !removed(ours, item) && !removed(theirs, item) {
            out.push(item.clone());
        }
    }
    out
}

/// What to do with one key of our file.
enum Put {
    Keep,
    /// Replace (or add) with these bytes, or remove when `None`.
    Entry(Option<String>),
    /// Set to this value line.
    Value(String),
}

/// Merges item.md. `base` is `None` when the sides share no version (the two copies a status
/// move on each side leaves): every differing field is then a conflict, except lists, which are
/// united, and `status` and `updated_at`, which are taken from the later side without a record
/// (the thread decides the status).
pub fn merge_item(base: Option<&str>, ours: &str, theirs: &str) -> ItemMerge {
    if ours == theirs || base == Some(theirs) {
        return ItemMerge {
            text: ours.to_owned(),
            lost: Vec::new(),
        };
    }
    if base == Some(ours) {
        return ItemMerge {
            text: theirs.to_owned(),
            lost: Vec::new(),
        };
    }
    let (fo, ft) = match (frontmatter::parse(ours), frontmatter::parse(theirs)) {
        (Ok(fo), Ok(ft)) => (fo, ft),
        (Ok(_), Err(_)) => return whole(ours, theirs),
        (Err(_), Ok(_)) => return whole(theirs, ours),
        (Err(_), Err(_)) => {
            return if ours >= theirs {
                whole(ours, theirs)
            } else {
                whole(theirs, ours)
            };
        }
    };
    let fb = base.and_then(|b| frontmatter::parse(b).ok());
    let winner = later(ours, &fo, theirs, &ft);
    let mut lost = Vec::new();
    // Keys in our order, then those only theirs has, in theirs'.
    let mut names: Vec<&str> = Vec::new();
    for e in fo.entries.iter().chain(&ft.entries) {
        if !names.contains(&e.key.as_str()) {
            names.push(&e.key);
        }
    }
    let mut puts: Vec<(String, Put)> = Vec::new();
    for key in names {
        let (eo, et) = (fo.entry(key), ft.entry(key));
        let eb = fb.as_ref().and_then(|fb| fb.entry(key));
        let (vo, vt, vb) = (value_of(eo), value_of(et), value_of(eb));
        if vo == vt {
            continue;
        }
        let theirs_entry = || Put::Entry(et.map(|e| entry_text(theirs, e).to_owned()));
        let put = if key == keys::UPDATED_AT {
            match winner {
                Side::Ours => Put::Keep,
                Side::Theirs => theirs_entry(),
            }
        } else if is_list_key(key) {
            let list = |e: Option<&Entry>| e.and_then(|e| e.list().ok()).unwrap_or_default();
            let parsed = |e: Option<&Entry>| e.is_none_or(|e| e.list().is_ok());
            if !(parsed(eo) && parsed(et) && parsed(eb)) {
                scalar(
                    fb.is_some(),
                    vb == vo,
                    vb == vt,
                    winner,
                    key,
                    eo,
                    et,
                    theirs,
                    &mut lost,
                )
            } else {
                let merged = merge_list(&list(eb), &list(eo), &list(et));
                if eo.is_some() && merged == list(eo) {
                    Put::Keep
                } else if et.is_some() && merged == list(et) {
                    theirs_entry()
                } else if merged.is_empty() && key != keys::LABELS {
                    Put::Entry(None)
                } else {
                    Put::Value(encode_flow_list(&merged))
                }
            }
        } else if fb.is_none() && key == keys::STATUS {
            match winner {
                Side::Ours => Put::Keep,
                Side::Theirs => theirs_entry(),
            }
        } else {
            scalar(
                fb.is_some(),
                vb == vo,
                vb == vt,
                winner,
                key,
                eo,
                et,
                theirs,
                &mut lost,
            )
        };
        puts.push((key.to_owned(), put));
    }
    let mut text = ours.to_owned();
    for (key, put) in puts {
        let Ok(fm) = frontmatter::parse(&text) else {
            break;
        };
        text = match put {
            Put::Keep => continue,
            Put::Value(v) => frontmatter::set_field(&text, &fm, &key, &v),
            Put::Entry(None) => frontmatter::remove_field(&text, &fm, &key),
            Put::Entry(Some(bytes)) => replace_entry(&text, &fm, &key, &bytes),
        };
    }
    // The body, by lines.
    let body = |text: &str, fm: &Frontmatter| text[fm.body_start..].to_owned();
    let (bo, bt) = (body(ours, &fo), body(theirs, &ft));
    if bo != bt {
        let bb = match (base, &fb) {
            (Some(b), Some(fb)) => Some(body(b, fb)),
            _ => None,
        };
        let merged = match bb {
            Some(bb) => merge3(&bb, &bo, &bt, winner),
            // No base: the whole body is the region.
            None => merge3("", &bo, &bt, winner),
        };
        for (kept, other) in merged.conflicts {
            lost.push(Lost {
                key: BODY.into(),
                kept: Some(kept),
                lost: Some(other),
            });
        }
        if let Ok(t) = frontmatter::with_body(&text, &merged.text) {
            text = t;
        }
    }
    ItemMerge { text, lost }
}

/// A scalar field: one side's change wins; both changed differently, the later side wins and the
/// other is lost.
#[allow(clippy::too_many_arguments)]
fn scalar(
    has_base: bool,
    ours_unchanged: bool,
    theirs_unchanged: bool,
    winner: Side,
    key: &str,
    eo: Option<&Entry>,
    et: Option<&Entry>,
    theirs: &str,
    lost: &mut Vec<Lost>,
) -> Put {
    let take_theirs = || Put::Entry(et.map(|e| entry_text(theirs, e).to_owned()));
    if has_base && theirs_unchanged {
        return Put::Keep;
    }
    if has_base && ours_unchanged {
        return take_theirs();
    }
    let (kept, other, put) = match winner {
        Side::Ours => (eo, et, Put::Keep),
        Side::Theirs => (et, eo, take_theirs()),
    };
    lost.push(Lost {
        key: key.to_owned(),
        kept: spelled(kept),
        lost: spelled(other),
    });
    put
}

/// `text` with `key`'s entry replaced by `bytes` (a whole entry, line ending included), or
/// `bytes` added before the closing line when `key` is missing.
fn replace_entry(text: &str, fm: &Frontmatter, key: &str, bytes: &str) -> String {
    let eol = if fm.crlf { "\r\n" } else { "\n" };
    let mut bytes = bytes.to_owned();
    if !bytes.ends_with('\n') {
        bytes.push_str(eol);
    }
    match fm.entry(key) {
        Some(e) => format!("{}{}{}", &text[..e.span.start], bytes, &text[e.span.end..]),
        None => format!("{}{}{}", &text[..fm.closing], bytes, &text[fm.closing..]),
    }
}

/// A side taken whole, the other recorded as lost.
fn whole(kept: &str, other: &str) -> ItemMerge {
    ItemMerge {
        text: kept.to_owned(),
        lost: vec![Lost {
            key: WHOLE.into(),
            kept: None,
            lost: Some(other.to_owned()),
        }],
    }
}
