//! The index and the scan give the same hits, in the same order, with the same scores.

use ticket_search::{Filters, How, SearchIndex};

use crate::fake::{Fake, backlog, request, summary};

const QUERIES: &[&str] = &[
    "parser",
    "PARSER",
    "pars*",
    "\"the parser\"",
    "lock",
    "永続化",
    "設計",
    "ワーク",
    "化",
    "cafe",
    "naive ete",
    "pod scope",
    "pod:scope",
    "\"every wr\"*",
    "moved",
    "done",
    "nothingmatchesthis",
];

#[test]
fn index_and_scan_agree_on_every_query() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    backlog(&fake);
    for q in QUERIES {
        let r = request(q);
        let (a, b) = (fake.search(&index, &r), fake.scan(&r));
        assert_eq!(summary(&a), summary(&b), "{q}");
        assert!(matches!(a.how, How::Index { .. }), "{q}: {:?}", a.how);
    }
}

#[test]
fn expected_hits() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    backlog(&fake);
    let ids = |q: &str| -> Vec<String> {
        fake.search(&index, &request(q))
            .hits
            .into_iter()
            .map(|h| format!("{}:{}", &h.id[16..], h.field.name()))
            .collect()
    };
    assert_eq!(ids("parser"), ["parser:title", "parsing:body"]);
    // "parsing" holds two terms of the prefix (parsing, parser), twice in its body.
    assert_eq!(ids("pars*"), ["parsing:body", "parser:title"]);
    assert_eq!(ids("\"the parser\""), ["parser:title", "parsing:body"]);
    assert_eq!(ids("永続化"), ["scope:title"]);
    assert_eq!(ids("再起動"), ["scope:body"]);
    assert_eq!(ids("設計"), ["design:title"]);
    assert_eq!(ids("ワーク"), ["design:body"]);
    assert_eq!(ids("naive ete"), ["cafe:body"]);
    assert_eq!(ids("CAFÉ"), ["cafe:title"]);
    assert_eq!(ids("moved"), ["cafe:event:migration"]);
    assert_eq!(ids("flock"), ["lock:event:plan"]);
    assert!(ids("nothingmatchesthis").is_empty());
}

#[test]
fn filters_keep_to_their_tickets() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    backlog(&fake);
    let run = |q: &str, filters: Filters| -> Vec<String> {
        let mut r = request(q);
        r.filters = filters;
        let a = fake.search(&index, &r);
        assert_eq!(summary(&a), summary(&fake.scan(&r)), "{q}");
        a.hits.into_iter().map(|h| h.id[16..].to_string()).collect()
    };
    let open = Filters {
        statuses: vec!["open".into()],
        ..Filters::default()
    };
    assert_eq!(run("parser", open), ["parser", "parsing"]);
    let closed = Filters {
        statuses: vec!["closed".into(), "pending".into()],
        ..Filters::default()
    };
    assert!(run("parser", closed).is_empty());
    let plans = Filters {
        event_kind: Some("plan".into()),
        ..Filters::default()
    };
    assert_eq!(run("lock", plans.clone()), ["lock"]);
    assert!(run("parser", plans).is_empty());
    let migrations = Filters {
        event_kind: Some("migration".into()),
        ..Filters::default()
    };
    assert_eq!(run("moved", migrations), ["cafe"]);
    let label = Filters {
        label: Some("bench".into()),
        kind: Some("task".into()),
        ..Filters::default()
    };
    assert_eq!(run("lock", label).len(), 1);
    let nobody = Filters {
        assignee: Some("ada".into()),
        ..Filters::default()
    };
    assert!(run("lock", nobody).is_empty());
}

#[test]
fn limit_and_ties_go_by_id() {
    let dir = tempfile::tempdir().expect("dir");
    let index = SearchIndex::new(dir.path().join("search"));
    let fake = Fake::default();
    for i in (0..30).rev() {
        fake.put(crate::fake::doc(
            "open",
            &format!("20260101-0000{i:02}-same"),
            "Same title",
            "same body",
            &[],
        ));
    }
    let mut r = request("same");
    r.limit = 5;
    let a = fake.search(&index, &r);
    let ids: Vec<&str> = a.hits.iter().map(|h| &h.id[..15]).collect();
    assert_eq!(
        ids,
        [
            "20260101-000000",
            "20260101-000001",
            "20260101-000002",
            "20260101-000003",
            "20260101-000004"
        ]
    );
    assert_eq!(summary(&a), summary(&fake.scan(&r)));
}
