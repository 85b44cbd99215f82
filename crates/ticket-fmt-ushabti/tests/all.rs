//! Ushabti files through import, storage and export: byte for byte, with the number bug fixed
//! and hostile text kept inert.

use proptest::prelude::*;
use ticket_domain::{TicketStatus, Timestamp};
use ticket_fmt_ushabti::{read, write, write_one};
use ticket_format::foreign::{ForeignFile, Kept, through_storage};

macro_rules! fixture {
    ($path:literal) => {
        ForeignFile {
            path: $path.into(),
            bytes: include_bytes!(concat!(
                "../../../tests/fixtures/ushabti/.ushabti/tickets/",
                $path
            ))
            .to_vec(),
        }
    };
}

fn fixtures() -> Vec<ForeignFile> {
    vec![
        fixture!("T0001-improve-error-messages.yaml"),
        fixture!("T0002-colons-in-titles.yaml"),
        fixture!("T0003-retry-failed-builds.yaml"),
        fixture!("T0005-hand-edited.yaml"),
        fixture!("T0006-hostile-text.yaml"),
        fixture!("T0007-broken.yaml"),
        fixture!("T0008-no-title.yaml"),
        fixture!(".archived/T0003-cache-phase-plans.yaml"),
        fixture!(".archived/T0004-drop-legacy-cards.yaml"),
    ]
}

fn now() -> Timestamp {
    "2026-07-01T00:00:00Z".parse().expect("valid")
}

#[test]
fn every_fixture_comes_back_byte_for_byte_through_storage() {
    let files = fixtures();
    let mut exact = 0;
    for (file, result) in files.iter().zip(read(&files, now())) {
        if file.path.contains("T0007") || file.path.contains("T0008") {
            let e = result.expect_err("not a ticket");
            assert!(e.to_string().starts_with(&file.path), "{e}");
            continue;
        }
        let imported = result.expect("imports");
        let stored = through_storage(&imported.ticket).expect("reads back");
        assert_eq!(stored.summary, imported.ticket.summary, "{}", file.path);
        let out = write_one(&stored).expect("writes");
        assert_eq!(out.path, file.path);
        assert_eq!(
            String::from_utf8_lossy(&out.bytes),
            String::from_utf8_lossy(&file.bytes),
            "{}",
            file.path
        );
        assert!(
            imported.notices.iter().all(|n| !n.contains("will not")),
            "{:?}",
            imported.notices
        );
        exact += 1;
    }
    assert_eq!(exact, 7);
}

#[test]
fn numbers_are_qualified_and_new_ones_follow_archived_ones() {
    let files = fixtures();
    let tickets: Vec<_> = read(&files, now())
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let legacy: Vec<_> = tickets
        .iter()
        .filter_map(|i| i.ticket.legacy_ticket.clone())
        .collect();
    assert!(
        legacy.contains(&"ushabti:T0003-retry-failed-builds.yaml".to_owned()),
        "{legacy:?}"
    );
    assert!(legacy.contains(&"ushabti:.archived/T0003-cache-phase-plans.yaml".to_owned()));
    assert!(legacy.contains(&"ushabti:T0001".to_owned()));
    let archived = tickets
        .iter()
        .find(|i| i.path.contains("T0004"))
        .expect("archived");
    assert_eq!(archived.ticket.status, TicketStatus::Closed);
    let kept = Kept::new("ushabti", &archived.ticket.summary);
    assert_eq!(kept.text("created").as_deref(), Some("2026-02-06"));
    assert_eq!(
        archived.ticket.created_at.to_string(),
        "2026-02-06T00:00:00Z"
    );
    // A ticket of ours gets the next number over active and archived files: T0006 is the
    // highest active one here, T0009 archived.
    let mut ours = tickets[0].ticket.clone();
    ours.summary.extra.clear();
    let existing = [
        "T0006-x.yaml".to_owned(),
        ".archived/T0009-y.yaml".to_owned(),
    ];
    let out = write(&[ours], &existing);
    let file = out[0].as_ref().expect("writes");
    assert!(file.path.starts_with("T0010-"), "{}", file.path);
    // A ticket whose file exists is refused; one whose number is taken by another file is
    // renumbered.
    let t1 = tickets[0].ticket.clone();
    let refused = write(
        std::slice::from_ref(&t1),
        &["T0001-improve-error-messages.yaml".to_owned()],
    );
    assert!(
        refused[0]
            .as_ref()
            .expect_err("exists")
            .to_string()
            .contains("never overwrites")
    );
    // A ticket without a number written before one that keeps its own never takes it.
    let mut first = tickets[0].ticket.clone();
    first.summary.extra.clear();
    let both = write(&[first, tickets[1].ticket.clone()], &[]);
    let paths: Vec<&str> = both
        .iter()
        .map(|r| r.as_ref().expect("writes").path.as_str())
        .collect();
    assert_eq!(paths[1], "T0002-colons-in-titles.yaml");
    assert!(paths[0].starts_with("T0003-"), "{paths:?}");
    let renumbered = write(&[t1], &["T0001-other.yaml".to_owned()]);
    let file = renumbered[0].as_ref().expect("writes");
    assert!(file.path.starts_with("T0002-"), "{}", file.path);
    assert!(String::from_utf8_lossy(&file.bytes).starts_with("id: T0002\n"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any title and texts: import, storage and export give the same bytes back.
    #[test]
    fn hostile_strings_round_trip(
        title in "\\PC{1,20}|[\"'\\\\\n\t<>!:#|-]{1,12}",
        context in "\\PC*|(<!-- event: |---|\\\\|\n|  |-->|\t){0,6}",
        work in "\\PC*|(<!-- event: |---|\n|# ){0,6}",
    ) {
        let text = format!(
            "{}{}{}{}{}{}",
            ticket_fmt_ushabti::yaml::scalar("id", "T0042"),
            ticket_fmt_ushabti::yaml::scalar("title", &title),
            "created: 2026-02-01\n",
            "priority: medium\n",
            ticket_fmt_ushabti::yaml::block("context", &context),
            ticket_fmt_ushabti::yaml::block("proposed_work", &work),
        );
        let file = ForeignFile { path: "T0042-x.yaml".into(), bytes: text.into_bytes() };
        let imported = read(std::slice::from_ref(&file), now()).remove(0).expect("imports");
        prop_assert_eq!(imported.ticket.body.as_str(), context.as_str());
        let stored = through_storage(&imported.ticket).expect("reads back");
        let out = write_one(&stored).expect("writes");
        prop_assert_eq!(String::from_utf8_lossy(&out.bytes), String::from_utf8_lossy(&file.bytes));
    }
}
