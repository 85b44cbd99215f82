//! aticket-cli records through import, storage and export: every column comes back, with
//! hostile strings anywhere; a rendered TICKET.md reads back into the record it came from;
//! forks and squashes become links wherever the tool keeps them.

use proptest::prelude::*;
use ticket_domain::{RelationKind, Timestamp};
use ticket_fmt_aticket::record::{self, Row, Sql, col, set};
use ticket_fmt_aticket::{Record, Source, export, import, links, render};
use ticket_format::foreign::through_storage;

fn row(cols: &[(&str, &str)], values: &[(&str, Sql)]) -> Row {
    cols.iter()
        .map(|(c, _)| {
            let v = values
                .iter()
                .find(|(k, _)| k == c)
                .map_or(Sql::Null, |(_, v)| v.clone());
            ((*c).to_owned(), v)
        })
        .collect()
}

fn text(s: &str) -> Sql {
    Sql::Text(s.to_owned())
}

fn record(
    goal: &str,
    context: &str,
    must: &[String],
    log: &str,
    message: &str,
    sender: &str,
) -> Record {
    let list = |items: &[String]| render::compact_utf8(&ticket_format::json::Json::strings(items));
    Record {
        dir: "2026-11-24-fix-login-timeout-111710".into(),
        meta: row(
            &record::META_COLUMNS,
            &[
                (
                    "ticket_dir",
                    text("/t/tickets/2026-11-24-fix-login-timeout-111710"),
                ),
                ("title", text("# Ticket: 2026-11-24 fix-login-timeout")),
                ("created_at", text("2026-11-24T11:17:10+08:00")),
                ("updated_at", text("2026-11-25T00:05:00+08:00")),
                ("lifecycle_state", text("ACTIVE")),
                ("owner_label", text(sender)),
                ("owner_last_action", text("claim")),
                ("render_revision", Sql::Int(6)),
                ("rendered_revision", Sql::Int(6)),
                ("schema_version", Sql::Int(8)),
            ],
        ),
        view: row(
            &record::VIEW_COLUMNS,
            &[
                ("singleton", Sql::Int(1)),
                ("goal", text(goal)),
                ("short_context", text(context)),
                (
                    "must_remember",
                    if must.is_empty() {
                        Sql::Null
                    } else {
                        text(&list(must))
                    },
                ),
                (
                    "items",
                    text(&list(&["file:///a b".into(), "https://x/y,z".into()])),
                ),
                (
                    "work_log_md",
                    if log.is_empty() { Sql::Null } else { text(log) },
                ),
                ("updated_at", text("2026-11-25T00:05:00+08:00")),
            ],
        ),
        notices: vec![row(
            &record::NOTICE_COLUMNS,
            &[
                ("id", Sql::Int(7)),
                ("created_at", text("2026-11-24T23:59:00+08:00")),
                ("message", text(message)),
                ("with_items_json", text("[]")),
                ("sender", text(sender)),
                ("archived_delivery", Sql::Int(0)),
            ],
        )],
        fork_json: None,
        squash_json: Some("{\n  \"sources\": []\n}\n".into()),
        source: Source::Sqlite,
    }
}

fn now() -> Timestamp {
    "2026-07-01T00:00:00Z".parse().expect("valid")
}

fn round_trip(r: &Record) -> Record {
    let imported = import(r, now());
    let stored = through_storage(&imported.ticket).expect("reads back");
    assert_eq!(stored.summary, imported.ticket.summary);
    assert_eq!(stored.events, imported.ticket.events);
    export(&stored, "/t/tickets")
}

#[test]
fn every_column_comes_back() {
    let r = record(
        "Fix it.",
        "## Goal\nnot a section\n",
        &["a".into(), "b, c".into()],
        "- 11:17:10: Claimed.\nnot a bullet\n- 00:04:59: after midnight",
        "line one\\nline two --> <!-- event: x",
        "agents://claude/abc",
    );
    let back = round_trip(&r);
    assert_eq!(back.meta, r.meta);
    assert_eq!(back.view, r.view);
    assert_eq!(back.notices, r.notices);
    assert_eq!(back.squash_json, r.squash_json);
}

#[test]
fn rendered_ticket_md_reads_back() {
    let r = record(
        "Goal",
        "Context",
        &["pin".into()],
        "- 10:00:00: x",
        "hello",
        "agents://codex/1",
    );
    let md = render::render(&r, "2026-11-25T00:05:00+08:00");
    let parsed = render::parse(&md, &r.dir);
    assert_eq!(col(&parsed.view, "goal"), &text("Goal"));
    assert_eq!(
        col(&parsed.view, "must_remember"),
        col(&r.view, "must_remember")
    );
    assert_eq!(col(&parsed.meta, "render_revision"), &Sql::Int(6));
    assert_eq!(parsed.notices.len(), 1);
    assert_eq!(col(&parsed.notices[0], "sender"), &text("agents://codex/1"));
    let mut again = parsed.clone();
    set(&mut again.meta, "render_revision", Sql::Int(6));
    assert_eq!(render::render(&again, "2026-11-25T00:05:00+08:00"), md);
}

#[test]
fn a_fork_section_reads_back_as_the_fork_it_shows() {
    let mut r = record("Goal", "", &[], "", "hi", "agents://codex/1");
    set(
        &mut r.meta,
        "fork_metadata_json",
        text(
            "{\"forked_from\": \"/code/tickets/2026-11-20-old-spike-090000\", \"copied_paths\": [\"artifacts/a.txt\", \"notes/b.md\"], \"snapshot_taken_at\": \"2026-11-26T10:10:10+00:00\", \"canonical_source_after_fork\": \"source\"}",
        ),
    );
    let md = render::render(&r, "2026-11-25T00:05:00+08:00");
    assert!(
        md.contains("## Fork\n- Forked from: /code/tickets/2026-11-20-old-spike-090000/\n"),
        "{md}"
    );
    let parsed = render::parse(&md, &r.dir);
    assert_eq!(
        col(&parsed.meta, "source_ticket_dir"),
        &text("/code/tickets/2026-11-20-old-spike-090000")
    );
    let mut again = parsed.clone();
    set(&mut again.meta, "render_revision", Sql::Int(6));
    assert_eq!(render::render(&again, "2026-11-25T00:05:00+08:00"), md);
}

/// A case of links: its name, the columns set, `state/fork.json`, the links expected.
type Case<'a> = (
    &'a str,
    Vec<(&'a str, Sql)>,
    Option<&'a str>,
    Vec<(String, RelationKind, String)>,
);

#[test]
fn forks_and_squashes_are_links_wherever_the_tool_keeps_them() {
    const HERE: &str = "aticket:2026-11-24-fix-login-timeout-111710";
    const SRC: &str = "aticket:2026-11-20-old-spike-090000";
    // (what the record holds, the links expected as (from, kind, to))
    let related = |from: &str, to: &str| (from.to_owned(), RelationKind::Related, to.to_owned());
    let supersedes =
        |from: &str, to: &str| (from.to_owned(), RelationKind::Supersedes, to.to_owned());
    let cases: Vec<Case> = vec![
        ("nothing", vec![], None, vec![]),
        (
            "fork by column",
            vec![(
                "source_ticket_dir",
                text("/code/tickets/2026-11-20-old-spike-090000"),
            )],
            None,
            vec![related(HERE, SRC)],
        ),
        (
            "fork by fork.json alone",
            vec![],
            Some("{\"forked_from\": \"/code/tickets/2026-11-20-old-spike-090000/\"}"),
            vec![related(HERE, SRC)],
        ),
        (
            "squashed, by directory",
            vec![(
                "squashed_into_ticket_dir",
                text("/code/tickets/2026-11-20-old-spike-090000"),
            )],
            None,
            vec![supersedes(SRC, HERE)],
        ),
        (
            "squashed, by URI (TICKET.md)",
            vec![(
                "squashed_into_ticket_uri",
                text("file:///code/tickets/2026-11-20-old-spike-090000/TICKET.md"),
            )],
            None,
            vec![supersedes(SRC, HERE)],
        ),
        (
            "a path that names no ticket directory",
            vec![("source_ticket_dir", text("/code/tickets/../etc"))],
            Some("not json"),
            vec![],
        ),
        (
            "a link to itself",
            vec![(
                "squashed_into_ticket_dir",
                text("/t/tickets/2026-11-24-fix-login-timeout-111710"),
            )],
            None,
            vec![],
        ),
    ];
    for (name, columns, fork_json, expected) in cases {
        let mut r = record("Goal", "", &[], "", "hi", "agents://codex/1");
        for (column, value) in columns {
            set(&mut r.meta, column, value);
        }
        r.fork_json = fork_json.map(str::to_owned);
        let got: Vec<_> = links(&r)
            .into_iter()
            .map(|l| (l.from, l.kind, l.to))
            .collect();
        assert_eq!(got, expected, "{name}");
        assert_eq!(import(&r, now()).links.len(), expected.len(), "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn hostile_strings_come_back(
        goal in "\\PC*|(## Goal|## Links|\n|<!-- event: |---|-->){0,6}",
        context in "\\PC*|(## Short context|\n\n|\r|\t){0,6}",
        must in proptest::collection::vec("\\PC{1,12}|(\n|\"|,|\\]){1,4}", 0..3),
        log in "((- [0-2][0-9]:[0-5][0-9]:[0-5][0-9]: )?[^\n]{0,12}\n){0,4}",
        message in "\\PC*|(\\\\n|-->|<!-- event:|\n){0,5}",
        sender in "\\PC{0,10}|(-->|\n| at: ){0,3}",
    ) {
        let r = record(&goal, &context, &must, &log, &message, &sender);
        let back = round_trip(&r);
        prop_assert_eq!(&back.meta, &r.meta);
        prop_assert_eq!(&back.view, &r.view);
        prop_assert_eq!(&back.notices, &r.notices);
    }
}
