//! Every way a command fails, the code and exit status it gets, and how it is reported. Every
//! error has an [`ErrorCode`] from ticket-app's one table (its name, exit status and meaning,
//! docs/cli.md); this module picks the code of the errors only the CLI raises and adds the hints
//! that name this CLI's flags, matching on what failed (the variants), never on words.

use std::io;
use std::path::PathBuf;

use ticket_app::{AppError, ErrorCode, KeyRule, RootSource};
use ticket_domain::ids::IdError;
use ticket_domain::transition::TransitionError;
use ticket_domain::{BackendError, Field, InvalidInput};
use ticket_format::keys;

#[derive(Debug)]
pub enum CliError {
    Usage(String),
    App(AppError),
    /// An ambiguous query, with the paths of the tickets it matches (printed before the error).
    Ambiguous {
        error: AppError,
        paths: Vec<String>,
    },
    FileNotFound(PathBuf),
    /// A body file that exists but cannot be read (a directory, no permission).
    NotReadable {
        path: PathBuf,
        source: io::Error,
    },
    Io {
        what: String,
        source: io::Error,
    },
    /// The doctor found errors; its report is already printed.
    DoctorFailed,
    /// An import or export did part of its work; its report (with what it did not do) is
    /// already printed. `code` is [`ErrorCode::Incomplete`] for files not imported,
    /// [`ErrorCode::Conflict`] for tickets an existing file kept from being exported.
    Incomplete {
        code: ErrorCode,
    },
}

impl From<AppError> for CliError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<BackendError> for CliError {
    fn from(e: BackendError) -> Self {
        Self::App(e.into())
    }
}

impl CliError {
    /// The exit status, from the code's row of the table.
    pub fn exit_code(&self) -> i32 {
        self.code().exit_code()
    }

    /// The stable name `--json` errors carry.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Usage(_) => ErrorCode::Usage,
            Self::App(e) | Self::Ambiguous { error: e, .. } => e.code(),
            Self::FileNotFound(_) => ErrorCode::FileNotFound,
            Self::NotReadable { .. } => ErrorCode::NotReadable,
            Self::Io { .. } => ErrorCode::Io,
            Self::DoctorFailed => ErrorCode::DoctorFailed,
            Self::Incomplete { code } => *code,
        }
    }

    /// The `error:` line, worded as `tickets.sh` words it where it has the same error, with
    /// this CLI's flags named where they help.
    pub fn message(&self) -> String {
        match self {
            Self::Usage(m) => m.clone(),
            Self::App(e) | Self::Ambiguous { error: e, .. } => app_message(e),
            Self::FileNotFound(p) => format!("file not found: {}", p.display()),
            Self::NotReadable { path, source } => {
                format!("not readable: {}: {source}", path.display())
            }
            Self::Io { what, source } => format!("{what}: {source}"),
            Self::DoctorFailed => "doctor found errors".into(),
            Self::Incomplete { .. } => "some tickets were not imported or exported".into(),
        }
    }

    /// The ids an ambiguous query matches (for `--json` errors), when it is one.
    pub fn candidates(&self) -> Option<&[String]> {
        match self {
            Self::App(e) | Self::Ambiguous { error: e, .. } => match e.backend() {
                Some(BackendError::Ambiguous { matches, .. }) => Some(matches),
                _ => None,
            },
            _ => None,
        }
    }

    /// Lines printed before the `error:` line: an ambiguous query lists its matches' paths, one
    /// a line, as `tickets.sh` does.
    pub fn preamble(&self) -> &[String] {
        match self {
            Self::Ambiguous { paths, .. } => paths,
            _ => &[],
        }
    }

    /// This error, with the paths of an ambiguity's matches found through `app`.
    pub fn located(self, app: &ticket_app::App) -> Self {
        match self {
            Self::App(error) => match error.backend() {
                Some(BackendError::Ambiguous { matches, .. }) => {
                    let mut ids: Vec<&String> = Vec::new();
                    for id in matches {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                    // A short prefix can match thousands: list a bounded number of paths.
                    const SHOWN: usize = 20;
                    let mut paths: Vec<String> = ids
                        .iter()
                        .take(SHOWN)
                        .flat_map(|id| app.locations(id))
                        .collect();
                    if ids.len() > SHOWN {
                        paths.push(format!("... and {} more", ids.len() - SHOWN));
                    }
                    Self::Ambiguous { error, paths }
                }
                _ => Self::App(error),
            },
            other => other,
        }
    }
}

/// The `ticket edit` flag that sets a typed key, for the hint of a `--set` that names it.
fn flag_of(key: &str) -> &'static str {
    if keys::REFS.iter().any(|(k, _)| *k == key) {
        return "--ref-add/--ref-rm LIST=VALUE";
    }
    match key {
        keys::TITLE => "--title",
        keys::KIND => "--kind",
        keys::PRIORITY => "--priority",
        keys::LABELS => "--label or --label-add/--label-rm",
        keys::ASSIGNEE => "--assignee/--unassign",
        keys::LEGACY_TICKET => "--legacy-ticket",
        keys::READINESS => "--readiness",
        keys::NEEDS_PREFLIGHT => "--needs-preflight",
        keys::RISK_FLAGS => "--risk-flag-add/--risk-flag-rm",
        keys::ACTION_REQUIRED => "--action-required",
        _ => "its own flag (ticket edit --help)",
    }
}

fn app_message(e: &AppError) -> String {
    let Some(backend) = e.backend() else {
        return match e {
            AppError::NoRoot { .. } => format!("{e}; pass --root DIR or set WORK_ITEMS_DIR"),
            AppError::RootMissing { root, chosen_by } => {
                let how = match chosen_by {
                    RootSource::Given => "--root",
                    RootSource::Environment => "WORK_ITEMS_DIR",
                };
                format!(
                    "the ticket root {} does not exist (from {how}); check the name, or start a root with `ticket --root {} create --title TITLE`",
                    root.display(),
                    root.display()
                )
            }
            AppError::LeaseLost { id, .. } => {
                format!("{e} (ticket claim {id} takes it again when it is free)")
            }
            AppError::MissingTarget { .. } => {
                format!("{e} (pass --allow-missing to store it anyway)")
            }
            AppError::ReservedKey {
                key,
                rule: KeyRule::Typed,
                ..
            } => format!("{e} (use {})", flag_of(key)),
            AppError::ReservedKey {
                rule: KeyRule::Status,
                ..
            } => format!("{e} (use ticket status, close or reopen)"),
            AppError::ReadOnly { path, format } => format!(
                "{e}: `ticket import --from {format} {} --root DIR`",
                path.display()
            ),
            _ => e.to_string(),
        };
    };
    match backend {
        BackendError::Ambiguous { query, .. } => format!("ambiguous work item: {query}"),
        BackendError::Conflict { what } => format!("target already exists: {what}"),
        BackendError::BadName {
            source: IdError::TooLong { what: "slug", .. },
        } => format!("{e} (shorten the title or pass --slug)"),
        BackendError::Invalid {
            source: InvalidInput::EmptyField { field },
        } if matches!(field, Field::Title | Field::Kind | Field::Priority) => {
            format!("{e}; pass a non-empty --{field}")
        }
        BackendError::VersionConflict { .. } => {
            format!("{e} (its version is in `ticket --json show`)")
        }
        BackendError::UnknownValue { .. } => format!("{e} (pass --allow-new)"),
        BackendError::BodyMatch { occurrences } if *occurrences > 1 => {
            format!("{e} (pass --all)")
        }
        BackendError::Transition {
            source: TransitionError::AlreadyClosed { id },
        } => format!("{e} (ticket reopen {id})"),
        BackendError::Invalid {
            source: InvalidInput::NothingToEdit,
        } => {
            format!(
                "{e} (ticket edit --help lists what it changes: --title, --kind, --priority, --label-add, --body, --replace, ...)"
            )
        }
        _ => e.to_string(),
    }
}
