//! Every way a use case fails, with a stable code clients match on (the CLI turns codes into exit
//! codes; JSON clients read them as they are).

use std::path::PathBuf;

use snafu::Snafu;
use ticket_domain::{BackendError, RelationKind, TicketId};

use crate::root::RootSource;

/// A use case's failure. Messages say what went wrong and what to do, and never name a flag or
/// a command of any client: clients add those hints themselves.
#[derive(Debug, Snafu)]
#[snafu(visibility(pub(crate)))]
pub enum AppError {
    /// What the backend refused or could not do.
    #[snafu(display("{source}"), context(false))]
    Backend { source: BackendError },
    /// No ticket root was given and none was found.
    #[snafu(display(
        "no work-items/ directory found (looked in {})",
        looked.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    ))]
    NoRoot { looked: Vec<PathBuf> },
    /// The root that was named does not exist.
    #[snafu(display(
        "the ticket root {} does not exist ({}); check the name, or create the root by creating its first ticket",
        root.display(),
        match chosen_by { RootSource::Given => "it was given explicitly", RootSource::Environment => "it comes from WORK_ITEMS_DIR" }
    ))]
    RootMissing {
        root: PathBuf,
        chosen_by: RootSource,
    },
    /// A slug asked for is already another ticket's.
    #[snafu(display("the slug `{slug}` is taken by {by}; choose another slug"))]
    SlugTaken { slug: String, by: String },
    /// A setting from the environment holds a value that cannot be used.
    #[snafu(display("{var}: {reason}"))]
    Env { var: &'static str, reason: String },
    /// Another tracker's directory cannot be read or written.
    #[snafu(display("{}: {message}", path.display()))]
    Foreign { path: PathBuf, message: String },
    /// The current directory cannot be read, so no root can be looked for.
    #[snafu(display("cannot read the current directory: {source}"))]
    CurrentDir { source: std::io::Error },
    /// A link to a ticket that does not exist.
    #[snafu(display(
        "cannot add {kind} {target} to {}: no ticket is named {target}",
        source_id.as_ref().map_or("the new ticket", TicketId::as_str)
    ))]
    MissingTarget {
        source_id: Option<TicketId>,
        kind: RelationKind,
        target: String,
    },
    /// A link from a ticket to itself.
    #[snafu(display(
        "cannot add {kind} {source_id} to {source_id}: a ticket cannot link to itself"
    ))]
    SelfLink {
        source_id: TicketId,
        kind: RelationKind,
    },
    /// A `depends_on` or `parent` link that would close a cycle.
    #[snafu(display(
        "cannot add {kind} {target} to {source_id}: it would close the cycle {}",
        cycle_text(cycle)
    ))]
    Cycle {
        source_id: TicketId,
        kind: RelationKind,
        target: TicketId,
        /// From the source, through the new edge, back to the source.
        cycle: Vec<TicketId>,
    },
    /// An edit of a key by name that the format gives a meaning it cannot take that way.
    #[snafu(display("cannot {} `{key}`: {}", if *unset { "remove" } else { "set" }, rule.reason(key)))]
    ReservedKey {
        key: String,
        rule: KeyRule,
        unset: bool,
    },
    /// A change asked of another tracker's tickets read in place, which are never written.
    #[snafu(display(
        "{} holds {format} tickets, read in place and never changed; import them into a ticket root to change them",
        path.display()
    ))]
    ReadOnly { path: PathBuf, format: String },
    /// Another holder has a live lease on the ticket.
    #[snafu(display(
        "{id} is claimed by {} (token {}) until {}; wait until it expires or is released, or take another ticket",
        lease.holder, lease.token, lease.expires
    ))]
    Claimed {
        id: TicketId,
        lease: Box<ticket_domain::claim::Lease>,
    },
    /// A token that does not hold the ticket's lease (released, or lost to a later claim).
    #[snafu(display("{}", ticket_domain::claim::lost_text(*token, id.as_str(), current.as_deref())))]
    LeaseLost {
        id: TicketId,
        token: u64,
        current: Option<Box<ticket_domain::claim::Lease>>,
    },
    /// Every ready ticket is held by someone (or none is ready).
    #[snafu(display(
        "nothing ready to claim: {}; try again later",
        match candidates {
            0 => "no ticket is ready".to_owned(),
            1 => "the one ready ticket is held by someone".to_owned(),
            n => format!("each of the {n} ready tickets is held by someone"),
        }
    ))]
    NothingReady { candidates: usize },
    /// A closed ticket is not claimed.
    #[snafu(display("{id} is closed; reopen it before claiming it"))]
    ClaimClosed { id: TicketId },
    /// A remote's lease ref cannot be used: it holds no lease record, or it kept moving.
    #[snafu(display("{remote}: the lease of {id} (refs/tickets/leases/{id}): {reason}"))]
    RemoteLease {
        remote: String,
        id: TicketId,
        reason: String,
    },
    /// A search query that does not read.
    #[snafu(display("invalid query: {source}"))]
    Query { source: ticket_search::QueryError },
    /// A claim or a renewal that reported success left no lease behind (another process
    /// removed the record in between): nothing is known to hold the ticket.
    #[snafu(display("invalid lease: a {after} left no lease"))]
    LeaseVanished { after: LeaseStep },
    /// The search engine failed (the tickets are fine; the index, if any, is rebuilt next time).
    #[snafu(display("{source}"))]
    Search { source: ticket_search::SearchError },
    /// git could not be run, or failed where it must not.
    #[snafu(display("{source}"), context(false))]
    Git { source: ticket_git::GitError },
    /// Syncing needs the root to be inside a git repository.
    #[snafu(display(
        "{} is not inside a git repository; tickets sync through git: run `git init` in the project (or clone it) first",
        root.display()
    ))]
    NotInGit { root: PathBuf },
    /// A sync that cannot go on without a person: what stopped it and what to do.
    #[snafu(display("{stop}"))]
    SyncStopped { stop: SyncStop },
    /// A change cursor that cannot be answered (docs/feed.md).
    #[snafu(display(
        "the change cursor `{cursor}` {}; ask again without a cursor to get the current one, and read again whatever was shown since the old one",
        problem.text()
    ))]
    Cursor {
        cursor: String,
        problem: crate::feed::CursorProblem,
    },
    /// A merge driver's file could not be read or written.
    #[snafu(display("{}: {message}", path.display()))]
    MergeFile { path: PathBuf, message: String },
}

/// Why a sync stopped. Each says that nothing was lost and what to do before syncing again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncStop {
    /// The merge with the remote conflicts in these paths outside the tickets; it was undone.
    ConflictOutside { paths: Vec<String> },
    /// A merge is in progress in the worktree.
    MergeInProgress,
    /// HEAD names no branch.
    DetachedHead,
    /// The remote branch moved on every one of `rounds` rounds of fetch, merge and push.
    RemoteKeptMoving { rounds: usize },
}

impl std::fmt::Display for SyncStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncStop::ConflictOutside { paths } => write!(
                f,
                "the merge with the remote conflicts outside the tickets ({}); nothing was lost: your commits are kept and the merge was undone. Merge by hand (git merge), then sync again",
                paths.join(", ")
            ),
            SyncStop::MergeInProgress => f.write_str(
                "a merge is in progress in this worktree; finish it (git commit) or undo it (git merge --abort), then sync again",
            ),
            SyncStop::DetachedHead => f.write_str(
                "HEAD is detached; check out the branch to sync (git switch <branch>), then sync again",
            ),
            SyncStop::RemoteKeptMoving { rounds } => write!(
                f,
                "the remote branch kept moving: {rounds} rounds of fetch, merge and push did not land; your commits are kept, sync again"
            ),
        }
    }
}

/// Which step of a lease's life found no lease after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseStep {
    Claim,
    Renewal,
}

impl std::fmt::Display for LeaseStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LeaseStep::Claim => "claim",
            LeaseStep::Renewal => "renewal",
        })
    }
}

/// Why a key cannot be set (or removed) by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRule {
    /// `id`, `slug`: they name the ticket for good.
    Never,
    /// `status`: it changes by a status move, which moves the ticket and records it.
    Status,
    /// `created_at`, `updated_at`: the writers keep them.
    Writers,
    /// A typed field: it has its own edit, which checks its value.
    Typed,
}

impl KeyRule {
    fn reason(self, key: &str) -> String {
        match self {
            KeyRule::Never => format!("`{key}` names the ticket for good and never changes"),
            KeyRule::Status => {
                "the status changes by a status move, which moves the ticket and records it".into()
            }
            KeyRule::Writers => format!("`{key}` is kept by the writers"),
            KeyRule::Typed => {
                format!("`{key}` is a typed field with its own edit, which checks its value")
            }
        }
    }
}

/// `a -> b -> c -> a`, at most a dozen ids (then the count of those left out).
fn cycle_text(cycle: &[TicketId]) -> String {
    let ids: Vec<&str> = cycle.iter().map(TicketId::as_str).collect();
    if ids.len() <= 12 {
        return ids.join(" -> ");
    }
    format!(
        "{} -> ... ({} more) ... -> {}",
        ids[..6].join(" -> "),
        ids.len() - 9,
        ids[ids.len() - 3..].join(" -> ")
    )
}

/// Declares [`ErrorCode`] and its table from one list of rows (name, exit status, meaning), so
/// the names, the exit statuses and docs/cli.md cannot drift apart (`cargo xtask tidy` checks the
/// table there against [`ErrorCode::ALL`]).
macro_rules! error_codes {
    ($($code:ident => $name:literal, exit $exit:literal, $meaning:literal;)*) => {
        /// The stable name of a failure, as `--json` errors carry it: every code a client
        /// reports, the ones only a client raises (a command line that does not parse, an
        /// import that did part of its work) included, so that one table holds them all.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $meaning] $code,)*
        }

        impl ErrorCode {
            /// Every code, in the order docs/cli.md lists them.
            pub const ALL: [ErrorCode; [$($name),*].len()] = [$(ErrorCode::$code),*];

            /// The snake_case name scripts match on; it never changes once published.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$code => $name,)*
                }
            }

            /// The exit status a command that fails so ends with (docs/cli.md, "Exit codes").
            pub fn exit_code(self) -> i32 {
                match self {
                    $(ErrorCode::$code => $exit,)*
                }
            }

            /// What it means, in one line.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$code => $meaning,)*
                }
            }
        }
    };
}

error_codes! {
    Usage => "usage", exit 2,
        "the command line does not parse: an unknown flag, a missing argument, a value its flag does not take";
    NotFound => "not_found", exit 3,
        "no ticket is named so, or a link names a target that is no ticket";
    Ambiguous => "ambiguous", exit 3,
        "the query matches more than one ticket; the error lists them as candidates";
    NoRoot => "no_root", exit 3,
        "no ticket root was found, or the one named does not exist";
    Locked => "locked", exit 4,
        "another writer held the root's lock (or the lease store's) past the lock timeout";
    Conflict => "conflict", exit 4,
        "a target exists already, a slug is taken, the ticket changed since the version a change expected, or a file is in an export's way";
    Invalid => "invalid", exit 2,
        "a value or a request refused before anything was written: a bad label, a value outside a vocabulary, an edit that changes nothing, a link that would close a cycle";
    ReadOnly => "read_only", exit 2,
        "a change asked of another tracker's tickets, which are read in place and never written";
    Cursor => "cursor", exit 2,
        "a change cursor the feed cannot answer (not a cursor, another root's, or older than the changes kept): ask again without one";
    Transition => "transition", exit 1,
        "a status move the rules refuse: closing a closed ticket, reopening one that is not closed, claiming a closed one";
    Corrupt => "corrupt", exit 1,
        "a ticket's files do not read";
    Storage => "storage", exit 1,
        "a file of the root could not be read or written";
    Env => "env", exit 1,
        "a setting from the environment holds a value that cannot be used (checked by writers only)";
    Io => "io", exit 1,
        "input or output failed: standard output, the current directory, another tracker's files, the search index, a merge driver's file";
    FileNotFound => "file_not_found", exit 1,
        "a body file that does not exist";
    NotReadable => "not_readable", exit 1,
        "a body file that exists but cannot be read (a directory, no permission)";
    Claimed => "claimed", exit 5,
        "another holder has a live lease on the ticket; nothing was written";
    LeaseLost => "lease_lost", exit 5,
        "a token that does not hold the ticket's lease (released, or taken by a later claim); nothing was written";
    NothingReady => "nothing_ready", exit 6,
        "no ready ticket is free to claim";
    Git => "git", exit 7,
        "git failed, the root is in no git repository, or a remote's lease could not be used";
    SyncStopped => "sync_stopped", exit 8,
        "a sync stopped without losing anything: a conflict outside the tickets, a merge in progress, a detached HEAD, a remote that kept moving";
    Incomplete => "incomplete", exit 1,
        "an import skipped files that do not read and imported the others; its report says which";
    DoctorFailed => "doctor_failed", exit 1,
        "the doctor found errors; its report says which";
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Backend { source } => match source {
                BackendError::NotFound { .. } => ErrorCode::NotFound,
                BackendError::Ambiguous { .. } => ErrorCode::Ambiguous,
                BackendError::Locked { .. } => ErrorCode::Locked,
                BackendError::Conflict { .. } | BackendError::VersionConflict { .. } => {
                    ErrorCode::Conflict
                }
                BackendError::Invalid { .. }
                | BackendError::BadName { .. }
                | BackendError::UnknownValue { .. }
                | BackendError::BodyMatch { .. } => ErrorCode::Invalid,
                BackendError::Transition { .. } => ErrorCode::Transition,
                BackendError::Corrupt { .. } => ErrorCode::Corrupt,
                BackendError::Storage { .. } => ErrorCode::Storage,
                BackendError::LeaseLost { .. } => ErrorCode::LeaseLost,
            },
            AppError::NoRoot { .. } | AppError::RootMissing { .. } => ErrorCode::NoRoot,
            AppError::Env { .. } => ErrorCode::Env,
            AppError::SlugTaken { .. } => ErrorCode::Conflict,
            AppError::CurrentDir { .. } | AppError::Foreign { .. } | AppError::Search { .. } => {
                ErrorCode::Io
            }
            AppError::MissingTarget { .. } => ErrorCode::NotFound,
            AppError::SelfLink { .. } | AppError::Cycle { .. } => ErrorCode::Invalid,
            AppError::ReservedKey { .. } => ErrorCode::Invalid,
            AppError::ReadOnly { .. } => ErrorCode::ReadOnly,
            AppError::Git { .. } | AppError::NotInGit { .. } => ErrorCode::Git,
            AppError::SyncStopped { .. } => ErrorCode::SyncStopped,
            AppError::MergeFile { .. } => ErrorCode::Io,
            AppError::Claimed { .. } => ErrorCode::Claimed,
            AppError::LeaseLost { .. } => ErrorCode::LeaseLost,
            AppError::NothingReady { .. } => ErrorCode::NothingReady,
            AppError::ClaimClosed { .. } => ErrorCode::Transition,
            AppError::RemoteLease { .. } => ErrorCode::Git,
            AppError::Cursor { .. } => ErrorCode::Cursor,
            AppError::Query { .. } | AppError::LeaseVanished { .. } => ErrorCode::Invalid,
        }
    }

    /// The backend's error, when it is one.
    pub fn backend(&self) -> Option<&BackendError> {
        match self {
            AppError::Backend { source } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AppError, ErrorCode, SyncStop};

    /// Why a sync stopped, word for word as users have read it.
    #[test]
    fn each_sync_stop_reads_as_before() {
        let cases = [
            (
                SyncStop::ConflictOutside {
                    paths: vec!["src/a.rs".into(), "README.md".into()],
                },
                "the merge with the remote conflicts outside the tickets (src/a.rs, README.md); nothing was lost: your commits are kept and the merge was undone. Merge by hand (git merge), then sync again",
            ),
            (
                SyncStop::MergeInProgress,
                "a merge is in progress in this worktree; finish it (git commit) or undo it (git merge --abort), then sync again",
            ),
            (
                SyncStop::DetachedHead,
                "HEAD is detached; check out the branch to sync (git switch <branch>), then sync again",
            ),
            (
                SyncStop::RemoteKeptMoving { rounds: 5 },
                "the remote branch kept moving: 5 rounds of fetch, merge and push did not land; your commits are kept, sync again",
            ),
        ];
        for (stop, want) in cases {
            let e = AppError::SyncStopped { stop };
            assert_eq!(e.to_string(), want);
            assert_eq!(e.code(), ErrorCode::SyncStopped);
        }
    }

    /// Names are unique snake_case words, exit statuses those of docs/cli.md (1 to 8; 0 is
    /// success), meanings one line that names no flag.
    #[test]
    fn the_table_is_well_formed() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            let name = code.as_str();
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert!(
                ErrorCode::ALL[..i].iter().all(|c| c.as_str() != name),
                "{name} twice"
            );
            assert!((1..=8).contains(&code.exit_code()), "{name}");
            let meaning = code.meaning();
            assert!(
                !meaning.is_empty() && !meaning.contains('\n') && !meaning.contains("--"),
                "{name}: {meaning}"
            );
        }
    }
}
