//! Running a tool: the median wall time of repeated runs (process start to exit, stdout to
//! /dev/null) and the peak resident memory of one more run.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A command line prefix: `ticket` or `sh tickets.sh`.
pub struct Tool {
    pub name: &'static str,
    pub argv: Vec<String>,
}

/// What one command cost.
pub struct Sample {
    pub median: Duration,
    pub rss_kib: Option<u64>,
}

/// Runs `tool` with `args(k)` for k in 0..runs, then once more (k = runs) for its memory.
pub fn sample(
    dir: &Path,
    tool: &Tool,
    runs: usize,
    args: &dyn Fn(usize) -> Vec<String>,
) -> Result<Sample, String> {
    sample_after(dir, tool, runs, &|_| Ok(()), args)
}

/// [`sample`], with `before(k)` run untimed before run `k` (and before the memory run).
pub fn sample_after(
    dir: &Path,
    tool: &Tool,
    runs: usize,
    before: &dyn Fn(usize) -> Result<(), String>,
    args: &dyn Fn(usize) -> Vec<String>,
) -> Result<Sample, String> {
    let mut times = Vec::with_capacity(runs);
    for k in 0..runs {
        before(k)?;
        let a = args(k);
        let started = Instant::now();
        let status = command(dir, tool, &a)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {}: {e}", tool.name))?;
        times.push(started.elapsed());
        // The doctor exits 1 when it finds problems; the generated roots have none, but a
        // tool's verdict is not what is measured here.
        if !status.success() && a[0] != "doctor" {
            return Err(format!(
                "{} {a:?} failed ({status}) in {}",
                tool.name,
                dir.display()
            ));
        }
    }
    times.sort();
    before(runs)?;
    Ok(Sample {
        median: times[times.len() / 2],
        rss_kib: peak_rss(dir, tool, &args(runs)),
    })
}

/// Runs `tool` with `args` once, untimed, output discarded; fails when it fails.
pub fn run_quietly(dir: &Path, tool: &Tool, args: &[String]) -> Result<(), String> {
    let status = command(dir, tool, args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", tool.name))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} {args:?} failed ({status})", tool.name))
    }
}

fn command(dir: &Path, tool: &Tool, args: &[String]) -> Command {
    let mut c = Command::new(&tool.argv[0]);
    c.args(&tool.argv[1..]).args(args);
    in_root(&mut c, dir);
    c
}

/// What every timed or measured run shares: the root, the author, the lock wait, no stdin.
fn in_root(c: &mut Command, dir: &Path) {
    c.current_dir(dir)
        .env("WORK_ITEMS_DIR", "work-items")
        .env("USER", "bench")
        .env("TICKETS_LOCK_TIMEOUT", "30")
        .stdin(Stdio::null());
}

/// Peak RSS of one run, in KiB: `xtask __rss` runs the command as its only child and reports
/// the children's `ru_maxrss`, which no other process of ours can inflate.
fn peak_rss(dir: &Path, tool: &Tool, args: &[String]) -> Option<u64> {
    let me = std::env::current_exe().ok()?;
    let mut c = Command::new(me);
    c.arg("__rss").args(&tool.argv).args(args);
    in_root(&mut c, dir);
    let out = c.stderr(Stdio::null()).output().ok()?;
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

/// `xtask __rss <program> <args>...`: runs the program (stdout to /dev/null) and prints the
/// peak RSS of its process tree's largest member, in KiB.
pub fn rss_main(argv: &[String]) -> Result<(), String> {
    let (program, args) = argv.split_first().ok_or("__rss needs a program")?;
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map_err(|e| format!("getrusage: {e}"))?;
    // Linux reports ru_maxrss in KiB.
    println!("{}", usage.max_rss());
    Ok(())
}
