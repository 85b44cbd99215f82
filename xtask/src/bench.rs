//! `cargo xtask bench [N]`: timings of both tools on a generated root of N tickets (default
//! 10,000) and on the real corpus, as medians of repeated runs. Figures, not pass/fail: the
//! claims in docs/benchmarks.md come from here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 15;

/// Writes `n` realistic tickets (60% closed, 30% open, 10% pending) under `<dir>/work-items`.
pub fn generate(dir: &Path, n: usize) -> Result<Vec<(String, String)>, String> {
    let root = dir.join("work-items");
    let mut made = Vec::with_capacity(n);
    for i in 0..n {
        let status = match i % 10 {
            0..=5 => "closed",
            6..=8 => "open",
            _ => "pending",
        };
        let slug = format!("bench-ticket-number-{i}");
        let id = format!(
            "20260{}{:02}-{:06}-{slug}",
            1 + i % 9,
            1 + i % 28,
            i % 240000
        );
        let t = format!("2026-0{}-{:02}T00:00:00Z", 1 + i % 9, 1 + i % 28);
        let d = root.join(status).join(&id);
        fs::create_dir_all(d.join("artifacts")).map_err(|e| e.to_string())?;
        fs::write(d.join("artifacts/.gitkeep"), "").map_err(|e| e.to_string())?;
        let item = format!(
            "---\nid: {id}\nslug: {slug}\ntitle: Bench: ticket number {i} with a realistic title\nstatus: {status}\nkind: task\npriority: P{}\nlabels: [bench, perf, tui]\ncreated_at: {t}\nupdated_at: {t}\nassignee: null\nlegacy_ticket: null\n---\n\n## Background\n\n{}\n\n## Acceptance criteria\n\n- It is measured.\n- It stays fast.\n",
            i % 4,
            "Some background text that a real ticket would hold, wrapped over a few lines. "
                .repeat(6)
        );
        fs::write(d.join("item.md"), item).map_err(|e| e.to_string())?;
        let mut thread = format!(
            "<!-- event: create author: tickets.sh at: {t} -->\n\n## Created\n\nCreated by tickets.sh create.\n\n---\n"
        );
        for kind in ["plan", "implementation_report", "review"] {
            thread.push_str(&format!("\n<!-- event: {kind} author: hare at: {t} -->\n\n## {kind}\n\nA body of a few lines.\n\n- one\n- two\n\n---\n"));
        }
        fs::write(d.join("thread.md"), thread).map_err(|e| e.to_string())?;
        if status == "closed" {
            fs::write(d.join("resolution.md"), "Done.\n").map_err(|e| e.to_string())?;
        }
        made.push((id, slug));
    }
    Ok(made)
}

struct Tool {
    name: &'static str,
    argv: Vec<String>,
}

fn time(dir: &Path, tool: &Tool, args: &[&str], runs: usize) -> Result<Duration, String> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new(&tool.argv[0])
            .args(&tool.argv[1..])
            .args(args)
            .current_dir(dir)
            .env("WORK_ITEMS_DIR", "work-items")
            .env("USER", "bench")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run {}: {e}", tool.name))?;
        samples.push(started.elapsed());
        if !status.success() && args[0] != "doctor" {
            return Err(format!("{} {args:?} failed", tool.name));
        }
    }
    samples.sort();
    Ok(samples[samples.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn run(repo: &Path, ticket_bin: &Path, n: usize) -> Result<(), String> {
    let shell = Tool {
        name: "tickets.sh",
        argv: vec!["sh".into(), repo.join("tickets.sh").display().to_string()],
    };
    let ticket = Tool {
        name: "ticket",
        argv: vec![ticket_bin.display().to_string()],
    };
    let reference = repo.join("tests/tickets_sh/reference.sh");
    if let Some(corpus) = ticket_test_support::corpus() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        ticket_test_support::copy_tree(&corpus, &dir.path().join("work-items"));
        println!("## real corpus (112 tickets), median of {RUNS} runs");
        let ours = time(dir.path(), &shell, &["list", "--status", "all"], RUNS)?;
        println!("tickets.sh list --status all      {}", ms(ours));
        println!(
            "ticket list --status all          {}",
            ms(time(
                dir.path(),
                &ticket,
                &["list", "--status", "all"],
                RUNS
            )?)
        );
        if reference.is_file() {
            let one_per_field = Tool {
                name: "reference",
                argv: vec!["sh".into(), reference.display().to_string()],
            };
            let slow = time(dir.path(), &one_per_field, &["list", "--status", "all"], 3)?;
            println!(
                "one awk per field (reference.sh)  {}  ({:.1}x slower than tickets.sh)",
                ms(slow),
                slow.as_secs_f64() / ours.as_secs_f64()
            );
        }
        println!(
            "tickets.sh doctor                 {}",
            ms(time(dir.path(), &shell, &["doctor"], RUNS)?)
        );
        println!(
            "ticket doctor                     {}",
            ms(time(dir.path(), &ticket, &["doctor"], RUNS)?)
        );
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let made = generate(dir.path(), n)?;
    let (id, slug) = made.get(n / 2).cloned().ok_or("no tickets generated")?;
    let d = dir.path();
    fs::write(d.join("body.md"), "A comment body.\n").map_err(|e| e.to_string())?;
    let body = d.join("body.md").display().to_string();
    println!(
        "\n## generated root: {n} tickets, median of {RUNS} runs (single-ticket commands: process start included)"
    );
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("list --status all", vec!["list", "--status", "all"]),
        ("show <id>", vec!["show", &id]),
        ("show <slug>", vec!["show", &slug]),
        ("comment <id> --file", vec!["comment", &id, "--file", &body]),
        ("status <id> pending/open", vec!["status", &id, "pending"]),
        ("doctor", vec!["doctor"]),
    ];
    for (label, args) in &cases {
        for tool in [&shell, &ticket] {
            let runs = if args[0] == "doctor" || args[0] == "list" {
                5
            } else {
                RUNS
            };
            let took = if args[0] == "status" {
                let back: Vec<&str> = vec!["status", &id, "open"];
                let a = time(d, tool, args, runs)?;
                time(d, tool, &back, runs)?;
                a
            } else {
                time(d, tool, args, runs)?
            };
            println!("{:<11} {:<28} {}", tool.name, label, ms(took));
        }
    }
    let started = Instant::now();
    let mut bytes = 0usize;
    read_all(&d.join("work-items"), &mut bytes);
    println!(
        "\nreading every file of the {n} tickets in-process: {} ({} MB)",
        ms(started.elapsed()),
        bytes / 1_000_000
    );
    Ok(())
}

fn read_all(dir: &Path, bytes: &mut usize) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let p: PathBuf = e.path();
        if p.is_dir() {
            read_all(&p, bytes);
        } else if let Ok(b) = fs::read(&p) {
            *bytes += b.len();
        }
    }
}
