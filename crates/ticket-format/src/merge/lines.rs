//! A three-way merge of lines (diff3): changes of one side apply, equal changes of both apply
//! once, and a region both sides changed differently is a conflict that keeps one side.

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Which side a conflict keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Ours,
    Theirs,
}

/// A merged text and the regions a conflict did not keep: (the kept side's text of the region,
/// the other side's text of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineMerge {
    pub text: String,
    pub conflicts: Vec<(String, String)>,
}

/// One change of a side: base lines `start..end` replaced by `lines`.
#[derive(Clone, Debug)]
struct Hunk<'a> {
    start: usize,
    end: usize,
    lines: Vec<&'a str>,
}

fn split(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn hunks<'a>(base: &[&'a str], side: &[&'a str]) -> Vec<Hunk<'a>> {
    let mut out: Vec<Hunk<'a>> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, base, side) {
        if let DiffOp::Equal { .. } = op {
            continue;
        }
        let (old, new) = (op.old_range(), op.new_range());
        match out.last_mut() {
            Some(last) if last.end == old.start => {
                last.end = old.end;
                last.lines.extend_from_slice(&side[new]);
            }
            _ => out.push(Hunk {
                start: old.start,
                end: old.end,
                lines: side[new].to_vec(),
            }),
        }
    }
    out
}

/// The side's text of base lines `start..end`, given its hunks inside that region.
fn region<'a>(base: &[&'a str], start: usize, end: usize, hunks: &[&Hunk<'a>]) -> String {
    let mut out = String::new();
    let mut at = start;
    for h in hunks {
        out.extend(base[at..h.start].iter().copied());
        out.extend(h.lines.iter().copied());
        at = h.end;
    }
    out.extend(base[at..end].iter().copied());
    out
}

/// Merges `ours` and `theirs` against `base`, line by line; a conflict keeps `keep`'s side.
pub fn merge3(base: &str, ours: &str, theirs: &str, keep: Side) -> LineMerge {
    if ours == theirs || theirs == base {
        return LineMerge {
            text: ours.to_owned(),
            conflicts: Vec::new(),
        };
    }
    if ours == base {
        return LineMerge {
            text: theirs.to_owned(),
            conflicts: Vec::new(),
        };
    }
    let b = split(base);
    let (o, t) = (split(ours), split(theirs));
    let (ho, ht) = (hunks(&b, &o), hunks(&b, &t));
    // Every hunk of either side, by base start; overlapping or touching ones form one region.
    let mut all: Vec<(Side, &Hunk)> = ho
        .iter()
        .map(|h| (Side::Ours, h))
        .chain(ht.iter().map(|h| (Side::Theirs, h)))
        .collect();
    all.sort_by_key(|(side, h)| (h.start, h.end, *side == Side::Theirs));
    let mut text = String::new();
    let mut conflicts = Vec::new();
    let mut at = 0;
    let mut i = 0;
    while i < all.len() {
        let (start, mut end) = (all[i].1.start, all[i].1.end);
        let mut j = i + 1;
        while j < all.len() && all[j].1.start <= end {
            end = end.max(all[j].1.end);
            j += 1;
        }
        let group = &all[i..j];
        text.extend(b[at..start].iter().copied());
        let of = |side: Side| -> Vec<&Hunk> {
            group
                .iter()
                .filter(|(s, _)| *s == side)
                .map(|(_, h)| *h)
                .collect()
        };
        let (go, gt) = (of(Side::Ours), of(Side::Theirs));
        let ro = region(&b, start, end, &go);
        let rt = region(&b, start, end, &gt);
        if go.is_empty() {
            text.push_str(&rt);
        } else if gt.is_empty() || ro == rt {
            text.push_str(&ro);
        } else {
            let (kept, lost) = match keep {
                Side::Ours => (ro, rt),
                Side::Theirs => (rt, ro),
            };
            text.push_str(&kept);
            conflicts.push((kept, lost));
        }
        at = end;
        i = j;
    }
    text.extend(b[at..].iter().copied());
    LineMerge { text, conflicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff3_cases() {
        let base = "a\nb\nc\nd\ne\n";
        // (ours, theirs, keep, merged, conflicts)
        let cases: &[(&str, &str, Side, &str, usize)] = &[
            // Different lines: both apply.
            (
                "A\nb\nc\nd\ne\n",
                "a\nb\nc\nd\nE\n",
                Side::Ours,
                "A\nb\nc\nd\nE\n",
                0,
            ),
            // The same change on both sides applies once.
            (
                "a\nB\nc\nd\ne\n",
                "a\nB\nc\nd\ne\n",
                Side::Ours,
                "a\nB\nc\nd\ne\n",
                0,
            ),
            // The same line changed differently: one side kept, the other reported.
            (
                "a\nX\nc\nd\ne\n",
                "a\nY\nc\nd\ne\n",
                Side::Ours,
                "a\nX\nc\nd\ne\n",
                1,
            ),
            (
                "a\nX\nc\nd\ne\n",
                "a\nY\nc\nd\ne\n",
                Side::Theirs,
                "a\nY\nc\nd\ne\n",
                1,
            ),
            // Inserts at both ends.
            (
                "0\na\nb\nc\nd\ne\n",
                "a\nb\nc\nd\ne\nf\n",
                Side::Ours,
                "0\na\nb\nc\nd\ne\nf\n",
                0,
            ),
            // A deletion against an edit elsewhere.
            (
                "a\nc\nd\ne\n",
                "a\nb\nc\nd\nE\n",
                Side::Ours,
                "a\nc\nd\nE\n",
                0,
            ),
            // No final newline on one side.
            (
                "a\nb\nc\nd\ne",
                "A\nb\nc\nd\ne\n",
                Side::Ours,
                "A\nb\nc\nd\ne",
                0,
            ),
            // CRLF lines keep their ending.
            (
                "a\nb\nc\nd\ne\n",
                "a\r\nb\nc\nd\ne\n",
                Side::Ours,
                "a\r\nb\nc\nd\ne\n",
                0,
            ),
        ];
        for (n, (ours, theirs, keep, merged, conflicts)) in cases.iter().enumerate() {
            let m = merge3(base, ours, theirs, *keep);
            assert_eq!(m.text, *merged, "case {n}");
            assert_eq!(m.conflicts.len(), *conflicts, "case {n}: {:?}", m.conflicts);
        }
    }
}
