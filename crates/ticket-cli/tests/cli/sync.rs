//! `ticket init`, `ticket merge-driver` and `ticket sync` with real git: a bare remote and
//! clones, concurrent changes merged with nothing lost, a fresh clone that passes the doctor, and
//! the documented refusals (exit 7 outside git, exit 8 for a conflict outside the tickets).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{repo, run_shell};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@x")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@x")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `ticket` in `dir` with the real clock (so events carry ids) and `user`.
fn ticket(dir: &Path, user: &str) -> crate::support::Ticket {
    let mut cmd = assert_cmd::Command::cargo_bin("ticket").expect("the ticket binary is built");
    cmd.current_dir(dir)
        .env_remove("TICKETS_NOW")
        .env_remove("WORK_ITEMS_DIR")
        .env("USER", user)
        .env("GIT_AUTHOR_NAME", user)
        .env("GIT_AUTHOR_EMAIL", "t@x")
        .env("GIT_COMMITTER_NAME", user)
        .env("GIT_COMMITTER_EMAIL", "t@x")
        .write_stdin("");
    crate::support::Ticket::new(cmd)
}

fn out(cmd: &mut crate::support::Ticket) -> String {
    let o = cmd.output().expect("run ticket");
    assert!(
        o.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A bare remote with one commit made by `ticket init`, and `n` clones of it, each initialised.
fn clones(n: usize) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("scratch");
    let remote = dir.path().join("remote.git");
    git(
        dir.path(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    let first = dir.path().join("c0");
    git(
        dir.path(),
        &["clone", "-q", remote.to_str().expect("utf8"), "c0"],
    );
    git(&first, &["checkout", "-q", "-b", "main"]);
    out(ticket(&first, "c0").arg("init"));
    git(&first, &["add", "-A"]);
    git(&first, &["commit", "-q", "-m", "init"]);
    git(&first, &["push", "-q", "origin", "main"]);
    let mut all = vec![first];
    for i in 1..n {
        let name = format!("c{i}");
        git(
            dir.path(),
            &["clone", "-q", remote.to_str().expect("utf8"), &name],
        );
        let c = dir.path().join(&name);
        out(ticket(&c, &name).arg("init"));
        all.push(c);
    }
    (dir, all)
}

/// Every file under the root but the local ones, with its bytes.
fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if [".lock", ".index", ".tmp"].contains(&name.as_str()) {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).expect("inside").display().to_string();
                files.push((rel, fs::read(&p).expect("read")));
            }
        }
    }
    files.sort();
    files
}

fn assert_clean(c: &Path) {
    let root = c.join("work-items");
    let o = ticket(c, "x").arg("doctor").output().expect("doctor");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("warning"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let sh = run_shell(c, &["doctor"]);
    assert!(
        sh.status.success(),
        "{}",
        String::from_utf8_lossy(&sh.stderr)
    );
    for (path, bytes) in tree(&root) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
            "{path}"
        );
    }
}

#[test]
fn init_is_idempotent_and_a_fresh_clone_passes_the_doctor() {
    let (dir, cs) = clones(1);
    let c0 = &cs[0];
    let again = out(ticket(c0, "c0").arg("init"));
    assert!(again.contains("nothing to do"), "{again}");
    let ignore = fs::read_to_string(c0.join("work-items/.gitignore")).expect("gitignore");
    assert_eq!(ignore, "/.lock\n/.tmp/\n/.index/\n/.leases/\n");
    out(ticket(c0, "c0").args(["create", "--title", "One"]));
    let status = git(c0, &["status", "--porcelain", "--ignored"]);
    assert!(status.contains("!! work-items/.lock"), "{status}");
    // A plain clone keeps the empty status directories; without its drivers configured the
    // doctor passes with a warning naming the command that configures them.
    git(dir.path(), &["clone", "-q", "remote.git", "plain"]);
    let plain = dir.path().join("plain");
    assert!(plain.join("work-items/pending").is_dir());
    let o = ticket(&plain, "p").arg("doctor").output().expect("doctor");
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("merge drivers") && err.contains("ticket init"),
        "{err}"
    );
    let j = ticket(&plain, "p")
        .args(["--json", "doctor"])
        .output()
        .expect("doctor");
    assert!(String::from_utf8_lossy(&j.stdout).contains("merge-driver-missing"));
    out(ticket(&plain, "p").arg("init"));
    assert_clean(&plain);
    // A missing status directory is a warning, and the fix brings it back.
    fs::remove_dir_all(plain.join("work-items/closed")).expect("rm");
    let o = ticket(&plain, "p").arg("doctor").output().expect("doctor");
    assert!(o.status.success(), "a warning, not an error");
    out(ticket(&plain, "p").args(["doctor", "--fix"]));
    assert!(plain.join("work-items/closed/.gitkeep").is_file());
}

#[test]
fn sync_merges_concurrent_changes_with_nothing_lost() {
    let (_dir, cs) = clones(3);
    let (a, b, c) = (&cs[0], &cs[1], &cs[2]);
    let id = out(ticket(a, "a").args(["create", "--title", "Shared", "--label", "x,y"]))
        .trim()
        .to_owned();
    out(ticket(a, "a").arg("sync"));
    out(ticket(b, "b").arg("sync"));
    out(ticket(c, "c").arg("sync"));
    // a: comment, edit the title, remove a label, move to pending.
    out(ticket(a, "a")
        .args(["comment", &id])
        .write_stdin("from a\n"));
    out(ticket(a, "a").args(["edit", &id, "--title", "Title a", "--label-rm", "x"]));
    out(ticket(a, "a").args(["status", &id, "pending"]));
    // b: comment, edit the title, add a label, close.
    out(ticket(b, "b")
        .args(["comment", &id])
        .write_stdin("from b\n"));
    out(ticket(b, "b").args(["edit", &id, "--title", "Title b", "--label-add", "z"]));
    out(ticket(b, "b").args(["close", &id, "--resolution", "done by b"]));
    // c: a ticket of its own and a review.
    let own = out(ticket(c, "c").args(["create", "--title", "C's own"]))
        .trim()
        .to_owned();
    out(ticket(c, "c")
        .args(["review", &id, "--approve"])
        .write_stdin("ok\n"));
    for _ in 0..2 {
        for (n, clone) in cs.iter().enumerate() {
            out(ticket(clone, &format!("u{n}")).arg("sync"));
        }
    }
    let t0 = tree(&a.join("work-items"));
    for clone in &cs[1..] {
        assert!(tree(&clone.join("work-items")) == t0, "trees differ");
        assert_clean(clone);
    }
    assert_clean(a);
    let shown = out(ticket(a, "a").args(["--json", "show", &id]));
    let v: serde_json::Value = serde_json::from_str(&shown).expect("json");
    let thread = fs::read_to_string(a.join("work-items/closed").join(&id).join("thread.md"))
        .expect("the ticket is closed, in one directory");
    for body in [
        "from a",
        "from b",
        "done by b",
        "\nok\n",
        "Title a",
        "Title b",
    ] {
        assert!(thread.contains(body), "{body} in {thread}");
    }
    assert_eq!(thread.matches("\n## Comment\n").count(), 2);
    assert!(!a.join("work-items/pending").join(&id).exists());
    assert_eq!(v["labels"], serde_json::json!(["y", "z"]), "{shown}");
    assert!(a.join("work-items/open").join(&own).is_dir());
    // The title both changed: the later edit kept, the other recorded as a merge event.
    assert!(thread.contains("event: merge"), "{thread}");
    // Nothing to do: a second sync changes nothing.
    let before = git(a, &["rev-parse", "HEAD"]);
    let again = out(ticket(a, "a").arg("sync"));
    assert!(again.contains("up to date"), "{again}");
    assert_eq!(git(a, &["rev-parse", "HEAD"]), before);
}

#[test]
fn tickets_created_with_one_id_on_two_clones_stay_two() {
    let (_dir, cs) = clones(2);
    let (a, b) = (&cs[0], &cs[1]);
    let now = "2026-11-24T10:00:00Z";
    let ia = out(ticket(a, "alice")
        .env("TICKETS_NOW", now)
        .args(["create", "--title", "Same"]));
    let ib = out(ticket(b, "bob")
        .env("TICKETS_NOW", now)
        .args(["create", "--title", "Same"]));
    assert_eq!(ia, ib, "one id on both clones");
    for _ in 0..2 {
        out(ticket(a, "alice").arg("sync"));
        out(ticket(b, "bob").arg("sync"));
    }
    assert_eq!(tree(&a.join("work-items")), tree(&b.join("work-items")));
    let open: Vec<String> = fs::read_dir(a.join("work-items/open"))
        .expect("open")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(open.len(), 2, "{open:?}");
    let first = ia.trim().rsplit('/').next().unwrap_or_default();
    let mut renames = 0;
    for id in &open {
        let thread = fs::read_to_string(a.join("work-items/open").join(id).join("thread.md"))
            .expect("thread");
        assert_eq!(thread.matches("event: create").count(), 1, "{thread}");
        if id != first {
            // The one renamed apart says so, from and to, in one event.
            assert_eq!(thread.matches("event: rename").count(), 1, "{thread}");
            assert!(
                thread.contains(&format!("from: {first}\nto: {id}\n")),
                "{thread}"
            );
        }
        renames += thread.matches("event: rename").count();
    }
    assert_eq!(renames, 1, "one ticket renamed, once");
    assert_clean(a);
}

#[test]
fn sync_refuses_outside_git_and_stops_on_conflicts_outside_the_root() {
    let dir = tempfile::tempdir().expect("scratch");
    out(ticket(dir.path(), "u").args(["create", "--title", "x"]));
    let o = ticket(dir.path(), "u")
        .args(["--json", "sync"])
        .output()
        .expect("sync");
    assert_eq!(o.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"git\""));

    let (_d, cs) = clones(2);
    let (a, b) = (&cs[0], &cs[1]);
    for (c, text) in [(a, "a\n"), (b, "b\n")] {
        fs::write(c.join("README"), text).expect("write");
        git(c, &["add", "README"]);
        git(c, &["commit", "-q", "-m", "readme"]);
    }
    out(ticket(a, "a").arg("sync"));
    let id = out(ticket(b, "b").args(["create", "--title", "kept"]))
        .trim()
        .to_owned();
    let o = ticket(b, "b")
        .args(["--json", "sync"])
        .output()
        .expect("sync");
    assert_eq!(
        o.status.code(),
        Some(8),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("sync_stopped"));
    // Nothing lost: the ticket is committed, no merge is left half done.
    assert!(!b.join(".git/MERGE_HEAD").exists());
    assert!(git(b, &["log", "--format=%s", "-1"]).contains(&id));
}

#[test]
fn merge_driver_writes_the_union_into_ours() {
    let dir = tempfile::tempdir().expect("scratch");
    let p = |n: &str| dir.path().join(n);
    let h = |id: &str, at: &str, body: &str| {
        format!(
            "<!-- event: comment author: a at: {at} refs: id={id} -->\n\n## Comment\n\n{body}\n\n---\n"
        )
    };
    let create = "<!-- event: create author: a at: 2026-01-01T00:00:00Z -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n";
    fs::write(p("O"), create).expect("w");
    fs::write(
        p("A"),
        format!("{create}\n{}", h("a1", "2026-01-01T00:00:02Z", "A")),
    )
    .expect("w");
    fs::write(
        p("B"),
        format!("{create}\n{}", h("b1", "2026-01-01T00:00:01Z", "B")),
    )
    .expect("w");
    let mut cmd = assert_cmd::Command::cargo_bin("ticket").expect("bin");
    cmd.current_dir(dir.path())
        .args([
            "merge-driver",
            "thread",
            "O",
            "A",
            "B",
            "work-items/open/x/thread.md",
        ])
        .assert()
        .success();
    let merged = fs::read_to_string(p("A")).expect("read");
    assert_eq!(
        merged,
        format!(
            "{create}\n{}\n{}",
            h("b1", "2026-01-01T00:00:01Z", "B"),
            h("a1", "2026-01-01T00:00:02Z", "A")
        )
    );
    let _ = repo();
}
