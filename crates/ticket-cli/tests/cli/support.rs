//! Running `ticket` and `tickets.sh` side by side on scratch roots.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const NOW: &str = "2026-11-24T10:00:00Z";

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `ticket` run in `dir` with a fixed clock and user.
pub fn ticket(dir: &Path) -> Ticket {
    let mut cmd = assert_cmd::Command::cargo_bin("ticket").expect("the ticket binary is built");
    cmd.current_dir(dir)
        .env("TICKETS_NOW", NOW)
        .env("USER", "tester")
        .env_remove("WORK_ITEMS_DIR")
        .write_stdin("");
    Ticket::new(cmd)
}

/// A `ticket` command whose `--json` output is checked against the wire contract: each time it
/// runs, what it printed on standard output must validate against the schema of its command's
/// document (`ticket schema NAME`), and every JSON line on standard error against `error`'s.
/// So every `--json` output the CLI tests produce is validated.
pub struct Ticket {
    cmd: assert_cmd::Command,
    args: Vec<String>,
}

impl std::fmt::Debug for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.cmd.fmt(f)
    }
}

impl Ticket {
    pub fn new(cmd: assert_cmd::Command) -> Self {
        Self {
            cmd,
            args: Vec::new(),
        }
    }

    pub fn arg(&mut self, arg: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        self.args.push(arg.as_ref().to_string_lossy().into_owned());
        self.cmd.arg(arg);
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        for arg in args {
            self.arg(arg);
        }
        self
    }

    pub fn env(
        &mut self,
        key: impl AsRef<std::ffi::OsStr>,
        value: impl AsRef<std::ffi::OsStr>,
    ) -> &mut Self {
        self.cmd.env(key, value);
        self
    }

    pub fn write_stdin(&mut self, input: impl Into<Vec<u8>>) -> &mut Self {
        self.cmd.write_stdin(input);
        self
    }

    /// Runs it; panics when its JSON breaks the contract.
    pub fn output(&mut self) -> std::io::Result<Output> {
        let out = self.cmd.output()?;
        crate::contract::check(&self.args, &out);
        Ok(out)
    }

    pub fn assert(&mut self) -> assert_cmd::assert::Assert {
        use assert_cmd::assert::OutputAssertExt;
        self.output().expect("run ticket").assert()
    }
}

/// `./tickets.sh` run in `dir` with the same clock and user.
pub fn shell(dir: &Path) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg(repo().join("tickets.sh"))
        .stdin(std::process::Stdio::null())
        .current_dir(dir)
        .env("TICKETS_NOW", NOW)
        .env("USER", "tester")
        .env_remove("WORK_ITEMS_DIR");
    cmd
}

pub fn run_shell(dir: &Path, args: &[&str]) -> Output {
    shell(dir).args(args).output().expect("run tickets.sh")
}

/// The shared real corpus copied to a scratch dir as `<scratch>/work-items`, or `None` (with a
/// printed notice) when it is absent.
pub fn corpus_copy() -> Option<tempfile::TempDir> {
    let src = ticket_test_support::corpus()?;
    let dir = tempfile::tempdir().expect("scratch");
    ticket_test_support::copy_tree(&src, &dir.path().join("work-items"));
    Some(dir)
}

/// Every ticket directory of a root, as (id, slug) read from the directory name and item.md.
pub fn ids_and_slugs(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for status in ["open", "pending", "closed"] {
        let Ok(entries) = fs::read_dir(root.join(status)) else {
            continue;
        };
        for e in entries.filter_map(Result::ok).filter(|e| e.path().is_dir()) {
            let item = fs::read_to_string(e.path().join("item.md")).expect("item.md");
            let slug = item
                .lines()
                .find_map(|l| l.strip_prefix("slug: "))
                .expect("slug line")
                .to_owned();
            out.push((e.file_name().to_string_lossy().into_owned(), slug));
        }
    }
    out.sort();
    out
}
