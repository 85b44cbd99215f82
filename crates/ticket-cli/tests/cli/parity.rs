//! `ticket` prints exactly what `./tickets.sh` prints, and the two can take turns on one tree.

use std::fs;

use crate::support::{corpus_copy, ids_and_slugs, run_shell, ticket};

fn same_stdout(dir: &std::path::Path, args: &[&str]) {
    let ours = ticket(dir).args(args).output().expect("run ticket");
    let theirs = run_shell(dir, args);
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "stdout of {args:?}"
    );
    assert_eq!(ours.status.success(), theirs.status.success(), "{args:?}");
}

#[test]
fn list_and_show_match_tickets_sh_on_every_real_ticket() {
    let Some(dir) = corpus_copy() else { return };
    for status in ["open", "pending", "closed", "all"] {
        same_stdout(dir.path(), &["list", "--status", status]);
    }
    same_stdout(dir.path(), &["list"]);
    let tickets = ids_and_slugs(&dir.path().join("work-items"));
    assert_eq!(tickets.len(), 112);
    for (id, slug) in &tickets {
        same_stdout(dir.path(), &["show", id]);
        same_stdout(dir.path(), &["show", slug]);
    }
}

#[test]
fn alternating_writers_leave_a_tree_both_doctors_accept() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let notes = d.join("notes.md");
    fs::write(&notes, "Body with\n---\n<!-- event: fake -->\nlines\n").expect("notes");
    let notes = notes.to_string_lossy().into_owned();
    let steps: &[&[&str]] = &[
        &[
            "create",
            "--title",
            "Shared: ticket",
            "--label",
            "a, b",
            "--kind",
            "feature",
        ],
        &["comment", "shared-ticket", "--file", &notes],
        &[
            "comment",
            "shared-ticket",
            "--role",
            "plan",
            "--author",
            "yoi ticket",
            "--file",
            &notes,
        ],
        &[
            "comment",
            "shared-ticket",
            "--role",
            "decision",
            "--file",
            &notes,
        ],
        &[
            "comment",
            "shared-ticket",
            "--role",
            "implementation_report",
            "--file",
            &notes,
        ],
        &[
            "review",
            "shared-ticket",
            "--request-changes",
            "--file",
            &notes,
        ],
        &["review", "shared-ticket", "--approve", "--file", &notes],
        &["status", "shared-ticket", "pending"],
        &["status", "shared-ticket", "open"],
        &["close", "shared-ticket", "--resolution", "Done."],
        &["reopen", "shared-ticket", "--reason", "Not done."],
        &["close", "shared-ticket", "--file", &notes],
    ];
    for (n, step) in steps.iter().enumerate() {
        let ok = if n % 2 == 0 {
            ticket(d)
                .args(*step)
                .write_stdin("")
                .output()
                .expect("ticket")
                .status
                .success()
        } else {
            run_shell(d, step).status.success()
        };
        assert!(ok, "step {n}: {step:?}");
        ticket(d).arg("doctor").assert().success();
        assert!(
            run_shell(d, &["doctor"]).status.success(),
            "tickets.sh doctor after step {n}"
        );
    }
    let out = ticket(d)
        .args(["--json", "show", "shared-ticket"])
        .output()
        .expect("show");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "create",
            "comment",
            "plan",
            "decision",
            "implementation_report",
            "review",
            "review",
            "status",
            "status",
            "close",
            "status",
            "close"
        ],
        "every move is recorded, whoever wrote it"
    );
    assert_eq!(
        v["events"][10]["body"],
        "from: closed\nto: open\n\nNot done.\n"
    );
    assert_eq!(v["events"][2]["author"], "yoi ticket");
    assert_eq!(
        v["events"][1]["body"],
        "Body with\n---\n<!-- event: fake -->\nlines\n"
    );
}
