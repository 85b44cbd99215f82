//! The `ticket` binary: a drop-in for `tickets.sh` with `--json` everywhere.
//!
//! It is the only crate that prints or picks exit codes; the work is done by the use cases of
//! ticket-app, which this binary wires to the environment (`App::discover`, `Settings::from_env`). Errors go to standard error as `error: <message>` (or `{"error": ...}` with
//! `--json`) with the exit codes of docs/cli.md.

mod body;
mod claim;
mod cli;
mod commands;
mod complete;
mod doctor;
mod error;
mod foreign;
mod human;
mod json;
mod output;
mod progress;
mod schema;
mod search;
mod sync;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use ticket_app::{App, Format, Settings};

use crate::cli::{Cli, Command};
use crate::error::CliError;
use crate::output::Out;

fn main() -> ExitCode {
    complete::answer_if_asked();
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
                report(
                    &CliError::Usage(usage_message(&e.render().to_string())),
                    true,
                );
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
            if !matches!(e, CliError::DoctorFailed | CliError::Incomplete { .. }) {
                report(&e, json);
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

/// clap's error as one line: its first line, and the lines indented under it (the arguments a
/// "required arguments were not provided:" names), without the usage and help that follow.
fn usage_message(rendered: &str) -> String {
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or_default();
    let mut message = first.strip_prefix("error: ").unwrap_or(first).to_owned();
    let named: Vec<&str> = lines
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    if !named.is_empty() {
        message.push(' ');
        message.push_str(&named.join(", "));
    }
    message
}

fn report(e: &CliError, json: bool) {
    let mut stderr = io::stderr().lock();
    if json {
        let message = e.message();
        let failure = ticket_app::wire::Failure {
            error: ticket_app::wire::FailureBody {
                candidates: e.candidates(),
                code: e.code().as_str(),
                message: &message,
            },
        };
        if let Ok(text) = serde_json::to_string(&failure) {
            let _ = writeln!(stderr, "{text}");
        }
    } else {
        for line in e.preamble() {
            let _ = writeln!(stderr, "{line}");
        }
        let _ = writeln!(stderr, "error: {}", e.message());
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    if let Command::Completions { shell } = &cli.command {
        return complete::script(*shell, &mut io::stdout()).map_err(|source| CliError::Io {
            what: "cannot write the completion script".into(),
            source,
        });
    }
    if let Command::Schema { name } = &cli.command {
        return schema::print(name.as_deref(), &mut Out { json: cli.json });
    }
    if let Command::MergeDriver {
        which,
        base,
        ours,
        theirs,
        path,
        base_rev,
    } = &cli.command
    {
        return sync::merge_driver(
            *which,
            base,
            ours,
            theirs,
            path.as_deref(),
            base_rev.as_deref(),
        );
    }
    let cwd = std::env::current_dir().map_err(|source| CliError::Io {
        what: "cannot read the current directory".into(),
        source,
    })?;
    let mut out = Out { json: cli.json };
    let app = match (&cli.root_format, &cli.root) {
        (Some(format), Some(root)) => view(format, root, &mut out)?,
        _ => {
            let creating = matches!(
                cli.command,
                Command::Create { .. } | Command::Import { .. } | Command::Init { .. }
            );
            let root = match &cli.command {
                Command::Init { dir: Some(dir) } => Some(dir.clone()),
                _ => cli.root.clone(),
            };
            App::discover(root, Settings::from_env(), &cwd, creating)?
        }
    };
    commands::run(cli.command, &app, &mut out).map_err(|e| e.located(&app))
}

/// The app over another tracker's tickets read in place (`--root-format`), saying on standard
/// error which files did not read (unless `--json`, whose commands answer with data only).
fn view(format: &str, root: &std::path::Path, out: &mut Out) -> Result<App, CliError> {
    let format: Format = format.parse().map_err(CliError::Usage)?;
    let viewed = App::view(format, root, Settings::from_env())?;
    if !out.json {
        for skipped in &viewed.report.skipped {
            out.warn(&format!("not read: {}: {}", skipped.path, skipped.message))?;
        }
    }
    Ok(viewed.app)
}
