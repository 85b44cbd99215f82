//! The wire contract: `ticket schema`, and every `--json` output of these tests validated
//! against its document's schema (support's `Ticket` calls [`check`] after every run).

use std::collections::HashMap;
use std::process::Output;
use std::sync::OnceLock;

use serde_json::Value;
use ticket_app::wire::DOCUMENTS;

use crate::support::ticket;

/// The document a `ticket` command line prints with `--json`, or `None` when it prints none
/// (no `--json`, help, completions, the merge driver, a schema itself).
fn document(args: &[String]) -> Option<&'static str> {
    if !args.iter().any(|a| a == "--json") || args.iter().any(|a| a == "--help" || a == "-h") {
        return None;
    }
    let mut rest = args.iter().map(String::as_str);
    let command = loop {
        match rest.next()? {
            "--json" => {}
            "--root" | "--root-format" => {
                rest.next();
            }
            flag if flag.starts_with("--root") => {}
            command => break command,
        }
    };
    Some(match command {
        "list" => "list",
        "show" | "comment" | "review" | "status" | "close" | "reopen" | "edit" | "link"
        | "unlink" => "show",
        "ready" if args.iter().any(|a| a == "--claim") => "claim",
        "ready" => "ready",
        "blocked" => "blocked",
        "create" => "create",
        "claim" | "renew" | "release" => "claim",
        "search" => "search",
        "doctor" => "doctor",
        "sync" => "sync",
        "init" => "init",
        "import" => "import",
        "export" => "export",
        "changes" => "changes",
        // `schema NAME` prints a JSON Schema; `every_schema_compiles_...` checks those.
        "schema" if rest.next().is_some() => return None,
        "schema" => "schema",
        _ => "unknown",
    })
}

fn validators() -> &'static HashMap<&'static str, jsonschema::Validator> {
    static VALIDATORS: OnceLock<HashMap<&'static str, jsonschema::Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        DOCUMENTS
            .iter()
            .map(|d| {
                let validator = jsonschema::draft202012::new(&d.schema())
                    .unwrap_or_else(|e| panic!("the schema of `{}` does not compile: {e}", d.name));
                (d.name, validator)
            })
            .collect()
    })
}

/// Why `text` is not a valid `name` document, or `None` when it is.
fn invalid(name: &str, text: &str) -> Option<String> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => return Some(format!("not JSON ({e})")),
    };
    let validator = validators().get(name)?;
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    (!errors.is_empty()).then(|| errors.join("; "))
}

/// Panics when the `--json` output of `ticket <args>` breaks the contract.
pub fn check(args: &[String], out: &Output) {
    let Some(name) = document(args) else {
        return;
    };
    assert_ne!(
        name, "unknown",
        "ticket {args:?}: which document does it print?"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.trim().is_empty()
        && let Some(why) = invalid(name, &stdout)
    {
        panic!(
            "ticket {args:?} printed a `{name}` document that breaks its schema: {why}\n{stdout}"
        );
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in stderr.lines().filter(|l| l.starts_with('{')) {
        if let Some(why) = invalid("error", line) {
            panic!("ticket {args:?} printed an error that breaks its schema: {why}\n{line}");
        }
    }
    if !out.status.success() && stdout.trim().is_empty() {
        assert!(
            stderr.lines().any(|l| l.starts_with("{\"error\"")),
            "ticket {args:?} failed with --json but printed no error document: {stderr}"
        );
    }
}

#[test]
fn every_schema_compiles_and_the_cli_prints_it() {
    let dir = tempfile::tempdir().expect("scratch");
    let listed = ticket(dir.path())
        .args(["--json", "schema"])
        .output()
        .expect("run");
    assert!(listed.status.success());
    let listed: Vec<Value> = serde_json::from_slice(&listed.stdout).expect("a list");
    let names: Vec<&str> = listed.iter().filter_map(|d| d["name"].as_str()).collect();
    let expected: Vec<&str> = DOCUMENTS.iter().map(|d| d.name).collect();
    assert_eq!(names, expected);
    for name in [
        "show", "list", "ready", "blocked", "create", "claim", "search", "doctor", "sync", "init",
        "import", "export", "error",
    ] {
        assert!(names.contains(&name), "no `{name}` document");
    }
    let human = ticket(dir.path()).arg("schema").output().expect("run");
    let human = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.lines().count(), DOCUMENTS.len());
    for d in DOCUMENTS {
        assert!(validators().contains_key(d.name));
        let out = ticket(dir.path())
            .args(["schema", d.name])
            .output()
            .expect("run");
        assert!(out.status.success(), "schema {}", d.name);
        let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(printed, d.schema(), "schema {}", d.name);
        assert_eq!(
            printed["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "schema {}",
            d.name
        );
    }
    let unknown = ticket(dir.path())
        .args(["--json", "schema", "nope"])
        .output()
        .expect("run");
    assert_eq!(unknown.status.code(), Some(2));
    // `init` is printed by no other test with --json.
    let init = ticket(dir.path())
        .args(["--json", "init"])
        .output()
        .expect("run");
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
}

/// The check is not a rubber stamp: documents with a field missing, a field the types do not
/// declare, or a value of the wrong type are refused.
#[test]
fn the_schemas_refuse_what_the_types_do_not_print() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Checked", "--label", "a"])
        .assert()
        .success();
    let shown = ticket(d)
        .args(["--json", "show", "checked"])
        .output()
        .expect("run");
    let show: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(invalid("show", &show.to_string()), None);
    let mut cases = Vec::new();
    let mut missing = show.clone();
    missing.as_object_mut().expect("object").remove("version");
    cases.push(("a missing field", missing));
    let mut extra = show.clone();
    extra["surprise"] = Value::Bool(true);
    cases.push(("an undeclared field", extra));
    let mut nested = show.clone();
    nested["relations"]["surprise"] = Value::Array(Vec::new());
    cases.push(("an undeclared nested field", nested));
    let mut wrong = show.clone();
    wrong["created_at"] = Value::String("yesterday".into());
    cases.push(("a time that is not one", wrong));
    let mut labels = show;
    labels["labels"] = Value::String("a".into());
    cases.push(("a string for a list", labels));
    for (what, doc) in cases {
        assert!(invalid("show", &doc.to_string()).is_some(), "{what} passed");
    }
    let reason = serde_json::json!([{
        "id": "x", "slug": "x", "title": "x", "priority": "P2", "path": "p",
        "reasons": [{"reason": "readiness_blocked", "message": "m", "surprise": 1}]
    }]);
    assert!(invalid("blocked", &reason.to_string()).is_some());
    let error = r#"{"error":{"code":"usage"}}"#;
    assert!(
        invalid("error", error).is_some(),
        "an error without a message passed"
    );
    let error = r#"{"error":{"code":"no_such_code","message":"m"}}"#;
    assert!(
        invalid("error", error).is_some(),
        "a code outside the table passed"
    );
    let error = r#"{"error":{"code":"usage","message":"m"}}"#;
    assert_eq!(invalid("error", error), None);
}

/// One contract for streaming and whole clients: what `ticket --json ready` streams is, byte for
/// byte, the app's `ReadyView` serialised whole (as the MCP server and the boards answer).
#[test]
fn the_streamed_ready_queue_is_the_app_view_serialised() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let run = |args: &[&str]| {
        ticket(d).args(args).assert().success();
    };
    for title in ["Base", "Waits", "Free", "Loop a", "Loop b", "Held back"] {
        run(&["create", "--title", title]);
    }
    run(&["link", "waits", "--depends-on", "base"]);
    run(&["link", "loop-a", "--depends-on", "loop-b"]);
    run(&["edit", "held-back", "--readiness", "blocked"]);
    // A cycle cannot be made by `link`; tickets.sh's files can hold one.
    let root = d.join("work-items");
    let loop_b = std::fs::read_dir(root.join("open"))
        .expect("open/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with("loop-b"))
        .expect("loop-b");
    let id_a = std::fs::read_dir(root.join("open"))
        .expect("open/")
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .find(|n| n.ends_with("loop-a"))
        .expect("loop-a");
    let item = loop_b.join("item.md");
    let text = std::fs::read_to_string(&item).expect("item.md");
    let text = text.replacen("---\n", &format!("---\ndepends_on: [{id_a}]\n"), 1);
    std::fs::write(&item, text).expect("write");
    let streamed = ticket(d)
        .args(["--json", "ready", "--explain"])
        .output()
        .expect("run");
    assert!(streamed.status.success());
    let app = ticket_app::App::new(&root, ticket_app::Settings::default());
    let view = app.ready_view().expect("the ready view");
    assert!(!view.cycles.is_empty(), "the fixture has a cycle: {view:?}");
    assert_eq!(view.ready.len(), 2, "{view:?}");
    let whole = serde_json::to_string_pretty(&ticket_app::wire::Ready::from(&view))
        .expect("serialises")
        + "\n";
    // The paths the app shows are the root's as given; the CLI's are as it found it.
    let streamed = String::from_utf8_lossy(&streamed.stdout).replace(
        "\"path\": \"work-items/",
        &format!("\"path\": \"{}/", root.display()),
    );
    assert_eq!(streamed, whole);
}
