//! Relations on disk: link and unlink as minimal diffs of hand-edited frontmatter (a property
//! test over random edits), prefix lookups, and the relation graph read on demand.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use ticket_domain::{
    BackendError, Change, Guard, RelationKind, TicketBackend, TicketId, TicketStatus,
};

use crate::support::{backend, clock, q};

/// A hand-edited ticket: a comment, unknown keys, a block list, a relation list written by hand
/// with quotes, and a body with a `---` line.
const HAND: &str = "---\nid: 20260101-000000-hand\nslug: hand\ntitle: \"Hand: edited\"\nstatus: open\nkind: task\npriority: P2\nlabels:\n  - one\n  - two\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nassignee: null\nlegacy_ticket: null\n# a comment someone left\nowner_team: 'platform'\nrelated: [\"20260101-000000-r1\"]\nx-custom: [a, b]\n---\nBody with\n---\na rule.\n";

fn write_ticket(root: &Path, status: &str, id: &str, item: &str) {
    let dir = root.join(status).join(id);
    fs::create_dir_all(dir.join("artifacts")).expect("mkdir");
    fs::write(dir.join("artifacts/.gitkeep"), "").expect("gitkeep");
    fs::write(dir.join("item.md"), item).expect("item");
    fs::write(dir.join("thread.md"), "<!-- event: create author: tickets.sh at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n").expect("thread");
}

fn plain(id: &str, status: &str, extra: &str) -> String {
    let slug = id.splitn(3, '-').nth(2).unwrap_or(id);
    format!(
        "---\nid: {id}\nslug: {slug}\ntitle: {slug}\nstatus: {status}\nkind: task\npriority: P2\nlabels: []\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nassignee: null\nlegacy_ticket: null\n{extra}---\nbody\n"
    )
}

fn target(n: u8) -> TicketId {
    TicketId::new(format!("20260101-000000-r{n}")).expect("valid")
}

fn kind() -> impl Strategy<Value = RelationKind> {
    prop::sample::select(RelationKind::ALL.to_vec())
}

/// The lines of `text`'s frontmatter that are not relation keys (whose values change).
fn other_lines(text: &str) -> Vec<String> {
    let relation = |l: &str| {
        ticket_format::keys::RELATIONS
            .iter()
            .any(|(k, _)| l.starts_with(&format!("{k}:")))
    };
    text.lines()
        .filter(|l| !relation(l) && !l.starts_with("updated_at:"))
        .map(str::to_owned)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    /// Whatever links and unlinks are applied to a hand-edited ticket, in any order: the stored
    /// relations read back as the model says, every other line (comments, unknown keys, quotes,
    /// block lists, the body) stays byte for byte, refused changes change nothing, and an
    /// emptied list leaves no line behind.
    #[test]
    fn edited_frontmatter_round_trips(
        ops in prop::collection::vec((any::<bool>(), kind(), 1u8..5), 1..12),
    ) {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("work-items");
        write_ticket(&root, "open", "20260101-000000-hand", HAND);
        let b = backend(&root, clock());
        let id = q("hand");
        let mut model = b.show(&id).expect("show").summary.relations;
        let item = root.join("open/20260101-000000-hand/item.md");
        for (link, kind, n) in ops {
            let t = target(n);
            let before = fs::read_to_string(&item).expect("item");
            let change = if link {
                Change::Link { kind, target: t.clone(), author: "p".into() }
            } else {
                Change::Unlink { kind, target: t.clone(), author: "p".into() }
            };
            let expected = if link {
                model.add(&TicketId::new("20260101-000000-hand").expect("id"), kind, t.clone())
            } else {
                model.remove(&TicketId::new("20260101-000000-hand").expect("id"), kind, &t)
            };
            let got = b.apply(&id, &Guard::none(), change);
            let after = fs::read_to_string(&item).expect("item");
            match (expected, got) {
                (Ok(()), Ok(ticket)) => {
                    prop_assert_eq!(&ticket.relations, &model);
                    prop_assert_eq!(other_lines(&before), other_lines(&after));
                }
                (Err(_), Err(BackendError::Invalid { .. })) => prop_assert_eq!(&before, &after),
                (want, got) => prop_assert!(false, "model {:?}, backend {:?}", want, got.map(|t| t.summary.relations)),
            }
            for (key, kind) in ticket_format::keys::RELATIONS {
                let line = after.lines().find(|l| l.starts_with(&format!("{key}:")));
                prop_assert_eq!(line.is_some(), !model.get(kind).is_empty(), "{}", after);
            }
        }
        prop_assert_eq!(b.show(&id).expect("show").summary.relations, model);
        prop_assert!(fs::read_to_string(&item).expect("item").ends_with("---\nBody with\n---\na rule.\n"));
    }
}

/// (query, Ok(id) or Err(candidate count)): exact ids and slugs first, then unique prefixes.
#[test]
fn prefixes_find_one_ticket_or_list_the_candidates() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    for (status, id) in [
        ("open", "20260101-000000-parser"),
        ("open", "20260101-000001-parser-bug"),
        ("closed", "20260102-000000-lexer"),
        ("pending", "20260103-000000-par"),
    ] {
        write_ticket(&root, status, id, &plain(id, status, ""));
    }
    let b = backend(&root, clock());
    let cases: &[(&str, Result<&str, usize>)] = &[
        ("parser", Ok("20260101-000000-parser")),
        ("par", Ok("20260103-000000-par")),
        ("parser-b", Ok("20260101-000001-parser-bug")),
        ("lex", Ok("20260102-000000-lexer")),
        ("20260102", Ok("20260102-000000-lexer")),
        ("20260101-000001", Ok("20260101-000001-parser-bug")),
        ("20260101", Err(2)),
        ("pa", Err(3)),
        ("2026", Err(4)),
        ("zzz", Err(0)),
    ];
    for (query, want) in cases {
        let got = b.locate(&q(query));
        match (want, got) {
            (Ok(id), Ok(found)) => assert!(found.dir.ends_with(id), "{query}: {found:?}"),
            (Err(0), Err(BackendError::NotFound { .. })) => {}
            (Err(n), Err(BackendError::Ambiguous { matches, .. })) => {
                assert_eq!(matches.len(), *n, "{query}: {matches:?}")
            }
            (want, got) => panic!("{query}: want {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn the_graph_reads_what_edges_reach_and_falls_back_for_renamed_directories() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("work-items");
    let a = "20260101-000000-a";
    write_ticket(
        &root,
        "open",
        a,
        &plain(a, "open", "depends_on: [20260101-000000-b]\n"),
    );
    let b_id = "20260101-000000-b";
    write_ticket(
        &root,
        "closed",
        b_id,
        &plain(b_id, "closed", "duplicate_of: [20260101-000000-c]\n"),
    );
    // c's directory is not named by its id: found by the fallback read of every frontmatter.
    let c = "20260101-000000-c";
    write_ticket(&root, "closed", "renamed", &plain(c, "closed", ""));
    let far = "20260101-000000-unrelated";
    write_ticket(&root, "closed", far, &plain(far, "closed", ""));
    let be = backend(&root, clock());
    let mut whole = 0;
    let read = be
        .relation_graph(
            &[TicketStatus::Open],
            &[TicketStatus::Pending],
            &[],
            |_, _| whole += 1,
        )
        .expect("graph");
    assert_eq!(whole, 1);
    assert!(read.graph.contains(b_id) && read.graph.contains(c));
    assert!(!read.graph.contains(far), "only what edges reach is read");
    assert!(read.scanned_all);
    assert!(read.graph.readiness().is_ready(a));
    // Without renamed directories, nothing but the reached tickets is read.
    fs::rename(root.join("closed/renamed"), root.join("closed").join(c)).expect("rename");
    let read = be
        .relation_graph(&[TicketStatus::Open], &[], &[], |_, _| {})
        .expect("graph");
    assert!(!read.scanned_all);
    assert_eq!(read.graph.len(), 3);
}

/// The catalog `--json show` derives from is cached in `.index/catalog` and never stale: a hand
/// edit that keeps the file's size and modification time, a ticket removed, one added, a cache
/// garbled or replaced by a link are all seen at once.
#[test]
fn the_catalog_cache_is_never_stale() {
    let dir = tempfile::tempdir().expect("scratch");
    let root = dir.path().join("work-items");
    let a = "20260101-000000-aa";
    let b = "20260101-000000-bb";
    write_ticket(
        &root,
        "open",
        a,
        &plain(a, "open", &format!("depends_on: [{b}]\n")),
    );
    write_ticket(
        &root,
        "open",
        b,
        &plain(b, "open", "related: [20260101-000000-xx]\n"),
    );
    let store = backend(&root, clock());
    let inverses = |store: &ticket_store_local::backend::LocalTicketBackend, id: &str| {
        let (catalog, _) = store.catalog().expect("catalog");
        let (i, _) = catalog.derive(id);
        [
            ("blocks", &i.blocks),
            ("children", &i.children),
            ("related_by", &i.related_by),
            ("duplicated_by", &i.duplicated_by),
            ("superseded_by", &i.superseded_by),
        ]
        .into_iter()
        .flat_map(|(k, ids)| ids.iter().map(move |t| format!("{k}:{t}")))
        .collect::<Vec<_>>()
    };
    assert_eq!(inverses(&store, b), vec![format!("blocks:{a}")]);
    // Past the racy window, the stamps are kept.
    std::thread::sleep(std::time::Duration::from_millis(250));
    assert_eq!(inverses(&store, b), vec![format!("blocks:{a}")]);
    let cache = root.join(".index/catalog");
    let kept = fs::read_to_string(&cache).expect("the cache is written");
    assert!(kept.contains(a) && kept.contains(b), "{kept}");
    // A hand edit of the same size, its modification time put back: only the change time says.
    let item = root.join("open").join(a).join("item.md");
    let before = fs::metadata(&item).expect("meta");
    let text = fs::read_to_string(&item).expect("item");
    let edited = text.replace(&format!("depends_on: [{b}]"), &format!("parent: [{b}]    "));
    assert_eq!(edited.len(), text.len());
    fs::write(&item, &edited).expect("hand edit");
    fs::File::options()
        .write(true)
        .open(&item)
        .and_then(|f| f.set_modified(before.modified().expect("mtime")))
        .expect("mtime back");
    assert_eq!(inverses(&store, b), vec![format!("children:{a}")]);
    // A ticket removed, one added.
    fs::remove_dir_all(root.join("open").join(a)).expect("removed");
    let c = "20260101-000000-cc";
    write_ticket(
        &root,
        "closed",
        c,
        &plain(c, "closed", &format!("supersedes: [{b}]\n")),
    );
    assert_eq!(inverses(&store, b), vec![format!("superseded_by:{c}")]);
    // A garbled cache, or a link in its place, is read around.
    for poison in [
        "ticket catalog 1\n0\tbb\t1\tbb\topen\t0\t\t\t\t\t\n",
        "garbage",
    ] {
        fs::write(&cache, poison).expect("poison");
        assert_eq!(inverses(&store, b), vec![format!("superseded_by:{c}")]);
    }
    fs::remove_file(&cache).expect("rm");
    std::os::unix::fs::symlink(root.join("open").join(b).join("item.md"), &cache).expect("link");
    assert_eq!(inverses(&store, b), vec![format!("superseded_by:{c}")]);
    // A ticket that does not read is reported each time, and costs no rewrite of the cache.
    let bad = root.join("open/20260101-000000-bad");
    fs::create_dir_all(&bad).expect("mkdir");
    fs::write(bad.join("item.md"), "no frontmatter here\n").expect("bad item");
    std::thread::sleep(std::time::Duration::from_millis(250));
    store.catalog().expect("catalog");
    use std::os::unix::fs::MetadataExt;
    let written = fs::symlink_metadata(&cache).expect("cache").ino();
    let (_, diagnostics) = store.catalog().expect("catalog");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(fs::symlink_metadata(&cache).expect("cache").ino(), written);
}

/// Lookups ignore the case of ASCII letters, with an exact match first: a hand-named `T0042`
/// is found as `t0042`, and of `T0042` and `t0042` each is found by its own spelling.
#[test]
fn lookups_ignore_case_but_prefer_an_exact_match() {
    let dir = tempfile::tempdir().expect("scratch");
    let root = dir.path().join("work-items");
    write_ticket(&root, "open", "T0042", &plain("T0042", "open", ""));
    let store = backend(&root, clock());
    let id = |q_: &str| store.show(&q(q_)).map(|t| t.id.to_string());
    assert_eq!(id("t0042").expect("folded"), "T0042");
    assert_eq!(id("t00").expect("prefix, folded"), "T0042");
    write_ticket(&root, "closed", "t0042", &plain("t0042", "closed", ""));
    assert_eq!(id("t0042").expect("exact"), "t0042");
    assert_eq!(id("T0042").expect("exact"), "T0042");
    match store.show(&q("t00")) {
        Err(BackendError::Ambiguous { matches, .. }) => {
            assert_eq!(matches, vec!["T0042".to_owned(), "t0042".to_owned()]);
        }
        other => panic!("a prefix of both is ambiguous: {other:?}"),
    }
}
