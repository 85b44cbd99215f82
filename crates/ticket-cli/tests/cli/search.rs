//! `ticket search`: one line a hit, the JSON shape of docs/cli.md, the same answer with
//! `--no-index`, and usage errors for a query without words or a limit of zero.

use std::path::Path;

use serde_json::Value;

use crate::support::{corpus_copy, ticket};

/// A root with a few tickets, English and Japanese, and a comment.
fn fixture(dir: &Path) {
    let run = |now: &str, args: &[&str]| {
        ticket(dir)
            .env("TICKETS_NOW", now)
            .args(args)
            .assert()
            .success();
    };
    run(
        "2026-05-27T00:00:01Z",
        &["create", "--title", "Fix the parser"],
    );
    run(
        "2026-05-27T00:00:02Z",
        &["create", "--title", "Pod: scope 永続化", "--label", "pod"],
    );
    run(
        "2026-05-27T00:00:03Z",
        &["create", "--title", "Parsing speed"],
    );
    ticket(dir)
        .env("TICKETS_NOW", "2026-05-27T00:00:04Z")
        .args(["comment", "fix-the-parser", "--role", "decision"])
        .write_stdin("The parser keeps every byte; 再起動しても残る。\n")
        .assert()
        .success();
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let out = ticket(dir).args(args).output().expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn one_line_a_hit_best_first() {
    let dir = tempfile::tempdir().expect("scratch");
    fixture(dir.path());
    let text = stdout(dir.path(), &["search", "parser"]);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 1, "{text}");
    let hit = &lines[0];
    assert_eq!(
        hit.len(),
        6,
        "score, status, id, field, title, snippet: {text}"
    );
    assert_eq!(hit[1], "open");
    assert_eq!(hit[2], "20260527-000001-fix-the-parser");
    // The title and the decision match alike: the title comes first.
    assert_eq!(hit[3], "title");
    assert_eq!(hit[4], "Fix the parser");
    assert_eq!(hit[5], "Fix the parser");
    let text = stdout(dir.path(), &["search", "parser", "byte"]);
    assert!(
        text.contains("	event:decision	Fix the parser	The parser keeps every byte"),
        "{text}"
    );
    assert!(hit[0].parse::<f64>().expect("a score") > 0.0);

    let text = stdout(dir.path(), &["search", "pars*"]);
    assert_eq!(text.lines().count(), 2, "{text}");
    let text = stdout(dir.path(), &["search", "再起動"]);
    assert!(text.contains("fix-the-parser\tevent:decision"), "{text}");
    let text = stdout(
        dir.path(),
        &["search", "永続化", "--label", "pod", "--status", "open"],
    );
    assert!(text.contains("\ttitle\tPod: scope 永続化\t"), "{text}");
    assert_eq!(
        stdout(dir.path(), &["search", "永続化", "--status", "closed"]),
        ""
    );
    assert_eq!(stdout(dir.path(), &["search", "nothing-like-it"]), "");
}

#[test]
fn json_shape_and_order() {
    let dir = tempfile::tempdir().expect("scratch");
    fixture(dir.path());
    let v: Value =
        serde_json::from_str(&stdout(dir.path(), &["--json", "search", "pars*"])).expect("JSON");
    let hits = v.as_array().expect("an array");
    assert_eq!(hits.len(), 2);
    for h in hits {
        let mut keys: Vec<&str> = h
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["field", "id", "score", "slug", "snippet", "status", "title"]
        );
    }
    let scores: Vec<f64> = hits
        .iter()
        .map(|h| h["score"].as_f64().expect("score"))
        .collect();
    assert!(scores[0] >= scores[1], "{scores:?}");
    let one: Value = serde_json::from_str(&stdout(
        dir.path(),
        &["search", "--json", "pars*", "--limit", "1"],
    ))
    .expect("JSON");
    assert_eq!(one.as_array().expect("array").len(), 1);
    assert_eq!(one[0]["id"], hits[0]["id"]);
}

#[test]
fn no_index_gives_the_same_output() {
    let dir = tempfile::tempdir().expect("scratch");
    fixture(dir.path());
    for q in ["parser", "pars*", "\"the parser\"", "永続化", "scope"] {
        let indexed = stdout(dir.path(), &["search", q]);
        assert_eq!(
            stdout(dir.path(), &["search", q, "--no-index"]),
            indexed,
            "{q}"
        );
    }
    assert!(
        dir.path().join("work-items/.index/search").is_dir(),
        "the index lives under the root's .index/"
    );
}

#[test]
fn no_index_gives_the_same_output_on_the_corpus() {
    let Some(dir) = corpus_copy() else { return };
    for q in [
        "handshake",
        "永続化",
        "\"session log\"",
        "sandbox*",
        "pod scope",
    ] {
        let indexed = stdout(dir.path(), &["--json", "search", q, "--limit", "50"]);
        let scanned = stdout(
            dir.path(),
            &["--json", "search", q, "--limit", "50", "--no-index"],
        );
        assert_eq!(scanned, indexed, "{q}");
    }
}

#[test]
fn usage_errors() {
    let dir = tempfile::tempdir().expect("scratch");
    fixture(dir.path());
    let out = ticket(dir.path())
        .args(["search", "!!!"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing to search for"), "{err}");
    let out = ticket(dir.path())
        .args(["--json", "search", "!?"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stderr).expect("a JSON error");
    assert_eq!(v["error"]["code"], "invalid");
    for args in [&["search"][..], &["search", "x", "--limit", "0"]] {
        let out = ticket(dir.path()).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn searches_and_writers_at_once_leave_a_sound_index() {
    let dir = tempfile::tempdir().expect("scratch");
    fixture(dir.path());
    let bin = assert_cmd::cargo::cargo_bin("ticket");
    let spawn = |args: &[&str], stdin: bool| {
        let mut c = std::process::Command::new(&bin);
        c.current_dir(dir.path())
            .env("USER", "tester")
            .env_remove("WORK_ITEMS_DIR")
            .env_remove("TICKETS_NOW")
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .stdin(if stdin {
                std::process::Stdio::piped()
            } else {
                std::process::Stdio::null()
            });
        c.spawn().expect("spawn")
    };
    let mut children = Vec::new();
    for i in 0..6 {
        children.push(spawn(&["search", "parser"], false));
        let mut writer = spawn(&["comment", "fix-the-parser", "--file", "-"], true);
        if let Some(mut stdin) = writer.stdin.take() {
            std::io::Write::write_all(&mut stdin, format!("concurrent word{i}\n").as_bytes())
                .expect("write body");
        }
        children.push(writer);
    }
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for q in ["concurrent", "word5", "parser"] {
        let indexed = stdout(dir.path(), &["--json", "search", q]);
        assert_eq!(
            stdout(dir.path(), &["--json", "search", q, "--no-index"]),
            indexed,
            "{q}"
        );
    }
    assert!(stdout(dir.path(), &["search", "word5"]).contains("fix-the-parser"));
}
