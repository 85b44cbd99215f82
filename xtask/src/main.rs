//! Project automation: `cargo xtask ci`, `cargo xtask tidy` and, later, `compat` and `bench`.
//!
//! It never ships: it runs the checks that keep the workspace honest, on every commit.

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
        _ => {
            eprintln!("usage: cargo xtask <ci|tidy|shell-tests>");
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
