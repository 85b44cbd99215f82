//! Every example `--help` shows runs as written, and does what it says, on a small root with
//! the tickets the examples name (`my-slug`, `20260527-000001-example`, a ticket waiting for a
//! review). An example that stops working fails here, not in a user's terminal.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::ticket;

/// Every subcommand's name, from `ticket --help`.
pub(crate) fn subcommands() -> Vec<String> {
    let out = ticket(Path::new(".")).arg("--help").output().expect("help");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let commands = text
        .split("Commands:")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .unwrap_or_default()
        .to_owned();
    commands
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

/// The example lines of one help text: indented lines under `Examples:` that run `ticket`.
fn examples(help: &str) -> Vec<String> {
    let Some(rest) = help.split("Examples:").nth(1) else {
        return Vec::new();
    };
    rest.lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .filter(|l| l.contains("ticket "))
        .map(str::to_owned)
        .collect()
}

/// A root where every example has what it names.
fn fixture(dir: &Path) {
    let run = |now: &str, args: &[&str]| {
        ticket(dir)
            .env("TICKETS_NOW", now)
            .args(args)
            .assert()
            .success();
    };
    run("2026-05-27T00:00:01Z", &["create", "--title", "Example"]);
    run(
        "2026-05-27T00:00:02Z",
        &["create", "--title", "Mine", "--slug", "my-slug"],
    );
    run("2026-05-27T00:00:03Z", &["create", "--title", "Waiting"]);
    run("2026-05-27T00:00:04Z", &["status", "waiting", "pending"]);
    run(
        "2026-05-27T00:00:05Z",
        &["comment", "waiting", "--role", "implementation_report"],
    );
    run("2026-01-01T00:00:00Z", &["create", "--title", "Old"]);
    for (title, slug) in [
        ("Other", "other-slug"),
        ("Epic", "epic"),
        ("Child", "child"),
        ("New one", "new-one"),
        ("Done one", "done-one"),
    ] {
        run(
            "2026-05-27T00:00:06Z",
            &["create", "--title", title, "--slug", slug],
        );
    }
    run(
        "2026-05-27T00:00:07Z",
        &["link", "waiting", "--depends-on", "other-slug"],
    );
    run("2026-05-27T00:00:08Z", &["close", "done-one"]);
    for file in [
        "plan.md",
        "notes.md",
        "review.md",
        "resolution.md",
        "spec.md",
        "body.md",
    ] {
        fs::write(dir.join(file), format!("Text of {file}.\n")).expect("write");
    }
}

/// The fixture made a git repository with `origin` and `upstream`, bare remotes beside it.
fn in_git(dir: &Path) {
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@x")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@x")
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    for remote in ["origin", "upstream"] {
        git(&["init", "-q", "--bare", &format!(".remote-{remote}.git")]);
        git(&["remote", "add", remote, &format!(".remote-{remote}.git")]);
    }
    git(&["add", "work-items"]);
    git(&["commit", "-q", "-m", "fixture"]);
}

#[test]
fn every_help_example_runs_as_written() {
    let bin = assert_cmd::cargo::cargo_bin("ticket");
    let bin_dir = bin.parent().expect("the binary has a directory");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut help_texts = vec![
        String::from_utf8_lossy(
            &ticket(Path::new("."))
                .arg("--help")
                .output()
                .expect("help")
                .stdout,
        )
        .into_owned(),
    ];
    for command in subcommands() {
        let out = ticket(Path::new("."))
            .args([command.as_str(), "--help"])
            .output()
            .expect("help");
        help_texts.push(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let all: Vec<String> = help_texts.iter().flat_map(|h| examples(h)).collect();
    assert!(all.len() >= 15, "too few examples found: {all:?}");
    for example in &all {
        let dir = tempfile::tempdir().expect("scratch");
        fixture(dir.path());
        if example.contains("ticket sync") {
            in_git(dir.path());
        }
        // Examples that write outside the root write to a scratch file instead.
        let line = match example.split_once(" > /") {
            Some((run, _)) => format!("{run} > out.txt"),
            None => example.clone(),
        };
        let out = Command::new("sh")
            .args(["-c", &line])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("USER", "tester")
            .env_remove("WORK_ITEMS_DIR")
            .env_remove("TICKETS_NOW")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run sh");
        assert!(
            out.status.success(),
            "`{example}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        if example.contains("--action-required reviewer") {
            let listed: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("the example prints JSON");
            let ids: Vec<&str> = listed
                .as_array()
                .expect("a list")
                .iter()
                .filter_map(|t| t["slug"].as_str())
                .collect();
            assert_eq!(
                ids,
                ["waiting"],
                "`{example}` finds the ticket waiting for review"
            );
        }
    }
}
