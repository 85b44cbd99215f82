//! The `ticket` binary: a drop-in for `tickets.sh` with `--json` everywhere.
//!
//! It is the only crate that prints or picks exit codes; the work is done by ticket-store-local
//! and ticket-doctor. Errors go to standard error as `error: <message>` (or `{"error": ...}` with
//! `--json`) with the exit codes of docs/cli.md.

mod body;
mod cli;
mod commands;
mod doctor;
mod error;
mod human;
mod json;
mod output;
mod root;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use ticket_domain::{Clock, FixedClock, Timestamp};
use ticket_store_local::{LocalTicketBackend, SystemClock};

use crate::cli::{Cli, Command};
use crate::error::CliError;
use crate::output::Out;

fn main() -> ExitCode {
    let json_requested = std::env::args().any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if json_requested {
                let rendered = e.render().to_string();
                let first = rendered.lines().next().unwrap_or_default();
                let message = first.strip_prefix("error: ").unwrap_or(first).to_owned();
                report(&CliError::Usage(message), true);
            } else {
                let _ = e.print();
            }
            return ExitCode::from(2);
        }
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            if !matches!(e, CliError::DoctorFailed) {
                report(&e, json);
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

fn report(e: &CliError, json: bool) {
    let mut stderr = io::stderr().lock();
    if json {
        let value = serde_json::json!({"error": {"code": e.code(), "message": e.message()}});
        let _ = writeln!(stderr, "{value}");
    } else {
        for line in e.preamble() {
            let _ = writeln!(stderr, "{line}");
        }
        let _ = writeln!(stderr, "error: {}", e.message());
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    if let Command::Completions { shell } = &cli.command {
        commands::completions(*shell, &mut io::stdout());
        return Ok(());
    }
    let cwd = std::env::current_dir().map_err(|source| CliError::Io {
        what: "cannot read the current directory".into(),
        source,
    })?;
    let creating = matches!(cli.command, Command::Create { .. });
    let env_root = std::env::var_os("WORK_ITEMS_DIR").map(PathBuf::from);
    let root = root::resolve(cli.root.clone(), env_root, &cwd, creating)?;
    // Readers need neither the clock nor the lock: their settings are checked only by writers,
    // as tickets.sh checks them.
    let writes = matches!(
        cli.command,
        Command::Create { .. }
            | Command::Comment { .. }
            | Command::Review { .. }
            | Command::Status { .. }
            | Command::Close { .. }
            | Command::Doctor { fix: true }
    );
    let backend = if writes {
        LocalTicketBackend::new(root, clock()?).with_lock_timeout(lock_timeout()?)
    } else {
        LocalTicketBackend::new(root, Arc::new(SystemClock))
    };
    let mut out = Out { json: cli.json };
    commands::run(cli.command, &backend, &mut out)
}

/// `TICKETS_NOW` fixes the clock (for tests), as it does for `tickets.sh`.
fn clock() -> Result<Arc<dyn Clock>, CliError> {
    match std::env::var("TICKETS_NOW") {
        Ok(now) if !now.is_empty() => {
            let at: Timestamp = now
                .parse()
                .map_err(|e| CliError::Env(format!("TICKETS_NOW: {e}")))?;
            Ok(Arc::new(FixedClock::new(
                at,
                std::process::id().to_string(),
            )))
        }
        _ => Ok(Arc::new(SystemClock)),
    }
}

/// `TICKETS_LOCK_TIMEOUT` seconds (default 10), as for `tickets.sh`.
fn lock_timeout() -> Result<Duration, CliError> {
    match std::env::var("TICKETS_LOCK_TIMEOUT") {
        Ok(s) if !s.is_empty() => s
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| {
                CliError::Env(format!(
                    "TICKETS_LOCK_TIMEOUT: `{s}` is not a number of seconds"
                ))
            }),
        _ => Ok(Duration::from_secs(10)),
    }
}
