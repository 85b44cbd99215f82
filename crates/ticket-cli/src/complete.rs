//! Shell completion: the script `ticket completions <shell>` prints registers `ticket` itself as
//! the completer (clap_complete's dynamic engine), so a ticket id or slug completes from the
//! root the command would use.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;
use ticket_app::{App, ListRequest, Listed, Settings};

/// The environment variable through which a shell asks `ticket` for completions.
pub const VAR: &str = "COMPLETE";

/// Answers a completion request and exits, when the shell made one; else returns.
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(<crate::cli::Cli as clap::CommandFactory>::command)
        .var(VAR)
        .complete();
}

/// Writes the registration script for `shell`.
pub fn script(shell: clap_complete::Shell, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let name = shell.to_string();
    match clap_complete::env::Shells::builtins().completer(&name) {
        Some(completer) => completer.write_registration(VAR, "ticket", "ticket", "ticket", w),
        None => Err(std::io::Error::other(format!(
            "no completion for {name}; use bash, zsh, fish, elvish or powershell"
        ))),
    }
}

/// Candidates past which none carries its ticket's title: a shell shows that many only as a
/// count to confirm, and the titles of 100,000 tickets would be most of the memory used.
const WITH_TITLES: usize = 1000;

/// Ids and slugs of every ticket (of any status) that start with what was typed: ids first,
/// then slugs, each with its title as help while there are at most [`WITH_TITLES`] of them.
/// Nothing when no root is found.
pub fn tickets(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let Ok(cwd) = std::env::current_dir() else {
        return Vec::new();
    };
    let Ok(app) = App::discover(None, Settings::from_env(), &cwd, false) else {
        return Vec::new();
    };
    let (mut ids, mut slugs): (Vec<CompletionCandidate>, Vec<_>) = (Vec::new(), Vec::new());
    let mut titled = true;
    let _ = app.list(&ListRequest::default(), |item| {
        if let Listed::Ticket(entry) = item {
            let t = entry.summary;
            let id = t.id.as_str().starts_with(typed.as_ref());
            let slug = t.slug.as_str().starts_with(typed.as_ref());
            if titled && ids.len() + slugs.len() + usize::from(id) + usize::from(slug) > WITH_TITLES
            {
                titled = false;
                for c in ids.iter_mut().chain(slugs.iter_mut()) {
                    *c = CompletionCandidate::new(c.get_value().to_owned());
                }
            }
            let candidate = |value: &str| {
                let c = CompletionCandidate::new(value);
                if titled {
                    c.help(Some(t.title.clone().into()))
                } else {
                    c
                }
            };
            if id {
                ids.push(candidate(t.id.as_str()));
            }
            if slug {
                slugs.push(candidate(t.slug.as_str()));
            }
        }
        true
    });
    ids.extend(slugs);
    ids
}
