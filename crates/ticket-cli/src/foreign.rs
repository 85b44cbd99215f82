//! `import` and `export`: the requests made from the arguments, the reports rendered.
//!
//! Text: one line per ticket on standard output (`created<TAB>id<TAB>source`, or
//! `id<TAB>file` for an export), notices as `note:` and files left out as `warning:` on standard
//! error, then a count. JSON: the report as one document (docs/formats.md).

use std::path::PathBuf;

use ticket_app::{App, ErrorCode, ExportRequest, Format, ImportRequest};

use crate::error::CliError;
use crate::output::Out;

fn format(raw: &str, flag: &str) -> Result<Format, CliError> {
    raw.parse::<Format>()
        .map_err(|e| CliError::Usage(format!("invalid value for {flag}: {e}")))
}

pub fn import(app: &App, out: &mut Out, from: &str, path: PathBuf) -> Result<(), CliError> {
    let format = format(from, "--from")?;
    let report = crate::progress::with_bar(|progress| {
        app.import_with_progress(&ImportRequest { format, path }, progress)
    })?;
    if out.json {
        out.json(&ticket_app::wire::Import::from(&report))?;
    } else {
        let mut text = String::new();
        for e in &report.imported {
            text.push_str(&format!("{}\t{}\t{}\n", e.outcome.as_str(), e.id, e.source));
        }
        out.text(&text)?;
        for e in &report.imported {
            for n in &e.notices {
                out.note(&format!("{}: {n}", e.source));
            }
        }
        for s in &report.skipped {
            warn(&format!("not imported: {}", located(&s.path, &s.message)));
        }
        let count =
            |o: ticket_app::Outcome| report.imported.iter().filter(|e| e.outcome == o).count();
        out.note(&format!(
            "import from {}: {} created, {} updated, {} unchanged, {} skipped",
            report.source,
            count(ticket_app::Outcome::Created),
            count(ticket_app::Outcome::Updated),
            count(ticket_app::Outcome::Unchanged),
            report.skipped.len()
        ));
    }
    if report.skipped.is_empty() {
        Ok(())
    } else {
        if !out.json {
            eprintln!(
                "error: {} file(s) not imported (the others were)",
                report.skipped.len()
            );
        }
        Err(CliError::Incomplete {
            code: ErrorCode::Incomplete,
        })
    }
}

pub fn export(
    app: &App,
    out: &mut Out,
    to: &str,
    path: PathBuf,
    tickets: Vec<String>,
) -> Result<(), CliError> {
    let format = format(to, "--to")?;
    let request = ExportRequest {
        format,
        path,
        queries: tickets,
    };
    let report =
        crate::progress::with_bar(|progress| app.export_with_progress(&request, progress))?;
    if out.json {
        out.json(&ticket_app::wire::Export::from(&report))?;
    } else {
        let mut text = String::new();
        for e in &report.exported {
            for f in &e.files {
                text.push_str(&format!("{}\t{f}\n", e.id));
            }
        }
        out.text(&text)?;
        for r in &report.refused {
            warn(&format!("not exported: {}: {}", r.path, r.message));
        }
        out.note(&format!(
            "export to {}: {} exported, {} refused",
            report.target,
            report.exported.len(),
            report.refused.len()
        ));
    }
    if report.refused.is_empty() {
        Ok(())
    } else {
        if !out.json {
            eprintln!(
                "error: {} ticket(s) not exported: a file is in the way (an export never overwrites) or a name cannot be one",
                report.refused.len()
            );
        }
        Err(CliError::Incomplete {
            code: ErrorCode::Conflict,
        })
    }
}

/// `path: message`, unless the message starts with its path already.
fn located(path: &str, message: &str) -> String {
    if message.starts_with(path) {
        message.to_owned()
    } else {
        format!("{path}: {message}")
    }
}

fn warn(line: &str) {
    eprintln!("warning: {line}");
}
