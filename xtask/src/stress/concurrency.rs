//! Concurrency: writers, half `ticket` and half `./tickets.sh`, each making mixed mutations
//! (comments, reviews, status moves, creates, closes) on a shared handful of tickets at once.
//! Afterwards every acknowledged event is there exactly once, in its ticket, every ticket is in
//! exactly one status directory, no temporary file is left, and both doctors pass.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::check::{self, Expected, Fate, Tally};
use super::{Env, Tool, seed_tickets};
use crate::rng::Rng;

/// What one run measured.
pub struct Figures {
    pub writers: usize,
    pub mutations: usize,
    pub events_in_tree: usize,
    pub tally: Tally,
    pub seconds: f64,
}

const SHARED: usize = 4;

pub fn run(env: &Env, writers: usize, per_writer: usize, seed: u64) -> Result<Figures, String> {
    let scratch = tempfile::tempdir().map_err(|e| format!("scratch dir: {e}"))?;
    let root = scratch.path().join("work-items");
    let shared = seed_tickets(&root, SHARED)?;
    let started = Instant::now();
    let results: Vec<Result<Vec<Expected>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let tool = if w % 2 == 0 { Tool::Cli } else { Tool::Shell };
                let (root, shared) = (&root, &shared);
                let bodies = scratch.path().join(format!("bodies-w{w}"));
                scope.spawn(move || {
                    let mut rng = Rng::new(seed ^ (w as u64).wrapping_mul(0x9E37_79B9));
                    writer(env, tool, w, per_writer, root, shared, &bodies, &mut rng)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a writer thread panicked".into()))
            })
            .collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut expected = Vec::new();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(e) => expected.extend(e),
            Err(e) => problems.push(e),
        }
    }
    for e in expected.iter().filter(|e| e.fate == Fate::Failed) {
        problems.push(format!(
            "ticket {}: {} ({}) failed; with a long lock timeout no mutation should",
            e.ticket.as_deref().unwrap_or("(new)"),
            e.marker,
            e.what
        ));
    }
    let seen = check::scan(&root);
    let (tally, found) = check::compare(&expected, &seen);
    problems.extend(found);
    problems.extend(leftovers(&root));
    problems.extend(check::outside_writes(scratch.path(), &["bodies-w"]));
    problems.extend(env.doctors_pass(&root));
    if !problems.is_empty() {
        return Err(format!(
            "concurrency (seed {seed}): {} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        ));
    }
    Ok(Figures {
        writers,
        mutations: expected.len(),
        events_in_tree: seen.event_count,
        tally,
        seconds,
    })
}

/// Anything left in `<root>/.tmp/`.
pub fn leftovers(root: &Path) -> Vec<String> {
    match fs::read_dir(root.join(".tmp")) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| format!("temporary file left behind: {}", e.path().display()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// One writer's mutations, one process each, in order; returns what it did and what it was told.
#[allow(clippy::too_many_arguments)]
fn writer(
    env: &Env,
    tool: Tool,
    w: usize,
    count: usize,
    root: &Path,
    shared: &[String],
    bodies: &Path,
    rng: &mut Rng,
) -> Result<Vec<Expected>, String> {
    fs::create_dir_all(bodies).map_err(|e| format!("{}: {e}", bodies.display()))?;
    let body_file: PathBuf = bodies.join("body.md");
    let mut created: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for m in 0..count {
        let marker = format!("w{w}-m{m}");
        let target = if !created.is_empty() && rng.below(4) == 0 {
            rng.pick(&created).clone()
        } else {
            rng.pick(shared).clone()
        };
        let roll = rng.below(100);
        let author = format!("writer{w}");
        let (what, args, ticket, create): (&str, Vec<String>, Option<String>, bool) = match roll {
            0..35 => {
                write_body(&body_file, &format!("Comment {marker} from {tool:?}.\n"))?;
                let a = vec![
                    "comment".into(),
                    target.clone(),
                    "--author".into(),
                    author,
                    "--file".into(),
                    path(&body_file),
                ];
                ("comment", a, Some(target.clone()), false)
            }
            35..50 => {
                write_body(&body_file, &format!("Review {marker}.\n"))?;
                let verdict = if rng.below(2) == 0 {
                    "--approve"
                } else {
                    "--request-changes"
                };
                let a = vec![
                    "review".into(),
                    target.clone(),
                    verdict.into(),
                    "--author".into(),
                    author,
                    "--file".into(),
                    path(&body_file),
                ];
                ("review", a, Some(target.clone()), false)
            }
            50..72 => {
                let to = *rng.pick(&["open", "pending", "closed"]);
                let a = vec!["status".into(), target.clone(), to.into()];
                ("status move", a, None, false)
            }
            72..85 => {
                let a = vec![
                    "close".into(),
                    target.clone(),
                    "--resolution".into(),
                    format!("Resolved {marker}."),
                ];
                ("close", a, Some(target.clone()), false)
            }
            _ => {
                let a = vec![
                    "create".into(),
                    "--title".into(),
                    format!("Stress {marker}"),
                ];
                ("create", a, None, true)
            }
        };
        let result = env.run(tool, root, &args, &[("USER", &format!("writer{w}"))])?;
        // A closed ticket is not closed (or moved to closed) again: both tools refuse it,
        // writing nothing, and any writer may have closed the target since it was picked.
        let refused_as_closed = !result.ok && result.stderr.contains("is already closed");
        let fate = match (result.ok, refused_as_closed) {
            (true, _) => Fate::Acked,
            (false, true) => Fate::Refused,
            (false, false) => Fate::Failed,
        };
        let ticket = if create {
            let id = result.stdout.trim().to_owned();
            if result.ok {
                created.push(id.clone());
            }
            Some(id).filter(|s| !s.is_empty())
        } else {
            ticket
        };
        if what == "status move" {
            if fate == Fate::Failed {
                return Err(format!(
                    "writer {w}: {marker} ({what} of {target}) failed: {}",
                    result.stderr
                ));
            }
            continue;
        }
        out.push(Expected {
            marker,
            ticket,
            what: format!("{what} by writer {w} ({tool:?})"),
            create,
            fate,
        });
    }
    Ok(out)
}

fn write_body(file: &Path, text: &str) -> Result<(), String> {
    fs::write(file, text).map_err(|e| format!("{}: {e}", file.display()))
}

fn path(p: &Path) -> String {
    p.display().to_string()
}
