//! `ticket edit`, `reopen`, `create` bodies, `--if-version` and vocabularies, end to end: one
//! table row per edit flag, each checked for exactly the lines it rewrites, the record its edit
//! event keeps (which replays it), and that `./tickets.sh` still reads the result.

use std::fs;
use std::path::Path;

use serde_json::Value;
use ticket_domain::EditRecord;

use crate::support::{run_shell, ticket};

const ID: &str = "20260101-000000-edit-me";

/// A ticket as people leave them: typed keys, quoted and unknown keys.
const ITEM: &str = "---
id: 20260101-000000-edit-me
slug: edit-me
title: Edit me
status: open
kind: task
priority: P2
labels: [a, b]
created_at: 2026-01-01T00:00:00Z
updated_at: 2026-01-01T00:00:00Z
assignee: bob
legacy_ticket: null
readiness: blocked
risk_flags: [x]
owner_team: 'platform'
x-note: keep me
---

## Background

Body line.

## Acceptance criteria

- TBD
";

const THREAD: &str = "<!-- event: create author: bob at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n";

fn fixture(d: &Path) -> std::path::PathBuf {
    let dir = d.join("work-items/open").join(ID);
    fs::create_dir_all(dir.join("artifacts")).expect("mkdir");
    for s in ["pending", "closed"] {
        fs::create_dir_all(d.join("work-items").join(s)).expect("mkdir");
    }
    fs::write(dir.join("artifacts/.gitkeep"), "").expect("gitkeep");
    fs::write(dir.join("item.md"), ITEM).expect("item");
    fs::write(dir.join("thread.md"), THREAD).expect("thread");
    dir
}

/// `ITEM` with `changes` made: (old line, new line); an empty old line is a line added before
/// the closing `---`, an empty new line a line removed. `updated_at` is the run's.
fn expected_item(changes: &[(&str, &str)]) -> String {
    let mut lines: Vec<String> = ITEM.lines().map(str::to_owned).collect();
    let mut added = Vec::new();
    for (old, new) in changes {
        if old.is_empty() {
            added.push((*new).to_owned());
            continue;
        }
        let at = lines
            .iter()
            .position(|l| l == old)
            .unwrap_or_else(|| panic!("{old:?} is not a line of the fixture"));
        if new.is_empty() {
            lines.remove(at);
        } else {
            lines[at] = (*new).to_owned();
        }
    }
    let close = 1 + lines
        .iter()
        .skip(1)
        .position(|l| l == "---")
        .expect("the fixture's closing ---");
    for (n, line) in added.into_iter().enumerate() {
        lines.insert(close + n, line);
    }
    let mut text = lines.join("\n") + "\n";
    text = text.replace(
        "updated_at: 2026-01-01T00:00:00Z",
        &format!("updated_at: {}", crate::support::NOW),
    );
    text
}

/// The record an edit of `changes` keeps: `- old` / `+ new` lines.
fn expected_record(changes: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (old, new) in changes {
        if !old.is_empty() {
            out.push_str(&format!("- {old}\n"));
        }
        if !new.is_empty() {
            out.push_str(&format!("+ {new}\n"));
        }
    }
    out
}

fn show(d: &Path, q: &str) -> Value {
    let out = ticket(d)
        .args(["--json", "show", q])
        .output()
        .expect("show");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// After any change: both doctors accept the tree, and tickets.sh lists and shows the ticket.
fn shell_reads(d: &Path, q: &str) {
    let doctor = run_shell(d, &["doctor"]);
    assert!(
        doctor.status.success(),
        "tickets.sh doctor: {}",
        String::from_utf8_lossy(&doctor.stderr)
    );
    ticket(d).arg("doctor").assert().success();
    let list = run_shell(d, &["list", "--status", "all"]);
    assert!(String::from_utf8_lossy(&list.stdout).contains(q));
    let shown = run_shell(d, &["show", q]);
    assert!(shown.status.success(), "tickets.sh show {q}");
}

/// Lines an edit changes, in record order: (old line, new line), either empty when absent.
type Lines = &'static [(&'static str, &'static str)];

/// Every edit flag: (arguments, lines changed).
const FIELD_ROWS: &[(&[&str], Lines)] = &[
    (
        &["--title", "New: title"],
        &[("title: Edit me", "title: New: title")],
    ),
    (
        &["--title", " lead \"quoted\""],
        &[("title: Edit me", "title: \" lead \\\"quoted\\\"\"")],
    ),
    (&["--kind", "bug"], &[("kind: task", "kind: bug")]),
    (
        &["--kind", "epic", "--allow-new"],
        &[("kind: task", "kind: epic")],
    ),
    (&["--priority", "P0"], &[("priority: P2", "priority: P0")]),
    (
        &["--label-add", "c, d", "--label-add", "a"],
        &[("labels: [a, b]", "labels: [a, b, c, d]")],
    ),
    (&["--label-rm", "a"], &[("labels: [a, b]", "labels: [b]")]),
    (&["--label", "c,a"], &[("labels: [a, b]", "labels: [c, a]")]),
    (
        &["--label", "b, b,a"],
        &[("labels: [a, b]", "labels: [b, a]")],
    ),
    (&["--label", ""], &[("labels: [a, b]", "labels: []")]),
    (
        &["--label-add", "c", "--label-rm", "a,b"],
        &[("labels: [a, b]", "labels: [c]")],
    ),
    (
        &["--assignee", "ada"],
        &[("assignee: bob", "assignee: ada")],
    ),
    (
        &["--assignee", "null"],
        &[("assignee: bob", "assignee: \"null\"")],
    ),
    (&["--unassign"], &[("assignee: bob", "assignee: null")]),
    (
        &["--unset", "assignee"],
        &[("assignee: bob", "assignee: null")],
    ),
    (
        &["--readiness", "spike_needed"],
        &[("readiness: blocked", "readiness: spike_needed")],
    ),
    (
        &["--readiness", "unspecified"],
        &[("readiness: blocked", "")],
    ),
    (&["--unset", "readiness"], &[("readiness: blocked", "")]),
    (
        &["--needs-preflight", "true"],
        &[("", "needs_preflight: true")],
    ),
    (
        &["--risk-flag-add", "data-loss,perf"],
        &[("risk_flags: [x]", "risk_flags: [x, data-loss, perf]")],
    ),
    (&["--risk-flag-rm", "x"], &[("risk_flags: [x]", "")]),
    (
        &["--action-required", "human"],
        &[("", "action_required: human")],
    ),
    (
        &["--legacy-ticket", "T-1"],
        &[("legacy_ticket: null", "legacy_ticket: T-1")],
    ),
    (
        &[
            "--ref-add",
            "commits=abc123",
            "--ref-add",
            "url=https://x/a,b",
            "--ref-add",
            "files=src/a b.rs",
        ],
        &[
            ("", "refs_files: [src/a b.rs]"),
            ("", "refs_commits: [abc123]"),
            ("", "refs_urls: [\"https://x/a,b\"]"),
        ],
    ),
    (
        &["--set", "owner_team=infra"],
        &[("owner_team: 'platform'", "owner_team: infra")],
    ),
    (
        &["--set", "new_key=two words: yes", "--set", "note= spaced"],
        &[("", "new_key: two words: yes"), ("", "note: \" spaced\"")],
    ),
    (
        &["--unset", "owner_team"],
        &[("owner_team: 'platform'", "")],
    ),
    (
        &["--unset", "x-note", "--title", "T", "--priority", "P1"],
        &[
            ("title: Edit me", "title: T"),
            ("priority: P2", "priority: P1"),
            ("x-note: keep me", ""),
        ],
    ),
];

#[test]
fn every_edit_flag_rewrites_only_its_lines_and_records_them() {
    for (args, changes) in FIELD_ROWS {
        let dir = tempfile::tempdir().expect("scratch");
        let d = dir.path();
        let at = fixture(d);
        let out = ticket(d)
            .args(["edit", "edit-me", "--author", "editor"])
            .args(*args)
            .output()
            .expect("edit");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, b"", "{args:?}: edit prints nothing");
        let item = fs::read_to_string(at.join("item.md")).expect("item");
        assert_eq!(item, expected_item(changes), "{args:?}");
        let v = show(d, ID);
        assert_eq!(
            (v["id"].as_str(), v["slug"].as_str()),
            (Some(ID), Some("edit-me"))
        );
        let events = v["events"].as_array().expect("events");
        assert_eq!(events.len(), 2, "{args:?}: one edit event");
        let e = &events[1];
        assert_eq!(
            (
                e["kind"].as_str(),
                e["author"].as_str(),
                e["heading"].as_str()
            ),
            (Some("edit"), Some("editor"), Some("Edited"))
        );
        assert_eq!(e["body"], expected_record(changes), "{args:?}");
        shell_reads(d, ID);
    }
}

/// The body: whole, from a file, or an exact replacement; the record's diff replays it.
#[test]
fn body_edits_rewrite_only_the_body() {
    let old_body = ITEM
        .split_once("---\n\n")
        .map(|(_, b)| format!("\n{b}"))
        .expect("body");
    let rows: &[(&[&str], &str)] = &[
        (&["--body", "New body."], "New body.\n"),
        (
            &["--body-file", "BODY"],
            "From a file\n---\n<!-- event: x\nno newline",
        ),
        (
            &["--replace", "- TBD", "--with", "- done\n- tested"],
            "\n## Background\n\nBody line.\n\n## Acceptance criteria\n\n- done\n- tested\n",
        ),
        (
            &["--replace", "B", "--with", "b", "--all"],
            "\n## background\n\nbody line.\n\n## Acceptance criteria\n\n- TbD\n",
        ),
    ];
    for (args, want) in rows {
        let dir = tempfile::tempdir().expect("scratch");
        let d = dir.path();
        let at = fixture(d);
        let file = d.join("body.md");
        fs::write(&file, "From a file\n---\n<!-- event: x\nno newline").expect("body");
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "BODY" {
                    file.display().to_string()
                } else {
                    (*a).to_owned()
                }
            })
            .collect();
        ticket(d).args(["edit", ID]).args(&args).assert().success();
        let item = fs::read_to_string(at.join("item.md")).expect("item");
        let (front, body) = item.split_at(ITEM.len() - old_body.len());
        assert_eq!(
            front,
            expected_item(&[]).split_at(front.len()).0,
            "{args:?}"
        );
        assert_eq!(body, *want, "{args:?}");
        let v = show(d, ID);
        let record = v["events"][1]["body"].as_str().expect("record");
        let parsed = EditRecord::parse(record).expect("the record parses");
        assert!(parsed.fields.is_empty(), "{args:?}: only the body changed");
        let diff = parsed.body.expect("a body diff");
        assert_eq!(
            diff.apply(&old_body).as_deref(),
            Ok(*want),
            "{args:?}: it replays"
        );
        shell_reads(d, ID);
    }
}

/// What `edit` refuses, with its exit code, JSON code and a piece of its message; nothing is
/// written.
const REFUSALS: &[(&[&str], i32, &str, &str)] = &[
    (&[], 2, "invalid", "names no field"),
    (&["--title", "Edit me"], 2, "invalid", "changes nothing"),
    (&["--label", "a,b"], 2, "invalid", "changes nothing"),
    (
        &["--label", "x", "--label-add", "y"],
        2,
        "usage",
        "cannot be used with",
    ),
    (&["--title", ""], 2, "invalid", "non-empty title"),
    (&["--kind", "bgu"], 2, "invalid", "did you mean `bug`?"),
    (&["--priority", "p1"], 2, "invalid", "did you mean `P1`?"),
    (&["--readiness", "blokced"], 2, "invalid", "--allow-new"),
    (&["--set", "kind=bug"], 2, "invalid", "use --kind"),
    (
        &["--set", "labels=[x]"],
        2,
        "invalid",
        "use --label or --label-add/--label-rm",
    ),
    (&["--set", "refs_urls=[x]"], 2, "invalid", "--ref-add"),
    (
        &["--set", "status=closed"],
        2,
        "invalid",
        "ticket status, close or reopen",
    ),
    (&["--set", "id=x"], 2, "invalid", "never changes"),
    (
        &["--set", "updated_at=x"],
        2,
        "invalid",
        "kept by the writers",
    ),
    (&["--unset", "title"], 2, "invalid", "cannot remove `title`"),
    (&["--set", "a b=x"], 2, "invalid", "is not a key"),
    (&["--set", "novalue"], 2, "usage", "KEY=VALUE"),
    (
        &["--ref-add", "tickets=x"],
        2,
        "usage",
        "not a reference list",
    ),
    (&["--assignee", "a\nb"], 2, "invalid", "line break"),
    (
        &["--replace", "absent", "--with", "x"],
        2,
        "invalid",
        "does not occur",
    ),
    (
        &["--replace", "\n", "--with", " "],
        2,
        "invalid",
        "pass --all",
    ),
    (
        &["--replace", "x"],
        2,
        "usage",
        "required arguments were not provided",
    ),
    (
        &["--body", "x", "--replace", "a", "--with", "b"],
        2,
        "usage",
        "cannot be used with",
    ),
    (
        &["--title", "x", "--if-version", "stale"],
        4,
        "conflict",
        "changed since it was read",
    ),
];

#[test]
fn refused_edits_write_nothing() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    fixture(d);
    let before = ticket_test_support::snapshot_without_scratch(&d.join("work-items"));
    for (args, code, json_code, message) in REFUSALS {
        let out = ticket(d)
            .args(["--json", "edit", ID])
            .args(*args)
            .output()
            .expect("edit");
        assert_eq!(out.status.code(), Some(*code), "{args:?}");
        let err: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
        assert_eq!(err["error"]["code"], *json_code, "{args:?}: {err}");
        let text = err["error"]["message"].as_str().unwrap_or_default();
        assert!(text.contains(message), "{args:?}: {text}");
        assert_eq!(
            ticket_test_support::snapshot_without_scratch(&d.join("work-items")),
            before,
            "{args:?} wrote something"
        );
    }
}

/// Every command that changes a ticket takes `--if-version`: the version read goes through, a
/// stale one is a conflict (exit 4, JSON `conflict`) and writes nothing.
#[test]
fn if_version_guards_every_change() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Guarded"])
        .assert()
        .success();
    let commands: &[&[&str]] = &[
        &["comment", "guarded"],
        &["review", "guarded", "--approve"],
        &["status", "guarded", "pending"],
        &["close", "guarded"],
        &["reopen", "guarded"],
        &["edit", "guarded", "--title", "Guarded again"],
    ];
    for command in commands {
        let version = show(d, "guarded")["version"]
            .as_str()
            .expect("a version")
            .to_owned();
        let stale = format!("{version}-stale");
        let before = ticket_test_support::snapshot_without_scratch(&d.join("work-items"));
        let out = ticket(d)
            .arg("--json")
            .args(*command)
            .args(["--if-version", &stale])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(4), "{command:?}");
        let err: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
        assert_eq!(err["error"]["code"], "conflict", "{command:?}");
        assert_eq!(
            ticket_test_support::snapshot_without_scratch(&d.join("work-items")),
            before,
            "{command:?} at a stale version wrote something"
        );
        let out = ticket(d)
            .arg("--json")
            .args(*command)
            .args(["--if-version", &version])
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{command:?} at the version read: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let after: Value = serde_json::from_slice(&out.stdout).expect("the ticket after");
        assert_ne!(
            after["version"].as_str(),
            Some(version.as_str()),
            "{command:?}"
        );
    }
}

/// Status moves and reopen are recorded; a closed ticket is not closed again (exit 1,
/// `transition`), and tickets.sh reads every step.
#[test]
fn status_moves_reopen_and_closed_tickets() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Moving"])
        .assert()
        .success();
    ticket(d)
        .args([
            "status",
            "moving",
            "pending",
            "--reason",
            "Waiting on review.",
        ])
        .assert()
        .success();
    shell_reads(d, "moving");
    ticket(d)
        .args(["close", "moving", "--resolution", "Done."])
        .assert()
        .success();
    shell_reads(d, "moving");
    let before = ticket_test_support::snapshot_without_scratch(&d.join("work-items"));
    for args in [&["close", "moving"][..], &["status", "moving", "closed"]] {
        let out = ticket(d).arg("--json").args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err: Value = serde_json::from_slice(&out.stderr).expect("json");
        assert_eq!(err["error"]["code"], "transition", "{args:?}");
        let text = err["error"]["message"].as_str().unwrap_or_default();
        assert!(
            text.contains("already closed") && text.contains("ticket reopen"),
            "{text}"
        );
        let human = ticket(d).args(args).output().expect("run");
        assert_eq!(
            String::from_utf8_lossy(&human.stderr),
            "error: 20261124-100000-moving is already closed; reopen it first to close it again (ticket reopen 20261124-100000-moving)\n"
        );
    }
    assert_eq!(
        ticket_test_support::snapshot_without_scratch(&d.join("work-items")),
        before,
        "refusals wrote nothing"
    );
    ticket(d)
        .args([
            "reopen",
            "moving",
            "--reason",
            "It came back.",
            "--author",
            "qa",
        ])
        .assert()
        .success();
    shell_reads(d, "moving");
    let out = ticket(d)
        .args(["--json", "reopen", "moving"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "only a closed ticket reopens");
    let v = show(d, "moving");
    assert_eq!(v["status"], "open");
    assert_eq!(
        v["resolution"], "Done.\n",
        "the resolution stays, as history"
    );
    let bodies: Vec<(&str, &str)> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "status")
        .map(|e| {
            (
                e["author"].as_str().unwrap_or(""),
                e["body"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        bodies,
        [
            ("tester", "from: open\nto: pending\n\nWaiting on review.\n"),
            ("qa", "from: closed\nto: open\n\nIt came back.\n"),
        ]
    );
}

/// `create` takes a body from --body, --file or standard input; an empty one gives the template.
#[test]
fn create_takes_a_body_an_assignee_and_names_its_creator() {
    let template = "\n## Background\n\nCreated by tickets.sh.\n\n## Acceptance criteria\n\n- TBD\n";
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    fs::write(d.join("body.md"), "From a file.").expect("body");
    fs::write(d.join("empty.md"), "").expect("empty");
    let rows: &[(&[&str], &str, &str)] = &[
        (&["--body", "Given."], "", "Given.\n"),
        (&["--body", ""], "", template),
        (&["--file", "body.md"], "", "From a file."),
        (&["--file", "empty.md"], "", template),
        (&["--file", "-"], "From stdin.\n", "From stdin.\n"),
        (&[], "Piped.\n", "Piped.\n"),
        (&[], "", template),
    ];
    for (n, (args, stdin, want)) in rows.iter().enumerate() {
        let title = format!("Body {n}");
        let out = ticket(d)
            .args(["--json", "create", "--title", &title, "--assignee", "ada"])
            .args(*args)
            .write_stdin(*stdin)
            .output()
            .expect("create");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let created: Value = serde_json::from_slice(&out.stdout).expect("json");
        let v = show(d, created["id"].as_str().expect("id"));
        assert_eq!(v["body"], *want, "{args:?}");
        assert_eq!(v["assignee"], "ada");
        assert_eq!(
            v["events"][0]["author"], "tester",
            "the create event names $USER"
        );
    }
    let shell = run_shell(d, &["doctor"]);
    assert!(
        shell.status.success(),
        "{}",
        String::from_utf8_lossy(&shell.stderr)
    );
}

/// Values outside the documented vocabularies are refused with a did-you-mean, unless meant.
#[test]
fn vocabularies_refuse_typos_unless_meant() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Vocab"])
        .assert()
        .success();
    let rows: &[(&[&str], &str)] = &[
        (
            &["comment", "vocab", "--role", "plna"],
            "did you mean `plan`?",
        ),
        (
            &["create", "--title", "x", "--kind", "featrue"],
            "did you mean `feature`?",
        ),
        (
            &["create", "--title", "x", "--priority", "P9"],
            "the known ones are P0, P1, P2, P3, P4",
        ),
        (
            &["edit", "vocab", "--action-required", "reviwer"],
            "did you mean `reviewer`?",
        ),
    ];
    for (args, message) in rows {
        let out = ticket(d).args(*args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(message) && err.contains("--allow-new"),
            "{args:?}: {err}"
        );
        ticket(d).args(*args).arg("--allow-new").assert().success();
    }
}
