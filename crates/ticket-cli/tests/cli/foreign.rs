//! `ticket import` and `ticket export`: the contract end to end (exit codes, what is said on
//! which stream, JSON), and `show` of imported tickets.

use std::fs;
use std::path::Path;

use crate::support::{repo, ticket};

fn fixture(rel: &str) -> String {
    repo()
        .join("tests/fixtures")
        .join(rel)
        .display()
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn doctors_ok(dir: &Path) {
    let out = ticket(dir)
        .args(["--root", "wi", "doctor"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = std::process::Command::new("sh")
        .arg(repo().join("tickets.sh"))
        .arg("doctor")
        .env("WORK_ITEMS_DIR", dir.join("wi"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn orchestr8_in_and_out_byte_for_byte() {
    let dir = tempfile::tempdir().expect("scratch");
    let out = ticket(dir.path())
        .args(["--root", "wi", "import", "--from", "orchestr8"])
        .arg(fixture("orchestr8/tickets"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "two files do not parse");
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("created\t"))
            .count(),
        9,
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: not imported: broken.json:3: not JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("archive/0badc0de.json: archived: the file is under archive/"),
        "{stderr}"
    );
    doctors_ok(dir.path());
    // Again: nothing changes.
    let again = ticket(dir.path())
        .args(["--root", "wi", "import", "--from", "orchestr8"])
        .arg(fixture("orchestr8/tickets"))
        .output()
        .expect("runs");
    assert_eq!(
        text(&again.stdout)
            .lines()
            .filter(|l| l.starts_with("unchanged\t"))
            .count(),
        9
    );
    let out = ticket(dir.path())
        .args(["--root", "wi", "export", "--to", "orchestr8", "out"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(4),
        "the hostile id is refused: {}",
        text(&out.stderr)
    );
    for name in ["a1b2c3d4.json", "archive/0badc0de.json", "feedf00d.json"] {
        let want =
            fs::read(repo().join("tests/fixtures/orchestr8/tickets").join(name)).expect("fixture");
        assert_eq!(
            fs::read(dir.path().join("out").join(name)).expect("exported"),
            want,
            "{name}"
        );
    }
    // An export over the same files refuses every ticket and writes nothing.
    let again = ticket(dir.path())
        .args([
            "--root",
            "wi",
            "export",
            "--to",
            "orchestr8",
            "out",
            "broken-import-in-foo-py-a1b2c3d4",
        ])
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(4));
    assert!(
        text(&again.stderr).contains("never overwrites"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn show_of_imported_tickets_shows_notes_messages_pins_and_links() {
    let dir = tempfile::tempdir().expect("scratch");
    for (format, path) in [
        ("orchestr8", "orchestr8/tickets/e5f60718.json"),
        ("aticket", "aticket/tickets/2026-11-25-from-git-only-080500"),
        ("ushabti", "ushabti"),
    ] {
        let source = if format == "orchestr8" {
            let d = dir.path().join("o8");
            fs::create_dir_all(&d).expect("dir");
            fs::copy(
                repo().join("tests/fixtures").join(path),
                d.join("e5f60718.json"),
            )
            .expect("copy");
            d.display().to_string()
        } else {
            fixture(path)
        };
        let out = ticket(dir.path())
            .args(["--root", "wi", "import", "--from", format, &source])
            .output()
            .expect("runs");
        assert!(
            out.status.success() || format == "ushabti",
            "{format}: {}",
            text(&out.stderr)
        );
    }
    let show = |q: &str| {
        let out = ticket(dir.path())
            .args(["--root", "wi", "show", "--full", q])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{q}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let o8 = show("escalation-gen-7-stuck-e5f60718");
    assert!(o8.contains("<!-- event: note author: Director at: 2026-02-16T23:58:11Z refs: x_orchestr8_time=23:58:11"), "{o8}");
    assert!(o8.contains("Escalated due to: timeout after 3 retries"));
    assert!(o8.contains("legacy_ticket: orchestr8:e5f60718"));
    let at = show("from-git-only");
    assert!(
        at.contains("<!-- event: pinned author: aticket-cli"),
        "{at}"
    );
    assert!(at.contains("Never open the DB by hand"));
    assert!(at.contains("## Message #3"));
    assert!(at.contains("please look at the logs"));
    assert!(
        at.contains("x_aticket_with_items_json=[\"https://x/1\"%2C%20\"https://x/2\"]"),
        "{at}"
    );
    assert!(at.contains("refs_urls: [https://example.com/issue/7]"));
    assert!(at.contains("## Links\n- a note that is not a URI"));
    assert!(
        at.contains("- 09:00:00: Released") || at.contains("Released ticket by `claude (12ab)`.")
    );
    let us = show("improve-error-messages");
    assert!(us.contains("## Proposed work"), "{us}");
    assert!(us.contains("x_ushabti_created: \"2026-02-01\""));
    doctors_ok(dir.path());
}

#[test]
fn aticket_forks_and_squashes_become_relations_and_stay_through_reimports() {
    let dir = tempfile::tempdir().expect("scratch");
    let import = || {
        let out = ticket(dir.path())
            .args(["--root", "wi", "--json", "import", "--from", "aticket"])
            .arg(fixture("aticket"))
            .output()
            .expect("runs");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v["imported"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|e| e["outcome"].as_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    let relations = |q: &str| {
        let out = ticket(dir.path())
            .args(["--root", "wi", "--json", "show", q])
            .output()
            .expect("runs");
        assert!(out.status.success(), "{q}: {}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v["relations"].clone()
    };
    assert_eq!(import(), vec!["created"; 4]);
    // The fixtures were read from TICKET.md alone: the fork is known from its `## Fork`
    // section, the squash from `Squashed into:`.
    let fork = relations("forked-work");
    let spike = relations("old-spike");
    assert_eq!(
        fork["related"],
        serde_json::json!(["20261120-010000-old-spike"])
    );
    assert_eq!(
        fork["supersedes"],
        serde_json::json!(["20261120-010000-old-spike"])
    );
    assert_eq!(
        spike["superseded_by"],
        serde_json::json!(["20261126-101010-forked-work"])
    );
    // A link made here survives a re-import, which changes nothing else (the one ticket it
    // updates gets its frontmatter in the key order of a whole write).
    let out = ticket(dir.path())
        .args([
            "--root",
            "wi",
            "link",
            "forked-work",
            "--depends-on",
            "from-git-only",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outcomes = import();
    assert_eq!(
        outcomes.iter().filter(|o| *o == "unchanged").count(),
        3,
        "{outcomes:?}"
    );
    let fork = relations("forked-work");
    assert_eq!(
        fork["depends_on"],
        serde_json::json!(["20261124-230500-from-git-only"])
    );
    assert_eq!(
        fork["supersedes"],
        serde_json::json!(["20261120-010000-old-spike"])
    );
    assert_eq!(import(), vec!["unchanged"; 4]);
    doctors_ok(dir.path());
}

/// Every file under `dir` with its bytes, to show that nothing was written there.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("lists").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.display().to_string(), fs::read(&p).expect("reads")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn each_format_is_read_in_place_and_never_written() {
    // (format, fixture, tickets listed, a slug, the file `show` names, one file that does not read)
    let cases = [
        (
            "orchestr8",
            "orchestr8/tickets",
            9,
            "lock-contention-9f8e7d6c",
            "9f8e7d6c.json",
            Some("broken.json"),
        ),
        (
            "ushabti",
            "ushabti",
            7,
            "improve-error-messages",
            ".ushabti/tickets/T0001-improve-error-messages.yaml",
            Some("T0007-broken.yaml"),
        ),
        (
            "aticket",
            "aticket",
            4,
            "forked-work",
            "tickets/2026-11-26-forked-work-101010",
            Some("2026-11-27-corrupt-db-000000"),
        ),
    ];
    for (format, fixture_rel, count, slug, file, broken) in cases {
        let dir = tempfile::tempdir().expect("scratch");
        let src = dir.path().join("src");
        copy_tree(&repo().join("tests/fixtures").join(fixture_rel), &src);
        fs::write(dir.path().join("body.md"), "A comment.\n").expect("body");
        let before = tree(&src);
        let run = |args: &[&str]| {
            ticket(dir.path())
                .args(["--root", "src", "--root-format", format])
                .args(args)
                .output()
                .expect("runs")
        };
        let out = run(&["--json", "list", "--status", "all"]);
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        let listed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(listed.as_array().map(Vec::len), Some(count), "{format}");
        let out = run(&["show", slug]);
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        let shown = text(&out.stdout);
        assert!(
            shown
                .lines()
                .any(|l| l.starts_with("Path: src/") && l.ends_with(file)),
            "{format}: {shown}"
        );
        if let Some(broken) = broken {
            assert!(
                text(&out.stderr).contains(&format!("warning: not read: {broken}")),
                "{format}: {}",
                text(&out.stderr)
            );
        }
        // Every writer refuses, before anything is written, and says how to change them.
        for args in [
            vec!["comment", slug, "--file", "body.md"],
            vec!["close", slug, "--resolution", "x"],
            vec!["edit", slug, "--title", "New"],
            vec!["create", "--title", "New"],
        ] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(2), "{format} {args:?}");
            assert!(
                text(&out.stderr)
                    .contains(&format!("ticket import --from {format} src --root DIR")),
                "{format} {args:?}: {}",
                text(&out.stderr)
            );
        }
        let out = run(&["--json", "status", slug, "pending"]);
        let err: serde_json::Value = serde_json::from_slice(&out.stderr).expect("json error");
        assert_eq!(err["error"]["code"], "read_only", "{format}");
        assert_eq!(
            tree(&src),
            before,
            "{format}: nothing written where the tickets are"
        );
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("lists").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).expect("copies");
        }
    }
}

#[test]
fn json_reports_and_usage_errors() {
    let dir = tempfile::tempdir().expect("scratch");
    let out = ticket(dir.path())
        .args(["--root", "wi", "--json", "import", "--from", "ushabti"])
        .arg(fixture("ushabti"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["imported"].as_array().map(Vec::len), Some(7));
    assert_eq!(v["imported"][0]["outcome"], "created");
    assert_eq!(v["skipped"][0]["path"], "T0007-broken.yaml");
    let out = ticket(dir.path())
        .args(["--root", "wi", "--json", "export", "--to", "ushabti", "out"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["exported"].as_array().map(Vec::len), Some(7));
    let bad = ticket(dir.path())
        .args(["--root", "wi", "import", "--from", "jira", "x"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("orchestr8, ushabti or aticket"));
    let missing = ticket(dir.path())
        .args(["--root", "wi", "import", "--from", "ushabti", "no/such/dir"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(1));
}
