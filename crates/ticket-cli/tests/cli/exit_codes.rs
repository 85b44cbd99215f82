//! Exit codes and error lines, as docs/cli.md lists them.

use std::process::Command;

use crate::support::ticket;

/// (args, exit code, a line stderr must contain)
const CASES: &[(&[&str], i32, &str)] = &[
    (&["show", "nope"], 3, "error: work item not found: nope"),
    (&["show", "dup"], 3, "error: ambiguous work item: dup"),
    (
        &["--json", "show", "nope"],
        3,
        r#"{"error":{"code":"not_found","message":"work item not found: nope"}}"#,
    ),
    (&["status", "first", "wip"], 2, "invalid value 'wip'"),
    (&["list", "--bogus"], 2, "unexpected argument '--bogus'"),
    (&["review", "first"], 2, "--approve"),
    (
        &["create", "--title", "x", "--label", "a,[b"],
        2,
        "is not a label",
    ),
    (
        &["comment", "first", "--role", "two words"],
        2,
        "not an event kind",
    ),
    (
        &["comment", "first", "--file", "/no/such/file"],
        1,
        "error: file not found: /no/such/file",
    ),
    (
        &["close", "first", "--file", "/no/such/file"],
        1,
        "error: file not found: /no/such/file",
    ),
    (
        &["list", "--json", "--status", "nope"],
        2,
        r#"{"error":{"code":"usage""#,
    ),
    (
        &["--json", "create"],
        2,
        "the following required arguments were not provided: --title <TITLE>",
    ),
    (
        &["--root", "/nonexistent/work-items", "list"],
        3,
        "error: the ticket root /nonexistent/work-items does not exist (from --root)",
    ),
    (
        &["--json", "--root", "/nonexistent/work-items", "doctor"],
        3,
        r#"{"error":{"code":"no_root","#,
    ),
    (
        &["create", "--title", "Another", "--slug", "first"],
        4,
        "error: the slug `first` is taken by 20261124-100000-first; choose another slug",
    ),
    (
        &["comment", "first", "--file", "work-items"],
        1,
        "error: not readable: work-items: Is a directory",
    ),
];

#[test]
fn each_error_has_its_code_and_line() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "First"])
        .assert()
        .success();
    ticket(d)
        .args(["create", "--title", "Dup"])
        .assert()
        .success();
    // tickets.sh still writes a second ticket with a taken slug; ours refuses to (below).
    let made = crate::support::shell(d)
        .args(["create", "--title", "Dup", "--slug", "dup"])
        .env("TICKETS_NOW", "2026-11-24T10:00:01Z")
        .output()
        .expect("run tickets.sh");
    assert!(made.status.success());
    for (args, code, needle) in CASES {
        let out = ticket(d).args(*args).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}:\n{stderr}"
        );
    }
    assert!(
        d.join("work-items/open/20261124-100000-first").is_dir(),
        "a refused close moved nothing"
    );
}

#[test]
fn environment_errors_exit_1_and_only_writers_check_them() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Env"])
        .assert()
        .success();
    let out = ticket(d)
        .env("TICKETS_NOW", "soon")
        .args(["comment", "env"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("error: TICKETS_NOW: `soon` is not an RFC 3339 timestamp")
    );
    ticket(d)
        .env("TICKETS_NOW", "soon")
        .env("TICKETS_LOCK_TIMEOUT", "x")
        .args(["list"])
        .assert()
        .success();
    let out = ticket(d)
        .env("TICKETS_LOCK_TIMEOUT", "x")
        .args(["status", "env", "pending"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn writers_never_create_a_missing_root() {
    let dir = tempfile::tempdir().expect("scratch");
    let missing = dir.path().join("nowhere/work-items");
    let out = ticket(dir.path())
        .arg("--root")
        .arg(&missing)
        .args(["comment", "x"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    assert!(!dir.path().join("nowhere").exists(), "nothing was created");
}

#[test]
fn a_held_lock_exits_4() {
    if Command::new("flock").arg("--version").output().is_err() {
        eprintln!("skip: flock(1) not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Locked"])
        .assert()
        .success();
    let mut holder = Command::new("flock")
        .arg(d.join("work-items/.lock"))
        .args(["sleep", "2"])
        .spawn()
        .expect("flock");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let out = ticket(d)
        .env("TICKETS_LOCK_TIMEOUT", "0.2")
        .args(["comment", "locked"])
        .output()
        .expect("run");
    holder.wait().expect("holder ends");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("locked by another writer"));
}

#[test]
fn doctor_fix_fails_like_every_writer_when_the_lock_is_held() {
    if Command::new("flock").arg("--version").output().is_err() {
        eprintln!("skip: flock(1) not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Fixable"])
        .assert()
        .success();
    let artifacts = d.join("work-items/open/20261124-100000-fixable/artifacts");
    std::fs::remove_dir_all(&artifacts).expect("something for --fix to do");
    let lock = d.join("work-items/.lock");
    let mut holder = Command::new("flock")
        .arg(&lock)
        .args(["sleep", "5"])
        .spawn()
        .expect("flock");
    // Until `flock -n` fails, the holder has not taken the lock yet.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while Command::new("flock")
        .args(["-n"])
        .arg(&lock)
        .arg("true")
        .status()
        .is_ok_and(|s| s.success())
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the holder never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut runs = Vec::new();
    for json in [false, true] {
        let started = std::time::Instant::now();
        let mut cmd = ticket(d);
        if json {
            cmd.arg("--json");
        }
        let out = cmd
            .env("TICKETS_LOCK_TIMEOUT", "1")
            .args(["doctor", "--fix"])
            .output()
            .expect("run");
        runs.push((json, started.elapsed(), out));
    }
    let _ = holder.kill();
    holder.wait().expect("holder ends");
    for (json, elapsed, out) in runs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "json {json}: {stderr}");
        assert!(
            elapsed < std::time::Duration::from_secs(3),
            "json {json}: took {elapsed:?}"
        );
        let needle = if json {
            r#"{"error":{"code":"locked","message":""#
        } else {
            "error: "
        };
        assert!(
            stderr.starts_with(needle) && stderr.contains("is locked by another writer (waited "),
            "json {json}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "json {json}: no report is printed");
    }
    assert!(!artifacts.exists(), "nothing was fixed");
}

#[test]
fn no_root_names_where_it_looked() {
    let dir = tempfile::tempdir().expect("scratch");
    std::fs::create_dir(dir.path().join(".git")).expect("fake repo root");
    let out = ticket(dir.path()).arg("list").output().expect("run");
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no work-items/ directory found") && stderr.contains("--root"),
        "{stderr}"
    );
}

#[test]
fn root_is_found_walking_up_and_broken_pipes_are_quiet() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).expect("repo root");
    for n in 0..200 {
        ticket(d)
            .args(["create", "--title", &format!("Ticket {n}")])
            .assert()
            .success();
    }
    let sub = d.join("src/deep");
    std::fs::create_dir_all(&sub).expect("subdir");
    let out = ticket(&sub)
        .args(["show", "ticket-7"])
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("Path: ../../work-items/open/20261124-100000-ticket-7\n")
    );
    let bin = assert_cmd::cargo::cargo_bin("ticket");
    let piped = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' list --status all | head -n 1; exit ${{PIPESTATUS:-0}}",
            bin.display()
        ))
        .current_dir(d)
        .output()
        .expect("pipeline");
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    assert_eq!(
        piped.stdout,
        b"status\tid\tslug\ttitle\tkind\tpriority\tupdated_at\n"
    );
}

#[test]
fn a_first_create_in_a_subdirectory_of_a_repository_starts_the_root_at_its_top() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).expect("repo root");
    let sub = d.join("src/deep");
    std::fs::create_dir_all(&sub).expect("subdir");
    let out = ticket(&sub)
        .args(["create", "--title", "First one"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert!(
        !sub.join("work-items").exists(),
        "not where the user stands"
    );
    assert!(d.join("work-items/open").is_dir(), "at the top level");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "note: started the ticket root ../../work-items\n"
    );
    // The next one finds it, and says nothing more.
    let again = ticket(&sub)
        .args(["create", "--title", "Second one"])
        .output()
        .expect("run");
    assert!(again.stderr.is_empty(), "{again:?}");
    // Outside a repository, here, as tickets.sh does.
    let plain = tempfile::tempdir().expect("scratch");
    ticket(plain.path())
        .args(["create", "--title", "Loose"])
        .assert()
        .success();
    assert!(plain.path().join("work-items/open").is_dir());
}

#[test]
fn any_readable_file_is_a_body() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    ticket(d)
        .args(["create", "--title", "Bodies"])
        .assert()
        .success();
    ticket(d)
        .args(["comment", "bodies", "--file", "/dev/null"])
        .assert()
        .success();
    ticket(d)
        .args(["comment", "bodies", "--file", "/dev/stdin"])
        .write_stdin("from a device\n")
        .assert()
        .success();
    let thread =
        std::fs::read_to_string(d.join("work-items/open/20261124-100000-bodies/thread.md"))
            .expect("thread");
    assert!(thread.contains("## Comment\n\n\n\n---"), "{thread}");
    assert!(thread.contains("from a device\n"), "{thread}");
}

#[test]
fn a_named_root_that_is_missing_is_an_error_and_create_starts_it() {
    let dir = tempfile::tempdir().expect("scratch");
    let d = dir.path();
    let out = ticket(d)
        .env("WORK_ITEMS_DIR", "typo-items")
        .arg("list")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(from WORK_ITEMS_DIR)"), "{stderr}");
    ticket(d)
        .env("WORK_ITEMS_DIR", "typo-items")
        .args(["create", "--title", "First"])
        .assert()
        .success();
    ticket(d)
        .env("WORK_ITEMS_DIR", "typo-items")
        .arg("list")
        .assert()
        .success();
}
