//! `ticket doctor`: the ticket-doctor rules, printed in the `tickets.sh` style or as JSON.

use serde::Serialize;
use ticket_app::{App, Diagnostic, DoctorRequest, Severity};

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

pub fn run(app: &App, fix: bool, out: &mut Out) -> Result<(), CliError> {
    let report = app.doctor(DoctorRequest { fix })?;
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
