//! The guard of every ticket write (docs/cli.md, "Guards"): each command that changes an existing
//! ticket takes `--if-version` and `--token`, refuses a stale version (exit 4, `conflict`) and a
//! lost token (exit 5, `lease_lost`) with nothing written, and writes with the current ones.
//! Every other command is named here with what it writes instead, so a new command fails this
//! test until it is put in one table or the other.

use std::path::Path;

use ticket_test_support::snapshot_without_scratch as snapshot;

use crate::help_examples::subcommands;
use crate::support::ticket;

/// Every command that writes an existing ticket: its arguments, valid on the fixture's ticket
/// `first`, and what makes them valid first.
const WRITES: &[(&[&str], &[&[&str]])] = &[
    (&["comment", "first"], &[]),
    (&["review", "first", "--approve"], &[]),
    (&["status", "first", "pending"], &[]),
    (&["close", "first", "--resolution", "Done"], &[]),
    (&["reopen", "first"], &[&["close", "first"]]),
    (&["edit", "first", "--title", "Renamed"], &[]),
    (&["link", "first", "--related", "second"], &[]),
    (
        &["unlink", "first", "--related", "second"],
        &[&["link", "first", "--related", "second"]],
    ),
];

/// Every other command, and what it writes instead (docs/cli.md, "Guards").
const OTHERS: &[(&str, &str)] = &[
    ("list", "nothing"),
    ("show", "nothing"),
    ("ready", "nothing, or a lease with --claim"),
    ("blocked", "nothing"),
    ("search", "nothing"),
    ("export", "files outside the root"),
    ("completions", "nothing"),
    ("schema", "nothing"),
    ("changes", "nothing (the feed's derived state in .index/)"),
    ("create", "a new ticket"),
    ("claim", "a lease"),
    ("renew", "a lease"),
    ("release", "a lease"),
    ("doctor", "nothing, or many tickets with --fix"),
    ("import", "many tickets"),
    ("init", "the root"),
    ("sync", "the root"),
];

/// `ticket --json ARGS`: (exit code, stdout, stderr).
fn json(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = ticket(dir)
        .arg("--json")
        .args(args)
        .output()
        .expect("run ticket");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = json(dir, args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
}

fn version(dir: &Path) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&ok(dir, &["show", "first"])).expect("show is JSON");
    shown["version"].as_str().expect("a version").to_owned()
}

fn with<'a>(args: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    args.iter().chain(more).copied().collect()
}

#[test]
fn every_ticket_write_is_guarded() {
    for (args, prepare) in WRITES {
        let d = tempfile::tempdir().expect("scratch");
        let dir = d.path();
        let root = dir.join("work-items");
        for title in ["first", "second"] {
            ok(dir, &["create", "--title", title]);
        }
        // Token 1 held the lease once (claimed, then released); token 2 holds it now, taken
        // while the ticket is open (a closed one is not claimed; `reopen` needs one).
        ok(dir, &["claim", "first", "--as", "agent"]);
        ok(dir, &["release", "first", "--token", "1"]);
        ok(dir, &["claim", "first", "--as", "agent"]);
        for step in *prepare {
            ok(dir, step);
        }
        // A version the ticket had: a comment since makes it stale.
        let stale = version(dir);
        ok(dir, &["comment", "first"]);
        let before = snapshot(&root);
        let (code, _, stderr) = json(dir, &with(args, &["--if-version", &stale]));
        assert_eq!(code, 4, "{args:?} at a stale version: {stderr}");
        assert!(
            stderr.contains(r#""code":"conflict""#),
            "{args:?}: {stderr}"
        );
        assert_eq!(snapshot(&root), before, "{args:?} at a stale version wrote");
        let (code, _, stderr) = json(dir, &with(args, &["--token", "1"]));
        assert_eq!(code, 5, "{args:?} with a lost token: {stderr}");
        assert!(
            stderr.contains(r#""code":"lease_lost""#),
            "{args:?}: {stderr}"
        );
        assert_eq!(snapshot(&root), before, "{args:?} with a lost token wrote");
        // The current version and the live lease's token: written.
        let current = version(dir);
        ok(
            dir,
            &with(args, &["--if-version", &current, "--token", "2"]),
        );
        assert_ne!(
            snapshot(&root),
            before,
            "{args:?} with a good guard wrote nothing"
        );
    }
}

#[test]
fn every_command_says_whether_it_is_guarded() {
    let writes: Vec<&str> = WRITES.iter().map(|(args, _)| args[0]).collect();
    for command in subcommands() {
        let out = ticket(Path::new("."))
            .args([command.as_str(), "--help"])
            .output()
            .expect("help");
        let help = String::from_utf8_lossy(&out.stdout);
        let flags = [
            help.contains("--if-version <VERSION>"),
            help.contains("--token <N>"),
        ];
        if writes.contains(&command.as_str()) {
            assert_eq!(
                flags,
                [true, true],
                "`{command} --help` lists both guard flags"
            );
        } else {
            assert!(
                OTHERS.iter().any(|(name, _)| *name == command),
                "`{command}` is in neither table: does it write an existing ticket?"
            );
            assert!(
                !flags[0],
                "`{command}` takes --if-version but is not in WRITES"
            );
        }
    }
}
