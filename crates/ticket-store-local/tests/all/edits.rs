//! Edits through the local backend, as properties over hostile values: what an edit sets reads
//! back; only the lines it changes (and `updated_at`) are rewritten, every other byte of a
//! hand-edited ticket stays; and the record its `edit` event keeps replays it, byte for byte,
//! on the item.md it started from (what a later merge of two clones does).

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use ticket_domain::{
    BodyEdit, Edit, EditRecord, EventKind, FieldEdit, Label, MarkdownText, RefList, TicketBackend,
    TicketBackendExt,
};
use ticket_format::frontmatter;

use crate::support::{backend, clock, q};

/// A hand-edited ticket: a block list, a comment line, quoted and unknown keys.
const HAND: &str = "---\nid: 20260101-000000-hand\nslug: hand\ntitle: \"Hand: edited\"\nstatus: open\nkind: 'it''s'\npriority: P2\nlabels:\n  - one\n  - two\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nassignee: null\nlegacy_ticket: null\n# a comment someone left\nowner_team: 'platform'\nx-custom: [a, b]\n---\nBody with\n---\na rule.\n";

fn write_hand(root: &Path) -> std::path::PathBuf {
    let dir = root.join("open/20260101-000000-hand");
    fs::create_dir_all(dir.join("artifacts")).expect("mkdir");
    fs::write(dir.join("item.md"), HAND).expect("item");
    fs::write(dir.join("thread.md"), "<!-- event: create author: a at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n").expect("thread");
    dir
}

/// Strings people and tools write into fields: colons, quotes, brackets, commas, `null`,
/// leading spaces, `#`, `---`, non-ASCII, tabs and line breaks (quoted when written).
fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9 ]{1,6}",
            Just(": ".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("[x, y]".to_owned()),
            Just(",".to_owned()),
            Just("null".to_owned()),
            Just(" ".to_owned()),
            Just("#".to_owned()),
            Just("---".to_owned()),
            Just("永続化".to_owned()),
            Just("\\".to_owned()),
            Just("\t".to_owned()),
            Just("\n".to_owned()),
            Just("<!-- event: x -->".to_owned()),
        ],
        1..5,
    )
    .prop_map(|p| p.concat())
}

/// One-line values (names, flags, references refuse control characters).
fn one_line() -> impl Strategy<Value = String> {
    hostile()
        .prop_map(|s| s.replace(['\t', '\n'], "_"))
        .prop_filter("not empty", |s| !s.is_empty())
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("owner_team".to_owned()),
        Just("x-custom".to_owned()),
        "[a-z_][a-z0-9_.-]{0,8}"
            .prop_filter("not a known key", |k| { !ticket_format::keys::is_known(k) }),
    ]
}

fn body_edit() -> impl Strategy<Value = Option<BodyEdit>> {
    prop_oneof![
        Just(None),
        hostile().prop_map(|b| Some(BodyEdit::Whole(MarkdownText::new(b)))),
        hostile().prop_map(|new| Some(BodyEdit::Replace {
            old: "---\n".into(),
            new,
            all: false,
        })),
    ]
}

/// One field operation with hostile values.
fn field_edit() -> impl Strategy<Value = FieldEdit> {
    prop_oneof![
        hostile()
            .prop_filter("a title", |t| !t.is_empty())
            .prop_map(FieldEdit::Title),
        hostile()
            .prop_filter("a kind", |t| !t.is_empty())
            .prop_map(FieldEdit::Kind),
        "[a-z][a-z0-9-]{0,6}"
            .prop_map(|l| FieldEdit::AddLabels(vec![Label::new(l).expect("a valid label")])),
        Just(FieldEdit::RemoveLabels(vec![
            Label::new("one").expect("valid")
        ])),
        prop::option::of(one_line()).prop_map(FieldEdit::Assignee),
        prop::option::of(one_line()).prop_map(FieldEdit::LegacyTicket),
        any::<bool>().prop_map(FieldEdit::NeedsPreflight),
        one_line().prop_map(|f| FieldEdit::AddRiskFlags(vec![f])),
        one_line().prop_map(|u| FieldEdit::AddRefs(RefList::Urls, vec![u])),
        (key(), hostile()).prop_map(|(key, value)| FieldEdit::SetKey { key, value }),
        key().prop_map(FieldEdit::UnsetKey),
    ]
}

/// `before` (an item.md) with `record` replayed on it and `updated_at` set: field lines set or
/// removed by name, the body's hunk applied.
fn replay(before: &str, record: &EditRecord, updated_at: &str) -> String {
    let mut text = before.to_owned();
    let removed: Vec<&str> = record
        .fields
        .iter()
        .filter(|f| f.new.is_none())
        .map(|f| f.name.as_str())
        .collect();
    text = frontmatter::remove_fields(&text, &removed).expect("frontmatter");
    let set: Vec<(&str, &str)> = record
        .fields
        .iter()
        .filter_map(|f| f.new.as_deref().map(|v| (f.name.as_str(), v)))
        .collect();
    text = frontmatter::set_fields(&text, &set).expect("frontmatter");
    if let Some(diff) = &record.body {
        let fm = frontmatter::parse(&text).expect("frontmatter");
        let body = diff
            .apply(&text[fm.body_start..])
            .expect("the hunk applies");
        text = frontmatter::with_body(&text, &body).expect("frontmatter");
    }
    frontmatter::set_fields(&text, &[("updated_at", updated_at)]).expect("frontmatter")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn edited_frontmatter_reads_back_keeps_other_bytes_and_replays(
        ops in prop::collection::vec(field_edit(), 0..5),
        body in body_edit(),
    ) {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("work-items");
        let at = write_hand(&root);
        let b = backend(&root, clock());
        let before = b.show(&q("hand")).expect("show");
        let edit = Edit { author: "editor".into(), fields: ops.clone(), body: body.clone() };
        let expected = ticket_domain::edit::apply(
            &before.summary,
            &before.body,
            &edit,
            &ticket_format::codec::FrontmatterSpelling,
        );
        match b.edit(&q("hand"), edit) {
            Err(e) => {
                // Refused (an edit that changes nothing, or values the domain refuses): nothing
                // was written.
                prop_assert_eq!(fs::read_to_string(at.join("item.md")).expect("item"), HAND, "{}", e);
            }
            Ok(after) => {
                let (summary, new_body) = expected.expect("the backend accepted it");
                let read = b.show(&q("hand")).expect("show");
                prop_assert_eq!(&read.title, &summary.title);
                prop_assert_eq!(&read.kind, &summary.kind);
                prop_assert_eq!(&read.labels, &summary.labels);
                prop_assert_eq!(&read.assignee, &summary.assignee);
                prop_assert_eq!(&read.legacy_ticket, &summary.legacy_ticket);
                prop_assert_eq!(&read.meta.risk_flags, &summary.meta.risk_flags);
                prop_assert_eq!(&read.meta.refs, &summary.meta.refs);
                prop_assert_eq!(&read.extra, &summary.extra);
                prop_assert_eq!(read.body.as_str(), new_body.as_ref().unwrap_or(&before.body).as_str());
                prop_assert_eq!((read.id.as_str(), read.slug.as_str()), ("20260101-000000-hand", "hand"));
                let event = after.events.last().expect("an event");
                prop_assert_eq!(&event.kind, &EventKind::Edit);
                let record = EditRecord::parse(event.body.as_str()).expect("the record parses");
                let text = fs::read_to_string(at.join("item.md")).expect("item");
                prop_assert_eq!(&replay(HAND, &record, "2026-11-24T10:00:00Z"), &text);
                // Minimal: every frontmatter line that changed is a recorded field or updated_at.
                let names: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
                let fm_lines = |t: &str| -> Vec<String> {
                    let fm = frontmatter::parse(t).expect("frontmatter");
                    t[..fm.body_start].lines().map(str::to_owned).collect()
                };
                let (old, new) = (fm_lines(HAND), fm_lines(&text));
                for line in old.iter().filter(|l| !new.contains(l)).chain(new.iter().filter(|l| !old.contains(l))) {
                    let owner = if line.starts_with(['-', ' ']) {
                        "labels"
                    } else {
                        line.split(':').next().unwrap_or_default()
                    };
                    prop_assert!(
                        owner == "updated_at" || names.contains(&owner),
                        "line {:?} changed but {:?} is not recorded: {:?}", line, owner, names
                    );
                }
                for kept in ["# a comment someone left", "x-custom: [a, b]", "owner_team: 'platform'"] {
                    let key = kept.split(':').next().unwrap_or_default();
                    if !names.contains(&key) {
                        prop_assert!(text.contains(kept), "{:?} survives", kept);
                    }
                }
            }
        }
    }
}
