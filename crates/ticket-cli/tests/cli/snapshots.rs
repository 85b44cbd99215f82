//! Human output, reviewed as snapshots (`cargo insta review` after a deliberate change).

use crate::support::ticket;

fn stdout(cmd: &mut crate::support::Ticket) -> String {
    let out = cmd.output().expect("run");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn human_output() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let created = stdout(ticket(d).args([
        "create",
        "--title",
        "Snapshot: the CLI",
        "--label",
        "cli, docs",
        "--priority",
        "P1",
    ]));
    insta::assert_snapshot!("create", created);
    ticket(d)
        .args([
            "comment",
            "snapshot-the-cli",
            "--role",
            "plan",
            "--author",
            "yoi ticket",
        ])
        .write_stdin("Plan:\n\n- one\n- two\n")
        .assert()
        .success();
    ticket(d)
        .args([
            "review",
            "snapshot-the-cli",
            "--request-changes",
            "--author",
            "reviewer",
        ])
        .write_stdin("Needs tests.")
        .assert()
        .success();
    ticket(d)
        .args(["status", "snapshot-the-cli", "pending"])
        .assert()
        .success();
    insta::assert_snapshot!(
        "list_all",
        stdout(ticket(d).args(["list", "--status", "all"]))
    );
    insta::assert_snapshot!("show", stdout(ticket(d).args(["show", "snapshot-the-cli"])));
    insta::assert_snapshot!("doctor_ok", stdout(ticket(d).args(["doctor"])));
    std::fs::remove_dir_all(
        d.join("work-items/pending/20261124-100000-snapshot-the-cli/artifacts"),
    )
    .expect("break it");
    insta::assert_snapshot!("doctor_error", stdout(ticket(d).args(["doctor"])));
    insta::assert_snapshot!(
        "help_comment",
        stdout(ticket(d).args(["comment", "--help"]))
    );
    insta::assert_snapshot!("help_edit", stdout(ticket(d).args(["edit", "--help"])));
}

#[test]
fn claims_output() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Claimed one"])
        .assert()
        .success();
    let run = |args: &[&str]| stdout(ticket(d).args(args));
    let mut out = run(&["claim", "claimed-one", "--as", "agent-1", "--ttl", "45m"]);
    out += &run(&["claim", "claimed-one", "--as", "agent-2"]);
    out += &run(&["renew", "claimed-one", "--token", "1", "--ttl", "1h"]);
    out += &run(&["show", "claimed-one"]);
    out += &run(&["release", "claimed-one", "--token", "1"]);
    out += &run(&["ready", "--claim", "--as", "agent-2"]);
    out += &run(&["ready", "--claim", "--as", "agent-3"]);
    insta::assert_snapshot!("claims", out);
}
