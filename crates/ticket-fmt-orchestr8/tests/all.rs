//! Orchestr8 files through import, storage and export: byte for byte, with the source's bugs
//! fixed and hostile text kept inert.

use proptest::prelude::*;
use ticket_domain::{TicketStatus, Timestamp};
use ticket_fmt_orchestr8::{read, write, write_one};
use ticket_format::foreign::{ForeignFile, Kept, through_storage};

macro_rules! fixture {
    ($path:literal) => {
        ForeignFile {
            path: $path.into(),
            bytes: include_bytes!(concat!("../../../tests/fixtures/orchestr8/tickets/", $path))
                .to_vec(),
        }
    };
}

fn fixtures() -> Vec<ForeignFile> {
    vec![
        fixture!("a1b2c3d4.json"),
        fixture!("e5f60718.json"),
        fixture!("5ee5f00d.json"),
        fixture!("archive/0badc0de.json"),
        fixture!("archive/9f8e7d6c.json"),
        fixture!("9f8e7d6c.json"),
        fixture!("0dd1ce55.json"),
        fixture!("feedf00d.json"),
        fixture!("hostile-id.json"),
        fixture!("broken.json"),
        fixture!("nokeys.json"),
    ]
}

fn now() -> Timestamp {
    "2026-07-01T00:00:00Z".parse().expect("valid")
}

#[test]
fn every_fixture_comes_back_byte_for_byte_through_storage() {
    let files = fixtures();
    let results = read(&files, now());
    let mut exact = 0;
    for (file, result) in files.iter().zip(&results) {
        match file.path.as_str() {
            "broken.json" | "nokeys.json" => {
                let e = result.as_ref().expect_err("not a ticket");
                assert!(e.to_string().starts_with(&file.path), "{e}");
                continue;
            }
            _ => {}
        }
        let imported = result.as_ref().expect("imports");
        let stored = through_storage(&imported.ticket).expect("reads back");
        assert_eq!(stored.summary, imported.ticket.summary, "{}", file.path);
        assert_eq!(stored.events, imported.ticket.events, "{}", file.path);
        if file.path == "hostile-id.json" {
            assert!(
                write_one(&stored).is_err(),
                "an id with / is never a file name"
            );
            continue;
        }
        let out = write_one(&stored).expect("writes");
        assert_eq!(out.path, file.path);
        assert_eq!(
            String::from_utf8_lossy(&out.bytes),
            String::from_utf8_lossy(&file.bytes),
            "{}",
            file.path
        );
        exact += 1;
    }
    assert_eq!(exact, 8);
}

#[test]
fn the_sources_bugs_are_fixed_and_said() {
    let files = fixtures();
    let results = read(&files, now());
    let get = |path: &str| {
        let i = files.iter().position(|f| f.path == path).expect("fixture");
        results[i].as_ref().expect("imports")
    };
    let stale = get("archive/0badc0de.json");
    assert_eq!(stale.ticket.status, TicketStatus::Closed);
    assert!(
        stale.notices.iter().any(|n| n.contains("archive/")),
        "{:?}",
        stale.notices
    );
    assert_eq!(
        stale.ticket.legacy_ticket.as_deref(),
        Some("orchestr8:0badc0de")
    );
    let (a, b) = (get("archive/9f8e7d6c.json"), get("9f8e7d6c.json"));
    assert_eq!(
        a.ticket.legacy_ticket.as_deref(),
        Some("orchestr8:archive/9f8e7d6c.json")
    );
    assert_eq!(
        b.ticket.legacy_ticket.as_deref(),
        Some("orchestr8:9f8e7d6c.json")
    );
    assert_eq!(b.ticket.status, TicketStatus::Open);
    let esc = get("e5f60718.json");
    assert_eq!(esc.ticket.priority, "P1");
    assert_eq!(esc.ticket.status, TicketStatus::Pending);
    // The second note's time is after midnight: the next day, marked inferred, raw time kept.
    let notes: Vec<_> = esc
        .ticket
        .events
        .iter()
        .filter(|e| e.kind.as_str() == "note")
        .collect();
    assert_eq!(notes[1].at.to_string(), "2026-02-17T00:01:59Z");
    assert_eq!(
        ticket_format::foreign::get_attr(notes[1], "orchestr8", "time"),
        Some("00:01:59")
    );
    let kept = Kept::new("orchestr8", &esc.ticket.summary);
    assert_eq!(
        kept.text("created_at").as_deref(),
        Some("2026-02-16T23:58:10.123456")
    );
    assert_eq!(
        kept.list("inferred"),
        ["created_at", "updated_at", "notes.date"]
    );
}

#[test]
fn exports_never_overwrite_and_new_ids_are_free() {
    let files = fixtures();
    let tickets: Vec<_> = read(&files, now())
        .into_iter()
        .filter_map(Result::ok)
        .map(|i| i.ticket)
        .collect();
    let out = write(&tickets, &|p: &str| p == "a1b2c3d4.json");
    let refused: Vec<_> = out
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|e| e.to_string())
        .collect();
    assert!(
        refused
            .iter()
            .any(|e| e.contains("a1b2c3d4.json") && e.contains("never overwrites")),
        "{refused:?}"
    );
    // A ticket of ours (no Orchestr8 id) gets a fresh one.
    let mut ours = tickets[0].clone();
    ours.summary.extra.clear();
    let fresh = write(&[ours], &|_| false);
    let file = fresh[0].as_ref().expect("writes");
    assert_eq!(file.path.len(), "01234567.json".len(), "{}", file.path);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any strings in any field: import, storage and export give the same bytes back.
    #[test]
    fn hostile_strings_round_trip(
        title in "\\PC{1,20}|[\"\\\\\n\r\t<>!-]{1,12}",
        text in "\\PC*|(<!-- event: |---|\\\\|\n|\r|-->){0,6}",
        author in "\\PC*|(-->|\n|author: | at: ){0,4}",
        fiefdom in "\\PC{0,12}",
        hms in "[0-2][0-9]:[0-5][0-9]:[0-5][0-9]",
    ) {
        let note = format!(
            "{{\"time\": {}, \"author\": {}, \"text\": {}}}",
            js(&hms), js(&author), js(&text)
        );
        let body = format!(
            "{{\"id\": \"0a0b0c0d\", \"fiefdom\": {}, \"status\": \"open\", \"title\": {}, \"description\": {}, \"errors\": [], \"warnings\": [], \"context\": {{}}, \"created_at\": \"2026-02-16T10:30:00.000000\", \"updated_at\": \"2026-02-16T10:30:00.000000\", \"notes\": [{note}]}}",
            js(&fiefdom), js(&title), js(&text)
        );
        let doc = ticket_format::json::parse(&body).expect("json");
        let bytes = ticket_format::json::write(&doc, ticket_format::json::PYTHON_INDENT_2).into_bytes();
        let file = ForeignFile { path: "0a0b0c0d.json".into(), bytes };
        let imported = read(std::slice::from_ref(&file), now()).remove(0).expect("imports");
        let stored = through_storage(&imported.ticket).expect("reads back");
        prop_assert_eq!(&stored.events, &imported.ticket.events);
        let out = write_one(&stored).expect("writes");
        prop_assert_eq!(String::from_utf8_lossy(&out.bytes), String::from_utf8_lossy(&file.bytes));
    }
}

fn js(s: &str) -> String {
    ticket_format::json::compact(&ticket_format::json::Json::String(s.to_owned()))
}
