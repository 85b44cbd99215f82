//! Relations end to end: `link` and `unlink` and what they refuse, `ready`, `ready --explain`
//! and `blocked` on roots written by hand (cycles, dangling ids, redirects), prefix lookups, and
//! `tickets.sh` reading, keeping and doctoring what `link` wrote.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{run_shell, ticket};

/// Writes a ticket by hand: `<root>/<status>/<id>/` with item.md (the eleven keys, then
/// `extra` lines), a create event and artifacts/.
fn write(root: &Path, status: &str, id: &str, priority: &str, extra: &str) {
    let dir = root.join(status).join(id);
    fs::create_dir_all(dir.join("artifacts")).expect("mkdir");
    fs::write(dir.join("artifacts/.gitkeep"), "").expect("gitkeep");
    let slug = id.splitn(3, '-').nth(2).unwrap_or(id);
    fs::write(
        dir.join("item.md"),
        format!(
            "---\nid: {id}\nslug: {slug}\ntitle: T {slug}\nstatus: {status}\nkind: task\npriority: {priority}\nlabels: []\ncreated_at: 2026-01-01T00:00:00Z\nupdated_at: 2026-01-01T00:00:00Z\nassignee: null\nlegacy_ticket: null\n{extra}---\n\nbody\n"
        ),
    )
    .expect("item");
    fs::write(
        dir.join("thread.md"),
        "<!-- event: create author: tickets.sh at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n",
    )
    .expect("thread");
    if status == "closed" {
        fs::write(dir.join("resolution.md"), "Done.\n").expect("resolution");
    }
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = ticket(dir).args(args).output().expect("run ticket");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let (code, out, err) = run(dir, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).expect("valid JSON")
}

/// A root of hand-written tickets: every readiness rule has a ticket.
fn ruled_root(d: &Path) {
    let r = d.join("work-items");
    write(&r, "open", "20260101-000001-free", "P2", "");
    write(&r, "open", "20260101-000002-urgent", "P0", "");
    write(
        &r,
        "open",
        "20260101-000003-flagged",
        "P1",
        "readiness: blocked\n",
    );
    write(
        &r,
        "open",
        "20260101-000004-waits",
        "P1",
        "depends_on: [20260101-000001-free]\n",
    );
    write(
        &r,
        "open",
        "20260101-000005-dangles",
        "P1",
        "depends_on: [20260101-000000-gone]\n",
    );
    write(&r, "closed", "20260101-000006-done", "P1", "");
    write(
        &r,
        "open",
        "20260101-000007-after-done",
        "P3",
        "depends_on: [20260101-000006-done]\n",
    );
    write(
        &r,
        "closed",
        "20260101-000008-dupe",
        "P1",
        "duplicate_of: [20260101-000009-original]\n",
    );
    write(&r, "pending", "20260101-000009-original", "P1", "");
    write(
        &r,
        "open",
        "20260101-000010-via-dupe",
        "P1",
        "depends_on: [20260101-000008-dupe]\n",
    );
    write(
        &r,
        "open",
        "20260101-000011-child",
        "P1",
        "parent: [20260101-000003-flagged]\n",
    );
    write(
        &r,
        "open",
        "20260101-000012-grandchild",
        "P1",
        "parent: [20260101-000011-child]\n",
    );
    write(
        &r,
        "open",
        "20260101-000013-cyc-a",
        "P1",
        "depends_on: [20260101-000014-cyc-b]\n",
    );
    write(
        &r,
        "open",
        "20260101-000014-cyc-b",
        "P1",
        "parent: [20260101-000013-cyc-a]\n",
    );
    write(
        &r,
        "open",
        "20260101-000015-orphan",
        "P1",
        "parent: [20260101-000000-no-parent]\n",
    );
    write(&r, "pending", "20260101-000016-in-review", "P0", "");
}

#[test]
fn ready_follows_every_rule_on_hand_written_files() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ruled_root(d);
    let v = json(d, &["--json", "ready", "--explain"]);
    let ready: Vec<&str> = v["ready"]
        .as_array()
        .expect("ready")
        .iter()
        .map(|t| t["id"].as_str().expect("id"))
        .collect();
    // Best first: priority, then oldest.
    assert_eq!(
        ready,
        [
            "20260101-000002-urgent",
            "20260101-000001-free",
            "20260101-000007-after-done"
        ]
    );
    let mut reasons = std::collections::BTreeMap::new();
    for n in v["not_ready"].as_array().expect("not_ready") {
        let words: Vec<String> = n["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .map(|r| {
                let id = r["id"]
                    .as_str()
                    .map(|i| format!(":{i}"))
                    .unwrap_or_default();
                assert!(r["message"].as_str().is_some_and(|m| !m.is_empty()));
                format!("{}{id}", r["reason"].as_str().expect("reason"))
            })
            .collect();
        reasons.insert(n["id"].as_str().expect("id").to_owned(), words.join(" "));
    }
    let want = [
        ("20260101-000003-flagged", "readiness_blocked"),
        (
            "20260101-000004-waits",
            "depends_on_open:20260101-000001-free",
        ),
        (
            "20260101-000005-dangles",
            "depends_on_missing:20260101-000000-gone",
        ),
        (
            "20260101-000010-via-dupe",
            "depends_on_open:20260101-000009-original",
        ),
        (
            "20260101-000011-child",
            "ancestor_blocked:20260101-000003-flagged",
        ),
        (
            "20260101-000012-grandchild",
            "ancestor_blocked:20260101-000003-flagged",
        ),
        (
            "20260101-000013-cyc-a",
            "in_cycle:20260101-000014-cyc-b depends_on_open:20260101-000014-cyc-b",
        ),
        ("20260101-000014-cyc-b", "in_cycle:20260101-000013-cyc-a"),
        (
            "20260101-000015-orphan",
            "parent_missing:20260101-000000-no-parent",
        ),
    ];
    let want: std::collections::BTreeMap<String, String> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(reasons, want);
    assert_eq!(
        v["cycles"],
        serde_json::json!([["20260101-000013-cyc-a", "20260101-000014-cyc-b"]])
    );
    // The redirect names the ticket it went through.
    let via = v["not_ready"]
        .as_array()
        .and_then(|a| a.iter().find(|n| n["id"] == "20260101-000010-via-dupe"))
        .expect("via-dupe");
    assert_eq!(via["reasons"][0]["via"], "20260101-000008-dupe");

    // `ready` alone prints the ready rows as `list` does; `blocked` one line per ticket.
    let (code, out, _) = run(d, &["ready"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.starts_with("status\tid\tslug\ttitle"), "{out}");
    let (_, explained, _) = run(d, &["ready", "--explain"]);
    assert!(explained.contains("# not ready: 20260101-000005-dangles: depends on 20260101-000000-gone, which does not exist\n"), "{explained}");
    assert!(explained.contains("# cycle: 20260101-000013-cyc-a 20260101-000014-cyc-b\n"));
    let (_, blocked, _) = run(d, &["blocked"]);
    assert_eq!(blocked.lines().count(), 9, "{blocked}");
    assert!(
        blocked
            .contains("20260101-000011-child\tits ancestor 20260101-000003-flagged is blocked\n")
    );
    let blocked = json(d, &["--json", "blocked"]);
    assert_eq!(blocked.as_array().map(Vec::len), Some(9));

    // `show` derives the inverses and says why.
    let shown = json(d, &["--json", "show", "20260101-000001-free"]);
    assert_eq!(
        shown["relations"]["blocks"],
        serde_json::json!(["20260101-000004-waits"])
    );
    assert_eq!(shown["ready"]["ok"], true);
    let shown = json(d, &["--json", "show", "20260101-000003-flagged"]);
    assert_eq!(
        shown["relations"]["children"],
        serde_json::json!(["20260101-000011-child"])
    );
    assert_eq!(shown["ready"]["ok"], false);
    let shown = json(d, &["--json", "show", "20260101-000009-original"]);
    assert_eq!(
        shown["relations"]["duplicated_by"],
        serde_json::json!(["20260101-000008-dupe"])
    );
    assert_eq!(shown["ready"]["reasons"][0]["reason"], "not_open");

    // Both doctors: ours reports what dangles and cycles; the shell's accepts the keys.
    let (code, _, err) = run(d, &["doctor"]);
    assert_eq!(code, 1, "{err}");
    for words in ["relation-dangling", "relation-cycle"] {
        let (_, out, _) = run(d, &["--json", "doctor"]);
        assert!(out.contains(words), "{words}: {out}");
    }
    let shell = run_shell(d, &["doctor"]);
    assert!(
        shell.status.success(),
        "{}",
        String::from_utf8_lossy(&shell.stderr)
    );
}

/// (args, exit code, words on stderr)
#[test]
fn link_refusals_name_the_tickets() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let r = d.join("work-items");
    write(&r, "open", "20260101-000001-alpha", "P2", "");
    write(
        &r,
        "open",
        "20260101-000002-beta",
        "P2",
        "depends_on: [20260101-000001-alpha]\n",
    );
    write(
        &r,
        "open",
        "20260101-000003-gamma",
        "P2",
        "parent: [20260101-000002-beta]\n",
    );
    write(&r, "open", "20260101-000004-alphabet", "P2", "");
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["link", "alpha", "--depends-on", "alpha"],
            2,
            "cannot add depends_on 20260101-000001-alpha to 20260101-000001-alpha: a ticket cannot link to itself",
        ),
        (
            &["link", "alpha", "--related", "nope"],
            3,
            "no ticket is named nope (pass --allow-missing",
        ),
        (
            &["link", "alpha", "--depends-on", "gamma"],
            2,
            "it would close the cycle 20260101-000001-alpha -> 20260101-000003-gamma -> 20260101-000002-beta -> 20260101-000001-alpha",
        ),
        (
            &["link", "alpha", "--parent", "gamma"],
            2,
            "would close the cycle",
        ),
        (
            &["link", "beta", "--depends-on", "alpha"],
            2,
            "already has a depends_on link to 20260101-000001-alpha",
        ),
        (
            &["unlink", "beta", "--parent", "alpha"],
            2,
            "has no parent link to 20260101-000001-alpha",
        ),
        (
            &["link", "alpha", "--related", "gamma", "--parent", "beta"],
            2,
            "cannot be used with",
        ),
        (&["link", "alpha"], 2, "required"),
        // related and duplicate edges never close cycles.
        (&["link", "alpha", "--related", "gamma"], 0, ""),
        (&["link", "alpha", "--supersedes", "gamma"], 0, ""),
        // A unique prefix names one ticket; an ambiguous one lists the candidates.
        (
            &["link", "alphab", "--depends-on", "20260101-000003"],
            0,
            "",
        ),
        (
            &["link", "alpha", "--related", "20260101-00000"],
            3,
            "ambiguous work item: 20260101-00000",
        ),
        (
            &[
                "link",
                "alpha",
                "--related",
                "20990101-000000-later",
                "--allow-missing",
            ],
            0,
            "",
        ),
        (
            &["link", "alpha", "--related", "../x", "--allow-missing"],
            2,
            "contains '/'",
        ),
        (
            &["unlink", "alpha", "--related", "20990101-000000-later"],
            0,
            "",
        ),
        (&["unlink", "alpha", "--related", "gamma"], 0, ""),
    ];
    for (args, code, words) in cases {
        let (got, _, err) = run(d, args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
    }
    let item = fs::read_to_string(r.join("open/20260101-000001-alpha/item.md")).expect("item");
    assert!(
        item.contains("supersedes: [20260101-000003-gamma]\n"),
        "{item}"
    );
    assert!(
        !item.contains("related:"),
        "emptied lists are removed: {item}"
    );
    let (_, _, err) = run(
        d,
        &["--json", "link", "alpha", "--related", "20260101-00000"],
    );
    let v: Value = serde_json::from_str(err.trim()).expect("json error");
    assert_eq!(v["error"]["code"], "ambiguous");
    assert_eq!(v["error"]["candidates"].as_array().map(Vec::len), Some(4));
}

#[test]
fn the_shell_reads_keeps_and_doctors_what_link_wrote() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    for (title, extra) in [("Base", vec![]), ("Top", vec!["--depends-on", "base"])] {
        let mut args = vec!["create", "--title", title];
        args.extend(extra);
        let (code, _, err) = run(d, &args);
        assert_eq!(code, 0, "{err}");
    }
    let (code, _, err) = run(d, &["link", "top", "--related", "base"]);
    assert_eq!(code, 0, "{err}");
    let shell_list = run_shell(d, &["list"]);
    let (_, ours, _) = run(d, &["list"]);
    assert_eq!(String::from_utf8_lossy(&shell_list.stdout), ours);
    let shell_show = run_shell(d, &["show", "top"]);
    let (_, ours, _) = run(d, &["show", "top"]);
    assert_eq!(String::from_utf8_lossy(&shell_show.stdout), ours);
    assert!(
        ours.contains("depends_on: [20261124-100000-base]\nrelated: [20261124-100000-base]\n"),
        "{ours}"
    );
    assert!(ours.contains("<!-- event: link author: tester at: 2026-11-24T10:00:00Z status: related refs: ticket=20261124-100000-base -->"));
    // The shell's own writes keep the keys and the events.
    fs::write(d.join("body.md"), "A comment.\n").expect("body");
    for args in [
        &["comment", "top", "--file", "body.md"][..],
        &["status", "top", "pending"][..],
        &["close", "top", "--resolution", "Done"][..],
    ] {
        let out = run_shell(d, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(run_shell(d, &["doctor"]).status.success());
        let (code, _, err) = run(d, &["doctor"]);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    let shown = json(d, &["--json", "show", "top"]);
    assert_eq!(
        shown["relations"]["depends_on"],
        serde_json::json!(["20261124-100000-base"])
    );
    assert_eq!(
        shown["relations"]["related"],
        serde_json::json!(["20261124-100000-base"])
    );
    let kinds: Vec<&str> = shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["create", "link", "comment", "status", "close"]);
    let base = json(d, &["--json", "show", "base"]);
    assert_eq!(
        base["relations"]["blocks"],
        serde_json::json!(["20261124-100000-top"])
    );
    assert_eq!(
        base["relations"]["related_by"],
        serde_json::json!(["20261124-100000-top"])
    );
}
