//! `ticket doctor`: the ticket-doctor rules, printed in the `tickets.sh` style or as JSON.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use ticket_domain::{Diagnostic, Severity};

use crate::error::CliError;
use crate::output::Out;

#[derive(Serialize)]
struct Report<'a> {
    ok: bool,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
    fixed: &'a [String],
}

/// With `fix`, waits at most `lock_timeout` (every writer's `TICKETS_LOCK_TIMEOUT`) for the
/// writers' lock, and fails as every writer does (`locked`, exit 4) when it is held past that.
pub fn run(root: &Path, fix: bool, lock_timeout: Duration, out: &mut Out) -> Result<(), CliError> {
    let options = ticket_doctor::Options {
        fix,
        lock_timeout,
        ..ticket_doctor::Options::default()
    };
    let report = ticket_doctor::run(root, &options)?;
    if out.json {
        out.json(&Report {
            ok: report.ok(),
            errors: report.errors(),
            warnings: report.warnings(),
            diagnostics: &report.diagnostics,
            fixed: &report.fixed,
        })?;
    } else {
        let mut stderr = String::new();
        for line in &report.fixed {
            stderr.push_str(&format!("doctor: fixed: {line}\n"));
        }
        for d in &report.diagnostics {
            match d.severity {
                Severity::Error => stderr.push_str(&format!("doctor: {}\n", d.message)),
                Severity::Warning => stderr.push_str(&format!("doctor: warning: {}\n", d.message)),
            }
        }
        if report.ok() {
            eprint!("{stderr}");
            out.text("doctor: ok\n")?;
        } else {
            eprintln!("{stderr}doctor: {} error(s)", report.errors());
        }
    }
    if report.ok() {
        Ok(())
    } else {
        Err(CliError::DoctorFailed)
    }
}
