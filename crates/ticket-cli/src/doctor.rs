//! `ticket doctor`: the ticket-doctor rules, printed in the `tickets.sh` style or as JSON.

use ticket_app::{App, Diagnostic, DoctorCode as Code, DoctorFix as Fix, DoctorRequest, Severity};

use crate::error::CliError;
use crate::output::Out;

/// A repair in words: what it did, then where.
fn fixed_line(fix: &Fix) -> String {
    match fix {
        Fix::StatusDirectory(p) => format!("created missing status directory: {}", p.display()),
        Fix::Leftover(p) => format!("removed leftover temporary file: {}", p.display()),
        Fix::Artifacts(p) => format!("created missing artifacts/.gitkeep: {}", p.display()),
        Fix::Gitkeep(p) => format!(
            "created artifacts/.gitkeep in empty artifacts/: {}",
            p.display()
        ),
        Fix::MergedCopies { id, from, to } => format!(
            "merged the copies of {id} in {} into {to}",
            from.join(" and ")
        ),
        Fix::RenamedApart { old, new } => {
            format!("renamed {old} apart as {new}: another ticket has its id")
        }
        Fix::RecordedLost { id } => {
            format!("recorded what a merge did not keep in {id}'s thread")
        }
    }
}

/// With `fix`, the use case waits at most every writer's `TICKETS_LOCK_TIMEOUT` for the writers'
/// lock, and fails as every writer does (`locked`, exit 4) when it is held past that.
pub fn run(app: &App, fix: bool, out: &mut Out) -> Result<(), CliError> {
    let mut report = crate::progress::with_bar(|progress| {
        app.doctor_with_progress(DoctorRequest { fix }, progress)
    })?;
    report.diagnostics.iter_mut().for_each(add_cli_hint);
    if out.json {
        out.json(&ticket_app::wire::Doctor {
            ok: report.ok(),
            errors: report.errors(),
            warnings: report.warnings(),
            diagnostics: &report.diagnostics,
            fixed: report.fixed.iter().map(fixed_line).collect(),
        })?;
    } else {
        let mut stderr = String::new();
        for fix in &report.fixed {
            stderr.push_str(&format!("doctor: fixed: {}\n", fixed_line(fix)));
        }
        for d in &report.diagnostics {
            stderr.push_str(&human(d));
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

/// A diagnostic as a person reads it: the line `tickets.sh doctor` prints for the problem
/// (`doctor: <message>`, `doctor: warning: <message>`), then, indented, the file it is about
/// (and the line) with the code, and what fixes it, so no line leaves one guessing which ticket
/// or what to do.
fn human(d: &Diagnostic) -> String {
    let mut out = match d.severity {
        Severity::Error => format!("doctor: {}\n", d.message),
        Severity::Warning if d.code == Code::MergeDriverMissing.as_str() => format!(
            "doctor: warning: {}; run `ticket init` to configure them\n",
            d.message
        ),
        Severity::Warning => format!("doctor: warning: {}\n", d.message),
    };
    let at = match (&d.path, d.line) {
        (Some(path), Some(line)) => format!("{path}:{line}"),
        (Some(path), None) => path.clone(),
        (None, _) => String::new(),
    };
    match (at.is_empty(), d.hint.is_empty()) {
        (false, false) => out.push_str(&format!("  {at} [{}]: {}\n", d.code, d.hint)),
        (false, true) => out.push_str(&format!("  {at} [{}]\n", d.code)),
        (true, false) => out.push_str(&format!("  [{}]: {}\n", d.code, d.hint)),
        (true, true) => {}
    }
    out
}

/// How to do it with `ticket`, appended to a code's own hint (the doctor's hints name no command).
const CLI_HINTS: &[(Code, &str)] = &[
    (Code::MissingArtifacts, " (`ticket doctor --fix` does)"),
    (Code::StatusMismatch, " (`ticket status <id> <status>`)"),
    (Code::LeftoverTemp, " (`ticket doctor --fix` does)"),
    (
        Code::FieldInvalid,
        "; `ticket show` refuses the ticket until then",
    ),
    (Code::UpdatedBeforeCreated, " (any `ticket` write does)"),
    (Code::UpdatedBeforeEvent, " (any `ticket` write does)"),
    (
        Code::ClosedWithoutResolution,
        ", or run `ticket close` again with a resolution",
    ),
    (Code::ArtifactsEmpty, " (`ticket doctor --fix` does)"),
    (
        Code::RelationDangling,
        " (`ticket unlink <id> --<kind> <target>`)",
    ),
    (Code::RelationSelf, " (`ticket unlink <id> --<kind> <id>`)"),
    (Code::RelationCycle, " (`ticket unlink`)"),
    (
        Code::RelationDuplicate,
        " (`ticket unlink` removes every copy)",
    ),
    (Code::FixFailed, ", or run `ticket doctor --fix` again"),
    (Code::MissingDirectory, " (`ticket doctor --fix` does)"),
    (
        Code::SameIdInTwoStatuses,
        " (`ticket doctor --fix` or `ticket sync` does)",
    ),
    (Code::MergeDriverMissing, " (`ticket init` does)"),
];

/// Appends the CLI's part to a diagnostic that carries its code's own hint (not to a summary of
/// a flooded code, nor to a hint a rule wrote for the case).
fn add_cli_hint(d: &mut Diagnostic) {
    let Some(code) = Code::from_name(&d.code) else {
        return;
    };
    if d.hint != code.hint() {
        return;
    }
    if let Some((_, extra)) = CLI_HINTS.iter().find(|(c, _)| *c == code) {
        d.hint.push_str(extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hints `ticket --json doctor` has always printed, per code: they do not change.
    const PRINTED: [(&str, &str); 43] = [
        (
            "missing-directory",
            "git keeps no empty directory: create it with an empty .gitkeep; writers create it on first write (`ticket doctor --fix` does)",
        ),
        (
            "missing-item",
            "restore item.md from git, or remove the directory if it is not a ticket",
        ),
        (
            "missing-thread",
            "restore thread.md from git, or write a `create` event (see docs/format.md)",
        ),
        (
            "missing-artifacts",
            "create artifacts/ with an empty .gitkeep (`ticket doctor --fix` does)",
        ),
        (
            "missing-frontmatter-opener",
            "make line 1 exactly `---` (no spaces, no CRLF) and close the frontmatter with `---`",
        ),
        (
            "missing-required-field",
            "add the key with a non-empty value, one `key: value` line, unquoted",
        ),
        (
            "directory-id-mismatch",
            "rename the directory to the id, or fix `id:` (they must be equal)",
        ),
        (
            "status-mismatch",
            "move the directory to the status it says, or fix `status:` (`ticket status <id> <status>`)",
        ),
        (
            "duplicate-id",
            "give one of the tickets a new id (and rename its directory)",
        ),
        (
            "duplicate-slug",
            "change the slug of one of them so lookups are unambiguous",
        ),
        (
            "symlink-outside-root",
            "replace the link with the file or directory itself; writers refuse to follow it",
        ),
        (
            "leftover-temp",
            "a crashed write left it; remove it when no writer runs (`ticket doctor --fix` does)",
        ),
        (
            "same-id-in-two-statuses",
            "a merge kept two status moves: the repair merges both copies into one, in the status its thread says last (`ticket doctor --fix` or `ticket sync` does)",
        ),
        (
            "merge-driver-missing",
            "the root's .gitattributes routes thread.md and item.md to merge drivers this clone's git config does not define: configure them, or git merges of tickets leave conflict markers (`ticket init` does)",
        ),
        (
            "thread-two-creates",
            "two tickets created with one id on two clones were merged into one thread: split the events of the second `create` into a ticket of their own",
        ),
        ("unreadable", "check the file's permissions and size"),
        ("not-utf8", "re-save the file as UTF-8"),
        (
            "conflict-marker",
            "resolve the git merge conflict, then remove the markers",
        ),
        (
            "frontmatter-unclosed",
            "add a line `---` after the last `key: value` line",
        ),
        (
            "frontmatter-not-key-value",
            "write it as `key: value`, or move it below the closing `---`",
        ),
        (
            "frontmatter-duplicate-key",
            "remove the later line; readers use the first occurrence",
        ),
        (
            "field-undecodable",
            "close the quote, or write the value unquoted (see docs/format.md)",
        ),
        ("timestamp-invalid", "write it like 2026-05-27T00:00:01Z"),
        (
            "field-invalid",
            "fix the value; `ticket show` refuses the ticket until then",
        ),
        (
            "shell-misread",
            "write it as one unquoted `key: value` line with LF endings, labels as `[a, b]`",
        ),
        (
            "updated-before-created",
            "set updated_at to the newest event's time (any `ticket` write does)",
        ),
        (
            "updated-before-event",
            "set updated_at to the newest event's time (any `ticket` write does)",
        ),
        (
            "closed-without-resolution",
            "add resolution.md, or run `ticket close` again with a resolution",
        ),
        (
            "resolution-not-closed",
            "nothing to do when the ticket was reopened (it is kept as history); else remove it",
        ),
        (
            "artifacts-empty",
            "add an empty artifacts/.gitkeep so git keeps the directory (`ticket doctor --fix` does)",
        ),
        (
            "thread-empty",
            "write a `create` event (see docs/format.md), or restore it from git",
        ),
        (
            "thread-preamble",
            "move the text into an event, or remove it; readers ignore it",
        ),
        (
            "thread-cut-tail",
            "if the file was cut short (a copy or an editor that died), restore it from git; if the event is whole, end it with a `---` line",
        ),
        (
            "event-header-malformed",
            "write it as `<!-- event: KIND author: AUTHOR at: TIME -->`, or quote it as `\\<!-- event:`",
        ),
        (
            "event-time-invalid",
            "write `at:` like 2026-05-27T00:00:01Z",
        ),
        (
            "event-refs-invalid",
            "write refs as `kind=value,kind=value`, values percent-encoded",
        ),
        (
            "review-without-verdict",
            "add ` status: approve` or ` status: request_changes` before ` -->`",
        ),
        (
            "relation-dangling",
            "correct the id, or remove it from the list; until then a depends_on or parent naming it blocks (`ticket unlink <id> --<kind> <target>`)",
        ),
        (
            "relation-self",
            "remove the ticket's own id from the list (`ticket unlink <id> --<kind> <id>`)",
        ),
        (
            "relation-cycle",
            "remove one depends_on or parent link of the cycle; until then none of its tickets is ready (`ticket unlink`)",
        ),
        (
            "relation-inverse-stored",
            "inverse kinds are derived and readers ignore this key: store the edge on the other ticket instead, then remove the key",
        ),
        (
            "relation-duplicate",
            "remove the repeated id; readers count it once (`ticket unlink` removes every copy)",
        ),
        (
            "fix-failed",
            "repair it by hand, or run `ticket doctor --fix` again",
        ),
    ];

    fn diagnostic(code: Code, hint: &str) -> Diagnostic {
        Diagnostic {
            code: code.as_str().to_owned(),
            severity: code.severity(),
            path: Some("work-items/open/x".into()),
            line: None,
            message: String::new(),
            hint: hint.to_owned(),
        }
    }

    #[test]
    fn every_code_prints_the_hint_it_always_printed() {
        assert_eq!(Code::ALL.len(), PRINTED.len());
        for (code, (name, printed)) in Code::ALL.into_iter().zip(PRINTED) {
            assert_eq!(code.as_str(), name);
            let mut d = diagnostic(code, code.hint());
            add_cli_hint(&mut d);
            assert_eq!(d.hint, printed, "{name}");
        }
    }

    /// Every rule's human lines name what its JSON names: the file (and line), the code, and
    /// the hint that fixes it, beside the message `tickets.sh` prints.
    #[test]
    fn every_rules_human_lines_name_the_file_and_the_fix() {
        for code in Code::ALL {
            for line in [None, Some(7)] {
                let mut d = diagnostic(code, code.hint());
                d.message = format!("the problem of {}", code.as_str());
                d.line = line;
                add_cli_hint(&mut d);
                let shown = human(&d);
                let first = shown.lines().next().unwrap_or_default();
                assert!(
                    first.starts_with("doctor: ") && first.contains(&d.message),
                    "{shown}"
                );
                let path = d.path.clone().unwrap_or_default();
                let at = match line {
                    Some(n) => format!("{path}:{n}"),
                    None => path,
                };
                for named in [at.as_str(), d.code.as_str(), d.hint.as_str()] {
                    assert!(shown.contains(named), "{}: {named:?} in {shown}", d.code);
                }
            }
        }
    }

    #[test]
    fn hints_of_their_own_are_left_alone() {
        for code in [Code::MissingArtifacts, Code::DuplicateSlug] {
            let own = "the first 20 are listed; fix those and run the doctor again";
            let mut d = diagnostic(code, own);
            add_cli_hint(&mut d);
            assert_eq!(d.hint, own);
        }
    }
}
