//! Other trackers' tickets in and out through a real root: byte-exact round trips from the
//! fixture trees, idempotent re-imports, identical second exports, both doctors, hostile names.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use ticket_app::{App, DoctorRequest, ExportRequest, Format, ImportRequest, Outcome, Settings};
use ticket_test_support::{copy_tree, snapshot_without_scratch};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

fn app(dir: &Path) -> App {
    let settings = Settings {
        now: Some("2026-07-01T00:00:00Z".into()),
        user: Some("tester".into()),
        ..Settings::default()
    };
    App::new(dir.join("work-items"), settings)
}

/// Every file under `dir`, relative path to bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("inside").display().to_string();
                out.insert(rel, fs::read(&p).expect("readable"));
            }
        }
    }
    out
}

fn import(app: &App, format: Format, path: &Path) -> ticket_app::ImportReport {
    app.import(&ImportRequest {
        format,
        path: path.to_path_buf(),
    })
    .expect("imports")
}

fn export(app: &App, format: Format, path: &Path) -> ticket_app::ExportReport {
    app.export(&ExportRequest {
        format,
        path: path.to_path_buf(),
        queries: Vec::new(),
    })
    .expect("exports")
}

/// Both doctors accept the root: ours with no error, `tickets.sh doctor` with `doctor: ok`.
fn both_doctors_accept(app: &App) {
    let report = app.doctor(DoctorRequest::default()).expect("doctor runs");
    assert!(report.ok(), "{:#?}", report.diagnostics);
    let out = Command::new("sh")
        .arg(repo().join("tickets.sh"))
        .arg("doctor")
        .env("WORK_ITEMS_DIR", app.root())
        .output()
        .expect("tickets.sh runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Imports `source`, exports everything to two fresh directories, and checks: the files named
/// in `exact` come back byte for byte, the two exports are identical, a re-import changes no
/// byte of the root, and both doctors accept it.
fn round_trip(format: Format, source: &Path, exact: &[&str]) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("scratch");
    let a = app(dir.path());
    let first = import(&a, format, source);
    assert!(!first.imported.is_empty());
    assert!(first.imported.iter().all(|e| e.outcome == Outcome::Created));
    both_doctors_accept(&a);
    let root = a.root().to_path_buf();
    let before = snapshot_without_scratch(&root);
    let again = import(&a, format, source);
    assert!(
        again
            .imported
            .iter()
            .all(|e| e.outcome == Outcome::Unchanged),
        "{:#?}",
        again.imported
    );
    assert_eq!(again.imported.len(), first.imported.len());
    assert_eq!(
        snapshot_without_scratch(&root),
        before,
        "a re-import changes nothing"
    );
    let (one, two) = (dir.path().join("export-1"), dir.path().join("export-2"));
    export(&a, format, &one);
    export(&a, format, &two);
    let (got, got_again) = (files(&one), files(&two));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        got_again.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &got {
        if !path.ends_with(".sqlite3") {
            assert_eq!(
                Some(bytes),
                got_again.get(path),
                "second export differs: {path}"
            );
        }
    }
    let want = files(source);
    for path in exact {
        let (w, g) = (&want[*path], got.get(*path));
        assert_eq!(
            g.map(|g| String::from_utf8_lossy(g).into_owned()),
            Some(String::from_utf8_lossy(w).into_owned()),
            "{path} comes back byte for byte"
        );
    }
    (dir, a)
}

const ORCHESTR8_EXACT: [&str; 8] = [
    "a1b2c3d4.json",
    "e5f60718.json",
    "5ee5f00d.json",
    "archive/0badc0de.json",
    "archive/9f8e7d6c.json",
    "9f8e7d6c.json",
    "0dd1ce55.json",
    "feedf00d.json",
];

#[test]
fn orchestr8_round_trips_byte_for_byte() {
    let source = fixtures("orchestr8/tickets");
    let (dir, a) = round_trip(Format::Orchestr8, &source, &ORCHESTR8_EXACT);
    // What does not parse is reported with its path; the others import.
    let report = import(&a, Format::Orchestr8, &source);
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(skipped, ["broken.json", "nokeys.json"]);
    assert!(
        report.skipped[0].message.contains(":3:"),
        "{:?}",
        report.skipped
    );
    // An export into a directory holding the files refuses them all, and writes nothing.
    let out = dir.path().join("export-1");
    let before = files(&out);
    let again = export(&a, Format::Orchestr8, &out);
    assert!(again.exported.is_empty());
    assert_eq!(again.refused.len(), 9);
    assert_eq!(files(&out), before);
}

#[test]
fn a_changed_source_updates_the_ticket_it_imported_before() {
    let dir = tempfile::tempdir().expect("scratch");
    let source = dir.path().join("src");
    copy_tree(&fixtures("orchestr8/tickets"), &source);
    let a = app(dir.path());
    let first = import(&a, Format::Orchestr8, &source);
    let id = |r: &ticket_app::ImportReport| {
        r.imported
            .iter()
            .find(|e| e.source == "a1b2c3d4.json")
            .map(|e| (e.id.clone(), e.outcome))
            .expect("imported")
    };
    let path = source.join("a1b2c3d4.json");
    let text = fs::read_to_string(&path).expect("fixture");
    fs::write(&path, text.replace("\"open\"", "\"in_progress\"")).expect("edit");
    let second = import(&a, Format::Orchestr8, &source);
    assert_eq!(id(&second), (id(&first).0, Outcome::Updated));
    let shown = a.show(&id(&first).0).expect("shows");
    assert_eq!(shown.ticket.status.as_str(), "pending");
    // An event added here survives a re-import of a changed source, after the source's events.
    a.comment(ticket_app::CommentRequest {
        query: id(&first).0,
        role: "comment".into(),
        body: Some("kept across re-imports\n".into()),
        ..ticket_app::CommentRequest::default()
    })
    .expect("comments");
    fs::write(&path, text.replace("\"open\"", "\"resolved\"")).expect("edit");
    let third = import(&a, Format::Orchestr8, &source);
    assert_eq!(id(&third), (id(&first).0, Outcome::Updated));
    let shown = a.show(&id(&first).0).expect("shows");
    assert_eq!(shown.ticket.status.as_str(), "closed");
    let last = shown.ticket.events.last().expect("events");
    assert_eq!(last.body.as_str(), "kept across re-imports\n");
    assert_eq!(
        shown
            .ticket
            .events
            .iter()
            .filter(|e| e.kind.as_str() == "comment")
            .count(),
        1
    );
    let fourth = import(&a, Format::Orchestr8, &source);
    assert_eq!(id(&fourth), (id(&first).0, Outcome::Unchanged));
    assert_eq!(
        second
            .imported
            .iter()
            .filter(|e| e.outcome == Outcome::Created)
            .count(),
        0
    );
    both_doctors_accept(&a);
}

#[test]
fn hostile_names_never_write_outside() {
    let dir = tempfile::tempdir().expect("scratch");
    let source = dir.path().join("src");
    copy_tree(&fixtures("orchestr8/tickets"), &source);
    // A link among the source files is not followed.
    std::os::unix::fs::symlink("/etc/passwd", source.join("link.json")).expect("link");
    let a = app(dir.path());
    let report = import(&a, Format::Orchestr8, &source);
    assert!(report.skipped.iter().any(|s| s.path == "link.json"));
    for e in &report.imported {
        assert!(Path::new(&e.path).starts_with(a.root()), "{}", e.path);
    }
    let out = dir.path().join("out");
    let exported = export(&a, Format::Orchestr8, &out);
    assert_eq!(exported.refused.len(), 1, "{:?}", exported.refused);
    assert!(
        exported.refused[0]
            .message
            .contains("cannot be a file name")
    );
    assert!(!dir.path().join("escape.json").exists());
    assert!(files(&out).keys().all(|k| !k.contains("..")));
}

const USHABTI_EXACT: [&str; 7] = [
    "T0001-improve-error-messages.yaml",
    "T0002-colons-in-titles.yaml",
    "T0003-retry-failed-builds.yaml",
    "T0005-hand-edited.yaml",
    "T0006-hostile-text.yaml",
    ".archived/T0003-cache-phase-plans.yaml",
    ".archived/T0004-drop-legacy-cards.yaml",
];

#[test]
fn ushabti_round_trips_byte_for_byte() {
    let source = fixtures("ushabti");
    let (_dir, a) = round_trip(
        Format::Ushabti,
        &source.join(".ushabti/tickets"),
        &USHABTI_EXACT,
    );
    // The project directory finds .ushabti/tickets itself; broken files are named and skipped.
    let report = import(&a, Format::Ushabti, &source);
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(skipped, ["T0007-broken.yaml", "T0008-no-title.yaml"]);
    assert!(
        report.skipped[0].message.contains(":5:"),
        "{:?}",
        report.skipped
    );
    assert!(
        report
            .imported
            .iter()
            .all(|e| e.outcome == Outcome::Unchanged)
    );
}

/// The aticket fixture tree in a scratch directory, each `state/ticket.sql` made the SQLite file
/// it describes (with the ticket's own absolute path).
fn aticket_source(dir: &Path) -> PathBuf {
    let root = dir.join("agent-tickets");
    copy_tree(&fixtures("aticket"), &root);
    let tickets = root.join("tickets");
    for e in fs::read_dir(&tickets).expect("fixtures").flatten() {
        let sql = e.path().join("state/ticket.sql");
        if let Ok(text) = fs::read_to_string(&sql) {
            let abs = fs::canonicalize(e.path()).expect("abs");
            let text = text.replace("@TICKET_DIR@", &abs.display().to_string());
            ticket_fmt_aticket_db::create_from_sql(&e.path().join("state/ticket.sqlite3"), &text)
                .expect("builds the fixture database");
            fs::remove_file(&sql).expect("remove");
        }
    }
    root
}

const ATICKET_EXACT: [&str; 5] = [
    "2026-11-24-fix-login-timeout-111710/TICKET.md",
    "2026-11-20-old-spike-090000/TICKET.md",
    "2026-11-25-from-git-only-080500/TICKET.md",
    "2026-11-26-forked-work-101010/TICKET.md",
    "2026-11-26-forked-work-101010/state/fork.json",
];

#[test]
fn aticket_round_trips() {
    let scratch = tempfile::tempdir().expect("scratch");
    let source = aticket_source(scratch.path());
    let tickets = source.join("tickets");
    let (dir, a) = round_trip(Format::Aticket, &tickets, &ATICKET_EXACT);
    let report = import(&a, Format::Aticket, &source);
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        skipped,
        ["2026-11-27-corrupt-db-000000"],
        "{:?}",
        report.skipped
    );
    let said = |name: &str| {
        report
            .imported
            .iter()
            .find(|e| e.source == name)
            .map(|e| e.notices.join("; "))
            .expect("imported")
    };
    assert!(said("2026-11-24-fix-login-timeout-111710").contains("read from state/ticket.sqlite3"));
    assert!(said("2026-11-25-from-git-only-080500").contains("read from TICKET.md"));
    // The exported truth files hold what the sources held, at their new absolute paths.
    let out = dir.path().join("export-1");
    for e in fs::read_dir(&tickets).expect("source").flatten() {
        let name = e.file_name().into_string().expect("utf-8");
        if name.contains("corrupt") || name.contains("git-only") {
            continue;
        }
        let before = ticket_fmt_aticket_db::read(&e.path(), &name).expect("source reads");
        let after = ticket_fmt_aticket_db::read(&out.join(&name), &name).expect("export reads");
        let abs = fs::canonicalize(out.join(&name)).expect("abs");
        let mut want = before.clone();
        ticket_fmt_aticket::record::set(
            &mut want.meta,
            "ticket_dir",
            ticket_fmt_aticket::Sql::Text(abs.display().to_string()),
        );
        assert_eq!(after.meta, want.meta, "{name}");
        assert_eq!(after.view, want.view, "{name}");
        assert_eq!(after.notices, want.notices, "{name}");
        assert_eq!(after.fork_json, want.fork_json, "{name}");
    }
    // notes/ came along, and went back.
    assert_eq!(
        fs::read(out.join("2026-11-25-from-git-only-080500/notes/handoff.md")).expect("note"),
        fs::read(tickets.join("2026-11-25-from-git-only-080500/notes/handoff.md")).expect("note")
    );
}
