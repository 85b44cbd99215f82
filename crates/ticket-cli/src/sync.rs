//! `init`, `sync` and `merge-driver`: the root in git (docs/sync.md).

use std::path::Path;

use ticket_app::{App, DriverKind, InitFile, InitRequest, InitStep, SyncRequest, wire};

use crate::cli::DriverWhich;
use crate::error::CliError;
use crate::output::Out;

/// How git should start this program: its absolute path, single-quoted for the shell.
pub fn program() -> Result<String, CliError> {
    let exe = std::env::current_exe().map_err(|source| CliError::Io {
        what: "cannot find the path of this program (for the merge drivers)".into(),
        source,
    })?;
    let exe = exe.display().to_string();
    Ok(format!("'{}'", exe.replace('\'', "'\\''")))
}

/// A step of `init` in words.
fn init_line(step: &InitStep) -> String {
    match step {
        InitStep::File(InitFile::Created(p)) => format!("created {}", p.display()),
        InitStep::File(InitFile::Wrote { path, lines }) => {
            format!("wrote {}: {}", path.display(), lines.join(", "))
        }
        InitStep::File(InitFile::AddedTo { path, lines }) => {
            format!("added to {}: {}", path.display(), lines.join(", "))
        }
        InitStep::Configured { key, config } => format!("set {key} in {config}"),
    }
}

pub fn init(app: &App, out: &mut Out) -> Result<(), CliError> {
    let done = app.init(&InitRequest {
        program: program()?,
    })?;
    if out.json {
        return out.json(&wire::Init {
            root: &done.root,
            done: done.done.iter().map(init_line).collect(),
            repository: done.repository.as_deref(),
        });
    }
    let mut text = String::new();
    for step in &done.done {
        text.push_str(&init_line(step));
        text.push('\n');
    }
    if done.done.is_empty() {
        text.push_str(&format!(
            "{} is already set up for git; nothing to do\n",
            done.root
        ));
    }
    if done.repository.is_none() {
        text.push_str(&format!(
            "note: {} is not inside a git repository: the merge drivers are configured once it is (run `ticket init` again after `git init`)\n",
            done.root
        ));
    }
    out.text(&text)
}

pub fn sync(app: &App, remote: String, out: &mut Out) -> Result<(), CliError> {
    let synced = app.sync(&SyncRequest {
        remote: remote.clone(),
        program: program()?,
        attempts: 5,
    })?;
    let repaired: Vec<String> = synced
        .repaired
        .merged
        .iter()
        .map(|(id, from, to)| format!("{id}: {} -> {to}", from.join("+")))
        .collect();
    if out.json {
        return out.json(&wire::Sync {
            branch: &synced.branch,
            committed: synced.committed.as_deref(),
            merged: synced.merged,
            pushed: synced.pushed,
            rounds: synced.rounds,
            repaired,
            renamed: synced
                .repaired
                .renamed
                .iter()
                .map(|(a, b)| [a.as_str(), b.as_str()])
                .collect(),
            recorded: &synced.repaired.recorded,
        });
    }
    let mut text = String::new();
    if let Some(m) = &synced.committed {
        text.push_str(&format!("committed: {}\n", m.lines().next().unwrap_or("")));
    }
    if synced.merged {
        text.push_str(&format!("merged {remote}/{}\n", synced.branch));
    }
    for line in &repaired {
        text.push_str(&format!("repaired: {line}\n"));
    }
    for (old, new) in &synced.repaired.renamed {
        text.push_str(&format!("renamed apart: {old} -> {new}\n"));
    }
    for id in &synced.repaired.recorded {
        text.push_str(&format!("recorded values a merge did not keep: {id}\n"));
    }
    if synced.pushed {
        text.push_str(&format!("pushed to {remote}/{}\n", synced.branch));
    }
    if text.is_empty() {
        text.push_str(&format!("{} is up to date with {remote}\n", synced.branch));
    }
    out.text(&text)
}

/// Runs as git's merge driver; exit 0 with the result in `ours`.
pub fn merge_driver(
    which: DriverWhich,
    base: &Path,
    ours: &Path,
    theirs: &Path,
    path: Option<&str>,
    base_rev: Option<&str>,
) -> Result<(), CliError> {
    let cwd = std::env::current_dir().map_err(|source| CliError::Io {
        what: "cannot read the current directory".into(),
        source,
    })?;
    let kind = match which {
        DriverWhich::Thread => DriverKind::Thread,
        DriverWhich::Item => DriverKind::Item,
    };
    let outcome =
        ticket_app::merge_driver(kind, base, ours, theirs, path.unwrap_or(""), &cwd, base_rev)?;
    if let Some(note) = outcome.note {
        eprintln!(
            "ticket merge-driver: {}: {} value(s) both sides changed; the later edit was kept, the other is noted in {note} and is recorded in the thread by the next `ticket sync` or `ticket doctor --fix`",
            path.unwrap_or(""),
            outcome.lost
        );
    }
    Ok(())
}
