//! Hostile input through the CLI (and `tickets.sh` where it writes too): names with `../`,
//! absolute paths or thousands of characters, links leading out of the root, a 100 MB body,
//! non-UTF-8 and CRLF files, a read-only root. Each gets a clear error or diagnostic, nothing
//! already on disk changes, and nothing is written outside the root.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use ticket_test_support::snapshot;

use crate::support::{run_shell, shell, ticket};

struct Case {
    dir: tempfile::TempDir,
    id: String,
}

/// A scratch directory with `work-items/` holding one ticket, a body file and `outside/`.
fn case() -> Case {
    let dir = tempfile::tempdir().expect("tmp");
    let out = ticket(dir.path())
        .args(["create", "--title", "Target"])
        .output()
        .expect("create");
    assert!(out.status.success());
    fs::write(dir.path().join("body.md"), "hello\n").expect("body");
    fs::create_dir_all(dir.path().join("outside")).expect("outside");
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    Case { dir, id }
}

impl Case {
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn root(&self) -> PathBuf {
        self.path("work-items")
    }

    fn ticket_dir(&self) -> PathBuf {
        self.root().join("open").join(&self.id)
    }

    /// The writes of both tools on `q`, each as (tool, args).
    fn writes(&self, q: &str) -> Vec<Vec<String>> {
        let body = self.path("body.md").display().to_string();
        [
            vec!["comment", q, "--file", &body],
            vec!["review", q, "--approve", "--file", &body],
            vec!["status", q, "pending"],
            vec!["close", q, "--resolution", "done"],
        ]
        .into_iter()
        .map(|v| v.into_iter().map(str::to_owned).collect())
        .collect()
    }

    /// Every write on `q`, by `ticket` and by `tickets.sh`, fails with an `error:` line holding
    /// `expect`, and neither the root nor `outside/` changes.
    fn refused(&self, q: &str, expect: &str) {
        let before = (snapshot(&self.root()), snapshot(&self.path("outside")));
        for args in self.writes(q) {
            let out = ticket(self.dir.path()).args(&args).output().expect("run");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "ticket {args:?} succeeded");
            assert!(
                err.starts_with("error: ") && err.contains(expect),
                "ticket {args:?}: {err}"
            );
            assert!(
                err.len() < 400,
                "a one-line error, not the whole name: {err}"
            );
            let out = shell(self.dir.path()).args(&args).output().expect("run");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "tickets.sh {args:?} succeeded");
            assert!(err.contains("error: "), "tickets.sh {args:?}: {err}");
        }
        let after = (snapshot(&self.root()), snapshot(&self.path("outside")));
        assert!(after == before, "{q}: something changed on disk");
    }
}

#[test]
fn names_that_are_paths_or_huge_are_refused() {
    let c = case();
    // A title of any length is kept whole; its slug is cut to a short one.
    let long = "a".repeat(10_000);
    let out = ticket(c.dir.path())
        .args(["create", "--title", &long])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(id.ends_with(&format!("-{}", "a".repeat(60))), "{id}");
    let item =
        std::fs::read_to_string(c.root().join("open").join(&id).join("item.md")).expect("item");
    assert!(item.contains(&format!("title: {long}\n")), "kept whole");
    // A --slug that cannot be a name is refused, shortened in the message.
    let err = ticket(c.dir.path())
        .args(["create", "--title", "T", "--slug", &long])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&err.stderr);
    assert_eq!(err.status.code(), Some(2), "{text}");
    assert!(
        text.contains("10000 bytes") && text.contains("keep it under 256 bytes"),
        "{text}"
    );
    assert!(text.len() < 400, "{text}");
    // A --slug is slugified like a title: `../x` is the slug `x`, never a path.
    for slug in ["../evil", "/abs/evil"] {
        let out = ticket(c.dir.path())
            .args(["create", "--title", "T", "--slug", slug])
            .output()
            .expect("run");
        assert!(out.status.success());
        let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(id.ends_with("-evil") && !id.contains('/'), "{id}");
        assert!(c.root().join("open").join(&id).join("item.md").is_file());
    }
    assert_eq!(snapshot(&c.path("outside")).len(), 0);
    assert!(!c.dir.path().join("evil").exists() && !Path::new("/abs").exists());
}

#[test]
fn links_leading_outside_are_never_written_through() {
    for name in ["item.md", "thread.md"] {
        let c = case();
        let file = c.ticket_dir().join(name);
        fs::rename(&file, c.path("outside").join(name)).expect("move out");
        symlink(c.path("outside").join(name), &file).expect("link back");
        c.refused(&c.id, "symbolic link");
    }
    let c = case();
    let moved = c.path("outside").join(&c.id);
    fs::rename(c.ticket_dir(), &moved).expect("move the ticket out");
    symlink(&moved, c.ticket_dir()).expect("link it back");
    for args in c.writes(&c.id) {
        let before = snapshot(&c.path("outside"));
        let out = ticket(c.dir.path()).args(&args).output().expect("run");
        assert!(!out.status.success(), "ticket {args:?}");
        let out = shell(c.dir.path()).args(&args).output().expect("run");
        assert!(!out.status.success(), "tickets.sh {args:?}");
        assert!(
            snapshot(&c.path("outside")) == before,
            "{args:?} wrote outside"
        );
    }
}

#[test]
fn a_status_directory_linked_outside_receives_nothing() {
    let c = case();
    let outside_closed = c.path("outside/closed");
    fs::rename(c.root().join("closed"), &outside_closed).expect("move closed/ out");
    symlink(&outside_closed, c.root().join("closed")).expect("link it back");
    let before = snapshot(&c.root());
    for args in [
        vec!["status", c.id.as_str(), "closed"],
        vec!["close", c.id.as_str()],
    ] {
        let out = ticket(c.dir.path()).args(&args).output().expect("run");
        assert!(!out.status.success(), "ticket {args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("outside the ticket root"));
        let out = run_shell(c.dir.path(), &args);
        assert!(!out.status.success(), "tickets.sh {args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link"));
        assert_eq!(
            fs::read_dir(&outside_closed).expect("ls").count(),
            0,
            "{args:?}"
        );
    }
    assert!(snapshot(&c.root()) == before);
}

#[test]
fn a_100_mb_body_is_refused_clearly_and_not_written() {
    let c = case();
    let big = c.path("big.md");
    let file = fs::File::create(&big).expect("big");
    file.set_len(100 * 1024 * 1024).expect("100 MB");
    fs::write(c.path("latin1.md"), b"caf\xe9\n").expect("latin-1");
    let before = snapshot(&c.root());
    for (f, expect, code) in [("big.md", "1 MiB", 2), ("latin1.md", "not UTF-8", 2)] {
        let path = c.path(f).display().to_string();
        for args in [
            vec!["comment", c.id.as_str(), "--file", &path],
            vec!["close", c.id.as_str(), "--file", &path],
        ] {
            let out = ticket(c.dir.path()).args(&args).output().expect("run");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
            assert!(err.contains(expect), "{args:?}: {err}");
        }
    }
    let out = ticket(c.dir.path())
        .args(["comment", &c.id, "--file", &big.display().to_string()])
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("artifacts/"),
        "says what to do"
    );
    assert!(snapshot(&c.root()) == before);
}

#[test]
fn non_utf8_ticket_files_are_refused_and_diagnosed() {
    for name in ["item.md", "thread.md"] {
        let c = case();
        let path = c.ticket_dir().join(name);
        let mut bytes = fs::read(&path).expect("read");
        bytes.extend_from_slice(b"\xff bad\n");
        fs::write(&path, bytes).expect("corrupt");
        let before = snapshot(&c.root());
        let body = c.path("body.md").display().to_string();
        let out = ticket(c.dir.path())
            .args(["comment", &c.id, "--file", &body])
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("not UTF-8") && err.contains(name),
            "{err}"
        );
        let doctor = ticket(c.dir.path()).arg("doctor").output().expect("doctor");
        assert!(!doctor.status.success());
        assert!(String::from_utf8_lossy(&doctor.stderr).contains("not UTF-8"));
        assert!(snapshot(&c.root()) == before, "{name}");
    }
}

#[test]
fn crlf_files_get_a_diagnostic_and_keep_their_bytes() {
    let c = case();
    let item = c.ticket_dir().join("item.md");
    let text = fs::read_to_string(&item).expect("item");
    fs::write(&item, text.replace('\n', "\r\n")).expect("crlf");
    let before = snapshot(&c.root());
    let out = ticket(c.dir.path()).arg("doctor").output().expect("doctor");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a warning, not an error: {err}");
    assert!(err.contains("CRLF"), "{err}");
    assert!(snapshot(&c.root()) == before, "the doctor never writes");
}

/// `ticket` without the capabilities that let root ignore file modes, when we are root.
fn ticket_as_plain_user(dir: &Path) -> Option<Command> {
    let bin = assert_cmd::cargo::cargo_bin("ticket");
    let uid = Command::new("id").arg("-u").output().ok()?;
    let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--bounding-set=-dac_override,-dac_read_search,-fowner"])
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.current_dir(dir).env_remove("WORK_ITEMS_DIR");
    let probe = Command::new(if root { "setpriv" } else { "true" })
        .arg("--help")
        .output();
    (!root || probe.is_ok_and(|o| o.status.success())).then_some(cmd)
}

fn chmod_tree(root: &Path, mode: &str) {
    let ok = Command::new("chmod")
        .args(["-R", mode])
        .arg(root)
        .status()
        .expect("chmod");
    assert!(ok.success());
}

#[test]
fn a_read_only_root_gets_a_clear_error_and_no_change() {
    let c = case();
    let Some(mut cmd) = ticket_as_plain_user(c.dir.path()) else {
        println!("skip: running as root without setpriv; a read-only root cannot be tested");
        return;
    };
    let body = c.path("body.md").display().to_string();
    chmod_tree(&c.root(), "a-w");
    let before = snapshot(&c.root());
    let out = cmd
        .args(["comment", &c.id, "--file", &body])
        .output()
        .expect("run");
    chmod_tree(&c.root(), "u+w");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("check that the path exists and is writable"),
        "{err}"
    );
    assert!(snapshot(&c.root()) == before);
}

#[test]
fn no_ticket_is_created_through_an_open_directory_linked_outside() {
    let c = case();
    let outside_open = c.path("outside/open");
    fs::rename(c.root().join("open"), &outside_open).expect("move open/ out");
    symlink(&outside_open, c.root().join("open")).expect("link it back");
    let before = (snapshot(&c.root()), snapshot(&c.path("outside")));
    let out = ticket(c.dir.path())
        .args(["create", "--title", "Escape"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the ticket root"));
    let out = run_shell(c.dir.path(), &["create", "--title", "Escape"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link"));
    assert!((snapshot(&c.root()), snapshot(&c.path("outside"))) == before);
}

/// Files `ticket` rewrites keep the mode a new file gets (`0666` less the umask), as the files
/// `tickets.sh` writes do: a rewrite through a temporary file must not leave them `0600`, which
/// would hide a shared repository's tickets from its other users.
#[cfg(unix)]
#[test]
fn rewritten_files_keep_the_mode_tickets_sh_gives_them() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("scratch");
    let out = run_shell(dir.path(), &["create", "--title", "Modes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let mode = |p: &Path| fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    let fresh = dir.path().join("fresh");
    fs::write(&fresh, "").expect("write");
    let expected = mode(&fresh);
    let note = dir.path().join("note.md");
    fs::write(&note, "a note\n").expect("write");
    let note = note.display().to_string();
    let steps: [&[&str]; 4] = [
        &["comment", &id, "--file", &note],
        &["edit", &id, "--title", "Modes kept"],
        &["status", &id, "pending"],
        &["close", &id, "--resolution", "done"],
    ];
    for step in steps {
        ticket(dir.path()).args(step).assert().success();
    }
    let ticket_dir = dir.path().join("work-items/closed").join(&id);
    for name in ["item.md", "thread.md", "resolution.md"] {
        assert_eq!(mode(&ticket_dir.join(name)), expected, "{name}");
    }
}
