//! The merges of docs/format.md, "Merging": hand-made three-way cases (concurrent comments, a
//! field edited on both sides, label add against remove, body edits on the same and on different
//! lines, CRLF files, files written by the original script), then properties over hostile
//! strings: every event of either side is in the merged thread exactly once, the merge is the
//! same whichever side is ours, merging again changes nothing, and no conflict marker appears.

use proptest::prelude::*;
use ticket_format::frontmatter;
use ticket_format::merge::{Identity, last_status, merge_item, merge_threads, split_events};
use ticket_format::thread::{self, Header};

fn header(kind: &str, at: &str, id: Option<&str>, status: Option<&str>) -> Header {
    Header {
        kind: kind.into(),
        author: "agent one".into(),
        at: at.into(),
        status: status.map(str::to_owned),
        refs: None,
        id: id.map(str::to_owned),
    }
}

fn create(id: Option<&str>) -> String {
    thread::first_event(
        &header("create", "2026-01-01T00:00:00Z", id, None),
        "Created",
        "Created by tickets.sh create.",
    )
}

fn event(kind: &str, at: &str, id: Option<&str>, body: &str) -> String {
    thread::appended_event(&header(kind, at, id, None), "Comment", body)
}

fn ids(text: &str) -> Vec<Identity> {
    split_events(text)
        .1
        .into_iter()
        .map(|e| e.identity)
        .collect()
}

#[test]
fn concurrent_comments_are_both_kept_once_in_time_order() {
    let base = create(Some("c0"));
    let ours = format!(
        "{base}{}",
        event("comment", "2026-01-01T00:00:09Z", Some("o1"), "ours")
    );
    let theirs = format!(
        "{base}{}{}",
        event("comment", "2026-01-01T00:00:05Z", Some("t1"), "theirs"),
        event(
            "comment",
            "2026-01-01T00:00:10Z",
            Some("t2"),
            "theirs again"
        )
    );
    let m = merge_threads(Some(&base), &ours, &theirs);
    let expected = format!(
        "{base}{}{}{}",
        event("comment", "2026-01-01T00:00:05Z", Some("t1"), "theirs"),
        event("comment", "2026-01-01T00:00:09Z", Some("o1"), "ours"),
        event(
            "comment",
            "2026-01-01T00:00:10Z",
            Some("t2"),
            "theirs again"
        )
    );
    assert_eq!(m.text, expected);
    assert_eq!(m.creates.len(), 1);
    assert_eq!(
        merge_threads(Some(&base), &theirs, &ours).text,
        expected,
        "symmetric"
    );
    assert_eq!(
        merge_threads(Some(&base), &m.text, &ours).text,
        expected,
        "idempotent"
    );
    // Every event parses back with its body.
    let parsed = thread::parse(&m.text);
    assert_eq!(parsed.events.len(), 4);
    assert!(
        parsed
            .events
            .iter()
            .all(|e| e.header.is_ok() && e.terminated)
    );
}

#[test]
fn threads_of_the_original_script_merge_by_bytes() {
    // tickets.sh writes no ids: its events are identified by their bytes.
    let base = create(None);
    let a = event("comment", "2026-01-01T00:00:01Z", None, "from a");
    let b = event("comment", "2026-01-01T00:00:01Z", None, "from b");
    let both = event("comment", "2026-01-01T00:00:02Z", None, "+1");
    let ours = format!("{base}{a}{both}");
    let theirs = format!("{base}{b}{both}");
    let m = merge_threads(Some(&base), &ours, &theirs);
    let got = ids(&m.text);
    assert_eq!(got.len(), 4, "{}", m.text);
    assert!(m.text.starts_with(&base));
    // The same bytes added on both sides are one event, as git takes the same change made on
    // both sides once: without an id, nothing tells two apart (same author, same second, same
    // text), and counting both would make a merge of the result with itself grow.
    assert_eq!(m.text.matches("\n+1\n").count(), 1);
    assert_eq!(merge_threads(Some(&base), &m.text, &m.text).text, m.text);
    // Already merged: nothing doubles.
    assert_eq!(merge_threads(Some(&ours), &m.text, &ours).text, m.text);
    // An event from the base stays once even when both sides have it.
    assert_eq!(m.text.matches("Created by tickets.sh create.").count(), 1);
}

#[test]
fn crlf_threads_keep_their_line_endings() {
    let crlf = |s: String| s.replace('\n', "\r\n");
    let base = crlf(create(None));
    let ours = format!(
        "{base}{}",
        crlf(event("comment", "2026-01-01T00:00:01Z", None, "o"))
    );
    let theirs = format!(
        "{base}{}",
        crlf(event("comment", "2026-01-01T00:00:02Z", None, "t"))
    );
    let m = merge_threads(Some(&base), &ours, &theirs);
    assert_eq!(
        m.text,
        format!(
            "{ours}{}",
            crlf(event("comment", "2026-01-01T00:00:02Z", None, "t"))
        )
    );
    assert!(
        !m.text.replace("\r\n", "").contains('\n'),
        "every line ends with CRLF"
    );
}

#[test]
fn two_creates_are_reported_and_status_comes_from_the_last_move() {
    let ours = create(Some("a"));
    let theirs = create(Some("b"));
    let m = merge_threads(None, &ours, &theirs);
    assert_eq!(m.creates.len(), 2);
    let moved = format!(
        "{ours}{}{}",
        thread::appended_event(
            &header(
                "status",
                "2026-01-02T00:00:00Z",
                Some("s1"),
                Some("pending")
            ),
            "Status",
            "from: open\nto: pending\n"
        ),
        thread::appended_event(
            &header("close", "2026-01-03T00:00:00Z", Some("c1"), Some("closed")),
            "Closed",
            "Done.\n"
        )
    );
    assert_eq!(last_status(&ours).as_deref(), Some("open"));
    assert_eq!(last_status(&moved).as_deref(), Some("closed"));
}

fn item(title: &str, labels: &str, updated: &str, extra: &str, body: &str) -> String {
    format!(
        "---\nid: 20260101-000000-x\nslug: x\ntitle: {title}\nstatus: open\nkind: task\npriority: P2\nlabels: {labels}\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: {updated}\nassignee: null\nlegacy_ticket: null\n{extra}---\n{body}"
    )
}

const T0: &str = "2026-01-01T00:00:00Z";
const T1: &str = "2026-01-01T00:00:01Z";
const T2: &str = "2026-01-01T00:00:02Z";
const BODY: &str = "\n## Background\n\nline one\nline two\nline three\nline four\nline five\n";

#[test]
fn item_merges_field_by_field() {
    let base = item("Title", "[a, b]", T0, "", BODY);
    // (name, ours, theirs, merged, lost keys)
    let cases: Vec<(&str, String, String, String, Vec<&str>)> = vec![
        (
            "different fields on each side",
            item("New title", "[a, b]", T1, "", BODY),
            item("Title", "[a, b]", T2, "readiness: blocked\n", BODY),
            item("New title", "[a, b]", T2, "readiness: blocked\n", BODY),
            vec![],
        ),
        (
            "the same field on both sides: the later edit wins, the other is recorded",
            item("Ours", "[a, b]", T2, "", BODY),
            item("Theirs", "[a, b]", T1, "", BODY),
            item("Ours", "[a, b]", T2, "", BODY),
            vec!["title"],
        ),
        (
            "label add against label remove",
            item("Title", "[a, b, c]", T1, "", BODY),
            item("Title", "[b]", T2, "", BODY),
            item("Title", "[b, c]", T2, "", BODY),
            vec![],
        ),
        (
            "relation lists merge as sets; an emptied one goes",
            item("Title", "[a, b]", T1, "depends_on: [p]\n", BODY),
            item("Title", "[a, b]", T2, "depends_on: [q]\n", BODY),
            item("Title", "[a, b]", T2, "depends_on: [p, q]\n", BODY),
            vec![],
        ),
        (
            "body edits on different lines",
            item(
                "Title",
                "[a, b]",
                T1,
                "",
                &BODY.replace("line one", "line 1"),
            ),
            item(
                "Title",
                "[a, b]",
                T2,
                "",
                &BODY.replace("line five", "line 5"),
            ),
            item(
                "Title",
                "[a, b]",
                T2,
                "",
                &BODY
                    .replace("line one", "line 1")
                    .replace("line five", "line 5"),
            ),
            vec![],
        ),
        (
            "body edits on the same line: the later side's kept, the other recorded",
            item(
                "Title",
                "[a, b]",
                T1,
                "",
                &BODY.replace("line three", "ours"),
            ),
            item(
                "Title",
                "[a, b]",
                T2,
                "",
                &BODY.replace("line three", "theirs"),
            ),
            item(
                "Title",
                "[a, b]",
                T2,
                "",
                &BODY.replace("line three", "theirs"),
            ),
            vec!["body"],
        ),
    ];
    for (name, ours, theirs, merged, lost) in cases {
        let m = merge_item(Some(&base), &ours, &theirs);
        assert_eq!(m.text, merged, "{name}");
        let keys: Vec<&str> = m.lost.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, lost, "{name}");
        assert!(!m.text.contains("<<<<<<<"), "{name}");
    }
    let m = merge_item(
        Some(&base),
        &item("Ours", "[a, b]", T2, "", BODY),
        &item("Theirs", "[a, b]", T1, "", BODY),
    );
    assert_eq!(m.lost[0].lost.as_deref(), Some("Theirs"));
    assert_eq!(m.lost[0].kept.as_deref(), Some("Ours"));
}

#[test]
fn crlf_and_hand_written_items_keep_their_bytes() {
    let crlf = |s: String| s.replace('\n', "\r\n");
    let base = crlf(item("Title", "[a]", T0, "owner: 'me' # hand\n", BODY));
    let ours = crlf(item(
        "Title",
        "[a]",
        T1,
        "owner: 'me' # hand\n",
        &BODY.replace("two", "2"),
    ));
    let theirs = crlf(item(
        "\"Quoted: title\"",
        "[a]",
        T2,
        "owner: 'me' # hand\n",
        BODY,
    ));
    let m = merge_item(Some(&base), &ours, &theirs);
    assert_eq!(
        m.text,
        crlf(item(
            "\"Quoted: title\"",
            "[a]",
            T2,
            "owner: 'me' # hand\n",
            &BODY.replace("two", "2")
        ))
    );
    assert!(m.lost.is_empty());
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ]{0,6}",
            Just(": ".to_owned()),
            Just("\"".to_owned()),
            Just("---".to_owned()),
            Just("\n---\n".to_owned()),
            Just("\n<!-- event: comment author: x at: 2026-01-01T00:00:00Z -->\n".to_owned()),
            Just("\\<!-- event:".to_owned()),
            Just("<<<<<<< ours\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("\n".to_owned()),
            Just("永続化".to_owned()),
        ],
        0..6,
    )
    .prop_map(|p| p.concat())
}

/// An event to add: (seconds, has an id, body).
fn new_event() -> impl Strategy<Value = (u8, bool, String)> {
    (0u8..30, any::<bool>(), hostile())
}

fn build(base: &str, events: &[(u8, bool, String)], side: &str) -> String {
    let mut text = base.to_owned();
    for (n, (sec, has_id, body)) in events.iter().enumerate() {
        let id = format!("{side}{n}");
        let at = format!("2026-01-01T00:00:{sec:02}Z");
        text.push_str(&event("comment", &at, has_id.then_some(id.as_str()), body));
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn thread_union_keeps_every_event_once(
        shared in prop::collection::vec(new_event(), 0..4),
        ours_new in prop::collection::vec(new_event(), 0..5),
        theirs_new in prop::collection::vec(new_event(), 0..5),
    ) {
        let base = build(&create(Some("c")), &shared, "b");
        let ours = build(&base, &ours_new, "o");
        let theirs = build(&base, &theirs_new, "t");
        let m = merge_threads(Some(&base), &ours, &theirs);
        let merged = thread::parse(&m.text);
        // An event's identity is its id, else its bytes (here: time and body): each identity
        // as many times as the side that has it most often.
        let identities = |side: &str, new: &[(u8, bool, String)]| {
            let mut count: std::collections::BTreeMap<String, (usize, String)> = Default::default();
            for (n, (sec, has_id, body)) in shared.iter().map(|e| ("b", e)).chain(new.iter().map(|e| (side, e))).enumerate().map(|(i, (s, e))| ((s, i), e)) {
                let key = if *has_id {
                    let k = if n.0 == "b" { n.1 } else { n.1 - shared.len() };
                    format!("id {}{k}", n.0)
                } else {
                    format!("bytes {sec} {body:?}")
                };
                count.entry(key).or_insert((0, body.clone())).0 += 1;
            }
            count
        };
        let (o, t) = (identities("o", &ours_new), identities("t", &theirs_new));
        let mut want: Vec<String> = Vec::new();
        for key in o.keys().chain(t.keys()).collect::<std::collections::BTreeSet<_>>() {
            let (n, body) = o.get(key).or_else(|| t.get(key)).cloned().unwrap_or_default();
            let times = n.max(t.get(key).map_or(0, |x| x.0));
            want.extend(std::iter::repeat_n(body, times));
        }
        prop_assert_eq!(merged.events.len(), 1 + want.len());
        // Every event's body comes back byte for byte.
        let mut got: Vec<String> = merged.events.iter().skip(1).map(|e| e.body.clone()).collect();
        want.sort();
        got.sort();
        prop_assert_eq!(got, want);
        prop_assert!(m.text.starts_with(&base));
        prop_assert_eq!(merged.events[0].header.as_ref().map(|h| h.kind.clone()), Ok("create".to_owned()));
        prop_assert_eq!(m.text.matches("<<<<<<<").count(),
            ours.matches("<<<<<<<").count() + theirs.matches("<<<<<<<").count() - base.matches("<<<<<<<").count());
        prop_assert_eq!(&merge_threads(Some(&base), &theirs, &ours).text, &m.text);
        prop_assert_eq!(&merge_threads(Some(&ours), &m.text, &ours).text, &m.text);
        prop_assert_eq!(&merge_threads(Some(&base), &m.text, &m.text).text, &m.text);
    }

    #[test]
    fn item_merge_keeps_both_sides_changes(
        title in hostile(),
        body_line in hostile(),
        crlf in any::<bool>(),
        theirs_title in prop::option::of(hostile()),
    ) {
        let enc = |v: &str| ticket_format::scalar::encode_scalar(v, false);
        let eol = |s: String| if crlf { s.replace('\n', "\r\n") } else { s };
        let base = eol(item("T", "[a]", T0, "", BODY));
        let ours = eol(item(&enc(&title), "[a, o]", T1, "", BODY)) + &body_line;
        let theirs_t = theirs_title.as_deref().map(enc).unwrap_or_else(|| "T".into());
        let theirs = eol(item(&theirs_t, "[a, t]", T2, "", BODY));
        let m = merge_item(Some(&base), &ours, &theirs);
        let fm = frontmatter::parse(&m.text).expect("the merge reads");
        prop_assert_eq!(fm.entry("labels").map(|e| e.list()), Some(Ok(vec!["a".into(), "o".into(), "t".into()])));
        prop_assert_eq!(fm.entry("updated_at").map(|e| e.text()), Some(T2.to_owned()));
        let want_title = match &theirs_title {
            None => title.clone(),
            Some(t) => t.clone(),
        };
        prop_assert_eq!(fm.entry("title").map(|e| e.text()), Some(want_title));
        let title_conflict = theirs_title.as_deref().is_some_and(|t| enc(t) != enc(&title) && enc(&title) != "T" && enc(t) != "T");
        prop_assert_eq!(m.lost.iter().any(|l| l.key == "title"), title_conflict);
        prop_assert!(m.text[fm.body_start..].ends_with(&body_line));
        prop_assert_eq!(&merge_item(Some(&base), &m.text, &theirs).text, &m.text);
    }
}
