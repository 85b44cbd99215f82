//! `cargo xtask stress [--small]`: the reliability suite of docs/reliability.md. It proves, with
//! figures, that no writer, crash or input loses a ticket or writes outside the root:
//!
//! - `concurrency`: `ticket` and `./tickets.sh` processes racing on shared tickets;
//! - `crash`: `kill -9` at random moments of CLI and library mutations;
//! - `claims`: racing claims over two worktrees, `ready --claim`, a killed holder and `kill -9`
//!   during claims (docs/claims.md);
//! - `fuzz` and `hostile`: the property tests of the parsers and of id/slug resolution, and the
//!   hostile inputs (names, links, huge, non-UTF-8 and CRLF files, a read-only root), run through
//!   `cargo test` with the case count set.
//!
//! Any problem names the ticket and the event, and fails the run.

mod check;
mod claims;
mod clones;
mod concurrency;
pub mod crash;
mod fuzz;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use ticket_domain::{NewTicket, TicketBackend};
use ticket_store_local::{LocalTicketBackend, SystemClock};

/// How big a run is.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub writers: usize,
    pub per_writer: usize,
    pub kills: usize,
    pub fuzz_cases: u64,
    /// Random operations over the clones and worktrees of `clones`.
    pub clone_ops: usize,
    /// The claims scenario (`claims.rs`).
    pub claims: claims::ClaimSize,
}

pub const FULL: Size = Size {
    writers: 8,
    per_writer: 100,
    kills: 1000,
    fuzz_cases: 100_000,
    clone_ops: 400,
    claims: claims::ClaimSize {
        racers: 64,
        rounds: 100,
        ready_rounds: 10,
        kills: 200,
    },
};

pub const SMALL: Size = Size {
    writers: 8,
    per_writer: 8,
    kills: 30,
    fuzz_cases: 1_000,
    clone_ops: 60,
    claims: claims::ClaimSize {
        racers: 16,
        rounds: 4,
        ready_rounds: 1,
        kills: 10,
    },
};

/// Which tool a writer runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Cli,
    Shell,
}

/// Paths the suite needs.
pub struct Env {
    pub repo: PathBuf,
    pub ticket_bin: PathBuf,
}

/// How a tool's run ended.
pub struct Ran {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Env {
    /// The command of `tool` on `root`, with a lock timeout no writer of the suite reaches.
    pub fn command(&self, tool: Tool, root: &Path) -> Command {
        let mut cmd = match tool {
            Tool::Cli => Command::new(&self.ticket_bin),
            Tool::Shell => {
                let mut c = Command::new("sh");
                c.arg(self.repo.join("tickets.sh"));
                c
            }
        };
        cmd.env("WORK_ITEMS_DIR", root)
            .env("TICKETS_LOCK_TIMEOUT", "600")
            .env_remove("TICKETS_NOW")
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(
        &self,
        tool: Tool,
        root: &Path,
        args: &[String],
        envs: &[(&str, &str)],
    ) -> Result<Ran, String> {
        let out = self
            .command(tool, root)
            .args(args)
            .envs(envs.iter().copied())
            .output()
            .map_err(|e| format!("cannot run {tool:?}: {e}"))?;
        Ok(Ran {
            ok: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// Both doctors pass on `root` (warnings allowed); one line per one that does not.
    pub fn doctors_pass(&self, root: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        for tool in [Tool::Cli, Tool::Shell] {
            match self.run(tool, root, &["doctor".to_owned()], &[]) {
                Ok(r) if r.ok => {}
                Ok(r) => problems.push(format!("{tool:?} doctor fails:\n{}{}", r.stdout, r.stderr)),
                Err(e) => problems.push(e),
            }
        }
        problems
    }
}

/// Creates `n` tickets `shared-<i>` with the library; returns their ids.
pub fn seed_tickets(root: &Path, n: usize) -> Result<Vec<String>, String> {
    let b = LocalTicketBackend::new(root, Arc::new(SystemClock));
    (0..n)
        .map(|i| {
            b.create(NewTicket::new(format!("Shared {i}")))
                .map(|t| t.id.as_str().to_owned())
                .map_err(|e| format!("seeding {}: {e}", root.display()))
        })
        .collect()
}

/// The scenarios, by the names `cargo xtask stress [--small] [NAME..]` takes.
pub const SCENARIOS: [&str; 5] = ["concurrency", "crash", "fuzz", "clones", "claims"];

/// Runs the scenarios named in `only` (all when empty) at `size`; prints the figures as
/// docs/reliability.md tabulates them.
pub fn run(env: &Env, size: Size, xtask_exe: &Path, only: &[&str]) -> Result<(), String> {
    if let Some(unknown) = only.iter().find(|n| !SCENARIOS.contains(n)) {
        return Err(format!(
            "unknown scenario `{unknown}`; choose from {}",
            SCENARIOS.join(", ")
        ));
    }
    let wanted = |name: &str| only.is_empty() || only.contains(&name);
    let seed = crate::rng::seed();
    println!("== stress: seed {seed} (rerun with STRESS_SEED={seed})");
    let started = Instant::now();
    if wanted("concurrency") {
        concurrency_step(env, size, seed)?;
    }
    if wanted("crash") {
        println!("== stress: crash, {} kills", size.kills);
        let k = crash::run(env, xtask_exe, size.kills, seed)?;
        println!("{}", k.summary());
    }
    if wanted("claims") {
        let c = claims::run(env, size.claims, seed)?;
        println!("{}", c.summary());
    }
    if wanted("fuzz") {
        println!(
            "== stress: fuzz and hostile input, PROPTEST_CASES={}",
            size.fuzz_cases
        );
        let f = fuzz::run(&env.repo, size.fuzz_cases)?;
        for line in &f.lines {
            println!("{line}");
        }
    }
    if wanted("clones") {
        println!(
            "== stress: clones, {} random operations over 4 clones and 2 worktrees",
            size.clone_ops
        );
        let c = clones::run(env, size.clone_ops, seed)?;
        println!(
            "clones: {} participants, {} operations ({} acknowledged, {} refused), {} syncs ({} merged), {} tickets, {} events; trees identical, every acknowledged event once, conflict markers 0, tickets in two statuses 0, doctors clean; no-op sync {:.0} ms (its fetch alone {:.0} ms); {:.1} s",
            c.participants,
            c.ops,
            c.acknowledged,
            c.refused,
            c.syncs,
            c.merges,
            c.tickets,
            c.events,
            c.noop_sync_ms,
            c.noop_fetch_ms,
            c.seconds
        );
    }
    println!(
        "stress: all scenarios passed in {:.1} s: lost 0, torn 0, outside the root 0, panics 0",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn concurrency_step(env: &Env, size: Size, seed: u64) -> Result<(), String> {
    println!(
        "== stress: concurrency, {} writers x {} mutations",
        size.writers, size.per_writer
    );
    let c = concurrency::run(env, size.writers, size.per_writer, seed)?;
    println!(
        "concurrency: {} writers ({} ticket, {} tickets.sh), {} mutations ({} with an event or a ticket to find, the rest status moves; {} events in the tree), lost {}, duplicated {}, torn {}, misplaced {}, written outside the root 0, {:.1} s",
        c.writers,
        c.writers.div_ceil(2),
        c.writers / 2,
        c.writers * size.per_writer,
        c.mutations,
        c.events_in_tree,
        c.tally.lost,
        c.tally.duplicated,
        c.tally.torn,
        c.tally.misplaced,
        c.seconds
    );

    Ok(())
}
