//! The repair of one ticket a merge left in several status directories (docs/sync.md,
//! "Repair"), as a plan: what the ticket's files become and where it is kept. The store reads
//! the copies and carries the plan out under its lock; it decides nothing.

use super::item::{Lost, merge_item};
use super::thread::{last_status, merge_threads};
use crate::{frontmatter, keys};

/// One copy of a ticket: the status directory it is in and the files it holds there.
#[derive(Clone, Copy, Debug)]
pub struct Copy<'a> {
    pub status: &'a str,
    pub item: Option<&'a str>,
    pub thread: Option<&'a str>,
    pub resolution: Option<&'a str>,
}

/// What to do with the copies of one ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopiesPlan {
    /// Their threads hold two different `create` events: they are two tickets, never merged
    /// (one of them is renamed apart).
    TwoTickets,
    /// No copy holds an item.md and a thread.md: nothing to merge into; left as it is.
    Incomplete,
    /// One ticket: merge them.
    Merge(MergedCopies),
}

/// The one ticket the copies merge into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedCopies {
    /// The status it goes to: the one its merged thread says last, else the one its merged
    /// item says, else the first status known.
    pub status: String,
    /// The copy whose directory is kept (moved to `status` if it is not there): the one in
    /// `status` when there is one, else the first.
    pub keep: usize,
    pub item: String,
    pub thread: String,
    /// The last copy's resolution, when any copy has one.
    pub resolution: Option<String>,
    /// Values a conflict between the items did not keep (the caller records them).
    pub lost: Vec<Lost>,
}

/// Plans the merge of `copies` (in the order of `statuses`, the status directories there
/// are), against `base` (thread.md and item.md of the version they share) when known: the
/// union of the threads, the items merged field by field (three-way when there is a base), and
/// the item's `status:` set to where the ticket goes.
pub fn plan_copies(
    copies: &[Copy<'_>],
    base: Option<(&str, &str)>,
    statuses: &[&str],
) -> CopiesPlan {
    let (base_thread, base_item) = base.map_or((None, None), |(t, i)| (Some(t), Some(i)));
    let mut thread: Option<String> = None;
    let mut item: Option<String> = None;
    let mut resolution = None;
    let mut lost = Vec::new();
    for copy in copies {
        if let Some(t) = copy.thread {
            thread = Some(match thread {
                None => t.to_owned(),
                Some(acc) => {
                    let m = merge_threads(base_thread, &acc, t);
                    if m.creates.len() > 1 {
                        return CopiesPlan::TwoTickets;
                    }
                    m.text
                }
            });
        }
        if let Some(i) = copy.item {
            item = Some(match item {
                None => i.to_owned(),
                Some(acc) => {
                    let m = merge_item(base_item, &acc, i);
                    lost.extend(m.lost);
                    m.text
                }
            });
        }
        if let Some(r) = copy.resolution {
            resolution = Some(r.to_owned());
        }
    }
    let (Some(thread), Some(mut item)) = (thread, item) else {
        return CopiesPlan::Incomplete;
    };
    let known = |s: &String| statuses.contains(&s.as_str());
    let current = frontmatter::parse(&item)
        .ok()
        .map(|fm| fm.value(keys::STATUS))
        .unwrap_or_default();
    let status = last_status(&thread)
        .filter(known)
        .or_else(|| known(&current).then(|| current.clone()))
        .or_else(|| statuses.first().map(|s| (*s).to_owned()))
        .unwrap_or_default();
    if current != status
        && let Ok(fm) = frontmatter::parse(&item)
    {
        item = frontmatter::set_field(&item, &fm, keys::STATUS, &status);
    }
    let keep = copies.iter().position(|c| c.status == status).unwrap_or(0);
    CopiesPlan::Merge(MergedCopies {
        status,
        keep,
        item,
        thread,
        resolution,
        lost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUSES: [&str; 3] = ["open", "pending", "closed"];

    fn item(status: &str) -> String {
        format!("---\nid: a\ntitle: A\nstatus: {status}\n---\n\nBody.\n")
    }

    fn event(kind: &str, author: &str, status: Option<&str>) -> String {
        let status = status.map(|s| format!(" status: {s}")).unwrap_or_default();
        format!(
            "<!-- event: {kind} author: {author} at: 2026-01-02T03:04:05Z{status} -->\n\n## {kind}\n\nText.\n\n---\n"
        )
    }

    fn copy<'a>(status: &'a str, item: &'a str, thread: &'a str) -> Copy<'a> {
        Copy {
            status,
            item: Some(item),
            thread: Some(thread),
            resolution: None,
        }
    }

    /// Each case: the copies, and what the plan says (its status and the copy kept, or why
    /// there is nothing to merge).
    #[test]
    fn plans_table() {
        let created = event("create", "a", None);
        let other = event("create", "b", None);
        let moved = format!("{created}\n{}", event("status", "a", Some("pending")));
        let (open, pending, odd) = (item("open"), item("pending"), item("odd"));
        let cases: Vec<(&str, Vec<Copy<'_>>, &str)> = vec![
            (
                "the status the thread says last, keeping the copy there",
                vec![
                    copy("open", &open, &created),
                    copy("pending", &pending, &moved),
                ],
                "pending 1",
            ),
            (
                "two create events are two tickets",
                vec![
                    copy("open", &open, &created),
                    copy("pending", &pending, &other),
                ],
                "two tickets",
            ),
            (
                "no thread says a status: the item's",
                vec![
                    copy("open", &open, &created),
                    copy("closed", &open, &created),
                ],
                "open 0",
            ),
            (
                "an item whose status no directory has: the first status",
                vec![
                    copy("pending", &odd, &created),
                    copy("closed", &odd, &created),
                ],
                "open 0",
            ),
            (
                "no copy has an item.md",
                vec![Copy {
                    item: None,
                    ..copy("open", &open, &created)
                }],
                "incomplete",
            ),
        ];
        for (what, copies, want) in cases {
            let got = match plan_copies(&copies, None, &STATUSES) {
                CopiesPlan::TwoTickets => "two tickets".to_owned(),
                CopiesPlan::Incomplete => "incomplete".to_owned(),
                CopiesPlan::Merge(m) => {
                    let fm = frontmatter::parse(&m.item).expect("frontmatter");
                    assert_eq!(fm.value(keys::STATUS), m.status, "{what}: item says it");
                    format!("{} {}", m.status, m.keep)
                }
            };
            assert_eq!(got, want, "{what}");
        }
    }
}
