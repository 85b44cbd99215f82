//! Every way a use case fails, with a stable code clients match on (the CLI turns codes into exit
//! codes; JSON clients read them as they are).

use std::path::PathBuf;

use snafu::Snafu;
use ticket_domain::BackendError;

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
    /// A setting from the environment holds a value that cannot be used.
    #[snafu(display("{var}: {reason}"))]
    Env { var: &'static str, reason: String },
    /// The current directory cannot be read, so no root can be looked for.
    #[snafu(display("cannot read the current directory: {source}"))]
    CurrentDir { source: std::io::Error },
    /// The search engine failed (the tickets are fine; the index, if any, is rebuilt next time).
    #[snafu(display("{source}"))]
    Search { source: ticket_search::SearchError },
}

/// The stable name of a failure, as `--json` errors carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    NotFound,
    Ambiguous,
    Locked,
    Conflict,
    Invalid,
    Transition,
    Corrupt,
    Storage,
    NoRoot,
    Env,
    Io,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::Ambiguous => "ambiguous",
            ErrorCode::Locked => "locked",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Invalid => "invalid",
            ErrorCode::Transition => "transition",
            ErrorCode::Corrupt => "corrupt",
            ErrorCode::Storage => "storage",
            ErrorCode::NoRoot => "no_root",
            ErrorCode::Env => "env",
            ErrorCode::Io => "io",
        }
    }
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
                BackendError::Invalid { .. } | BackendError::BadName { .. } => ErrorCode::Invalid,
                BackendError::Transition { .. } => ErrorCode::Transition,
                BackendError::Corrupt { .. } => ErrorCode::Corrupt,
                BackendError::Storage { .. } => ErrorCode::Storage,
            },
            AppError::NoRoot { .. } | AppError::RootMissing { .. } => ErrorCode::NoRoot,
            AppError::Env { .. } => ErrorCode::Env,
            AppError::CurrentDir { .. } | AppError::Search { .. } => ErrorCode::Io,
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
