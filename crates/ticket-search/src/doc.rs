//! What the search is given: tickets as documents, and their stamps.
//!
//! This crate knows no layout. A caller lists every ticket with a `key` (where it lives, opaque
//! here) and a stamp of its files, and loads documents by key when asked.

use xxhash_rust::xxh3::Xxh3;

/// The text of one thread event and its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventText {
    pub kind: String,
    pub body: String,
}

/// One ticket as the search sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketDoc {
    /// Where the ticket lives, as the caller names it (unique among the listing's tickets).
    pub key: String,
    pub id: String,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub kind: String,
    pub labels: Vec<String>,
    pub assignee: Option<String>,
    pub body: String,
    pub events: Vec<EventText>,
    pub resolution: Option<String>,
}

impl TicketDoc {
    /// A hash of everything the index takes from this document: equal hashes mean the index
    /// holds it as it is (64 bits of xxh3; every field is length-prefixed).
    pub fn content_hash(&self) -> u64 {
        let mut h = Xxh3::new();
        let mut put = |s: &str| {
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        put(&self.key);
        put(&self.id);
        put(&self.slug);
        put(&self.title);
        put(&self.status);
        put(&self.kind);
        put(&self.labels.len().to_string());
        for l in &self.labels {
            put(l);
        }
        put(self.assignee.as_deref().unwrap_or("\u{0}none"));
        put(&self.body);
        put(&self.events.len().to_string());
        for e in &self.events {
            put(&e.kind);
            put(&e.body);
        }
        put(self.resolution.as_deref().unwrap_or("\u{0}none"));
        h.digest()
    }

    /// About how many bytes of text the document holds (what indexing it keeps in memory).
    pub(crate) fn text_len(&self) -> usize {
        let events: usize = self
            .events
            .iter()
            .map(|e| e.kind.len() + e.body.len())
            .sum();
        self.key.len()
            + self.id.len()
            + self.slug.len()
            + self.title.len()
            + self.status.len()
            + self.kind.len()
            + self.labels.iter().map(String::len).sum::<usize>()
            + self.assignee.as_ref().map_or(0, String::len)
            + self.body.len()
            + events
            + self.resolution.as_ref().map_or(0, String::len)
    }
}

/// A ticket's stamp: a hash of what a `stat` of its files says, and when they last changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamped {
    pub key: String,
    /// Any change to the ticket's files changes it (inode, size, modification and change times
    /// of each file, and which exist).
    pub stamp: u64,
    /// The latest modification or change time among the files, in nanoseconds since the epoch.
    pub changed_at_ns: i64,
}

/// Every ticket of a root, stamped, in the caller's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// When the stamps were taken (before the first), in nanoseconds since the epoch.
    pub taken_at_ns: i64,
    pub tickets: Vec<Stamped>,
}

/// What loading a key gave.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // handed over a batch at a time; nearly all are documents
pub enum Loaded {
    Doc(TicketDoc),
    /// The ticket is no longer there.
    Gone,
    /// The ticket is there but does not read; the message says why. It is not searchable.
    Unreadable(String),
}

/// Loads tickets by key: the caller's side of the search.
pub trait Loader: Sync {
    /// The tickets of `keys`, in the same order.
    fn load(&self, keys: &[String]) -> Vec<Loaded>;
}

/// Nanoseconds within which a change may share its timestamp with a later one, so a stamp
/// taken that soon after a change cannot vouch for the file: on file systems with timestamps of
/// a second or two (nanoseconds all zero), 2 s; elsewhere 100 ms, well above a kernel tick.
pub(crate) fn racy_window_ns(changed_at_ns: i64) -> i64 {
    if changed_at_ns % 1_000_000_000 == 0 {
        2_000_000_000
    } else {
        100_000_000
    }
}

/// The stamp to keep for a ticket: its own, or 0 (never equal to a real one, so the ticket's
/// content is checked again next time) when it was taken too soon after a change.
pub(crate) fn kept_stamp(s: &Stamped, taken_at_ns: i64) -> u64 {
    if s.changed_at_ns >= taken_at_ns.saturating_sub(racy_window_ns(s.changed_at_ns)) {
        0
    } else {
        s.stamp
    }
}

/// The hash under which a key is indexed.
pub(crate) fn key_hash(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_changes_keep_no_stamp() {
        let s = |changed_at_ns| Stamped {
            key: "k".into(),
            stamp: 7,
            changed_at_ns,
        };
        let now = 10_000_000_123;
        assert_eq!(kept_stamp(&s(now - 1_000_000_000), now), 7);
        assert_eq!(kept_stamp(&s(now - 50_000_000), now), 0);
        assert_eq!(kept_stamp(&s(now + 5), now), 0, "a change from the future");
        // A coarse file system: whole seconds.
        assert_eq!(kept_stamp(&s(9_000_000_000), now), 0);
        assert_eq!(kept_stamp(&s(7_000_000_000), now), 7);
    }

    #[test]
    fn content_hash_sees_every_field() {
        let doc = TicketDoc {
            key: "open/a".into(),
            id: "a".into(),
            slug: "a".into(),
            title: "T".into(),
            status: "open".into(),
            kind: "task".into(),
            labels: vec!["x".into()],
            assignee: None,
            body: "b".into(),
            events: vec![EventText {
                kind: "comment".into(),
                body: "c".into(),
            }],
            resolution: None,
        };
        let base = doc.content_hash();
        let changed = [
            TicketDoc {
                title: "U".into(),
                ..doc.clone()
            },
            TicketDoc {
                labels: vec![],
                ..doc.clone()
            },
            TicketDoc {
                assignee: Some("none".into()),
                ..doc.clone()
            },
            TicketDoc {
                resolution: Some(String::new()),
                ..doc.clone()
            },
            TicketDoc {
                events: vec![EventText {
                    kind: "plan".into(),
                    body: "c".into(),
                }],
                ..doc.clone()
            },
        ];
        for c in changed {
            assert_ne!(c.content_hash(), base, "{c:?}");
        }
        assert_eq!(doc.clone().content_hash(), base);
    }
}
