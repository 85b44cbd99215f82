//! Crashes: `kill -9` at random moments of mutations by the `ticket` CLI (one process per
//! mutation) and by the library (a child process looping over `LocalTicketBackend` mutations,
//! `cargo xtask stress-child`). Kills land from the process's start to twice a typical mutation's
//! duration, so most fall inside a write. After each kill:
//!
//! - every item.md reads whole and every thread.md is whole events (no torn file);
//! - every mutation whose writer reported success is there exactly once; the killed one at most
//!   once;
//! - the doctor (`ticket_doctor::run`) reports nothing but leftover temporary files, and after
//!   `fix` none is left and it reports no error;
//! - the next writer takes the lock at once: a dead process's `flock` dies with it.

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ticket_doctor::{Code, Options};
use ticket_domain::{
    EventKind, NewEvent, NewReview, NewTicket, Resolution, ReviewVerdict, TicketBackend,
    TicketBackendExt, TicketIdOrSlug, TicketStatus,
};
use ticket_store_local::{LocalTicketBackend, SystemClock, fsio};

use super::check::{self, Expected, Fate, Tally};
use super::{Env, Tool, seed_tickets};
use crate::rng::Rng;

/// What one run measured.
#[derive(Debug, Default)]
pub struct Figures {
    pub kills: usize,
    pub cli_kills: usize,
    pub library_kills: usize,
    /// Mutations started (acknowledged, failed or killed).
    pub mutations: usize,
    pub acked: usize,
    /// Processes the kill found still running (the others had finished).
    pub killed_in_flight: usize,
    pub leftovers_fixed: usize,
    /// Status moves or closes killed between their directory rename and their last write,
    /// completed with `ticket status <id> <status>`.
    pub cut_moves_completed: usize,
    pub max_lock_ms: f64,
    pub mean_mutation_ms: f64,
    pub tally: Tally,
    pub seconds: f64,
}

impl Figures {
    pub fn summary(&self) -> String {
        format!(
            "crash: {} kills ({} CLI, {} library; {} hit a running process), {} mutations started, {} acknowledged; lost {}, duplicated {}, torn {}, misplaced {}, written outside the root 0; {} leftover temp files removed by doctor --fix; {} moves cut between rename and rewrite, completed; next writer's lock after a kill at most {:.1} ms; mutation ~{:.1} ms; {:.1} s",
            self.kills,
            self.cli_kills,
            self.library_kills,
            self.killed_in_flight,
            self.mutations,
            self.acked,
            self.tally.lost,
            self.tally.duplicated,
            self.tally.torn,
            self.tally.misplaced,
            self.leftovers_fixed,
            self.cut_moves_completed,
            self.max_lock_ms,
            self.mean_mutation_ms,
            self.seconds
        )
    }
}

const SHARED: usize = 3;

/// The op and ticket of a mutation the kill cut.
type Cut = (&'static str, String);
const MOVE: &str = "CLI status move";

pub fn run(env: &Env, xtask_exe: &Path, kills: usize, seed: u64) -> Result<Figures, String> {
    let scratch = tempfile::tempdir().map_err(|e| format!("scratch dir: {e}"))?;
    let root = scratch.path().join("work-items");
    let shared = seed_tickets(&root, SHARED)?;
    let body = scratch.path().join("body.md");
    let mut rng = Rng::new(seed);
    let mut figures = Figures::default();
    let mut expected: Vec<Expected> = Vec::new();

    // A typical mutation's duration, process start to exit.
    let calibration = 5;
    let t0 = Instant::now();
    for n in 0..calibration {
        let marker = format!("w0-m{n}");
        std::fs::write(&body, format!("Calibration {marker}\n")).map_err(|e| e.to_string())?;
        let args = comment_args(&shared[0], &body);
        let r = env.run(Tool::Cli, &root, &args, &[])?;
        let fate = if r.ok { Fate::Acked } else { Fate::Failed };
        expected.push(expected_one(
            &marker,
            Some(shared[0].clone()),
            "calibration comment",
            false,
            fate,
        ));
    }
    let typical = t0.elapsed() / calibration;
    figures.mean_mutation_ms = typical.as_secs_f64() * 1000.0;
    let span_us = u64::try_from((typical * 2).as_micros())
        .unwrap_or(u64::MAX)
        .max(1);

    let started = Instant::now();
    for i in 1..=kills {
        let library = i % 2 == 0;
        let delay = Duration::from_micros(rng.below(span_us));
        let (child, pending, cli_op) = if library {
            figures.library_kills += 1;
            let child = Command::new(xtask_exe)
                .args(["stress-child", &root.display().to_string(), &i.to_string()])
                .arg(rng.next_u64().to_string())
                .arg(shared.join(","))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start the library child: {e}"))?;
            (child, None, None)
        } else {
            figures.cli_kills += 1;
            let (args, e, op) = cli_mutation(i, &shared, &body, &mut rng)?;
            let child = env
                .command(Tool::Cli, &root)
                .args(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start ticket: {e}"))?;
            (child, Some(e), Some(op))
        };
        let (ran_out, stdout) = kill_after(child, delay)?;
        if !ran_out.finished {
            figures.killed_in_flight += 1;
        }
        let cut = if ran_out.finished {
            None
        } else {
            match cli_op {
                Some(op) => Some(op),
                None => last_begun(&stdout),
            }
        };
        let mine = match pending {
            Some(mut e) => {
                e.fate = match (ran_out.finished, ran_out.success) {
                    (false, _) => Fate::InFlight,
                    (true, true) => Fate::Acked,
                    (true, false) => Fate::Failed,
                };
                if e.create {
                    e.ticket = Some(stdout.trim().to_owned()).filter(|s| !s.is_empty());
                }
                // A move leaves no event to look for.
                if e.what == MOVE { vec![] } else { vec![e] }
            }
            None => library_expectations(i, &stdout, ran_out.finished),
        };
        figures.mutations += mine.len();
        figures.acked += mine.iter().filter(|e| e.fate == Fate::Acked).count();
        expected.extend(mine);
        after_kill(&root, i, &expected, cut, &mut figures).map_err(|problems| {
            format!(
                "crash (seed {seed}), after kill {i} ({} after {:?}): {} problem(s):\n{}",
                if library { "library" } else { "CLI" },
                delay,
                problems.len(),
                problems.join("\n")
            )
        })?;
    }
    let outside = check::outside_writes(scratch.path(), &["body.md"]);
    if !outside.is_empty() {
        return Err(format!("crash (seed {seed}): {}", outside.join("\n")));
    }
    figures.kills = kills;
    figures.seconds = started.elapsed().as_secs_f64();
    let (tally, _) = check::compare(&expected, &check::scan(&root));
    figures.tally = tally;
    Ok(figures)
}

struct Ended {
    finished: bool,
    success: bool,
}

/// Waits `delay`, then `kill -9`s the child unless it has exited; returns how it ended and its
/// standard output.
fn kill_after(mut child: Child, delay: Duration) -> Result<(Ended, String), String> {
    std::thread::sleep(delay);
    let status = child.try_wait().map_err(|e| e.to_string())?;
    let finished = status.is_some();
    if !finished {
        // SIGKILL on Unix: no destructor, no cleanup, no flush.
        child.kill().map_err(|e| format!("kill: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let ended = Ended {
        finished,
        success: finished && out.status.success(),
    };
    Ok((ended, String::from_utf8_lossy(&out.stdout).into_owned()))
}

/// The checks after one kill; `Err` holds every problem found.
fn after_kill(
    root: &Path,
    i: usize,
    expected: &[Expected],
    cut: Option<Cut>,
    figures: &mut Figures,
) -> Result<(), Vec<String>> {
    let (_, mut problems) = check::compare(expected, &check::scan(root));
    // The next writer is never blocked by the dead one's lock.
    let t = Instant::now();
    if let Err(e) = fsio::with_lock(root, Duration::from_secs(2), || Ok(())) {
        problems.push(format!(
            "the next writer could not take the lock after kill {i}: {e}"
        ));
    }
    figures.max_lock_ms = figures.max_lock_ms.max(t.elapsed().as_secs_f64() * 1000.0);
    complete_cut_move(root, i, cut, figures, &mut problems);
    let report = match ticket_doctor::run(root, &Options::default()) {
        Ok(report) => report,
        Err(e) => {
            problems.push(format!("doctor after kill {i}: {e}"));
            return Err(problems);
        }
    };
    let mut leftovers = 0;
    for d in &report.diagnostics {
        if d.code == Code::LeftoverTemp.as_str() {
            leftovers += 1;
        } else if d.severity == ticket_domain::Severity::Error {
            problems.push(format!("doctor after kill {i}: {}: {}", d.code, d.message));
        }
    }
    if leftovers > 0 {
        let fix = Options {
            fix: true,
            ..Options::default()
        };
        let fixed = match ticket_doctor::run(root, &fix) {
            Ok(report) => report,
            Err(e) => {
                problems.push(format!("doctor --fix after kill {i}: {e}"));
                return Err(problems);
            }
        };
        figures.leftovers_fixed += fixed
            .fixed
            .iter()
            .filter(|f| matches!(f, ticket_doctor::Fix::Leftover(_)))
            .count();
        problems.extend(super::concurrency::leftovers(root));
        for d in fixed.diagnostics.iter().filter(|d| {
            d.code == Code::LeftoverTemp.as_str() || d.severity == ticket_domain::Severity::Error
        }) {
            problems.push(format!(
                "doctor --fix after kill {i}: {}: {}",
                d.code, d.message
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A status move or close killed between renaming the directory and rewriting `status:` leaves
/// `status-mismatch` on that ticket. It is completed as the doctor's hint says
/// (`ticket status <id> <status>`, here through the library) and counted; a mismatch anywhere
/// else, or after any other mutation, is a problem.
fn complete_cut_move(
    root: &Path,
    i: usize,
    cut: Option<Cut>,
    figures: &mut Figures,
    problems: &mut Vec<String>,
) {
    let report = match ticket_doctor::run(root, &Options::default()) {
        Ok(report) => report,
        Err(e) => {
            problems.push(format!("doctor after kill {i}: {e}"));
            return;
        }
    };
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::StatusMismatch.as_str())
    {
        let dir = d.path.as_deref().map(Path::new).and_then(Path::parent);
        let id = dir
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned());
        let status = dir
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned());
        let expected = matches!(&cut, Some((op, t)) if (*op == "move" || *op == "close") && Some(t) == id.as_ref());
        let (true, Some(id), Some(status)) = (expected, id, status) else {
            problems.push(format!("doctor after kill {i}: {}", d.message));
            continue;
        };
        let b = LocalTicketBackend::new(root, Arc::new(SystemClock));
        let done = TicketIdOrSlug::new(id.as_str())
            .map_err(|e| e.to_string())
            .and_then(|q| {
                b.set_status(&q, TicketStatus::parse(&status))
                    .map_err(|e| e.to_string())
            });
        match done {
            Ok(_) => figures.cut_moves_completed += 1,
            Err(e) => problems.push(format!(
                "ticket {id}: completing the move cut by kill {i} failed: {e}"
            )),
        }
    }
}

fn expected_one(
    marker: &str,
    ticket: Option<String>,
    what: &str,
    create: bool,
    fate: Fate,
) -> Expected {
    Expected {
        marker: marker.to_owned(),
        ticket,
        what: what.to_owned(),
        create,
        fate,
    }
}

fn comment_args(q: &str, body: &Path) -> Vec<String> {
    ["comment", q, "--author", "crash", "--file"]
        .iter()
        .map(|s| (*s).to_owned())
        .chain([body.display().to_string()])
        .collect()
}

/// One CLI mutation (kill `i`'s), and what it should leave (its fate is set once it ends).
fn cli_mutation(
    i: usize,
    shared: &[String],
    body: &Path,
    rng: &mut Rng,
) -> Result<(Vec<String>, Expected, Cut), String> {
    let marker = format!("w{i}-m0");
    let q = rng.pick(shared).clone();
    let op = Op::pick(rng);
    let cut = (op.name(), q.clone());
    let write = |text: String| std::fs::write(body, text).map_err(|e| e.to_string());
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let (args, e) = match op {
        Op::Comment => {
            write(format!("Comment {marker}\n"))?;
            let e = expected_one(
                &marker,
                Some(q.clone()),
                "CLI comment",
                false,
                Fate::InFlight,
            );
            (comment_args(&q, body), e)
        }
        Op::Review => {
            write(format!("Review {marker}\n"))?;
            let f = body.display().to_string();
            let e = expected_one(
                &marker,
                Some(q.clone()),
                "CLI review",
                false,
                Fate::InFlight,
            );
            (s(&["review", &q, "--approve", "--file", &f]), e)
        }
        Op::Close => {
            let e = expected_one(&marker, Some(q.clone()), "CLI close", false, Fate::InFlight);
            (
                s(&["close", &q, "--resolution", &format!("Closed {marker}")]),
                e,
            )
        }
        Op::Create => {
            let e = expected_one(&marker, None, "CLI create", true, Fate::InFlight);
            (s(&["create", "--title", &format!("Crash {marker}")]), e)
        }
        Op::Move(to) => {
            let e = expected_one(&marker, Some(q.clone()), MOVE, false, Fate::InFlight);
            (s(&["status", &q, to]), e)
        }
    };
    Ok((args, e, cut))
}

/// The op and ticket of the library child's last `begin` line.
fn last_begun(stdout: &str) -> Option<Cut> {
    let line = stdout.lines().rev().find(|l| l.starts_with("begin "))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let op = match words.get(2).copied()? {
        "move" => "move",
        "close" => "close",
        _ => "other",
    };
    Some((op, (*words.get(3)?).to_owned()))
}

#[derive(Clone, Copy)]
enum Op {
    Comment,
    Review,
    Close,
    Create,
    Move(&'static str),
}

impl Op {
    fn pick(rng: &mut Rng) -> Op {
        match rng.below(100) {
            0..40 => Op::Comment,
            40..55 => Op::Review,
            55..70 => Op::Close,
            70..75 => Op::Create,
            _ => Op::Move(rng.pick::<&str>(&["open", "pending", "closed"])),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Op::Comment => "comment",
            Op::Review => "review",
            Op::Close => "close",
            Op::Create => "create",
            Op::Move(_) => "move",
        }
    }
}

/// What the library child's `begin`/`ok` lines say it did.
fn library_expectations(i: usize, stdout: &str, finished: bool) -> Vec<Expected> {
    let mut out: Vec<Expected> = Vec::new();
    for line in stdout.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["begin", marker, op, ticket] => {
                let create = *op == "create";
                let ticket = (!create).then(|| (*ticket).to_owned());
                let what = format!("library {op} (kill {i})");
                out.push(expected_one(marker, ticket, &what, create, Fate::InFlight));
            }
            ["ok", marker, rest @ ..] => {
                if let Some(e) = out.iter_mut().find(|e| e.marker == *marker) {
                    e.fate = Fate::Acked;
                    if e.create {
                        e.ticket = rest.first().map(|s| (*s).to_owned());
                    }
                }
            }
            ["err", marker, ..] => {
                if let Some(e) = out.iter_mut().find(|e| e.marker == *marker) {
                    e.fate = Fate::Failed;
                }
            }
            _ => {}
        }
    }
    if finished {
        // A child that ended by itself finished every mutation it began.
        for e in out.iter_mut().filter(|e| e.fate == Fate::InFlight) {
            e.fate = Fate::Failed;
        }
    }
    // Moves leave no event: drop them from the event checks.
    out.retain(|e| !e.what.starts_with("library move"));
    out
}

/// `cargo xtask stress-child <root> <i> <seed> <id,id,..>`: library mutations in a loop, each
/// announced (`begin <marker> <op> <ticket>`) and acknowledged (`ok <marker> [<new id>]`) on
/// standard output, until killed (or 10,000 mutations).
pub fn child(args: &[String]) -> Result<(), String> {
    let [root, i, seed, ids] = args else {
        return Err("usage: cargo xtask stress-child <root> <i> <seed> <id,id,..>".into());
    };
    let shared: Vec<String> = ids.split(',').map(str::to_owned).collect();
    let mut rng = Rng::new(seed.parse().map_err(|_| "seed: not a number")?);
    let b = LocalTicketBackend::new(root, Arc::new(SystemClock))
        .with_lock_timeout(Duration::from_secs(600));
    let mut stdout = std::io::stdout().lock();
    for m in 0..10_000 {
        let marker = format!("w{i}-m{m}");
        let q = rng.pick(&shared).clone();
        let op = Op::pick(&mut rng);
        writeln!(stdout, "begin {marker} {} {q}", op.name()).map_err(|e| e.to_string())?;
        let query = TicketIdOrSlug::new(q.as_str()).map_err(|e| e.to_string())?;
        let result = match op {
            Op::Comment => b
                .add_event(
                    &query,
                    NewEvent::new(EventKind::Comment, "crash", format!("Comment {marker}\n")),
                )
                .map(|_| String::new()),
            Op::Review => b
                .review(
                    &query,
                    NewReview {
                        verdict: ReviewVerdict::RequestChanges,
                        author: "crash".into(),
                        body: format!("Review {marker}\n").into(),
                    },
                )
                .map(|_| String::new()),
            Op::Close => b
                .close(
                    &query,
                    Resolution {
                        text: format!("Closed {marker}\n").into(),
                        author: "crash".into(),
                    },
                )
                .map(|_| String::new()),
            Op::Create => b
                .create(NewTicket::new(format!("Crash {marker}")))
                .map(|t| t.id.as_str().to_owned()),
            Op::Move(to) => b
                .set_status(&query, TicketStatus::parse(to))
                .map(|_| String::new()),
        };
        match result {
            Ok(id) => writeln!(stdout, "ok {marker} {id}"),
            Err(e) => writeln!(stdout, "err {marker} {e}"),
        }
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}
