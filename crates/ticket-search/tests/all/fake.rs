//! Tickets in memory, with stamps that change whenever a ticket does, as a caller gives them.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use ticket_search::{
    EventText, Filters, Found, Listing, Loaded, Loader, Query, Request, SearchIndex, Stamped,
    TicketDoc,
};

/// A root of tickets in memory. Every change gives the ticket a new stamp, as a change to its
/// files would; `loads` counts the tickets read.
#[derive(Default)]
pub struct Fake {
    tickets: Mutex<BTreeMap<String, (TicketDoc, u64)>>,
    next_stamp: AtomicU64,
    pub loads: AtomicU64,
    /// Tickets that do not read, with why.
    pub broken: Mutex<BTreeMap<String, String>>,
}

/// A long time after every change: no stamp is too recent to keep.
const TAKEN_AT: i64 = 4_000_000_000_000_000_000;

impl Fake {
    pub fn put(&self, doc: TicketDoc) {
        let stamp = self.next_stamp.fetch_add(1, Ordering::Relaxed) + 1;
        self.tickets
            .lock()
            .expect("lock")
            .insert(doc.key.clone(), (doc, stamp));
    }

    /// Changes a ticket without changing its stamp (what a change within the same timestamp
    /// tick as the last look would do).
    pub fn put_same_stamp(&self, doc: TicketDoc) {
        let mut t = self.tickets.lock().expect("lock");
        let stamp = t.get(&doc.key).map_or(1, |(_, s)| *s);
        t.insert(doc.key.clone(), (doc, stamp));
    }

    pub fn remove(&self, key: &str) {
        self.tickets.lock().expect("lock").remove(key);
    }

    pub fn get(&self, key: &str) -> Option<TicketDoc> {
        self.tickets
            .lock()
            .expect("lock")
            .get(key)
            .map(|(d, _)| d.clone())
    }

    pub fn keys(&self) -> Vec<String> {
        self.tickets.lock().expect("lock").keys().cloned().collect()
    }

    /// Every ticket's stamp; `recent` makes every change look a moment old.
    pub fn listing_at(&self, recent: bool) -> Listing {
        let tickets = self
            .tickets
            .lock()
            .expect("lock")
            .iter()
            .map(|(k, (_, s))| Stamped {
                key: k.clone(),
                stamp: *s,
                changed_at_ns: if recent {
                    TAKEN_AT - 1_000
                } else {
                    1_000_000_123
                },
            })
            .collect();
        Listing {
            taken_at_ns: TAKEN_AT,
            tickets,
        }
    }

    pub fn listing(&self) -> Listing {
        self.listing_at(false)
    }

    pub fn search(&self, index: &SearchIndex, request: &Request) -> Found {
        index
            .search(&self.listing(), self, request)
            .expect("search")
    }

    pub fn scan(&self, request: &Request) -> Found {
        ticket_search::scan(&self.listing(), self, request).expect("scan")
    }
}

impl Loader for Fake {
    fn load(&self, keys: &[String]) -> Vec<Loaded> {
        self.loads.fetch_add(keys.len() as u64, Ordering::Relaxed);
        let t = self.tickets.lock().expect("lock");
        let broken = self.broken.lock().expect("lock");
        keys.iter()
            .map(|k| match (broken.get(k), t.get(k)) {
                (Some(why), Some(_)) => Loaded::Unreadable(why.clone()),
                (_, Some((d, _))) => Loaded::Doc(d.clone()),
                (_, None) => Loaded::Gone,
            })
            .collect()
    }
}

pub fn doc(status: &str, id: &str, title: &str, body: &str, events: &[(&str, &str)]) -> TicketDoc {
    TicketDoc {
        key: format!("{status}/{id}"),
        id: id.into(),
        slug: id.into(),
        title: title.into(),
        status: status.into(),
        kind: "task".into(),
        labels: vec!["bench".into()],
        assignee: None,
        body: body.into(),
        events: events
            .iter()
            .map(|(k, b)| EventText {
                kind: k.to_string(),
                body: b.to_string(),
            })
            .collect(),
        resolution: (status == "closed").then(|| "Closed.\n".to_string()),
    }
}

pub fn request(q: &str) -> Request {
    Request {
        query: Query::parse(q).expect("query"),
        filters: Filters::default(),
        limit: 20,
    }
}

/// Hits as `(id, field, snippet)` with the score's bits, for exact comparison.
pub fn summary(found: &Found) -> Vec<(String, u32, String, String)> {
    found
        .hits
        .iter()
        .map(|h| {
            (
                h.id.clone(),
                h.score.to_bits(),
                h.field.name(),
                h.snippet.clone(),
            )
        })
        .collect()
}

/// A small backlog, half of it Japanese.
pub fn backlog(fake: &Fake) {
    let tickets = [
        (
            "open",
            "20260101-000001-parser",
            "Fix the parser",
            "The parser drops a byte at the end.",
            vec![("comment", "Seen again with CRLF files.")],
        ),
        (
            "closed",
            "20260101-000002-lock",
            "Writers take the lock",
            "Every write holds the lock.",
            vec![
                ("plan", "Take flock on .lock before the lookup."),
                ("close", "Done."),
            ],
        ),
        (
            "pending",
            "20260101-000003-scope",
            "Pod: scope 永続化",
            "Pod のスコープを永続化する。再起動後も残ること。",
            vec![
                ("decision", "永続化はファイルで行う。"),
                ("review", "Looks good."),
            ],
        ),
        (
            "open",
            "20260101-000004-design",
            "設計レビュー",
            "ワークフローの設計を見直す。",
            vec![
                ("comment", "設計書はまだ。"),
                ("implementation_report", "ワーク項目の一覧を作った。"),
            ],
        ),
        (
            "closed",
            "20260101-000005-cafe",
            "Café menu encoding",
            "Accents like naïve and Éte must be found.",
            vec![("migration", "Moved from the old tracker.")],
        ),
        (
            "open",
            "20260101-000006-parsing",
            "Parsing speed",
            "Parsing threads is slow; the parser reads every line.",
            vec![],
        ),
    ];
    for (status, id, title, body, events) in tickets {
        fake.put(doc(status, id, title, body, &events));
    }
}
