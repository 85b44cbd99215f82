//! Tidy's check of the two tables of codes the docs publish against the tables in the code:
//! docs/cli.md's error codes against `ticket_app::ErrorCode`, docs/doctor.md's rules against
//! `ticket_doctor::Code`. A code missing from a doc, a row that is no code, a different exit
//! status, severity, shell mirror or fix, or another order is a problem.

use std::fs;
use std::path::Path;

use ticket_app::ErrorCode;
use ticket_doctor::Code;
use ticket_domain::Severity;

/// One code as the code's table has it, for the error codes: name and exit status.
pub struct ErrorRow {
    pub name: &'static str,
    pub exit: i32,
}

/// One rule as the doctor's table has it.
pub struct RuleRow {
    pub name: &'static str,
    pub error: bool,
    pub shell: bool,
    pub fixable: bool,
}

pub fn error_rows() -> Vec<ErrorRow> {
    ErrorCode::ALL
        .iter()
        .map(|c| ErrorRow {
            name: c.as_str(),
            exit: c.exit_code(),
        })
        .collect()
}

pub fn rule_rows() -> Vec<RuleRow> {
    Code::ALL
        .iter()
        .map(|c| RuleRow {
            name: c.as_str(),
            error: c.severity() == Severity::Error,
            shell: c.is_shell(),
            fixable: c.fixable(),
        })
        .collect()
}

/// Both docs, checked against the code's tables.
pub fn check(root: &Path, problems: &mut Vec<String>) {
    let cli = fs::read_to_string(root.join("docs/cli.md")).unwrap_or_default();
    problems.extend(error_table_problems(&cli, &error_rows()));
    let doctor = fs::read_to_string(root.join("docs/doctor.md")).unwrap_or_default();
    problems.extend(rule_table_problems(&doctor, &rule_rows()));
}

/// A table row's cells, split at the `|` that are not escaped (`\|`), trimmed; `None` for a line
/// that is no row or is the header's underline.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let mut out = vec![String::new()];
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '|' if !escaped => out.push(String::new()),
            _ => out.last_mut()?.push(c),
        }
        escaped = c == '\\';
    }
    let out: Vec<String> = out.into_iter().map(|c| c.trim().to_owned()).collect();
    if out
        .iter()
        .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
    {
        return None;
    }
    Some(out)
}

/// The tables of the lines from the heading `start` to the next heading of its level or
/// higher: each as its header's cells and its rows' cells.
fn tables(doc: &str, start: &str) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
    let level = start.chars().take_while(|c| *c == '#').count();
    let mut lines = doc.lines().skip_while(|l| l.trim_end() != start);
    if lines.next().is_none() {
        return Vec::new();
    }
    let mut found: Vec<(Vec<String>, Vec<Vec<String>>)> = Vec::new();
    let mut in_table = false;
    for line in lines {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
            break;
        }
        if !line.trim_start().starts_with('|') {
            in_table = false;
            continue;
        }
        let Some(row) = cells(line) else {
            continue;
        };
        match found.last_mut() {
            Some((_, rows)) if in_table => rows.push(row),
            _ => found.push((row, Vec::new())),
        }
        in_table = true;
    }
    found
}

/// `` `name` `` to `name`.
fn code_of(cell: &str) -> &str {
    cell.trim_matches('`')
}

/// docs/cli.md's "Error codes" table (`code | exit | meaning`) against `want`.
pub fn error_table_problems(doc: &str, want: &[ErrorRow]) -> Vec<String> {
    const WHERE: &str = "docs/cli.md, \"Error codes\"";
    let found = tables(doc, "## Error codes");
    let Some((header, rows)) = found.first() else {
        return vec![format!(
            "{WHERE}: no table `| code | exit | meaning |`; list every code of ticket_app::ErrorCode there"
        )];
    };
    if header.iter().map(String::as_str).collect::<Vec<_>>() != ["code", "exit", "meaning"] {
        return vec![format!(
            "{WHERE}: the table's columns are {header:?}, not code, exit, meaning"
        )];
    }
    let mut problems = Vec::new();
    let listed: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (code_of(&r[0]), r.get(1).map_or("", String::as_str)))
        .collect();
    for (name, exit) in &listed {
        match want.iter().find(|w| w.name == *name) {
            None => problems.push(format!(
                "{WHERE}: `{name}` is no code of ticket_app::ErrorCode; remove the row or add the code"
            )),
            Some(w) if exit.parse::<i32>().ok() != Some(w.exit) => problems.push(format!(
                "{WHERE}: `{name}` exits {} (ErrorCode::exit_code), the table says {exit}",
                w.exit
            )),
            Some(_) => {}
        }
    }
    for w in want {
        if !listed.iter().any(|(name, _)| *name == w.name) {
            problems.push(format!(
                "{WHERE}: the code `{}` (exit {}) is missing; add its row",
                w.name, w.exit
            ));
        }
    }
    if problems.is_empty() {
        let order: Vec<&str> = want.iter().map(|w| w.name).collect();
        let names: Vec<&str> = listed.iter().map(|(n, _)| *n).collect();
        if names != order {
            problems.push(format!(
                "{WHERE}: list the codes in ErrorCode::ALL's order: {}",
                order.join(", ")
            ));
        }
    }
    problems
}

/// docs/doctor.md's tables under "Rules": the shell's (`code | sev | example message | shell |
/// fix`) and ours (`code | sev | example message | fix`), against `want`.
pub fn rule_table_problems(doc: &str, want: &[RuleRow]) -> Vec<String> {
    const WHERE: &str = "docs/doctor.md, \"Rules\"";
    let mut problems = Vec::new();
    let mut listed: Vec<&str> = Vec::new();
    let found = tables(doc, "## Rules");
    if found.is_empty() {
        return vec![format!(
            "{WHERE}: no table of rules; list every code of ticket_doctor::Code there"
        )];
    }
    for (header, rows) in &found {
        let col = |name: &str| header.iter().position(|h| h == name);
        let (Some(code), Some(sev), Some(fix)) = (col("code"), col("sev"), col("fix")) else {
            problems.push(format!(
                "{WHERE}: a table with columns {header:?}; a table of rules has code, sev and fix"
            ));
            continue;
        };
        let shell_table = col("shell").is_some();
        for row in rows {
            let cell = |i: usize| row.get(i).map_or("", String::as_str);
            let name = code_of(cell(code));
            listed.push(name);
            let Some(w) = want.iter().find(|w| w.name == name) else {
                problems.push(format!(
                    "{WHERE}: `{name}` is no code of ticket_doctor::Code; remove the row or add the code"
                ));
                continue;
            };
            let sev_want = if w.error { "E" } else { "W" };
            if cell(sev) != sev_want {
                problems.push(format!(
                    "{WHERE}: `{name}` has severity {sev_want} (Code::severity), the table says {:?}",
                    cell(sev)
                ));
            }
            if shell_table != w.shell {
                problems.push(format!(
                    "{WHERE}: `{name}` {} the shell's check (Code::is_shell); move it to the other table",
                    if w.shell { "mirrors" } else { "does not mirror" }
                ));
            }
            if cell(fix).is_empty() == w.fixable {
                problems.push(format!(
                    "{WHERE}: `{name}` is {}fixable (Code::fixable), the table's fix column {}",
                    if w.fixable { "" } else { "not " },
                    if w.fixable {
                        "is empty; say what the fix does"
                    } else {
                        "says it is; empty it"
                    }
                ));
            }
        }
    }
    for w in want {
        if !listed.contains(&w.name) {
            problems.push(format!(
                "{WHERE}: the code `{}` is missing; add its row",
                w.name
            ));
        }
    }
    if problems.is_empty() {
        let order: Vec<&str> = want.iter().map(|w| w.name).collect();
        if listed != order {
            problems.push(format!(
                "{WHERE}: list the codes in Code::ALL's order: {}",
                order.join(", ")
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_doc(name: &str) -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        fs::read_to_string(root.join("docs").join(name)).expect("the doc reads")
    }

    #[test]
    fn the_docs_agree_with_the_code() {
        assert_eq!(
            error_table_problems(&repo_doc("cli.md"), &error_rows()),
            Vec::<String>::new()
        );
        assert_eq!(
            rule_table_problems(&repo_doc("doctor.md"), &rule_rows()),
            Vec::<String>::new()
        );
    }

    /// Each planted mistake in docs/cli.md's table is refused, and says which code.
    #[test]
    fn a_wrong_error_table_is_refused() {
        let doc = repo_doc("cli.md");
        let row = |name: &str| {
            doc.lines()
                .find(|l| l.starts_with(&format!("| `{name}` |")))
                .expect("the row is there")
                .to_owned()
        };
        let incomplete = row("incomplete");
        let cases: [(&str, String, &str); 5] = [
            (
                "a code missing",
                doc.replace(&format!("{incomplete}\n"), ""),
                "`incomplete` (exit 1) is missing",
            ),
            (
                "a row that is no code",
                doc.replace(&incomplete, &format!("{incomplete}\n| `gone` | 1 | x |")),
                "`gone` is no code",
            ),
            (
                "another exit",
                doc.replace(&row("locked"), "| `locked` | 1 | x |"),
                "`locked` exits 4",
            ),
            (
                "another order",
                doc.replace(
                    &format!("{}\n{}", row("not_found"), row("ambiguous")),
                    &format!("{}\n{}", row("ambiguous"), row("not_found")),
                ),
                "ErrorCode::ALL's order",
            ),
            (
                "no table",
                doc.replace("## Error codes", "## Codes of errors"),
                "no table",
            ),
        ];
        for (what, planted, needle) in cases {
            assert_ne!(planted, doc, "{what}: the mistake was planted");
            let problems = error_table_problems(&planted, &error_rows());
            assert!(
                problems.len() == 1 && problems[0].contains(needle),
                "{what}: {problems:?}"
            );
        }
    }

    /// Each planted mistake in docs/doctor.md's tables is refused.
    #[test]
    fn a_wrong_rule_table_is_refused() {
        let doc = repo_doc("doctor.md");
        let row = |name: &str| {
            doc.lines()
                .find(|l| l.starts_with(&format!("| `{name}` |")))
                .expect("the row is there")
                .to_owned()
        };
        let fix_failed = row("fix-failed");
        let cases: [(&str, String, &str); 4] = [
            (
                "a code missing",
                doc.replace(&format!("{fix_failed}\n"), ""),
                "`fix-failed` is missing",
            ),
            (
                "another severity",
                doc.replace(&fix_failed, &fix_failed.replacen("| W |", "| E |", 1)),
                "`fix-failed` has severity W",
            ),
            (
                "a fix it does not make",
                doc.replace(
                    &fix_failed,
                    &format!(
                        "{}removes it |",
                        fix_failed.trim_end().strip_suffix('|').expect("a row")
                    ),
                ),
                "`fix-failed` is not fixable",
            ),
            (
                "a row that is no code",
                doc.replace(&fix_failed, &format!("{fix_failed}\n| `gone` | W | x | |")),
                "`gone` is no code",
            ),
        ];
        for (what, planted, needle) in cases {
            assert_ne!(planted, doc, "{what}: the mistake was planted");
            let problems = rule_table_problems(&planted, &rule_rows());
            assert!(
                problems.len() == 1 && problems[0].contains(needle),
                "{what}: {problems:?}"
            );
        }
    }

    #[test]
    fn cells_split_at_unescaped_bars() {
        assert_eq!(
            cells(r"| `a` | W | `x\|y` | |"),
            Some(vec![
                "`a`".into(),
                "W".into(),
                r"`x\|y`".into(),
                String::new()
            ])
        );
        assert_eq!(cells("| --- | --- |"), None);
        assert_eq!(cells("text"), None);
    }
}
