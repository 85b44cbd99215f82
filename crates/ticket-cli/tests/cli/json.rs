//! `--json` gives every fact as data, with the field names docs/cli.md promises.

use serde_json::Value;

use crate::support::{corpus_copy, ids_and_slugs, ticket};

fn json(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = ticket(dir).args(args).output().expect("run ticket");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn show_returns_every_event_of_every_real_ticket() {
    let Some(dir) = corpus_copy() else { return };
    let root = dir.path().join("work-items");
    let mut authors = std::collections::BTreeSet::new();
    let mut total = 0;
    for (id, _) in ids_and_slugs(&root) {
        let v = json(dir.path(), &["show", &id, "--json"]);
        let path = v["path"].as_str().expect("path").to_owned();
        let thread =
            std::fs::read_to_string(dir.path().join(&path).join("thread.md")).expect("thread");
        let headers = thread
            .lines()
            .filter(|l| l.starts_with("<!-- event:"))
            .count();
        let events = v["events"].as_array().expect("events");
        assert_eq!(events.len(), headers, "{id}");
        total += events.len();
        for e in events {
            assert_eq!(
                keys(e),
                ["at", "author", "body", "heading", "kind", "refs", "status"]
            );
            authors.insert(e["author"].as_str().expect("author").to_owned());
        }
    }
    assert_eq!(total, 394);
    assert!(authors.contains("yoi ticket"), "{authors:?}");
}

#[test]
fn shapes_follow_docs_cli_md() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let created = json(d, &["--json", "create", "--title", "Json", "--label", "x"]);
    assert_eq!(keys(&created), ["id", "path", "slug"]);
    assert_eq!(created["path"], "work-items/open/20261124-100000-json");
    let list = json(d, &["list", "--json"]);
    let item = &list.as_array().expect("array")[0];
    assert_eq!(
        keys(item),
        [
            "action_required",
            "assignee",
            "claim",
            "created_at",
            "id",
            "kind",
            "labels",
            "path",
            "priority",
            "readiness",
            "relations",
            "slug",
            "status",
            "title",
            "updated_at"
        ]
    );
    assert_eq!(
        keys(&item["relations"]),
        [
            "depends_on",
            "duplicate_of",
            "parent",
            "related",
            "supersedes"
        ]
    );
    assert_eq!(item["action_required"], "none");
    assert_eq!(item["labels"], serde_json::json!(["x"]));
    let show = json(d, &["--json", "comment", "json", "--file", "-"]);
    for key in [
        "legacy_ticket",
        "body",
        "readiness",
        "needs_preflight",
        "risk_flags",
        "action_required",
        "refs",
        "events",
        "resolution",
        "artifacts",
        "relations",
    ] {
        assert!(show.get(key).is_some(), "show lacks {key}");
    }
    assert_eq!(show["events"][1]["body"], "");
    let doctor = json(d, &["--json", "doctor"]);
    assert_eq!(
        keys(&doctor),
        ["diagnostics", "errors", "fixed", "ok", "warnings"]
    );
    assert_eq!(doctor["ok"], true);
}

#[test]
fn list_filters_select_what_agents_ask_for() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let ids = |args: &[&str]| -> Vec<String> {
        let v = json(d, args);
        v.as_array()
            .expect("array")
            .iter()
            .map(|t| t["slug"].as_str().expect("slug").to_owned())
            .collect()
    };
    ticket(d)
        .args([
            "create",
            "--title",
            "Needs review",
            "--label",
            "x,y",
            "--kind",
            "bug",
        ])
        .assert()
        .success();
    ticket(d)
        .args(["create", "--title", "Needs fixes", "--priority", "P0"])
        .assert()
        .success();
    ticket(d)
        .args(["create", "--title", "Idle"])
        .assert()
        .success();
    for q in ["needs-review", "needs-fixes"] {
        ticket(d).args(["status", q, "pending"]).assert().success();
        ticket(d)
            .args(["comment", q, "--role", "implementation_report"])
            .write_stdin("done")
            .assert()
            .success();
    }
    ticket(d)
        .args(["review", "needs-fixes", "--request-changes"])
        .write_stdin("again")
        .assert()
        .success();
    assert_eq!(
        ids(&[
            "--json",
            "list",
            "--status",
            "all",
            "--action-required",
            "reviewer"
        ]),
        ["needs-review"]
    );
    assert_eq!(
        ids(&[
            "--json",
            "list",
            "--status",
            "all",
            "--action-required",
            "implementer"
        ]),
        ["needs-fixes"]
    );
    assert_eq!(
        ids(&[
            "--json", "list", "--status", "all", "--label", "y", "--kind", "bug"
        ]),
        ["needs-review"]
    );
    assert_eq!(
        ids(&["--json", "list", "--status", "all", "--priority", "P0"]),
        ["needs-fixes"]
    );
    assert_eq!(
        ids(&["--json", "list", "--assignee", "nobody"]),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&["--json", "list", "--status", "all", "--sort", "priority"])[0],
        "needs-fixes"
    );
}

#[test]
fn show_has_a_version_that_names_the_state() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    json(d, &["--json", "create", "--title", "Versioned"]);
    let version = |v: &Value| v["version"].as_str().expect("version").to_owned();
    let first = version(&json(d, &["--json", "show", "versioned"]));
    assert_eq!(first.len(), 16, "{first}");
    assert_eq!(
        version(&json(d, &["--json", "show", "versioned"])),
        first,
        "an unchanged ticket keeps its version"
    );
    let after = json(d, &["--json", "comment", "versioned", "--file", "-"]);
    assert_ne!(version(&after), first, "a change makes a new version");
    assert_eq!(
        version(&json(d, &["--json", "show", "versioned"])),
        version(&after),
        "a mutation's answer carries the version a read gives"
    );
}
