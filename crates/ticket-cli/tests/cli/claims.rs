//! Claims (docs/claims.md): one winner, leases that expire, fencing tokens, worktrees, remotes.
//! Races of many processes are `cargo xtask stress claims`; these check the contract.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{NOW, run_shell, ticket};

/// A root outside git with two open tickets, `first` and `second`, and a closed `done`.
fn root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("scratch");
    for title in ["first", "second", "done"] {
        ticket(dir.path())
            .args(["create", "--title", title])
            .assert()
            .success();
    }
    ticket(dir.path())
        .args(["close", "done"])
        .assert()
        .success();
    dir
}

fn thread_of(dir: &Path, slug: &str) -> String {
    for status in ["open", "pending", "closed"] {
        if let Ok(entries) = fs::read_dir(dir.join("work-items").join(status)) {
            for e in entries.filter_map(Result::ok) {
                if e.file_name().to_string_lossy().ends_with(slug) {
                    return fs::read_to_string(e.path().join("thread.md")).expect("thread");
                }
            }
        }
    }
    panic!("no ticket {slug}")
}

/// `ticket` at `now` (RFC 3339) with `args`: (exit code, stdout, stderr).
fn at(dir: &Path, now: &str, args: &[&str]) -> (i32, String, String) {
    let out = ticket(dir)
        .env("TICKETS_NOW", now)
        .args(args)
        .output()
        .expect("run ticket");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const LATER: &str = "2026-11-24T10:02:00Z";

#[test]
fn claims_leases_and_fencing_in_order() {
    let d = root();
    let dir = d.path();
    // (now, args, exit code, text stdout or stderr must contain)
    let steps: &[(&str, &[&str], i32, &str)] = &[
        (
            NOW,
            &["claim", "first", "--as", "a1", "--ttl", "1m"],
            0,
            "claimed 20261124-100000-first by a1: token 1 until 2026-11-24T10:01:00Z",
        ),
        (
            NOW,
            &["claim", "first", "--as", "a2"],
            5,
            "is claimed by a1 (token 1) until 2026-11-24T10:01:00Z",
        ),
        (
            NOW,
            &["--json", "claim", "first", "--as", "a2"],
            5,
            r#""code":"claimed""#,
        ),
        (
            NOW,
            &["claim", "first", "--as", "a1", "--ttl", "1m"],
            0,
            "renewed 20261124-100000-first by a1: token 1",
        ),
        (NOW, &["comment", "first", "--token", "1"], 0, ""),
        (
            NOW,
            &["comment", "first", "--token", "2"],
            5,
            "token 2 does not hold 20261124-100000-first",
        ),
        (
            NOW,
            &["--json", "status", "first", "pending", "--token", "9"],
            5,
            r#""code":"lease_lost""#,
        ),
        (
            NOW,
            &["renew", "first", "--token", "3"],
            5,
            "token 3 does not hold",
        ),
        (NOW, &["ready"], 0, "second"),
        (NOW, &["list", "--claimed"], 0, "first"),
        (NOW, &["list", "--unclaimed"], 0, "second"),
        // The lease expired: free for another claim, which gets the next token...
        (
            LATER,
            &["claim", "first", "--as", "a2", "--ttl", "10m"],
            0,
            "by a2: token 2 until 2026-11-24T10:12:00Z",
        ),
        // ...and the old holder's token is refused, before anything is written.
        (
            LATER,
            &["comment", "first", "--token", "1"],
            5,
            "it is held by a2 with token 2",
        ),
        (
            LATER,
            &["edit", "first", "--title", "x", "--token", "1"],
            5,
            "token 1 does not hold",
        ),
        (
            LATER,
            &["link", "first", "--related", "second", "--token", "1"],
            5,
            "token 1 does not hold",
        ),
        (
            LATER,
            &["renew", "first", "--token", "1"],
            5,
            "token 1 does not hold",
        ),
        (
            LATER,
            &["release", "first", "--token", "1"],
            5,
            "token 1 does not hold",
        ),
        (
            LATER,
            &["renew", "first", "--token", "2", "--ttl", "1h"],
            0,
            "renewed 20261124-100000-first by a2: token 2 until 2026-11-24T11:02:00Z",
        ),
        (
            LATER,
            &["release", "first", "--token", "2"],
            0,
            "released 20261124-100000-first by a2: token 2",
        ),
        (
            LATER,
            &["release", "first", "--token", "2"],
            5,
            "released or never taken",
        ),
        (
            LATER,
            &["comment", "first", "--token", "2"],
            5,
            "released or never taken",
        ),
        (LATER, &["claim", "first", "--as", "a3"], 0, "token 3"),
        (
            LATER,
            &["ready", "--claim", "--as", "a4"],
            0,
            "claimed 20261124-100000-second by a4: token 1",
        ),
        (
            LATER,
            &["--json", "ready", "--claim", "--as", "a5"],
            6,
            r#""code":"nothing_ready""#,
        ),
        (
            LATER,
            &["ready", "--claim", "--as", "a5"],
            6,
            "each of the 2 ready tickets is held by someone",
        ),
        // Bad input: named, documented exit codes, nothing written.
        (
            LATER,
            &["claim", "second", "--ttl", "5 minutes"],
            2,
            "invalid value '5 minutes' for '--ttl <TTL>'",
        ),
        (
            LATER,
            &["claim", "second", "--ttl", "40d"],
            2,
            "longer than 30 days",
        ),
        (
            LATER,
            &["--json", "claim", "second", "--as", "a-->b"],
            2,
            r#""code":"invalid""#,
        ),
        (
            LATER,
            &["claim", "done", "--as", "a6"],
            1,
            "is closed; reopen it before claiming it",
        ),
        (LATER, &["claim", "nope"], 3, "work item not found: nope"),
        (LATER, &["renew", "first"], 2, "--token <N>"),
    ];
    for (i, (now, args, code, text)) in steps.iter().enumerate() {
        let before = thread_of(dir, "first");
        let (got, out, err) = at(dir, now, args);
        assert_eq!(got, *code, "step {i} {args:?}: stdout {out} stderr {err}");
        assert!(
            out.contains(text) || err.contains(text),
            "step {i} {args:?}: {text:?} not in stdout {out:?} stderr {err:?}"
        );
        if *code != 0 {
            assert_eq!(thread_of(dir, "first"), before, "step {i} {args:?} wrote");
        }
    }
    let thread = thread_of(dir, "first");
    let claims = thread.matches("<!-- event: claim author: ").count();
    let releases = thread.matches("<!-- event: release author: ").count();
    assert_eq!((claims, releases), (3, 1), "{thread}");
    assert!(
        thread.contains("<!-- event: claim author: a2 at: 2026-11-24T10:02:00Z -->\n\n## Claimed\n\nholder: a2\ntoken: 2\nexpires: 2026-11-24T10:12:00Z\n"),
        "{thread}"
    );
    assert!(
        thread.contains("## Released\n\nholder: a2\ntoken: 2\n"),
        "{thread}"
    );
    // tickets.sh reads what we wrote, and writes after it.
    let doctor = run_shell(dir, &["doctor"]);
    assert!(doctor.status.success(), "{doctor:?}");
    let comment = run_shell(dir, &["comment", "first"]);
    assert!(comment.status.success(), "{comment:?}");
    ticket(dir).args(["doctor"]).assert().success();
}

#[test]
fn show_and_list_give_the_live_lease() {
    let d = root();
    let dir = d.path();
    at(
        dir,
        NOW,
        &["claim", "first", "--as", "agent 7", "--ttl", "2m"],
    );
    let (_, shown, _) = at(dir, NOW, &["show", "first"]);
    assert!(
        shown.contains(
            "Slug: first\nClaimed: agent 7 (token 1) until 2026-11-24T10:02:00Z\n\n## item.md"
        ),
        "{shown}"
    );
    let (_, json, _) = at(dir, NOW, &["--json", "show", "first"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["claim"]["holder"], "agent 7");
    assert_eq!(v["claim"]["token"], 1);
    assert_eq!(v["claim"]["expires"], "2026-11-24T10:02:00Z");
    assert_eq!(v["ready"]["reasons"][0]["reason"], "claimed");
    let (_, json, _) = at(dir, LATER, &["--json", "show", "first"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(v["claim"].is_null(), "expired at 10:02: {v}");
    let (_, json, _) = at(dir, NOW, &["--json", "list"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let claims: Vec<(&str, &serde_json::Value)> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|t| (t["slug"].as_str().unwrap_or_default(), &t["claim"]))
        .collect();
    assert_eq!(claims[0].0, "first");
    assert_eq!(claims[0].1["token"], 1);
    assert!(claims[1].1.is_null());
    let (_, ready, _) = at(dir, NOW, &["--json", "ready"]);
    let v: serde_json::Value = serde_json::from_str(&ready).expect("json");
    assert_eq!(v["not_ready"][0]["reasons"][0]["reason"], "claimed");
    assert_eq!(
        v["not_ready"][0]["reasons"][0]["message"],
        "it is claimed by agent 7 until 2026-11-24T10:02:00Z"
    );
    let (_, rows, _) = at(dir, LATER, &["list", "--claimed"]);
    assert_eq!(
        rows.lines().count(),
        1,
        "only the header once expired: {rows}"
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A clone with the root committed and a second worktree: (scratch, main, other worktree).
fn worktrees() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let d = tempfile::tempdir().expect("scratch");
    let main = d.path().join("main");
    fs::create_dir_all(&main).expect("mkdir");
    git(&main, &["init", "-q", "-b", "main"]);
    for title in ["first", "second"] {
        ticket(&main)
            .args(["create", "--title", title])
            .assert()
            .success();
    }
    git(&main, &["add", "-A"]);
    git(&main, &["commit", "-qm", "tickets"]);
    let wt = d.path().join("wt");
    git(
        &main,
        &[
            "worktree",
            "add",
            "-q",
            wt.to_str().expect("utf-8"),
            "-b",
            "wt",
        ],
    );
    (d, main, wt)
}

#[test]
fn a_claim_in_one_worktree_holds_in_every_other_and_renewals_leave_git_clean() {
    let (_d, main, wt) = worktrees();
    let (code, _, err) = at(&main, NOW, &["claim", "first", "--as", "in-main"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = at(&wt, NOW, &["claim", "first", "--as", "in-wt"]);
    assert_eq!(
        (code, err.contains("claimed by in-main")),
        (5, true),
        "{err}"
    );
    let (_, shown, _) = at(&wt, NOW, &["show", "first"]);
    assert!(shown.contains("Claimed: in-main (token 1)"), "{shown}");
    let (_, ready, _) = at(&wt, NOW, &["ready"]);
    assert!(
        !ready.contains("first") && ready.contains("second"),
        "{ready}"
    );
    // The claim is an event in the claiming worktree; the lease is in the common directory.
    assert!(git(&main, &["status", "--porcelain"]).contains("first/thread.md"));
    assert_eq!(git(&wt, &["status", "--porcelain"]), "");
    let common = git(&main, &["rev-parse", "--git-common-dir"]);
    let record = main.join(common.trim()).join("tickets/leases/work-items");
    assert!(record.is_dir(), "{record:?}");
    let (status, diff) = (
        git(&main, &["status", "--porcelain"]),
        git(&main, &["diff"]),
    );
    let (code, out, err) = at(
        &wt,
        LATER,
        &["renew", "first", "--token", "1", "--ttl", "1h"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(git(&main, &["status", "--porcelain"]), status);
    assert_eq!(git(&main, &["diff"]), diff);
    assert_eq!(git(&wt, &["status", "--porcelain"]), "");
    let (_, shown, _) = at(&main, LATER, &["show", "first"]);
    assert!(shown.contains("until 2026-11-24T11:02:00Z"), "{shown}");
}

/// A bare remote and `n` clones of it, each with the tickets checked out (and its status
/// directories, which git does not keep when empty).
fn clones(n: usize) -> (tempfile::TempDir, Vec<PathBuf>, String) {
    let d = tempfile::tempdir().expect("scratch");
    let bare = d.path().join("remote.git");
    fs::create_dir_all(&bare).expect("mkdir");
    git(&bare, &["init", "-q", "--bare", "-b", "main"]);
    let seed = d.path().join("seed");
    fs::create_dir_all(&seed).expect("mkdir");
    git(&seed, &["init", "-q", "-b", "main"]);
    ticket(&seed)
        .args(["create", "--title", "contested"])
        .assert()
        .success();
    git(&seed, &["add", "-A"]);
    git(&seed, &["commit", "-qm", "tickets"]);
    let url = bare.to_str().expect("utf-8").to_owned();
    git(&seed, &["push", "-q", &url, "main"]);
    let mut out = Vec::new();
    for i in 0..n {
        let dir = d.path().join(format!("clone-{i}"));
        git(
            d.path(),
            &["clone", "-q", &url, dir.to_str().expect("utf-8")],
        );
        for status in ["pending", "closed"] {
            fs::create_dir_all(dir.join("work-items").join(status)).expect("mkdir");
        }
        out.push(dir);
    }
    (d, out, url)
}

#[test]
fn clones_racing_on_a_remote_have_one_winner_per_round() {
    let (_d, clones, url) = clones(3);
    let id = "20261124-100000-contested";
    for round in 0..20u64 {
        let children: Vec<_> = clones
            .iter()
            .enumerate()
            .map(|(i, dir)| {
                let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("ticket"));
                cmd.current_dir(dir)
                    .env("TICKETS_NOW", NOW)
                    .env("USER", "tester")
                    .env_remove("WORK_ITEMS_DIR")
                    .stdin(std::process::Stdio::null())
                    .args(["--json", "claim", "contested", "--remote", "origin", "--as"])
                    .arg(format!("clone-{i}"))
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        let mut winners = Vec::new();
        for (i, child) in children.into_iter().enumerate() {
            let out = child.wait_with_output().expect("wait");
            let (stdout, stderr) = (
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
            );
            match out.status.code() {
                Some(0) => winners.push((i, stdout.into_owned())),
                Some(5) => assert!(
                    stderr.contains(r#""code":"claimed""#)
                        && stderr.contains("is claimed by clone-"),
                    "round {round}: {stderr}"
                ),
                code => panic!("round {round}: clone {i} exit {code:?}: {stdout}{stderr}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: {winners:?}");
        let (winner, json) = &winners[0];
        let v: serde_json::Value = serde_json::from_str(json).expect("json");
        assert_eq!(
            v["token"],
            round + 1,
            "round {round}: tokens rise across clones"
        );
        assert_eq!(v["remote"], "origin");
        // The remote's ref names the winner.
        let listed = git(
            &clones[0],
            &["ls-remote", &url, &format!("refs/tickets/leases/{id}")],
        );
        assert!(!listed.is_empty(), "round {round}: no lease ref");
        // Renewal and release go through the remote too.
        let dir = &clones[*winner];
        let token = (round + 1).to_string();
        ticket(dir)
            .args([
                "renew",
                "contested",
                "--remote",
                "origin",
                "--token",
                &token,
            ])
            .assert()
            .success();
        let loser = &clones[(winner + 1) % clones.len()];
        let (code, _, err) = at(
            loser,
            NOW,
            &["renew", "contested", "--remote", "origin", "--token", "999"],
        );
        assert_eq!(code, 5, "{err}");
        ticket(dir)
            .args([
                "release",
                "contested",
                "--remote",
                "origin",
                "--token",
                &token,
            ])
            .assert()
            .success();
    }
    let (code, _, err) = at(
        &clones[0],
        NOW,
        &["claim", "contested", "--remote", "nowhere"],
    );
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("nowhere"), "{err}");
}
