//! Which ticket root a use case works on: the one given, else `$WORK_ITEMS_DIR`, else the
//! nearest `work-items/` walking up from the current directory, stopping at the repository root.

use std::path::{Path, PathBuf};

use crate::error::AppError;

pub const DEFAULT_DIR: &str = "work-items";

/// How a root was chosen, so a client can say which of its settings named a missing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootSource {
    /// Given by the caller (the CLI's `--root`).
    Given,
    /// `$WORK_ITEMS_DIR`.
    Environment,
}

/// Resolves the root. `create` may start a root: at the top level of the repository it stands
/// in, else in the current directory, as `tickets.sh` does.
pub fn resolve(
    flag: Option<PathBuf>,
    env: Option<PathBuf>,
    cwd: &Path,
    creating: bool,
) -> Result<PathBuf, AppError> {
    let given = match (flag, env) {
        (Some(flag), _) if !flag.as_os_str().is_empty() => Some((flag, RootSource::Given)),
        (_, Some(env)) if !env.as_os_str().is_empty() => Some((env, RootSource::Environment)),
        _ => None,
    };
    if let Some((root, chosen_by)) = given {
        // A root that is not there is an error, not an empty backlog: an agent would conclude
        // there is no work. Only a create starts a root.
        if creating || cwd.join(&root).is_dir() {
            return Ok(root);
        }
        return Err(AppError::RootMissing { root, chosen_by });
    }
    let mut looked = Vec::new();
    let mut dir = cwd.to_path_buf();
    let mut relative = PathBuf::new();
    let mut top = None;
    loop {
        let candidate = dir.join(DEFAULT_DIR);
        if candidate.is_dir() {
            return Ok(relative.join(DEFAULT_DIR));
        }
        looked.push(candidate);
        if dir.join(".git").exists() {
            top = Some(relative.join(DEFAULT_DIR));
            break;
        }
        match dir.parent() {
            Some(parent) => {
                dir = parent.to_path_buf();
                relative.push("..");
            }
            None => break,
        }
    }
    if creating {
        // Inside a repository, where `init` puts it: its top level, never the subdirectory the
        // user stands in. Outside one, here, as `tickets.sh` does.
        return Ok(top.unwrap_or_else(|| PathBuf::from(DEFAULT_DIR)));
    }
    Err(AppError::NoRoot { looked })
}
