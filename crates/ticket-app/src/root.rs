//! Which ticket root a use case works on: the one given, else `$WORK_ITEMS_DIR`, else the
//! nearest `work-items/` walking up from the current directory, stopping at the repository root.

use std::path::{Path, PathBuf};

use crate::error::AppError;

pub const DEFAULT_DIR: &str = "work-items";

/// Resolves the root. `create` may start a root in the current directory, as `tickets.sh` does.
pub fn resolve(
    flag: Option<PathBuf>,
    env: Option<PathBuf>,
    cwd: &Path,
    creating: bool,
) -> Result<PathBuf, AppError> {
    if let Some(root) = flag.or(env).filter(|p| !p.as_os_str().is_empty()) {
        return Ok(root);
    }
    let mut looked = Vec::new();
    let mut dir = cwd.to_path_buf();
    let mut relative = PathBuf::new();
    loop {
        let candidate = dir.join(DEFAULT_DIR);
        if candidate.is_dir() {
            return Ok(relative.join(DEFAULT_DIR));
        }
        looked.push(candidate);
        if dir.join(".git").exists() {
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
        return Ok(PathBuf::from(DEFAULT_DIR));
    }
    Err(AppError::NoRoot { looked })
}
