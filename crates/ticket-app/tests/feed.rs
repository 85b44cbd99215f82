//! `App::changes` over real roots: changes made by tickets.sh, by hand (within one timestamp
//! tick too) and by `git checkout` are reported; a cursor outlives its `App`; a cursor that
//! cannot be answered is refused with its reason; nothing changed is an empty answer.

use std::fs;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use ticket_app::{
    App, AppError, ChangeKind, Changes, CreateRequest, CursorProblem, ErrorCode, Settings,
    StatusRequest, TicketStatus,
};

use ChangeKind::*;

struct Root {
    dir: tempfile::TempDir,
}

impl Root {
    fn new() -> Root {
        let dir = tempfile::tempdir().expect("scratch");
        fs::create_dir(dir.path().join("work-items")).expect("mkdir");
        Root { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("work-items")
    }

    /// A new `App` each time, as a new process would make. Its clock is fixed, so tickets it
    /// creates have ids in the order of their slugs.
    fn app(&self) -> App {
        App::new(
            self.path(),
            Settings {
                user: Some("tester".into()),
                now: Some("2026-01-02T03:04:05Z".into()),
                ..Settings::default()
            },
        )
    }

    fn changes(&self, since: Option<&str>) -> Changes {
        self.app().changes(since).expect("changes")
    }

    /// The current cursor.
    fn cursor(&self) -> String {
        self.changes(None).cursor
    }

    fn create(&self, title: &str) -> String {
        self.app()
            .create(CreateRequest {
                title: title.into(),
                ..CreateRequest::default()
            })
            .expect("create")
            .ticket
            .id
            .to_string()
    }

    /// Runs `./tickets.sh` on this root.
    fn shell(&self, args: &[&str]) {
        self.shell_at(None, args);
    }

    /// Runs `./tickets.sh` on this root with its clock at `now`, when given.
    fn shell_at(&self, now: Option<&str>, args: &[&str]) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tickets.sh");
        let mut sh = Command::new("sh");
        sh.arg(script)
            .args(args)
            .current_dir(self.dir.path())
            .env("WORK_ITEMS_DIR", "work-items")
            .env("USER", "tester")
            .env_remove("TICKETS_NOW")
            .stdin(std::process::Stdio::null());
        if let Some(now) = now {
            sh.env("TICKETS_NOW", now);
        }
        let out = sh.output().expect("run tickets.sh");
        assert!(
            out.status.success(),
            "tickets.sh {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=tester",
                "-c",
                "user.email=tester@example.com",
            ])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The one ticket directory whose name ends with `-<slug>`.
    fn dir_of(&self, slug: &str) -> PathBuf {
        let mut found = Vec::new();
        for status in ["open", "pending", "closed"] {
            let Ok(entries) = fs::read_dir(self.path().join(status)) else {
                continue;
            };
            for e in entries.flatten() {
                if e.file_name()
                    .to_string_lossy()
                    .ends_with(&format!("-{slug}"))
                {
                    found.push(e.path());
                }
            }
        }
        assert_eq!(found.len(), 1, "{slug}: {found:?}");
        found.remove(0)
    }
}

/// What an answer says, compactly: slug (else id), status, from, kinds, appended event kinds.
type Seen = (String, String, Option<String>, Vec<ChangeKind>, Vec<String>);

fn seen(c: &Changes) -> Vec<Seen> {
    c.changes
        .iter()
        .map(|e| {
            (
                e.slug.clone().unwrap_or_else(|| e.id.clone()),
                e.status.clone(),
                e.from_status.clone(),
                e.kinds.clone(),
                e.events.iter().map(|v| v.kind.clone()).collect(),
            )
        })
        .collect()
}

fn row(
    slug: &str,
    status: &str,
    from: Option<&str>,
    kinds: &[ChangeKind],
    events: &[&str],
) -> Seen {
    (
        slug.into(),
        status.into(),
        from.map(str::to_owned),
        kinds.to_vec(),
        events.iter().map(|&e| e.to_owned()).collect(),
    )
}

#[test]
fn writes_by_tickets_sh_are_reported_each_once() {
    let root = Root::new();
    root.shell(&["create", "--title", "First one", "--body", "b"]);
    let start = root.cursor();
    let table: &[(&[&str], Vec<Seen>)] = &[
        (
            &["create", "--title", "Second one", "--body", "b"],
            vec![row("second-one", "open", None, &[Created], &[])],
        ),
        (
            &["comment", "first-one", "--role", "decision"],
            vec![row(
                "first-one",
                "open",
                None,
                &[Edited, EventsAppended],
                &["decision"],
            )],
        ),
        (
            &["status", "first-one", "pending", "--reason", "waiting"],
            vec![row(
                "first-one",
                "pending",
                Some("open"),
                &[Moved, Edited, EventsAppended],
                &["status"],
            )],
        ),
        (
            &["close", "second-one", "--resolution", "done"],
            vec![row(
                "second-one",
                "closed",
                Some("open"),
                &[Moved, Edited, EventsAppended, ResolutionWritten],
                &["close"],
            )],
        ),
    ];
    let mut cursor = start.clone();
    // A second apart, so each write changes `updated_at` in item.md.
    for (n, (args, expected)) in table.iter().enumerate() {
        root.shell_at(Some(&format!("2026-01-02T03:04:{:02}Z", n + 10)), args);
        let answer = root.changes(Some(&cursor));
        assert_eq!(&seen(&answer), expected, "{args:?}");
        assert_ne!(answer.cursor, cursor, "{args:?}");
        cursor = answer.cursor;
    }
    // From the first cursor, the same writes add up to one change per ticket.
    assert_eq!(
        seen(&root.changes(Some(&start))),
        [
            row(
                "first-one",
                "pending",
                Some("open"),
                &[Moved, Edited, EventsAppended],
                &["decision", "status"]
            ),
            row("second-one", "closed", None, &[Created], &[]),
        ]
    );
}

#[test]
fn nothing_changed_is_an_empty_answer_with_the_same_cursor() {
    let root = Root::new();
    root.create("Quiet");
    let cursor = root.cursor();
    for _ in 0..3 {
        let answer = root.changes(Some(&cursor));
        assert!(answer.changes.is_empty(), "{answer:?}");
        assert_eq!(answer.cursor, cursor);
        assert_eq!(answer.since.as_deref(), Some(cursor.as_str()));
    }
}

#[test]
fn edits_by_hand_are_reported_even_within_one_timestamp_tick() {
    let root = Root::new();
    root.create("By hand");
    let item = root.dir_of("by-hand").join("item.md");
    let thread = root.dir_of("by-hand").join("thread.md");
    let text = fs::read_to_string(&item).expect("read");
    let mut cursor = root.cursor();
    // Each edit keeps the inode and the size and lands moments after the last answer, within
    // the second. (Identical stamps, which a coarse clock gives two edits of one tick, are
    // forged in ticket-store-local's `feed::tests`: this kernel times a file that was looked
    // at finely on its next change.)
    for (n, word) in ["aaaa", "bbbb", "cccc", "dddd", "eeee"]
        .into_iter()
        .enumerate()
    {
        let at = text.len() - 5;
        let mut f = fs::OpenOptions::new()
            .write(true)
            .open(&item)
            .expect("open");
        f.seek(SeekFrom::Start(at as u64)).expect("seek");
        f.write_all(word.as_bytes()).expect("write");
        drop(f);
        let answer = root.changes(Some(&cursor));
        assert_eq!(
            seen(&answer),
            [row("by-hand", "open", None, &[Edited], &[])],
            "edit {n}"
        );
        cursor = answer.cursor;
    }
    // A whole file written anew (an editor's save), and an event appended by hand.
    fs::write(&item, text.replace("By hand", "By hand, again")).expect("write");
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(&thread)
        .expect("open");
    f.write_all(b"\n<!-- event: comment author: someone at: 2026-01-02T03:04:05Z -->\n\n## Comment\n\nhi\n\n---\n")
        .expect("append");
    drop(f);
    let answer = root.changes(Some(&cursor));
    assert_eq!(
        seen(&answer),
        [row(
            "by-hand",
            "open",
            None,
            &[Edited, EventsAppended],
            &["comment"]
        )]
    );
    assert_eq!(answer.changes[0].events[0].author, "someone");
    assert_eq!(answer.changes[0].events[0].at, "2026-01-02T03:04:05Z");
    // A thread cut short is no append.
    let t = fs::read(&thread).expect("read");
    fs::write(&thread, &t[..t.len() / 2]).expect("write");
    let answer = root.changes(Some(&answer.cursor));
    assert_eq!(
        seen(&answer),
        [row("by-hand", "open", None, &[ThreadRewritten], &[])]
    );
    // Removed by hand.
    fs::remove_dir_all(root.dir_of("by-hand")).expect("rm");
    let answer = root.changes(Some(&answer.cursor));
    assert_eq!(
        seen(&answer),
        [row("by-hand", "open", None, &[Removed], &[])]
    );
}

#[test]
fn a_git_checkout_of_another_branch_is_reported_and_so_is_the_way_back() {
    let root = Root::new();
    root.git(&["init", "-q"]);
    fs::write(
        root.dir.path().join(".gitignore"),
        "/work-items/.lock\n/work-items/.tmp/\n",
    )
    .expect("write");
    root.create("Stays");
    root.create("Moves");
    root.create("Changes");
    root.git(&["add", "-A"]);
    root.git(&["commit", "-q", "-m", "main"]);
    root.git(&["checkout", "-q", "-b", "other"]);
    root.create("Only on other");
    root.app()
        .set_status(StatusRequest::new("moves", TicketStatus::Pending))
        .expect("status");
    let item = root.dir_of("changes").join("item.md");
    let text = fs::read_to_string(&item).expect("read");
    fs::write(&item, format!("{text}More body on the other branch.\n")).expect("write");
    root.git(&["add", "-A"]);
    root.git(&["commit", "-q", "-m", "other"]);
    root.git(&["checkout", "-q", "main"]);

    let on_main = root.cursor();
    root.git(&["checkout", "-q", "other"]);
    let answer = root.changes(Some(&on_main));
    assert_eq!(
        seen(&answer),
        [
            row("changes", "open", None, &[Edited], &[]),
            row("only-on-other", "open", None, &[Created], &[]),
            row(
                "moves",
                "pending",
                Some("open"),
                &[Moved, Edited, EventsAppended],
                &["status"]
            ),
        ]
    );
    let moved = &answer.changes[2];
    assert!(
        moved.path.ends_with(&format!("pending/{}", moved.id)),
        "{}",
        moved.path
    );

    root.git(&["checkout", "-q", "main"]);
    let back = root.changes(Some(&answer.cursor));
    let only = &answer.changes[1].id;
    assert_eq!(
        seen(&back),
        [
            row("changes", "open", None, &[Edited], &[]),
            row(
                "moves",
                "open",
                Some("pending"),
                &[Moved, Edited, ThreadRewritten],
                &[]
            ),
            row("only-on-other", "open", None, &[Removed], &[]),
        ]
    );
    assert_eq!(&back.changes[2].id, only);
    // From before the first checkout, there and back again is no change but the files git
    // wrote anew (same bytes, new stamps).
    let round = root.changes(Some(&on_main));
    assert!(
        round
            .changes
            .iter()
            .all(|c| !c.kinds.contains(&Created) && !c.kinds.contains(&Removed)),
        "{round:?}"
    );
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(root.dir.path())
        .output()
        .expect("git status");
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "",
        "the feed's files are ignored"
    );
}

#[test]
fn a_cursor_outlives_the_app_that_gave_it() {
    let root = Root::new();
    root.create("Before");
    let cursor = root.cursor();
    // Another process would start from the files alone, as this new App does.
    root.shell(&["comment", "before"]);
    let answer = root.app().changes(Some(&cursor)).expect("changes");
    assert_eq!(
        seen(&answer),
        [row(
            "before",
            "open",
            None,
            &[Edited, EventsAppended],
            &["comment"]
        )]
    );
    // And the cursor can be asked again: the answer is the same.
    assert_eq!(seen(&root.changes(Some(&cursor))), seen(&answer));
}

#[test]
fn cursors_that_cannot_be_answered_are_refused_with_their_reason() {
    let root = Root::new();
    root.create("Refusals");
    let other = Root::new();
    let others = other.cursor();
    let old = root.cursor();
    root.shell(&["comment", "refusals"]);
    let newer = root.changes(Some(&old)).cursor;
    let feed = root.path().join(".index/feed");
    let cases: &[(&str, String, CursorProblem, &dyn Fn())] = &[
        (
            "garbled",
            "not a cursor".into(),
            CursorProblem::Garbled,
            &|| {},
        ),
        ("empty", String::new(), CursorProblem::Garbled, &|| {}),
        (
            "another root's",
            others.clone(),
            CursorProblem::Unknown,
            &|| {},
        ),
        (
            "from the future",
            bump(&newer),
            CursorProblem::Unknown,
            &|| {},
        ),
        ("a delta gone", old.clone(), CursorProblem::Expired, &|| {
            fs::remove_file(feed.join(newer.rsplit('-').next().expect("number")))
                .expect("rm delta");
        }),
        (
            "derived files deleted",
            newer.clone(),
            CursorProblem::Unknown,
            &|| {
                fs::remove_dir_all(root.path().join(".index")).expect("rm .index");
            },
        ),
    ];
    for (what, cursor, problem, before) in cases {
        before();
        let e = root.app().changes(Some(cursor)).expect_err(what);
        assert!(
            matches!(&e, AppError::Cursor { problem: p, .. } if p == problem),
            "{what}: {e:?}"
        );
        assert_eq!(e.code(), ErrorCode::Cursor, "{what}");
        assert!(
            e.to_string().contains("ask again without a cursor"),
            "{what}: {e}"
        );
        // Starting again without a cursor always works.
        assert!(root.changes(None).changes.is_empty(), "{what}");
    }
}

/// `cursor` with its number one higher.
fn bump(cursor: &str) -> String {
    let (epoch, n) = cursor.rsplit_once('-').expect("cursor");
    format!("{epoch}-{}", n.parse::<u64>().expect("number") + 1)
}

#[test]
fn the_answer_serialises_with_the_documented_field_names() {
    let root = Root::new();
    root.create("Wire");
    let cursor = root.cursor();
    root.shell(&["comment", "wire"]);
    let answer = root.changes(Some(&cursor));
    let json = serde_json::to_value(&answer).expect("json");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<_> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["changes", "cursor", "since"]);
    let entry = &json["changes"][0];
    assert_eq!(
        keys(entry),
        [
            "events",
            "from_status",
            "id",
            "kinds",
            "path",
            "slug",
            "status"
        ]
    );
    assert_eq!(
        entry["kinds"],
        serde_json::json!(["edited", "events_appended"])
    );
    assert_eq!(keys(&entry["events"][0]), ["at", "author", "kind"]);
    assert_eq!(entry["from_status"], serde_json::Value::Null);
    let back: Changes = serde_json::from_value(json).expect("read back");
    assert_eq!(back, answer);
}
