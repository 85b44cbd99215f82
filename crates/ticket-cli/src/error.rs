//! Every way a command fails, the exit code it gets, and how it is reported.
//!
//! Exit codes: 0 success, 1 failure (doctor errors included), 2 usage, 3 not found or ambiguous,
//! 4 locked or conflict.

use std::io;
use std::path::PathBuf;

use ticket_domain::BackendError;

#[derive(Debug)]
pub enum CliError {
    Usage(String),
    /// An environment variable holds a value that cannot be used.
    Env(String),
    Backend(BackendError),
    NoRoot {
        looked: Vec<PathBuf>,
    },
    FileNotFound(PathBuf),
    Io {
        what: String,
        source: io::Error,
    },
    /// The doctor found errors; its report is already printed.
    DoctorFailed,
}

impl From<BackendError> for CliError {
    fn from(e: BackendError) -> Self {
        Self::Backend(e)
    }
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Usage(_) => 2,
            Self::Backend(BackendError::NotFound { .. } | BackendError::Ambiguous { .. }) => 3,
            Self::Backend(BackendError::Locked { .. } | BackendError::Conflict { .. }) => 4,
            Self::Backend(BackendError::Invalid { .. } | BackendError::BadName { .. }) => 2,
            Self::NoRoot { .. } => 3,
            _ => 1,
        }
    }

    /// A stable name for `--json` errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Usage(_) => "usage",
            Self::Env(_) => "env",
            Self::Backend(e) => match e {
                BackendError::NotFound { .. } => "not_found",
                BackendError::Ambiguous { .. } => "ambiguous",
                BackendError::Locked { .. } => "locked",
                BackendError::Conflict { .. } => "conflict",
                BackendError::Invalid { .. } | BackendError::BadName { .. } => "invalid",
                BackendError::Transition { .. } => "transition",
                BackendError::Corrupt { .. } => "corrupt",
                BackendError::Storage { .. } => "storage",
            },
            Self::NoRoot { .. } => "no_root",
            Self::FileNotFound(_) => "file_not_found",
            Self::Io { .. } => "io",
            Self::DoctorFailed => "doctor_failed",
        }
    }

    /// The `error:` line, worded as `tickets.sh` words it where it has the same error.
    pub fn message(&self) -> String {
        match self {
            Self::Usage(m) | Self::Env(m) => m.clone(),
            Self::Backend(BackendError::Ambiguous { query, .. }) => {
                format!("ambiguous work item: {query}")
            }
            Self::Backend(BackendError::Conflict { what }) => {
                format!("target already exists: {what}")
            }
            Self::Backend(e) => e.to_string(),
            Self::NoRoot { looked } => {
                let looked: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
                format!(
                    "no work-items/ directory found (looked in {}); pass --root DIR or set WORK_ITEMS_DIR",
                    looked.join(", ")
                )
            }
            Self::FileNotFound(p) => format!("file not found: {}", p.display()),
            Self::Io { what, source } => format!("{what}: {source}"),
            Self::DoctorFailed => "doctor found errors".into(),
        }
    }

    /// Lines printed before the `error:` line (an ambiguous query lists its matches, one a line).
    pub fn preamble(&self) -> Vec<String> {
        match self {
            Self::Backend(BackendError::Ambiguous { matches, .. }) => matches.clone(),
            _ => Vec::new(),
        }
    }
}
