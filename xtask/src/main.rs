//! Project automation: `cargo xtask ci`, `tidy`, `compat`, `bench`, `stress` (the reliability
//! suite of docs/reliability.md: racing writers, `kill -9`, fuzzing and hostile input) and
//! `shell-tests`.
//!
//! It never ships: it runs the checks that keep the workspace honest, on every commit.

mod bench;
mod codes;
mod compat;
mod rng;
mod stress;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(&root),
        Some("tidy") => tidy::check(&root),
        Some("shell-tests") => run(&root, "sh", &["tests/tickets_sh/run.sh"]),
        Some("compat") => compat_cmd(&root),
        Some("bench") => bench::Config::parse(&args[1..]).and_then(|config| {
            run(
                &root,
                "cargo",
                &["build", "--quiet", "--release", "-p", "ticket-cli"],
            )?;
            let target = target_dir(&root);
            bench::run(&root, &target, &target.join("release/ticket"), &config)
        }),
        Some("__rss") => bench::rss_main(&args[1..]),
        Some("stress") => {
            let rest: Vec<&str> = args[1..].iter().map(String::as_str).collect();
            let small = rest.contains(&"--small");
            let only: Vec<&str> = rest.into_iter().filter(|a| *a != "--small").collect();
            stress_cmd(&root, small, &only)
        }
        Some("stress-child") => stress::crash::child(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|tidy|compat|bench [--smoke] [N...]|stress [--small] [concurrency|crash|fuzz|clones|claims]..|shell-tests>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: xtask lives one directory below it.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace root")
        .to_path_buf()
}

/// Where cargo puts binaries: `$CARGO_TARGET_DIR` when set (relative to the directory cargo
/// was started in, as cargo reads it), else `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => std::env::current_dir()
            .map(|cwd| cwd.join(&dir))
            .unwrap_or_else(|_| root.join(dir)),
        _ => root.join("target"),
    }
}

fn ci(root: &Path) -> Result<(), String> {
    let steps: &[(&str, &[&str])] = &[
        ("cargo", &["fmt", "--all", "--check"]),
        (
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        ("cargo", &["test", "--workspace"]),
        ("sh", &["tests/tickets_sh/run.sh"]),
        ("git", &["diff", "--check"]),
    ];
    for (program, args) in steps {
        run(root, program, args)?;
    }
    tidy::check(root)?;
    compat_cmd(root)?;
    println!("== bench --smoke (the harness works; figures come from `cargo xtask bench`)");
    let target = target_dir(root);
    let smoke = bench::Config::parse(&["--smoke".to_string()])?;
    bench::run(root, &target, &target.join("debug/ticket"), &smoke)?;
    stress_cmd(root, true, &[])?;
    println!("== ticket doctor (work-items/)");
    let ticket = target_dir(root).join("debug/ticket");
    let status = Command::new(&ticket)
        .args(["--root", "work-items", "doctor"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not run {}: {e}", ticket.display()))?;
    if !status.success() {
        return Err("ticket doctor failed on the project's own work-items/".into());
    }
    println!("== ./tickets.sh doctor (work-items/)");
    let status = Command::new("./tickets.sh")
        .arg("doctor")
        .env("WORK_ITEMS_DIR", "work-items")
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not run ./tickets.sh: {e}"))?;
    if !status.success() {
        return Err("./tickets.sh doctor failed on the project's own work-items/".into());
    }
    println!("xtask ci: all steps passed");
    Ok(())
}

/// `cargo xtask compat`: builds the CLI, runs every case, ends with `N passed, M failed`.
fn compat_cmd(root: &Path) -> Result<(), String> {
    run(root, "cargo", &["build", "--quiet", "-p", "ticket-cli"])?;
    println!("== compat: tickets.sh, ticket and the library on one format");
    let env = compat::Env {
        repo: root.to_path_buf(),
        ticket_bin: target_dir(root).join("debug/ticket"),
    };
    let outcomes = compat::run(&env);
    let mut failed = 0;
    for o in &outcomes {
        match &o.result {
            Ok(()) => println!("ok - {}", o.name),
            Err(why) => {
                failed += 1;
                println!("not ok - {}\n{}", o.name, indent(why));
            }
        }
    }
    println!("{} passed, {failed} failed", outcomes.len() - failed);
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("compat: {failed} case(s) failed"))
    }
}

/// `cargo xtask stress [--small] [NAME..]`: builds the CLI, then runs the reliability scenarios
/// (all, or those named).
fn stress_cmd(root: &Path, small: bool, only: &[&str]) -> Result<(), String> {
    run(root, "cargo", &["build", "--quiet", "-p", "ticket-cli"])?;
    let env = stress::Env {
        repo: root.to_path_buf(),
        ticket_bin: target_dir(root).join("debug/ticket"),
    };
    let exe = std::env::current_exe().map_err(|e| format!("where is xtask? {e}"))?;
    let size = if small { stress::SMALL } else { stress::FULL };
    stress::run(&env, size, &exe, only)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

fn run(root: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    println!("== {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}; is it installed?"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}
