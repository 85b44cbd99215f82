//! Random edits behind the index's back; after each batch, the index and the scan agree.

use proptest::prelude::*;
use ticket_search::SearchIndex;

use crate::fake::{Fake, doc, summary};

const WORDS: &[&str] = &[
    "parser",
    "lock",
    "thread",
    "review",
    "agent",
    "設計",
    "永続化",
    "ワーク",
    "byte",
    "status",
    "parsing",
    "locked",
];
const KINDS: &[&str] = &["comment", "plan", "review", "migration"];
const STATUSES: &[&str] = &["open", "pending", "closed"];

#[derive(Clone, Debug)]
enum Edit {
    Put {
        n: usize,
        status: usize,
        words: Vec<usize>,
        events: Vec<(usize, Vec<usize>)>,
    },
    Remove {
        n: usize,
    },
    Move {
        n: usize,
        status: usize,
    },
    /// A change the stamps do not show (same stamp), only allowed for a moment-old listing.
    Search {
        query: Vec<usize>,
        prefix: bool,
    },
}

fn text(words: &[usize]) -> String {
    words
        .iter()
        .map(|w| WORDS[*w])
        .collect::<Vec<_>>()
        .join(" ")
}

fn edit() -> impl Strategy<Value = Edit> {
    let words = || prop::collection::vec(0..WORDS.len(), 0..6);
    prop_oneof![
        4 => (0..8usize, 0..3usize, words(), prop::collection::vec((0..KINDS.len(), words()), 0..3))
            .prop_map(|(n, status, words, events)| Edit::Put { n, status, words, events }),
        1 => (0..8usize).prop_map(|n| Edit::Remove { n }),
        1 => (0..8usize, 0..3usize).prop_map(|(n, status)| Edit::Move { n, status }),
        2 => (prop::collection::vec(0..WORDS.len(), 1..3), any::<bool>())
            .prop_map(|(query, prefix)| Edit::Search { query, prefix }),
    ]
}

fn key_of(fake: &Fake, n: usize) -> Option<String> {
    fake.keys()
        .into_iter()
        .find(|k| k.ends_with(&format!("-t{n}")))
}

fn apply(fake: &Fake, e: &Edit) {
    match e {
        Edit::Put {
            n,
            status,
            words,
            events,
        } => {
            if let Some(k) = key_of(fake, *n) {
                fake.remove(&k);
            }
            let events: Vec<(&str, String)> =
                events.iter().map(|(k, w)| (KINDS[*k], text(w))).collect();
            let events: Vec<(&str, &str)> = events.iter().map(|(k, b)| (*k, b.as_str())).collect();
            let id = format!("20260101-0000{n:02}-t{n}");
            fake.put(doc(
                STATUSES[*status],
                &id,
                &text(&words[..words.len() / 2]),
                &text(words),
                &events,
            ));
        }
        Edit::Remove { n } => {
            if let Some(k) = key_of(fake, *n) {
                fake.remove(&k);
            }
        }
        Edit::Move { n, status } => {
            if let Some(k) = key_of(fake, *n)
                && let Some(mut d) = fake.get(&k)
            {
                fake.remove(&k);
                d.status = STATUSES[*status].into();
                d.key = format!("{}/{}", d.status, d.id);
                fake.put(d);
            }
        }
        Edit::Search { .. } => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn index_and_scan_agree_after_edits_behind_its_back(edits in prop::collection::vec(edit(), 1..25)) {
        let dir = tempfile::tempdir().expect("dir");
        let index = SearchIndex::new(dir.path().join("search"));
        let fake = Fake::default();
        for e in &edits {
            apply(&fake, e);
            if let Edit::Search { query, prefix } = e {
                let mut q = text(query);
                if *prefix {
                    q.truncate(q.len().min(3));
                    while !q.is_char_boundary(q.len()) { q.pop(); }
                    q.push('*');
                }
                let Ok(query) = ticket_search::Query::parse(&q) else { continue };
                let r = ticket_search::Request { query, filters: Default::default(), limit: 5 };
                let a = fake.search(&index, &r);
                let b = fake.scan(&r);
                prop_assert_eq!(summary(&a), summary(&b), "query {}", q);
            }
        }
    }
}
