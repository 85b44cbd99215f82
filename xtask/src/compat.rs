//! `cargo xtask compat`: files passed back and forth between `tickets.sh`, the `ticket` CLI and
//! the library, proving on every commit that they speak one format.
//!
//! Cases:
//! 1. Same script, three writers, `TICKETS_NOW` fixed: byte-identical trees. It holds every
//!    operation tickets.sh has (create with a body and an assignee, status moves with reasons,
//!    reopen, refusals of a second close), and edits, which the shell's run makes with `ticket`
//!    (tickets.sh has no edit) so that its own later writes prove they keep what an edit wrote.
//! 2. Every operation by every writer, read, checked and mutated further by every other one.
//! 3. Shell and Rust writers racing on one ticket lose nothing.
//! 4. The same on a copy of the real corpus, when `../shared/corpus` is present.
//! 5. Relations: the CLI and the library link and unlink; `tickets.sh` reads the result (list,
//!    show, doctor) and its own writes keep the relation keys and the link events intact.
//! 6. Event ids: both tools write them with the real clock, read each other's, and the thread
//!    merge driver unites copies each tool extended.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use ticket_app::{
    App, Assign, BodyText, CloseRequest, CloseText, CommentRequest, CreateRequest, EditRequest,
    Guard, LinkRequest, RelationKind, ReopenRequest, Replacement, ReviewRequest, ReviewVerdict,
    Settings, StatusRequest, TicketStatus, UnlinkRequest,
};
use ticket_domain::Timestamp;
use ticket_test_support::snapshot_without_scratch;

/// Who performs an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    Shell,
    Cli,
    Library,
}

const WRITERS: [Writer; 3] = [Writer::Shell, Writer::Cli, Writer::Library];

/// One operation of the format.
#[derive(Clone, Debug)]
pub enum Op {
    Create {
        title: &'static str,
        slug: Option<&'static str>,
        kind: &'static str,
        priority: &'static str,
        labels: &'static str,
        /// `--body TEXT`.
        body: Option<&'static str>,
        assignee: Option<&'static str>,
        /// `--allow-new`: a kind or priority outside the documented ones is meant.
        allow_new: bool,
    },
    /// `create --file F`.
    CreateFile {
        title: &'static str,
        body: &'static str,
    },
    Event {
        q: &'static str,
        role: &'static str,
        author: &'static str,
        body: &'static str,
        /// `--allow-new`: a role outside the documented ones is meant.
        allow_new: bool,
    },
    Review {
        q: &'static str,
        approve: bool,
        author: &'static str,
        body: &'static str,
    },
    Status {
        q: &'static str,
        to: &'static str,
        reason: Option<&'static str>,
    },
    Reopen {
        q: &'static str,
        reason: Option<&'static str>,
    },
    CloseText {
        q: &'static str,
        text: &'static str,
    },
    CloseFile {
        q: &'static str,
        body: &'static str,
    },
    /// `ticket edit`: tickets.sh has none, so the shell's run makes it with `ticket`, and the
    /// shell's later writes prove they keep what it wrote.
    Edit {
        q: &'static str,
        edit: EditSpec,
    },
    /// An operation every writer must refuse, writing nothing.
    Refused(Box<Op>),
}

/// The flags of one `ticket edit`.
#[derive(Clone, Debug, Default)]
pub struct EditSpec {
    pub title: Option<&'static str>,
    pub priority: Option<&'static str>,
    pub labels_add: Option<&'static str>,
    pub labels_rm: Option<&'static str>,
    pub assignee: Option<&'static str>,
    pub readiness: Option<&'static str>,
    pub set: Option<(&'static str, &'static str)>,
    pub unset: Option<&'static str>,
    pub replace: Option<(&'static str, &'static str)>,
    /// `--body-file F`.
    pub body: Option<&'static str>,
}

const HOSTILE: &str = "Body: with \"quotes\"\n---\n<!-- event: comment author: x at: 2026-01-01T00:00:00Z -->\n\\<!-- event: quoted\nunicode 永続化\r\nno newline at the end";

fn create(
    title: &'static str,
    slug: Option<&'static str>,
    kind: &'static str,
    priority: &'static str,
    labels: &'static str,
) -> Op {
    Op::Create {
        title,
        slug,
        kind,
        priority,
        labels,
        body: None,
        assignee: None,
        allow_new: false,
    }
}

fn event(q: &'static str, role: &'static str, author: &'static str, body: &'static str) -> Op {
    Op::Event {
        q,
        role,
        author,
        body,
        allow_new: false,
    }
}

fn status(q: &'static str, to: &'static str) -> Op {
    Op::Status {
        q,
        to,
        reason: None,
    }
}

const ONE: &str = "compat-one-format-three-writers";

/// The script every writer performs in case 1, and whose steps case 2 crosses.
pub fn script() -> Vec<Op> {
    vec![
        create(
            "Compat: one format, three writers",
            None,
            "feature",
            "P1",
            "compat, shell ,rust",
        ),
        create("Second ticket", Some("second"), "task", "P2", ""),
        event(ONE, "comment", "yoi ticket", "A comment.\n"),
        event(ONE, "plan", "planner", HOSTILE),
        event(ONE, "decision", "hare", ""),
        event(ONE, "implementation_report", "dev", "Done.\n\n---\n"),
        event(
            "second",
            "migration",
            "tickets.sh-migration",
            "Custom role.\n",
        ),
        Op::Review {
            q: ONE,
            approve: false,
            author: "reviewer",
            body: "Needs work.\n",
        },
        Op::Review {
            q: ONE,
            approve: true,
            author: "reviewer",
            body: "LGTM",
        },
        status(ONE, "pending"),
        Op::Status {
            q: "second",
            to: "closed",
            reason: Some("Not needed after all."),
        },
        Op::Reopen {
            q: "second",
            reason: Some("It is needed: <!-- event: x -->\nsecond line"),
        },
        Op::CloseText {
            q: ONE,
            text: "Shipped.",
        },
        Op::Refused(Box::new(Op::CloseText {
            q: ONE,
            text: "Closed twice.",
        })),
        Op::Refused(Box::new(status(ONE, "closed"))),
        status(ONE, "open"),
        Op::CloseFile {
            q: ONE,
            body: "Resolution from a file.\n---\nwith a rule\n",
        },
        Op::CloseText {
            q: "second",
            text: "",
        },
        Op::Create {
            title: " \"Odd\": a title with 'quotes', a\ttab and 永続化",
            slug: Some("odd"),
            kind: "bug fix",
            priority: "P0",
            labels: "a-b, c.d",
            body: None,
            assignee: None,
            allow_new: true,
        },
        Op::Event {
            q: "odd",
            role: "review",
            author: "a reviewer at: noon",
            body: "A review with no verdict, as one real thread has.\n",
            allow_new: true,
        },
        Op::Event {
            q: "odd",
            role: "close",
            author: "x",
            body: "A comment whose role is `close`.\n",
            allow_new: true,
        },
        Op::Create {
            title: "Third: created with a body",
            slug: Some("third"),
            kind: "bug",
            priority: "P3",
            labels: "",
            body: Some("Steps:\n1. run"),
            assignee: Some("ada"),
            allow_new: false,
        },
        Op::CreateFile {
            title: "Fourth: created from a file",
            body: HOSTILE,
        },
        Op::Status {
            q: "third",
            to: "pending",
            reason: Some("Waiting on review."),
        },
        Op::Edit {
            q: "third",
            edit: EditSpec {
                title: Some("Third: edited"),
                priority: Some("P1"),
                labels_add: Some("x, y"),
                assignee: Some("bob"),
                readiness: Some("blocked"),
                set: Some(("owner_team", "platform")),
                replace: Some(("1. run", "1. run it\n2. see it fail")),
                ..EditSpec::default()
            },
        },
        Op::Edit {
            q: "odd",
            edit: EditSpec {
                labels_rm: Some("c.d"),
                set: Some(("note", " spaced: \"quoted\"")),
                body: Some(HOSTILE),
                ..EditSpec::default()
            },
        },
        Op::Edit {
            q: ONE,
            edit: EditSpec {
                title: Some("Compat: edited after the close"),
                ..EditSpec::default()
            },
        },
        event("third", "comment", "next", "After the edit.\n"),
        Op::Refused(Box::new(Op::Edit {
            q: "third",
            edit: EditSpec {
                priority: Some("P1"),
                ..EditSpec::default()
            },
        })),
        Op::Edit {
            q: "third",
            edit: EditSpec {
                readiness: Some("unspecified"),
                unset: Some("owner_team"),
                ..EditSpec::default()
            },
        },
        Op::Status {
            q: "third",
            to: "closed",
            reason: Some("Done by hand."),
        },
        Op::Reopen {
            q: "third",
            reason: None,
        },
        Op::CloseText {
            q: "third",
            text: "Done.",
        },
    ]
}

/// Paths the compat run needs.
pub struct Env {
    pub repo: PathBuf,
    pub ticket_bin: PathBuf,
}

fn now_at(step: usize) -> String {
    let base: Timestamp = "2026-11-24T10:00:00Z".parse().expect("a valid constant");
    let t = Timestamp::from_unix(base.unix() + 61 * step as i64).expect("in range");
    t.to_string()
}

impl Env {
    /// A tool's command, run in `dir` on the root `work-items`, standard input closed.
    fn command(&self, writer: Writer, dir: &Path) -> Command {
        let mut cmd = match writer {
            Writer::Shell => {
                let mut c = Command::new("sh");
                c.arg(self.repo.join("tickets.sh"));
                c
            }
            Writer::Cli | Writer::Library => Command::new(&self.ticket_bin),
        };
        cmd.current_dir(dir)
            .env("WORK_ITEMS_DIR", "work-items")
            .stdin(Stdio::null());
        cmd
    }

    /// Performs `op` on the root `<dir>/work-items` as `writer`, at `now`. An edit the shell
    /// makes is made with `ticket` (tickets.sh has no edit); a refused operation succeeds when
    /// the writer refuses it.
    pub fn apply(&self, writer: Writer, dir: &Path, op: &Op, now: &str) -> Result<(), String> {
        if let Op::Refused(inner) = op {
            return match self.apply(writer, dir, inner, now) {
                Err(_) => Ok(()),
                Ok(()) => Err(format!("{writer:?} did not refuse {inner:?}")),
            };
        }
        let tool = match (writer, op) {
            (Writer::Shell, Op::Edit { .. }) => Writer::Cli,
            _ => writer,
        };
        match tool {
            Writer::Library => library(dir, op, now),
            Writer::Shell | Writer::Cli => {
                let body_file = dir.join("body.tmp");
                let args = args_of(op, &body_file)?;
                let out = self
                    .command(tool, dir)
                    .args(&args)
                    .env("TICKETS_NOW", now)
                    .env("USER", "compat")
                    .output()
                    .map_err(|e| format!("cannot run {tool:?}: {e}"))?;
                let _ = fs::remove_file(&body_file);
                if out.status.success() {
                    Ok(())
                } else {
                    Err(format!(
                        "{tool:?} {args:?} failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ))
                }
            }
        }
    }

    /// Runs a tool's command and returns its standard output.
    pub fn output(
        &self,
        writer: Writer,
        dir: &Path,
        args: &[&str],
    ) -> Result<(bool, String), String> {
        let out = self
            .command(writer, dir)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run {writer:?}: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        Ok((out.status.success(), text))
    }

    /// Both doctors accept the tree.
    pub fn doctors_ok(&self, dir: &Path) -> Result<(), String> {
        for w in [Writer::Shell, Writer::Cli] {
            let (ok, text) = self.output(w, dir, &["doctor"])?;
            if !ok {
                return Err(format!("{w:?} doctor rejects the tree:\n{text}"));
            }
        }
        Ok(())
    }
}

fn args_of(op: &Op, body_file: &Path) -> Result<Vec<String>, String> {
    let file = |body: &str| -> Result<String, String> {
        fs::write(body_file, body)
            .map_err(|e| format!("cannot write {}: {e}", body_file.display()))?;
        Ok(body_file.display().to_string())
    };
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let opt = |a: &mut Vec<String>, flag: &str, value: Option<&str>| {
        if let Some(v) = value {
            a.extend(s(&[flag, v]));
        }
    };
    Ok(match op {
        Op::Create {
            title,
            slug,
            kind,
            priority,
            labels,
            body,
            assignee,
            allow_new,
        } => {
            let mut a = s(&[
                "create",
                "--title",
                title,
                "--kind",
                kind,
                "--priority",
                priority,
            ]);
            opt(&mut a, "--slug", *slug);
            opt(&mut a, "--label", Some(*labels).filter(|l| !l.is_empty()));
            opt(&mut a, "--body", *body);
            opt(&mut a, "--assignee", *assignee);
            if *allow_new {
                a.push("--allow-new".into());
            }
            a
        }
        Op::CreateFile { title, body } => {
            let f = file(body)?;
            s(&["create", "--title", title, "--file", &f])
        }
        Op::Event {
            q,
            role,
            author,
            body,
            allow_new,
        } => {
            let f = file(body)?;
            let mut a = s(&[
                "comment", q, "--role", role, "--author", author, "--file", &f,
            ]);
            if *allow_new {
                a.push("--allow-new".into());
            }
            a
        }
        Op::Review {
            q,
            approve,
            author,
            body,
        } => {
            let f = file(body)?;
            let verdict = if *approve {
                "--approve"
            } else {
                "--request-changes"
            };
            s(&["review", q, verdict, "--author", author, "--file", &f])
        }
        Op::Status { q, to, reason } => {
            let mut a = s(&["status", q, to]);
            opt(&mut a, "--reason", *reason);
            a
        }
        Op::Reopen { q, reason } => {
            let mut a = s(&["reopen", q]);
            opt(&mut a, "--reason", *reason);
            a
        }
        Op::CloseText { q, text } => s(&["close", q, "--resolution", text]),
        Op::CloseFile { q, body } => {
            let f = file(body)?;
            s(&["close", q, "--file", &f])
        }
        Op::Edit { q, edit: e } => {
            let mut a = s(&["edit", q]);
            opt(&mut a, "--title", e.title);
            opt(&mut a, "--priority", e.priority);
            opt(&mut a, "--label-add", e.labels_add);
            opt(&mut a, "--label-rm", e.labels_rm);
            opt(&mut a, "--assignee", e.assignee);
            opt(&mut a, "--readiness", e.readiness);
            if let Some((k, v)) = e.set {
                a.extend(s(&["--set", &format!("{k}={v}")]));
            }
            opt(&mut a, "--unset", e.unset);
            if let Some((old, new)) = e.replace {
                a.extend(s(&["--replace", old, "--with", new]));
            }
            if let Some(body) = e.body {
                let f = file(body)?;
                a.extend(s(&["--body-file", &f]));
            }
            a
        }
        Op::Refused(inner) => args_of(inner, body_file)?,
    })
}

/// The library writer: the same use cases the CLI drives (ticket-app), with the clock fixed and
/// `compat` as the user, so what differs from the CLI is only the process, not the decisions.
fn library(dir: &Path, op: &Op, now: &str) -> Result<(), String> {
    let settings = Settings {
        now: Some(now.to_owned()),
        user: Some("compat".into()),
        ..Settings::default()
    };
    let app = App::new(dir.join("work-items"), settings);
    let owned = |v: Option<&str>| v.map(str::to_owned);
    let result = match op {
        Op::Create {
            title,
            slug,
            kind,
            priority,
            labels,
            body,
            assignee,
            allow_new,
        } => app
            .create(CreateRequest {
                title: (*title).to_owned(),
                slug: owned(*slug),
                kind: Some((*kind).to_owned()),
                priority: Some((*priority).to_owned()),
                labels: vec![(*labels).to_owned()],
                body: body.map(|b| BodyText::Line(b.to_owned())),
                author: None,
                assignee: owned(*assignee),
                allow_new: *allow_new,
                ..CreateRequest::default()
            })
            .map(drop),
        Op::CreateFile { title, body } => app
            .create(CreateRequest {
                title: (*title).to_owned(),
                body: Some(BodyText::Verbatim((*body).to_owned())),
                ..CreateRequest::default()
            })
            .map(drop),
        Op::Event {
            q,
            role,
            author,
            body,
            allow_new,
        } => app
            .comment(CommentRequest {
                query: (*q).to_owned(),
                role: (*role).to_owned(),
                author: Some((*author).to_owned()),
                body: Some((*body).to_owned()),
                guard: Guard::none(),
                allow_new: *allow_new,
            })
            .map(drop),
        Op::Review {
            q,
            approve,
            author,
            body,
        } => app
            .review(ReviewRequest {
                query: (*q).to_owned(),
                verdict: if *approve {
                    ReviewVerdict::Approve
                } else {
                    ReviewVerdict::RequestChanges
                },
                author: Some((*author).to_owned()),
                body: Some((*body).to_owned()),
                guard: Guard::none(),
            })
            .map(drop),
        Op::Status { q, to, reason } => app
            .set_status(StatusRequest {
                reason: owned(*reason),
                ..StatusRequest::new(*q, TicketStatus::parse(to))
            })
            .map(drop),
        Op::Reopen { q, reason } => app
            .reopen(ReopenRequest {
                query: (*q).to_owned(),
                reason: owned(*reason),
                ..ReopenRequest::default()
            })
            .map(drop),
        Op::CloseText { q, text } => app
            .close(CloseRequest {
                query: (*q).to_owned(),
                text: CloseText::Line((*text).to_owned()),
                ..CloseRequest::default()
            })
            .map(drop),
        Op::CloseFile { q, body } => app
            .close(CloseRequest {
                query: (*q).to_owned(),
                text: CloseText::Verbatim((*body).to_owned()),
                ..CloseRequest::default()
            })
            .map(drop),
        Op::Edit { q, edit: e } => app
            .edit(EditRequest {
                query: (*q).to_owned(),
                title: owned(e.title),
                priority: owned(e.priority),
                labels_add: owned(e.labels_add).into_iter().collect(),
                labels_remove: owned(e.labels_rm).into_iter().collect(),
                assignee: e.assignee.map(|a| Assign::To(a.to_owned())),
                readiness: owned(e.readiness),
                set: e
                    .set
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .into_iter()
                    .collect(),
                unset: owned(e.unset).into_iter().collect(),
                replace: e.replace.map(|(old, new)| Replacement {
                    old: old.to_owned(),
                    new: new.to_owned(),
                    all: false,
                }),
                body: e.body.map(|b| BodyText::Verbatim(b.to_owned())),
                ..EditRequest::default()
            })
            .map(drop),
        Op::Refused(inner) => return library(dir, inner, now),
    };
    result.map_err(|e| format!("Library {op:?} failed: {e}"))
}

/// The ticket `q` as the library reads it.
fn read_back(dir: &Path, q: &str) -> Result<ticket_app::Ticket, String> {
    App::new(dir.join("work-items"), Settings::default())
        .show(q)
        .map(|shown| shown.ticket)
        .map_err(|e| format!("the library cannot read {q}: {e}"))
}

/// A readable account of how two trees differ: missing files, then the first differing lines.
pub fn tree_diff(
    a_name: &str,
    a: &BTreeMap<String, Vec<u8>>,
    b_name: &str,
    b: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let mut report = String::new();
    for (path, bytes) in a {
        match b.get(path) {
            None => report.push_str(&format!("only in {a_name}: {path}\n")),
            Some(other) if other != bytes => {
                report.push_str(&format!("differs: {path}\n"));
                report.push_str(&line_diff(
                    a_name,
                    &String::from_utf8_lossy(bytes),
                    b_name,
                    &String::from_utf8_lossy(other),
                ));
            }
            Some(_) => {}
        }
    }
    for path in b.keys().filter(|p| !a.contains_key(*p)) {
        report.push_str(&format!("only in {b_name}: {path}\n"));
    }
    (!report.is_empty()).then_some(report)
}

/// The lines that differ, as `-`/`+` pairs with their line numbers (at most 10).
pub fn line_diff(a_name: &str, a: &str, b_name: &str, b: &str) -> String {
    let (al, bl): (Vec<&str>, Vec<&str>) = (a.split('\n').collect(), b.split('\n').collect());
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..al.len().max(bl.len()) {
        let (x, y) = (al.get(i), bl.get(i));
        if x != y {
            out.push_str(&format!(
                "  line {}:\n    - {a_name}: {:?}\n    + {b_name}: {:?}\n",
                i + 1,
                x.unwrap_or(&"<none>"),
                y.unwrap_or(&"<none>")
            ));
            shown += 1;
            if shown == 10 {
                out.push_str("  ...\n");
                break;
            }
        }
    }
    out
}

/// The outcome of one case.
pub struct Outcome {
    pub name: String,
    pub result: Result<(), String>,
}

pub fn run(env: &Env) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    let mut push =
        |name: String, result: Result<(), String>| outcomes.push(Outcome { name, result });
    push(
        "identical trees: tickets.sh, ticket, library".into(),
        identical_trees(env),
    );
    for (n, op) in script().iter().enumerate().skip(1) {
        for writer in WRITERS {
            for reader in WRITERS.into_iter().filter(|r| *r != writer) {
                push(
                    format!("step {n} {op:?} by {writer:?}, then {reader:?}"),
                    crossed(env, n, writer, reader),
                );
            }
        }
    }
    push(
        "racing shell and Rust writers lose nothing".into(),
        racing(env),
    );
    push(
        "relations: ticket and the library link, tickets.sh reads and keeps them".into(),
        relations(env),
    );
    push(
        "event ids: both tools write them, read each other's, merge by them".into(),
        event_ids(env),
    );
    push(
        "claims: ticket and the library claim and release, tickets.sh reads and keeps them".into(),
        claims(env),
    );
    match ticket_test_support::corpus() {
        Some(src) => {
            push(
                "real corpus: list and show agree".into(),
                corpus_reads(env, &src),
            );
            for writer in WRITERS {
                push(
                    format!("real corpus: {writer:?} mutates, both doctors accept"),
                    corpus_writes(env, &src, writer),
                );
            }
        }
        None => println!("skip: real corpus absent (../shared/corpus); its cases did not run"),
    }
    outcomes
}

fn scratch() -> Result<tempfile::TempDir, String> {
    tempfile::tempdir().map_err(|e| format!("cannot make a scratch directory: {e}"))
}

fn identical_trees(env: &Env) -> Result<(), String> {
    let mut trees = Vec::new();
    for writer in WRITERS {
        let dir = scratch()?;
        for (n, op) in script().iter().enumerate() {
            env.apply(writer, dir.path(), op, &now_at(n))
                .map_err(|e| format!("step {n}: {e}"))?;
        }
        env.doctors_ok(dir.path())?;
        trees.push((
            writer,
            snapshot_without_scratch(&dir.path().join("work-items")),
        ));
    }
    let (first, reference) = &trees[0];
    for (writer, tree) in &trees[1..] {
        if let Some(diff) = tree_diff(
            &format!("{first:?}"),
            reference,
            &format!("{writer:?}"),
            tree,
        ) {
            return Err(format!("the trees differ:\n{diff}"));
        }
    }
    Ok(())
}

/// Steps before `n` by `writer`, step `n` by `writer`, then `reader` reads, checks and mutates.
fn crossed(env: &Env, n: usize, writer: Writer, reader: Writer) -> Result<(), String> {
    let dir = scratch()?;
    let d = dir.path();
    let script = script();
    for (i, op) in script.iter().enumerate().take(n + 1) {
        env.apply(writer, d, op, &now_at(i))?;
    }
    env.doctors_ok(d)?;
    let (_, shell_list) = env.output(Writer::Shell, d, &["list", "--status", "all"])?;
    let (_, cli_list) = env.output(Writer::Cli, d, &["list", "--status", "all"])?;
    if shell_list != cli_list {
        return Err(format!(
            "list differs:\n{}",
            line_diff("tickets.sh", &shell_list, "ticket", &cli_list)
        ));
    }
    for q in ["compat-one-format-three-writers", "second"] {
        let (_, a) = env.output(Writer::Shell, d, &["show", q])?;
        let (_, b) = env.output(Writer::Cli, d, &["show", q])?;
        if a != b {
            return Err(format!(
                "show {q} differs:\n{}",
                line_diff("tickets.sh", &a, "ticket", &b)
            ));
        }
    }
    let further = event(ONE, "comment", "next writer", "And more.\n");
    env.apply(reader, d, &further, &now_at(n + 1))?;
    env.doctors_ok(d)?;
    let t = read_back(d, "compat-one-format-three-writers")?;
    let last = t.events.last().ok_or("no events")?;
    if last.author != "next writer" || last.body.as_str() != "And more.\n" {
        return Err(format!("the last event reads back wrong: {last:?}"));
    }
    Ok(())
}

fn racing(env: &Env) -> Result<(), String> {
    let dir = scratch()?;
    let d = dir.path().to_path_buf();
    env.apply(Writer::Shell, &d, &script()[0], &now_at(0))?;
    let q = "compat-one-format-three-writers";
    let mut children = Vec::new();
    for (w, writer) in [Writer::Shell, Writer::Cli, Writer::Shell, Writer::Cli]
        .into_iter()
        .enumerate()
    {
        let bin = match writer {
            Writer::Shell => format!("sh '{}'", env.repo.join("tickets.sh").display()),
            _ => format!("'{}'", env.ticket_bin.display()),
        };
        let script = format!(
            "for n in 1 2 3 4 5 6 7 8 9 10; do printf 'writer {w} comment %s' $n | {bin} comment {q} --author w{w} || exit 1; done"
        );
        children.push(spawn_sh(&d, &script)?);
    }
    let mover = format!(
        "for n in 1 2 3 4 5; do sh '{0}' status {q} pending && '{1}' status {q} open || exit 1; done",
        env.repo.join("tickets.sh").display(),
        env.ticket_bin.display()
    );
    children.push(spawn_sh(&d, &mover)?);
    let app = App::new(d.join("work-items"), Settings::default());
    let library = std::thread::spawn(move || -> Result<(), String> {
        for n in 1..=10 {
            app.comment(CommentRequest {
                query: q.to_owned(),
                role: "comment".into(),
                author: Some("lib".into()),
                body: Some(format!("library comment {n}")),
                guard: Guard::none(),
                allow_new: false,
            })
            .map_err(|e| e.to_string())?;
        }
        Ok(())
    });
    for mut child in children {
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("a racing writer failed ({status})"));
        }
    }
    library
        .join()
        .map_err(|_| "the library writer panicked".to_owned())??;
    env.doctors_ok(&d)?;
    let t = read_back(&d, q)?;
    let mut missing = Vec::new();
    for w in 0..4 {
        for n in 1..=10 {
            let body = format!("writer {w} comment {n}");
            if t.events.iter().filter(|e| e.body.as_str() == body).count() != 1 {
                missing.push(body);
            }
        }
    }
    for n in 1..=10 {
        let body = format!("library comment {n}");
        if t.events.iter().filter(|e| e.body.as_str() == body).count() != 1 {
            missing.push(body);
        }
    }
    // The create, 50 comments and the mover's 10 status events.
    let moves = t
        .events
        .iter()
        .filter(|e| e.kind.as_str() == "status")
        .count();
    if !missing.is_empty() || t.events.len() != 61 || moves != 10 {
        return Err(format!(
            "{} events ({moves} status), expected 61 (10 status); lost or doubled: {missing:?}",
            t.events.len()
        ));
    }
    Ok(())
}

/// The CLI and the library write relations; after each step both doctors accept the tree and
/// `tickets.sh` lists and shows what `ticket` does; then `tickets.sh` writes (comment, status
/// moves, close) and the relation keys and link events are still there, byte for byte.
fn relations(env: &Env) -> Result<(), String> {
    let dir = scratch()?;
    let d = dir.path();
    let lib = |step: usize| {
        App::new(
            d.join("work-items"),
            Settings {
                now: Some(now_at(step)),
                user: Some("compat".into()),
                ..Settings::default()
            },
        )
    };
    let cli = |step: usize, args: &[&str]| -> Result<(), String> {
        let out = env
            .command(Writer::Cli, d)
            .args(args)
            .env("TICKETS_NOW", now_at(step))
            .env("USER", "compat")
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "ticket {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let agree = |what: &str| -> Result<(), String> {
        env.doctors_ok(d)
            .map_err(|e| format!("after {what}: {e}"))?;
        let (_, a) = env.output(Writer::Shell, d, &["list", "--status", "all"])?;
        let (_, b) = env.output(Writer::Cli, d, &["list", "--status", "all"])?;
        if a != b {
            return Err(format!(
                "after {what}, list differs:\n{}",
                line_diff("tickets.sh", &a, "ticket", &b)
            ));
        }
        for q in ["epic", "base", "top"] {
            let (_, a) = env.output(Writer::Shell, d, &["show", q])?;
            let (_, b) = env.output(Writer::Cli, d, &["show", q])?;
            if a != b {
                return Err(format!(
                    "after {what}, show {q} differs:\n{}",
                    line_diff("tickets.sh", &a, "ticket", &b)
                ));
            }
        }
        Ok(())
    };
    cli(0, &["create", "--title", "Epic"])?;
    cli(1, &["create", "--title", "Base", "--parent", "epic"])?;
    cli(
        2,
        &[
            "create",
            "--title",
            "Top",
            "--depends-on",
            "base",
            "--related",
            "epic",
        ],
    )?;
    agree("create with relations")?;
    cli(3, &["link", "top", "--parent", "epic"])?;
    agree("ticket link")?;
    lib(4)
        .link(LinkRequest {
            query: "top".into(),
            kind: RelationKind::Supersedes,
            target: "20990101-000000-elsewhere".into(),
            allow_missing: true,
            author: None,
            guard: Guard::none(),
        })
        .map_err(|e| format!("library link: {e}"))?;
    lib(5)
        .unlink(UnlinkRequest {
            query: "top".into(),
            kind: RelationKind::Related,
            target: "epic".into(),
            author: None,
            guard: Guard::none(),
        })
        .map_err(|e| format!("library unlink: {e}"))?;
    agree("library link and unlink")?;
    let item_path =
        |q: &str| -> Result<PathBuf, String> { Ok(d.join(read_back_path(d, q)?).join("item.md")) };
    let relation_lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| {
                ["depends_on:", "parent:", "related:", "supersedes:"]
                    .iter()
                    .any(|k| l.starts_with(k))
            })
            .map(str::to_owned)
            .collect()
    };
    let before = fs::read_to_string(item_path("top")?).map_err(|e| e.to_string())?;
    let kept = relation_lines(&before);
    if kept.len() != 3 {
        return Err(format!("expected three relation lines: {kept:?}"));
    }
    let ops = [
        Op::Event {
            q: "top",
            role: "comment",
            author: "shell",
            body: "From the shell.\n",
            allow_new: false,
        },
        Op::Status {
            q: "top",
            to: "pending",
            reason: None,
        },
        Op::Status {
            q: "top",
            to: "open",
            reason: None,
        },
        Op::CloseText {
            q: "top",
            text: "Done by the shell.",
        },
    ];
    for (n, op) in ops.iter().enumerate() {
        env.apply(Writer::Shell, d, op, &now_at(6 + n))?;
        agree(&format!("tickets.sh {op:?}"))?;
        let after = fs::read_to_string(item_path("top")?).map_err(|e| e.to_string())?;
        if relation_lines(&after) != kept {
            return Err(format!("tickets.sh {op:?} lost relation lines:\n{after}"));
        }
    }
    let t = read_back(d, "top")?;
    let kinds: Vec<&str> = t.events.iter().map(|e| e.kind.as_str()).collect();
    if kinds
        != [
            "create", "link", "link", "unlink", "comment", "status", "status", "close",
        ]
    {
        return Err(format!("events read back as {kinds:?}"));
    }
    if t.relations.parent.len() != 1 || t.relations.depends_on.len() != 1 {
        return Err(format!("relations read back as {:?}", t.relations));
    }
    cli(20, &["unlink", "top", "--depends-on", "base"])?;
    agree("ticket unlink after tickets.sh wrote")?;
    Ok(())
}

/// Where the library finds the ticket `q`, relative to `dir`.
fn read_back_path(dir: &Path, q: &str) -> Result<String, String> {
    let shown = App::new(dir.join("work-items"), Settings::default())
        .show(q)
        .map_err(|e| format!("the library cannot read {q}: {e}"))?;
    Ok(shown.path)
}

fn spawn_sh(dir: &Path, script: &str) -> Result<std::process::Child, String> {
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("WORK_ITEMS_DIR", "work-items")
        .env("TICKETS_LOCK_TIMEOUT", "60")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start a writer: {e}"))
}

/// A writable copy of the real corpus at `<scratch>/work-items`.
fn copy_corpus(src: &Path) -> Result<tempfile::TempDir, String> {
    let dir = scratch()?;
    ticket_test_support::copy_tree(src, &dir.path().join("work-items"));
    Ok(dir)
}

fn corpus_reads(env: &Env, src: &Path) -> Result<(), String> {
    let dir = copy_corpus(src)?;
    let d = dir.path();
    env.doctors_ok(d)?;
    let (_, a) = env.output(Writer::Shell, d, &["list", "--status", "all"])?;
    let (_, b) = env.output(Writer::Cli, d, &["list", "--status", "all"])?;
    if a != b {
        return Err(format!(
            "list differs:\n{}",
            line_diff("tickets.sh", &a, "ticket", &b)
        ));
    }
    for line in a.lines().skip(1) {
        let id = line.split('\t').nth(1).ok_or("a list row without an id")?;
        let (_, x) = env.output(Writer::Shell, d, &["show", id])?;
        let (_, y) = env.output(Writer::Cli, d, &["show", id])?;
        if x != y {
            return Err(format!(
                "show {id} differs:\n{}",
                line_diff("tickets.sh", &x, "ticket", &y)
            ));
        }
    }
    Ok(())
}

fn corpus_writes(env: &Env, src: &Path, writer: Writer) -> Result<(), String> {
    let dir = copy_corpus(src)?;
    let d = dir.path();
    const Q: &str = "yoi-local-ticket-backend-migration";
    let ops = [
        event(Q, "comment", "yoi ticket", HOSTILE),
        Op::Review {
            q: Q,
            approve: false,
            author: "reviewer",
            body: "More.\n",
        },
        status(Q, "pending"),
        Op::CloseText {
            q: Q,
            text: "Closed by compat.",
        },
        Op::Refused(Box::new(Op::CloseText {
            q: Q,
            text: "Closed twice.",
        })),
        Op::Reopen {
            q: Q,
            reason: Some("Reopened by compat."),
        },
        Op::Edit {
            q: Q,
            edit: EditSpec {
                priority: Some("P0"),
                labels_add: Some("compat"),
                readiness: Some("implementation_ready"),
                set: Some(("owner_team", "compat")),
                ..EditSpec::default()
            },
        },
        status(Q, "pending"),
    ];
    for (n, op) in ops.iter().enumerate() {
        env.apply(writer, d, op, &now_at(n))?;
        env.doctors_ok(d)
            .map_err(|e| format!("after {op:?}: {e}"))?;
    }
    let (_, a) = env.output(Writer::Shell, d, &["show", Q])?;
    let (_, b) = env.output(Writer::Cli, d, &["show", Q])?;
    if a != b {
        return Err(format!(
            "show differs:\n{}",
            line_diff("tickets.sh", &a, "ticket", &b)
        ));
    }
    Ok(())
}

/// Case 6, event ids (docs/format.md, "Event ids"): with the real clock both tools write an id
/// into every header they write; each reads the other's, both doctors accept them, `ticket` keeps
/// them out of the references it shows, and the thread merge driver unites two copies that each
/// tool extended, every event once.
fn event_ids(env: &Env) -> Result<(), String> {
    let dir = scratch()?;
    let d = dir.path();
    let run = |w: Writer, args: &[&str], body: Option<&str>| -> Result<String, String> {
        let mut cmd = env.command(w, d);
        cmd.args(args)
            .env_remove("TICKETS_NOW")
            .env("USER", "compat");
        if let Some(body) = body {
            let file = d.join("body.txt");
            fs::write(&file, body).map_err(|e| e.to_string())?;
            cmd.stdin(fs::File::open(&file).map_err(|e| e.to_string())?);
        }
        let out = cmd.output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "{w:?} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let id = run(Writer::Shell, &["create", "--title", "Ids"], None)?
        .trim()
        .to_owned();
    run(Writer::Cli, &["comment", &id], Some("from ticket\n"))?;
    run(Writer::Shell, &["comment", &id], Some("from tickets.sh\n"))?;
    run(
        Writer::Cli,
        &["status", &id, "pending", "--reason", "r"],
        None,
    )?;
    run(Writer::Shell, &["review", &id, "--approve"], Some("ok\n"))?;
    run(Writer::Cli, &["edit", &id, "--title", "Ids edited"], None)?;
    env.doctors_ok(d)?;
    let thread_path = d.join("work-items/pending").join(&id).join("thread.md");
    let thread = fs::read_to_string(&thread_path).map_err(|e| e.to_string())?;
    let headers: Vec<&str> = thread
        .lines()
        .filter(|l| l.starts_with("<!-- event:"))
        .collect();
    let ids: std::collections::BTreeSet<String> = headers
        .iter()
        .filter_map(|h| ticket_format::thread::parse_header(h).ok()?.id)
        .collect();
    if headers.len() != 6 || ids.len() != 6 {
        return Err(format!(
            "{} headers, {} distinct ids:\n{thread}",
            headers.len(),
            ids.len()
        ));
    }
    let shown = run(Writer::Cli, &["--json", "show", &id], None)?;
    if shown.contains("\"kind\": \"id\"") {
        return Err(format!("ticket shows an event id as a reference:\n{shown}"));
    }
    // Two copies extended by each tool, merged by the driver: every event once.
    let copy = d.join("theirs.md");
    fs::copy(&thread_path, d.join("base.md")).map_err(|e| e.to_string())?;
    run(
        Writer::Shell,
        &["comment", &id],
        Some("ours by tickets.sh\n"),
    )?;
    let ours = fs::read_to_string(&thread_path).map_err(|e| e.to_string())?;
    fs::copy(d.join("base.md"), &thread_path).map_err(|e| e.to_string())?;
    run(Writer::Cli, &["comment", &id], Some("theirs by ticket\n"))?;
    fs::copy(&thread_path, &copy).map_err(|e| e.to_string())?;
    fs::write(&thread_path, &ours).map_err(|e| e.to_string())?;
    let out = env
        .command(Writer::Cli, d)
        .args(["merge-driver", "thread", "base.md"])
        .arg(&thread_path)
        .arg(&copy)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "merge-driver: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let merged = fs::read_to_string(&thread_path).map_err(|e| e.to_string())?;
    for body in [
        "from ticket",
        "from tickets.sh",
        "ours by tickets.sh",
        "theirs by ticket",
    ] {
        if merged.matches(&format!("\n{body}\n")).count() != 1 {
            return Err(format!(
                "`{body}` is not in the merged thread once:\n{merged}"
            ));
        }
    }
    env.doctors_ok(d)
}

/// Claims (docs/claims.md): `ticket` and the library claim and release; `tickets.sh` reads the
/// `claim` and `release` events, writes after them and keeps them, and both doctors accept the
/// tree after each writer. `show` by both tools agrees once the lease is released (while it
/// is held, `ticket show` adds its `Claimed:` line).
fn claims(env: &Env) -> Result<(), String> {
    let dir = scratch()?;
    let d = dir.path();
    let run = |writer: Writer, step: usize, args: &[&str]| -> Result<String, String> {
        let out = env
            .command(writer, d)
            .args(args)
            .env("TICKETS_NOW", now_at(step))
            .env("USER", "compat")
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!(
                "{writer:?} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    run(Writer::Shell, 0, &["create", "--title", "Contested"])?;
    run(Writer::Cli, 1, &["claim", "contested", "--as", "agent-1"])?;
    env.doctors_ok(d)
        .map_err(|e| format!("after ticket claim: {e}"))?;
    run(Writer::Shell, 2, &["comment", "contested"])?;
    run(Writer::Cli, 3, &["comment", "contested", "--token", "1"])?;
    run(Writer::Cli, 4, &["release", "contested", "--token", "1"])?;
    let lib = App::new(
        d.join("work-items"),
        Settings {
            now: Some(now_at(5)),
            user: Some("compat".into()),
            ..Settings::default()
        },
    );
    let claimed = lib
        .claim(ticket_app::ClaimRequest {
            query: "contested".into(),
            holder: Some("library".into()),
            ..Default::default()
        })
        .map_err(|e| format!("library claim: {e}"))?;
    lib.release(ticket_app::ReleaseRequest {
        query: "contested".into(),
        token: claimed.lease.token,
        remote: None,
    })
    .map_err(|e| format!("library release: {e}"))?;
    run(Writer::Shell, 6, &["status", "contested", "pending"])?;
    env.doctors_ok(d)
        .map_err(|e| format!("after tickets.sh wrote after the claims: {e}"))?;
    let thread = read_back_path(d, "contested").and_then(|p| {
        fs::read_to_string(Path::new(&p).join("thread.md")).map_err(|e| e.to_string())
    })?;
    for (kind, n) in [("claim", 2), ("release", 2), ("comment", 2)] {
        let found = thread
            .matches(&format!("<!-- event: {kind} author: "))
            .count();
        if found != n {
            return Err(format!("{found} {kind} events, not {n}, in:\n{thread}"));
        }
    }
    let (_, a) = env.output(Writer::Shell, d, &["show", "contested"])?;
    let (_, b) = env.output(Writer::Cli, d, &["show", "contested"])?;
    if a != b {
        return Err(format!(
            "show differs:\n{}",
            line_diff("tickets.sh", &a, "ticket", &b)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_title_gives_a_readable_diff() {
        let a = BTreeMap::from([(
            "open/x/item.md".to_owned(),
            b"---\ntitle: A: b\n---\n".to_vec(),
        )]);
        let b = BTreeMap::from([(
            "open/x/item.md".to_owned(),
            b"---\ntitle: \"A: b\"\n---\n".to_vec(),
        )]);
        let diff = tree_diff("Shell", &a, "Cli", &b).expect("they differ");
        assert!(diff.contains("differs: open/x/item.md"), "{diff}");
        assert!(
            diff.contains(
                "line 2:\n    - Shell: \"title: A: b\"\n    + Cli: \"title: \\\"A: b\\\"\""
            ),
            "{diff}"
        );
    }
}
