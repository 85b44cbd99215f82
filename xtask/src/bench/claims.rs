//! `claim`, `renew` and `release` at N tickets (docs/claims.md; the bound: under 5 ms at
//! 10,000). They run on a copy of the generated root's open tickets in a scratch directory
//! outside any git repository (the cached roots live in this repository's `target/`, whose
//! common directory the bench must not write leases into), so the leases are in
//! `<root>/.leases/`. Each claim takes a ticket nobody held (a new lease and a `claim` event);
//! each release gives one back (a `release` event); renewals renew one lease.

use std::path::Path;
use std::time::Duration;

use super::Config;
use super::generate;
use super::measure::{Tool, run_quietly, sample};
use super::report::Row;

/// Measures the three commands on the root in `dir` (N tickets), adding rows.
pub fn run(
    dir: &Path,
    n: usize,
    ticket: &Tool,
    config: &Config,
    process_floor: Duration,
    rows: &mut Vec<Row>,
) -> Result<(), String> {
    // Each label holds "claim", so `--only claim` runs the three.
    let labels = [
        "claim <id>",
        "renew <id> --token (claims)",
        "release <id> --token (claims)",
    ];
    if !labels.iter().any(|l| config.wants(l)) {
        return Ok(());
    }
    let (few, _) = config.runs(n);
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = scratch.path().join("work-items");
    copy_dir(&dir.join("work-items"), &root)?;
    // Write the copy out first: an fsync right after copying 100 MB waits for the copy's
    // dirty pages (the journal commits them first), which is not what a claim costs.
    let synced = std::process::Command::new("sync")
        .status()
        .map_err(|e| format!("sync: {e}"))?;
    if !synced.success() {
        return Err("bench: sync failed".into());
    }
    let open: Vec<String> = (0..n)
        .filter(|i| (6..=8).contains(&(i % 10)))
        .map(|i| generate::describe(i).id)
        .collect();
    if open.len() < 2 * (few + 1) + 1 {
        return Err(format!(
            "bench: {n} tickets leave too few open ones to claim"
        ));
    }
    let (claim_pool, rest) = open.split_at(few + 1);
    let (release_pool, rest) = rest.split_at(few + 1);
    let renewed = &rest[0];
    let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let at = scratch.path();
    run_quietly(at, ticket, &args(&["claim", renewed, "--as", "bench"]))?;
    for id in release_pool {
        run_quietly(at, ticket, &args(&["claim", id, "--as", "bench"]))?;
    }
    type Case<'a> = (&'static str, Box<dyn Fn(usize) -> Vec<String> + 'a>);
    let cases: [Case; 3] = [
        (
            labels[0],
            Box::new(|k| args(&["claim", &claim_pool[k], "--as", "bench"])),
        ),
        (
            labels[1],
            Box::new(|_| args(&["renew", renewed, "--token", "1"])),
        ),
        (
            labels[2],
            Box::new(|k| args(&["release", &release_pool[k], "--token", "1"])),
        ),
    ];
    for (label, case_args) in cases {
        if !config.wants(label) {
            continue;
        }
        let s = sample(at, ticket, few, &|k| case_args(k))?;
        rows.push(Row {
            label,
            floor: process_floor,
            floor_name: "ticket --version",
            ticket: s,
            shell: None,
        });
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            copy_dir(&src, &dst)?;
        } else if kind.is_file() {
            std::fs::copy(&src, &dst).map_err(|e| format!("{}: {e}", src.display()))?;
        }
    }
    Ok(())
}
